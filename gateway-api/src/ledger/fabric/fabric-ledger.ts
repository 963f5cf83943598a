/**
 * The ledger port over a Fabric network, through @hyperledger/fabric-gateway on one
 * TLS gRPC connection per Gateway peer of the gateway's org (endpoints.ts: the next
 * one takes over when the current one is down). Every call carries a deadline
 * (GatewayPool); a submit is endorsed, ordered and awaited step by step so that each
 * step retries only what is safe to repeat (retry.ts), and moves to another peer only
 * what is safe there; failures become the port's errors (errors.ts).
 */
// First: the chaincode package (loaded through errors.ts for its error codes) logs
// every contract decorator at import unless the shim's level is set beforehand.
import '../embedded/shim-logging';
import { promises as fs } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { CommitError, GatewayError, StatusCode, type ChaincodeEvent, type Checkpoint, type Commit, type Status, type Transaction } from '@hyperledger/fabric-gateway';
import type { EventCheckpoint, Ledger, LedgerEvent, LedgerIdentity, OfflineSigning, TransactionCall } from '../port';
import type { ConnectionProfile, PeerEndpoint } from './connection-profile';
import { Endpoints, isEndpointDown, type Endpoint } from './endpoints';
import { chainHeight } from './chain-info';
import { FabricOfflineSigning } from './offline-signing';
import { toLedgerError } from './errors';
import { GatewayPool, type Deadlines } from './gateway-pool';
import { isOrderingUnavailable, refusedOnlyByOtherOrgs, retryReadConflicts, retryWithin } from './retry';
import { Semaphore } from './semaphore';

export interface FabricOptions extends Deadlines {
  maxRetries: number;
}

const decoder = new TextDecoder();

/**
 * gRPC message limit in both directions, as the peers' own (core.yaml
 * peer.maxRecvMsgSize / maxSendMsgSize, 100 MiB). grpc-js receives at most 4 MiB by
 * default, and the Gateway's answer to endorsing a market close carries the whole
 * prepared transaction (result + write set): ≈ 7 MB for the largest clearing, 10,000
 * orders (bench/results/close.md).
 */
export const MAX_MESSAGE_BYTES = 100 * 1024 * 1024;

/**
 * Calls this gateway has in flight to its peer at once; the rest wait here, where no
 * deadline runs. The peer refuses Gateway calls beyond core.yaml's
 * peer.limits.concurrency.gatewayService (500) with "too many requests", and a call
 * admitted to a saturated peer waits there against its endorsement deadline: with 400
 * in flight and the peer working through ~50 a second, REST calls of a 1000-household
 * burst outlived the 15 s (bench/results/concurrency-r8.md). 200 still keeps the peer
 * saturated (it needs ~15 in flight at its unloaded latency) and halves that wait
 * (bench/results/concurrency-r9.md).
 */
export const MAX_IN_FLIGHT = 200;

/** How long an endorsement refused only by lagging peers of other organisations is retried. */
export const LAGGING_PEER_BUDGET_MS = 3000;

export function channelOptions(profile: Pick<ConnectionProfile, 'peer'>): grpc.ChannelOptions {
  return peerChannelOptions(profile.peer);
}

function peerChannelOptions(peer: PeerEndpoint): grpc.ChannelOptions {
  return {
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
    ...(peer.hostAlias ? { 'grpc.ssl_target_name_override': peer.hostAlias } : {}),
  };
}

/**
 * The identity the adapter reads the chain height as: a client of the gateway's
 * organisation that the chaincode grants nothing (the gateway's registrar).
 */
export type ObserverIdentity = () => Promise<LedgerIdentity>;

export async function createFabricLedger(profile: ConnectionProfile, options: FabricOptions, observer: ObserverIdentity): Promise<Ledger> {
  const endpoints: Endpoint[] = [];
  for (const peer of [profile.peer, ...(profile.fallbackPeers ?? [])]) {
    const client = new grpc.Client(peer.endpoint, grpc.credentials.createSsl(await fs.readFile(peer.tlsCACert)), peerChannelOptions(peer));
    endpoints.push({ name: peer.endpoint, client, pool: new GatewayPool(client, options) });
  }
  return new FabricLedger(new Endpoints(endpoints), profile, options, observer);
}

