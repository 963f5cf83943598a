/**
 * Households that sign their own transactions, on the real Fabric network: the
 * household client (examples/household-client) enrols its own key at the Community
 * Fabric CA through the gateway, binds it with a participant.enrol it signs, and
 * places, amends and cancels an order, every proposal, transaction and commit-status
 * request signed by its key (fabric-gateway's offline flow in the gateway's Fabric
 * adapter). The peers and the orderers check the signatures: one by another key is
 * refused, and nothing is written. It reads its own order, orders, account and record
 * with queries it signs (the signed proposal evaluated on a peer, nothing ordered).
 */
import '@ecch/gateway-api/ledger/embedded/shim-logging';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { signers } from '@hyperledger/fabric-gateway';
import { createCertificateAuthority, issueIdentity } from '@ecch/gateway-api/identity/issuer';
import { createKey, enrol, HouseholdClient, type Order } from '../../examples/household-client/src';
import { acquireNetworkLock } from './support/network';
import { ADMIN, deliveryHour, openMarket, removeDir, runTag, startTestGateway, tempDataDir, type Reply, type TestGateway } from './support/gateway';

jest.setTimeout(180_000);

const tag = runTag('os');
let release: (() => Promise<void>) | undefined;
let gw: TestGateway;
let dataDir: string;
let household: HouseholdClient;
let token: string;
let market = 0;

const signWith = async (key: KeyObject, digestB64: string): Promise<string> =>
  Buffer.from(await signers.newPrivateKeySigner(key)(Buffer.from(digestB64, 'base64'))).toString('base64');
const otherKey = (): KeyObject => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;

async function freshMarket(): Promise<string> {
  const id = `${tag}-m${++market}`;
  await openMarket(gw, id, deliveryHour());
  return id;
}

async function ordersOf(marketId: string): Promise<unknown[]> {
  const r = await gw.call('GET', `/v1/markets/${marketId}/orders`, ADMIN);
  expect(r.status).toBe(200);
  return r.body.items;
}

function expectProblem(r: Reply, status: number, code: string): void {
  expect({ status: r.status, code: r.body?.code }).toEqual({ status, code });
  expect(r.headers.get('content-type')).toContain('application/problem+json');
}

beforeAll(async () => {
  release = await acquireNetworkLock('offline-signing.test.ts');
  dataDir = tempDataDir('offline-signing');
  gw = await startTestGateway('fabric', dataDir);
  const id = `${tag}-h1`;
  const registered = await gw.call('POST', '/v1/participants', ADMIN, { id, name: 'Self-custody 1', kind: 'prosumer', custody: 'self' });
  if (registered.status !== 201) throw new Error(`register ${id}: ${registered.status} ${JSON.stringify(registered.body)}`);
  const privateKey = await createKey(path.join(mkdtempSync(path.join(tmpdir(), 'ecch-household-')), `${id}.key`));
  const enrolled = await enrol({ gatewayUrl: gw.url, participantId: id, secret: registered.body.enrolment.secret, privateKey });
  token = enrolled.token;
  household = new HouseholdClient({ gatewayUrl: gw.url, token, privateKey, certificate: enrolled.certificate });
  await household.bindKey(id);
});
afterAll(async () => {
  await gw?.close();
  removeDir(dataDir);
  await release?.();
});

