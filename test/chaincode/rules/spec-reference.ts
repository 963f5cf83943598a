/**
 * An independent reading of market-rules.md §5–§7, written for the tests only.
 *
 * It deliberately shares no code with chaincode/src/domain: fractions are plain
 * numerator/denominator pairs compared by cross-multiplication, the loop and the
 * allocation are re-derived from the spec's wording. The property tests compare
 * clearMarket against it; a disagreement means one of the two misreads the spec.
 */

export interface Frac {
  n: bigint;
  d: bigint; // > 0
}

export const frac = (n: bigint, d: bigint = 1n): Frac => (d < 0n ? { n: -n, d: -d } : { n, d });

/** sign(a − b) by cross-multiplication (denominators are positive). */
export function cmpFrac(a: Frac, b: Frac): -1 | 0 | 1 {
  const l = a.n * b.d;
  const r = b.n * a.d;
  return l < r ? -1 : l > r ? 1 : 0;
}

/** Nearest integer, halves up, for a non-negative fraction: ⌊(2n + d) / 2d⌋. */
export function roundHalfUpFrac(f: Frac): bigint {
  if (f.n < 0n) throw new RangeError('reference rounding is only used on non-negative values');
  return (2n * f.n + f.d) / (2n * f.d);
}

/** round(wh · price / 1000), halves up (§7). */
export function specCost(wh: bigint, price: bigint): bigint {
  return roundHalfUpFrac(frac(wh * price, 1000n));
}

export interface SpecPrices {
  /** Ps; null only where §5's formula is 0/0 (S = 0 and TS = 0), which the spec leaves open. */
  ps: Frac | null;
  pb: Frac;
}

/** §5 step 2, literally. */
export function specPrices(TS: bigint, TD: bigint, B: bigint, S: bigint): SpecPrices {
  if (TD === 0n) return { ps: frac(S), pb: frac(S) };
  // SDR = TS/TD; SDR > 1  <=>  TS > TD
  if (TS > TD) return { ps: frac(S), pb: frac(S) };
  // Ps = S·B·TD / ((B − S)·TS + S·TD)
  const den = (B - S) * TS + S * TD;
  // Pb = Ps·SDR + B·(1 − SDR) = Ps·TS/TD + B·(TD − TS)/TD
  if (den === 0n) return { ps: null, pb: frac(B * (TD - TS), TD) };
  const ps = frac(S * B * TD, den);
  const pb = frac(ps.n * TS + B * (TD - TS) * ps.d, ps.d * TD);
  return { ps, pb };
}

export interface RefOrder {
  orderId: string;
  participantId: string;
  side: 'buy' | 'sell';
  energyWh: number;
  limitPrice: number;
}

export interface RefRound {
  TS: bigint;
  TD: bigint;
  prices: SpecPrices;
  removed: string[];
}

export interface RefResult {
  rounds: RefRound[];
  accepted: Set<string>;
  TS: bigint;
  TD: bigint;
  ps: Frac | null;
  pb: Frac;
  E: bigint;
  internal: Map<string, bigint>;
}

/** §5's loop and §6's allocation. */
export function specClear(orders: readonly RefOrder[], B: bigint, S: bigint): RefResult {
  let active = [...orders];
  const rounds: RefRound[] = [];
  for (;;) {
    const TS = active.filter((o) => o.side === 'sell').reduce((a, o) => a + BigInt(o.energyWh), 0n);
    const TD = active.filter((o) => o.side === 'buy').reduce((a, o) => a + BigInt(o.energyWh), 0n);
    const prices = specPrices(TS, TD, B, S);
    const removed = active.filter((o) => {
      const limit = frac(BigInt(o.limitPrice));
      if (o.side === 'sell') return prices.ps !== null && cmpFrac(limit, prices.ps) > 0;
      return cmpFrac(limit, prices.pb) < 0;
    });
    rounds.push({ TS, TD, prices, removed: removed.map((o) => o.orderId) });
    if (removed.length === 0) {
      const accepted = new Set(active.map((o) => o.orderId));
      const internal = new Map<string, bigint>();
      for (const o of orders) internal.set(o.orderId, 0n);
      const sellers = active.filter((o) => o.side === 'sell');
      const buyers = active.filter((o) => o.side === 'buy');
      let E: bigint;
      if (TS <= TD) {
        E = TS;
        for (const s of sellers) internal.set(s.orderId, BigInt(s.energyWh));
        share(E, TD, buyers, internal);
      } else {
        E = TD;
        for (const b of buyers) internal.set(b.orderId, BigInt(b.energyWh));
        share(E, TS, sellers, internal);
      }
      return { rounds, accepted, TS, TD, ps: prices.ps, pb: prices.pb, E, internal };
    }
    const gone = new Set(removed);
    active = active.filter((o) => !gone.has(o));
  }
}

/**
 * §6: ⌊E·q/T⌋ each, then the Wh left over one each to the largest fractional
 * remainders (ties: ascending participant id). Remainders are compared as fractions.
 */
function share(E: bigint, T: bigint, claims: RefOrder[], out: Map<string, bigint>): void {
  if (claims.length === 0) return;
  const rows = claims.map((c) => {
    const q = BigInt(c.energyWh);
    const whole = (E * q) / T;
    return { c, whole, rem: frac(E * q - whole * T, T) };
  });
  let left = E - rows.reduce((a, r) => a + r.whole, 0n);
  rows.sort((x, y) => {
    const byRem = cmpFrac(y.rem, x.rem);
    if (byRem !== 0) return byRem;
    return x.c.participantId < y.c.participantId ? -1 : x.c.participantId > y.c.participantId ? 1 : 0;
  });
  for (const r of rows) {
    out.set(r.c.orderId, r.whole + (left > 0n ? 1n : 0n));
    if (left > 0n) left -= 1n;
  }
}
