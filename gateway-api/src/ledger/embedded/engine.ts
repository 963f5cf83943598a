/**
 * Runs the ECCH chaincode's own contract classes in-process, through fabric-shim's
 * contract dispatcher (the same code path a peer's chaincode process takes), and
 * hands back its write set (the ledger commits it, group-commit.ts).
 */
import { muteRefusalLog } from './shim-logging';
import { createHash, randomBytes } from 'node:crypto';
import { JSONSerializer } from 'fabric-contract-api';
import { contracts, parseLedgerError } from '@ecch/chaincode';
import { LedgerRefusal } from '../port';
import { EmbeddedStub, TxContext, WriteSet } from './stub';
import type { StateView } from './view';

// fabric-shim's dispatcher is not part of its typed public API; it is the class the
// shim's bootstrap instantiates for `fabric-chaincode-node start|server`.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ChaincodeFromContract = require('fabric-shim/lib/contract-spi/chaincodefromcontract');

/**
 * fabric-shim's ClientIdentity parses the creator's certificate (@fidm/x509, pure-JS
 * ASN.1) on every invoke: profiled at ~3 % of the gateway's CPU for the same few
 * hundred certificates. Parsed once per certificate text here; ClientIdentity only
 * reads the parsed subject, issuer and extensions.
 */
function memoiseCertificateParsing(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Certificate } = require(require.resolve('@fidm/x509', { paths: [require.resolve('fabric-shim')] })) as {
    Certificate: { fromPEM(pem: string | Buffer): unknown; __ecchMemo?: true };
  };
  if (Certificate.__ecchMemo) return;
  Certificate.__ecchMemo = true;
  const parse = Certificate.fromPEM.bind(Certificate);
  const parsed = new Map<string, unknown>();
  Certificate.fromPEM = (pem) => {
    const key = pem.toString();
    let cert = parsed.get(key);
    if (cert === undefined) {
      cert = parse(pem);
      if (parsed.size >= 10_000) parsed.clear();
      parsed.set(key, cert);
    }
    return cert;
  };
}
memoiseCertificateParsing();

interface ShimResponse {
  status: number;
  message?: string;
  payload?: Uint8Array;
}

interface Dispatcher {
  Invoke(stub: unknown): Promise<ShimResponse>;
}

export const CHANNEL_ID = 'ecch';
export const CHAINCODE_NAME = 'ecch-market';

let dispatcher: Dispatcher | undefined;

function chaincode(): Dispatcher {
  if (!dispatcher) {
    const serializers = { transaction: 'jsonSerializer', serializers: { jsonSerializer: JSONSerializer } };
    dispatcher = new ChaincodeFromContract(contracts, serializers, {}, CHAINCODE_NAME, '0.1.0') as Dispatcher;
    muteRefusalLog();
  }
  return dispatcher;
}

/** Fabric's transaction id: hex SHA-256 of nonce ‖ creator. */
export function newTxId(certificate: string): string {
  return createHash('sha256').update(randomBytes(24)).update(certificate).digest('hex');
}

export interface Endorsement {
  payload: string;
  writeSet: WriteSet;
}

/** Simulates one transaction against `view` (the committed state, or a commit group's); nothing is written. */
export async function endorse(view: StateView, tx: TxContext, totalQueryLimit: number): Promise<Endorsement> {
  const stub = new EmbeddedStub(view, tx, totalQueryLimit);
  const response = await chaincode().Invoke(stub);
  if (response.status !== 200) {
    const message = response.message ?? 'transaction failed';
    const refusal = parseLedgerError(message);
    if (refusal) throw new LedgerRefusal(refusal.code, refusal.detail);
    // fabric-contract-api's own refusals (unknown contract or function, wrong argument count).
    throw new LedgerRefusal('INVALID_ARGUMENT', message);
  }
  if (stub.writeSet.paginated && stub.writeSet.writes.size > 0) {
    // Fabric's simulator refuses the same combination at the end of simulation.
    throw new Error('transaction has paginated queries and writes');
  }
  return { payload: Buffer.from(response.payload ?? []).toString('utf8'), writeSet: stub.writeSet };
}
