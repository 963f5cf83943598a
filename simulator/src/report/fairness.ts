/**
 * How P2P's gain is shared among the homes (docs/study.md). A home's gain is its
 * balance with P2P (imbalance included) minus its grid-only bill, in µ; it may be
 * negative. The fairness index is the Gini coefficient of the gains, normalised by the
 * mean absolute gain so it stays in [0, 1] when some gains are losses:
 * G = Σᵢ Σⱼ |gᵢ − gⱼ| / (2 n Σᵢ |gᵢ|); 0 when every home gains the same, towards 1 when
 * a few homes take it all (for gains ≥ 0 it is the usual Gini). Pure.
 */
export interface Gains {
  minMicro: number;
  medianMicro: number;
  maxMicro: number;
  /** Share of homes with a gain > 0. */
  shareBetterOff: number;
  /** Gini of the gains (0 = equal); null when every gain is 0. */
  gini: number | null;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return 0;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : Math.round((s[m - 1] + s[m]) / 2);
}

/** Σᵢ Σⱼ |gᵢ − gⱼ| in O(n log n): over the sorted gains, 2 Σₖ (2k − n + 1) g₍ₖ₎. */
export function gini(gains: readonly number[]): number | null {
  const s = [...gains].sort((a, b) => a - b);
  const n = s.length;
  const abs = s.reduce((a, g) => a + Math.abs(g), 0);
  if (n === 0 || abs === 0) return null;
  const diffs = 2 * s.reduce((a, g, k) => a + (2 * k - n + 1) * g, 0);
  return Math.round((diffs / (2 * n * abs)) * 10_000) / 10_000;
}

export function fairness(gains: readonly number[]): Gains {
  return {
    minMicro: gains.length ? Math.min(...gains) : 0,
    medianMicro: median(gains),
    maxMicro: gains.length ? Math.max(...gains) : 0,
    shareBetterOff: gains.length ? Math.round((gains.filter((g) => g > 0).length / gains.length) * 10_000) / 10_000 : 0,
    gini: gini(gains),
  };
}
