/**
 * The gateway started in-process with its public entry `startGateway`, on
 * loopback, and the REST client the simulator uses (no retries: a failure must be
 * counted, not repeated).
 */
import { startGateway, type RunningGateway } from '../../gateway-api/src/index';
import { GatewayApi } from '../../simulator/src/gateway/api';
import type { LedgerKind } from './options';
import { gatewaySettings } from './settings';

export interface RestSession {
  gateway: RunningGateway;
  api: GatewayApi;
  close(): Promise<void>;
}

/** Longer than the gateway's own Fabric deadlines (endorse 15 s + submit 5 s + commit 60 s). */
const CLIENT_TIMEOUT_MS = 120_000;

export async function openRest(kind: LedgerKind, dataDir: string, fabricConnection: string | undefined, retries: number): Promise<RestSession> {
  const gateway = await startGateway({
    ledger: kind,
    dataDir,
    port: 0,
    host: '127.0.0.1',
    // ECCH_BENCH_GATEWAY_LOG_LEVEL=error (or warn, info) shows why a request failed: a 5xx is logged with its cause.
    logLevel: process.env.ECCH_BENCH_GATEWAY_LOG_LEVEL ?? 'fatal',
    fabricConnection,
    settings: gatewaySettings(retries),
  });
  return { gateway, api: new GatewayApi(gateway.url, { timeoutMs: CLIENT_TIMEOUT_MS, retries: 0 }), close: () => gateway.close() };
}
