/**
 * What the household checks before it signs: that the digest is the digest of the
 * bytes, and that the bytes say what it asked for (its own certificate as the creator,
 * the transaction id, the chaincode call). A gateway cannot make it sign anything else.
 *
 * Two formats, as the gateway's `format` says:
 * - `embedded`: canonical JSON; the digest is SHA-256 of the bytes (docs/api.md).
 * - `fabric`: fabric-gateway's ProposedTransaction, PreparedTransaction and
 *   SignedCommitStatusRequest; the digest is recomputed by fabric-gateway itself, offline
 *   (no connection is made), and the proposal is decoded with fabric-protos.
 */
import { createHash } from 'node:crypto';
import { connect, type Gateway, type GrpcClient } from '@hyperledger/fabric-gateway';
import { common, gateway as gatewayProtos, msp, peer } from '@hyperledger/fabric-protos';

export type Format = 'embedded' | 'fabric';

/**
 * The chaincode call a proposal must be. Arguments that are JSON compare by value; an
 * `undefined` argument is one the household cannot check (a page's opaque bookmark in
 * a query), but it must be there.
 */
export interface ExpectedCall {
  contract: string;
  transaction: string;
  args: (string | undefined)[];
}

/** The bytes are not what the household asked for: it signs nothing. */
export class VerificationError extends Error {}

const sha256 = (bytes: Uint8Array): Buffer => createHash('sha256').update(bytes).digest();
const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

function sameArg(a: string, b: string): boolean {
  if (a === b) return true;
  try {
    return JSON.stringify(sortKeys(JSON.parse(a))) === JSON.stringify(sortKeys(JSON.parse(b)));
  } catch {
    return false;
  }
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).sort(([x], [y]) => (x < y ? -1 : 1)).map(([k, x]) => [k, sortKeys(x)]));
  return v;
}

function expectCall(got: { contract: string; transaction: string; args: string[] }, want: ExpectedCall | undefined): void {
  if (!want) return;
  const ok =
    got.contract === want.contract &&
    got.transaction === want.transaction &&
    got.args.length === want.args.length &&
    got.args.every((a, i) => {
      const w = want.args[i];
      return w === undefined || sameArg(a, w);
    });
  if (!ok) throw new VerificationError(`the proposal is ${got.contract}:${got.transaction}(${got.args.join(', ')}), not the call asked for`);
}

function check(condition: boolean, what: string): void {
  if (!condition) throw new VerificationError(what);
}

export interface Identity {
  mspId?: string;
  certificate: string;
}

/** A fabric-gateway Gateway that is never connected: it only rebuilds messages from bytes and hashes them. */
function offlineGateway(identity: Identity): Gateway {
  const never = new Proxy({}, { get: () => () => { throw new VerificationError('the offline verifier makes no calls'); } });
  return connect({ client: never as GrpcClient, identity: { mspId: identity.mspId ?? '', credentials: Buffer.from(identity.certificate) } });
}

function embeddedJson(bytes: Uint8Array, kind: string): Record<string, unknown> {
  let o: unknown;
  try {
    o = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw new VerificationError(`the ${kind} is not JSON`);
  }
  check(typeof o === 'object' && o !== null && (o as { kind?: unknown }).kind === `ecch.${kind}` && (o as { version?: unknown }).version === 1, `not an ecch.${kind}, version 1`);
  return o as Record<string, unknown>;
}

function creatorOf(o: Record<string, unknown>): { certificate?: unknown } {
  return (o.creator ?? {}) as { certificate?: unknown };
}

export function verifyProposal(format: Format, me: Identity, msg: { transactionId: string; proposal: Uint8Array; digest: Uint8Array }, want?: ExpectedCall): void {
  if (format === 'embedded') {
    check(same(sha256(msg.proposal), msg.digest), 'the digest is not SHA-256 of the proposal');
    const o = embeddedJson(msg.proposal, 'proposal');
    check(o.transactionId === msg.transactionId, 'the proposal is of another transaction');
    check(creatorOf(o).certificate === me.certificate, 'the proposal is not made out to this household\'s certificate');
    expectCall({ contract: String(o.contract), transaction: String(o.transaction), args: (o.args as string[]) ?? [] }, want);
    return;
  }
  const proposal = offlineGateway(me).newProposal(msg.proposal);
  check(same(proposal.getDigest(), msg.digest), 'the digest is not the proposal\'s');
  check(proposal.getTransactionId() === msg.transactionId, 'the proposal is of another transaction');
  const signed = gatewayProtos.ProposedTransaction.deserializeBinary(msg.proposal).getProposal();
  check(signed !== undefined, 'no signed proposal');
  const p = peer.Proposal.deserializeBinary(signed!.getProposalBytes_asU8());
  const header = common.Header.deserializeBinary(p.getHeader_asU8());
  const channel = common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
  check(channel.getTxId() === msg.transactionId, 'the proposal header is of another transaction');
  const creator = msp.SerializedIdentity.deserializeBinary(common.SignatureHeader.deserializeBinary(header.getSignatureHeader_asU8()).getCreator_asU8());
  check(Buffer.from(creator.getIdBytes_asU8()).toString('utf8') === me.certificate, 'the proposal is not made out to this household\'s certificate');
  const spec = peer.ChaincodeInvocationSpec.deserializeBinary(peer.ChaincodeProposalPayload.deserializeBinary(p.getPayload_asU8()).getInput_asU8()).getChaincodeSpec();
  const [fn = '', ...args] = (spec?.getInput()?.getArgsList_asU8() ?? []).map((a) => Buffer.from(a).toString('utf8'));
  const [contract = '', transaction = ''] = fn.split(':');
  expectCall({ contract, transaction, args }, want);
}

export function verifyTransaction(format: Format, me: Identity, proposal: Uint8Array, msg: { transactionId: string; transaction: Uint8Array; digest: Uint8Array }): void {
  if (format === 'embedded') {
    check(same(sha256(msg.transaction), msg.digest), 'the digest is not SHA-256 of the transaction');
    const o = embeddedJson(msg.transaction, 'transaction');
    check(o.transactionId === msg.transactionId, 'the transaction is another one');
    check(typeof o.proposal === 'string' && same(Buffer.from(o.proposal, 'base64'), proposal), 'the transaction is not of the proposal this household signed');
    return;
  }
  const transaction = offlineGateway(me).newTransaction(msg.transaction);
  check(same(transaction.getDigest(), msg.digest), 'the digest is not the transaction\'s');
  check(transaction.getTransactionId() === msg.transactionId, 'the transaction is another one');
}

export function verifyCommit(format: Format, me: Identity, msg: { transactionId: string; commit: Uint8Array; digest: Uint8Array }): void {
  if (format === 'embedded') {
    check(same(sha256(msg.commit), msg.digest), 'the digest is not SHA-256 of the commit request');
    const o = embeddedJson(msg.commit, 'commit');
    check(o.transactionId === msg.transactionId, 'the commit request is of another transaction');
    check(creatorOf(o).certificate === me.certificate, 'the commit request is not made out to this household\'s certificate');
    return;
  }
  const commit = offlineGateway(me).newCommit(msg.commit);
  check(same(commit.getDigest(), msg.digest), 'the digest is not the commit request\'s');
  check(commit.getTransactionId() === msg.transactionId, 'the commit request is of another transaction');
}
