/**
 * One hand-worked example per mechanism (mechanisms.md §1–§4), through clearMarketWith.
 * Every expected figure is worked out by hand in the comments beside it, never taken
 * from the code under test. Units: Wh, µ/kWh, µ; round = nearest, halves up.
 */
import { clearMarketWith, ClearingOrder, MechanismClearing } from '@ecch/chaincode/domain/clearing';
import { Mechanism } from '@ecch/chaincode/domain/model';

const B = 130000;
const S = 40000;
const T = { gridBuyPrice: B, gridSellPrice: S };

const sell = (orderId: string, participantId: string, energyWh: number, limitPrice = S): ClearingOrder => ({ orderId, participantId, side: 'sell', energyWh, limitPrice });
const buy = (orderId: string, participantId: string, energyWh: number, limitPrice = B): ClearingOrder => ({ orderId, participantId, side: 'buy', energyWh, limitPrice });

/** [status, internalWh, gridWh, price, amount] per participant. */
function rows(r: MechanismClearing): Record<string, [string, number, number, number | null, number]> {
  return Object.fromEntries(r.allocations.map((a) => [a.participantId, [a.status, a.internalWh, a.gridWh, a.price, a.amount]]));
}
function total(r: MechanismClearing): number {
  return r.allocations.reduce((acc, a) => acc + a.amount, 0) + r.gridAmount;
}

// market-rules §8's book: h1 sells 3000 (no limit: S), h2 sells 1000 at ≥ 100000,
// h3 buys 4000 (no limit: B), h4 buys 2000 at ≤ 60000.
const section8 = [sell('o-h1', 'h1', 3000), sell('o-h2', 'h2', 1000, 100000), buy('o-h3', 'h3', 4000), buy('o-h4', 'h4', 2000, 60000)];

describe('sdr on the §8 book (market-rules §8): the result now also carries internalPrice = Ps', () => {
  const r = clearMarketWith('sdr', section8, T);

  it('publishes Ps 48372 and Pb 68779 as sellPrice and buyPrice, and Ps as internalPrice', () => {
    expect(r).toMatchObject({ mechanism: 'sdr', internalPrice: 48372, sellPrice: 48372, buyPrice: 68779, rounds: 2 });
    expect([r.supplyWh, r.demandWh, r.fraction, r.ratio]).toEqual([3000, 4000, '3/4', '0.750000']);
  });

  it('settles as §8 does', () => {
    // h1: round(3000·48372/1000) = 145116; h3: 145116 + 1000·130 = 275116; h2 exports 1000·40; h4 imports 2000·130.
    expect(rows(r)).toEqual({
      h1: ['accepted', 3000, 0, 48372, 145116],
      h2: ['rejected', 0, 1000, null, 40000],
      h3: ['accepted', 3000, 1000, 48372, -275116],
      h4: ['rejected', 0, 2000, null, -260000],
    });
    expect(r.gridAmount).toBe(350000);
    expect(total(r)).toBe(0);
  });
});

