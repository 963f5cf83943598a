/**
 * A file wallet of X.509 identities: DATA_DIR/wallet (mode 0700), one file (mode
 * 0600) per identity. The NA and households live in separate folders so no
 * participant id can ever collide with the NA's label. Beside the identities: the
 * gateway's own registrar identity (`service`), enrolments under way (`pending`: the
 * key and secret of a custodial identity before the CA has signed it; the one-time
 * secret of a self-custody registration) and the certificates self-custody
 * households enrolled with (`self`: certificates only, their keys are theirs).
 *
 * Every record is encrypted (wallet-key.ts: AES-256-GCM, the record's label
 * `<section>/<label>` authenticated with it): the file holds no PEM and no base64
 * of a key, only the sealed identity. `key-check` (a sealed constant) makes a wrong
 * key fail at open, before any identity is read. A wallet written before
 * encryption (plaintext records and no key-check) is encrypted in place on the
 * first open: each record rewritten atomically, key-check last.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { LedgerIdentity } from '../ledger/port';
import { isSealedRecord, WalletKey, WalletKeyError, type SealedRecord } from './wallet-key';

export type WalletSection = 'na' | 'participants' | 'service' | 'pending' | 'self';
/** The sections holding LedgerIdentity records from before encryption (migrated in place). */
const IDENTITY_SECTIONS: WalletSection[] = ['na', 'participants'];
const SECTIONS: WalletSection[] = [...IDENTITY_SECTIONS, 'service', 'pending', 'self'];
const KEY_CHECK_LABEL = 'wallet/key-check';
const KEY_CHECK_TEXT = 'ecch wallet key check';

export class Wallet {
  private readonly cache = new Map<string, unknown>();

  private constructor(
    private readonly dir: string,
    readonly key: WalletKey,
  ) {}

  /** Opens DATA_DIR/wallet under `key`; a key the wallet was not written with is a WalletKeyError. */
  static async open(dataDir: string, key: WalletKey): Promise<Wallet> {
    const dir = path.join(dataDir, 'wallet');
    for (const sub of ['', ...SECTIONS]) {
      const d = path.join(dir, sub);
      await fs.mkdir(d, { recursive: true, mode: 0o700 });
      await fs.chmod(d, 0o700); // also tighten a folder created earlier by hand
    }
    const wallet = new Wallet(dir, key);
    const checkFile = path.join(dir, 'key-check');
    const check = await readJson(checkFile);
    if (check === undefined) {
      await wallet.encryptPlaintextRecords();
      await writeAtomic(checkFile, JSON.stringify(key.seal(KEY_CHECK_LABEL, KEY_CHECK_TEXT)));
    } else if (!isSealedRecord(check) || key.open(KEY_CHECK_LABEL, check, checkFile) !== KEY_CHECK_TEXT) {
      throw new WalletKeyError(`${checkFile} is not this wallet's key check; start with an empty DATA_DIR`);
    }
    return wallet;
  }

  /** Whether a wallet in DATA_DIR was already encrypted under some key. */
  static async isEncrypted(dataDir: string): Promise<boolean> {
    return (await readJson(path.join(dataDir, 'wallet', 'key-check'))) !== undefined;
  }

  private file(section: WalletSection, label: string): string {
    // Labels are ledger ids (validated by schema and chaincode); refuse anything path-like regardless.
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(label)) throw new Error(`invalid wallet label: ${label}`);
    return path.join(this.dir, section, `${label}.id`);
  }

  async get(section: WalletSection, label: string): Promise<LedgerIdentity | undefined> {
    return this.getRecord<LedgerIdentity>(section, label);
  }

  async put(section: WalletSection, identity: LedgerIdentity): Promise<void> {
    await this.putRecord(section, identity.label, identity);
  }

  /** Any JSON record, sealed like an identity. */
  async getRecord<T>(section: WalletSection, label: string): Promise<T | undefined> {
    const file = this.file(section, label);
    const cached = this.cache.get(file);
    if (cached) return cached as T;
    const record = await readJson(file);
    if (record === undefined) return undefined;
    if (!isSealedRecord(record)) throw new WalletKeyError(`${file} is not encrypted; the wallet holds only encrypted records`);
    const value = JSON.parse(this.key.open(`${section}/${label}`, record, file)) as T;
    this.cache.set(file, value);
    return value;
  }

  async putRecord<T>(section: WalletSection, label: string, value: T): Promise<void> {
    const file = this.file(section, label);
    await writeAtomic(file, JSON.stringify(this.key.seal(`${section}/${label}`, JSON.stringify(value))));
    this.cache.set(file, value);
  }

  async delete(section: WalletSection, label: string): Promise<void> {
    const file = this.file(section, label);
    this.cache.delete(file);
    await fs.rm(file, { force: true });
  }

  /** The one-time migration of a wallet from before encryption. */
  private async encryptPlaintextRecords(): Promise<void> {
    for (const section of IDENTITY_SECTIONS) {
      for (const name of await fs.readdir(path.join(this.dir, section))) {
        if (!name.endsWith('.id')) continue;
        const file = path.join(this.dir, section, name);
        const record = await readJson(file);
        if (record === undefined || isSealedRecord(record)) continue;
        const identity = record as LedgerIdentity;
        if (typeof identity.privateKey !== 'string' || identity.label !== name.slice(0, -'.id'.length)) {
          throw new WalletKeyError(`${file} is neither an encrypted record nor an identity`);
        }
        await this.put(section, identity);
      }
    }
  }
}

async function readJson(file: string): Promise<SealedRecord | unknown | undefined> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as unknown;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Write to a temp file (0600) then rename: a crash leaves the old record or the new, never half of one. */
export async function writeAtomic(file: string, content: string): Promise<void> {
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  await fs.writeFile(tmp, content, { mode: 0o600 });
  await fs.rename(tmp, file);
}
