/**
 * The issue's targets, judged from the measured rounds (figures, not assertions):
 *  1. every valid order accepted at every N (seed study: 73 % at 100 agents);
 *  2. order throughput ≥ 80 % of the baseline diagnostics:Touch on the same network
 *     (adapter vs adapter), compared at each ledger's peak and per N;
 *  3. p95 request-to-commit latency < 1 s at 100 concurrent households.
 */
import type { RoundRecord } from './ledger-run';

export interface Verdict {
  target: string;
  scope: string;
  met: boolean | null;
  value: string;
  detail: string;
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

function orderRounds(rounds: readonly RoundRecord[], path: RoundRecord['path']): RoundRecord[] {
  return rounds.filter((r) => r.path === path && r.workload === 'orders');
}

export function acceptanceVerdict(rounds: readonly RoundRecord[], path: RoundRecord['path']): Verdict {
  const rs = orderRounds(rounds, path);
  const target = '100 % of valid orders accepted at every N';
  if (rs.length === 0) return { target, scope: path, met: null, value: 'not measured', detail: '' };
  const worst = rs.reduce((a, r) => (r.figures.accepted / r.figures.intended < a.figures.accepted / a.figures.intended ? r : a));
  const missed = rs.filter((r) => r.figures.accepted < r.figures.intended);
  const rate = worst.figures.accepted / worst.figures.intended;
  return {
    target,
    scope: path,
    met: missed.length === 0,
    value: `lowest ${pct(rate)} (N=${worst.agents})`,
    detail: missed.length === 0 ? `all ${rs.length} rounds: every place and amend accepted` : missed.map((r) => `N=${r.agents}: ${r.figures.accepted}/${r.figures.intended}`).join(', '),
  };
}

export interface Ratio {
  agents: number;
  orders: number;
  baseline: number;
  ratio: number | null;
  /** CPU ms of the measured processes (network nodes and the bench process) per accepted transaction. */
  cpuOrders: number | null;
  cpuBaseline: number | null;
  /** cpuBaseline / cpuOrders: the throughput ratio a CPU-bound machine allows, less sensitive to other load. */
  cpuRatio: number | null;
}

/** CPU ms of all sampled processes per accepted transaction of the round. */
export function cpuMsPerTx(r: RoundRecord): number | null {
  if (r.figures.accepted === 0) return null;
  const seconds = Object.values(r.resources.processes).reduce((a, p) => a + p.cpuSeconds, 0);
  return Math.round(((seconds * 1000) / r.figures.accepted) * 10) / 10;
}

/** Order vs baseline throughput per N, through the adapter. */
export function throughputRatios(rounds: readonly RoundRecord[], baseline: 'touch' | 'ping'): Ratio[] {
  const out: Ratio[] = [];
  for (const o of orderRounds(rounds, 'adapter')) {
    const b = rounds.find((r) => r.path === 'adapter' && r.workload === baseline && r.agents === o.agents);
    if (!b) continue;
    const ratio = b.figures.throughputPerS > 0 ? Math.round((o.figures.throughputPerS / b.figures.throughputPerS) * 1000) / 1000 : null;
    const cpuOrders = cpuMsPerTx(o);
    const cpuBaseline = cpuMsPerTx(b);
    const cpuRatio = cpuOrders && cpuBaseline ? Math.round((cpuBaseline / cpuOrders) * 1000) / 1000 : null;
    out.push({ agents: o.agents, orders: o.figures.throughputPerS, baseline: b.figures.throughputPerS, ratio, cpuOrders, cpuBaseline, cpuRatio });
  }
  return out;
}

export function throughputVerdict(rounds: readonly RoundRecord[]): Verdict {
  const target = 'order throughput ≥ 80 % of diagnostics:Touch (adapter vs adapter)';
  const ratios = throughputRatios(rounds, 'touch');
  if (ratios.length === 0) return { target, scope: 'adapter', met: null, value: 'not measured', detail: '' };
  const peakOrders = Math.max(...ratios.map((r) => r.orders));
  const peakTouch = Math.max(...ratios.map((r) => r.baseline));
  const peak = peakTouch > 0 ? peakOrders / peakTouch : 0;
  const below = ratios.filter((r) => r.ratio !== null && r.ratio < 0.8);
  return {
    target,
    scope: 'adapter',
    met: peak >= 0.8,
    value: `peak ${peakOrders.toFixed(1)} vs ${peakTouch.toFixed(1)} tx/s = ${pct(peak)}`,
    detail: below.length === 0 ? 'at or above 80 % at every N' : `below 80 % at N=${below.map((r) => `${r.agents} (${pct(r.ratio as number)})`).join(', ')}`,
  };
}

export function latencyVerdict(rounds: readonly RoundRecord[], path: RoundRecord['path'], agents = 100): Verdict {
  const target = `p95 request-to-commit latency < 1 s at ${agents} households`;
  const r = orderRounds(rounds, path).find((x) => x.agents === agents);
  if (!r || r.figures.latency.p95Ms === null) return { target, scope: path, met: null, value: 'not measured', detail: '' };
  const p95 = r.figures.latency.p95Ms;
  return {
    target,
    scope: path,
    met: p95 < 1000,
    value: `p95 ${p95.toFixed(0)} ms`,
    detail: p95 < 1000 ? `${(1000 - p95).toFixed(0)} ms to spare` : `${(p95 - 1000).toFixed(0)} ms over (${(p95 / 1000).toFixed(2)}×)`,
  };
}

export function verdicts(rounds: readonly RoundRecord[]): Verdict[] {
  return [
    acceptanceVerdict(rounds, 'rest'),
    acceptanceVerdict(rounds, 'adapter'),
    throughputVerdict(rounds),
    latencyVerdict(rounds, 'rest'),
    latencyVerdict(rounds, 'adapter'),
  ];
}
