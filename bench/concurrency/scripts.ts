/**
 * What one agent does in a round. Orders: PLACE, then AMEND the order just placed
 * (an amend needs the committed order, so it is sent after the place's answer).
 * Baselines: two diagnostics transactions in a row, the same number of
 * transactions per agent as the orders.
 */
import type { LedgerIdentity } from '../../gateway-api/src/ledger/port';
import type { GatewayApi } from '../../simulator/src/gateway/api';
import type { AdapterSession } from './adapter-session';
import type { AgentScript } from './round';
import { amendmentFor, orderFor } from './workload';

export function restOrders(api: GatewayApi, tokens: readonly string[], marketId: string, seed: number): AgentScript {
  return async (agent, { timed, skip }) => {
    const token = tokens[agent] as string;
    const body = orderFor(seed, agent);
    const placed = await timed('place', () => api.placeOrder(token, marketId, body));
    if (!placed) return skip('amend', 'PLACE_FAILED');
    await timed('amend', () => api.amendOrder(token, marketId, placed.order.id, amendmentFor(body)));
  };
}

export function adapterOrders(session: AdapterSession, who: readonly LedgerIdentity[], marketId: string, seed: number): AgentScript {
  return async (agent, { timed, skip }) => {
    const identity = who[agent] as LedgerIdentity;
    const body = orderFor(seed, agent);
    const placed = await timed('place', () => session.submit(identity, 'orders', 'Place', marketId, JSON.stringify(body)));
    if (!placed) return skip('amend', 'PLACE_FAILED');
    const orderId = (JSON.parse(placed) as { order: { id: string } }).order.id;
    await timed('amend', () => session.submit(identity, 'orders', 'Amend', marketId, orderId, JSON.stringify(amendmentFor(body))));
  };
}

export function adapterBaseline(session: AdapterSession, who: readonly LedgerIdentity[], transaction: 'Touch' | 'Ping'): AgentScript {
  const op = transaction.toLowerCase();
  return async (agent, { timed }) => {
    const identity = who[agent] as LedgerIdentity;
    for (let i = 0; i < 2; i++) await timed(op, () => session.submit(identity, 'diagnostics', transaction));
  };
}
