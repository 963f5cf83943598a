/**
 * Composite keys, one record per key. No key is written by more than one
 * household's transactions, so concurrent households never conflict (MVCC):
 * a household writes only its own order, active-order, client-id and index keys;
 * the NA writes markets, results and settlement entries.
 */
export const KEY = {
  participant: 'ecch.participant', // [participantId] → Participant
  identity: 'ecch.identity', // [identityKey] → { participantId }
  market: 'ecch.market', // [marketId] → Market
  order: 'ecch.order', // [marketId, orderId] → Order
  active: 'ecch.active', // [marketId, participantId] → { orderId }: one active order each
  clientOrder: 'ecch.client', // [marketId, participantId, clientOrderId] → { orderId }
  participantOrder: 'ecch.porder', // [participantId, marketId, orderId] → { } (index)
  result: 'ecch.result', // [marketId] → MarketResult
  entry: 'ecch.entry', // [participantId, marketId, orderId] → SettlementEntry
} as const;

export type KeyType = (typeof KEY)[keyof typeof KEY];
