/** The catalogue of signable actions (action.ts): one line per action. */
import type { TransactionCall } from '../../ledger/port';
import type { SignableAction } from './action';
import { orderAmend } from './order-amend';
import { orderCancel } from './order-cancel';
import { orderPlace } from './order-place';
import { participantEnrol } from './participant-enrol';

export const SIGNABLE_ACTIONS = [participantEnrol, orderPlace, orderAmend, orderCancel] as const;

const actions: readonly SignableAction[] = SIGNABLE_ACTIONS as unknown as readonly SignableAction[];

export function actionNamed(name: unknown): SignableAction | undefined {
  return actions.find((a) => a.name === name);
}

/** The action a chaincode call is, if it is one of the catalogue's. */
export function actionOf(call: Pick<TransactionCall, 'contract' | 'transaction'>): SignableAction | undefined {
  return actions.find((a) => a.contract === call.contract && a.transaction === call.transaction);
}

export { callOf, type SignableAction } from './action';
