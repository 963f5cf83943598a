/**
 * Markets: one delivery interval with its own tariffs. The NA creates, opens,
 * closes (gate closure + SDR clearing + settlement, atomically) and cancels.
 */
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { clearMarket } from '../domain/clearing';
import { LedgerError } from '../domain/errors';
import { GRID_ACCOUNT, Market, MARKET_STATUSES, MarketResult, MarketStatus, Order, SettlementEntry } from '../domain/model';
import { canonicalJson } from '../ledger/json';
import { KEY } from '../ledger/keys';
import { parsePageSize, read, readRequired, scanAll, write } from '../ledger/state';
import { emit, requireNa, txTime } from '../ledger/tx';
import { id, instant, int, oneOf, onlyFields, optional, parseObject } from '../ledger/validate';

export const DEFAULT_MAX_ORDER_WH = 1_000_000;
const MAX_PRICE = 1_000_000_000; // µ/kWh (1000 currency units per kWh): far above any tariff

/** Default market id from its delivery start: one market per interval unless the NA names it. */
function defaultMarketId(deliveryStart: string): string {
  return `m-${deliveryStart.slice(0, 16).replace(/[-:]/g, '')}Z`;
}

async function loadMarket(ctx: Context, marketId: string): Promise<Market> {
  return readRequired<Market>(ctx, KEY.market, [id(marketId, 'marketId')], `market ${marketId}`);
}

function requireStatus(market: Market, allowed: MarketStatus[], action: string): void {
  if (!allowed.includes(market.status)) {
    throw new LedgerError('INVALID_STATE', `cannot ${action} market ${market.id}: it is ${market.status}`);
  }
}

@Info({ title: 'Markets', description: 'Hourly markets, SDR clearing and settlement' })
export class MarketContract extends Contract {
  constructor() {
    super('markets');
  }