class FabricLedger implements Ledger {
  readonly kind = 'fabric' as const;
  private readonly inFlight = new Semaphore(MAX_IN_FLIGHT);
  /** Households that sign their own transactions (offline-signing.ts). */
  readonly offline: OfflineSigning;

  constructor(
    private readonly endpoints: Endpoints,
    private readonly profile: ConnectionProfile,
    private readonly options: FabricOptions,
    private readonly observerIdentity: ObserverIdentity,
  ) {
    // Offline-signed calls go to the current peer (a household's own signatures cannot be
    // redone here); another call's failover moves them along.
    const pool = { unsigned: (creator: Parameters<GatewayPool['unsigned']>[0]) => endpoints.current.pool.unsigned(creator) };
    this.offline = new FabricOfflineSigning({ pool, inFlight: this.inFlight, profile, ...options, laggingPeerBudgetMs: LAGGING_PEER_BUDGET_MS });
  }

  private contract(endpoint: Endpoint, identity: LedgerIdentity, call: TransactionCall) {
    return endpoint.pool.get(identity).getNetwork(this.profile.channel).getContract(this.profile.chaincode, call.contract);
  }

  /**
   * A failure worth repeating on the same peer: with one peer, `base` as before; with
   * several, not when the peer itself is down (that is the next peer's turn).
   */
  private samePeer(endpoint: Endpoint, base: (err: unknown) => boolean): (err: unknown) => boolean {
    return (err) => base(err) && !(this.endpoints.redundant && isEndpointDown(err, endpoint.client));
  }

  async submit(identity: LedgerIdentity, call: TransactionCall): Promise<string> {
    try {
      const bytes = await this.inFlight.run(() => retryReadConflicts(() => this.submitOnce(identity, call), this.options.maxRetries));
      return decoder.decode(bytes);
    } catch (err) {
      throw toLedgerError(err);
    }
  }

  /**
   * Endorse, order, wait for the commit. The ordering step is repeated with the same
   * signed transaction while no orderer takes it (a Raft leader election lasts a few
   * seconds), within (FABRIC_MAX_RETRIES + 1) × FABRIC_SUBMIT_TIMEOUT_MS; the commit
   * status is asked again if the connection to the peer dropped while waiting.
   *
   * When the Gateway peer is down: an endorsement is made anew on the next peer (the
   * failed proposal never became a transaction); a transaction is sent on through the
   * next peer as the same signed envelope, never a new one (so if the first copy was
   * ordered after all, the second is DUPLICATE_TXID and changes nothing); its fate is
   * then asked by transaction id from the peer that is up.
   */
  private async submitOnce(identity: LedgerIdentity, call: TransactionCall): Promise<Uint8Array> {
    const endorsed = await this.endpoints.run(async (endpoint) => {
      const proposal = this.contract(endpoint, identity, call).newProposal(call.transaction, { arguments: call.args });
      const transaction = await retryWithin(() => proposal.endorse(), {
        budgetMs: this.options.maxRetries === 0 ? 0 : LAGGING_PEER_BUDGET_MS,
        baseDelayMs: 100,
        maxDelayMs: 500,
        retryable: (err) => refusedOnlyByOtherOrgs(err, this.profile.mspId),
      });
      return { endpoint, transaction };
    });
    let latest: { endpoint: Endpoint; transaction: Transaction } = endorsed;
    const budgetMs = this.options.maxRetries === 0 ? 0 : (this.options.maxRetries + 1) * this.options.submitMs;
    const submitted = await this.endpoints.run(async (endpoint) => {
      if (endpoint !== latest.endpoint) {
        // Signed by the first attempt's submit: the bytes carry that signature.
        latest = { endpoint, transaction: endpoint.pool.get(identity).newTransaction(latest.transaction.getBytes()) };
      }
      const { transaction } = latest;
      const commit = await retryWithin(() => transaction.submit(), { budgetMs, retryable: this.samePeer(endpoint, isOrderingUnavailable) });
      return { endpoint, commit: commit as Commit };
    });
    let asked = submitted;
    const status = await this.endpoints.run((endpoint) => {
      if (endpoint !== asked.endpoint) asked = { endpoint, commit: endpoint.pool.get(identity).newCommit(asked.commit.getBytes()) };
      const { commit } = asked;
      return retryWithin(() => commit.getStatus(), {
        budgetMs: this.options.maxRetries === 0 ? 0 : this.options.commitStatusMs,
        retryable: this.samePeer(endpoint, (err) => err instanceof GatewayError && err.code === grpc.status.UNAVAILABLE),
      });
    });
    if (!status.successful) throw commitError(status);
    return endorsed.transaction.getResult();
  }

