/**
 * English auctions in the chaincode (mechanisms.md §5) on the embedded ledger, with
 * the transaction clock pinned: the window, the owner's and the raise rules, the level
 * and leader as each viewer sees them, close with settlement entries that sum to 0
 * (a participant or the grid as owner), cancel, disqualify, RS2 requests, idempotent
 * client bid ids, and that bids of different bidders write disjoint keys.
 */
import type { AuctionView, Bid, BidView } from '@ecch/chaincode';
import type { CommittedTransaction } from '@ecch/gateway-api/ledger/embedded/embedded-ledger';
import type { LedgerIdentity } from '@ecch/gateway-api/ledger/port';
import { community, Community } from '../../support/ledger-fixture';

const T0 = Date.parse('2026-06-21T08:00:00Z');
const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

let now = T0;
let c: Community;
let commits: CommittedTransaction[];
let h: Record<string, LedgerIdentity>;

/** An auction open now, ending in 30 minutes, delivering in an hour. */
const body = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ id: 'a1', owner: 'ess', lotWh: 5000, reservePrice: 50000, increment: 1000, startAt: iso(T0), endAt: iso(T0 + 30 * MIN), deliveryStart: iso(T0 + 60 * MIN), ...extra });
const bid = (who: string, maxPrice: number, auctionId = 'a1', extra: Record<string, unknown> = {}) =>
  c.submit<{ bid: Bid; created: boolean }>(h[who], 'auctions', 'Bid', auctionId, JSON.stringify({ maxPrice, ...extra }));
const get = (who: LedgerIdentity, auctionId = 'a1') => c.evaluate<AuctionView>(who, 'auctions', 'Get', auctionId);
const account = (id: string) => c.evaluate<{ balance: number; entries: { kind: string; amount: number; role?: string; auctionId?: string; price: number }[] }>(c.na, 'accounts', 'Get', id, '', '');
const grid = () => c.evaluate<{ balance: number; entries: { kind: string; amount: number; role?: string }[] }>(c.na, 'accounts', 'GetGrid', '', '');

beforeEach(async () => {
  now = T0;
  commits = [];
  c = await community({ now: () => now, onCommit: (tx) => commits.push(tx) });
  h = {};
  for (const id of ['ess', 'h1', 'h2', 'h3']) h[id] = await c.household(id, id === 'ess' ? 'storage' : 'prosumer');
});
afterEach(() => c.shutdown());

describe('creating auctions (RS1)', () => {
  it('the NA creates an open auction with the given fields; an id is taken once', async () => {
    const a = await c.submit<AuctionView>(c.na, 'auctions', 'Create', body());
    expect(a).toMatchObject({ id: 'a1', owner: 'ess', lotWh: 5000, reservePrice: 50000, increment: 1000, status: 'open', origin: 'na', startAt: iso(T0), endAt: iso(T0 + 30 * MIN) });
    await expect(c.submit(c.na, 'auctions', 'Create', body())).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    expect(await get(h.h1)).toMatchObject({ id: 'a1', level: null, bidCount: 0 });
  });

  it('derives an id from the transaction when none is given; the grid may own an auction', async () => {
    const a = await c.submit<AuctionView>(c.na, 'auctions', 'Create', body({ id: undefined, owner: 'grid' }));
    expect(a.id).toMatch(/^a-[0-9a-f]{24}$/);
    expect(a.owner).toBe('grid');
  });

  it('refuses what breaks §5\'s ranges and order of times, and a household creating one', async () => {
    const refuse = (extra: Record<string, unknown>, code: string, who = c.na) => expect(c.submit(who, 'auctions', 'Create', body(extra))).rejects.toMatchObject({ code });
    await refuse({ lotWh: 0 }, 'INVALID_ARGUMENT');
    await refuse({ lotWh: 10_000_001 }, 'INVALID_ARGUMENT');
    await refuse({ reservePrice: -1 }, 'INVALID_ARGUMENT');
    await refuse({ increment: 0 }, 'INVALID_ARGUMENT');
    await refuse({ endAt: iso(T0) }, 'INVALID_ARGUMENT');
    await refuse({ deliveryStart: iso(T0 + 29 * MIN) }, 'INVALID_ARGUMENT');
    await refuse({ owner: 'nobody' }, 'NOT_FOUND');
    await refuse({ colour: 'red' }, 'INVALID_ARGUMENT');
    await refuse({}, 'FORBIDDEN', h.h1);
    // startAt may lie in the past: the auction takes bids at once.
    await c.submit(c.na, 'auctions', 'Create', body({ startAt: iso(T0 - 600 * MIN) }));
    await expect(bid('h1', 50000)).resolves.toMatchObject({ created: true });
  });
});

