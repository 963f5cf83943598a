/**
 * Every mechanism through the real contracts on the embedded ledger: a market of each
 * (sdr, mmr, uniform, pay-as-bid) takes market-rules §8's book, closes its gate, clears,
 * and stores the result and the settlement entries. The figures are the hand-worked
 * ones of test/chaincode/rules/mechanisms-examples.test.ts (and market-rules §8 for sdr).
 */
import { community, Community, marketInput } from '../../support/ledger-fixture';
import type { LedgerIdentity } from '@ecch/gateway-api/ledger/port';

type Allocation = { orderId: string; participantId: string; side: string; status: string; energyWh: number; internalWh: number; gridWh: number; price: number | null; amount: number };
type Result = Record<string, unknown> & { mechanism: string; internalPrice: number | null; sellPrice: number | null; buyPrice: number | null; allocations: Allocation[]; gridAmount: number };
type Entry = { kind: string; marketId: string; orderId: string; side: string; status?: string; internalWh: number; gridWh: number; price: number | null; amount: number };
type Account = { participantId: string; balance: number; entries: Entry[] };

/** Per participant: [status, internalWh, gridWh, price, amount]. */
type Row = [string, number, number, number | null, number];

const SECTION8: [string, object][] = [
  ['h1', { side: 'sell', energyWh: 3000 }],
  ['h2', { side: 'sell', energyWh: 1000, limitPrice: 100000 }],
  ['h3', { side: 'buy', energyWh: 4000 }],
  ['h4', { side: 'buy', energyWh: 2000, limitPrice: 60000 }],
];

const expected: Record<string, { prices: [number | null, number | null, number | null]; grid: number; rows: Record<string, Row> }> = {
  // market-rules §8: Ps 48372, Pb 68779.
  sdr: {
    prices: [48372, 48372, 68779],
    grid: 350000,
    rows: { h1: ['accepted', 3000, 0, 48372, 145116], h2: ['rejected', 0, 1000, null, 40000], h3: ['accepted', 3000, 1000, 48372, -275116], h4: ['rejected', 0, 2000, null, -260000] },
  },
  // Pm = 85000: h2 and h4 rejected; h3 gets h1's 3000 Wh at 85000 and imports 1000.
  mmr: {
    prices: [85000, 85000, 96250],
    grid: 350000,
    rows: { h1: ['accepted', 3000, 0, 85000, 255000], h2: ['rejected', 0, 1000, null, 40000], h3: ['accepted', 3000, 1000, 85000, -385000], h4: ['rejected', 0, 2000, null, -260000] },
  },
  // walk h1–h3 3000, h2–h3 1000; P = (100000 + 130000)/2 = 115000; h4 (60000) rejected.
  uniform: {
    prices: [115000, 115000, 115000],
    grid: 260000,
    rows: { h1: ['accepted', 3000, 0, 115000, 345000], h2: ['accepted', 1000, 0, 115000, 115000], h3: ['accepted', 4000, 0, 115000, -460000], h4: ['rejected', 0, 2000, null, -260000] },
  },
  // the same matches, each at h3's limit 130000.
  'pay-as-bid': {
    prices: [null, 130000, 130000],
    grid: 260000,
    rows: { h1: ['accepted', 3000, 0, 130000, 390000], h2: ['accepted', 1000, 0, 130000, 130000], h3: ['accepted', 4000, 0, 130000, -520000], h4: ['rejected', 0, 2000, null, -260000] },
  },
};
const MECHANISMS = Object.keys(expected);

