/**
 * Households that sign their own transactions, on the embedded ledger: the household
 * client (examples/household-client) keeps its key, the gateway prepares the bytes and
 * relays the signatures, and the ledger checks every signature and the signer's
 * certificate before anything runs. Nothing refused is written (the ledger height and
 * the order list say so).
 */
// First: silences fabric-contract-api's import-time logging (the chaincode package loads its contracts).
import '@ecch/gateway-api/ledger/embedded/shim-logging';
import 'reflect-metadata';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { statSync } from 'node:fs';
import { connect, EndorseError, GatewayError, signers, type GrpcClient } from '@hyperledger/fabric-gateway';
import { createCertificateAuthority, issueIdentity } from '@ecch/gateway-api/identity/issuer';
import type { EmbeddedLedger } from '@ecch/gateway-api/ledger/embedded';
import { KIND, VERSION, b64, encode, transactionIdOf } from '@ecch/gateway-api/ledger/embedded/offline-format';
import { parseDerSignature } from '@ecch/gateway-api/ledger/embedded/signature';
import { offlineError } from '@ecch/gateway-api/ledger/fabric/offline-signing';
import { readCommit, readProposal } from '@ecch/gateway-api/ledger/fabric/protobuf';
import { LedgerRefusal, SigningRefusal, TransactionInvalid } from '@ecch/gateway-api/ledger/port';
import { HouseholdClient, VerificationError, type Prepared } from '../../examples/household-client/src';
import { ADMIN, call, expectProblem, openMarket, removeDir, tempDataDir, type Reply } from './support/gateway';
import { listeningGateway, selfCustodyHousehold, type ListeningGateway, type SelfCustodyHousehold } from './support/self-custody';

jest.setTimeout(60_000);

let gw: ListeningGateway;
let h1: SelfCustodyHousehold;
let h2: SelfCustodyHousehold;
let market = 0;

const height = (): bigint => (gw.app.gateway.ledger as EmbeddedLedger).blockHeight;
const signWith = (key: KeyObject, digestB64: string): Promise<string> =>
  signers.newPrivateKeySigner(key)(Buffer.from(digestB64, 'base64')).then((s) => Buffer.from(s).toString('base64'));
const otherKey = (): KeyObject => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;

async function freshMarket(): Promise<string> {
  const id = `m-offline-${++market}`;
  await openMarket(gw.app, id);
  return id;
}

async function ordersOf(marketId: string): Promise<unknown[]> {
  const r = await call(gw.app, 'GET', `/v1/markets/${marketId}/orders`, ADMIN);
  expect(r.status).toBe(200);
  return r.body.items;
}

/** The REST calls of one flow, by hand, so a test can send something else at any step. */
async function prepareRaw(h: SelfCustodyHousehold, action: string, params: Record<string, unknown>, certificate = h.certificate): Promise<Reply> {
  return call(gw.app, 'POST', '/v1/transactions', h.token, { action, params, certificate });
}

beforeAll(async () => {
  gw = await listeningGateway(tempDataDir());
  h1 = await selfCustodyHousehold(gw, 'h1');
  h2 = await selfCustodyHousehold(gw, 'h2');
});
afterAll(async () => {
  await gw.app.close();
  removeDir(gw.dataDir);
});

