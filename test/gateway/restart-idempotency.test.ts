/**
 * Idempotent order placement and durability: the idempotency key lives on the
 * ledger, so a retry is answered with the same order even after a gateway restart
 * on the same DATA_DIR; orders, balances and household tokens survive it too.
 */
import type { FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createEmbeddedLedger } from '@ecch/gateway-api/ledger/embedded';
import { ADMIN, call, expectProblem, openGateway, openMarket, registerHousehold, removeDir, tempDataDir } from './support/gateway';

jest.setTimeout(60_000);

let dir: string;
let app: FastifyInstance;
let seller: string;
let buyer: string;

beforeAll(async () => {
  dir = tempDataDir();
  app = await openGateway(dir);
  seller = await registerHousehold(app, 'seller');
  buyer = await registerHousehold(app, 'buyer');
  await openMarket(app, 'm-idem');
});
afterAll(async () => {
  await app.close();
  removeDir(dir);
});

const URL = '/v1/markets/m-idem/orders';

describe('idempotent placement', () => {
  let first: { id: string };

  it('when the same Idempotency-Key is sent twice, then 201 then 200 with the same order', async () => {
    const a = await call(app, 'POST', URL, seller, { side: 'sell', energyWh: 2000 }, { 'idempotency-key': 'k-1' });
    const b = await call(app, 'POST', URL, seller, { side: 'sell', energyWh: 2000 }, { 'idempotency-key': 'k-1' });
    expect([a.status, b.status]).toEqual([201, 200]);
    expect(b.body).toEqual(a.body);
    expect(a.body.clientOrderId).toBe('k-1');
    first = a.body;
    const mine = await call(app, 'GET', URL, seller);
    expect(mine.body.items).toHaveLength(1);
  });

  it('when the key is sent as body clientOrderId instead, then it is the same key', async () => {
    const r = await call(app, 'POST', URL, seller, { side: 'sell', energyWh: 2000, clientOrderId: 'k-1' });
    expect(r.status).toBe(200);
    expect(r.body.id).toBe(first.id);
  });

  it('when header and body carry different keys, then 400 naming the header', async () => {
    const r = await call(app, 'POST', URL, seller, { side: 'sell', energyWh: 1, clientOrderId: 'k-2' }, { 'idempotency-key': 'k-3' });
    expectProblem(r, 400, 'VALIDATION_FAILED');
    expect(r.body.errors[0].path).toBe('/headers/idempotency-key');
  });

  it('when the gateway restarts on the same DATA_DIR, then the retry still answers 200 with the same order', async () => {
    await app.close();
    app = await openGateway(dir);
    const r = await call(app, 'POST', URL, seller, { side: 'sell', energyWh: 2000 }, { 'idempotency-key': 'k-1' });
    expect(r.status).toBe(200);
    expect(r.body.id).toBe(first.id);
  });
});

describe('restart', () => {
  it('when the gateway restarts, then orders, results, balances and household tokens survive', async () => {
    await call(app, 'POST', URL, buyer, { side: 'buy', energyWh: 1000 }, { 'idempotency-key': 'b-1' });
    const closed = await call(app, 'POST', '/v1/markets/m-idem/close', ADMIN);
    expect(closed.status).toBe(200);
    const before = {
      orders: (await call(app, 'GET', URL, ADMIN)).body,
      seller: (await call(app, 'GET', '/v1/participants/seller/account', seller)).body,
      buyer: (await call(app, 'GET', '/v1/participants/buyer/account', buyer)).body,
      grid: (await call(app, 'GET', '/v1/accounts/grid', ADMIN)).body,
    };
    // SDR = 2: the buyer gets 1000 Wh internally at S; the seller exports the other 1000 Wh.
    expect(before.buyer.balance).toBe(-40000);
    expect(before.seller.balance).toBe(80000);

    await app.close();
    app = await openGateway(dir);

    expect((await call(app, 'GET', URL, ADMIN)).body).toEqual(before.orders);
    expect((await call(app, 'GET', '/v1/participants/seller/account', seller)).body).toEqual(before.seller);
    expect((await call(app, 'GET', '/v1/participants/buyer/account', buyer)).body).toEqual(before.buyer);
    expect((await call(app, 'GET', '/v1/accounts/grid', ADMIN)).body).toEqual(before.grid);
    expect((await call(app, 'GET', '/v1/markets/m-idem/result', buyer)).body).toEqual(closed.body.result);
  });

  it('when the gateway restarts, then a household still acts under its own identity from the wallet', async () => {
    await openMarket(app, 'm-after');
    const r = await call(app, 'POST', '/v1/markets/m-after/orders', buyer, { side: 'buy', energyWh: 10 });
    expect(r.status).toBe(201);
    expect(r.body.participantId).toBe('buyer');
  });

  it('when a household was suspended before a restart, then it is still refused after it', async () => {
    const token = await registerHousehold(app, 'sleeper');
    await call(app, 'POST', '/v1/participants/sleeper/suspend', ADMIN);
    await app.close();
    app = await openGateway(dir);
    expectProblem(await call(app, 'GET', '/v1/participants/sleeper', token), 403, 'FORBIDDEN');
  });

  it('when the NA suspends a household through the ledger while the gateway is down, then the restarted gateway catches up from its event checkpoint', async () => {
    const token = await registerHousehold(app, 'elsewhere');
    expect((await call(app, 'GET', '/v1/participants/elsewhere', token)).status).toBe(200);
    const na = app.gateway.identities.na; // the wallet on disk is encrypted
    await app.close();

    // Another client of the same ledger (the CLI, another gateway) suspends the household.
    const ledger = await createEmbeddedLedger({ dataDir: dir, trustedCas: [readFileSync(path.join(dir, 'ca', 'ca-cert.pem'), 'utf8')] });
    await ledger.submit(na, { contract: 'participants', transaction: 'SetStatus', args: ['elsewhere', 'suspend'] });
    await ledger.close();

    app = await openGateway(dir);
    let status = 0;
    for (let i = 0; i < 50 && status !== 403; i += 1) {
      status = (await call(app, 'GET', '/v1/participants/elsewhere', token)).status;
      if (status !== 403) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(403);
  });

  it('when orders pass between two status changes, then the stopped gateway has saved the position of the last event it read', async () => {
    const token = await registerHousehold(app, 'saver');
    await openMarket(app, 'm-saver');
    const placed = await call(app, 'POST', '/v1/markets/m-saver/orders', token, { side: 'buy', energyWh: 10 });
    expect(placed.status).toBe(201);
    for (let i = 1; i <= 4; i += 1) {
      expect((await call(app, 'PATCH', `/v1/markets/m-saver/orders/${placed.body.id}`, token, { energyWh: 10 + i })).status).toBe(200);
    }
    await new Promise((r) => setTimeout(r, 300)); // the follower reads the last order's event
    await app.close();
    // Order events are not saved one by one (at most once a second); the last one is saved at stop.
    const saved = JSON.parse(readFileSync(path.join(dir, 'events', 'status-follower.checkpoint.json'), 'utf8')) as { blockNumber: string };
    const ledger = await createEmbeddedLedger({ dataDir: dir, trustedCas: [readFileSync(path.join(dir, 'ca', 'ca-cert.pem'), 'utf8')] });
    const height = ledger.blockHeight;
    await ledger.close();
    expect(saved.blockNumber).toBe(height.toString());
    app = await openGateway(dir);
  });
});
