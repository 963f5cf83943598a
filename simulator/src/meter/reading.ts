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
/** As the chaincode: 1–64 of [A-Za-z0-9._-], starting with a letter or digit. */
export const METER_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** The chaincode's bound on a reading's Wh (1 GWh) and interval (a day). */
export const MAX_READING_WH = 1_000_000_000;
export const MAX_INTERVAL_MINUTES = 24 * 60;
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
  if (typeof reading.meterId !== 'string' || !METER_ID.test(reading.meterId)) return "meterId must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit";
  if (typeof reading.intervalStart !== 'string' || !INTERVAL_START.test(reading.intervalStart) || Number.isNaN(Date.parse(reading.intervalStart))) {
    return 'intervalStart must be a UTC instant YYYY-MM-DDTHH:MM:SSZ';
  }
  if (new Date(reading.intervalStart).toISOString().replace('.000Z', 'Z') !== reading.intervalStart) return 'intervalStart is not a valid date';
  const bounds = { intervalMinutes: [1, MAX_INTERVAL_MINUTES], importWh: [0, MAX_READING_WH], exportWh: [0, MAX_READING_WH], seq: [0, Number.MAX_SAFE_INTEGER] } as const;
  for (const [key, [min, max]] of Object.entries(bounds)) {
    const v = reading[key as keyof typeof bounds];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) return `${key} must be an integer between ${min} and ${max}`;
  }
  return null;
}
