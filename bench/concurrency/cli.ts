/**
 * `npm run bench -- [options]`: concurrent households on the real network (and on
 * the embedded ledger). Writes bench/results/concurrency.json, concurrency.svg and
 * concurrency-figures.md; progress on stderr. A measurement, never a test.
 * Method: bench/README.md.
 */
import '../../gateway-api/src/ledger/embedded/shim-logging';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { renderChart } from './chart';
import { figuresMarkdown } from './figures-md';
import { runLedger, type LedgerRun } from './ledger-run';
import { currentLoad, describeMachine, type Load } from './machine';
import { ensureNetwork, fabricBinDir, networkSettings, nodePids, stopNetwork, type NetworkHandle } from './network';
import { parseOptions, UsageError, type BenchOptions, type LedgerKind } from './options';
import { repVerdicts } from './rep-targets';
import { readResults, writeResults, type ResultsFile } from './results';

async function save(o: BenchOptions, results: ResultsFile, chart: boolean): Promise<void> {
  const file = writeResults(o.out, o.name, results);
  writeFileSync(path.join(o.out, `${o.name}-figures.md`), figuresMarkdown(results));
  if (chart) {
    writeFileSync(path.join(o.out, `${o.name}.svg`), await renderChart(results));
    process.stderr.write(`[bench] written ${file}, ${o.name}-figures.md and ${o.name}.svg in ${o.out}\n`);
  }
}

/** The issue's targets, judged in every repetition, on stderr at the end of a ledger's run. */
function printTargets(kind: LedgerKind, run: LedgerRun): void {
  const w = (t: string) => process.stderr.write(`[bench] ${t}\n`);
  w(`=== ${kind}: targets, per repetition (min / median / max) ===`);
  for (const v of repVerdicts(run.rounds, run.close)) {
    w(`${v.met === null ? ' -- ' : v.met ? ' ok ' : 'MISS'} ${v.target} [${v.scope}]: ${v.perRep}; ${v.spread}${v.detail ? `; ${v.detail}` : ''}`);
  }
}

async function measureLedger(o: BenchOptions, kind: LedgerKind, results: ResultsFile, net: NetworkHandle | undefined, runTag: string): Promise<void> {
  const dataDir = kind === 'fabric' && net ? path.join(net.runDir, 'bench-gateway') : mkdtempSync(path.join(os.tmpdir(), 'ecch-bench-embedded-'));
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const pids = net ? nodePids(net.runDir) : {};
  const entry = {
    machine: describeMachine(net ? fabricBinDir(net.connection) : undefined),
    network: net ? networkSettings(net.runDir, pids) : undefined,
    loadBefore: currentLoad(),
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    loadDuring: [] as Load[],
    run: undefined as unknown as LedgerRun,
  };
  const loadTimer = setInterval(() => entry.loadDuring.push(currentLoad()), 30_000);
  try {
    entry.run = await runLedger({
      kind,
      dataDir,
      fabricConnection: net?.connection,
      runDir: net?.runDir,
      pids,
      runTag,
      options: o,
      checkpoint: (run) => {
        entry.run = run;
        results.ledgers[kind] = entry;
        writeResults(o.out, o.name, results);
      },
    });
    results.ledgers[kind] = { ...entry, loadAfter: currentLoad() };
    printTargets(kind, entry.run);
  } finally {
    clearInterval(loadTimer);
    if (kind === 'embedded') rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2), process.env);
  mkdirSync(o.out, { recursive: true });
  const results = readResults(o.out, o.name);
  const runTag = Date.now().toString(36);
  let net: NetworkHandle | undefined;
  try {
    for (const kind of o.ledgers) {
      if (kind === 'fabric') net = ensureNetwork(o.network, o.runDir, o.portBase);
      process.stderr.write(`[bench] === ${kind} ledger: N = ${o.agents.join(', ')} ===\n`);
      await measureLedger(o, kind, results, kind === 'fabric' ? net : undefined, runTag);
      await save(o, results, false);
    }
  } finally {
    if (net) stopNetwork(net, o.portBase);
  }
  await save(o, results, true);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`[bench] failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
