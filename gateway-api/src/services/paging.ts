/**
 * Paging. List transactions take (pageSize, bookmark) as strings, "" meaning the
 * ledger's default and the first page. The ledger's bookmark is a raw state key
 * (Fabric composite keys hold NUL bytes), which no client should have to carry
 * through a URL or a shell; so the gateway hands out an opaque, URL-safe cursor:
 * base64url (no padding) of the list it belongs to and the ledger's bookmark. A
 * cursor that does not decode, or belongs to another list (another market's
 * orders, another status filter), is a 400, never a page from the wrong place.
 */
import { badRequest } from '../errors/api-error';

export interface PageArgs {
  pageSize?: number;
  bookmark?: string;
}

export interface Page<T> {
  items: T[];
  bookmark: string;
}

/** Cursor = base64url(`${scope}\n${ledger bookmark}`); a scope (e.g. `orders:m1:all`) never holds a newline. */
const SEPARATOR = '\n';

export function encodeBookmark(scope: string, ledgerBookmark: string): string {
  if (ledgerBookmark === '') return '';
  return Buffer.from(`${scope}${SEPARATOR}${ledgerBookmark}`, 'utf8').toString('base64url');
}

const malformed = (why: string) => badRequest(`bookmark ${why}; pass back the bookmark of the previous page unchanged`, [{ path: '/querystring/bookmark', message: why }]);

/** The ledger's bookmark inside a cursor of this list; throws a 400 for anything else. */
export function decodeBookmark(scope: string, cursor: string): string {
  if (cursor === '') return '';
  const bytes = Buffer.from(cursor, 'base64url');
  const text = bytes.toString('utf8');
  const at = text.indexOf(SEPARATOR);
  // Buffer skips what is not base64url, and utf8 replaces what is not text: a cursor must survive both exactly.
  if (bytes.toString('base64url') !== cursor || !Buffer.from(text, 'utf8').equals(bytes) || at < 0 || at === text.length - 1) {
    throw malformed('is not a bookmark this gateway issued');
  }
  if (text.slice(0, at) !== scope) throw malformed('belongs to another list');
  return text.slice(at + 1);
}

/** The ledger's (pageSize, bookmark) arguments for one page of the list `scope`. */
export function pageArgs(page: PageArgs, scope: string): [string, string] {
  return [page.pageSize === undefined ? '' : String(page.pageSize), decodeBookmark(scope, page.bookmark ?? '')];
}

/** The page as the API shows it: the ledger's bookmark made opaque. */
export function toPage<T, U = T>(page: Page<T>, scope: string, map?: (item: T) => U): Page<U> {
  return { items: map ? page.items.map(map) : (page.items as unknown as U[]), bookmark: encodeBookmark(scope, page.bookmark) };
}
