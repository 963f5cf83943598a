/**
 * `npm run simulate -- --community lot2 --hours 48 --scenario S2 --out DIR`
 * Runs the ECCH demonstrator through the gateway REST API and writes the run's
 * CSVs, summary.json, report.md and charts into DIR. `--compare A B C` instead
 * writes a side-by-side table of finished runs.
 */
import { Command, Option } from 'commander';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BATTERY_POLICIES, BatteryPolicy } from '../agent/battery-policy';
import { StrategyName } from '../agent/strategy';
import { ECCH_SEED } from '../fixtures/community';
import { DEFAULT_DATE } from '../fixtures/generate';
import { TariffKind } from '../fixtures/tariffs';
import { GatewayApi } from '../gateway/api';
import { loadStartGateway, RunningGateway } from '../gateway/start';
import { writeComparison } from '../report/compare-files';
import { checksPassed } from '../report/summary';
import { writeRun } from '../report/write';
import { loadCommunity } from '../sim/community';
import { RunRecord } from '../sim/record';
import { runSimulation } from '../sim/run';
import { FORECAST_ERROR_MODELS, ForecastErrorModel } from '../sim/forecast';
import { Mechanism, MECHANISMS } from '../sim/mechanism';
import { scenarioById } from '../sim/scenario';
import { createProgress } from './progress';

interface Opts {
  community: string;
  hours: number;
  scenario: string;
  out?: string;
  start: string;
  startHour: number;
  tariff: TariffKind;
  ledger: 'embedded' | 'fabric';
  gatewayUrl?: string;
  adminToken?: string;
  strategy: StrategyName;
  margin: number;
  seed: number;
  concurrency: number;
  idPrefix?: string;
  charts: boolean;
  compare?: string[];
  forecastError: ForecastErrorModel;
  metering: 'on' | 'off';
  readingBatch: number;
  mechanism: Mechanism;
  batteryPolicy: BatteryPolicy;
  demandResponse: number;
}

const int = (v: string) => {
  const n = Number.parseInt(v, 10);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`expected a positive integer, got "${v}"`);
  return n;
};

const share = (v: string) => {
  const x = Number(v);
  if (!Number.isFinite(x) || x < 0 || x > 1) throw new Error(`expected a share between 0 and 1, got "${v}"`);
  return x;
};

const program = new Command('simulate')
  .description('ECCH demonstrator: households trade hour by hour on the ledger through the gateway')
  .addOption(new Option('--community <name>', 'community fixture').choices(['lot2', 'ecch']).default('lot2'))
  .option('--hours <n>', 'hourly markets to run', int, 48)
  .addOption(new Option('--scenario <id>', 'S1 PV only, S2 + battery, S3 10 kWp + battery').choices(['S1', 'S2', 'S3']).default('S1'))
  .option('--out <dir>', 'output folder')
  .option('--start <YYYY-MM-DD>', 'first local day (Doha)', DEFAULT_DATE)
  .option('--start-hour <h>', 'local hour of the first market', (v) => Number.parseInt(v, 10), 0)
  .addOption(new Option('--tariff <kind>', 'grid tariff').choices(['flat', 'tou']).default('flat'))
  .addOption(new Option('--ledger <kind>', 'ledger of the in-process gateway').choices(['embedded', 'fabric']).default('embedded'))
  .option('--gateway-url <url>', 'use a running gateway instead of starting one')
  .option('--admin-token <token>', 'NA token of that gateway (default: env GATEWAY_ADMIN_TOKEN)')
  .addOption(new Option('--strategy <name>', 'household order strategy').choices(['margin', 'truthful']).default('margin'))
  .option('--margin <fraction>', "margin strategy's share of the spread B − S", Number.parseFloat, 0.1)
  .option('--seed <n>', 'fixture seed for demand noise', int, ECCH_SEED)
  .option('--concurrency <n>', 'HTTP requests in flight', int, 8)
  .option('--id-prefix <prefix>', 'prefix for participant and market ids (default: none on a fresh ledger, random on --gateway-url)')
  .addOption(
    new Option('--forecast-error <model>', 'orders from a forecast: noise (seeded PV and demand error, sim/forecast.ts) or none (orders match delivery)')
      .choices([...FORECAST_ERROR_MODELS])
      .default('noise'),
  )
  .addOption(new Option('--metering <on|off>', 'register meters, submit signed readings and reconcile every market').choices(['on', 'off']).default('on'))
  .option('--reading-batch <n>', 'readings per POST /v1/readings batch', int, 100)
  .addOption(new Option('--mechanism <name>', 'how every market clears (mechanisms.md)').choices([...MECHANISMS]).default('sdr'))
  .addOption(
    new Option('--battery-policy <name>', 'self: batteries serve their home only; trade: they may also sell what their home will not need (docs/study.md)')
      .choices([...BATTERY_POLICIES])
      .default('self'),
  )
  .option('--demand-response <share>', "share of each home's daily demand shifted toward cheap hours, 0-1 (docs/study.md)", share, 0)
  .option('--no-charts', 'skip the SVG charts')
  .option('--compare <dirs...>', 'write a side-by-side report of finished runs (into --out, or print it)')
  .parse();

