/**
 * Reconciliation rules (mechanisms.md §7), pure: Δ = X_m − X_s per metered participant,
 * Δ > 0 credited round(Δ·S/1000), Δ < 0 charged round(−Δ·B/1000), halves up; a missing
 * reading is Δ = 0 and estimated; the grid balances. A property test (fast-check) clears
 * random books under all four mechanisms, meters a random subset of their participants
 * with random readings (some missing), and checks every reconciliation against an
 * independent reading of the rule and that it sums to 0.
 */
import fc from 'fast-check';
import { clearMarketWith, ClearingOrder } from '@ecch/chaincode/domain/clearing';
import { MECHANISMS } from '@ecch/chaincode/domain/model';
import { imbalanceAmount, MeteredParticipant, reconcile } from '@ecch/chaincode/domain/reconciliation';

const T = { gridBuyPrice: 130000, gridSellPrice: 40000 };
/** round(n / d) with halves up, for n ≥ 0: the spec's rounding, written out independently. */
const roundDiv = (n: bigint, d: bigint) => (2n * n + d) / (2n * d);

describe('imbalance amounts', () => {
  it('credits Δ > 0 at S and charges Δ < 0 at B, rounding halves up; Δ = 0 costs nothing', () => {
    expect(imbalanceAmount(500, T)).toEqual({ amount: 20000, price: 40000 });
    expect(imbalanceAmount(-100, T)).toEqual({ amount: -13000, price: 130000 });
    expect(imbalanceAmount(0, T)).toEqual({ amount: 0, price: null });
    // 1 Wh at S = 1500 µ/kWh is 1.5 µ → 2; 1 Wh at B = 2500 is 2.5 µ charged → −3 (the charge rounds half up).
    expect(imbalanceAmount(1, { gridBuyPrice: 2500, gridSellPrice: 1500 }).amount).toBe(2);
    expect(imbalanceAmount(-1, { gridBuyPrice: 2500, gridSellPrice: 1500 }).amount).toBe(-3);
    expect(imbalanceAmount(1, { gridBuyPrice: 2500, gridSellPrice: 1400 }).amount).toBe(1);
  });

  it('an estimate is Δ = 0 with meteredWh null; the grid takes −Σ amount and −Σ Δ', () => {
    const r = reconcile(
      [
        { participantId: 'a', meterId: 'ma', scheduledWh: 1000, meteredWh: 900 },
        { participantId: 'b', meterId: 'mb', scheduledWh: -2000, meteredWh: -1500 },
        { participantId: 'c', meterId: 'mc', scheduledWh: 700, meteredWh: null },
      ],
      T,
    );
    expect(r.entries.map((e) => [e.participantId, e.imbalanceWh, e.amount, e.estimated])).toEqual([
      ['a', -100, -13000, false],
      ['b', 500, 20000, false],
      ['c', 0, 0, true],
    ]);
    expect(r.gridAmount).toBe(-7000);
    expect(r.gridWh).toBe(-400);
  });

  it('refuses an amount beyond the safe integer range', () => {
    expect(() => reconcile([{ participantId: 'a', meterId: 'm', scheduledWh: 0, meteredWh: Number.MAX_SAFE_INTEGER }], { gridBuyPrice: 2_000_000_000, gridSellPrice: 1_000_000_000 })).toThrow(
      'ARITHMETIC_OVERFLOW',
    );
  });
});

describe('reconciliation over random settled markets of every mechanism (property)', () => {
  const orderArb = fc.record({
    side: fc.constantFrom('buy' as const, 'sell' as const),
    energyWh: fc.integer({ min: 1, max: 1_000_000 }),
    limit: fc.option(fc.integer({ min: 0, max: 1000 }), { nil: undefined }),
    metered: fc.boolean(),
    reading: fc.option(fc.record({ importWh: fc.integer({ min: 0, max: 2_000_000 }), exportWh: fc.integer({ min: 0, max: 2_000_000 }) }), { nil: undefined, freq: 4 }),
  });
  const caseArb = fc.record({
    S: fc.integer({ min: 0, max: 300_000 }),
    gap: fc.integer({ min: 1, max: 500_000 }),
    mechanism: fc.constantFrom(...MECHANISMS),
    orders: fc.array(orderArb, { maxLength: 25 }),
    // metered participants without an order (X_s = 0)
    idle: fc.array(fc.option(fc.record({ importWh: fc.integer({ min: 0, max: 50_000 }), exportWh: fc.integer({ min: 0, max: 50_000 }) }), { nil: undefined }), { maxLength: 5 }),
  });

  it('sums to 0, and each entry is Δ = X_m − X_s at S or B with X_s the order\'s energy (sell +, buy −)', () => {
    fc.assert(
      fc.property(caseArb, ({ S, gap, mechanism, orders, idle }) => {
        const B = S + gap;
        const tariff = { gridBuyPrice: B, gridSellPrice: S };
        const book: ClearingOrder[] = orders.map((o, i) => ({
          orderId: `o${i}`,
          participantId: `p${i}`,
          side: o.side,
          energyWh: o.energyWh,
          limitPrice: o.limit === undefined ? (o.side === 'sell' ? S : B) : S + Math.floor((o.limit * gap) / 1000),
        }));
        const clearing = clearMarketWith(mechanism, book, tariff);
        const metered: MeteredParticipant[] = [];
        for (const a of clearing.allocations) {
          const i = Number(a.orderId.slice(1));
          if (!orders[i].metered) continue;
          // What the settlement scheduled: all of the order, internally or with the grid, rejected or not.
          expect(a.internalWh + a.gridWh).toBe(a.energyWh);
          const scheduledWh = a.side === 'sell' ? a.internalWh + a.gridWh : -(a.internalWh + a.gridWh);
          const r = orders[i].reading;
          metered.push({ participantId: a.participantId, meterId: `m-${a.participantId}`, scheduledWh, meteredWh: r ? r.exportWh - r.importWh : null });
        }
        idle.forEach((r, j) => metered.push({ participantId: `idle${j}`, meterId: `mi${j}`, scheduledWh: 0, meteredWh: r ? r.exportWh - r.importWh : null }));

        const result = reconcile(metered, tariff);
        let total = BigInt(result.gridAmount);
        let energy = BigInt(result.gridWh);
        result.entries.forEach((e, k) => {
          const p = metered[k];
          const delta = p.meteredWh === null ? 0n : BigInt(p.meteredWh) - BigInt(p.scheduledWh);
          const expected = delta > 0n ? roundDiv(delta * BigInt(S), 1000n) : delta < 0n ? -roundDiv(-delta * BigInt(B), 1000n) : 0n;
          expect([e.participantId, BigInt(e.imbalanceWh), BigInt(e.amount), e.estimated, e.meteredWh]).toEqual([p.participantId, delta, expected, p.meteredWh === null, p.meteredWh]);
          expect(e.price).toBe(delta > 0n ? S : delta < 0n ? B : null);
          total += BigInt(e.amount);
          energy += BigInt(e.imbalanceWh);
        });
        expect(total).toBe(0n);
        expect(energy).toBe(0n);
      }),
      { numRuns: 300 },
    );
  });
});
