/**
 * The Fabric adapter's choice of Gateway peer, without a network: which failures mean
 * "this peer is not there" (and move the call to the next peer) and which are the peer's
 * own answer (and stay). The real thing, peer0.community stopped mid-run, is
 * test/network/peer-failover.test.ts.
 */
import '@ecch/gateway-api/ledger/embedded/shim-logging';
import * as grpc from '@grpc/grpc-js';
import { GatewayError } from '@hyperledger/fabric-gateway';
import { Endpoints, isEndpointDown, type Endpoint } from '@ecch/gateway-api/ledger/fabric/endpoints';
import type { GatewayPool } from '@ecch/gateway-api/ledger/fabric/gateway-pool';
import { readConnectionProfile } from '@ecch/gateway-api/ledger/fabric/connection-profile';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const stateOf = (state: grpc.connectivityState) => ({ getChannel: () => ({ getConnectivityState: () => state }) }) as unknown as grpc.Client;

function gatewayError(code: grpc.status, message: string, details: Array<{ mspId: string; address: string; message: string }> = []): GatewayError {
  const cause = Object.assign(new Error(message), { code, details: message, metadata: {} }) as never;
  return new GatewayError({ code, details, cause, message: `${code} ${message}` });
}

function endpoint(name: string, state: () => grpc.connectivityState): Endpoint {
  return { name, client: { getChannel: () => ({ getConnectivityState: state }) } as unknown as grpc.Client, pool: {} as GatewayPool };
}

describe('isEndpointDown', () => {
  it('when a call found no connection to its peer, then the peer is down', () => {
    const err = gatewayError(grpc.status.UNAVAILABLE, 'UNAVAILABLE: No connection established. Last error: connect ECONNREFUSED 127.0.0.1:17071');
    expect(isEndpointDown(err, stateOf(grpc.connectivityState.TRANSIENT_FAILURE))).toBe(true);
    // grpc-js's own words suffice even if the channel has reconnected since.
    expect(isEndpointDown(err, stateOf(grpc.connectivityState.READY))).toBe(true);
  });

  it('when the peer answered UNAVAILABLE on a live connection (no orderer, no endorser), then it is the peer’s answer, not a dead peer', () => {
    const noOrderer = gatewayError(grpc.status.UNAVAILABLE, 'UNAVAILABLE: no orderers could successfully process transaction');
    expect(isEndpointDown(noOrderer, stateOf(grpc.connectivityState.READY))).toBe(false);
    const endorserDown = gatewayError(grpc.status.UNAVAILABLE, 'UNAVAILABLE: failed to endorse', [{ mspId: 'GridMSP', address: 'peer0.grid:7051', message: 'connection refused' }]);
    expect(isEndpointDown(endorserDown, stateOf(grpc.connectivityState.TRANSIENT_FAILURE))).toBe(false);
  });

  it('when the failure is not UNAVAILABLE, or not a Gateway error, then the peer is not taken for down', () => {
    expect(isEndpointDown(gatewayError(grpc.status.ABORTED, 'ABORTED: refused'), stateOf(grpc.connectivityState.TRANSIENT_FAILURE))).toBe(false);
    expect(isEndpointDown(new Error('Connection dropped'), stateOf(grpc.connectivityState.IDLE))).toBe(false);
  });
});

