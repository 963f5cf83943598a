/** What an order looks like to everyone but its owner. */
import { Order } from '../domain/model';
import { Json } from './validate';

/** Events are visible to every channel member: they carry no owner. */
export function publicOrderView(order: Order): Json {
  return { marketId: order.marketId, orderId: order.id, side: order.side, energyWh: order.energyWh, limitPrice: order.limitPrice, revision: order.revision, status: order.status };
}
