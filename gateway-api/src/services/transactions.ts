/**
 * Transactions a household signs itself (self-custody): the gateway builds the
 * bytes, the household signs their digests, the ledger checks every signature. The
 * gateway holds no key of the household's and keeps nothing between the steps: each
 * step's bytes come back with the next request, so a restart in between loses nothing.
 *
 *   prepare   {action, params, certificate}  → proposal + digest        (nothing sent)
 *   endorse   {proposal, signature}          → transaction + digest     (chaincode runs, nothing written)
 *   submit    {transaction, signature}       → commit + digest          (ordered; embedded: committed)
 *   commit    {commit, signature, transaction} → status + result        (once committed as valid)
 *
 * A query (a catalogue action of kind `query`: a household's own order, orders,
 * account, participant record) is prepared the same way and then evaluated instead:
 *
 *   evaluate  {proposal, signature}          → result                   (chaincode runs, nothing ordered or written)
 *
 * Each step takes only its own kind: a query is never endorsed or submitted, a
 * transaction never evaluated. Only the catalogue's actions (signable/) are relayed. The chaincode is the guard of
 * who may do what: it checks that the signing certificate is the one bound to the
 * participant. The ledger's refusals of a message or signature become problems here.
 */
import { X509Certificate } from 'node:crypto';
import type { Principal } from '../auth/principal';
import type { GatewayContext } from '../context';
import { ApiError, badRequest } from '../errors/api-error';
import { SigningRefusal, TransactionInvalid, type SignableFacts, type SignableKind } from '../ledger/port';
import { actionNamed, actionOf, callOf, type ActionKind, type Caller, type SignableAction } from './signable';

export interface PrepareInput {
  action: string;
  params: Record<string, unknown>;
  certificate: string;
}

export interface Prepared {
  transactionId: string;
  action: string;
  /** Which step comes next: `transaction` → /endorsement, `query` → /evaluation. */
  kind: ActionKind;
  format: 'embedded' | 'fabric';
  proposal: string;
  digest: string;
}

export interface Endorsed {
  transactionId: string;
  action: string;
  transaction: string;
  digest: string;
  result: unknown;
}

export interface Submitted {
  transactionId: string;
  commit: string;
  digest: string;
}

export interface Evaluated {
  transactionId: string;
  action: string;
  result: unknown;
}

export interface Committed {
  transactionId: string;
  action: string;
  status: 'VALID';
  blockNumber: number;
  result: unknown;
}

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
/** The body schemas admit only standard base64 (`format: byte`). */
const bytesOf = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'base64'));

const READ_CONFLICTS = new Set(['MVCC_READ_CONFLICT', 'PHANTOM_READ_CONFLICT']);

/** The ledger's refusals of a signed message as problems; anything else as it is. */
function problemOf(err: unknown, field: string): unknown {
  if (err instanceof SigningRefusal) {
    switch (err.code) {
      case 'MALFORMED_MESSAGE':
        return badRequest(`${field} is not what this ledger made`, [{ path: `/body/${field}`, message: err.detail }]);
      case 'SIGNATURE_INVALID':
        return new ApiError(422, 'SIGNATURE_INVALID', err.detail);
      case 'CERTIFICATE_NOT_TRUSTED':
        return new ApiError(403, 'CERTIFICATE_NOT_TRUSTED', err.detail);
      case 'TRANSACTION_NOT_FOUND':
        return new ApiError(404, 'TRANSACTION_NOT_FOUND', err.detail);
    }
  }
  if (err instanceof TransactionInvalid) {
    if (READ_CONFLICTS.has(err.status)) {
      return new ApiError(409, 'READ_CONFLICT', `${err.status}: ${err.detail}; prepare, sign and submit it again`);
    }
    if (err.status === 'DUPLICATE_TXID') return new ApiError(409, 'DUPLICATE_TRANSACTION', `${err.status}: ${err.detail}`);
    return new ApiError(422, 'TRANSACTION_INVALID', `${err.status}: ${err.detail}`);
  }
  return err;
}

async function ledgerStep<T>(field: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw problemOf(err, field);
  }
}

const STEP_OF: Readonly<Record<ActionKind, string>> = { transaction: 'endorsement', query: 'evaluation' };

/** A self-custody household's token: who a query is for (the bearer token's participant, never a parameter). */
function callerOf(principal: Principal): Caller {
  // The routes let household tokens only (access: 'household').
  if (principal.role !== 'household') throw new ApiError(403, 'FORBIDDEN', 'only a household signs its own transactions');
  return { participantId: principal.participantId };
}

/**
 * Reads `field`'s bytes, checks they are of the transaction in the path, and which
 * catalogue action they are, of the kind this step takes (`step`).
 */
