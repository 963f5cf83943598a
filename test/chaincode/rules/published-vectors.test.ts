/**
 * Published SDR vectors (Liu et al. 2017, "Energy sharing management for microgrids with
 * PV prosumers: a Stackelberg game approach"; Zhou et al. 2018, "Evaluation of
 * peer-to-peer energy sharing mechanisms based on a multiagent simulation framework").
 *
 * Scaling: the papers quote prices in currency units per kWh; the ledger keeps integer
 * µ/kWh (market-rules §1), so a price x becomes x · 1,000,000 µ/kWh:
 *   λ_buy 14.57 → B = 14,570,000   λ_sell 5.03 → S = 5,030,000
 *   λ_buy 1.0   → B =  1,000,000   λ_sell 0.4  → S =   400,000
 * Energies in kWh become Wh (4 kWh → 4000 Wh). A published figure with k decimals is
 * matched when the exact Ps/Pb lies within half a unit of its last digit, i.e. within
 * ±50 µ/kWh for 4 decimals and ±0.5 µ/kWh (the µ rounding itself) for 6 decimals.
 */
import { clearMarket, ClearingOrder } from '@ecch/chaincode/domain/clearing';
import { Rational, roundHalfUp } from '@ecch/chaincode/domain/rational';
import { sdrPrices } from '@ecch/chaincode/domain/sdr';

interface Vector {
  name: string;
  B: bigint;
  S: bigint;
  supplyWh: bigint;
  demandWh: bigint;
  /** Published Ps and Pb scaled to µ/kWh, and half a unit of their last published digit in µ. */
  ps: bigint;
  pb: bigint;
  halfUnit: Rational;
  /** Rounded µ/kWh figures worked out by hand from §5's formula (see each row). */
  psMicro: bigint;
  pbMicro: bigint;
}

const VECTORS: Vector[] = [
  // Ps = 5.03·14.57·4 / (9.54·3 + 5.03·4) = 293.1484 / 48.74 = 6.014534…; Pb = Ps·0.75 + 14.57·0.25 = 8.153400…
  { name: 'Liu/Zhou 14.57/5.03, demand 4 kWh, supply 3 kWh (SDR 0.75)', B: 14570000n, S: 5030000n, supplyWh: 3000n, demandWh: 4000n, ps: 6014500n, pb: 8153400n, halfUnit: { num: 50n, den: 1n }, psMicro: 6014534n, pbMicro: 8153401n },
  // SDR > 1: Ps = Pb = λ_sell
  { name: 'Liu/Zhou 14.57/5.03, demand 2 kWh, supply 3 kWh (SDR 1.5)', B: 14570000n, S: 5030000n, supplyWh: 3000n, demandWh: 2000n, ps: 5030000n, pb: 5030000n, halfUnit: { num: 1n, den: 2n }, psMicro: 5030000n, pbMicro: 5030000n },
  // Ps = 0.4 / (0.6·0.25 + 0.4) = 0.4/0.55 = 0.727272…; Pb = Ps·0.25 + 0.75 = 0.931818…
  { name: '1.0/0.4, SDR 0.25', B: 1000000n, S: 400000n, supplyWh: 1000n, demandWh: 4000n, ps: 727273n, pb: 931818n, halfUnit: { num: 1n, den: 2n }, psMicro: 727273n, pbMicro: 931818n },
  // Ps = 0.4/0.7 = 0.571428…; Pb = Ps·0.5 + 0.5 = 0.785714…
  { name: '1.0/0.4, SDR 0.5', B: 1000000n, S: 400000n, supplyWh: 2000n, demandWh: 4000n, ps: 571429n, pb: 785714n, halfUnit: { num: 1n, den: 2n }, psMicro: 571429n, pbMicro: 785714n },
  // Ps = 0.4/0.85 = 0.470588…; Pb = Ps·0.75 + 0.25 = 0.602941…
  { name: '1.0/0.4, SDR 0.75', B: 1000000n, S: 400000n, supplyWh: 3000n, demandWh: 4000n, ps: 470588n, pb: 602941n, halfUnit: { num: 1n, den: 2n }, psMicro: 470588n, pbMicro: 602941n },
];

