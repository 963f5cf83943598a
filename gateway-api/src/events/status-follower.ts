/**
 * Follows the ledger's participant events to keep the token store's suspended flag
 * in step with the ledger, even when the NA suspends or reinstates a household
 * through another gateway or the CLI. Its position is kept with fabric-gateway's
 * file checkpointer in DATA_DIR, so a restarted gateway resumes where it stopped
 * and misses no status change made while it was down.
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

async function apply(gw: GatewayContext, event: LedgerEvent): Promise<void> {
  const status = STATUS_BY_EVENT[event.name];
  const id = (event.payload as { id?: unknown } | null)?.id;
  if (status && typeof id === 'string') await gw.tokens.setStatus(id, status);
}

export interface Follower {
  stop(): Promise<void>;
}

export async function followParticipantStatus(gw: GatewayContext, log: FastifyBaseLogger): Promise<Follower> {
  const dir = path.join(gw.config.dataDir, 'events');
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const checkpointer = await checkpointers.file(path.join(dir, 'status-follower.checkpoint.json'));
  const stop = new AbortController();

  const run = async () => {
    for (let failures = 0; !stop.signal.aborted; ) {
      try {
        for await (const event of gw.ledger.events(gw.identities.na, position(checkpointer), stop.signal)) {
          await apply(gw, event);
          await checkpointer.checkpointTransaction(event.blockNumber, event.txId);
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
  const done = run();
  return {
    stop: async () => {
      stop.abort();
      await done;
    },
  };
}
