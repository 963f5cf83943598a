/**
 * English auctions (mechanisms.md §5): the NA creates them (RS1) or approves a
 * participant's request (RS2), the market clock creates them from a schedule (RS3);
 * households bid by proxy (a maxPrice) while the auction is open; the NA (or the
 * clock) closes it from endAt on, settling the winner and the owner.
 *
 * A bid reads the auction record and the bidder's own earlier bids and writes only
 * keys of its own (ledger/auctions.ts), so concurrent bids of different bidders never
 * conflict; the level, leader and bid count are derived from the bids when read. The
 * auction record is written only by the NA's or the owner's transactions (approve,
 * cancel, disqualify, close): a bid endorsed before one of those and committed after it
 * fails validation, and its retry meets the new status.
 */
import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import {
  Auction,
  AUCTION_STATUSES,
  AuctionResult,
  AuctionView,
  Bid,
  BidView,
  latestBids,
  lotAmount,
  MAX_AUCTION_PRICE,
  MAX_LOT_WH,
  standing,
} from '../domain/auction';
import { LedgerError } from '../domain/errors';
import { AuctionEntry, GRID_ACCOUNT, Participant } from '../domain/model';
import { EcchContract } from './ecch-contract';
import { allBids, bidParts, bidsOf, loadAuction, requireAuctionStatus, saveAuction, txSortable } from '../ledger/auctions';
import { refuseClosedDay, writeEntry } from '../ledger/entries';
import { canonicalJson } from '../ledger/json';
import { KEY } from '../ledger/keys';
import { indexPage, parsePageSize, read, readRequired, write } from '../ledger/state';
import { callerParticipant, dayOf, emit, isNa, requireActiveHousehold, requireNa, txTime } from '../ledger/tx';
import { id, instant, int, Json, oneOf, onlyFields, optional, parseObject } from '../ledger/validate';

const FIELDS = ['id', 'owner', 'lotWh', 'reservePrice', 'increment', 'startAt', 'endAt', 'deliveryStart'] as const;

/** Who is asking, for what a view may show: the NA, a participant, or nobody bound. */
interface Viewer {
  na: boolean;
  participantId?: string;
}

async function viewerOf(ctx: Context): Promise<Viewer> {
  if (isNa(ctx)) return { na: true };
  const p = await callerParticipant(ctx);
  return p ? { na: false, participantId: p.id } : { na: false };
}

function publicAuction(a: Auction): Omit<Auction, 'disqualified'> {
  const { disqualified: _hidden, ...rest } = a;
  void _hidden;
  return rest;
}

async function viewOf(ctx: Context, auction: Auction, viewer: Viewer): Promise<AuctionView> {
  const bids = auction.status === 'pending' || auction.status === 'rejected' ? [] : await allBids(ctx, auction.id);
  let { level, leader } = standing(auction, bids, auction.disqualified);
  if (auction.status === 'cancelled') ({ level, leader } = { level: null, leader: null });
  if (auction.status === 'settled') {
    const result = await read<AuctionResult>(ctx, KEY.auctionResult, [auction.id]);
    ({ level, leader } = { level: result?.level ?? null, leader: result?.winner ?? null });
  }
  const view: AuctionView = { ...(viewer.na ? auction : publicAuction(auction)), level, bidCount: bids.length };
  if (leader !== null && (viewer.na || viewer.participantId === leader)) view.leader = leader;
  return view;
}

function bidViews(auction: Auction, bids: Bid[], winner: string | null): BidView[] {
  const latest = new Set(latestBids(bids).map((b) => b.id));
  // Each bidder's bids together, in the order it raised them.
  const ordered = [...bids].sort((a, b) => (a.bidderId !== b.bidderId ? (a.bidderId < b.bidderId ? -1 : 1) : a.maxPrice - b.maxPrice));
  return ordered.map((b) => {
    let status: BidView['status'];
    if (auction.status === 'cancelled') status = 'void';
    else if (auction.disqualified.includes(b.bidderId)) status = 'disqualified';
    else if (!latest.has(b.id)) status = 'superseded';
    else if (auction.status === 'settled') status = b.bidderId === winner ? 'won' : 'lost';
    else status = 'active';
    return { ...b, status };
  });
}

