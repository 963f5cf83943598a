/**
 * Meters for tests: a P-256 key, a self-signed certificate (CN = meterId) and readings
 * signed over their canonical JSON, as a real meter would (mechanisms.md §7). A few
 * lines of node:crypto and @peculiar/x509, independent of the simulator's meter.
 */
import 'reflect-metadata';
import { generateKeyPairSync, sign, webcrypto, type KeyObject } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { canonicalReading, type Reading } from '@ecch/chaincode/domain/reading';

x509.cryptoProvider.set(webcrypto as never);
const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

export interface TestMeter {
  meterId: string;
  certificatePem: string;
  privateKey: KeyObject;
  /** Base64 DER ECDSA P-256/SHA-256 over the canonical JSON. */
  sign(reading: Reading): string;
}

export async function createTestMeter(meterId: string, validity: { notBefore?: Date; notAfter?: Date } = {}): Promise<TestMeter> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const keys = {
    privateKey: await webcrypto.subtle.importKey('pkcs8', privateKey.export({ type: 'pkcs8', format: 'der' }), ALG, true, ['sign']),
    publicKey: await webcrypto.subtle.importKey('spki', publicKey.export({ type: 'spki', format: 'der' }), ALG, true, ['verify']),
  };
  const notBefore = validity.notBefore ?? new Date('2020-01-01T00:00:00Z');
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: `CN=${meterId}`,
    notBefore,
    notAfter: validity.notAfter ?? new Date('2040-01-01T00:00:00Z'),
    keys: keys as never,
    signingAlgorithm: ALG,
  });
  return {
    meterId,
    certificatePem: cert.toString('pem'),
    privateKey,
    sign: (reading) => sign('sha256', Buffer.from(canonicalReading(reading), 'utf8'), privateKey).toString('base64'),
  };
}

/** A reading of `meter` for the interval starting at `intervalStart` (any RFC 3339 form; sent without fractional seconds). */
export function readingOf(meterId: string, intervalStart: string, importWh: number, exportWh: number, extra: Partial<Reading> = {}): Reading {
  return {
    meterId,
    intervalStart: new Date(intervalStart).toISOString().replace('.000Z', 'Z'),
    intervalMinutes: 60,
    importWh,
    exportWh,
    seq: 1,
    ...extra,
  };
}

export function signed(meter: TestMeter, reading: Reading): { reading: Reading; signature: string } {
  return { reading, signature: meter.sign(reading) };
}

/**
 * The same signature with S replaced by n − S: equally valid for ECDSA (the spec asks
 * the ledger to accept both forms), and different bytes.
 */
export function highS(signatureB64: string): string {
  const n = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');
  const der = Buffer.from(signatureB64, 'base64');
  // SEQUENCE { INTEGER r, INTEGER s }
  let i = 2;
  const rLen = der[i + 1];
  const r = der.subarray(i + 2, i + 2 + rLen);
  i = i + 2 + rLen;
  const sLen = der[i + 1];
  const s = BigInt(`0x${der.subarray(i + 2, i + 2 + sLen).toString('hex')}`);
  const flipped = n - s;
  const int = (v: bigint) => {
    let hex = v.toString(16);
    if (hex.length % 2) hex = `0${hex}`;
    let b = Buffer.from(hex, 'hex');
    if (b[0] & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
    return Buffer.concat([Buffer.from([0x02, b.length]), b]);
  };
  const body = Buffer.concat([Buffer.concat([Buffer.from([0x02, r.length]), r]), int(flipped)]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]).toString('base64');
}
