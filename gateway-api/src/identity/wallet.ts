/**
 * A file wallet of X.509 identities: DATA_DIR/wallet (mode 0700), one JSON file
 * (mode 0600) per identity. The NA and households live in separate folders so no
 * participant id can ever collide with the NA's label.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { LedgerIdentity } from '../ledger/port';

export type WalletSection = 'na' | 'participants';

export class Wallet {
  private readonly cache = new Map<string, LedgerIdentity>();

  private constructor(private readonly dir: string) {}

  static async open(dataDir: string): Promise<Wallet> {
    const dir = path.join(dataDir, 'wallet');
    for (const sub of ['', 'na', 'participants']) {
      const d = path.join(dir, sub);
      await fs.mkdir(d, { recursive: true, mode: 0o700 });
      await fs.chmod(d, 0o700); // also tighten a folder created earlier by hand
    }
    return new Wallet(dir);
  }

  private file(section: WalletSection, label: string): string {
    // Labels are ledger ids (validated by schema and chaincode); refuse anything path-like regardless.
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(label)) throw new Error(`invalid wallet label: ${label}`);
    return path.join(this.dir, section, `${label}.id`);
  }

  async get(section: WalletSection, label: string): Promise<LedgerIdentity | undefined> {
    const file = this.file(section, label);
    const cached = this.cache.get(file);
    if (cached) return cached;
    try {
      const identity = JSON.parse(await fs.readFile(file, 'utf8')) as LedgerIdentity;
      this.cache.set(file, identity);
      return identity;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async put(section: WalletSection, identity: LedgerIdentity): Promise<void> {
    const file = this.file(section, identity.label);
    const tmp = `${file}.${process.pid}.tmp`;
    await fs.writeFile(tmp, JSON.stringify(identity), { mode: 0o600 });
    await fs.rename(tmp, file);
    this.cache.set(file, identity);
  }
}
