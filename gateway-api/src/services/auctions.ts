/**
 * Auction use cases (mechanisms.md §5). The NA's transactions sign as the NA; a
 * household's (request, bid, cancel of its own) with its own identity, so the
 * chaincode decides ownership and what each caller sees (leader, winner).
 */
import type { AuctionView, Bid, BidView } from '@ecch/chaincode';
import type { Static } from '@sinclair/typebox';
import type { Principal } from '../auth/principal';
import type { GatewayContext } from '../context';
import type { LedgerIdentity } from '../ledger/port';
import type { AuctionBody, AuctionRequestBody, AuctionResult } from '../schemas/auctions';
import { identityOf } from './actor';
import { pageArgs, toPage, type Page, type PageArgs } from './paging';

export type AuctionInput = Static<typeof AuctionBody>;
export type AuctionRequestInput = Static<typeof AuctionRequestBody>;
export type Result = Static<typeof AuctionResult>;

export function create(gw: GatewayContext, input: AuctionInput): Promise<AuctionView> {
  return gw.chaincode.submit(gw.identities.na, 'auctions', 'Create', JSON.stringify(input)).then(withoutStanding);
}

/** RS2: `pending` until the NA approves or rejects it. */
export async function request(gw: GatewayContext, principal: Principal, input: AuctionRequestInput): Promise<AuctionView> {
  return withoutStanding(await gw.chaincode.submit(await identityOf(gw, principal), 'auctions', 'Request', JSON.stringify(input)));
}

/** Create, Request, Approve and Reject answer the record; a new auction has no bid yet. */
function withoutStanding(a: Omit<AuctionView, 'level' | 'bidCount'>): AuctionView {
  return { ...a, level: null, bidCount: 0 };
}

/** `pending → open` or `→ rejected`: a pending auction took no bid, so either has none. */
export async function decide(gw: GatewayContext, id: string, action: 'Approve' | 'Reject'): Promise<AuctionView> {
  return withoutStanding(await gw.chaincode.submit(gw.identities.na, 'auctions', action, id));
}

export async function bid(gw: GatewayContext, principal: Principal, id: string, input: { maxPrice: number; clientBidId?: string }): Promise<{ bid: Bid; created: boolean }> {
  return gw.chaincode.submit(await identityOf(gw, principal), 'auctions', 'Bid', id, JSON.stringify(input));
}

export function close(gw: GatewayContext, id: string): Promise<AuctionView> {
  return gw.chaincode.submit(gw.identities.na, 'auctions', 'Close', id);
}

/** The NA or the owner (the chaincode checks which). */
export async function cancel(gw: GatewayContext, principal: Principal, id: string): Promise<AuctionView> {
  return gw.chaincode.submit(await identityOf(gw, principal), 'auctions', 'Cancel', id);
}

export function disqualify(gw: GatewayContext, id: string, participantId: string): Promise<AuctionView> {
  return gw.chaincode.submit(gw.identities.na, 'auctions', 'Disqualify', id, participantId);
}

/**
 * A self-custody household's public reads are asked as the NA (the gateway holds no
 * key of its own): what only the NA or a party may see is taken out again, so such a
 * read never shows more than a stranger's would.
 */
async function reader(gw: GatewayContext, principal: Principal): Promise<{ who: LedgerIdentity; narrowed: boolean }> {
  const who = await identityOf(gw, principal, 'public');
  return { who, narrowed: principal.role !== 'na' && who === gw.identities.na };
}

function narrow(a: AuctionView): AuctionView {
  const { leader: _leader, disqualified: _disqualified, ...rest } = a;
  void _leader;
  void _disqualified;
  return rest;
}

export async function get(gw: GatewayContext, principal: Principal, id: string): Promise<AuctionView> {
  const { who, narrowed } = await reader(gw, principal);
  const a = await gw.chaincode.evaluate(who, 'auctions', 'Get', id);
  return narrowed ? narrow(a) : a;
}

export async function list(gw: GatewayContext, principal: Principal, status: string | undefined, page: PageArgs): Promise<Page<AuctionView>> {
  const scope = `auctions:${status ?? '*'}`;
  const { who, narrowed } = await reader(gw, principal);
  const res = await gw.chaincode.evaluate(who, 'auctions', 'List', status ?? '', ...pageArgs(page, scope));
  return toPage(res, scope, narrowed ? narrow : undefined);
}

/** A household's own bids (signed as itself: a self-custody household signs this query itself); every bid for the NA. */
export async function bids(gw: GatewayContext, principal: Principal, id: string): Promise<{ items: BidView[] }> {
  return gw.chaincode.evaluate(await identityOf(gw, principal), 'auctions', 'ListBids', id);
}

export async function result(gw: GatewayContext, principal: Principal, id: string): Promise<Result> {
  const { who, narrowed } = await reader(gw, principal);
  const r = await gw.chaincode.evaluate(who, 'auctions', 'GetResult', id);
  if (!narrowed) return r;
  const { winner: _winner, ...rest } = r;
  void _winner;
  return rest;
}
