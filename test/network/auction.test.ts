/**
 * An English auction (mechanisms.md §5) on the real Fabric network, through a
 * Fabric-mode gateway, from creation to settlement: several households bid at once
 * (each bid writes only keys of its own, so none is lost to an MVCC conflict), one
 * raises, the owner's bid is refused, the NA closes from endAt on, and both the
 * winner's and the owner's accounts carry the auction's entries, which sum to 0.
 *
 * Times: the auction ends about 40 s after it is created (transaction time is the
 * proposal's timestamp, the gateway's clock); ids carry a run tag, so a rerun on a kept
 * network never collides; auctions take no delivery hour (they do not overlap-check).
 */
import { acquireNetworkLock } from './support/network';
import { ADMIN, registerHousehold, removeDir, runTag, startTestGateway, tempDataDir, type TestGateway } from './support/gateway';

jest.setTimeout(8 * 60_000);

const tag = runTag('auc');
let release: (() => Promise<void>) | undefined;
let gw: TestGateway | undefined;
let dataDir: string | undefined;

beforeAll(async () => {
  release = await acquireNetworkLock('auction.test.ts');
  dataDir = tempDataDir('auction');
  gw = await startTestGateway('fabric', dataDir);
});

afterAll(async () => {
  await gw?.close();
  removeDir(dataDir);
  await release?.();
});

const iso = (ms: number) => new Date(ms).toISOString();

it('an auction from creation to settlement: concurrent bids all accepted, the leader wins at the level, both accounts settled', async () => {
  const g = gw!;
  const owner = `${tag}-ess`;
  const ownerToken = await registerHousehold(g, owner, { kind: 'storage' });
  const bidders = ['b1', 'b2', 'b3', 'b4', 'b5'].map((b) => `${tag}-${b}`);
  const tokens = await Promise.all(bidders.map((b) => registerHousehold(g, b)));
  const now = Date.now();
  const endAt = Math.ceil((now + 40_000) / 1000) * 1000;
  const id = `${tag}-a`;
  const created = await g.call('POST', '/v1/auctions', ADMIN, {
    id,
    owner,
    lotWh: 6000,
    reservePrice: 50000,
    increment: 1000,
    startAt: iso(now - 60_000),
    endAt: iso(endAt),
    deliveryStart: iso(endAt + 3_600_000),
  });
  expect(created.status).toBe(201);

  // Five bidders at once: every bid is accepted (none conflicts with another).
  const maxima = [60000, 75000, 82000, 70000, 81500];
  const placed = await Promise.all(tokens.map((t, i) => g.call('POST', `/v1/auctions/${id}/bids`, t, { maxPrice: maxima[i], clientBidId: `first-${i}` })));
  expect(placed.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
  expect((await g.call('POST', `/v1/auctions/${id}/bids`, ownerToken, { maxPrice: 90000 })).body.code).toBe('OWNER_CANNOT_BID');
  // b1 raises above everyone; a retry of its first bid answers that bid again.
  expect((await g.call('POST', `/v1/auctions/${id}/bids`, tokens[0], { maxPrice: 85000 })).status).toBe(201);
  const retry = await g.call('POST', `/v1/auctions/${id}/bids`, tokens[0], { maxPrice: 60000, clientBidId: 'first-0' });
  expect({ status: retry.status, id: retry.body.id }).toEqual({ status: 200, id: placed[0].body.id });

  const open = await g.call('GET', `/v1/auctions/${id}`, ADMIN);
  // Latest maxima 85000, 75000, 82000, 70000, 81500: b1 leads at min(85000, 82000 + 1000).
  expect(open.body).toMatchObject({ status: 'open', level: 83000, leader: bidders[0], bidCount: 6 });
  expect((await g.call('GET', `/v1/auctions/${id}`, tokens[2])).body).not.toHaveProperty('leader');
  expect((await g.call('POST', `/v1/auctions/${id}/close`, ADMIN)).body.code).toBe('AUCTION_NOT_ENDED');

  await new Promise((r) => setTimeout(r, Math.max(0, endAt - Date.now() + 1000)));
  expect((await g.call('POST', `/v1/auctions/${id}/bids`, tokens[1], { maxPrice: 99000 })).body.code).toBe('AUCTION_NOT_OPEN');
  const closed = await g.call('POST', `/v1/auctions/${id}/close`, ADMIN);
  expect(closed.status).toBe(200);
  expect(closed.body).toMatchObject({ status: 'settled', level: 83000, leader: bidders[0] });
  // 6000 Wh · 83000 µ/kWh / 1000 = 498000 µ
  const result = await g.call('GET', `/v1/auctions/${id}/result`, ADMIN);
  expect(result.body).toMatchObject({ winner: bidders[0], level: 83000, amount: 498000, bids: 6, bidders: 5 });
  const winner = await g.call('GET', `/v1/participants/${bidders[0]}/account`, tokens[0]);
  const seller = await g.call('GET', `/v1/participants/${owner}/account`, ownerToken);
  expect(winner.body.entries).toEqual([expect.objectContaining({ kind: 'auction', auctionId: id, role: 'winner', amount: -498000 })]);
  expect(seller.body.entries).toEqual([expect.objectContaining({ kind: 'auction', auctionId: id, role: 'owner', amount: 498000 })]);
  expect(winner.body.balance + seller.body.balance).toBe(0);
  const loser = await g.call('GET', `/v1/participants/${bidders[2]}/account`, tokens[2]);
  expect(loser.body.entries).toEqual([]);
});
