/**
 * Failure → a stable code for the report. REST: the problem's `code` (the ledger's
 * or the gateway's). Adapter: the chaincode's refusal code, or for a network
 * failure the gRPC status / commit status underneath LedgerUnavailable, which the
 * REST problem (LEDGER_UNAVAILABLE, 503) deliberately hides from clients.
 */
import { CommitError, GatewayError, StatusCode } from '@hyperledger/fabric-gateway';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { LedgerRefusal } from '../../gateway-api/src/ledger/port';
import { ApiError } from '../../simulator/src/gateway/http';
import type { Failure } from './round';

/** A failure the benchmark itself detected, with its code (e.g. a commit status that is not VALID). */
export class BenchFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'BenchFailure';
  }
}

const grpcName = (code: number) => GrpcStatus[code] ?? String(code);
const commitName = (code: number) => Object.entries(StatusCode).find(([, c]) => c === code)?.[0] ?? String(code);
const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Errors from the ledger port (either adapter). */
export function classifyLedgerError(err: unknown): Failure {
  if (err instanceof LedgerRefusal) return { code: err.code, detail: err.detail };
  if (err instanceof BenchFailure) return { code: err.code, detail: err.message };
  const cause = err instanceof Error ? err.cause : undefined;
  if (cause instanceof CommitError) return { code: `NOT_COMMITTED:${commitName(cause.code)}`, detail: cause.message };
  if (cause instanceof GatewayError) {
    const details = cause.details.map((d) => `${d.address}: ${d.message}`).join('; ');
    return { code: `GRPC:${grpcName(cause.code)}`, detail: `${cause.message}${details ? ` [${details}]` : ''}` };
  }
  return { code: err instanceof Error ? `ERROR:${err.name}` : 'ERROR', detail: message(err) };
}

/** Errors from the REST client (simulator/src/gateway/http.ts). */
export function classifyRestError(err: unknown): Failure {
  if (err instanceof ApiError) {
    const problem = err.problem as { code?: unknown; detail?: string } | undefined;
    const code = typeof problem?.code === 'string' ? problem.code : `HTTP_${err.status}`;
    return { code, detail: err.message };
  }
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return { code: 'CLIENT_TIMEOUT', detail: err.message };
  const cause = err instanceof Error ? (err.cause as { code?: string } | undefined) : undefined;
  return { code: `NETWORK:${cause?.code ?? (err instanceof Error ? err.name : 'ERROR')}`, detail: message(err) };
}
