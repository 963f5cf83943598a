/**
 * Orders: a household places, amends and cancels its own order while the market
 * is open. Ownership is checked here against the submitting identity: the gateway
 * is not trusted to do it.
 */
import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { EcchContract } from './ecch-contract';
import { orderView } from '../ledger/entries';
import { loadMarket } from '../ledger/markets';
import { ActiveRecord, publicOrderView, readActive, writeOpenOrder } from '../ledger/orders';
import { LedgerError } from '../domain/errors';
import { Market, Order, Participant } from '../domain/model';
import { canonicalJson } from '../ledger/json';
import { KEY } from '../ledger/keys';
import { parsePageSize, read, readRequired, scanPage, write } from '../ledger/state';
import { callerParticipant, emit, isNa, requireActiveHousehold, requireNa, txTime } from '../ledger/tx';
import { id, int, oneOf, onlyFields, optional, parseObject } from '../ledger/validate';

async function openMarket(ctx: Context, marketId: string): Promise<Market> {
  const market = await loadMarket(ctx, marketId);
  if (market.status !== 'open') throw new LedgerError('MARKET_NOT_OPEN', `market ${market.id} is ${market.status}`);
  return market;
}

function checkEnergy(market: Market, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new LedgerError('INVALID_ARGUMENT', 'energyWh must be an integer');
  }
  if (value < 1 || value > market.maxOrderWh) {
    throw new LedgerError('ENERGY_OUT_OF_RANGE', `energyWh must be between 1 and ${market.maxOrderWh}, got ${value}`);
  }
  return value;
}

/** §4: a limit outside [S, B] is refused; absent, a sell defaults to S and a buy to B. */
function effectiveLimit(market: Market, side: 'buy' | 'sell', value: unknown): { limitPrice: number; limitGiven: boolean } {
  if (value === undefined || value === null) {
    return { limitPrice: side === 'sell' ? market.gridSellPrice : market.gridBuyPrice, limitGiven: false };
  }
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new LedgerError('INVALID_ARGUMENT', 'limitPrice must be an integer (µ/kWh)');
  if (value < market.gridSellPrice || value > market.gridBuyPrice) {
    throw new LedgerError(
      'LIMIT_OUT_OF_RANGE',
      `limitPrice ${value} is outside [${market.gridSellPrice}, ${market.gridBuyPrice}] (the market's feed-in and retail prices)`,
    );
  }
  return { limitPrice: value, limitGiven: true };
}

/**
 * The caller's own open order in an open market, or a typed refusal. The caller's
 * active record holds it; only another order id (someone else's, a cancelled one, an
 * unknown one) or a record written before the fold costs a read of the order key.
 */
async function ownOpenOrder(ctx: Context, marketId: string, orderId: string): Promise<{ market: Market; order: Order; owner: Pick<Participant, 'id'>; active: ActiveRecord | undefined }> {
  const owner = await requireActiveHousehold(ctx);
  const market = await openMarket(ctx, marketId);
  const wanted = id(orderId, 'orderId');
  const active = await readActive(ctx, market.id, owner.id);
  if (active?.order && active.orderId === wanted) return { market, order: active.order, owner, active };
  const order = await readRequired<Order>(ctx, KEY.order, [market.id, wanted], `order ${orderId}`);
  if (order.participantId !== owner.id) throw new LedgerError('FORBIDDEN', `order ${order.id} belongs to another participant`);
  if (order.status !== 'open') throw new LedgerError('ORDER_NOT_OPEN', `order ${order.id} is ${order.status}`);
  return { market, order, owner, active };
}

/** What a placement asked for: a retry with the same clientOrderId must ask for the same. */
function placementDigest(side: string, energyWh: number, limitPrice: number | null): string {
  return canonicalJson({ energyWh, limitPrice, side });
}

