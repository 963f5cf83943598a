/**
 * Reads that stay correct for decades. Fabric cuts an unpaged range query at
 * `totalQueryLimit` without an error; the embedded ledger fails such a query instead,
 * and here its limit is set to a handful of records, so any read that scans a whole
 * history (balances, the market list, participants by status) would fail these tests.
 */
import { community, Community, marketInput } from '../../support/ledger-fixture';

const LIMIT = 10;
const DAY_MS = 86_400_000;
const START = Date.UTC(2026, 5, 1, 6, 0, 0);

interface Account {
  balance: number;
  entries: { amount: number }[];
  bookmark: string;
  statement: { through: string; balance: number } | null;
}

/** Reads every page of an account, so the test can compare the balance with its entries. */
async function allEntries(c: Community, who: 'grid' | string): Promise<{ amount: number }[]> {
  const out: { amount: number }[] = [];
  let bookmark = '';
  do {
    const page = who === 'grid'
      ? await c.evaluate<Account>(c.na, 'accounts', 'GetGrid', '7', bookmark)
      : await c.evaluate<Account>(c.na, 'accounts', 'Get', who, '7', bookmark);
    out.push(...page.entries);
    bookmark = page.bookmark;
  } while (bookmark !== '');
  return out;
}

describe('reads bounded by the query limit', () => {
  let c: Community;
  let clock = START;
  const markets = 3 * LIMIT;

  beforeAll(async () => {
    c = await community({ totalQueryLimit: LIMIT, now: () => clock });
    const seller = await c.household('seller');
    const buyer = await c.household('buyer', 'consumer');
    // One market a day for a month: every account gets more entries than one query may return.
    for (let d = 0; d < markets; d++) {
      clock = START + d * DAY_MS;
      const id = `m${String(d).padStart(2, '0')}`;
      await c.submit(c.na, 'markets', 'Create', marketInput(id, { deliveryStart: new Date(clock + 4 * 3_600_000).toISOString() }));
      await c.submit(c.na, 'markets', 'Open', id);
      await c.submit(seller, 'orders', 'Place', id, JSON.stringify({ side: 'sell', energyWh: 1000 + d }));
      await c.submit(buyer, 'orders', 'Place', id, JSON.stringify({ side: 'buy', energyWh: 2000 }));
      await c.close(id);
    }
  }, 60_000);
  afterAll(() => c.shutdown());

  it('when a scan would return more than the limit, then the embedded ledger fails it rather than cut it', async () => {
    const crowd = await Promise.all(Array.from({ length: LIMIT + 1 }, (_, i) => c.household(`crowd${i}`)));
    clock = START + (markets + 1) * DAY_MS;
    await c.submit(c.na, 'markets', 'Create', marketInput('crowded', { deliveryStart: new Date(clock + 3_600_000).toISOString() }));
    await c.submit(c.na, 'markets', 'Open', 'crowded');
    for (const h of crowd) await c.submit(h, 'orders', 'Place', 'crowded', JSON.stringify({ side: 'sell', energyWh: 1 }));
    await c.submit(c.na, 'markets', 'GateClose', 'crowded');
    await expect(c.submit(c.na, 'markets', 'Clear', 'crowded')).rejects.toThrow(/totalQueryLimit/);
  });

  it('when an account has more entries than the limit, then its balance is still the sum of all of them', async () => {
    for (const who of ['seller', 'buyer', 'grid']) {
      const entries = await allEntries(c, who);
      expect(entries).toHaveLength(markets);
      const account = who === 'grid' ? await c.evaluate<Account>(c.na, 'accounts', 'GetGrid', '', '') : await c.evaluate<Account>(c.na, 'accounts', 'Get', who, '', '');
      expect(account.balance).toBe(entries.reduce((s, e) => s + e.amount, 0));
    }
  });

  it('lists every market newest first in pages, with and without a status filter', async () => {
    const seen: { id: string; deliveryStart: string }[] = [];
    let bookmark = '';
    do {
      const page = await c.evaluate<{ items: { id: string; deliveryStart: string }[]; bookmark: string }>(c.na, 'markets', 'List', 'settled', '4', bookmark);
      expect(page.items.length).toBeLessThanOrEqual(4);
      seen.push(...page.items);
      bookmark = page.bookmark;
    } while (bookmark !== '');
    expect(seen).toHaveLength(markets);
    const starts = seen.map((m) => m.deliveryStart);
    expect(starts).toEqual([...starts].sort().reverse());
    const first = await c.evaluate<{ items: { id: string }[] }>(c.na, 'markets', 'List', '', '1', '');
    expect(first.items.map((m) => m.id)).toEqual(['crowded']);
  });

  it('lists participants by status through the index, in pages', async () => {
    const ids: string[] = [];
    let bookmark = '';
    do {
      const page = await c.evaluate<{ items: { id: string; status: string }[]; bookmark: string }>(c.na, 'participants', 'List', 'approved', '5', bookmark);
      expect(page.items.every((p) => p.status === 'approved')).toBe(true);
      ids.push(...page.items.map((p) => p.id));
      bookmark = page.bookmark;
    } while (bookmark !== '');
    expect(ids).toHaveLength(2 + LIMIT + 1);
    await c.submit(c.na, 'participants', 'SetStatus', 'crowd0', 'suspend');
    const suspended = await c.evaluate<{ items: { id: string }[] }>(c.na, 'participants', 'List', 'suspended', '', '');
    expect(suspended.items.map((p) => p.id)).toEqual(['crowd0']);
  });
});

