/**
 * Signed reads for households that hold their own key, on the embedded ledger: the
 * custodial read routes refuse them (409 SELF_CUSTODY: the gateway has no key to sign
 * the query with), so the household signs the query itself. POST /v1/transactions
 * prepares it as any action; POST /v1/transactions/{id}/evaluation checks the
 * signature and the certificate, runs the chaincode and answers what it read, in the
 * custodial route's shape. Nothing is written (the ledger height says so), the
 * chaincode decides what the signer may read, and each step takes only its own kind.
 */
// First: silences fabric-contract-api's import-time logging (the chaincode package loads its contracts).
import '@ecch/gateway-api/ledger/embedded/shim-logging';
import 'reflect-metadata';
import { execFile } from 'node:child_process';
import { createHash, createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { signers } from '@hyperledger/fabric-gateway';
import { createCertificateAuthority, issueIdentity } from '@ecch/gateway-api/identity/issuer';
import type { EmbeddedLedger } from '@ecch/gateway-api/ledger/embedded';
import { KIND, VERSION, b64, encode, transactionIdOf } from '@ecch/gateway-api/ledger/embedded/offline-format';
import { TransactionInvalid } from '@ecch/gateway-api/ledger/port';
import { VerificationError, type Order, type Page, type Prepared } from '../../examples/household-client/src';
import { ADMIN, call, expectProblem, openMarket, removeDir, tempDataDir, type Reply } from './support/gateway';
import { listeningGateway, selfCustodyHousehold, type ListeningGateway, type SelfCustodyHousehold } from './support/self-custody';

jest.setTimeout(60_000);

let gw: ListeningGateway;
let h1: SelfCustodyHousehold;
let h2: SelfCustodyHousehold;
let market = 0;

const ledger = (): EmbeddedLedger => gw.app.gateway.ledger as EmbeddedLedger;
const height = (): bigint => ledger().blockHeight;
const signWith = (key: KeyObject, digestB64: string): Promise<string> =>
  signers.newPrivateKeySigner(key)(Buffer.from(digestB64, 'base64')).then((s) => Buffer.from(s).toString('base64'));
const otherKey = (): KeyObject => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
const bytes = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'base64'));

async function freshMarket(): Promise<string> {
  const id = `m-query-${++market}`;
  await openMarket(gw.app, id);
  return id;
}

async function prepareRaw(h: SelfCustodyHousehold, action: string, params: Record<string, unknown>): Promise<Reply> {
  return call(gw.app, 'POST', '/v1/transactions', h.token, { action, params, certificate: h.certificate });
}

/** Signs a prepared proposal with `key` and sends it to `step` of its transaction. */
async function send(h: SelfCustodyHousehold, prepared: Prepared, step: 'evaluation' | 'endorsement', key: KeyObject = h.privateKey): Promise<Reply> {
  return call(gw.app, 'POST', `/v1/transactions/${prepared.transactionId}/${step}`, h.token, {
    proposal: prepared.proposal,
    signature: await signWith(key, prepared.digest),
  });
}

beforeAll(async () => {
  gw = await listeningGateway(tempDataDir());
  h1 = await selfCustodyHousehold(gw, 'q1');
  h2 = await selfCustodyHousehold(gw, 'q2');
});
afterAll(async () => {
  await gw.app.close();
  removeDir(gw.dataDir);
});

