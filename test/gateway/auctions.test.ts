/**
 * The auction routes (api.md "Auctions", mechanisms.md §5) on a real gateway over the
 * embedded ledger: every route's success and its refusals as problem+json with their
 * codes, what each caller sees (leader, winner), RS2 requests, idempotent bids, and
 * the settlement entries in both accounts after the close.
 *
 * The ledger's clock is the real one here, so an auction that must end during the
 * suite ends a few seconds after it was created, and the suite waits for that instant
 * before closing it (a wait for a time, not a timed assertion).
 */
import type { FastifyInstance } from 'fastify';
import { ADMIN, call, expectProblem, registerHousehold, removeDir, rfc3339, tempDataDir, openGateway } from './support/gateway';

jest.setTimeout(90_000);

const MIN = 60_000;
let dir: string;
let app: FastifyInstance;
const t: Record<string, string> = {};

const auction = (id: string, extra: Record<string, unknown> = {}) => {
  const now = Date.now();
  return { id, owner: 'ess', lotWh: 4000, reservePrice: 50000, increment: 1000, startAt: rfc3339(now - MIN), endAt: rfc3339(now + 60 * MIN), deliveryStart: rfc3339(now + 120 * MIN), ...extra };
};
const until = async (iso: string) => {
  const wait = Date.parse(iso) - Date.now() + 50;
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
};

beforeAll(async () => {
  dir = tempDataDir();
  app = await openGateway(dir, { CLOCK: 'off' });
  t.ess = await registerHousehold(app, 'ess', { kind: 'storage' });
  for (const id of ['h1', 'h2', 'h3']) t[id] = await registerHousehold(app, id);
});
afterAll(async () => {
  await app.close();
  removeDir(dir);
});

describe('POST /v1/auctions (RS1)', () => {
  it('creates an open auction (201, location), taken once; only the NA', async () => {
    const r = await call(app, 'POST', '/v1/auctions', ADMIN, auction('rest-a1'));
    expect(r.status).toBe(201);
    expect(r.headers.location).toBe('/v1/auctions/rest-a1');
    expect(r.body).toMatchObject({ id: 'rest-a1', status: 'open', owner: 'ess', level: null, bidCount: 0 });
    expectProblem(await call(app, 'POST', '/v1/auctions', ADMIN, auction('rest-a1')), 409, 'ALREADY_EXISTS');
    expectProblem(await call(app, 'POST', '/v1/auctions', t.h1, auction('rest-ax')), 403, 'FORBIDDEN');
    expectProblem(await call(app, 'POST', '/v1/auctions', undefined, auction('rest-ax')), 401, 'UNAUTHENTICATED');
  });

  it('refuses a body outside the schema (400) and the ledger\'s rules (422, 404)', async () => {
    expectProblem(await call(app, 'POST', '/v1/auctions', ADMIN, auction('rest-ax', { lotWh: 0 })), 400, 'VALIDATION_FAILED');
    expectProblem(await call(app, 'POST', '/v1/auctions', ADMIN, auction('rest-ax', { lotWh: '5' })), 400, 'VALIDATION_FAILED');
    expectProblem(await call(app, 'POST', '/v1/auctions', ADMIN, auction('rest-ax', { colour: 'red' })), 400, 'VALIDATION_FAILED');
    const now = Date.now();
    expectProblem(await call(app, 'POST', '/v1/auctions', ADMIN, auction('rest-ax', { endAt: rfc3339(now - 2 * MIN) })), 422, 'INVALID_ARGUMENT');
    expectProblem(await call(app, 'POST', '/v1/auctions', ADMIN, auction('rest-ax', { owner: 'nobody' })), 404, 'NOT_FOUND');
  });
});

