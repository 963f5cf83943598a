/**
 * A ChaincodeStub for one simulated transaction, with Fabric's semantics:
 * reads see the committed world state (Fabric has no read-your-writes: a value
 * put in this transaction is not returned by getState until it commits); writes
 * collect in a write set; one event (a second setEvent replaces the first);
 * paginated queries only in transactions that write nothing.
 */
import { ChaincodeStub } from 'fabric-shim';
import Long from 'long';
import { HistoryRecord, MAX_RUNE, historyPrefix, stateKey } from './store';
import type { StateView } from './view';

export interface TxContext {
  txId: string;
  channelId: string;
  timestampMs: number;
  mspId: string;
  certificate: string;
  /** Function name (`contract:Tx`) and string arguments. */
  args: string[];
}

export interface WriteSet {
  /** key → value (undefined = delete), in first-write order. */
  writes: Map<string, Buffer | undefined>;
  event?: { name: string; payload: Buffer };
  paginated: boolean;
}

interface KV {
  namespace: string;
  key: string;
  value: Buffer;
}

/** The shape fabric-shim's iterators have: next()/close(), and async iteration. */
class ListIterator<T> {
  private i = 0;
  constructor(private readonly items: T[]) {}
  async next(): Promise<{ value: T; done: boolean }> {
    if (this.i >= this.items.length) return { value: undefined as unknown as T, done: true };
    return { value: this.items[this.i++], done: false };
  }
  async close(): Promise<void> {
    this.i = this.items.length;
  }
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (let r = await this.next(); !r.done; r = await this.next()) yield r.value;
  }
}

/** A promise that is also async-iterable, like fabric-shim's query results. */
function iterable<T>(p: Promise<ListIterator<T>>): Promise<ListIterator<T>> & AsyncIterable<T> {
  const out = p as Promise<ListIterator<T>> & AsyncIterable<T>;
  out[Symbol.asyncIterator] = async function* () {
    const it = await p;
    yield* it;
  };
  return out;
}

function timestamp(ms: number): { seconds: Long; nanos: number } {
  const seconds = Math.floor(ms / 1000);
  return { seconds: Long.fromNumber(seconds, true), nanos: (ms - seconds * 1000) * 1_000_000 };
}

export class EmbeddedStub {
  readonly writeSet: WriteSet = { writes: new Map(), paginated: false };
  // fabric-shim's own key functions (they use no handler), so keys are byte-identical to a peer's.
  readonly createCompositeKey = ChaincodeStub.prototype.createCompositeKey;
  readonly splitCompositeKey = ChaincodeStub.prototype.splitCompositeKey;

  constructor(
    /** The committed state, or inside a commit group the state after the group's earlier transactions. */
    private readonly view: StateView,
    private readonly tx: TxContext,
    /** Fabric's totalQueryLimit: unpaged queries beyond it fail here (a peer would cut them silently). */
    private readonly totalQueryLimit: number,
  ) {}

  getArgs(): string[] {
    return this.tx.args.slice();
  }
  getStringArgs(): string[] {
    return this.tx.args.slice();
  }
  getBufferArgs(): Buffer[] {
    return this.tx.args.map((a) => Buffer.from(a, 'utf8'));
  }
  getFunctionAndParameters(): { fcn: string; params: string[] } {
    return { fcn: this.tx.args[0], params: this.tx.args.slice(1) };
  }
  getTxID(): string {
    return this.tx.txId;
  }
  getChannelID(): string {
    return this.tx.channelId;
  }
  getCreator(): { mspid: string; idBytes: Buffer } {
    return { mspid: this.tx.mspId, idBytes: Buffer.from(this.tx.certificate, 'utf8') };
  }
  getMspID(): string {
    return this.tx.mspId;
  }
  getTxTimestamp(): { seconds: Long; nanos: number } {
    return timestamp(this.tx.timestampMs);
  }
  getDateTimestamp(): Date {
    return new Date(this.tx.timestampMs);
  }
  getTransient(): Map<string, Uint8Array> {
    return new Map();
  }

  async getState(key: string): Promise<Buffer> {
    return this.view.get(stateKey(key)) ?? Buffer.alloc(0);
  }

