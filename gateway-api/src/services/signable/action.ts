/**
 * A signable action: what a household that holds its own key may have the gateway
 * prepare for it (POST /v1/transactions). Each one names its parameters (a TypeBox
 * schema, so they are validated and published in the OpenAPI document like any body),
 * the chaincode call they become, and how the chaincode's result reads in the API (the
 * same shape the custodial route answers). A new action is one file and one line in
 * index.ts.
 */
import type { Static, TObject, TSchema } from '@sinclair/typebox';
import type { TransactionCall } from '../../ledger/port';

export interface SignableAction<P extends TObject = TObject, R extends TSchema = TSchema> {
  /** e.g. `order.place` */
  readonly name: string;
  /** One line for the OpenAPI document and docs/api.md. */
  readonly summary: string;
  readonly params: P;
  /** The REST shape of the committed result. */
  readonly result: R;
  /** The chaincode transaction this action is (how a proposal is recognised). */
  readonly contract: TransactionCall['contract'];
  readonly transaction: string;
  /** The chaincode arguments, converted as the custodial route converts them. */
  args(params: Static<P>): string[];
  /** The chaincode's JSON result → the REST shape. */
  view(result: string): Static<R>;
}

/** Keeps each action's parameter and result types checked where it is defined. */
export function defineAction<P extends TObject, R extends TSchema>(action: SignableAction<P, R>): SignableAction<P, R> {
  return action;
}

export function callOf<P extends TObject>(action: SignableAction<P>, params: Static<P>): TransactionCall {
  return { contract: action.contract, transaction: action.transaction, args: action.args(params) };
}