describe('a self-custody household reads what is its own with queries it signs', () => {
  it('the custodial read routes refuse it, and say where a signed query goes', async () => {
    const r = await call(gw.app, 'GET', '/v1/participants/q1/account', h1.token);
    expectProblem(r, 409, 'SELF_CUSTODY');
    expect(r.body.detail).toContain('/evaluation');
  });

  it('reads its order: the custodial route\'s shape, what the NA reads; nothing is written', async () => {
    const m = await freshMarket();
    const placed = await h1.client.placeOrder(m, { side: 'sell', energyWh: 3000, clientOrderId: 'q1-read' });
    const before = height();
    const prepared = await h1.client.prepare('order.get', { marketId: m, orderId: placed.result.id });
    expect(prepared).toEqual(expect.objectContaining({ action: 'order.get', kind: 'query', format: 'embedded' }));
    const read = await h1.client.evaluate<Order>(prepared);
    expect(read.transactionId).toBe(prepared.transactionId);
    const asNa = await call(gw.app, 'GET', `/v1/markets/${m}/orders/${placed.result.id}`, ADMIN);
    expect(read.result).toEqual(asNa.body);
    expect(await h1.client.getOrder(m, placed.result.id)).toEqual(asNa.body);
    // The same signed query again: it took no transaction id, and wrote nothing.
    const again = await send(h1, prepared, 'evaluation');
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ transactionId: prepared.transactionId, action: 'order.get', result: asNa.body });
    expect(height()).toBe(before);
  });

  it('lists its orders of a market page by page, and of every market; the bookmark is bound to the list', async () => {
    const m = await freshMarket();
    const ids: string[] = [];
    for (const energyWh of [100, 200, 300]) {
      const placed = await h1.client.placeOrder(m, { side: 'buy', energyWh });
      ids.push(placed.result.id);
      if (ids.length < 3) await h1.client.cancelOrder(m, placed.result.id);
    }
    const other = await freshMarket();
    const before = height();
    const first = await h1.client.listOrders(m, { pageSize: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.bookmark).toMatch(/^[A-Za-z0-9_-]+$/);
    const second = await h1.client.listOrders(m, { pageSize: 2, bookmark: first.bookmark });
    expect(second.items).toHaveLength(1);
    expect(second.bookmark).toBe('');
    const all = (await call(gw.app, 'GET', `/v1/markets/${m}/orders`, ADMIN)).body.items;
    expect([...first.items, ...second.items]).toEqual(all);
    expect([...first.items, ...second.items].map((o: Order) => o.id).sort()).toEqual([...ids].sort());

    // Every market's: these three among the household's others, and only its own.
    const everywhere: Page<Order> = await h1.client.listOrders(undefined, { pageSize: 1000 });
    expect(everywhere.items.map((o) => o.id)).toEqual(expect.arrayContaining(ids));
    expect(new Set(everywhere.items.map((o) => o.participantId))).toEqual(new Set(['q1']));
    expect(await h2.client.listOrders(m)).toEqual({ items: [], bookmark: '' });

    // A bookmark of this list is refused for another list, naming the parameter it came in.
    const wrong = await prepareRaw(h1, 'orders.list', { marketId: other, bookmark: first.bookmark });
    expectProblem(wrong, 400, 'VALIDATION_FAILED');
    expect(wrong.body.errors).toEqual([{ path: '/body/params/bookmark', message: 'belongs to another list' }]);
    expect(height()).toBe(before);
  });

  it('reads its account page by page, as the custodial route shows it (a bookmark of one serves the other)', async () => {
    for (let i = 0; i < 2; i++) {
      const m = await freshMarket();
      await h1.client.placeOrder(m, { side: 'sell', energyWh: 2000 });
      const closed = await call(gw.app, 'POST', `/v1/markets/${m}/close`, ADMIN);
      expect(closed.status).toBe(200);
    }
    const before = height();
    const whole = await call(gw.app, 'GET', '/v1/participants/q1/account', ADMIN);
    expect(whole.body.entries).toHaveLength(2);

    const first = await h1.client.getAccount({ pageSize: 1 });
    expect(first).toEqual(expect.objectContaining({ participantId: 'q1', balance: whole.body.balance, statement: null, entries: [whole.body.entries[0]] }));
    expect(first.bookmark).not.toBe('');
    const second = await h1.client.getAccount({ pageSize: 1, bookmark: first.bookmark });
    expect(second.entries).toEqual([whole.body.entries[1]]);
    // The NA's route takes the same bookmark: the same list.
    const asNa = await call(gw.app, 'GET', `/v1/participants/q1/account?pageSize=1&bookmark=${first.bookmark}`, ADMIN);
    expect(asNa.body.entries).toEqual(second.entries);
    expect(await h1.client.getAccount()).toEqual({ ...whole.body });
    expect(height()).toBe(before);
  });

  it('reads its own participant record, without the bound identity (as the custodial route shows a household)', async () => {
    const me = await h1.client.whoami();
    const asNa = (await call(gw.app, 'GET', '/v1/participants/q1', ADMIN)).body;
    const { identity, ...withoutIdentity } = asNa;
    expect(identity).toEqual(expect.stringContaining('CN=q1'));
    expect(me).toEqual(withoutIdentity);
  });

  it('the account and the record are the bearer token\'s: a participant id is no parameter', async () => {
    const r = await prepareRaw(h2, 'account.get', { participantId: 'q1' });
    expectProblem(r, 400, 'VALIDATION_FAILED');
    expect(r.body.errors).toEqual([{ path: '/body/params/participantId', message: 'is not a known field' }]);
    const p = await prepareRaw(h2, 'participant.get', { id: 'q1' });
    expectProblem(p, 400, 'VALIDATION_FAILED');
    expect((await h2.client.getAccount()).participantId).toBe('q2');
  });

  it('the household checks the query before it signs it: a proposal for another account is not signed', async () => {
    await expect(h1.client.prepare('account.get', {}, { contract: 'accounts', transaction: 'Get', args: ['q2', '', ''] })).rejects.toThrow(VerificationError);
    await expect(h1.client.prepare('order.get', { marketId: 'm1', orderId: 'o1' }, { contract: 'orders', transaction: 'Get', args: ['m1', 'o2'] })).rejects.toThrow(VerificationError);
  });

  it('from a shell: `ecch-household query` prints what it read', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ecch-household-cli-'));
    const certFile = path.join(dir, 'q1.pem');
    writeFileSync(certFile, h1.certificate);
    const root = path.join(__dirname, '../..');
    const { stdout } = await promisify(execFile)(path.join(root, 'node_modules/.bin/tsx'), ['examples/household-client/src/cli.ts', 'query', 'participant.get', h1.keyFile, certFile], {
      cwd: root,
      env: { ...process.env, ECCH_GATEWAY: gw.url, ECCH_TOKEN: h1.token },
    });
    expect(JSON.parse(stdout)).toEqual({ transactionId: expect.stringMatching(/^[0-9a-f]{64}$/), result: expect.objectContaining({ id: 'q1', status: 'approved' }) });
    removeDir(dir);
  });
});

