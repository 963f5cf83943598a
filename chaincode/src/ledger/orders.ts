/**
 * Orders on the ledger: what everyone but the owner sees, and the active-order
 * record. The active record of [market, participant] carries the open order itself
 * (a copy of its order key, kept in step by Place and Amend) and, for a placement
 * with a clientOrderId, its digest: so a clearing reads every open order in one
 * range scan, and Place, Amend and Cancel find the caller's order in one read.
 */
import { Context } from 'fabric-contract-api';
import { Order } from '../domain/model';
import { KEY } from './keys';
import { read, write } from './state';
import { Json } from './validate';

/** Events are visible to every channel member: they carry no owner. */
export function publicOrderView(order: Order): Json {
  return { marketId: order.marketId, orderId: order.id, side: order.side, energyWh: order.energyWh, limitPrice: order.limitPrice, revision: order.revision, status: order.status };
}

/**
 * `[marketId, participantId]` → the one active order. Records written before the
 * order was folded in hold only `{ orderId }` (their client key was written at
 * placement): readers then read the order key.
 */
export interface ActiveRecord {
  orderId: string;
  order?: Order;
  /** The placement digest of `order.clientOrderId`; its client key is written only when the order is cancelled. */
  digest?: string;
}

export function readActive(ctx: Context, marketId: string, participantId: string): Promise<ActiveRecord | undefined> {
  return read<ActiveRecord>(ctx, KEY.active, [marketId, participantId]);
}

/** Writes the order key and its copy in the active record. */
export async function writeOpenOrder(ctx: Context, order: Order, digest: string | undefined): Promise<void> {
  const active: ActiveRecord = { orderId: order.id, order, ...(digest === undefined ? {} : { digest }) };
  await write(ctx, KEY.order, [order.marketId, order.id], order);
  await write(ctx, KEY.active, [order.marketId, order.participantId], active);
}
