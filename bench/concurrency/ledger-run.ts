/**
 * Everything measured on one ledger, in order: households registered through
 * REST (setup), the REST rounds with the gateway in-process, then (gateway
 * stopped, so the embedded store can be reopened) the adapter rounds, orders
 * interleaved with the baselines per N, the Fabric phase profile, and the closes.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { readConnectionProfile } from '../../gateway-api/src/ledger/fabric/connection-profile';
import type { LedgerIdentity } from '../../gateway-api/src/ledger/port';
import { openAdapter, type AdapterSession } from './adapter-session';
import { aggregate, combineReps, type RoundFigures } from './aggregate';
import { classifyLedgerError, classifyRestError } from './classify';
import { closeRound, type CloseFigures } from './close-round';
import { benchIdentities, ensureRestHouseholds, restHouseholdId } from './households';
import { currentLoad, type Load } from './machine';
import { openViaAdapter, openViaRest, type OpenMarket } from './markets';
import type { BenchOptions, LedgerKind } from './options';
import { mergeSampled, ProcSampler, type SampledFigures } from './proc-sampler';
import { ProfiledClient } from './profiled-client';
import { profileRound, type ProfileRound } from './profile-round';
import { openRest } from './rest-session';
import { runRound, type AgentScript, type Failure } from './round';
import type { Sample } from './sample';
import { adapterBaseline, adapterOrders, restOrders } from './scripts';
import { gatewayConfig } from './settings';
import { marketSpec } from './workload';

export type Workload = 'orders' | 'touch' | 'ping';

export interface RoundRecord {
  path: 'rest' | 'adapter';
  workload: Workload;
  agents: number;
  marketIds?: string[];
  figures: RoundFigures;
  /** At the start of the first repetition. */
  load: Load;
  /** At the start of each repetition. */
  loads?: Load[];
  resources: SampledFigures;
}

export interface LedgerRun {
  ledger: LedgerKind;
  startedAt: string;
  finishedAt?: string;
  settings: { fabricMaxRetries: number; deadlinesMs?: Record<string, number>; roundTimeoutMs: number; repeat: number; closeRepeat?: number; adapterInFlightCap: number };
  setup: { households: number; registrationMs: number };
  rounds: RoundRecord[];
  profile: (ProfileRound & { agents: number; load: Load })[];
  close: CloseFigures[];
}

export interface LedgerContext {
  kind: LedgerKind;
  dataDir: string;
  fabricConnection?: string;
  runDir?: string;
  pids: Record<string, number>;
  runTag: string;
  options: BenchOptions;
  /** Called after every step, so a crash later keeps what was measured. */
  checkpoint(run: LedgerRun): void;
}

const SETTLE_MS = 1000;

function log(text: string): void {
  process.stderr.write(`[bench] ${text}\n`);
}

function summaryLine(r: RoundRecord): string {
  const f = r.figures;
  const fails = Object.entries(f.failures).map(([k, v]) => `${k}×${v}`).join(' ');
  return `${r.path}/${r.workload} N=${r.agents}: ${f.accepted}/${f.attempted} ok, ${f.throughputPerS}/s, p50 ${f.latency.p50Ms} ms, p95 ${f.latency.p95Ms} ms${fails ? `, failed: ${fails}` : ''}`;
}

