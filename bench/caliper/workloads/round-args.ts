/**
 * What the launcher (bench/caliper/cli.ts) hands each Caliper round, and the calls
 * the workload modules share. Everything the workers need is computed by the
 * launcher (identities, orders, markets), so a worker only signs and sends.
 */
import type { CaliperRequest, SutAdapter } from '../caliper-types';
import type { MarketSpec, OrderBody } from '../../concurrency/workload';

export interface RoundArgs {
  /** The chaincode name (connection.json chaincode.name). */
  contract: string;
  /** N: the agents of the round, split evenly among the workers. */
  agents: number;
  /** Identity alias (network config) of agent i. */
  identities: string[];
  /** place-then-amend: agent i's order, the same generator as `npm run bench` (bench/concurrency/workload.ts). */
  orders?: OrderBody[];
  /** place-then-amend: one fresh market per worker, created and opened by the NA in init. */
  markets?: MarketSpec[];
  /** place-then-amend, first round only: Register JSON of every household (worker w takes i % workers = w), submitted by the NA in init. */
  register?: string[];
}

/** Agents [first, first + count) belong to this worker: Caliper gives each worker floor(txNumber / workers) calls. */
export function share(agents: number, workerIndex: number, totalWorkers: number): { first: number; count: number } {
  const count = Math.floor(agents / totalWorkers);
  return { first: workerIndex * count, count };
}

/** A transaction `fn(args)` signed by the identity alias `who`, as the connector takes it. */
export function submitRequest(contract: string, who: string, fn: string, args: string[]): CaliperRequest {
  return { contractId: contract, contractFunction: fn, contractArguments: args, invokerIdentity: who, readOnly: false };
}

/** A setup transaction (not measured): it must succeed, or the round is meaningless. */
export async function mustSubmit(sut: SutAdapter, contract: string, who: string, fn: string, args: string[]): Promise<string> {
  const status = await sut.sendRequests(submitRequest(contract, who, fn, args));
  if (status.GetStatus() !== 'success') throw new Error(`setup transaction ${fn} as ${who} failed (the connector logged why)`);
  return resultText(status.GetResult());
}

export function resultText(result: Uint8Array | string): string {
  return typeof result === 'string' ? result : Buffer.from(result).toString('utf8');
}

/** Runs `fn` over `items`, at most `limit` at once. */
export async function limited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}
