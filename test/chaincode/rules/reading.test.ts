/**
 * Readings (mechanisms.md §7), pure: the shape the ledger accepts, the canonical bytes a
 * meter signs (the same as the simulator's meter library produces), and the signature
 * check (ECDSA P-256/SHA-256, base64 DER, low-S and high-S).
 */
import { createPublicKey } from 'node:crypto';
import { canonicalReading, parseReading, readingDigest, requireSignedBy } from '@ecch/chaincode/domain/reading';
import { parseMeterCertificate } from '@ecch/chaincode/domain/meter';
import { canonicalReadingJson, createMeter } from '@ecch/simulator/meter';
import { createTestMeter, highS, readingOf } from '../../support/meters';

const R = { meterId: 'm-1', intervalStart: '2026-06-21T10:00:00Z', intervalMinutes: 60, importWh: 12, exportWh: 3400, seq: 7 };

describe('reading shape', () => {
  it('takes exactly the six fields, integers ≥ 0, intervalStart without fractional seconds', () => {
    expect(parseReading(R)).toEqual(R);
    const refused = (r: unknown) => expect(() => parseReading(r)).toThrow('INVALID_ARGUMENT');
    refused({ ...R, extra: 1 });
    refused({ ...R, importWh: -1 });
    refused({ ...R, exportWh: 1.5 });
    refused({ ...R, seq: '7' });
    refused({ ...R, intervalStart: '2026-06-21T10:00:00.000Z' });
    refused({ ...R, intervalStart: '2026-02-30T10:00:00Z' });
    refused({ ...R, intervalMinutes: 0 });
    refused({ ...R, meterId: '.hidden' });
    refused([R]);
  });

  it('canonical JSON: keys sorted, no whitespace; the simulator\'s meter library writes the same bytes', () => {
    const shuffled = { seq: 7, exportWh: 3400, meterId: 'm-1', intervalMinutes: 60, importWh: 12, intervalStart: '2026-06-21T10:00:00Z' };
    const expected = '{"exportWh":3400,"importWh":12,"intervalMinutes":60,"intervalStart":"2026-06-21T10:00:00Z","meterId":"m-1","seq":7}';
    expect(canonicalReading(parseReading(shuffled))).toBe(expected);
    expect(canonicalReadingJson(shuffled)).toBe(expected);
    expect(readingDigest(R)).toBe(readingDigest(parseReading(shuffled)));
    expect(readingDigest({ ...R, seq: 8 })).not.toBe(readingDigest(R));
  });
});

describe('reading signatures', () => {
  it('verifies a meter\'s signature in both S forms, and refuses another key, altered bytes or garbage', async () => {
    const meter = await createTestMeter('m-1');
    const other = await createTestMeter('m-2');
    const key = parseMeterCertificate(meter.certificatePem).key;
    const reading = readingOf('m-1', '2026-06-21T10:00:00Z', 12, 3400);
    const sig = meter.sign(reading);
    expect(() => requireSignedBy(reading, sig, key)).not.toThrow();
    expect(() => requireSignedBy(reading, highS(sig), key)).not.toThrow();
    expect(highS(sig)).not.toBe(sig);
    expect(() => requireSignedBy(reading, other.sign(reading), key)).toThrow('BAD_SIGNATURE');
    expect(() => requireSignedBy({ ...reading, exportWh: 3401 }, sig, key)).toThrow('BAD_SIGNATURE');
    expect(() => requireSignedBy(reading, 'AAAA', key)).toThrow('BAD_SIGNATURE');
  });

  it('verifies a reading signed by the simulator\'s meter against its self-signed certificate', async () => {
    const meter = await createMeter('sim-meter');
    const reading = readingOf('sim-meter', '2026-06-21T10:00:00Z', 0, 500);
    const cert = parseMeterCertificate(meter.certificatePem);
    expect(cert.key.export({ type: 'spki', format: 'der' })).toEqual(createPublicKey(meter.certificatePem).export({ type: 'spki', format: 'der' }));
    expect(() => requireSignedBy(reading, meter.sign(reading), cert.key)).not.toThrow();
  });
});
