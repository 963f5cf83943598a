/** The programmatic entry's options, validated through the same schema as the environment. */
import { loadConfig, type GatewayConfig, type SettingName } from './config';

export interface GatewayOptions {
  ledger: 'embedded' | 'fabric';
  dataDir: string;
  /** 0 = a random free port; default 3000. */
  port?: number;
  host?: string;
  /** The NA token; absent: one is generated and returned by startGateway. */
  adminToken?: string;
  logLevel?: string;
  fabricConnection?: string;
  /** Any other setting by its environment name, e.g. `{ RATE_LIMIT_MAX: 50 }`. */
  settings?: Partial<Record<SettingName, string | number | boolean>>;
}

export function configFromOptions(o: GatewayOptions): GatewayConfig {
  return loadConfig({
    ...o.settings,
    LEDGER: o.ledger,
    DATA_DIR: o.dataDir,
    PORT: o.port,
    HOST: o.host,
    GATEWAY_ADMIN_TOKEN: o.adminToken,
    LOG_LEVEL: o.logLevel,
    FABRIC_CONNECTION: o.fabricConnection,
  });
}
