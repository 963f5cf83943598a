/** Market use cases: the NA's lifecycle transactions and everyone's reads. */
import type { Static } from '@sinclair/typebox';
import type { Market, MarketResult } from '@ecch/chaincode';
import type { OrderBook } from '../schemas/markets';
import type { Principal } from '../auth/principal';
import type { GatewayContext } from '../context';
import { LedgerRefusal } from '../ledger/port';
import { identityOf } from './actor';
import { pageArgs, toPage, type Page, type PageArgs } from './paging';

export interface MarketInput {
  id?: string;
  deliveryStart: string;
  durationMinutes?: number;
  readingWindowMinutes?: number;
  gridBuyPrice: number;
  gridSellPrice: number;
  mechanism?: Market['mechanism'];
  maxOrderWh?: number;
}

export type Transition = 'Open' | 'Cancel';

export interface Cleared {
  market: Market;
  result: MarketResult;
}

export function create(gw: GatewayContext, input: MarketInput): Promise<Market> {
  return gw.chaincode.submit(gw.identities.na, 'markets', 'Create', JSON.stringify(input));
}

export function transition(gw: GatewayContext, id: string, tx: Transition): Promise<Market> {
  return gw.chaincode.submit(gw.identities.na, 'markets', tx, id);
}

/** Gate closure (market-rules §3): `open → closed`; from here on no order changes. */
export function gateClose(gw: GatewayContext, id: string): Promise<Market> {
  return gw.chaincode.submit(gw.identities.na, 'markets', 'GateClose', id);
}

/** Clearing and settlement: `closed → settled`, one ledger transaction. */
export function clear(gw: GatewayContext, id: string): Promise<Cleared> {
  return gw.chaincode.submit(gw.identities.na, 'markets', 'Clear', id);
}

/**
 * Close = gate closure, then clearing: two ledger transactions. A market already
 * closed (its gate closed by an earlier call that stopped before clearing, or by the
 * NA's `gate-close`) is only cleared, so a close that failed half-way is finished by
 * calling it again. Anything but `open` or `closed` gets Clear's own refusal.
 */
export async function close(gw: GatewayContext, id: string): Promise<Cleared> {
  try {
    await gateClose(gw, id);
  } catch (err) {
    // Not open: perhaps closed already. Clear says what the market really is.
    if (!(err instanceof LedgerRefusal && err.code === 'INVALID_STATE')) throw err;
  }
  return clear(gw, id);
}

export async function get(gw: GatewayContext, principal: Principal, id: string): Promise<Market> {
  return gw.chaincode.evaluate(await identityOf(gw, principal, 'public'), 'markets', 'Get', id);
}

export async function list(gw: GatewayContext, principal: Principal, status: string | undefined, page: PageArgs): Promise<Page<Market>> {
  const scope = `markets:${status ?? ''}`;
  const res = await gw.chaincode.evaluate(await identityOf(gw, principal, 'public'), 'markets', 'List', status ?? '', ...pageArgs(page, scope));
  return toPage(res, scope);
}

export async function result(gw: GatewayContext, principal: Principal, id: string): Promise<MarketResult> {
  return gw.chaincode.evaluate(await identityOf(gw, principal, 'public'), 'markets', 'GetResult', id);
}

export async function orderBook(gw: GatewayContext, principal: Principal, id: string): Promise<Static<typeof OrderBook>> {
  return gw.chaincode.evaluate(await identityOf(gw, principal, 'public'), 'markets', 'GetOrderBook', id);
}
