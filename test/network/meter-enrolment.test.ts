/**
 * A meter enrolled at the Community Fabric CA through the gateway, on the real network:
 * POST /v1/meter-enrolments registers `<meterId>@meter` with `ecch.meter=<meterId>` as
 * the gateway's registrar (hf.Registrar.Attributes=ecch.meter) and has Fabric CA sign
 * the meter's CSR. Its certificate is issued by the Community CA, carries
 * ecch.meter=<meterId> and not ecch.role; the NA registers it, and a reading the meter
 * signed is recorded (201). A retry (a lost reply) gets a certificate for the same key.
 * The registrar still cannot grant ecch.role (so it cannot mint an NA).
 */
import { createPrivateKey, createPublicKey, randomInt, sign, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { newKeyAndCsr } from '@ecch/gateway-api/identity/csr';
import { EnrolmentRefused } from '@ecch/gateway-api/identity/enrolment-authority';
import { FabricCaClient } from '@ecch/gateway-api/identity/fabric-ca-client';
import { acquireNetworkLock, certAttrs, loadConnection } from './support/network';
import { ADMIN, registerHousehold, removeDir, runTag, startTestGateway, tempDataDir, type TestGateway } from './support/gateway';
import { readingOf, signed, type TestMeter } from '../support/meters';
import { canonicalReading } from '@ecch/chaincode/domain/reading';

jest.setTimeout(10 * 60_000);

const HOUR = 3_600_000;
const COMMUNITY = 'CommunityMSP';
const tag = runTag('mce');

let release: (() => Promise<void>) | undefined;
let gw: TestGateway | undefined;
let dataDir: string | undefined;

beforeAll(async () => {
  release = await acquireNetworkLock('meter-enrolment.test.ts');
  dataDir = tempDataDir('meter-enrolment');
  gw = await startTestGateway('fabric', dataDir);
});

afterAll(async () => {
  await gw?.close();
  removeDir(dataDir);
  await release?.();
});

const spki = (pem: string) => createPublicKey(pem).export({ format: 'der', type: 'spki' }).toString('hex');

it('a meter enrolled at the Community Fabric CA carries ecch.meter=<meterId>, not ecch.role; registered, its signed reading is recorded', async () => {
  const g = gw!;
  const conn = loadConnection();
  const household = `${tag}-h`;
  const token = await registerHousehold(g, household);
  const meterId = `m-${tag}`;

  const { privateKey, csr } = await newKeyAndCsr(`${meterId}@meter`);
  const r = await g.call('POST', '/v1/meter-enrolments', ADMIN, { meterId, csr });
  expect([r.status, r.body.code]).toEqual([201, undefined]);
  const communityCa = readFileSync(conn.orgs[COMMUNITY].ca.certPath, 'utf8');
  expect(r.body.caCertificate.trim()).toBe(communityCa.trim());
  const cert = new X509Certificate(r.body.certificate);
  expect(cert.checkIssued(new X509Certificate(communityCa))).toBe(true);
  expect(cert.verify(new X509Certificate(communityCa).publicKey)).toBe(true);
  expect(cert.subject).toContain(`CN=${meterId}@meter`);
  expect(spki(r.body.certificate)).toBe(spki(privateKey));
  const attrs = certAttrs(r.body.certificate);
  expect(attrs?.['ecch.meter']).toBe(meterId);
  expect(attrs?.['ecch.role']).toBeUndefined();
  expect(attrs?.['hf.EnrollmentID']).toBe(`${meterId}@meter`);

  // A retry after a lost reply: Fabric CA signs the same CSR again, for the same key and meter.
  const again = await g.call('POST', '/v1/meter-enrolments', ADMIN, { meterId, csr });
  expect(again.status).toBe(201);
  expect(spki(again.body.certificate)).toBe(spki(privateKey));
  expect(certAttrs(again.body.certificate)?.['ecch.meter']).toBe(meterId);
  // A household may not enrol meters; a CSR for another id is refused by the gateway before the CA.
  expect((await g.call('POST', '/v1/meter-enrolments', token, { meterId, csr })).status).toBe(403);
  const wrongCn = await g.call('POST', '/v1/meter-enrolments', ADMIN, { meterId: `${meterId}x`, csr });
  expect([wrongCn.status, wrongCn.body.code]).toEqual([422, 'INVALID_CSR']);

  // Registered by the NA; the chaincode refuses it under another meter id.
  const reg = await g.call('POST', '/v1/meters', ADMIN, { meterId, participantId: household, certificate: r.body.certificate });
  expect(reg.status).toBe(201);
  const other = await g.call('POST', '/v1/meters', ADMIN, { meterId: `${meterId}-2`, participantId: household, certificate: again.body.certificate });
  expect([other.status, other.body.code]).toEqual([422, 'INVALID_ARGUMENT']);

  // A reading the meter signed with its own key: recorded (201). Its market delivers in the past (a reading
  // counts once its interval has started): a random hour 30 to 390 days back, clear of metering.test.ts's 400 to 2400.
  const deliveryStart = new Date((Math.floor(Date.now() / HOUR) - 24 * (30 + randomInt(360)) - randomInt(24)) * HOUR).toISOString().replace('.000Z', 'Z');
  const marketId = `${tag}-m`;
  expect((await g.call('POST', '/v1/markets', ADMIN, { id: marketId, deliveryStart, gridBuyPrice: 130000, gridSellPrice: 40000 })).status).toBe(201);
  const key = createPrivateKey(privateKey);
  const m: TestMeter = {
    meterId,
    certificatePem: r.body.certificate,
    privateKey: key,
    sign: (reading) => sign('sha256', Buffer.from(canonicalReading(reading), 'utf8'), key).toString('base64'),
  };
  const reading = await g.call('POST', '/v1/readings', undefined, signed(m, readingOf(meterId, deliveryStart, 10, 250)));
  expect([reading.status, reading.body.code]).toEqual([201, undefined]);
  expect(reading.body).toMatchObject({ meterId, marketId });
});

it('the registrar may grant ecch.meter but still not ecch.role: registering an identity with ecch.role=na is refused', async () => {
  const conn = loadConnection();
  const org = conn.orgs[COMMUNITY];
  const registrarFiles = conn.gateway.registrar!;
  const ca = new FabricCaClient({
    url: org.fabricCa!.url,
    caName: org.fabricCa!.caName,
    tlsCACert: readFileSync(org.fabricCa!.tlsCACertPath, 'utf8'),
    caCertificate: readFileSync(org.ca.certPath, 'utf8'),
  });
  const { privateKey, csr } = await newKeyAndCsr(registrarFiles.enrollmentId);
  const certificate = await ca.enroll(registrarFiles.enrollmentId, readFileSync(registrarFiles.secretPath, 'utf8').trim(), csr);
  ca.useRegistrar({ certificate, privateKey });

  const refused = await ca.register({ enrollmentId: `${tag}-na`, secret: `${tag}-secret-0123456789`, maxEnrollments: 1, attributes: { 'ecch.role': 'na' } }).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(refused).toBeInstanceOf(EnrolmentRefused);
  expect((refused as EnrolmentRefused).reason).toBe('forbidden');
  // Both together are refused too: the registrar holds ecch.meter only.
  const both = await ca.register({ enrollmentId: `${tag}-both`, secret: `${tag}-secret-0123456789`, maxEnrollments: 1, attributes: { 'ecch.meter': 'x', 'ecch.role': 'na' } }).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect((both as EnrolmentRefused).reason).toBe('forbidden');
  // ecch.meter alone is granted.
  await expect(ca.register({ enrollmentId: `${tag}-m@meter`, secret: `${tag}-secret-0123456789`, maxEnrollments: 1, attributes: { 'ecch.meter': `${tag}-m` } })).resolves.toBeUndefined();
});
