/**
 * Metered delivery through the REST API (api.md meter, reading and reconcile rows;
 * mechanisms.md §7): every route and its refusals on a real gateway over the embedded
 * ledger. Readings carry no token: the signature authenticates them.
 */
import type { FastifyInstance } from 'fastify';
import { ADMIN, call, expectProblem, nextDeliveryStart, openGateway, openMarket, registerHousehold, removeDir, rfc3339, tempDataDir } from './support/gateway';
import { createTestMeter, readingOf, signed, type TestMeter } from '../support/meters';

jest.setTimeout(90_000);

let dir: string;
let app: FastifyInstance;
let seller: string;
let buyer: string;
let idle: string;
const meters: Record<string, TestMeter> = {};

beforeAll(async () => {
  dir = tempDataDir();
  app = await openGateway(dir);
  seller = await registerHousehold(app, 'mt-seller');
  buyer = await registerHousehold(app, 'mt-buyer');
  idle = await registerHousehold(app, 'mt-idle');
  for (const id of ['mt-seller', 'mt-buyer', 'mt-idle']) meters[id] = await createTestMeter(`meter-${id}`);
});
afterAll(async () => {
  await app.close();
  removeDir(dir);
});

const registerMeter = (m: TestMeter, participantId: string, token = ADMIN) =>
  call(app, 'POST', '/v1/meters', token, { meterId: m.meterId, participantId, certificate: m.certificatePem });

/** A settled market: the seller sold 1000 Wh, the buyer bought 2000 Wh. */
async function settled(id: string, extra: Record<string, unknown> = {}): Promise<string> {
  const deliveryStart = (extra.deliveryStart as string | undefined) ?? nextDeliveryStart();
  await openMarket(app, id, { deliveryStart, ...extra });
  expect((await call(app, 'POST', `/v1/markets/${id}/orders`, seller, { side: 'sell', energyWh: 1000 })).status).toBe(201);
  expect((await call(app, 'POST', `/v1/markets/${id}/orders`, buyer, { side: 'buy', energyWh: 2000 })).status).toBe(201);
  expect((await call(app, 'POST', `/v1/markets/${id}/close`, ADMIN)).status).toBe(200);
  return deliveryStart;
}

describe('meters', () => {
  it('POST /v1/meters: NA only, 201 then 200 for the same registration, 409 for a taken id, 404 for an unknown participant', async () => {
    expectProblem(await registerMeter(meters['mt-seller'], 'mt-seller', seller), 403, 'FORBIDDEN');
    expectProblem(await registerMeter(meters['mt-seller'], 'mt-seller', ''), 401, 'UNAUTHENTICATED');
    const first = await registerMeter(meters['mt-seller'], 'mt-seller');
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ meterId: 'meter-mt-seller', participantId: 'mt-seller', status: 'active' });
    expect((await registerMeter(meters['mt-seller'], 'mt-seller')).status).toBe(200);
    expectProblem(await call(app, 'POST', '/v1/meters', ADMIN, { meterId: 'meter-mt-seller', participantId: 'mt-buyer', certificate: meters['mt-buyer'].certificatePem }), 409, 'ALREADY_EXISTS');
    expectProblem(await registerMeter(await createTestMeter('meter-ghost'), 'ghost'), 404, 'NOT_FOUND');
    expectProblem(await call(app, 'POST', '/v1/meters', ADMIN, { meterId: 'bad-cert', participantId: 'mt-buyer', certificate: 'x' }), 422, 'INVALID_ARGUMENT');
    expect((await call(app, 'POST', '/v1/meters', ADMIN, { meterId: 'm', participantId: 'mt-buyer' })).status).toBe(400);
    expect((await registerMeter(meters['mt-buyer'], 'mt-buyer')).status).toBe(201);
    expect((await registerMeter(meters['mt-idle'], 'mt-idle')).status).toBe(201);
  });

  it('GET /v1/meters (NA), GET /v1/meters/{id} (NA), GET /v1/participants/{id}/meter (NA or that household)', async () => {
    const list = await call(app, 'GET', '/v1/meters', ADMIN);
    expect(list.status).toBe(200);
    expect(list.body.items.map((m: { meterId: string }) => m.meterId)).toEqual(expect.arrayContaining(['meter-mt-seller', 'meter-mt-buyer', 'meter-mt-idle']));
    expectProblem(await call(app, 'GET', '/v1/meters', seller), 403, 'FORBIDDEN');
    expect((await call(app, 'GET', '/v1/meters/meter-mt-seller', ADMIN)).body).toMatchObject({ participantId: 'mt-seller' });
    expectProblem(await call(app, 'GET', '/v1/meters/nope', ADMIN), 404, 'NOT_FOUND');
    expect((await call(app, 'GET', '/v1/participants/mt-seller/meter', seller)).body).toMatchObject({ meterId: 'meter-mt-seller' });
    expect((await call(app, 'GET', '/v1/participants/mt-seller/meter', ADMIN)).status).toBe(200);
    expectProblem(await call(app, 'GET', '/v1/participants/mt-seller/meter', buyer), 403, 'FORBIDDEN');
  });
});

