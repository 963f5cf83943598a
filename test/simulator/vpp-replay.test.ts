/**
 * One of seed 003's cases (IV, 03:00: the ESS covers the deficit) replayed under RS1
 * through the real gateway on the embedded ledger (started in-process through its
 * public startGateway): every auction's winner, level and amount must be mechanisms.md
 * §5's from the bids that were placed, the accounts must move by the settled amounts,
 * and the ESS must sell Table 3's backup.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GatewayApi } from '@ecch/simulator/gateway/api';
import { loadStartGateway, RunningGateway } from '@ecch/simulator/gateway/start';
import { VPP_SEED } from '@ecch/simulator/vpp/agents';
import { applyEss, VPP_ESS } from '@ecch/simulator/vpp/ess';
import { auctionAmount } from '@ecch/simulator/vpp/level';
import { VPP_PRICES } from '@ecch/simulator/vpp/policy';
import { replayVpp, ReplayRecord } from '@ecch/simulator/vpp/replay';

// The browsable /docs page pulls in an ES-module-only dependency that jest's CommonJS runtime cannot load; it plays no part here.
jest.mock('@fastify/swagger-ui', () => async () => undefined);

jest.setTimeout(180_000);

describe("seed 003's Case IV under RS1 on the embedded ledger", () => {
  let gw: RunningGateway;
  let dataDir: string;
  let run: ReplayRecord;
  const api = () => new GatewayApi(gw.url);

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'ecch-vpp-test-'));
    gw = await loadStartGateway()({ ledger: 'embedded', dataDir, port: 0, host: '127.0.0.1', logLevel: 'silent', settings: { RATE_LIMIT_MAX: 1_000_000 } });
    const next = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    run = await replayVpp(api(), gw.adminToken, { seed: VPP_SEED, ess: VPP_ESS, date: next, idPrefix: '', windowMs: 800, cases: ['IV'] });
  });

  afterAll(async () => {
    await gw?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('when the NA closes each auction, then the leader by (maxPrice, arrival) wins at min(first, second + increment), or the reserve alone, as §5 says', () => {
    const [c] = run.cases;
    expect(c!.auctions.length).toBeGreaterThan(0);
    for (const a of c!.auctions) {
      expect(a.bids.every((b) => b.accepted)).toBe(true);
      // Maxima are distinct within a case, so arrival order cannot decide.
      const ranked = [...a.bids].sort((x, y) => y.maxPrice - x.maxPrice);
      const [first, second] = ranked;
      const level = second ? Math.max(a.reservePrice, Math.min(first!.maxPrice, second.maxPrice + VPP_PRICES.increment)) : a.reservePrice;
      expect(a.ledger).toEqual({ status: 'settled', winner: first!.bidder, level, amount: auctionAmount(a.lotWh, level) });
    }
  });

  it('then every agent\'s account moved by what it received as owner minus what it paid as winner', async () => {
    const moved = new Map<string, number>();
    for (const a of run.cases[0]!.auctions) {
      moved.set(a.seller, (moved.get(a.seller) ?? 0) + a.ledger.amount);
      moved.set(a.ledger.winner!, (moved.get(a.ledger.winner!) ?? 0) - a.ledger.amount);
    }
    for (const p of run.participants) {
      const account = await api().account(gw.adminToken, p.id);
      expect({ id: p.id, balance: account.balance }).toEqual({ id: p.id, balance: moved.get(p.key) ?? 0 });
    }
  });

  it("then the ESS sold Table 3's backup (15.893 kWh, the whole deficit), its cells lost ⌈sold / ηd⌉, and the VPP needed nothing from the grid", () => {
    const c = run.cases[0]!;
    const sold = c.auctions.filter((a) => a.seller === 'ess').reduce((s, a) => s + a.lotWh, 0);
    expect(sold).toBe(15_893);
    expect(c.ess).toEqual(applyEss(VPP_ESS, 160_000, 0, 15_893));
    expect(c.tgEssMinusTlWh).toBe(0);
    expect(c.gridImportWh).toBe(0);
  });
});