describe('Endpoints.run', () => {
  const down = () => gatewayError(grpc.status.UNAVAILABLE, 'UNAVAILABLE: Connection dropped');

  it('when the current peer is down, then the call is made once on the next peer, which stays current', async () => {
    const eps = new Endpoints([endpoint('peer0', () => grpc.connectivityState.TRANSIENT_FAILURE), endpoint('peer1', () => grpc.connectivityState.READY)]);
    const tried: string[] = [];
    const result = await eps.run(async (ep) => {
      tried.push(ep.name);
      if (ep.name === 'peer0') throw down();
      return 'ok';
    });
    expect({ result, tried, current: eps.current.name }).toEqual({ result: 'ok', tried: ['peer0', 'peer1'], current: 'peer1' });
  });

  it('when every peer is down, then each is tried once and the last failure is thrown', async () => {
    const eps = new Endpoints([endpoint('peer0', () => grpc.connectivityState.IDLE), endpoint('peer1', () => grpc.connectivityState.IDLE)]);
    const tried: string[] = [];
    await expect(
      eps.run(async (ep) => {
        tried.push(ep.name);
        throw down();
      }),
    ).rejects.toBeInstanceOf(GatewayError);
    expect(tried).toEqual(['peer0', 'peer1']);
  });

  it('when the peer answers with a refusal, then the call is not repeated elsewhere', async () => {
    const eps = new Endpoints([endpoint('peer0', () => grpc.connectivityState.READY), endpoint('peer1', () => grpc.connectivityState.READY)]);
    const tried: string[] = [];
    const refusal = gatewayError(grpc.status.UNAVAILABLE, 'UNAVAILABLE: no orderers could successfully process transaction');
    await expect(
      eps.run(async (ep) => {
        tried.push(ep.name);
        throw refusal;
      }),
    ).rejects.toBe(refusal);
    expect({ tried, current: eps.current.name }).toEqual({ tried: ['peer0'], current: 'peer0' });
  });

  it('when many calls fail on the same peer at once, then the current peer moves on once, not once per call', () => {
    const eps = new Endpoints([endpoint('a', () => grpc.connectivityState.IDLE), endpoint('b', () => grpc.connectivityState.READY), endpoint('c', () => grpc.connectivityState.READY)]);
    const a = eps.current;
    eps.failover(a);
    eps.failover(a);
    eps.failover(a);
    expect(eps.current.name).toBe('b');
  });
});

describe('the fallback Gateway peers in connection.json', () => {
  it('when the network lists more peers, then the gateway falls back to the other peers of its own org, by name, never to another org’s', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ecch-endpoints-'));
    try {
      const file = path.join(dir, 'connection.json');
      const enrolment = { enrollmentId: 'x', secretPath: 's' };
      const peer = (mspId: string, port: number, name: string) => ({ mspId, endpoint: `127.0.0.1:${port}`, hostnameOverride: name, tlsCACertPath: `tls/${mspId}.pem` });
      await fs.writeFile(
        file,
        JSON.stringify({
          channel: 'ecch',
          chaincode: { name: 'ecch' },
          gateway: { peer: 'peer0.community', mspId: 'CommunityMSP', endpoint: '127.0.0.1:17071', tlsCACertPath: 'tls/CommunityMSP.pem', registrar: enrolment, na: enrolment },
          orgs: { CommunityMSP: { ca: { certPath: 'ca.pem' }, fabricCa: { url: 'https://127.0.0.1:17074', caName: 'ca.community', tlsCACertPath: 't' } } },
          peers: {
            'peer2.community': peer('CommunityMSP', 17079, 'peer2.community.ecch.local'),
            'peer0.grid': peer('GridMSP', 17081, 'peer0.grid.ecch.local'),
            'peer0.community': peer('CommunityMSP', 17071, 'peer0.community.ecch.local'),
            'peer1.community': peer('CommunityMSP', 17076, 'peer1.community.ecch.local'),
          },
        }),
      );
      const profile = await readConnectionProfile(file);
      expect(profile.peer.endpoint).toBe('127.0.0.1:17071');
      expect(profile.fallbackPeers).toEqual([
        { endpoint: '127.0.0.1:17076', hostAlias: 'peer1.community.ecch.local', tlsCACert: path.join(dir, 'tls/CommunityMSP.pem') },
        { endpoint: '127.0.0.1:17079', hostAlias: 'peer2.community.ecch.local', tlsCACert: path.join(dir, 'tls/CommunityMSP.pem') },
      ]);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
