/**
 * Accounts: a balance is its latest statement plus the settlement entries after it
 * (market-rules.md §7); entries are listed page by page.
 */
import { Type } from '@sinclair/typebox';
import { Instant, Money, PageQuery, Bookmark, Price } from './common';
import { DAY_PATTERN } from './formats';

export const SettlementEntry = Type.Object({
  kind: Type.Union([Type.Literal('market'), Type.Literal('auction'), Type.Literal('imbalance')], {
    description: 'what settled: a market\'s clearing, an auction\'s close, an imbalance',
  }),
  marketId: Type.Optional(Type.String()),
  auctionId: Type.Optional(Type.String()),
  role: Type.Optional(Type.Union([Type.Literal('winner'), Type.Literal('owner')], { description: 'an auction entry: the winner (pays) or the owner (receives)' })),
  participantId: Type.String(),
  orderId: Type.Optional(Type.String({ description: '"" for the grid\'s balancing entry' })),
  side: Type.Optional(Type.String({ description: '"buy", "sell", or "grid"' })),
  status: Type.Optional(Type.Union([Type.Literal('accepted'), Type.Literal('rejected')], { description: 'the order\'s outcome; absent on the grid\'s entry' })),
  energyWh: Type.Optional(Type.Integer({ description: 'the order\'s energy at clearing; absent on the grid\'s entry' })),
  internalWh: Type.Integer(),
  gridWh: Type.Integer(),
  price: Type.Union([Price, Type.Null()], {
    description: 'average price per internal kWh (µ/kWh), null when nothing traded internally; on the grid\'s entry the community price P',
  }),
  amount: Money,
  at: Instant,
  // An imbalance entry (mechanisms.md §7): gridWh is Δ, price S (Δ > 0) or B (Δ < 0), null for Δ = 0 and on the grid's entry.
  meterId: Type.Optional(Type.String({ description: 'an imbalance entry: the meter whose reading counted' })),
  scheduledWh: Type.Optional(Type.Integer({ description: 'an imbalance entry: X_s, the energy its order settled (+ sell, − buy)' })),
  meteredWh: Type.Optional(Type.Union([Type.Integer(), Type.Null()], { description: 'an imbalance entry: X_m = exportWh − importWh; null when estimated' })),
  estimated: Type.Optional(Type.Boolean({ description: 'an imbalance entry: no reading arrived, Δ counted as 0' })),
});

export const Statement = Type.Object(
  {
    through: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'the last day (UTC) whose entries it sums' }),
    balance: Money,
  },
  { description: 'the balance through a day, written by the ledger so a balance never re-reads all history' },
);

export const Account = Type.Object({
  participantId: Type.String(),
  balance: Money,
  entries: Type.Array(SettlementEntry),
  bookmark: Bookmark,
  statement: Type.Union([Statement, Type.Null()]),
});

export const AccountQuery = Type.Object(PageQuery, { additionalProperties: false });

export const StatementsBody = Type.Object(
  {
    through: Type.String({ format: 'date', pattern: DAY_PATTERN, description: 'the last day (UTC) the statements cover; a day before today' }),
  },
  { additionalProperties: false },
);

export const WrittenStatement = Type.Object({
  accountId: Type.String(),
  through: Type.String({ pattern: DAY_PATTERN }),
  balance: Money,
  entries: Type.Integer({ minimum: 0, description: 'how many entries the balance sums, over all statements' }),
  at: Instant,
});

export const StatementsResult = Type.Object({
  through: Type.String({ pattern: DAY_PATTERN }),
  statements: Type.Array(WrittenStatement, { description: 'the grid first, then every participant in id order' }),
});
