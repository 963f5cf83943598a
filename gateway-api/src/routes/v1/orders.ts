/**
 * A household's orders. Each call is signed with the household's own identity, so
 * the ledger refuses a household touching another's order (403 from its FORBIDDEN).
 */
import type { RoutesPlugin } from '../../type-provider';
import { principalOf } from '../../plugins/app/auth';
import { badRequest } from '../../errors/api-error';
import { IdParams, problems } from '../../schemas/common';
import { AmendOrderBody, IdempotencyHeaders, Order, OrderList, OrderListQuery, OrderParams, PlaceOrderBody } from '../../schemas/orders';
import * as orders from '../../services/orders';

const tags = ['orders'];

/** The idempotency key may come as a header or as body clientOrderId; both at once must agree. */
function clientOrderIdOf(header: string | undefined, body: string | undefined): string | undefined {
  if (header !== undefined && body !== undefined && header !== body) {
    throw badRequest('Idempotency-Key and clientOrderId differ', [
      { path: '/headers/idempotency-key', message: 'must equal body clientOrderId when both are sent' },
    ]);
  }
  return header ?? body;
}

const orderRoutes: RoutesPlugin = async (app) => {
  app.post(
    '/markets/:id/orders',
    {
      config: { access: 'household' },
      schema: {
        tags,
        summary: 'Place an order (201); a retry with the same Idempotency-Key/clientOrderId returns the same order (200)',
        params: IdParams,
        headers: IdempotencyHeaders,
        body: PlaceOrderBody,
        response: { 200: Order, 201: Order, ...problems(401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const clientOrderId = clientOrderIdOf(request.headers['idempotency-key'], request.body.clientOrderId);
      const input: orders.PlaceInput = { side: request.body.side, energyWh: request.body.energyWh };
      if (request.body.limitPrice !== undefined) input.limitPrice = request.body.limitPrice;
      if (clientOrderId !== undefined) input.clientOrderId = clientOrderId;
      const { order, created } = await orders.place(app.gateway, principalOf(request), request.params.id, input);
      return reply
        .status(created ? 201 : 200)
        .header('location', `/v1/markets/${order.marketId}/orders/${order.id}`)
        .send(order);
    },
  );

  app.patch(
    '/markets/:id/orders/:orderId',
    {
      config: { access: 'household' },
      schema: {
        tags,
        summary: 'Amend one\'s open order (revision + 1)',
        params: OrderParams,
        body: AmendOrderBody,
        response: { 200: Order, ...problems(401, 403, 404, 409, 422) },
      },
    },
    async (request) => orders.amend(app.gateway, principalOf(request), request.params.id, request.params.orderId, request.body),
  );

  app.delete(
    '/markets/:id/orders/:orderId',
    {
      config: { access: 'household' },
      schema: { tags, summary: 'Cancel one\'s open order', params: OrderParams, response: { 200: Order, ...problems(401, 403, 404, 409) } },
    },
    async (request) => orders.cancel(app.gateway, principalOf(request), request.params.id, request.params.orderId),
  );

  app.get(
    '/markets/:id/orders',
    {
      config: { access: 'any' },
      schema: {
        tags,
        summary: 'Orders of a market: a household\'s own, or all for the NA',
        params: IdParams,
        querystring: OrderListQuery,
        response: { 200: OrderList, ...problems(401, 403, 404) },
      },
    },
    async (request) => orders.list(app.gateway, principalOf(request), request.params.id, request.query),
  );

  app.get(
    '/markets/:id/orders/:orderId',
    {
      config: { access: 'any' },
      schema: { tags, summary: 'One order (its owner or the NA)', params: OrderParams, response: { 200: Order, ...problems(401, 403, 404) } },
    },
    async (request) => orders.get(app.gateway, principalOf(request), request.params.id, request.params.orderId),
  );
};

export default orderRoutes;
