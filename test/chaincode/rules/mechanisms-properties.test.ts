/**
 * Property-based tests (fast-check) of every mechanism (mechanisms.md §1–§4, and
 * market-rules §5–§7 for sdr) over random books and tariffs with 0 ≤ S < B and every
 * limit in [S, B]:
 * - energy is conserved exactly: Σ internal sold = Σ internal bought, internal + grid = energy;
 * - money is conserved exactly: every market's amounts, the grid's included, sum to 0;
 *   every amount is §7's formula, and for pay-as-bid the internal money balances to the µ;
 * - no accepted seller receives less than its limit for an internal kWh and no accepted
 *   buyer pays more than its limit, exactly (prices) and to the rounding of §7 (amounts);
 * - the result does not depend on the order of the input.
 * The uniform and pay-as-bid walk and mmr's acceptance are re-derived here from the
 * spec's text (`spec*` below), independently of the chaincode's code.
 */
import fc from 'fast-check';
import { clearMarket, clearMarketWith, ClearingOrder, MechanismClearing } from '@ecch/chaincode/domain/clearing';
import { Allocation, Mechanism, MECHANISMS } from '@ecch/chaincode/domain/model';

const RUNS = { numRuns: 300 };

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
        { arbitrary: fc.integer({ min: 1, max: 10 }), weight: 2 },
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
  // Limits often on a few shared levels (ties), on the tariffs, and on either side of (B + S)/2 (mmr's edge).
  const mid = Math.floor((B + S) / 2);
  const levels = [S, B, mid, Math.min(B, mid + 1), Math.max(S, mid - 1)];
  const order = fc.record({
    side: fc.constantFrom('buy' as const, 'sell' as const),
    energyWh: energyArb,
    limit: fc.option(fc.oneof(fc.integer({ min: S, max: B }), fc.constantFrom(...levels)), { nil: undefined, freq: 3 }),
  });
  return fc.array(order, { maxLength: 30 }).chain((raw) =>
    fc.uniqueArray(fc.integer({ min: 0, max: 99_999 }), { minLength: raw.length, maxLength: raw.length }).map((pids) => ({
      S,
      B,
      orders: raw.map((o, i) => ({
        orderId: `ord-${String(i).padStart(3, '0')}`,
        // participant ids unrelated to order ids, so the tie-breaks by id and by order differ
        participantId: `hh-${pids[i]}`,
        side: o.side,
        energyWh: o.energyWh,
        limitPrice: o.limit ?? (o.side === 'sell' ? S : B),
      })),
    })),
  );
});

const mechanismArb = fc.constantFrom(...MECHANISMS);
const tariffsOf = (b: Book) => ({ gridBuyPrice: b.B, gridSellPrice: b.S });
const sum = (xs: readonly (number | bigint)[]) => xs.reduce<bigint>((a, x) => a + BigInt(x), 0n);
/** round(n / d), halves up, n ≥ 0, d > 0. */
const roundDiv = (n: bigint, d: bigint) => (2n * n + d) / (2n * d);
/** round(wh · price / 1000): §7's per-order rounding. */
const cost = (wh: bigint, price: bigint) => roundDiv(wh * price, 1000n);

// ---- The spec's own reading of mmr (§2) and of the double-auction walk (§3 steps 1–2). ----

/** §2: accepted iff sell λ ≤ (B + S)/2, buy λ ≥ (B + S)/2, compared as 2λ against B + S. */
function specMmrAccepted(o: ClearingOrder, B: number, S: number): boolean {
  const twice = 2n * BigInt(o.limitPrice);
  return o.side === 'sell' ? twice <= BigInt(B) + BigInt(S) : twice >= BigInt(B) + BigInt(S);
}

interface SpecMatch {
  seller: string;
  buyer: string;
  q: bigint;
  sellLimit: bigint;
  buyLimit: bigint;
}

