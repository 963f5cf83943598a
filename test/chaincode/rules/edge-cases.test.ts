/**
 * Edge cases of market-rules §5–§7. Expected figures are worked out by hand from the
 * spec's formulas (the arithmetic is in the comments), not taken from the code.
 * Unless a test says otherwise: B = 130000, S = 40000 µ/kWh, and "no limit" is the
 * tariff default of §4 (S for a sell, B for a buy).
 */
import { clearMarket, Clearing, ClearingOrder, energyCost } from '@ecch/chaincode/domain/clearing';
import { largestRemainder } from '@ecch/chaincode/domain/allocation';
import { LedgerError } from '@ecch/chaincode/domain/errors';
import { sdrPrices } from '@ecch/chaincode/domain/sdr';

const B = 130000;
const S = 40000;
const T = { gridBuyPrice: B, gridSellPrice: S };

function sell(participantId: string, energyWh: number, limitPrice = S, orderId = `o-${participantId}`): ClearingOrder {
  return { orderId, participantId, side: 'sell', energyWh, limitPrice };
}
function buy(participantId: string, energyWh: number, limitPrice = B, orderId = `o-${participantId}`): ClearingOrder {
  return { orderId, participantId, side: 'buy', energyWh, limitPrice };
}
function of(r: Clearing, participantId: string) {
  const a = r.allocations.find((x) => x.participantId === participantId);
  if (!a) throw new Error(`no allocation for ${participantId}`);
  return a;
}
/** [status, internalWh, gridWh, amount] of one participant. */
function row(r: Clearing, participantId: string) {
  const a = of(r, participantId);
  return [a.status, a.internalWh, a.gridWh, a.amount];
}
function sumAmounts(r: Clearing): number {
  return r.allocations.reduce((acc, a) => acc + a.amount, 0) + r.gridAmount;
}

describe('empty and one-sided books', () => {
  it('no orders at all: one round, prices S/S, no SDR, nothing allocated, grid 0', () => {
    const r = clearMarket([], T);
    expect(r).toEqual({
      supplyWh: 0,
      demandWh: 0,
      fraction: null,
      ratio: null,
      sellPrice: S,
      buyPrice: S,
      rounds: 1,
      internalWh: 0,
      gridImportWh: 0,
      gridExportWh: 0,
      allocations: [],
      gridAmount: 0,
    });
  });

  it('no sellers: SDR = 0 gives Ps = Pb = B, so a buyer whose limit is below B is rejected; all import at B', () => {
    // Round 1: TS 0, TD 4000, SDR 0: Ps = S·B·TD/(S·TD) = B; Pb = Ps·0 + B·1 = B. b2's limit 100000 < B.
    // Round 2: TS 0, TD 1500: same prices, nobody left to remove.
    const r = clearMarket([buy('b1', 1500), buy('b2', 2500, 100000)], T);
    expect(r.rounds).toBe(2);
    expect([r.sellPrice, r.buyPrice]).toEqual([B, B]);
    expect([r.supplyWh, r.demandWh, r.fraction, r.ratio]).toEqual([0, 1500, '0/1', '0.000000']);
    expect(row(r, 'b1')).toEqual(['accepted', 0, 1500, -195000]); // 1500·130000/1000
    expect(row(r, 'b2')).toEqual(['rejected', 0, 2500, -325000]);
    expect([r.internalWh, r.gridImportWh, r.gridExportWh]).toEqual([0, 4000, 0]);
    expect(r.gridAmount).toBe(520000);
  });

  it('no buyers: TD = 0 gives Ps = Pb = S, so a seller whose limit is above S is rejected; all export at S', () => {
    const r = clearMarket([sell('s1', 1500), sell('s2', 2500, 50000)], T);
    expect(r.rounds).toBe(2);
    expect([r.sellPrice, r.buyPrice]).toEqual([S, S]);
    expect([r.supplyWh, r.demandWh, r.fraction, r.ratio]).toEqual([1500, 0, null, null]);
    expect(row(r, 's1')).toEqual(['accepted', 0, 1500, 60000]);
    expect(row(r, 's2')).toEqual(['rejected', 0, 2500, 100000]);
    expect([r.internalWh, r.gridImportWh, r.gridExportWh]).toEqual([0, 0, 4000]);
    expect(r.gridAmount).toBe(-160000);
  });
});

