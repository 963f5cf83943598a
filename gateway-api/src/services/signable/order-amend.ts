/** `order.amend`: PATCH /v1/markets/{marketId}/orders/{orderId}, signed by the household. */
import type { Order as LedgerOrder } from '@ecch/chaincode';
import { Type } from '@sinclair/typebox';
import { Id } from '../../schemas/common';
import { AmendOrderBody, Order } from '../../schemas/orders';
import type { AmendInput } from '../orders';
import { defineAction } from './action';

export const orderAmend = defineAction({
  name: 'order.amend',
  kind: 'transaction',
  summary: 'amend one\'s open order: {marketId, orderId, energyWh?, limitPrice?, expectedRevision?} (at least one of the last three), as PATCH /v1/markets/{marketId}/orders/{orderId}',
  // The custodial body's "at least one field", plus the two ids.
  params: Type.Object({ marketId: Id, orderId: Id, ...AmendOrderBody.properties }, { additionalProperties: false, minProperties: 3 }),
  result: Order,
  contract: 'orders',
  transaction: 'Amend',
  args: ({ marketId, orderId, ...changes }) => {
    const input: AmendInput = changes;
    return [marketId, orderId, JSON.stringify(input)];
  },
  view: (result) => JSON.parse(result) as LedgerOrder,
});
