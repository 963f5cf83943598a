/**
 * The ledger port over a Fabric network, through @hyperledger/fabric-gateway on one
 * TLS gRPC connection. Every call carries a deadline (GatewayPool); submits retry
 * read conflicts only (retry.ts); failures become the port's errors (errors.ts).
 */
import { promises as fs } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import type { ChaincodeEvent, Checkpoint } from '@hyperledger/fabric-gateway';
import type { EventCheckpoint, Ledger, LedgerEvent, LedgerIdentity, TransactionCall } from '../port';
import type { ConnectionProfile } from './connection-profile';
import { toLedgerError } from './errors';
import { GatewayPool, type Deadlines } from './gateway-pool';
import { retryReadConflicts } from './retry';

export interface FabricOptions extends Deadlines {
  maxRetries: number;
}

const decoder = new TextDecoder();

export async function createFabricLedger(profile: ConnectionProfile, options: FabricOptions): Promise<Ledger> {
  const tlsRootCert = await fs.readFile(profile.peer.tlsCACert);
  const channelOptions: grpc.ChannelOptions = profile.peer.hostAlias ? { 'grpc.ssl_target_name_override': profile.peer.hostAlias } : {};
  const client = new grpc.Client(profile.peer.endpoint, grpc.credentials.createSsl(tlsRootCert), channelOptions);
  return new FabricLedger(client, profile, options);
}

class FabricLedger implements Ledger {
  readonly kind = 'fabric' as const;
  private readonly pool: GatewayPool;

  constructor(
    private readonly client: grpc.Client,
    private readonly profile: ConnectionProfile,
    private readonly options: FabricOptions,
  ) {
    this.pool = new GatewayPool(client, options);
  }

  private contract(identity: LedgerIdentity, call: TransactionCall) {
    return this.pool.get(identity).getNetwork(this.profile.channel).getContract(this.profile.chaincode, call.contract);
  }

  async submit(identity: LedgerIdentity, call: TransactionCall): Promise<string> {
    try {
      const bytes = await retryReadConflicts(
        () => this.contract(identity, call).submit(call.transaction, { arguments: call.args }),
        this.options.maxRetries,
      );
      return decoder.decode(bytes);
    } catch (err) {
      throw toLedgerError(err);
    }
  }

  async evaluate(identity: LedgerIdentity, call: TransactionCall): Promise<string> {
    try {
      return decoder.decode(await this.contract(identity, call).evaluate(call.transaction, { arguments: call.args }));
    } catch (err) {
      throw toLedgerError(err);
    }
  }

  async *events(identity: LedgerIdentity, after: EventCheckpoint | undefined, signal: AbortSignal): AsyncIterable<LedgerEvent> {
    if (signal.aborted) return;
    const network = this.pool.get(identity).getNetwork(this.profile.channel);
    let stream;
    try {
      stream = await network.getChaincodeEvents(this.profile.chaincode, after ? { checkpoint: toCheckpoint(after) } : {});
    } catch (err) {
      throw toLedgerError(err);
    }
    const onAbort = () => stream.close();
    signal.addEventListener('abort', onAbort, { once: true });
    // Fabric does not report a transaction's index in its block; count events per block instead.
    let block = -1n;
    let index = 0;
    try {
      for await (const event of stream) {
        if (event.blockNumber !== block) {
          block = event.blockNumber;
          index = 0;
        }
        yield toLedgerEvent(event, index++);
      }
    } catch (err) {
      if (!signal.aborted) throw toLedgerError(err);
    } finally {
      signal.removeEventListener('abort', onAbort);
      stream.close();
    }
  }

  ready(): Promise<boolean> {
    return new Promise((resolve) => {
      this.client.waitForReady(Date.now() + Math.min(this.options.evaluateMs, 2000), (err) => resolve(!err));
    });
  }

  async close(): Promise<void> {
    this.pool.close();
    this.client.close();
  }
}

function toCheckpoint(after: EventCheckpoint): Checkpoint {
  return { getBlockNumber: () => after.blockNumber, getTransactionId: () => after.txId };
}

function toLedgerEvent(event: ChaincodeEvent, txIndex: number): LedgerEvent {
  const text = decoder.decode(event.payload);
  let payload: unknown = text;
  try {
    payload = text === '' ? null : JSON.parse(text);
  } catch {
    // Not JSON: deliver the text as is rather than drop the event.
  }
  return { name: event.eventName, payload, txId: event.transactionId, blockNumber: event.blockNumber, txIndex };
}
