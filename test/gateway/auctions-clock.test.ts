/**
 * The market clock's schedules of kind auction (RS3, mechanisms.md §6) on the embedded
 * ledger, with one injected time source for the clock and the ledger: each interval's
 * auction is created a day before it opens and closed at its end (within 30 s), a bid
 * placed in its window settles the winner and the owner, a second clock on the same
 * ledger commits nothing twice, and an auction the NA made by hand under an interval's
 * id is left to the NA.
 */
import { community, type Community } from '../support/ledger-fixture';
import { auctionIntervalsOf, type AuctionView, type Schedule } from '@ecch/chaincode';
import { MarketClock, type ClockLedger, type StepDone } from '@ecch/gateway-api/clock';

const MINUTE = 60_000;
const quiet = { info: () => undefined, warn: () => undefined };
const never = (_ms: number, signal: AbortSignal) => new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));

let now = 0;
let c: Community;

function ledgerOf(x: Community): ClockLedger {
  return {
    submit: (contract, tx, ...args) => x.submit(x.na, contract, tx, ...args),
    evaluate: (contract, tx, ...args) => x.evaluate(x.na, contract, tx, ...args),
  };
}

beforeEach(async () => {
  now = Date.parse('2026-06-20T00:00:00Z');
  c = await community({ now: () => now });
});
afterEach(() => c.shutdown());

it('creates each interval\'s auction a day ahead and closes it at its end; bids in the window settle; a second clock never acts twice', async () => {
  await c.household('ess', 'storage');
  const h1 = await c.household('h1');
  const h2 = await c.household('h2');
  const start = Date.parse('2026-06-21T06:00:00Z');
  const s = await c.submit<Schedule>(
    c.na,
    'schedules',
    'Create',
    JSON.stringify({ id: 'vpp', kind: 'auction', firstDeliveryStart: new Date(start).toISOString(), count: 3, openLeadMinutes: 60, gateClosureMinutes: 10, auction: { owner: 'ess', lotWh: 2000, reservePrice: 40000, increment: 1000 } }),
  );
  const intervals = auctionIntervalsOf(s);
  // The third interval's id is taken by a hand-made auction of the NA's: the clock must leave it alone.
  const third = intervals[2];
  await c.submit(c.na, 'auctions', 'Create', JSON.stringify({ id: third.auctionId, owner: 'ess', lotWh: 1, reservePrice: 0, increment: 1, startAt: third.startAt, endAt: third.endAt, deliveryStart: third.deliveryStart }));

  const clocks = [0, 1].map(() => new MarketClock({ ledger: ledgerOf(c), log: quiet, now: () => now, sleep: never }));
  const due = new Map(intervals.flatMap((i) => Object.entries(i.due).map(([step, at]) => [`${i.auctionId}/${step}`, Date.parse(at)] as const)));
  const doneAt = new Map<string, number>();
  const committed: StepDone[] = [];
  // Tick both clocks 15 s after every due time (and at the bid moment), in time order.
  const moments = [...new Set([...due.values()].map((t) => t + 15_000).concat([Date.parse(intervals[0].startAt) + 5 * MINUTE]))].sort((a, b) => a - b);
  for (const at of moments) {
    now = at;
    if (at === Date.parse(intervals[0].startAt) + 5 * MINUTE) {
      await c.submit(h1, 'auctions', 'Bid', intervals[0].auctionId, JSON.stringify({ maxPrice: 70000 }));
      await c.submit(h2, 'auctions', 'Bid', intervals[0].auctionId, JSON.stringify({ maxPrice: 55000 }));
    }
    for (const clock of clocks) {
      for (const d of await clock.tick()) {
        if (d.committed) committed.push(d);
        if (!doneAt.has(`${d.marketId}/${d.step}`)) doneAt.set(`${d.marketId}/${d.step}`, now);
      }
    }
  }
  // Two intervals' create and close each, once; the hand-made auction neither.
  expect(committed.map((d) => `${d.marketId}/${d.step}`).sort()).toEqual([
    `${intervals[0].auctionId}/close`,
    `${intervals[0].auctionId}/create`,
    `${intervals[1].auctionId}/close`,
    `${intervals[1].auctionId}/create`,
  ]);
  for (const d of committed) {
    const late = doneAt.get(`${d.marketId}/${d.step}`)! - due.get(`${d.marketId}/${d.step}`)!;
    expect(late).toBeGreaterThanOrEqual(0);
    expect(late).toBeLessThanOrEqual(30_000);
  }
  const first = await c.evaluate<AuctionView>(c.na, 'auctions', 'Get', intervals[0].auctionId);
  expect(first).toMatchObject({ status: 'settled', origin: 'schedule', scheduleId: 'vpp', level: 56000, leader: 'h1', startAt: intervals[0].startAt, endAt: intervals[0].endAt });
  // 2000 Wh · 56000 µ/kWh / 1000 = 112000 µ
  const account = await c.evaluate<{ balance: number }>(c.na, 'accounts', 'Get', 'h1', '', '');
  expect(account.balance).toBe(-112000);
  expect((await c.evaluate<{ balance: number }>(c.na, 'accounts', 'Get', 'ess', '', '')).balance).toBe(112000);
  expect(await c.evaluate<AuctionView>(c.na, 'auctions', 'Get', intervals[1].auctionId)).toMatchObject({ status: 'settled', level: null });
  expect(await c.evaluate<AuctionView>(c.na, 'auctions', 'Get', third.auctionId)).toMatchObject({ status: 'open', origin: 'na' });
});