describe('the household client', () => {
  it('keeps its key in a file only its owner may read', () => {
    expect(statSync(h1.keyFile).mode & 0o777).toBe(0o600);
  });

  it('enrolled and bound its own key with a participant.enrol it signed: the ledger binds its certificate, the gateway holds no key of it', async () => {
    const p = await call(gw.app, 'GET', '/v1/participants/h1', ADMIN);
    expect(p.body).toEqual(expect.objectContaining({ id: 'h1', status: 'approved', identity: expect.stringContaining('CN=h1') }));
    expect(p.body.awaitingEnrolment).toBeUndefined();
    expect(await gw.app.gateway.identities.ofParticipant('h1')).toBeUndefined();
    // Binding again is the chaincode's refusal, at endorsement.
    await expect(h1.client.bindKey('h1')).rejects.toEqual(expect.objectContaining({ status: 409, code: 'INVALID_STATE' }));
  });

  it('cannot bind its key to another household', async () => {
    const r = await call(gw.app, 'POST', '/v1/participants', ADMIN, { id: 'h3', name: 'Household h3', kind: 'consumer', custody: 'self' });
    expect(r.status).toBe(201);
    await expect(h1.client.bindKey('h3')).rejects.toEqual(expect.objectContaining({ status: 403, code: 'FORBIDDEN' }));
  });

  it('places, amends and cancels an order it signs itself; each answer is the custodial route\'s shape', async () => {
    const m = await freshMarket();
    const before = height();
    const placed = await h1.client.placeOrder(m, { side: 'sell', energyWh: 3000, clientOrderId: 'h1-first' });
    expect(placed.result).toEqual(expect.objectContaining({ marketId: m, participantId: 'h1', side: 'sell', energyWh: 3000, status: 'open', revision: 1, clientOrderId: 'h1-first' }));
    expect(placed.blockNumber).toBe(Number(before) + 1);

    const amended = await h1.client.amendOrder(m, placed.result.id, { energyWh: 2500, limitPrice: 50000, expectedRevision: 1 });
    expect(amended.result).toEqual(expect.objectContaining({ id: placed.result.id, energyWh: 2500, limitPrice: 50000, revision: 2 }));

    const cancelled = await h1.client.cancelOrder(m, placed.result.id);
    expect(cancelled.result).toEqual(expect.objectContaining({ id: placed.result.id, status: 'cancelled', cancelledBy: 'owner' }));
    expect(height()).toBe(before + 3n);

    // The custodial read of the same order says the same.
    const read = await call(gw.app, 'GET', `/v1/markets/${m}/orders/${placed.result.id}`, ADMIN);
    expect(read.body).toEqual(cancelled.result);
  });

  it('shows what the transaction will do before it signs it for submission, and submits nothing it does not confirm', async () => {
    const m = await freshMarket();
    const before = height();
    let preview: unknown;
    await expect(
      h1.client.run('order.place', { marketId: m, side: 'buy', energyWh: 1000 }, (p) => {
        preview = p;
        return false;
      }),
    ).rejects.toThrow(/not confirmed/);
    expect(preview).toEqual(expect.objectContaining({ side: 'buy', energyWh: 1000, status: 'open' }));
    expect(height()).toBe(before);
    expect(await ordersOf(m)).toEqual([]);
  });

  it('refuses to sign a proposal that is not the call it asked for', async () => {
    const m = await freshMarket();
    const prepared = await h1.client.prepare('order.place', { marketId: m, side: 'sell', energyWh: 10 });
    expect(prepared.format).toBe('embedded');
    // As if the gateway had built another call than the one asked for.
    await expect(
      h1.client.prepare('order.place', { marketId: m, side: 'sell', energyWh: 10 }, { contract: 'orders', transaction: 'Place', args: [m, '{"side":"sell","energyWh":11}'] }),
    ).rejects.toThrow(VerificationError);
  });
});

