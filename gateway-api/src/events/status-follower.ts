/**
 * Follows the ledger's participant events to keep the token store's suspended flag
 * in step with the ledger, even when the NA suspends or reinstates a household
 * through another gateway or the CLI. Its position is kept with fabric-gateway's
 * file checkpointer in DATA_DIR, so a restarted gateway resumes where it stopped
 * and misses no status change made while it was down.
 *
 * The position is written at once after an event that changed a status, and otherwise
 * at most once per CHECKPOINT_EVERY_MS: a trading hour raises an event per order, and a
 * file write for each was 4 % of the gateway's CPU. A position that lags after a crash
 * only makes the restarted follower read those events again; applying them again, in
 * order, leaves every status as it was.
 */
import path from 'node:path';
import { promises as fs } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { checkpointers, type Checkpointer } from '@hyperledger/fabric-gateway';
import type { FastifyBaseLogger } from 'fastify';
import type { GatewayContext } from '../context';
import type { EventCheckpoint, LedgerEvent } from '../ledger/port';

const STATUS_BY_EVENT: Record<string, 'active' | 'suspended'> = {
  'participant.suspended': 'suspended',
  'participant.reinstated': 'active',
  'participant.approved': 'active',
};

function position(checkpointer: Checkpointer): EventCheckpoint | undefined {
  const blockNumber = checkpointer.getBlockNumber();
  if (blockNumber === undefined) return undefined;
  const txId = checkpointer.getTransactionId();
  return txId === undefined ? { blockNumber } : { blockNumber, txId };
}

/** The longest a checkpoint lags behind the events read (status changes are written at once). */
export const CHECKPOINT_EVERY_MS = 1000;

/** Applies a status event to the token store; whether it was one. */
async function apply(gw: GatewayContext, event: LedgerEvent): Promise<boolean> {
  const status = STATUS_BY_EVENT[event.name];
  const id = (event.payload as { id?: unknown } | null)?.id;
  if (!status || typeof id !== 'string') return false;
  await gw.tokens.setStatus(id, status);
  return true;
}

export interface Follower {
  stop(): Promise<void>;
}

export async function followParticipantStatus(gw: GatewayContext, log: FastifyBaseLogger): Promise<Follower> {
  const dir = path.join(gw.config.dataDir, 'events');
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const checkpointer = await checkpointers.file(path.join(dir, 'status-follower.checkpoint.json'));
  const stop = new AbortController();
  // The last event applied, and whether the checkpoint file has it yet.
  let read = position(checkpointer);
  let unsaved = false;
  let savedAt = performance.now();
  const save = async () => {
    if (!unsaved || !read?.txId) return;
    unsaved = false;
    savedAt = performance.now();
    await checkpointer.checkpointTransaction(read.blockNumber, read.txId);
  };

  const run = async () => {
    for (let failures = 0; !stop.signal.aborted; ) {
      try {
        for await (const event of gw.ledger.events(gw.identities.na, read, stop.signal)) {
          const changed = await apply(gw, event);
          read = { blockNumber: event.blockNumber, txId: event.txId };
          unsaved = true;
          if (changed || performance.now() - savedAt >= CHECKPOINT_EVERY_MS) await save();
          failures = 0;
        }
      } catch (err) {
        if (stop.signal.aborted) break;
        failures += 1;
        log.warn({ err, failures }, 'participant status follower lost the event stream; retrying');
        await sleep(Math.min(30_000, 500 * 2 ** Math.min(failures, 6)), undefined, { signal: stop.signal }).catch(() => undefined);
      }
    }
  };
  const done = run().finally(() => save().catch((err: unknown) => log.warn({ err }, 'participant status follower could not save its checkpoint')));
  return {
    stop: async () => {
      stop.abort();
      await done;
    },
  };
}