describe('bidding', () => {
  beforeEach(() => c.submit(c.na, 'auctions', 'Create', body()));

  it('the owner cannot bid on its own lot', async () => {
    await expect(bid('ess', 60000)).rejects.toMatchObject({ code: 'OWNER_CANNOT_BID' });
  });

  it('takes bids only from startAt until before endAt', async () => {
    await c.submit(c.na, 'auctions', 'Create', body({ id: 'later', startAt: iso(T0 + 10 * MIN) }));
    await expect(bid('h1', 60000, 'later')).rejects.toMatchObject({ code: 'AUCTION_NOT_OPEN' });
    now = T0 + 10 * MIN;
    await expect(bid('h1', 60000, 'later')).resolves.toMatchObject({ created: true });
    now = T0 + 30 * MIN - 1;
    await expect(bid('h2', 60000, 'later')).resolves.toMatchObject({ created: true });
    now = T0 + 30 * MIN;
    await expect(bid('h3', 60000, 'later')).rejects.toMatchObject({ code: 'AUCTION_NOT_OPEN' });
    now = T0 + 31 * MIN;
    await expect(bid('h3', 60000, 'later')).rejects.toMatchObject({ code: 'AUCTION_NOT_OPEN' });
  });

  it('refuses a bid below the reserve, and a raise of less than the increment', async () => {
    await expect(bid('h1', 49999)).rejects.toMatchObject({ code: 'BID_TOO_LOW' });
    await bid('h1', 60000);
    await expect(bid('h1', 60999)).rejects.toMatchObject({ code: 'BID_TOO_LOW' });
    await expect(bid('h1', 59000)).rejects.toMatchObject({ code: 'BID_TOO_LOW' });
    await expect(bid('h1', 61000)).resolves.toMatchObject({ created: true });
    const mine = await c.evaluate<{ items: BidView[] }>(h.h1, 'auctions', 'ListBids', 'a1');
    expect(mine.items.map((b) => [b.maxPrice, b.status])).toEqual([
      [60000, 'superseded'],
      [61000, 'active'],
    ]);
  });

  it('counts a bid below the leader\'s maximum: it raises the level (proxy bidding)', async () => {
    await bid('h1', 90000);
    expect(await get(c.na)).toMatchObject({ level: 50000, leader: 'h1', bidCount: 1 });
    await bid('h2', 70000);
    expect(await get(c.na)).toMatchObject({ level: 71000, leader: 'h1', bidCount: 2 });
    await bid('h3', 89500);
    expect(await get(c.na)).toMatchObject({ level: 90000, leader: 'h1', bidCount: 3 });
  });

  it('shows the leader only to the NA and to the leader itself', async () => {
    await bid('h1', 90000);
    await bid('h2', 70000);
    expect((await get(c.na)).leader).toBe('h1');
    expect((await get(h.h1)).leader).toBe('h1');
    expect(await get(h.h2)).not.toHaveProperty('leader');
    expect(await get(h.ess)).not.toHaveProperty('leader');
    const list = await c.evaluate<{ items: AuctionView[] }>(h.h2, 'auctions', 'List', '', '', '');
    expect(list.items[0]).toMatchObject({ id: 'a1', level: 71000, bidCount: 2 });
    expect(list.items[0]).not.toHaveProperty('leader');
    // A household lists its own bids; the NA all of them.
    expect((await c.evaluate<{ items: BidView[] }>(h.h2, 'auctions', 'ListBids', 'a1')).items.map((b) => b.bidderId)).toEqual(['h2']);
    expect((await c.evaluate<{ items: BidView[] }>(c.na, 'auctions', 'ListBids', 'a1')).items.map((b) => b.bidderId).sort()).toEqual(['h1', 'h2']);
  });

  it('a retry with the same clientBidId answers the same bid and writes nothing; another body is refused', async () => {
    const first = await bid('h1', 60000, 'a1', { clientBidId: 'k1' });
    const before = commits.length;
    const again = await bid('h1', 60000, 'a1', { clientBidId: 'k1' });
    expect(again).toEqual({ bid: first.bid, created: false });
    expect(commits[commits.length - 1].writeSet.writes.size).toBe(0);
    expect(commits.length - before).toBe(1);
    await expect(bid('h1', 65000, 'a1', { clientBidId: 'k1' })).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect((await get(c.na)).bidCount).toBe(1);
  });

  it('bids of different bidders write disjoint keys, none of them the auction record', async () => {
    const writes: string[][] = [];
    for (const [who, price] of [['h1', 60000], ['h2', 61000], ['h3', 62000], ['h1', 63000]] as const) {
      await bid(who, price, 'a1', { clientBidId: `c-${price}` });
      writes.push([...commits[commits.length - 1].writeSet.writes.keys()]);
    }
    const byBidder = new Map<string, Set<string>>();
    writes.forEach((keys, i) => {
      const who = ['h1', 'h2', 'h3', 'h1'][i];
      for (const k of keys) {
        // Every key a bid writes lies under [auctionId, its own bidder id].
        expect(k.split('\u0000').slice(2, 4)).toEqual(['a1', who]);
        const set = byBidder.get(who) ?? new Set<string>();
        set.add(k);
        byBidder.set(who, set);
      }
    });
    const all = [...byBidder.values()].flatMap((s) => [...s]);
    expect(new Set(all).size).toBe(all.length);
    const auctionKey = '\u0000ecch.auction\u0000a1\u0000';
    expect(all).not.toContain(auctionKey);
  });
});

