/**
 * Ledger events as server-sent events. The SSE id is `<block>.<txId>`: a client that
 * reconnects with Last-Event-ID resumes right after that transaction.
 */
import type { Principal } from '../auth/principal';
import type { EventCheckpoint, LedgerEvent } from '../ledger/port';

export interface SseMessage {
  id?: string;
  event: string;
  data: string;
}

/** What Last-Event-ID must look like (checked by the route's header schema). */
export const EVENT_ID_PATTERN = '^[0-9]{1,20}(\\.[A-Za-z0-9_-]{1,128})?$';

export function eventId(e: LedgerEvent): string {
  return `${e.blockNumber}.${e.txId}`;
}

export function parseEventId(id: string | undefined): EventCheckpoint | undefined {
  if (id === undefined || id === '') return undefined;
  const dot = id.indexOf('.');
  const blockNumber = BigInt(dot < 0 ? id : id.slice(0, dot));
  return dot < 0 ? { blockNumber } : { blockNumber, txId: id.slice(dot + 1) };
}

/**
 * Households see the market and its (owner-less) order events, and the auctions' (whose
 * bid events name no bidder and no maximum); who was disqualified is the NA's to know.
 * The NA sees everything.
 */
export function visibleTo(principal: Principal, e: LedgerEvent): boolean {
  if (principal.role === 'na') return true;
  if (e.name.startsWith('auction.')) return e.name !== 'auction.disqualified';
  return e.name.startsWith('market.') || e.name.startsWith('order.');
}

interface CancelledMarket {
  market: unknown;
  voidedOrders: unknown[];
}

function isCancelledMarket(payload: unknown): payload is CancelledMarket {
  const p = payload as Partial<CancelledMarket> | null;
  return typeof p === 'object' && p !== null && 'market' in p && Array.isArray(p.voidedOrders);
}

/**
 * Fabric keeps one chaincode event per transaction, so a transaction that means
 * several things carries them in one payload and the gateway announces each (all
 * with the transaction's id, so a client resuming after it has seen them all):
 * - the clearing emits `market.closed` with the settlement summary; api.md also
 *   announces `market.settled` (same data);
 * - a market's cancellation emits `market.cancelled` with `{market, voidedOrders}`:
 *   announced as `market.cancelled` (data: the market, as before) and one
 *   `order.cancelled` per voided order (data: that order's owner-less view).
 */
export function toSseMessages(e: LedgerEvent): SseMessage[] {
  const id = eventId(e);
  if (e.name === 'market.cancelled' && isCancelledMarket(e.payload)) {
    const { market, voidedOrders } = e.payload;
    return [
      { id, event: 'market.cancelled', data: JSON.stringify(market) },
      ...voidedOrders.map((order) => ({ id, event: 'order.cancelled', data: JSON.stringify(order) })),
    ];
  }
  const data = JSON.stringify(e.payload ?? null);
  const messages: SseMessage[] = [{ id, event: e.name, data }];
  if (e.name === 'market.closed') messages.push({ id, event: 'market.settled', data });
  return messages;
}

export function formatSse(m: SseMessage): string {
  // data never holds a newline: it is single-line JSON.
  return `${m.id !== undefined ? `id: ${m.id}\n` : ''}event: ${m.event}\ndata: ${m.data}\n\n`;
}
