/**
 * The key that encrypts the private keys the gateway holds (the wallet's identities
 * and, on the embedded ledger, the in-process CA's key): AES-256-GCM from node:crypto,
 * a fresh 96-bit IV per record, the record's label as additional authenticated data,
 * so a record moved to another label (a household's key put in the NA's place) does
 * not open.
 *
 * Where the key comes from (config.ts checks the settings):
 * - `GATEWAY_WALLET_KEY`: 32 bytes, base64 (`openssl rand -base64 32`);
 * - `GATEWAY_WALLET_KEY_FILE`: a file holding the same (a Docker/Kubernetes secret), or 32 raw bytes;
 * - neither, outside NODE_ENV=production: DATA_DIR/wallet.key, created (mode 0600) on
 *   first start with a warning that the keys are then protected only by file permissions.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

export const WALLET_KEY_FILE_NAME = 'wallet.key';
const FORMAT = 'ecch-sealed/aes-256-gcm/v1';

/** A key that does not open the wallet, or a key setting that cannot be used: start-up stops with this message. */
export class WalletKeyError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WalletKeyError';
  }
}

/** One encrypted record as stored on disk (JSON). */
export interface SealedRecord {
  format: typeof FORMAT;
  /** Authenticated, not secret: where the record belongs, e.g. `participants/h1`. */
  label: string;
  iv: string;
  tag: string;
  ciphertext: string;
}

export type WalletKeySource = 'GATEWAY_WALLET_KEY' | 'GATEWAY_WALLET_KEY_FILE' | 'DATA_DIR/wallet.key';

export interface WalletKeySettings {
  /** Base64 of 32 bytes (config's GATEWAY_WALLET_KEY). */
  key?: string;
  /** Absolute path (config's GATEWAY_WALLET_KEY_FILE). */
  keyFile?: string;
}

export function isSealedRecord(value: unknown): value is SealedRecord {
  return typeof value === 'object' && value !== null && (value as { format?: unknown }).format === FORMAT;
}

/** 32 bytes from base64 text, or undefined when it is not exactly that. */
export function decodeKey(text: string): Buffer | undefined {
  const t = text.trim();
  if (!/^[A-Za-z0-9+/]{43}=$/.test(t)) return undefined;
  const key = Buffer.from(t, 'base64');
  return key.length === 32 ? key : undefined;
}

export class WalletKey {
  private constructor(
    private readonly key: Buffer,
    readonly source: WalletKeySource,
  ) {}

  /** For tests and tools: a key given directly. */
  static fromBytes(key: Buffer, source: WalletKeySource = 'GATEWAY_WALLET_KEY'): WalletKey {
    if (key.length !== 32) throw new WalletKeyError('a wallet key is 32 bytes');
    return new WalletKey(Buffer.from(key), source);
  }

  /**
   * The configured key, or DATA_DIR/wallet.key (created when absent and `create` allows it).
   * `onCreated` is called once, when the key file is first written.
   */
  static async resolve(
    settings: WalletKeySettings,
    dataDir: string,
    options: { create?: boolean; onCreated?: (file: string) => void } = {},
  ): Promise<WalletKey> {
    if (settings.key !== undefined) {
      const key = decodeKey(settings.key);
      if (!key) throw new WalletKeyError('GATEWAY_WALLET_KEY must be 32 bytes in base64 (e.g. `openssl rand -base64 32`)');
      return new WalletKey(key, 'GATEWAY_WALLET_KEY');
    }
    if (settings.keyFile !== undefined) {
      let raw: Buffer;
      try {
        raw = await fs.readFile(settings.keyFile);
      } catch (err) {
        throw new WalletKeyError(`GATEWAY_WALLET_KEY_FILE: cannot read ${settings.keyFile} (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { cause: err });
      }
      const key = decodeKey(raw.toString('latin1')) ?? (raw.length === 32 ? raw : undefined);
      if (!key) throw new WalletKeyError(`GATEWAY_WALLET_KEY_FILE: ${settings.keyFile} must hold 32 bytes in base64 (or 32 raw bytes)`);
      return new WalletKey(key, 'GATEWAY_WALLET_KEY_FILE');
    }
    const file = path.join(dataDir, WALLET_KEY_FILE_NAME);
    try {
      const key = decodeKey(await fs.readFile(file, 'utf8'));
      if (!key) throw new WalletKeyError(`${file} is not a wallet key (32 bytes in base64); restore it, or set GATEWAY_WALLET_KEY or GATEWAY_WALLET_KEY_FILE`);
      return new WalletKey(key, 'DATA_DIR/wallet.key');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (options.create === false) {
      throw new WalletKeyError(`no wallet key: set GATEWAY_WALLET_KEY or GATEWAY_WALLET_KEY_FILE (there is no ${file})`);
    }
    const key = randomBytes(32);
    await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
    // 'wx': two gateways starting at once on one DATA_DIR must not each write their own key.
    try {
      await fs.writeFile(file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return WalletKey.resolve(settings, dataDir, { create: false });
      throw err;
    }
    options.onCreated?.(file);
    return new WalletKey(key, 'DATA_DIR/wallet.key');
  }

  /** Names the key without revealing it (first 8 bytes of its SHA-256, hex). */
  get fingerprint(): string {
    return createHash('sha256').update(this.key).digest('hex').slice(0, 16);
  }

  /**
   * A secret only this key can recompute (HMAC-SHA256 under a subkey derived with
   * HKDF, so it never meets the encryption key): the gateway's enrolment secrets at
   * the CA, derived per enrolment id, so a registration retried after a crash finds
   * the secret it registered with no state written in between.
   */
  derivedSecret(label: string): string {
    const subkey = Buffer.from(hkdfSync('sha256', this.key, Buffer.alloc(0), 'ecch wallet: enrolment secrets', 32));
    return createHmac('sha256', subkey).update(label, 'utf8').digest('base64url');
  }

  seal(label: string, plaintext: string): SealedRecord {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(aad(label), 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return { format: FORMAT, label, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), ciphertext: ciphertext.toString('base64') };
  }

  /** The plaintext, or a WalletKeyError when this key (or this label) does not open the record. */
  open(label: string, record: SealedRecord, where: string): string {
    if (record.label !== label) throw new WalletKeyError(`${where} belongs to ${record.label}, not ${label}`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(record.iv, 'base64'));
      decipher.setAAD(Buffer.from(aad(label), 'utf8'));
      decipher.setAuthTag(Buffer.from(record.tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(record.ciphertext, 'base64')), decipher.final()]).toString('utf8');
    } catch (err) {
      throw new WalletKeyError(
        `the wallet key from ${this.source} does not open ${where}: it was encrypted under another key (or altered). ` +
          'Start with the key it was written with (GATEWAY_WALLET_KEY, GATEWAY_WALLET_KEY_FILE or DATA_DIR/wallet.key), or with an empty DATA_DIR',
        { cause: err },
      );
    }
  }
}

function aad(label: string): string {
  return `${FORMAT}:${label}`;
}
