/**
 * `npm run vpp -- --out simulator/results/vpp-rs1`
 * Replays seed 003's four cases (Table 3) under RS1 through the gateway: by default one
 * started in-process on the embedded ledger in a fresh DATA_DIR, or a running one with
 * --gateway-url and --admin-token. Writes report.md and summary.json into --out.
 */
import { Command, Option } from 'commander';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { GatewayApi } from '../gateway/api';
import { loadStartGateway, RunningGateway } from '../gateway/start';
import { VPP_SEED } from '../vpp/agents';
import { VPP_ESS } from '../vpp/ess';
import { replayVpp } from '../vpp/replay';
import { writeReport } from '../vpp/report';
import { CaseId } from '../vpp/seed-tables';

interface Opts {
  out: string;
  seed: number;
  date?: string;
  windowMs?: number;
  cases?: CaseId[];
  gatewayUrl?: string;
  adminToken?: string;
  idPrefix?: string;
}

const int = (v: string) => {
  const n = Number.parseInt(v, 10);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`expected a positive integer, got "${v}"`);
  return n;
};

/** The next 15 January (a Perth summer day) after today: inside the ledger's 366-day horizon. */
export function defaultDate(now = new Date()): string {
  const y = now.getUTCFullYear();
  const thisYear = `${y}-01-15`;
  return Date.parse(`${thisYear}T00:00:00+08:00`) > now.getTime() + 86_400_000 ? thisYear : `${y + 1}-01-15`;
}

const program = new Command('vpp')
  .description("seed 003's virtual power plant: the four cases of Table 3 as English auctions under RS1")
  .requiredOption('--out <dir>', 'output folder for report.md and summary.json')
  .option('--seed <n>', 'PRNG seed of the agents’ shares and maxima', int, VPP_SEED)
  .option('--date <YYYY-MM-DD>', 'the Perth day the lots are delivered on (default: the next 15 January)')
  .option('--window-ms <ms>', 'how long each auction takes bids (default 1500, 5000 with --gateway-url)', int)
  .addOption(new Option('--cases <ids...>', 'only these cases').choices(['I', 'II', 'III', 'IV']))
  .option('--gateway-url <url>', 'use a running gateway instead of starting one')
  .option('--admin-token <token>', 'NA token of that gateway (default: env GATEWAY_ADMIN_TOKEN)')
  .option('--id-prefix <prefix>', 'prefix of participant and auction ids (default: none on a fresh ledger, random with --gateway-url)')
  .parse();

async function main(o: Opts): Promise<number> {
  const say = (t: string) => process.stderr.write(`vpp: ${t}\n`);
  let gateway: RunningGateway | undefined;
  let dataDir: string | undefined;
  let url = o.gatewayUrl;
  let admin = o.adminToken ?? process.env.GATEWAY_ADMIN_TOKEN;
  if (!url) {
    dataDir = mkdtempSync(join(tmpdir(), 'ecch-vpp-'));
    say(`starting the gateway in-process (embedded ledger, DATA_DIR ${dataDir})`);
    gateway = await loadStartGateway()({ ledger: 'embedded', dataDir, port: 0, host: '127.0.0.1', logLevel: 'warn', settings: { RATE_LIMIT_MAX: 10_000_000 } });
    url = gateway.url;
    admin = gateway.adminToken;
  }
  if (!admin) throw new Error('--admin-token (or GATEWAY_ADMIN_TOKEN) is required with --gateway-url');
  try {
    const run = await replayVpp(new GatewayApi(url), admin, {
      seed: o.seed,
      ess: VPP_ESS,
      date: o.date ?? defaultDate(),
      idPrefix: o.idPrefix ?? (gateway ? '' : `r${randomUUID().slice(0, 8)}-`),
      windowMs: o.windowMs ?? (gateway ? 1500 : 5000),
      ...(o.cases ? { cases: o.cases } : {}),
      onStage: say,
    });
    const out = resolve(o.out);
    const summary = writeReport(out, run);
    for (const c of summary.cases) {
      say(`case ${c.id}: ${c.auctions.length} auctions, P2P ${(c.p2pWh / 1000).toFixed(3)} kWh, ESS ${(c.ess.socBeforeWh / 1000).toFixed(3)} → ${(c.ess.socAfterWh / 1000).toFixed(3)} kWh, Table 3 balance ${c.matchesTable3 ? 'reproduced' : 'differs'}`);
    }
    process.stdout.write(`vpp: ${summary.cases.length} cases, §5 rule ${summary.allMatchRule ? 'held in every auction' : 'VIOLATED'} → ${out}\n`);
    return summary.allMatchRule ? 0 : 2;
  } finally {
    await gateway?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

main(program.opts<Opts>()).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`vpp: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
