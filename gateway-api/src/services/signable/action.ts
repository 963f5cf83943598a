/**
 * A signable action: what a household that holds its own key may have the gateway
 * prepare for it (POST /v1/transactions). Each one names its parameters (a TypeBox
 * schema, so they are validated and published in the OpenAPI document like any body),
 * the chaincode call they become, and how the chaincode's result reads in the API (the
 * same shape the custodial route answers). A new action is one file and one line in
 * index.ts.
 *
 * Its `kind` says which steps take it: a `transaction` is endorsed, submitted and
 * committed (it changes the ledger); a `query` is only evaluated (a signed read:
 * nothing is ordered or written). Each step refuses the other kind.
 */
import type { Static, TObject, TSchema } from '@sinclair/typebox';
import type { ContractName, TransactionName } from '@ecch/chaincode';
import { ApiError, badRequest } from '../../errors/api-error';
import { callOf as callOfLedger, type TransactionCall } from '../../ledger/port';
import { decodeBookmark } from '../paging';

export type ActionKind = 'transaction' | 'query';

/** Who the action is for: the bearer token's principal, never a parameter. */
export interface Caller {
  participantId: string;
}

/** What a result is read with: the chaincode arguments the signed proposal carried, and the caller. */
export interface CallContext {
  args: readonly string[];
  caller: Caller;
}

export interface SignableAction<P extends TObject = TObject, R extends TSchema = TSchema, C extends ContractName = ContractName> {
  /** e.g. `order.place` */
  readonly name: string;
  readonly kind: ActionKind;
  /** One line for the OpenAPI document and docs/api.md. */
  readonly summary: string;
  readonly params: P;
  /** The REST shape of the result (committed, or evaluated for a query). */
  readonly result: R;
  /** The chaincode transaction this action is (how a proposal is recognised). */
  readonly contract: C;
  /** A transaction of that contract in the chaincode's catalogue (a rename there fails the build here). */
  readonly transaction: TransactionName<C>;
  /** The chaincode arguments, converted as the custodial route converts them. */
  args(params: Static<P>, caller: Caller): string[];
  /** The chaincode's JSON result → the REST shape. */
  view(result: string, call: CallContext): Static<R>;
}

/** Keeps each action's parameter and result types checked where it is defined. */
export function defineAction<P extends TObject, R extends TSchema, C extends ContractName>(action: SignableAction<P, R, C>): SignableAction<P, R, C> {
  return action;
}

export function callOf<P extends TObject>(action: SignableAction<P>, params: Static<P>, caller: Caller): TransactionCall {
  return callOfLedger(action.contract, action.transaction, action.args(params, caller));
}

/**
 * The ledger's bookmark inside a cursor of the list `scope` (services/paging.ts, as the
 * REST list takes it), with a refusal that names the parameter it came in.
 */
export function ledgerBookmark(scope: string, bookmark: string | undefined): string {
  try {
    return decodeBookmark(scope, bookmark ?? '');
  } catch (err) {
    if (!(err instanceof ApiError) || !err.errors) throw err;
    throw badRequest(err.detail, err.errors.map((e) => ({ ...e, path: '/body/params/bookmark' })));
  }
}

/** The ledger's page size argument: "" for its default. */
export const pageSizeArg = (pageSize: number | undefined): string => (pageSize === undefined ? '' : String(pageSize));
