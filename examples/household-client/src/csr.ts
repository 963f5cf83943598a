/**
 * A PKCS#10 certificate request for the household's key: what it sends to be enrolled
 * (the CA signs the public key; the private key stays here). The common name is the
 * participant id, which the chaincode's participants:Enrol checks.
 */
import 'reflect-metadata'; // @peculiar/x509 (tsyringe) needs the polyfill loaded first
import { createPublicKey, webcrypto, type KeyObject } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as never);

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

export async function createCsr(privateKey: KeyObject, commonName: string): Promise<string> {
  const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  const keys = {
    privateKey: (await webcrypto.subtle.importKey('pkcs8', pkcs8, ALG, false, ['sign'])) as webcrypto.CryptoKey,
    publicKey: (await webcrypto.subtle.importKey('spki', spki, ALG, true, ['verify'])) as webcrypto.CryptoKey,
  };
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name: `CN=${commonName}`, keys, signingAlgorithm: ALG });
  return `${csr.toString('pem')}\n`;
}
