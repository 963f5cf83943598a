/** Market, result and order-book shapes (api.md "Shapes"; units of market-rules.md §1). */
import { Type } from '@sinclair/typebox';
import { EnergyWh, Id, Instant, instant, ListOf, Money, PageQuery, Price, Side } from './common';

export const MarketStatus = Type.Union([
  Type.Literal('scheduled'),
  Type.Literal('open'),
  Type.Literal('closed'),
  Type.Literal('settled'),
  Type.Literal('reconciled'),
  Type.Literal('cancelled'),
]);

/** How a market clears: market-rules §5 for sdr, mechanisms.md §2–§4 for the others. */
const mechanism = (options: { default?: string } = {}) =>
  Type.Union([Type.Literal('sdr'), Type.Literal('mmr'), Type.Literal('uniform'), Type.Literal('pay-as-bid')], {
    description: 'sdr (Supply-Demand Ratio, the default), mmr (mid-market rate), uniform (pay-as-clear double auction) or pay-as-bid (each match at the buyer\'s limit)',
    ...options,
  });
export const Mechanism = mechanism();

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
    mechanism: Type.Optional(mechanism({ default: 'sdr' })),
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
  internalPrice: Type.Union([Type.Integer(), Type.Null()], {
    description: 'the price of every internally traded kWh (µ/kWh); for SDR always Ps; null for pay-as-bid and when nothing traded internally',
  }),
  sellPrice: Type.Union([Type.Integer(), Type.Null()], {
    description: 'SDR: Ps (µ/kWh), the community price; other mechanisms: the accepted sellers\' average µ/kWh, null without an accepted seller',
  }),
  buyPrice: Type.Union([Type.Integer(), Type.Null()], {
    description: 'SDR: Pb (µ/kWh), the buyers\' average price; other mechanisms: the accepted buyers\' average µ/kWh, null without an accepted buyer',
  }),
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
