/** Accounts: balances and settlement entries, read from the ledger as the caller. */
import type { SettlementEntry } from '@ecch/chaincode';
import type { Principal } from '../auth/principal';
import type { GatewayContext } from '../context';
import { identityOf } from './actor';
import { encodeBookmark, pageArgs, type PageArgs } from './paging';

export interface Account {
  participantId: string;
  balance: number;
  entries: SettlementEntry[];
  bookmark: string;
  /** The latest statement the balance builds on: its last day and the balance through it. */
  statement: { through: string; balance: number } | null;
}

const scopeOf = (accountId: string) => `account:${accountId}`;

function toAccount(a: Account, scope: string): Account {
  return { ...a, statement: a.statement ?? null, bookmark: encodeBookmark(scope, a.bookmark) };
}

/** An unknown participant is the ledger's NOT_FOUND (404), not an empty account. */
export async function get(gw: GatewayContext, principal: Principal, participantId: string, page: PageArgs): Promise<Account> {
  const scope = scopeOf(participantId);
  const a = await gw.chaincode.evaluate<Account>(await identityOf(gw, principal), 'accounts', 'Get', participantId, ...pageArgs(page, scope));
  return toAccount(a, scope);
}

export async function grid(gw: GatewayContext, page: PageArgs): Promise<Account> {
  const scope = scopeOf('grid');
  return toAccount(await gw.chaincode.evaluate<Account>(gw.identities.na, 'accounts', 'GetGrid', ...pageArgs(page, scope)), scope);
}
