/**
 * A home's estimate of the clearing prices from the public order book (price levels,
 * no owners): market-rules §5 in floating point. Only an estimate to decide whether
 * to amend; the ledger's exact clearing is what counts.
 */
import { MarketTariff, PredictedPrices } from './strategy';

export interface BookLevel {
  price: number;
  energyWh: number;
}

export function sdrPrices(supplyWh: number, demandWh: number, t: MarketTariff): { sellPrice: number; buyPrice: number } {
  const B = t.gridBuyPrice;
  const S = t.gridSellPrice;
  if (demandWh === 0 || supplyWh > demandWh) return { sellPrice: S, buyPrice: S };
  const denom = (B - S) * supplyWh + S * demandWh;
  const ps = denom === 0 ? 0 : (S * B * demandWh) / denom;
  return { sellPrice: ps, buyPrice: (ps * supplyWh + B * (demandWh - supplyWh)) / demandWh };
}

/**
 * Final prices and the limits the loop rejects. Removal is monotone in the limit
 * (a sell is dropped when its limit is above Ps, a buy when below Pb), so one
 * threshold per side says whether any order would be rejected.
 */
export function predictPrices(sell: readonly BookLevel[], buy: readonly BookLevel[], t: MarketTariff): PredictedPrices {
  let s = sell.slice();
  let b = buy.slice();
  let rejectSellFrom: number | null = null;
  let rejectBuyUpTo: number | null = null;
  for (;;) {
    const ts = s.reduce((a, l) => a + l.energyWh, 0);
    const td = b.reduce((a, l) => a + l.energyWh, 0);
    const p = sdrPrices(ts, td, t);
    const s2 = s.filter((l) => l.price <= p.sellPrice);
    const b2 = b.filter((l) => l.price >= p.buyPrice);
    for (const l of s) if (l.price > p.sellPrice) rejectSellFrom = Math.min(rejectSellFrom ?? l.price, l.price);
    for (const l of b) if (l.price < p.buyPrice) rejectBuyUpTo = Math.max(rejectBuyUpTo ?? l.price, l.price);
    if (s2.length === s.length && b2.length === b.length) return { ...p, rejectSellFrom, rejectBuyUpTo };
    s = s2;
    b = b2;
  }
}