describe('what a signed query is refused', () => {
  let order: { marketId: string; id: string };
  beforeAll(async () => {
    const m = await freshMarket();
    order = (await h1.client.placeOrder(m, { side: 'sell', energyWh: 1500 })).result;
  });

  it('signed by another key, or by another household\'s: 422 SIGNATURE_INVALID', async () => {
    const prepared = (await prepareRaw(h1, 'order.get', { marketId: order.marketId, orderId: order.id })).body as Prepared;
    expectProblem(await send(h1, prepared, 'evaluation', otherKey()), 422, 'SIGNATURE_INVALID');
    expectProblem(await send(h2, prepared, 'evaluation', h2.privateKey), 422, 'SIGNATURE_INVALID');
  });

  it('another household\'s order is the chaincode\'s 403 FORBIDDEN; an unknown one its 404 NOT_FOUND', async () => {
    await expect(h2.client.getOrder(order.marketId, order.id)).rejects.toEqual(expect.objectContaining({ status: 403, code: 'FORBIDDEN' }));
    await expect(h1.client.getOrder(order.marketId, 'no-such-order')).rejects.toEqual(expect.objectContaining({ status: 404, code: 'NOT_FOUND' }));
    await expect(h1.client.listOrders('no-such-market')).rejects.toEqual(expect.objectContaining({ status: 404, code: 'NOT_FOUND' }));
  });

  it('a transaction sent to /evaluation is 422 ACTION_NOT_A_QUERY, and nothing is written', async () => {
    const m = await freshMarket();
    const prepared = await h1.client.prepare('order.place', { marketId: m, side: 'buy', energyWh: 100 });
    expect(prepared.kind).toBe('transaction');
    const before = height();
    const r = await send(h1, prepared, 'evaluation');
    expectProblem(r, 422, 'ACTION_NOT_A_QUERY');
    expect(r.body.detail).toContain('/endorsement');
    expect(height()).toBe(before);
    expect((await call(gw.app, 'GET', `/v1/markets/${m}/orders`, ADMIN)).body.items).toEqual([]);
  });

  it('a query sent to /endorsement, or its transaction to /submission, is 422 ACTION_IS_A_QUERY', async () => {
    const prepared = await h1.client.prepare('order.get', { marketId: order.marketId, orderId: order.id });
    const r = await send(h1, prepared, 'endorsement');
    expectProblem(r, 422, 'ACTION_IS_A_QUERY');
    expect(r.body.detail).toContain('/evaluation');
    // An endorsed transaction of the query, made by hand in the embedded format: refused before the ledger sees it.
    const signature = await signWith(h1.privateKey, prepared.digest);
    const endorsed = await ledger().offline.endorse(bytes(prepared.proposal), bytes(signature));
    const sub = await call(gw.app, 'POST', `/v1/transactions/${prepared.transactionId}/submission`, h1.token, {
      transaction: b64(endorsed.transaction),
      signature: await signWith(h1.privateKey, b64(endorsed.digest)),
    });
    expectProblem(sub, 422, 'ACTION_IS_A_QUERY');
  });

  it('a transaction id in the path that is not the proposal\'s is 422 TRANSACTION_ID_MISMATCH; bytes that are no proposal a 400', async () => {
    const prepared = await h1.client.prepare('participant.get', {});
    const mismatch = await call(gw.app, 'POST', `/v1/transactions/${'b'.repeat(64)}/evaluation`, h1.token, {
      proposal: prepared.proposal,
      signature: await signWith(h1.privateKey, prepared.digest),
    });
    expectProblem(mismatch, 422, 'TRANSACTION_ID_MISMATCH');
    const junk = await call(gw.app, 'POST', `/v1/transactions/${prepared.transactionId}/evaluation`, h1.token, { proposal: 'aGVsbG8gd29ybGQ=', signature: 'AAAA' });
    expectProblem(junk, 400, 'VALIDATION_FAILED');
    expect(junk.body.errors).toEqual([expect.objectContaining({ path: '/body/proposal' })]);
  });

  it('a certificate from a CA the ledger does not trust is 403 CERTIFICATE_NOT_TRUSTED', async () => {
    const rogue = await issueIdentity(await createCertificateAuthority('rogue-ca', 'Rogue'), { commonName: 'q1' });
    const nonce = Buffer.alloc(24, 9);
    const creator = { certificate: rogue.certificate, mspId: 'CommunityMSP' };
    const proposal = encode({
      args: ['q1'],
      chaincode: 'ecch-market',
      channel: 'ecch',
      contract: 'participants',
      creator,
      kind: KIND.proposal,
      nonce: b64(nonce),
      timestamp: new Date().toISOString(),
      transaction: 'Get',
      transactionId: transactionIdOf(nonce, creator),
      version: VERSION,
    });
    const r = await call(gw.app, 'POST', `/v1/transactions/${transactionIdOf(nonce, creator)}/evaluation`, h1.token, {
      proposal: b64(proposal),
      signature: await signWith(createPrivateKey(rogue.privateKey), createHash('sha256').update(proposal).digest('base64')),
    });
    expectProblem(r, 403, 'CERTIFICATE_NOT_TRUSTED');
  });

  it('the NA\'s token is refused (403); the route is in the OpenAPI document', async () => {
    const prepared = await h1.client.prepare('participant.get', {});
    expectProblem(
      await call(gw.app, 'POST', `/v1/transactions/${prepared.transactionId}/evaluation`, ADMIN, { proposal: prepared.proposal, signature: await signWith(h1.privateKey, prepared.digest) }),
      403,
      'FORBIDDEN',
    );
    const doc = (await call(gw.app, 'GET', '/openapi.json')).body;
    expect(doc.paths['/v1/transactions/{transactionId}/evaluation'].post).toBeDefined();
    const body = JSON.stringify(doc.paths['/v1/transactions'].post.requestBody.content['application/json'].schema);
    for (const action of ['order.get', 'orders.list', 'account.get', 'participant.get']) expect(body).toContain(action);
  });
});

