/**
 * The ledger port: everything the gateway needs from a ledger, whichever one is
 * behind it (the embedded ledger running the chaincode in-process, or a Fabric
 * network through @hyperledger/fabric-gateway).
 *
 * Chaincode names its contracts ('participants', 'markets', 'orders', 'accounts',
 * 'audit'); every transaction takes string arguments and returns a JSON string.
 * A refusal is a {@link LedgerRefusal} carrying the chaincode's stable error code.
 *
 * A household that holds its own key signs its transactions offline
 * ({@link OfflineSigning}): the ledger hands out the bytes to sign and their digest,
 * the household signs the digest, and sends the bytes and the signature back, once
 * for the proposal, once for the endorsed transaction and once for the commit-status
 * request. Nothing is kept between the steps. A read the household signs (a query) is
 * one signed proposal, evaluated: the chaincode runs, nothing is ordered or written.
 */
// First: the chaincode package (loaded here for its catalogue) logs every contract
// decorator at import unless the shim's level is set beforehand.
import './embedded/shim-logging';
import { TRANSACTION_KINDS, type ContractName, type ErrorCode, type TransactionName } from '@ecch/chaincode';

/** An X.509 client identity a transaction is signed as. */
export interface LedgerIdentity {
  /** Wallet label (participant id, or 'admin' for the NA). */
  label: string;
  mspId: string;
  /** PEM certificate. */
  certificate: string;
  /** PEM PKCS#8 private key. */
  privateKey: string;
}

/**
 * One chaincode call: a contract and one of its transactions, by the chaincode's
 * catalogue (chaincode/src/catalogue.ts), so a name that does not exist fails the build.
 */
export type TransactionCall = {
  [C in ContractName]: { contract: C; transaction: TransactionName<C>; args: string[] };
}[ContractName];

/** A call by name, checked against the catalogue at compile time. */
export function callOf<C extends ContractName>(contract: C, transaction: TransactionName<C>, args: string[]): TransactionCall {
  return { contract, transaction, args } as TransactionCall;
}

/** The call, if `contract:transaction` is in the chaincode's catalogue (a name read from bytes or a request is checked here). */
export function knownCall(contract: string, transaction: string, args: string[]): TransactionCall | undefined {
  const names: Record<string, unknown> | undefined = (TRANSACTION_KINDS as Record<string, Record<string, unknown>>)[contract];
  if (!names || !Object.prototype.hasOwnProperty.call(names, transaction)) return undefined;
  return { contract, transaction, args } as TransactionCall;
}

/** A chaincode event as committed in a block. */
export interface LedgerEvent {
  /** e.g. 'order.placed' */
  name: string;
  /** Parsed JSON payload. */
  payload: unknown;
  txId: string;
  blockNumber: bigint;
  /** Index of the transaction within its block. */
  txIndex: number;
}

/** Where an event stream stopped: the next event to deliver is after this one. */
export interface EventCheckpoint {
  blockNumber: bigint;
  txId?: string;
}

/** The chaincode refused the transaction for a business rule. */
export class LedgerRefusal extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
    this.name = 'LedgerRefusal';
  }
}

/** The ledger could not be reached or failed (not the chaincode's refusal). */
export class LedgerUnavailable extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LedgerUnavailable';
  }
}

/** Who signs an offline-signed transaction: the holder of this certificate's private key (the ledger has only the certificate). */
export interface Creator {
  mspId: string;
  /** PEM certificate. */
  certificate: string;
}

/** An unsigned proposal: sign `digest` (ECDSA P-256, DER) and send it back with `proposal` to endorse. */
export interface OfflineProposal {
  transactionId: string;
  proposal: Uint8Array;
  digest: Uint8Array;
}

/** An endorsed, unsigned transaction and the chaincode's JSON result if it commits. */
export interface OfflineTransaction {
  transactionId: string;
  transaction: Uint8Array;
  digest: Uint8Array;
  result: string;
}

/** The transaction is with the orderer (embedded: committed); sign `digest` to ask for its commit status. */
export interface OfflineCommit {
  transactionId: string;
  commit: Uint8Array;
  digest: Uint8Array;
}

/** A transaction committed as valid (any other validation code is a {@link TransactionInvalid}). */
export interface OfflineStatus {
  transactionId: string;
  status: 'VALID';
  blockNumber: bigint;
  /** The chaincode's JSON result, when the ledger kept it (embedded); on Fabric read it from the transaction ({@link OfflineSigning.read}). */
  result?: string;
}

/** A signed query's answer: the chaincode's JSON result. Nothing was ordered or written. */
export interface OfflineEvaluation {
  transactionId: string;
  result: string;
}

export type SignableKind = 'proposal' | 'transaction' | 'commit';

