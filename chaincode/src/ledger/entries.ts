/**
 * Settlement entries and statements. An entry is the one stored copy of an order's
 * outcome, dated by the day of the clearing that wrote it; a statement holds an
 * account's balance through a day, so a balance sums only the entries after it.
 */
import { Context } from 'fabric-contract-api';
import { LedgerError } from '../domain/errors';
import { Allocation, Market, MarketEntry, Order, SettlementEntry, Statement } from '../domain/model';
import { entryAccountEnd, entryAccountPrefix, entryAfterDay, entryKey, KEY } from './keys';
import { fromBytes, toBytes } from './json';
import { read, walkRange } from './state';
import { dayOf } from './tx';

/**
 * The key parts after the day: a market entry is `<market>~<order>` (the grid's
 * `<market>~grid`); an auction's `auction:<auction>~<account>`, an imbalance's
 * `imbalance:<market>~<account>`, so no two kinds can share a key (':' is no id character).
 */
function entrySource(entry: SettlementEntry): [string, string] {
  switch (entry.kind) {
    case 'market':
      return [entry.marketId, entry.orderId || entry.participantId];
    case 'auction':
      return [`auction:${entry.auctionId}`, entry.participantId];
    case 'imbalance':
      return [`imbalance:${entry.marketId}`, entry.participantId];
  }
}

export async function writeEntry(ctx: Context, day: string, entry: SettlementEntry): Promise<void> {
  const [source, ref] = entrySource(entry);
  await ctx.stub.putState(entryKey(entry.participantId, day, source, ref), toBytes(entry));
}

/** The outcome of one order of a settled market, or undefined before settlement. */
export async function entryOf(ctx: Context, market: Market, participantId: string, orderId: string): Promise<MarketEntry | undefined> {
  if (!market.settledAt) return undefined;
  const bytes = await ctx.stub.getState(entryKey(participantId, dayOf(market.settledAt), market.id, orderId));
  return bytes && bytes.length > 0 ? fromBytes<MarketEntry>(bytes) : undefined;
}

export function allocationOf(e: MarketEntry): Allocation {
  return {
    orderId: e.orderId,
    participantId: e.participantId,
    side: e.side as Allocation['side'],
    status: e.status as Allocation['status'],
    energyWh: e.energyWh as number,
    internalWh: e.internalWh,
    gridWh: e.gridWh,
    price: e.price,
    amount: e.amount,
  };
}

/**
 * An order as its owner sees it: orders are not rewritten when their market
 * settles or is cancelled, so the outcome is read from the entry or the market.
 */
export async function orderView(ctx: Context, market: Market, order: Order): Promise<Order> {
  if (order.status !== 'open') return order;
  if (market.status === 'cancelled') {
    return { ...order, status: 'cancelled', cancelledBy: 'market', updatedAt: market.cancelledAt ?? order.updatedAt };
  }
  const entry = await entryOf(ctx, market, order.participantId, order.id);
  if (entry?.status) return { ...order, status: entry.status, updatedAt: market.settledAt ?? order.updatedAt };
  return order;
}

export async function closedThrough(ctx: Context): Promise<string> {
  return (await read<{ closedThrough: string }>(ctx, KEY.books, []))?.closedThrough ?? '';
}

/** Entries may be written only on days no statement covers yet. */
export async function refuseClosedDay(ctx: Context, day: string): Promise<void> {
  const through = await closedThrough(ctx);
  if (through !== '' && day <= through) {
    throw new LedgerError('PERIOD_CLOSED', `statements already cover ${through}; no entry can be dated ${day}`);
  }
}

export function statementOf(ctx: Context, accountId: string): Promise<Statement | undefined> {
  return read<Statement>(ctx, KEY.statement, [accountId]);
}

export function safeAdd(a: number, b: number, accountId: string): number {
  const sum = a + b;
  if (!Number.isSafeInteger(sum)) throw new LedgerError('ARITHMETIC_OVERFLOW', `balance of ${accountId} exceeds the safe integer range`);
  return sum;
}

/** The range of entries a statement through `through` does not yet cover (all of them without one). */
export function uncoveredStart(accountId: string, statement: Statement | undefined): string {
  return statement ? entryAfterDay(accountId, statement.through) : entryAccountPrefix(accountId);
}

/** Balance = the last statement + the entries after it, walked in pages (read-only transactions). */
export async function balanceOf(ctx: Context, accountId: string): Promise<{ balance: number; statement: Statement | undefined }> {
  const statement = await statementOf(ctx, accountId);
  let balance = statement?.balance ?? 0;
  await walkRange<SettlementEntry>(ctx, uncoveredStart(accountId, statement), entryAccountEnd(accountId), (e) => {
    balance = safeAdd(balance, e.amount, accountId);
  });
  return { balance, statement };
}

