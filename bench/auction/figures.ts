/**
 * The load study's figures, pure: per round (one auction, N agents bidding once at
 * once) the success rate (bids accepted / bids sent) and seed 003's average execution
 * time AET = Σ(t_confirm − t_input) / count over the accepted bids; per N the pooled
 * figures and min / median / max over the repetitions.
 */
import type { Sample } from '../concurrency/sample';
import { percentile } from '../concurrency/stats';

export interface RoundFigures {
  sent: number;
  accepted: number;
  successPct: number;
  /** Mean request → committed answer over accepted bids (ms); null when none was accepted. */
  aetMs: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  maxMs: number | null;
  /** First bid sent → last answer (ms). */
  wallMs: number;
  failures: Record<string, number>;
  /** One failure message per code, to say what the code hides (e.g. which deadline passed). */
  failureExamples: Record<string, string>;
}

const r1 = (x: number) => Math.round(x * 10) / 10;

export function roundFigures(samples: readonly Sample[]): RoundFigures {
  const sent = samples.filter((s) => !s.skipped);
  const ok = sent.filter((s) => s.ok);
  const lat = ok.map((s) => s.endMs - s.startMs);
  const failures: Record<string, number> = {};
  const failureExamples: Record<string, string> = {};
  for (const s of samples.filter((x) => !x.ok)) {
    const code = s.code ?? 'UNKNOWN';
    failures[code] = (failures[code] ?? 0) + 1;
    failureExamples[code] ??= s.detail ?? '';
  }
  const start = Math.min(...sent.map((s) => s.startMs));
  const end = Math.max(...sent.map((s) => s.endMs));
  return {
    sent: sent.length,
    accepted: ok.length,
    successPct: sent.length === 0 ? 0 : r1((100 * ok.length) / sent.length),
    aetMs: lat.length === 0 ? null : r1(lat.reduce((a, b) => a + b, 0) / lat.length),
    p50Ms: lat.length === 0 ? null : r1(percentile(lat, 50)),
    p95Ms: lat.length === 0 ? null : r1(percentile(lat, 95)),
    maxMs: lat.length === 0 ? null : r1(Math.max(...lat)),
    wallMs: sent.length === 0 ? 0 : r1(end - start),
    failures,
    failureExamples,
  };
}

export interface Spread {
  min: number;
  median: number;
  max: number;
}

/** min / median (lower middle for an even count, so it is a value that was observed) / max. */
export function spread(values: readonly number[]): Spread | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return { min: sorted[0] as number, median: sorted[Math.floor((sorted.length - 1) / 2)] as number, max: sorted[sorted.length - 1] as number };
}

export interface PooledFigures {
  agents: number;
  repetitions: number;
  sent: number;
  accepted: number;
  successPct: number;
  /** AET over every accepted bid of every repetition (ms). */
  aetMs: number | null;
  aetSpreadMs: Spread | null;
  successSpreadPct: Spread | null;
  failures: Record<string, number>;
}

export function pool(agents: number, rounds: readonly RoundFigures[]): PooledFigures {
  const sent = rounds.reduce((a, r) => a + r.sent, 0);
  const accepted = rounds.reduce((a, r) => a + r.accepted, 0);
  const weighted = rounds.reduce((a, r) => a + (r.aetMs ?? 0) * r.accepted, 0);
  const failures: Record<string, number> = {};
  for (const r of rounds) for (const [k, v] of Object.entries(r.failures)) failures[k] = (failures[k] ?? 0) + v;
  return {
    agents,
    repetitions: rounds.length,
    sent,
    accepted,
    successPct: sent === 0 ? 0 : r1((100 * accepted) / sent),
    aetMs: accepted === 0 ? null : r1(weighted / accepted),
    aetSpreadMs: spread(rounds.map((r) => r.aetMs).filter((x): x is number => x !== null)),
    successSpreadPct: spread(rounds.map((r) => r.successPct)),
    failures,
  };
}

/** §5's level from the accepted maxima alone (it does not depend on who placed them). */
export function levelOf(reservePrice: number, increment: number, maxima: readonly number[]): number | null {
  const sorted = [...maxima].sort((a, b) => b - a);
  const [first, second] = sorted;
  if (first === undefined) return null;
  if (second === undefined) return reservePrice;
  return Math.max(reservePrice, Math.min(first, second + increment));
}
