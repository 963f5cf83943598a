/**
 * api.md revision 2: types are never coerced. `"130000"` for an integer, `false` for
 * a string, `null` for an optional field are 400 with `errors[]`; query numbers are
 * converted only from plain decimal digits; impossible dates are 400.
 */
import type { FastifyInstance } from 'fastify';
import { ADMIN, call, expectProblem, type Reply, nextDeliveryStart, openGateway, openMarket, registerHousehold, removeDir, tempDataDir } from './support/gateway';

jest.setTimeout(60_000);

let dir: string;
let app: FastifyInstance;
let household: string;

beforeAll(async () => {
  dir = tempDataDir();
  app = await openGateway(dir);
  household = await registerHousehold(app, 'strict-h');
  await openMarket(app, 'm-strict');
});
afterAll(async () => {
  await app.close();
  removeDir(dir);
});

const market = (extra: Record<string, unknown>) => ({ deliveryStart: nextDeliveryStart(), gridBuyPrice: 130000, gridSellPrice: 40000, ...extra });

function expectFieldErrors(r: Reply, paths: string[]): void {
  expectProblem(r, 400, 'VALIDATION_FAILED');
  expect(r.body.errors.map((e: { path: string }) => e.path)).toEqual(paths);
  for (const e of r.body.errors) expect(e).toEqual({ path: expect.any(String), message: expect.any(String) });
}

describe('bodies: no coercion', () => {
  it('when an integer is sent as a string ("130000"), then 400 naming the field, and nothing is created', async () => {
    const r = await call(app, 'POST', '/v1/markets', ADMIN, market({ id: 'm-coerce', gridBuyPrice: '130000' }));
    expectFieldErrors(r, ['/body/gridBuyPrice']);
    expect(r.body.errors[0].message).toBe('must be integer');
    expectProblem(await call(app, 'GET', '/v1/markets/m-coerce', ADMIN), 404, 'NOT_FOUND');
  });

  it('when a boolean is sent for an integer or a string, then 400 (false is not 0, nor "false")', async () => {
    expectFieldErrors(await call(app, 'POST', '/v1/markets', ADMIN, market({ gridSellPrice: false })), ['/body/gridSellPrice']);
    expectFieldErrors(await call(app, 'POST', '/v1/participants', ADMIN, { id: 'strict-b', name: false, kind: 'consumer' }), ['/body/name']);
    expectFieldErrors(await call(app, 'POST', '/v1/markets/m-strict/orders', household, { side: 'buy', energyWh: true }), ['/body/energyWh']);
  });

  it('when an optional field is null, then 400 rather than "absent"', async () => {
    expectFieldErrors(await call(app, 'POST', '/v1/markets/m-strict/orders', household, { side: 'buy', energyWh: 10, limitPrice: null }), [
      '/body/limitPrice',
    ]);
    expectFieldErrors(await call(app, 'POST', '/v1/markets', ADMIN, market({ durationMinutes: null })), ['/body/durationMinutes']);
    expectFieldErrors(await call(app, 'POST', '/v1/participants', ADMIN, { id: 'strict-n', name: 'N', kind: 'consumer', pvKwp: null }), ['/body/pvKwp']);
  });

  it('when a number is a numeric string for a decimal field, then 400 too', async () => {
    expectFieldErrors(await call(app, 'POST', '/v1/participants', ADMIN, { id: 'strict-d', name: 'D', kind: 'prosumer', pvKwp: '5.5' }), ['/body/pvKwp']);
  });
});

describe('dates: a real calendar instant', () => {
  it.each(['2026-02-30T10:00:00Z', '2027-02-29T10:00:00Z', '2026-04-31T00:00:00Z', '2026-13-01T00:00:00Z', '2026-06-21T24:00:00Z', '2026-06-30T23:59:60Z'])(
    'when deliveryStart is %s, then 400 naming the field (not a market on another day)',
    async (deliveryStart) => {
      const r = await call(app, 'POST', '/v1/markets', ADMIN, market({ deliveryStart }));
      expectFieldErrors(r, ['/body/deliveryStart']);
      expect(r.body.errors[0].message).toContain('real RFC 3339 UTC time');
    },
  );

  it('when deliveryStart is a leap day or has fractional seconds, then it is accepted', async () => {
    // A leap day within the ledger's horizon (366 days ahead, 3660 behind): the latest 29 February before now.
    let year = new Date().getUTCFullYear();
    while (!(year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) || Date.UTC(year, 1, 29) > Date.now()) year -= 1;
    const leap = await call(app, 'POST', '/v1/markets', ADMIN, market({ deliveryStart: `${year}-02-29T10:00:00Z` }));
    expect(leap.status).toBe(201);
    expect(leap.body.deliveryStart).toBe(`${year}-02-29T10:00:00.000Z`);
    const fractional = await call(app, 'POST', '/v1/markets', ADMIN, market({ deliveryStart: `${year}-02-28T10:00:00.5Z` }));
    expect(fractional.status).toBe(201);
  });

  it('when deliveryStart has an offset instead of Z, then 400 (UTC only)', async () => {
    expectFieldErrors(await call(app, 'POST', '/v1/markets', ADMIN, market({ deliveryStart: '2026-06-21T13:00:00+03:00' })), ['/body/deliveryStart']);
  });
});

describe('query strings: numbers converted deliberately', () => {
  it('when pageSize is plain digits, then it is a number and the page has at most that many items', async () => {
    await openMarket(app, 'm-strict-2');
    const r = await call(app, 'GET', '/v1/markets?pageSize=1', household);
    expect(r.status).toBe(200);
    expect(r.body.items).toHaveLength(1);
    expect(r.body.bookmark).not.toBe('');
  });

  it.each(['abc', '0x10', '1e2', '10.0', '010', ' 10', '', '-1', '0', '1001'])('when pageSize is "%s", then 400 naming /querystring/pageSize', async (value) => {
    const r = await call(app, 'GET', `/v1/markets?pageSize=${encodeURIComponent(value)}`, household);
    expectFieldErrors(r, ['/querystring/pageSize']);
  });

  it('when a parameter is repeated, then 400 (one value each)', async () => {
    expectFieldErrors(await call(app, 'GET', '/v1/markets?pageSize=10&pageSize=10', household), ['/querystring/pageSize']);
    expectFieldErrors(await call(app, 'GET', '/v1/markets?status=open&status=open', household), ['/querystring/status']);
  });

  it('when an unknown query parameter is sent, then 400', async () => {
    expectFieldErrors(await call(app, 'GET', '/v1/markets?pagesize=10', household), ['/querystring/pagesize']);
  });
});