describe('mmr (mechanisms §2)', () => {
  it('on the §8 book: Pm = (130000 + 40000)/2 = 85000; h2 (100000 > Pm) and h4 (60000 < Pm) rejected', () => {
    // Accepted: h1 (40000 ≤ 85000) and h3 (130000 ≥ 85000). TS 3000 ≤ TD 4000: E = 3000, h3 gets all of it.
    // h1: 3000·85000/1000 = 255000. h3: 255000 + 1000·130000/1000 = 385000 paid.
    // grid: −(255000 + 40000 − 385000 − 260000) = +350000.
    const r = clearMarketWith('mmr', section8, T);
    expect(rows(r)).toEqual({
      h1: ['accepted', 3000, 0, 85000, 255000],
      h2: ['rejected', 0, 1000, null, 40000],
      h3: ['accepted', 3000, 1000, 85000, -385000],
      h4: ['rejected', 0, 2000, null, -260000],
    });
    // sellPrice: 1000·255000/3000 = 85000; buyPrice: 1000·385000/4000 = 96250.
    expect(r).toMatchObject({ mechanism: 'mmr', internalPrice: 85000, sellPrice: 85000, buyPrice: 96250, rounds: 1 });
    expect([r.supplyWh, r.demandWh, r.fraction, r.ratio, r.internalWh, r.gridImportWh, r.gridExportWh]).toEqual([3000, 4000, '3/4', '0.750000', 3000, 3000, 1000]);
    expect(r.gridAmount).toBe(350000);
    expect(total(r)).toBe(0);
  });

  it('with B + S odd, sellers rationed by largest remainder (tie: participant id), money rounded per order', () => {
    // B = 130001, S = 40000: Pm = 170001/2 = 85000.5 exactly; P = round(85000.5) = 85001.
    const t = { gridBuyPrice: 130001, gridSellPrice: 40000 };
    const r = clearMarketWith(
      'mmr',
      [
        sell('o-s1', 'p2', 1000, 40000), // 40000 ≤ 85000.5: accepted
        sell('o-s2', 'p1', 1000, 85000), // 85000 ≤ 85000.5: accepted
        sell('o-s3', 'p3', 500, 85001), // 85001 > 85000.5: rejected
        buy('o-b1', 'p4', 1000, 85001), // 85001 ≥ 85000.5: accepted
        buy('o-b2', 'p5', 1000, 85000), // 85000 < 85000.5: rejected
        buy('o-b3', 'p6', 333, 130001), // B: accepted
      ],
      t,
    );
    // TS = 2000 > TD = 1333: buyers trade in full, E = 1333 shared by the sellers:
    // 1333·1000/2000 = 666.5 each → 666 + 666, 1 Wh left; equal remainders, so the lower
    // participant id p1 (order o-s2) gets 667, p2 (o-s1) 666.
    // p1: round(667·85001/1000) = round(56695.667) = 56696, exports 333·40 = 13320 → +70016;
    //     price round(1000·56696/667) = round(85001.499) = 85001.
    // p2: round(666·85001/1000) = round(56610.666) = 56611, exports 334·40 = 13360 → +69971;
    //     price round(1000·56611/666) = round(85001.502) = 85002 (the per-order rounding shows).
    // p3: exports 500·40 = 20000. p4: 1000·85001/1000 = 85001. p5: imports 1000·130001/1000 = 130001.
    // p6: round(333·85001/1000) = round(28305.333) = 28305; price 1000·28305/333 = 85000 exactly.
    expect(rows(r)).toEqual({
      p1: ['accepted', 667, 333, 85001, 70016],
      p2: ['accepted', 666, 334, 85002, 69971],
      p3: ['rejected', 0, 500, null, 20000],
      p4: ['accepted', 1000, 0, 85001, -85001],
      p5: ['rejected', 0, 1000, null, -130001],
      p6: ['accepted', 333, 0, 85000, -28305],
    });
    // participants: 70016 + 69971 + 20000 − 85001 − 130001 − 28305 = −83320 → grid +83320
    // (= import 130001 − exports 46680 − 1 µ: buyers paid 113306 for internal energy, sellers got 113307).
    expect(r.gridAmount).toBe(83320);
    // sellPrice: round(1000·(70016 + 69971)/2000) = round(69993.5) = 69994;
    // buyPrice: round(1000·(85001 + 28305)/1333) = round(85000.750) = 85001.
    expect(r).toMatchObject({ internalPrice: 85001, sellPrice: 69994, buyPrice: 85001 });
    // SDR of the accepted sets: 2000/1333 (coprime) = 1.500375094 → "1.500375".
    expect([r.supplyWh, r.demandWh, r.fraction, r.ratio]).toEqual([2000, 1333, '2000/1333', '1.500375']);
    expect([r.internalWh, r.gridImportWh, r.gridExportWh]).toEqual([1333, 1000, 1167]);
    expect(total(r)).toBe(0);
  });

  it('with accepted sellers but no accepted buyer: nothing trades, internalPrice and buyPrice null', () => {
    // Pm = 85000; the only buy (60000) is rejected; the sell (S) is accepted but E = min(3000, 0) = 0.
    const r = clearMarketWith('mmr', [sell('o-1', 'a', 3000), buy('o-2', 'b', 2000, 60000)], T);
    expect(rows(r)).toEqual({ a: ['accepted', 0, 3000, null, 120000], b: ['rejected', 0, 2000, null, -260000] });
    // sellPrice: 1000·120000/3000 = 40000 (all exported at S).
    expect(r).toMatchObject({ internalPrice: null, sellPrice: 40000, buyPrice: null, fraction: null, ratio: null, internalWh: 0, gridAmount: 140000 });
  });
});