describe('markets of every mechanism on the embedded ledger', () => {
  let c: Community;
  let h: Record<string, LedgerIdentity>;
  const orderIds: Record<string, Record<string, string>> = {};
  const results: Record<string, Result> = {};

  beforeAll(async () => {
    c = await community();
    h = {};
    for (const id of ['h1', 'h2', 'h3', 'h4']) h[id] = await c.household(id);
    for (const m of MECHANISMS) {
      const created = await c.submit<{ mechanism: string }>(c.na, 'markets', 'Create', marketInput(`m-${m}`, { mechanism: m }));
      expect(created.mechanism).toBe(m);
      await c.submit(c.na, 'markets', 'Open', `m-${m}`);
      orderIds[m] = {};
      for (const [who, body] of SECTION8) {
        orderIds[m][who] = (await c.submit<{ order: { id: string } }>(h[who], 'orders', 'Place', `m-${m}`, JSON.stringify(body))).order.id;
      }
      expect(await c.submit(c.na, 'markets', 'GateClose', `m-${m}`)).toMatchObject({ status: 'closed', mechanism: m });
      const cleared = await c.submit<{ market: { status: string; mechanism: string }; result: Result }>(c.na, 'markets', 'Clear', `m-${m}`);
      expect(cleared.market).toMatchObject({ status: 'settled', mechanism: m });
      results[m] = cleared.result;
    }
  });
  afterAll(() => c.shutdown());

  it.each(MECHANISMS)('%s: the result carries the mechanism, internalPrice, sellPrice, buyPrice and every allocation', (m) => {
    const r = results[m];
    const [internalPrice, sellPrice, buyPrice] = expected[m].prices;
    expect(r).toMatchObject({ marketId: `m-${m}`, mechanism: m, internalPrice, sellPrice, buyPrice, gridAmount: expected[m].grid });
    const rows = Object.fromEntries(r.allocations.map((a) => [a.participantId, [a.status, a.internalWh, a.gridWh, a.price, a.amount]]));
    expect(rows).toEqual(expected[m].rows);
    for (const a of r.allocations) expect(a.orderId).toBe(orderIds[m][a.participantId]);
    expect(r.allocations.reduce((acc, a) => acc + a.amount, 0) + r.gridAmount).toBe(0);
  });

  it.each(MECHANISMS)('%s: GetResult returns the stored result, and each order reads accepted or rejected', async (m) => {
    expect(await c.evaluate(c.na, 'markets', 'GetResult', `m-${m}`)).toEqual(results[m]);
    for (const [who, row] of Object.entries(expected[m].rows)) {
      expect(await c.evaluate(h[who], 'orders', 'Get', `m-${m}`, orderIds[m][who])).toMatchObject({ status: row[0] });
    }
  });

  it('books one entry per order and market, and each balance is the sum over the four mechanisms', async () => {
    for (const who of ['h1', 'h2', 'h3', 'h4']) {
      const account = await c.evaluate<Account>(c.na, 'accounts', 'Get', who, '', '');
      const byMarket = Object.fromEntries(account.entries.map((e) => [e.marketId, e]));
      expect(Object.keys(byMarket).sort()).toEqual(MECHANISMS.map((m) => `m-${m}`).sort());
      let balance = 0;
      for (const m of MECHANISMS) {
        const [status, internalWh, gridWh, price, amount] = expected[m].rows[who];
        expect(byMarket[`m-${m}`]).toMatchObject({ kind: 'market', orderId: orderIds[m][who], status, internalWh, gridWh, price, amount });
        balance += amount;
      }
      expect(account.balance).toBe(balance);
    }
    // h1: 145116 + 255000 + 345000 + 390000; h2: 40000 + 40000 + 115000 + 130000;
    // h3: −(275116 + 385000 + 460000 + 520000); h4: 4 × −260000.
    const balances = await Promise.all(['h1', 'h2', 'h3', 'h4'].map(async (who) => (await c.evaluate<Account>(c.na, 'accounts', 'Get', who, '', '')).balance));
    expect(balances).toEqual([1135116, 325000, -1640116, -1040000]);
  });

  it("the grid's balancing entry per market carries the market's internalPrice (null for pay-as-bid)", async () => {
    const grid = await c.evaluate<Account>(c.na, 'accounts', 'GetGrid', '', '');
    const byMarket = Object.fromEntries(grid.entries.map((e) => [e.marketId, e]));
    for (const m of MECHANISMS) {
      const r = results[m];
      const imports = r.allocations.filter((a) => a.side === 'buy').reduce((acc, a) => acc + a.gridWh, 0);
      const exports = r.allocations.filter((a) => a.side === 'sell').reduce((acc, a) => acc + a.gridWh, 0);
      expect(byMarket[`m-${m}`]).toMatchObject({ side: 'grid', price: expected[m].prices[0], amount: expected[m].grid, gridWh: imports - exports });
    }
    // 350000 + 350000 + 260000 + 260000
    expect(grid.balance).toBe(1220000);
  });
});

