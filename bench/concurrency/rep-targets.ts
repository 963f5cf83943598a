/**
 * Issue 14's targets, judged in every repetition (figures, not assertions):
 *  - p95 request→commit < 1 s at N = 100, REST and adapter, in every repetition,
 *    and the median repetition's p95 < 600 ms;
 *  - 100 % of places and amends accepted at every N up to 1000, every repetition;
 *  - orders / Touch throughput ≥ 0.8 at each N in 50–250, adapter vs adapter,
 *    each repetition's orders against the same repetition's Touch (they alternate);
 *  - close of 623 orders < 0.5 s, of 5,000 < 3 s, every measured close.
 * Each verdict carries the per-repetition values and their min / median / max.
 */
import { repFigures, type RepFigures } from './aggregate';
import type { CloseFigures } from './close-round';
import type { RoundRecord } from './ledger-run';
import { spread, spreadText } from './spread';

export interface RepVerdict {
  target: string;
  scope: string;
  met: boolean | null;
  /** Each repetition's value, in order. */
  perRep: string;
  /** min / median / max across repetitions. */
  spread: string;
  detail: string;
}

export function repsOf(r: RoundRecord): RepFigures[] {
  return r.figures.reps ?? [repFigures(r.figures)];
}

const find = (rounds: readonly RoundRecord[], path: RoundRecord['path'], workload: RoundRecord['workload'], agents: number) =>
  rounds.find((r) => r.path === path && r.workload === workload && r.agents === agents);

export function latencyRepVerdict(rounds: readonly RoundRecord[], path: RoundRecord['path'], agents = 100): RepVerdict {
  const target = `p95 request→commit < 1 s at N = ${agents} in every repetition, median < 600 ms`;
  const r = find(rounds, path, 'orders', agents);
  if (!r) return { target, scope: path, met: null, perRep: 'not measured', spread: '–', detail: '' };
  const p95 = repsOf(r).map((x) => x.p95Ms);
  const s = spread(p95);
  const over = p95.filter((x) => x === null || x >= 1000).length;
  const met = s !== null && over === 0 && s.median < 600;
  const why = [over ? `${over} of ${p95.length} repetitions at or over 1 s` : '', s && s.median >= 600 ? `median ${s.median.toFixed(0)} ms ≥ 600 ms` : ''].filter(Boolean).join('; ');
  return { target, scope: path, met, perRep: p95.map((x) => (x === null ? '–' : x.toFixed(0))).join(', ') + ' ms', spread: spreadText(s, 0, ' ms'), detail: met ? 'held in every repetition' : why };
}

export function acceptanceRepVerdict(rounds: readonly RoundRecord[], path: RoundRecord['path'], upTo = 1000): RepVerdict {
  const target = `100 % of places and amends accepted at every N ≤ ${upTo}, every repetition`;
  const rs = rounds.filter((r) => r.path === path && r.workload === 'orders' && r.agents <= upTo);
  if (rs.length === 0) return { target, scope: path, met: null, perRep: 'not measured', spread: '–', detail: '' };
  const misses: string[] = [];
  const rates: number[] = [];
  for (const r of rs) {
    repsOf(r).forEach((x, i) => {
      rates.push(x.intended ? (x.accepted / x.intended) * 100 : 0);
      if (x.accepted < x.intended) misses.push(`N=${r.agents} repetition ${i + 1}: ${x.accepted}/${x.intended}`);
    });
  }
  return {
    target,
    scope: path,
    met: misses.length === 0,
    perRep: `${rates.length} repetitions at N = ${rs.map((r) => r.agents).join(', ')}`,
    spread: spreadText(spread(rates), 1, ' %'),
    detail: misses.length === 0 ? 'every place and amend accepted' : misses.join('; '),
  };
}

/** Each repetition's orders tx/s over the same repetition's Touch tx/s at N. */
export function repRatios(rounds: readonly RoundRecord[], agents: number): number[] {
  const o = find(rounds, 'adapter', 'orders', agents);
  const t = find(rounds, 'adapter', 'touch', agents);
  if (!o || !t) return [];
  const tr = repsOf(t);
  return repsOf(o).flatMap((x, i) => {
    const b = tr[i];
    return b && b.throughputPerS > 0 ? [Math.round((x.throughputPerS / b.throughputPerS) * 1000) / 1000] : [];
  });
}

