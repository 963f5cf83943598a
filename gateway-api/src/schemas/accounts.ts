/** Accounts: a balance is the sum of its settlement entries (market-rules.md §7). */
import { Type } from '@sinclair/typebox';
import { Instant, Money, PageQuery, Bookmark } from './common';

export const SettlementEntry = Type.Object({
  marketId: Type.String(),
  participantId: Type.String(),
  orderId: Type.Optional(Type.String({ description: '"" for the grid\'s balancing entry' })),
  side: Type.Optional(Type.String({ description: '"buy", "sell", or "grid"' })),
  internalWh: Type.Integer(),
  gridWh: Type.Integer(),
  price: Type.Integer({ description: 'the community price P applied to internal energy (µ/kWh)' }),
  amount: Money,
  at: Instant,
});

export const Account = Type.Object({
  participantId: Type.String(),
  balance: Money,
  entries: Type.Array(SettlementEntry),
  bookmark: Bookmark,
});

export const AccountQuery = Type.Object(PageQuery, { additionalProperties: false });
