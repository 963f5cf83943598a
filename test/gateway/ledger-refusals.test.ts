/**
 * api.md revision 2, the ledger's new refusals as the REST API answers them: an
 * idempotency key re-sent with a different order is 422 IDEMPOTENCY_KEY_REUSED
 * (the same order: 200 with the first); a resource whose parent does not exist is
 * 404; overlapping markets 409; a delivery start beyond the horizon 422; and every
 * new chaincode code has the status of the design (errors/ledger-status.ts).
 */
// Before the chaincode package: it logs every contract decorator at import otherwise.
import '@ecch/gateway-api/ledger/embedded/shim-logging';
import type { FastifyInstance } from 'fastify';
import { ERROR_CODES } from '@ecch/chaincode';
import { LEDGER_STATUS } from '@ecch/gateway-api/errors/ledger-status';
import { toProblem } from '@ecch/gateway-api/errors/problem';
import { LedgerRefusal } from '@ecch/gateway-api/ledger/port';
import { ADMIN, call, expectProblem, nextDeliveryStart, openGateway, openMarket, registerHousehold, removeDir, rfc3339, tempDataDir } from './support/gateway';

jest.setTimeout(60_000);

let dir: string;
let app: FastifyInstance;
let alice: string;
let bob: string;

beforeAll(async () => {
  dir = tempDataDir();
  app = await openGateway(dir);
  alice = await registerHousehold(app, 'ref-alice');
  bob = await registerHousehold(app, 'ref-bob');
  await openMarket(app, 'm-idem');
});
afterAll(async () => {
  await app.close();
  removeDir(dir);
});

describe('idempotency keys', () => {
  it('when the same Idempotency-Key comes with the same order, then 200 with the first order', async () => {
    const first = await call(app, 'POST', '/v1/markets/m-idem/orders', alice, { side: 'sell', energyWh: 1200 }, { 'idempotency-key': 'k-same' });
    expect(first.status).toBe(201);
    const again = await call(app, 'POST', '/v1/markets/m-idem/orders', alice, { side: 'sell', energyWh: 1200 }, { 'idempotency-key': 'k-same' });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
  });

  it('when the same Idempotency-Key comes with a different order, then 422 IDEMPOTENCY_KEY_REUSED and the first order is unchanged', async () => {
    const first = await call(app, 'GET', '/v1/markets/m-idem/orders', alice);
    for (const body of [
      { side: 'sell', energyWh: 1300 },
      { side: 'buy', energyWh: 1200 },
      { side: 'sell', energyWh: 1200, limitPrice: 50000 },
    ]) {
      const r = await call(app, 'POST', '/v1/markets/m-idem/orders', alice, body, { 'idempotency-key': 'k-same' });
      expectProblem(r, 422, 'IDEMPOTENCY_KEY_REUSED');
    }
    expect((await call(app, 'GET', '/v1/markets/m-idem/orders', alice)).body).toEqual(first.body);
  });

  it('when clientOrderId in the body is reused with a different order, then 422 too; the same, then 200', async () => {
    const placed = await call(app, 'POST', '/v1/markets/m-idem/orders', bob, { side: 'buy', energyWh: 900, limitPrice: 90000, clientOrderId: 'c-1' });
    expect(placed.status).toBe(201);
    expectProblem(await call(app, 'POST', '/v1/markets/m-idem/orders', bob, { side: 'buy', energyWh: 901, limitPrice: 90000, clientOrderId: 'c-1' }), 422, 'IDEMPOTENCY_KEY_REUSED');
    // The header form of the same key is the same key.
    const repeat = await call(app, 'POST', '/v1/markets/m-idem/orders', bob, { side: 'buy', energyWh: 900, limitPrice: 90000 }, { 'idempotency-key': 'c-1' });
    expect(repeat.status).toBe(200);
    expect(repeat.body.id).toBe(placed.body.id);
  });
});

describe('a resource whose parent does not exist is 404', () => {
  it('when the NA reads the account of an unknown participant, then 404 NOT_FOUND (not an empty account)', async () => {
    expectProblem(await call(app, 'GET', '/v1/participants/nope/account', ADMIN), 404, 'NOT_FOUND');
  });

  it('when the orders of an unknown market are listed, then 404 NOT_FOUND for the NA and for a household', async () => {
    expectProblem(await call(app, 'GET', '/v1/markets/nope/orders', ADMIN), 404, 'NOT_FOUND');
    expectProblem(await call(app, 'GET', '/v1/markets/nope/orders', alice), 404, 'NOT_FOUND');
    expectProblem(await call(app, 'GET', '/v1/markets/nope/orders/o-x', alice), 404, 'NOT_FOUND');
  });

  it('when a household asks for another (unknown) participant\'s account, then 403: it may not know', async () => {
    expectProblem(await call(app, 'GET', '/v1/participants/nope/account', alice), 403, 'FORBIDDEN');
  });
});

describe('market creation refusals', () => {
  it('when a new market overlaps a live one, then 409 MARKET_OVERLAP; once that one is cancelled, the interval is free', async () => {
    const start = nextDeliveryStart();
    expect((await call(app, 'POST', '/v1/markets', ADMIN, { id: 'm-ov-1', deliveryStart: start, gridBuyPrice: 2, gridSellPrice: 1 })).status).toBe(201);
    const halfway = rfc3339(Date.parse(start) + 30 * 60_000);
    expectProblem(await call(app, 'POST', '/v1/markets', ADMIN, { id: 'm-ov-2', deliveryStart: halfway, gridBuyPrice: 2, gridSellPrice: 1 }), 409, 'MARKET_OVERLAP');
    expect((await call(app, 'POST', '/v1/markets/m-ov-1/cancel', ADMIN)).status).toBe(200);
    expect((await call(app, 'POST', '/v1/markets', ADMIN, { id: 'm-ov-2', deliveryStart: halfway, gridBuyPrice: 2, gridSellPrice: 1 })).status).toBe(201);
  });

  it('when deliveryStart is in year 9999 or far in the past, then 422 OUT_OF_HORIZON', async () => {
    expectProblem(await call(app, 'POST', '/v1/markets', ADMIN, { deliveryStart: '9999-01-01T00:00:00Z', gridBuyPrice: 2, gridSellPrice: 1 }), 422, 'OUT_OF_HORIZON');
    expectProblem(await call(app, 'POST', '/v1/markets', ADMIN, { deliveryStart: '1999-01-01T00:00:00Z', gridBuyPrice: 2, gridSellPrice: 1 }), 422, 'OUT_OF_HORIZON');
  });
});

describe('the status of every ledger code', () => {
  const designed: Record<string, number> = {
    MARKET_OVERLAP: 409,
    OUT_OF_HORIZON: 422,
    MARKET_TOO_LARGE: 422,
    INPUT_TOO_LARGE: 413,
    IDEMPOTENCY_KEY_REUSED: 422,
  };

  it('when the ledger refuses with a code added in issue 9, then the problem has the designed status and keeps the code and detail', () => {
    for (const [code, status] of Object.entries(designed)) {
      const problem = toProblem(new LedgerRefusal(code as never, `refused: ${code}`));
      expect({ code, status: problem.status, problemCode: problem.code, detail: problem.detail }).toEqual({ code, status, problemCode: code, detail: `refused: ${code}` });
    }
  });

  it('when any chaincode code comes back, then it has a status (the table is total)', () => {
    for (const code of ERROR_CODES) expect({ code, mapped: typeof LEDGER_STATUS[code] }).toEqual({ code, mapped: 'number' });
  });
});
