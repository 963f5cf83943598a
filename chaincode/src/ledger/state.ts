/**
 * Typed state access over the chaincode stub: canonical JSON in and out,
 * composite keys by name, paged reads.
 */
import { Context } from 'fabric-contract-api';
import { LedgerError } from '../domain/errors';
import { fromBytes, toBytes } from './json';
import { KeyType } from './keys';

export const MAX_PAGE_SIZE = 1000;
export const DEFAULT_PAGE_SIZE = 100;
/**
 * The peers' `ledger.state.totalQueryLimit` (network/config/core.yaml). Fabric cuts an
 * unpaged range query at this many records without an error, so every unpaged scan
 * here is bounded below it by construction, and refuses when it reaches it.
 */
export const TOTAL_QUERY_LIMIT = 100_000;

export function key(ctx: Context, type: KeyType, parts: string[]): string {
  return ctx.stub.createCompositeKey(type, parts);
}

export async function read<T>(ctx: Context, type: KeyType, parts: string[]): Promise<T | undefined> {
  const bytes = await ctx.stub.getState(key(ctx, type, parts));
  if (!bytes || bytes.length === 0) return undefined;
  return fromBytes<T>(bytes);
}

export async function readRequired<T>(ctx: Context, type: KeyType, parts: string[], what: string): Promise<T> {
  const value = await read<T>(ctx, type, parts);
  if (value === undefined) throw new LedgerError('NOT_FOUND', `${what} does not exist`);
  return value;
}

export async function write(ctx: Context, type: KeyType, parts: string[], value: unknown): Promise<void> {
  await ctx.stub.putState(key(ctx, type, parts), toBytes(value));
}

interface ShimIterator<V> {
  next(): Promise<{ value: V; done?: boolean }>;
  close(): Promise<void>;
}

/** Reads a shim iterator to its end, mapping each element, and always closes it. */
export async function drain<V, T>(iterator: ShimIterator<V>, map: (value: V) => T): Promise<T[]> {
  const out: T[] = [];
  try {
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) out.push(map(r.value));
  } finally {
    await iterator.close();
  }
  return out;
}

/** A scan that reached the query limit may have been cut by Fabric: refuse rather than act on part of it. */
function bounded<T>(items: T[], what: string): T[] {
  if (items.length >= TOTAL_QUERY_LIMIT) {
    throw new LedgerError('QUERY_LIMIT_REACHED', `${what}: ${items.length} records reach the ledger's query limit (${TOTAL_QUERY_LIMIT})`);
  }
  return items;
}

/**
 * Every record under a partial key, in key order, for write transactions that must
 * see a whole set. Callers scan only sets that are bounded by construction (the
 * active orders of one market, the markets of one day).
 */
export async function scanAll<T>(ctx: Context, type: KeyType, parts: string[]): Promise<T[]> {
  return bounded(await drain(await ctx.stub.getStateByPartialCompositeKey(type, parts), (kv) => fromBytes<T>(kv.value)), type);
}

/** Like scanAll, with each record's key attributes (for index keys whose value is empty). */
export async function scanKeys(ctx: Context, type: KeyType, parts: string[]): Promise<{ attributes: string[]; value: Uint8Array }[]> {
  const items = await drain(await ctx.stub.getStateByPartialCompositeKey(type, parts), (kv) => ({
    attributes: ctx.stub.splitCompositeKey(kv.key).attributes,
    value: kv.value,
  }));
  return bounded(items, type);
}

/** Every record in a simple-key range [start, end), for write transactions (bounded like scanAll). */
export async function scanRange<T>(ctx: Context, start: string, end: string): Promise<T[]> {
  return bounded(await drain(await ctx.stub.getStateByRange(start, end), (kv) => fromBytes<T>(kv.value)), 'range');
}

/**
 * Walks a simple-key range page by page (read-only transactions only), so the
 * query limit never cuts it: Fabric caps each page at the limit and hands back the
 * next key as the bookmark ("" at the end).
 */