describe('statements', () => {
  it('when the NA writes statements, then a balance sums the statement and only later entries, and no entry can be dated inside a statement', async () => {
    let clock = START;
    const c = await community({ now: () => clock });
    const seller = await c.household('seller');
    const amounts: number[] = [];
    for (let d = 0; d < 4; d++) {
      clock = START + d * DAY_MS;
      const id = `s${d}`;
      await c.submit(c.na, 'markets', 'Create', marketInput(id, { deliveryStart: new Date(clock + 3_600_000).toISOString() }));
      await c.submit(c.na, 'markets', 'Open', id);
      await c.submit(seller, 'orders', 'Place', id, JSON.stringify({ side: 'sell', energyWh: 1000 * (d + 1) }));
      const { result } = await c.close<{ result: { allocations: { amount: number }[] } }>(id);
      amounts.push(result.allocations[0].amount);
    }
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    // Statements through the second day, written on the fourth.
    const through = day(START + DAY_MS);
    const written = await c.submit<{ statements: { accountId: string; balance: number; entries: number }[] }>(c.na, 'accounts', 'Checkpoint', through, JSON.stringify(['seller', 'grid']));
    expect(written.statements).toEqual([
      expect.objectContaining({ accountId: 'seller', balance: amounts[0] + amounts[1], entries: 2 }),
      expect.objectContaining({ accountId: 'grid', balance: -(amounts[0] + amounts[1]), entries: 2 }),
    ]);
    const account = await c.evaluate<Account>(seller, 'accounts', 'Get', 'seller', '', '');
    expect(account.statement).toEqual({ through, balance: amounts[0] + amounts[1] });
    expect(account.balance).toBe(amounts.reduce((a, b) => a + b, 0));

    // A statement through today, or one that goes back, is refused; so is a household's.
    await expect(c.submit(c.na, 'accounts', 'Checkpoint', day(clock), JSON.stringify(['seller']))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(c.submit(c.na, 'accounts', 'Checkpoint', day(START), JSON.stringify(['seller']))).rejects.toMatchObject({ code: 'PERIOD_CLOSED' });
    await expect(c.submit(seller, 'accounts', 'Checkpoint', through, JSON.stringify(['seller']))).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(c.submit(c.na, 'accounts', 'Checkpoint', '2026-02-30', JSON.stringify(['seller']))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(c.submit(c.na, 'accounts', 'Checkpoint', through, JSON.stringify(['nobody']))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const tooMany = JSON.stringify(Array.from({ length: 101 }, (_, i) => `p${i}`));
    await expect(c.submit(c.na, 'accounts', 'Checkpoint', through, tooMany)).rejects.toMatchObject({ code: 'INPUT_TOO_LARGE' });

    // A clearing whose transaction is dated inside the statement (a backdated one) is refused.
    await c.submit(c.na, 'markets', 'Create', marketInput('late', { deliveryStart: new Date(START + 5 * DAY_MS).toISOString() }));
    await c.submit(c.na, 'markets', 'Open', 'late');
    await c.submit(c.na, 'markets', 'GateClose', 'late');
    clock = START + DAY_MS;
    await expect(c.submit(c.na, 'markets', 'Clear', 'late')).rejects.toMatchObject({ code: 'PERIOD_CLOSED' });
    await c.shutdown();
  });
});
