/**
 * What a transaction reads. Outside a commit group: the committed store. Inside one
 * (group-commit.ts): the committed store under the writes of the group's earlier
 * transactions, which are not on disk yet, so each transaction sees its
 * predecessors' writes exactly as if each had been committed on its own.
 *
 * Point reads are synchronous: LevelDB answers them from its memtable or the page
 * cache in microseconds, while an async get costs a thread-pool round trip per
 * getState (profiled: more than the read itself).
 */
import type { Db } from './store';

export interface KeyRange {
  gte: string;
  lt: string;
  /** At most this many entries (omitted or negative: all). */
  limit?: number;
  reverse?: boolean;
}

export interface StateView {
  get(key: string): Buffer | undefined;
  iterator(range: KeyRange): AsyncIterable<[string, Buffer]>;
}

export type WriteOp = { type: 'put'; key: string; value: Buffer } | { type: 'del'; key: string };

/** LevelDB orders keys by their UTF-8 bytes (not by UTF-16 code units, as `<` on strings does). */
function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function inRange(key: string, r: KeyRange): boolean {
  return byteOrder(key, r.gte) >= 0 && byteOrder(key, r.lt) < 0;
}

export function committedView(db: Db): StateView {
  return {
    get: (key) => db.getSync(key) ?? undefined,
    iterator: async function* (r) {
      for await (const [k, v] of db.iterator({ gte: r.gte, lt: r.lt, limit: r.limit ?? -1, reverse: r.reverse ?? false })) yield [k.toString(), v];
    },
  };
}

/** The committed store under a group's staged writes (raw store keys: state, history, events, transactions). */
export class PendingView implements StateView {
  private readonly staged = new Map<string, Buffer | undefined>();
  /** Every staged operation in order: the group's one batch. */
  readonly ops: WriteOp[] = [];

  constructor(private readonly base: StateView) {}

  stage(ops: readonly WriteOp[]): void {
    for (const op of ops) {
      this.ops.push(op);
      this.staged.set(op.key, op.type === 'put' ? op.value : undefined);
    }
  }

  get(key: string): Buffer | undefined {
    return this.staged.has(key) ? this.staged.get(key) : this.base.get(key);
  }

  async *iterator(r: KeyRange): AsyncIterable<[string, Buffer]> {
    const mine = [...this.staged.keys()].filter((k) => inRange(k, r));
    if (mine.length === 0) {
      yield* this.base.iterator(r);
      return;
    }
    // The first `limit` merged keys lie within the first `limit + mine.length` committed ones
    // (each staged key displaces at most one), so that many committed entries suffice.
    const limit = r.limit === undefined || r.limit < 0 ? undefined : r.limit;
    const merged = new Map<string, Buffer>();
    for await (const [k, v] of this.base.iterator({ ...r, limit: limit === undefined ? undefined : limit + mine.length })) merged.set(k, v);
    for (const k of mine) {
      const v = this.staged.get(k);
      if (v === undefined) merged.delete(k);
      else merged.set(k, v);
    }
    const keys = [...merged.keys()].sort(byteOrder);
    if (r.reverse) keys.reverse();
    for (const k of limit === undefined ? keys : keys.slice(0, limit)) yield [k, merged.get(k)!];
  }
}