describe('SDR regimes', () => {
  it('SDR exactly 1: Ps = Pb = S, everything trades internally, and the grid absorbs the rounding residue', () => {
    const S1 = 40001;
    const t = { gridBuyPrice: B, gridSellPrice: S1 };
    // Formula at SDR 1: Ps = S·B·TD/((B − S)·TD + S·TD) = S.
    expect(sdrPrices(2000n, 2000n, { gridBuyPrice: BigInt(B), gridSellPrice: BigInt(S1) }).sellPrice).toEqual({ num: 40001n, den: 1n });
    const r = clearMarket([sell('s1', 1500, S1), sell('s2', 500, S1), buy('b1', 2000)], t);
    expect([r.rounds, r.sellPrice, r.buyPrice, r.fraction, r.ratio]).toEqual([1, S1, S1, '1/1', '1.000000']);
    expect(row(r, 's1')).toEqual(['accepted', 1500, 0, 60002]); // 1500·40001/1000 = 60001.5 → 60002
    expect(row(r, 's2')).toEqual(['accepted', 500, 0, 20001]); // 20000.5 → 20001
    expect(row(r, 'b1')).toEqual(['accepted', 2000, 0, -80002]); // 80002 exactly
    expect([r.internalWh, r.gridImportWh, r.gridExportWh]).toEqual([2000, 0, 0]);
    expect(r.gridAmount).toBe(-1); // −(60002 + 20001 − 80002)
    expect(sumAmounts(r)).toBe(0);
  });

  it('SDR > 1: Ps = Pb = S, buyers take all they asked internally, sellers share E = TD pro rata and export the rest', () => {
    // TS 4000, TD 3000, SDR 4/3. E = 3000: s1 3000·2500/4000 = 1875, s2 3000·1500/4000 = 1125.
    const r = clearMarket([sell('s1', 2500), sell('s2', 1500), buy('b1', 3000, 45000)], T);
    expect([r.rounds, r.sellPrice, r.buyPrice, r.fraction, r.ratio]).toEqual([1, S, S, '4/3', '1.333333']);
    expect(row(r, 's1')).toEqual(['accepted', 1875, 625, 75000 + 25000]);
    expect(row(r, 's2')).toEqual(['accepted', 1125, 375, 45000 + 15000]);
    expect(row(r, 'b1')).toEqual(['accepted', 3000, 0, -120000]);
    expect([r.internalWh, r.gridImportWh, r.gridExportWh]).toEqual([3000, 0, 1000]);
    expect(r.gridAmount).toBe(-40000);
  });

  it('SDR > 1: a seller with any limit above S is rejected (Ps = S), even one µ/kWh above', () => {
    const r = clearMarket([sell('s1', 2500), sell('s2', 1500, S + 1), buy('b1', 1000)], T);
    // Round 1: SDR 4 > 1, Ps = S; s2 out. Round 2: TS 2500, TD 1000, still > 1, stop.
    expect(r.rounds).toBe(2);
    expect(row(r, 's2')).toEqual(['rejected', 0, 1500, 60000]);
    expect(row(r, 's1')).toEqual(['accepted', 1000, 1500, 40000 + 60000]);
  });

  it('all limits rejected: every order trades with the grid and the last round (empty) publishes S/S', () => {
    // Round 1: TS 1000, TD 2000, SDR 1/2: Ps = 5.2e9·2000/(90000·1000 + 40000·2000) = 61176.47…,
    // Pb = 95588.23…; the seller (limit B) and the buyer (limit S) both violate. Round 2: empty sets.
    const r = clearMarket([sell('s1', 1000, B), buy('b1', 2000, S)], T);
    expect(r.rounds).toBe(2);
    expect([r.sellPrice, r.buyPrice, r.supplyWh, r.demandWh, r.fraction, r.ratio]).toEqual([S, S, 0, 0, null, null]);
    expect(row(r, 's1')).toEqual(['rejected', 0, 1000, 40000]);
    expect(row(r, 'b1')).toEqual(['rejected', 0, 2000, -260000]);
    expect([r.internalWh, r.gridImportWh, r.gridExportWh, r.gridAmount]).toEqual([0, 2000, 1000, 220000]);
  });
});

