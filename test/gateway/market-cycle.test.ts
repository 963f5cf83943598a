/**
 * A full market cycle through the REST API, figures checked against
 * market-rules.md: market 1 is §8's worked example (h1..h4, plus an order placed
 * and cancelled and one amended); market 2 trades all ten households with SDR > 1.
 */
import type { FastifyInstance } from 'fastify';
import { ADMIN, call, openGateway, openMarket, registerHousehold, removeDir, tempDataDir } from './support/gateway';

jest.setTimeout(60_000);

let dir: string;
let app: FastifyInstance;
const tokens: Record<string, string> = {};
const ids = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'h7', 'h8', 'h9', 'h10'];

async function place(who: string, market: string, body: Record<string, unknown>) {
  const r = await call(app, 'POST', `/v1/markets/${market}/orders`, tokens[who], body);
  expect(r.status).toBe(201);
  return r.body as { id: string };
}

beforeAll(async () => {
  dir = tempDataDir();
  app = await openGateway(dir);
  for (const id of ids) tokens[id] = await registerHousehold(app, id);
});
afterAll(async () => {
  await app.close();
  removeDir(dir);
});

describe('market 1: the worked example of market-rules.md §8', () => {
  let result: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

  beforeAll(async () => {
    await openMarket(app, 'm1');
    // h1 first offers 2500 Wh and amends to §8's 3000 Wh.
    const h1 = await place('h1', 'm1', { side: 'sell', energyWh: 2500 });
    const amended = await call(app, 'PATCH', `/v1/markets/m1/orders/${h1.id}`, tokens.h1, { energyWh: 3000 });
    expect(amended.body.revision).toBe(2);
    await place('h2', 'm1', { side: 'sell', energyWh: 1000, limitPrice: 100000 });
    await place('h3', 'm1', { side: 'buy', energyWh: 4000 });
    await place('h4', 'm1', { side: 'buy', energyWh: 2000, limitPrice: 60000 });
    // h5 changes its mind: a cancelled order takes no part in clearing.
    const h5 = await place('h5', 'm1', { side: 'buy', energyWh: 5000 });
    expect((await call(app, 'DELETE', `/v1/markets/m1/orders/${h5.id}`, tokens.h5)).status).toBe(200);

    const closed = await call(app, 'POST', '/v1/markets/m1/close', ADMIN);
    expect(closed.status).toBe(200);
    expect(closed.body.market.status).toBe('settled');
    expect(closed.body.market.closedAt).toEqual(expect.any(String));
    result = closed.body.result;
  });

  it('when it closes, then Ps = 48372 and Pb = 68779 from round 2 with SDR 3/4', () => {
    expect(result).toEqual(
      expect.objectContaining({
        marketId: 'm1',
        mechanism: 'sdr',
        sellPrice: 48372,
        buyPrice: 68779,
        internalWh: 3000,
        gridImportWh: 3000,
        gridExportWh: 1000,
        gridAmount: 350000,
      }),
    );
    expect(result.sdr).toEqual(expect.objectContaining({ supplyWh: 3000, demandWh: 4000, ratio: '0.750000' }));
  });

  it('when it closes, then each order is allocated and settled as §8 says', () => {
    const by = Object.fromEntries(result.allocations.map((a: { participantId: string }) => [a.participantId, a]));
    expect(Object.keys(by).sort()).toEqual(['h1', 'h2', 'h3', 'h4']);
    expect(by.h1).toEqual(expect.objectContaining({ side: 'sell', status: 'accepted', energyWh: 3000, internalWh: 3000, gridWh: 0, amount: 145116 }));
    expect(by.h2).toEqual(expect.objectContaining({ side: 'sell', status: 'rejected', energyWh: 1000, internalWh: 0, gridWh: 1000, amount: 40000 }));
    expect(by.h3).toEqual(expect.objectContaining({ side: 'buy', status: 'accepted', energyWh: 4000, internalWh: 3000, gridWh: 1000, amount: -275116 }));
    expect(by.h4).toEqual(expect.objectContaining({ side: 'buy', status: 'rejected', energyWh: 2000, internalWh: 0, gridWh: 2000, amount: -260000 }));
  });

  it('when the result is read again, then it is the one close returned', async () => {
    const r = await call(app, 'GET', '/v1/markets/m1/result', tokens.h9);
    expect(r.status).toBe(200);
    expect(r.body).toEqual(result);
  });

  it('when orders are read after close, then they show accepted / rejected / cancelled', async () => {
    const all = await call(app, 'GET', '/v1/markets/m1/orders', ADMIN);
    const status = Object.fromEntries(all.body.items.map((o: { participantId: string; status: string }) => [o.participantId, o.status]));
    expect(status).toEqual({ h1: 'accepted', h2: 'rejected', h3: 'accepted', h4: 'rejected', h5: 'cancelled' });
  });

  it('when an order is placed after close, then 409 MARKET_NOT_OPEN', async () => {
    const r = await call(app, 'POST', '/v1/markets/m1/orders', tokens.h6, { side: 'buy', energyWh: 1 });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('MARKET_NOT_OPEN');
  });
});