async function main(o: Opts): Promise<number> {
  if (o.compare) {
    const text = writeComparison(o.compare, o.out);
    if (!o.out) process.stdout.write(text);
    return 0;
  }
  if (!o.out) throw new Error('--out <dir> is required');
  const out = resolve(o.out);
  const community = loadCommunity(o.community);
  const scenario = scenarioById(o.scenario);
  const variant = [o.mechanism === 'sdr' ? '' : o.mechanism, o.batteryPolicy === 'self' ? '' : `battery ${o.batteryPolicy}`, o.demandResponse ? `DR ${o.demandResponse}` : '']
    .filter(Boolean)
    .join(', ');
  const label = `${o.community} ${scenario.id}${variant ? ` (${variant})` : ''}`;
  const progress = createProgress(label);

  let gateway: RunningGateway | undefined;
  let dataDir: string | undefined;
  let url = o.gatewayUrl;
  let admin = o.adminToken ?? process.env.GATEWAY_ADMIN_TOKEN;
  if (!url) {
    dataDir = mkdtempSync(join(tmpdir(), 'ecch-sim-'));
    progress.stage(`starting the gateway in-process (${o.ledger} ledger, DATA_DIR ${dataDir})`);
    gateway = await loadStartGateway()({
      ledger: o.ledger,
      dataDir,
      port: 0,
      host: '127.0.0.1',
      logLevel: 'warn',
      // Every home talks from 127.0.0.1: lift the per-client rate limit meant for the open internet.
      settings: { RATE_LIMIT_MAX: 10_000_000 },
      // With --ledger fabric, FABRIC_CONNECTION names the network's connection file, as for `npm start`.
      ...(process.env.FABRIC_CONNECTION ? { fabricConnection: process.env.FABRIC_CONNECTION } : {}),
    });
    url = gateway.url;
    admin = gateway.adminToken;
  }
  if (!admin) throw new Error('--admin-token (or GATEWAY_ADMIN_TOKEN) is required with --gateway-url');

  let run: RunRecord;
  try {
    run = await runSimulation(new GatewayApi(url), admin, {
      community,
      scenario,
      date: o.start,
      fromHour: o.startHour,
      hours: o.hours,
      tariff: o.tariff,
      strategy: { name: o.strategy, margin: o.margin },
      seed: o.seed,
      ledger: gateway ? o.ledger : 'external',
      idPrefix: o.idPrefix ?? (gateway ? '' : `r${randomUUID().slice(0, 8)}-`),
      concurrency: o.concurrency,
      forecastError: o.forecastError,
      metering: o.metering === 'on',
      readingBatch: o.readingBatch,
      mechanism: o.mechanism,
      batteryPolicy: o.batteryPolicy,
      demandResponse: o.demandResponse,
      onStage: (t) => progress.stage(t),
      onHour: (done, total, h) =>
        progress.tick(done, total, `${h.deliveryStart} traded ${(h.result.internalWh / 1000).toFixed(1)} kWh at ${h.result.sellPrice === null ? 'n/a' : (h.result.sellPrice / 1e6).toFixed(4)} QAR/kWh`),
    });
  } finally {
    progress.stop();
    await gateway?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
  const { summary } = await writeRun(out, run, { charts: o.charts });
  const ok = checksPassed(summary.checks);
  process.stdout.write(
    `${label}: ${o.hours} h, ${community.households.length} homes, wall time ${(run.timing.wallMs / 1000).toFixed(1)} s, ` +
      `P2P ${(summary.energyWh.p2pTraded / 1000).toFixed(1)} kWh, ` +
      `imbalance +${(summary.imbalance.overWh / 1000).toFixed(1)} / −${(summary.imbalance.underWh / 1000).toFixed(1)} kWh, ` +
      `${run.timing.httpRequests} requests, ${summary.timing.requestsPerSecond} per second, checks ${ok ? 'passed' : 'FAILED'} → ${out}\n`,
  );
  return ok ? 0 : 2;
}

main(program.opts<Opts>()).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`simulate: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