describe('limit comparisons are strict and exact (before rounding)', () => {
  // Worked example round 1: TS 4000, TD 6000 → Ps = 52000, Pb = 78000 exactly.
  it('a sell limit equal to Ps and a buy limit equal to Pb are kept', () => {
    const r = clearMarket([sell('h1', 3000), sell('h2', 1000, 52000), buy('h3', 4000), buy('h4', 2000, 78000)], T);
    expect(r.rounds).toBe(1);
    expect([r.sellPrice, r.buyPrice]).toEqual([52000, 78000]);
    expect(r.allocations.map((a) => a.status)).toEqual(['accepted', 'accepted', 'accepted', 'accepted']);
    // E = 4000 shared 4000·4000/6000 = 2666.67 and 4000·2000/6000 = 1333.33: h3 gets the leftover Wh.
    expect(row(r, 'h3')).toEqual(['accepted', 2667, 1333, -(138684 + 173290)]);
    expect(row(r, 'h4')).toEqual(['accepted', 1333, 667, -(69316 + 86710)]);
    expect(sumAmounts(r)).toBe(0);
  });

  it('one µ above Ps is removed (and the cascade then removes h4 too)', () => {
    // Round 1: h2 out (52001 > 52000). Round 2: TS 3000, TD 6000, SDR 1/2, Pb = 95588.2… > 78000: h4 out.
    // Round 3: TS 3000, TD 4000 = the worked example's last round.
    const r = clearMarket([sell('h1', 3000), sell('h2', 1000, 52001), buy('h3', 4000), buy('h4', 2000, 78000)], T);
    expect(r.rounds).toBe(3);
    expect([of(r, 'h2').status, of(r, 'h4').status]).toEqual(['rejected', 'rejected']);
    expect([r.sellPrice, r.buyPrice]).toEqual([48372, 68779]);
  });

  it('one µ below Pb is removed (and the cascade then removes h2 too)', () => {
    // Round 1: h4 out (77999 < 78000). Round 2: TS 4000 = TD 4000, Ps = Pb = S: h2's 52000 > S, out.
    const r = clearMarket([sell('h1', 3000), sell('h2', 1000, 52000), buy('h3', 4000), buy('h4', 2000, 77999)], T);
    expect(r.rounds).toBe(3);
    expect([of(r, 'h2').status, of(r, 'h4').status]).toEqual(['rejected', 'rejected']);
    expect([r.sellPrice, r.buyPrice]).toEqual([48372, 68779]);
  });

  it('a buy limit equal to the published (rounded) Pb but below the exact Pb is removed', () => {
    // TS 3000, TD 4001: Ps = 5.2e9·4001/(90000·3000 + 40000·4001) = 48379.68…,
    // Pb = (Ps·3000 + 130000·1001)/4001 = 68800.064…, which publishes as 68800.
    const below = clearMarket([sell('h1', 3000), buy('h3', 4000), buy('h5', 1, 68800)], T);
    expect(of(below, 'h5').status).toBe('rejected');
    expect([below.rounds, below.sellPrice, below.buyPrice]).toEqual([2, 48372, 68779]);
    const above = clearMarket([sell('h1', 3000), buy('h3', 4000), buy('h5', 1, 68801)], T);
    expect(of(above, 'h5').status).toBe('accepted');
    expect([above.rounds, above.sellPrice, above.buyPrice]).toEqual([1, 48380, 68800]);
  });

  it('a sell limit equal to the published (rounded) Ps but above the exact Ps is removed', () => {
    // TS 3001, TD 4000: Ps = 5.2e9·4000/(90000·3001 + 40000·4000) = 48361.97…, published 48362;
    // Pb = (Ps·3001 + 130000·999)/4000 = 68751.07…
    const above = clearMarket([sell('h1', 3000), sell('h6', 1, 48362), buy('h3', 4000)], T);
    expect(of(above, 'h6').status).toBe('rejected');
    expect([above.rounds, above.sellPrice, above.buyPrice]).toEqual([2, 48372, 68779]);
    const below = clearMarket([sell('h1', 3000), sell('h6', 1, 48361), buy('h3', 4000)], T);
    expect(of(below, 'h6').status).toBe('accepted');
    expect([below.rounds, below.sellPrice, below.buyPrice]).toEqual([1, 48362, 68751]);
  });
});

