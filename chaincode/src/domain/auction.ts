/**
 * English auctions (mechanisms.md §5): one lot of energy sold to one buyer by proxy
 * bidding. Pure functions of the auction and its bids only (no Fabric import), so the
 * contract, every gateway and the tests derive the same level and leader.
 *
 * The level is computed from every bidder's latest bid when it is read, never kept as
 * a running value: a running value would be one key every bid writes, and concurrent
 * bids would conflict on it (seed 003's lost bids).
 */

export const AUCTION_STATUSES = ['pending', 'open', 'settled', 'cancelled', 'rejected'] as const;
export type AuctionStatus = (typeof AUCTION_STATUSES)[number];

/** The lot's bounds (Wh) and the largest price the ledger takes (µ/kWh, as markets). */
export const MAX_LOT_WH = 10_000_000;
export const MAX_AUCTION_PRICE = 1_000_000_000;

export interface Auction {
  id: string;
  /** An approved participant's id, or `grid`. */
  owner: string;
  lotWh: number;
  /** µ/kWh: no bid below it; the level with a single bidder. */
  reservePrice: number;
  /** µ/kWh: a raise is at least this much, and the level beats the runner-up by it. */
  increment: number;
  /** Bids are accepted while startAt ≤ tx time < endAt (and the status is open). */
  startAt: string;
  endAt: string;
  deliveryStart: string;
  status: AuctionStatus;
  /** RS1 (the NA), RS2 (a participant's request the NA approved), RS3 (a schedule of the market clock). */
  origin: 'na' | 'request' | 'schedule';
  /** The schedule that created it (RS3): the only auctions the clock closes. */
  scheduleId?: string;
  /** Bidders the NA removed after endAt (their bids no longer count). */
  disqualified: string[];
  createdAt: string;
  approvedAt?: string;
  rejectedAt?: string;
  cancelledAt?: string;
  cancelledBy?: string;
  settledAt?: string;
}

export interface Bid {
  id: string;
  auctionId: string;
  bidderId: string;
  /** µ/kWh: the most the bidder pays (proxy bidding). */
  maxPrice: number;
  clientBidId?: string;
  /** RFC 3339 (milliseconds) of the transaction that placed it. */
  at: string;
  /** The tx timestamp as the ledger recorded it, with its nanoseconds, fixed width so it sorts: `<seconds 12>.<nanos 9>`. */
  ts: string;
  txId: string;
}

/** What the close settled: the winner and the level, or no sale. */
export interface AuctionResult {
  auctionId: string;
  winner: string | null;
  /** µ/kWh the lot sold at; null without a sale. */
  level: number | null;
  /** µ the winner paid and the owner received (0 without a sale). */
  amount: number;
  /** Bids the auction accepted (every raise counts), disqualified bidders' included. */
  bids: number;
  /** Bidders whose bids counted at the close. */
  bidders: number;
  closedAt: string;
}

/** An auction as a viewer sees it: level and bid count for everyone; the leader only for the NA and the leader itself. */
export type AuctionView = Omit<Auction, 'disqualified'> & { disqualified?: string[]; level: number | null; bidCount: number; leader?: string };

/** A bid with what became of it: its bidder's latest counts (`active`), earlier ones are `superseded`. */
export type BidView = Bid & { status: 'active' | 'superseded' | 'void' | 'disqualified' | 'won' | 'lost' };

export interface Standing {
  level: number | null;
  leader: string | null;
}

/** Earlier first: the timestamp with nanoseconds, then the tx id. */
export function earlier(a: Pick<Bid, 'ts' | 'txId'>, b: Pick<Bid, 'ts' | 'txId'>): number {
  if (a.ts !== b.ts) return a.ts < b.ts ? -1 : 1;
  return a.txId < b.txId ? -1 : a.txId > b.txId ? 1 : 0;
}

/**
 * Each bidder's latest bid (it supersedes the earlier ones), except the excluded
 * bidders'. A raise is accepted only at least one increment above the bidder's
 * previous maxPrice, so the latest is its highest: that needs no timestamp, which two
 * quick bids of one client may share.
 */
export function latestBids(bids: readonly Bid[], excluded: readonly string[] = []): Bid[] {
  const latest = new Map<string, Bid>();
  for (const b of bids) {
    if (excluded.includes(b.bidderId)) continue;
    const seen = latest.get(b.bidderId);
    if (!seen || b.maxPrice > seen.maxPrice) latest.set(b.bidderId, b);
  }
  return [...latest.values()];
}

/** maxPrice descending, then the earlier bid first. */
export function ranked(bids: readonly Bid[]): Bid[] {
  return [...bids].sort((a, b) => (a.maxPrice !== b.maxPrice ? b.maxPrice - a.maxPrice : earlier(a, b)));
}

/**
 * The level and leader (§5): no bid, none; one bidder, the reserve; otherwise
 * min(first.maxPrice, second.maxPrice + increment), never below the reserve.
 */
export function standing(auction: Pick<Auction, 'reservePrice' | 'increment'>, bids: readonly Bid[], excluded: readonly string[] = []): Standing {
  const order = ranked(latestBids(bids, excluded));
  const [first, second] = order;
  if (!first) return { level: null, leader: null };
  if (!second) return { level: auction.reservePrice, leader: first.bidderId };
  const level = Math.min(first.maxPrice, second.maxPrice + auction.increment);
  return { level: Math.max(level, auction.reservePrice), leader: first.bidderId };
}

/** What the winner pays for the lot: round(lotWh · level / 1000), halves up, exact in integers. */
export function lotAmount(lotWh: number, level: number): number {
  const amount = (BigInt(lotWh) * BigInt(level) + 500n) / 1000n;
  return Number(amount);
}

/** A fixed-width, sortable form of a protobuf timestamp: `<seconds, 12 digits>.<nanos, 9 digits>`. */
export function sortableTimestamp(seconds: string, nanos: number): string {
  return `${seconds.padStart(12, '0')}.${String(nanos).padStart(9, '0')}`;
}