describe('uniform (mechanisms §3)', () => {
  it('on the §8 book: the walk matches h1–h3 3000, h2–h3 1000; P = (100000 + 130000)/2 = 115000', () => {
    // Sells by λ: h1 (40000), h2 (100000). Buys by λ desc: h3 (130000), h4 (60000).
    // h1 vs h3: 40000 ≤ 130000, q = 3000 (h1 done, h3 has 1000 left);
    // h2 vs h3: 100000 ≤ 130000, q = 1000 (both done). No sell left: E = 4000.
    // Last pair (100000, 130000): P = 115000. h4 (60000 < 115000) rejected.
    // h1: 3000·115 = 345000; h2: 1000·115 = 115000; h3: 4000·115 = 460000; h4 imports 2000·130 = 260000.
    const r = clearMarketWith('uniform', section8, T);
    expect(rows(r)).toEqual({
      h1: ['accepted', 3000, 0, 115000, 345000],
      h2: ['accepted', 1000, 0, 115000, 115000],
      h3: ['accepted', 4000, 0, 115000, -460000],
      h4: ['rejected', 0, 2000, null, -260000],
    });
    // grid: −(345000 + 115000 − 460000 − 260000) = +260000; averages 460000/4 kWh = 115000 both sides.
    expect(r).toMatchObject({ mechanism: 'uniform', internalPrice: 115000, sellPrice: 115000, buyPrice: 115000, gridAmount: 260000, rounds: 1 });
    expect([r.supplyWh, r.demandWh, r.fraction, r.ratio, r.internalWh, r.gridImportWh, r.gridExportWh]).toEqual([4000, 4000, '1/1', '1.000000', 4000, 2000, 0]);
    expect(total(r)).toBe(0);
  });

  // A deeper book: a partial fill, an accepted order that trades nothing, a half to round.
  const deeper = [
    sell('o-a', 'p-a', 2000, 50000),
    sell('o-b', 'p-b', 1000, 70001),
    sell('o-c', 'p-c', 1500, 90000),
    sell('o-d', 'p-d', 700, 75000),
    buy('o-x', 'p-x', 1500, 120000),
    buy('o-y', 'p-y', 1000, 80000),
    buy('o-z', 'p-z', 500, 60000),
  ];

  it('a deeper book: P = round((70001 + 80000)/2) = 75001; o-b partly filled; o-d accepted with nothing traded', () => {
    // Sells by λ: a 50000, b 70001, d 75000, c 90000. Buys by λ desc: x 120000, y 80000, z 60000.
    // a–x: q = 1500 (x done, a has 500 left); a–y: q = 500 (a done, y has 500 left);
    // b–y: 70001 ≤ 80000, q = 500 (y done, b has 500 left); b–z: 70001 > 60000: stop.
    // E = 2500; last pair (70001, 80000): P = round(75000.5) = 75001.
    // Status against P: a, b, d (75000 ≤ 75001) accepted, c (90000) rejected; x, y accepted, z (60000) rejected.
    // a: 2000·75001/1000 = 150002.                  price 150002000/2000 = 75001
    // b: round(500·75001/1000) = round(37500.5) = 37501, exports 500·40 = 20000 → 57501; price 37501000/500 = 75002
    // d: exports 700·40 = 28000; c: exports 1500·40 = 60000
    // x: round(1500·75001/1000) = round(112501.5) = 112502; price round(112502000/1500) = round(75001.33) = 75001
    // y: 1000·75001/1000 = 75001; z: imports 500·130 = 65000
    const r = clearMarketWith('uniform', deeper, T);
    expect(rows(r)).toEqual({
      'p-a': ['accepted', 2000, 0, 75001, 150002],
      'p-b': ['accepted', 500, 500, 75002, 57501],
      'p-c': ['rejected', 0, 1500, null, 60000],
      'p-d': ['accepted', 0, 700, null, 28000],
      'p-x': ['accepted', 1500, 0, 75001, -112502],
      'p-y': ['accepted', 1000, 0, 75001, -75001],
      'p-z': ['rejected', 0, 500, null, -65000],
    });
    // participants: 150002 + 57501 + 60000 + 28000 − 112502 − 75001 − 65000 = 43000 → grid −43000
    // (= import 65000 − exports 108000; internal money 187503 on both sides).
    expect(r.gridAmount).toBe(-43000);
    // sellPrice over a, b, d: round(1000·(150002 + 57501 + 28000)/3700) = round(63649.46) = 63649;
    // buyPrice over x, y: round(1000·187503/2500) = round(75001.2) = 75001.
    expect(r).toMatchObject({ internalPrice: 75001, sellPrice: 63649, buyPrice: 75001 });
    // accepted totals TS = 2000 + 1000 + 700 = 3700, TD = 2500: 37/25 = 1.48.
    expect([r.supplyWh, r.demandWh, r.fraction, r.ratio]).toEqual([3700, 2500, '37/25', '1.480000']);
    expect([r.internalWh, r.gridImportWh, r.gridExportWh]).toEqual([2500, 500, 2700]);
    expect(total(r)).toBe(0);
  });

  it('when no sell is at or below any buy, nothing trades: every order rejected, no prices', () => {
    // cheapest sell 90000 > dearest buy 80000: E = 0.
    const r = clearMarketWith('uniform', [sell('o-1', 'a', 1000, 90000), buy('o-2', 'b', 1000, 80000)], T);
    expect(rows(r)).toEqual({ a: ['rejected', 0, 1000, null, 40000], b: ['rejected', 0, 1000, null, -130000] });
    expect(r).toMatchObject({ internalPrice: null, sellPrice: null, buyPrice: null, supplyWh: 0, demandWh: 0, fraction: null, internalWh: 0, gridAmount: 90000 });
  });

  it('equal limits are walked in ascending participant id, so the lower id is filled first', () => {
    // Two sells at 50000 (participants "m" with order o-1, "k" with order o-2), one buy of 1500 at 60000.
    // Sorted: k (o-2) then m (o-1). k–buy: 1000 (k done); m–buy: 500 (buy done). P = round(110000/2) = 55000.
    const r = clearMarketWith('uniform', [sell('o-1', 'm', 1000, 50000), sell('o-2', 'k', 1000, 50000), buy('o-3', 'n', 1500, 60000)], T);
    // k: 1000·55 = 55000; m: 500·55 = 27500 + export 500·40 = 20000 → 47500; n: 1500·55 = 82500.
    expect(rows(r)).toEqual({ k: ['accepted', 1000, 0, 55000, 55000], m: ['accepted', 500, 500, 55000, 47500], n: ['accepted', 1500, 0, 55000, -82500] });
  });
});