describe('the limit-price loop', () => {
  it('runs five rounds when each removal exposes the next violation', () => {
    // Ps(x) = 5.2e9/(90000x + 40000) = 520000/(9x + 4); Pb(x) = Ps·x + 130000·(1 − x).
    // R1 TS 3000 TD 5000 x 0.6 : Ps 55319.1  Pb 85191.5  → C (60000 > Ps) out
    // R2 TS 2000 TD 5000 x 0.4 : Ps 68421.1  Pb 105368.4 → F (90000 < Pb) out
    // R3 TS 2000 TD 3000 x 2/3 : Ps 52000    Pb 78000    → G (55000 > Ps) out
    // R4 TS 1000 TD 3000 x 1/3 : Ps 74285.7  Pb 111428.6 → H (110000 < Pb) out
    // R5 TS 1000 TD 2000 x 1/2 : Ps 61176.47 Pb 95588.24 → nobody: stop
    const r = clearMarket(
      [sell('A', 1000), sell('C', 1000, 60000), sell('G', 1000, 55000), buy('D', 2000), buy('F', 2000, 90000), buy('H', 1000, 110000)],
      T,
    );
    expect(r.rounds).toBe(5);
    expect([r.sellPrice, r.buyPrice, r.fraction, r.ratio]).toEqual([61176, 95588, '1/2', '0.500000']);
    expect(row(r, 'A')).toEqual(['accepted', 1000, 0, 61176]);
    expect(row(r, 'D')).toEqual(['accepted', 1000, 1000, -(61176 + 130000)]);
    expect(row(r, 'C')).toEqual(['rejected', 0, 1000, 40000]);
    expect(row(r, 'G')).toEqual(['rejected', 0, 1000, 40000]);
    expect(row(r, 'F')).toEqual(['rejected', 0, 2000, -260000]);
    expect(row(r, 'H')).toEqual(['rejected', 0, 1000, -130000]);
    expect(r.gridAmount).toBe(440000);
  });
});

