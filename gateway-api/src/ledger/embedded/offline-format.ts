/**
 * The embedded ledger's signable messages: canonical JSON (keys sorted at every
 * level, no whitespace, UTF-8), the counterparts of Fabric's proposal, prepared
 * transaction and commit-status request. The digest a creator signs is SHA-256 of
 * the bytes, exactly. Bytes are read back strictly: the one canonical encoding of a
 * message of the expected kind, or MALFORMED_MESSAGE.
 *
 *   proposal     {args, chaincode, channel, contract, creator: {certificate, mspId},
 *                 kind: "ecch.proposal", nonce, timestamp, transaction, transactionId, version: 1}
 *   transaction  {event: {name, payload} | null, kind: "ecch.transaction", proposal,
 *                 proposalSignature, result, transactionId, version: 1,
 *                 writes: [{key, value | null}]}
 *   commit       {channel, creator: {certificate, mspId}, kind: "ecch.commit", transactionId, version: 1}
 *
 * `transactionId` is hex SHA-256(nonce ‖ creator bytes), as Fabric derives it, with the
 * creator bytes the canonical JSON of `creator`; `nonce` is 24 random bytes, base64.
 * In a transaction, `proposal` and `proposalSignature` are the signed proposal (base64),
 * `result` the chaincode's JSON result, `writes` the write set in write order (values
 * base64, null for a delete) and `event` the chaincode event (payload base64).
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '@ecch/chaincode';
import { knownCall, SigningRefusal, type Creator, type SignableKind, type TransactionCall } from '../port';
import type { WriteSet } from './stub';

export const VERSION = 1;
export const KIND: Readonly<Record<SignableKind, string>> = { proposal: 'ecch.proposal', transaction: 'ecch.transaction', commit: 'ecch.commit' };

export interface ProposalMessage {
  args: string[];
  chaincode: string;
  channel: string;
  contract: TransactionCall['contract'];
  creator: Creator;
  kind: string;
  nonce: string;
  timestamp: string;
  transaction: TransactionCall['transaction'];
  transactionId: string;
  version: number;
}

export interface TransactionMessage {
  event: { name: string; payload: string } | null;
  kind: string;
  proposal: string;
  proposalSignature: string;
  result: string;
  transactionId: string;
  version: number;
  writes: { key: string; value: string | null }[];
}

export interface CommitMessage {
  channel: string;
  creator: Creator;
  kind: string;
  transactionId: string;
  version: number;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const TX_ID = /^[0-9a-f]{64}$/;
const decoder = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

export function encode(message: ProposalMessage | TransactionMessage | CommitMessage): Uint8Array {
  return encoder.encode(canonicalJson(message));
}

export function creatorBytes(creator: Creator): Uint8Array {
  return encoder.encode(canonicalJson({ certificate: creator.certificate, mspId: creator.mspId }));
}

/** Hex SHA-256 of the creator bytes: who committed an offline-signed transaction. */
export function creatorHash(creator: Creator): string {
  return createHash('sha256').update(creatorBytes(creator)).digest('hex');
}

export function transactionIdOf(nonce: Uint8Array, creator: Creator): string {
  return createHash('sha256').update(nonce).update(creatorBytes(creator)).digest('hex');
}

export function b64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

/** The message's entries as a plain object, for comparing write sets. */
export function writesOf(writeSet: WriteSet): Pick<TransactionMessage, 'writes' | 'event'> {
  const writes = [...writeSet.writes].map(([key, value]) => ({ key, value: value === undefined ? null : b64(value) }));
  const event = writeSet.event ? { name: writeSet.event.name, payload: b64(writeSet.event.payload) } : null;
  return { writes, event };
}

class Malformed extends Error {}

function fail(what: string): never {
  throw new Malformed(what);
}

function object(v: unknown, what: string, keys: readonly string[]): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(`${what} is not an object`);
  const o = v as Record<string, unknown>;
  const have = Object.keys(o).sort();
  if (have.length !== keys.length || have.some((k, i) => k !== keys[i])) fail(`${what} must have exactly the fields ${keys.join(', ')}`);
  return o;
}

function str(v: unknown, what: string): string {
  if (typeof v !== 'string') fail(`${what} is not a string`);
  return v;
}

function base64(v: unknown, what: string): Uint8Array {
  const s = str(v, what);
  if (!BASE64.test(s)) fail(`${what} is not base64`);
  return new Uint8Array(Buffer.from(s, 'base64'));
}

function creatorOf(v: unknown): Creator {
  const o = object(v, 'creator', ['certificate', 'mspId']);
  return { certificate: str(o.certificate, 'creator.certificate'), mspId: str(o.mspId, 'creator.mspId') };
}

function header(o: Record<string, unknown>, kind: SignableKind): void {
  if (o.kind !== KIND[kind]) fail(`kind is not "${KIND[kind]}"`);
  if (o.version !== VERSION) fail(`version is not ${VERSION}`);
}