describe('market 2: all ten households, supply above demand (SDR = 15/8 > 1)', () => {
  let result: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

  beforeAll(async () => {
    await openMarket(app, 'm2');
    const sells: Record<string, number> = { h1: 3000, h2: 2000, h5: 1000, h6: 1000, h7: 500 };
    const buys: Record<string, number> = { h3: 1000, h4: 1500, h8: 700, h9: 300, h10: 500 };
    for (const [id, energyWh] of Object.entries(sells)) await place(id, 'm2', { side: 'sell', energyWh });
    for (const [id, energyWh] of Object.entries(buys)) await place(id, 'm2', { side: 'buy', energyWh });
    result = (await call(app, 'POST', '/v1/markets/m2/close', ADMIN)).body.result;
  });

  it('when supply exceeds demand, then Ps = Pb = S and every buyer is served internally', () => {
    expect(result).toEqual(
      expect.objectContaining({ sellPrice: 40000, buyPrice: 40000, internalWh: 4000, gridImportWh: 0, gridExportWh: 3500, gridAmount: -140000 }),
    );
    expect(result.sdr).toEqual(expect.objectContaining({ supplyWh: 7500, demandWh: 4000, ratio: '1.875000' }));
  });

  it('when 4000 Wh are shared among sellers pro rata, then the 2 leftover Wh go to the largest remainders (h2, h7)', () => {
    const internal = Object.fromEntries(result.allocations.map((a: { participantId: string; internalWh: number }) => [a.participantId, a.internalWh]));
    expect(internal).toEqual({ h1: 1600, h2: 1067, h5: 533, h6: 533, h7: 267, h3: 1000, h4: 1500, h8: 700, h9: 300, h10: 500 });
    const amounts = Object.fromEntries(result.allocations.map((a: { participantId: string; amount: number }) => [a.participantId, a.amount]));
    expect(amounts).toEqual({ h1: 120000, h2: 80000, h5: 40000, h6: 40000, h7: 20000, h3: -40000, h4: -60000, h8: -28000, h9: -12000, h10: -20000 });
  });
});

describe('accounts after both markets', () => {
  const expected: Record<string, number> = {
    h1: 145116 + 120000,
    h2: 40000 + 80000,
    h3: -275116 - 40000,
    h4: -260000 - 60000,
    h5: 40000,
    h6: 40000,
    h7: 20000,
    h8: -28000,
    h9: -12000,
    h10: -20000,
  };

  it('when each household reads its account, then the balance is the sum of its settlement entries', async () => {
    for (const id of ids) {
      const r = await call(app, 'GET', `/v1/participants/${id}/account`, tokens[id]);
      expect(r.status).toBe(200);
      expect({ id, balance: r.body.balance }).toEqual({ id, balance: expected[id] });
      const sum = r.body.entries.reduce((s: number, e: { amount: number }) => s + e.amount, 0);
      expect(sum).toBe(expected[id]);
      expect(r.body.entries.every((e: { participantId: string }) => e.participantId === id)).toBe(true);
    }
  });

  it('when h3 reads its §8 entry, then it carries the market, energies and community price', async () => {
    const r = await call(app, 'GET', '/v1/participants/h3/account', ADMIN);
    const m1 = r.body.entries.find((e: { marketId: string }) => e.marketId === 'm1');
    expect(m1).toEqual(expect.objectContaining({ marketId: 'm1', participantId: 'h3', internalWh: 3000, gridWh: 1000, price: 48372, amount: -275116 }));
  });

  it('when the NA reads the grid account, then it balances every market to zero', async () => {
    const grid = await call(app, 'GET', '/v1/accounts/grid', ADMIN);
    expect(grid.status).toBe(200);
    expect(grid.body.participantId).toBe('grid');
    expect(grid.body.balance).toBe(350000 - 140000);
    const total = Object.values(expected).reduce((s, v) => s + v, 0) + grid.body.balance;
    expect(total).toBe(0);
  });

  it('when a household reads the grid account or another household\'s account, then 403', async () => {
    expect((await call(app, 'GET', '/v1/accounts/grid', tokens.h1)).status).toBe(403);
    const other = await call(app, 'GET', '/v1/participants/h2/account', tokens.h1);
    expect(other.status).toBe(403);
    expect(other.body.code).toBe('FORBIDDEN');
  });
});