/** Orders with their outcome (read from the market and its entries), loading each market once. */
async function viewOrders(ctx: Context, orders: Order[]): Promise<Order[]> {
  const markets = new Map<string, Market>();
  const out: Order[] = [];
  for (const o of orders) {
    let market = markets.get(o.marketId);
    if (!market) {
      market = await loadMarket(ctx, o.marketId);
      markets.set(market.id, market);
    }
    out.push(await orderView(ctx, market, o));
  }
  return out;
}

async function loadOrders(ctx: Context, refs: { marketId: string; orderId: string }[]): Promise<Order[]> {
  const out: Order[] = [];
  for (const r of refs) {
    const o = await read<Order>(ctx, KEY.order, [r.marketId, r.orderId]);
    if (o) out.push(o);
  }
  return viewOrders(ctx, out);
}

@Info({ title: 'Orders', description: 'The order book: one active order per household per market' })
export class OrderContract extends EcchContract {
  constructor() {
    super('orders');
  }

  /**
   * Places the caller's order. With a clientOrderId, a retry returns the first
   * order unchanged (`created: false`) and writes nothing.
   */
  @Transaction()
  @Returns('string')
  public async Place(ctx: Context, marketId: string, input: string): Promise<string> {
    const owner = await requireActiveHousehold(ctx);
    const market = await openMarket(ctx, marketId);
    const o = parseObject(input, 'order');
    onlyFields(o, ['side', 'energyWh', 'limitPrice', 'clientOrderId'], 'order');
    const clientOrderId = optional(o.clientOrderId, (v) => id(v, 'clientOrderId'));
    const side = oneOf(o.side, 'side', ['buy', 'sell'] as const);
    const energyWh = checkEnergy(market, o.energyWh);
    const { limitPrice, limitGiven } = effectiveLimit(market, side, o.limitPrice);
    const digest = placementDigest(side, energyWh, limitGiven ? limitPrice : null);
    const active = await readActive(ctx, market.id, owner.id);
    if (clientOrderId !== undefined) {
      // A retry of the active order is answered from its record; any other clientOrderId may name a cancelled order.
      const mine = active?.order !== undefined && active.digest !== undefined && active.order.clientOrderId === clientOrderId;
      const seen = mine ? { orderId: active.orderId, digest: active.digest } : await read<{ orderId: string; digest?: string }>(ctx, KEY.clientOrder, [market.id, owner.id, clientOrderId]);
      if (seen) {
        if (seen.digest !== undefined && seen.digest !== digest) {
          throw new LedgerError('IDEMPOTENCY_KEY_REUSED', `clientOrderId ${clientOrderId} was used for a different order (${seen.orderId})`);
        }
        const existing = mine && active.order ? active.order : await readRequired<Order>(ctx, KEY.order, [market.id, seen.orderId], `order ${seen.orderId}`);
        return canonicalJson({ order: await orderView(ctx, market, existing), created: false });
      }
    }
    if (active) {
      throw new LedgerError('ACTIVE_ORDER_EXISTS', `participant ${owner.id} already has order ${active.orderId} in market ${market.id}: amend it instead`);
    }
    const now = txTime(ctx);
    const order: Order = {
      id: `o-${ctx.stub.getTxID().slice(0, 24)}`,
      marketId: market.id,
      participantId: owner.id,
      side,
      energyWh,
      limitPrice,
      limitGiven,
      status: 'open',
      revision: 1,
      createdAt: now,
      updatedAt: now,
    };
    if (clientOrderId !== undefined) order.clientOrderId = clientOrderId;
    await writeOpenOrder(ctx, order, clientOrderId === undefined ? undefined : digest);
    await write(ctx, KEY.participantOrder, [owner.id, market.id, order.id], { marketId: market.id, orderId: order.id });
    emit(ctx, 'order.placed', publicOrderView(order));
    return canonicalJson({ order, created: true });
  }

