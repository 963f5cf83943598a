/**
 * Meters (mechanisms.md §7): a participant's meter is a ledger fact the NA registers
 * with the meter's own X.509 certificate. The NA's registration is the trust anchor:
 * the certificate may be self-signed or CA-issued; the ledger checks only that it
 * carries an ECDSA P-256 key and is valid at registration.
 */
import { createHash, X509Certificate, type KeyObject } from 'node:crypto';
import { LedgerError } from './errors';

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
