/**
 * The market clock's reconcile step (mechanisms.md §6–§7) on one embedded ledger, with an
 * injected clock: a settled market of a schedule is reconciled once its reading window
 * (delivery end + 60 min) ends, not before; a reading that arrived in the window counts;
 * a market the NA reconciled by hand is left alone; each market is reconciled once.
 */
import { intervalsOf, type Schedule } from '@ecch/chaincode';
import { MarketClock, type ClockLedger } from '@ecch/gateway-api/clock';
import { community, type Community, B, S } from '../support/ledger-fixture';
import { createTestMeter, readingOf, signed } from '../support/meters';
import { rfc3339 } from './support/gateway';

jest.setTimeout(60_000);

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const never = (_ms: number, signal: AbortSignal) => new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
const quiet = { info: () => undefined, warn: () => undefined };

let c: Community;
beforeEach(async () => {
  c = await community();
});
afterEach(() => c.shutdown());

it('reconciles each settled market of a schedule when its reading window ends, once, and counts the readings', async () => {
  // In the past by the ledger's (real) time, so the chaincode's window check passes whenever the injected clock is due.
  const first = Math.floor(Date.now() / HOUR) * HOUR - 6 * HOUR;
  const s = await c.submit<Schedule>(c.na, 'schedules', 'Create', JSON.stringify({ id: 'rc', firstDeliveryStart: rfc3339(first), count: 2, tariff: { gridBuyPrice: B, gridSellPrice: S } }));
  const [m0, m1] = intervalsOf(s).map((i) => i.marketId);
  expect(intervalsOf(s)[0].due.reconcile).toBe(new Date(first + 2 * HOUR).toISOString());
  const seller = await c.household('seller');
  const meter = await createTestMeter('meter-seller');
  await c.submit(c.na, 'meters', 'Register', JSON.stringify({ meterId: meter.meterId, participantId: 'seller', certificate: meter.certificatePem }));

  const ledger: ClockLedger = {
    submit: (contract, tx, ...args) => c.submit(c.na, contract, tx, ...args),
    evaluate: (contract, tx, ...args) => c.evaluate(c.na, contract, tx, ...args),
  };
  let now = first - 30 * MINUTE;
  const clock = new MarketClock({ ledger, log: quiet, now: () => now, sleep: never });
  const steps = async () => (await clock.tick()).map((d) => `${d.marketId} ${d.step}${d.committed ? '' : ' (found done)'}`);
  expect(await steps()).toEqual([`${m0} create`, `${m0} open`, `${m1} create`]);
  await c.submit(seller, 'orders', 'Place', m0, JSON.stringify({ side: 'sell', energyWh: 1000 }));

  now = first + 30 * MINUTE;
  expect(await steps()).toEqual([`${m0} gate-close`, `${m0} clear`, `${m1} open`]);
  await c.submit(c.na, 'readings', 'Submit', JSON.stringify(signed(meter, readingOf('meter-seller', rfc3339(first), 0, 600))));

  // A minute before m0's window ends: nothing for m0 (m1 is gate-closed and cleared on time).
  now = first + 2 * HOUR - MINUTE;
  expect(await steps()).toEqual([`${m1} gate-close`, `${m1} clear`]);
  expect(await c.evaluate(c.na, 'markets', 'Get', m0)).toMatchObject({ status: 'settled' });

  now = first + 2 * HOUR;
  expect(await steps()).toEqual([`${m0} reconcile`]);
  const r0 = await c.evaluate<{ entries: { participantId: string; scheduledWh: number; meteredWh: number | null; imbalanceWh: number; amount: number }[]; gridAmount: number }>(c.na, 'markets', 'GetReconciliation', m0);
  expect(r0.entries).toEqual([expect.objectContaining({ participantId: 'seller', scheduledWh: 1000, meteredWh: 600, imbalanceWh: -400, amount: -52000 })]);
  expect(r0.gridAmount).toBe(52000);

  // The NA reconciles m1 by hand before the clock: the clock leaves it alone.
  await c.submit(c.na, 'markets', 'Reconcile', m1);
  now = first + 4 * HOUR;
  expect(await steps()).toEqual([]);
  expect(await clock.tick()).toEqual([]);
  for (const id of [m0, m1]) expect(await c.evaluate(c.na, 'markets', 'Get', id)).toMatchObject({ status: 'reconciled' });
  const state = await c.evaluate<{ intervals: { status: string }[] }>(c.na, 'schedules', 'Get', 'rc');
  expect(state.intervals.map((i) => i.status)).toEqual(['reconciled', 'reconciled']);
  await clock.stop();
});