/** The owner: `grid`, or an approved participant. */
async function requireOwner(ctx: Context, owner: string): Promise<void> {
  if (owner === GRID_ACCOUNT) return;
  const p = await readRequired<Participant>(ctx, KEY.participant, [owner], `participant ${owner}`);
  if (p.status !== 'approved') throw new LedgerError('PARTICIPANT_NOT_ACTIVE', `owner ${owner} is ${p.status}`);
}

/** The body of Create and Request, checked (§5's ranges and startAt < endAt ≤ deliveryStart). */
function auctionFields(o: Json, owner: string): Pick<Auction, 'owner' | 'lotWh' | 'reservePrice' | 'increment' | 'startAt' | 'endAt' | 'deliveryStart'> {
  const startAt = instant(o.startAt, 'startAt');
  const endAt = instant(o.endAt, 'endAt');
  const deliveryStart = instant(o.deliveryStart, 'deliveryStart');
  if (!(Date.parse(startAt) < Date.parse(endAt))) throw new LedgerError('INVALID_ARGUMENT', `startAt (${startAt}) must be before endAt (${endAt})`);
  if (!(Date.parse(endAt) <= Date.parse(deliveryStart))) throw new LedgerError('INVALID_ARGUMENT', `endAt (${endAt}) must not be after deliveryStart (${deliveryStart})`);
  return {
    owner,
    lotWh: int(o.lotWh, 'lotWh', 1, MAX_LOT_WH),
    reservePrice: int(o.reservePrice, 'reservePrice', 0, MAX_AUCTION_PRICE),
    increment: int(o.increment, 'increment', 1, MAX_AUCTION_PRICE),
    startAt,
    endAt,
    deliveryStart,
  };
}

async function createAuction(ctx: Context, o: Json, owner: string, origin: Auction['origin'], status: 'open' | 'pending', scheduleId?: string): Promise<Auction> {
  const auctionId = optional(o.id, (v) => id(v, 'id')) ?? `a-${ctx.stub.getTxID().slice(0, 24)}`;
  const fields = auctionFields(o, owner);
  await requireOwner(ctx, owner);
  if (await read(ctx, KEY.auction, [auctionId])) throw new LedgerError('ALREADY_EXISTS', `auction ${auctionId} already exists`);
  const auction: Auction = { id: auctionId, ...fields, status, origin, disqualified: [], createdAt: txTime(ctx) };
  if (scheduleId !== undefined) auction.scheduleId = scheduleId;
  await saveAuction(ctx, undefined, auction);
  return auction;
}

/** What a bid asked for: a retry with the same clientBidId must ask for the same. */
function bidDigest(maxPrice: number): string {
  return canonicalJson({ maxPrice });
}

/** The NA's decision on an RS2 request: `pending → open` or `pending → rejected`. */
async function decide(ctx: Context, auctionId: string, action: 'approve' | 'reject'): Promise<Auction> {
  requireNa(ctx, `${action} auction requests`);
  const auction = await loadAuction(ctx, auctionId);
  requireAuctionStatus(auction, ['pending'], action);
  const now = txTime(ctx);
  const next: Auction = action === 'approve' ? { ...auction, status: 'open', approvedAt: now } : { ...auction, status: 'rejected', rejectedAt: now };
  await saveAuction(ctx, auction, next);
  emit(ctx, action === 'approve' ? 'auction.approved' : 'auction.rejected', publicAuction(next));
  return next;
}

@Info({ title: 'Auctions', description: 'English auctions of one lot each (proxy bids, the level rule, close with settlement, cancel, disqualify)' })
export class AuctionContract extends EcchContract {
  constructor() {
    super('auctions');
  }

  /** RS1: the NA creates an open auction (a schedule's `scheduleId` marks one the clock created, RS3). */
  @Transaction()
  @Returns('string')
  public async Create(ctx: Context, input: string): Promise<string> {
    requireNa(ctx, 'create auctions');
    const o = parseObject(input, 'auction');
    onlyFields(o, [...FIELDS, 'scheduleId'], 'auction');
    const owner = id(o.owner, 'owner');
    const scheduleId = optional(o.scheduleId, (v) => id(v, 'scheduleId'));
    const auction = await createAuction(ctx, o, owner, scheduleId === undefined ? 'na' : 'schedule', 'open', scheduleId);
    emit(ctx, 'auction.created', publicAuction(auction));
    return canonicalJson(auction);
  }

