/**
 * Property-based tests (fast-check) of market-rules §5–§7 over random order books and
 * tariffs with 0 ≤ S < B and every limit in [S, B] (§4).
 *
 * Expectations come from the spec, re-derived here: exact comparisons by BigInt
 * cross-multiplication, §7's amounts recomputed in BigInt, and a whole independent
 * reading of §5–§6 (spec-reference.ts) that clearMarket must agree with.
 */
import fc from 'fast-check';
import { clearMarket, Clearing, ClearingOrder } from '@ecch/chaincode/domain/clearing';
import { Rational } from '@ecch/chaincode/domain/rational';
import { clearSdr, sdrPrices } from '@ecch/chaincode/domain/sdr';
import { cmpFrac, frac, Frac, roundHalfUpFrac, specClear, specCost } from './spec-reference';

const RUNS = { numRuns: 400 };

interface Book {
  B: number;
  S: number;
  orders: ClearingOrder[];
}

const tariffArb = fc
  .oneof(
    { arbitrary: fc.constant(0), weight: 1 },
    { arbitrary: fc.integer({ min: 1, max: 300_000 }), weight: 6 },
    { arbitrary: fc.integer({ min: 1, max: 5_000_000_000 }), weight: 1 },
  )
  .chain((S) =>
    fc
      .oneof(
        { arbitrary: fc.integer({ min: 1, max: 10 }), weight: 1 },
        { arbitrary: fc.integer({ min: 1, max: 500_000 }), weight: 6 },
        { arbitrary: fc.integer({ min: 1, max: 5_000_000_000 }), weight: 1 },
      )
      .map((gap) => ({ S, B: S + gap })),
  );

const energyArb = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: 20 }), weight: 2 },
  { arbitrary: fc.constantFrom(500, 1000, 1500, 2000, 3000), weight: 2 },
  { arbitrary: fc.integer({ min: 1, max: 1_000_000 }), weight: 3 },
);

const bookArb: fc.Arbitrary<Book> = tariffArb.chain(({ S, B }) => {
  const order = fc.record({
    side: fc.constantFrom('buy' as const, 'sell' as const),
    energyWh: energyArb,
    // undefined (half the time) = the tariff default of §4; otherwise anywhere in [S, B], edges included
    limit: fc.option(fc.oneof(fc.integer({ min: S, max: B }), fc.constantFrom(S, B)), { nil: undefined, freq: 2 }),
  });
  return fc.array(order, { maxLength: 30 }).chain((raw) =>
    fc.uniqueArray(fc.integer({ min: 0, max: 99_999 }), { minLength: raw.length, maxLength: raw.length }).map((pids) => ({
      S,
      B,
      orders: raw.map((o, i) => ({
        orderId: `ord-${String(i).padStart(3, '0')}`,
        // participant ids unrelated to order ids, so the two tie-breaks can differ
        participantId: `hh-${pids[i]}`,
        side: o.side,
        energyWh: o.energyWh,
        limitPrice: o.limit ?? (o.side === 'sell' ? S : B),
      })),
    })),
  );
});

const tariffsOf = (b: Book) => ({ gridBuyPrice: b.B, gridSellPrice: b.S });
const toFrac = (r: Rational): Frac => frac(r.num, r.den);
const sumBig = (xs: number[]) => xs.reduce((a, x) => a + BigInt(x), 0n);

describe('energy conservation (§6)', () => {
  it('Σ internal bought = Σ internal sold = internalWh, and internal + grid = energy for every order', () => {
    fc.assert(
      fc.property(bookArb, (book) => {
        const r = clearMarket(book.orders, tariffsOf(book));
        const bought = sumBig(r.allocations.filter((a) => a.side === 'buy').map((a) => a.internalWh));
        const sold = sumBig(r.allocations.filter((a) => a.side === 'sell').map((a) => a.internalWh));
        expect(bought).toBe(BigInt(r.internalWh));
        expect(sold).toBe(BigInt(r.internalWh));
        expect(r.allocations).toHaveLength(book.orders.length);
        for (const a of r.allocations) {
          const o = book.orders.find((x) => x.orderId === a.orderId)!;
          expect(a.energyWh).toBe(o.energyWh);
          expect(a.internalWh + a.gridWh).toBe(o.energyWh);
          expect(a.internalWh).toBeGreaterThanOrEqual(0);
          expect(a.gridWh).toBeGreaterThanOrEqual(0);
          if (a.status === 'rejected') expect(a.internalWh).toBe(0);
        }
        expect(BigInt(r.gridImportWh)).toBe(sumBig(r.allocations.filter((a) => a.side === 'buy').map((a) => a.gridWh)));
        expect(BigInt(r.gridExportWh)).toBe(sumBig(r.allocations.filter((a) => a.side === 'sell').map((a) => a.gridWh)));
        // E = min(TS, TD) of the accepted sets
        const acc = r.allocations.filter((a) => a.status === 'accepted');
        const TS = sumBig(acc.filter((a) => a.side === 'sell').map((a) => a.energyWh));
        const TD = sumBig(acc.filter((a) => a.side === 'buy').map((a) => a.energyWh));
        expect(BigInt(r.internalWh)).toBe(TS < TD ? TS : TD);
        expect([BigInt(r.supplyWh), BigInt(r.demandWh)]).toEqual([TS, TD]);
      }),
      RUNS,
    );
  });
});

