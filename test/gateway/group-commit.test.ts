/**
 * Group commit on the embedded ledger (gateway-api/src/ledger/embedded/group-commit.ts):
 * transactions that arrive together run one after another and land in ONE synced
 * batch; each is answered only once that batch is on disk; a failing one leaves no
 * writes and drops none of the others'; a failed batch commits nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MemoryLevel } from 'memory-level';
import { createEmbeddedLedger, EmbeddedLedger } from '@ecch/gateway-api/ledger/embedded';
import { callOf, LedgerIdentity, LedgerRefusal, LedgerUnavailable } from '@ecch/gateway-api/ledger/port';
import type { Db } from '@ecch/gateway-api/ledger/embedded/store';
import { committedView, PendingView } from '@ecch/gateway-api/ledger/embedded/view';
import { identityKey } from '@ecch/gateway-api/identity/identity-key';
import { MSP, newIdentity, testCa } from '../support/ledger-fixture';

jest.setTimeout(60_000);

const register = (ledger: EmbeddedLedger, na: LedgerIdentity, id: string, who: LedgerIdentity) =>
  ledger.submit(na, callOf('participants', 'Register', [JSON.stringify({ id, name: `Household ${id}`, kind: 'prosumer', identity: identityKey(MSP, who.certificate) })]));

const get = async (ledger: EmbeddedLedger, na: LedgerIdentity, id: string) =>
  JSON.parse(await ledger.evaluate(na, callOf('participants', 'Get', [id]))) as { id: string; identity: string };

const dbOf = (ledger: EmbeddedLedger) => (ledger as unknown as { db: Db }).db;

let dir: string;
let na: LedgerIdentity;
let homes: LedgerIdentity[];

beforeAll(async () => {
  na = await newIdentity('admin', { 'ecch.role': 'na' });
  homes = await Promise.all(Array.from({ length: 12 }, (_, i) => newIdentity(`g${i}`)));
});

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'ecch-group-'));
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

const open = async () => createEmbeddedLedger({ dataDir: dir, trustedCas: [(await testCa()).certificate] });

test('transactions sent together commit as one group, each in its own block, and all of them are there after a reopen', async () => {
  const ledger = await open();
  const results = await Promise.all(homes.map((who, i) => register(ledger, na, `g${i}`, who)));
  expect(results).toHaveLength(homes.length);
  // Fewer synced batches than transactions: they were grouped.
  expect(ledger.commitStats.transactions).toBe(homes.length);
  expect(ledger.commitStats.groups).toBeLessThan(homes.length);
  expect(ledger.commitStats.largestGroup).toBeGreaterThan(1);
  expect(ledger.blockHeight).toBe(BigInt(homes.length));
  await ledger.close();

  const reopened = await open();
  expect(reopened.blockHeight).toBe(BigInt(homes.length));
  for (const [i, who] of homes.entries()) expect((await get(reopened, na, `g${i}`)).identity).toBe(identityKey(MSP, who.certificate));
  // Each transaction kept its own block: the audit history of a key names one transaction per block.
  const history = JSON.parse(await reopened.evaluate(na, callOf('audit', 'History', ['participant', 'g3', '']))) as unknown[];
  expect(history).toHaveLength(1);
  await reopened.close();
});

test('in a group, a transaction sees the earlier ones’ writes; the one refused leaves nothing and the others land', async () => {
  const ledger = await open();
  const groupsBefore = ledger.commitStats.groups;
  // Sent in one turn: g0 registered, then g0 again (refused: it sees the first, not yet on disk), then g1.
  const outcomes = await Promise.allSettled([register(ledger, na, 'g0', homes[0]), register(ledger, na, 'g0', homes[5]), register(ledger, na, 'g1', homes[1])]);
  expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  const refusal = (outcomes[1] as PromiseRejectedResult).reason;
  expect(refusal).toBeInstanceOf(LedgerRefusal);
  expect((refusal as LedgerRefusal).code).toBe('ALREADY_EXISTS');
  expect(ledger.commitStats.groups - groupsBefore).toBe(1);
  await ledger.close();

  const reopened = await open();
  expect(reopened.blockHeight).toBe(2n);
  expect((await get(reopened, na, 'g0')).identity).toBe(identityKey(MSP, homes[0].certificate));
  expect((await get(reopened, na, 'g1')).identity).toBe(identityKey(MSP, homes[1].certificate));
  // The refused transaction's identity was never bound: it can still register a new household.
  await expect(register(reopened, na, 'g5', homes[5])).resolves.toBeDefined();
  await reopened.close();
});

/** Replaces the write of the next chained batch the ledger opens (it writes each group through one). */
function onNextWrite(db: Db, write: (real: (options?: object) => Promise<void>, options?: object) => Promise<void>) {
  const real = db.batch.bind(db) as () => ReturnType<Db['batch']>;
  return jest.spyOn(db, 'batch').mockImplementationOnce((() => {
    const batch = real();
    const realWrite = batch.write.bind(batch) as (options?: object) => Promise<void>;
    batch.write = ((options?: object) => write(realWrite, options)) as never;
    return batch;
  }) as never);
}