  /** RS2: an approved household asks to auction its own energy; `pending` until the NA decides. */
  @Transaction()
  @Returns('string')
  public async Request(ctx: Context, input: string): Promise<string> {
    const caller = await requireActiveHousehold(ctx);
    const o = parseObject(input, 'auction');
    onlyFields(o, FIELDS, 'auction');
    const owner = optional(o.owner, (v) => id(v, 'owner')) ?? caller.id;
    if (owner !== caller.id) throw new LedgerError('FORBIDDEN', `participant ${caller.id} may request auctions of its own energy only, not of ${owner}'s`);
    const auction = await createAuction(ctx, o, owner, 'request', 'pending');
    emit(ctx, 'auction.requested', publicAuction(auction));
    return canonicalJson(auction);
  }

  @Transaction()
  @Returns('string')
  public async Approve(ctx: Context, auctionId: string): Promise<string> {
    return canonicalJson(await decide(ctx, auctionId, 'approve'));
  }

  @Transaction()
  @Returns('string')
  public async Reject(ctx: Context, auctionId: string): Promise<string> {
    return canonicalJson(await decide(ctx, auctionId, 'reject'));
  }

  /**
   * A proxy bid `{maxPrice, clientBidId?}`. Reads the auction and the caller's own
   * earlier bids, writes one new key of its own (and its client-id key). With a
   * clientBidId seen before, the same body answers the first bid (`created: false`)
   * and writes nothing; a different body is refused.
   */
  @Transaction()
  @Returns('string')
  public async Bid(ctx: Context, auctionId: string, input: string): Promise<string> {
    const bidder = await requireActiveHousehold(ctx);
    const auction = await loadAuction(ctx, auctionId);
    const o = parseObject(input, 'bid');
    onlyFields(o, ['maxPrice', 'clientBidId'], 'bid');
    const maxPrice = int(o.maxPrice, 'maxPrice', 0, MAX_AUCTION_PRICE);
    const clientBidId = optional(o.clientBidId, (v) => id(v, 'clientBidId'));
    const digest = bidDigest(maxPrice);
    if (clientBidId !== undefined) {
      const seen = await read<{ bidId: string; ts: string; txId: string; digest: string }>(ctx, KEY.clientBid, [auction.id, bidder.id, clientBidId]);
      if (seen) {
        if (seen.digest !== digest) throw new LedgerError('IDEMPOTENCY_KEY_REUSED', `clientBidId ${clientBidId} was used for a different bid (${seen.bidId})`);
        const first = await readRequired<Bid>(ctx, KEY.bid, bidParts({ auctionId: auction.id, bidderId: bidder.id, ts: seen.ts, txId: seen.txId }), `bid ${seen.bidId}`);
        return canonicalJson({ bid: first, created: false });
      }
    }
    const now = txTime(ctx);
    if (auction.status !== 'open') throw new LedgerError('AUCTION_NOT_OPEN', `auction ${auction.id} is ${auction.status}`);
    if (now < auction.startAt || now >= auction.endAt) {
      throw new LedgerError('AUCTION_NOT_OPEN', `auction ${auction.id} takes bids from ${auction.startAt} until before ${auction.endAt}; it is ${now}`);
    }
    if (bidder.id === auction.owner) throw new LedgerError('OWNER_CANNOT_BID', `participant ${bidder.id} owns auction ${auction.id}`);
    if (maxPrice < auction.reservePrice) throw new LedgerError('BID_TOO_LOW', `maxPrice ${maxPrice} is below the reserve price ${auction.reservePrice}`);
    const [previous] = latestBids(await bidsOf(ctx, auction.id, bidder.id));
    if (previous && maxPrice < previous.maxPrice + auction.increment) {
      throw new LedgerError('BID_TOO_LOW', `a raise must be at least the previous maxPrice ${previous.maxPrice} + the increment ${auction.increment}`);
    }
    const txId = ctx.stub.getTxID();
    const bid: Bid = { id: `b-${txId.slice(0, 24)}`, auctionId: auction.id, bidderId: bidder.id, maxPrice, at: now, ts: txSortable(ctx), txId };
    if (clientBidId !== undefined) {
      bid.clientBidId = clientBidId;
      await write(ctx, KEY.clientBid, [auction.id, bidder.id, clientBidId], { bidId: bid.id, digest, ts: bid.ts, txId });
    }
    await write(ctx, KEY.bid, bidParts(bid), bid);
    // Public: that a bid came, not who bid or how much (a proxy maximum is the bidder's secret).
    emit(ctx, 'auction.bid', { auctionId: auction.id, bidId: bid.id, at: now });
    return canonicalJson({ bid, created: true });
  }

