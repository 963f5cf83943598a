/**
 * Group commit, as a Fabric orderer cuts a block: the transactions that arrive while
 * the previous group is being written run one after another (the same serial order
 * as one at a time: each reads its predecessors' writes through the group's
 * PendingView) and are committed in ONE synced batch. A transaction keeps its own
 * block number, so the store's layout, history and events are what single commits
 * would have written; only the fsyncs are shared.
 *
 *   - No reply before its group is on disk: a result, and a refusal too (it may rest
 *     on an earlier transaction of the group), is delivered only once the batch synced,
 *     so nothing acknowledged is lost on a crash.
 *   - A transaction that fails stages nothing; the others' writes land.
 *   - If the batch itself fails, every transaction of the group fails (nothing of it
 *     is on disk, so a retry is safe).
 */
import { LedgerUnavailable } from '../port';
import { EventRecord, TxRecord, transactionOps } from './store';
import type { WriteSet } from './stub';
import { PendingView, StateView, WriteOp } from './view';

/** At most this many transactions per group: bounds a group's latency and its batch. */
export const MAX_GROUP = 256;

/** What a transaction running in a group may do: read the group's state, and commit once at its end. */
export interface GroupTx {
  readonly view: StateView;
  commit(txId: string, timestampMs: number, writeSet: WriteSet, offline?: Pick<TxRecord, 'creator' | 'result'>): void;
}

export interface CommittedTx {
  txId: string;
  blockNumber: bigint;
  writeSet: WriteSet;
  event?: EventRecord;
}

export interface GroupHost {
  /** The committed state. */
  view(): StateView;
  /** Number of the last committed block. */
  height(): bigint;
  /** Writes the group's batch, synced. */
  write(ops: WriteOp[]): Promise<void>;
  /** After the batch synced: the new height, then each transaction in order. */
  committed(height: bigint, txs: CommittedTx[]): void;
}

interface Job {
  task: (tx: GroupTx) => Promise<unknown>;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export class GroupCommitter {
  private readonly queue: Job[] = [];
  private draining: Promise<void> | undefined;
  /** Groups written and transactions committed (the benchmark and tests read them). */
  readonly stats = { groups: 0, transactions: 0, largestGroup: 0 };

  constructor(private readonly host: GroupHost) {}

  /** Runs `task` in the next group; resolves with its result once the group is on disk. */
  run<T>(task: (tx: GroupTx) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ task, resolve: resolve as (v: unknown) => void, reject });
      this.draining ??= this.drain();
    });
  }

  /** Resolves once every queued transaction is settled. */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    // One turn of the event loop: requests that arrived together join the first group.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.queue.length > 0) await this.group(this.queue.splice(0, MAX_GROUP));
    this.draining = undefined;
  }

  private async group(jobs: Job[]): Promise<void> {
    const view = new PendingView(this.host.view());
    let height = this.host.height();
    const txs: CommittedTx[] = [];
    const outcomes: Outcome[] = [];
    for (const job of jobs) {
      let staged: { ops: WriteOp[]; tx: CommittedTx } | undefined;
      const tx: GroupTx = {
        view,
        commit: (txId, timestampMs, writeSet, offline = {}) => {
          if (staged) throw new Error('a transaction commits once');
          const blockNumber = height + 1n;
          const { ops, event } = transactionOps(txId, timestampMs, blockNumber, writeSet, offline);
          staged = { ops, tx: { txId, blockNumber, writeSet, event } };
        },
      };
      try {
        const value = await job.task(tx);
        // Staged only once the transaction succeeded: a failure leaves nothing behind.
        if (staged) {
          view.stage(staged.ops);
          height = staged.tx.blockNumber;
          txs.push(staged.tx);
        }
        outcomes.push({ ok: true, value });
      } catch (error) {
        outcomes.push({ ok: false, error });
      }
    }
    if (view.ops.length > 0) {
      try {
        await this.host.write(view.ops);
      } catch (err) {
        const failure = new LedgerUnavailable('the embedded ledger could not write the commit batch; nothing of it was committed', { cause: err });
        for (const job of jobs) job.reject(failure);
        return;
      }
      this.stats.groups++;
      this.stats.transactions += txs.length;
      this.stats.largestGroup = Math.max(this.stats.largestGroup, txs.length);
      try {
        this.host.committed(height, txs);
      } catch {
        // An observer's failure (onCommit) must not leave the group's callers waiting: the batch is on disk.
      }
    }
    jobs.forEach((job, i) => {
      const o = outcomes[i];
      if (o.ok) job.resolve(o.value);
      else job.reject(o.error);
    });
  }
}
