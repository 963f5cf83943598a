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
import { peer } from '@hyperledger/fabric-protos';

/** Records per message: the peer's default `maxSizeWriteBatch`; larger sets go in several messages, as the Go shim sends them. */
export const MAX_RECORDS_PER_BATCH = 1000;

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

const pending = new WeakMap<object, Map<string, peer.WriteRecord>>();

function isShimHandler(h: unknown): h is ShimHandler {
  return typeof h === 'object' && h !== null && typeof (h as ShimHandler)._askPeerAndListen === 'function';
}

/** Starts buffering this transaction's writes when the stub talks to a peer; returns whether it does. */
export function beginWriteBatch(stub: object): boolean {
  const s = stub as PeerStub;
  if (process.env.ECCH_WRITE_BATCH === 'off' || !isShimHandler(s.handler)) return false;
  const writes = new Map<string, peer.WriteRecord>();
  const record = (key: string, type: peer.WriteRecord.TypeMap[keyof peer.WriteRecord.TypeMap], value?: Uint8Array) => {
    const r = new peer.WriteRecord();
    r.setKey(key);
    r.setType(type);
    if (value !== undefined) r.setValue(value);
    writes.delete(key); // the last write of a key is the one that counts
    writes.set(key, r);
  };
  s.putState = async (key, value) => record(key, peer.WriteRecord.Type.PUT_STATE, typeof value === 'string' ? Buffer.from(value) : value);
  s.deleteState = async (key) => record(key, peer.WriteRecord.Type.DEL_STATE);
  pending.set(stub, writes);
  return true;
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
    const batch = new peer.WriteBatchState();
    batch.setRecList(records.slice(i, i + MAX_RECORDS_PER_BATCH));
    const msg = new (shimProtos().ChaincodeMessage)();
    msg.setType(peer.ChaincodeMessage.Type.WRITE_BATCH_STATE);
    msg.setPayload(batch.serializeBinary());
    msg.setTxid(s.getTxID());
    msg.setChannelId(s.getChannelID());
    await handler._askPeerAndListen(msg, 'WriteBatchState');
  }
  return records.length;
}

let shimPeer: { ChaincodeMessage: new () => ShimChaincodeMessage } | undefined;

/**
 * The shim's own copy of the protobuf classes: its gRPC stream only accepts a
 * `ChaincodeMessage` of that copy (fabric-shim pins @hyperledger/fabric-protos 0.2,
 * which predates the batch message; the record classes come from 0.3).
 */
function shimProtos(): { ChaincodeMessage: new () => ShimChaincodeMessage } {
  if (!shimPeer) {
    const fromShim = createRequire(require.resolve('fabric-shim'));
    shimPeer = (fromShim('@hyperledger/fabric-protos') as { peer: { ChaincodeMessage: new () => ShimChaincodeMessage } }).peer;
  }
  return shimPeer;
}
