/**
 * Schedules of the market clock (mechanisms.md §6, kind market): validation, the
 * overlap of schedules, cancellation, and the pure intervals every gateway derives.
 */
import { intervalsOf, marketInputOf, nextStep, type Schedule } from '@ecch/chaincode';
import { community, Community, newIdentity, B, S } from '../../support/ledger-fixture';

const NOW = Date.parse('2026-06-20T12:00:00Z');
const body = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ id: 'day', firstDeliveryStart: '2026-06-21T00:00:00Z', count: 24, tariff: { gridBuyPrice: B, gridSellPrice: S }, ...extra });
const hours = (n: number, f: (h: number) => { gridBuyPrice: number; gridSellPrice: number }) => Array.from({ length: n }, (_, h) => f(h));

describe('schedules', () => {
  let c: Community;
  beforeEach(async () => {
    c = await community({ now: () => NOW });
  });
  afterEach(() => c.shutdown());

  it('creates a schedule with the defaults of mechanisms.md §6 and emits schedule.created', async () => {
    const s = await c.submit<Schedule>(c.na, 'schedules', 'Create', body());
    expect(s).toEqual({
      id: 'day',
      kind: 'market',
      status: 'active',
      firstDeliveryStart: '2026-06-21T00:00:00.000Z',
      intervalMinutes: 60,
      count: 24,
      openLeadMinutes: 60,
      gateClosureMinutes: 5,
      mechanism: 'sdr',
      tariff: { gridBuyPrice: B, gridSellPrice: S },
      createdAt: new Date(NOW).toISOString(),
    });
    const got = await c.evaluate<Schedule & { intervals: { marketId: string; deliveryStart: string; status: string }[] }>(c.na, 'schedules', 'Get', 'day');
    expect(got).toMatchObject(s);
    expect(got.intervals).toHaveLength(24);
    expect(got.intervals[0]).toEqual({ marketId: 'day-20260621T0000Z', deliveryStart: '2026-06-21T00:00:00.000Z', status: 'pending' });
    // Each interval's state is its market's status once the market exists.
    await c.submit(c.na, 'markets', 'Create', JSON.stringify({ id: 'day-20260621T0100Z', deliveryStart: '2026-06-21T01:00:00Z', gridBuyPrice: B, gridSellPrice: S }));
    const after = await c.evaluate<typeof got>(c.na, 'schedules', 'Get', 'day');
    expect(after.intervals.slice(0, 3).map((i) => i.status)).toEqual(['pending', 'scheduled', 'pending']);
    const list = await c.evaluate<{ items: Schedule[]; bookmark: string }>(c.na, 'schedules', 'List', '', '');
    expect(list.items.map((x) => x.id)).toEqual(['day']);
  });

  it('derives every interval: market id, tariff by UTC hour, due steps', async () => {
    const table = hours(24, (h) => ({ gridBuyPrice: B + h, gridSellPrice: S }));
    const s = await c.submit<Schedule>(c.na, 'schedules', 'Create', body({ tariff: table }));
    const intervals = intervalsOf(s);
    expect(intervals).toHaveLength(24);
    expect(intervals[10]).toEqual({
      index: 10,
      marketId: 'day-20260621T1000Z',
      deliveryStart: '2026-06-21T10:00:00.000Z',
      durationMinutes: 60,
      tariff: { gridBuyPrice: B + 10, gridSellPrice: S },
      due: {
        create: '2026-06-20T09:00:00.000Z',
        open: '2026-06-21T09:00:00.000Z',
        'gate-close': '2026-06-21T09:55:00.000Z',
        clear: '2026-06-21T09:55:00.000Z',
        // delivery end + the markets' default reading window (60 min)
        reconcile: '2026-06-21T12:00:00.000Z',
      },
    });
    expect(marketInputOf(s, intervals[0])).toEqual({
      id: 'day-20260621T0000Z',
      deliveryStart: '2026-06-21T00:00:00.000Z',
      durationMinutes: 60,
      gridBuyPrice: B,
      gridSellPrice: S,
      mechanism: 'sdr',
    });
    expect([undefined, 'scheduled', 'open', 'closed', 'settled', 'reconciled', 'cancelled'].map(nextStep)).toEqual(['create', 'open', 'gate-close', 'clear', 'reconcile', undefined, undefined]);
  });

  it('refuses what breaks a rule, each with its code', async () => {
    const refuse = (extra: Record<string, unknown>, code: string) => expect(c.submit(c.na, 'schedules', 'Create', body(extra))).rejects.toMatchObject({ code });
    // A schedule of auctions takes its lot, not a tariff (test/chaincode/contracts/auctions-schedule.test.ts).
    await refuse({ kind: 'auction' }, 'INVALID_ARGUMENT');
    await refuse({ kind: 'lottery' }, 'INVALID_ARGUMENT');
    await refuse({ intervalMinutes: 0 }, 'INVALID_ARGUMENT');
    await refuse({ intervalMinutes: 1441 }, 'INVALID_ARGUMENT');
    await refuse({ count: 0 }, 'INVALID_ARGUMENT');
    await refuse({ count: 745 }, 'INVALID_ARGUMENT');
    await refuse({ openLeadMinutes: 5, gateClosureMinutes: 5 }, 'INVALID_ARGUMENT');
    await refuse({ gateClosureMinutes: -1 }, 'INVALID_ARGUMENT');
    await refuse({ firstDeliveryStart: '2026-06-21T00:00:30Z' }, 'INVALID_ARGUMENT');
    await refuse({ firstDeliveryStart: 'tomorrow' }, 'INVALID_ARGUMENT');
    await refuse({ mechanism: 'lottery' }, 'INVALID_ARGUMENT');
    await refuse({ colour: 'red' }, 'INVALID_ARGUMENT');
    await refuse({ id: 'x'.repeat(50) }, 'INVALID_ARGUMENT');
    await refuse({ tariff: undefined }, 'INVALID_ARGUMENT');
    await refuse({ tariff: { gridBuyPrice: S, gridSellPrice: S } }, 'INVALID_TARIFF');
    await refuse({ tariff: { gridBuyPrice: B, gridSellPrice: -1 } }, 'INVALID_ARGUMENT');
    await refuse({ tariff: hours(23, () => ({ gridBuyPrice: B, gridSellPrice: S })) }, 'INVALID_ARGUMENT');
    await refuse({ tariff: hours(24, (h) => ({ gridBuyPrice: h === 17 ? S : B, gridSellPrice: S })) }, 'INVALID_TARIFF');
    // The last interval beyond the 366-day horizon; the first beyond 3660 days back.
    await refuse({ firstDeliveryStart: '2027-06-01T00:00:00Z', intervalMinutes: 1440, count: 60 }, 'OUT_OF_HORIZON');
    await refuse({ firstDeliveryStart: '2010-01-01T00:00:00Z' }, 'OUT_OF_HORIZON');
    const household = await c.household('h1');
    await expect(c.submit(household, 'schedules', 'Create', body())).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(c.evaluate(c.na, 'schedules', 'Get', 'day')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses a schedule overlapping an active one and a taken id; a cancelled one frees its span', async () => {
    await c.submit(c.na, 'schedules', 'Create', body());
    await expect(c.submit(c.na, 'schedules', 'Create', body())).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    // Ends inside, starts inside, covers it, the last minute: all overlap.
    for (const [first, count] of [
      ['2026-06-20T23:00:00Z', 2],
      ['2026-06-21T23:00:00Z', 5],
      ['2026-06-20T00:00:00Z', 72],
    ] as const) {
      await expect(c.submit(c.na, 'schedules', 'Create', body({ id: 'other', firstDeliveryStart: first, count }))).rejects.toMatchObject({ code: 'SCHEDULE_OVERLAP' });
    }
    await expect(
      c.submit(c.na, 'schedules', 'Create', body({ id: 'other', firstDeliveryStart: '2026-06-21T23:59:00Z', intervalMinutes: 1, count: 1 })),
    ).rejects.toMatchObject({ code: 'SCHEDULE_OVERLAP' });
    // Touching at either end is not overlapping.
    await c.submit(c.na, 'schedules', 'Create', body({ id: 'before', firstDeliveryStart: '2026-06-20T20:00:00Z', count: 4 }));
    await c.submit(c.na, 'schedules', 'Create', body({ id: 'after', firstDeliveryStart: '2026-06-22T00:00:00Z', count: 4 }));
    await expect(c.submit(await c.household('h1'), 'schedules', 'Cancel', 'day')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const cancelled = await c.submit<Schedule>(c.na, 'schedules', 'Cancel', 'day');
    expect(cancelled).toMatchObject({ status: 'cancelled', cancelledAt: new Date(NOW).toISOString() });
    await expect(c.submit(c.na, 'schedules', 'Cancel', 'day')).rejects.toMatchObject({ code: 'INVALID_STATE' });
    await c.submit(c.na, 'schedules', 'Create', body({ id: 'again' }));
    const list = await c.evaluate<{ items: Schedule[] }>(c.na, 'schedules', 'List', '', '');
    expect(list.items.map((s) => [s.id, s.status])).toEqual([
      ['after', 'active'],
      ['again', 'active'],
      ['before', 'active'],
      ['day', 'cancelled'],
    ]);
  });

  it('records a step failure the clock reports, NA only, for its own markets', async () => {
    await c.submit(c.na, 'schedules', 'Create', body());
    const report = JSON.stringify({ marketId: 'day-20260621T0000Z', step: 'create', code: 'MARKET_OVERLAP', detail: 'overlaps m-1', attempt: 1 });
    expect(await c.submit(c.na, 'schedules', 'ReportFailure', 'day', report)).toMatchObject({ scheduleId: 'day', step: 'create', code: 'MARKET_OVERLAP' });
    await expect(c.submit(c.na, 'schedules', 'ReportFailure', 'day', report.replace('day-', 'night-'))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(c.submit(await newIdentity('x'), 'schedules', 'ReportFailure', 'day', report)).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('emits schedule.created, schedule.cancelled and schedule.step-failed', async () => {
    const names: string[] = [];
    const stop = new AbortController();
    const seen = (async () => {
      for await (const e of c.ledger.events(c.na, { blockNumber: 0n }, stop.signal)) {
        names.push(e.name);
        if (names.length === 3) stop.abort();
      }
    })();
    await c.submit(c.na, 'schedules', 'Create', body());
    await c.submit(c.na, 'schedules', 'ReportFailure', 'day', JSON.stringify({ marketId: 'day-20260621T0000Z', step: 'open', code: 'X', detail: 'y', attempt: 2 }));
    await c.submit(c.na, 'schedules', 'Cancel', 'day');
    await seen;
    expect(names).toEqual(['schedule.created', 'schedule.step-failed', 'schedule.cancelled']);
  });
});
