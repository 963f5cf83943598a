/**
 * mechanisms.md §5's outcome of an English auction from the bids placed, computed on
 * the client side to check what the ledger answers: over each bidder's latest bid,
 * sorted by maxPrice descending and then by arrival, the leader is the first; the
 * level is the reserve with one bidder, otherwise min(first, second + increment),
 * never below the reserve.
 */

export interface PlacedBid {
  bidder: string;
  maxPrice: number;
  /** Arrival rank (lower: earlier); only breaks a tie between equal maxima. */
  arrival: number;
}

export interface Outcome {
  leader: string;
  level: number;
}

export function expectedOutcome(reservePrice: number, increment: number, bids: readonly PlacedBid[]): Outcome | null {
  const latest = new Map<string, PlacedBid>();
  for (const b of [...bids].sort((x, y) => x.arrival - y.arrival)) latest.set(b.bidder, b);
  const ranked = [...latest.values()].sort((x, y) => y.maxPrice - x.maxPrice || x.arrival - y.arrival);
  const [first, second] = ranked;
  if (!first) return null;
  if (!second) return { leader: first.bidder, level: reservePrice };
  return { leader: first.bidder, level: Math.max(reservePrice, Math.min(first.maxPrice, second.maxPrice + increment)) };
}

/** What the winner pays and the owner receives (µ): round(lotWh · level / 1000). */
export const auctionAmount = (lotWh: number, level: number): number => Math.round((lotWh * level) / 1000);
