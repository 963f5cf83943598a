import { createPublicKey, verify } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import fc from 'fast-check';
import { canonicalReadingJson, createMeter, loadMeter, meterPaths, readingProblem, saveMeter, signReading, verifyReading, type Meter, type Reading } from '@ecch/simulator/meter';

const reading: Reading = { meterId: 'm-h001', intervalStart: '2026-06-21T10:00:00Z', intervalMinutes: 60, importWh: 0, exportWh: 1200, seq: 1 };

/** node:crypto alone, against the certificate's public key, over exactly the canonical bytes. */
function verifiesWithNode(bytes: string, signature: string, certificatePem: string): boolean {
  return verify('sha256', Buffer.from(bytes, 'utf8'), createPublicKey(certificatePem), Buffer.from(signature, 'base64'));
}

describe('canonical reading JSON', () => {
  it('is the six fields with keys sorted by code point and no whitespace', () => {
    expect(canonicalReadingJson(reading)).toBe('{"exportWh":1200,"importWh":0,"intervalMinutes":60,"intervalStart":"2026-06-21T10:00:00Z","meterId":"m-h001","seq":1}');
  });

  it('does not depend on the order of the keys it is given', () => {
    const entries = Object.entries(reading);
    fc.assert(
      fc.property(fc.shuffledSubarray(entries, { minLength: entries.length, maxLength: entries.length }), (shuffled) => {
        expect(canonicalReadingJson(Object.fromEntries(shuffled) as unknown as Reading)).toBe(canonicalReadingJson(reading));
      }),
    );
  });

  it('leaves out any field that is not part of a reading', () => {
    expect(canonicalReadingJson({ ...reading, extra: 1 } as Reading)).toBe(canonicalReadingJson(reading));
  });
});

describe('reading shape', () => {
  it('accepts a well-formed reading and names what is wrong with a bad one', () => {
    expect(readingProblem(reading)).toBeNull();
    expect(readingProblem({ ...reading, exportWh: -1 })).toMatch(/exportWh/);
    expect(readingProblem({ ...reading, importWh: 1.5 })).toMatch(/importWh/);
    expect(readingProblem({ ...reading, intervalStart: '2026-06-21T10:00:00.000Z' })).toMatch(/intervalStart/);
    expect(readingProblem({ ...reading, intervalStart: '2026-02-30T10:00:00Z' })).toMatch(/intervalStart/);
    expect(readingProblem({ ...reading, meterId: 'm/1' })).toMatch(/meterId/);
    expect(readingProblem({ ...reading, intervalMinutes: 0 })).toMatch(/intervalMinutes/);
    expect(readingProblem({ ...reading, intervalMinutes: 1441 })).toMatch(/intervalMinutes/);
    expect(readingProblem({ ...reading, meterId: '.m' })).toMatch(/meterId/);
  });
});

describe('a meter', () => {
  let meter: Meter;
  beforeAll(async () => {
    meter = await createMeter('m-h001');
  });

  it('has a self-signed P-256 certificate whose CN is its id', () => {
    const cert = new x509.X509Certificate(meter.certificatePem);
    expect(cert.subject).toBe('CN=m-h001');
    expect(cert.issuer).toBe('CN=m-h001');
    expect(createPublicKey(meter.certificatePem).asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
  });

  it('signs a reading so that node:crypto verifies it against the certificate over exactly the canonical bytes', () => {
    const signature = meter.sign(reading);
    expect(verifiesWithNode(canonicalReadingJson(reading), signature, meter.certificatePem)).toBe(true);
    // Not over any other rendering of the same reading.
    expect(verifiesWithNode(JSON.stringify(reading), signature, meter.certificatePem)).toBe(false);
    expect(verifiesWithNode(JSON.stringify(JSON.parse(canonicalReadingJson(reading)), null, 1), signature, meter.certificatePem)).toBe(false);
  });

  it('sends the signature as base64 of a DER ECDSA signature', () => {
    const der = Buffer.from(meter.sign(reading), 'base64');
    expect(der[0]).toBe(0x30); // SEQUENCE { r INTEGER, s INTEGER }
    expect(der[1]).toBe(der.length - 2);
  });

  it('makes a signature that no longer verifies when any field of the reading is altered', () => {
    const signature = meter.sign(reading);
    const altered: Reading[] = [
      { ...reading, meterId: 'm-h002' },
      { ...reading, intervalStart: '2026-06-21T11:00:00Z' },
      { ...reading, intervalMinutes: 15 },
      { ...reading, importWh: 1 },
      { ...reading, exportWh: 1201 },
      { ...reading, seq: 2 },
    ];
    for (const r of altered) expect(verifiesWithNode(canonicalReadingJson(r), signature, meter.certificatePem)).toBe(false);
    expect(verifyReading(reading, signature, meter.certificatePem)).toBe(true);
  });

  it("does not verify against another meter's certificate", async () => {
    const other = await createMeter('m-h002');
    expect(verifyReading(reading, meter.sign(reading), other.certificatePem)).toBe(false);
  });

  it("refuses to sign another meter's reading", () => {
    expect(() => meter.sign({ ...reading, meterId: 'm-h002' })).toThrow(/cannot sign/);
  });

  it('answers the {reading, signature} body of POST /v1/readings', () => {
    const body = signReading(meter, reading);
    expect(body.reading).toEqual(reading);
    expect(verifyReading(body.reading, body.signature, meter.certificatePem)).toBe(true);
  });
});

describe('a saved meter', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'meter-test-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps its key in a 0600 file and signs the same way after loading', async () => {
    const meter = await createMeter('m-h001');
    const paths = saveMeter(dir, meter);
    expect(statSync(paths.key).mode & 0o777).toBe(0o600);
    const loaded = loadMeter(dir, 'm-h001');
    expect(loaded.certificatePem).toBe(meter.certificatePem);
    expect(verifyReading(reading, loaded.sign(reading), meter.certificatePem)).toBe(true);
  });

  it('is not found under an id that was never initialised', () => {
    expect(() => loadMeter(dir, 'm-h009')).toThrow(/not found/);
  });

  it('refuses a key that does not belong to its certificate', async () => {
    const a = await createMeter('m-h001');
    const b = await createMeter('m-h001');
    saveMeter(dir, a);
    writeFileSync(meterPaths(dir, 'm-h001').key, b.privateKeyPem!);
    expect(() => loadMeter(dir, 'm-h001')).toThrow(/does not match/);
  });

  it('refuses an id that could leave the directory', () => {
    expect(() => meterPaths(dir, '../x')).toThrow(/meter id/);
    expect(() => meterPaths(dir, '..')).toThrow(/meter id/);
  });
});
