/**
 * The gateway settings the benchmark runs with, shared by the in-process gateway
 * and the directly driven adapter so both paths use the same deadlines.
 * Retries of read conflicts default to 0 here: a conflict between concurrent
 * orders must show up as a failure, not be hidden by a retry.
 */
import { configFromOptions } from '../../gateway-api/src/options';
import type { GatewayConfig } from '../../gateway-api/src/config';
import type { LedgerKind } from './options';

export function gatewaySettings(retries: number): Record<string, number> {
  // Rate limiting guards a public gateway; here it would only measure itself.
  return { FABRIC_MAX_RETRIES: retries, RATE_LIMIT_MAX: 1_000_000 };
}

export function gatewayConfig(ledger: LedgerKind, dataDir: string, fabricConnection: string | undefined, retries: number): GatewayConfig {
  return configFromOptions({ ledger, dataDir, fabricConnection, settings: gatewaySettings(retries), logLevel: 'fatal', port: 0 });
}
