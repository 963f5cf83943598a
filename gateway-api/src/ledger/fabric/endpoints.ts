/**
 * The Gateway peers of the gateway's organisation (connection.json: the gateway peer
 * first, then the org's other peers), one gRPC connection each. fabric-gateway's Gateway
 * service is per peer, so when the current peer cannot be reached at all the call moves
 * to the next one; cross-org endorsement is the Gateway peer's own business (service
 * discovery picks a live peer of each org).
 *
 * Only "the peer is not there" moves a call on: an answer of the peer, even an
 * UNAVAILABLE one (it found no orderer, no endorsing peer), stays that peer's answer.
 */
import * as grpc from '@grpc/grpc-js';
import { GatewayError } from '@hyperledger/fabric-gateway';
import type { GatewayPool } from './gateway-pool';

export interface Endpoint {
  /** Its address, for logs. */
  readonly name: string;
  readonly client: grpc.Client;
  readonly pool: GatewayPool;
}

/** grpc-js's words for a call that never reached the peer, or lost its connection. */
const CONNECTION_LOST = /No connection established|Connection dropped|connect ECONNREFUSED|Failed to connect|ECONNRESET/;

/**
 * True when a call failed because its peer could not be reached: UNAVAILABLE with no
 * per-peer details, and the channel no longer connected (or grpc-js saying so).
 */
export function isEndpointDown(err: unknown, client: Pick<grpc.Client, 'getChannel'>): boolean {
  if (!(err instanceof GatewayError) || err.code !== grpc.status.UNAVAILABLE || err.details.length > 0) return false;
  return client.getChannel().getConnectivityState(false) !== grpc.connectivityState.READY || CONNECTION_LOST.test(err.message);
}

export class Endpoints {
  private active = 0;

  constructor(readonly list: readonly Endpoint[]) {
    if (list.length === 0) throw new Error('no Gateway peer endpoint');
  }

  get current(): Endpoint {
    return this.list[this.active];
  }

  /** More than one peer to move to. */
  get redundant(): boolean {
    return this.list.length > 1;
  }

  /**
   * Runs `attempt` on the current peer; while it fails because that peer is down, on the
   * next one, each peer at most once. `attempt` decides what it may repeat on another
   * peer (a submit carries the same signed transaction over: fabric-ledger.ts).
   */
  async run<T>(attempt: (endpoint: Endpoint) => Promise<T>): Promise<T> {
    for (let tried = 1; ; tried += 1) {
      const endpoint = this.current;
      try {
        return await attempt(endpoint);
      } catch (err) {
        if (tried >= this.list.length || !isEndpointDown(err, endpoint.client)) throw err;
        this.failover(endpoint);
      }
    }
  }

  /** The peer after `from` becomes current, unless a concurrent call has already moved on. */
  failover(from: Endpoint): void {
    if (this.current === from) this.active = (this.active + 1) % this.list.length;
  }

  /** True as soon as one peer's connection is ready within `deadlineMs`. */
  ready(deadlineMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      let pending = this.list.length;
      for (const { client } of this.list) {
        client.waitForReady(Date.now() + deadlineMs, (err) => {
          pending -= 1;
          if (!err) resolve(true);
          else if (pending === 0) resolve(false);
        });
      }
    });
  }

  close(): void {
    for (const { pool, client } of this.list) {
      pool.close();
      client.close();
    }
  }
}
