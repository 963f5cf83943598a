/**
 * Orders from a forecast, delivery from the actual profile, and the meters: the driver
 * registers a meter per home, submits every home's signed reading after each market
 * settles, reconciles as the NA, and the report's imbalance figures and checks follow
 * the ledger's reconciliations (fake gateway: fake-gateway.ts).
 */
import { verifyReading } from '@ecch/simulator/meter';
import { GatewayApi } from '@ecch/simulator/gateway/api';
import { computeMetrics } from '@ecch/simulator/report/metrics';
import { imbalanceAmount } from '@ecch/simulator/report/settlement';
import { summarize } from '@ecch/simulator/report/summary';
import { loadCommunity } from '@ecch/simulator/sim/community';
import { meteredWh, scheduledWh } from '@ecch/simulator/sim/delivery';
import { RunOptions, runSimulation } from '@ecch/simulator/sim/run';
import { SCENARIOS } from '@ecch/simulator/sim/scenario';
import { FakeOptions, startFakeGateway } from './fake-gateway';

const lot2 = loadCommunity('lot2');

async function runOnFake(fake: FakeOptions, opts: Partial<RunOptions> = {}) {
  const gw = await startFakeGateway(fake);
  try {
    const run = await runSimulation(new GatewayApi(gw.url, { retries: 3 }), gw.adminToken, {
      community: lot2,
      scenario: SCENARIOS.S2,
      date: '2026-06-21',
      fromHour: 9,
      hours: 3,
      tariff: 'flat',
      strategy: { name: 'margin', margin: 0.1 },
      seed: 20260621,
      ledger: 'external',
      idPrefix: 't-',
      concurrency: 4,
      forecastError: 'noise',
      metering: true,
      readingBatch: 4,
      ...opts,
    });
    return { run, gw };
  } finally {
    await gw.close();
  }
}

const ok = { readingsRefused: 0, imbalanceMismatches: 0, imbalanceNotConserved: 0 };

