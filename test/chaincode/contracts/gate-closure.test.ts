/**
 * Gate closure apart from clearing (market-rules v2 §3): GateClose writes only the
 * market's record, so nothing an order transaction reads is left for the clearing to
 * conflict with; Clear stores each order's outcome once (its entry); cancelling
 * rewrites no order and lists the voided ones in its event.
 */
import { LedgerEvent } from '@ecch/gateway-api/ledger/port';
import { WriteSet } from '@ecch/gateway-api/ledger/embedded';
import { community, Community, marketInput } from '../../support/ledger-fixture';

const place = (side: 'buy' | 'sell', energyWh: number) => JSON.stringify({ side, energyWh });
const keysOf = (w: WriteSet) => [...w.writes.keys()];
const kind = (key: string) => (key.startsWith('\u0000') ? key.split('\u0000')[1] : key.split('~')[0]);

describe('gate closure and clearing', () => {
  let c: Community;
  const commits: WriteSet[] = [];
  beforeEach(async () => {
    commits.length = 0;
    c = await community({ onCommit: (t) => commits.push(t.writeSet) });
    await c.submit(c.na, 'markets', 'Create', marketInput('m1'));
    await c.submit(c.na, 'markets', 'Open', 'm1');
  });
  afterEach(() => c.shutdown());

  it('when the NA closes the gate, then only the market record (and its status index) is written, and orders are refused from then on', async () => {
    const h1 = await c.household('h1');
    const h2 = await c.household('h2');
    const { order } = await c.submit<{ order: { id: string } }>(h1, 'orders', 'Place', 'm1', place('sell', 500));
    const closed = await c.submit<{ status: string; closedAt: string }>(c.na, 'markets', 'GateClose', 'm1');
    expect(closed).toMatchObject({ status: 'closed', closedAt: expect.any(String) });
    expect(new Set(keysOf(commits[commits.length - 1]).map(kind))).toEqual(new Set(['ecch.market', 'ecch.mstatus']));
    expect(commits[commits.length - 1].event?.name).toBe('market.gate-closed');
    await expect(c.submit(h2, 'orders', 'Place', 'm1', place('buy', 1))).rejects.toMatchObject({ code: 'MARKET_NOT_OPEN' });
    await expect(c.submit(h1, 'orders', 'Amend', 'm1', order.id, JSON.stringify({ energyWh: 1 }))).rejects.toMatchObject({ code: 'MARKET_NOT_OPEN' });
    await expect(c.submit(h1, 'orders', 'Cancel', 'm1', order.id)).rejects.toMatchObject({ code: 'MARKET_NOT_OPEN' });
    await expect(c.submit(c.na, 'markets', 'GateClose', 'm1')).rejects.toMatchObject({ code: 'INVALID_STATE' });
  });

  it('when a market is still open, then Clear is refused; once the gate is closed it settles', async () => {
    const h1 = await c.household('h1');
    await c.submit(h1, 'orders', 'Place', 'm1', place('sell', 500));
    await expect(c.submit(c.na, 'markets', 'Clear', 'm1')).rejects.toMatchObject({ code: 'INVALID_STATE' });
    await c.submit(c.na, 'markets', 'GateClose', 'm1');
    const cleared = await c.submit<{ market: { status: string; settledAt: string } }>(c.na, 'markets', 'Clear', 'm1');
    expect(cleared.market).toMatchObject({ status: 'settled', settledAt: expect.any(String) });
    await expect(c.submit(c.na, 'markets', 'Clear', 'm1')).rejects.toMatchObject({ code: 'INVALID_STATE' });
  });

  it('when a market clears, then each outcome is stored once: an entry per order, no order rewritten, a result without allocations', async () => {
    const hs = await Promise.all(['h1', 'h2', 'h3'].map((id) => c.household(id)));
    const ids: string[] = [];
    for (const [i, h] of hs.entries()) ids.push((await c.submit<{ order: { id: string } }>(h, 'orders', 'Place', 'm1', place(i === 0 ? 'sell' : 'buy', 1000))).order.id);
    await c.submit(c.na, 'markets', 'GateClose', 'm1');
    const { result } = await c.submit<{ result: { allocations: { orderId: string; status: string }[] } }>(c.na, 'markets', 'Clear', 'm1');
    const clearing = commits[commits.length - 1];
    const kinds = keysOf(clearing).map(kind);
    expect(kinds.filter((k) => k === 'ecch.order')).toEqual([]);
    expect(kinds.filter((k) => k === 'ecch.entry')).toHaveLength(3 + 1); // three orders and the grid's balancing entry
    const stored = [...clearing.writes.entries()].find(([k]) => kind(k) === 'ecch.result')?.[1];
    expect(JSON.parse(String(stored))).not.toHaveProperty('allocations');
    // Reads put the outcome back together: the result from the entries, each order's status from its entry.
    expect(await c.evaluate(c.na, 'markets', 'GetResult', 'm1')).toMatchObject({ allocations: result.allocations });
    for (const a of result.allocations) {
      expect(await c.evaluate(c.na, 'orders', 'Get', 'm1', a.orderId)).toMatchObject({ status: a.status });
    }
    expect(result.allocations.map((a) => a.orderId).sort()).toEqual([...ids].sort());
  });

  it('when an order was cancelled before the gate closed, then the clearing leaves it out', async () => {
    const h1 = await c.household('h1');
    const h2 = await c.household('h2');
    const { order } = await c.submit<{ order: { id: string } }>(h1, 'orders', 'Place', 'm1', place('sell', 500));
    await c.submit(h2, 'orders', 'Place', 'm1', place('buy', 500));
    await c.submit(h1, 'orders', 'Cancel', 'm1', order.id);
    const { result } = await c.close<{ result: { allocations: { participantId: string }[] } }>('m1');
    expect(result.allocations.map((a) => a.participantId)).toEqual(['h2']);
    expect(await c.evaluate(c.na, 'orders', 'Get', 'm1', order.id)).toMatchObject({ status: 'cancelled', cancelledBy: 'owner' });
  });
});