export async function walkRange<T>(ctx: Context, start: string, end: string, visit: (value: T) => void): Promise<void> {
  let bookmark = '';
  for (;;) {
    const page = await rangePage<T>(ctx, start, end, MAX_PAGE_SIZE, bookmark);
    page.items.forEach(visit);
    if (page.items.length === 0 || page.bookmark === '' || page.bookmark === bookmark) return;
    bookmark = page.bookmark;
  }
}

/**
 * A peer starts a paged query at the bookmark, whatever range was asked for, so a
 * crafted bookmark before the range would read other participants' keys: a bookmark
 * must lie inside the range it continues.
 */
function requireInside(bookmark: string, start: string, end: string): void {
  if (bookmark !== '' && !(bookmark >= start && bookmark < end)) {
    throw new LedgerError('INVALID_ARGUMENT', 'bookmark does not continue this list: pass back the bookmark of its previous page');
  }
}

/** One page of a simple-key range [start, end) (read-only transactions only). */
export async function rangePage<T>(ctx: Context, start: string, end: string, pageSize: number, bookmark: string): Promise<Page<T>> {
  requireInside(bookmark, start, end);
  const { iterator, metadata } = await ctx.stub.getStateByRangeWithPagination(start, end, pageSize, bookmark);
  const items = await drain(iterator, (kv) => fromBytes<T>(kv.value));
  return { items, bookmark: metadata?.bookmark ?? '' };
}

export interface Page<T> {
  items: T[];
  /** Pass back to get the next page; "" when there is none. */
  bookmark: string;
}

export function parsePageSize(raw: string | undefined): number {
  if (raw === undefined || raw === '') return DEFAULT_PAGE_SIZE;
  if (!/^[0-9]+$/.test(raw)) throw new LedgerError('INVALID_ARGUMENT', `pageSize must be a positive integer, got "${raw}"`);
  const n = Number(raw);
  if (n < 1 || n > MAX_PAGE_SIZE) throw new LedgerError('INVALID_ARGUMENT', `pageSize must be between 1 and ${MAX_PAGE_SIZE}`);
  return n;
}

/** A bookmark of a partial-key query is a key under that partial key. */
function requirePrefix(ctx: Context, type: KeyType, parts: string[], bookmark: string): void {
  const prefix = key(ctx, type, parts);
  requireInside(bookmark, prefix, `${prefix}\u{10FFFF}`);
}

/**
 * One page under a partial key (read-only transactions only, as in Fabric). Fabric's
 * bookmark is the key after the page, "" when there is none; a page can be shorter
 * than asked (the peer caps it at its query limit) and still have a next one.
 */
async function partialPage<T>(
  ctx: Context,
  type: KeyType,
  parts: string[],
  pageSize: number,
  bookmark: string,
  map: (kv: { key: string; value: Uint8Array }) => T,
): Promise<Page<T>> {
  requirePrefix(ctx, type, parts, bookmark);
  const { iterator, metadata } = await ctx.stub.getStateByPartialCompositeKeyWithPagination(type, parts, pageSize, bookmark);
  return { items: await drain(iterator, map), bookmark: metadata?.bookmark ?? '' };
}

/** One page of records under a partial key. */
export function scanPage<T>(ctx: Context, type: KeyType, parts: string[], pageSize: number, bookmark: string): Promise<Page<T>> {
  return partialPage(ctx, type, parts, pageSize, bookmark, (kv) => fromBytes<T>(kv.value));
}

/** One page of an index under a partial key: each record's key attributes. */
export function indexPage(ctx: Context, type: KeyType, parts: string[], pageSize: number, bookmark: string): Promise<Page<string[]>> {
  return partialPage(ctx, type, parts, pageSize, bookmark, (kv) => ctx.stub.splitCompositeKey(kv.key).attributes);
}

/** Index keys carry no value; Fabric treats an empty value as a delete, so they hold one byte. */
export async function writeIndex(ctx: Context, type: KeyType, parts: string[]): Promise<void> {
  await ctx.stub.putState(key(ctx, type, parts), Buffer.from('1'));
}

export async function remove(ctx: Context, type: KeyType, parts: string[]): Promise<void> {
  await ctx.stub.deleteState(key(ctx, type, parts));
}
