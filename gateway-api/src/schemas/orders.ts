/** Order shapes; an order never leaves the gateway with another household's name on it. */
import { Type } from '@sinclair/typebox';
import { EnergyWh, Id, Instant, ListOf, PageQuery, Price, Side } from './common';

export const OrderStatus = Type.Union([
  Type.Literal('open'),
  Type.Literal('cancelled'),
  Type.Literal('accepted'),
  Type.Literal('rejected'),
]);

export const PlaceOrderBody = Type.Object(
  {
    side: Side,
    energyWh: EnergyWh,
    limitPrice: Type.Optional(Price),
    clientOrderId: Type.Optional(Type.String({ ...Id, description: 'idempotency key; the same key returns the same order' })),
  },
  { additionalProperties: false },
);

export const AmendOrderBody = Type.Object(
  {
    energyWh: Type.Optional(EnergyWh),
    limitPrice: Type.Optional(Price),
    expectedRevision: Type.Optional(Type.Integer({ minimum: 1, description: 'refuse with 409 unless the order is at this revision' })),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ ...Id, description: 'same as body clientOrderId' })),
});

export const Order = Type.Object({
  id: Type.String(),
  marketId: Type.String(),
  participantId: Type.String(),
  side: Side,
  energyWh: Type.Integer(),
  limitPrice: Price,
  limitGiven: Type.Optional(Type.Boolean({ description: 'false when the tariff default applies' })),
  clientOrderId: Type.Optional(Type.String()),
  status: OrderStatus,
  cancelledBy: Type.Optional(Type.String({ description: '"owner" or "market"' })),
  revision: Type.Integer(),
  createdAt: Instant,
  updatedAt: Instant,
});
export const OrderList = ListOf(Order);

export const OrderParams = Type.Object({ id: Id, orderId: Id });
export const OrderListQuery = Type.Object(PageQuery, { additionalProperties: false });
