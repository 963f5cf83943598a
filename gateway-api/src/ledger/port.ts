/**
 * The ledger port: everything the gateway needs from a ledger, whichever one is
 * behind it (the embedded ledger running the chaincode in-process, or a Fabric
 * network through @hyperledger/fabric-gateway).
 *
 * Chaincode names its contracts ('participants', 'markets', 'orders', 'accounts',
 * 'audit'); every transaction takes string arguments and returns a JSON string.
 * A refusal is a {@link LedgerRefusal} carrying the chaincode's stable error code.
 */
import type { ErrorCode } from '@ecch/chaincode';

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

export interface TransactionCall {
  contract: 'participants' | 'markets' | 'orders' | 'accounts' | 'audit' | 'diagnostics';
  transaction: string;
  args: string[];
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

export interface Ledger {
  readonly kind: 'embedded' | 'fabric';
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
