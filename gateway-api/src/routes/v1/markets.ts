/** Markets: the NA's lifecycle (create, open, gate-close, clear, close, cancel) and everyone's reads. */
import type { RoutesPlugin } from '../../type-provider';
import { principalOf } from '../../plugins/app/auth';
import { IdParams, problems } from '../../schemas/common';
import { CloseResponse, Market, MarketBody, MarketList, MarketListQuery, OrderBook, Result } from '../../schemas/markets';
import * as markets from '../../services/markets';

const tags = ['markets'];

const marketRoutes: RoutesPlugin = async (app) => {
  app.post(
    '/markets',
    {
      config: { access: 'na' },
      schema: { tags, summary: 'Create a market (scheduled)', body: MarketBody, response: { 201: Market, ...problems(401, 403, 409, 422) } },
    },
    async (request, reply) => {
      const market = await markets.create(app.gateway, request.body);
      return reply.status(201).header('location', `/v1/markets/${market.id}`).send(market);
    },
  );

  for (const [action, tx] of [
    ['open', 'Open'],
    ['cancel', 'Cancel'],
  ] as const) {
    app.post(
      `/markets/:id/${action}`,
      {
        config: { access: 'na' },
        schema: { tags, summary: `${action === 'open' ? 'Open' : 'Cancel'} a market`, params: IdParams, response: { 200: Market, ...problems(401, 403, 404, 409) } },
      },
      async (request) => markets.transition(app.gateway, request.params.id, tx),
    );
  }

  app.post(
    '/markets/:id/gate-close',
    {
      config: { access: 'na' },
      schema: {
        tags,
        summary: 'Gate closure (open → closed): from here on no order is placed, amended or cancelled',
        params: IdParams,
        response: { 200: Market, ...problems(404, 409) },
      },
    },
    async (request) => markets.gateClose(app.gateway, request.params.id),
  );

  app.post(
    '/markets/:id/clear',
    {
      config: { access: 'na' },
      schema: {
        tags,
        summary: 'Clearing and settlement (closed → settled) in one ledger transaction',
        params: IdParams,
        response: { 200: CloseResponse, ...problems(404, 409, 422) },
      },
    },
    async (request) => markets.clear(app.gateway, request.params.id),
  );

  app.post(
    '/markets/:id/close',
    {
      config: { access: 'na' },
      schema: {
        tags,
        summary: 'Close: gate closure (if the market is open), then clearing and settlement; two ledger transactions',
        description:
          'A market whose gate is already closed is only cleared, so a close that stopped between its two transactions is finished by calling it again.',
        params: IdParams,
        response: { 200: CloseResponse, ...problems(404, 409, 422) },
      },
    },
    async (request) => markets.close(app.gateway, request.params.id),
  );

  app.get(
    '/markets',
    {
      config: { access: 'any' },
      schema: { tags, summary: 'Markets, newest delivery first', querystring: MarketListQuery, response: { 200: MarketList, ...problems(401, 403) } },
    },
    async (request) => {
      const { status, ...page } = request.query;
      return markets.list(app.gateway, principalOf(request), status, page);
    },
  );

  app.get(
    '/markets/:id',
    { config: { access: 'any' }, schema: { tags, summary: 'A market', params: IdParams, response: { 200: Market, ...problems(401, 403, 404) } } },
    async (request) => markets.get(app.gateway, principalOf(request), request.params.id),
  );

  app.get(
    '/markets/:id/result',
    {
      config: { access: 'any' },
      schema: { tags, summary: 'The clearing result (409 before close)', params: IdParams, response: { 200: Result, ...problems(401, 403, 404, 409) } },
    },
    async (request) => markets.result(app.gateway, principalOf(request), request.params.id),
  );

  app.get(
    '/markets/:id/orderbook',
    {
      config: { access: 'any' },
      schema: {
        tags,
        summary: 'Aggregated depth per side and price level; never names an owner',
        params: IdParams,
        response: { 200: OrderBook, ...problems(401, 403, 404) },
      },
    },
    async (request) => markets.orderBook(app.gateway, principalOf(request), request.params.id),
  );
};

export default marketRoutes;