describe('metered delivery in the simulation (10 homes × 3 hours, fake gateway)', () => {
  it('when metering is on, then the NA registers one meter per home and every hour’s readings go in batches before the market is reconciled', async () => {
    const { run, gw } = await runOnFake({});
    const posts = gw.calls.filter((c) => c.method === 'POST').map((c) => c.path);
    expect(posts.filter((p) => p === '/v1/meters')).toHaveLength(10);
    // 10 readings in batches of 4: three POSTs per hour.
    expect(posts.filter((p) => p === '/v1/readings')).toHaveLength(9);
    expect(gw.readings.size).toBe(30);
    for (const h of run.hours) {
      expect(h.readings).toEqual({ submitted: 10, batches: 3, created: 10, repeated: 0, refused: {} });
      // The hour's readings, then its reconciliation: both after the close.
      const at = (p: string) => posts.indexOf(p);
      expect(at(`/v1/markets/${h.marketId}/close`)).toBeLessThan(at(`/v1/markets/${h.marketId}/reconcile`));
      expect(gw.markets.get(h.marketId)!.status).toBe('reconciled');
    }
    // Each recorded reading is the home's actual flow over the market's interval, signed by its registered meter.
    for (const h of run.hours) {
      for (const x of h.homes) {
        const meter = gw.meters.get(`m-t-${x.id}`)!;
        const { reading, signature } = gw.readings.get(`${meter.meterId}|${h.deliveryStart}`)!;
        expect(reading).toEqual({ meterId: meter.meterId, intervalStart: h.deliveryStart, intervalMinutes: 60, importWh: x.position.importWh, exportWh: x.position.exportWh, seq: h.index + 1 });
        expect(verifyReading(reading, signature, meter.certificate)).toBe(true);
      }
    }
  });

  it('when homes order from a noisy forecast, then orders differ from delivery and each Δ is settled at S or B, summing to 0 with the grid', async () => {
    const { run } = await runOnFake({});
    const m = computeMetrics(run);
    const s = summarize(run, m);
    expect(Object.values(s.checks).every((v) => v === 0)).toBe(true);
    expect(s.imbalance.homeHoursWithImbalance).toBeGreaterThan(0);
    expect(s.imbalance.overWh + s.imbalance.underWh).toBeGreaterThan(0);
    for (const h of run.hours) {
      const rec = h.reconciliation!;
      expect(rec.entries).toHaveLength(10);
      expect(rec.entries.reduce((a, e) => a + e.amount, 0) + rec.gridAmount).toBe(0);
      for (const x of h.homes) {
        const e = rec.entries.find((y) => y.participantId === `t-${x.id}`)!;
        // Metered delivery = scheduled + Δ, exactly, and the money is §7's.
        expect(meteredWh(x.position)).toBe(scheduledWh(x) + e.imbalanceWh);
        expect(e.amount).toBe(imbalanceAmount(e.imbalanceWh, h.tariff));
        expect(Math.sign(e.amount)).toBe(Math.sign(e.imbalanceWh));
      }
    }
    // The homes' imbalance money is what the grid balances, and ledger balances include it.
    expect(s.imbalance.gridMicro).toBe(-s.imbalance.netMicro);
    expect(s.imbalance.netMicro).toBe(s.imbalance.creditedMicro - s.imbalance.chargedMicro);
    for (const h of m.homes) expect(h.ledgerBalance).toBe(h.computedAmount);
    expect(s.moneyMicro.gridBalance).toBe(-s.moneyMicro.community);
  });

  it('when the forecast is noisy, then every home-hour still balances exactly, both as forecast and as delivered', async () => {
    const { run } = await runOnFake({});
    const balanced = (p: (typeof run.hours)[0]['homes'][0]['position']) =>
      p.generationWh + p.importWh === p.demandWh + p.exportWh + (p.battery.socAfterWh - p.battery.socBeforeWh) + p.battery.lossWh;
    for (const h of run.hours) {
      for (const x of h.homes) {
        expect(balanced(x.position)).toBe(true);
        expect(balanced(x.forecast!)).toBe(true);
        // The order is the forecast's position; the battery carries the actual state of charge on.
        expect(x.forecast!.battery.socBeforeWh).toBe(x.position.battery.socBeforeWh);
        expect(scheduledWh(x)).toBe(x.forecast!.exportWh - x.forecast!.importWh);
      }
    }
    expect(run.hours.some((h) => h.homes.some((x) => x.forecast!.demandWh !== x.position.demandWh))).toBe(true);
  });

  it('when the forecast error is none, then every Δ is 0, nothing is charged, and the markets settle as without metering', async () => {
    const metered = (await runOnFake({}, { forecastError: 'none' })).run;
    const plain = (await runOnFake({}, { forecastError: 'none', metering: false })).run;
    const s = summarize(metered, computeMetrics(metered));
    expect(s.checks).toMatchObject(ok);
    expect(s.imbalance).toMatchObject({ overWh: 0, underWh: 0, creditedMicro: 0, chargedMicro: 0, gridMicro: 0, homeHoursWithImbalance: 0, marketsReconciled: 3 });
    for (const h of metered.hours) expect(h.reconciliation!.entries.every((e) => e.imbalanceWh === 0 && e.amount === 0 && !e.estimated)).toBe(true);
    expect(metered.hours.map((h) => h.result)).toEqual(plain.hours.map((h) => h.result));
    expect(metered.ledger.balances).toEqual(plain.ledger.balances);
    expect(plain.hours.every((h) => h.reconciliation === undefined && h.readings === undefined)).toBe(true);
  });

  it("when the ledger loses one meter's readings, then the imbalance check reports exactly that home's hours (estimated Δ = 0)", async () => {
    const { run } = await runOnFake({ loseReadingsOf: 'm-t-l2-003' });
    const m = computeMetrics(run);
    const lost = run.hours.map((h) => h.reconciliation!.entries.find((e) => e.meterId === 'm-t-l2-003')!);
    expect(lost.every((e) => e.estimated && e.meteredWh === null && e.amount === 0)).toBe(true);
    expect(m.checks.imbalanceMismatches).toBe(3);
    expect(m.hours.map((h) => h.estimatedReadings)).toEqual([1, 1, 1]);
  });

  it('when a recorded imbalance amount is tampered with, then the checks catch it', async () => {
    const { run } = await runOnFake({});
    expect(computeMetrics(run).checks.imbalanceMismatches).toBe(0);
    const e = run.hours[0].reconciliation!.entries[0];
    e.amount += 1;
    const checks = computeMetrics(run).checks;
    expect(checks.imbalanceMismatches).toBe(1);
    expect(checks.imbalanceNotConserved).toBe(1);
  });
});
