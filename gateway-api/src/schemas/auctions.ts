/** English auctions (mechanisms.md §5; api.md "Auctions"): bodies and what the ledger answers. */
import { Type } from '@sinclair/typebox';
import { Id, Instant, instant, ListOf, Money, PageQuery, Price } from './common';

export const AuctionStatus = Type.Union([Type.Literal('pending'), Type.Literal('open'), Type.Literal('settled'), Type.Literal('cancelled'), Type.Literal('rejected')]);

const auctionFields = {
  lotWh: Type.Integer({ minimum: 1, maximum: 10_000_000, description: 'the lot, Wh' }),
  reservePrice: Type.Integer({ minimum: 0, maximum: 1_000_000_000, description: 'µ/kWh: no bid below it; the level with one bidder' }),
  increment: Type.Integer({ minimum: 1, maximum: 1_000_000_000, description: 'µ/kWh: the least raise, and how far the level beats the runner-up' }),
  startAt: instant('bids from here (may be past: the auction takes bids at once)'),
  endAt: instant('bids until before here; the close from here on; after startAt'),
  deliveryStart: instant('when the lot is delivered; not before endAt'),
};

/** POST /v1/auctions (the NA, RS1). */
export const AuctionBody = Type.Object(
  {
    id: Type.Optional(Type.String({ ...Id, description: 'optional; the ledger derives one from the transaction when absent' })),
    owner: Type.String({ ...Id, description: 'an approved participant (storage, generator, prosumer) or "grid"' }),
    ...auctionFields,
  },
  { additionalProperties: false },
);

/** POST /v1/auction-requests (a household, RS2): the same body, for its own energy. */
export const AuctionRequestBody = Type.Object(
  {
    id: Type.Optional(Type.String({ ...Id, description: 'optional; the ledger derives one when absent' })),
    owner: Type.Optional(Type.String({ ...Id, description: 'the requesting household itself (the default)' })),
    ...auctionFields,
  },
  { additionalProperties: false },
);

export const Auction = Type.Object({
  id: Type.String(),
  owner: Type.String(),
  lotWh: Type.Integer(),
  reservePrice: Price,
  increment: Type.Integer(),
  startAt: Instant,
  endAt: Instant,
  deliveryStart: Instant,
  status: AuctionStatus,
  origin: Type.Union([Type.Literal('na'), Type.Literal('request'), Type.Literal('schedule')], { description: 'RS1 (na), RS2 (request) or RS3 (schedule)' }),
  scheduleId: Type.Optional(Type.String()),
  level: Type.Union([Price, Type.Null()], { description: 'µ/kWh the leader would pay now (after the close: the price it sold at); null without a bid' }),
  bidCount: Type.Integer({ minimum: 0, description: 'bids accepted (every raise counts)' }),
  leader: Type.Optional(Type.String({ description: 'shown to the NA and to the leader itself only' })),
  disqualified: Type.Optional(Type.Array(Type.String(), { description: 'the NA only' })),
  createdAt: Instant,
  approvedAt: Type.Optional(Instant),
  rejectedAt: Type.Optional(Instant),
  cancelledAt: Type.Optional(Instant),
  cancelledBy: Type.Optional(Type.String({ description: '"na" or the owner\'s id' })),
  settledAt: Type.Optional(Instant),
});
export const AuctionList = ListOf(Auction);
export const AuctionListQuery = Type.Object({ status: Type.Optional(AuctionStatus), ...PageQuery }, { additionalProperties: false });

export const BidBody = Type.Object(
  {
    maxPrice: Type.Integer({ minimum: 0, maximum: 1_000_000_000, description: 'µ/kWh: the most the bidder pays (proxy bidding)' }),
    clientBidId: Type.Optional(Type.String({ ...Id, description: 'idempotency key; the same key and body return the same bid (200)' })),
  },
  { additionalProperties: false },
);

export const Bid = Type.Object({
  id: Type.String(),
  auctionId: Type.String(),
  bidderId: Type.String(),
  maxPrice: Price,
  clientBidId: Type.Optional(Type.String()),
  at: Instant,
  ts: Type.String({ description: 'the transaction timestamp as the ledger recorded it: <seconds>.<nanoseconds>, fixed width' }),
  txId: Type.String(),
  status: Type.Optional(
    Type.Union([Type.Literal('active'), Type.Literal('superseded'), Type.Literal('void'), Type.Literal('disqualified'), Type.Literal('won'), Type.Literal('lost')], {
      description: 'in lists: its bidder\'s latest counts (active); earlier ones are superseded; void when the auction was cancelled',
    }),
  ),
});
export const BidList = Type.Object({ items: Type.Array(Bid) });

export const DisqualifyBody = Type.Object({ participantId: Id }, { additionalProperties: false });

export const AuctionResult = Type.Object({
  auctionId: Type.String(),
  winner: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'shown to the NA and the parties (winner, owner) only; null without a sale' })),
  level: Type.Union([Price, Type.Null()]),
  amount: Money,
  bids: Type.Integer({ minimum: 0, description: 'bids accepted (every raise counts)' }),
  bidders: Type.Integer({ minimum: 0, description: 'bidders whose bids counted at the close' }),
  closedAt: Instant,
});