describe('signatures and certificates, checked before anything runs', () => {
  it('a proposal signed by another key is refused, and nothing is written', async () => {
    const m = await freshMarket();
    const prepared = (await prepareRaw(h1, 'order.place', { marketId: m, side: 'sell', energyWh: 500 })).body as Prepared;
    const before = height();
    const r = await call(gw.app, 'POST', `/v1/transactions/${prepared.transactionId}/endorsement`, h1.token, {
      proposal: prepared.proposal,
      signature: await signWith(otherKey(), prepared.digest),
    });
    expectProblem(r, 422, 'SIGNATURE_INVALID');
    expect(height()).toBe(before);
    expect(await ordersOf(m)).toEqual([]);
  });

  it('a proposal signed by another household\'s key is refused too', async () => {
    const m = await freshMarket();
    const prepared = (await prepareRaw(h1, 'order.place', { marketId: m, side: 'sell', energyWh: 500 })).body as Prepared;
    const r = await call(gw.app, 'POST', `/v1/transactions/${prepared.transactionId}/endorsement`, h2.token, {
      proposal: prepared.proposal,
      signature: await signWith(h2.privateKey, prepared.digest),
    });
    expectProblem(r, 422, 'SIGNATURE_INVALID');
  });

  it('a high-S signature (valid ECDSA, but malleable) is refused, as Fabric refuses it', async () => {
    const m = await freshMarket();
    const prepared = (await prepareRaw(h1, 'order.place', { marketId: m, side: 'sell', energyWh: 500 })).body as Prepared;
    const sig = Buffer.from(await signWith(h1.privateKey, prepared.digest), 'base64');
    const { r, s } = parseDerSignature(sig)!;
    const n = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
    const int = (v: bigint) => {
      let hex = v.toString(16);
      if (hex.length % 2) hex = `0${hex}`;
      const b = Buffer.from(hex, 'hex');
      return b[0] & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b;
    };
    const [rb, sb] = [int(r), int(n - s)];
    const high = Buffer.concat([Buffer.from([0x30, rb.length + sb.length + 4, 0x02, rb.length]), rb, Buffer.from([0x02, sb.length]), sb]);
    const res = await call(gw.app, 'POST', `/v1/transactions/${prepared.transactionId}/endorsement`, h1.token, { proposal: prepared.proposal, signature: high.toString('base64') });
    expectProblem(res, 422, 'SIGNATURE_INVALID');
  });

  it('a transaction signed by another key is refused at submission, and nothing is written', async () => {
    const m = await freshMarket();
    const prepared = await h1.client.prepare('order.place', { marketId: m, side: 'sell', energyWh: 700 });
    const endorsed = await h1.client.endorse(prepared);
    const before = height();
    const r = await call(gw.app, 'POST', `/v1/transactions/${prepared.transactionId}/submission`, h1.token, {
      transaction: endorsed.transaction,
      signature: await signWith(otherKey(), endorsed.digest),
    });
    expectProblem(r, 422, 'SIGNATURE_INVALID');
    expect(height()).toBe(before);
    expect(await ordersOf(m)).toEqual([]);
  });

  it('a commit-status request signed by another key is refused', async () => {
    const m = await freshMarket();
    const prepared = await h1.client.prepare('order.place', { marketId: m, side: 'sell', energyWh: 700 });
    const endorsed = await h1.client.endorse(prepared);
    const submitted = await h1.client.submit(prepared, endorsed);
    const r = await call(gw.app, 'POST', `/v1/transactions/${prepared.transactionId}/commit`, h1.token, {
      commit: submitted.commit,
      signature: await signWith(otherKey(), submitted.digest),
      transaction: endorsed.transaction,
    });
    expectProblem(r, 422, 'SIGNATURE_INVALID');
  });

  it('a certificate from a CA the ledger does not trust is refused at preparation and at endorsement', async () => {
    const m = await freshMarket();
    const rogueCa = await createCertificateAuthority('rogue-ca', 'Rogue');
    const rogue = await issueIdentity(rogueCa, { commonName: 'h1' });
    expectProblem(await prepareRaw(h1, 'order.place', { marketId: m, side: 'buy', energyWh: 100 }, rogue.certificate), 403, 'CERTIFICATE_NOT_TRUSTED');

    // A proposal made out to the rogue certificate by hand, in the embedded format, and signed by its key.
    const nonce = Buffer.alloc(24, 7);
    const creator = { certificate: rogue.certificate, mspId: 'CommunityMSP' };
    const proposal = encode({
      args: [m, JSON.stringify({ side: 'buy', energyWh: 100 })],
      chaincode: 'ecch-market',
      channel: 'ecch',
      contract: 'orders',
      creator,
      kind: KIND.proposal,
      nonce: b64(nonce),
      timestamp: new Date().toISOString(),
      transaction: 'Place',
      transactionId: transactionIdOf(nonce, creator),
      version: VERSION,
    });
    const { createHash, createPrivateKey } = await import('node:crypto');
    const digest = createHash('sha256').update(proposal).digest('base64');
    const before = height();
    const r = await call(gw.app, 'POST', `/v1/transactions/${transactionIdOf(nonce, creator)}/endorsement`, h1.token, {
      proposal: b64(proposal),
      signature: await signWith(createPrivateKey(rogue.privateKey), digest),
    });
    expectProblem(r, 403, 'CERTIFICATE_NOT_TRUSTED');
    expect(height()).toBe(before);
  });

  it('a certificate that is not one is a 400 naming the field', async () => {
    const r = await prepareRaw(h1, 'order.place', { marketId: 'm1', side: 'buy', energyWh: 100 }, '-----BEGIN CERTIFICATE-----\nnot really\n-----END CERTIFICATE-----\n');
    expectProblem(r, 400, 'VALIDATION_FAILED');
    expect(r.body.errors).toEqual([{ path: '/body/certificate', message: expect.any(String) }]);
  });
});

