/**
 * `npm run bench:caliper -- [options]`: Hyperledger Caliper (caliper-core and
 * caliper-fabric 0.6.0, peer-gateway connector) against our native Fabric network,
 * with the workloads of `npm run bench`: place-then-amend and the diagnostics:Touch
 * baseline. Starts the network (like `npm run bench -- --network up`), prepares the
 * identities (setup, not measured), writes Caliper's network and benchmark
 * configuration into $ECCH_RUN_DIR/caliper/, runs Caliper in a child process
 * (bench/caliper/engine.ts), then stops the network and writes
 * bench/results/caliper/report.html (Caliper's own), caliper.json and
 * caliper-figures.md. Uses the network's fixed ports: never beside the tests
 * (run it under `flock /tmp/ecch-network.lock`). A measurement, never a test.
 */
import '../../gateway-api/src/ledger/embedded/shim-logging';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readConnectionProfile } from '../../gateway-api/src/ledger/fabric/connection-profile';
import { identityKey } from '../../gateway-api/src/identity/identity-key';
import { issueIdentity } from '../../gateway-api/src/identity/issuer';
import type { LedgerIdentity } from '../../gateway-api/src/ledger/port';
import { openAdapter } from '../concurrency/adapter-session';
import { benchIdentities } from '../concurrency/households';
import { currentLoad, describeMachine, type Load } from '../concurrency/machine';
import { ensureNetwork, fabricBinDir, nodePids, stopNetwork, type NetworkHandle } from '../concurrency/network';
import { ProcSampler } from '../concurrency/proc-sampler';
import { openRest } from '../concurrency/rest-session';
import { marketSpec, orderFor } from '../concurrency/workload';
import { parseCaliperOptions, type CaliperOptions } from './options';
import { figuresFromLines, parseReportSummary, type CaliperRound } from './report';
import { caliperFiguresMarkdown } from './figures-md';
import type { RoundArgs } from './workloads/round-args';
import type { TxLine } from './latency-observer';

function log(text: string): void {
  process.stderr.write(`[caliper-bench] ${text}\n`);
}

interface Prepared {
  households: LedgerIdentity[];
  registers: string[];
  probes: LedgerIdentity[];
  na: LedgerIdentity;
}

/** The NA (enrolled by the gateway at the Community Fabric CA), households to register, bench identities for Touch. */
async function prepareIdentities(net: NetworkHandle, dataDir: string, count: number, tag: string): Promise<Prepared> {
  const rest = await openRest('fabric', dataDir, net.connection, 0);
  await rest.close();
  const session = await openAdapter('fabric', dataDir, net.connection, 0);
  try {
    const households: LedgerIdentity[] = [];
    const registers: string[] = [];
    for (let i = 0; i < count; i++) {
      const id = `cal${tag}-${String(i).padStart(5, '0')}`;
      const issued = await issueIdentity(session.ca, { commonName: id });
      households.push({ label: id, mspId: session.mspId, ...issued });
      registers.push(JSON.stringify({ id, name: `Caliper household ${id}`, kind: 'prosumer', pvWp: 3000, identity: identityKey(session.mspId, issued.certificate) }));
    }
    return { households, registers, probes: await benchIdentities(session, count), na: session.na };
  } finally {
    await session.close();
  }
}

function networkConfig(net: NetworkHandle, channel: string, chaincode: string, p: Prepared): object {
  const conn = JSON.parse(readFileSync(net.connection, 'utf8')) as { gateway: { mspId: string; endpoint: string; hostnameOverride?: string; tlsCACertPath: string } };
  const g = conn.gateway;
  const cert = (alias: string, who: LedgerIdentity) => ({ name: alias, clientPrivateKey: { pem: who.privateKey }, clientSignedCert: { pem: who.certificate } });
  return {
    name: 'ecch-native',
    version: '2.0.0',
    caliper: { blockchain: 'fabric', sutOptions: { mutualTls: false } },
    channels: [{ channelName: channel, contracts: [{ id: chaincode }] }],
    organizations: [
      {
        mspid: g.mspId,
        identities: { certificates: [cert('na', p.na), ...p.households.map((h) => cert(h.label, h)), ...p.probes.map((b) => cert(b.label, b))] },
        // The gateway's peer: the connector opens its gateways there (the peer's Gateway service endorses on both orgs).
        peers: [
          {
            endpoint: g.endpoint,
            tlsCACerts: { path: path.resolve(path.dirname(net.connection), g.tlsCACertPath) },
            grpcOptions: g.hostnameOverride ? { 'ssl-target-name-override': g.hostnameOverride } : {},
          },
        ],
      },
    ],
  };
}

export interface PlannedRound {
  label: string;
  workload: 'orders' | 'touch';
  agents: number;
  rep: number;
}

