/** Accounts: balances and settlement entries, read from the ledger as the caller. */
import type { SettlementEntry } from '@ecch/chaincode';
import type { Principal } from '../auth/principal';
import type { GatewayContext } from '../context';
import { identityOf } from './actor';
import { pageArgs, type PageArgs } from './paging';

export interface Account {
  participantId: string;
  balance: number;
  entries: SettlementEntry[];
  bookmark: string;
}

export async function get(gw: GatewayContext, principal: Principal, participantId: string, page: PageArgs): Promise<Account> {
  return gw.chaincode.evaluate<Account>(await identityOf(gw, principal), 'accounts', 'Get', participantId, ...pageArgs(page));
}

export function grid(gw: GatewayContext, page: PageArgs): Promise<Account> {
  return gw.chaincode.evaluate<Account>(gw.identities.na, 'accounts', 'GetGrid', ...pageArgs(page));
}
