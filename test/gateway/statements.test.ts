/**
 * Statements through the REST API (`POST /v1/accounts/statements`, NA): the grid and
 * every participant get a statement through a past day, 100 accounts a ledger
 * transaction, and an account then shows the statement its balance builds on.
 */
import type { FastifyInstance } from 'fastify';
import type { TransactionCall } from '@ecch/gateway-api/ledger/port';
import { ADMIN, call, expectProblem, openGateway, openMarket, registerHousehold, removeDir, tempDataDir } from './support/gateway';

jest.setTimeout(120_000);

const day = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

let dir: string;
let app: FastifyInstance;
let seller: string;

beforeAll(async () => {
  dir = tempDataDir();
  app = await openGateway(dir);
  seller = await registerHousehold(app, 'st-seller');
  // 150 more participants, so the statements take two ledger transactions.
  for (let i = 0; i < 150; i++) await registerHousehold(app, `st-h${String(i).padStart(3, '0')}`);
  await openMarket(app, 'st-m1');
  expect((await call(app, 'POST', '/v1/markets/st-m1/orders', seller, { side: 'sell', energyWh: 2000 })).status).toBe(201);
  expect((await call(app, 'POST', '/v1/markets/st-m1/close', ADMIN)).status).toBe(200);
});
afterAll(async () => {
  await app.close();
  removeDir(dir);
});

it('when the NA writes statements through yesterday, then every account gets one, in batches of 100, and balances still count today\'s entries', async () => {
  const checkpoints: string[][] = [];
  const ledger = app.gateway.ledger;
  const original = ledger.submit.bind(ledger);
  ledger.submit = (identity, tx: TransactionCall) => {
    if (tx.transaction === 'Checkpoint') checkpoints.push(JSON.parse(tx.args[1] as string) as string[]);
    return original(identity, tx);
  };
  let r;
  try {
    r = await call(app, 'POST', '/v1/accounts/statements', ADMIN, { through: day(-1) });
  } finally {
    ledger.submit = original;
  }
  expect(r.status).toBe(200);
  expect(r.body.through).toBe(day(-1));
  expect(r.body.statements).toHaveLength(1 + 151);
  expect(r.body.statements[0]).toMatchObject({ accountId: 'grid', through: day(-1), balance: 0, entries: 0 });
  expect(checkpoints.map((b) => b.length)).toEqual([100, 52]);

  const account = await call(app, 'GET', '/v1/participants/st-seller/account', seller);
  expect(account.status).toBe(200);
  expect(account.body.statement).toEqual({ through: day(-1), balance: 0 });
  expect(account.body.balance).toBe(80000); // 2000 Wh exported at S = 40000 µ/kWh, settled today
  // Again: nothing new to cover, the same statements.
  const again = await call(app, 'POST', '/v1/accounts/statements', ADMIN, { through: day(-1) });
  expect(again.status).toBe(200);
  expect(again.body.statements[0]).toMatchObject({ accountId: 'grid', through: day(-1) });
});

it('when the day is today, not a calendar day, earlier than the last statement, or asked by a household, then a typed refusal', async () => {
  expectProblem(await call(app, 'POST', '/v1/accounts/statements', ADMIN, { through: day(0) }), 422, 'INVALID_ARGUMENT');
  expectProblem(await call(app, 'POST', '/v1/accounts/statements', ADMIN, { through: '2026-02-30' }), 400, 'VALIDATION_FAILED');
  expectProblem(await call(app, 'POST', '/v1/accounts/statements', ADMIN, { through: day(-1), extra: 1 }), 400, 'VALIDATION_FAILED');
  expectProblem(await call(app, 'POST', '/v1/accounts/statements', ADMIN, { through: day(-30) }), 409, 'PERIOD_CLOSED');
  expectProblem(await call(app, 'POST', '/v1/accounts/statements', seller, { through: day(-1) }), 403, 'FORBIDDEN');
});
