/** Schedules of the market clock (mechanisms.md §6; api.md "Schedules"). */
import { Type } from '@sinclair/typebox';
import { Id, Instant, instant, ListOf, PageQuery, Price } from './common';

export const ScheduleTariff = Type.Object({ gridBuyPrice: Price, gridSellPrice: Price }, { additionalProperties: false });

const TariffTable = Type.Union([ScheduleTariff, Type.Array(ScheduleTariff, { minItems: 24, maxItems: 24, description: '24 tariffs, index = UTC hour of deliveryStart' })], {
  description: 'one tariff for every interval ({gridBuyPrice, gridSellPrice}, 0 ≤ S < B), or a 24-entry hour-of-day table by the UTC hour of deliveryStart',
});

/** RS3: the lot each auction of a schedule of kind auction sells (mechanisms.md §5). */
export const AuctionTemplate = Type.Object(
  {
    owner: Type.String({ ...Id, description: 'an approved participant or "grid"' }),
    lotWh: Type.Integer({ minimum: 1, maximum: 10_000_000 }),
    reservePrice: Type.Integer({ minimum: 0, maximum: 1_000_000_000 }),
    increment: Type.Integer({ minimum: 1, maximum: 1_000_000_000 }),
  },
  { additionalProperties: false },
);

export const ScheduleBody = Type.Object(
  {
    id: Type.String({
      pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,48}$',
      description: "1-49 letters, digits, '.', '_' or '-': each interval's market is <id>-<YYYYMMDDTHHMMZ> of its deliveryStart",
      examples: ['day-0621'],
    }),
    kind: Type.Optional(
      Type.Union([Type.Literal('market'), Type.Literal('auction')], {
        description: 'market, or auction (RS3: an auction per interval, open from deliveryStart − openLeadMinutes until deliveryStart − gateClosureMinutes, closed then)',
        default: 'market',
      }),
    ),
    firstDeliveryStart: instant('the first interval\'s deliveryStart, a whole minute (RFC 3339 UTC)'),
    intervalMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 1440, default: 60, description: 'each market\'s durationMinutes; intervals follow each other' })),
    count: Type.Integer({ minimum: 1, maximum: 744, description: 'how many intervals (at most 744, a month of hours)' }),
    openLeadMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 10080, default: 60, description: 'each market opens this long before its deliveryStart' })),
    gateClosureMinutes: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 10079, default: 5, description: 'its gate closes (and it is cleared) this long before its deliveryStart; below openLeadMinutes' }),
    ),
    mechanism: Type.Optional(
      Type.Union([Type.Literal('sdr'), Type.Literal('mmr'), Type.Literal('uniform'), Type.Literal('pay-as-bid')], {
        default: 'sdr',
        description: 'how each market clears (mechanisms.md); markets:Create checks it again for every market',
      }),
    ),
    tariff: Type.Optional(TariffTable),
    auction: Type.Optional(AuctionTemplate),
  },
  { additionalProperties: false, description: 'kind market needs tariff; kind auction needs auction (and takes neither tariff nor mechanism)' },
);

export const Schedule = Type.Object({
  id: Type.String(),
  kind: Type.Union([Type.Literal('market'), Type.Literal('auction')]),
  status: Type.Union([Type.Literal('active'), Type.Literal('cancelled')]),
  firstDeliveryStart: Instant,
  intervalMinutes: Type.Integer(),
  count: Type.Integer(),
  openLeadMinutes: Type.Integer(),
  gateClosureMinutes: Type.Integer(),
  mechanism: Type.String(),
  tariff: Type.Optional(Type.Union([ScheduleTariff, Type.Array(ScheduleTariff)])),
  auction: Type.Optional(AuctionTemplate),
  createdAt: Instant,
  cancelledAt: Type.Optional(Instant),
});
export const ScheduleList = ListOf(Schedule);
/** GET /v1/schedules/{id}: the schedule and each interval's state. */
export const ScheduleWithIntervals = Type.Intersect([
  Schedule,
  Type.Object({
    intervals: Type.Array(
      Type.Object({
        marketId: Type.Optional(Type.String()),
        auctionId: Type.Optional(Type.String({ description: 'kind auction: the interval\'s auction' })),
        deliveryStart: Instant,
        status: Type.String({ description: 'its market\'s status (scheduled, open, closed, settled, cancelled, ...), or pending before the clock creates it' }),
      }),
    ),
  }),
]);
export const ScheduleListQuery = Type.Object({ ...PageQuery }, { additionalProperties: false });
export const ScheduleParams = Type.Object({ id: Id });
