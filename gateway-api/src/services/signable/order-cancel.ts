/** `order.cancel`: DELETE /v1/markets/{marketId}/orders/{orderId}, signed by the household. */
import type { Order as LedgerOrder } from '@ecch/chaincode';
import { Type } from '@sinclair/typebox';
import { Id } from '../../schemas/common';
import { Order } from '../../schemas/orders';
import { defineAction } from './action';

export const orderCancel = defineAction({
  name: 'order.cancel',
  kind: 'transaction',
  summary: 'cancel one\'s open order: {marketId, orderId}, as DELETE /v1/markets/{marketId}/orders/{orderId}',
  params: Type.Object({ marketId: Id, orderId: Id }, { additionalProperties: false }),
  result: Order,
  contract: 'orders',
  transaction: 'Cancel',
  args: ({ marketId, orderId }) => [marketId, orderId],
  view: (result) => JSON.parse(result) as LedgerOrder,
});