describe('largest-remainder allocation (§6)', () => {
  it('ties in remainders go to the ascending participant id, not to the order id or input position', () => {
    // SDR 3/2 > 1: E = 2000 over three 1000 Wh sellers: 666.67 each, 2 Wh left over, equal remainders.
    // Order ids run o1 < o2 < o3 but participant ids run the other way: h-a and h-b must win.
    const r = clearMarket(
      [sell('h-c', 1000, S, 'o1'), sell('h-b', 1000, S, 'o2'), sell('h-a', 1000, S, 'o3'), buy('h-z', 2000, B, 'o4')],
      T,
    );
    expect([of(r, 'h-a').internalWh, of(r, 'h-b').internalWh, of(r, 'h-c').internalWh]).toEqual([667, 667, 666]);
    expect([of(r, 'h-a').gridWh, of(r, 'h-b').gridWh, of(r, 'h-c').gridWh]).toEqual([333, 333, 334]);
  });

  it('ties on the buy side too (SDR ≤ 1)', () => {
    // TS 2000, TD 3000: E = 2000 over three 1000 Wh buyers, 666.67 each, 2 Wh left over.
    const r = clearMarket([sell('s', 2000, S, 'o0'), buy('p9', 1000, B, 'o1'), buy('p1', 1000, B, 'o2'), buy('p5', 1000, B, 'o3')], T);
    expect([of(r, 'p1').internalWh, of(r, 'p5').internalWh, of(r, 'p9').internalWh]).toEqual([667, 667, 666]);
    // Ps = 52000: 667 Wh → 34684, 333 Wh import → 43290; 666 Wh → 34632, 334 Wh → 43420.
    expect([of(r, 'p1').amount, of(r, 'p5').amount, of(r, 'p9').amount]).toEqual([-77974, -77974, -78052]);
  });

  it('the largest remainder beats a smaller participant id; single-Wh orders are allocated and settled exactly', () => {
    // One 5 Wh seller, buyers of 1, 2 and 4 Wh: E = 5 of TD = 7. Quotas 5/7, 10/7, 20/7:
    // floors 0, 1, 2 (3 Wh), 2 Wh left; remainders 5/7, 3/7, 6/7 → the 4 Wh buyer, then the 1 Wh buyer.
    // Ids are chosen so that id order (p1 < p2 < p3) alone would pick p1 and p2.
    const r = clearMarket([sell('s', 5), buy('p3', 1), buy('p2', 2), buy('p1', 4)], T);
    expect([of(r, 'p1').internalWh, of(r, 'p2').internalWh, of(r, 'p3').internalWh]).toEqual([3, 1, 1]);
    // Ps = 5.2e9·7/(90000·5 + 40000·7) = 49863.01… → 49863; Pb = (Ps·5 + 130000·2)/7 = 72759.3… → 72759.
    expect([r.sellPrice, r.buyPrice]).toEqual([49863, 72759]);
    // p1: round(3·49863/1000 = 149.589) + round(1·130) = 150 + 130; p2: 50 + 130; p3: round(49.863) = 50.
    expect([of(r, 'p1').amount, of(r, 'p2').amount, of(r, 'p3').amount]).toEqual([-280, -180, -50]);
    expect(of(r, 's').amount).toBe(249); // round(5·49863/1000 = 249.315)
    expect(r.gridAmount).toBe(261); // −(249 − 280 − 180 − 50): the rounding residue of +1 µ sits with the grid
  });

  it('largestRemainder itself: floor shares, leftovers by remainder then ascending participant id', () => {
    const claims = [
      { participantId: 'a', energyWh: 2n }, // 7·2/10 = 1.4
      { participantId: 'b', energyWh: 3n }, // 2.1
      { participantId: 'c', energyWh: 5n }, // 3.5 → gets the single leftover Wh
    ];
    expect(largestRemainder(7n, claims)).toEqual([1n, 2n, 4n]);
    const tied = [
      { participantId: 'z', energyWh: 1n },
      { participantId: 'x', energyWh: 1n },
      { participantId: 'y', energyWh: 1n },
    ];
    expect(largestRemainder(1n, tied)).toEqual([0n, 1n, 0n]);
    expect(largestRemainder(2n, tied)).toEqual([0n, 1n, 1n]);
    expect(largestRemainder(3n, tied)).toEqual([1n, 1n, 1n]);
    expect(largestRemainder(0n, tied)).toEqual([0n, 0n, 0n]);
    expect(() => largestRemainder(4n, tied)).toThrow(RangeError);
  });

  it('1 Wh against 1 Wh trades at S (SDR 1) and settles 40 µ each way', () => {
    const r = clearMarket([sell('s', 1), buy('b', 1)], T);
    expect(row(r, 's')).toEqual(['accepted', 1, 0, 40]);
    expect(row(r, 'b')).toEqual(['accepted', 1, 0, -40]);
    expect(r.gridAmount).toBe(0);
  });
});

