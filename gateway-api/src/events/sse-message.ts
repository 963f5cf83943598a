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

/** Households see the market and its (owner-less) order events; the NA sees everything. */
export function visibleTo(principal: Principal, e: LedgerEvent): boolean {
  return principal.role === 'na' || e.name.startsWith('market.') || e.name.startsWith('order.');
}

/**
 * Fabric keeps one chaincode event per transaction, so the close transaction emits
 * `market.closed` carrying the settlement summary; api.md also announces
 * `market.settled`, which the gateway derives from it (same id, same data).
 */
export function toSseMessages(e: LedgerEvent): SseMessage[] {
  const id = eventId(e);
  const data = JSON.stringify(e.payload ?? null);
  const messages: SseMessage[] = [{ id, event: e.name, data }];
  if (e.name === 'market.closed') messages.push({ id, event: 'market.settled', data });
  return messages;
}

export function formatSse(m: SseMessage): string {
  // data never holds a newline: it is single-line JSON.
  return `${m.id !== undefined ? `id: ${m.id}\n` : ''}event: ${m.event}\ndata: ${m.data}\n\n`;
}