/** §3 steps 1–2: sells (λ asc, id asc), buys (λ desc, id asc); match while λs ≤ λb. */
function specWalk(orders: readonly ClearingOrder[]): SpecMatch[] {
  const byId = (a: ClearingOrder, b: ClearingOrder) => (a.participantId === b.participantId ? 0 : a.participantId < b.participantId ? -1 : 1);
  const sells = orders.filter((o) => o.side === 'sell').sort((a, b) => a.limitPrice - b.limitPrice || byId(a, b));
  const buys = orders.filter((o) => o.side === 'buy').sort((a, b) => b.limitPrice - a.limitPrice || byId(a, b));
  const left = new Map(orders.map((o) => [o.orderId, BigInt(o.energyWh)]));
  const matches: SpecMatch[] = [];
  let i = 0;
  let j = 0;
  while (i < sells.length && j < buys.length && sells[i].limitPrice <= buys[j].limitPrice) {
    const s = sells[i];
    const b = buys[j];
    const q = left.get(s.orderId)! < left.get(b.orderId)! ? left.get(s.orderId)! : left.get(b.orderId)!;
    matches.push({ seller: s.orderId, buyer: b.orderId, q, sellLimit: BigInt(s.limitPrice), buyLimit: BigInt(b.limitPrice) });
    left.set(s.orderId, left.get(s.orderId)! - q);
    left.set(b.orderId, left.get(b.orderId)! - q);
    if (left.get(s.orderId) === 0n) i += 1;
    if (left.get(b.orderId) === 0n) j += 1;
  }
  return matches;
}

/** Per order id: Wh matched and, for pay-as-bid, the µ of its matches at the buyers' limits. */
function specMatched(orders: readonly ClearingOrder[]) {
  const matches = specWalk(orders);
  const energy = new Map<string, bigint>();
  const money = new Map<string, bigint>();
  const count = new Map<string, number>();
  for (const m of matches) {
    const a = cost(m.q, m.buyLimit);
    for (const id of [m.seller, m.buyer]) {
      energy.set(id, (energy.get(id) ?? 0n) + m.q);
      money.set(id, (money.get(id) ?? 0n) + a);
      count.set(id, (count.get(id) ?? 0) + 1);
    }
  }
  return { matches, energy, money, count };
}

/** The µ an allocation received (sell) or paid (buy) for its internal energy: its amount less the grid part. */
function internalMoney(a: Allocation, B: number, S: number): bigint {
  return a.side === 'sell' ? BigInt(a.amount) - cost(BigInt(a.gridWh), BigInt(S)) : -BigInt(a.amount) - cost(BigInt(a.gridWh), BigInt(B));
}

/** The single price every internal kWh traded at (sdr: Ps, mmr and uniform: P), null for pay-as-bid. */
function singlePrice(r: MechanismClearing): bigint | null {
  return r.internalPrice === null ? null : BigInt(r.internalPrice);
}

const each = (check: (m: Mechanism, book: Book, r: MechanismClearing) => void) => () =>
  fc.assert(
    fc.property(mechanismArb, bookArb, (m, book) => {
      check(m, book, clearMarketWith(m, book.orders, tariffsOf(book)));
    }),
    RUNS,
  );

