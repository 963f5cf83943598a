/**
 * Self-custody households on the embedded ledger: the NA registers one with a one-time
 * enrolment secret, the household enrols its own CSR, and the gateway never holds its
 * key (it cannot sign for it: its custodial routes refuse).
 */
import 'reflect-metadata';
import { X509Certificate } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { certificateKeySha256, csrFor, newKeyAndCsr } from '@ecch/gateway-api/identity/csr';
import { ADMIN, call, expectProblem, openGateway, openMarket, removeDir, tempDataDir } from './support/gateway';

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

const selfHousehold = (id: string) => ({ id, name: `Household ${id}`, kind: 'prosumer', custody: 'self' });

async function register(id: string): Promise<string> {
  const r = await call(app, 'POST', '/v1/participants', ADMIN, selfHousehold(id));
  if (r.status !== 201) throw new Error(`register ${id}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.enrolment.secret as string;
}

/** Every file under DATA_DIR, as relative paths. */
async function filesUnder(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fs.readdir(root, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(path.relative(root, path.join(entry.parentPath, entry.name)));
  }
  return out;
}

describe('registration for self-custody', () => {
  it('when the NA registers with custody self, then the participant is approved and awaiting enrolment, and the answer is a one-time secret, no token', async () => {
    const r = await call(app, 'POST', '/v1/participants', ADMIN, selfHousehold('s1'));
    expect(r.status).toBe(201);
    expect(r.body.participant).toEqual(expect.objectContaining({ id: 's1', status: 'approved', awaitingEnrolment: true }));
    expect(r.body.participant.identity).toBeUndefined();
    expect(r.body.enrolment).toEqual({ enrollmentId: 's1', secret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    expect(r.body.token).toBeUndefined();
  });

  it('when the registration is retried (its reply lost), then 200 with the same secret; a custodial registration of that id is 409', async () => {
    const first = await register('s2');
    const retry = await call(app, 'POST', '/v1/participants', ADMIN, selfHousehold('s2'));
    expect(retry.status).toBe(200);
    expect(retry.body.enrolment.secret).toBe(first);
    const custodial = await call(app, 'POST', '/v1/participants', ADMIN, { id: 's2', name: 'S2', kind: 'prosumer' });
    expectProblem(custodial, 409, 'ALREADY_EXISTS');
  });
});

describe('enrolment with the household\'s own key', () => {
  it('when the household sends a CSR with its secret, then the CA signs its key with CN = its id, and a token comes with it', async () => {
    const secret = await register('s3');
    const { privateKey, csr } = await newKeyAndCsr('s3');
    const r = await call(app, 'POST', '/v1/enrolments', undefined, { participantId: 's3', secret, csr });
    expect(r.status).toBe(201);
    const cert = new X509Certificate(r.body.certificate);
    expect(cert.subject.split('\n')).toContain('CN=s3');
    expect(cert.checkIssued(new X509Certificate(r.body.caCertificate))).toBe(true);
    expect(cert.verify(new X509Certificate(r.body.caCertificate).publicKey)).toBe(true);
    expect(certificateKeySha256(r.body.certificate)).toBe(certificateKeySha256(cert.publicKey.export({ type: 'spki', format: 'pem' }).toString()));
    // The certificate carries the household's key, not one the gateway made.
    expect(cert.checkPrivateKey((await import('node:crypto')).createPrivateKey(privateKey))).toBe(true);
    expect(r.body.token).toEqual(expect.any(String));
  });

  it('when the enrolment is retried with the same secret and a CSR for the same key, then 200 and the same certificate; another key is refused', async () => {
    const secret = await register('s4');
    const { privateKey, csr } = await newKeyAndCsr('s4');
    const first = await call(app, 'POST', '/v1/enrolments', undefined, { participantId: 's4', secret, csr });
    expect(first.status).toBe(201);
    const again = await call(app, 'POST', '/v1/enrolments', undefined, { participantId: 's4', secret, csr: await csrFor(privateKey, 's4') });
    expect(again.status).toBe(200);
    expect(again.body.certificate).toBe(first.body.certificate);
    const other = await newKeyAndCsr('s4');
    expectProblem(await call(app, 'POST', '/v1/enrolments', undefined, { participantId: 's4', secret, csr: other.csr }), 401, 'ENROLMENT_REFUSED');
  });

  it('when the secret is wrong or the id unknown, then 401 ENROLMENT_REFUSED and the secret still works afterwards', async () => {
    const secret = await register('s5');
    const { csr } = await newKeyAndCsr('s5');
    expectProblem(await call(app, 'POST', '/v1/enrolments', undefined, { participantId: 's5', secret: `${secret}x`, csr }), 401, 'ENROLMENT_REFUSED');
    const unknown = await newKeyAndCsr('nobody');
    expectProblem(await call(app, 'POST', '/v1/enrolments', undefined, { participantId: 'nobody', secret, csr: unknown.csr }), 401, 'ENROLMENT_REFUSED');
    expect((await call(app, 'POST', '/v1/enrolments', undefined, { participantId: 's5', secret, csr })).status).toBe(201);
  });

  it('when the CSR names another id or is not a CSR, then 422 INVALID_CSR and the one-time secret is not spent', async () => {
    const secret = await register('s6');
    const wrongName = await newKeyAndCsr('s7');
    expectProblem(await call(app, 'POST', '/v1/enrolments', undefined, { participantId: 's6', secret, csr: wrongName.csr }), 422, 'INVALID_CSR');
    expectProblem(await call(app, 'POST', '/v1/enrolments', undefined, { participantId: 's6', secret, csr: 'not a csr' }), 422, 'INVALID_CSR');
    const good = await newKeyAndCsr('s6');
    expect((await call(app, 'POST', '/v1/enrolments', undefined, { participantId: 's6', secret, csr: good.csr })).status).toBe(201);
  });

  it('when a custodial household\'s id is enrolled with a guessed secret, then 401: its secret never left the gateway', async () => {
    expect((await call(app, 'POST', '/v1/participants', ADMIN, { id: 'c1', name: 'C1', kind: 'prosumer' })).status).toBe(201);
    const { csr } = await newKeyAndCsr('c1');
    expectProblem(await call(app, 'POST', '/v1/enrolments', undefined, { participantId: 'c1', secret: 'a'.repeat(43), csr }), 401, 'ENROLMENT_REFUSED');
  });
});

describe('the gateway cannot sign for a self-custody household', () => {
  let token: string;
  beforeAll(async () => {
    const secret = await register('s8');
    const { csr } = await newKeyAndCsr('s8');
    token = (await call(app, 'POST', '/v1/enrolments', undefined, { participantId: 's8', secret, csr })).body.token as string;
    await openMarket(app, 'sc-m1');
  });

  it('when it places an order through the custodial route, then 409 SELF_CUSTODY and no order exists', async () => {
    const r = await call(app, 'POST', '/v1/markets/sc-m1/orders', token, { side: 'buy', energyWh: 100 });
    expectProblem(r, 409, 'SELF_CUSTODY');
    const book = await call(app, 'GET', '/v1/markets/sc-m1/orders', ADMIN);
    expect(book.body.items).toEqual([]);
  });

  it('when it reads the market, then it may: market data is every member\'s', async () => {
    expect((await call(app, 'GET', '/v1/markets/sc-m1', token)).status).toBe(200);
  });

  it('when DATA_DIR is searched, then it holds no private key of the household: only its certificate, under wallet/self', async () => {
    const files = await filesUnder(dir);
    expect(files.filter((f) => f.includes('s8'))).toEqual([path.join('wallet', 'self', 's8.id'), path.join('ca', 'registrations', 's8.json')]);
    const record = await app.gateway.identities.selfCustodyCertificate('s8');
    expect(record).toContain('BEGIN CERTIFICATE');
    expect(await app.gateway.identities.ofParticipant('s8')).toBeUndefined();
  });
});
