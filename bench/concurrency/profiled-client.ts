/**
 * Fabric transactions step by step (fabric-gateway's fine-grained flow), to see
 * where a transaction's time goes: endorsement (both orgs' peers run the
 * chaincode), submission to the orderer, and the wait for the commit status
 * (ordering incl. BatchTimeout, Raft, block validation and commit). Built from the
 * adapter's own GatewayPool and error mapping; only its gRPC client differs, with a
 * receive limit raised for a large market close (the adapter keeps gRPC's 4 MiB default).
 */
import { promises as fs } from 'node:fs';
import { performance } from 'node:perf_hooks';
import * as grpc from '@grpc/grpc-js';
import { GatewayError, StatusCode } from '@hyperledger/fabric-gateway';
import type { ConnectionProfile } from '../../gateway-api/src/ledger/fabric/connection-profile';
import { toLedgerError } from '../../gateway-api/src/ledger/fabric/errors';
import { GatewayPool, type Deadlines } from '../../gateway-api/src/ledger/fabric/gateway-pool';
import { LedgerRefusal, type LedgerIdentity, type TransactionCall } from '../../gateway-api/src/ledger/port';
import { BenchFailure } from './classify';

export interface PhasedResult {
  result: Uint8Array;
  endorseMs: number;
  submitMs: number;
  commitMs: number;
  /** The endorsed transaction envelope sent to the orderer (read/write sets, endorsements, result). */
  txBytes: number;
  resultBytes: number;
  blockNumber: bigint;
}

/**
 * The adapter's error, but a refusal keeps which endorsing peers gave it (the
 * adapter drops that): it tells a business refusal from one peer lagging behind.
 */
function withEndorsers(err: unknown): Error {
  const mapped = toLedgerError(err);
  if (!(mapped instanceof LedgerRefusal) || !(err instanceof GatewayError) || err.details.length === 0) return mapped;
  const peers = err.details.map((d) => `${d.mspId}@${d.address}`).join(', ');
  return new BenchFailure(mapped.code, `${mapped.detail} [refused by ${peers}]`);
}

const RECEIVE_LIMIT = 256 * 1024 * 1024;

export class ProfiledClient {
  private constructor(
    private readonly client: grpc.Client,
    private readonly pool: GatewayPool,
    private readonly profile: ConnectionProfile,
  ) {}

  static async open(profile: ConnectionProfile, deadlines: Deadlines): Promise<ProfiledClient> {
    const tls = await fs.readFile(profile.peer.tlsCACert);
    const options: grpc.ChannelOptions = { 'grpc.max_receive_message_length': RECEIVE_LIMIT, 'grpc.max_send_message_length': RECEIVE_LIMIT };
    if (profile.peer.hostAlias) options['grpc.ssl_target_name_override'] = profile.peer.hostAlias;
    const client = new grpc.Client(profile.peer.endpoint, grpc.credentials.createSsl(tls), options);
    return new ProfiledClient(client, new GatewayPool(client, deadlines), profile);
  }

  async submit(identity: LedgerIdentity, contract: TransactionCall['contract'], transaction: string, ...args: string[]): Promise<PhasedResult> {
    const c = this.pool.get(identity).getNetwork(this.profile.channel).getContract(this.profile.chaincode, contract);
    try {
      const t0 = performance.now();
      const endorsed = await c.newProposal(transaction, { arguments: args }).endorse();
      const t1 = performance.now();
      const submitted = await endorsed.submit();
      const t2 = performance.now();
      const status = await submitted.getStatus();
      const t3 = performance.now();
      if (!status.successful) {
        const name = Object.entries(StatusCode).find(([, v]) => v === status.code)?.[0] ?? String(status.code);
        throw new BenchFailure(`NOT_COMMITTED:${name}`, `transaction ${status.transactionId} was not committed: ${name}`);
      }
      return {
        result: endorsed.getResult(),
        endorseMs: t1 - t0,
        submitMs: t2 - t1,
        commitMs: t3 - t2,
        txBytes: endorsed.getBytes().length,
        resultBytes: endorsed.getResult().length,
        blockNumber: status.blockNumber,
      };
    } catch (err) {
      throw err instanceof BenchFailure ? err : withEndorsers(err);
    }
  }

  close(): void {
    this.pool.close();
    this.client.close();
  }
}
