/**
 * A market of each mechanism (sdr, mmr, uniform, pay-as-bid) created, traded and
 * closed through the REST API on the embedded ledger: the body's `mechanism` is
 * validated by the schema, the result (internalPrice, sellPrice, buyPrice nullable per
 * mechanisms.md §1) is served as the ledger computed it, and the accounts carry the
 * entries. Figures: market-rules §8's book, worked by hand in
 * test/chaincode/rules/mechanisms-examples.test.ts.
 */
import type { FastifyInstance } from 'fastify';
import { ADMIN, call, expectProblem, nextDeliveryStart, openGateway, openMarket, registerHousehold, removeDir, tempDataDir } from './support/gateway';

jest.setTimeout(60_000);

type Row = [string, number, number, number | null, number];
const expected: Record<string, { prices: [number | null, number | null, number | null]; grid: number; rows: Record<string, Row> }> = {
  sdr: {
    prices: [48372, 48372, 68779],
    grid: 350000,
    rows: { 'mx-h1': ['accepted', 3000, 0, 48372, 145116], 'mx-h2': ['rejected', 0, 1000, null, 40000], 'mx-h3': ['accepted', 3000, 1000, 48372, -275116], 'mx-h4': ['rejected', 0, 2000, null, -260000] },
  },
  mmr: {
    prices: [85000, 85000, 96250],
    grid: 350000,
    rows: { 'mx-h1': ['accepted', 3000, 0, 85000, 255000], 'mx-h2': ['rejected', 0, 1000, null, 40000], 'mx-h3': ['accepted', 3000, 1000, 85000, -385000], 'mx-h4': ['rejected', 0, 2000, null, -260000] },
  },
  uniform: {
    prices: [115000, 115000, 115000],
    grid: 260000,
    rows: { 'mx-h1': ['accepted', 3000, 0, 115000, 345000], 'mx-h2': ['accepted', 1000, 0, 115000, 115000], 'mx-h3': ['accepted', 4000, 0, 115000, -460000], 'mx-h4': ['rejected', 0, 2000, null, -260000] },
  },
  'pay-as-bid': {
    prices: [null, 130000, 130000],
    grid: 260000,
    rows: { 'mx-h1': ['accepted', 3000, 0, 130000, 390000], 'mx-h2': ['accepted', 1000, 0, 130000, 130000], 'mx-h3': ['accepted', 4000, 0, 130000, -520000], 'mx-h4': ['rejected', 0, 2000, null, -260000] },
  },
};
const MECHANISMS = Object.keys(expected);
const BOOK: [string, object][] = [
  ['mx-h1', { side: 'sell', energyWh: 3000 }],
  ['mx-h2', { side: 'sell', energyWh: 1000, limitPrice: 100000 }],
  ['mx-h3', { side: 'buy', energyWh: 4000 }],
  ['mx-h4', { side: 'buy', energyWh: 2000, limitPrice: 60000 }],
];

let dir: string;
let app: FastifyInstance;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  dir = tempDataDir();
  app = await openGateway(dir);
  for (const [who] of BOOK) tokens[who] = await registerHousehold(app, who);
});
afterAll(async () => {
  await app.close();
  removeDir(dir);
});

