/**
 * Gate closure apart from clearing (market-rules v2 §3) through the REST API:
 * `gate-close` (open → closed), `clear` (closed → settled), and `close`, which is
 * both as two ledger transactions and only the clearing on a market already closed.
 * The market carries readingWindowMinutes; the result carries internalPrice and each
 * allocation's price; an account carries its statement and entries their kind.
 */
import type { FastifyInstance } from 'fastify';
import type { TransactionCall } from '@ecch/gateway-api/ledger/port';
import { ADMIN, call, expectProblem, type Reply, nextDeliveryStart, openGateway, openMarket, registerHousehold, removeDir, tempDataDir } from './support/gateway';

jest.setTimeout(60_000);

let dir: string;
let app: FastifyInstance;
let seller: string;
let buyer: string;

beforeAll(async () => {
  dir = tempDataDir();
  app = await openGateway(dir);
  seller = await registerHousehold(app, 'gc-seller');
  buyer = await registerHousehold(app, 'gc-buyer');
});
afterAll(async () => {
  await app.close();
  removeDir(dir);
});

/** The ledger transactions a block of code submits, in order. */
async function submitted(run: () => Promise<unknown>): Promise<string[]> {
  const ledger = app.gateway.ledger;
  const original = ledger.submit.bind(ledger);
  const seen: string[] = [];
  ledger.submit = (identity, tx: TransactionCall) => {
    seen.push(`${tx.contract}:${tx.transaction}`);
    return original(identity, tx);
  };
  try {
    await run();
  } finally {
    ledger.submit = original;
  }
  return seen;
}

async function tradedMarket(id: string): Promise<void> {
  await openMarket(app, id);
  expect((await call(app, 'POST', `/v1/markets/${id}/orders`, seller, { side: 'sell', energyWh: 3000 })).status).toBe(201);
  expect((await call(app, 'POST', `/v1/markets/${id}/orders`, buyer, { side: 'buy', energyWh: 4000 })).status).toBe(201);
}

describe('markets carry readingWindowMinutes', () => {
  it('when a market is created without one, then it is 60; with 0, then 0', async () => {
    const defaulted = await call(app, 'POST', '/v1/markets', ADMIN, { deliveryStart: nextDeliveryStart(), gridBuyPrice: 130000, gridSellPrice: 40000 });
    expect(defaulted.status).toBe(201);
    expect(defaulted.body.readingWindowMinutes).toBe(60);
    const zero = await call(app, 'POST', '/v1/markets', ADMIN, { deliveryStart: nextDeliveryStart(), readingWindowMinutes: 0, gridBuyPrice: 2, gridSellPrice: 1 });
    expect(zero.status).toBe(201);
    expect(zero.body.readingWindowMinutes).toBe(0);
    expect((await call(app, 'GET', `/v1/markets/${zero.body.id}`, buyer)).body.readingWindowMinutes).toBe(0);
  });

  it.each([-1, 1.5, '60', null, 10081])('when readingWindowMinutes is %p, then 400 naming it', async (readingWindowMinutes) => {
    const r = await call(app, 'POST', '/v1/markets', ADMIN, { deliveryStart: nextDeliveryStart(), readingWindowMinutes, gridBuyPrice: 2, gridSellPrice: 1 });
    expectProblem(r, 400, 'VALIDATION_FAILED');
    expect(r.body.errors.map((e: { path: string }) => e.path)).toEqual(['/body/readingWindowMinutes']);
  });
});

