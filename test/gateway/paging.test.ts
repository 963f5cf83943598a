/**
 * api.md revision 2: list cursors (`bookmark`) are opaque URL-safe strings. The
 * ledger's bookmark is a raw state key with NUL bytes; the gateway hands out
 * base64url and takes it back. Following the cursors visits every item exactly
 * once; a cursor that is not one the gateway issued, or belongs to another list,
 * is a 400 problem.
 */
import type { FastifyInstance } from 'fastify';
import { ADMIN, call, expectProblem, openGateway, openMarket, registerHousehold, removeDir, tempDataDir } from './support/gateway';

jest.setTimeout(60_000);

const URL_SAFE = /^[A-Za-z0-9_-]*$/;
const HOUSEHOLDS = 7;

let dir: string;
let app: FastifyInstance;
const tokens: string[] = [];

beforeAll(async () => {
  dir = tempDataDir();
  app = await openGateway(dir);
  await openMarket(app, 'm-page');
  for (let i = 0; i < HOUSEHOLDS; i++) {
    const token = await registerHousehold(app, `pg-${i}`);
    tokens.push(token);
    expect((await call(app, 'POST', '/v1/markets/m-page/orders', token, { side: i % 2 ? 'buy' : 'sell', energyWh: 100 + i })).status).toBe(201);
  }
  for (let i = 0; i < 4; i++) await openMarket(app, `m-page-${i}`);
});
afterAll(async () => {
  await app.close();
  removeDir(dir);
});

/** Follows the cursors of a list; every bookmark must be usable in a URL as is. */
async function walk(path: string, token: string, pageSize: number): Promise<{ ids: string[]; bookmarks: string[] }> {
  const ids: string[] = [];
  const bookmarks: string[] = [];
  let bookmark = '';
  for (let guard = 0; guard < 100; guard++) {
    const sep = path.includes('?') ? '&' : '?';
    // Deliberately not URL-encoded: an opaque cursor must survive a shell loop that pastes it.
    const r = await call(app, 'GET', `${path}${sep}pageSize=${pageSize}${bookmark ? `&bookmark=${bookmark}` : ''}`, token);
    expect(r.status).toBe(200);
    expect(r.body.bookmark).toMatch(URL_SAFE);
    ids.push(...(r.body.items ?? r.body.entries).map((x: { id?: string; marketId?: string }) => x.id ?? x.marketId));
    if (r.body.bookmark === '') return { ids, bookmarks };
    bookmarks.push(r.body.bookmark);
    bookmark = r.body.bookmark;
  }
  throw new Error('the cursor never ended');
}

describe('cursors are opaque and URL-safe, and paging loses nothing', () => {
  it('when the NA pages a market\'s orders two at a time, then it sees every order once, through base64url cursors', async () => {
    const { ids, bookmarks } = await walk('/v1/markets/m-page/orders', ADMIN, 2);
    expect(ids).toHaveLength(HOUSEHOLDS);
    expect(new Set(ids).size).toBe(HOUSEHOLDS);
    expect(bookmarks.length).toBeGreaterThanOrEqual(3);
    for (const b of bookmarks) {
      expect(b).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(b).not.toContain('%');
    }
    const all = await call(app, 'GET', '/v1/markets/m-page/orders?pageSize=1000', ADMIN);
    expect(ids.sort()).toEqual(all.body.items.map((o: { id: string }) => o.id).sort());
  });

  it('when anyone pages the markets one at a time, then it sees each market once, newest delivery first', async () => {
    const { ids } = await walk('/v1/markets', tokens[0] as string, 1);
    expect(ids).toHaveLength(5);
    expect(new Set(ids).size).toBe(5);
    const markets = await call(app, 'GET', '/v1/markets?pageSize=1000', tokens[0]);
    expect(ids).toEqual(markets.body.items.map((m: { id: string }) => m.id));
  });

  it('when the NA pages the participants, then every participant once', async () => {
    const { ids } = await walk('/v1/participants', ADMIN, 3);
    expect(ids.filter((id) => id.startsWith('pg-')).sort()).toEqual(Array.from({ length: HOUSEHOLDS }, (_, i) => `pg-${i}`).sort());
  });
});

describe('a cursor the gateway did not issue for this list is a 400', () => {
  let ordersCursor: string;
  beforeAll(async () => {
    ordersCursor = (await call(app, 'GET', '/v1/markets/m-page/orders?pageSize=2', ADMIN)).body.bookmark;
    expect(ordersCursor).not.toBe('');
  });

  it.each(['not base64!', '%00%00', 'AAAA', 'Zm9v', 'x'.repeat(2049)])('when the bookmark is %p, then 400 naming /querystring/bookmark', async (bookmark) => {
    const r = await call(app, 'GET', `/v1/markets/m-page/orders?bookmark=${encodeURIComponent(bookmark)}`, ADMIN);
    expectProblem(r, 400, 'VALIDATION_FAILED');
    expect(r.body.errors.map((e: { path: string }) => e.path)).toEqual(['/querystring/bookmark']);
  });

  it('when a cursor is altered by one character, then 400 (or the same list\'s cursor), never a 500', async () => {
    const last = ordersCursor.slice(-1);
    const altered = `${ordersCursor.slice(0, -1)}${last === 'A' ? 'B' : 'A'}`;
    const r = await call(app, 'GET', `/v1/markets/m-page/orders?bookmark=${altered}`, ADMIN);
    expect([200, 400, 422]).toContain(r.status);
  });

  it('when another list\'s cursor is passed (markets, another market, another household), then 400', async () => {
    expectProblem(await call(app, 'GET', `/v1/markets?bookmark=${ordersCursor}`, ADMIN), 400, 'VALIDATION_FAILED');
    expectProblem(await call(app, 'GET', `/v1/markets/m-page-0/orders?bookmark=${ordersCursor}`, ADMIN), 400, 'VALIDATION_FAILED');
    expectProblem(await call(app, 'GET', `/v1/markets/m-page/orders?bookmark=${ordersCursor}`, tokens[0]), 400, 'VALIDATION_FAILED');
    expectProblem(await call(app, 'GET', `/v1/participants?bookmark=${ordersCursor}`, ADMIN), 400, 'VALIDATION_FAILED');
    expectProblem(await call(app, 'GET', `/v1/participants/pg-0/account?bookmark=${ordersCursor}`, ADMIN), 400, 'VALIDATION_FAILED');
    expectProblem(await call(app, 'GET', `/v1/accounts/grid?bookmark=${ordersCursor}`, ADMIN), 400, 'VALIDATION_FAILED');
  });

  it('when the raw ledger key is passed as the bookmark, then 400 (cursors are the gateway\'s, not keys)', async () => {
    const raw = encodeURIComponent('\u0000ecch.order\u0000m-page\u0000');
    expectProblem(await call(app, 'GET', `/v1/markets/m-page/orders?bookmark=${raw}`, ADMIN), 400, 'VALIDATION_FAILED');
  });
});