describe('a uniform market where an accepted order trades nothing internally', () => {
  it('stores it accepted, with its whole energy on the grid and price null', async () => {
    const c = await community();
    try {
      const book: [string, object][] = [
        ['p-a', { side: 'sell', energyWh: 2000, limitPrice: 50000 }],
        ['p-b', { side: 'sell', energyWh: 1000, limitPrice: 70001 }],
        ['p-c', { side: 'sell', energyWh: 1500, limitPrice: 90000 }],
        ['p-d', { side: 'sell', energyWh: 700, limitPrice: 75000 }],
        ['p-x', { side: 'buy', energyWh: 1500, limitPrice: 120000 }],
        ['p-y', { side: 'buy', energyWh: 1000, limitPrice: 80000 }],
        ['p-z', { side: 'buy', energyWh: 500, limitPrice: 60000 }],
      ];
      await c.submit(c.na, 'markets', 'Create', marketInput('m-deep', { mechanism: 'uniform' }));
      await c.submit(c.na, 'markets', 'Open', 'm-deep');
      for (const [who, body] of book) {
        const id = await c.household(who);
        await c.submit(id, 'orders', 'Place', 'm-deep', JSON.stringify(body));
      }
      await c.submit(c.na, 'markets', 'GateClose', 'm-deep');
      const { result } = await c.submit<{ result: Result }>(c.na, 'markets', 'Clear', 'm-deep');
      // P = round((70001 + 80000)/2) = 75001 (the worked example's deeper book).
      expect(result).toMatchObject({ internalPrice: 75001, sellPrice: 63649, buyPrice: 75001, gridAmount: -43000, internalWh: 2500 });
      expect(Object.fromEntries(result.allocations.map((a) => [a.participantId, [a.status, a.internalWh, a.gridWh, a.price, a.amount]]))).toEqual({
        'p-a': ['accepted', 2000, 0, 75001, 150002],
        'p-b': ['accepted', 500, 500, 75002, 57501],
        'p-c': ['rejected', 0, 1500, null, 60000],
        'p-d': ['accepted', 0, 700, null, 28000],
        'p-x': ['accepted', 1500, 0, 75001, -112502],
        'p-y': ['accepted', 1000, 0, 75001, -75001],
        'p-z': ['rejected', 0, 500, null, -65000],
      });
      const d = await c.evaluate<Account>(c.na, 'accounts', 'Get', 'p-d', '', '');
      expect(d).toMatchObject({ balance: 28000, entries: [expect.objectContaining({ status: 'accepted', internalWh: 0, gridWh: 700, price: null, amount: 28000 })] });
    } finally {
      await c.shutdown();
    }
  });
});

describe('the mechanism field', () => {
  let c: Community;
  beforeAll(async () => {
    c = await community();
  });
  afterAll(() => c.shutdown());

  it('defaults to sdr and is kept on the market', async () => {
    expect(await c.submit(c.na, 'markets', 'Create', marketInput('m-default'))).toMatchObject({ mechanism: 'sdr' });
    expect(await c.evaluate(c.na, 'markets', 'Get', 'm-default')).toMatchObject({ mechanism: 'sdr' });
  });

  it.each(['vickrey', 'SDR', 'pay_as_bid', '', 1, true])('refuses %p as INVALID_ARGUMENT naming the field, and creates nothing', async (mechanism) => {
    await expect(c.submit(c.na, 'markets', 'Create', marketInput('m-bad', { mechanism }))).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      detail: expect.stringContaining('mechanism must be one of sdr, mmr, uniform, pay-as-bid'),
    });
    await expect(c.evaluate(c.na, 'markets', 'Get', 'm-bad')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