export async function runLedger(c: LedgerContext): Promise<LedgerRun> {
  const o = c.options;
  const config = gatewayConfig(c.kind, c.dataDir, c.fabricConnection, o.retries);
  const run: LedgerRun = {
    ledger: c.kind,
    startedAt: new Date().toISOString(),
    settings: { fabricMaxRetries: o.retries, roundTimeoutMs: o.roundTimeoutMs, repeat: o.repeat, closeRepeat: o.closeRepeat, adapterInFlightCap: o.inFlightCap },
    setup: { households: 0, registrationMs: 0 },
    rounds: [],
    profile: [],
    close: [],
  };
  if (c.kind === 'fabric') {
    const f = config.fabric;
    run.settings.deadlinesMs = { evaluate: f.evaluateMs, endorse: f.endorseMs, submit: f.submitMs, commitStatus: f.commitStatusMs };
  }
  const maxN = o.agents[o.agents.length - 1] as number;
  let marketIndex = 0;
  const nextMarket = (label: string) => marketSpec(c.runTag, `${c.kind.slice(0, 3)}-${label}`, marketIndex++);

  // One repetition of a round; repetitions of the same round are combined into one record as they come.
  const reps = new Map<string, { samples: Sample[][]; resources: SampledFigures[]; record: RoundRecord }>();
  const measure = async (path: RoundRecord['path'], workload: Workload, n: number, classify: (e: unknown) => Failure, open: OpenMarket | undefined, script: (marketId: string) => AgentScript) => {
    const spec = open ? nextMarket(`${path}-${workload}-n${n}-r${marketIndex}`) : undefined;
    if (open && spec) await open(spec);
    await sleep(SETTLE_MS);
    const load = currentLoad();
    const sampler = new ProcSampler({ ...c.pids, 'bench (gateway+client)': process.pid });
    sampler.start();
    const samples = await runRound({ agents: n, deadlineMs: o.roundTimeoutMs, graceMs: 30_000, classify }, script(spec?.id ?? ''));
    const resources = sampler.stop();
    const key = `${path}/${workload}/${n}`;
    let acc = reps.get(key);
    if (!acc) {
      acc = { samples: [], resources: [], record: { path, workload, agents: n, figures: aggregate(n, []), load, resources } };
      reps.set(key, acc);
      run.rounds.push(acc.record);
    }
    acc.samples.push(samples);
    acc.resources.push(resources);
    acc.record.loads = [...(acc.record.loads ?? []), load];
    acc.record.figures = combineReps(n, acc.samples);
    acc.record.resources = mergeSampled(acc.resources);
    if (spec) acc.record.marketIds = [...(acc.record.marketIds ?? []), spec.id];
    log(`${summaryLine({ ...acc.record, figures: aggregate(n, samples) })}${o.repeat > 1 ? ` (repetition ${acc.samples.length}/${o.repeat})` : ''}`);
    c.checkpoint(run);
  };

  // REST: the gateway in-process; also registers the households the adapter later signs as.
  const rest = await openRest(c.kind, c.dataDir, c.fabricConnection, o.retries);
  try {
    const t0 = Date.now();
    const tokens = await ensureRestHouseholds(rest.api, rest.gateway.adminToken, c.dataDir, maxN, o.registerConcurrency);
    run.setup = { households: tokens.length, registrationMs: Date.now() - t0 };
    if (o.paths.includes('rest')) {
      for (const n of o.agents) {
        log(`${c.kind}: REST round, ${n} households placing and amending at once ...`);
        for (let rep = 0; rep < o.repeat; rep++) {
          await measure('rest', 'orders', n, classifyRestError, openViaRest(rest.api, rest.gateway.adminToken), (m) => restOrders(rest.api, tokens, m, n * 10 + rep));
        }
      }
    }
  } finally {
    await rest.close();
  }

  const session: AdapterSession = await openAdapter(c.kind, c.dataDir, c.fabricConnection, o.retries, o.inFlightCap);
  try {
    const who: LedgerIdentity[] = [];
    for (let i = 0; i < maxN; i++) who.push(await session.household(restHouseholdId(i)));
    // Touch writes state: its baselines and its phase profile sign with bench-role identities.
    const needProbes = (o.paths.includes('adapter') && o.baselines.length > 0) || o.profileAgents.length > 0;
    const probes = needProbes ? await benchIdentities(session, maxN) : [];
    if (o.paths.includes('adapter')) {
      for (const n of o.agents) {
        const agents = who.slice(0, n);
        log(`${c.kind}: adapter rounds, ${n} households at once ...`);
        // Orders and baselines alternate within each repetition, so a change in the machine's load hits both.
        for (let rep = 0; rep < o.repeat; rep++) {
          await measure('adapter', 'orders', n, classifyLedgerError, openViaAdapter(session), (m) => adapterOrders(session, agents, m, n * 10 + rep));
          for (const b of o.baselines) {
            await measure('adapter', b, n, classifyLedgerError, undefined, () => adapterBaseline(session, probes.slice(0, n), b === 'touch' ? 'Touch' : 'Ping'));
          }
        }
      }
    }

    let profiled: ProfiledClient | undefined;
    // Opened only when used: its own gRPC connection must not stand in for the adapter's during an adapter close.
    const needProfiled = o.profileAgents.length > 0 || (o.closePath === 'profiled' && o.closeSizes.length > 0);
    if (c.kind === 'fabric' && c.fabricConnection && needProfiled) profiled = await ProfiledClient.open(await readConnectionProfile(config.fabricConnection), config.fabric);
    try {
      if (profiled) {
        for (const n of o.profileAgents.filter((n) => n <= maxN)) {
          for (const workload of ['orders', 'touch'] as const) {
            log(`${c.kind}: phase profile, ${workload}, ${n} households ...`);
            const spec = nextMarket(`profile-${workload}-n${n}`);
            if (workload === 'orders') await openViaAdapter(session)(spec);
            await sleep(SETTLE_MS);
            const load = currentLoad();
            const p = await profileRound(profiled, (workload === 'touch' ? probes : who).slice(0, n), workload, spec.id, n, o.roundTimeoutMs);
            run.profile.push({ ...p, agents: n, load });
            log(`profile ${workload} N=${n}: endorse p50 ${p.phases.endorse.p50Ms} ms, submit p50 ${p.phases.submit.p50Ms} ms, commit wait p50 ${p.phases.commitWait.p50Ms} ms, ${p.phases.meanTxPerBlock} tx/block`);
            c.checkpoint(run);
          }
        }
      }
      for (const [i, size] of o.closeSizes.entries()) {
        for (let rep = 0; rep < o.closeRepeat; rep++) {
          run.close.push(
            await closeRound(
              { session, profiled: o.closePath === 'profiled' ? profiled : undefined, runDir: c.runDir, pids: c.pids, dataDir: c.dataDir, runTag: c.runTag, setupConcurrency: o.setupConcurrency },
              size,
              i * o.closeRepeat + rep,
            ),
          );
          c.checkpoint(run);
        }
      }
    } finally {
      profiled?.close();
    }
  } finally {
    await session.close();
  }
  run.finishedAt = new Date().toISOString();
  return run;
}
