/**
 * The results file: one entry per ledger, each with the machine and load it was
 * measured under. A run replaces the ledgers it measured and keeps the others, so
 * the Fabric and embedded figures can be taken at different (quieter) times.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { LedgerRun } from './ledger-run';
import type { Load, Machine } from './machine';
import type { NetworkSettings } from './network';
import type { LedgerKind } from './options';

export interface LedgerEntry {
  machine: Machine;
  /** Fabric only (absent in results written before it was recorded). */
  network?: NetworkSettings;
  loadBefore: Load;
  /** Every 30 s while the ledger was measured. */
  loadDuring?: Load[];
  loadAfter?: Load;
  command: string;
  run: LedgerRun;
}

export interface ResultsFile {
  benchmark: string;
  method: string;
  ledgers: Partial<Record<LedgerKind, LedgerEntry>>;
}


const METHOD =
  'bench/README.md: N households at once each PLACE then AMEND an order (fresh market per round), through REST (gateway in-process, loopback) and through the ledger adapter; ' +
  'baseline diagnostics:Touch / Ping through the adapter with the same N identities; latency = request sent → committed answer; percentiles nearest-rank.';

export function readResults(outDir: string, name: string): ResultsFile {
  const file = path.join(outDir, `${name}.json`);
  const empty: ResultsFile = { benchmark: 'concurrent households on the real network', method: METHOD, ledgers: {} };
  if (!existsSync(file)) return empty;
  const prior = JSON.parse(readFileSync(file, 'utf8')) as ResultsFile;
  return { ...empty, ledgers: prior.ledgers ?? {} };
}

export function writeResults(outDir: string, name: string, results: ResultsFile): string {
  mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `${name}.json`);
  writeFileSync(file, JSON.stringify(results, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2) + '\n');
  return file;
}