describe('readings and reconciliation', () => {
  let start: string;
  beforeAll(async () => {
    start = await settled('mt-m1');
  });

  it('POST /v1/readings without a token: 201 new, 200 repeat, 409 conflict kept as evidence, 422 bad signature', async () => {
    const good = signed(meters['mt-seller'], readingOf('meter-mt-seller', start, 0, 900));
    const created = await call(app, 'POST', '/v1/readings', undefined, good);
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ status: 201, meterId: 'meter-mt-seller', intervalStart: good.reading.intervalStart, marketId: 'mt-m1' });
    expect((await call(app, 'POST', '/v1/readings', undefined, good)).status).toBe(200);
    const altered = { reading: { ...good.reading, exportWh: 5000 }, signature: good.signature };
    expectProblem(await call(app, 'POST', '/v1/readings', undefined, altered), 422, 'BAD_SIGNATURE');
    const other = signed(meters['mt-seller'], readingOf('meter-mt-seller', start, 0, 1100, { seq: 2 }));
    expectProblem(await call(app, 'POST', '/v1/readings', undefined, other), 409, 'READING_CONFLICT');
    const evidence = await call(app, 'GET', '/v1/reading-conflicts?meterId=meter-mt-seller', ADMIN);
    expect(evidence.status).toBe(200);
    expect(evidence.body.items).toHaveLength(1);
    expect(evidence.body.items[0]).toMatchObject({ reading: other.reading, signature: other.signature, marketId: 'mt-m1' });
    expect((await call(app, 'GET', '/v1/reading-conflicts', ADMIN)).body.items).toHaveLength(1);
    expectProblem(await call(app, 'GET', '/v1/reading-conflicts', seller), 403, 'FORBIDDEN');
    expect((await call(app, 'POST', '/v1/readings', undefined, { reading: good.reading })).status).toBe(400);
    expectProblem(await call(app, 'POST', '/v1/readings', undefined, signed(meters['mt-seller'], readingOf('meter-mt-seller', '2020-01-01T00:00:00Z', 0, 1))), 404, 'NOT_FOUND');
  });

  it('POST /v1/readings {items}: one result per item with the status a single reading would get; more than 1000 is 413', async () => {
    const buyerReading = signed(meters['mt-buyer'], readingOf('meter-mt-buyer', start, 1500, 0));
    const repeat = signed(meters['mt-seller'], readingOf('meter-mt-seller', start, 0, 900));
    const forged = { reading: readingOf('meter-mt-idle', start, 0, 1), signature: meters['mt-buyer'].sign(readingOf('meter-mt-idle', start, 0, 1)) };
    const r = await call(app, 'POST', '/v1/readings', undefined, { items: [buyerReading, repeat, forged, { nonsense: true }] });
    expect(r.status).toBe(200);
    expect(r.body.results.map((x: { status: number; code?: string }) => [x.status, x.code])).toEqual([
      [201, undefined],
      [200, undefined],
      [422, 'BAD_SIGNATURE'],
      [422, 'INVALID_ARGUMENT'],
    ]);
    expect(r.body.results[0]).toMatchObject({ meterId: 'meter-mt-buyer', marketId: 'mt-m1' });
    expectProblem(await call(app, 'POST', '/v1/readings', undefined, { items: Array.from({ length: 1001 }, () => repeat) }), 413, 'INPUT_TOO_LARGE');
    expect((await call(app, 'POST', '/v1/readings', undefined, { items: [] })).status).toBe(400);
  });

  it('POST /v1/markets/{id}/reconcile (NA): 200 {market, reconciliation}; twice is 409; GET .../reconciliation for any token', async () => {
    expectProblem(await call(app, 'GET', '/v1/markets/mt-m1/reconciliation', seller), 409, 'RESULT_NOT_AVAILABLE');
    expectProblem(await call(app, 'POST', '/v1/markets/mt-m1/reconcile', seller), 403, 'FORBIDDEN');
    const r = await call(app, 'POST', '/v1/markets/mt-m1/reconcile', ADMIN);
    expect(r.status).toBe(200);
    expect(r.body.market).toMatchObject({ id: 'mt-m1', status: 'reconciled' });
    const byId = Object.fromEntries(r.body.reconciliation.entries.map((e: { participantId: string }) => [e.participantId, e]));
    expect(byId['mt-seller']).toMatchObject({ meterId: 'meter-mt-seller', scheduledWh: 1000, meteredWh: 900, imbalanceWh: -100, amount: -13000, estimated: false });
    expect(byId['mt-buyer']).toMatchObject({ scheduledWh: -2000, meteredWh: -1500, imbalanceWh: 500, amount: 20000, estimated: false });
    expect(byId['mt-idle']).toMatchObject({ scheduledWh: 0, meteredWh: null, imbalanceWh: 0, amount: 0, estimated: true });
    const sum = r.body.reconciliation.entries.reduce((s: number, e: { amount: number }) => s + e.amount, r.body.reconciliation.gridAmount);
    expect(sum).toBe(0);
    expectProblem(await call(app, 'POST', '/v1/markets/mt-m1/reconcile', ADMIN), 409, 'INVALID_STATE');
    const got = await call(app, 'GET', '/v1/markets/mt-m1/reconciliation', idle);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(r.body.reconciliation);
    expectProblem(await call(app, 'GET', '/v1/markets/nope/reconciliation', idle), 404, 'NOT_FOUND');
    // The imbalance entry is in the seller's account.
    const account = await call(app, 'GET', '/v1/participants/mt-seller/account', seller);
    expect(account.body.entries.find((e: { kind: string }) => e.kind === 'imbalance')).toMatchObject({
      kind: 'imbalance',
      marketId: 'mt-m1',
      gridWh: -100,
      price: 130000,
      amount: -13000,
      meterId: 'meter-mt-seller',
      scheduledWh: 1000,
      meteredWh: 900,
      estimated: false,
    });
    // Late from now on.
    expectProblem(await call(app, 'POST', '/v1/readings', undefined, signed(meters['mt-idle'], readingOf('meter-mt-idle', start, 5, 0))), 409, 'READING_LATE');
  });

  it('refuses a reading before its interval starts and a reconciliation before the reading window ends', async () => {
    const future = rfc3339(Math.floor(Date.now() / 3_600_000) * 3_600_000 + 3 * 3_600_000);
    await settled('mt-future', { deliveryStart: future });
    expectProblem(await call(app, 'POST', '/v1/readings', undefined, signed(meters['mt-seller'], readingOf('meter-mt-seller', future, 0, 1))), 409, 'INVALID_STATE');
    expectProblem(await call(app, 'POST', '/v1/markets/mt-future/reconcile', ADMIN), 409, 'INVALID_STATE');
    expectProblem(await call(app, 'POST', '/v1/markets/mt-unknown/reconcile', ADMIN), 404, 'NOT_FOUND');
  });
});
