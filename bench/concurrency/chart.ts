/**
 * The chart: latency (p50 solid, p95 dashed) and success rate against the number
 * of concurrent households, per ledger and path, with the machine in the subtitle.
 * Vega-Lite → SVG headless, through the simulator's renderer.
 */
import { renderSvg } from '../../simulator/src/charts/render';
import type { ResultsFile } from './results';

export interface ChartRow {
  ledger: string;
  series: string;
  agents: number;
  stat: 'p50' | 'p95';
  latencyMs: number;
  successPct: number;
}

export function chartRows(results: ResultsFile): ChartRow[] {
  const rows: ChartRow[] = [];
  for (const [ledger, e] of Object.entries(results.ledgers)) {
    for (const r of e?.run.rounds ?? []) {
      const f = r.figures;
      const series = `${ledger} ${r.path === 'rest' ? 'REST' : 'adapter'} ${r.workload === 'orders' ? 'orders' : r.workload === 'touch' ? 'Touch' : 'Ping'}`;
      const successPct = f.intended === 0 ? 0 : (f.accepted / f.intended) * 100;
      for (const stat of ['p50', 'p95'] as const) {
        const v = stat === 'p50' ? f.latency.p50Ms : f.latency.p95Ms;
        if (v !== null) rows.push({ ledger, series, agents: r.agents, stat, latencyMs: Math.max(v, 0.1), successPct });
      }
    }
  }
  return rows;
}

function machineLine(results: ResultsFile): string[] {
  return Object.entries(results.ledgers).map(([name, e]) => {
    if (!e) return '';
    const m = e.machine;
    return `${name}: ${m.nproc} CPUs ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node}${m.fabricVersion ? `, Fabric ${m.fabricVersion}` : ''}; load ${e.loadBefore.loadavg[0]} at ${e.run.startedAt.slice(0, 16)}Z, ${e.loadBefore.fabricPeersRunning} peers on the host`;
  });
}

export function chartSpec(results: ResultsFile): unknown {
  const rows = chartRows(results);
  const x = { field: 'agents', type: 'quantitative', title: 'concurrent households (N)', scale: { type: 'log' } };
  const color = { field: 'series', type: 'nominal', title: 'ledger, path, transaction' };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: 'Concurrent households: request-to-commit latency and success', subtitle: machineLine(results) },
    data: { values: rows },
    hconcat: [
      {
        width: 420,
        height: 300,
        title: 'latency, p50 (solid) and p95 (dashed)',
        mark: { type: 'line', point: true },
        encoding: {
          x,
          y: { field: 'latencyMs', type: 'quantitative', title: 'ms (log)', scale: { type: 'log' } },
          color,
          strokeDash: { field: 'stat', type: 'nominal', title: 'percentile', sort: ['p50', 'p95'] },
          detail: { field: 'stat' },
        },
      },
      {
        width: 300,
        height: 300,
        title: 'accepted / intended requests',
        transform: [{ filter: "datum.stat === 'p50'" }],
        mark: { type: 'line', point: true },
        encoding: { x, y: { field: 'successPct', type: 'quantitative', title: '%', scale: { domain: [0, 100] } }, color },
      },
    ],
  };
}

export const renderChart = (results: ResultsFile): Promise<string> => renderSvg(chartSpec(results));