describe('bids and reads', () => {
  beforeAll(async () => {
    await call(app, 'POST', '/v1/auctions', ADMIN, auction('rest-b1'));
  });

  it('POST /bids: 201, a retry with the same clientBidId 200 with the same bid, another body 422', async () => {
    const first = await call(app, 'POST', '/v1/auctions/rest-b1/bids', t.h1, { maxPrice: 90000, clientBidId: 'k1' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ auctionId: 'rest-b1', bidderId: 'h1', maxPrice: 90000, clientBidId: 'k1' });
    const again = await call(app, 'POST', '/v1/auctions/rest-b1/bids', t.h1, { maxPrice: 90000, clientBidId: 'k1' });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expectProblem(await call(app, 'POST', '/v1/auctions/rest-b1/bids', t.h1, { maxPrice: 95000, clientBidId: 'k1' }), 422, 'IDEMPOTENCY_KEY_REUSED');
    expect((await call(app, 'POST', '/v1/auctions/rest-b1/bids', t.h2, { maxPrice: 70000 })).status).toBe(201);
  });

  it('refuses the owner, a low bid, a small raise, the NA, a missing auction, a malformed body', async () => {
    expectProblem(await call(app, 'POST', '/v1/auctions/rest-b1/bids', t.ess, { maxPrice: 90000 }), 422, 'OWNER_CANNOT_BID');
    expectProblem(await call(app, 'POST', '/v1/auctions/rest-b1/bids', t.h3, { maxPrice: 49999 }), 422, 'BID_TOO_LOW');
    expectProblem(await call(app, 'POST', '/v1/auctions/rest-b1/bids', t.h2, { maxPrice: 70999 }), 422, 'BID_TOO_LOW');
    expectProblem(await call(app, 'POST', '/v1/auctions/rest-b1/bids', ADMIN, { maxPrice: 90000 }), 403, 'FORBIDDEN');
    expectProblem(await call(app, 'POST', '/v1/auctions/nope/bids', t.h3, { maxPrice: 90000 }), 404, 'NOT_FOUND');
    expectProblem(await call(app, 'POST', '/v1/auctions/rest-b1/bids', t.h3, { maxPrice: 1.5 }), 400, 'VALIDATION_FAILED');
    expectProblem(await call(app, 'POST', '/v1/auctions/rest-b1/bids', t.h3, {}), 400, 'VALIDATION_FAILED');
  });

  it('GET /v1/auctions/{id}: level and bidCount for all; the leader for the NA and the leader itself only', async () => {
    const na = await call(app, 'GET', '/v1/auctions/rest-b1', ADMIN);
    expect(na.status).toBe(200);
    expect(na.body).toMatchObject({ level: 71000, bidCount: 2, leader: 'h1' });
    expect((await call(app, 'GET', '/v1/auctions/rest-b1', t.h1)).body).toMatchObject({ leader: 'h1', level: 71000 });
    const other = await call(app, 'GET', '/v1/auctions/rest-b1', t.h2);
    expect(other.body).toMatchObject({ level: 71000, bidCount: 2 });
    expect(other.body).not.toHaveProperty('leader');
    expectProblem(await call(app, 'GET', '/v1/auctions/nope', t.h2), 404, 'NOT_FOUND');
  });

  it('GET /v1/auctions lists newest delivery first, filtered by status, paged', async () => {
    const all = await call(app, 'GET', '/v1/auctions?pageSize=1', t.h3);
    expect(all.status).toBe(200);
    expect(all.body.items).toHaveLength(1);
    expect(all.body.bookmark).not.toBe('');
    const open = await call(app, 'GET', '/v1/auctions?status=open', t.h2);
    expect(open.body.items.map((a: { id: string }) => a.id)).toEqual(expect.arrayContaining(['rest-a1', 'rest-b1']));
    for (const a of open.body.items) expect(a).not.toHaveProperty('leader');
    expectProblem(await call(app, 'GET', '/v1/auctions?status=done', t.h2), 400, 'VALIDATION_FAILED');
  });

  it('GET /bids: a household its own, the NA all', async () => {
    const mine = await call(app, 'GET', '/v1/auctions/rest-b1/bids', t.h2);
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((b: { bidderId: string; status: string }) => [b.bidderId, b.status])).toEqual([['h2', 'active']]);
    const all = await call(app, 'GET', '/v1/auctions/rest-b1/bids', ADMIN);
    expect(all.body.items.map((b: { bidderId: string }) => b.bidderId).sort()).toEqual(['h1', 'h2']);
    expectProblem(await call(app, 'GET', '/v1/auctions/nope/bids', ADMIN), 404, 'NOT_FOUND');
  });

  it('close and disqualify before endAt are refused AUCTION_NOT_ENDED; the result 409 RESULT_NOT_AVAILABLE', async () => {
    expectProblem(await call(app, 'POST', '/v1/auctions/rest-b1/close', ADMIN), 409, 'AUCTION_NOT_ENDED');
    expectProblem(await call(app, 'POST', '/v1/auctions/rest-b1/disqualify', ADMIN, { participantId: 'h1' }), 409, 'AUCTION_NOT_ENDED');
    expectProblem(await call(app, 'GET', '/v1/auctions/rest-b1/result', t.h1), 409, 'RESULT_NOT_AVAILABLE');
    expectProblem(await call(app, 'POST', '/v1/auctions/rest-b1/close', t.h1), 403, 'FORBIDDEN');
    expectProblem(await call(app, 'POST', '/v1/auctions/rest-b1/disqualify', ADMIN, {}), 400, 'VALIDATION_FAILED');
    expectProblem(await call(app, 'POST', '/v1/auctions/nope/close', ADMIN), 404, 'NOT_FOUND');
  });
});

