/**
 * Markets: one delivery interval with its own tariffs. The NA creates, opens,
 * gate-closes, clears and cancels. Gate closure writes only the market record, so
 * order transactions (which read it) lose any race with it; clearing then reads a
 * book nobody can change.
 */
import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { clearMarketWith } from '../domain/clearing';
import { LedgerError } from '../domain/errors';
import { GRID_ACCOUNT, Market, MARKET_STATUSES, MarketResult, MarketStatus, MECHANISMS, Order, SettlementEntry } from '../domain/model';
import { EcchContract } from './ecch-contract';
import { reconcileMarket, reconciliationOf } from './reconcile-market';
import { allocationOf, entryOf, refuseClosedDay, writeEntry } from '../ledger/entries';
import { canonicalJson } from '../ledger/json';
import { KEY } from '../ledger/keys';
import { activeOrders, activeRefs, loadMarket, refuseOverlap, requireStatus, saveMarket } from '../ledger/markets';
import { publicOrderView } from '../ledger/orders';
import { indexPage, parsePageSize, read, write } from '../ledger/state';
import { dayOf, emit, requireNa, txTime } from '../ledger/tx';
import { id, instant, int, oneOf, onlyFields, optional, parseObject } from '../ledger/validate';

export const DEFAULT_MAX_ORDER_WH = 1_000_000;
const MAX_PRICE = 1_000_000_000; // µ/kWh (1000 currency units per kWh): far above any tariff
const DAY_MS = 86_400_000;
/** deliveryStart may lie at most this far after the transaction time (a year's schedule)… */
export const HORIZON_AHEAD_DAYS = 366;
/** …and at most this far before it (replays of past study days). */
export const HORIZON_BEHIND_DAYS = 3660;

/** Default market id from its delivery start: one market per interval unless the NA names it. */
function defaultMarketId(deliveryStart: string): string {
  return `m-${deliveryStart.slice(0, 16).replace(/[-:]/g, '')}Z`;
}

function refuseOutOfHorizon(deliveryStart: string, now: string): void {
  const delta = Date.parse(deliveryStart) - Date.parse(now);
  if (delta > HORIZON_AHEAD_DAYS * DAY_MS || -delta > HORIZON_BEHIND_DAYS * DAY_MS) {
    throw new LedgerError(
      'OUT_OF_HORIZON',
      `deliveryStart ${deliveryStart} must lie within ${HORIZON_AHEAD_DAYS} days after and ${HORIZON_BEHIND_DAYS} days before now (${now})`,
    );
  }
}

/** An NA step that only moves a market from one status to the next and stamps when. */
async function stamp(ctx: Context, marketId: string, action: string, from: MarketStatus, change: Partial<Market>, event: string): Promise<Market> {
  requireNa(ctx, `${action} markets`);
  const market = await loadMarket(ctx, marketId);
  requireStatus(market, [from], action);
  const next: Market = { ...market, ...change };
  await saveMarket(ctx, market, next);
  emit(ctx, event, next);
  return next;
}

@Info({ title: 'Markets', description: 'Hourly markets, gate closure, clearing by the market\'s mechanism (sdr, mmr, uniform, pay-as-bid) and settlement' })
export class MarketContract extends EcchContract {
  constructor() {
    super('markets');
  }

  @Transaction()
  @Returns('string')
  public async Create(ctx: Context, input: string): Promise<string> {
    requireNa(ctx, 'create markets');
    const o = parseObject(input, 'market');
    onlyFields(o, ['id', 'deliveryStart', 'durationMinutes', 'readingWindowMinutes', 'gridBuyPrice', 'gridSellPrice', 'mechanism', 'maxOrderWh'], 'market');
    const now = txTime(ctx);
    const deliveryStart = instant(o.deliveryStart, 'deliveryStart');
    refuseOutOfHorizon(deliveryStart, now);
    const marketId = optional(o.id, (v) => id(v, 'id')) ?? defaultMarketId(deliveryStart);
    const gridBuyPrice = int(o.gridBuyPrice, 'gridBuyPrice', 0, MAX_PRICE);
    const gridSellPrice = int(o.gridSellPrice, 'gridSellPrice', 0, MAX_PRICE);
    if (!(gridSellPrice < gridBuyPrice)) {
      throw new LedgerError('INVALID_TARIFF', `gridSellPrice (${gridSellPrice}) must be below gridBuyPrice (${gridBuyPrice})`);
    }
    if (await read(ctx, KEY.market, [marketId])) throw new LedgerError('ALREADY_EXISTS', `market ${marketId} already exists`);
    const market: Market = {
      id: marketId,
      status: 'scheduled',
      deliveryStart,
      durationMinutes: optional(o.durationMinutes, (v) => int(v, 'durationMinutes', 1, 24 * 60)) ?? 60,
      readingWindowMinutes: optional(o.readingWindowMinutes, (v) => int(v, 'readingWindowMinutes', 0, 7 * 24 * 60)) ?? 60,
      gridBuyPrice,
      gridSellPrice,
      mechanism: optional(o.mechanism, (v) => oneOf(v, 'mechanism', MECHANISMS)) ?? 'sdr',
      maxOrderWh: optional(o.maxOrderWh, (v) => int(v, 'maxOrderWh', 1, 100_000_000)) ?? DEFAULT_MAX_ORDER_WH,
      createdAt: now,
    };
    await refuseOverlap(ctx, market);
    await saveMarket(ctx, undefined, market);
    emit(ctx, 'market.created', market);
    return canonicalJson(market);
  }