/** |r − target| ≤ half, by cross-multiplication (r.den > 0, half.den > 0). */
function within(r: Rational, target: bigint, half: Rational): boolean {
  // |r.num/r.den − target| ≤ half.num/half.den  ⇔  |r.num − target·r.den|·half.den ≤ half.num·r.den
  const diff = r.num - target * r.den;
  const abs = diff < 0n ? -diff : diff;
  return abs * half.den <= half.num * r.den;
}

describe('published SDR vectors (prices in µ/kWh = published value × 10^6)', () => {
  describe.each(VECTORS)('$name', (v) => {
    const t = { gridBuyPrice: v.B, gridSellPrice: v.S };

    it('sdrPrices gives exact Ps and Pb within half a published digit of the papers', () => {
      const p = sdrPrices(v.supplyWh, v.demandWh, t);
      expect(within(p.sellPrice, v.ps, v.halfUnit)).toBe(true);
      expect(within(p.buyPrice, v.pb, v.halfUnit)).toBe(true);
    });

    it('rounded half up to µ/kWh, Ps and Pb equal the hand-computed figures', () => {
      const p = sdrPrices(v.supplyWh, v.demandWh, t);
      expect(roundHalfUp(p.sellPrice)).toBe(v.psMicro);
      expect(roundHalfUp(p.buyPrice)).toBe(v.pbMicro);
    });

    it('clearMarket publishes the same prices for a one-seller/one-buyer book without limits', () => {
      const orders: ClearingOrder[] = [
        { orderId: 'sell-1', participantId: 'seller', side: 'sell', energyWh: Number(v.supplyWh), limitPrice: Number(v.S) },
        { orderId: 'buy-1', participantId: 'buyer', side: 'buy', energyWh: Number(v.demandWh), limitPrice: Number(v.B) },
      ];
      const r = clearMarket(orders, { gridBuyPrice: Number(v.B), gridSellPrice: Number(v.S) });
      expect(r.rounds).toBe(1);
      expect(BigInt(r.sellPrice)).toBe(v.psMicro);
      expect(BigInt(r.buyPrice)).toBe(v.pbMicro);
      expect(r.allocations.every((a) => a.status === 'accepted')).toBe(true);
    });

    it('clearMarket gives the same prices when the book is split across several orders per side', () => {
      // Same totals, different granularity: the SDR price depends only on TS and TD.
      const split = (total: bigint, side: 'buy' | 'sell', limit: bigint): ClearingOrder[] => {
        const parts = [total / 4n, total / 4n, total - 2n * (total / 4n)];
        return parts.map((e, i) => ({ orderId: `${side}-${i}`, participantId: `${side}-p${i}`, side, energyWh: Number(e), limitPrice: Number(limit) }));
      };
      const r = clearMarket([...split(v.supplyWh, 'sell', v.S), ...split(v.demandWh, 'buy', v.B)], {
        gridBuyPrice: Number(v.B),
        gridSellPrice: Number(v.S),
      });
      expect(BigInt(r.sellPrice)).toBe(v.psMicro);
      expect(BigInt(r.buyPrice)).toBe(v.pbMicro);
    });
  });

  it('the 14.57/5.03 SDR 0.75 vector reads 6.0145 and 8.1534 at the papers\' four decimals', () => {
    // Independent of the tolerance helper: the published µ figures rounded to 100 µ (4 decimals).
    const p = sdrPrices(3000n, 4000n, { gridBuyPrice: 14570000n, gridSellPrice: 5030000n });
    const to4 = (r: Rational) => (2n * r.num + 100n * r.den) / (200n * r.den); // round(r / 100), halves up
    expect(to4(p.sellPrice)).toBe(60145n);
    expect(to4(p.buyPrice)).toBe(81534n);
  });
});
