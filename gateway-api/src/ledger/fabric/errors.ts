/**
 * Fabric client errors → the port's errors. The chaincode's refusal travels inside
 * the peer's message as `chaincode response 500, CODE: detail`; we take the code
 * from that structure (never a status from free text), and everything else the
 * network does wrong is LedgerUnavailable.
 */
// First: keeps fabric-contract-api's import-time decorator logging quiet (the chaincode package loads its contracts).
import '../embedded/shim-logging';
import { CommitError, GatewayError, StatusCode } from '@hyperledger/fabric-gateway';
import { parseLedgerError } from '@ecch/chaincode';
import { LedgerRefusal, LedgerUnavailable } from '../port';

const CHAINCODE_RESPONSE = 'chaincode response ';

/** The chaincode's `CODE: detail` inside a peer message, if there is one. */
export function refusalIn(message: string): LedgerRefusal | undefined {
  const at = message.lastIndexOf(CHAINCODE_RESPONSE);
  const candidates = at >= 0 ? [message.slice(message.indexOf(', ', at) + 2)] : [];
  candidates.push(message);
  for (const text of candidates) {
    const parsed = parseLedgerError(text);
    if (parsed) return new LedgerRefusal(parsed.code, parsed.detail);
  }
  return undefined;
}

export function toLedgerError(err: unknown): Error {
  if (err instanceof LedgerRefusal || err instanceof LedgerUnavailable) return err;
  if (err instanceof GatewayError) {
    for (const detail of err.details) {
      const refusal = refusalIn(detail.message);
      if (refusal) return refusal;
    }
    return refusalIn(err.message) ?? new LedgerUnavailable(`Fabric gateway call failed (gRPC ${err.code})`, { cause: err });
  }
  if (err instanceof CommitError) {
    const name = Object.entries(StatusCode).find(([, code]) => code === err.code)?.[0] ?? String(err.code);
    return new LedgerUnavailable(`transaction ${err.transactionId} was not committed: ${name}`, { cause: err });
  }
  return err instanceof Error ? err : new Error(String(err));
}
