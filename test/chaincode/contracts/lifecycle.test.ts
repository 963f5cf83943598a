/**
 * Market and order lifecycle refusals (market-rules §3, §4), each with a stable code.
 */
import { community, Community, marketInput, newIdentity, B, S } from '../../support/ledger-fixture';

type Order = { id: string; status: string; revision: number; energyWh: number; limitPrice: number };
const place = (side: string, energyWh: number, extra: Record<string, unknown> = {}) => JSON.stringify({ side, energyWh, ...extra });

describe('market lifecycle', () => {
  let c: Community;
  beforeEach(async () => {
    c = await community();
  });
  afterEach(() => c.shutdown());

  it('when tariffs break 0 ≤ S < B, then INVALID_TARIFF and no market', async () => {
    await expect(c.submit(c.na, 'markets', 'Create', marketInput('m1', { gridSellPrice: B }))).rejects.toMatchObject({ code: 'INVALID_TARIFF' });
    await expect(c.submit(c.na, 'markets', 'Create', marketInput('m1', { gridSellPrice: -1 }))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(c.evaluate(c.na, 'markets', 'Get', 'm1')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('when input is malformed, then INVALID_ARGUMENT naming the field', async () => {
    await expect(c.submit(c.na, 'markets', 'Create', '{not json')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(c.submit(c.na, 'markets', 'Create', marketInput('m1', { deliveryStart: 'tomorrow' }))).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      detail: expect.stringContaining('deliveryStart'),
    });
    await expect(c.submit(c.na, 'markets', 'Create', marketInput('m1', { colour: 'red' }))).rejects.toMatchObject({
      detail: expect.stringContaining('colour'),
    });
    await expect(c.submit(c.na, 'markets', 'Create', marketInput('m1', { gridBuyPrice: 1.5 }))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('when a market id is taken, then ALREADY_EXISTS', async () => {
    await c.submit(c.na, 'markets', 'Create', marketInput('m1'));
    await expect(c.submit(c.na, 'markets', 'Create', marketInput('m1'))).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
  });

  it('when no id is given, then the id is derived from the delivery start', async () => {
    const m = await c.submit<{ id: string; durationMinutes: number; mechanism: string }>(
      c.na, 'markets', 'Create', JSON.stringify({ deliveryStart: '2026-06-21T10:00:00Z', gridBuyPrice: B, gridSellPrice: S }),
    );
    expect(m).toMatchObject({ id: 'm-20260621T1000Z', durationMinutes: 60, mechanism: 'sdr' });
  });

  it('follows scheduled → open → settled, and refuses every other transition', async () => {
    await c.submit(c.na, 'markets', 'Create', marketInput('m1'));
    await expect(c.close('m1')).rejects.toMatchObject({ code: 'INVALID_STATE' });
    await expect(c.evaluate(c.na, 'markets', 'GetResult', 'm1')).rejects.toMatchObject({ code: 'RESULT_NOT_AVAILABLE' });
    const opened = await c.submit<{ status: string; openedAt: string }>(c.na, 'markets', 'Open', 'm1');
    expect(opened.status).toBe('open');
    await expect(c.submit(c.na, 'markets', 'Open', 'm1')).rejects.toMatchObject({ code: 'INVALID_STATE' });
    const closed = await c.close<{ market: { status: string } }>('m1');
    expect(closed.market.status).toBe('settled');
    await expect(c.close('m1')).rejects.toMatchObject({ code: 'INVALID_STATE' });
    await expect(c.submit(c.na, 'markets', 'Cancel', 'm1')).rejects.toMatchObject({ code: 'INVALID_STATE' });
    await expect(c.submit(c.na, 'markets', 'Open', 'nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('when a market is cancelled, then its open orders are voided and nothing is settled', async () => {
    const h1 = await c.household('h1');
    await c.submit(c.na, 'markets', 'Create', marketInput('m1'));
    await c.submit(c.na, 'markets', 'Open', 'm1');
    const { order } = await c.submit<{ order: Order }>(h1, 'orders', 'Place', 'm1', place('sell', 500));
    await c.submit(c.na, 'markets', 'Cancel', 'm1');
    expect(await c.evaluate(h1, 'orders', 'Get', 'm1', order.id)).toMatchObject({ status: 'cancelled', cancelledBy: 'market' });
    expect(await c.evaluate(h1, 'accounts', 'Get', 'h1', '', '')).toMatchObject({ balance: 0, entries: [] });
    await expect(c.submit(h1, 'orders', 'Place', 'm1', place('sell', 1))).rejects.toMatchObject({ code: 'MARKET_NOT_OPEN' });
  });

  it('lists markets newest delivery first, filtered by status, in pages', async () => {
    for (let h = 0; h < 5; h++) {
      await c.submit(c.na, 'markets', 'Create', JSON.stringify({ id: `m${h}`, deliveryStart: `2026-06-21T0${h}:00:00Z`, gridBuyPrice: B, gridSellPrice: S }));
    }
    await c.submit(c.na, 'markets', 'Open', 'm2');
    const p1 = await c.evaluate<{ items: { id: string }[]; bookmark: string }>(c.na, 'markets', 'List', '', '2', '');
    expect(p1.items.map((m) => m.id)).toEqual(['m4', 'm3']);
    const p2 = await c.evaluate<{ items: { id: string }[]; bookmark: string }>(c.na, 'markets', 'List', '', '2', p1.bookmark);
    expect(p2.items.map((m) => m.id)).toEqual(['m2', 'm1']);
    const p3 = await c.evaluate<{ items: { id: string }[]; bookmark: string }>(c.na, 'markets', 'List', '', '2', p2.bookmark);
    expect(p3).toEqual({ items: [expect.objectContaining({ id: 'm0' })], bookmark: '' });
    const open = await c.evaluate<{ items: { id: string }[] }>(c.na, 'markets', 'List', 'open', '10', '');
    expect(open.items.map((m) => m.id)).toEqual(['m2']);
    await expect(c.evaluate(c.na, 'markets', 'List', '', '0', '')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

describe('orders', () => {
  let c: Community;
  let h1: Awaited<ReturnType<Community['household']>>;
  beforeEach(async () => {
    c = await community();
    h1 = await c.household('h1');
  });
  afterEach(() => c.shutdown());

  it('when the market is scheduled, then MARKET_NOT_OPEN', async () => {
    await c.submit(c.na, 'markets', 'Create', marketInput('m1'));
    await expect(c.submit(h1, 'orders', 'Place', 'm1', place('buy', 100))).rejects.toMatchObject({ code: 'MARKET_NOT_OPEN' });
  });

  describe('in an open market', () => {
    beforeEach(async () => {
      await c.submit(c.na, 'markets', 'Create', marketInput('m1', { maxOrderWh: 5000 }));
      await c.submit(c.na, 'markets', 'Open', 'm1');
    });

    it('defaults the limit to S for a sell and B for a buy', async () => {
      const sell = await c.submit<{ order: Order }>(h1, 'orders', 'Place', 'm1', place('sell', 100));
      expect(sell.order).toMatchObject({ limitPrice: S, limitGiven: false, status: 'open', revision: 1, participantId: 'h1' });
      const h2 = await c.household('h2');
      const buy = await c.submit<{ order: Order }>(h2, 'orders', 'Place', 'm1', place('buy', 100));
      expect(buy.order.limitPrice).toBe(B);
    });

    it('when a limit is outside [S, B], then LIMIT_OUT_OF_RANGE; the bounds themselves are accepted', async () => {
      await expect(c.submit(h1, 'orders', 'Place', 'm1', place('sell', 100, { limitPrice: S - 1 }))).rejects.toMatchObject({ code: 'LIMIT_OUT_OF_RANGE' });
      await expect(c.submit(h1, 'orders', 'Place', 'm1', place('buy', 100, { limitPrice: B + 1 }))).rejects.toMatchObject({ code: 'LIMIT_OUT_OF_RANGE' });
      await expect(c.submit(h1, 'orders', 'Place', 'm1', place('buy', 100, { limitPrice: B }))).resolves.toMatchObject({ created: true });
    });

    it('when energy is outside 1..cap, then ENERGY_OUT_OF_RANGE; fractions are INVALID_ARGUMENT', async () => {
      await expect(c.submit(h1, 'orders', 'Place', 'm1', place('buy', 0))).rejects.toMatchObject({ code: 'ENERGY_OUT_OF_RANGE' });
      await expect(c.submit(h1, 'orders', 'Place', 'm1', place('buy', 5001))).rejects.toMatchObject({ code: 'ENERGY_OUT_OF_RANGE' });
      await expect(c.submit(h1, 'orders', 'Place', 'm1', place('buy', 10.5))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      await expect(c.submit(h1, 'orders', 'Place', 'm1', place('hold', 10))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    });

    it('when a second order is placed, then ACTIVE_ORDER_EXISTS; after cancelling, a new one is accepted', async () => {
      const first = await c.submit<{ order: Order }>(h1, 'orders', 'Place', 'm1', place('buy', 100));
      await expect(c.submit(h1, 'orders', 'Place', 'm1', place('sell', 50))).rejects.toMatchObject({ code: 'ACTIVE_ORDER_EXISTS' });
      const cancelled = await c.submit<Order>(h1, 'orders', 'Cancel', 'm1', first.order.id);
      expect(cancelled).toMatchObject({ status: 'cancelled', cancelledBy: 'owner', revision: 2 });
      await expect(c.submit(h1, 'orders', 'Cancel', 'm1', first.order.id)).rejects.toMatchObject({ code: 'ORDER_NOT_OPEN' });
      await expect(c.submit(h1, 'orders', 'Place', 'm1', place('sell', 50))).resolves.toMatchObject({ created: true });
    });

    it('amends energy and limit with a revision, and checks expectedRevision', async () => {
      const { order } = await c.submit<{ order: Order }>(h1, 'orders', 'Place', 'm1', place('buy', 100));
      const a1 = await c.submit<Order>(h1, 'orders', 'Amend', 'm1', order.id, JSON.stringify({ energyWh: 200 }));
      expect(a1).toMatchObject({ energyWh: 200, revision: 2, limitPrice: B });
      const a2 = await c.submit<Order>(h1, 'orders', 'Amend', 'm1', order.id, JSON.stringify({ limitPrice: 90000, expectedRevision: 2 }));
      expect(a2).toMatchObject({ energyWh: 200, limitPrice: 90000, limitGiven: true, revision: 3 });
      await expect(c.submit(h1, 'orders', 'Amend', 'm1', order.id, JSON.stringify({ energyWh: 1, expectedRevision: 2 }))).rejects.toMatchObject({
        code: 'REVISION_MISMATCH',
      });
      await expect(c.submit(h1, 'orders', 'Amend', 'm1', order.id, JSON.stringify({}))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      await expect(c.submit(h1, 'orders', 'Amend', 'm1', order.id, JSON.stringify({ limitPrice: S - 1 }))).rejects.toMatchObject({ code: 'LIMIT_OUT_OF_RANGE' });
      expect(await c.evaluate(h1, 'orders', 'Get', 'm1', order.id)).toMatchObject({ revision: 3, energyWh: 200 });
    });

    it('when the market has closed, then amend and cancel are refused', async () => {
      const { order } = await c.submit<{ order: Order }>(h1, 'orders', 'Place', 'm1', place('buy', 100));
      await c.close('m1');
      await expect(c.submit(h1, 'orders', 'Amend', 'm1', order.id, JSON.stringify({ energyWh: 1 }))).rejects.toMatchObject({ code: 'MARKET_NOT_OPEN' });
      await expect(c.submit(h1, 'orders', 'Cancel', 'm1', order.id)).rejects.toMatchObject({ code: 'MARKET_NOT_OPEN' });
    });
  });
});

describe('diagnostics', () => {
  it('Ping commits with an empty write set; Touch writes exactly the caller\'s own probe key', async () => {
    const writes: string[][] = [];
    const c = await community({ onCommit: (t) => writes.push([...t.writeSet.writes.keys()]) });
    const h1 = await newIdentity('bench-1', { 'ecch.role': 'bench' });
    const h2 = await newIdentity('bench-2', { 'ecch.role': 'bench' });
    writes.length = 0;
    await expect(c.submit(h1, 'diagnostics', 'Ping')).resolves.toHaveProperty('txId');
    await c.submit(h1, 'diagnostics', 'Touch');
    await c.submit(h2, 'diagnostics', 'Touch');
    expect(writes[0]).toEqual([]);
    expect(writes[1]).toHaveLength(1);
    expect(writes[1][0]).toContain('ecch.probe');
    expect(writes[2]).toHaveLength(1);
    expect(writes[2][0]).not.toBe(writes[1][0]);
    await c.shutdown();
  });

  it('when an identity without the bench role calls Touch, then FORBIDDEN and nothing is written', async () => {
    const c = await community();
    const h1 = await c.household('h1');
    const height = c.ledger.blockHeight;
    await expect(c.submit(h1, 'diagnostics', 'Touch')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(c.ledger.blockHeight).toBe(height);
    await c.shutdown();
  });
});
