/**
 * Schedules of kind auction (RS3, mechanisms.md §5–§6): the template is validated, each
 * interval's auction id, window and due steps are derived as the spec says, the
 * schedule's Get shows each interval's auction status, and an auction created from the
 * template carries the schedule's id.
 */
// The fixture first: it silences the shim's decorator logging before the chaincode loads.
import { community, Community } from '../../support/ledger-fixture';
import { auctionInputOf, auctionIntervalsOf, nextAuctionStep, type AuctionView, type Schedule, type ScheduleView } from '@ecch/chaincode';

const NOW = Date.parse('2026-06-20T12:00:00Z');
const body = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    id: 'vpp',
    kind: 'auction',
    firstDeliveryStart: '2026-06-21T03:00:00Z',
    count: 4,
    openLeadMinutes: 60,
    gateClosureMinutes: 10,
    auction: { owner: 'ess', lotWh: 3000, reservePrice: 40000, increment: 500 },
    ...extra,
  });

describe('schedules of kind auction', () => {
  let c: Community;
  beforeEach(async () => {
    c = await community({ now: () => NOW });
    await c.household('ess', 'storage');
  });
  afterEach(() => c.shutdown());

  it('keeps the template instead of a tariff, derives each interval\'s auction and window, and lists them as pending until created', async () => {
    const s = await c.submit<Schedule>(c.na, 'schedules', 'Create', body());
    expect(s).toMatchObject({ id: 'vpp', kind: 'auction', mechanism: 'english', auction: { owner: 'ess', lotWh: 3000, reservePrice: 40000, increment: 500 } });
    expect(s).not.toHaveProperty('tariff');
    const intervals = auctionIntervalsOf(s);
    expect(intervals[1]).toEqual({
      index: 1,
      auctionId: 'vpp-20260621T0400Z',
      deliveryStart: '2026-06-21T04:00:00.000Z',
      startAt: '2026-06-21T03:00:00.000Z',
      endAt: '2026-06-21T03:50:00.000Z',
      due: { create: '2026-06-20T03:00:00.000Z', close: '2026-06-21T03:50:00.000Z' },
    });
    expect(auctionInputOf(s, intervals[1])).toEqual({
      id: 'vpp-20260621T0400Z',
      owner: 'ess',
      lotWh: 3000,
      reservePrice: 40000,
      increment: 500,
      startAt: '2026-06-21T03:00:00.000Z',
      endAt: '2026-06-21T03:50:00.000Z',
      deliveryStart: '2026-06-21T04:00:00.000Z',
      scheduleId: 'vpp',
    });
    expect([undefined, 'open', 'settled', 'cancelled'].map(nextAuctionStep)).toEqual(['create', 'close', undefined, undefined]);

    const created = await c.submit<AuctionView>(c.na, 'auctions', 'Create', JSON.stringify(auctionInputOf(s, intervals[1])));
    expect(created).toMatchObject({ id: 'vpp-20260621T0400Z', origin: 'schedule', scheduleId: 'vpp', status: 'open' });
    const view = await c.evaluate<ScheduleView>(c.na, 'schedules', 'Get', 'vpp');
    expect(view.intervals.map((i) => [i.auctionId, i.status])).toEqual([
      ['vpp-20260621T0300Z', 'pending'],
      ['vpp-20260621T0400Z', 'open'],
      ['vpp-20260621T0500Z', 'pending'],
      ['vpp-20260621T0600Z', 'pending'],
    ]);
  });

  it('refuses a template that breaks §5\'s ranges, an unknown owner, and a tariff or mechanism beside it', async () => {
    const refuse = (extra: Record<string, unknown>, code: string) => expect(c.submit(c.na, 'schedules', 'Create', body(extra))).rejects.toMatchObject({ code });
    const lot = (over: Record<string, unknown>) => ({ auction: { owner: 'ess', lotWh: 3000, reservePrice: 40000, increment: 500, ...over } });
    await refuse({ auction: undefined }, 'INVALID_ARGUMENT');
    await refuse(lot({ lotWh: 0 }), 'INVALID_ARGUMENT');
    await refuse(lot({ increment: 0 }), 'INVALID_ARGUMENT');
    await refuse(lot({ reservePrice: -1 }), 'INVALID_ARGUMENT');
    await refuse(lot({ colour: 'red' }), 'INVALID_ARGUMENT');
    await refuse(lot({ owner: 'nobody' }), 'NOT_FOUND');
    await refuse({ tariff: { gridBuyPrice: 130000, gridSellPrice: 40000 } }, 'INVALID_ARGUMENT');
    await refuse({ mechanism: 'sdr' }, 'INVALID_ARGUMENT');
    await refuse({ kind: 'market', tariff: { gridBuyPrice: 130000, gridSellPrice: 40000 } }, 'INVALID_ARGUMENT');
    // The grid may own the lot.
    await expect(c.submit(c.na, 'schedules', 'Create', body(lot({ owner: 'grid' })))).resolves.toMatchObject({ auction: { owner: 'grid' } });
  });
});
