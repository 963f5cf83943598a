/**
 * Benchmark: the pure clearing function (market-rules §5–§7: SDR prices with the
 * limit-price loop, largest-remainder allocation, settlement amounts) on deterministic
 * order books of 623 and 10,000 orders. No ledger, no Fabric: this is the arithmetic
 * a market close runs inside the chaincode.
 *
 * Prints a table and writes bench/results/clearing.json and bench/results/clearing.md.
 * A measurement, not a test: nothing is asserted about speed.
 *
 *   npm run bench:clearing [-- --sizes 623,10000 --warmup 5 --iterations 30]
 */
import { execSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
// The domain module directly: the package index also loads the Fabric contracts.
import { clearMarket, Clearing, ClearingOrder } from '../chaincode/src/domain/clearing';
import { mulberry32 as prng } from '../simulator/src/util/prng'; // seeded: every run clears the same books

const args = process.argv.slice(2);
const opt = (name: string, dflt: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : dflt;
};
const sizes = opt('sizes', '623,10000').split(',').map(Number);
const warmup = Number(opt('warmup', '5'));
const iterationsFor = (n: number): number => Number(opt('iterations', n <= 1000 ? '50' : '20'));

/** Tariffs of the spec's worked example: B = 0.13, S = 0.04 per kWh, in µ/kWh. */
const B = 130000;
const S = 40000;
const SEED = 20240623;


/**
 * n orders from n households: ~45 % sells of 200–8000 Wh, ~55 % buys of 300–6000 Wh;
 * a quarter of them carry a limit drawn uniformly in [S, B], the rest take the tariff
 * default (§4). Order ids and participant ids are unrelated, as on the ledger.
 */
function orderBook(n: number, seed: number): ClearingOrder[] {
  const rnd = prng(seed + n);
  const between = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const orders: ClearingOrder[] = [];
  for (let i = 0; i < n; i++) {
    const side = rnd() < 0.45 ? 'sell' : 'buy';
    const energyWh = side === 'sell' ? between(200, 8000) : between(300, 6000);
    const limited = rnd() < 0.25;
    const limitPrice = limited ? between(S, B) : side === 'sell' ? S : B;
    orders.push({
      orderId: `ord-${between(0, 0xffffff).toString(16).padStart(6, '0')}-${i}`,
      participantId: `h${String(i).padStart(5, '0')}`,
      side,
      energyWh,
      limitPrice,
    });
  }
  return orders;
}

interface Row {
  orders: number;
  sells: number;
  buys: number;
  limited: number;
  rounds: number;
  accepted: number;
  rejected: number;
  supplyWh: number;
  demandWh: number;
  sdr: string | null;
  sellPrice: number;
  buyPrice: number;
  internalWh: number;
  warmup: number;
  iterations: number;
  meanMs: number;
  minMs: number;
  maxMs: number;
  medianMs: number;
  heapUsedMB: number;
  heapDuringMaxMB: number;
}

const ms = (ns: bigint): number => Number(ns) / 1e6;
const mb = (bytes: number): number => Math.round((bytes / 1048576) * 10) / 10;
const round3 = (x: number): number => Math.round(x * 1000) / 1000;

function measure(n: number): Row {
  const orders = orderBook(n, SEED);
  const tariffs = { gridBuyPrice: B, gridSellPrice: S };
  let result: Clearing = clearMarket(orders, tariffs);
  for (let i = 1; i < warmup; i++) result = clearMarket(orders, tariffs);
  const iterations = iterationsFor(n);
  const times: number[] = [];
  let heapMax = 0;
  for (let i = 0; i < iterations; i++) {
    const t0 = process.hrtime.bigint();
    result = clearMarket(orders, tariffs);
    const t1 = process.hrtime.bigint();
    times.push(ms(t1 - t0));
    heapMax = Math.max(heapMax, process.memoryUsage().heapUsed);
  }
  const sorted = [...times].sort((a, b) => a - b);
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  return {
    orders: n,
    sells: orders.filter((o) => o.side === 'sell').length,
    buys: orders.filter((o) => o.side === 'buy').length,
    limited: orders.filter((o) => o.limitPrice !== (o.side === 'sell' ? S : B)).length,
    rounds: result.rounds,
    accepted: result.allocations.filter((a) => a.status === 'accepted').length,
    rejected: result.allocations.filter((a) => a.status === 'rejected').length,
    supplyWh: result.supplyWh,
    demandWh: result.demandWh,
    sdr: result.ratio,
    sellPrice: result.sellPrice,
    buyPrice: result.buyPrice,
    internalWh: result.internalWh,
    warmup,
    iterations,
    meanMs: round3(mean),
    minMs: round3(sorted[0]),
    maxMs: round3(sorted[sorted.length - 1]),
    medianMs: round3(sorted[Math.floor(sorted.length / 2)]),
    heapUsedMB: mb(process.memoryUsage().heapUsed),
    heapDuringMaxMB: mb(heapMax),
  };
}

function sh(cmd: string): string {
  try {
    return execSync(cmd, { encoding: 'utf8' }).trimEnd();
  } catch {
    return 'n/a';
  }
}

function machine(loadBefore: number[]) {
  let cpuModel = 'n/a';
  try {
    cpuModel = readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.+)$/m)?.[1]?.trim() ?? 'n/a';
  } catch {
    /* not Linux */
  }
  return {
    nproc: sh('nproc'),
    cpuModel,
    freeH: sh('free -h'),
    node: process.version,
    v8: process.versions.v8,
    platform: `${process.platform} ${process.arch}`,
    /** 1/5/15-minute load averages before and after the run: the 2 cores are shared. */
    loadavgBefore: loadBefore.map((x) => Math.round(x * 100) / 100),
    loadavgAfter: loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

function table(rows: Row[]): string {
  const head = ['orders', 'sell/buy', 'limits', 'rounds', 'acc/rej', 'Ps/Pb µ/kWh', 'mean ms', 'min ms', 'max ms', 'heap MB'];
  const body = rows.map((r) => [
    String(r.orders),
    `${r.sells}/${r.buys}`,
    String(r.limited),
    String(r.rounds),
    `${r.accepted}/${r.rejected}`,
    `${r.sellPrice}/${r.buyPrice}`,
    r.meanMs.toFixed(3),
    r.minMs.toFixed(3),
    r.maxMs.toFixed(3),
    r.heapUsedMB.toFixed(1),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padStart(widths[i])).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 1) + ':').join('|')}|`, ...body.map(line)].join('\n');
}

function main(): void {
  const loadBefore = loadavg();
  const rows = sizes.map((n) => {
    process.stderr.write(`[bench] clearing ${n} orders ...\n`);
    return measure(n);
  });
  const m = machine(loadBefore);
  const out = table(rows);
  process.stdout.write(`${out}\n`);

  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const at = new Date().toISOString();
  writeFileSync(
    join(dir, 'clearing.json'),
    `${JSON.stringify({ benchmark: 'clearMarket', at, seed: SEED, tariffs: { gridBuyPrice: B, gridSellPrice: S }, machine: m, results: rows }, null, 2)}\n`,
  );
  const md = [
    '# Clearing benchmark (`npm run bench:clearing`)',
    '',
    `Pure \`clearMarket\` (market-rules §5–§7: SDR prices and the limit-price loop, largest-remainder`,
    `allocation, settlement amounts), in-process, no ledger. Deterministic books (mulberry32, seed ${SEED}):`,
    `~45 % sells of 200–8000 Wh, ~55 % buys of 300–6000 Wh, a quarter with a limit uniform in [S, B];`,
    `B = ${B}, S = ${S} µ/kWh. Each size: ${warmup} warm-up closes, then the timed closes`,
    `(\`process.hrtime.bigint\`). "heap MB" is \`heapUsed\` after the timed closes. Run ${at}.`,
    '',
    out,
    '',
    '## Machine',
    '',
    `- CPU: ${m.cpuModel} (\`nproc\` = ${m.nproc}, shared with other work while measuring)`,
    `- Node ${m.node} (V8 ${m.v8}), ${m.platform}`,
    `- load average (1/5/15 min) before ${m.loadavgBefore.join(' / ')}, after ${m.loadavgAfter.join(' / ')}`,
    '- `free -h`:',
    '',
    '```',
    m.freeH,
    '```',
    '',
    'A measurement, not a test: figures vary with load; nothing asserts on speed.',
    '',
  ].join('\n');
  writeFileSync(join(dir, 'clearing.md'), md);
  process.stderr.write(`[bench] wrote ${join(dir, 'clearing.json')} and clearing.md\n`);
}

main();
