/**
 * Latency statistics. Percentiles use the nearest-rank method (the smallest value
 * with at least p % of the samples at or below it), so every reported figure is a
 * latency that was really observed, never an interpolation between two.
 */

/** Nearest-rank percentile of `values` (any order); NaN when there are none. */
export function percentile(values: readonly number[], p: number): number {
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[rank - 1] as number;
}

export interface LatencySummary {
  count: number;
  meanMs: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
}

const round1 = (x: number) => (Number.isFinite(x) ? Math.round(x * 10) / 10 : null);

/** Mean, p50/p95/p99 and max in ms, rounded to 0.1 ms; null figures when there are no samples. */
export function summarize(values: readonly number[]): LatencySummary {
  const mean = values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
  const max = values.length === 0 ? Number.NaN : values.reduce((a, b) => Math.max(a, b), -Infinity);
  return {
    count: values.length,
    meanMs: round1(mean),
    p50Ms: round1(percentile(values, 50)),
    p95Ms: round1(percentile(values, 95)),
    p99Ms: round1(percentile(values, 99)),
    maxMs: round1(max),
  };
}