function readAs(
  gw: GatewayContext,
  kind: SignableKind,
  field: string,
  bytes: Uint8Array,
  transactionId: string,
  step: ActionKind,
): SignableFacts & { action?: SignableAction } {
  let facts: SignableFacts;
  try {
    facts = gw.ledger.offline.read(kind, bytes);
  } catch (err) {
    throw problemOf(err, field);
  }
  if (facts.transactionId !== transactionId) {
    throw new ApiError(422, 'TRANSACTION_ID_MISMATCH', `${field} is of transaction ${facts.transactionId}, not of ${transactionId} in the path`);
  }
  if (!facts.call) return facts;
  const action = actionOf(facts.call);
  if (!action) {
    throw new ApiError(422, 'ACTION_NOT_SIGNABLE', `${facts.call.contract}:${facts.call.transaction} is not one of the actions this gateway relays`);
  }
  if (action.kind !== step) {
    const next = `POST /v1/transactions/${transactionId}/${STEP_OF[action.kind]}`;
    throw action.kind === 'query'
      ? new ApiError(422, 'ACTION_IS_A_QUERY', `${action.name} is a query: it is evaluated, never endorsed or submitted (${next})`)
      : new ApiError(422, 'ACTION_NOT_A_QUERY', `${action.name} is a transaction: it is endorsed, submitted and committed, not evaluated (${next})`);
  }
  return { ...facts, action };
}

/** The certificate must be X.509 with an EC P-256 key: what a household signs with. */
function checkCertificate(pem: string): void {
  let ok = false;
  try {
    const key = new X509Certificate(pem).publicKey;
    ok = key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1';
  } catch {
    ok = false;
  }
  if (!ok) throw badRequest('certificate is not usable', [{ path: '/body/certificate', message: 'must be a PEM X.509 certificate with an ECDSA P-256 key' }]);
}

/** Builds the proposal of a catalogue action, validated by the route against that action's schema. */
/** Builds the proposal of a catalogue action (a transaction or a query), validated by the route against that action's schema. */
export async function prepare(gw: GatewayContext, principal: Principal, input: PrepareInput): Promise<Prepared> {
  const action = actionNamed(input.action);
  if (!action) throw badRequest('unknown action', [{ path: '/body/action', message: 'is not a signable action' }]);
  checkCertificate(input.certificate);
  const call = callOf(action, input.params as never, callerOf(principal));
  const creator = { mspId: gw.identities.mspId, certificate: input.certificate };
  const prepared = await ledgerStep('certificate', () => gw.ledger.offline.prepare(creator, call));
  return {
    transactionId: prepared.transactionId,
    action: action.name,
    kind: action.kind,
    format: gw.ledger.kind,
    proposal: b64(prepared.proposal),
    digest: b64(prepared.digest),
  };
}

export async function endorse(gw: GatewayContext, principal: Principal, transactionId: string, body: { proposal: string; signature: string }): Promise<Endorsed> {
  const proposal = bytesOf(body.proposal);
  const { action, call } = readAs(gw, 'proposal', 'proposal', proposal, transactionId, 'transaction');
  const endorsed = await ledgerStep('proposal', () => gw.ledger.offline.endorse(proposal, bytesOf(body.signature)));
  const a = action as SignableAction;
  const result = a.view(endorsed.result, { args: call?.args ?? [], caller: callerOf(principal) });
  return { transactionId, action: a.name, transaction: b64(endorsed.transaction), digest: b64(endorsed.digest), result };
}

/** A signed query: the signature and certificate checked as at endorsement, the chaincode's answer in the custodial route's shape; nothing is written. */
export async function evaluate(gw: GatewayContext, principal: Principal, transactionId: string, body: { proposal: string; signature: string }): Promise<Evaluated> {
  const proposal = bytesOf(body.proposal);
  const { action, call } = readAs(gw, 'proposal', 'proposal', proposal, transactionId, 'query');
  const evaluated = await ledgerStep('proposal', () => gw.ledger.offline.evaluate(proposal, bytesOf(body.signature)));
  const a = action as SignableAction;
  return { transactionId, action: a.name, result: a.view(evaluated.result, { args: call?.args ?? [], caller: callerOf(principal) }) };
}

export async function submit(gw: GatewayContext, _principal: Principal, transactionId: string, body: { transaction: string; signature: string }): Promise<Submitted> {
  const transaction = bytesOf(body.transaction);
  readAs(gw, 'transaction', 'transaction', transaction, transactionId, 'transaction');
  const submitted = await ledgerStep('transaction', () => gw.ledger.offline.submit(transaction, bytesOf(body.signature)));
  return { transactionId, commit: b64(submitted.commit), digest: b64(submitted.digest) };
}

export async function commit(
  gw: GatewayContext,
  principal: Principal,
  transactionId: string,
  body: { commit: string; signature: string; transaction: string },
): Promise<Committed> {
  const commitBytes = bytesOf(body.commit);
  readAs(gw, 'commit', 'commit', commitBytes, transactionId, 'transaction');
  const endorsed = readAs(gw, 'transaction', 'transaction', bytesOf(body.transaction), transactionId, 'transaction');
  const status = await ledgerStep('commit', () => gw.ledger.offline.commitStatus(commitBytes, bytesOf(body.signature)));
  const action = endorsed.action as SignableAction;
  // The ledger's own record of the result where it keeps one (embedded), else the endorsed transaction's.
  const result = action.view(status.result ?? (endorsed.result as string), { args: endorsed.call?.args ?? [], caller: callerOf(principal) });
  return { transactionId, action: action.name, status: status.status, blockNumber: Number(status.blockNumber), result };
}
