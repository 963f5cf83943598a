/**
 * Issues X.509 client certificates the way a Fabric CA enrolment does: ECDSA P-256,
 * signed by the organisation's CA, NodeOU `client`, and Fabric CA's attribute
 * extension (OID 1.2.3.4.5.6.7.8.1, JSON `{"attrs":{…}}`) so chaincode reads roles with
 * ClientIdentity.getAttributeValue().
 *
 * Used by the embedded ledger's in-process CA (in-process-ca.ts) and by tests. On a
 * Fabric network the gateway never issues: the organisation's Fabric CA does, and the
 * gateway holds no CA key (fabric-ca-client.ts).
 */
import 'reflect-metadata'; // @peculiar/x509 (tsyringe) needs the polyfill loaded first
import { webcrypto, randomBytes, createPrivateKey } from 'node:crypto';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as never);

/** Fabric CA's attribute extension OID (read by fabric-shim's ClientIdentity). */
export const FABRIC_ATTR_OID = '1.2.3.4.5.6.7.8.1';
const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

export interface CertificateAuthority {
  certificate: string;
  privateKey: string;
}

export interface IssuedIdentity {
  certificate: string;
  privateKey: string;
}

export interface IdentityRequest {
  commonName: string;
  /** Fabric NodeOU: 'client' for households and the NA, 'admin' for org admins. */
  nodeOu?: 'client' | 'admin' | 'peer' | 'orderer';
  /** Certificate attributes, e.g. { 'ecch.role': 'na' }. */
  attrs?: Record<string, string>;
  /** Validity in days (default 3650). */
  days?: number;
}

function pemKey(der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN PRIVATE KEY-----\n${b64}\n-----END PRIVATE KEY-----\n`;
}

async function importSigningKey(pem: string): Promise<CryptoKey> {
  // Accepts PKCS#8 or SEC1 ("EC PRIVATE KEY", as cryptogen writes) and normalises to PKCS#8.
  const der = createPrivateKey(pem).export({ format: 'der', type: 'pkcs8' });
  return webcrypto.subtle.importKey('pkcs8', der, ALG, true, ['sign']) as Promise<CryptoKey>;
}

function serial(): string {
  const b = randomBytes(16);
  b[0] &= 0x7f; // positive
  return b.toString('hex');
}

function validity(days: number): { notBefore: Date; notAfter: Date } {
  const notBefore = new Date(Date.now() - 60_000);
  return { notBefore, notAfter: new Date(notBefore.getTime() + days * 86_400_000) };
}

/** A new self-signed organisation CA (the embedded ledger's root of trust). */
export async function createCertificateAuthority(commonName: string, organisation: string): Promise<CertificateAuthority> {
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const name = `CN=${commonName}, O=${organisation}`;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name,
    ...validity(3650),
    keys,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { certificate: cert.toString('pem') + '\n', privateKey: pemKey(pkcs8) };
}

/**
 * The issued certificate's authority key id must be the CA certificate's own subject
 * key id (RFC 5280 §4.2.1.1), not recomputed: cryptogen's CAs use SHA-256 of the key
 * where x509 tools default to SHA-1, and OpenSSL-based verifiers (`openssl verify`,
 * Node's checkIssued) find no issuer when the two differ.
 */
async function authorityKeyIdentifier(caCert: x509.X509Certificate): Promise<x509.AuthorityKeyIdentifierExtension> {
  const ski = caCert.getExtension(x509.SubjectKeyIdentifierExtension);
  return ski ? new x509.AuthorityKeyIdentifierExtension(ski.keyId, false) : x509.AuthorityKeyIdentifierExtension.create(caCert, false);
}

/** Issues a client identity signed by `ca`, with a new key pair and Fabric CA-style attributes. */
export async function issueIdentity(ca: CertificateAuthority, req: IdentityRequest): Promise<IssuedIdentity> {
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const certificate = await issueCertificate(ca, req, keys.publicKey);
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { certificate, privateKey: pemKey(pkcs8) };
}

/** Signs a client certificate for `publicKey` (e.g. a CSR's): the holder of its private key is the identity. */
/** A CA's parsed certificate, signing key and authority key id, made once per CA (each costs an ASN.1 parse or a key import). */
const signers = new Map<string, Promise<{ caCert: x509.X509Certificate; caKey: CryptoKey; aki: x509.AuthorityKeyIdentifierExtension }>>();

function signerOf(ca: CertificateAuthority) {
  const id = `${ca.certificate}\n${ca.privateKey}`;
  let signer = signers.get(id);
  if (!signer) {
    signer = (async () => {
      const caCert = new x509.X509Certificate(ca.certificate);
      return { caCert, caKey: await importSigningKey(ca.privateKey), aki: await authorityKeyIdentifier(caCert) };
    })();
    signer.catch(() => signers.delete(id));
    signers.set(id, signer);
  }
  return signer;
}

export async function issueCertificate(ca: CertificateAuthority, req: IdentityRequest, publicKey: CryptoKey): Promise<string> {
  const { caCert, caKey, aki } = await signerOf(ca);
  const ou = req.nodeOu ?? 'client';
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    await x509.SubjectKeyIdentifierExtension.create(publicKey),
    aki,
  ];
  if (req.attrs && Object.keys(req.attrs).length > 0) {
    const json = JSON.stringify({ attrs: req.attrs });
    extensions.push(new x509.Extension(FABRIC_ATTR_OID, false, Buffer.from(json, 'utf8')));
  }
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${req.commonName}, OU=${ou}`,
    issuer: caCert.subject,
    ...validity(req.days ?? 3650),
    publicKey,
    signingKey: caKey,
    signingAlgorithm: ALG,
    extensions,
  });
  return cert.toString('pem') + '\n';
}