describe('energy is conserved exactly (market-rules §6, mechanisms §1)', () => {
  it(
    'Σ internal bought = Σ internal sold = internalWh; internal + grid = energy per order; grid totals add up',
    each((m, book, r) => {
      expect(r.mechanism).toBe(m);
      expect(r.allocations.map((a) => a.orderId)).toEqual(book.orders.map((o) => o.orderId).sort());
      const buys = r.allocations.filter((a) => a.side === 'buy');
      const sells = r.allocations.filter((a) => a.side === 'sell');
      expect(sum(buys.map((a) => a.internalWh))).toBe(BigInt(r.internalWh));
      expect(sum(sells.map((a) => a.internalWh))).toBe(BigInt(r.internalWh));
      expect(sum(buys.map((a) => a.gridWh))).toBe(BigInt(r.gridImportWh));
      expect(sum(sells.map((a) => a.gridWh))).toBe(BigInt(r.gridExportWh));
      for (const a of r.allocations) {
        const o = book.orders.find((x) => x.orderId === a.orderId)!;
        expect([a.participantId, a.side, a.energyWh]).toEqual([o.participantId, o.side, o.energyWh]);
        expect(a.internalWh).toBeGreaterThanOrEqual(0);
        expect(a.gridWh).toBeGreaterThanOrEqual(0);
        expect(a.internalWh + a.gridWh).toBe(o.energyWh);
        if (a.status === 'rejected') expect(a.internalWh).toBe(0);
        // an allocation's price is null exactly when it traded nothing internally
        expect(a.price === null).toBe(a.internalWh === 0);
      }
      // the published `sdr` block is the accepted sets' totals
      const acc = r.allocations.filter((a) => a.status === 'accepted');
      expect(BigInt(r.supplyWh)).toBe(sum(acc.filter((a) => a.side === 'sell').map((a) => a.energyWh)));
      expect(BigInt(r.demandWh)).toBe(sum(acc.filter((a) => a.side === 'buy').map((a) => a.energyWh)));
    }),
  );

  it(
    'the mechanism decides the internal energy as its section says',
    each((m, book, r) => {
      const internal = new Map(r.allocations.map((a) => [a.orderId, BigInt(a.internalWh)]));
      if (m === 'uniform' || m === 'pay-as-bid') {
        const { energy } = specMatched(book.orders);
        for (const o of book.orders) expect(internal.get(o.orderId)).toBe(energy.get(o.orderId) ?? 0n);
        // only the last matched sell and the last matched buy can be partly filled
        const partial = r.allocations.filter((a) => a.internalWh > 0 && a.gridWh > 0);
        expect(partial.filter((a) => a.side === 'sell').length).toBeLessThanOrEqual(1);
        expect(partial.filter((a) => a.side === 'buy').length).toBeLessThanOrEqual(1);
      } else {
        // sdr and mmr: E = min(TS, TD); the short side in full; the long side ⌊E·q/T⌋ or one more
        const TS = BigInt(r.supplyWh);
        const TD = BigInt(r.demandWh);
        const E = TS < TD ? TS : TD;
        expect(BigInt(r.internalWh)).toBe(E);
        const rationed = TS <= TD ? 'buy' : 'sell';
        const T = rationed === 'buy' ? TD : TS;
        for (const a of r.allocations.filter((x) => x.status === 'accepted')) {
          const q = BigInt(a.energyWh);
          if (a.side !== rationed) expect(BigInt(a.internalWh)).toBe(q);
          else expect([(E * q) / T, (E * q) / T + 1n]).toContain(BigInt(a.internalWh));
        }
      }
    }),
  );
});

describe('money is conserved exactly (market-rules §7, mechanisms §1)', () => {
  it(
    'every market\'s amounts, the grid\'s included, sum to 0',
    each((_m, _book, r) => {
      expect(sum(r.allocations.map((a) => a.amount)) + BigInt(r.gridAmount)).toBe(0n);
    }),
  );

  it(
    'every amount is its internal money plus the grid part at S or B, each rounded per order',
    each((m, book, r) => {
      const B = BigInt(book.B);
      const S = BigInt(book.S);
      const P = singlePrice(r);
      const { money } = specMatched(book.orders);
      for (const a of r.allocations) {
        const internal = BigInt(a.internalWh);
        // single-price mechanisms: round(internalWh · P / 1000); pay-as-bid: Σ over its matches of round(q · λb / 1000)
        const inside = m === 'pay-as-bid' ? (money.get(a.orderId) ?? 0n) : internal === 0n ? 0n : cost(internal, P!);
        const expected = a.side === 'sell' ? inside + cost(BigInt(a.gridWh), S) : -(inside + cost(BigInt(a.gridWh), B));
        expect(BigInt(a.amount)).toBe(expected);
        if (a.price !== null) expect(BigInt(a.price)).toBe(roundDiv(1000n * inside, internal));
      }
    }),
  );

  it(
    'pay-as-bid moves the same integer from each buyer to each seller: the grid takes exactly imports at B less exports at S',
    () =>
      fc.assert(
        fc.property(bookArb, (book) => {
          const r = clearMarketWith('pay-as-bid', book.orders, tariffsOf(book));
          const sellers = sum(r.allocations.filter((a) => a.side === 'sell').map((a) => internalMoney(a, book.B, book.S)));
          const buyers = sum(r.allocations.filter((a) => a.side === 'buy').map((a) => internalMoney(a, book.B, book.S)));
          expect(sellers).toBe(buyers);
          const imports = sum(r.allocations.filter((a) => a.side === 'buy').map((a) => cost(BigInt(a.gridWh), BigInt(book.B))));
          const exports = sum(r.allocations.filter((a) => a.side === 'sell').map((a) => cost(BigInt(a.gridWh), BigInt(book.S))));
          expect(BigInt(r.gridAmount)).toBe(imports - exports);
        }),
        RUNS,
      ),
  );
});

