/**
 * Caliper's figures: its report's summary table (report.html, as Caliper computes
 * them), and the same transactions' latency percentiles from the latency observer's
 * lines, computed like `npm run bench` (nearest rank, accepted transactions only).
 */
import { summarize, type LatencySummary } from '../concurrency/stats';
import type { TxLine } from './latency-observer';

export interface ReportRow {
  name: string;
  succ: number;
  fail: number;
  sendRateTps: number;
  maxLatencyS: number | null;
  minLatencyS: number | null;
  avgLatencyS: number | null;
  throughputTps: number;
}

const num = (s: string) => (s.trim() === '-' ? null : Number(s.trim()));
const cells = (row: string) => [...row.matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)].map((m) => (m[1] ?? '').replace(/<[^>]+>/g, '').trim());

/** The rows of the "Summary of performance metrics" table. */
export function parseReportSummary(html: string): ReportRow[] {
  const start = html.indexOf('Summary of performance metrics');
  if (start < 0) return [];
  const table = html.slice(start, html.indexOf('</table>', start));
  const rows = [...table.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => cells(m[1] ?? ''));
  const head = rows[0] ?? [];
  const col = (row: string[], name: string) => row[head.indexOf(name)] ?? '-';
  return rows.slice(1).map((r) => ({
    name: col(r, 'Name'),
    succ: Number(col(r, 'Succ')),
    fail: Number(col(r, 'Fail')),
    sendRateTps: Number(col(r, 'Send Rate (TPS)')),
    maxLatencyS: num(col(r, 'Max Latency (s)')),
    minLatencyS: num(col(r, 'Min Latency (s)')),
    avgLatencyS: num(col(r, 'Avg Latency (s)')),
    throughputTps: Number(col(r, 'Throughput (TPS)')),
  }));
}

export interface LineFigures {
  transactions: number;
  accepted: number;
  /** First create → last final, ms. */
  wallMs: number;
  /** Accepted / wall (as npm run bench counts); Caliper's own throughput counts failures too. */
  acceptedPerS: number;
  latency: LatencySummary;
}

export function figuresFromLines(lines: readonly TxLine[]): LineFigures | undefined {
  if (lines.length === 0) return undefined;
  const start = Math.min(...lines.map((l) => l.createMs));
  const end = Math.max(...lines.map((l) => l.finalMs));
  const ok = lines.filter((l) => l.ok);
  const wallMs = end - start;
  return {
    transactions: lines.length,
    accepted: ok.length,
    wallMs,
    acceptedPerS: wallMs > 0 ? Math.round((ok.length / (wallMs / 1000)) * 10) / 10 : 0,
    latency: summarize(ok.map((l) => l.finalMs - l.createMs)),
  };
}

export interface CaliperRound {
  label: string;
  workload: 'orders' | 'touch';
  agents: number;
  rep: number;
  caliper: ReportRow | undefined;
  own: LineFigures | undefined;
}
