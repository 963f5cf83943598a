/**
 * `account.get`: one's own balance and settlement entries, as GET
 * /v1/participants/{id}/account, as a query the household signs. The account is the
 * caller's (the bearer token's participant), never a parameter; paged as the REST
 * route is (the bookmark is opaque and bound to the account).
 */
import { Type, type Static } from '@sinclair/typebox';
import { Account } from '../../schemas/accounts';
import type { Account as LedgerAccount } from '../accounts';
import { encodeBookmark } from '../paging';
import { defineAction, ledgerBookmark, pageSizeArg } from './action';
import { PageParams } from './page-params';

/** The REST route's scope (services/accounts.ts): the same list, so a bookmark of one serves the other (the NA's reads included). */
const scopeOf = (accountId: string): string => `account:${accountId}`;

export const accountGet = defineAction({
  name: 'account.get',
  kind: 'query',
  summary: 'read one\'s own account: {pageSize?, bookmark?}, as GET /v1/participants/{id}/account for one\'s own id (a query: POST …/evaluation)',
  params: Type.Object(PageParams, { additionalProperties: false }),
  result: Account,
  contract: 'accounts',
  transaction: 'Get',
  args: ({ pageSize, bookmark }, caller) => [caller.participantId, pageSizeArg(pageSize), ledgerBookmark(scopeOf(caller.participantId), bookmark)],
  view: (result, { args }): Static<typeof Account> => {
    const a = JSON.parse(result) as LedgerAccount;
    return { ...a, statement: a.statement ?? null, bookmark: encodeBookmark(scopeOf(args[0] ?? ''), a.bookmark) } as Static<typeof Account>;
  },
});