describe('S = 0 (free feed-in)', () => {
  it('Ps = 0 whenever there is supply, Pb = B·(1 − SDR); a seller asking anything above 0 is rejected', () => {
    const t = { gridBuyPrice: 100000, gridSellPrice: 0 };
    // R1: TS 2000, TD 4000: Ps = 0·B·TD/(B·TS) = 0, Pb = 100000·1/2 = 50000; s2's 20000 > 0 → out.
    // R2: TS 1000, TD 4000: Ps 0, Pb = 100000·3/4 = 75000.
    const r = clearMarket([sell('s1', 1000, 0), sell('s2', 1000, 20000), buy('b1', 4000, 100000)], t);
    expect([r.rounds, r.sellPrice, r.buyPrice]).toEqual([2, 0, 75000]);
    expect(row(r, 's1')).toEqual(['accepted', 1000, 0, 0]);
    expect(row(r, 's2')).toEqual(['rejected', 0, 1000, 0]);
    expect(row(r, 'b1')).toEqual(['accepted', 1000, 3000, -300000]);
    expect(r.gridAmount).toBe(300000);
  });

  it('no supply with S = 0 (the 0/0 case the spec leaves open): Pb = B, no internal trade', () => {
    const t = { gridBuyPrice: 100000, gridSellPrice: 0 };
    const r = clearMarket([buy('b1', 1000, 100000), buy('b2', 1000, 99999)], t);
    // Pb = Ps·0 + B·1 = B whatever Ps is, so b2 (99999 < B) is rejected.
    expect([r.rounds, r.buyPrice, r.internalWh]).toEqual([2, 100000, 0]);
    expect(row(r, 'b2')).toEqual(['rejected', 0, 1000, -100000]);
    // §5's Ps = S·B·TD/((B − S)·TS + S·TD) is 0/0 here; the chaincode publishes Ps = 0 (its
    // documented choice in sdr.ts, consistent with Ps = 0 for every SDR > 0 when S = 0).
    expect(r.sellPrice).toBe(0);
  });

  it('SDR > 1 with S = 0: everything internal is free, exports earn nothing', () => {
    const r = clearMarket([sell('s1', 3000, 0), buy('b1', 1000, 100000)], { gridBuyPrice: 100000, gridSellPrice: 0 });
    expect([r.sellPrice, r.buyPrice]).toEqual([0, 0]);
    expect(row(r, 's1')).toEqual(['accepted', 1000, 2000, 0]);
    expect(row(r, 'b1')).toEqual(['accepted', 1000, 0, 0]);
    expect(r.gridAmount).toBe(0);
  });
});

describe('money (§7)', () => {
  it('energyCost rounds Wh × µ/kWh / 1000 half up', () => {
    expect(energyCost(1n, 130500n)).toBe(131n); // 130.5 → 131
    expect(energyCost(1n, 130499n)).toBe(130n); // 130.499 → 130
    expect(energyCost(3n, 500n)).toBe(2n); // 1.5 → 2
    expect(energyCost(1n, 499n)).toBe(0n); // 0.499 → 0
    expect(energyCost(0n, 130000n)).toBe(0n);
  });

  it('is zero-sum with awkward prices and many rounding residues', () => {
    const t = { gridBuyPrice: 123457, gridSellPrice: 45679 };
    const r = clearMarket(
      [sell('s1', 333, 45679), sell('s2', 777, 50001), sell('s3', 1, 45680), buy('b1', 999, 123457), buy('b2', 101, 99999), buy('b3', 7, 70001)],
      t,
    );
    expect(sumAmounts(r)).toBe(0);
    // And the grid entry is exactly minus the participants' sum, computed here in BigInt.
    const participants = r.allocations.reduce((acc, a) => acc + BigInt(a.amount), 0n);
    expect(BigInt(r.gridAmount)).toBe(-participants);
  });
});

