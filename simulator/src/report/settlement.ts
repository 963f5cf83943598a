/**
 * market-rules §7 recomputed by the simulator from a published result, to check the
 * ledger's settlement independently: exact integers (BigInt), halves rounded up.
 */
import { Allocation, MarketResult } from '../gateway/types';

/** round(wh · price / 1000), halves up, for wh, price ≥ 0: Wh × µ/kWh → µ. */
export function energyValue(wh: number, pricePerKwh: number): number {
  if (wh < 0 || pricePerKwh < 0) throw new RangeError('energy and price must be ≥ 0');
  const n = BigInt(wh) * BigInt(pricePerKwh);
  return Number((2n * n + 1000n) / 2000n);
}

export interface Tariffs {
  gridBuyPrice: number;
  gridSellPrice: number;
}

/** Balance change of one order's owner (negative = pays), from P = the published Ps. */
export function settleAllocation(a: Allocation, communityPrice: number, t: Tariffs): number {
  const internal = energyValue(a.internalWh, communityPrice);
  if (a.side === 'buy') return -(internal + energyValue(a.gridWh, t.gridBuyPrice));
  return internal + energyValue(a.gridWh, t.gridSellPrice);
}

/** Per participant, the balance change of one market with a single internal price (sdr, mmr, uniform). */
export function settleResult(r: MarketResult, t: Tariffs): Map<string, number> {
  const out = new Map<string, number>();
  // SDR publishes Ps; mmr and uniform publish the internal price (null only when nothing traded inside).
  const p = r.mechanism === 'sdr' || r.internalPrice === undefined ? (r.sellPrice ?? 0) : (r.internalPrice ?? 0);
  for (const a of r.allocations) out.set(a.participantId, (out.get(a.participantId) ?? 0) + settleAllocation(a, p, t));
  return out;
}

/** What a home would pay or earn trading only with the grid (the no-P2P baseline). */
export function gridOnlyAmount(importWh: number, exportWh: number, t: Tariffs): number {
  return energyValue(exportWh, t.gridSellPrice) - energyValue(importWh, t.gridBuyPrice);
}

/**
 * mechanisms.md §7: an imbalance Δ = X_m − X_s (Wh) is credited round(Δ·S/1000) when
 * Δ > 0 and charged round(−Δ·B/1000) when Δ < 0 (the home's balance change, µ).
 */
export function imbalanceAmount(deltaWh: number, t: Tariffs): number {
  if (deltaWh > 0) return energyValue(deltaWh, t.gridSellPrice);
  if (deltaWh < 0) return -energyValue(-deltaWh, t.gridBuyPrice);
  return 0;
}

/** An order as the pay-as-bid walk sees it: its effective limit λ (its own, or S / B). */
export interface WalkOrder {
  orderId: string;
  participantId: string;
  side: 'buy' | 'sell';
  energyWh: number;
  limitPrice: number;
}

/**
 * mechanisms.md §4 recomputed: sells by (λ ascending, participant id), buys by (λ
 * descending, participant id), matched while λs ≤ λb; each match priced at its buyer's
 * limit, round(q · λb / 1000). Returns each order's internal Wh and internal µ.
 */
export function payAsBidInternal(orders: readonly WalkOrder[]): Map<string, { internalWh: number; amount: number }> {
  const id = (a: WalkOrder, b: WalkOrder) => (a.participantId < b.participantId ? -1 : a.participantId > b.participantId ? 1 : 0);
  const sells = orders.filter((o) => o.side === 'sell').sort((a, b) => a.limitPrice - b.limitPrice || id(a, b));
  const buys = orders.filter((o) => o.side === 'buy').sort((a, b) => b.limitPrice - a.limitPrice || id(a, b));
  const out = new Map(orders.map((o) => [o.orderId, { internalWh: 0, amount: 0 }]));
  let i = 0;
  let j = 0;
  let restSell = sells[0]?.energyWh ?? 0;
  let restBuy = buys[0]?.energyWh ?? 0;
  while (i < sells.length && j < buys.length && sells[i].limitPrice <= buys[j].limitPrice) {
    const q = Math.min(restSell, restBuy);
    const a = energyValue(q, buys[j].limitPrice);
    for (const o of [sells[i], buys[j]]) {
      const r = out.get(o.orderId)!;
      r.internalWh += q;
      r.amount += a;
    }
    restSell -= q;
    restBuy -= q;
    if (restSell === 0 && ++i < sells.length) restSell = sells[i].energyWh;
    if (restBuy === 0 && ++j < buys.length) restBuy = buys[j].energyWh;
  }
  return out;
}

/** An allocation's balance change from its internal µ and the grid rest at S or B. */
export function settleWithInternal(a: Allocation, internalAmount: number, t: Tariffs): number {
  if (a.side === 'buy') return -(internalAmount + energyValue(a.gridWh, t.gridBuyPrice));
  return internalAmount + energyValue(a.gridWh, t.gridSellPrice);
}