describe('money (§7)', () => {
  it('Σ participant amounts + gridAmount = 0', () => {
    fc.assert(
      fc.property(bookArb, (book) => {
        const r = clearMarket(book.orders, tariffsOf(book));
        expect(sumBig(r.allocations.map((a) => a.amount)) + BigInt(r.gridAmount)).toBe(0n);
      }),
      RUNS,
    );
  });

  it("every amount equals §7's formula recomputed in BigInt from the allocation", () => {
    fc.assert(
      fc.property(bookArb, (book) => {
        const r = clearMarket(book.orders, tariffsOf(book));
        const P = BigInt(r.sellPrice);
        const B = BigInt(book.B);
        const S = BigInt(book.S);
        const half = (n: bigint) => (2n * n + 1000n) / 2000n; // round(n / 1000), halves up, n ≥ 0
        for (const a of r.allocations) {
          const internal = BigInt(a.internalWh);
          const grid = BigInt(a.gridWh);
          const expected = a.side === 'buy' ? -(half(internal * P) + half(grid * B)) : half(internal * P) + half(grid * S);
          expect(BigInt(a.amount)).toBe(expected);
        }
      }),
      RUNS,
    );
  });
});

describe('prices (§5)', () => {
  const totalsArb = tariffArb.chain(({ S, B }) =>
    fc.record({
      S: fc.constant(BigInt(S)),
      B: fc.constant(BigInt(B)),
      TS: fc.bigInt({ min: 0n, max: 30_000_000n }),
      TD: fc.bigInt({ min: 0n, max: 30_000_000n }),
    }),
  );

  it('S ≤ Ps ≤ Pb ≤ B exactly, for any totals (sdrPrices)', () => {
    fc.assert(
      fc.property(totalsArb, ({ S, B, TS, TD }) => {
        const p = sdrPrices(TS, TD, { gridBuyPrice: B, gridSellPrice: S });
        const ps = toFrac(p.sellPrice);
        const pb = toFrac(p.buyPrice);
        expect(cmpFrac(frac(S), ps)).toBeLessThanOrEqual(0);
        expect(cmpFrac(ps, pb)).toBeLessThanOrEqual(0);
        expect(cmpFrac(pb, frac(B))).toBeLessThanOrEqual(0);
      }),
      RUNS,
    );
  });

  it('S ≤ Ps ≤ Pb ≤ B exactly after the loop (clearSdr) and for the published prices', () => {
    fc.assert(
      fc.property(bookArb, (book) => {
        const t = { gridBuyPrice: BigInt(book.B), gridSellPrice: BigInt(book.S) };
        const priced = book.orders.map((o) => ({ side: o.side, energyWh: BigInt(o.energyWh), limitPrice: BigInt(o.limitPrice) }));
        const out = clearSdr(priced, t);
        const ps = toFrac(out.sellPrice);
        const pb = toFrac(out.buyPrice);
        expect(cmpFrac(frac(t.gridSellPrice), ps)).toBeLessThanOrEqual(0);
        expect(cmpFrac(ps, pb)).toBeLessThanOrEqual(0);
        expect(cmpFrac(pb, frac(t.gridBuyPrice))).toBeLessThanOrEqual(0);
        const r = clearMarket(book.orders, tariffsOf(book));
        expect(book.S <= r.sellPrice && r.sellPrice <= r.buyPrice && r.buyPrice <= book.B).toBe(true);
      }),
      RUNS,
    );
  });

  it('Ps and Pb are non-increasing as the SDR rises on [0, 1] (fixed B, S); Ps strictly when S > 0', () => {
    const pairArb = tariffArb.chain(({ S, B }) =>
      fc
        .tuple(fc.bigInt({ min: 1n, max: 5_000_000n }), fc.bigInt({ min: 1n, max: 5_000_000n }), fc.bigInt({ min: 0n, max: 5_000_000n }), fc.bigInt({ min: 0n, max: 5_000_000n }))
        .map(([td1, td2, a, b]) => ({ S: BigInt(S), B: BigInt(B), TD1: td1, TS1: a % (td1 + 1n), TD2: td2, TS2: b % (td2 + 1n) })),
    );
    fc.assert(
      fc.property(pairArb, ({ S, B, TD1, TS1, TD2, TS2 }) => {
        // order the two points so that SDR1 = TS1/TD1 ≤ SDR2 = TS2/TD2 (both in [0, 1])
        let [ts1, td1, ts2, td2] = [TS1, TD1, TS2, TD2];
        if (ts1 * td2 > ts2 * td1) [ts1, td1, ts2, td2] = [ts2, td2, ts1, td1];
        const t = { gridBuyPrice: B, gridSellPrice: S };
        const p1 = sdrPrices(ts1, td1, t);
        const p2 = sdrPrices(ts2, td2, t);
        // The 0/0 point (S = 0, TS = 0) is the spec's open case; skip it for Ps.
        const psDefined = !(S === 0n && (ts1 === 0n || ts2 === 0n));
        if (psDefined) expect(cmpFrac(toFrac(p1.sellPrice), toFrac(p2.sellPrice))).toBeGreaterThanOrEqual(0);
        expect(cmpFrac(toFrac(p1.buyPrice), toFrac(p2.buyPrice))).toBeGreaterThanOrEqual(0);
        if (S > 0n && ts1 * td2 < ts2 * td1) expect(cmpFrac(toFrac(p1.sellPrice), toFrac(p2.sellPrice))).toBe(1);
      }),
      RUNS,
    );
  });

  it('sdrPrices matches §5 step 2 evaluated independently (and SDR > 1 or TD = 0 gives S/S)', () => {
    const totalsArb2 = tariffArb.chain(({ S, B }) =>
      fc.record({ S: fc.constant(BigInt(S)), B: fc.constant(BigInt(B)), TS: fc.bigInt({ min: 0n, max: 3_000_000n }), TD: fc.bigInt({ min: 0n, max: 3_000_000n }) }),
    );
    fc.assert(
      fc.property(totalsArb2, ({ S, B, TS, TD }) => {
        const p = sdrPrices(TS, TD, { gridBuyPrice: B, gridSellPrice: S });
        if (TD === 0n || TS > TD) {
          expect(cmpFrac(toFrac(p.sellPrice), frac(S))).toBe(0);
          expect(cmpFrac(toFrac(p.buyPrice), frac(S))).toBe(0);
          return;
        }
        // With SDR = TS/TD: Ps = S·B / ((B − S)·SDR + S); Pb = Ps·SDR + B·(1 − SDR).
        const sdr = frac(TS, TD);
        const den = frac((B - S) * sdr.n + S * sdr.d, sdr.d);
        if (den.n !== 0n) {
          const ps = frac(S * B * den.d, den.n);
          expect(cmpFrac(toFrac(p.sellPrice), ps)).toBe(0);
          const pb = frac(ps.n * sdr.n * sdr.d + B * (sdr.d - sdr.n) * ps.d * sdr.d, ps.d * sdr.d * sdr.d);
          expect(cmpFrac(toFrac(p.buyPrice), pb)).toBe(0);
        } else {
          expect(cmpFrac(toFrac(p.buyPrice), frac(B))).toBe(0);
        }
      }),
      RUNS,
    );
  });
});