describe('pay-as-bid (mechanisms §4)', () => {
  it('on the §8 book: both matches at h3\'s limit 130000', () => {
    // Matches as uniform's: (h1, h3, 3000) and (h2, h3, 1000), each at λb = 130000:
    // a = 3000·130 = 390000 and 1000·130 = 130000. h3 pays 520000; h4 (unmatched) rejected, imports.
    const r = clearMarketWith('pay-as-bid', section8, T);
    expect(rows(r)).toEqual({
      h1: ['accepted', 3000, 0, 130000, 390000],
      h2: ['accepted', 1000, 0, 130000, 130000],
      h3: ['accepted', 4000, 0, 130000, -520000],
      h4: ['rejected', 0, 2000, null, -260000],
    });
    // grid: −(390000 + 130000 − 520000 − 260000) = +260000; averages 520000/4 kWh = 130000.
    expect(r).toMatchObject({ mechanism: 'pay-as-bid', internalPrice: null, sellPrice: 130000, buyPrice: 130000, gridAmount: 260000 });
    expect(total(r)).toBe(0);
  });

  it('a deeper book: each match at its buyer\'s limit; unmatched orders rejected', () => {
    // The walk of the uniform example: (a, x, 1500), (a, y, 500), (b, y, 500).
    // a_m: 1500·120000/1000 = 180000; 500·80000/1000 = 40000; 500·80000/1000 = 40000.
    // a: 180000 + 40000 = 220000, price 220000000/2000 = 110000.
    // b: 40000 + export 500·40 = 20000 → 60000, price 80000. c, d: unmatched, rejected, export 1500 and 700.
    // x: 180000, price 120000. y: 40000 + 40000 = 80000, price 80000. z: rejected, imports 500·130 = 65000.
    const r = clearMarketWith(
      'pay-as-bid',
      [
        sell('o-a', 'p-a', 2000, 50000),
        sell('o-b', 'p-b', 1000, 70001),
        sell('o-c', 'p-c', 1500, 90000),
        sell('o-d', 'p-d', 700, 75000),
        buy('o-x', 'p-x', 1500, 120000),
        buy('o-y', 'p-y', 1000, 80000),
        buy('o-z', 'p-z', 500, 60000),
      ],
      T,
    );
    expect(rows(r)).toEqual({
      'p-a': ['accepted', 2000, 0, 110000, 220000],
      'p-b': ['accepted', 500, 500, 80000, 60000],
      'p-c': ['rejected', 0, 1500, null, 60000],
      'p-d': ['rejected', 0, 700, null, 28000],
      'p-x': ['accepted', 1500, 0, 120000, -180000],
      'p-y': ['accepted', 1000, 0, 80000, -80000],
      'p-z': ['rejected', 0, 500, null, -65000],
    });
    // participants: 220000 + 60000 + 60000 + 28000 − 180000 − 80000 − 65000 = 43000 → grid −43000.
    // sellPrice over a, b: round(1000·280000/3000) = round(93333.3) = 93333; buyPrice over x, y: 1000·260000/2500 = 104000.
    expect(r).toMatchObject({ internalPrice: null, sellPrice: 93333, buyPrice: 104000, gridAmount: -43000 });
    // accepted totals 3000 / 2500 = 6/5.
    expect([r.supplyWh, r.demandWh, r.fraction, r.ratio, r.internalWh, r.gridImportWh, r.gridExportWh]).toEqual([3000, 2500, '6/5', '1.200000', 2500, 500, 2700]);
    expect(total(r)).toBe(0);
  });

  it('each match is rounded on its own, and the same integer moves from buyer to seller', () => {
    // Seller 2 Wh at S; buyers b1 and b2 1 Wh each at 40400: each match round(1·40400/1000) = round(40.4) = 40.
    // The seller receives 80 µ (not round(2·40.4) = 81); the buyers pay 40 each; internal money balances.
    const r = clearMarketWith('pay-as-bid', [sell('o-s', 's', 2), buy('o-1', 'b1', 1, 40400), buy('o-2', 'b2', 1, 40400)], T);
    expect(rows(r)).toEqual({ s: ['accepted', 2, 0, 40000, 80], b1: ['accepted', 1, 0, 40000, -40], b2: ['accepted', 1, 0, 40000, -40] });
    expect(r.gridAmount).toBe(0);
  });
});

describe('every mechanism on the same books', () => {
  const mechanisms: Mechanism[] = ['sdr', 'mmr', 'uniform', 'pay-as-bid'];

  it.each(mechanisms)('%s: an empty book publishes no trade and a zero grid entry', (m) => {
    const r = clearMarketWith(m, [], T);
    expect(r).toMatchObject({ mechanism: m, allocations: [], internalWh: 0, gridImportWh: 0, gridExportWh: 0, gridAmount: 0, supplyWh: 0, demandWh: 0 });
    // sdr publishes S/S (market-rules §5) and Ps as internalPrice; the others have no accepted order, so null.
    if (m === 'sdr') expect([r.internalPrice, r.sellPrice, r.buyPrice]).toEqual([S, S, S]);
    else expect([r.internalPrice, r.sellPrice, r.buyPrice]).toEqual([null, null, null]);
  });

  it('refuses a mechanism it does not know', () => {
    expect(() => clearMarketWith('vickrey' as Mechanism, section8, T)).toThrow(/unknown mechanism/);
  });
});
