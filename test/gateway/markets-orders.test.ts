/** Markets and orders: lifecycle, every documented refusal, ownership enforced by the ledger. */
import type { FastifyInstance } from 'fastify';
import { ADMIN, call, expectProblem, nextDeliveryStart, openGateway, openMarket, registerHousehold, removeDir, rfc3339, tempDataDir } from './support/gateway';

jest.setTimeout(60_000);

let dir: string;
let app: FastifyInstance;
let alice: string;
let bob: string;

beforeAll(async () => {
  dir = tempDataDir();
  app = await openGateway(dir);
  alice = await registerHousehold(app, 'alice');
  bob = await registerHousehold(app, 'bob');
});
afterAll(async () => {
  await app.close();
  removeDir(dir);
});

const DAY_MS = 86_400_000;
const newMarket = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  deliveryStart: nextDeliveryStart(),
  gridBuyPrice: 130000,
  gridSellPrice: 40000,
  ...extra,
});

describe('markets', () => {
  it('when the NA creates a market, then it is scheduled with the api.md defaults', async () => {
    const r = await call(app, 'POST', '/v1/markets', ADMIN, newMarket('m-create'));
    expect(r.status).toBe(201);
    expect(r.headers.location).toBe('/v1/markets/m-create');
    expect(r.body).toEqual(
      expect.objectContaining({ id: 'm-create', status: 'scheduled', durationMinutes: 60, mechanism: 'sdr', gridBuyPrice: 130000, gridSellPrice: 40000 }),
    );
  });

  it('when no id is given, then the ledger names the market after its delivery start', async () => {
    const start = rfc3339(Math.floor(Date.now() / DAY_MS) * DAY_MS + 100 * DAY_MS + 3 * 3_600_000);
    const r = await call(app, 'POST', '/v1/markets', ADMIN, { deliveryStart: start, gridBuyPrice: 2, gridSellPrice: 1 });
    expect(r.status).toBe(201);
    expect(r.body.id).toBe(`m-${start.slice(0, 16).replace(/[-:]/g, '')}Z`);
  });

  it('when S >= B, then 422 INVALID_TARIFF', async () => {
    expectProblem(await call(app, 'POST', '/v1/markets', ADMIN, newMarket('m-bad', { gridSellPrice: 130000 })), 422, 'INVALID_TARIFF');
  });

  it('when the market id exists, then 409', async () => {
    await call(app, 'POST', '/v1/markets', ADMIN, newMarket('m-dup'));
    expectProblem(await call(app, 'POST', '/v1/markets', ADMIN, newMarket('m-dup')), 409, 'ALREADY_EXISTS');
  });

  it('when deliveryStart is not RFC 3339 UTC, then 400 naming the field', async () => {
    const r = await call(app, 'POST', '/v1/markets', ADMIN, newMarket('m-time', { deliveryStart: 'tomorrow' }));
    expectProblem(r, 400, 'VALIDATION_FAILED');
    expect(r.body.errors).toEqual([expect.objectContaining({ path: '/body/deliveryStart' })]);
  });

  it('when a household tries to create, open, close or cancel, then 403', async () => {
    await call(app, 'POST', '/v1/markets', ADMIN, newMarket('m-hh'));
    expectProblem(await call(app, 'POST', '/v1/markets', alice, newMarket('m-hh2')), 403, 'FORBIDDEN');
    for (const action of ['open', 'close', 'cancel']) {
      expectProblem(await call(app, 'POST', `/v1/markets/m-hh/${action}`, alice), 403, 'FORBIDDEN');
    }
  });

  it('when a market is closed before it is open, then 409 INVALID_STATE; cancelled, then it cannot open', async () => {
    await call(app, 'POST', '/v1/markets', ADMIN, newMarket('m-life'));
    expectProblem(await call(app, 'POST', '/v1/markets/m-life/close', ADMIN), 409, 'INVALID_STATE');
    const cancelled = await call(app, 'POST', '/v1/markets/m-life/cancel', ADMIN);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expectProblem(await call(app, 'POST', '/v1/markets/m-life/open', ADMIN), 409, 'INVALID_STATE');
  });

  it('when the market does not exist, then 404 on every market route', async () => {
    for (const [method, url] of [
      ['GET', '/v1/markets/nope'],
      ['GET', '/v1/markets/nope/result'],
      ['GET', '/v1/markets/nope/orderbook'],
      ['POST', '/v1/markets/nope/open'],
    ] as const) {
      expectProblem(await call(app, method, url, ADMIN), 404, 'NOT_FOUND');
    }
    expectProblem(await call(app, 'POST', '/v1/markets/nope/orders', alice, { side: 'buy', energyWh: 1 }), 404, 'NOT_FOUND');
  });

  it('when the result is asked before close, then 409 RESULT_NOT_AVAILABLE', async () => {
    await openMarket(app, 'm-early');
    expectProblem(await call(app, 'GET', '/v1/markets/m-early/result', alice), 409, 'RESULT_NOT_AVAILABLE');
  });

  it('when markets are listed, then newest delivery first, and ?status= filters', async () => {
    const day = Math.floor(Date.now() / DAY_MS) * DAY_MS;
    expect((await call(app, 'POST', '/v1/markets', ADMIN, newMarket('m-old', { deliveryStart: rfc3339(day - 3000 * DAY_MS) }))).status).toBe(201);
    expect((await call(app, 'POST', '/v1/markets', ADMIN, newMarket('m-new', { deliveryStart: rfc3339(day + 300 * DAY_MS) }))).status).toBe(201);
    const all = await call(app, 'GET', '/v1/markets', alice);
    expect(all.status).toBe(200);
    const starts = all.body.items.map((m: { deliveryStart: string }) => m.deliveryStart);
    expect(starts).toEqual([...starts].sort().reverse());
    expect(all.body.items[0].id).toBe('m-new');
    const cancelled = await call(app, 'GET', '/v1/markets?status=cancelled', alice);
    expect(cancelled.body.items.length).toBeGreaterThan(0);
    expect(cancelled.body.items.every((m: { status: string }) => m.status === 'cancelled')).toBe(true);
    expectProblem(await call(app, 'GET', '/v1/markets?status=bogus', alice), 400, 'VALIDATION_FAILED');
  });
});

