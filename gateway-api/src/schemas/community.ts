/** The public community view's snapshot (services/community.ts says what is safe to show and why). */
import { Type } from '@sinclair/typebox';
import { MarketStatus } from './markets';

const NullablePrice = Type.Union([Type.Integer(), Type.Null()]);

const Figures = Type.Object(
  {
    marketId: Type.String(),
    internalPrice: NullablePrice,
    sellPrice: NullablePrice,
    buyPrice: NullablePrice,
    internalWh: Type.Integer({ description: 'P2P volume: energy traded inside the community (Wh)' }),
    gridImportWh: Type.Integer(),
    gridExportWh: Type.Integer(),
  },
  { description: "a cleared market's headline figures, as its result shows them (prices µ/kWh)" },
);

export const CommunitySnapshot = Type.Object(
  {
    market: Type.Union([
      Type.Object({
        id: Type.String(),
        status: MarketStatus,
        deliveryStart: Type.String(),
        durationMinutes: Type.Integer(),
        mechanism: Type.String(),
        gridBuyPrice: Type.Integer(),
        gridSellPrice: Type.Integer(),
      }),
      Type.Null(),
    ], { description: 'the market the homes are coloured by: the open one with the earliest delivery, else the latest cleared' }),
    positions: Type.String({
      pattern: '^[sb-]*$',
      description: "one letter per approved participant, ordered by participant id: 's' selling, 'b' buying, '-' idle; no ids, names or amounts",
    }),
    counts: Type.Object({ selling: Type.Integer(), buying: Type.Integer(), idle: Type.Integer() }),
    book: Type.Union([
      Type.Object({ sellWh: Type.Integer(), buyWh: Type.Integer(), sellOrders: Type.Integer(), buyOrders: Type.Integer() }),
      Type.Null(),
    ], { description: "the open market's order book totals (as GET /v1/markets/{id}/orderbook, without the levels)" }),
    result: Type.Union([Figures, Type.Null()], { description: "the current market's result once cleared" }),
    lastResult: Type.Union([Figures, Type.Null()], { description: 'the latest cleared market (the last hour\'s prices and P2P volume)' }),
  },
  { additionalProperties: false },
);

/** One event of GET /v1/community/events (OpenAPI 3.0 has no schema for a stream's items). */
export const CommunityStreamEvent = Type.Object(
  {
    event: Type.Optional(Type.Literal('snapshot')),
    data: Type.Optional(Type.String({ description: 'a CommunitySnapshot as one line of JSON' })),
    retry: Type.Optional(Type.Integer({ description: 'reconnection delay in ms' })),
  },
  { additionalProperties: false, description: 'one server-sent event; the response is an endless sequence of them' },
);
