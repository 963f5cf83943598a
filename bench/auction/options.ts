/**
 * Command-line options of `npm run bench:auction -- ...`. Pure: argv in, options out,
 * so a mistyped flag is refused before any network is touched.
 */
import type { LedgerKind, NetworkMode } from '../concurrency/options';

export interface AuctionBenchOptions {
  ledgers: LedgerKind[];
  agents: number[];
  repeat: number;
  out: string;
  network: NetworkMode;
  runDir: string;
  portBase: number;
  roundTimeoutMs: number;
  setupConcurrency: number;
  seed: number;
}

export const USAGE = `usage: npm run bench:auction -- [--ledger fabric|embedded|both] [--agents 1,5,10,15,25,50,100,250,1000] [--repeat 3]
  [--out bench/results] [--network existing|up|keep] [--run-dir DIR] [--port-base N] [--round-timeout-ms 300000] [--setup-concurrency 25] [--seed 3]`;

export class UsageError extends Error {}

const positive = (flag: string, v: string): number => {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n <= 0) throw new UsageError(`${flag}: expected a positive integer, got "${v}"`);
  return n;
};

export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): AuctionBenchOptions {
  const o: AuctionBenchOptions = {
    ledgers: ['fabric', 'embedded'],
    agents: [1, 5, 10, 15, 25, 50, 100, 250, 1000],
    repeat: 3,
    out: 'bench/results',
    network: 'existing',
    runDir: env.ECCH_RUN_DIR ?? '/tmp/ecch-bench-run',
    portBase: env.ECCH_PORT_BASE ? positive('ECCH_PORT_BASE', env.ECCH_PORT_BASE) : 19000,
    roundTimeoutMs: 300_000,
    setupConcurrency: 25,
    seed: 3,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] as string;
    const value = argv[i + 1];
    if (value === undefined) throw new UsageError(`${flag} needs a value\n${USAGE}`);
    i++;
    switch (flag) {
      case '--ledger':
        if (value === 'both') o.ledgers = ['fabric', 'embedded'];
        else if (value === 'fabric' || value === 'embedded') o.ledgers = [value];
        else throw new UsageError(`--ledger: fabric, embedded or both, got "${value}"`);
        break;
      case '--agents':
        o.agents = value.split(',').map((s) => positive('--agents', s.trim()));
        break;
      case '--repeat':
        o.repeat = positive('--repeat', value);
        break;
      case '--out':
        o.out = value;
        break;
      case '--network':
        if (value !== 'existing' && value !== 'up' && value !== 'keep') throw new UsageError(`--network: existing, up or keep, got "${value}"`);
        o.network = value;
        break;
      case '--run-dir':
        o.runDir = value;
        break;
      case '--port-base':
        o.portBase = positive('--port-base', value);
        break;
      case '--round-timeout-ms':
        o.roundTimeoutMs = positive('--round-timeout-ms', value);
        break;
      case '--setup-concurrency':
        o.setupConcurrency = positive('--setup-concurrency', value);
        break;
      case '--seed':
        o.seed = positive('--seed', value);
        break;
      default:
        throw new UsageError(`unknown option ${flag}\n${USAGE}`);
    }
  }
  return o;
}
