/**
 * Reads a finished run's hours.csv and households.csv back into metrics rows, so its
 * charts can be re-rendered without running the markets again.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChartData } from '../charts/specs';
import { HomeRow, HourRow } from './metrics';

/** Our own CSVs only: no quoted commas or newlines in these columns. */
function parseCsv(text: string): Record<string, string>[] {
  const [head, ...lines] = text.trimEnd().split('\n');
  const cols = head.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
}

const TEXT = new Set(['deliveryStart', 'localDate', 'id', 'participantId', 'dwelling']);

function typed<T>(row: Record<string, string>): T {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, TEXT.has(k) ? v : v === '' ? null : Number(v)])) as T;
}

export function readMetrics(dir: string): ChartData {
  return {
    hours: parseCsv(readFileSync(join(dir, 'hours.csv'), 'utf8')).map((r) => typed<HourRow>(r)),
    homes: parseCsv(readFileSync(join(dir, 'households.csv'), 'utf8')).map((r) => typed<HomeRow>(r)),
  };
}
