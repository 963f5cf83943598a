/** `auction.bid`: POST /v1/auctions/{auctionId}/bids, signed by the household. */
import type { Bid as LedgerBid } from '@ecch/chaincode';
import { Type } from '@sinclair/typebox';
import { Bid, BidBody } from '../../schemas/auctions';
import { Id } from '../../schemas/common';
import { defineAction } from './action';

export const auctionBid = defineAction({
  name: 'auction.bid',
  kind: 'transaction',
  summary: 'bid on an auction: {auctionId, maxPrice, clientBidId?}, as POST /v1/auctions/{auctionId}/bids',
  params: Type.Object({ auctionId: Id, ...BidBody.properties }, { additionalProperties: false }),
  result: Bid,
  contract: 'auctions',
  transaction: 'Bid',
  args: ({ auctionId, maxPrice, clientBidId }) => {
    const input: { maxPrice: number; clientBidId?: string } = { maxPrice };
    if (clientBidId !== undefined) input.clientBidId = clientBidId;
    return [auctionId, JSON.stringify(input)];
  },
  view: (result) => (JSON.parse(result) as { bid: LedgerBid }).bid,
});
