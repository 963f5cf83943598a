/**
 * The simulator on the real gateway and embedded ledger (started in-process through
 * its public startGateway): each household's balance change on the ledger must equal
 * the simulator's own market-rules §7 computation from the published results.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GatewayApi } from '@ecch/simulator/gateway/api';
import { loadStartGateway, RunningGateway } from '@ecch/simulator/gateway/start';
import { computeMetrics } from '@ecch/simulator/report/metrics';
import { settleResult } from '@ecch/simulator/report/settlement';
import { loadCommunity } from '@ecch/simulator/sim/community';
import { runSimulation } from '@ecch/simulator/sim/run';
import { SCENARIOS } from '@ecch/simulator/sim/scenario';
import { RunRecord } from '@ecch/simulator/sim/record';

// The browsable /docs page pulls in an ES-module-only dependency (content-disposition 3)
// that jest's CommonJS runtime cannot load; it plays no part in trading, so it is stubbed.
jest.mock('@fastify/swagger-ui', () => async () => undefined);

jest.setTimeout(180_000);

describe('simulation on the embedded ledger (10 homes × 3 hours)', () => {
  let gw: RunningGateway;
  let dataDir: string;
  let run: RunRecord;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'ecch-sim-test-'));
    gw = await loadStartGateway()({ ledger: 'embedded', dataDir, port: 0, host: '127.0.0.1', logLevel: 'silent', settings: { RATE_LIMIT_MAX: 1_000_000 } });
    run = await runSimulation(new GatewayApi(gw.url), gw.adminToken, {
      community: loadCommunity('lot2'),
      scenario: SCENARIOS.S1,
      date: '2026-06-21',
      fromHour: 11, // late morning: sellers and buyers, SDR around 1
      hours: 3,
      tariff: 'tou',
      strategy: { name: 'margin', margin: 0.2 },
      seed: 20260621,
      ledger: 'embedded',
      idPrefix: '',
      concurrency: 4,
    });
  });

  afterAll(async () => {
    await gw?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('when the markets close, then energy changed hands inside the community', () => {
    expect(run.hours).toHaveLength(3);
    const traded = run.hours.reduce((a, h) => a + h.result.internalWh, 0);
    expect(traded).toBeGreaterThan(0);
    for (const h of run.hours) expect(h.result.allocations.length).toBe(h.homes.filter((x) => x.intent).length);
  });

  it("then each household's ledger balance change equals the simulator's §7 sum from the published results", () => {
    const expected = new Map<string, number>();
    for (const h of run.hours) {
      for (const [pid, amount] of settleResult(h.result, h.tariff)) expected.set(pid, (expected.get(pid) ?? 0) + amount);
    }
    for (const home of run.homes) {
      expect(run.ledger.balances[home.id]).toBe(expected.get(home.participantId) ?? 0);
    }
    // At least one home both holds a non-zero balance and traded internally, so the comparison is not vacuous.
    expect(run.homes.some((h) => run.ledger.balances[h.id] !== 0)).toBe(true);
  });

  it('then every check of the run passes and the grid account balances the households exactly', () => {
    const m = computeMetrics(run);
    expect(Object.values(m.checks).every((v) => v === 0)).toBe(true);
    const households = Object.values(run.ledger.balances).reduce((a, x) => a + x, 0);
    expect(run.ledger.gridBalance).toBe(-households);
  });

  it('then re-reading a market result through the API gives what the close returned', async () => {
    const api = new GatewayApi(gw.url);
    const h = run.hours[1];
    expect(await api.result(gw.adminToken, h.marketId)).toMatchObject({ sellPrice: h.result.sellPrice, internalWh: h.result.internalWh });
  });
});
