/**
 * Two endorsing peers must write identical bytes: the same transactions (same
 * ids, timestamps, identities and arguments) give byte-identical write sets, and
 * every stored record is canonical JSON with sorted keys.
 */
import { WriteSet } from '@ecch/gateway-api/ledger/embedded';
import { identityKey } from '@ecch/gateway-api/identity/identity-key';
import { callOf, LedgerIdentity } from '@ecch/gateway-api/ledger/port';
import type { TransactionName } from '@ecch/chaincode';
import { community, marketInput, MSP, newIdentity } from '../../support/ledger-fixture';

function serialise(ws: WriteSet): string {
  const writes = [...ws.writes.entries()].map(([k, v]) => [k, v === undefined ? null : v.toString('base64')]);
  return JSON.stringify({ writes, event: ws.event ? [ws.event.name, ws.event.payload.toString('base64')] : null });
}

function sortedKeysDeep(value: unknown): boolean {
  if (Array.isArray(value)) return value.every(sortedKeysDeep);
  if (value && typeof value === 'object') {
    const keys = Object.keys(value);
    return keys.every((k, i) => i === 0 || keys[i - 1] < k) && Object.values(value).every(sortedKeysDeep);
  }
  return true;
}

async function runScript(na: LedgerIdentity, households: LedgerIdentity[]): Promise<string[]> {
  const log: string[] = [];
  let tx = 0;
  const c = await community({
    now: () => Date.UTC(2026, 5, 21, 9, 0, 0) + tx * 1000,
    // Distinct in the first 24 hex digits, which order ids are made of.
    txId: () => (++tx).toString(16).padStart(24, '0').padEnd(64, '0'),
    onCommit: (t) => log.push(serialise(t.writeSet)),
  });
  const submit = <C extends 'participants' | 'markets' | 'orders'>(who: LedgerIdentity, contract: C, name: TransactionName<C>, ...args: string[]) =>
    c.ledger.submit(who, callOf(contract, name, args));
  for (const [i, h] of households.entries()) {
    await submit(na, 'participants', 'Register', JSON.stringify({ id: h.label, name: h.label, kind: i % 2 ? 'consumer' : 'prosumer', identity: identityKey(MSP, h.certificate) }));
  }
  await submit(na, 'markets', 'Create', marketInput('m1', { deliveryStart: '2026-06-21T10:00:00Z' }));
  await submit(na, 'markets', 'Open', 'm1');
  for (const [i, h] of households.entries()) {
    await submit(h, 'orders', 'Place', 'm1', JSON.stringify({ side: i % 2 ? 'buy' : 'sell', energyWh: 1000 + 137 * i, limitPrice: i % 3 === 0 ? undefined : 50000 + 1000 * i }));
  }
  await submit(na, 'markets', 'GateClose', 'm1');
  await submit(na, 'markets', 'Clear', 'm1');
  await c.shutdown();
  return log;
}

describe('determinism', () => {
  it('when the same transactions run on two ledgers, then every write set is byte-identical', async () => {
    const na = await newIdentity('admin', { 'ecch.role': 'na' });
    const households = await Promise.all(Array.from({ length: 12 }, (_, i) => newIdentity(`h${i + 1}`)));
    const peer1 = await runScript(na, households);
    const peer2 = await runScript(na, households);
    expect(peer1.length).toBe(12 + 2 + 12 + 2);
    expect(peer2).toEqual(peer1);
    // Two ledgers of 28 transactions each: ~3.5 s alone, past jest's 5 s default on a loaded machine.
  }, 60_000);

  it('stores every record as canonical JSON with sorted keys', async () => {
    const records: unknown[] = [];
    const c = await community({ onCommit: (t) => t.writeSet.writes.forEach((v) => v && records.push(JSON.parse(v.toString('utf8')))) });
    const h1 = await c.household('h1');
    const h2 = await c.household('h2');
    await c.submit(c.na, 'markets', 'Create', marketInput('m1'));
    await c.submit(c.na, 'markets', 'Open', 'm1');
    await c.submit(h1, 'orders', 'Place', 'm1', JSON.stringify({ side: 'sell', energyWh: 500, clientOrderId: 'a' }));
    await c.submit(h2, 'orders', 'Place', 'm1', JSON.stringify({ side: 'buy', energyWh: 900 }));
    await c.close('m1');
    await c.shutdown();
    expect(records.length).toBeGreaterThan(10);
    for (const r of records) expect(sortedKeysDeep(r)).toBe(true);
  });

  it('gives concurrent households disjoint write sets (no MVCC conflicts between them)', async () => {
    const writers = new Map<string, Set<string>>();
    let current = '';
    const c = await community({ onCommit: (t) => t.writeSet.writes.forEach((_v, k) => (writers.get(k) ?? writers.set(k, new Set()).get(k)!).add(current)) });
    await c.submit(c.na, 'markets', 'Create', marketInput('m1'));
    await c.submit(c.na, 'markets', 'Open', 'm1');
    const hs = await Promise.all(['h1', 'h2', 'h3'].map((id) => c.household(id)));
    for (const [i, h] of hs.entries()) {
      current = h.label;
      const { order } = await c.submit<{ order: { id: string } }>(h, 'orders', 'Place', 'm1', JSON.stringify({ side: 'buy', energyWh: 10 + i, clientOrderId: 'k' }));
      await c.submit(h, 'orders', 'Amend', 'm1', order.id, JSON.stringify({ energyWh: 20 + i }));
    }
    const shared = [...writers.entries()].filter(([, who]) => who.size > 1 && [...who].every((w) => w.startsWith('h')));
    expect(shared).toEqual([]);
    expect(writers.size).toBeGreaterThanOrEqual(3 * 4);
    await c.shutdown();
  });
});
