/**
 * RFC 9457 problem documents. `toProblem` is the single place where any thrown
 * value becomes an HTTP status and a body; it never copies an internal message
 * into a 5xx.
 */
import { STATUS_CODES } from 'node:http';
import type { FastifyError } from 'fastify';
import { LedgerRefusal, LedgerUnavailable } from '../ledger/port';
import { ApiError, type FieldError } from './api-error';
import { LEDGER_STATUS } from './ledger-status';
import { INSTANT_PATTERN } from '../schemas/formats';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  /** Stable machine-readable code (the ledger's, e.g. MARKET_NOT_OPEN, or the gateway's). */
  code: string;
  instance?: string;
  requestId?: string;
  errors?: FieldError[];
}

/** `MARKET_NOT_OPEN` → `urn:ecch:problem:market-not-open`: stable, and no invented web host. */
export function problemType(code: string): string {
  return `urn:ecch:problem:${code.toLowerCase().replace(/_/g, '-')}`;
}

function titleOf(code: string): string {
  const words = code.toLowerCase().replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function make(status: number, code: string, detail: string, errors?: FieldError[], title?: string): Problem {
  const problem: Problem = { type: problemType(code), title: title ?? titleOf(code), status, detail, code };
  if (errors) problem.errors = errors;
  return problem;
}

interface AjvIssue {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

const INSTANT_MESSAGE = 'must be a real RFC 3339 UTC time, e.g. 2026-06-21T10:00:00Z';

/**
 * One `{path, message}` per violated field, with the path pointing at the offending
 * field: a union of literals says which values it takes (not one line per branch),
 * and an instant's pattern and calendar check (schemas/formats.ts) say one thing.
 */
function fieldErrors(context: string, issues: AjvIssue[]): FieldError[] {
  const byPath = new Map<string, { messages: Set<string>; allowed: unknown[] }>();
  for (const issue of issues) {
    let path = `/${context}${issue.instancePath ?? ''}`;
    const params = issue.params ?? {};
    let message = issue.message ?? 'is invalid';
    if (issue.keyword === 'required' && typeof params.missingProperty === 'string') path += `/${params.missingProperty}`;
    if (issue.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
      path += `/${params.additionalProperty}`;
      message = 'is not a known field';
    }
    if ((issue.keyword === 'format' && params.format === 'date-time') || (issue.keyword === 'pattern' && params.pattern === INSTANT_PATTERN)) {
      message = INSTANT_MESSAGE;
    }
    const field = byPath.get(path) ?? { messages: new Set<string>(), allowed: [] };
    if (issue.keyword === 'const') field.allowed.push(params.allowedValue);
    else if (issue.keyword !== 'anyOf') field.messages.add(message);
    byPath.set(path, field);
  }
  const out: FieldError[] = [];
  for (const [path, field] of byPath) {
    // A union of literals: its branches' type and const failures all mean "not one of these".
    if (field.allowed.length > 0) out.push({ path, message: `must be one of ${field.allowed.map((v) => JSON.stringify(v)).join(', ')}` });
    else if (field.messages.size > 0) for (const message of field.messages) out.push({ path, message });
    else out.push({ path, message: 'must match one of the allowed shapes' });
  }
  return out;
}

function upperSnake(text: string): string {
  return text.toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^_|_$/g, '');
}

/**
 * Fastify's own refusals (routing, body parsing) by their FST_ code, under the
 * gateway's stable codes: a client matches `code`, never Fastify's message.
 */
const FASTIFY_CODES: Readonly<Record<string, string>> = {
  FST_ERR_BAD_URL: 'MALFORMED_URL',
  FST_ERR_MAX_PARAM_LENGTH: 'URI_TOO_LONG',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'MALFORMED_BODY',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MALFORMED_BODY',
  FST_ERR_CTP_INVALID_JSON_BODY: 'MALFORMED_BODY',
};

/** The stable code of a Fastify 4xx: from its FST_ code, else from its status (e.g. 429 → TOO_MANY_REQUESTS). */
function fastifyCode(fe: Partial<FastifyError>, status: number, text: string): string {
  const known = fe.code !== undefined ? FASTIFY_CODES[fe.code] : undefined;
  if (known) return known;
  // The JSON parser's own SyntaxError (bad JSON, __proto__ keys) carries no FST_ code.
  if (status === 400 && fe instanceof SyntaxError) return 'MALFORMED_BODY';
  return upperSnake(text);
}

export function toProblem(err: unknown): Problem {
  if (err instanceof ApiError) return make(err.status, err.code, err.detail, err.errors);
  if (err instanceof LedgerRefusal) return make(LEDGER_STATUS[err.code] ?? 500, err.code, err.detail);
  if (err instanceof LedgerUnavailable) {
    return make(503, 'LEDGER_UNAVAILABLE', 'the ledger is not answering; try again shortly');
  }
  const fe = err as Partial<FastifyError> & { validationContext?: string };
  if (Array.isArray(fe.validation)) {
    const errors = fieldErrors(fe.validationContext ?? 'request', fe.validation as AjvIssue[]);
    return make(400, 'VALIDATION_FAILED', 'the request does not match the schema; see errors', errors, 'Validation failed');
  }
  const status = typeof fe.statusCode === 'number' ? fe.statusCode : 500;
  if (status >= 400 && status < 500) {
    // Fastify's own 4xx (bad URL or JSON, wrong media type, body too large, rate limit): their messages are safe to show.
    const text = STATUS_CODES[status] ?? 'Client error';
    return make(status, fastifyCode(fe, status, text), fe.message ?? text, undefined, text);
  }
  return make(500, 'INTERNAL', 'an unexpected error occurred; quote the request id to the operator', undefined, 'Internal server error');
}