/** What signable bytes say, read without a signature and without sending anything. */
export interface SignableFacts {
  transactionId: string;
  creator: Creator;
  /** The chaincode call (proposal, transaction). */
  call?: TransactionCall;
  /** The endorsed JSON result (transaction). */
  result?: string;
}

/**
 * Offline signing, stateless across steps (the caller sends the bytes back each time),
 * so a gateway restart between steps loses nothing:
 *
 *   prepare → sign digest → endorse → sign digest → submit → sign digest → commitStatus
 *   prepare → sign digest → evaluate                                        (a query)
 *
 * Every signature is ECDSA P-256 over the digest (SHA-256, prehashed), DER-encoded, as
 * fabric-gateway's `signers.newPrivateKeySigner` makes it, by the creator's key. A
 * chaincode refusal stays a {@link LedgerRefusal}; a message or signature the ledger
 * will not take is a {@link SigningRefusal}; a transaction ordered but invalidated is
 * a {@link TransactionInvalid}.
 */
export interface OfflineSigning {
  /** Builds the proposal for `creator`; nothing is sent or written. */
  prepare(creator: Creator, call: TransactionCall): Promise<OfflineProposal>;
  /** Has the signed proposal endorsed (the chaincode runs, nothing is written). */
  endorse(proposal: Uint8Array, signature: Uint8Array): Promise<OfflineTransaction>;
  /**
   * Has the signed proposal evaluated, as a query: its signature and certificate are
   * checked as for `endorse`, the chaincode runs on the committed state and its result
   * is the answer; nothing is ordered or written, and the transaction id is not taken.
   */
  evaluate(proposal: Uint8Array, signature: Uint8Array): Promise<OfflineEvaluation>;
  /** Sends the signed transaction to be ordered and committed (the same one again never acts twice). */
  submit(transaction: Uint8Array, signature: Uint8Array): Promise<OfflineCommit>;
  /** Waits for the transaction's commit; resolves only if it committed as valid. */
  commitStatus(commit: Uint8Array, signature: Uint8Array): Promise<OfflineStatus>;
  /** Reads signable bytes of this ledger's format; a {@link SigningRefusal} MALFORMED_MESSAGE otherwise. */
  read(kind: SignableKind, bytes: Uint8Array): SignableFacts;
}

export type SigningRefusalCode =
  /** Not a proposal, transaction or commit request of this ledger's, or not of the kind expected. */
  | 'MALFORMED_MESSAGE'
  /** The signature does not verify with the creator's certificate (or is not low-S DER ECDSA). */
  | 'SIGNATURE_INVALID'
  /** The creator's certificate is not issued by a CA the ledger trusts. */
  | 'CERTIFICATE_NOT_TRUSTED'
  /** A commit-status request for a transaction this ledger has not committed. */
  | 'TRANSACTION_NOT_FOUND';

/** The ledger refused a signed message before any transaction ran; nothing was written. */
export class SigningRefusal extends Error {
  constructor(
    readonly code: SigningRefusalCode,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${detail}`, options);
    this.name = 'SigningRefusal';
  }
}

/**
 * The transaction was not committed as valid, with Fabric's validation code:
 * MVCC_READ_CONFLICT (the state it read changed since endorsement; on the embedded
 * ledger, its result or write set would now differ), DUPLICATE_TXID,
 * ENDORSEMENT_POLICY_FAILURE, ... Nothing of it was written.
 */
export class TransactionInvalid extends Error {
  constructor(
    readonly transactionId: string,
    readonly status: string,
    readonly detail: string,
  ) {
    super(`transaction ${transactionId} is invalid: ${status}: ${detail}`);
    this.name = 'TransactionInvalid';
  }
}

export interface Ledger {
  readonly kind: 'embedded' | 'fabric';
  /** Transactions the creator signs itself (self-custody households). */
  readonly offline: OfflineSigning;
  /** Endorse, order and commit; resolves with the transaction's JSON result once committed. */
  submit(identity: LedgerIdentity, call: TransactionCall): Promise<string>;
  /** Read-only query; nothing is written. */
  evaluate(identity: LedgerIdentity, call: TransactionCall): Promise<string>;
  /**
   * Chaincode events, in commit order, starting after `after` (or from now when
   * absent). The iterator ends when `signal` aborts.
   */
  events(identity: LedgerIdentity, after: EventCheckpoint | undefined, signal: AbortSignal): AsyncIterable<LedgerEvent>;
  /**
   * The number of the last committed block, when the ledger can tell (the embedded
   * ledger always; a Fabric adapter may not). The event stream uses it to refuse a
   * Last-Event-ID from the future instead of waiting for it forever.
   */
  lastBlock?(): Promise<bigint>;
  /** Whether the ledger answers now. */
  ready(): Promise<boolean>;
  close(): Promise<void>;
}
