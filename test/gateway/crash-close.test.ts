/**
 * A process killed in the middle of a close leaves either the whole clearing or none
 * of it: the embedded ledger commits a transaction as one synced LevelDB batch.
 * A child process clears a 400-order market (its gate closed beforehand, as the
 * first of close's two transactions) and is SIGKILLed at moments spread over the
 * clearing; after each kill the store (reopened) must hold exactly one of the two
 * states, never a mix.
 */
import '@ecch/gateway-api/ledger/embedded/shim-logging';
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { identityKey } from '@ecch/gateway-api/identity/identity-key';
import { createEmbeddedLedger, EmbeddedLedger } from '@ecch/gateway-api/ledger/embedded';
import { callOf, LedgerIdentity } from '@ecch/gateway-api/ledger/port';
import type { TransactionName } from '@ecch/chaincode';
import { marketInput, MSP, newIdentity } from '../support/ledger-fixture';

const ROOT = join(__dirname, '../..');
const CHILD = join(__dirname, 'support/close-child.ts');
const HOUSEHOLDS = 400;

type State = 'none' | 'whole';

async function evaluate<T, C extends 'markets' | 'orders' | 'accounts' = 'markets' | 'orders' | 'accounts'>(
  ledger: EmbeddedLedger,
  na: LedgerIdentity,
  contract: C,
  tx: TransactionName<C>,
  ...args: string[]
): Promise<T> {
  return JSON.parse(await ledger.evaluate(na, callOf(contract, tx, args))) as T;
}

/** Reads the store back and says which state it is in; throws on any mix of the two. */
async function closeState(dataDir: string, na: LedgerIdentity): Promise<State> {
  const ledger = await createEmbeddedLedger({ dataDir });
  try {
    const market = await evaluate<{ status: string }>(ledger, na, 'markets', 'Get', 'm1');
    const orders = (await evaluate<{ items: { status: string }[] }>(ledger, na, 'orders', 'ListByMarket', 'm1', '1000', '')).items;
    const grid = await evaluate<{ balance: number; entries: unknown[] }>(ledger, na, 'accounts', 'GetGrid', '', '');
    let result: unknown;
    try {
      result = await evaluate(ledger, na, 'markets', 'GetResult', 'm1');
    } catch {
      result = undefined;
    }
    let participantsTotal = 0;
    let entries = 0;
    for (let i = 0; i < HOUSEHOLDS; i++) {
      const acct = await evaluate<{ balance: number; entries: unknown[] }>(ledger, na, 'accounts', 'Get', `h${i}`, '', '');
      participantsTotal += acct.balance;
      entries += acct.entries.length;
    }
    expect(orders).toHaveLength(HOUSEHOLDS);
    if (market.status === 'closed') {
      expect(result).toBeUndefined();
      expect(orders.every((o) => o.status === 'open')).toBe(true);
      expect(grid.entries).toHaveLength(0);
      expect(entries).toBe(0);
      return 'none';
    }
    expect(market.status).toBe('settled');
    expect(result).toBeDefined();
    expect(orders.every((o) => o.status === 'accepted' || o.status === 'rejected')).toBe(true);
    expect(grid.entries).toHaveLength(1);
    expect(entries).toBe(HOUSEHOLDS);
    expect(participantsTotal + grid.balance).toBe(0);
    return 'whole';
  } finally {
    await ledger.close();
  }
}

/** Runs the close in a child and kills it `delayMs` after it says "closing" (undefined: let it finish). */
function closeInChild(dataDir: string, delayMs: number | undefined): Promise<'killed' | 'finished'> {
  return new Promise((resolve, reject) => {
    // node itself with tsx's loader (not the tsx wrapper), so the killed pid is the one holding the store.
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dataDir, 'm1'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.stdout.on('data', (d: Buffer) => {
      if (delayMs !== undefined && d.toString().includes('closing')) setTimeout(() => child.kill('SIGKILL'), delayMs);
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve('killed');
      else if (code === 0) resolve('finished');
      else reject(new Error(`close child exited ${code}: ${err}`));
    });
  });
}

describe('a close killed mid-way', () => {
  const work = mkdtempSync(join(tmpdir(), 'ecch-crash-'));
  const prepared = join(work, 'prepared');
  let na: LedgerIdentity;

  beforeAll(async () => {
    na = await newIdentity('admin', { 'ecch.role': 'na' });
    const ledger = await createEmbeddedLedger({ dataDir: prepared });
    const submit = <C extends 'participants' | 'markets' | 'orders'>(who: LedgerIdentity, contract: C, tx: TransactionName<C>, ...args: string[]) =>
      ledger.submit(who, callOf(contract, tx, args));
    await submit(na, 'markets', 'Create', marketInput('m1'));
    await submit(na, 'markets', 'Open', 'm1');
    for (let i = 0; i < HOUSEHOLDS; i++) {
      const who = await newIdentity(`h${i}`);
      await submit(na, 'participants', 'Register', JSON.stringify({ id: `h${i}`, name: `h${i}`, kind: 'prosumer', identity: identityKey(MSP, who.certificate) }));
      await submit(who, 'orders', 'Place', 'm1', JSON.stringify({ side: i % 3 === 0 ? 'sell' : 'buy', energyWh: 100 + ((i * 37) % 900) }));
    }
    // Close's first transaction: the gate. The child runs the second, the clearing.
    await submit(na, 'markets', 'GateClose', 'm1');
    await ledger.close();
  }, 180_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('when the close is not interrupted, then the store holds the whole close (the check recognises it)', async () => {
    const dir = join(work, 'complete');
    cpSync(prepared, dir, { recursive: true });
    expect(await closeInChild(dir, undefined)).toBe('finished');
    expect(await closeState(dir, na)).toBe('whole');
  }, 120_000);

  it('when the process is SIGKILLed at any moment of the close, then the store holds all of it or none of it', async () => {
    const outcomes: string[] = [];
    for (const delayMs of [0, 10, 20, 35, 50, 65, 80, 100, 130, 170, 250]) {
      const dir = join(work, `kill-${delayMs}`);
      cpSync(prepared, dir, { recursive: true });
      const how = await closeInChild(dir, delayMs);
      outcomes.push(`${delayMs} ms: ${how}, ${await closeState(dir, na)}`);
    }
    // Printed so a reader sees which moments fell before and after the commit.
    process.stdout.write(`crash-close outcomes:\n  ${outcomes.join('\n  ')}\n`);
    expect(outcomes).toHaveLength(11);
    // At least the immediate kill must have interrupted a close, or this test proved nothing.
    expect(outcomes.some((o) => o.includes('killed'))).toBe(true);
  }, 300_000);
});
