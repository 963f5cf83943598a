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
      const series = `${r.path === 'rest' ? 'REST' : 'adapter'} ${r.workload === 'orders' ? 'orders' : r.workload === 'touch' ? 'Touch' : 'Ping'}`;
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
    const load = `load ${e.loadBefore.loadavg[0]}${e.loadAfter ? ` → ${e.loadAfter.loadavg[0]}` : ''}`;
    return `${name}: ${m.nproc} CPUs ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node}${m.fabricVersion ? `, Fabric ${m.fabricVersion}` : ''}; ${load} from ${e.run.startedAt.slice(0, 16)}Z (shared machine)`;
  });
}

const SERIES = ['REST orders', 'adapter orders', 'adapter Touch', 'adapter Ping'];
const LEDGER_TITLE: Record<string, string> = { fabric: 'Fabric network', embedded: 'embedded ledger' };

/** One row per ledger: latency (log-log, with the 1 s target) and success against N. */
function ledgerRow(ledger: string): unknown {
  const only = { filter: `datum.ledger === '${ledger}'` };
  const x = { field: 'agents', type: 'quantitative', title: 'concurrent households (N)', scale: { type: 'log' } };
  const color = { field: 'series', type: 'nominal', title: 'path, transaction', scale: { domain: SERIES } };
  const name = LEDGER_TITLE[ledger] ?? ledger;
  return {
    hconcat: [
      {
        width: 420,
        height: 260,
        title: `${name}: latency p50 (solid), p95 (dashed)`,
        layer: [
          {
            transform: [only],
            mark: { type: 'line', point: true },
            encoding: {
              x,
              y: { field: 'latencyMs', type: 'quantitative', title: 'request → commit, ms (log; dotted: 1 s)', scale: { type: 'log' } },
              color,
              strokeDash: { field: 'stat', type: 'nominal', title: 'percentile', sort: ['p50', 'p95'], legend: null },
              detail: { field: 'stat' },
            },
          },
          { data: { values: [{ y: 1000 }] }, mark: { type: 'rule', color: '#888', strokeDash: [2, 2] }, encoding: { y: { field: 'y', type: 'quantitative' } } },
        ],
      },
      {
        width: 300,
        height: 260,
        title: `${name}: accepted / intended requests`,
        transform: [only, { filter: "datum.stat === 'p50'" }],
        mark: { type: 'line', point: true },
        encoding: { x, y: { field: 'successPct', type: 'quantitative', title: '%', scale: { domain: [0, 100] } }, color },
      },
    ],
  };
}

export function chartSpec(results: ResultsFile): unknown {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: 'Concurrent households placing and amending orders at once', subtitle: machineLine(results) },
    data: { values: chartRows(results) },
    vconcat: Object.keys(results.ledgers).map(ledgerRow),
    config: { legend: { labelLimit: 400, titleLimit: 400 } },
  };
}

export const renderChart = (results: ResultsFile): Promise<string> => renderSvg(chartSpec(results));
