/**
 * The driving logic against a small fake gateway (fake-gateway.ts): the sequence of
 * API calls, idempotent retries, amendments, and the checks that compare the
 * simulator's own accounting with what the ledger reports.
 */
import { GatewayApi } from '@ecch/simulator/gateway/api';
import { computeMetrics } from '@ecch/simulator/report/metrics';
import { summarize } from '@ecch/simulator/report/summary';
import { loadCommunity } from '@ecch/simulator/sim/community';
import { RunOptions, runSimulation } from '@ecch/simulator/sim/run';
import { SCENARIOS } from '@ecch/simulator/sim/scenario';
import { FakeOptions, startFakeGateway } from './fake-gateway';

// Each run now also makes ten meters (a P-256 key and a self-signed certificate each) and
// signs and reconciles every hour: seconds on a loaded 2-core machine, beyond jest's 5 s default.
jest.setTimeout(60_000);

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
      strategy: { name: 'margin', margin: 0.3 },
      seed: 20260621,
      ledger: 'external',
      idPrefix: 't-',
      concurrency: 4,
      ...opts,
    });
    return { run, gw };
  } finally {
    await gw.close();
  }
}

describe('simulation driver on a fake gateway (10 homes × 3 hours)', () => {
  it('when run, then the NA registers each home, opens and closes every market, and homes order with client order ids', async () => {
    const { run, gw } = await runOnFake({});
    const posts = (re: RegExp) => gw.calls.filter((c) => c.method === 'POST' && re.test(c.path));
    expect(posts(/^\/v1\/participants$/)).toHaveLength(10);
    expect(posts(/^\/v1\/markets$/)).toHaveLength(3);
    expect(posts(/\/open$/)).toHaveLength(3);
    expect(posts(/\/close$/)).toHaveLength(3);
    expect([...gw.markets.keys()]).toEqual(['t-m-2026062106', 't-m-2026062107', 't-m-2026062108']);
    const orders = run.hours.flatMap((h) => h.homes.filter((x) => x.intent));
    expect(posts(/\/orders$/)).toHaveLength(orders.length);
    // Midday in June: PV homes sell, the others buy.
    expect(orders.some((o) => o.intent!.side === 'sell')).toBe(true);
    expect(orders.some((o) => o.intent!.side === 'buy')).toBe(true);
    for (const m of gw.markets.values()) {
      expect(m.status).toBe('closed');
      expect(m.orders.every((o) => o.clientOrderId?.startsWith('l2-'))).toBe(true);
    }
    expect(run.hours.every((h) => h.tariff.gridBuyPrice === 130_000)).toBe(true);
  });

  it('when a cautious limit would be rejected, then the home amends it (PATCH) before gate closure', async () => {
    const { run, gw } = await runOnFake({});
    const amended = run.hours.flatMap((h) => h.homes.filter((x) => x.amendedLimit !== undefined));
    expect(amended.length).toBeGreaterThan(0);
    expect(gw.calls.filter((c) => c.method === 'PATCH')).toHaveLength(amended.length);
    for (const m of gw.markets.values()) for (const o of m.orders.filter((x) => x.revision > 1)) expect(o.limitPrice === m.gridSellPrice || o.limitPrice === m.gridBuyPrice).toBe(true);
  });

  it("when the ledger settles per the rules, then every check passes and each home's balance equals the simulator's §7 sum", async () => {
    const { run } = await runOnFake({});
    const metrics = computeMetrics(run);
    const s = summarize(run, metrics);
    expect(s.checks).toEqual({
      energyBalanceViolations: 0,
      batteryLimitViolations: 0,
      allocationMismatches: 0,
      internalImbalances: 0,
      amountMismatches: 0,
      balanceMismatches: 0,
      moneyNotConserved: 0,
      readingsRefused: 0,
      imbalanceMismatches: 0,
      imbalanceNotConserved: 0,
    });
    expect(s.energyWh.p2pTraded).toBeGreaterThan(0);
    for (const h of metrics.homes) expect(h.ledgerBalance).toBe(h.computedAmount);
    expect(s.moneyMicro.gridBalance).toBe(-s.moneyMicro.community);
  });

  it("when the ledger's balance for a home is off by 1 µ, then the balance check reports exactly that home", async () => {
    const { run } = await runOnFake({ skewBalance: { participantId: 't-l2-003', micro: 1 } });
    const metrics = computeMetrics(run);
    expect(metrics.checks.balanceMismatches).toBe(1);
    expect(metrics.homes.find((h) => h.id === 'l2-003')!.ledgerBalance).toBe(metrics.homes.find((h) => h.id === 'l2-003')!.computedAmount + 1);
  });

  it('when the gateway throttles order posts with 429, then the orders are retried and each placed once', async () => {
    const { run, gw } = await runOnFake({ throttleFirstOrders: 3 });
    expect(gw.calls.filter((c) => c.status === 429)).toHaveLength(3);
    const placed = [...gw.markets.values()].flatMap((m) => m.orders);
    expect(placed).toHaveLength(run.hours.flatMap((h) => h.homes.filter((x) => x.intent)).length);
    expect(computeMetrics(run).checks.allocationMismatches).toBe(0);
  });

  it('when a recorded position is tampered with, then the energy balance check catches it', async () => {
    const { run } = await runOnFake({}, { strategy: { name: 'truthful', margin: 0 } });
    expect(computeMetrics(run).checks.energyBalanceViolations).toBe(0);
    run.hours[1].homes[0].position.demandWh += 1;
    expect(computeMetrics(run).checks.energyBalanceViolations).toBe(1);
  });
});
