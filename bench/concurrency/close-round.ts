/**
 * A market close (gate closure, SDR clearing, settlement: one transaction) with
 * `size` orders: time to commit, transaction size, and the CPU and memory of the
 * network's processes while it runs. On Fabric the close goes through the
 * ProfiledClient (phases, envelope size) and the orderer's and peer's block files
 * are measured before and after; on the embedded ledger through the adapter.
 */
import { performance } from 'node:perf_hooks';
import type { LedgerIdentity } from '../../gateway-api/src/ledger/port';
import type { AdapterSession } from './adapter-session';
import { ensureCloseHouseholds, ledgerSetupRetry } from './households';
import { openViaAdapter } from './markets';
import { blockFileBytes } from './network';
import { forEachLimited } from './pool';
import { ProcSampler, type SampledFigures } from './proc-sampler';
import type { ProfiledClient } from './profiled-client';
import { marketSpec, orderFor } from './workload';

export interface CloseFigures {
  orders: number;
  /** profiled: fabric-gateway step by step with a raised gRPC receive limit; adapter: the gateway's ledger adapter as is. */
  path: 'profiled' | 'adapter';
  marketId: string;
  ok: boolean;
  error?: string;
  /** Request sent → commit status received (Fabric) / submit resolved (embedded). */
  commitMs: number | null;
  endorseMs?: number;
  submitMs?: number;
  commitWaitMs?: number;
  /** The endorsed transaction envelope (read/write sets, both endorsements, result). */
  txBytes?: number;
  /** The close's JSON result (the allocations). */
  resultBytes?: number;
  allocations?: number;
  /** Growth of the block files during the close: the close's block (plus any block cut meanwhile). */
  ordererBlockFileBytes?: number;
  peerBlockFileBytes?: number;
  placeSetupMs: number;
  resources: SampledFigures;
}

export interface CloseContext {
  session: AdapterSession;
  profiled?: ProfiledClient;
  runDir?: string;
  pids: Record<string, number>;
  dataDir: string;
  runTag: string;
  setupConcurrency: number;
}

export async function closeRound(c: CloseContext, size: number, index: number): Promise<CloseFigures> {
  const who: LedgerIdentity[] = await ensureCloseHouseholds(c.session, c.dataDir, size, c.setupConcurrency);
  const spec = marketSpec(c.runTag, `close${size}-${index}`, 3000 + index);
  await openViaAdapter(c.session)(spec);
  process.stderr.write(`[bench] placing ${size} orders into ${spec.id} ...\n`);
  const t0 = performance.now();
  let placed = 0;
  await forEachLimited(who, c.setupConcurrency, async (id, i) => {
    // Setup: a Place the ledger did not answer is retried (same clientOrderId, so it never places twice).
    await ledgerSetupRetry(() => c.session.submit(id, 'orders', 'Place', spec.id, JSON.stringify(orderFor(size, i))));
    if (++placed % 500 === 0) process.stderr.write(`[bench]   placed ${placed}/${size}\n`);
  });
  const placeSetupMs = Math.round(performance.now() - t0);

  const blocksBefore = c.runDir ? { orderer: blockFileBytes(c.runDir, 'orderer1'), peer: blockFileBytes(c.runDir, 'peer0.community') } : undefined;
  const sampler = new ProcSampler({ ...c.pids, 'bench (client)': process.pid });
  // Gate closure first, as the gateway's close does; the figures are the clearing's.
  await c.session.submit(c.session.na, 'markets', 'GateClose', spec.id);
  process.stderr.write(`[bench] clearing ${spec.id} (${size} orders) ...\n`);
  sampler.start();
  const start = performance.now();
  const base = { orders: size, path: c.profiled ? ('profiled' as const) : ('adapter' as const), marketId: spec.id, placeSetupMs };
  try {
    let resultText: string;
    let phases: Partial<CloseFigures> = {};
    if (c.profiled) {
      const r = await c.profiled.submit(c.session.na, 'markets', 'Clear', spec.id);
      resultText = Buffer.from(r.result).toString('utf8');
      phases = { endorseMs: Math.round(r.endorseMs), submitMs: Math.round(r.submitMs), commitWaitMs: Math.round(r.commitMs), txBytes: r.txBytes, resultBytes: r.resultBytes };
    } else {
      resultText = await c.session.submit(c.session.na, 'markets', 'Clear', spec.id);
      phases = { resultBytes: Buffer.byteLength(resultText) };
    }
    const commitMs = Math.round(performance.now() - start);
    const resources = sampler.stop();
    const allocations = (JSON.parse(resultText) as { result?: { allocations?: unknown[] } }).result?.allocations?.length;
    const figures: CloseFigures = { ...base, ok: true, commitMs, ...phases, resources };
    if (allocations !== undefined) figures.allocations = allocations;
    if (c.runDir && blocksBefore) {
      figures.ordererBlockFileBytes = blockFileBytes(c.runDir, 'orderer1') - blocksBefore.orderer;
      figures.peerBlockFileBytes = blockFileBytes(c.runDir, 'peer0.community') - blocksBefore.peer;
    }
    process.stderr.write(`[bench] close of ${size} orders committed in ${commitMs} ms\n`);
    return figures;
  } catch (err) {
    const resources = sampler.stop();
    process.stderr.write(`[bench] close of ${size} orders FAILED: ${(err as Error).message}\n`);
    return { ...base, ok: false, error: (err as Error).message, commitMs: null, resources };
  }
}
