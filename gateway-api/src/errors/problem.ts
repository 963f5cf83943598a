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

/** One `{path, message}` per schema violation, with the path pointing at the offending field. */
function fieldErrors(context: string, issues: AjvIssue[]): FieldError[] {
  return issues.map((issue) => {
    let path = `/${context}${issue.instancePath ?? ''}`;
    const params = issue.params ?? {};
    if (issue.keyword === 'required' && typeof params.missingProperty === 'string') path += `/${params.missingProperty}`;
    if (issue.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
      return { path: `${path}/${params.additionalProperty}`, message: 'is not a known field' };
    }
    return { path, message: issue.message ?? 'is invalid' };
  });
}

function upperSnake(text: string): string {
  return text.toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^_|_$/g, '');
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
    // Fastify's own 4xx (bad JSON, wrong media type, body too large, rate limit): their messages are safe to show.
    const text = STATUS_CODES[status] ?? 'Client error';
    return make(status, upperSnake(text), fe.message ?? text, undefined, text);
  }
  return make(500, 'INTERNAL', 'an unexpected error occurred; quote the request id to the operator', undefined, 'Internal server error');
}
