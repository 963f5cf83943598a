/** `order.get`: GET /v1/markets/{marketId}/orders/{orderId}, as a query the household signs. */
import type { Order as LedgerOrder } from '@ecch/chaincode';
import { Type } from '@sinclair/typebox';
import { Id } from '../../schemas/common';
import { Order } from '../../schemas/orders';
import { defineAction } from './action';

export const orderGet = defineAction({
  name: 'order.get',
  kind: 'query',
  summary: 'read one\'s own order: {marketId, orderId}, as GET /v1/markets/{marketId}/orders/{orderId} (a query: POST …/evaluation)',
  params: Type.Object({ marketId: Id, orderId: Id }, { additionalProperties: false }),
  result: Order,
  contract: 'orders',
  transaction: 'Get',
  // The chaincode answers only the order's owner (FORBIDDEN otherwise), whoever relays it.
  args: ({ marketId, orderId }) => [marketId, orderId],
  view: (result) => JSON.parse(result) as LedgerOrder,
});
