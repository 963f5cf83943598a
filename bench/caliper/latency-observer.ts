/**
 * A Caliper transaction observer (benchmark config `monitors.transaction`): keeps
 * every finished transaction's create/final time and status, and appends them as
 * JSON lines to options.file when the round ends, so the launcher can compute the
 * same nearest-rank p50/p95 as `npm run bench` from Caliper's own timings (its
 * report gives only min/avg/max, at 10 ms resolution).
 */
import { appendFileSync } from 'node:fs';
import type { TxStatus } from './caliper-types';

interface Timed extends TxStatus {
  GetTimeCreate(): number;
  GetTimeFinal(): number;
}

export interface TxLine {
  round: number;
  label: string;
  worker: number;
  ok: boolean;
  createMs: number;
  finalMs: number;
}

class LatencyObserver {
  private lines: TxLine[] = [];
  private round = 0;
  private label = '';
  private active = false;

  constructor(
    private readonly file: string,
    private readonly worker: number,
  ) {}

  async activate(roundIndex: number, roundLabel: string): Promise<void> {
    this.round = roundIndex;
    this.label = roundLabel;
    this.lines = [];
    this.active = true;
  }

  async deactivate(): Promise<void> {
    this.active = false;
    if (this.lines.length) appendFileSync(this.file, this.lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    this.lines = [];
  }

  txSubmitted(): void {}

  txFinished(results: Timed | Timed[]): void {
    if (!this.active) return;
    for (const r of Array.isArray(results) ? results : [results]) {
      this.lines.push({ round: this.round, label: this.label, worker: this.worker, ok: r.GetStatus() === 'success', createMs: r.GetTimeCreate(), finalMs: r.GetTimeFinal() });
    }
  }
}

export function createTxObserver(options: { file: string }, _messenger: unknown, workerIndex: number): LatencyObserver {
  return new LatencyObserver(options.file, workerIndex);
}
