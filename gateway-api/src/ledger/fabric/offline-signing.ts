/**
 * Offline signing on Fabric (the port's OfflineSigning) with fabric-gateway's own
 * flow: a Gateway connected with the creator's certificate and no signer
 * (GatewayPool.unsigned) builds the proposal; the creator's signatures come back with
 * the bytes (`newSignedProposal`, `newSignedTransaction`, `newSignedCommit`). The bytes
 * are fabric-gateway's (ProposedTransaction, PreparedTransaction,
 * SignedCommitStatusRequest) and the digests its own: SHA-256 of the proposal bytes,
 * of the envelope payload and of the commit-status request inside them. The peers
 * check every signature and the creator's certificate; the adapter reads the bytes
 * only to find the creator and the call (protobuf.ts). The same deadlines, in-flight
 * cap and retries as a custodial submit (retry.ts), the same error mapping (errors.ts).
 * A signed query is the signed proposal evaluated (`newSignedProposal(...).evaluate()`)
 * on a peer of the gateway's organisation, as a custodial evaluate is: no retry, the
 * evaluate deadline; nothing is ordered.
 */
import { status as GrpcStatus } from '@grpc/grpc-js';
import { GatewayError, StatusCode } from '@hyperledger/fabric-gateway';
import { knownCall, LedgerRefusal, SigningRefusal, TransactionInvalid, type TransactionCall } from '../port';
import type {
  Creator,
  OfflineCommit,
  OfflineEvaluation,
  OfflineProposal,
  OfflineSigning,
  OfflineStatus,
  OfflineTransaction,
  SignableFacts,
  SignableKind,
} from '../port';
import type { ConnectionProfile } from './connection-profile';
import { toLedgerError } from './errors';
import type { GatewayPool } from './gateway-pool';
import { ProtoError, readCommit, readProposal, readTransaction, type CallFacts, type HeaderFacts } from './protobuf';
import { refusedOnlyByOtherOrgs, retryWithin } from './retry';
import type { Semaphore } from './semaphore';

const decoder = new TextDecoder();

export interface OfflineDeps {
  pool: Pick<GatewayPool, 'unsigned'>;
  inFlight: Semaphore;
  profile: Pick<ConnectionProfile, 'channel' | 'chaincode' | 'mspId'>;
  maxRetries: number;
  submitMs: number;
  commitStatusMs: number;
  /** How long an endorsement refused only by other organisations' (lagging) peers is retried. */
  laggingPeerBudgetMs: number;
}

/**
 * A peer's or orderer's refusal of the creator's signature or certificate, by what
 * Fabric 2.5 says (test/network/offline-signing.test.ts sees each):
 *
 * - the endorser's proposal validation: "access denied: channel [ecch] creator org
 *   unknown, creator is malformed" for a certificate its MSP does not accept (another
 *   CA, another MSP id), "access denied: channel [ecch] creator org [CommunityMSP]" for
 *   a signature that does not verify;
 * - the orderer's Writers policy at broadcast: "status=FORBIDDEN, info=implicit policy
 *   evaluation failed ...";
 * - the Gateway service's Members policy for a commit-status request: PERMISSION_DENIED.
 */
export function signatureRefusalIn(err: unknown): SigningRefusal | undefined {
  if (!(err instanceof GatewayError)) return undefined;
  const messages = [err.message, ...err.details.map((d) => d.message)].join('\n');
  if (/creator org unknown|creator is malformed|certificate is not valid|unknown authority/i.test(messages)) {
    return new SigningRefusal('CERTIFICATE_NOT_TRUSTED', "the peer refused the creator certificate: it is not one of the organisation's", { cause: err });
  }
  if (
    err.code === GrpcStatus.PERMISSION_DENIED ||
    /access denied|signature .*(not valid|invalid)|invalid signature|implicit policy evaluation failed|did not satisfy policy|status=FORBIDDEN/i.test(messages)
  ) {
    return new SigningRefusal('SIGNATURE_INVALID', 'the network refused the signature (it does not verify with the creator certificate)', { cause: err });
  }
  return undefined;
}

/** A peer refusing to endorse a transaction id its ledger has: "duplicate transaction found [<txId>]". */
export function duplicateIn(err: unknown): TransactionInvalid | undefined {
  if (!(err instanceof GatewayError)) return undefined;
  for (const message of [err.message, ...err.details.map((d) => d.message)]) {
    const found = /duplicate transaction found \[([0-9a-f]+)\]/.exec(message);
    if (found) return new TransactionInvalid(found[1], 'DUPLICATE_TXID', 'this transaction id is already committed');
  }
  return undefined;
}

/** The chaincode's refusal first (its detail may say anything), then a refused signature or a duplicate, then the adapter's usual mapping. */
export function offlineError(err: unknown): Error {
  const ledger = toLedgerError(err);
  if (ledger instanceof LedgerRefusal) return ledger;
  return signatureRefusalIn(err) ?? duplicateIn(err) ?? ledger;
}

function statusName(code: number): string {
  return Object.entries(StatusCode).find(([, c]) => c === code)?.[0] ?? String(code);
}

export class FabricOfflineSigning implements OfflineSigning {
  constructor(private readonly deps: OfflineDeps) {}

  private channelOf(facts: HeaderFacts): void {
    if (facts.channel !== this.deps.profile.channel) throw new ProtoError(`channel is not "${this.deps.profile.channel}"`);
  }

