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

/** Every record under a partial key, in key order (for transactions that must see all, e.g. close). */
export async function scanAll<T>(ctx: Context, type: KeyType, parts: string[]): Promise<T[]> {
  return drain(await ctx.stub.getStateByPartialCompositeKey(type, parts), (kv) => fromBytes<T>(kv.value));
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

/** One page of records under a partial key (read-only transactions only, as in Fabric). */
export async function scanPage<T>(
  ctx: Context,
  type: KeyType,
  parts: string[],
  pageSize: number,
  bookmark: string,
): Promise<Page<T>> {
  const { iterator, metadata } = await ctx.stub.getStateByPartialCompositeKeyWithPagination(type, parts, pageSize, bookmark);
  const items = await drain(iterator, (kv) => fromBytes<T>(kv.value));
  // Fabric returns the last key as bookmark even on the final page; report "" when the page was short.
  const next = items.length < pageSize ? '' : metadata.bookmark;
  return { items, bookmark: next };
}