  @Transaction()
  @Returns('string')
  public async Open(ctx: Context, marketId: string): Promise<string> {
    return canonicalJson(await stamp(ctx, marketId, 'open', 'scheduled', { status: 'open', openedAt: txTime(ctx) }, 'market.opened'));
  }

  /**
   * Gate closure (market-rules §3): `open → closed`, writing only the market record.
   * Every order transaction reads that record, so one endorsed before gate closure
   * and committed after it fails validation, and its retry is refused MARKET_NOT_OPEN.
   */
  @Transaction()
  @Returns('string')
  public async GateClose(ctx: Context, marketId: string): Promise<string> {
    return canonicalJson(await stamp(ctx, marketId, 'gate-close', 'open', { status: 'closed', closedAt: txTime(ctx) }, 'market.gate-closed'));
  }

  /**
   * Clearing by the market's mechanism and settlement (`closed → settled`) in one
   * transaction: the result and every settlement entry are written, or nothing is.
   * Each order's outcome is stored once, in its entry; the stored result is the
   * market's summary.
   */
  @Transaction()
  @Returns('string')
  public async Clear(ctx: Context, marketId: string): Promise<string> {
    requireNa(ctx, 'clear markets');
    const market = await loadMarket(ctx, marketId);
    requireStatus(market, ['closed'], 'clear');
    const now = txTime(ctx);
    const day = dayOf(now);
    await refuseClosedDay(ctx, day);
    const orders = await activeOrders(ctx, market);
    const clearing = clearMarketWith(
      market.mechanism,
      orders.map((o) => ({ orderId: o.id, participantId: o.participantId, side: o.side, energyWh: o.energyWh, limitPrice: o.limitPrice })),
      market,
    );
    for (const a of clearing.allocations) {
      const { orderId, participantId, side, status, energyWh, internalWh, gridWh, price, amount } = a;
      const entry: SettlementEntry = { kind: 'market', marketId: market.id, participantId, orderId, side, status, energyWh, internalWh, gridWh, price, amount, at: now };
      await writeEntry(ctx, day, entry);
    }
    await writeEntry(ctx, day, {
      kind: 'market',
      marketId: market.id,
      participantId: GRID_ACCOUNT,
      orderId: '',
      side: 'grid',
      internalWh: 0,
      gridWh: clearing.gridImportWh - clearing.gridExportWh,
      price: clearing.internalPrice,
      amount: clearing.gridAmount,
      at: now,
    });
    const { allocations, ...totals } = clearing;
    const summary: Omit<MarketResult, 'allocations'> = {
      marketId: market.id,
      mechanism: market.mechanism,
      sdr: { supplyWh: totals.supplyWh, demandWh: totals.demandWh, fraction: totals.fraction, ratio: totals.ratio },
      internalPrice: totals.internalPrice,
      sellPrice: totals.sellPrice,
      buyPrice: totals.buyPrice,
      rounds: totals.rounds,
      internalWh: totals.internalWh,
      gridImportWh: totals.gridImportWh,
      gridExportWh: totals.gridExportWh,
      gridAmount: totals.gridAmount,
      closedAt: now,
    };
    await write(ctx, KEY.result, [market.id], summary);
    const settled: Market = { ...market, status: 'settled', settledAt: now };
    await saveMarket(ctx, market, settled);
    emit(ctx, 'market.closed', { market: settled, result: { ...summary, orders: allocations.length } });
    return canonicalJson({ market: settled, result: { ...summary, allocations } });
  }

