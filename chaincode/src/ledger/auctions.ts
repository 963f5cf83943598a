/**
 * Auction records, their indexes and their bids. The NA's (or the owner's)
 * transactions write the auction and its indexes through saveAuction; a bid writes
 * only keys under [auctionId, its own bidder id], so bids of different bidders never
 * share a key and never conflict.
 */
import { Context } from 'fabric-contract-api';
import { Auction, AuctionStatus, Bid, sortableTimestamp } from '../domain/auction';
import { LedgerError } from '../domain/errors';
import { KEY, newestFirst } from './keys';
import { readRequired, remove, scanAll, write, writeIndex } from './state';
import { id } from './validate';

export function loadAuction(ctx: Context, auctionId: string): Promise<Auction> {
  return readRequired<Auction>(ctx, KEY.auction, [id(auctionId, 'auctionId')], `auction ${auctionId}`);
}

export function requireAuctionStatus(auction: Auction, allowed: readonly AuctionStatus[], action: string): void {
  if (!allowed.includes(auction.status)) {
    throw new LedgerError('INVALID_STATE', `cannot ${action} auction ${auction.id}: it is ${auction.status}`);
  }
}

/** Writes an auction and moves its status index entry from `before`'s status to its own. */
export async function saveAuction(ctx: Context, before: Auction | undefined, after: Auction): Promise<void> {
  const order = newestFirst(after.deliveryStart);
  if (!before) await writeIndex(ctx, KEY.auctionTime, [order, after.id]);
  else if (before.status !== after.status) await remove(ctx, KEY.auctionStatus, [before.status, order, after.id]);
  if (!before || before.status !== after.status) await writeIndex(ctx, KEY.auctionStatus, [after.status, order, after.id]);
  await write(ctx, KEY.auction, [after.id], after);
}

/** This transaction's timestamp in the bid keys' sortable form (seconds and nanoseconds as the ledger recorded them). */
export function txSortable(ctx: Context): string {
  const ts = ctx.stub.getTxTimestamp();
  return sortableTimestamp(ts.seconds.toString(), ts.nanos);
}

/** The key parts of a bid: under its auction and its bidder, in time order. */
export function bidParts(bid: Pick<Bid, 'auctionId' | 'bidderId' | 'ts' | 'txId'>): string[] {
  return [bid.auctionId, bid.bidderId, bid.ts, bid.txId];
}

/** One bidder's bids in one auction, earliest first (a range of its own keys only). */
export function bidsOf(ctx: Context, auctionId: string, bidderId: string): Promise<Bid[]> {
  return scanAll<Bid>(ctx, KEY.bid, [auctionId, bidderId]);
}

/** Every bid of an auction (the NA's close, and reads). */
export function allBids(ctx: Context, auctionId: string): Promise<Bid[]> {
  return scanAll<Bid>(ctx, KEY.bid, [auctionId]);
}
