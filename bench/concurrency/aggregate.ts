/**
 * Samples of one round → the figures the report shows: success split per
 * operation with the codes of failures, throughput over the round's wall time,
 * and request-to-commit latency of the accepted requests.
 */
import { latencyOf, type Sample } from './sample';
import { percentile, summarize, type LatencySummary } from './stats';

export interface OpFigures {
  /** Requests meant to be sent (attempted + skipped). */
  intended: number;
  attempted: number;
  accepted: number;
  /** accepted / attempted; null when nothing was attempted. */
  successRate: number | null;
  /** Not sent because an earlier step of the same agent failed. */
  skipped: number;
  /** Failure code → count. */
  failures: Record<string, number>;
  /** Failure code → the message of its first occurrence. */
  examples: Record<string, string>;
  /** Latency of accepted requests. */
  latency: LatencySummary;
}

export interface RoundFigures {
  agents: number;
  intended: number;
  attempted: number;
  accepted: number;
  successRate: number | null;
  failures: Record<string, number>;
  examples: Record<string, string>;
  /** First request sent → last answer received. */
  wallMs: number;
  /** Accepted requests per second of wall time. */
  throughputPerS: number;
  latency: LatencySummary;
  ops: Record<string, OpFigures>;
  /** Each repetition's own figures, when the round was repeated. */
  reps?: RepFigures[];
}

export interface RepFigures {
  accepted: number;
  intended: number;
  wallMs: number;
  throughputPerS: number;
  p95Ms: number | null;
  p50Ms?: number | null;
  meanMs?: number | null;
  maxMs?: number | null;
}

const rate = (accepted: number, attempted: number) => (attempted === 0 ? null : Math.round((accepted / attempted) * 1e4) / 1e4);

function countCodes(samples: readonly Sample[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of samples) if (!s.ok && !s.skipped) out[s.code ?? 'UNKNOWN'] = (out[s.code ?? 'UNKNOWN'] ?? 0) + 1;
  return out;
}

function firstExamples(samples: readonly Sample[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of samples) if (!s.ok && !s.skipped && s.detail !== undefined) out[s.code ?? 'UNKNOWN'] ??= s.detail.slice(0, 300);
  return out;
}

function opFigures(samples: readonly Sample[]): OpFigures {
  const sent = samples.filter((s) => !s.skipped);
  const accepted = sent.filter((s) => s.ok);
  return {
    intended: samples.length,
    attempted: sent.length,
    accepted: accepted.length,
    successRate: rate(accepted.length, sent.length),
    skipped: samples.length - sent.length,
    failures: countCodes(samples),
    examples: firstExamples(samples),
    latency: summarize(accepted.map(latencyOf)),
  };
}

export function aggregate(agents: number, samples: readonly Sample[]): RoundFigures {
  const sent = samples.filter((s) => !s.skipped);
  const accepted = sent.filter((s) => s.ok);
  const start = sent.reduce((a, s) => Math.min(a, s.startMs), Infinity);
  const end = sent.reduce((a, s) => Math.max(a, s.endMs), -Infinity);
  const wallMs = sent.length === 0 ? 0 : end - start;
  const ops: Record<string, OpFigures> = {};
  for (const op of [...new Set(samples.map((s) => s.op))]) ops[op] = opFigures(samples.filter((s) => s.op === op));
  return {
    agents,
    intended: samples.length,
    attempted: sent.length,
    accepted: accepted.length,
    successRate: rate(accepted.length, sent.length),
    failures: countCodes(samples),
    examples: firstExamples(samples),
    wallMs: Math.round(wallMs * 10) / 10,
    throughputPerS: wallMs > 0 ? Math.round((accepted.length / (wallMs / 1000)) * 10) / 10 : 0,
    latency: summarize(accepted.map(latencyOf)),
    ops,
  };
}

/** One repetition's own figures (what the targets are judged on, repetition by repetition). */
export function repFigures(f: RoundFigures): RepFigures {
  const l = f.latency;
  return { accepted: f.accepted, intended: f.intended, wallMs: f.wallMs, throughputPerS: f.throughputPerS, p95Ms: l.p95Ms, p50Ms: l.p50Ms, meanMs: l.meanMs, maxMs: l.maxMs };
}

/**
 * Repetitions of one round (same N, path, workload), each in its own market:
 * success and latency from all their requests pooled, throughput and wall time
 * the median repetition's (nearest rank), so one disturbed repetition on a shared
 * machine does not decide the figure.
 */
export function combineReps(agents: number, reps: readonly (readonly Sample[])[]): RoundFigures {
  const each = reps.map((r) => aggregate(agents, r));
  const pooled = aggregate(agents, reps.flat());
  if (each.length <= 1) return pooled;
  return {
    ...pooled,
    wallMs: percentile(each.map((f) => f.wallMs), 50),
    throughputPerS: percentile(each.map((f) => f.throughputPerS), 50),
    reps: each.map(repFigures),
  };
}