  /** Changes energy and/or limit; `expectedRevision`, when given, must match (optimistic concurrency). */
  @Transaction()
  @Returns('string')
  public async Amend(ctx: Context, marketId: string, orderId: string, input: string): Promise<string> {
    const { market, order, active } = await ownOpenOrder(ctx, marketId, orderId);
    const o = parseObject(input, 'amendment');
    onlyFields(o, ['energyWh', 'limitPrice', 'expectedRevision'], 'amendment');
    if (o.energyWh === undefined && o.limitPrice === undefined) {
      throw new LedgerError('INVALID_ARGUMENT', 'an amendment needs energyWh or limitPrice');
    }
    const expected = optional(o.expectedRevision, (v) => int(v, 'expectedRevision', 1));
    if (expected !== undefined && expected !== order.revision) {
      throw new LedgerError('REVISION_MISMATCH', `order ${order.id} is at revision ${order.revision}, not ${expected}`);
    }
    const amended: Order = { ...order, revision: order.revision + 1, updatedAt: txTime(ctx) };
    if (o.energyWh !== undefined) amended.energyWh = checkEnergy(market, o.energyWh);
    if (o.limitPrice !== undefined) Object.assign(amended, effectiveLimit(market, order.side, o.limitPrice));
    await writeOpenOrder(ctx, amended, active?.orderId === order.id ? active.digest : undefined);
    emit(ctx, 'order.amended', publicOrderView(amended));
    return canonicalJson(amended);
  }

  @Transaction()
  @Returns('string')
  public async Cancel(ctx: Context, marketId: string, orderId: string): Promise<string> {
    const { market, order, owner, active } = await ownOpenOrder(ctx, marketId, orderId);
    const cancelled: Order = { ...order, status: 'cancelled', cancelledBy: 'owner', revision: order.revision + 1, updatedAt: txTime(ctx) };
    await write(ctx, KEY.order, [market.id, order.id], cancelled);
    await ctx.stub.deleteState(ctx.stub.createCompositeKey(KEY.active, [market.id, owner.id]));
    // The active record held the placement's digest: a later retry of it must still find the order.
    if (order.clientOrderId !== undefined && active?.orderId === order.id && active.digest !== undefined) {
      await write(ctx, KEY.clientOrder, [market.id, owner.id, order.clientOrderId], { digest: active.digest, orderId: order.id });
    }
    emit(ctx, 'order.cancelled', publicOrderView(cancelled));
    return canonicalJson(cancelled);
  }

  @Transaction(false)
  @Returns('string')
  public async Get(ctx: Context, marketId: string, orderId: string): Promise<string> {
    const market = await loadMarket(ctx, marketId);
    const order = await readRequired<Order>(ctx, KEY.order, [market.id, id(orderId, 'orderId')], `order ${orderId}`);
    if (!isNa(ctx)) {
      const caller = await callerParticipant(ctx);
      if (!caller || caller.id !== order.participantId) throw new LedgerError('FORBIDDEN', `order ${order.id} belongs to another participant`);
    }
    return canonicalJson(await orderView(ctx, market, order));
  }

  /** The caller's own orders, in one market or (marketId "") all. */
  @Transaction(false)
  @Returns('string')
  public async ListMine(ctx: Context, marketId: string, pageSize: string, bookmark: string): Promise<string> {
    const caller = await callerParticipant(ctx);
    if (!caller) throw new LedgerError('UNAUTHENTICATED', 'this identity is not bound to any participant');
    const parts = marketId === '' ? [caller.id] : [caller.id, (await loadMarket(ctx, marketId)).id];
    const page = await scanPage<{ marketId: string; orderId: string }>(ctx, KEY.participantOrder, parts, parsePageSize(pageSize), bookmark);
    return canonicalJson({ items: await loadOrders(ctx, page.items), bookmark: page.bookmark });
  }

  @Transaction(false)
  @Returns('string')
  public async ListByMarket(ctx: Context, marketId: string, pageSize: string, bookmark: string): Promise<string> {
    requireNa(ctx, 'list every order of a market');
    const market = await loadMarket(ctx, marketId);
    const page = await scanPage<Order>(ctx, KEY.order, [market.id], parsePageSize(pageSize), bookmark);
    return canonicalJson({ items: await viewOrders(ctx, page.items), bookmark: page.bookmark });
  }
}
