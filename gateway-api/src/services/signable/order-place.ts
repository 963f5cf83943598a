/** `order.place`: POST /v1/markets/{marketId}/orders, signed by the household. */
import type { Order as LedgerOrder } from '@ecch/chaincode';
import { Type } from '@sinclair/typebox';
import { Id } from '../../schemas/common';
import { Order, PlaceOrderBody } from '../../schemas/orders';
import type { PlaceInput } from '../orders';
import { defineAction } from './action';

export const orderPlace = defineAction({
  name: 'order.place',
  kind: 'transaction',
  summary: 'place an order: {marketId, side, energyWh, limitPrice?, clientOrderId?}, as POST /v1/markets/{marketId}/orders',
  params: Type.Object({ marketId: Id, ...PlaceOrderBody.properties }, { additionalProperties: false }),
  result: Order,
  contract: 'orders',
  transaction: 'Place',
  args: ({ marketId, side, energyWh, limitPrice, clientOrderId }) => {
    const input: PlaceInput = { side, energyWh };
    if (limitPrice !== undefined) input.limitPrice = limitPrice;
    if (clientOrderId !== undefined) input.clientOrderId = clientOrderId;
    return [marketId, JSON.stringify(input)];
  },
  view: (result) => (JSON.parse(result) as { order: LedgerOrder }).order,
});