describe('the port: Ledger.offline.evaluate on the embedded ledger', () => {
  it('writes nothing and takes no transaction id; a committed transaction\'s proposal is DUPLICATE_TXID', async () => {
    const prepared = await h1.client.prepare('participant.get', {});
    const signature = bytes(await signWith(h1.privateKey, prepared.digest));
    const before = height();
    const evaluated = await ledger().offline.evaluate(bytes(prepared.proposal), signature);
    expect(evaluated.transactionId).toBe(prepared.transactionId);
    expect(JSON.parse(evaluated.result)).toEqual(expect.objectContaining({ id: 'q1' }));
    expect(height()).toBe(before);
    // Not taken: the same proposal is still a fresh one.
    await expect(ledger().offline.evaluate(bytes(prepared.proposal), signature)).resolves.toEqual(evaluated);

    const m = await freshMarket();
    const place = await h1.client.prepare('order.place', { marketId: m, side: 'buy', energyWh: 100 });
    const placeSignature = bytes(await signWith(h1.privateKey, place.digest));
    const endorsed = await h1.client.endorse(place);
    await h1.client.commit(place, endorsed, await h1.client.submit(place, endorsed));
    await expect(ledger().offline.evaluate(bytes(place.proposal), placeSignature)).rejects.toEqual(expect.any(TransactionInvalid));
  });
});