describe('prices and statuses (mechanisms §1–§4)', () => {
  it(
    'internalPrice, sellPrice and buyPrice are as §1 defines them for the mechanism',
    each((m, book, r) => {
      if (m === 'sdr') {
        // sdr: Ps always, and Ps, Pb exactly as the SDR clearing publishes them
        const sdr = clearMarket(book.orders, tariffsOf(book));
        expect([r.internalPrice, r.sellPrice, r.buyPrice]).toEqual([sdr.sellPrice, sdr.sellPrice, sdr.buyPrice]);
        return;
      }
      if (m === 'pay-as-bid' || r.internalWh === 0) expect(r.internalPrice).toBeNull();
      else expect(r.internalPrice).not.toBeNull();
      for (const side of ['sell', 'buy'] as const) {
        const acc = r.allocations.filter((a) => a.status === 'accepted' && a.side === side);
        const published = side === 'sell' ? r.sellPrice : r.buyPrice;
        if (acc.length === 0) {
          expect(published).toBeNull();
        } else {
          const amount = sum(acc.map((a) => a.amount));
          expect(BigInt(published!)).toBe(roundDiv(1000n * (amount < 0n ? -amount : amount), sum(acc.map((a) => a.energyWh))));
        }
      }
    }),
  );

  it('mmr: P = round((B + S)/2); accepted exactly the sells at or below and the buys at or above (B + S)/2', () =>
    fc.assert(
      fc.property(bookArb, (book) => {
        const r = clearMarketWith('mmr', book.orders, tariffsOf(book));
        if (r.internalWh > 0) expect(BigInt(r.internalPrice!)).toBe(roundDiv(BigInt(book.B) + BigInt(book.S), 2n));
        for (const a of r.allocations) {
          const o = book.orders.find((x) => x.orderId === a.orderId)!;
          expect(a.status).toBe(specMmrAccepted(o, book.B, book.S) ? 'accepted' : 'rejected');
        }
      }),
      RUNS,
    ));

  it('uniform: P = round((λs* + λb*)/2) of the last matched pair, λs* ≤ P ≤ λb*; accepted iff the limit is on P\'s right side', () =>
    fc.assert(
      fc.property(bookArb, (book) => {
        const r = clearMarketWith('uniform', book.orders, tariffsOf(book));
        const matches = specWalk(book.orders);
        if (matches.length === 0) {
          expect(r.internalPrice).toBeNull();
          for (const a of r.allocations) expect(a.status).toBe('rejected');
          return;
        }
        const last = matches[matches.length - 1];
        const P = BigInt(r.internalPrice!);
        expect(P).toBe(roundDiv(last.sellLimit + last.buyLimit, 2n));
        expect(last.sellLimit <= P && P <= last.buyLimit).toBe(true);
        for (const a of r.allocations) {
          const limit = BigInt(book.orders.find((x) => x.orderId === a.orderId)!.limitPrice);
          expect(a.status).toBe((a.side === 'sell' ? limit <= P : limit >= P) ? 'accepted' : 'rejected');
        }
      }),
      RUNS,
    ));

  it('pay-as-bid: accepted exactly the orders that traded internally; no single internal price', () =>
    fc.assert(
      fc.property(bookArb, (book) => {
        const r = clearMarketWith('pay-as-bid', book.orders, tariffsOf(book));
        expect(r.internalPrice).toBeNull();
        for (const a of r.allocations) expect(a.status).toBe(a.internalWh > 0 ? 'accepted' : 'rejected');
      }),
      RUNS,
    ));
});

