/**
 * POST /v1/meter-enrolments on the embedded ledger (its in-process CA): the NA has the
 * Community CA sign a meter's CSR with `ecch.meter=<meterId>`; the meter keeps its key.
 * NA only, a bad CSR 422 registering nothing, a retry after a lost reply completes
 * with a certificate for the same key, and the certificate registers as the meter.
 */
import 'reflect-metadata';
import { createPublicKey, X509Certificate, webcrypto } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import * as x509 from '@peculiar/x509';
import type { FastifyInstance } from 'fastify';
import { csrFor, newKeyAndCsr } from '@ecch/gateway-api/identity/csr';
import { EnrolmentUnavailable, type EnrolmentAuthority } from '@ecch/gateway-api/identity/enrolment-authority';
import { ADMIN, call, expectProblem, openGateway, registerHousehold, removeDir, tempDataDir } from './support/gateway';

x509.cryptoProvider.set(webcrypto as never);
jest.setTimeout(90_000);

let dir: string;
let app: FastifyInstance;
let household: string;

beforeAll(async () => {
  dir = tempDataDir();
  app = await openGateway(dir);
  household = await registerHousehold(app, 'me-h1');
});
afterAll(async () => {
  await app.close();
  removeDir(dir);
});

const enrol = (meterId: string, csr: string, token = ADMIN) => call(app, 'POST', '/v1/meter-enrolments', token, { meterId, csr });

function attrsOf(pem: string): Record<string, string> | undefined {
  const ext = new x509.X509Certificate(pem).getExtension('1.2.3.4.5.6.7.8.1');
  return ext ? (JSON.parse(Buffer.from(ext.value).toString('utf8')) as { attrs: Record<string, string> }).attrs : undefined;
}

const spki = (pem: string) => createPublicKey(pem).export({ format: 'der', type: 'spki' }).toString('hex');

describe('POST /v1/meter-enrolments', () => {
  it('the NA gets a CA-issued certificate for the meter\'s own key carrying ecch.meter=<meterId>, not ecch.role; it registers as the meter', async () => {
    const { privateKey, csr } = await newKeyAndCsr('me-m1@meter');
    const r = await enrol('me-m1', csr);
    expect(r.status).toBe(201);
    expect(r.body.meterId).toBe('me-m1');
    const cert = new X509Certificate(r.body.certificate);
    expect(cert.checkIssued(new X509Certificate(r.body.caCertificate))).toBe(true);
    expect(cert.verify(new X509Certificate(r.body.caCertificate).publicKey)).toBe(true);
    expect(spki(r.body.certificate)).toBe(spki(privateKey));
    expect(attrsOf(r.body.certificate)).toEqual({ 'ecch.meter': 'me-m1' });
    expect(cert.subject).toContain('CN=me-m1@meter');

    const reg = await call(app, 'POST', '/v1/meters', ADMIN, { meterId: 'me-m1', participantId: 'me-h1', certificate: r.body.certificate });
    expect(reg.status).toBe(201);
    // The certificate names its meter: it cannot be registered as another one.
    const other = await call(app, 'POST', '/v1/meters', ADMIN, { meterId: 'me-other', participantId: 'me-h1', certificate: r.body.certificate });
    expectProblem(other, 422, 'INVALID_ARGUMENT');
    expect(other.body.detail).toContain('enrolled for meter me-m1');
  });

  it('a retry (a lost reply) completes: the same CSR again gets a certificate for the same key, which registers as the same meter', async () => {
    const { privateKey, csr } = await newKeyAndCsr('me-m2@meter');
    const first = await enrol('me-m2', csr);
    expect(first.status).toBe(201);
    const again = await enrol('me-m2', csr);
    expect(again.status).toBe(201);
    expect(spki(again.body.certificate)).toBe(spki(privateKey));
    expect(attrsOf(again.body.certificate)).toEqual({ 'ecch.meter': 'me-m2' });
    expect((await call(app, 'POST', '/v1/meters', ADMIN, { meterId: 'me-m2', participantId: 'me-h1', certificate: first.body.certificate })).status).toBe(201);
    // The second certificate (same key) is the same registration: 200, nothing new.
    const repeat = await call(app, 'POST', '/v1/meters', ADMIN, { meterId: 'me-m2', participantId: 'me-h1', certificate: again.body.certificate });
    expect(repeat.status).toBe(200);
    expect(repeat.body.certificate).toBe(first.body.certificate);
    // One registration at the CA, under the meter's enrolment id.
    expect(existsSync(path.join(dir, 'ca', 'registrations', 'me-m2@meter.json'))).toBe(true);
  });

  it('NA only: a household is 403, no token 401', async () => {
    const { csr } = await newKeyAndCsr('me-m3@meter');
    expectProblem(await enrol('me-m3', csr, household), 403, 'FORBIDDEN');
    expectProblem(await enrol('me-m3', csr, ''), 401, 'UNAUTHENTICATED');
    expect(existsSync(path.join(dir, 'ca', 'registrations', 'me-m3@meter.json'))).toBe(false);
  });

  it('a malformed CSR, or one whose CN is not <meterId>@meter, is 422 INVALID_CSR and registers nothing at the CA', async () => {
    expectProblem(await enrol('me-m4', 'not a csr'), 422, 'INVALID_CSR');
    const { privateKey } = await newKeyAndCsr('x');
    expectProblem(await enrol('me-m4', await csrFor(privateKey, 'me-m4')), 422, 'INVALID_CSR'); // the bare meter id
    expectProblem(await enrol('me-m4', await csrFor(privateKey, 'me-h1')), 422, 'INVALID_CSR'); // a participant's id
    expect(existsSync(path.join(dir, 'ca', 'registrations', 'me-m4@meter.json'))).toBe(false);
    expect((await call(app, 'POST', '/v1/meter-enrolments', ADMIN, { meterId: 'bad id!', csr: 'x' })).status).toBe(400);
    expect((await call(app, 'POST', '/v1/meter-enrolments', ADMIN, { meterId: 'me-m4' })).status).toBe(400);
  });

  it('an enrolment id someone else registered at the CA is 409 ALREADY_EXISTS; a CA that does not answer is 503 CA_UNAVAILABLE', async () => {
    const authority = (app.gateway.identities as unknown as { authority: EnrolmentAuthority }).authority;
    await authority.register({ enrollmentId: 'me-m5@meter', secret: 'an operator secret, not the gateway one', maxEnrollments: -1 });
    expectProblem(await enrol('me-m5', (await newKeyAndCsr('me-m5@meter')).csr), 409, 'ALREADY_EXISTS');

    const register = authority.register.bind(authority);
    authority.register = () => Promise.reject(new EnrolmentUnavailable('connect ECONNREFUSED'));
    try {
      expectProblem(await enrol('me-m6', (await newKeyAndCsr('me-m6@meter')).csr), 503, 'CA_UNAVAILABLE');
    } finally {
      authority.register = register;
    }
    expect(existsSync(path.join(dir, 'ca', 'registrations', 'me-m6@meter.json'))).toBe(false);
  });
});
