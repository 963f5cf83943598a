/**
 * Canonical JSON: keys sorted at every level, so every endorsing peer writes the
 * same bytes for the same record.
 */
import stringify from 'json-stringify-deterministic';

export function canonicalJson(value: unknown): string {
  return stringify(value);
}

export function toBytes(value: unknown): Uint8Array {
  return Buffer.from(canonicalJson(value), 'utf8');
}

export function fromBytes<T>(bytes: Uint8Array): T {
  return JSON.parse(Buffer.from(bytes).toString('utf8')) as T;
}
