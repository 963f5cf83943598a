/**
 * Order use cases. Each is submitted under the household's own identity, so the
 * chaincode decides ownership: another household's order is refused by the ledger.
 */
import type { Order } from '@ecch/chaincode';
import type { Principal } from '../auth/principal';
import type { GatewayContext } from '../context';
import { identityOf } from './actor';
import { pageArgs, toPage, type Page, type PageArgs } from './paging';

export interface PlaceInput {
  side: 'buy' | 'sell';
  energyWh: number;
  limitPrice?: number;
  clientOrderId?: string;
}

export interface AmendInput {
  energyWh?: number;
  limitPrice?: number;
  expectedRevision?: number;
}

/**
 * `created` is false when the client order id was seen before with the same order:
 * the first order comes back. With a different order the ledger refuses
 * IDEMPOTENCY_KEY_REUSED (422).
 */
export async function place(gw: GatewayContext, principal: Principal, marketId: string, input: PlaceInput): Promise<{ order: Order; created: boolean }> {
  return gw.chaincode.submit(await identityOf(gw, principal), 'orders', 'Place', marketId, JSON.stringify(input));
}

export async function amend(gw: GatewayContext, principal: Principal, marketId: string, orderId: string, input: AmendInput): Promise<Order> {
  return gw.chaincode.submit(await identityOf(gw, principal), 'orders', 'Amend', marketId, orderId, JSON.stringify(input));
}

export async function cancel(gw: GatewayContext, principal: Principal, marketId: string, orderId: string): Promise<Order> {
  return gw.chaincode.submit(await identityOf(gw, principal), 'orders', 'Cancel', marketId, orderId);
}

export async function get(gw: GatewayContext, principal: Principal, marketId: string, orderId: string): Promise<Order> {
  return gw.chaincode.evaluate(await identityOf(gw, principal), 'orders', 'Get', marketId, orderId);
}

/** The NA sees every order of the market; a household its own. An unknown market is the ledger's NOT_FOUND (404). */
export async function list(gw: GatewayContext, principal: Principal, marketId: string, page: PageArgs): Promise<Page<Order>> {
  const tx = principal.role === 'na' ? 'ListByMarket' : 'ListMine';
  const scope = `orders:${marketId}:${principal.role === 'na' ? '*' : principal.participantId}`;
  const res = await gw.chaincode.evaluate(await identityOf(gw, principal), 'orders', tx, marketId, ...pageArgs(page, scope));
  return toPage(res, scope);
}
