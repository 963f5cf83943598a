/**
 * Shared schema primitives. Units follow market-rules.md §1: energy in Wh, prices
 * in µ/kWh, money in µ, all integers; times are RFC 3339 UTC strings.
 */
import { Type, type TSchema } from '@sinclair/typebox';
import { PROBLEM_CONTENT_TYPE } from '../errors/problem';

/** The chaincode's id rule (chaincode/src/ledger/validate.ts), checked here first for a clear 400. */
export const Id = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$',
  description: "1-64 letters, digits, '.', '_' or '-', starting with a letter or digit",
  examples: ['h01'],
});

export const Instant = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z$',
  description: 'RFC 3339 UTC time',
  examples: ['2026-06-21T10:00:00Z'],
});

export const EnergyWh = Type.Integer({ minimum: 1, description: 'energy in Wh (cap per market, default 1,000,000)' });
export const Price = Type.Integer({ minimum: 0, description: 'price in µ/kWh (0.13 QAR/kWh = 130000)' });
export const Money = Type.Integer({ description: 'money in µ; negative = owes' });
export const Side = Type.Union([Type.Literal('buy'), Type.Literal('sell')]);

export const IdParams = Type.Object({ id: Id });

/** Lists are paged on the ledger; pass `bookmark` back for the next page. */
export const PageQuery = {
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  bookmark: Type.Optional(Type.String({ maxLength: 1024 })),
};
export const Bookmark = Type.String({ description: 'pass as ?bookmark= for the next page; "" when this was the last' });

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
  400: 'the request does not match the schema (errors[] names each field)',
  401: 'missing or unknown bearer token',
  403: 'the token is known but may not do this',
  404: 'no such resource',
  409: 'refused by the current state (lifecycle, duplicate, not open, ...)',
  422: 'refused by a business rule (limit outside [S, B], energy out of range, ...)',
  429: 'too many requests; retry after the time in the retry-after header',
  503: 'the ledger is not answering',
};

/** Problem responses for a route (400, 429 and 503 always), served as application/problem+json. */
export function problems(...statuses: number[]): Record<number, unknown> {
  const out: Record<number, unknown> = {};
  for (const status of [400, ...statuses, 429, 503]) {
    out[status] = {
      description: DESCRIPTIONS[status] ?? 'error',
      content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: 'Problem#' } } },
    };
  }
  return out;
}
