/**
 * Offline signing on the embedded ledger (the port's OfflineSigning), in the byte
 * formats of offline-format.ts. Every step checks, before anything runs, that the
 * creator's certificate is issued by a CA the ledger trusts and that the signature
 * verifies with it (signature.ts). Endorsement simulates and writes nothing; submission
 * simulates again, in the ledger's one-at-a-time queue (group-commit.ts), and commits only if the result
 * and the write set are those that were endorsed and signed (otherwise
 * MVCC_READ_CONFLICT, as Fabric would invalidate it). A transaction id is committed at
 * most once: a repeated submission answers the commit that is already there. A signed
 * query (evaluate) is checked as an endorsement is and simulated the same way; its
 * result is the answer, and nothing of it is kept: no state, no transaction id.
 */
import { randomBytes } from 'node:crypto';
import { knownCall, LedgerRefusal, SigningRefusal, TransactionInvalid } from '../port';
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
  TransactionCall,
} from '../port';
import type { Endorsement } from './engine';
import {
  KIND,
  VERSION,
  b64,
  creatorHash,
  encode,
  parseCommit,
  parseProposal,
  parseTransaction,
  transactionIdOf,
  writesOf,
  type CommitMessage,
  type ProposalMessage,
  type TransactionMessage,
} from './offline-format';
import { sha256, verifySignature } from './signature';
import type { GroupTx } from './group-commit';
import type { TxRecord } from './store';
import type { TxContext } from './stub';
import type { StateView } from './view';

/** What the embedded ledger lends its offline signing. */
export interface OfflineHost {
  readonly channel: string;
  readonly chaincode: string;
  assertOpen(): void;
  now(): number;
  /** Whether the certificate is issued by a CA the ledger trusts. */
  trusted(certificate: string): Promise<boolean>;
  /** Simulates against `view` (default: the committed state); nothing is written. */
  simulate(tx: TxContext, view?: StateView): Promise<Endorsement>;
  /** The committed transaction (in `view`, default the committed state). */
  committed(txId: string, view?: StateView): TxRecord | undefined;
  /** Runs `task` in the ledger's one-transaction-at-a-time queue; it resolves once its commit group is on disk. */
  serial<T>(task: (group: GroupTx) => Promise<T>): Promise<T>;
}

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

export class EmbeddedOfflineSigning implements OfflineSigning {
  constructor(private readonly host: OfflineHost) {}

  private async checkSigner(creator: Creator, signed: Uint8Array, signature: Uint8Array, what: string): Promise<void> {
    let trusted = false;
    try {
      trusted = await this.host.trusted(creator.certificate);
    } catch (err) {
      throw new SigningRefusal('CERTIFICATE_NOT_TRUSTED', 'the creator certificate is not a PEM X.509 certificate', { cause: err });
    }
    if (!trusted) throw new SigningRefusal('CERTIFICATE_NOT_TRUSTED', 'the creator certificate is not issued by a CA this ledger trusts');
    if (!verifySignature(signed, signature, creator.certificate)) {
      throw new SigningRefusal('SIGNATURE_INVALID', `the ${what} signature does not verify with the creator certificate (ECDSA P-256, DER, low-S, over SHA-256 of the bytes)`);
    }
  }

  private txContext(p: ProposalMessage): TxContext {
    return {
      txId: p.transactionId,
      channelId: p.channel,
      timestampMs: Date.parse(p.timestamp),
      mspId: p.creator.mspId,
      certificate: p.creator.certificate,
      args: [`${p.contract}:${p.transaction}`, ...p.args],
    };
  }

  private commitFor(transactionId: string, creator: Creator): OfflineCommit {
    const message: CommitMessage = { channel: this.host.channel, creator, kind: KIND.commit, transactionId, version: VERSION };
    const commit = encode(message);
    return { transactionId, commit, digest: sha256(commit) };
  }

  async prepare(creator: Creator, call: TransactionCall): Promise<OfflineProposal> {
    this.host.assertOpen();
    let trusted = false;
    try {
      trusted = await this.host.trusted(creator.certificate);
    } catch (err) {
      throw new SigningRefusal('CERTIFICATE_NOT_TRUSTED', 'the certificate is not a PEM X.509 certificate', { cause: err });
    }
    if (!trusted) throw new SigningRefusal('CERTIFICATE_NOT_TRUSTED', 'the certificate is not issued by a CA this ledger trusts');
    const nonce = randomBytes(24);
    const message: ProposalMessage = {
      args: call.args,
      chaincode: this.host.chaincode,
      channel: this.host.channel,
      contract: call.contract,
      creator: { certificate: creator.certificate, mspId: creator.mspId },
      kind: KIND.proposal,
      nonce: b64(nonce),
      timestamp: new Date(this.host.now()).toISOString(),
      transaction: call.transaction,
      transactionId: transactionIdOf(nonce, creator),
      version: VERSION,
    };
    const proposal = encode(message);
    return { transactionId: message.transactionId, proposal, digest: sha256(proposal) };
  }

