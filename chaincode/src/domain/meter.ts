/**
 * Meters (mechanisms.md §7): a participant's meter is a ledger fact the NA registers
 * with the meter's own X.509 certificate. The NA's registration is the trust anchor:
 * the certificate may be self-signed or CA-issued; the ledger checks that it carries
 * an ECDSA P-256 key, is valid at registration and, when it carries Fabric CA
 * attributes, that they make it this meter's certificate (requireMeterAttributes).
 */
import { createHash, X509Certificate, type KeyObject } from 'node:crypto';
import { CertificateDerError, fabricAttributes } from './certificate-attributes';
import { LedgerError } from './errors';

/** The attribute a meter's CA-issued certificate carries: its meter id (Fabric CA `ecch.meter=<meterId>:ecert`). */
export const METER_ATTRIBUTE = 'ecch.meter';
/** The attribute of participants' and the NA's identities (roles.ts ROLE_ATTRIBUTE); never a meter's. */
const ROLE_ATTRIBUTE = 'ecch.role';

export const METER_STATUSES = ['active', 'replaced'] as const;
export type MeterStatus = (typeof METER_STATUSES)[number];

/** A PEM certificate is ~1 KiB; a chain or a bundle is not a meter's certificate. */
export const MAX_CERTIFICATE_CHARS = 8 * 1024;

export interface Meter {
  meterId: string;
  participantId: string;
  /** The meter's X.509 certificate (PEM) as registered; readings verify against its key. */
  certificate: string;
  /** Hex SHA-256 of the certificate's SubjectPublicKeyInfo: one key, one meter. */
  publicKey: string;
  status: MeterStatus;
  registeredAt: string;
  /** The certificate's validity, as the ledger read it at registration. */
  notBefore: string;
  notAfter: string;
  /** The meter this one replaced for the same participant. */
  replaces?: string;
  replacedAt?: string;
  replacedBy?: string;
}

export interface MeterCertificate {
  key: KeyObject;
  /** The certificate's DER. */
  raw: Buffer;
  publicKey: string;
  notBefore: string;
  notAfter: string;
}

function invalid(detail: string): LedgerError {
  return new LedgerError('INVALID_ARGUMENT', `certificate: ${detail}`);
}

/** Parses a meter certificate: PEM, an ECDSA P-256 key. INVALID_ARGUMENT otherwise. */
export function parseMeterCertificate(pem: unknown): MeterCertificate {
  if (typeof pem !== 'string' || pem.length === 0 || pem.length > MAX_CERTIFICATE_CHARS || !pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw invalid(`must be one X.509 certificate in PEM (at most ${MAX_CERTIFICATE_CHARS} characters)`);
  }
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch {
    throw invalid('is not a readable X.509 certificate');
  }
  const key = cert.publicKey;
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw invalid('the meter key must be ECDSA P-256');
  }
  const spki = key.export({ type: 'spki', format: 'der' });
  return {
    key,
    raw: cert.raw,
    publicKey: createHash('sha256').update(spki).digest('hex'),
    notBefore: new Date(Date.parse(cert.validFrom)).toISOString(),
    notAfter: new Date(Date.parse(cert.validTo)).toISOString(),
  };
}

/** A certificate outside its validity period at `now` (the transaction time) is refused. */
export function requireValidAt(c: MeterCertificate, now: string): void {
  if (now < c.notBefore || now > c.notAfter) {
    throw invalid(`valid from ${c.notBefore} to ${c.notAfter}, not at ${now}`);
  }
}

/**
 * A certificate with Fabric CA attributes must be a meter's, for this meter: one
 * carrying `ecch.role` is a participant's or the NA's identity, and one carrying
 * `ecch.meter` names the meter the CA enrolled it for. A certificate without the
 * extension (self-signed, or from a utility's own meter CA) passes: the NA's
 * registration is what binds it.
 */
export function requireMeterAttributes(c: MeterCertificate, meterId: string): void {
  let attrs: Record<string, string> | undefined;
  try {
    attrs = fabricAttributes(c.raw);
  } catch (err) {
    if (err instanceof CertificateDerError) throw invalid(`its Fabric attribute extension is unreadable (${err.message})`);
    throw err;
  }
  if (!attrs) return;
  if (Object.prototype.hasOwnProperty.call(attrs, ROLE_ATTRIBUTE)) {
    throw invalid(`carries ${ROLE_ATTRIBUTE}=${attrs[ROLE_ATTRIBUTE]}: it is a participant's or the NA's identity, not a meter's certificate`);
  }
  if (Object.prototype.hasOwnProperty.call(attrs, METER_ATTRIBUTE) && attrs[METER_ATTRIBUTE] !== meterId) {
    throw invalid(`was enrolled for meter ${attrs[METER_ATTRIBUTE]} (${METER_ATTRIBUTE}), not ${meterId}`);
  }
}
