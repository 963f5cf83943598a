/**
 * Gateway settings, validated once at start-up with env-schema. An invalid value
 * stops start-up with a ConfigError naming the setting, e.g.
 * `invalid configuration: PORT must be <= 65535`.
 */
import path from 'node:path';
import envSchema from 'env-schema';

const SCHEMA = {
  type: 'object',
  properties: {
    PORT: { type: 'integer', minimum: 0, maximum: 65535, default: 3000 },
    HOST: { type: 'string', minLength: 1, default: '127.0.0.1' },
    LEDGER: { type: 'string', enum: ['embedded', 'fabric'], default: 'embedded' },
    DATA_DIR: { type: 'string', minLength: 1, default: './data' },
    // Long enough to resist guessing; no whitespace so it survives a header copy-paste.
    GATEWAY_ADMIN_TOKEN: { type: 'string', minLength: 20, pattern: '^\\S+$' },
    LOG_LEVEL: { type: 'string', enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info' },
    FABRIC_CONNECTION: { type: 'string', minLength: 1, default: 'network/.run/connection.json' },
    RATE_LIMIT_MAX: { type: 'integer', minimum: 1, default: 600 },
    RATE_LIMIT_WINDOW_MS: { type: 'integer', minimum: 1000, default: 60000 },
    FABRIC_EVALUATE_TIMEOUT_MS: { type: 'integer', minimum: 100, default: 5000 },
    FABRIC_ENDORSE_TIMEOUT_MS: { type: 'integer', minimum: 100, default: 15000 },
    FABRIC_SUBMIT_TIMEOUT_MS: { type: 'integer', minimum: 100, default: 5000 },
    FABRIC_COMMIT_TIMEOUT_MS: { type: 'integer', minimum: 100, default: 60000 },
    FABRIC_MAX_RETRIES: { type: 'integer', minimum: 0, maximum: 10, default: 3 },
    SSE_HEARTBEAT_MS: { type: 'integer', minimum: 100, default: 15000 },
    TRUST_PROXY: { type: 'boolean', default: false },
    // The key that encrypts the private keys in DATA_DIR (identity/wallet-key.ts): 32 bytes, base64.
    GATEWAY_WALLET_KEY: { type: 'string', pattern: '^[A-Za-z0-9+/]{43}=$' },
    // Or a file holding it (a Docker/Kubernetes secret).
    GATEWAY_WALLET_KEY_FILE: { type: 'string', minLength: 1 },
    // The market clock (gateway-api/src/clock/): performs the steps of the NA's schedules.
    CLOCK: { type: 'string', enum: ['on', 'off'], default: 'on' },
    CLOCK_TICK_MS: { type: 'integer', minimum: 100, maximum: 30000, default: 5000 },
  },
} as const;

export type SettingName = keyof typeof SCHEMA.properties;
export const SETTING_NAMES = Object.keys(SCHEMA.properties) as SettingName[];

export interface GatewayConfig {
  port: number;
  host: string;
  ledger: 'embedded' | 'fabric';
  /** Absolute. */
  dataDir: string;
  /** Absent: a token is generated at start-up (see auth/admin-token.ts). */
  adminToken?: string;
  logLevel: string;
  /** Absolute. */
  fabricConnection: string;
  rateLimit: { max: number; windowMs: number };
  fabric: { evaluateMs: number; endorseMs: number; submitMs: number; commitStatusMs: number; maxRetries: number };
  sseHeartbeatMs: number;
  trustProxy: boolean;
  /** Neither set (outside NODE_ENV=production): DATA_DIR/wallet.key, created on first start. `keyFile` is absolute. */
  wallet: { key?: string; keyFile?: string };
  /** The market clock: whether it runs, and how often it looks for due steps. */
  clock: { enabled: boolean; tickMs: number };
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

interface AjvIssue {
  instancePath?: string;
  message?: string;
  params?: { missingProperty?: string; allowedValues?: unknown[] };
}

function describe(issues: AjvIssue[] | undefined, fallback: string): string {
  if (!issues || issues.length === 0) return fallback;
  return issues
    .map((i) => {
      const name = i.params?.missingProperty ?? (i.instancePath ?? '').replace(/^\//, '');
      const allowed = i.params?.allowedValues ? ` (${i.params.allowedValues.join(', ')})` : '';
      return `${name} ${i.message ?? 'is invalid'}${allowed}`;
    })
    .join('; ');
}

/**
 * Validates settings given as environment-style strings (or numbers). Relative
 * paths are resolved against `baseDir`. Unknown keys in `source` are ignored, so
 * `process.env` can be passed whole. `NODE_ENV` is read from `source`, else from
 * `process.env`: under `production` a wallet key setting is required.
 */
export function loadConfig(source: Record<string, unknown>, baseDir: string = process.cwd()): GatewayConfig {
  const data: Record<string, unknown> = {};
  for (const name of SETTING_NAMES) {
    const value = source[name];
    // An empty variable counts as unset, as shells and compose files often leave them.
    if (value !== undefined && value !== '') data[name] = value;
  }
  let env: Record<string, unknown>;
  try {
    env = envSchema({ schema: structuredClone(SCHEMA) as never, data, env: false, dotenv: false });
  } catch (err) {
    const issues = (err as { errors?: AjvIssue[] }).errors;
    throw new ConfigError(`invalid configuration: ${describe(issues, (err as Error).message)}`);
  }
  const walletKey = env.GATEWAY_WALLET_KEY as string | undefined;
  const walletKeyFile = env.GATEWAY_WALLET_KEY_FILE as string | undefined;
  if (walletKey !== undefined && Buffer.from(walletKey, 'base64').length !== 32) {
    throw new ConfigError('invalid configuration: GATEWAY_WALLET_KEY must be 32 bytes in base64 (e.g. `openssl rand -base64 32`)');
  }
  if (walletKey !== undefined && walletKeyFile !== undefined) {
    throw new ConfigError('invalid configuration: GATEWAY_WALLET_KEY and GATEWAY_WALLET_KEY_FILE are both set; set one');
  }
  const nodeEnv = source.NODE_ENV ?? process.env.NODE_ENV;
  if (nodeEnv === 'production' && walletKey === undefined && walletKeyFile === undefined) {
    throw new ConfigError(
      'invalid configuration: GATEWAY_WALLET_KEY or GATEWAY_WALLET_KEY_FILE must be set under NODE_ENV=production ' +
        '(the key that encrypts the private keys in DATA_DIR; 32 bytes in base64, e.g. `openssl rand -base64 32`)',
    );
  }
  return {
    port: env.PORT as number,
    host: env.HOST as string,
    ledger: env.LEDGER as 'embedded' | 'fabric',
    dataDir: path.resolve(baseDir, env.DATA_DIR as string),
    adminToken: env.GATEWAY_ADMIN_TOKEN as string | undefined,
    logLevel: env.LOG_LEVEL as string,
    fabricConnection: path.resolve(baseDir, env.FABRIC_CONNECTION as string),
    rateLimit: { max: env.RATE_LIMIT_MAX as number, windowMs: env.RATE_LIMIT_WINDOW_MS as number },
    fabric: {
      evaluateMs: env.FABRIC_EVALUATE_TIMEOUT_MS as number,
      endorseMs: env.FABRIC_ENDORSE_TIMEOUT_MS as number,
      submitMs: env.FABRIC_SUBMIT_TIMEOUT_MS as number,
      commitStatusMs: env.FABRIC_COMMIT_TIMEOUT_MS as number,
      maxRetries: env.FABRIC_MAX_RETRIES as number,
    },
    sseHeartbeatMs: env.SSE_HEARTBEAT_MS as number,
    trustProxy: env.TRUST_PROXY as boolean,
    clock: { enabled: env.CLOCK === 'on', tickMs: env.CLOCK_TICK_MS as number },
    wallet: {
      ...(walletKey !== undefined ? { key: walletKey } : {}),
      ...(walletKeyFile !== undefined ? { keyFile: path.resolve(baseDir, walletKeyFile) } : {}),
    },
  };
}