describe('the close settles the winner and the owner', () => {
  it('a bid at the last moment is refused at endAt; close, result per viewer, and both accounts\' entries', async () => {
    // Long enough for the three bids on a loaded machine; the suite then waits for endAt.
    const endAt = rfc3339(Math.ceil((Date.now() + 10_000) / 1000) * 1000);
    await call(app, 'POST', '/v1/auctions', ADMIN, auction('rest-c1', { endAt }));
    expect((await call(app, 'POST', '/v1/auctions/rest-c1/bids', t.h1, { maxPrice: 80000 })).status).toBe(201);
    expect((await call(app, 'POST', '/v1/auctions/rest-c1/bids', t.h2, { maxPrice: 60000 })).status).toBe(201);
    expect((await call(app, 'POST', '/v1/auctions/rest-c1/bids', t.h3, { maxPrice: 75000 })).status).toBe(201);
    await until(endAt);
    expectProblem(await call(app, 'POST', '/v1/auctions/rest-c1/bids', t.h2, { maxPrice: 99000 }), 409, 'AUCTION_NOT_OPEN');
    // h1's delivery cannot be carried: the next-highest wins (seed 003).
    const dq = await call(app, 'POST', '/v1/auctions/rest-c1/disqualify', ADMIN, { participantId: 'h1' });
    expect(dq.status).toBe(200);
    expect(dq.body).toMatchObject({ leader: 'h3', level: 61000, disqualified: ['h1'] });
    expectProblem(await call(app, 'POST', '/v1/auctions/rest-c1/disqualify', ADMIN, { participantId: 'h9' }), 404, 'NOT_FOUND');
    const closed = await call(app, 'POST', '/v1/auctions/rest-c1/close', ADMIN);
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: 'settled', level: 61000, leader: 'h3', bidCount: 3 });
    expectProblem(await call(app, 'POST', '/v1/auctions/rest-c1/close', ADMIN), 409, 'INVALID_STATE');
    // 4000 Wh · 61000 µ/kWh / 1000 = 244000 µ
    expect((await call(app, 'GET', '/v1/auctions/rest-c1/result', ADMIN)).body).toMatchObject({ auctionId: 'rest-c1', winner: 'h3', level: 61000, amount: 244000, bids: 3 });
    expect((await call(app, 'GET', '/v1/auctions/rest-c1/result', t.ess)).body).toMatchObject({ winner: 'h3' });
    const stranger = await call(app, 'GET', '/v1/auctions/rest-c1/result', t.h2);
    expect(stranger.status).toBe(200);
    expect(stranger.body).not.toHaveProperty('winner');
    const winner = await call(app, 'GET', '/v1/participants/h3/account', t.h3);
    const owner = await call(app, 'GET', '/v1/participants/ess/account', t.ess);
    expect(winner.body.entries).toEqual([expect.objectContaining({ kind: 'auction', auctionId: 'rest-c1', role: 'winner', amount: -244000, price: 61000, energyWh: 4000 })]);
    expect(owner.body.entries).toEqual([expect.objectContaining({ kind: 'auction', auctionId: 'rest-c1', role: 'owner', amount: 244000 })]);
    expect(winner.body.balance + owner.body.balance).toBe(0);
  });
});

