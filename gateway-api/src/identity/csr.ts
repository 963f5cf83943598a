/**
 * PKCS#10 certificate requests: how a key holder asks a CA for a certificate without
 * showing the key. The gateway makes one for each identity whose key it keeps (the
 * NA, custodial households); a self-custody household makes its own, and the
 * in-process CA reads it (checks its signature, takes its public key and common name).
 */
import 'reflect-metadata'; // @peculiar/x509 (tsyringe) needs the polyfill loaded first
import { createHash, createPrivateKey, createPublicKey, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as never);

type CryptoKey = webcrypto.CryptoKey;
const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/** A CSR that cannot be used: not PEM/DER PKCS#10, not ECDSA P-256, a bad self-signature, no common name. */
export class CsrError extends Error {}

/** A new P-256 key (PKCS#8 PEM) and a CSR for `commonName` signed with it. */
export async function newKeyAndCsr(commonName: string): Promise<{ privateKey: string; csr: string }> {
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const privateKey = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }).export({ format: 'pem', type: 'pkcs8' }).toString();
  // Signed with the key pair just made: no PEM round trip (a registration's largest CPU cost after the CA's signature).
  return { privateKey, csr: await csrWith(keys, commonName) };
}

async function csrWith(keys: { privateKey: CryptoKey; publicKey: CryptoKey }, commonName: string): Promise<string> {
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name: `CN=${commonName}`, keys, signingAlgorithm: ALG });
  return csr.toString('pem') + '\n';
}

/** A CSR for `commonName` signed with an existing key (PKCS#8 or SEC1 PEM). */
export async function csrFor(privateKeyPem: string, commonName: string): Promise<string> {
  const key = createPrivateKey(privateKeyPem);
  const privateKey = (await webcrypto.subtle.importKey('pkcs8', key.export({ format: 'der', type: 'pkcs8' }), ALG, false, ['sign'])) as CryptoKey;
  const spki = createPublicKey(key).export({ format: 'der', type: 'spki' });
  const publicKey = (await webcrypto.subtle.importKey('spki', spki, ALG, true, ['verify'])) as CryptoKey;
  return csrWith({ privateKey, publicKey }, commonName);
}

export interface CsrFacts {
  commonName: string;
  publicKey: CryptoKey;
  /** Hex SHA-256 of the SubjectPublicKeyInfo (what the chaincode pins a self-bound participant to). */
  publicKeySha256: string;
}

/** Parses and checks a CSR: PKCS#10, ECDSA P-256, a valid self-signature, one common name. */
export async function readCsr(pem: string): Promise<CsrFacts> {
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(pem);
  } catch (err) {
    throw new CsrError(`csr is not a PKCS#10 certificate request (${(err as Error).message})`);
  }
  const alg = csr.publicKey.algorithm as { name?: string; namedCurve?: string };
  if (alg.name !== 'ECDSA' || alg.namedCurve !== 'P-256') throw new CsrError('csr: the key must be ECDSA P-256');
  if (!(await csr.verify())) throw new CsrError('csr: its signature does not verify with its own public key');
  const names = csr.subjectName.getField('CN');
  if (names.length !== 1) throw new CsrError('csr: the subject must carry exactly one common name (CN)');
  const publicKey = await csr.publicKey.export(ALG, ['verify']);
  const publicKeySha256 = createHash('sha256').update(Buffer.from(csr.publicKey.rawData)).digest('hex');
  return { commonName: names[0], publicKey, publicKeySha256 };
}

/** Hex SHA-256 of a certificate's SubjectPublicKeyInfo. */
export function certificateKeySha256(certificatePem: string): string {
  const spki = createPublicKey(certificatePem).export({ format: 'der', type: 'spki' });
  return createHash('sha256').update(spki).digest('hex');
}
