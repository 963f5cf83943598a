/**
 * Market records and their indexes. Every status change goes through saveMarket,
 * which keeps the time index (newest first), the status index and the day index
 * (live markets, for the overlap check) in step with the record.
 */
import { Context } from 'fabric-contract-api';
import { LedgerError } from '../domain/errors';
import { Market, MarketStatus, Order } from '../domain/model';
import { KEY, newestFirst } from './keys';
import { fromBytes } from './json';
import { ActiveRecord } from './orders';
import { read, readRequired, remove, scanAll, scanKeys, write, writeIndex } from './state';
import { dayOf } from './tx';
import { id } from './validate';

/** The most active orders one clearing transaction carries (bench/results/close.md measures it). */
export const MAX_CLEARING_ORDERS = 10_000;

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

export function loadMarket(ctx: Context, marketId: string): Promise<Market> {
  return readRequired<Market>(ctx, KEY.market, [id(marketId, 'marketId')], `market ${marketId}`);
}

export function requireStatus(market: Market, allowed: readonly MarketStatus[], action: string): void {
  if (!allowed.includes(market.status)) {
    throw new LedgerError('INVALID_STATE', `cannot ${action} market ${market.id}: it is ${market.status}`);
  }
}

function endOf(m: Pick<Market, 'deliveryStart' | 'durationMinutes'>): string {
  return new Date(Date.parse(m.deliveryStart) + m.durationMinutes * MINUTE_MS).toISOString();
}

/** Writes a market and moves its index entries from `before`'s status to its own. */
export async function saveMarket(ctx: Context, before: Market | undefined, after: Market): Promise<void> {
  const order = newestFirst(after.deliveryStart);
  const dayParts = [dayOf(after.deliveryStart), after.deliveryStart, after.id];
  if (!before) {
    await writeIndex(ctx, KEY.marketTime, [order, after.id]);
    await write(ctx, KEY.marketDay, dayParts, { start: after.deliveryStart, end: endOf(after) });
  } else if (before.status !== after.status) {
    await remove(ctx, KEY.marketStatus, [before.status, order, after.id]);
  }
  if (!before || before.status !== after.status) await writeIndex(ctx, KEY.marketStatus, [after.status, order, after.id]);
  // A cancelled market frees its interval.
  if (after.status === 'cancelled') await remove(ctx, KEY.marketDay, dayParts);
  await write(ctx, KEY.market, [after.id], after);
}

/**
 * Refuses an interval that overlaps a live (not cancelled) market. Markets last at
 * most a day, so only those starting on the day before, the same day or the next
 * can overlap: three bounded scans of the day index.
 */
export async function refuseOverlap(ctx: Context, candidate: Pick<Market, 'deliveryStart' | 'durationMinutes'>): Promise<void> {
  const start = Date.parse(candidate.deliveryStart);
  const end = Date.parse(endOf(candidate));
  for (const offset of [-DAY_MS, 0, DAY_MS]) {
    const day = dayOf(new Date(start + offset).toISOString());
    for (const other of await scanAll<{ start: string; end: string }>(ctx, KEY.marketDay, [day])) {
      if (Date.parse(other.start) < end && start < Date.parse(other.end)) {
        throw new LedgerError('MARKET_OVERLAP', `the interval ${candidate.deliveryStart} – ${new Date(end).toISOString()} overlaps the market delivering ${other.start} – ${other.end}`);
      }
    }
  }
}

/** The active-order records of a market, in participant order: one per participant, so bounded by the community. */
async function activeRecords(ctx: Context, market: Market): Promise<{ participantId: string; record: ActiveRecord }[]> {
  const refs = await scanKeys(ctx, KEY.active, [market.id]);
  if (refs.length > MAX_CLEARING_ORDERS) {
    throw new LedgerError('MARKET_TOO_LARGE', `market ${market.id} holds ${refs.length} active orders; one clearing carries at most ${MAX_CLEARING_ORDERS}`);
  }
  return refs.map((r) => ({ participantId: r.attributes[1], record: fromBytes<ActiveRecord>(r.value) }));
}

/** Who holds an active (not cancelled) order in a market. */
export async function activeRefs(ctx: Context, market: Market): Promise<{ participantId: string; orderId: string }[]> {
  return (await activeRecords(ctx, market)).map((r) => ({ participantId: r.participantId, orderId: r.record.orderId }));
}

/** The active orders of a market: one range scan (a record written before the fold costs a read of its order). */
export async function activeOrders(ctx: Context, market: Market): Promise<Order[]> {
  const orders: Order[] = [];
  for (const { record } of await activeRecords(ctx, market)) {
    const o = record.order ?? (await read<Order>(ctx, KEY.order, [market.id, record.orderId]));
    if (o) orders.push(o);
  }
  return orders;
}
