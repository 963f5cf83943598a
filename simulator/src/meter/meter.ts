/**
 * A meter holds its own P-256 key and a self-signed X.509 certificate (CN = meterId),
 * or one the Community CA issued for its CSR (meterCsr; `meter enrol`); the NA
 * registers the certificate, and the key never leaves the meter. The signature
 * is ECDSA P-256 / SHA-256 over the UTF-8 canonical JSON, base64 of its DER encoding.
 */
import 'reflect-metadata'; // @peculiar/x509 (tsyringe) needs the polyfill loaded first
import { createPrivateKey, createPublicKey, randomBytes, sign, verify, webcrypto, type KeyObject } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { canonicalReadingJson, METER_ID, type Reading, type SignedReading } from './reading';

x509.cryptoProvider.set(webcrypto as never);

type CryptoKeyPair = webcrypto.CryptoKeyPair;
const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const VALIDITY_DAYS = 3650;

export interface Meter {
  meterId: string;
  certificatePem: string;
  /** PKCS#8 PEM; present when the meter was made or loaded here (saveMeter needs it). */
  privateKeyPem?: string;
  /** Base64 of the DER ECDSA P-256/SHA-256 signature over canonicalReadingJson(reading). */
  sign(reading: Reading): string;
}

function assertMeterId(meterId: string): void {
  if (!METER_ID.test(meterId)) throw new Error(`meter id ${JSON.stringify(meterId)} must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit`);
}

function pemKey(der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN PRIVATE KEY-----\n${b64}\n-----END PRIVATE KEY-----\n`;
}

function serial(): string {
  const b = randomBytes(16);
  b[0] &= 0x7f; // positive
  return b.toString('hex');
}

/** A meter from its key and certificate; refuses a key that does not match the certificate. */
export function meterFromPem(meterId: string, certificatePem: string, privateKeyPem: string): Meter {
  assertMeterId(meterId);
  const key: KeyObject = createPrivateKey(privateKeyPem);
  const certKey = createPublicKey(certificatePem);
  const pub = createPublicKey(key);
  if (!pub.export({ format: 'der', type: 'spki' }).equals(certKey.export({ format: 'der', type: 'spki' }))) {
    throw new Error(`meter ${meterId}: the private key does not match the certificate`);
  }
  return {
    meterId,
    certificatePem,
    privateKeyPem,
    sign(reading: Reading): string {
      if (reading.meterId !== meterId) throw new Error(`meter ${meterId} cannot sign a reading of meter ${reading.meterId}`);
      return sign('sha256', Buffer.from(canonicalReadingJson(reading), 'utf8'), key).toString('base64');
    },
  };
}

/** A new meter: its own P-256 key and a self-signed certificate with CN = meterId. */
export async function createMeter(meterId: string): Promise<Meter> {
  assertMeterId(meterId);
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const notBefore = new Date(Date.now() - 60_000);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${meterId}`,
    notBefore,
    notAfter: new Date(notBefore.getTime() + VALIDITY_DAYS * 86_400_000),
    keys,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return meterFromPem(meterId, `${cert.toString('pem')}\n`, pemKey(pkcs8));
}

/**
 * A meter's enrolment id at the Community CA (the gateway's meterEnrollmentId): `@` is
 * outside the participant ids' characters, so it never collides with a participant's.
 */
export function meterEnrollmentId(meterId: string): string {
  return `${meterId}@meter`;
}

/**
 * A PKCS#10 request for the meter's own key, subject CN = its enrolment id (Fabric CA
 * signs a CSR only for the id enrolling): what POST /v1/meter-enrolments sends to the
 * CA. The key stays with the meter; only the request leaves.
 */
export async function meterCsr(meter: Meter): Promise<string> {
  if (!meter.privateKeyPem) throw new Error(`meter ${meter.meterId}: no private key to sign a CSR with`);
  const key = createPrivateKey(meter.privateKeyPem);
  const privateKey = await webcrypto.subtle.importKey('pkcs8', key.export({ format: 'der', type: 'pkcs8' }), ALG, false, ['sign']);
  const publicKey = await webcrypto.subtle.importKey('spki', createPublicKey(key).export({ format: 'der', type: 'spki' }), ALG, true, ['verify']);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: `CN=${meterEnrollmentId(meter.meterId)}`,
    keys: { privateKey, publicKey },
    signingAlgorithm: ALG,
  });
  return `${csr.toString('pem')}\n`;
}

/** Signs a reading with its meter: the `{reading, signature}` body of POST /v1/readings. */
export function signReading(meter: Meter, reading: Reading): SignedReading {
  return { reading, signature: meter.sign(reading) };
}

/** Whether `signature` is the certificate's key's signature over the reading's canonical bytes. */
export function verifyReading(reading: Reading, signature: string, certificatePem: string): boolean {
  return verify('sha256', Buffer.from(canonicalReadingJson(reading), 'utf8'), createPublicKey(certificatePem), Buffer.from(signature, 'base64'));
}