describe('no accepted order trades beyond its limit', () => {
  it(
    'single price (sdr, mmr, uniform): every seller that traded has λ ≤ P and receives ≥ round(q·λ/1000); every buyer λ ≥ P and pays ≤ round(q·λ/1000)',
    each((m, book, r) => {
      if (m === 'pay-as-bid') return;
      for (const a of r.allocations.filter((x) => x.internalWh > 0)) {
        const o = book.orders.find((x) => x.orderId === a.orderId)!;
        const limit = BigInt(o.limitPrice);
        const P = singlePrice(r)!;
        const got = internalMoney(a, book.B, book.S);
        const atLimit = cost(BigInt(a.internalWh), limit);
        expect(a.status).toBe('accepted');
        if (a.side === 'sell') {
          expect(limit <= P).toBe(true);
          expect(got >= atLimit).toBe(true);
        } else {
          expect(limit >= P).toBe(true);
          expect(got <= atLimit).toBe(true);
        }
      }
    }),
  );

  it('pay-as-bid: every match has λs ≤ λb and is priced at λb; an order\'s money is within half a µ per match of its limit', () =>
    fc.assert(
      fc.property(bookArb, (book) => {
        const r = clearMarketWith('pay-as-bid', book.orders, tariffsOf(book));
        const { matches, count } = specMatched(book.orders);
        for (const mt of matches) expect(mt.sellLimit <= mt.buyLimit).toBe(true);
        for (const a of r.allocations.filter((x) => x.internalWh > 0)) {
          const limit = BigInt(book.orders.find((x) => x.orderId === a.orderId)!.limitPrice);
          const got = internalMoney(a, book.B, book.S);
          const slack = 500n * BigInt(count.get(a.orderId)!); // each match rounds by at most ½ µ = 500 µ·Wh/kWh
          // seller: 1000·received ≥ q·λs − slack; buyer: 1000·paid ≤ q·λb + slack (exactly q·λb before rounding)
          if (a.side === 'sell') expect(1000n * got >= BigInt(a.internalWh) * limit - slack).toBe(true);
          else expect(1000n * got <= BigInt(a.internalWh) * limit + slack).toBe(true);
        }
      }),
      RUNS,
    ));
});

describe('determinism', () => {
  it('the result does not depend on the order of the input: a shuffled book gives a byte-identical result', () => {
    const withShuffle = fc.tuple(mechanismArb, bookArb).chain(([m, book]) =>
      fc.shuffledSubarray(book.orders, { minLength: book.orders.length, maxLength: book.orders.length }).map((shuffled) => ({ m, book, shuffled })),
    );
    fc.assert(
      fc.property(withShuffle, ({ m, book, shuffled }) => {
        const a = clearMarketWith(m, book.orders, tariffsOf(book));
        const b = clearMarketWith(m, shuffled, tariffsOf(book));
        expect(JSON.stringify(b)).toBe(JSON.stringify(a));
      }),
      RUNS,
    );
  });

  it('clearMarketWith("sdr") is the SDR clearing plus mechanism and internalPrice', () =>
    fc.assert(
      fc.property(bookArb, (book) => {
        const { mechanism, internalPrice, ...rest } = clearMarketWith('sdr', book.orders, tariffsOf(book));
        const sdr = clearMarket(book.orders, tariffsOf(book));
        expect([mechanism, internalPrice]).toEqual(['sdr', sdr.sellPrice]);
        expect(rest).toEqual(sdr);
      }),
      RUNS,
    ));
});