describe('closing and settlement', () => {
  beforeEach(() => c.submit(c.na, 'auctions', 'Create', body()));

  it('refuses a close before endAt; from endAt the leader pays round(lotWh · level / 1000) to the owner, and the entries sum to 0', async () => {
    await bid('h1', 90000);
    await bid('h2', 70001);
    now = T0 + 30 * MIN - 1;
    await expect(c.submit(c.na, 'auctions', 'Close', 'a1')).rejects.toMatchObject({ code: 'AUCTION_NOT_ENDED' });
    now = T0 + 30 * MIN;
    await expect(c.submit(h.h1, 'auctions', 'Close', 'a1')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const closed = await c.submit<AuctionView>(c.na, 'auctions', 'Close', 'a1');
    expect(closed).toMatchObject({ status: 'settled', level: 71001, leader: 'h1' });
    // 5000 Wh · 71001 µ/kWh / 1000 = 355005 µ
    const winner = await account('h1');
    const owner = await account('ess');
    expect(winner.entries).toEqual([expect.objectContaining({ kind: 'auction', auctionId: 'a1', role: 'winner', amount: -355005, price: 71001 })]);
    expect(owner.entries).toEqual([expect.objectContaining({ kind: 'auction', auctionId: 'a1', role: 'owner', amount: 355005, price: 71001 })]);
    expect(winner.balance + owner.balance).toBe(0);
    expect((await account('h2')).entries).toEqual([]);
    const result = await c.evaluate(c.na, 'auctions', 'GetResult', 'a1');
    expect(result).toMatchObject({ auctionId: 'a1', winner: 'h1', level: 71001, amount: 355005, bids: 2 });
    // The winner and the owner see the winner; another bidder does not.
    expect(await c.evaluate(h.h1, 'auctions', 'GetResult', 'a1')).toMatchObject({ winner: 'h1' });
    expect(await c.evaluate(h.ess, 'auctions', 'GetResult', 'a1')).toMatchObject({ winner: 'h1' });
    expect(await c.evaluate(h.h2, 'auctions', 'GetResult', 'a1')).not.toHaveProperty('winner');
    expect((await c.evaluate<{ items: BidView[] }>(c.na, 'auctions', 'ListBids', 'a1')).items.map((b) => [b.bidderId, b.status]).sort()).toEqual([
      ['h1', 'won'],
      ['h2', 'lost'],
    ]);
    // Closed once: a second close is refused and settles nothing more.
    await expect(c.submit(c.na, 'auctions', 'Close', 'a1')).rejects.toMatchObject({ code: 'INVALID_STATE' });
    await expect(bid('h3', 99000)).rejects.toMatchObject({ code: 'AUCTION_NOT_OPEN' });
  });

  it('GetResult is refused before the close', async () => {
    await expect(c.evaluate(c.na, 'auctions', 'GetResult', 'a1')).rejects.toMatchObject({ code: 'RESULT_NOT_AVAILABLE' });
  });

  it('a single bidder wins at the reserve; the grid as owner is paid on the grid account', async () => {
    await c.submit(c.na, 'auctions', 'Create', body({ id: 'g1', owner: 'grid' }));
    await bid('h2', 80000, 'g1');
    now = T0 + 30 * MIN;
    await c.submit(c.na, 'auctions', 'Close', 'g1');
    const g = await grid();
    expect(g.entries).toEqual([expect.objectContaining({ kind: 'auction', role: 'owner', amount: 250000 })]);
    expect((await account('h2')).balance).toBe(-250000);
    expect(g.balance + (await account('h2')).balance).toBe(0);
  });

  it('no bid: settled with no sale and no entry', async () => {
    now = T0 + 30 * MIN;
    const closed = await c.submit<AuctionView>(c.na, 'auctions', 'Close', 'a1');
    expect(closed).toMatchObject({ status: 'settled', level: null, bidCount: 0 });
    expect(await c.evaluate(c.na, 'auctions', 'GetResult', 'a1')).toMatchObject({ winner: null, level: null, amount: 0, bids: 0 });
    expect((await account('ess')).entries).toEqual([]);
  });
});

describe('cancel and disqualify', () => {
  beforeEach(() => c.submit(c.na, 'auctions', 'Create', body()));

  it('the owner (or the NA) cancels before the close: the bids are void, nothing is settled', async () => {
    await bid('h1', 90000);
    await expect(c.submit(h.h2, 'auctions', 'Cancel', 'a1')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const cancelled = await c.submit<AuctionView>(h.ess, 'auctions', 'Cancel', 'a1');
    expect(cancelled).toMatchObject({ status: 'cancelled', cancelledBy: 'ess', level: null });
    expect((await c.evaluate<{ items: BidView[] }>(h.h1, 'auctions', 'ListBids', 'a1')).items.map((b) => b.status)).toEqual(['void']);
    await expect(bid('h2', 90000)).rejects.toMatchObject({ code: 'AUCTION_NOT_OPEN' });
    now = T0 + 30 * MIN;
    await expect(c.submit(c.na, 'auctions', 'Close', 'a1')).rejects.toMatchObject({ code: 'INVALID_STATE' });
    await expect(c.evaluate(c.na, 'auctions', 'GetResult', 'a1')).rejects.toMatchObject({ code: 'RESULT_NOT_AVAILABLE' });
    expect((await account('h1')).entries).toEqual([]);
    await expect(c.submit(c.na, 'auctions', 'Cancel', 'a1')).rejects.toMatchObject({ code: 'INVALID_STATE' });
  });

  it('the NA disqualifies a bidder after endAt: the next-highest wins at a level from the others', async () => {
    await bid('h1', 90000);
    await bid('h2', 80000);
    await bid('h3', 60000);
    await expect(c.submit(c.na, 'auctions', 'Disqualify', 'a1', 'h1')).rejects.toMatchObject({ code: 'AUCTION_NOT_ENDED' });
    now = T0 + 30 * MIN;
    await expect(c.submit(h.h2, 'auctions', 'Disqualify', 'a1', 'h1')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(c.submit(c.na, 'auctions', 'Disqualify', 'a1', 'ess')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const after = await c.submit<AuctionView>(c.na, 'auctions', 'Disqualify', 'a1', 'h1');
    expect(after).toMatchObject({ level: 61000, leader: 'h2', disqualified: ['h1'] });
    await expect(c.submit(c.na, 'auctions', 'Disqualify', 'a1', 'h1')).rejects.toMatchObject({ code: 'INVALID_STATE' });
    // Households never see the list of disqualified bidders.
    expect(await get(h.h3)).not.toHaveProperty('disqualified');
    await c.submit(c.na, 'auctions', 'Close', 'a1');
    expect(await c.evaluate(c.na, 'auctions', 'GetResult', 'a1')).toMatchObject({ winner: 'h2', level: 61000, amount: 305000 });
    expect((await account('h1')).entries).toEqual([]);
    expect((await account('h2')).balance).toBe(-305000);
  });
});

describe('requests (RS2)', () => {
  it('a household requests an auction of its own energy: pending, then the NA approves or rejects', async () => {
    const req = JSON.stringify({ id: 'r1', lotWh: 2000, reservePrice: 40000, increment: 500, startAt: iso(T0), endAt: iso(T0 + 30 * MIN), deliveryStart: iso(T0 + 60 * MIN) });
    const pending = await c.submit<AuctionView>(h.h1, 'auctions', 'Request', req);
    expect(pending).toMatchObject({ id: 'r1', owner: 'h1', status: 'pending', origin: 'request' });
    await expect(bid('h2', 50000, 'r1')).rejects.toMatchObject({ code: 'AUCTION_NOT_OPEN' });
    await expect(c.submit(h.h1, 'auctions', 'Approve', 'r1')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await c.submit(c.na, 'auctions', 'Approve', 'r1')).toMatchObject({ status: 'open', approvedAt: iso(T0) });
    await expect(c.submit(c.na, 'auctions', 'Reject', 'r1')).rejects.toMatchObject({ code: 'INVALID_STATE' });
    await expect(bid('h2', 50000, 'r1')).resolves.toMatchObject({ created: true });

    await c.submit(h.h2, 'auctions', 'Request', JSON.stringify({ ...JSON.parse(req), id: 'r2' }));
    expect(await c.submit(c.na, 'auctions', 'Reject', 'r2')).toMatchObject({ status: 'rejected' });
    await expect(c.submit(c.na, 'auctions', 'Approve', 'r2')).rejects.toMatchObject({ code: 'INVALID_STATE' });
    // Only one's own energy.
    await expect(c.submit(h.h1, 'auctions', 'Request', JSON.stringify({ ...JSON.parse(req), id: 'r3', owner: 'h2' }))).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const pendingList = await c.evaluate<{ items: AuctionView[] }>(c.na, 'auctions', 'List', 'rejected', '', '');
    expect(pendingList.items.map((a) => a.id)).toEqual(['r2']);
  });
});
