/**
 * Metered delivery on the real Fabric network, through a gateway in Fabric mode: 624
 * households with meters (the NA registers each meter's own certificate), a market
 * settled, a head-end batch of 623 signed readings in one POST /v1/readings (one ledger
 * transaction: about 170 KB of arguments, far below the orderer's AbsoluteMaxBytes of
 * 32 MB and the readings contract's own 400 KB limit), the same batch again (every item
 * a repeat), and the reconciliation: 623 metered, one estimated, summing to 0.
 *
 * The market delivers in the past (readings are accepted only once an interval has
 * started, and reconciliation only after its reading window): a random whole hour 400
 * to 2400 days back, inside the ledger's horizon and away from every other suite's
 * hours (they are ahead of now).
 */
import { randomInt } from 'node:crypto';
import { acquireNetworkLock } from './support/network';
import { ADMIN, registerHousehold, removeDir, runTag, startTestGateway, tempDataDir, type TestGateway } from './support/gateway';
import { createTestMeter, readingOf, signed, type TestMeter } from '../support/meters';

jest.setTimeout(15 * 60_000);

const HOUR = 3_600_000;
const METERS = 624;
const READINGS = 623;
const tag = runTag('mtr');

let release: (() => Promise<void>) | undefined;
let gw: TestGateway | undefined;
let dataDir: string | undefined;

beforeAll(async () => {
  release = await acquireNetworkLock('metering.test.ts');
  dataDir = tempDataDir('metering');
  gw = await startTestGateway('fabric', dataDir);
});

afterAll(async () => {
  await gw?.close();
  removeDir(dataDir);
  await release?.();
});

/** Runs `f` over `items`, `width` at a time. */
async function pool<T, R>(items: T[], width: number, f: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await f(items[i], i);
      }
    }),
  );
  return out;
}

it('a batch of 623 signed readings in one transaction, then the market reconciled and summing to 0', async () => {
  const g = gw!;
  const ids = Array.from({ length: METERS }, (_, i) => `${tag}-${String(i).padStart(3, '0')}`);
  const tokens = await pool(ids, 16, (id) => registerHousehold(g, id));
  const meters: TestMeter[] = await pool(ids, 8, (id) => createTestMeter(`m-${id}`));
  const registered = await pool(meters, 16, (m, i) => g.call('POST', '/v1/meters', ADMIN, { meterId: m.meterId, participantId: ids[i], certificate: m.certificatePem }));
  expect(registered.filter((r) => r.status !== 201)).toEqual([]);

  const deliveryStart = new Date((Math.floor(Date.now() / HOUR) - 24 * (400 + randomInt(2000)) - randomInt(24)) * HOUR).toISOString().replace('.000Z', 'Z');
  const marketId = `${tag}-m`;
  expect((await g.call('POST', '/v1/markets', ADMIN, { id: marketId, deliveryStart, gridBuyPrice: 130000, gridSellPrice: 40000 })).status).toBe(201);
  expect((await g.call('POST', `/v1/markets/${marketId}/open`, ADMIN)).status).toBe(200);
  expect((await g.call('POST', `/v1/markets/${marketId}/orders`, tokens[0], { side: 'sell', energyWh: 1000 })).status).toBe(201);
  expect((await g.call('POST', `/v1/markets/${marketId}/orders`, tokens[1], { side: 'buy', energyWh: 2000 })).status).toBe(201);
  expect((await g.call('POST', `/v1/markets/${marketId}/close`, ADMIN)).status).toBe(200);

  // Household i exports 100 + i Wh and imports 50 Wh; the last household's reading never arrives.
  const items = meters.slice(0, READINGS).map((m, i) => signed(m, readingOf(m.meterId, deliveryStart, 50, 100 + i)));
  const submitted: number[] = [];
  const ledger = g.app.gateway.ledger;
  const original = ledger.submit.bind(ledger);
  ledger.submit = (identity, tx) => {
    if (tx.contract === 'readings') submitted.push(tx.args.length);
    return original(identity, tx);
  };
  let batch;
  try {
    batch = await g.call('POST', '/v1/readings', undefined, { items });
  } finally {
    ledger.submit = original;
  }
  expect(batch.status).toBe(200);
  expect(submitted).toEqual([1]); // one ledger transaction for the whole batch
  expect(batch.body.results).toHaveLength(READINGS);
  expect(batch.body.results.filter((r: { status: number }) => r.status !== 201)).toEqual([]);
  const again = await g.call('POST', '/v1/readings', undefined, { items });
  expect(again.body.results.map((r: { status: number }) => r.status)).toEqual(new Array(READINGS).fill(200));

  const r = await g.call('POST', `/v1/markets/${marketId}/reconcile`, ADMIN);
  expect(r.status).toBe(200);
  expect(r.body.market.status).toBe('reconciled');
  const entries = (r.body.reconciliation.entries as { participantId: string; scheduledWh: number; meteredWh: number | null; imbalanceWh: number; amount: number; estimated: boolean }[]).filter((e) =>
    e.participantId.startsWith(tag),
  );
  expect(entries).toHaveLength(METERS);
  const byId = Object.fromEntries(entries.map((e) => [e.participantId, e]));
  // The seller sold 1000 and exported 100 − 50 = 50: Δ = −950 charged at B. The buyer bought 2000 and metered 101 − 50 = 51: Δ = 2051 credited at S.
  expect(byId[ids[0]]).toMatchObject({ scheduledWh: 1000, meteredWh: 50, imbalanceWh: -950, amount: -123500, estimated: false });
  expect(byId[ids[1]]).toMatchObject({ scheduledWh: -2000, meteredWh: 51, imbalanceWh: 2051, amount: 82040, estimated: false });
  expect(byId[ids[METERS - 1]]).toMatchObject({ meteredWh: null, imbalanceWh: 0, amount: 0, estimated: true });
  expect(entries.filter((e) => e.estimated)).toHaveLength(1);
  const all = r.body.reconciliation.entries as { amount: number }[];
  expect(all.reduce((s, e) => s + e.amount, r.body.reconciliation.gridAmount)).toBe(0);
  const read = await g.call('GET', `/v1/markets/${marketId}/reconciliation`, tokens[2]);
  expect(read.body).toEqual(r.body.reconciliation);
  // After reconciliation a new reading is late.
  const late = await g.call('POST', '/v1/readings', undefined, signed(meters[METERS - 1], readingOf(meters[METERS - 1].meterId, deliveryStart, 0, 1)));
  expect([late.status, late.body.code]).toEqual([409, 'READING_LATE']);
});