function parseJson(bytes: Uint8Array, kind: SignableKind): Record<string, unknown> {
  let text: string;
  let value: unknown;
  try {
    text = decoder.decode(bytes);
    value = JSON.parse(text);
  } catch {
    fail(`not UTF-8 JSON`);
  }
  // One encoding per message: the canonical one.
  if (canonicalJson(value) !== text) fail('not in canonical JSON (keys sorted, no whitespace)');
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('not an object');
  const o = value as Record<string, unknown>;
  header(o, kind);
  return o;
}

function guarded<T>(kind: SignableKind, read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof Malformed) throw new SigningRefusal('MALFORMED_MESSAGE', `not a ${kind} of the embedded ledger: ${err.message}`);
    throw err;
  }
}

export function parseProposal(bytes: Uint8Array, where: { channel: string; chaincode: string }): ProposalMessage {
  return guarded('proposal', () => {
    const o = object(parseJson(bytes, 'proposal'), 'proposal', [
      'args',
      'chaincode',
      'channel',
      'contract',
      'creator',
      'kind',
      'nonce',
      'timestamp',
      'transaction',
      'transactionId',
      'version',
    ]);
    if (!Array.isArray(o.args)) fail('args is not an array');
    const args = o.args.map((a, i) => str(a, `args[${i}]`));
    if (o.channel !== where.channel) fail(`channel is not "${where.channel}"`);
    if (o.chaincode !== where.chaincode) fail(`chaincode is not "${where.chaincode}"`);
    const named = knownCall(str(o.contract, 'contract'), str(o.transaction, 'transaction'), args);
    if (!named) fail(`"${String(o.contract)}:${String(o.transaction)}" is not a transaction of the chaincode's catalogue`);
    const { contract, transaction } = named as TransactionCall;
    const creator = creatorOf(o.creator);
    const nonce = base64(o.nonce, 'nonce');
    if (nonce.length !== 24) fail('nonce is not 24 bytes');
    const timestamp = str(o.timestamp, 'timestamp');
    const ms = Date.parse(timestamp);
    if (!Number.isFinite(ms) || new Date(ms).toISOString() !== timestamp) fail('timestamp is not an ISO 8601 UTC time with milliseconds');
    const transactionId = str(o.transactionId, 'transactionId');
    // Fabric refuses the same mismatch (BAD_PROPOSAL_TXID).
    if (!TX_ID.test(transactionId) || transactionId !== transactionIdOf(nonce, creator)) fail('transactionId is not SHA-256(nonce ‖ creator)');
    return { args, chaincode: where.chaincode, channel: where.channel, contract, creator, kind: KIND.proposal, nonce: o.nonce as string, timestamp, transaction, transactionId, version: VERSION };
  });
}

export function parseTransaction(
  bytes: Uint8Array,
  where: { channel: string; chaincode: string },
): { message: TransactionMessage; proposal: ProposalMessage; proposalBytes: Uint8Array; proposalSignature: Uint8Array } {
  return guarded('transaction', () => {
    const o = object(parseJson(bytes, 'transaction'), 'transaction', [
      'event',
      'kind',
      'proposal',
      'proposalSignature',
      'result',
      'transactionId',
      'version',
      'writes',
    ]);
    const proposalBytes = base64(o.proposal, 'proposal');
    const proposalSignature = base64(o.proposalSignature, 'proposalSignature');
    let proposal: ProposalMessage;
    try {
      proposal = parseProposal(proposalBytes, where);
    } catch (err) {
      fail(`its proposal: ${(err as Error).message}`);
    }
    if (o.transactionId !== proposal.transactionId) fail("transactionId is not its proposal's");
    const result = str(o.result, 'result');
    if (!Array.isArray(o.writes)) fail('writes is not an array');
    const writes = o.writes.map((w, i) => {
      const e = object(w, `writes[${i}]`, ['key', 'value']);
      const value = e.value === null ? null : str(e.value, `writes[${i}].value`);
      if (value !== null) base64(value, `writes[${i}].value`);
      return { key: str(e.key, `writes[${i}].key`), value };
    });
    let event: TransactionMessage['event'] = null;
    if (o.event !== null) {
      const e = object(o.event, 'event', ['name', 'payload']);
      base64(e.payload, 'event.payload');
      event = { name: str(e.name, 'event.name'), payload: e.payload as string };
    }
    const message: TransactionMessage = {
      event,
      kind: KIND.transaction,
      proposal: o.proposal as string,
      proposalSignature: o.proposalSignature as string,
      result,
      transactionId: proposal.transactionId,
      version: VERSION,
      writes,
    };
    return { message, proposal, proposalBytes, proposalSignature };
  });
}

export function parseCommit(bytes: Uint8Array, where: { channel: string }): CommitMessage {
  return guarded('commit', () => {
    const o = object(parseJson(bytes, 'commit'), 'commit', ['channel', 'creator', 'kind', 'transactionId', 'version']);
    if (o.channel !== where.channel) fail(`channel is not "${where.channel}"`);
    const transactionId = str(o.transactionId, 'transactionId');
    if (!TX_ID.test(transactionId)) fail('transactionId is not 64 hex digits');
    return { channel: where.channel, creator: creatorOf(o.creator), kind: KIND.commit, transactionId, version: VERSION };
  });
}
