/**
 * Properties (fast-check) of the auction level rule (mechanisms.md §5) over random
 * bidders, each with a run of raises (every one at least an increment above its last):
 * - any arrival order of the same bids (each bidder's raises in their own order, the
 *   timestamps given by arrival) gives the same level, and the same leader unless two
 *   bidders' latest maxima tie at the top (then the earlier one leads);
 * - the level never exceeds the leader's maxPrice and never falls below the reserve or
 *   the runner-up's maxPrice;
 * - disqualifying a bidder gives the result of the bids without it: the next-highest leads;
 * - it matches the rule re-derived here from the spec's text.
 */
import fc from 'fast-check';
import { Bid, sortableTimestamp, standing } from '@ecch/chaincode/domain/auction';

const RUNS = { numRuns: 300 };

interface Case {
  reservePrice: number;
  increment: number;
  /** Per bidder, its maxPrices in the order it placed them (strictly increasing by ≥ increment). */
  runs: number[][];
}

const caseArb: fc.Arbitrary<Case> = fc
  .record({
    reservePrice: fc.integer({ min: 0, max: 200_000 }),
    increment: fc.integer({ min: 1, max: 5_000 }),
    starts: fc.array(fc.integer({ min: 0, max: 30_000 }), { minLength: 0, maxLength: 8 }),
    steps: fc.array(fc.array(fc.integer({ min: 0, max: 20_000 }), { maxLength: 3 }), { minLength: 8, maxLength: 8 }),
  })
  .map(({ reservePrice, increment, starts, steps }) => ({
    reservePrice,
    increment,
    // A small range of starting maxima makes ties at the top frequent.
    runs: starts.map((s, i) => {
      const run = [reservePrice + s * 10];
      for (const d of steps[i]) run.push(run[run.length - 1] + increment + d);
      return run;
    }),
  }));

/** The bids in one arrival order: `order` lists bidder indexes, each bidder's next raise taken in turn. */
function arrive(c: Case, order: number[]): Bid[] {
  const next = c.runs.map(() => 0);
  return order.map((who, k) => {
    const maxPrice = c.runs[who][next[who]++];
    const txId = `t${String(k).padStart(5, '0')}`;
    return { id: txId, auctionId: 'a', bidderId: `p${who}`, maxPrice, at: '', ts: sortableTimestamp(String(1_800_000_000 + k), 0), txId };
  });
}

/** An arrival order drawn from random keys: every bidder's raises, interleaved. */
function interleaving(c: Case, keys: number[]): number[] {
  const slots = c.runs.flatMap((run, who) => run.map(() => who));
  return slots
    .map((who, i) => ({ who, key: keys[i % keys.length] ?? 0, i }))
    .sort((a, b) => a.key - b.key || a.i - b.i)
    .map((s) => s.who);
}

/** §5 re-derived: each bidder's latest is its highest; the leader has the highest, the earliest placed on a tie. */
function spec(c: Case, bids: Bid[], excluded: string[] = []) {
  const latest = new Map<string, { max: number; k: number }>();
  bids.forEach((b, k) => {
    if (excluded.includes(b.bidderId)) return;
    const seen = latest.get(b.bidderId);
    if (!seen || b.maxPrice > seen.max) latest.set(b.bidderId, { max: b.maxPrice, k });
  });
  const rows = [...latest.entries()].map(([id, v]) => ({ id, ...v })).sort((a, b) => b.max - a.max || a.k - b.k);
  if (rows.length === 0) return { level: null, leader: null };
  if (rows.length === 1) return { level: c.reservePrice, leader: rows[0].id };
  return { level: Math.max(c.reservePrice, Math.min(rows[0].max, rows[1].max + c.increment)), leader: rows[0].id };
}

const keysArb = fc.array(fc.integer(), { minLength: 32, maxLength: 32 });

describe('the level rule, over random bids and arrival orders', () => {
  it('any arrival order gives the same level, and the same leader unless the top maxima tie', () => {
    fc.assert(
      fc.property(caseArb, keysArb, keysArb, (c, k1, k2) => {
        const a = standing(c, arrive(c, interleaving(c, k1)));
        const b = standing(c, arrive(c, interleaving(c, k2)));
        expect(a.level).toBe(b.level);
        const finals = c.runs.map((r) => r[r.length - 1]).sort((x, y) => y - x);
        const tieAtTop = finals.length >= 2 && finals[0] === finals[1];
        if (!tieAtTop) expect(a.leader).toBe(b.leader);
        else {
          // Which of the tied bidders leads is the arrival order's only say.
          const tied = c.runs.map((r, i) => [r[r.length - 1], `p${i}`] as const).filter(([m]) => m === finals[0]).map(([, id]) => id);
          expect(tied).toContain(a.leader);
          expect(tied).toContain(b.leader);
        }
      }),
      RUNS,
    );
  });

  it('on a tie at the top the bidder whose latest bid arrived first leads', () => {
    fc.assert(
      fc.property(caseArb, keysArb, (c, keys) => {
        const bids = arrive(c, interleaving(c, keys));
        const s = standing(c, bids);
        expect(s).toEqual(spec(c, bids));
      }),
      RUNS,
    );
  });

  it('the level lies between the reserve (and the runner-up\'s maximum) and the leader\'s maximum', () => {
    fc.assert(
      fc.property(caseArb, keysArb, (c, keys) => {
        const s = standing(c, arrive(c, interleaving(c, keys)));
        const finals = c.runs.map((r) => r[r.length - 1]).sort((x, y) => y - x);
        if (finals.length === 0) return expect(s).toEqual({ level: null, leader: null });
        const leaderMax = c.runs[Number((s.leader as string).slice(1))].slice(-1)[0];
        expect(leaderMax).toBe(finals[0]);
        expect(s.level).toBeLessThanOrEqual(leaderMax);
        expect(s.level).toBeGreaterThanOrEqual(c.reservePrice);
        if (finals.length >= 2) expect(s.level).toBeGreaterThanOrEqual(finals[1]);
      }),
      RUNS,
    );
  });

  it('disqualifying a bidder gives the result of the bids without it; disqualifying the leader hands the lot to the next-highest', () => {
    fc.assert(
      fc.property(caseArb, keysArb, fc.nat(), (c, keys, pick) => {
        fc.pre(c.runs.length >= 1);
        const bids = arrive(c, interleaving(c, keys));
        const out = `p${pick % c.runs.length}`;
        const s = standing(c, bids, [out]);
        expect(s).toEqual(standing(c, bids.filter((b) => b.bidderId !== out)));
        expect(s).toEqual(spec(c, bids, [out]));
        const leader = standing(c, bids).leader as string;
        const next = standing(c, bids, [leader]);
        expect(next).toEqual(spec(c, bids, [leader]));
        expect(next.leader).not.toBe(leader);
      }),
      RUNS,
    );
  });
});