  async evaluate(identity: LedgerIdentity, call: TransactionCall): Promise<string> {
    try {
      return decoder.decode(
        await this.inFlight.run(() => this.endpoints.run((endpoint) => this.contract(endpoint, identity, call).evaluate(call.transaction, { arguments: call.args }))),
      );
    } catch (err) {
      throw toLedgerError(err);
    }
  }

  async *events(identity: LedgerIdentity, after: EventCheckpoint | undefined, signal: AbortSignal): AsyncIterable<LedgerEvent> {
    if (signal.aborted) return;
    let stream;
    let endpoint!: Endpoint;
    try {
      stream = await this.endpoints.run((at) => {
        endpoint = at;
        return at.pool.get(identity).getNetwork(this.profile.channel).getChaincodeEvents(this.profile.chaincode, after ? { checkpoint: toCheckpoint(after) } : {});
      });
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
      if (signal.aborted) return;
      // The stream's peer went away: the caller's reconnect (from its checkpoint) goes to the next.
      if (isEndpointDown(err, endpoint.client)) this.endpoints.failover(endpoint);
      throw toLedgerError(err);
    } finally {
      signal.removeEventListener('abort', onAbort);
      stream.close();
    }
  }

  /**
   * The number of the last block the gateway's peer has committed: qscc GetChainInfo
   * (the height, which counts block 0) minus one. The peer answers it to any member
   * of the channel (configtx.yaml's ACL for qscc/GetChainInfo: the height and the
   * last hashes, no transaction content); every other qscc function stays for peers
   * and admins. Asked as the observer identity the adapter was opened with (the
   * gateway's registrar), so the port needs no identity for it.
   */
  async lastBlock(): Promise<bigint> {
    try {
      const identity = await this.observerIdentity();
      const info = await this.inFlight.run(() =>
        this.endpoints.run((endpoint) => endpoint.pool.get(identity).getNetwork(this.profile.channel).getContract('qscc').evaluateTransaction('GetChainInfo', this.profile.channel)),
      );
      return chainHeight(info) - 1n;
    } catch (err) {
      throw toLedgerError(err);
    }
  }

  ready(): Promise<boolean> {
    return this.endpoints.ready(Math.min(this.options.evaluateMs, 2000));
  }

  async close(): Promise<void> {
    this.endpoints.close();
  }
}

function commitError(status: Status): CommitError {
  const name = Object.entries(StatusCode).find(([, code]) => code === status.code)?.[0] ?? String(status.code);
  return new CommitError({
    message: `Transaction ${status.transactionId} failed to commit with status code ${status.code} (${name})`,
    code: status.code,
    transactionId: status.transactionId,
  });
}

/**
 * The port's position (the next event is after this one) as fabric-gateway's Checkpoint
 * (the block the next event is in, and the last transaction delivered from it): after
 * transaction T of block N is block N after T; after block N as a whole (an id without a
 * transaction, e.g. a Last-Event-ID of just a block number) is block N + 1, as on the
 * embedded ledger.
 */
function toCheckpoint(after: EventCheckpoint): Checkpoint {
  if (after.txId === undefined) return { getBlockNumber: () => after.blockNumber + 1n, getTransactionId: () => undefined };
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