describe('market cancellation', () => {
  it('when the NA cancels an open market, then no order is rewritten, the event lists every voided order, and reads show them cancelled by the market', async () => {
    const commits: WriteSet[] = [];
    const c = await community({ onCommit: (t) => commits.push(t.writeSet) });
    const events: LedgerEvent[] = [];
    const abort = new AbortController();
    const reader = (async () => {
      for await (const e of c.ledger.events(c.na, { blockNumber: 0n }, abort.signal)) {
        events.push(e);
        if (e.name === 'market.cancelled') abort.abort();
      }
    })();
    await c.submit(c.na, 'markets', 'Create', marketInput('m1'));
    await c.submit(c.na, 'markets', 'Open', 'm1');
    const ids: string[] = [];
    for (const id of ['h1', 'h2']) ids.push((await c.submit<{ order: { id: string } }>(await c.household(id), 'orders', 'Place', 'm1', place('sell', 100))).order.id);
    await c.submit(c.na, 'markets', 'Cancel', 'm1');
    await reader;
    expect(keysOf(commits[commits.length - 1]).map(kind).filter((k) => k === 'ecch.order')).toEqual([]);
    const cancelled = events[events.length - 1].payload as { market: { status: string }; voidedOrders: { orderId: string; status: string }[] };
    expect(cancelled.market.status).toBe('cancelled');
    expect(cancelled.voidedOrders.map((o) => o.orderId).sort()).toEqual([...ids].sort());
    expect(cancelled.voidedOrders.every((o) => o.status === 'cancelled')).toBe(true);
    expect(JSON.stringify(cancelled.voidedOrders)).not.toMatch(/h[12]/);
    for (const id of ids) expect(await c.evaluate(c.na, 'orders', 'Get', 'm1', id)).toMatchObject({ status: 'cancelled', cancelledBy: 'market' });
    await c.shutdown();
  });
});
