/** Command-line options of `npm run bench:caliper -- ...` (pure: argv in, options out). */
import type { NetworkMode } from '../concurrency/options';

export interface CaliperOptions {
  agents: number[];
  repeat: number;
  workers: number;
  /** Caliper's fixed-rate controller, tx/s per run: high, so the N agents start at once as in npm run bench. */
  tps: number;
  timeoutS: number;
  network: NetworkMode;
  runDir: string;
  portBase: number;
  out: string;
}

export const CALIPER_USAGE = `usage: npm run bench:caliper -- [--agents 100] [--repeat 3] [--workers 1] [--tps 10000] [--timeout-s 60]
  [--network up|keep|existing] [--run-dir DIR] [--port-base N] [--out bench/results]`;

export function parseCaliperOptions(argv: readonly string[], env: Record<string, string | undefined>): CaliperOptions {
  const given = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i] as string;
    const value = argv[i + 1];
    if (!flag.startsWith('--') || value === undefined) throw new Error(`expected --name value pairs, got ${argv.slice(i).join(' ')}\n${CALIPER_USAGE}`);
    given.set(flag.slice(2), value);
  }
  const take = (name: string, dflt: string) => {
    const v = given.get(name) ?? dflt;
    given.delete(name);
    return v;
  };
  const int = (name: string, dflt: string, min: number) => {
    const n = Number(take(name, dflt));
    if (!Number.isSafeInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}`);
    return n;
  };
  const agents = [...new Set(take('agents', '100').split(',').map(Number))].sort((a, b) => a - b);
  if (agents.some((n) => !Number.isSafeInteger(n) || n < 1 || n > 5000)) throw new Error('--agents: a list of integers in 1..5000');
  const network = take('network', 'up');
  if (network !== 'up' && network !== 'keep' && network !== 'existing') throw new Error('--network must be up, keep or existing');
  const o: CaliperOptions = {
    agents,
    repeat: Math.min(20, int('repeat', '3', 1)),
    workers: Math.min(16, int('workers', '1', 1)),
    tps: int('tps', '10000', 1),
    timeoutS: int('timeout-s', '60', 1),
    network,
    runDir: take('run-dir', env.ECCH_RUN_DIR || '/tmp/ecch-bench-run'),
    portBase: int('port-base', env.ECCH_PORT_BASE || '19000', 1024),
    out: take('out', 'bench/results'),
  };
  if (given.size > 0) throw new Error(`unknown option(s): ${[...given.keys()].map((k) => `--${k}`).join(', ')}\n${CALIPER_USAGE}`);
  if (o.agents.some((n) => n % o.workers !== 0)) throw new Error('--agents must be multiples of --workers (Caliper gives each worker txNumber / workers calls)');
  return o;
}