describe('what commits, and only once', () => {
  it('submitting the same signed transaction again answers the same commit and does not act twice', async () => {
    const m = await freshMarket();
    const prepared = await h1.client.prepare('order.place', { marketId: m, side: 'sell', energyWh: 900 });
    const endorsed = await h1.client.endorse(prepared);
    const before = height();
    const first = await h1.client.submit(prepared, endorsed);
    const again = await h1.client.submit(prepared, endorsed);
    expect(again).toEqual(first);
    expect(height()).toBe(before + 1n);
    expect(await ordersOf(m)).toHaveLength(1);
    const done = await h1.client.commit(prepared, endorsed, again);
    expect(done.blockNumber).toBe(Number(before) + 1);

    // Endorsing the committed proposal again is refused: its transaction id is taken.
    const r = await call(gw.app, 'POST', `/v1/transactions/${prepared.transactionId}/endorsement`, h1.token, {
      proposal: prepared.proposal,
      signature: await signWith(h1.privateKey, prepared.digest),
    });
    expectProblem(r, 409, 'DUPLICATE_TRANSACTION');
  });

  it('a stale endorsement (the state changed between endorsement and submission) is refused, and nothing is written', async () => {
    const m = await freshMarket();
    const placed = await h1.client.placeOrder(m, { side: 'sell', energyWh: 4000 });
    const a = await h1.client.prepare('order.amend', { marketId: m, orderId: placed.result.id, energyWh: 3000 });
    const b = await h1.client.prepare('order.amend', { marketId: m, orderId: placed.result.id, energyWh: 2000 });
    const endorsedA = await h1.client.endorse(a);
    const endorsedB = await h1.client.endorse(b);
    await h1.client.commit(a, endorsedA, await h1.client.submit(a, endorsedA));
    const before = height();
    const r = await call(gw.app, 'POST', `/v1/transactions/${b.transactionId}/submission`, h1.token, {
      transaction: endorsedB.transaction,
      signature: await signWith(h1.privateKey, endorsedB.digest),
    });
    expectProblem(r, 409, 'READ_CONFLICT');
    expect(height()).toBe(before);
    expect(await ordersOf(m)).toEqual([expect.objectContaining({ energyWh: 3000, revision: 2 })]);
  });

  it('an endorsement the chaincode would now refuse (the market closed) is a read conflict too', async () => {
    const m = await freshMarket();
    const prepared = await h1.client.prepare('order.place', { marketId: m, side: 'buy', energyWh: 100 });
    const endorsed = await h1.client.endorse(prepared);
    expect((await call(gw.app, 'POST', `/v1/markets/${m}/gate-close`, ADMIN)).status).toBe(200);
    const r = await call(gw.app, 'POST', `/v1/transactions/${prepared.transactionId}/submission`, h1.token, {
      transaction: endorsed.transaction,
      signature: await signWith(h1.privateKey, endorsed.digest),
    });
    expectProblem(r, 409, 'READ_CONFLICT');
    expect(r.body.detail).toContain('MARKET_NOT_OPEN');
  });

  it('the chaincode is the guard: another household\'s order is FORBIDDEN, whoever relays it', async () => {
    const m = await freshMarket();
    const placed = await h1.client.placeOrder(m, { side: 'sell', energyWh: 4000 });
    await expect(h2.client.cancelOrder(m, placed.result.id)).rejects.toEqual(expect.objectContaining({ status: 403, code: 'FORBIDDEN' }));
  });

  it('a gateway restart between the steps loses nothing: the bytes come back with each request', async () => {
    const m = await freshMarket();
    const prepared = await h1.client.prepare('order.place', { marketId: m, side: 'sell', energyWh: 1200 });
    const endorsed = await h1.client.endorse(prepared);
    await gw.app.close();
    gw = await listeningGateway(gw.dataDir);
    const client = new HouseholdClient({ gatewayUrl: gw.url, token: h1.token, privateKey: h1.privateKey, certificate: h1.certificate });
    const submitted = await client.submit(prepared, endorsed);
    const done = await client.commit(prepared, endorsed, submitted);
    expect(done.result).toEqual(expect.objectContaining({ marketId: m, energyWh: 1200, status: 'open' }));
    h1 = { ...h1, client };
    h2 = { ...h2, client: new HouseholdClient({ gatewayUrl: gw.url, token: h2.token, privateKey: h2.privateKey, certificate: h2.certificate }) };
  });
});