test('no transaction is answered before its group’s batch is written', async () => {
  const ledger = await open();
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let writing = false;
  let options: object | undefined;
  onNextWrite(dbOf(ledger), async (real, o) => {
    writing = true;
    options = o;
    await gate;
    return real(o);
  });
  let answered = 0;
  const sent = [register(ledger, na, 'g0', homes[0]), register(ledger, na, 'g1', homes[1])].map((p) => p.then(() => answered++));
  while (!writing) await new Promise((r) => setImmediate(r));
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  expect(answered).toBe(0);
  expect(ledger.blockHeight).toBe(0n);
  release();
  await Promise.all(sent);
  expect(answered).toBe(2);
  expect(ledger.blockHeight).toBe(2n);
  expect(options).toEqual({ sync: true });
  await ledger.close();
});

test('a batch that fails to write commits nothing of its group, and every transaction of it may be retried', async () => {
  const ledger = await open();
  onNextWrite(dbOf(ledger), async () => {
    throw new Error('EIO: i/o error');
  });
  const outcomes = await Promise.allSettled([register(ledger, na, 'g0', homes[0]), register(ledger, na, 'g1', homes[1])]);
  for (const o of outcomes) {
    expect(o.status).toBe('rejected');
    expect((o as PromiseRejectedResult).reason).toBeInstanceOf(LedgerUnavailable);
  }
  expect(ledger.blockHeight).toBe(0n);
  await expect(get(ledger, na, 'g0')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  // The retry runs as if the first attempt never happened.
  await Promise.all([register(ledger, na, 'g0', homes[0]), register(ledger, na, 'g1', homes[1])]);
  await ledger.close();
  const reopened = await open();
  expect(reopened.blockHeight).toBe(2n);
  expect((await get(reopened, na, 'g1')).id).toBe('g1');
  await reopened.close();
});

describe('PendingView: the committed store under a group’s staged writes', () => {
  const b = (s: string) => Buffer.from(s);
  let db: Db;
  let view: PendingView;

  beforeEach(async () => {
    db = new MemoryLevel<string, Buffer>({ keyEncoding: 'utf8', valueEncoding: 'buffer' }) as unknown as Db;
    await db.open();
    await db.batch(['a', 'c', 'e', 'g'].map((k) => ({ type: 'put', key: k, value: b(`old-${k}`) })) as never);
    view = new PendingView(committedView(db));
    view.stage([
      { type: 'put', key: 'b', value: b('new-b') },
      { type: 'del', key: 'c' },
      { type: 'put', key: 'e', value: b('new-e') },
      { type: 'put', key: 'h', value: b('new-h') },
    ]);
  });

  afterEach(() => db.close());

  const entries = async (r: Parameters<PendingView['iterator']>[0]) => {
    const out: string[] = [];
    for await (const [k, v] of view.iterator(r)) out.push(`${k}=${v.toString()}`);
    return out;
  };

  test('point reads see staged puts and deletes first, the store otherwise', () => {
    expect(view.get('b')?.toString()).toBe('new-b');
    expect(view.get('c')).toBeUndefined();
    expect(view.get('e')?.toString()).toBe('new-e');
    expect(view.get('g')?.toString()).toBe('old-g');
    expect(view.get('z')).toBeUndefined();
  });

  test('ranges merge both in key order, with limits and in reverse, and nothing staged reached the store', async () => {
    expect(await entries({ gte: 'a', lt: 'z' })).toEqual(['a=old-a', 'b=new-b', 'e=new-e', 'g=old-g', 'h=new-h']);
    expect(await entries({ gte: 'a', lt: 'z', limit: 2 })).toEqual(['a=old-a', 'b=new-b']);
    expect(await entries({ gte: 'c', lt: 'g' })).toEqual(['e=new-e']);
    expect(await entries({ gte: 'a', lt: 'z', limit: 3, reverse: true })).toEqual(['h=new-h', 'g=old-g', 'e=new-e']);
    expect(await entries({ gte: 'c', lt: 'd' })).toEqual([]);
    expect((await db.get('c'))?.toString()).toBe('old-c');
    expect(await db.get('b')).toBeUndefined();
  });

  test('keys order by their UTF-8 bytes, as LevelDB orders them', async () => {
    // U+FFFD sorts after U+10000 in UTF-16 code units but before it in UTF-8 bytes.
    await db.put('k\u{10000}', b('old-astral'));
    view.stage([{ type: 'put', key: 'k\uFFFD', value: b('new-bmp') }]);
    expect(await entries({ gte: 'k', lt: 'k\u{10FFFF}' })).toEqual(['k\uFFFD=new-bmp', 'k\u{10000}=old-astral']);
  });
});
