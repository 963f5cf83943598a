/**
 * The embedded ledger's persistent layout on an abstract-level database
 * (LevelDB on disk, or in memory for tests). Transactions are committed in groups,
 * each group ONE atomic, synced batch (group-commit.ts): world state, key history,
 * the block height and the events of all its transactions either all land or none
 * do, so a crash mid-group leaves the store as it was before the group.
 *
 *   s!<key>                         world state value
 *   h!<key>!<block:16>              history entry (newest read first)
 *   e!<block:16>                    the block's chaincode event
 *   m!height                        number of committed blocks
 *   t!<txId>                        the committed transaction's block (and, for one
 *                                   its creator signed offline, the creator and result):
 *                                   a transaction id is never committed twice
 */
import type { AbstractLevel } from 'abstract-level';
import type { StateView, WriteOp } from './view';
import type { WriteSet } from './stub';

export type Db = AbstractLevel<string | Buffer | Uint8Array, string, Buffer>;

/** Fabric's composite-key range end: U+10FFFF sorts after every attribute. */
export const MAX_RUNE = '\u{10FFFF}';

export const stateKey = (k: string): string => `s!${k}`;
export const historyPrefix = (k: string): string => `h!${k}!`;
export const historyKey = (k: string, block: bigint): string => `${historyPrefix(k)}${block.toString().padStart(16, '0')}`;
export const eventKey = (block: bigint): string => `e!${block.toString().padStart(16, '0')}`;
export const HEIGHT_KEY = 'm!height';
export const txKey = (txId: string): string => `t!${txId}`;

export interface HistoryRecord {
  txId: string;
  /** Milliseconds since the epoch of the transaction timestamp. */
  timestampMs: number;
  isDelete: boolean;
  /** Base64 of the value written (empty for a delete). */
  value: string;
}

export interface EventRecord {
  name: string;
  payload: string;
  txId: string;
  blockNumber: string;
}

/** A committed transaction, by id. */
export interface TxRecord {
  blockNumber: string;
  /** Offline-signed only: hex SHA-256 of the creator's bytes (who may ask for its status). */
  creator?: string;
  /** Offline-signed only: the chaincode's JSON result. */
  result?: string;
}

export function readTx(view: StateView, txId: string): TxRecord | undefined {
  const raw = view.get(txKey(txId));
  return raw === undefined ? undefined : (JSON.parse(raw.toString('utf8')) as TxRecord);
}

/** The store operations of one transaction committed as block `block`, and its event record. */
export function transactionOps(
  txId: string,
  timestampMs: number,
  block: bigint,
  writeSet: WriteSet,
  offline: Pick<TxRecord, 'creator' | 'result'>,
): { ops: WriteOp[]; event?: EventRecord } {
  const ops: WriteOp[] = [];
  for (const [key, value] of writeSet.writes) {
    ops.push(value === undefined ? { type: 'del', key: stateKey(key) } : { type: 'put', key: stateKey(key), value });
    const h: HistoryRecord = { txId, timestampMs, isDelete: value === undefined, value: value ? value.toString('base64') : '' };
    ops.push({ type: 'put', key: historyKey(key, block), value: Buffer.from(JSON.stringify(h)) });
  }
  let event: EventRecord | undefined;
  if (writeSet.event) {
    event = { name: writeSet.event.name, payload: writeSet.event.payload.toString('utf8'), txId, blockNumber: block.toString() };
    ops.push({ type: 'put', key: eventKey(block), value: Buffer.from(JSON.stringify(event)) });
  }
  const record: TxRecord = { blockNumber: block.toString(), ...offline };
  ops.push({ type: 'put', key: txKey(txId), value: Buffer.from(JSON.stringify(record)) });
  ops.push({ type: 'put', key: HEIGHT_KEY, value: Buffer.from(block.toString()) });
  return { ops, event };
}

export async function readHeight(db: Db): Promise<bigint> {
  const raw = await db.get(HEIGHT_KEY);
  return raw === undefined ? 0n : BigInt(raw.toString('utf8'));
}
