/**
 * The gateway's public entry points.
 *
 * @example
 * const gw = await startGateway({ ledger: 'embedded', dataDir: './data', port: 0 });
 * await fetch(`${gw.url}/v1/markets`, { headers: { authorization: `Bearer ${gw.adminToken}` } });
 * await gw.close();
 */
import type { AddressInfo } from 'node:net';
import { buildApp } from './app';
import { LISTEN_BACKLOG } from './listen-backlog';
import type { GatewayOptions } from './options';

export { buildApp, createApp } from './app';
export { loadConfig, ConfigError, type GatewayConfig } from './config';
export type { GatewayOptions } from './options';

export interface RunningGateway {
  /** e.g. http://127.0.0.1:3000 */
  url: string;
  /** The NA token: the one given, or the one generated for this run. */
  adminToken: string;
  close(): Promise<void>;
}

export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const app = await buildApp(options);
  const { port, host } = app.gateway.config;
  try {
    await app.listen({ port, host, backlog: LISTEN_BACKLOG });
  } catch (err) {
    await app.close();
    throw err;
  }
  const address = app.server.address() as AddressInfo;
  // A wildcard bind is reachable on loopback; an IPv6 literal needs brackets in a URL.
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  const urlHost = reachable.includes(':') ? `[${reachable}]` : reachable;
  return { url: `http://${urlHost}:${address.port}`, adminToken: app.gateway.adminToken, close: () => app.close() };
}
