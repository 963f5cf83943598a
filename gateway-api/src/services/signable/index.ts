/** The catalogue of signable actions (action.ts): one line per action. */
import type { TransactionCall } from '../../ledger/port';
import type { ActionKind, SignableAction } from './action';
import { accountGet } from './account-get';
import { auctionBid } from './auction-bid';
import { orderAmend } from './order-amend';
import { orderCancel } from './order-cancel';
import { orderGet } from './order-get';
import { orderPlace } from './order-place';
import { ordersList } from './orders-list';
import { participantEnrol } from './participant-enrol';
import { participantGet } from './participant-get';

export const SIGNABLE_ACTIONS = [participantEnrol, orderPlace, orderAmend, orderCancel, orderGet, ordersList, accountGet, participantGet, auctionBid] as const;

const actions: readonly SignableAction[] = SIGNABLE_ACTIONS as unknown as readonly SignableAction[];

export function actionNamed(name: unknown): SignableAction | undefined {
  return actions.find((a) => a.name === name);
}

/** The action a chaincode call is, if it is one of the catalogue's. */
export function actionOf(call: Pick<TransactionCall, 'contract' | 'transaction'>): SignableAction | undefined {
  return actions.find((a) => a.contract === call.contract && a.transaction === call.transaction);
}

/** The catalogue's actions of one kind (transactions, or queries). */
export function actionsOf(kind: ActionKind): readonly SignableAction[] {
  return actions.filter((a) => a.kind === kind);
}

export { callOf, type ActionKind, type Caller, type SignableAction } from './action';
