/**
 * Which certificates meters:Register accepts as a meter's: a self-signed one, or one a
 * CA enrolled for this meter (Fabric CA attribute `ecch.meter=<meterId>`); never one
 * enrolled for another meter, nor a participant's or the NA's identity (`ecch.role`).
 * The attribute extension is read from the certificate's DER by the chaincode itself.
 */
import { createPrivateKey, sign } from 'node:crypto';
import { canonicalReading } from '@ecch/chaincode/domain/reading';
import { fabricAttributes } from '@ecch/chaincode/domain/certificate-attributes';
import { issueIdentity } from '@ecch/gateway-api/identity/issuer';
import { community, Community, newIdentity, testCa } from '../../support/ledger-fixture';
import { createTestMeter, readingOf, signed, type TestMeter } from '../../support/meters';

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return String((err as Error).message);
  }
  throw new Error('expected a refusal');
}

/** A meter whose certificate the (test) Community CA issued with `attrs`, as an enrolment at Fabric CA does. */
async function caIssuedMeter(meterId: string, attrs: Record<string, string>): Promise<TestMeter> {
  const issued = await issueIdentity(await testCa(), { commonName: `${meterId}@meter`, attrs });
  const privateKey = createPrivateKey(issued.privateKey);
  return {
    meterId,
    certificatePem: issued.certificate,
    privateKey,
    sign: (reading) => sign('sha256', Buffer.from(canonicalReading(reading), 'utf8'), privateKey).toString('base64'),
  };
}

const pemDer = (pem: string) => Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');

describe('meter certificates at meters:Register', () => {
  let c: Community;
  const register = (meterId: string, certificate: string) =>
    c.submit<{ meter: { meterId: string }; created: boolean }>(c.na, 'meters', 'Register', JSON.stringify({ meterId, participantId: 'h1', certificate }));

  beforeEach(async () => {
    c = await community(); // the real clock: the test CA issues certificates valid from now
    await c.household('h1');
  });
  afterEach(() => c.shutdown());

  it('reads the Fabric attribute extension from a certificate DER, and none from a self-signed one', async () => {
    const m = await caIssuedMeter('m-1', { 'ecch.meter': 'm-1', 'hf.EnrollmentID': 'm-1@meter' });
    expect(fabricAttributes(pemDer(m.certificatePem))).toEqual({ 'ecch.meter': 'm-1', 'hf.EnrollmentID': 'm-1@meter' });
    expect(fabricAttributes(pemDer((await createTestMeter('m-2')).certificatePem))).toBeUndefined();
  });

  it('accepts a CA-issued certificate carrying ecch.meter=<this meterId>; readings verify against its key', async () => {
    const m = await caIssuedMeter('m-ca', { 'ecch.meter': 'm-ca' });
    expect(await register('m-ca', m.certificatePem)).toMatchObject({ created: true, meter: { meterId: 'm-ca' } });
    // A retry with the same certificate answers the same meter.
    expect(await register('m-ca', m.certificatePem)).toMatchObject({ created: false });
    // The signature is verified first (against this certificate's key); a reading it signed fails only for want of a market.
    const reading = readingOf('m-ca', '2020-01-01T10:00:00Z', 0, 10);
    const submit = (body: unknown) => refusal(c.submit(c.na, 'readings', 'Submit', JSON.stringify(body)));
    expect(await submit(signed(m, reading))).toMatch(/^NOT_FOUND: no market delivers/);
    expect(await submit(signed(await createTestMeter('m-ca'), reading))).toMatch(/^BAD_SIGNATURE/);
  });

  it('refuses a certificate the CA enrolled for another meter (ecch.meter names a different meter id)', async () => {
    const m = await caIssuedMeter('m-a', { 'ecch.meter': 'm-a' });
    const message = await refusal(register('m-b', m.certificatePem));
    expect(message).toMatch(/^INVALID_ARGUMENT/);
    expect(message).toContain('enrolled for meter m-a');
    expect(await refusal(c.evaluate(c.na, 'meters', 'Get', 'm-b'))).toMatch(/^NOT_FOUND/);
  });

  it("refuses a participant's or the NA's identity certificate (ecch.role) as a meter's", async () => {
    const household = await newIdentity('h9', { 'ecch.role': 'household' });
    expect(await refusal(register('m-h', household.certificate))).toMatch(/^INVALID_ARGUMENT: certificate: carries ecch\.role=household/);
    expect(await refusal(register('m-na', c.na.certificate))).toMatch(/^INVALID_ARGUMENT: certificate: carries ecch\.role=na/);
    // Even together with the right ecch.meter.
    const both = await caIssuedMeter('m-both', { 'ecch.meter': 'm-both', 'ecch.role': 'na' });
    expect(await refusal(register('m-both', both.certificatePem))).toMatch(/^INVALID_ARGUMENT: certificate: carries ecch\.role/);
    expect(await refusal(c.evaluate(c.na, 'meters', 'Get', 'm-both'))).toMatch(/^NOT_FOUND/);
  });

  it('still accepts a self-signed certificate, and a CA-issued one without ecch.meter (a utility CA)', async () => {
    expect((await register('m-self', (await createTestMeter('m-self')).certificatePem)).created).toBe(true);
    const utility = await caIssuedMeter('m-util', { 'hf.EnrollmentID': 'm-util' });
    expect((await register('m-util', utility.certificatePem)).created).toBe(true);
  });
});