describe('POST /v1/markets/{id}/gate-close and /clear', () => {
  it('when the NA gate-closes an open market, then 200 with the market closed, and orders are refused from then on', async () => {
    await tradedMarket('m-gate');
    const r = await call(app, 'POST', '/v1/markets/m-gate/gate-close', ADMIN);
    expect(r.status).toBe(200);
    expect(r.body).toEqual(expect.objectContaining({ id: 'm-gate', status: 'closed', closedAt: expect.any(String), readingWindowMinutes: 60 }));
    expect(r.body.settledAt).toBeUndefined();
    const mine = await call(app, 'GET', '/v1/markets/m-gate/orders', buyer);
    expectProblem(await call(app, 'PATCH', `/v1/markets/m-gate/orders/${mine.body.items[0].id}`, buyer, { energyWh: 1 }), 409, 'MARKET_NOT_OPEN');
    expectProblem(await call(app, 'POST', '/v1/markets/m-gate/gate-close', ADMIN), 409, 'INVALID_STATE');
    expectProblem(await call(app, 'GET', '/v1/markets/m-gate/result', buyer), 409, 'RESULT_NOT_AVAILABLE');
  });

  it('when the NA clears the closed market, then 200 {market, result} with internalPrice and each allocation\'s price', async () => {
    const r = await call(app, 'POST', '/v1/markets/m-gate/clear', ADMIN);
    expect(r.status).toBe(200);
    expect(r.body.market).toEqual(expect.objectContaining({ id: 'm-gate', status: 'settled', closedAt: expect.any(String), settledAt: expect.any(String) }));
    const result = r.body.result;
    expect(result).toEqual(expect.objectContaining({ marketId: 'm-gate', internalPrice: result.sellPrice, internalWh: 3000, gridImportWh: 1000 }));
    for (const a of result.allocations) {
      expect(a).toEqual(expect.objectContaining({ price: expect.anything() }));
      if (a.internalWh > 0) expect(typeof a.price).toBe('number');
    }
    expect(await call(app, 'GET', '/v1/markets/m-gate/result', seller)).toEqual(expect.objectContaining({ status: 200, body: result }));
    expectProblem(await call(app, 'POST', '/v1/markets/m-gate/clear', ADMIN), 409, 'INVALID_STATE');
  });

  it('when a market is cleared before its gate closed, then 409 INVALID_STATE; a scheduled one cannot be gate-closed', async () => {
    await openMarket(app, 'm-open');
    expectProblem(await call(app, 'POST', '/v1/markets/m-open/clear', ADMIN), 409, 'INVALID_STATE');
    const scheduled = await call(app, 'POST', '/v1/markets', ADMIN, { id: 'm-sched', deliveryStart: nextDeliveryStart(), gridBuyPrice: 2, gridSellPrice: 1 });
    expect(scheduled.status).toBe(201);
    expectProblem(await call(app, 'POST', '/v1/markets/m-sched/gate-close', ADMIN), 409, 'INVALID_STATE');
  });

  it('when a household or an unknown market is named, then 403 / 404', async () => {
    for (const action of ['gate-close', 'clear']) {
      expectProblem(await call(app, 'POST', `/v1/markets/m-open/${action}`, buyer), 403, 'FORBIDDEN');
      expectProblem(await call(app, 'POST', `/v1/markets/nope/${action}`, ADMIN), 404, 'NOT_FOUND');
    }
  });
});

describe('POST /v1/markets/{id}/close', () => {
  it('when the market is open, then it is GateClose then Clear, two ledger transactions, and 200 {market, result}', async () => {
    await tradedMarket('m-close');
    let r: Reply | undefined;
    const txs = await submitted(async () => {
      r = await call(app, 'POST', '/v1/markets/m-close/close', ADMIN);
    });
    expect(txs).toEqual(['markets:GateClose', 'markets:Clear']);
    expect(r?.status).toBe(200);
    expect(r?.body.market.status).toBe('settled');
    expect(r?.body.result).toEqual(expect.objectContaining({ marketId: 'm-close', internalPrice: expect.any(Number) }));
  });

  it('when the market is already closed (a close stopped half-way), then close only clears it', async () => {
    await tradedMarket('m-half');
    expect((await call(app, 'POST', '/v1/markets/m-half/gate-close', ADMIN)).status).toBe(200);
    let r: Reply | undefined;
    const txs = await submitted(async () => {
      r = await call(app, 'POST', '/v1/markets/m-half/close', ADMIN);
    });
    // GateClose is refused at endorsement (nothing committed); Clear settles.
    expect(txs).toEqual(['markets:GateClose', 'markets:Clear']);
    expect(r?.status).toBe(200);
    expect(r?.body.market.status).toBe('settled');
  });

  it('when the market is scheduled, settled or cancelled, then 409 INVALID_STATE and nothing changes', async () => {
    expectProblem(await call(app, 'POST', '/v1/markets/m-sched/close', ADMIN), 409, 'INVALID_STATE');
    expect((await call(app, 'GET', '/v1/markets/m-sched', ADMIN)).body.status).toBe('scheduled');
    expectProblem(await call(app, 'POST', '/v1/markets/m-close/close', ADMIN), 409, 'INVALID_STATE');
    expect((await call(app, 'POST', '/v1/markets/m-sched/cancel', ADMIN)).status).toBe(200);
    expectProblem(await call(app, 'POST', '/v1/markets/m-sched/close', ADMIN), 409, 'INVALID_STATE');
    expectProblem(await call(app, 'POST', '/v1/markets/nope/close', ADMIN), 404, 'NOT_FOUND');
  });
});

describe('accounts after clearing', () => {
  it('when a household reads its account, then it carries statement (null or {through, balance}) and entries of kind "market"', async () => {
    const r = await call(app, 'GET', '/v1/participants/gc-buyer/account', buyer);
    expect(r.status).toBe(200);
    expect(r.body).toEqual(expect.objectContaining({ participantId: 'gc-buyer', balance: expect.any(Number), bookmark: expect.any(String) }));
    expect(r.body).toHaveProperty('statement');
    if (r.body.statement !== null) expect(r.body.statement).toEqual({ through: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), balance: expect.any(Number) });
    expect(r.body.entries.length).toBeGreaterThanOrEqual(3);
    for (const e of r.body.entries) expect(e).toEqual(expect.objectContaining({ kind: 'market', participantId: 'gc-buyer', marketId: expect.any(String) }));
    const grid = await call(app, 'GET', '/v1/accounts/grid', ADMIN);
    expect(grid.body).toHaveProperty('statement');
    expect(grid.body.entries.every((e: { kind: string }) => e.kind === 'market')).toBe(true);
  });
});