  /** A signed proposal of this ledger's, its signature and certificate checked, whose transaction id is not committed. */
  private async signedProposal(proposal: Uint8Array, signature: Uint8Array): Promise<ProposalMessage> {
    this.host.assertOpen();
    const p = parseProposal(proposal, this.host);
    await this.checkSigner(p.creator, proposal, signature, 'proposal');
    // A peer refuses any proposal (to endorse or to evaluate) whose transaction id its ledger already has.
    if (this.host.committed(p.transactionId)) {
      throw new TransactionInvalid(p.transactionId, 'DUPLICATE_TXID', 'this transaction id is already committed');
    }
    return p;
  }

  async endorse(proposal: Uint8Array, signature: Uint8Array): Promise<OfflineTransaction> {
    const p = await this.signedProposal(proposal, signature);
    const endorsed = await this.host.simulate(this.txContext(p));
    const message: TransactionMessage = {
      ...writesOf(endorsed.writeSet),
      kind: KIND.transaction,
      proposal: b64(proposal),
      proposalSignature: b64(signature),
      result: endorsed.payload,
      transactionId: p.transactionId,
      version: VERSION,
    };
    const transaction = encode(message);
    return { transactionId: p.transactionId, transaction, digest: sha256(transaction), result: endorsed.payload };
  }

  /** Simulated as an endorsement is, on the committed state; the result is all that comes of it (nothing is written, no transaction id is kept). */
  async evaluate(proposal: Uint8Array, signature: Uint8Array): Promise<OfflineEvaluation> {
    const p = await this.signedProposal(proposal, signature);
    const evaluated = await this.host.simulate(this.txContext(p));
    return { transactionId: p.transactionId, result: evaluated.payload };
  }

  async submit(transaction: Uint8Array, signature: Uint8Array): Promise<OfflineCommit> {
    this.host.assertOpen();
    const { message, proposal: p, proposalBytes, proposalSignature } = parseTransaction(transaction, this.host);
    await this.checkSigner(p.creator, proposalBytes, proposalSignature, 'proposal');
    await this.checkSigner(p.creator, transaction, signature, 'transaction');
    const txId = p.transactionId;
    return this.host.serial(async (group) => {
      // Never twice: a repeated submission gets the commit of the one already on the ledger (or in this group).
      if (this.host.committed(txId, group.view)) return this.commitFor(txId, p.creator);
      let now: Endorsement;
      try {
        now = await this.host.simulate(this.txContext(p), group.view);
      } catch (err) {
        if (err instanceof LedgerRefusal) throw new TransactionInvalid(txId, 'MVCC_READ_CONFLICT', `the state changed since endorsement: it would now be refused (${err.message})`);
        throw err;
      }
      const endorsed = { result: message.result, writes: message.writes, event: message.event };
      if (!sameJson({ result: now.payload, ...writesOf(now.writeSet) }, endorsed)) {
        throw new TransactionInvalid(txId, 'MVCC_READ_CONFLICT', 'the state changed since endorsement: its result or write set would differ now');
      }
      const answer = this.commitFor(txId, p.creator);
      group.commit(txId, Date.parse(p.timestamp), now.writeSet, { creator: creatorHash(p.creator), result: now.payload });
      return answer;
    });
  }

  async commitStatus(commit: Uint8Array, signature: Uint8Array): Promise<OfflineStatus> {
    this.host.assertOpen();
    const c = parseCommit(commit, this.host);
    await this.checkSigner(c.creator, commit, signature, 'commit');
    const record = this.host.committed(c.transactionId);
    // Another creator's transaction is not found either: its result is not theirs to read.
    if (!record || (record.creator !== undefined && record.creator !== creatorHash(c.creator))) {
      throw new SigningRefusal('TRANSACTION_NOT_FOUND', `transaction ${c.transactionId} is not committed on this ledger`);
    }
    const status: OfflineStatus = { transactionId: c.transactionId, status: 'VALID', blockNumber: BigInt(record.blockNumber) };
    if (record.result !== undefined) status.result = record.result;
    return status;
  }

  read(kind: SignableKind, bytes: Uint8Array): SignableFacts {
    if (kind === 'proposal') {
      const p = parseProposal(bytes, this.host);
      return { transactionId: p.transactionId, creator: p.creator, call: callIn(p) };
    }
    if (kind === 'transaction') {
      const { message, proposal: p } = parseTransaction(bytes, this.host);
      return {
        transactionId: p.transactionId,
        creator: p.creator,
        call: callIn(p),
        result: message.result,
      };
    }
    const c = parseCommit(bytes, this.host);
    return { transactionId: c.transactionId, creator: c.creator };
  }
}

/** The proposal's call; parseProposal admitted only names of the catalogue. */
function callIn(p: ProposalMessage): TransactionCall {
  const call = knownCall(p.contract, p.transaction, p.args);
  if (!call) throw new Error(`${p.contract}:${p.transaction} passed parsing but is not in the catalogue`);
  return call;
}