describe('orders', () => {
  beforeAll(async () => {
    await openMarket(app, 'm-orders', { maxOrderWh: 10000 });
  });

  it('when a household places an order, then 201 with the order, its default limit and revision 1', async () => {
    const r = await call(app, 'POST', '/v1/markets/m-orders/orders', alice, { side: 'sell', energyWh: 3000 });
    expect(r.status).toBe(201);
    expect(r.body).toEqual(
      expect.objectContaining({ marketId: 'm-orders', participantId: 'alice', side: 'sell', energyWh: 3000, limitPrice: 40000, status: 'open', revision: 1 }),
    );
    expect(r.headers.location).toBe(`/v1/markets/m-orders/orders/${r.body.id}`);
  });

  it('when the household places a second order in the market, then 409 ACTIVE_ORDER_EXISTS', async () => {
    expectProblem(await call(app, 'POST', '/v1/markets/m-orders/orders', alice, { side: 'buy', energyWh: 10 }), 409, 'ACTIVE_ORDER_EXISTS');
  });

  it('when the limit is outside [S, B], then 422 LIMIT_OUT_OF_RANGE', async () => {
    expectProblem(await call(app, 'POST', '/v1/markets/m-orders/orders', bob, { side: 'buy', energyWh: 10, limitPrice: 130001 }), 422, 'LIMIT_OUT_OF_RANGE');
    expectProblem(await call(app, 'POST', '/v1/markets/m-orders/orders', bob, { side: 'sell', energyWh: 10, limitPrice: 39999 }), 422, 'LIMIT_OUT_OF_RANGE');
  });

  it('when the energy exceeds the market cap, then 422 ENERGY_OUT_OF_RANGE; below 1 Wh, then 400', async () => {
    expectProblem(await call(app, 'POST', '/v1/markets/m-orders/orders', bob, { side: 'buy', energyWh: 10001 }), 422, 'ENERGY_OUT_OF_RANGE');
    const r = await call(app, 'POST', '/v1/markets/m-orders/orders', bob, { side: 'buy', energyWh: 0 });
    expectProblem(r, 400, 'VALIDATION_FAILED');
    expect(r.body.errors[0].path).toBe('/body/energyWh');
  });

  it('when a field is misspelt, then 400 rather than an order at the default limit', async () => {
    const r = await call(app, 'POST', '/v1/markets/m-orders/orders', bob, { side: 'buy', energyWh: 10, limitprice: 50000 });
    expectProblem(r, 400, 'VALIDATION_FAILED');
    expect(r.body.errors).toEqual([{ path: '/body/limitprice', message: 'is not a known field' }]);
  });

  it('when the market is not open, then 409 MARKET_NOT_OPEN', async () => {
    await call(app, 'POST', '/v1/markets', ADMIN, newMarket('m-sched'));
    expectProblem(await call(app, 'POST', '/v1/markets/m-sched/orders', bob, { side: 'buy', energyWh: 10 }), 409, 'MARKET_NOT_OPEN');
  });

  it('when the NA places an order, then 403: orders are households\' own', async () => {
    expectProblem(await call(app, 'POST', '/v1/markets/m-orders/orders', ADMIN, { side: 'buy', energyWh: 10 }), 403, 'FORBIDDEN');
  });

  it('when the owner amends, then the revision goes up by one; with a stale expectedRevision, then 409', async () => {
    const placed = await call(app, 'POST', '/v1/markets/m-orders/orders', bob, { side: 'buy', energyWh: 1000, limitPrice: 90000 });
    const url = `/v1/markets/m-orders/orders/${placed.body.id}`;
    const amended = await call(app, 'PATCH', url, bob, { energyWh: 1500 });
    expect(amended.status).toBe(200);
    expect(amended.body).toEqual(expect.objectContaining({ energyWh: 1500, limitPrice: 90000, revision: 2 }));
    expectProblem(await call(app, 'PATCH', url, bob, { limitPrice: 80000, expectedRevision: 1 }), 409, 'REVISION_MISMATCH');
    expectProblem(await call(app, 'PATCH', url, bob, {}), 400, 'VALIDATION_FAILED');
  });

  it('when another household amends, cancels or reads an order, then the ledger refuses it (403) and the order is unchanged', async () => {
    const mine = await call(app, 'GET', '/v1/markets/m-orders/orders', alice);
    const order = mine.body.items[0];
    const url = `/v1/markets/m-orders/orders/${order.id}`;
    expectProblem(await call(app, 'PATCH', url, bob, { energyWh: 1 }), 403, 'FORBIDDEN');
    expectProblem(await call(app, 'DELETE', url, bob), 403, 'FORBIDDEN');
    expectProblem(await call(app, 'GET', url, bob), 403, 'FORBIDDEN');
    const after = await call(app, 'GET', url, alice);
    expect(after.body).toEqual(order);
  });

  it('when a household lists orders, then only its own; the NA sees all', async () => {
    const own = await call(app, 'GET', '/v1/markets/m-orders/orders', bob);
    expect(own.body.items.map((o: { participantId: string }) => o.participantId)).toEqual(['bob']);
    const all = await call(app, 'GET', '/v1/markets/m-orders/orders', ADMIN);
    expect(all.body.items.map((o: { participantId: string }) => o.participantId).sort()).toEqual(['alice', 'bob']);
  });

  it('when the order book is read, then it aggregates per side and names no owner', async () => {
    const r = await call(app, 'GET', '/v1/markets/m-orders/orderbook', bob);
    expect(r.status).toBe(200);
    expect(r.body.sell).toEqual({ totalWh: 3000, orders: 1, levels: [{ price: 40000, energyWh: 3000, orders: 1 }] });
    expect(r.body.buy).toEqual({ totalWh: 1500, orders: 1, levels: [{ price: 90000, energyWh: 1500, orders: 1 }] });
    expect(JSON.stringify(r.body)).not.toMatch(/alice|bob/);
  });

  it('when the owner cancels, then the order is cancelled and cannot be amended (409 ORDER_NOT_OPEN)', async () => {
    const own = await call(app, 'GET', '/v1/markets/m-orders/orders', bob);
    const url = `/v1/markets/m-orders/orders/${own.body.items[0].id}`;
    const cancelled = await call(app, 'DELETE', url, bob);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expectProblem(await call(app, 'PATCH', url, bob, { energyWh: 5 }), 409, 'ORDER_NOT_OPEN');
    expectProblem(await call(app, 'DELETE', url, bob), 409, 'ORDER_NOT_OPEN');
  });

  it('when the order does not exist, then 404', async () => {
    expectProblem(await call(app, 'PATCH', '/v1/markets/m-orders/orders/o-none', bob, { energyWh: 5 }), 404, 'NOT_FOUND');
  });
});