describe('cancel', () => {
  it('the owner or the NA cancels; another household is refused; a cancelled auction takes no bid', async () => {
    await call(app, 'POST', '/v1/auctions', ADMIN, auction('rest-x1'));
    await call(app, 'POST', '/v1/auctions/rest-x1/bids', t.h1, { maxPrice: 60000 });
    expectProblem(await call(app, 'POST', '/v1/auctions/rest-x1/cancel', t.h2), 403, 'FORBIDDEN');
    const r = await call(app, 'POST', '/v1/auctions/rest-x1/cancel', t.ess);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'cancelled', cancelledBy: 'ess', level: null });
    expectProblem(await call(app, 'POST', '/v1/auctions/rest-x1/cancel', ADMIN), 409, 'INVALID_STATE');
    expectProblem(await call(app, 'POST', '/v1/auctions/rest-x1/bids', t.h2, { maxPrice: 60000 }), 409, 'AUCTION_NOT_OPEN');
    expect((await call(app, 'GET', '/v1/auctions/rest-x1/bids', t.h1)).body.items.map((b: { status: string }) => b.status)).toEqual(['void']);
    await call(app, 'POST', '/v1/auctions', ADMIN, auction('rest-x2'));
    expect((await call(app, 'POST', '/v1/auctions/rest-x2/cancel', ADMIN)).body).toMatchObject({ status: 'cancelled', cancelledBy: 'na' });
  });
});

describe('POST /v1/auction-requests (RS2)', () => {
  it('a household requests (202 pending); the NA approves or rejects; only the NA decides', async () => {
    const { owner: _owner, ...body } = auction('rest-r1');
    void _owner;
    const r = await call(app, 'POST', '/v1/auction-requests', t.h2, body);
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ id: 'rest-r1', owner: 'h2', status: 'pending', origin: 'request' });
    expectProblem(await call(app, 'POST', '/v1/auctions/rest-r1/bids', t.h1, { maxPrice: 60000 }), 409, 'AUCTION_NOT_OPEN');
    expectProblem(await call(app, 'POST', '/v1/auctions/rest-r1/approve', t.h2), 403, 'FORBIDDEN');
    const approved = await call(app, 'POST', '/v1/auctions/rest-r1/approve', ADMIN);
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'open' });
    expectProblem(await call(app, 'POST', '/v1/auctions/rest-r1/reject', ADMIN), 409, 'INVALID_STATE');
    expect((await call(app, 'POST', '/v1/auctions/rest-r1/bids', t.h1, { maxPrice: 60000 })).status).toBe(201);

    await call(app, 'POST', '/v1/auction-requests', t.h2, { ...body, id: 'rest-r2' });
    expect((await call(app, 'POST', '/v1/auctions/rest-r2/reject', ADMIN)).body).toMatchObject({ status: 'rejected' });
    expectProblem(await call(app, 'POST', '/v1/auctions/nope/approve', ADMIN), 404, 'NOT_FOUND');
    expectProblem(await call(app, 'POST', '/v1/auction-requests', t.h2, { ...body, id: 'rest-r3', owner: 'h1' }), 403, 'FORBIDDEN');
    expectProblem(await call(app, 'POST', '/v1/auction-requests', ADMIN, { ...body, id: 'rest-r4' }), 403, 'FORBIDDEN');
  });
});
