/**
 * The phase profile: a round of N agents through the ProfiledClient, recording for
 * every transaction how long endorsement, submission and the commit wait took,
 * and which block it landed in (how full blocks were: cut at MaxMessageCount or
 * by BatchTimeout).
 */
import type { LedgerIdentity } from '../../gateway-api/src/ledger/port';
import { aggregate, type RoundFigures } from './aggregate';
import { classifyLedgerError } from './classify';
import type { PhasedResult, ProfiledClient } from './profiled-client';
import { runRound, type AgentScript } from './round';
import { summarize, type LatencySummary } from './stats';
import { amendmentFor, orderFor } from './workload';

export interface PhaseFigures {
  endorse: LatencySummary;
  submit: LatencySummary;
  commitWait: LatencySummary;
  meanTxBytes: number | null;
  blocks: number;
  meanTxPerBlock: number | null;
  maxTxPerBlock: number;
}

export function phaseFigures(results: readonly PhasedResult[]): PhaseFigures {
  const perBlock = new Map<bigint, number>();
  for (const r of results) perBlock.set(r.blockNumber, (perBlock.get(r.blockNumber) ?? 0) + 1);
  const counts = [...perBlock.values()];
  return {
    endorse: summarize(results.map((r) => r.endorseMs)),
    submit: summarize(results.map((r) => r.submitMs)),
    commitWait: summarize(results.map((r) => r.commitMs)),
    meanTxBytes: results.length ? Math.round(results.reduce((a, r) => a + r.txBytes, 0) / results.length) : null,
    blocks: counts.length,
    meanTxPerBlock: counts.length ? Math.round((results.length / counts.length) * 10) / 10 : null,
    maxTxPerBlock: counts.reduce((a, b) => Math.max(a, b), 0),
  };
}

export interface ProfileRound {
  workload: 'orders' | 'touch';
  figures: RoundFigures;
  phases: PhaseFigures;
}

export async function profileRound(
  client: ProfiledClient,
  who: readonly LedgerIdentity[],
  workload: 'orders' | 'touch',
  marketId: string,
  seed: number,
  deadlineMs: number,
): Promise<ProfileRound> {
  const phased: PhasedResult[] = [];
  const keep = (r: PhasedResult) => (phased.push(r), r);
  const script: AgentScript =
    workload === 'orders'
      ? async (agent, { timed, skip }) => {
          const id = who[agent] as LedgerIdentity;
          const body = orderFor(seed, agent);
          const placed = await timed('place', async () => keep(await client.submit(id, 'orders', 'Place', marketId, JSON.stringify(body))));
          if (!placed) return skip('amend', 'PLACE_FAILED');
          const orderId = (JSON.parse(Buffer.from(placed.result).toString('utf8')) as { order: { id: string } }).order.id;
          await timed('amend', async () => keep(await client.submit(id, 'orders', 'Amend', marketId, orderId, JSON.stringify(amendmentFor(body)))));
        }
      : async (agent, { timed }) => {
          const id = who[agent] as LedgerIdentity;
          for (let i = 0; i < 2; i++) await timed('touch', async () => keep(await client.submit(id, 'diagnostics', 'Touch')));
        };
  const samples = await runRound({ agents: who.length, deadlineMs, graceMs: 30_000, classify: classifyLedgerError }, script);
  return { workload, figures: aggregate(who.length, samples), phases: phaseFigures(phased) };
}
