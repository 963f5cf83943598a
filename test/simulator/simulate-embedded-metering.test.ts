/**
 * The metered simulation on the real gateway and embedded ledger: meters registered,
 * signed readings accepted by the chaincode, markets reconciled, and each household's
 * ledger balance equal to the simulator's own §7 sums (market and imbalance) computed
 * from its orders and its physical model alone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GatewayApi } from '@ecch/simulator/gateway/api';
import { loadStartGateway, RunningGateway } from '@ecch/simulator/gateway/start';
import { computeMetrics } from '@ecch/simulator/report/metrics';
import { imbalanceAmount, settleResult } from '@ecch/simulator/report/settlement';
import { summarize } from '@ecch/simulator/report/summary';
import { loadCommunity } from '@ecch/simulator/sim/community';
import { meteredWh, scheduledWh } from '@ecch/simulator/sim/delivery';
import { RunRecord } from '@ecch/simulator/sim/record';
import { runSimulation } from '@ecch/simulator/sim/run';
import { SCENARIOS } from '@ecch/simulator/sim/scenario';

// As simulate-embedded.test.ts: the /docs page's ESM-only dependency plays no part in trading.
jest.mock('@fastify/swagger-ui', () => async () => undefined);

jest.setTimeout(180_000);

describe('metered simulation on the embedded ledger (10 homes × 3 hours, S2, noisy forecast)', () => {
  let gw: RunningGateway;
  let dataDir: string;
  let run: RunRecord;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'ecch-sim-meter-test-'));
    gw = await loadStartGateway()({ ledger: 'embedded', dataDir, port: 0, host: '127.0.0.1', logLevel: 'silent', settings: { RATE_LIMIT_MAX: 1_000_000 } });
    run = await runSimulation(new GatewayApi(gw.url), gw.adminToken, {
      community: loadCommunity('lot2'),
      scenario: SCENARIOS.S2,
      date: '2026-06-21',
      fromHour: 9,
      hours: 3,
      tariff: 'flat',
      strategy: { name: 'margin', margin: 0.1 },
      seed: 20260621,
      ledger: 'embedded',
      idPrefix: '',
      concurrency: 4,
      forecastError: 'noise',
      metering: true,
      readingBatch: 4,
    });
  });

  afterAll(async () => {
    await gw?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('when the hours are metered, then the ledger accepts every signed reading and reconciles every market', async () => {
    for (const h of run.hours) {
      expect(h.readings).toMatchObject({ submitted: 10, batches: 3, created: 10, refused: {} });
      expect(h.reconciliation!.entries.filter((e) => !e.estimated)).toHaveLength(10);
    }
    const market = await new GatewayApi(gw.url).http.request<{ status: string }>('GET', `/v1/markets/${run.hours[0].marketId}`, { token: gw.adminToken });
    expect(market.body.status).toBe('reconciled');
  });

  it("then each household's ledger balance is the simulator's own §7 market amounts plus its imbalance Δ = X_m − X_s at S or B", () => {
    const expected = new Map<string, number>();
    const add = (pid: string, micro: number) => expected.set(pid, (expected.get(pid) ?? 0) + micro);
    for (const h of run.hours) {
      for (const [pid, amount] of settleResult(h.result, h.tariff)) add(pid, amount);
      for (const x of h.homes) add(`${x.id}`, imbalanceAmount(meteredWh(x.position) - scheduledWh(x), h.tariff));
    }
    for (const home of run.homes) expect(run.ledger.balances[home.id]).toBe(expected.get(home.participantId) ?? 0);
    // Not vacuous: the forecast missed, so some home paid or earned for its imbalance.
    expect(run.hours.some((h) => h.reconciliation!.entries.some((e) => e.amount !== 0))).toBe(true);
  });

  it('then every check passes, each reconciliation sums to 0 with the grid, and the grid account balances the households', () => {
    const m = computeMetrics(run);
    expect(m.checks).toEqual(Object.fromEntries(Object.keys(m.checks).map((k) => [k, 0])));
    for (const h of run.hours) expect(h.reconciliation!.entries.reduce((a, e) => a + e.amount, 0) + h.reconciliation!.gridAmount).toBe(0);
    const s = summarize(run, m);
    expect(s.imbalance.gridMicro).toBe(-s.imbalance.netMicro);
    expect(run.ledger.gridBalance).toBe(-Object.values(run.ledger.balances).reduce((a, x) => a + x, 0));
  });
});