describe('size limits', () => {
  it('max-size orders (1,000,000 Wh) with prices near 10^13 µ/kWh stay exact', () => {
    const Sb = 3333333333333n;
    const Bb = 7777777777777n;
    const TS = 999999n;
    const TD = 1000000n;
    // Independent BigInt evaluation of §5 and §7 (intermediates reach ~2.6e31, far beyond 2^53).
    const psNum = Sb * Bb * TD;
    const psDen = (Bb - Sb) * TS + Sb * TD;
    const P = (2n * psNum + psDen) / (2n * psDen);
    const pbNum = psNum * TS + Bb * (TD - TS) * psDen;
    const pbDen = psDen * TD;
    const Pb = (2n * pbNum + pbDen) / (2n * pbDen);
    const cost = (wh: bigint, price: bigint) => (2n * wh * price + 1000n) / 2000n;
    const r = clearMarket([sell('s', 999999, Number(Sb)), buy('b', 1000000, Number(Bb))], {
      gridBuyPrice: Number(Bb),
      gridSellPrice: Number(Sb),
    });
    expect(BigInt(r.sellPrice)).toBe(P);
    expect(BigInt(r.buyPrice)).toBe(Pb);
    expect(P).toBe(3333335238096n);
    expect(BigInt(of(r, 's').amount)).toBe(cost(TS, P));
    expect(BigInt(of(r, 'b').amount)).toBe(-(cost(TS, P) + cost(1n, Bb)));
    expect(BigInt(r.gridAmount)).toBe(cost(1n, Bb)); // the seller's and the buyer's internal legs cancel
    for (const a of r.allocations) expect(Number.isSafeInteger(a.amount)).toBe(true);
  });

  it('623 max-size orders clear with exact totals', () => {
    const orders: ClearingOrder[] = [];
    for (let i = 0; i < 623; i++) {
      const id = `p${String(i).padStart(3, '0')}`;
      orders.push(i % 3 === 0 ? sell(id, 1000000) : buy(id, 1000000));
    }
    const r = clearMarket(orders, T);
    // 208 sellers, 415 buyers: E = 208e6 Wh over 415 equal buyers: 501204.8… each,
    // floor 501204 (415·501204 = 208 e6 − 340), so the 340 smallest ids get 501205.
    expect([r.supplyWh, r.demandWh, r.internalWh]).toEqual([208000000, 415000000, 208000000]);
    const buyers = r.allocations.filter((a) => a.side === 'buy');
    expect(buyers.filter((a) => a.internalWh === 501205)).toHaveLength(340);
    expect(buyers.filter((a) => a.internalWh === 501204)).toHaveLength(75);
    const sortedIds = buyers.map((a) => a.participantId).sort();
    expect(buyers.filter((a) => a.internalWh === 501205).map((a) => a.participantId).sort()).toEqual(sortedIds.slice(0, 340));
    expect(sumAmounts(r)).toBe(0);
  });

  it('refuses with ARITHMETIC_OVERFLOW when an amount leaves the safe integer range', () => {
    // 1e6 Wh at 1e13 µ/kWh = 1e16 µ > 2^53 − 1.
    const huge = () => clearMarket([buy('b', 1000000, 1e13)], { gridBuyPrice: 1e13, gridSellPrice: 0 });
    expect(huge).toThrow(LedgerError);
    expect(huge).toThrow(/^ARITHMETIC_OVERFLOW: /);
  });

  it('refuses with ARITHMETIC_OVERFLOW when only the grid total leaves the safe range', () => {
    // Each buyer pays 5e15 µ (safe), the grid's balancing entry would be 1e16 (not safe).
    const B5 = 5e12;
    const run = () => clearMarket([buy('b1', 1000000, B5), buy('b2', 1000000, B5)], { gridBuyPrice: B5, gridSellPrice: 0 });
    expect(run).toThrow(/^ARITHMETIC_OVERFLOW: .*grid amount/);
  });
});