function benchmarkConfig(o: CaliperOptions, chaincode: string, p: Prepared, tag: string, linesFile: string): { config: object; plan: PlannedRound[] } {
  const rounds: object[] = [];
  const plan: PlannedRound[] = [];
  let market = 0;
  let registered = false;
  const rateControl = { type: 'fixed-rate', opts: { tps: o.tps } };
  for (const n of o.agents) {
    for (let rep = 0; rep < o.repeat; rep++) {
      const orders = Array.from({ length: n }, (_, i) => orderFor(n * 10 + rep, i));
      const markets = Array.from({ length: o.workers }, (_, w) => marketSpec(tag, `cal-n${n}-r${rep}-w${w}`, market++));
      const orderArgs: RoundArgs = { contract: chaincode, agents: n, identities: p.households.slice(0, n).map((h) => h.label), orders, markets, register: registered ? undefined : p.registers };
      registered = true;
      const touchArgs: RoundArgs = { contract: chaincode, agents: n, identities: p.probes.slice(0, n).map((b) => b.label) };
      // Orders and Touch alternate, as in npm run bench, so a change in the machine's load hits both.
      for (const [workload, module, args] of [
        ['orders', 'place-amend.ts', orderArgs],
        ['touch', 'touch.ts', touchArgs],
      ] as const) {
        const label = `${workload === 'orders' ? 'place-amend' : 'touch'}-N${n}-r${rep + 1}`;
        plan.push({ label, workload, agents: n, rep });
        rounds.push({ label, description: `${n} agents, ${workload === 'orders' ? 'PLACE then AMEND' : 'diagnostics:Touch twice'}`, txNumber: n /* one call per agent: workloads/two-steps.ts */, rateControl, workload: { module: path.join(__dirname, 'workloads', module), arguments: args } });
      }
    }
  }
  return {
    plan,
    config: {
      test: { name: 'ecch-orders-vs-touch', description: 'npm run bench:caliper: place-then-amend vs diagnostics:Touch on the native network', workers: { number: o.workers }, rounds },
      monitors: { transaction: [{ module: path.join(__dirname, 'latency-observer.ts'), options: { file: linesFile } }] },
    },
  };
}

function runEngine(dir: string, o: CaliperOptions): Promise<number> {
  const env = {
    ...process.env,
    CALIPER_WORKSPACE: dir,
    CALIPER_BENCHCONFIG: path.join(dir, 'benchmark.json'),
    CALIPER_NETWORKCONFIG: path.join(dir, 'network.json'),
    CALIPER_REPORT_PATH: path.join(dir, 'report.html'),
    CALIPER_FLOW_ONLY_TEST: 'true',
    CALIPER_FABRIC_TIMEOUT_INVOKEORQUERY: String(o.timeoutS),
    CALIPER_PROGRESS_REPORTING_INTERVAL: '10000',
  };
  const child = spawn(process.execPath, [...process.execArgv, path.join(__dirname, 'engine.ts'), 'launch', 'manager'], { env, cwd: dir, stdio: ['ignore', 'inherit', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

async function main(): Promise<void> {
  const o = parseCaliperOptions(process.argv.slice(2), process.env);
  const tag = Date.now().toString(36);
  const loadBefore = currentLoad();
  let net: NetworkHandle | undefined;
  const loadDuring: Load[] = [];
  try {
    net = ensureNetwork(o.network, o.runDir, o.portBase);
    const profile = await readConnectionProfile(net.connection);
    const dir = path.join(net.runDir, 'caliper');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const dataDir = path.join(net.runDir, 'bench-caliper');
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const maxN = o.agents[o.agents.length - 1] as number;
    log(`setup: ${maxN} household and ${maxN} bench identities ...`);
    const prepared = await prepareIdentities(net, dataDir, maxN, tag);
    const linesFile = path.join(dir, 'transactions.jsonl');
    const { config, plan } = benchmarkConfig(o, profile.chaincode, prepared, tag, linesFile);
    writeFileSync(path.join(dir, 'network.json'), JSON.stringify(networkConfig(net, profile.channel, profile.chaincode, prepared), null, 2), { mode: 0o600 });
    writeFileSync(path.join(dir, 'benchmark.json'), JSON.stringify(config, null, 2));
    const machine = describeMachine(fabricBinDir(net.connection));
    const sampler = new ProcSampler(nodePids(net.runDir), 1000);
    const loadTimer = setInterval(() => loadDuring.push(currentLoad()), 15_000);
    sampler.start();
    const startedAt = new Date().toISOString();
    log(`Caliper: ${plan.length} rounds (${o.agents.join(', ')} agents × ${o.repeat}, orders and Touch alternating), ${o.workers} worker(s), fixed-rate ${o.tps} tx/s`);
    const code = await runEngine(dir, o);
    clearInterval(loadTimer);
    const resources = sampler.stop();
    const finishedAt = new Date().toISOString();
    if (code !== 0) throw new Error(`Caliper exited with ${code} (its log above says why)`);
    const reportFile = path.join(dir, 'report.html');
    if (!existsSync(reportFile)) throw new Error(`Caliper wrote no ${reportFile}`);
    mkdirSync(path.join(o.out, 'caliper'), { recursive: true });
    copyFileSync(reportFile, path.join(o.out, 'caliper', 'report.html'));
    const summary = parseReportSummary(readFileSync(reportFile, 'utf8'));
    const lines = existsSync(linesFile)
      ? readFileSync(linesFile, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as TxLine)
      : [];
    const rounds: CaliperRound[] = plan.map((p, index) => ({ ...p, caliper: summary.find((s) => s.name === p.label), own: figuresFromLines(lines.filter((l) => l.round === index)) }));
    const results = {
      benchmark: 'Hyperledger Caliper 0.6.0 (caliper-core, caliper-fabric peer-gateway connector) on the native network',
      command: `npm run bench:caliper -- ${process.argv.slice(2).join(' ')}`.trim(),
      machine,
      loadBefore,
      loadDuring,
      loadAfter: currentLoad(),
      startedAt,
      finishedAt,
      settings: { workers: o.workers, rateControl: `fixed-rate ${o.tps} tx/s`, timeoutS: o.timeoutS, repeat: o.repeat, agents: o.agents, nodeVersion: process.version, cpus: os.availableParallelism() },
      resources,
      rounds,
    };
    writeFileSync(path.join(o.out, 'caliper.json'), JSON.stringify(results, null, 2) + '\n');
    writeFileSync(path.join(o.out, 'caliper-figures.md'), caliperFiguresMarkdown(results));
    log(`written ${path.join(o.out, 'caliper', 'report.html')}, caliper.json and caliper-figures.md in ${o.out}`);
  } finally {
    if (net) stopNetwork(net, o.portBase);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`[caliper-bench] failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
