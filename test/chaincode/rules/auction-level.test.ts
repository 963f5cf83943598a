/**
 * The auction level rule (mechanisms.md §5) on hand-worked examples: over each
 * bidder's latest bid, sorted by maxPrice (the earlier bid first on a tie), no bid →
 * none; one bidder → the reserve; otherwise min(first, second + increment), never below
 * the reserve; the leader is the first. And the lot's amount, round(lotWh · level / 1000).
 */
import { Bid, lotAmount, sortableTimestamp, standing } from '@ecch/chaincode/domain/auction';

const auction = { reservePrice: 50000, increment: 1000 };
let n = 0;
/** A bid placed `second` seconds into the auction (n-th transaction). */
const b = (bidderId: string, maxPrice: number, second: number, nanos = 0): Bid => {
  n += 1;
  const txId = `tx${String(n).padStart(4, '0')}`;
  return { id: `b-${txId}`, auctionId: 'a', bidderId, maxPrice, at: '', ts: sortableTimestamp(String(1_800_000_000 + second), nanos), txId };
};

describe('the level and the leader', () => {
  it('no bid: no level, no leader', () => {
    expect(standing(auction, [])).toEqual({ level: null, leader: null });
  });

  it('one bidder, however high: the reserve', () => {
    expect(standing(auction, [b('h1', 90000, 1)])).toEqual({ level: 50000, leader: 'h1' });
    // Its raises are still one bidder.
    expect(standing(auction, [b('h1', 60000, 1), b('h1', 90000, 2)])).toEqual({ level: 50000, leader: 'h1' });
  });

  it('two bidders: the runner-up plus the increment, capped at the leader\'s maximum', () => {
    expect(standing(auction, [b('h1', 90000, 1), b('h2', 70000, 2)])).toEqual({ level: 71000, leader: 'h1' });
    // 89500 + 1000 > 90000: the level is the leader's maximum.
    expect(standing(auction, [b('h1', 90000, 1), b('h2', 89500, 2)])).toEqual({ level: 90000, leader: 'h1' });
    // A later bid below the leader's maximum counts (seed 003's contract would ignore it).
    expect(standing(auction, [b('h1', 90000, 1), b('h2', 60000, 2), b('h3', 80000, 3)])).toEqual({ level: 81000, leader: 'h1' });
  });

  it('equal maxima: the earlier bid leads, at that maximum; the nanoseconds decide within a second, then the tx id', () => {
    expect(standing(auction, [b('h2', 80000, 5), b('h1', 80000, 3)])).toEqual({ level: 80000, leader: 'h1' });
    expect(standing(auction, [b('h1', 80000, 3, 500), b('h2', 80000, 3, 499)])).toEqual({ level: 80000, leader: 'h2' });
    const [x, y] = [b('h1', 80000, 3), b('h2', 80000, 3)];
    expect(standing(auction, [y, x])).toEqual({ level: 80000, leader: 'h1' }); // tx0… of h1 sorts first
  });

  it('a raise supersedes the bidder\'s earlier bids', () => {
    expect(standing(auction, [b('h1', 60000, 1), b('h2', 70000, 2), b('h1', 75000, 3)])).toEqual({ level: 71000, leader: 'h1' });
  });

  it('the level never falls below the reserve', () => {
    expect(standing({ reservePrice: 50000, increment: 1 }, [b('h1', 50000, 1), b('h2', 50000, 2)])).toEqual({ level: 50000, leader: 'h1' });
  });

  it('disqualified bidders do not count: the next-highest leads', () => {
    const bids = [b('h1', 90000, 1), b('h2', 80000, 2), b('h3', 60000, 3)];
    expect(standing(auction, bids, ['h1'])).toEqual({ level: 61000, leader: 'h2' });
    expect(standing(auction, bids, ['h1', 'h3'])).toEqual({ level: 50000, leader: 'h2' });
    expect(standing(auction, bids, ['h1', 'h2', 'h3'])).toEqual({ level: null, leader: null });
  });
});

describe('the amount', () => {
  it('round(lotWh · level / 1000), halves up, exact beyond 2^53 intermediate products', () => {
    expect(lotAmount(5000, 71001)).toBe(355005);
    expect(lotAmount(1, 500)).toBe(1); // 0.5 → 1
    expect(lotAmount(1, 499)).toBe(0);
    expect(lotAmount(3, 1500)).toBe(5); // 4.5 → 5
    expect(lotAmount(10_000_000, 1_000_000_000)).toBe(10_000_000_000_000);
    expect(lotAmount(9_999_999, 999_999_999)).toBe(9_999_998_990_000); // 9999998990000.001
  });
});
