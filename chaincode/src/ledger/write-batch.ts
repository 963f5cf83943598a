/**
 * Write batching on a Fabric peer: a transaction's puts and deletes are kept in memory
 * and reach the peer as one `WRITE_BATCH_STATE` message when the transaction has
 * succeeded, instead of one round trip over the peer↔chaincode stream per key.
 *
 * Fabric's peers (2.5.x and 3.x) accept the message and apply its records in order
 * through the same checks as single puts and deletes; the Go shim batches this way when
 * the peer's `chaincode.runtimeParams.useWriteBatch` is on. The node shim (fabric-shim
 * 2.5.8, the last release) never sends it, so the contracts' base class does:
 * `beginWriteBatch` in `beforeTransaction`, `flushWriteBatch` in `afterTransaction`.
 *
 * The ledger's outcome is the same: a chaincode never reads its own writes on Fabric
 * (a `getState` after a `putState` returns the committed value either way), the last
 * write of a key wins in both, and the peer sorts the write set by key. A transaction
 * that throws is never flushed; the peer drops what it simulated, as before.
 *
 * Only a stub served by a peer is batched (fabric-shim's stub, whose handler talks to the
 * peer). The embedded ledger's stub writes directly, as do the unit tests' stubs.
 * `ECCH_WRITE_BATCH=off` in the chaincode server's environment turns batching off, for
 * before/after measurements.
 */
import { createRequire } from 'node:module';

/** Records per message: the peer's default `maxSizeWriteBatch`; larger sets go in several messages, as the Go shim sends them. */
export const MAX_RECORDS_PER_BATCH = 1000;

/**
 * Fabric's protobuf numbers (fabric-protos peer/chaincode_shim.proto): the message type
 * `ChaincodeMessage.WRITE_BATCH_STATE`, `WriteBatchState { repeated WriteRecord rec = 1; }`,
 * `WriteRecord { string key = 1; bytes value = 2; string collection = 3; …; Type type = 5; }`
 * with the record types PUT_STATE and DEL_STATE. The batch is encoded here with
 * google-protobuf's writer rather than with @hyperledger/fabric-protos 0.3's classes:
 * the shim's 0.2 copy registers the same global `proto.protos` names first, and then
 * 0.3's `ChaincodeMessage.Type` has no WRITE_BATCH_STATE.
 */
export const WRITE_BATCH_STATE = 24;
export const RECORD_PUT_STATE = 9;
export const RECORD_DEL_STATE = 10;

interface Record {
  key: string;
  type: typeof RECORD_PUT_STATE | typeof RECORD_DEL_STATE;
  value?: Uint8Array;
}

interface ProtoWriter {
  writeString(field: number, value: string): void;
  writeBytes(field: number, value: Uint8Array): void;
  writeEnum(field: number, value: number): void;
  writeMessage<T>(field: number, value: T, write: (value: T, writer: ProtoWriter) => void): void;
  getResultBuffer(): Uint8Array;
}

/** fabric-shim's stub, as far as batching needs it. */
interface PeerStub {
  handler?: unknown;
  getTxID(): string;
  getChannelID(): string;
  putState(key: string, value: Uint8Array): Promise<void>;
  deleteState(key: string): Promise<void>;
}

/** fabric-shim's `ChaincodeMessageHandler`: it queues a message per transaction and resolves on the peer's answer. */
interface ShimHandler {
  _askPeerAndListen(msg: unknown, method: string): Promise<unknown>;
}

type ShimChaincodeMessage = {
  setType(t: number): void;
  setPayload(p: Uint8Array): void;
  setTxid(t: string): void;
  setChannelId(c: string): void;
};

const pending = new WeakMap<object, Map<string, Record>>();

function isShimHandler(h: unknown): h is ShimHandler {
  return typeof h === 'object' && h !== null && typeof (h as ShimHandler)._askPeerAndListen === 'function';
}

/** Starts buffering this transaction's writes when the stub talks to a peer; returns whether it does. */
export function beginWriteBatch(stub: object): boolean {
  const s = stub as PeerStub;
  if (process.env.ECCH_WRITE_BATCH === 'off' || !isShimHandler(s.handler)) return false;
  const writes = new Map<string, Record>();
  const record = (r: Record) => {
    writes.delete(r.key); // the last write of a key is the one that counts
    writes.set(r.key, r);
  };
  s.putState = async (key, value) => record({ key, type: RECORD_PUT_STATE, value: typeof value === 'string' ? Buffer.from(value) : value });
  s.deleteState = async (key) => record({ key, type: RECORD_DEL_STATE });
  pending.set(stub, writes);
  return true;
}

/** `WriteBatchState` bytes for `records` (proto3: empty fields are left out, as generated code does). */
export function encodeWriteBatch(records: readonly Record[]): Uint8Array {
  const w = new (protobuf().BinaryWriter)();
  for (const r of records) {
    w.writeMessage(1, r, (rec, rw) => {
      rw.writeString(1, rec.key);
      if (rec.value && rec.value.length > 0) rw.writeBytes(2, rec.value);
      rw.writeEnum(5, rec.type);
    });
  }
  return w.getResultBuffer();
}

/** Sends the buffered writes (nothing when there are none); a refusal by the peer fails the transaction. */
export async function flushWriteBatch(stub: object): Promise<number> {
  const writes = pending.get(stub);
  pending.delete(stub);
  if (!writes || writes.size === 0) return 0;
  const s = stub as PeerStub;
  const handler = s.handler as ShimHandler;
  const records = [...writes.values()];
  for (let i = 0; i < records.length; i += MAX_RECORDS_PER_BATCH) {
    const msg = new (shimProtos().ChaincodeMessage)();
    msg.setType(WRITE_BATCH_STATE);
    msg.setPayload(encodeWriteBatch(records.slice(i, i + MAX_RECORDS_PER_BATCH)));
    msg.setTxid(s.getTxID());
    msg.setChannelId(s.getChannelID());
    await handler._askPeerAndListen(msg, 'WriteBatchState');
  }
  return records.length;
}

let shimPeer: { ChaincodeMessage: new () => ShimChaincodeMessage } | undefined;
let writerLib: { BinaryWriter: new () => ProtoWriter } | undefined;

/** The shim's own copy of the protobuf classes: its gRPC stream only accepts a `ChaincodeMessage` of that copy. */
function shimProtos(): { ChaincodeMessage: new () => ShimChaincodeMessage } {
  shimPeer ??= (createRequire(require.resolve('fabric-shim'))('@hyperledger/fabric-protos') as { peer: { ChaincodeMessage: new () => ShimChaincodeMessage } }).peer;
  return shimPeer;
}

/** google-protobuf, the runtime of the shim's generated classes. */
function protobuf(): { BinaryWriter: new () => ProtoWriter } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  writerLib ??= require('google-protobuf') as { BinaryWriter: new () => ProtoWriter };
  return writerLib;
}
