/**
 * Fabric CA's attribute extension (OID 1.2.3.4.5.6.7.8.1, its value the JSON
 * `{"attrs":{...}}`) read from any certificate's DER, not only the caller's: fabric-shim's
 * ClientIdentity reads it for the submitter, and node:crypto's X509Certificate exposes
 * no extensions, so this walks the few DER structures down to it. Pure and
 * deterministic (a byte walk, no clock, no floating point).
 */

/** 06 08 2a 03 04 05 06 07 08 01: the DER of OID 1.2.3.4.5.6.7.8.1. */
const ATTR_OID = Buffer.from([0x06, 0x08, 0x2a, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x01]);

const SEQUENCE = 0x30;
const OCTET_STRING = 0x04;
const BOOLEAN = 0x01;
const EXTENSIONS = 0xa3; // [3] EXPLICIT in TBSCertificate

export class CertificateDerError extends Error {}

interface Tlv {
  tag: number;
  /** Offset of the value's first byte. */
  start: number;
  /** Offset just past the value. */
  end: number;
}

function tlv(der: Buffer, at: number, limit: number): Tlv {
  if (at + 2 > limit) throw new CertificateDerError('truncated DER');
  const tag = der[at];
  let length = der[at + 1];
  let start = at + 2;
  if (length & 0x80) {
    const n = length & 0x7f;
    if (n === 0 || n > 3 || start + n > limit) throw new CertificateDerError('unsupported DER length');
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + der[start + i];
    start += n;
  }
  const end = start + length;
  if (end > limit) throw new CertificateDerError('DER length runs past its container');
  return { tag, start, end };
}

function children(der: Buffer, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let at = parent.start; at < parent.end; ) {
    const child = tlv(der, at, parent.end);
    out.push(child);
    at = child.end;
  }
  return out;
}

/**
 * The Fabric attributes a certificate (DER) carries, or undefined when it has no
 * attribute extension (a self-signed meter certificate, say). A malformed extension
 * is a CertificateDerError: the caller refuses the certificate.
 */
export function fabricAttributes(der: Buffer): Record<string, string> | undefined {
  const cert = tlv(der, 0, der.length);
  if (cert.tag !== SEQUENCE) throw new CertificateDerError('not a DER certificate');
  const tbs = children(der, cert)[0];
  if (!tbs || tbs.tag !== SEQUENCE) throw new CertificateDerError('no TBSCertificate');
  const extensions = children(der, tbs).find((c) => c.tag === EXTENSIONS);
  if (!extensions) return undefined;
  const list = children(der, extensions)[0];
  if (!list || list.tag !== SEQUENCE) throw new CertificateDerError('malformed extensions');
  for (const ext of children(der, list)) {
    const parts = children(der, ext);
    const oid = parts[0];
    if (!oid || !der.subarray(oid.start - 2, oid.end).equals(ATTR_OID)) continue;
    const value = parts.find((p, i) => i > 0 && p.tag !== BOOLEAN);
    if (!value || value.tag !== OCTET_STRING) throw new CertificateDerError('malformed attribute extension');
    let parsed: unknown;
    try {
      parsed = JSON.parse(der.subarray(value.start, value.end).toString('utf8'));
    } catch {
      throw new CertificateDerError('the attribute extension is not JSON');
    }
    const attrs = (parsed as { attrs?: unknown } | null)?.attrs;
    if (!attrs || typeof attrs !== 'object' || Array.isArray(attrs)) throw new CertificateDerError('the attribute extension has no attrs object');
    const out: Record<string, string> = {};
    for (const [name, v] of Object.entries(attrs as Record<string, unknown>)) {
      if (typeof v !== 'string') throw new CertificateDerError(`attribute ${name} is not a string`);
      out[name] = v;
    }
    return out;
  }
  return undefined;
}
