/**
 * Supply-Demand-Ratio pricing with the limit-price loop (market-rules §5).
 * Pure: no Fabric, no I/O. Prices are exact rationals in µ/kWh.
 */
import { Rational, rational, gt, lt } from './rational';

export interface PricedOrder {
  side: 'buy' | 'sell';
  energyWh: bigint;
  /** Effective limit in µ/kWh (a sell's lowest acceptable, a buy's highest). */
  limitPrice: bigint;
}

export interface Tariffs {
  /** B, grid retail price (µ/kWh). */
  gridBuyPrice: bigint;
  /** S, feed-in price (µ/kWh). */
  gridSellPrice: bigint;
}

export interface SdrPrices {
  supplyWh: bigint;
  demandWh: bigint;
  sellPrice: Rational;
  buyPrice: Rational;
}

/** Ps and Pb for totals TS (supply) and TD (demand), §5 step 2. */
export function sdrPrices(supplyWh: bigint, demandWh: bigint, t: Tariffs): SdrPrices {
  const B = t.gridBuyPrice;
  const S = t.gridSellPrice;
  const TS = supplyWh;
  const TD = demandWh;
  if (TD === 0n || TS > TD) {
    // No demand (SDR treated as > 1), or SDR > 1: everything at the feed-in price.
    const s = rational(S);
    return { supplyWh: TS, demandWh: TD, sellPrice: s, buyPrice: s };
  }
  // SDR ≤ 1: Ps = S·B·TD / ((B − S)·TS + S·TD); Pb = Ps·SDR + B·(1 − SDR)
  //        = (Ps·TS + B·(TD − TS)) / TD.
  const denom = (B - S) * TS + S * TD;
  if (denom === 0n) {
    // Only when S = 0 and TS = 0: no supply and a free feed-in; Ps is then 0.
    return { supplyWh: TS, demandWh: TD, sellPrice: rational(0n), buyPrice: rational(B) };
  }
  const ps = rational(S * B * TD, denom);
  const pb = rational(ps.num * TS + B * (TD - TS) * ps.den, ps.den * TD);
  return { supplyWh: TS, demandWh: TD, sellPrice: ps, buyPrice: pb };
}

export interface SdrOutcome<T extends PricedOrder> extends SdrPrices {
  accepted: T[];
  rejected: T[];
  rounds: number;
}

/**
 * §5's loop: price the active sets, drop every sell whose limit > Ps and every buy
 * whose limit < Pb, and repeat until nothing is dropped. Order of `orders` is kept
 * in both output lists.
 */
export function clearSdr<T extends PricedOrder>(orders: readonly T[], t: Tariffs): SdrOutcome<T> {
  let active = orders.slice();
  const rejected: T[] = [];
  let rounds = 0;
  for (;;) {
    rounds += 1;
    let TS = 0n;
    let TD = 0n;
    for (const o of active) {
      if (o.side === 'sell') TS += o.energyWh;
      else TD += o.energyWh;
    }
    const prices = sdrPrices(TS, TD, t);
    const keep: T[] = [];
    for (const o of active) {
      const limit = rational(o.limitPrice);
      const out = o.side === 'sell' ? gt(limit, prices.sellPrice) : lt(limit, prices.buyPrice);
      (out ? rejected : keep).push(o);
    }
    if (keep.length === active.length) {
      return { ...prices, accepted: active, rejected, rounds };
    }
    active = keep;
  }
}