describe('requests the gateway refuses (problem+json)', () => {
  let prepared: Prepared;
  beforeAll(async () => {
    prepared = (await prepareRaw(h1, 'order.place', { marketId: await freshMarket(), side: 'sell', energyWh: 100 })).body as Prepared;
  });

  it('bytes that are not base64 are a 400 naming the field', async () => {
    const r = await call(gw.app, 'POST', `/v1/transactions/${prepared.transactionId}/endorsement`, h1.token, { proposal: 'not base64!', signature: 'AAAA' });
    expectProblem(r, 400, 'VALIDATION_FAILED');
    expect(r.body.errors).toEqual([expect.objectContaining({ path: '/body/proposal' })]);
  });

  it('base64 that is no proposal of this ledger, or a transaction sent as a proposal, is a 400 naming the field', async () => {
    const junk = await call(gw.app, 'POST', `/v1/transactions/${prepared.transactionId}/endorsement`, h1.token, { proposal: 'aGVsbG8gd29ybGQ=', signature: 'AAAA' });
    expectProblem(junk, 400, 'VALIDATION_FAILED');
    expect(junk.body.errors).toEqual([expect.objectContaining({ path: '/body/proposal' })]);
    const endorsed = await h1.client.endorse({ ...prepared });
    const wrongKind = await call(gw.app, 'POST', `/v1/transactions/${prepared.transactionId}/endorsement`, h1.token, { proposal: endorsed.transaction, signature: 'AAAA' });
    expectProblem(wrongKind, 400, 'VALIDATION_FAILED');
  });

  it('a transaction id in the path that is not the bytes\' is a 422', async () => {
    const other = 'a'.repeat(64);
    const r = await call(gw.app, 'POST', `/v1/transactions/${other}/endorsement`, h1.token, {
      proposal: prepared.proposal,
      signature: await signWith(h1.privateKey, prepared.digest),
    });
    expectProblem(r, 422, 'TRANSACTION_ID_MISMATCH');
    expectProblem(await call(gw.app, 'POST', '/v1/transactions/not-a-tx-id/endorsement', h1.token, { proposal: prepared.proposal, signature: 'AAAA' }), 400, 'VALIDATION_FAILED');
  });

  it('an action that is not signable is a 400 naming /body/action', async () => {
    const r = await prepareRaw(h1, 'market.open', { marketId: 'm1' });
    expectProblem(r, 400, 'VALIDATION_FAILED');
    expect(r.body.errors).toEqual([{ path: '/body/action', message: expect.stringContaining('"order.place"') }]);
  });

  it('an action\'s parameters are checked as the custodial route checks its body, with errors for that action only', async () => {
    const r = await prepareRaw(h1, 'order.place', { marketId: 'm1', side: 'sell', energyWh: '3000', limitprice: 1 });
    expectProblem(r, 400, 'VALIDATION_FAILED');
    expect(r.body.errors).toEqual(
      expect.arrayContaining([
        { path: '/body/params/energyWh', message: 'must be integer' },
        { path: '/body/params/limitprice', message: 'is not a known field' },
      ]),
    );
    expect(r.body.errors).toHaveLength(2);
    const amend = await prepareRaw(h1, 'order.amend', { marketId: 'm1', orderId: 'o1' });
    expectProblem(amend, 400, 'VALIDATION_FAILED');
  });

  it('the NA\'s token is refused (403): the NA signs with its own key', async () => {
    expectProblem(await call(gw.app, 'POST', '/v1/transactions', ADMIN, { action: 'order.cancel', params: { marketId: 'm1', orderId: 'o1' }, certificate: h1.certificate }), 403, 'FORBIDDEN');
    expectProblem(await call(gw.app, 'POST', '/v1/transactions', undefined, {}), 401, 'UNAUTHENTICATED');
  });

  it('the routes are in the OpenAPI document, with every action\'s body', async () => {
    const doc = (await call(gw.app, 'GET', '/openapi.json')).body;
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/transactions',
        '/v1/transactions/{transactionId}/endorsement',
        '/v1/transactions/{transactionId}/submission',
        '/v1/transactions/{transactionId}/commit',
      ]),
    );
    const body = doc.paths['/v1/transactions'].post.requestBody.content['application/json'].schema;
    expect(JSON.stringify(body)).toEqual(expect.stringContaining('order.amend'));
  });
});