describe('a self-custody household on Fabric', () => {
  it('places, amends and cancels an order it signs itself, in the custodial routes\' shapes', async () => {
    const m = await freshMarket();
    const placed = await household.placeOrder(m, { side: 'sell', energyWh: 3000 });
    expect(placed.result).toEqual(expect.objectContaining({ marketId: m, participantId: `${tag}-h1`, side: 'sell', energyWh: 3000, status: 'open', revision: 1 }));
    expect(placed.blockNumber).toBeGreaterThan(0);
    const amended = await household.amendOrder(m, placed.result.id, { energyWh: 2500, expectedRevision: 1 });
    expect(amended.result).toEqual(expect.objectContaining({ id: placed.result.id, energyWh: 2500, revision: 2 }));
    const cancelled = await household.cancelOrder(m, placed.result.id);
    expect(cancelled.result).toEqual(expect.objectContaining({ id: placed.result.id, status: 'cancelled', cancelledBy: 'owner' }));
    const read = await gw.call('GET', `/v1/markets/${m}/orders/${placed.result.id}`, ADMIN);
    expect(read.body).toEqual(cancelled.result);
  });

  it('a proposal signed by another key is refused by the peer, and nothing is written', async () => {
    const m = await freshMarket();
    const prepared = await household.prepare('order.place', { marketId: m, side: 'buy', energyWh: 100 });
    expect(prepared.format).toBe('fabric');
    const r = await gw.call('POST', `/v1/transactions/${prepared.transactionId}/endorsement`, token, {
      proposal: prepared.proposal,
      signature: await signWith(otherKey(), prepared.digest),
    });
    expectProblem(r, 422, 'SIGNATURE_INVALID');
    expect(await ordersOf(m)).toEqual([]);
  });

  it('a transaction signed by another key is refused by the orderer, and nothing is written', async () => {
    const m = await freshMarket();
    const prepared = await household.prepare('order.place', { marketId: m, side: 'buy', energyWh: 100 });
    const endorsed = await household.endorse(prepared);
    const r = await gw.call('POST', `/v1/transactions/${prepared.transactionId}/submission`, token, {
      transaction: endorsed.transaction,
      signature: await signWith(otherKey(), endorsed.digest),
    });
    expectProblem(r, 422, 'SIGNATURE_INVALID');
    expect(await ordersOf(m)).toEqual([]);
  });

  it('a certificate from a CA the network does not trust is refused by the peer', async () => {
    const m = await freshMarket();
    const rogue = await issueIdentity(await createCertificateAuthority('rogue-ca', 'Rogue'), { commonName: `${tag}-h1` });
    const prepared = await gw.call('POST', '/v1/transactions', token, {
      action: 'order.place',
      params: { marketId: m, side: 'buy', energyWh: 100 },
      certificate: rogue.certificate,
    });
    expect(prepared.status).toBe(201);
    const { createPrivateKey } = await import('node:crypto');
    const r = await gw.call('POST', `/v1/transactions/${prepared.body.transactionId}/endorsement`, token, {
      proposal: prepared.body.proposal,
      signature: await signWith(createPrivateKey(rogue.privateKey), prepared.body.digest),
    });
    expectProblem(r, 403, 'CERTIFICATE_NOT_TRUSTED');
    expect(await ordersOf(m)).toEqual([]);
  });

  it('submitting the same signed transaction twice acts once; its proposal cannot be endorsed again', async () => {
    const m = await freshMarket();
    const prepared = await household.prepare('order.place', { marketId: m, side: 'buy', energyWh: 200 });
    const endorsed = await household.endorse(prepared);
    const first = await household.submit(prepared, endorsed);
    await household.submit(prepared, endorsed);
    const done = await household.commit(prepared, endorsed, first);
    expect(done.result).toEqual(expect.objectContaining({ marketId: m, energyWh: 200 }));
    expect(await ordersOf(m)).toHaveLength(1);
    await expect(household.endorse(prepared)).rejects.toEqual(expect.objectContaining({ status: 409, code: 'DUPLICATE_TRANSACTION' }));
  });

  it('reads its order, its orders, its account and its record with queries it signs, as the custodial routes show them', async () => {
    const m = await freshMarket();
    const placed = await household.placeOrder(m, { side: 'sell', energyWh: 1800 });
    const prepared = await household.prepare('order.get', { marketId: m, orderId: placed.result.id });
    expect(prepared).toEqual(expect.objectContaining({ kind: 'query', format: 'fabric' }));
    const read = await household.evaluate<Order>(prepared);
    const asNa = await gw.call('GET', `/v1/markets/${m}/orders/${placed.result.id}`, ADMIN);
    expect(read).toEqual({ transactionId: prepared.transactionId, result: asNa.body });
    expect(await household.listOrders(m)).toEqual({ items: [asNa.body], bookmark: '' });

    const account = await household.getAccount();
    const accountAsNa = await gw.call('GET', `/v1/participants/${tag}-h1/account`, ADMIN);
    expect(account).toEqual(accountAsNa.body);
    expect(account.participantId).toBe(`${tag}-h1`);
    expect(await household.whoami()).toEqual(expect.objectContaining({ id: `${tag}-h1`, status: 'approved' }));
    // The custodial route still refuses it, and says where the signed query goes.
    const custodial = await gw.call('GET', `/v1/participants/${tag}-h1/account`, token);
    expectProblem(custodial, 409, 'SELF_CUSTODY');
    expect(custodial.body.detail).toContain('/evaluation');
  });

  it('a query signed by another key is refused by the peer; a transaction is not evaluated', async () => {
    const m = await freshMarket();
    const placed = await household.placeOrder(m, { side: 'buy', energyWh: 300 });
    const prepared = await household.prepare('order.get', { marketId: m, orderId: placed.result.id });
    const r = await gw.call('POST', `/v1/transactions/${prepared.transactionId}/evaluation`, token, {
      proposal: prepared.proposal,
      signature: await signWith(otherKey(), prepared.digest),
    });
    expectProblem(r, 422, 'SIGNATURE_INVALID');
    const cancel = await household.prepare('order.cancel', { marketId: m, orderId: placed.result.id });
    expectProblem(await gw.call('POST', `/v1/transactions/${cancel.transactionId}/evaluation`, token, { proposal: cancel.proposal, signature: 'AAAA' }), 422, 'ACTION_NOT_A_QUERY');
    expect(await ordersOf(m)).toEqual([expect.objectContaining({ id: placed.result.id, status: 'open' })]);
  });

  it('an endorsement that went stale before it committed is a read conflict', async () => {
    const m = await freshMarket();
    const placed = await household.placeOrder(m, { side: 'sell', energyWh: 4000 });
    const a = await household.prepare('order.amend', { marketId: m, orderId: placed.result.id, energyWh: 3000 });
    const b = await household.prepare('order.amend', { marketId: m, orderId: placed.result.id, energyWh: 2000 });
    const endorsedA = await household.endorse(a);
    const endorsedB = await household.endorse(b);
    await household.commit(a, endorsedA, await household.submit(a, endorsedA));
    const submittedB = await household.submit(b, endorsedB);
    await expect(household.commit(b, endorsedB, submittedB)).rejects.toEqual(expect.objectContaining({ status: 409, code: 'READ_CONFLICT' }));
    expect(await ordersOf(m)).toEqual([expect.objectContaining({ energyWh: 3000, revision: 2 })]);
  });
});
