/** Accounts: a household's (the NA or that household) and the grid's (NA). */
import type { RoutesPlugin } from '../../type-provider';
import { principalOf } from '../../plugins/app/auth';
import { IdParams, problems } from '../../schemas/common';
import { Account, AccountQuery, StatementsBody, StatementsResult } from '../../schemas/accounts';
import * as accounts from '../../services/accounts';

const tags = ['accounts'];

const accountRoutes: RoutesPlugin = async (app) => {
  app.get(
    '/participants/:id/account',
    {
      config: { access: 'any' },
      schema: {
        tags,
        summary: 'A participant\'s balance and settlement entries (the NA, or that household)',
        params: IdParams,
        querystring: AccountQuery,
        response: { 200: Account, ...problems(401, 403, 404) },
      },
    },
    async (request) => accounts.get(app.gateway, principalOf(request), request.params.id, request.query),
  );

  app.get(
    '/accounts/grid',
    {
      config: { access: 'na' },
      schema: { tags, summary: 'The grid utility\'s account', querystring: AccountQuery, response: { 200: Account, ...problems(401, 403) } },
    },
    async (request) => accounts.grid(app.gateway, request.query),
  );

  app.post(
    '/accounts/statements',
    {
      config: { access: 'na' },
      schema: {
        tags,
        summary: 'Statements through a past day for the grid and every participant: later balances sum only the entries after them',
        body: StatementsBody,
        response: { 200: StatementsResult, ...problems(401, 403, 409, 422) },
      },
    },
    async (request) => accounts.writeStatements(app.gateway, request.body.through),
  );
};

export default accountRoutes;
