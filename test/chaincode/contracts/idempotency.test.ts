/**
 * A retried request never acts twice: the same clientOrderId returns the first
 * order, writes nothing and emits no event.
 */
import { WriteSet } from '@ecch/gateway-api/ledger/embedded';
import { community, Community, marketInput } from '../../support/ledger-fixture';

describe('idempotent order placement', () => {
  let c: Community;
  const commits: WriteSet[] = [];
  beforeEach(async () => {
    commits.length = 0;
    c = await community({ onCommit: (tx) => commits.push(tx.writeSet) });
    await c.submit(c.na, 'markets', 'Create', marketInput('m1'));
    await c.submit(c.na, 'markets', 'Open', 'm1');
  });
  afterEach(() => c.shutdown());

  it('when the same clientOrderId is sent twice, then the second returns the first order and writes nothing', async () => {
    const h1 = await c.household('h1');
    const body = JSON.stringify({ side: 'buy', energyWh: 700, clientOrderId: 'req-1' });
    const first = await c.submit<{ order: { id: string }; created: boolean }>(h1, 'orders', 'Place', 'm1', body);
    const before = commits.length;
    const retry = await c.submit<{ order: { id: string }; created: boolean }>(h1, 'orders', 'Place', 'm1', body);
    expect(first.created).toBe(true);
    expect(retry).toEqual({ order: first.order, created: false });
    expect(commits).toHaveLength(before + 1);
    expect(commits[before].writes.size).toBe(0);
    expect(commits[before].event).toBeUndefined();
    const mine = await c.evaluate<{ items: unknown[] }>(h1, 'orders', 'ListMine', 'm1', '', '');
    expect(mine.items).toHaveLength(1);
  });

  it('when the retry carries a different body, then IDEMPOTENCY_KEY_REUSED and the first order stands unchanged', async () => {
    const h1 = await c.household('h1');
    const first = await c.submit<{ order: { id: string } }>(h1, 'orders', 'Place', 'm1', JSON.stringify({ side: 'buy', energyWh: 700, clientOrderId: 'r' }));
    for (const other of [{ side: 'sell', energyWh: 700 }, { side: 'buy', energyWh: 701 }, { side: 'buy', energyWh: 700, limitPrice: 130000 }]) {
      await expect(c.submit(h1, 'orders', 'Place', 'm1', JSON.stringify({ ...other, clientOrderId: 'r' }))).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    }
    const stored = await c.evaluate<{ id: string; energyWh: number; side: string }>(h1, 'orders', 'Get', 'm1', first.order.id);
    expect(stored).toMatchObject({ id: first.order.id, energyWh: 700, side: 'buy' });
  });

  it('when the order was amended since, then a retry of the original placement still returns it', async () => {
    const h1 = await c.household('h1');
    const body = JSON.stringify({ side: 'buy', energyWh: 700, clientOrderId: 'r2' });
    const first = await c.submit<{ order: { id: string } }>(h1, 'orders', 'Place', 'm1', body);
    await c.submit(h1, 'orders', 'Amend', 'm1', first.order.id, JSON.stringify({ energyWh: 800 }));
    const retry = await c.submit<{ order: { id: string; energyWh: number }; created: boolean }>(h1, 'orders', 'Place', 'm1', body);
    expect(retry).toMatchObject({ created: false, order: { id: first.order.id, energyWh: 800 } });
  });

  it('when two households use the same clientOrderId, then each gets its own order (keys are per participant)', async () => {
    const h1 = await c.household('h1');
    const h2 = await c.household('h2');
    const a = await c.submit<{ order: { id: string; participantId: string } }>(h1, 'orders', 'Place', 'm1', JSON.stringify({ side: 'buy', energyWh: 1, clientOrderId: 'same' }));
    const b = await c.submit<{ order: { id: string; participantId: string }; created: boolean }>(
      h2, 'orders', 'Place', 'm1', JSON.stringify({ side: 'sell', energyWh: 1, clientOrderId: 'same' }),
    );
    expect(b.created).toBe(true);
    expect(b.order.id).not.toBe(a.order.id);
    expect(b.order.participantId).toBe('h2');
  });
});
