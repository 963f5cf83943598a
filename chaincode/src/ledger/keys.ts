/**
 * State keys, one record per key. No key is written by more than one
 * household's transactions, so concurrent households never conflict (MVCC):
 * a household writes only its own order, active-order, client-id and index keys;
 * the NA writes markets, their indexes, results, settlement entries and statements.
 *
 * Composite keys allow only prefix queries; the settlement entries are simple keys
 * (see entryKey) so a statement can sum a range of days.
 */
export const KEY = {
  participant: 'ecch.participant', // [participantId] → Participant
  participantStatus: 'ecch.pstatus', // [status, participantId] → {} (index)
  identity: 'ecch.identity', // [identityKey] → { participantId, status, publicKey? } (tx.ts IdentityBinding: the caller in one read)
  market: 'ecch.market', // [marketId] → Market
  marketTime: 'ecch.mtime', // [newestFirst(deliveryStart), marketId] → {} (index, newest first)
  marketStatus: 'ecch.mstatus', // [status, newestFirst(deliveryStart), marketId] → {} (index)
  marketDay: 'ecch.mday', // [YYYY-MM-DD, deliveryStart, marketId] → { start, end } (non-cancelled markets, for overlap)
  order: 'ecch.order', // [marketId, orderId] → Order (as placed or amended; its outcome is in the entry)
  active: 'ecch.active', // [marketId, participantId] → { orderId, order, digest? } (orders.ts ActiveRecord): one active order each; what a clearing reads
  clientOrder: 'ecch.client', // [marketId, participantId, clientOrderId] → { orderId, digest }: written when its order is cancelled (the active record holds it before)
  participantOrder: 'ecch.porder', // [participantId, marketId, orderId] → { marketId, orderId } (index)
  result: 'ecch.result', // [marketId] → MarketResult without allocations (they are the entries)
  statement: 'ecch.stmt', // [accountId] → Statement: the balance through a day
  books: 'ecch.books', // [] → { closedThrough }: the last day covered by statements
  schedule: 'ecch.schedule', // [scheduleId] → Schedule (the market clock, mechanisms.md §6)
  stepFailure: 'ecch.sfail', // [scheduleId, marketId, step] → the clock's last report of a failed step
  // English auctions (mechanisms.md §5): the NA (or the owner) writes the auction and its indexes and result;
  // a bidder writes only its own bid and client-id keys, so two bidders' transactions never touch one key.
  auction: 'ecch.auction', // [auctionId] → Auction
  auctionTime: 'ecch.atime', // [newestFirst(deliveryStart), auctionId] → {} (index, newest first)
  auctionStatus: 'ecch.astatus', // [status, newestFirst(deliveryStart), auctionId] → {} (index)
  auctionResult: 'ecch.aresult', // [auctionId] → AuctionResult (written by the close)
  bid: 'ecch.bid', // [auctionId, bidderId, sortable tx time, txId] → Bid (one key per bid)
  clientBid: 'ecch.cbid', // [auctionId, bidderId, clientBidId] → { bidKey parts, digest }
  // Metered delivery (mechanisms.md §7): the NA writes meters; a reading writes only keys of its own meter.
  meter: 'ecch.meter', // [meterId] → Meter (replaced ones stay, marked replaced)
  participantMeter: 'ecch.pmeter', // [participantId] → { meterId }: the one active meter
  meterKey: 'ecch.meterkey', // [hex SHA-256 of the SPKI] → { meterId }: one key, one meter
  reading: 'ecch.reading', // [meterId, intervalStart (ms ISO)] → StoredReading
  readingConflict: 'ecch.rconflict', // [meterId, intervalStart, digest] → ReadingConflict (evidence)
  reconciliation: 'ecch.recon', // [marketId] → Reconciliation
} as const;

export type KeyType = (typeof KEY)[keyof typeof KEY];

/** Simple-key prefix of settlement entries: `ecch.entry~<account>~<day>~<market>~<order>`. */
export const ENTRY_PREFIX = 'ecch.entry~';
/** Sorts after every id character ([A-Za-z0-9._-]) and digit, so `<prefix>~` bounds a range. */
export const ENTRY_SEP = '~';

export function entryAccountPrefix(accountId: string): string {
  return `${ENTRY_PREFIX}${accountId}${ENTRY_SEP}`;
}

export function entryKey(accountId: string, day: string, marketId: string, orderId: string): string {
  return `${entryAccountPrefix(accountId)}${day}${ENTRY_SEP}${marketId}${ENTRY_SEP}${orderId}`;
}

/** The first key after every entry of `accountId` dated `day` or earlier. */
export function entryAfterDay(accountId: string, day: string): string {
  return `${entryAccountPrefix(accountId)}${day}${ENTRY_SEP}${ENTRY_SEP}`;
}

/** Exclusive upper bound of an account's entries. */
export function entryAccountEnd(accountId: string): string {
  return `${entryAccountPrefix(accountId)}${ENTRY_SEP}`;
}

/**
 * Simple-key prefix of the spans of active schedules, newest start first:
 * `ecch.sspan~<newestFirst(start)>~<scheduleId>` → { start, end }. Active schedules
 * never overlap, so the one that could overlap a new span is the first key after
 * every span starting at or after its end (one read; see schedule-contract.ts).
 */
export const SCHEDULE_SPAN_PREFIX = 'ecch.sspan~';

export function scheduleSpanKey(start: string, scheduleId: string): string {
  return `${SCHEDULE_SPAN_PREFIX}${newestFirst(start)}${ENTRY_SEP}${scheduleId}`;
}

const NEWEST_FIRST_BASE = 10_000_000_000_000; // ms; beyond year 2286

/** A fixed-width key part that sorts the latest instant first. */
export function newestFirst(iso: string): string {
  return String(NEWEST_FIRST_BASE - Date.parse(iso)).padStart(14, '0');
}
