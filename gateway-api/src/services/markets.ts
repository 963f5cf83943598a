/** Market use cases: the NA's lifecycle transactions and everyone's reads. */
import type { Static } from '@sinclair/typebox';
import type { Market, MarketResult } from '@ecch/chaincode';
import type { OrderBook } from '../schemas/markets';
import type { Principal } from '../auth/principal';
import type { GatewayContext } from '../context';
import { identityOf } from './actor';
import { pageArgs, type Page, type PageArgs } from './paging';

export interface MarketInput {
  id?: string;
  deliveryStart: string;
  durationMinutes?: number;
  gridBuyPrice: number;
  gridSellPrice: number;
  mechanism?: 'sdr';
  maxOrderWh?: number;
}

export type Transition = 'Open' | 'Cancel';

export function create(gw: GatewayContext, input: MarketInput): Promise<Market> {
  return gw.chaincode.submit<Market>(gw.identities.na, 'markets', 'Create', JSON.stringify(input));
}

export function transition(gw: GatewayContext, id: string, tx: Transition): Promise<Market> {
  return gw.chaincode.submit<Market>(gw.identities.na, 'markets', tx, id);
}

/** Gate closure, clearing and settlement: one ledger transaction. */
export function close(gw: GatewayContext, id: string): Promise<{ market: Market; result: MarketResult }> {
  return gw.chaincode.submit(gw.identities.na, 'markets', 'Close', id);
}

export async function get(gw: GatewayContext, principal: Principal, id: string): Promise<Market> {
  return gw.chaincode.evaluate<Market>(await identityOf(gw, principal), 'markets', 'Get', id);
}

export async function list(gw: GatewayContext, principal: Principal, status: string | undefined, page: PageArgs): Promise<Page<Market>> {
  return gw.chaincode.evaluate(await identityOf(gw, principal), 'markets', 'List', status ?? '', ...pageArgs(page));
}

export async function result(gw: GatewayContext, principal: Principal, id: string): Promise<MarketResult> {
  return gw.chaincode.evaluate<MarketResult>(await identityOf(gw, principal), 'markets', 'GetResult', id);
}

export async function orderBook(gw: GatewayContext, principal: Principal, id: string): Promise<Static<typeof OrderBook>> {
  return gw.chaincode.evaluate(await identityOf(gw, principal), 'markets', 'GetOrderBook', id);
}
