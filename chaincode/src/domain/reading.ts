/**
 * Meter readings (mechanisms.md §7): the shape a meter signs, its canonical bytes and
 * the signature check. Pure and deterministic: node:crypto's ECDSA verification gives
 * the same answer on every endorser, and nothing here reads a clock.
 */
import { createHash, verify, type KeyObject } from 'node:crypto';
import { LedgerError } from './errors';

/** One interval's metered energy, integers ≥ 0; `seq` is the meter's own counter (informational). */
export interface Reading {
  meterId: string;
  /** `YYYY-MM-DDTHH:MM:SSZ`: UTC, no fractional seconds. */
  intervalStart: string;
  intervalMinutes: number;
  importWh: number;
  exportWh: number;
  seq: number;
}

/** The six fields, in code-point order: the canonical JSON's key order. */
export const READING_FIELDS = ['exportWh', 'importWh', 'intervalMinutes', 'intervalStart', 'meterId', 'seq'] as const;

/** Far above any household's interval (1 GWh), so sums and products stay exact. */
export const MAX_READING_WH = 1_000_000_000;
const METER_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const INTERVAL_START = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
/** A DER ECDSA P-256 signature is at most 72 bytes: 96 base64 characters; anything far longer is no signature. */
const MAX_SIGNATURE_CHARS = 200;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function invalid(detail: string): LedgerError {
  return new LedgerError('INVALID_ARGUMENT', `reading: ${detail}`);
}

function count(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw invalid(`${field} must be an integer between ${min} and ${max}`);
  }
  return value;
}

/** A reading's fields checked and copied: exactly the six, each of its type (INVALID_ARGUMENT otherwise). */
export function parseReading(value: unknown): Reading {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid('must be a JSON object');
  const o = value as Record<string, unknown>;
  for (const k of Object.keys(o).sort()) {
    if (!(READING_FIELDS as readonly string[]).includes(k)) throw invalid(`unknown field "${k}"`);
  }
  if (typeof o.meterId !== 'string' || !METER_ID.test(o.meterId)) {
    throw invalid("meterId must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
  }
  if (typeof o.intervalStart !== 'string' || !INTERVAL_START.test(o.intervalStart)) {
    throw invalid('intervalStart must be a UTC instant YYYY-MM-DDTHH:MM:SSZ (no fractional seconds)');
  }
  const ms = Date.parse(o.intervalStart);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 19) !== o.intervalStart.slice(0, 19)) {
    throw invalid(`intervalStart is not a valid date and time: ${o.intervalStart}`);
  }
  return {
    meterId: o.meterId,
    intervalStart: o.intervalStart,
    intervalMinutes: count(o.intervalMinutes, 'intervalMinutes', 1, 24 * 60),
    importWh: count(o.importWh, 'importWh', 0, MAX_READING_WH),
    exportWh: count(o.exportWh, 'exportWh', 0, MAX_READING_WH),
    seq: count(o.seq, 'seq', 0, Number.MAX_SAFE_INTEGER),
  };
}

/**
 * What the meter signs: the UTF-8 of `JSON.stringify` of the key-sorted object, no
 * whitespace. The keys are ASCII, so the fixed order above is code-point order.
 */
export function canonicalReading(r: Reading): string {
  const sorted: Record<string, unknown> = {};
  for (const k of READING_FIELDS) sorted[k] = r[k];
  return JSON.stringify(sorted);
}

/** Hex SHA-256 of the canonical bytes: two readings are the same reading exactly when these match. */
export function readingDigest(r: Reading): string {
  return createHash('sha256').update(canonicalReading(r), 'utf8').digest('hex');
}

/** The interval start as the ledger writes instants (millisecond ISO), to meet the market's deliveryStart. */
export function intervalStartKey(r: Reading): string {
  return new Date(Date.parse(r.intervalStart)).toISOString();
}

/** The signature as sent: base64 (of DER), bounded; INVALID_ARGUMENT when it is not even that. */
export function parseSignature(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_SIGNATURE_CHARS || !BASE64.test(value)) {
    throw invalid(`signature must be base64 of a DER ECDSA signature (at most ${MAX_SIGNATURE_CHARS} characters)`);
  }
  return value;
}

/**
 * ECDSA P-256 / SHA-256 over the canonical bytes, base64 of DER. OpenSSL accepts high-S
 * as well as low-S signatures (the spec asks for both). BAD_SIGNATURE when it fails.
 */
export function requireSignedBy(r: Reading, signature: string, key: KeyObject): void {
  let ok = false;
  try {
    ok = verify('sha256', Buffer.from(canonicalReading(r), 'utf8'), { key, dsaEncoding: 'der' }, Buffer.from(signature, 'base64'));
  } catch {
    ok = false; // a malformed DER structure is a failed signature, not a crash
  }
  if (!ok) throw new LedgerError('BAD_SIGNATURE', `the signature does not verify against the certificate of meter ${r.meterId}`);
}
