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
  const a = await gw.chaincode.evaluate(await identityOf(gw, principal), 'accounts', 'Get', participantId, ...pageArgs(page, scope));
  return toAccount(a, scope);
}

export async function grid(gw: GatewayContext, page: PageArgs): Promise<Account> {
  const scope = scopeOf('grid');
  return toAccount(await gw.chaincode.evaluate(gw.identities.na, 'accounts', 'GetGrid', ...pageArgs(page, scope)), scope);
}

export interface WrittenStatement {
  accountId: string;
  through: string;
  balance: number;
  entries: number;
  at: string;
}

/** Accounts per accounts:Checkpoint transaction (the chaincode's limit). */
const CHECKPOINT_BATCH = 100;

/**
 * Statements through `through` for the grid and every participant, 100 accounts a
 * transaction. Each batch stands on its own and an account already covered is left
 * as it is, so a run cut short is completed by running it again.
 */
export async function writeStatements(gw: GatewayContext, through: string): Promise<{ through: string; statements: WrittenStatement[] }> {
  const ids: string[] = ['grid'];
  let bookmark = '';
  do {
    const page = await gw.chaincode.evaluate(gw.identities.na, 'participants', 'List', '', '1000', bookmark);
    ids.push(...page.items.map((p) => p.id));
    bookmark = page.bookmark;
  } while (bookmark !== '');
  const statements: WrittenStatement[] = [];
  for (let i = 0; i < ids.length; i += CHECKPOINT_BATCH) {
    const batch = ids.slice(i, i + CHECKPOINT_BATCH);
    const written = await gw.chaincode.submit(gw.identities.na, 'accounts', 'Checkpoint', through, JSON.stringify(batch));
    statements.push(...written.statements);
  }
  return { through, statements };
}