describe('the limit-price loop (§5 steps 3–4)', () => {
  it('afterwards no accepted sell has limit > Ps and no accepted buy has limit < Pb (exactly)', () => {
    fc.assert(
      fc.property(bookArb, (book) => {
        const t = { gridBuyPrice: BigInt(book.B), gridSellPrice: BigInt(book.S) };
        const priced = book.orders.map((o) => ({ ...o, energyWh: BigInt(o.energyWh), limitPrice: BigInt(o.limitPrice) }));
        const out = clearSdr(priced, t);
        const ps = toFrac(out.sellPrice);
        const pb = toFrac(out.buyPrice);
        for (const o of out.accepted) {
          if (o.side === 'sell') expect(cmpFrac(frac(o.limitPrice), ps)).toBeLessThanOrEqual(0);
          else expect(cmpFrac(frac(o.limitPrice), pb)).toBeGreaterThanOrEqual(0);
        }
        expect(out.accepted.length + out.rejected.length).toBe(book.orders.length);
        // and the published statuses of clearMarket say the same
        const r = clearMarket(book.orders, tariffsOf(book));
        const acceptedIds = new Set(out.accepted.map((o) => o.orderId));
        for (const a of r.allocations) expect(a.status).toBe(acceptedIds.has(a.orderId) ? 'accepted' : 'rejected');
      }),
      RUNS,
    );
  });

  it('clearMarket agrees with an independent reading of §5–§6 (rounds, statuses, prices, SDR, every allocation)', () => {
    fc.assert(
      fc.property(bookArb, (book) => {
        const B = BigInt(book.B);
        const S = BigInt(book.S);
        const ref = specClear(book.orders, B, S);
        const r = clearMarket(book.orders, tariffsOf(book));
        expect(r.rounds).toBe(ref.rounds.length);
        expect([BigInt(r.supplyWh), BigInt(r.demandWh), BigInt(r.internalWh)]).toEqual([ref.TS, ref.TD, ref.E]);
        if (ref.ps !== null) expect(BigInt(r.sellPrice)).toBe(roundHalfUpFrac(ref.ps));
        expect(BigInt(r.buyPrice)).toBe(roundHalfUpFrac(ref.pb));
        if (ref.TD === 0n) {
          expect([r.fraction, r.ratio]).toEqual([null, null]);
        } else {
          let [a, b] = [ref.TS, ref.TD];
          while (b !== 0n) [a, b] = [b, a % b];
          expect(r.fraction).toBe(`${ref.TS / a}/${ref.TD / a}`);
          const micro = roundHalfUpFrac(frac(ref.TS * 1_000_000n, ref.TD));
          expect(r.ratio).toBe(`${micro / 1_000_000n}.${String(micro % 1_000_000n).padStart(6, '0')}`);
        }
        for (const a of r.allocations) {
          expect(a.status).toBe(ref.accepted.has(a.orderId) ? 'accepted' : 'rejected');
          expect(BigInt(a.internalWh)).toBe(ref.internal.get(a.orderId));
        }
        // §7 amounts from the reference's own allocation and price
        if (ref.ps !== null) {
          const P = roundHalfUpFrac(ref.ps);
          let participants = 0n;
          for (const o of book.orders) {
            const internal = ref.internal.get(o.orderId)!;
            const grid = BigInt(o.energyWh) - internal;
            const amount = o.side === 'buy' ? -(specCost(internal, P) + specCost(grid, B)) : specCost(internal, P) + specCost(grid, S);
            participants += amount;
            expect(BigInt(r.allocations.find((x) => x.orderId === o.orderId)!.amount)).toBe(amount);
          }
          expect(BigInt(r.gridAmount)).toBe(-participants);
        }
      }),
      RUNS,
    );
  });

  it('every rationed share is ⌊E·q/T⌋ or that plus one', () => {
    fc.assert(
      fc.property(bookArb, (book) => {
        const r = clearMarket(book.orders, tariffsOf(book));
        const TS = BigInt(r.supplyWh);
        const TD = BigInt(r.demandWh);
        const E = BigInt(r.internalWh);
        const rationed: 'buy' | 'sell' = TS <= TD ? 'buy' : 'sell';
        const T = rationed === 'buy' ? TD : TS;
        for (const a of r.allocations.filter((x) => x.status === 'accepted')) {
          const q = BigInt(a.energyWh);
          if (a.side !== rationed) {
            expect(BigInt(a.internalWh)).toBe(q);
          } else {
            const floor = (E * q) / T;
            expect([floor, floor + 1n]).toContain(BigInt(a.internalWh));
          }
        }
      }),
      RUNS,
    );
  });
});

describe('determinism', () => {
  it('shuffling the input order gives a byte-identical result', () => {
    const withShuffle = bookArb.chain((book) =>
      fc
        .shuffledSubarray(book.orders, { minLength: book.orders.length, maxLength: book.orders.length })
        .map((shuffled) => ({ book, shuffled })),
    );
    fc.assert(
      fc.property(withShuffle, ({ book, shuffled }) => {
        const a: Clearing = clearMarket(book.orders, tariffsOf(book));
        const b: Clearing = clearMarket(shuffled, tariffsOf(book));
        expect(JSON.stringify(b)).toBe(JSON.stringify(a));
      }),
      RUNS,
    );
  });
});
