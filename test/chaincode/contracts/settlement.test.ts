/**
 * The spec's §8 worked example through the real contracts: clearing at close,
 * settlement entries, balances, the grid account, the order book and events.
 */
import { LedgerEvent } from '@ecch/gateway-api/ledger/port';
import { community, Community, marketInput } from '../../support/ledger-fixture';

type Account = { participantId: string; balance: number; entries: { amount: number; internalWh: number; gridWh: number; price: number; orderId: string }[]; bookmark: string };

describe('close: clearing and settlement (market-rules §8)', () => {
  let c: Community;
  const ids: Record<string, string> = {};
  let close: { market: { status: string }; result: Record<string, unknown> & { allocations: { participantId: string; status: string; internalWh: number; gridWh: number; amount: number }[] } };

  beforeAll(async () => {
    c = await community();
    const h = {
      h1: await c.household('h1'),
      h2: await c.household('h2'),
      h3: await c.household('h3', 'consumer'),
      h4: await c.household('h4', 'consumer'),
    };
    await c.submit(c.na, 'markets', 'Create', marketInput('m1'));
    await c.submit(c.na, 'markets', 'Open', 'm1');
    const orders: [keyof typeof h, object][] = [
      ['h1', { side: 'sell', energyWh: 3000 }],
      ['h2', { side: 'sell', energyWh: 1000, limitPrice: 100000 }],
      ['h3', { side: 'buy', energyWh: 4000 }],
      ['h4', { side: 'buy', energyWh: 2000, limitPrice: 60000 }],
    ];
    for (const [who, body] of orders) {
      ids[who] = (await c.submit<{ order: { id: string } }>(h[who], 'orders', 'Place', 'm1', JSON.stringify(body))).order.id;
    }
    close = await c.close('m1');
  });
  afterAll(() => c.shutdown());

  it('publishes Ps = 48372 and Pb = 68779 after two rounds with the last round\'s SDR 3/4', () => {
    expect(close.market.status).toBe('settled');
    expect(close.result).toMatchObject({
      marketId: 'm1',
      mechanism: 'sdr',
      sellPrice: 48372,
      buyPrice: 68779,
      rounds: 2,
      sdr: { supplyWh: 3000, demandWh: 4000, fraction: '3/4', ratio: '0.750000' },
      internalWh: 3000,
      gridImportWh: 3000,
      gridExportWh: 1000,
      gridAmount: 350000,
    });
  });

  it('allocates and settles every order as the spec says', () => {
    const byWho = Object.fromEntries(close.result.allocations.map((a) => [a.participantId, a]));
    expect(byWho.h1).toMatchObject({ status: 'accepted', internalWh: 3000, gridWh: 0, amount: 145116 });
    expect(byWho.h2).toMatchObject({ status: 'rejected', internalWh: 0, gridWh: 1000, amount: 40000 });
    expect(byWho.h3).toMatchObject({ status: 'accepted', internalWh: 3000, gridWh: 1000, amount: -275116 });
    expect(byWho.h4).toMatchObject({ status: 'rejected', internalWh: 0, gridWh: 2000, amount: -260000 });
  });

  it('stores the result, marks each order accepted or rejected, and books one entry per order', async () => {
    expect(await c.evaluate(c.na, 'markets', 'GetResult', 'm1')).toEqual(close.result);
    expect(await c.evaluate(c.na, 'orders', 'Get', 'm1', ids.h2)).toMatchObject({ status: 'rejected' });
    expect(await c.evaluate(c.na, 'orders', 'Get', 'm1', ids.h3)).toMatchObject({ status: 'accepted' });
    const expected: Record<string, number> = { h1: 145116, h2: 40000, h3: -275116, h4: -260000 };
    for (const [who, amount] of Object.entries(expected)) {
      const acct = await c.evaluate<Account>(c.na, 'accounts', 'Get', who, '', '');
      expect(acct.balance).toBe(amount);
      const internal = who === 'h1' || who === 'h3';
      expect(acct.entries).toEqual([expect.objectContaining({ kind: 'market', marketId: 'm1', orderId: ids[who], amount, price: internal ? 48372 : null })]);
    }
    const grid = await c.evaluate<Account>(c.na, 'accounts', 'GetGrid', '', '');
    expect(grid).toMatchObject({ participantId: 'grid', balance: 350000 });
    expect(grid.entries).toEqual([expect.objectContaining({ side: 'grid', amount: 350000, gridWh: 3000 - 1000 })]);
  });

  it('shows the gate-closure book aggregated by price level, without owners', async () => {
    const book = await c.evaluate<Record<string, unknown>>(c.na, 'markets', 'GetOrderBook', 'm1');
    expect(book).toEqual({
      marketId: 'm1',
      status: 'settled',
      buy: { totalWh: 6000, orders: 2, levels: [{ price: 130000, energyWh: 4000, orders: 1 }, { price: 60000, energyWh: 2000, orders: 1 }] },
      sell: { totalWh: 4000, orders: 2, levels: [{ price: 40000, energyWh: 3000, orders: 1 }, { price: 100000, energyWh: 1000, orders: 1 }] },
    });
    expect(JSON.stringify(book)).not.toMatch(/h[1-4]/);
  });

  it('keeps the market\'s key history for audit, newest first', async () => {
    const history = await c.evaluate<{ value: { status: string } }[]>(c.na, 'audit', 'History', 'market', 'm1', '');
    expect(history.map((h) => h.value.status)).toEqual(['settled', 'closed', 'open', 'scheduled']);
    await expect(c.evaluate(c.na, 'audit', 'History', 'market', 'm1', 'extra')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

describe('events and paging', () => {
  it('emits one event per state change, and order events carry no owner', async () => {
    const c = await community();
    const abort = new AbortController();
    const seen: LedgerEvent[] = [];
    const reader = (async () => {
      for await (const e of c.ledger.events(c.na, { blockNumber: 0n }, abort.signal)) {
        seen.push(e);
        if (e.name === 'market.closed') abort.abort();
      }
    })();
    const h1 = await c.household('h1');
    await c.submit(c.na, 'markets', 'Create', marketInput('m1'));
    await c.submit(c.na, 'markets', 'Open', 'm1');
    const { order } = await c.submit<{ order: { id: string } }>(h1, 'orders', 'Place', 'm1', JSON.stringify({ side: 'sell', energyWh: 10 }));
    await c.submit(h1, 'orders', 'Amend', 'm1', order.id, JSON.stringify({ energyWh: 20 }));
    await c.submit(h1, 'orders', 'Cancel', 'm1', order.id);
    await c.close('m1');
    await reader;
    expect(seen.map((e) => e.name)).toEqual([
      'participant.registered', 'market.created', 'market.opened', 'order.placed', 'order.amended', 'order.cancelled', 'market.gate-closed', 'market.closed',
    ]);
    for (const e of seen.filter((x) => x.name.startsWith('order.'))) expect(JSON.stringify(e.payload)).not.toContain('h1');
    expect(seen[4].payload).toMatchObject({ orderId: order.id, energyWh: 20, revision: 2 });
    await c.shutdown();
  });

  it('pages a household\'s entries while the balance covers them all', async () => {
    const c = await community();
    const h1 = await c.household('h1');
    for (let i = 0; i < 3; i++) {
      await c.submit(c.na, 'markets', 'Create', marketInput(`m${i}`, { deliveryStart: `2026-06-21T1${i}:00:00Z` }));
      await c.submit(c.na, 'markets', 'Open', `m${i}`);
      await c.submit(h1, 'orders', 'Place', `m${i}`, JSON.stringify({ side: 'buy', energyWh: 1000 }));
      await c.close(`m${i}`);
    }
    const p1 = await c.evaluate<Account>(h1, 'accounts', 'Get', 'h1', '2', '');
    expect(p1.balance).toBe(-3 * 130000);
    expect(p1.entries).toHaveLength(2);
    const p2 = await c.evaluate<Account>(h1, 'accounts', 'Get', 'h1', '2', p1.bookmark);
    expect(p2.entries).toHaveLength(1);
    expect(p2.bookmark).toBe('');
    expect(new Set([...p1.entries, ...p2.entries].map((e) => e.orderId)).size).toBe(3);
    await c.shutdown();
  });
});
