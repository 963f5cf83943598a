/**
 * Bounded retries, each only where repeating is safe:
 *
 * - a transaction that lost a read conflict at commit (MVCC_READ_CONFLICT,
 *   PHANTOM_READ_CONFLICT) is endorsed again, which reads fresh state;
 * - a signed transaction the ordering service could not take (UNAVAILABLE: no orderer
 *   accepted it, e.g. during a Raft leader election; DEADLINE_EXCEEDED or CANCELLED: the
 *   broadcast hung on, or was cut by, an orderer that had just stopped) is sent again
 *   AS IS: same signature, same transaction id, so if an earlier copy was ordered after
 *   all, the peers mark the later copy DUPLICATE_TXID and at most one of them changes
 *   the ledger.
 *
 * - an endorsement that the gateway's own peer accepted but only peers of OTHER
 *   organisations refused is endorsed again after a short delay: those peers lag a
 *   block or two behind (a household's amend right after its place reaches the Grid
 *   peer before the place's block does); a refusal they still give after the budget
 *   is reported as it is.
 *
 * Nothing else is retried: a refusal stays a refusal, and a failed endorsement is
 * reported at once (e.g. a required peer is down: re-endorsing would only hang).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { CommitError, GatewayError, StatusCode } from '@hyperledger/fabric-gateway';

export function isReadConflict(err: unknown): boolean {
  return (
    err instanceof CommitError &&
    (err.code === StatusCode.MVCC_READ_CONFLICT || err.code === StatusCode.PHANTOM_READ_CONFLICT)
  );
}

export async function retryReadConflicts<T>(attempt: () => Promise<T>, maxRetries: number, baseDelayMs = 50): Promise<T> {
  for (let tries = 0; ; tries += 1) {
    try {
      return await attempt();
    } catch (err) {
      if (tries >= maxRetries || !isReadConflict(err)) throw err;
      // Exponential backoff with jitter so competing writers do not collide again in step.
      await sleep(baseDelayMs * 2 ** tries * (0.5 + Math.random()));
    }
  }
}

/**
 * The ordering service did not take the transaction, but may a moment later: no orderer
 * accepted it (UNAVAILABLE), or the peer's broadcast was cut off (CANCELLED: the stream
 * to an orderer that stopped was reset) or outlived its deadline (DEADLINE_EXCEEDED).
 * Not a refusal by the orderer (ABORTED: a 4xx status such as BAD_REQUEST), which would
 * only be refused again.
 */
export function isOrderingUnavailable(err: unknown): boolean {
  return (
    err instanceof GatewayError &&
    (err.code === GrpcStatus.UNAVAILABLE || err.code === GrpcStatus.DEADLINE_EXCEEDED || err.code === GrpcStatus.CANCELLED)
  );
}

/**
 * True when an endorsement failed only at peers outside `ownMspId`. The Fabric
 * gateway endorses on its own organisation's peer first, so failures that name only
 * other organisations' peers mean its own peer accepted the proposal.
 */
export function refusedOnlyByOtherOrgs(err: unknown, ownMspId: string): boolean {
  return err instanceof GatewayError && err.details.length > 0 && err.details.every((d) => d.mspId !== '' && d.mspId !== ownMspId);
}

export interface OrderingRetry {
  /** No new attempt starts after this many ms from the first one. 0: no retry. */
  budgetMs: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Which failures to repeat (default: {@link isOrderingUnavailable}). */
  retryable?: (err: unknown) => boolean;
}

/** Repeats `attempt` while it fails retryably and the time budget lasts (backoff with jitter). */
export async function retryWithin<T>(attempt: () => Promise<T>, options: OrderingRetry): Promise<T> {
  const { budgetMs, baseDelayMs = 250, maxDelayMs = 2000, retryable = isOrderingUnavailable } = options;
  const start = Date.now();
  for (let tries = 0; ; tries += 1) {
    try {
      return await attempt();
    } catch (err) {
      const delay = Math.min(maxDelayMs, baseDelayMs * 2 ** tries) * (0.5 + Math.random() / 2);
      if (!retryable(err) || Date.now() + delay - start >= budgetMs) throw err;
      await sleep(delay);
    }
  }
}
