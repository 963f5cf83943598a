/**
 * Registration cannot orphan a participant: the identity is in the wallet before the
 * transaction that binds it is submitted, and a retry after a lost reply completes
 * the registration instead of answering 409.
 */
import type { FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { LedgerIdentity, TransactionCall } from '@ecch/gateway-api/ledger/port';
import { createCertificateAuthority, issueIdentity } from '@ecch/gateway-api/identity/issuer';
import { identityKey } from '@ecch/gateway-api/identity/identity-key';
import { loadOrCreateEmbeddedCa } from '@ecch/gateway-api/identity/ca-store';
import { InProcessCa } from '@ecch/gateway-api/identity/in-process-ca';
import { ADMIN, call, expectProblem, openGateway, removeDir, tempDataDir } from './support/gateway';

jest.setTimeout(60_000);

let dir: string;
let app: FastifyInstance;

beforeAll(async () => {
  dir = tempDataDir();
  app = await openGateway(dir);
});
afterAll(async () => {
  await app.close();
  removeDir(dir);
});

/** The next submit of `transaction` fails: before it reaches the ledger (a crash), or after it committed (a lost reply). */
function failNext(transaction: string, when: 'before' | 'after'): void {
  const ledger = app.gateway.ledger;
  const original = ledger.submit.bind(ledger);
  ledger.submit = async (who: LedgerIdentity, c: TransactionCall) => {
    if (c.transaction !== transaction) return original(who, c);
    ledger.submit = original;
    if (when === 'before') throw new Error('the gateway stopped before submitting');
    await original(who, c);
    throw new Error('the reply was lost after the commit');
  };
}

const walletFile = (id: string) => path.join(dir, 'wallet', 'participants', `${id}.id`);
const household = (id: string) => ({ id, name: `Household ${id}`, kind: 'prosumer' });

async function boundIdentity(id: string): Promise<string> {
  return (await call(app, 'GET', `/v1/participants/${id}`, ADMIN)).body.identity as string;
}

describe('a registration whose ledger reply was lost', () => {
  it('when the Register transaction commits but its reply is lost, then the retry answers 200 with a token that works, bound to the stored identity', async () => {
    failNext('Register', 'after');
    const lost = await call(app, 'POST', '/v1/participants', ADMIN, household('r-lost'));
    expectProblem(lost, 500, 'INTERNAL');
    const stored = await app.gateway.identities.ofParticipant('r-lost');
    expect(stored).toBeDefined();
    expect(await boundIdentity('r-lost')).toBe(identityKey(stored!.mspId, stored!.certificate));

    const retry = await call(app, 'POST', '/v1/participants', ADMIN, household('r-lost'));
    expect(retry.status).toBe(200);
    expect(retry.headers.location).toBe('/v1/participants/r-lost');
    expect(retry.body.participant).toEqual(expect.objectContaining({ id: 'r-lost', status: 'approved' }));
    expect(retry.body.token).toMatch(/^ecch_hh_/);
    const me = await call(app, 'GET', '/v1/participants/r-lost', retry.body.token);
    expect(me.status).toBe(200);
  });

  it('when the registration was completed (its token issued), then registering the id again is still 409 ALREADY_EXISTS and the first token keeps working', async () => {
    const first = await call(app, 'POST', '/v1/participants', ADMIN, household('r-done'));
    expect(first.status).toBe(201);
    expectProblem(await call(app, 'POST', '/v1/participants', ADMIN, household('r-done')), 409, 'ALREADY_EXISTS');
    expect((await call(app, 'GET', '/v1/participants/r-done', first.body.token)).status).toBe(200);
  });
});

describe('a registration that stopped before its transaction', () => {
  it('when the gateway stops between the wallet write and the submit, then the wallet holds the identity and the retry binds that same identity (201)', async () => {
    failNext('Register', 'before');
    expectProblem(await call(app, 'POST', '/v1/participants', ADMIN, household('r-crash')), 500, 'INTERNAL');
    expect(existsSync(walletFile('r-crash'))).toBe(true);
    const stored = await app.gateway.identities.ofParticipant('r-crash');
    expectProblem(await call(app, 'GET', '/v1/participants/r-crash', ADMIN), 404, 'NOT_FOUND');

    const retry = await call(app, 'POST', '/v1/participants', ADMIN, household('r-crash'));
    expect(retry.status).toBe(201);
    expect(await boundIdentity('r-crash')).toBe(identityKey(stored!.mspId, stored!.certificate));
    expect((await call(app, 'GET', '/v1/participants/r-crash', retry.body.token)).status).toBe(200);
  });

  it('when the id was meanwhile registered bound to another identity, then the retry is 409 ALREADY_EXISTS and the unbound wallet entry is dropped', async () => {
    failNext('Register', 'before');
    expectProblem(await call(app, 'POST', '/v1/participants', ADMIN, household('r-taken')), 500, 'INTERNAL');
    expect(existsSync(walletFile('r-taken'))).toBe(true);
    // Another client of the ledger registers the id for an identity this gateway does not hold.
    const other = await issueIdentity(await createCertificateAuthority('ca.other', 'Other'), { commonName: 'r-taken' });
    const otherKey = identityKey('CommunityMSP', other.certificate);
    await app.gateway.chaincode.submit(app.gateway.identities.na, 'participants', 'Register', JSON.stringify({ ...household('r-taken'), identity: otherKey }));

    expectProblem(await call(app, 'POST', '/v1/participants', ADMIN, household('r-taken')), 409, 'ALREADY_EXISTS');
    expect(await boundIdentity('r-taken')).toBe(otherKey);
    expect(existsSync(walletFile('r-taken'))).toBe(false);
  });

  it('when the ledger refuses the registration, then no wallet entry is left behind', async () => {
    expectProblem(await call(app, 'POST', '/v1/participants', ADMIN, household('grid')), 422, 'INVALID_ARGUMENT');
    expect(existsSync(walletFile('grid'))).toBe(false);
  });
});

describe('applications and approvals', () => {
  it('when an application commits but its reply is lost, then the retry is 409 and the NA can still approve it (the identity was kept)', async () => {
    failNext('Apply', 'after');
    expectProblem(await call(app, 'POST', '/v1/registrations', undefined, household('a-lost')), 500, 'INTERNAL');
    expectProblem(await call(app, 'POST', '/v1/registrations', undefined, household('a-lost')), 409, 'ALREADY_EXISTS');
    expect(existsSync(walletFile('a-lost'))).toBe(true);
    const approved = await call(app, 'POST', '/v1/participants/a-lost/approve', ADMIN);
    expect(approved.status).toBe(200);
    expect((await call(app, 'GET', '/v1/participants/a-lost', approved.body.token)).status).toBe(200);
  });

  it('when an approval commits but its reply is lost, then the retried approval answers 200 with a working token', async () => {
    expect((await call(app, 'POST', '/v1/registrations', undefined, household('a-appr'))).status).toBe(202);
    failNext('SetStatus', 'after');
    expectProblem(await call(app, 'POST', '/v1/participants/a-appr/approve', ADMIN), 500, 'INTERNAL');
    const retry = await call(app, 'POST', '/v1/participants/a-appr/approve', ADMIN);
    expect(retry.status).toBe(200);
    expect(retry.body.participant.status).toBe('approved');
    expect((await call(app, 'GET', '/v1/participants/a-appr', retry.body.token)).status).toBe(200);
    // Once the token is out, a further approval is the ledger's 409 again.
    expectProblem(await call(app, 'POST', '/v1/participants/a-appr/approve', ADMIN), 409, 'INVALID_STATE');
  });
});

describe('a registration that stopped at the CA', () => {
  it('when the gateway stops between registering the id at the CA and enrolling it, then the retry enrols under the same derived secret (201)', async () => {
    const proto = InProcessCa.prototype;
    const original = proto.enroll;
    proto.enroll = async function () {
      proto.enroll = original;
      throw new Error('the gateway stopped after the CA registration');
    };
    expectProblem(await call(app, 'POST', '/v1/participants', ADMIN, household('ca-stop')), 500, 'INTERNAL');
    expect(existsSync(path.join(dir, 'ca', 'registrations', 'ca-stop.json'))).toBe(true);
    expect(existsSync(walletFile('ca-stop'))).toBe(false);
    const retry = await call(app, 'POST', '/v1/participants', ADMIN, household('ca-stop'));
    expect(retry.status).toBe(201);
    expect((await call(app, 'GET', '/v1/participants/ca-stop', retry.body.token)).status).toBe(200);
  });

  it('when the id is registered at the CA under a secret this gateway did not derive, then 409 ALREADY_EXISTS and nothing on the ledger', async () => {
    const authority = await InProcessCa.open(await loadOrCreateEmbeddedCa(dir, app.gateway.identities.walletKey), dir);
    await authority.register({ enrollmentId: 'ca-taken', secret: 'an operator chose this', maxEnrollments: -1 });
    expectProblem(await call(app, 'POST', '/v1/participants', ADMIN, household('ca-taken')), 409, 'ALREADY_EXISTS');
    expectProblem(await call(app, 'GET', '/v1/participants/ca-taken', ADMIN), 404, 'NOT_FOUND');
  });
});
