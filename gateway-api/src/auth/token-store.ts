/**
 * Household tokens, stored only as SHA-256 digests in DATA_DIR/auth/tokens.json
 * (mode 0600), one per participant. The file also remembers whether the household
 * is suspended, so a suspended household's token is refused (403) before any
 * ledger call; the ledger refuses its orders independently.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { hashToken, newToken, sameDigest } from './tokens';

export type TokenStatus = 'active' | 'suspended';

interface Entry {
  /** Hex SHA-256 of the token. */
  hash: string;
  status: TokenStatus;
  issuedAt: string;
}

interface FileShape {
  version: 1;
  participants: Record<string, Entry>;
}

export interface TokenHolder {
  participantId: string;
  status: TokenStatus;
}

export class TokenStore {
  /** hex digest → participant id, for lookup by presented token. */
  private readonly byHash = new Map<string, string>();
  /** Serialises writes so concurrent requests never interleave the file. */
  private writing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly file: string,
    private readonly data: FileShape,
  ) {
    for (const [id, e] of Object.entries(data.participants)) this.byHash.set(e.hash, id);
  }

  static async open(dataDir: string): Promise<TokenStore> {
    const dir = path.join(dataDir, 'auth');
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    const file = path.join(dir, 'tokens.json');
    let data: FileShape = { version: 1, participants: {} };
    try {
      data = JSON.parse(await fs.readFile(file, 'utf8')) as FileShape;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    return new TokenStore(file, data);
  }

  /** A new token for the participant, replacing any earlier one; returned once, never stored. */
  async issue(participantId: string): Promise<string> {
    const token = newToken('household');
    const previous = this.data.participants[participantId];
    if (previous) this.byHash.delete(previous.hash);
    const hash = hashToken(token).toString('hex');
    this.data.participants[participantId] = { hash, status: 'active', issuedAt: new Date().toISOString() };
    this.byHash.set(hash, participantId);
    await this.persist();
    return token;
  }

  lookup(token: string): TokenHolder | undefined {
    const digest = hashToken(token);
    const id = this.byHash.get(digest.toString('hex'));
    if (id === undefined) return undefined;
    const entry = this.data.participants[id];
    // The map lookup found it; compare in constant time anyway so no path is shorter for near-misses.
    if (!entry || !sameDigest(Buffer.from(entry.hash, 'hex'), digest)) return undefined;
    return { participantId: id, status: entry.status };
  }

  has(participantId: string): boolean {
    return this.data.participants[participantId] !== undefined;
  }

  async setStatus(participantId: string, status: TokenStatus): Promise<void> {
    const entry = this.data.participants[participantId];
    if (!entry || entry.status === status) return;
    entry.status = status;
    await this.persist();
  }

  private persist(): Promise<void> {
    const next = this.writing.then(async () => {
      const tmp = `${this.file}.${process.pid}.tmp`;
      await fs.writeFile(tmp, JSON.stringify(this.data, null, 1), { mode: 0o600 });
      await fs.rename(tmp, this.file);
    });
    // Keep the chain alive after a failed write; the caller still sees the failure.
    this.writing = next.catch(() => undefined);
    return next;
  }
}
