/** Market, result and order-book shapes (api.md "Shapes"; units of market-rules.md §1). */
import { Type } from '@sinclair/typebox';
import { EnergyWh, Id, Instant, instant, ListOf, Money, PageQuery, Price, Side } from './common';

export const MarketStatus = Type.Union([
  Type.Literal('scheduled'),
  Type.Literal('open'),
  Type.Literal('closed'),
  Type.Literal('settled'),
  Type.Literal('cancelled'),
]);

export const MarketBody = Type.Object(
  {
    id: Type.Optional(Id),
    deliveryStart: Instant,
    durationMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 1440, default: 60 })),
    readingWindowMinutes: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 10080, default: 60, description: 'how long after delivery meter readings are accepted (at most a week)' }),
    ),
    gridBuyPrice: Price,
    gridSellPrice: Price,
    mechanism: Type.Optional(Type.Literal('sdr', { default: 'sdr' })),
    maxOrderWh: Type.Optional(Type.Integer({ minimum: 1, description: 'per-order energy cap in Wh (default 1,000,000)' })),
  },
  { additionalProperties: false },
);

export const Market = Type.Object({
  id: Type.String(),
  status: MarketStatus,
  deliveryStart: Instant,
  durationMinutes: Type.Integer(),
  readingWindowMinutes: Type.Integer({ minimum: 0 }),
  gridBuyPrice: Price,
  gridSellPrice: Price,
  mechanism: Type.String(),
  maxOrderWh: Type.Optional(Type.Integer()),
  createdAt: Type.Optional(Instant),
  openedAt: Type.Optional(Instant),
  closedAt: Type.Optional(instant('gate closure: no order changes from here on')),
  settledAt: Type.Optional(instant('clearing and settlement')),
  cancelledAt: Type.Optional(Instant),
});
export const MarketList = ListOf(Market);
export const MarketListQuery = Type.Object({ status: Type.Optional(MarketStatus), ...PageQuery }, { additionalProperties: false });

export const Allocation = Type.Object({
  orderId: Type.String(),
  participantId: Type.String(),
  side: Side,
  status: Type.Union([Type.Literal('accepted'), Type.Literal('rejected')]),
  energyWh: Type.Integer(),
  internalWh: Type.Integer(),
  gridWh: Type.Integer(),
  price: Type.Union([Price, Type.Null()], { description: 'average price per internal kWh (µ/kWh); null when the order traded nothing internally' }),
  amount: Money,
});

export const Result = Type.Object({
  marketId: Type.String(),
  mechanism: Type.String(),
  sdr: Type.Object({
    supplyWh: Type.Integer(),
    demandWh: Type.Integer(),
    ratio: Type.Union([Type.String({ description: 'TS/TD as a decimal with 6 places' }), Type.Null()]),
    fraction: Type.Optional(Type.Union([Type.String({ description: 'TS/TD in lowest terms' }), Type.Null()])),
  }),
  internalPrice: Type.Integer({ description: 'the price of every internally traded kWh (µ/kWh); for SDR, Ps' }),
  sellPrice: Type.Integer({ description: 'Ps (µ/kWh), the community price' }),
  buyPrice: Type.Integer({ description: 'Pb (µ/kWh), the buyers\' average price' }),
  rounds: Type.Optional(Type.Integer()),
  internalWh: Type.Integer(),
  gridImportWh: Type.Integer(),
  gridExportWh: Type.Integer(),
  allocations: Type.Array(Allocation),
  gridAmount: Money,
  closedAt: Type.Optional(Instant),
});

export const CloseResponse = Type.Object({ market: Market, result: Result });

const BookSide = Type.Object({
  totalWh: Type.Integer(),
  orders: Type.Integer(),
  levels: Type.Array(Type.Object({ price: Price, energyWh: EnergyWh, orders: Type.Integer() })),
});
export const OrderBook = Type.Object({
  marketId: Type.String(),
  status: Type.Optional(MarketStatus),
  buy: BookSide,
  sell: BookSide,
});
