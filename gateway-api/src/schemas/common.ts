/**
 * Shared schema primitives. Units follow market-rules.md §1: energy in Wh, prices
 * in µ/kWh, money in µ, all integers; times are RFC 3339 UTC strings.
 */
import { Type, type TSchema } from '@sinclair/typebox';
import { PROBLEM_CONTENT_TYPE } from '../errors/problem';
import { INSTANT_PATTERN } from './formats';

/** The chaincode's id rule (chaincode/src/ledger/validate.ts), checked here first for a clear 400. */
export const Id = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$',
  description: "1-64 letters, digits, '.', '_' or '-', starting with a letter or digit",
  examples: ['h01'],
});

/** A real calendar moment, not just the shape of one (schemas/formats.ts). */
export const instant = (description = 'RFC 3339 UTC time (a real calendar date; 2026-02-30 is refused)') =>
  Type.String({ format: 'date-time', pattern: INSTANT_PATTERN, description, examples: ['2026-06-21T10:00:00Z'] });
export const Instant = instant();

export const EnergyWh = Type.Integer({ minimum: 1, description: 'energy in Wh (cap per market, default 1,000,000)' });
export const Price = Type.Integer({ minimum: 0, description: 'price in µ/kWh (0.13 QAR/kWh = 130000)' });
export const Money = Type.Integer({ description: 'money in µ; negative = owes' });
export const Side = Type.Union([Type.Literal('buy'), Type.Literal('sell')]);

export const IdParams = Type.Object({ id: Id });

/** base64url without padding: what services/paging.ts hands out, safe in a URL as is. */
export const BOOKMARK_PATTERN = '^[A-Za-z0-9_-]*$';

/**
 * Lists are paged on the ledger; pass `bookmark` back for the next page. Query values
 * arrive as text: pageSize is converted only when it is plain decimal digits
 * (plugins/app/strict-input.ts), so `?pageSize=abc` or `0x10` is a 400, not a guess.
 */
export const PageQuery = {
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100, description: 'items per page, 1-1000' })),
  bookmark: Type.Optional(
    Type.String({ pattern: BOOKMARK_PATTERN, maxLength: 2048, description: 'the `bookmark` of the previous page, exactly as it was returned' }),
  ),
};
export const Bookmark = Type.String({
  pattern: BOOKMARK_PATTERN,
  description: 'opaque and URL-safe: pass as ?bookmark= for the next page; "" when this was the last',
});

export function ListOf<T extends TSchema>(item: T) {
  return Type.Object({ items: Type.Array(item), bookmark: Bookmark });
}

export const FieldError = Type.Object({ path: Type.String(), message: Type.String() });

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String({ description: 'stable code, e.g. MARKET_NOT_OPEN' }),
    instance: Type.Optional(Type.String()),
    requestId: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(FieldError)),
  },
  { $id: 'Problem', description: 'RFC 9457 problem details' },
);

const DESCRIPTIONS: Record<number, string> = {
  400: 'the request does not match the schema (errors[] names each field), or its URL or body is malformed',
  401: 'missing or unknown bearer token',
  403: 'the token is known but may not do this',
  404: 'no such resource (or its parent does not exist)',
  409: 'refused by the current state (lifecycle, duplicate, not open, overlapping market, ...)',
  413: 'the body, or an argument the ledger limits, is too large',
  414: 'a path parameter is far longer than any valid one',
  415: 'the body is not application/json',
  422: 'refused by a business rule (limit outside [S, B], energy out of range, reused idempotency key, ...)',
  429: 'too many requests; retry after the time in the retry-after header',
  500: 'an unexpected failure; quote requestId',
  503: 'the ledger is not answering',
};

/** One problem response, served as application/problem+json. */
export function problemResponse(status: number): unknown {
  return {
    description: DESCRIPTIONS[status] ?? 'error',
    content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: 'Problem#' } } },
  };
}

/**
 * Problem responses a route declares for its own reasons (404, 409, 422, ...); 400
 * and 503 always. What every route can answer (401/403 behind a token, 413/415 with
 * a body, 429, 500) is added to every route by plugins/app/route-responses.ts.
 */
export function problems(...statuses: number[]): Record<number, unknown> {
  const out: Record<number, unknown> = {};
  for (const status of [400, ...statuses, 503]) out[status] = problemResponse(status);
  return out;
}