describe('POST /v1/markets with a mechanism, then orders and close', () => {
  it.each(MECHANISMS)('%s: the close answers the mechanism\'s result, GET /result serves the same, and the accounts carry the entries', async (m) => {
    const id = `mx-${m}`;
    await openMarket(app, id, { mechanism: m });
    expect((await call(app, 'GET', `/v1/markets/${id}`, tokens['mx-h1'])).body).toEqual(expect.objectContaining({ id, mechanism: m, status: 'open' }));
    for (const [who, body] of BOOK) expect((await call(app, 'POST', `/v1/markets/${id}/orders`, tokens[who], body)).status).toBe(201);

    const closed = await call(app, 'POST', `/v1/markets/${id}/close`, ADMIN);
    expect(closed.status).toBe(200);
    expect(closed.body.market).toEqual(expect.objectContaining({ id, status: 'settled', mechanism: m }));
    const result = closed.body.result;
    const [internalPrice, sellPrice, buyPrice] = expected[m].prices;
    expect(result).toEqual(expect.objectContaining({ marketId: id, mechanism: m, internalPrice, sellPrice, buyPrice, gridAmount: expected[m].grid }));
    const rows = Object.fromEntries(
      result.allocations.map((a: { participantId: string; status: string; internalWh: number; gridWh: number; price: number | null; amount: number }) => [a.participantId, [a.status, a.internalWh, a.gridWh, a.price, a.amount]]),
    );
    expect(rows).toEqual(expected[m].rows);
    expect(await call(app, 'GET', `/v1/markets/${id}/result`, tokens['mx-h2'])).toEqual(expect.objectContaining({ status: 200, body: result }));

    for (const [who, row] of Object.entries(expected[m].rows)) {
      const account = await call(app, 'GET', `/v1/participants/${who}/account`, tokens[who]);
      expect(account.status).toBe(200);
      const entry = account.body.entries.find((e: { marketId: string }) => e.marketId === id);
      expect(entry).toEqual(expect.objectContaining({ kind: 'market', internalWh: row[1], gridWh: row[2], price: row[3], amount: row[4] }));
    }
    const grid = await call(app, 'GET', '/v1/accounts/grid', ADMIN);
    expect(grid.body.entries.find((e: { marketId: string }) => e.marketId === id)).toEqual(expect.objectContaining({ amount: expected[m].grid, price: internalPrice }));
  });

  it('when every market above has settled, each balance is the sum of its four entries', async () => {
    // mx-h1: 145116 + 255000 + 345000 + 390000; mx-h3: −(275116 + 385000 + 460000 + 520000).
    const balances: Record<string, number> = { 'mx-h1': 1135116, 'mx-h2': 325000, 'mx-h3': -1640116, 'mx-h4': -1040000 };
    for (const [who, balance] of Object.entries(balances)) {
      expect((await call(app, 'GET', `/v1/participants/${who}/account`, ADMIN)).body.balance).toBe(balance);
    }
    expect((await call(app, 'GET', '/v1/accounts/grid', ADMIN)).body.balance).toBe(1220000);
  });
});

describe('the mechanism field of POST /v1/markets', () => {
  it('when it is left out, then the market is sdr', async () => {
    const r = await call(app, 'POST', '/v1/markets', ADMIN, { deliveryStart: nextDeliveryStart(), gridBuyPrice: 130000, gridSellPrice: 40000 });
    expect(r.status).toBe(201);
    expect(r.body.mechanism).toBe('sdr');
  });

  it.each(['vickrey', 'SDR', '', 1, null])('when it is %p, then 400 naming /body/mechanism and no market', async (mechanism) => {
    const r = await call(app, 'POST', '/v1/markets', ADMIN, { id: 'mx-bad', deliveryStart: nextDeliveryStart(), gridBuyPrice: 130000, gridSellPrice: 40000, mechanism });
    expectProblem(r, 400, 'VALIDATION_FAILED');
    expect(r.body.errors.map((e: { path: string }) => e.path)).toContain('/body/mechanism');
    expectProblem(await call(app, 'GET', '/v1/markets/mx-bad', ADMIN), 404, 'NOT_FOUND');
  });

  it('when /openapi.json is read, then the body lists the four mechanisms and the result\'s prices may be null', async () => {
    const doc = (await call(app, 'GET', '/openapi.json')).body;
    const body = doc.paths['/v1/markets'].post.requestBody.content['application/json'].schema;
    expect(JSON.stringify(body.properties.mechanism)).toEqual(expect.stringContaining('pay-as-bid'));
    for (const m of MECHANISMS) expect(JSON.stringify(body.properties.mechanism)).toContain(`"${m}"`);
    const result = doc.paths['/v1/markets/{id}/clear'].post.responses['200'].content['application/json'].schema.properties.result;
    for (const field of ['internalPrice', 'sellPrice', 'buyPrice']) expect(JSON.stringify(result.properties[field])).toMatch(/null/);
  });
});