  @Transaction()
  @Returns('string')
  public async Create(ctx: Context, input: string): Promise<string> {
    requireNa(ctx, 'create markets');
    const o = parseObject(input, 'market');
    onlyFields(o, ['id', 'deliveryStart', 'durationMinutes', 'gridBuyPrice', 'gridSellPrice', 'mechanism', 'maxOrderWh'], 'market');
    const deliveryStart = instant(o.deliveryStart, 'deliveryStart');
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
      gridBuyPrice,
      gridSellPrice,
      mechanism: optional(o.mechanism, (v) => oneOf(v, 'mechanism', ['sdr'] as const)) ?? 'sdr',
      maxOrderWh: optional(o.maxOrderWh, (v) => int(v, 'maxOrderWh', 1, 100_000_000)) ?? DEFAULT_MAX_ORDER_WH,
      createdAt: txTime(ctx),
    };
    await write(ctx, KEY.market, [marketId], market);
    emit(ctx, 'market.created', market);
    return canonicalJson(market);
  }

  @Transaction()
  @Returns('string')
  public async Open(ctx: Context, marketId: string): Promise<string> {
    requireNa(ctx, 'open markets');
    const market = await loadMarket(ctx, marketId);
    requireStatus(market, ['scheduled'], 'open');
    const opened: Market = { ...market, status: 'open', openedAt: txTime(ctx) };
    await write(ctx, KEY.market, [market.id], opened);
    emit(ctx, 'market.opened', opened);
    return canonicalJson(opened);
  }

  /**
   * Gate closure, clearing and settlement in one transaction: either the result,
   * every order's outcome and every settlement entry are written, or nothing is.
   */
  @Transaction()
  @Returns('string')
  public async Close(ctx: Context, marketId: string): Promise<string> {
    requireNa(ctx, 'close markets');
    const market = await loadMarket(ctx, marketId);
    requireStatus(market, ['open'], 'close');
    const now = txTime(ctx);
    const orders = (await scanAll<Order>(ctx, KEY.order, [market.id])).filter((o) => o.status === 'open');
    const clearing = clearMarket(
      orders.map((o) => ({ orderId: o.id, participantId: o.participantId, side: o.side, energyWh: o.energyWh, limitPrice: o.limitPrice })),
      market,
    );
    const byId = new Map(orders.map((o) => [o.id, o]));
    for (const a of clearing.allocations) {
      const order = byId.get(a.orderId) as Order;
      await write(ctx, KEY.order, [market.id, order.id], { ...order, status: a.status, updatedAt: now });
      const entry: SettlementEntry = {
        marketId: market.id,
        participantId: a.participantId,
        orderId: a.orderId,
        side: a.side,
        internalWh: a.internalWh,
        gridWh: a.gridWh,
        price: clearing.sellPrice,
        amount: a.amount,
        at: now,
      };
      await write(ctx, KEY.entry, [a.participantId, market.id, a.orderId], entry);
    }
    const gridEntry: SettlementEntry = {
      marketId: market.id,
      participantId: GRID_ACCOUNT,
      orderId: '',
      side: 'grid',
      internalWh: 0,
      gridWh: clearing.gridImportWh - clearing.gridExportWh,
      price: clearing.sellPrice,
      amount: clearing.gridAmount,
      at: now,
    };
    // Composite-key attributes cannot be empty: the grid's entry takes the attribute 'grid'.
    await write(ctx, KEY.entry, [GRID_ACCOUNT, market.id, GRID_ACCOUNT], gridEntry);
    const result: MarketResult = {
      marketId: market.id,
      mechanism: market.mechanism,
      sdr: { supplyWh: clearing.supplyWh, demandWh: clearing.demandWh, fraction: clearing.fraction, ratio: clearing.ratio },
      sellPrice: clearing.sellPrice,
      buyPrice: clearing.buyPrice,
      rounds: clearing.rounds,
      internalWh: clearing.internalWh,
      gridImportWh: clearing.gridImportWh,
      gridExportWh: clearing.gridExportWh,
      allocations: clearing.allocations,
      gridAmount: clearing.gridAmount,
      closedAt: now,
    };
    await write(ctx, KEY.result, [market.id], result);
    // Closed and settled in the same step, so the stored state is 'settled'.
    const settled: Market = { ...market, status: 'settled', closedAt: now };
    await write(ctx, KEY.market, [market.id], settled);
    const { allocations, ...summary } = result;
    emit(ctx, 'market.closed', { market: settled, result: { ...summary, orders: allocations.length } });
    return canonicalJson({ market: settled, result });
  }

  /** Cancelling voids every order of the market; nothing is settled. */
  @Transaction()
  @Returns('string')
  public async Cancel(ctx: Context, marketId: string): Promise<string> {
    requireNa(ctx, 'cancel markets');
    const market = await loadMarket(ctx, marketId);
    requireStatus(market, ['scheduled', 'open'], 'cancel');
    const now = txTime(ctx);
    for (const order of await scanAll<Order>(ctx, KEY.order, [market.id])) {
      if (order.status !== 'open') continue;
      await write(ctx, KEY.order, [market.id, order.id], { ...order, status: 'cancelled', cancelledBy: 'market', updatedAt: now });
    }
    const cancelled: Market = { ...market, status: 'cancelled', cancelledAt: now };
    await write(ctx, KEY.market, [market.id], cancelled);
    emit(ctx, 'market.cancelled', cancelled);
    return canonicalJson(cancelled);
  }

  @Transaction(false)
  @Returns('string')
  public async Get(ctx: Context, marketId: string): Promise<string> {
    return canonicalJson(await loadMarket(ctx, marketId));
  }

  /** Newest delivery first; bookmark is the index of the next item (markets number in the thousands a year). */
  @Transaction(false)
  @Returns('string')
  public async List(ctx: Context, status: string, pageSize: string, bookmark: string): Promise<string> {
    const size = parsePageSize(pageSize);
    const wanted = status === '' ? undefined : oneOf(status, 'status', MARKET_STATUSES);
    const start = bookmark === '' ? 0 : int(Number(bookmark), 'bookmark', 0);
    const all = (await scanAll<Market>(ctx, KEY.market, []))
      .filter((m) => wanted === undefined || m.status === wanted)
      .sort((a, b) => (a.deliveryStart !== b.deliveryStart ? (a.deliveryStart < b.deliveryStart ? 1 : -1) : a.id < b.id ? 1 : -1));
    const items = all.slice(start, start + size);
    return canonicalJson({ items, bookmark: start + size < all.length ? String(start + size) : '' });
  }

  @Transaction(false)
  @Returns('string')
  public async GetResult(ctx: Context, marketId: string): Promise<string> {
    const market = await loadMarket(ctx, marketId);
    const result = await read<MarketResult>(ctx, KEY.result, [market.id]);
    if (!result) throw new LedgerError('RESULT_NOT_AVAILABLE', `market ${market.id} is ${market.status}: no result before close`);
    return canonicalJson(result);
  }

  /** Aggregated depth per side and limit price; never names an owner. */
  @Transaction(false)
  @Returns('string')
  public async GetOrderBook(ctx: Context, marketId: string): Promise<string> {
    const market = await loadMarket(ctx, marketId);
    const orders = (await scanAll<Order>(ctx, KEY.order, [market.id])).filter((o) => o.status !== 'cancelled');
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