  /**
   * Cancelling voids every order of the market; nothing is settled. Orders are not
   * rewritten (their view reads the market); the event lists the voided ones.
   */
  @Transaction()
  @Returns('string')
  public async Cancel(ctx: Context, marketId: string): Promise<string> {
    requireNa(ctx, 'cancel markets');
    const market = await loadMarket(ctx, marketId);
    requireStatus(market, ['scheduled', 'open'], 'cancel');
    const now = txTime(ctx);
    const voided = await activeOrders(ctx, market);
    const cancelled: Market = { ...market, status: 'cancelled', cancelledAt: now };
    await saveMarket(ctx, market, cancelled);
    emit(ctx, 'market.cancelled', {
      market: cancelled,
      voidedOrders: voided.map((o) => publicOrderView({ ...o, status: 'cancelled' })),
    });
    return canonicalJson(cancelled);
  }

  /** Metered delivery against the trades (`settled → reconciled`, once; mechanisms.md §7): see reconcile-market.ts. */
  @Transaction()
  @Returns('string')
  public async Reconcile(ctx: Context, marketId: string): Promise<string> {
    return canonicalJson(await reconcileMarket(ctx, marketId));
  }

  @Transaction(false)
  @Returns('string')
  public async GetReconciliation(ctx: Context, marketId: string): Promise<string> {
    return canonicalJson(await reconciliationOf(ctx, marketId));
  }

  @Transaction(false)
  @Returns('string')
  public async Get(ctx: Context, marketId: string): Promise<string> {
    return canonicalJson(await loadMarket(ctx, marketId));
  }

  /** Newest delivery first, through the time index (or the status index with a filter), paged. */
  @Transaction(false)
  @Returns('string')
  public async List(ctx: Context, status: string, pageSize: string, bookmark: string): Promise<string> {
    const size = parsePageSize(pageSize);
    const page =
      status === ''
        ? await indexPage(ctx, KEY.marketTime, [], size, bookmark)
        : await indexPage(ctx, KEY.marketStatus, [oneOf(status, 'status', MARKET_STATUSES)], size, bookmark);
    const items: Market[] = [];
    for (const attributes of page.items) {
      const m = await read<Market>(ctx, KEY.market, [attributes[attributes.length - 1]]);
      if (m) items.push(m);
    }
    return canonicalJson({ items, bookmark: page.bookmark });
  }

  /** The summary and every order's allocation, read from the settlement entries. */
  @Transaction(false)
  @Returns('string')
  public async GetResult(ctx: Context, marketId: string): Promise<string> {
    const market = await loadMarket(ctx, marketId);
    const summary = await read<Omit<MarketResult, 'allocations'>>(ctx, KEY.result, [market.id]);
    if (!summary) throw new LedgerError('RESULT_NOT_AVAILABLE', `market ${market.id} is ${market.status}: no result before clearing`);
    const allocations = [];
    for (const r of await activeRefs(ctx, market)) {
      const entry = await entryOf(ctx, market, r.participantId, r.orderId);
      if (entry) allocations.push(allocationOf(entry));
    }
    // The clearing's own order: ascending order id.
    allocations.sort((a, b) => (a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : 0));
    return canonicalJson({ ...summary, allocations });
  }

  /** Aggregated depth per side and limit price; never names an owner. */
  @Transaction(false)
  @Returns('string')
  public async GetOrderBook(ctx: Context, marketId: string): Promise<string> {
    const market = await loadMarket(ctx, marketId);
    const orders: Order[] = market.status === 'cancelled' ? [] : await activeOrders(ctx, market);
    const side = (s: 'buy' | 'sell') => {
      const levels = new Map<number, { price: number; energyWh: number; orders: number }>();
      let totalWh = 0;
      let count = 0;
      for (const o of orders) {
        if (o.side !== s) continue;
        totalWh += o.energyWh;
        count += 1;
        const level = levels.get(o.limitPrice) ?? { price: o.limitPrice, energyWh: 0, orders: 0 };
        level.energyWh += o.energyWh;
        level.orders += 1;
        levels.set(o.limitPrice, level);
      }
      // Best price first: highest bid, lowest offer.
      const sorted = [...levels.values()].sort((a, b) => (s === 'buy' ? b.price - a.price : a.price - b.price));
      return { totalWh, orders: count, levels: sorted };
    };
    return canonicalJson({ marketId: market.id, status: market.status, buy: side('buy'), sell: side('sell') });
  }
}