  /** From endAt on (NA, or the clock as the NA): the leader wins at the level; the winner pays the owner. */
  @Transaction()
  @Returns('string')
  public async Close(ctx: Context, auctionId: string): Promise<string> {
    requireNa(ctx, 'close auctions');
    const auction = await loadAuction(ctx, auctionId);
    requireAuctionStatus(auction, ['open'], 'close');
    const now = txTime(ctx);
    if (now < auction.endAt) throw new LedgerError('AUCTION_NOT_ENDED', `auction ${auction.id} ends at ${auction.endAt}; it is ${now}`);
    const bids = await allBids(ctx, auction.id);
    const { level, leader } = standing(auction, bids, auction.disqualified);
    const result: AuctionResult = {
      auctionId: auction.id,
      winner: leader,
      level,
      amount: 0,
      bids: bids.length,
      bidders: latestBids(bids, auction.disqualified).length,
      closedAt: now,
    };
    if (leader !== null && level !== null) {
      result.amount = lotAmount(auction.lotWh, level);
      const day = dayOf(now);
      await refuseClosedDay(ctx, day);
      // Energy from a participant stays inside the community; from the grid it is imported.
      const fromGrid = auction.owner === GRID_ACCOUNT;
      const energy = { energyWh: auction.lotWh, internalWh: fromGrid ? 0 : auction.lotWh, gridWh: fromGrid ? auction.lotWh : 0, price: level, at: now };
      const winner: AuctionEntry = { kind: 'auction', auctionId: auction.id, participantId: leader, role: 'winner', ...energy, amount: -result.amount };
      const owner: AuctionEntry = { kind: 'auction', auctionId: auction.id, participantId: auction.owner, role: 'owner', ...energy, amount: result.amount };
      await writeEntry(ctx, day, winner);
      await writeEntry(ctx, day, owner);
    }
    await write(ctx, KEY.auctionResult, [auction.id], result);
    const settled: Auction = { ...auction, status: 'settled', settledAt: now };
    await saveAuction(ctx, auction, settled);
    // Public: the price and that it sold, not to whom (the winner is the parties' and the NA's to know).
    emit(ctx, 'auction.closed', { auction: publicAuction(settled), level, amount: result.amount, bids: result.bids, sold: leader !== null });
    // No read-your-writes on a ledger: the view is built from what this transaction computed.
    const view: AuctionView = { ...settled, level, bidCount: bids.length };
    if (leader !== null) view.leader = leader;
    return canonicalJson(view);
  }

  /** The owner or the NA, before the close: the bids are void and nothing is settled. */
  @Transaction()
  @Returns('string')
  public async Cancel(ctx: Context, auctionId: string): Promise<string> {
    const auction = await loadAuction(ctx, auctionId);
    let by = 'na';
    if (!isNa(ctx)) {
      const caller = await callerParticipant(ctx);
      if (!caller || caller.id !== auction.owner) throw new LedgerError('FORBIDDEN', `only the network administrator or the owner may cancel auction ${auction.id}`);
      by = caller.id;
    }
    requireAuctionStatus(auction, ['pending', 'open'], 'cancel');
    const cancelled: Auction = { ...auction, status: 'cancelled', cancelledAt: txTime(ctx), cancelledBy: by };
    await saveAuction(ctx, auction, cancelled);
    emit(ctx, 'auction.cancelled', publicAuction(cancelled));
    return canonicalJson(await viewOf(ctx, cancelled, { na: true }));
  }