  private callOf(facts: CallFacts): TransactionCall {
    if (facts.chaincode !== this.deps.profile.chaincode) throw new ProtoError(`chaincode is not "${this.deps.profile.chaincode}"`);
    const [fn = '', ...args] = facts.args;
    const [contract, transaction, ...rest] = fn.split(':');
    const call = rest.length > 0 || transaction === undefined || contract === undefined ? undefined : knownCall(contract, transaction, args);
    if (!call) throw new ProtoError(`"${fn}" is not a transaction of the chaincode's catalogue`);
    return call;
  }

  read(kind: SignableKind, bytes: Uint8Array): SignableFacts {
    try {
      if (kind === 'proposal') {
        const p = readProposal(bytes);
        this.channelOf(p);
        return { transactionId: p.transactionId, creator: p.creator, call: this.callOf(p) };
      }
      if (kind === 'transaction') {
        const t = readTransaction(bytes);
        this.channelOf(t);
        return { transactionId: t.transactionId, creator: t.creator, call: this.callOf(t), result: decoder.decode(t.result) };
      }
      const c = readCommit(bytes);
      this.channelOf(c);
      return { transactionId: c.transactionId, creator: c.creator };
    } catch (err) {
      if (err instanceof ProtoError || err instanceof RangeError) {
        throw new SigningRefusal('MALFORMED_MESSAGE', `not a Fabric ${kind} for this channel and chaincode: ${err.message}`);
      }
      throw err;
    }
  }

  async prepare(creator: Creator, call: TransactionCall): Promise<OfflineProposal> {
    const { profile } = this.deps;
    const contract = this.deps.pool.unsigned(creator).getNetwork(profile.channel).getContract(profile.chaincode, call.contract);
    const proposal = contract.newProposal(call.transaction, { arguments: call.args });
    return { transactionId: proposal.getTransactionId(), proposal: proposal.getBytes(), digest: proposal.getDigest() };
  }

  async endorse(bytes: Uint8Array, signature: Uint8Array): Promise<OfflineTransaction> {
    const { creator } = this.read('proposal', bytes);
    const proposal = this.deps.pool.unsigned(creator).newSignedProposal(bytes, signature);
    try {
      const transaction = await this.deps.inFlight.run(() =>
        retryWithin(() => proposal.endorse(), {
          budgetMs: this.deps.maxRetries === 0 ? 0 : this.deps.laggingPeerBudgetMs,
          baseDelayMs: 100,
          maxDelayMs: 500,
          retryable: (err) => refusedOnlyByOtherOrgs(err, this.deps.profile.mspId),
        }),
      );
      return {
        transactionId: transaction.getTransactionId(),
        transaction: transaction.getBytes(),
        digest: transaction.getDigest(),
        result: decoder.decode(transaction.getResult()),
      };
    } catch (err) {
      throw offlineError(err);
    }
  }

  /** The peer checks the signature and the certificate, and refuses a transaction id its ledger has (DUPLICATE_TXID), as for an endorsement. */
  async evaluate(bytes: Uint8Array, signature: Uint8Array): Promise<OfflineEvaluation> {
    const { creator } = this.read('proposal', bytes);
    const proposal = this.deps.pool.unsigned(creator).newSignedProposal(bytes, signature);
    try {
      const result = await this.deps.inFlight.run(() => proposal.evaluate());
      return { transactionId: proposal.getTransactionId(), result: decoder.decode(result) };
    } catch (err) {
      throw offlineError(err);
    }
  }

  /** Ordered as is; a copy sent again (a retry here or by the caller) is DUPLICATE_TXID on the peers and never acts twice. */
  async submit(bytes: Uint8Array, signature: Uint8Array): Promise<OfflineCommit> {
    const { creator } = this.read('transaction', bytes);
    const transaction = this.deps.pool.unsigned(creator).newSignedTransaction(bytes, signature);
    const budgetMs = this.deps.maxRetries === 0 ? 0 : (this.deps.maxRetries + 1) * this.deps.submitMs;
    try {
      const submitted = await this.deps.inFlight.run(() => retryWithin(() => transaction.submit(), { budgetMs }));
      return { transactionId: submitted.getTransactionId(), commit: submitted.getBytes(), digest: submitted.getDigest() };
    } catch (err) {
      throw offlineError(err);
    }
  }

  async commitStatus(bytes: Uint8Array, signature: Uint8Array): Promise<OfflineStatus> {
    const { creator } = this.read('commit', bytes);
    const commit = this.deps.pool.unsigned(creator).newSignedCommit(bytes, signature);
    let status;
    try {
      status = await this.deps.inFlight.run(() =>
        retryWithin(() => commit.getStatus(), {
          budgetMs: this.deps.maxRetries === 0 ? 0 : this.deps.commitStatusMs,
          retryable: (err) => err instanceof GatewayError && err.code === GrpcStatus.UNAVAILABLE,
        }),
      );
    } catch (err) {
      throw offlineError(err);
    }
    if (!status.successful) {
      throw new TransactionInvalid(status.transactionId, statusName(status.code), `the peers did not commit it as valid (block ${status.blockNumber})`);
    }
    return { transactionId: status.transactionId, status: 'VALID', blockNumber: status.blockNumber };
  }
}
