/**
 * min / median / max of a figure across repetitions: the targets must hold
 * in every repetition, so a figure is reported as its spread, never pooled.
 * The median is nearest-rank (an observed repetition's value), like every
 * percentile of the benchmark.
 */
import { percentile } from './stats';

export interface Spread {
  min: number;
  median: number;
  max: number;
  n: number;
}

export function spread(values: readonly (number | null | undefined)[]): Spread | null {
  const xs = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (xs.length === 0) return null;
  return { min: Math.min(...xs), median: percentile(xs, 50), max: Math.max(...xs), n: xs.length };
}

/** "min / median / max" with `digits` decimals, or '–'. */
export function spreadText(s: Spread | null, digits = 0, unit = ''): string {
  if (!s) return '–';
  const f = (x: number) => x.toFixed(digits);
  return s.n === 1 ? `${f(s.median)}${unit}` : `${f(s.min)} / ${f(s.median)} / ${f(s.max)}${unit}`;
}
