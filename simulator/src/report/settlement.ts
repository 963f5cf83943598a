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

/** Per participant, the balance change of one market. */
export function settleResult(r: MarketResult, t: Tariffs): Map<string, number> {
  const out = new Map<string, number>();
  for (const a of r.allocations) out.set(a.participantId, (out.get(a.participantId) ?? 0) + settleAllocation(a, r.sellPrice, t));
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