  /**
   * After endAt and before the close (NA): a bidder whose delivery the network cannot
   * carry is removed; the level and leader are recomputed from the others.
   */
  @Transaction()
  @Returns('string')
  public async Disqualify(ctx: Context, auctionId: string, participantId: string): Promise<string> {
    requireNa(ctx, 'disqualify bidders');
    const auction = await loadAuction(ctx, auctionId);
    const bidderId = id(participantId, 'participantId');
    requireAuctionStatus(auction, ['open'], 'disqualify a bidder of');
    const now = txTime(ctx);
    if (now < auction.endAt) throw new LedgerError('AUCTION_NOT_ENDED', `auction ${auction.id} ends at ${auction.endAt}; bidders are disqualified after it`);
    if ((await bidsOf(ctx, auction.id, bidderId)).length === 0) throw new LedgerError('NOT_FOUND', `participant ${bidderId} has no bid in auction ${auction.id}`);
    if (auction.disqualified.includes(bidderId)) throw new LedgerError('INVALID_STATE', `participant ${bidderId} is already disqualified from auction ${auction.id}`);
    const next: Auction = { ...auction, disqualified: [...auction.disqualified, bidderId].sort() };
    await saveAuction(ctx, auction, next);
    emit(ctx, 'auction.disqualified', { auctionId: auction.id, at: now, disqualified: next.disqualified.length });
    return canonicalJson(await viewOf(ctx, next, { na: true }));
  }

  @Transaction(false)
  @Returns('string')
  public async Get(ctx: Context, auctionId: string): Promise<string> {
    const auction = await loadAuction(ctx, auctionId);
    return canonicalJson(await viewOf(ctx, auction, await viewerOf(ctx)));
  }

  /** Newest delivery first, through the time index (or the status index with a filter), paged. */
  @Transaction(false)
  @Returns('string')
  public async List(ctx: Context, status: string, pageSize: string, bookmark: string): Promise<string> {
    const size = parsePageSize(pageSize);
    const page =
      status === ''
        ? await indexPage(ctx, KEY.auctionTime, [], size, bookmark)
        : await indexPage(ctx, KEY.auctionStatus, [oneOf(status, 'status', AUCTION_STATUSES)], size, bookmark);
    const viewer = await viewerOf(ctx);
    const items: AuctionView[] = [];
    for (const attributes of page.items) {
      const a = await read<Auction>(ctx, KEY.auction, [attributes[attributes.length - 1]]);
      if (a) items.push(await viewOf(ctx, a, viewer));
    }
    return canonicalJson({ items, bookmark: page.bookmark });
  }

  /** A household's own bids; every bid for the NA. */
  @Transaction(false)
  @Returns('string')
  public async ListBids(ctx: Context, auctionId: string): Promise<string> {
    const auction = await loadAuction(ctx, auctionId);
    const viewer = await viewerOf(ctx);
    if (!viewer.na && viewer.participantId === undefined) throw new LedgerError('UNAUTHENTICATED', 'this identity is not bound to any participant');
    const bids = viewer.na ? await allBids(ctx, auction.id) : await bidsOf(ctx, auction.id, viewer.participantId as string);
    const result = auction.status === 'settled' ? await read<AuctionResult>(ctx, KEY.auctionResult, [auction.id]) : undefined;
    return canonicalJson({ items: bidViews(auction, bids, result?.winner ?? null) });
  }

  /** After the close: the level, the amount and the number of bids; the winner for the NA and the parties only. */
  @Transaction(false)
  @Returns('string')
  public async GetResult(ctx: Context, auctionId: string): Promise<string> {
    const auction = await loadAuction(ctx, auctionId);
    const result = await read<AuctionResult>(ctx, KEY.auctionResult, [auction.id]);
    if (!result) throw new LedgerError('RESULT_NOT_AVAILABLE', `auction ${auction.id} is ${auction.status}: no result before the close`);
    const viewer = await viewerOf(ctx);
    const party = viewer.na || (viewer.participantId !== undefined && (viewer.participantId === result.winner || viewer.participantId === auction.owner));
    if (party) return canonicalJson(result);
    const { winner: _hidden, ...rest } = result;
    void _hidden;
    return canonicalJson(rest);
  }
}
