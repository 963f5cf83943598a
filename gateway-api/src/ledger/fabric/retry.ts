/**
 * Bounded retry of transactions that lost a read conflict at commit
 * (MVCC_READ_CONFLICT, PHANTOM_READ_CONFLICT): re-endorsing reads fresh state, so a
 * retry is safe. Nothing else is retried: a refusal stays a refusal, and a timeout
 * may have committed.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { CommitError, StatusCode } from '@hyperledger/fabric-gateway';

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