describe('Fabric bytes, read offline (no network)', () => {
  it('the adapter reads the transaction id, creator and call of a proposal fabric-gateway made, and of its commit request', async () => {
    const identity = await issueIdentity(await createCertificateAuthority('ca', 'Org'), { commonName: 'h9' });
    const never = new Proxy({}, { get: () => () => { throw new Error('no network here'); } }) as GrpcClient;
    const fabric = connect({ client: never, identity: { mspId: 'CommunityMSP', credentials: Buffer.from(identity.certificate) } });
    const proposal = fabric.getNetwork('ecch').getContract('ecch', 'orders').newProposal('Place', { arguments: ['m1', '{"side":"buy"}'] });
    const read = readProposal(proposal.getBytes());
    expect(read).toEqual({
      transactionId: proposal.getTransactionId(),
      channel: 'ecch',
      creator: { mspId: 'CommunityMSP', certificate: identity.certificate },
      chaincode: 'ecch',
      args: ['orders:Place', 'm1', '{"side":"buy"}'],
    });
    // A commit-status request as fabric-gateway builds it after a submit (same shape, from its own protos).
    const { gateway, msp } = await import('@hyperledger/fabric-protos');
    const creator = new msp.SerializedIdentity();
    creator.setMspid('CommunityMSP');
    creator.setIdBytes(Buffer.from(identity.certificate));
    const request = new gateway.CommitStatusRequest();
    request.setTransactionId(proposal.getTransactionId());
    request.setChannelId('ecch');
    request.setIdentity(creator.serializeBinary());
    const signed = new gateway.SignedCommitStatusRequest();
    signed.setRequest(request.serializeBinary());
    const commit = fabric.newCommit(signed.serializeBinary());
    expect(readCommit(commit.getBytes())).toEqual({ transactionId: proposal.getTransactionId(), channel: 'ecch', creator: { mspId: 'CommunityMSP', certificate: identity.certificate } });
    expect(() => readProposal(Buffer.from('definitely not protobuf'))).toThrow();
    fabric.close();
  });
});

describe("Fabric's refusals of signed messages → the port's typed errors (messages as Fabric 2.5 gives them)", () => {
  const cause = Object.assign(new Error('grpc'), { code: 10, details: '', metadata: {} }) as never;
  const peer = (message: string) =>
    new EndorseError({
      code: 10,
      details: [{ address: 'peer0.community:7051', mspId: 'CommunityMSP', message }],
      cause,
      transactionId: 'tx1',
      message: '10 ABORTED: failed to endorse transaction, see attached details for more info',
    });

  it('a signature the endorser does not accept is SIGNATURE_INVALID; a certificate its MSP does not is CERTIFICATE_NOT_TRUSTED', () => {
    expect(offlineError(peer('error validating proposal: access denied: channel [ecch] creator org [CommunityMSP]'))).toEqual(
      expect.objectContaining({ code: 'SIGNATURE_INVALID' }),
    );
    const untrusted = offlineError(peer('error validating proposal: access denied: channel [ecch] creator org unknown, creator is malformed'));
    expect(untrusted).toBeInstanceOf(SigningRefusal);
    expect(untrusted).toEqual(expect.objectContaining({ code: 'CERTIFICATE_NOT_TRUSTED' }));
  });

  it("the orderer's Writers policy and the Gateway's Members policy are SIGNATURE_INVALID", () => {
    // fabric-gateway's SubmitError is a GatewayError (and exported as a type only).
    const orderer = new GatewayError({
      code: 10,
      details: [],
      cause,
      message:
        "10 ABORTED: received unsuccessful response from orderer: status=FORBIDDEN, info=implicit policy evaluation failed - 0 sub-policies were satisfied, but this policy requires 1 of the 'Writers' sub-policies to be satisfied: permission denied",
    });
    expect(offlineError(orderer)).toEqual(expect.objectContaining({ code: 'SIGNATURE_INVALID' }));
    const commit = new GatewayError({ code: 7, details: [], cause, message: '7 PERMISSION_DENIED: failed evaluating policy on signed data during check policy [/Channel/Application/Members]' });
    expect(offlineError(commit)).toEqual(expect.objectContaining({ code: 'SIGNATURE_INVALID' }));
  });

  it('a transaction id the peer has is DUPLICATE_TXID; a chaincode refusal stays the chaincode\'s, whatever its detail says', () => {
    const duplicate = offlineError(peer(`duplicate transaction found [${'ab'.repeat(32)}]. Creator [0a0c]`));
    expect(duplicate).toBeInstanceOf(TransactionInvalid);
    expect(duplicate).toEqual(expect.objectContaining({ status: 'DUPLICATE_TXID', transactionId: 'ab'.repeat(32) }));
    const refusal = offlineError(peer('chaincode response 500, FORBIDDEN: access denied: order o1 belongs to another participant'));
    expect(refusal).toBeInstanceOf(LedgerRefusal);
    expect(refusal).toEqual(expect.objectContaining({ code: 'FORBIDDEN' }));
  });
});