export function throughputRepVerdicts(rounds: readonly RoundRecord[], from = 50, to = 250): RepVerdict[] {
  const ns = [...new Set(rounds.filter((r) => r.path === 'adapter' && r.workload === 'orders' && r.agents >= from && r.agents <= to).map((r) => r.agents))];
  const target = `orders / Touch throughput ≥ 0.8 (adapter vs adapter) at N = ${from}–${to}, every repetition`;
  if (ns.length === 0) return [{ target, scope: 'adapter', met: null, perRep: 'not measured', spread: '–', detail: '' }];
  return ns.map((n) => {
    const ratios = repRatios(rounds, n);
    const below = ratios.filter((x) => x < 0.8).length;
    return {
      target,
      scope: `adapter, N = ${n}`,
      met: ratios.length === 0 ? null : below === 0,
      perRep: ratios.map((x) => x.toFixed(2)).join(', '),
      spread: spreadText(spread(ratios), 2),
      detail: ratios.length === 0 ? 'no Touch round' : below === 0 ? 'held in every repetition' : `${below} of ${ratios.length} repetitions below 0.8`,
    };
  });
}

export const CLOSE_TARGETS_MS: Record<number, number> = { 623: 500, 5000: 3000 };

export function closeRepVerdicts(closes: readonly CloseFigures[]): RepVerdict[] {
  return Object.entries(CLOSE_TARGETS_MS).map(([size, limit]) => {
    const target = `close of ${size} orders < ${limit / 1000} s (request → commit), every measurement`;
    const cs = closes.filter((c) => c.orders === Number(size));
    if (cs.length === 0) return { target, scope: 'Fabric', met: null, perRep: 'not measured', spread: '–', detail: '' };
    const ms = cs.map((c) => (c.ok ? c.commitMs : null));
    const over = ms.filter((x) => x === null || x >= limit).length;
    return {
      target,
      scope: cs[0]?.path ?? '',
      met: over === 0,
      perRep: ms.map((x) => (x === null ? 'failed' : String(x))).join(', ') + ' ms',
      spread: spreadText(spread(ms), 0, ' ms'),
      detail: over === 0 ? 'held in every measurement' : `${over} of ${ms.length} at or over ${limit} ms`,
    };
  });
}

export function repVerdicts(rounds: readonly RoundRecord[], closes: readonly CloseFigures[]): RepVerdict[] {
  return [
    latencyRepVerdict(rounds, 'rest'),
    latencyRepVerdict(rounds, 'adapter'),
    acceptanceRepVerdict(rounds, 'rest'),
    acceptanceRepVerdict(rounds, 'adapter'),
    ...throughputRepVerdicts(rounds),
    ...closeRepVerdicts(closes),
  ];
}

/** Every round's figures as min / median / max across its repetitions. */
export function spreadRows(rounds: readonly RoundRecord[]): string[] {
  const lines = [
    '| path | workload | N | reps | accepted % | tx/s | mean ms | p50 ms | p95 ms | max ms |',
    '| --- | --- | ---: | ---: | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of rounds) {
    const reps = repsOf(r);
    const pick = (f: (x: RepFigures) => number | null | undefined) => spread(reps.map(f));
    lines.push(
      `| ${r.path} | ${r.workload} | ${r.agents} | ${reps.length} | ${spreadText(pick((x) => (x.intended ? (x.accepted / x.intended) * 100 : null)), 1)} | ${spreadText(pick((x) => x.throughputPerS), 1)} | ${spreadText(pick((x) => x.meanMs))} | ${spreadText(pick((x) => x.p50Ms))} | ${spreadText(pick((x) => x.p95Ms))} | ${spreadText(pick((x) => x.maxMs))} |`,
    );
  }
  return lines;
}

export function verdictRows(vs: readonly RepVerdict[]): string[] {
  return [
    '| target | scope | met | per repetition | min / median / max | detail |',
    '| --- | --- | --- | --- | --- | --- |',
    ...vs.map((v) => `| ${v.target} | ${v.scope} | ${v.met === null ? '–' : v.met ? 'yes' : '**no**'} | ${v.perRep} | ${v.spread} | ${v.detail} |`),
  ];
}
