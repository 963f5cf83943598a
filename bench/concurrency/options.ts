/**
 * Command-line options of `npm run bench -- ...`. Pure: argv in, options out, so a
 * mistyped flag is refused before any network is touched.
 */
export type LedgerKind = 'fabric' | 'embedded';
export type NetworkMode = 'existing' | 'up' | 'keep';

export interface BenchOptions {
  ledgers: LedgerKind[];
  agents: number[];
  out: string;
  /** existing: use the running network; up: start it and stop it at the end; keep: start if needed, leave running. */
  network: NetworkMode;
  runDir: string;
  portBase: number;
  /** Paths that carry orders: through REST (gateway in-process), through the ledger adapter directly. */
  paths: ('rest' | 'adapter')[];
  /** Baseline transactions of the diagnostics contract, run through the adapter. */
  baselines: ('touch' | 'ping')[];
  /** Order counts of the market-close measurement; empty = skip. */
  closeSizes: number[];
  /** Closes measured per size, each in its own market (the targets hold in every one). */
  closeRepeat: number;
  /** Fabric close through the ProfiledClient (phases, raised gRPC receive limit) or the gateway's adapter as is. */
  closePath: 'profiled' | 'adapter';
  /** Agent counts of the endorse/submit/commit phase profile (Fabric only); empty = skip. */
  profileAgents: number[];
  roundTimeoutMs: number;
  /** Repetitions of every round (orders and baselines interleaved per repetition). */
  repeat: number;
  /** FABRIC_MAX_RETRIES for the gateway and the adapter: 0 so a read conflict shows as a failure. */
  retries: number;
  /** Experiment: at most this many adapter calls in flight (0 = unbounded, as the gateway is). */
  inFlightCap: number;
  /** File stem of the results in --out (concurrency → concurrency.json, -figures.md, .svg). */
  name: string;
  /** Registrations in flight at once during setup. */
  setupConcurrency: number;
  /** REST registrations in flight at once: each enrols at the Fabric CA, which answers slowly under concurrency. */
  registerConcurrency: number;
}

export const USAGE = `usage: npm run bench -- [--ledger fabric|embedded|both] [--agents 1,5,10,...] [--out bench/results]
  [--network existing|up|keep] [--run-dir DIR] [--port-base N] [--paths rest,adapter] [--baseline touch,ping|none]
  [--close 623,5000|none] [--close-repeat 1] [--close-path profiled|adapter] [--profile 1,100|none] [--round-timeout-ms 300000] [--repeat 3] [--retries 0] [--setup-concurrency 25] [--register-concurrency 4]
  [--in-flight-cap 0] [--name concurrency]`;

export class UsageError extends Error {}

function list(text: string): string[] {
  if (text === 'none' || text === '') return [];
  return text.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

function positiveInts(name: string, text: string, max: number): number[] {
  const out = list(text).map(Number);
  for (const n of out) if (!Number.isSafeInteger(n) || n < 1 || n > max) throw new UsageError(`--${name}: ${text} is not a list of integers in 1..${max}`);
  return [...new Set(out)].sort((a, b) => a - b);
}

function oneOf<T extends string>(name: string, text: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(text)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got ${text}`);
  return text as T;
}

function subset<T extends string>(name: string, text: string, allowed: readonly T[]): T[] {
  return list(text).map((v) => oneOf(name, v, allowed));
}

function int(name: string, text: string, min: number): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`--${name} must be an integer >= ${min}, got ${text}`);
  return n;
}

export function parseOptions(argv: readonly string[], env: Record<string, string | undefined>): BenchOptions {
  const given = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i] as string;
    const value = argv[i + 1];
    if (!flag.startsWith('--') || value === undefined || value.startsWith('--')) throw new UsageError(`expected --name value pairs, got ${argv.slice(i).join(' ')}\n${USAGE}`);
    given.set(flag.slice(2), value);
  }
  const take = (name: string, dflt: string) => {
    const v = given.get(name) ?? dflt;
    given.delete(name);
    return v;
  };
  const ledger = oneOf('ledger', take('ledger', 'both'), ['fabric', 'embedded', 'both'] as const);
  const options: BenchOptions = {
    ledgers: ledger === 'both' ? ['fabric', 'embedded'] : [ledger],
    agents: positiveInts('agents', take('agents', '1,5,10,15,25,50,100,250,1000'), 10_000),
    out: take('out', 'bench/results'),
    network: oneOf('network', take('network', 'existing'), ['existing', 'up', 'keep'] as const),
    runDir: take('run-dir', env.ECCH_RUN_DIR || '/tmp/ecch-bench-run'),
    portBase: int('port-base', take('port-base', env.ECCH_PORT_BASE || '19000'), 1024),
    paths: subset('paths', take('paths', 'rest,adapter'), ['rest', 'adapter'] as const),
    baselines: subset('baseline', take('baseline', 'touch,ping'), ['touch', 'ping'] as const),
    closeSizes: positiveInts('close', take('close', '623,5000'), 20_000),
    closeRepeat: Math.min(20, int('close-repeat', take('close-repeat', '1'), 1)),
    closePath: oneOf('close-path', take('close-path', 'profiled'), ['profiled', 'adapter'] as const),
    profileAgents: positiveInts('profile', take('profile', '1,100'), 10_000),
    roundTimeoutMs: int('round-timeout-ms', take('round-timeout-ms', '300000'), 1000),
    repeat: Math.min(20, int('repeat', take('repeat', '3'), 1)),
    retries: Math.min(10, int('retries', take('retries', '0'), 0)),
    setupConcurrency: int('setup-concurrency', take('setup-concurrency', '25'), 1),
    registerConcurrency: int('register-concurrency', take('register-concurrency', '4'), 1),
    inFlightCap: int('in-flight-cap', take('in-flight-cap', '0'), 0),
    name: take('name', 'concurrency'),
  };
  if (given.size > 0) throw new UsageError(`unknown option(s): ${[...given.keys()].map((k) => `--${k}`).join(', ')}\n${USAGE}`);
  if (!/^concurrency[a-z0-9-]*$/.test(options.name)) throw new UsageError(`--name must start with "concurrency" (letters, digits, '-'), got ${options.name}`);
  if (options.agents.length === 0) throw new UsageError('--agents needs at least one count');
  return options;
}
