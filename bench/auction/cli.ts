/**
 * `npm run bench:auction -- [--ledger both] [--network up] ...`: seed 003's load test
 * on our ledger (bench/README.md, "Auction load"). Progress on stderr; figures in
 * bench/results/auction-load.{json,md,svg}.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { currentLoad, describeMachine } from '../concurrency/machine';
import { ensureNetwork, fabricBinDir, stopNetwork, type NetworkHandle } from '../concurrency/network';
import { runLedger } from './ledger-run';
import { parseOptions, UsageError } from './options';
import { readResults, writeResults } from './results';

const log = (t: string) => process.stderr.write(`[bench:auction] ${t}\n`);

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  const command = `npm run bench:auction -- ${process.argv.slice(2).join(' ')}`.trim();
  let network: NetworkHandle | undefined;
  try {
    for (const kind of o.ledgers) {
      let dataDir: string;
      let fabricConnection: string | undefined;
      let temp: string | undefined;
      if (kind === 'fabric') {
        network = ensureNetwork(o.network, o.runDir, o.portBase);
        fabricConnection = network.connection;
        // Inside the run directory: network.sh down removes it with the network.
        dataDir = path.join(o.runDir, 'bench-auction-gateway');
      } else {
        temp = mkdtempSync(path.join(os.tmpdir(), 'ecch-bench-auction-'));
        dataDir = temp;
      }
      const machine = describeMachine(fabricConnection ? fabricBinDir(fabricConnection) : undefined);
      const loadBefore = currentLoad();
      log(`${kind}: N = ${o.agents.join(', ')}, ${o.repeat} repetitions; load ${loadBefore.loadavg.join(' ')}`);
      try {
        const run = await runLedger({ kind, dataDir, fabricConnection, agents: o.agents, repeat: o.repeat, roundTimeoutMs: o.roundTimeoutMs, setupConcurrency: o.setupConcurrency, seed: o.seed, log });
        // Read again just before writing: another run may have measured the other ledger meanwhile.
        const results = readResults(o.out);
        results.ledgers[kind] = { machine, loadBefore, loadAfter: currentLoad(), command, run };
        for (const p of run.perN) log(`${kind} N=${p.agents}: ${p.accepted}/${p.sent} accepted (${p.successPct} %), AET ${p.aetMs} ms`);
        // Written after each ledger, so a later failure keeps what was measured.
        for (const f of await writeResults(o.out, results)) log(`wrote ${f}`);
      } finally {
        if (temp) rmSync(temp, { recursive: true, force: true });
      }
    }
  } finally {
    if (network) stopNetwork(network, o.portBase);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`[bench:auction] ${err instanceof UsageError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
