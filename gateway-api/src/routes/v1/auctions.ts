/**
 * English auctions (mechanisms.md §5; api.md "Auctions"). The NA creates, approves,
 * closes and disqualifies; households request auctions of their own energy, bid, and
 * (as owners) cancel. Who sees the leader and the winner is the ledger's decision.
 */
import type { RoutesPlugin } from '../../type-provider';
import { principalOf } from '../../plugins/app/auth';
import { IdParams, problems } from '../../schemas/common';
import { Auction, AuctionBody, AuctionList, AuctionListQuery, AuctionRequestBody, AuctionResult, Bid, BidBody, BidList, DisqualifyBody } from '../../schemas/auctions';
import * as auctions from '../../services/auctions';

const tags = ['auctions'];

const auctionRoutes: RoutesPlugin = async (app) => {
  app.post(
    '/auctions',
    {
      config: { access: 'na' },
      schema: { tags, summary: 'Create an open auction (RS1)', body: AuctionBody, response: { 201: Auction, ...problems(401, 403, 404, 409, 422) } },
    },
    async (request, reply) => {
      const auction = await auctions.create(app.gateway, request.body);
      return reply.status(201).header('location', `/v1/auctions/${auction.id}`).send(auction);
    },
  );

  app.post(
    '/auction-requests',
    {
      config: { access: 'household' },
      schema: {
        tags,
        summary: 'Request an auction of one\'s own energy (RS2): pending until the NA approves or rejects it',
        body: AuctionRequestBody,
        response: { 202: Auction, ...problems(401, 403, 409, 422) },
      },
    },
    async (request, reply) => {
      const auction = await auctions.request(app.gateway, principalOf(request), request.body);
      return reply.status(202).header('location', `/v1/auctions/${auction.id}`).send(auction);
    },
  );

  for (const [action, tx] of [
    ['approve', 'Approve'],
    ['reject', 'Reject'],
  ] as const) {
    app.post(
      `/auctions/:id/${action}`,
      {
        config: { access: 'na' },
        schema: { tags, summary: `${tx} a pending auction request (RS2)`, params: IdParams, response: { 200: Auction, ...problems(401, 403, 404, 409) } },
      },
      async (request) => auctions.decide(app.gateway, request.params.id, tx),
    );
  }

  app.get(
    '/auctions',
    {
      config: { access: 'any' },
      schema: { tags, summary: 'Auctions, newest delivery first, with level and bid count', querystring: AuctionListQuery, response: { 200: AuctionList, ...problems(401, 403) } },
    },
    async (request) => {
      const { status, ...page } = request.query;
      return auctions.list(app.gateway, principalOf(request), status, page);
    },
  );

  app.get(
    '/auctions/:id',
    {
      config: { access: 'any' },
      schema: { tags, summary: 'An auction with its level and bid count; the leader for the NA and the leader only', params: IdParams, response: { 200: Auction, ...problems(401, 403, 404) } },
    },
    async (request) => auctions.get(app.gateway, principalOf(request), request.params.id),
  );

  app.post(
    '/auctions/:id/bids',
    {
      config: { access: 'household' },
      schema: {
        tags,
        summary: 'A proxy bid (201); a retry with the same clientBidId and body returns the same bid (200)',
        params: IdParams,
        body: BidBody,
        response: { 200: Bid, 201: Bid, ...problems(401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const input: { maxPrice: number; clientBidId?: string } = { maxPrice: request.body.maxPrice };
      if (request.body.clientBidId !== undefined) input.clientBidId = request.body.clientBidId;
      const { bid, created } = await auctions.bid(app.gateway, principalOf(request), request.params.id, input);
      return reply.status(created ? 201 : 200).send(bid);
    },
  );

  app.get(
    '/auctions/:id/bids',
    {
      config: { access: 'any' },
      schema: { tags, summary: 'Bids of an auction: a household\'s own, or all for the NA', params: IdParams, response: { 200: BidList, ...problems(401, 403, 404, 409) } },
    },
    async (request) => auctions.bids(app.gateway, principalOf(request), request.params.id),
  );

  app.post(
    '/auctions/:id/close',
    {
      config: { access: 'na' },
      schema: {
        tags,
        summary: 'Close (from endAt): the leader wins at the level; the winner pays the owner (settlement entries of kind auction)',
        params: IdParams,
        response: { 200: Auction, ...problems(401, 403, 404, 409) },
      },
    },
    async (request) => auctions.close(app.gateway, request.params.id),
  );

  app.post(
    '/auctions/:id/cancel',
    {
      config: { access: 'any' },
      schema: { tags, summary: 'Cancel before the close (the NA or the owner): the bids are void', params: IdParams, response: { 200: Auction, ...problems(401, 403, 404, 409) } },
    },
    async (request) => auctions.cancel(app.gateway, principalOf(request), request.params.id),
  );

  app.post(
    '/auctions/:id/disqualify',
    {
      config: { access: 'na' },
      schema: {
        tags,
        summary: 'Disqualify a bidder (after endAt, before the close): the level and leader come from the others',
        params: IdParams,
        body: DisqualifyBody,
        response: { 200: Auction, ...problems(401, 403, 404, 409, 422) },
      },
    },
    async (request) => auctions.disqualify(app.gateway, request.params.id, request.body.participantId),
  );

  app.get(
    '/auctions/:id/result',
    {
      config: { access: 'any' },
      schema: {
        tags,
        summary: 'The result after the close (409 before): level, amount, bids; the winner for the NA and the parties only',
        params: IdParams,
        response: { 200: AuctionResult, ...problems(401, 403, 404, 409) },
      },
    },
    async (request) => auctions.result(app.gateway, principalOf(request), request.params.id),
  );
};

export default auctionRoutes;