  async putState(key: string, value: Uint8Array): Promise<void> {
    if (!key) throw new Error('key must not be empty');
    this.writeSet.writes.set(key, Buffer.from(value));
  }

  async deleteState(key: string): Promise<void> {
    this.writeSet.writes.set(key, undefined);
  }

  setEvent(name: string, payload: Uint8Array): void {
    if (!name) throw new Error('Event name must be a non-empty string');
    this.writeSet.event = { name, payload: Buffer.from(payload) };
  }

  private async range(start: string, end: string, limit?: number): Promise<KV[]> {
    const out: KV[] = [];
    for await (const [k, v] of this.view.iterator({ gte: stateKey(start), lt: stateKey(end), limit })) {
      out.push({ namespace: '', key: k.slice(2), value: v });
    }
    return out;
  }

  /** An unpaged query: past totalQueryLimit a peer would silently return a part, so fail loudly. */
  private async unpaged(start: string, end: string): Promise<ListIterator<KV>> {
    const items = await this.range(start, end, this.totalQueryLimit + 1);
    if (items.length > this.totalQueryLimit) {
      throw new Error(`range query returned more than totalQueryLimit (${this.totalQueryLimit}) records: a Fabric peer would have cut it silently`);
    }
    return new ListIterator(items);
  }

  getStateByRange(startKey: string, endKey: string) {
    if ((startKey && startKey.startsWith('\u0000')) || (endKey && endKey.startsWith('\u0000'))) {
      // fabric-shim refuses composite keys in a plain range query; so must we.
      return iterable(Promise.reject(new Error('getStateByRange takes simple keys only; composite keys need getStateByPartialCompositeKey')));
    }
    return iterable(this.unpaged(startKey, endKey || MAX_RUNE));
  }

  getStateByPartialCompositeKey(objectType: string, attributes: string[]) {
    const start = this.createCompositeKey(objectType, attributes);
    return iterable(this.unpaged(start, start + MAX_RUNE));
  }

  private async page(start: string, end: string, requested: number, bookmark: string) {
    this.writeSet.paginated = true;
    // A peer returns at most totalQueryLimit records per page, whatever was asked.
    const pageSize = Math.min(requested, this.totalQueryLimit);
    // As a peer does: a bookmark replaces the start key, wherever it lies (the chaincode checks it).
    const from = bookmark || start;
    const items = await this.range(from, end, pageSize + 1);
    const next = items.length > pageSize ? items[pageSize].key : '';
    const page = items.slice(0, pageSize);
    // A peer sends no metadata for an empty page (proto3 drops the all-default message), so fabric-shim hands back none.
    const metadata = page.length === 0 && next === '' ? undefined : { fetchedRecordsCount: page.length, bookmark: next };
    return { iterator: new ListIterator(page), metadata };
  }

  async getStateByRangeWithPagination(startKey: string, endKey: string, pageSize: number, bookmark = '') {
    return this.page(startKey, endKey || MAX_RUNE, pageSize, bookmark);
  }

  async getStateByPartialCompositeKeyWithPagination(objectType: string, attributes: string[], pageSize: number, bookmark = '') {
    const start = this.createCompositeKey(objectType, attributes);
    return this.page(start, start + MAX_RUNE, pageSize, bookmark);
  }

  getHistoryForKey(key: string) {
    const load = async () => {
      const out: { txId: string; value: Buffer; timestamp: { seconds: Long; nanos: number }; isDelete: boolean }[] = [];
      const prefix = historyPrefix(key);
      for await (const [, v] of this.view.iterator({ gte: prefix, lt: prefix + '~', reverse: true })) {
        const h = JSON.parse(v.toString('utf8')) as HistoryRecord;
        out.push({ txId: h.txId, value: Buffer.from(h.value, 'base64'), timestamp: timestamp(h.timestampMs), isDelete: h.isDelete });
      }
      return new ListIterator(out);
    };
    return iterable(load());
  }

  // Not used by the ECCH chaincode; refused loudly rather than faked.
  getQueryResult(): never {
    throw new Error('rich queries need CouchDB; the ECCH chaincode uses composite keys only');
  }
  invokeChaincode(): never {
    throw new Error('chaincode-to-chaincode calls are not supported by the embedded ledger');
  }
  getPrivateData(): never {
    throw new Error('private data is not supported by the embedded ledger');
  }
}
