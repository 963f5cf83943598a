/**
 * A meter reading and its canonical bytes (mechanisms.md §7): what the meter signs and
 * the chaincode verifies, so both sides must produce exactly the same text.
 */

/** One interval's metered energy, integers ≥ 0; `seq` is the meter's own counter. */
export interface Reading {
  meterId: string;
  /** `YYYY-MM-DDTHH:MM:SSZ`: UTC, no fractional seconds. */
  intervalStart: string;
  intervalMinutes: number;
  importWh: number;
  exportWh: number;
  seq: number;
}

/** A reading as submitted: the reading and base64 of the DER ECDSA signature over its canonical JSON. */
export interface SignedReading {
  reading: Reading;
  signature: string;
}

export const READING_FIELDS = ['exportWh', 'importWh', 'intervalMinutes', 'intervalStart', 'meterId', 'seq'] as const;
export const METER_ID = /^[A-Za-z0-9._-]+$/;
export const INTERVAL_START = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/**
 * The reading's canonical JSON: only its six fields, keys sorted by code point, no
 * whitespace (`JSON.stringify` of the key-sorted object). All keys are ASCII, so the
 * default sort (UTF-16 code units) is code-point order.
 */
export function canonicalReadingJson(reading: Reading): string {
  const sorted: Record<string, unknown> = {};
  for (const key of [...READING_FIELDS].sort()) sorted[key] = reading[key];
  return JSON.stringify(sorted);
}

/** Why a reading is not well formed, or null: the same rules the chaincode applies. */
export function readingProblem(reading: Partial<Record<keyof Reading, unknown>>): string | null {
  if (typeof reading.meterId !== 'string' || !METER_ID.test(reading.meterId)) return 'meterId must be a non-empty string of [A-Za-z0-9._-]';
  if (typeof reading.intervalStart !== 'string' || !INTERVAL_START.test(reading.intervalStart) || Number.isNaN(Date.parse(reading.intervalStart))) {
    return 'intervalStart must be a UTC instant YYYY-MM-DDTHH:MM:SSZ';
  }
  if (new Date(reading.intervalStart).toISOString().replace('.000Z', 'Z') !== reading.intervalStart) return 'intervalStart is not a valid date';
  for (const key of ['intervalMinutes', 'importWh', 'exportWh', 'seq'] as const) {
    const v = reading[key];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) return `${key} must be an integer ≥ 0`;
  }
  if ((reading.intervalMinutes as number) < 1) return 'intervalMinutes must be ≥ 1';
  return null;
}
