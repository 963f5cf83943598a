/**
 * Input parsing for transaction arguments: JSON in, typed values out, or
 * INVALID_ARGUMENT naming the field. Chaincode trusts no client, the gateway included.
 */
import { LedgerError } from '../domain/errors';

export type Json = Record<string, unknown>;

export function parseObject(raw: string, what: string): Json {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new LedgerError('INVALID_ARGUMENT', `${what} is not valid JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new LedgerError('INVALID_ARGUMENT', `${what} must be a JSON object`);
  }
  return value as Json;
}

/** Refuses fields the transaction does not know, so a typo never passes silently. */
export function onlyFields(obj: Json, allowed: readonly string[], what: string): void {
  for (const k of Object.keys(obj).sort()) {
    if (!allowed.includes(k)) throw new LedgerError('INVALID_ARGUMENT', `${what}: unknown field "${k}"`);
  }
}

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function id(value: unknown, field: string): string {
  if (typeof value !== 'string' || !ID.test(value)) {
    throw new LedgerError('INVALID_ARGUMENT', `${field} must be 1-64 characters of letters, digits, '.', '_' or '-', starting with a letter or digit`);
  }
  return value;
}

export function text(value: unknown, field: string, max = 200): string {
  if (typeof value !== 'string' || value.trim().length === 0 || value.length > max) {
    throw new LedgerError('INVALID_ARGUMENT', `${field} must be a non-empty string of at most ${max} characters`);
  }
  return value;
}

export function int(value: unknown, field: string, min: number, max: number = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new LedgerError('INVALID_ARGUMENT', `${field} must be an integer between ${min} and ${max}`);
  }
  return value;
}

export function optional<T>(value: unknown, parse: (v: unknown) => T): T | undefined {
  return value === undefined || value === null ? undefined : parse(value);
}

export function oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new LedgerError('INVALID_ARGUMENT', `${field} must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}

const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

/** An RFC 3339 UTC instant, normalised to millisecond ISO form. */
export function instant(value: unknown, field: string): string {
  if (typeof value !== 'string' || !RFC3339_UTC.test(value)) {
    throw new LedgerError('INVALID_ARGUMENT', `${field} must be an RFC 3339 UTC time like 2026-06-21T10:00:00Z`);
  }
  const ms = Date.parse(value);
  // Date.parse rolls impossible dates over (2026-02-30 → 2026-03-02): the calendar date must survive the round trip.
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 19) !== value.slice(0, 19) || value.slice(11, 13) === '24') {
    throw new LedgerError('INVALID_ARGUMENT', `${field} is not a valid date and time: ${value}`);
  }
  return new Date(ms).toISOString();
}
