/**
 * Nothing acknowledged is lost when the process dies: a child registers participants
 * on an embedded ledger in commit groups and prints each one the ledger answered; it is
 * SIGKILLed mid-run (no close, groups in flight), and the store, reopened, holds every
 * participant it printed, each in its own block. (A SIGKILL leaves the OS's page cache
 * intact; that each group's batch is written synced is pinned in group-commit.test.ts.)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createEmbeddedLedger } from '@ecch/gateway-api/ledger/embedded';
import { callOf } from '@ecch/gateway-api/ledger/port';
import { newIdentity } from '../support/ledger-fixture';

jest.setTimeout(180_000);

const ROOT = path.resolve(__dirname, '../..');

test('a ledger killed mid-run keeps every transaction it acknowledged', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ecch-crash-'));
  try {
    // node itself with tsx's loader (not the tsx wrapper), so the killed pid is the one holding the store.
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'support/ack-writer.ts'), dir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const acked: string[] = [];
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await new Promise<void>((resolve, reject) => {
      let buffered = '';
      child.stdout.on('data', (d: Buffer) => {
        buffered += d.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop()!;
        for (const line of lines) if (line.startsWith('c')) acked.push(line);
        // Killed while groups are still being written, well after the first ones landed.
        if (acked.length >= 200 && !child.killed) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('exit', () => {
        if (!child.killed) reject(new Error(`the writer exited before it was killed: ${stderr}`));
      });
    });
    expect(await exited).toBe('SIGKILL');
    expect(acked.length).toBeGreaterThanOrEqual(200);

    const ledger = await createEmbeddedLedger({ dataDir: dir });
    const na = await newIdentity('admin', { 'ecch.role': 'na' });
    expect(ledger.blockHeight).toBeGreaterThanOrEqual(BigInt(acked.length));
    for (const id of acked) {
      const p = JSON.parse(await ledger.evaluate(na, callOf('participants', 'Get', [id]))) as { id: string };
      expect(p.id).toBe(id);
    }
    await ledger.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
