/**
 * The market clock on the real Fabric network: one schedule of three one-minute
 * intervals runs by itself end to end through a gateway in Fabric mode. The NA sends
 * one request; the gateway's clock creates, opens, gate-closes and clears each market,
 * each step once and within 30 s of its due time, and two households trade in the
 * first market while it is open.
 *
 * Times: the intervals start two to four minutes from now. Every other network suite
 * takes its delivery hours from deliveryHours() (whole hours 30 to 180 days ahead), so
 * these minutes can overlap none of theirs; a rerun on a kept network starts later
 * than this run's intervals ended, and the schedule id carries a run tag.
 */
import { intervalsOf, type Schedule } from '@ecch/chaincode';
import { acquireNetworkLock } from './support/network';
import { ADMIN, openEventStream, registerHousehold, removeDir, runTag, startTestGateway, tempDataDir, type SseClient, type TestGateway } from './support/gateway';

jest.setTimeout(8 * 60_000);

const MINUTE = 60_000;
const tag = runTag('clk');

let release: (() => Promise<void>) | undefined;
let gw: TestGateway | undefined;
let stream: SseClient | undefined;
let dataDir: string | undefined;

beforeAll(async () => {
  release = await acquireNetworkLock('clock.test.ts');
  dataDir = tempDataDir('clock');
  gw = await startTestGateway('fabric', dataDir);
});

afterAll(async () => {
  stream?.close();
  // Cancelled (409 if already), so no other suite's gateway clock ever acts on it, even after a failure here.
  await gw?.call('POST', `/v1/schedules/${tag}/cancel`, ADMIN).catch(() => undefined);
  await gw?.close();
  removeDir(dataDir);
  await release?.();
});

interface Seen {
  event: string;
  marketId: string;
  at: number;
}

it('one request: the clock runs a schedule of three one-minute markets by itself, each step once and on time', async () => {
  const g = gw!;
  const seller = await registerHousehold(g, `${tag}-s`);
  const buyer = await registerHousehold(g, `${tag}-b`);
  stream = await openEventStream(g, ADMIN);
  const seen: Seen[] = [];
  const record = () => {
    for (const e of stream!.events.slice(seen.length)) {
      const data = JSON.parse(e.data || 'null') as { id?: string; market?: { id: string } } | null;
      seen.push({ event: e.event, marketId: data?.market?.id ?? data?.id ?? '', at: Date.now() });
    }
  };
  const timer = setInterval(record, 200);

  // The first interval two to three minutes ahead, on a whole minute: it opens in one to two minutes.
  const first = Math.ceil(Date.now() / MINUTE) * MINUTE + 2 * MINUTE;
  const created = await g.call('POST', '/v1/schedules', ADMIN, {
    id: tag,
    firstDeliveryStart: new Date(first).toISOString(),
    intervalMinutes: 1,
    count: 3,
    openLeadMinutes: 2,
    gateClosureMinutes: 1,
    tariff: { gridBuyPrice: 130000, gridSellPrice: 40000 },
  });
  expect(created.status).toBe(201);
  const intervals = intervalsOf(created.body as Schedule);
  const ids = intervals.map((i) => i.marketId);

  try {
    // The households trade in the first market while it is open (a minute, from first − 2 min).
    await stream.waitFor('the first market opened', (es) => es.some((e) => e.event === 'market.opened' && e.data.includes(`"id":"${ids[0]}"`)), 4 * MINUTE);
    const sell = await g.call('POST', `/v1/markets/${ids[0]}/orders`, seller, { side: 'sell', energyWh: 3000 });
    const buy = await g.call('POST', `/v1/markets/${ids[0]}/orders`, buyer, { side: 'buy', energyWh: 4000 });
    expect([sell.status, buy.status]).toEqual([201, 201]);

    // The last market clears a little after its gate closes at first + 1 min.
    await stream.waitFor('the last market settled', (es) => es.some((e) => e.event === 'market.settled' && e.data.includes(`"id":"${ids[2]}"`)), 5 * MINUTE);
    record();
  } finally {
    clearInterval(timer);
  }

  for (const [i, interval] of intervals.entries()) {
    const id = ids[i];
    const events = seen.filter((s) => s.marketId === id && ['market.created', 'market.opened', 'market.gate-closed', 'market.closed'].includes(s.event));
    // Each step once, in order.
    expect(events.map((e) => e.event)).toEqual(['market.created', 'market.opened', 'market.gate-closed', 'market.closed']);
    // Each within 30 s of its due time (created: at once, its due time being past).
    const due = { 'market.opened': interval.due.open, 'market.gate-closed': interval.due['gate-close'], 'market.closed': interval.due.clear } as Record<string, string>;
    for (const e of events.slice(1)) {
      const late = e.at - Date.parse(due[e.event]);
      expect(late).toBeGreaterThanOrEqual(0);
      expect(late).toBeLessThanOrEqual(30_000);
    }
    const market = await g.call('GET', `/v1/markets/${id}`, ADMIN);
    expect(market.body).toMatchObject({ status: 'settled', durationMinutes: 1, deliveryStart: interval.deliveryStart });
  }
  const result = await g.call('GET', `/v1/markets/${ids[0]}/result`, ADMIN);
  expect(result.body).toMatchObject({ internalWh: 3000, gridImportWh: 1000 });
  const state = await g.call('GET', `/v1/schedules/${tag}`, ADMIN);
  expect(state.body).toMatchObject({ id: tag, status: 'active', intervals: ids.map((marketId) => ({ marketId, status: 'settled' })) });
});
