/** summary.json: the run's headline figures, in integer Wh and µ plus derived ratios. */
import { RunRecord } from '../sim/record';
import { round } from '../util/stable-json';
import { Checks, Metrics } from './metrics';

export interface Summary {
  config: RunRecord['config'];
  timing: RunRecord['timing'];
  homes: { total: number; withPv: number; withBattery: number; pvKwp: number };
  energyWh: {
    generation: number;
    demand: number;
    selfUse: number;
    batteryCharged: number;
    batteryDischarged: number;
    batteryLoss: number;
    batteryEnd: number;
    offered: number;
    bid: number;
    p2pTraded: number;
    gridImport: number;
    gridExport: number;
    baselineGridImport: number;
    baselineGridExport: number;
  };
  ratios: {
    /** Share of demand met without grid import, with P2P trading. */
    selfSufficiency: number;
    /** The same when every home trades only with the grid. */
    baselineSelfSufficiency: number;
    /** Share of PV used inside the community (own use, battery or P2P). */
    selfConsumption: number;
    /** Share of offered surplus that found a buyer inside the community. */
    p2pShareOfSurplus: number;
  };
  prices: {
    /** Ps weighted by the energy traded at it (µ/kWh); null if nothing traded. */
    meanCommunityPrice: number | null;
    minSellPrice: number;
    maxSellPrice: number;
    marketsWithTrade: number;
  };
  moneyMicro: {
    /** Σ of all homes' balance changes with P2P (negative = the community pays). */
    community: number;
    baseline: number;
    /** community − baseline: what P2P trading kept in the community. */
    gain: number;
    homesBetterOff: number;
    homesWorseOff: number;
    homesUnchanged: number;
    gridBalance: number | null;
  };
  checks: Checks;
}

const sum = <T>(xs: readonly T[], f: (x: T) => number) => xs.reduce((a, x) => a + f(x), 0);

export function summarize(run: RunRecord, m: Metrics): Summary {
  const h = m.hours;
  const demand = sum(h, (x) => x.demandWh);
  const generation = sum(h, (x) => x.generationWh);
  const offered = sum(h, (x) => x.offeredWh);
  const bid = sum(h, (x) => x.bidWh);
  const traded = sum(h, (x) => x.internalWh);
  const gridImport = sum(h, (x) => x.gridImportWh);
  const gridExport = sum(h, (x) => x.gridExportWh);
  const priced = h.filter((x) => x.internalWh > 0);
  const community = sum(m.homes, (x) => x.p2pAmount);
  const baseline = sum(m.homes, (x) => x.baselineAmount);
  return {
    config: run.config,
    timing: run.timing,
    homes: {
      total: run.homes.length,
      withPv: run.homes.filter((x) => x.scenarioPvKwp > 0).length,
      withBattery: run.homes.filter((x) => x.scenarioBatteryWh > 0).length,
      pvKwp: round(sum(run.homes, (x) => x.scenarioPvKwp), 3),
    },
    energyWh: {
      generation,
      demand,
      selfUse: sum(h, (x) => x.selfUseWh),
      batteryCharged: sum(h, (x) => x.batteryChargedWh),
      batteryDischarged: sum(h, (x) => x.batteryDischargedWh),
      batteryLoss: sum(h, (x) => x.batteryLossWh),
      batteryEnd: h.length ? h[h.length - 1].socEndWh : 0,
      offered,
      bid,
      p2pTraded: traded,
      gridImport,
      gridExport,
      baselineGridImport: bid,
      baselineGridExport: offered,
    },
    ratios: {
      selfSufficiency: demand ? round(1 - gridImport / demand, 4) : 0,
      baselineSelfSufficiency: demand ? round(1 - bid / demand, 4) : 0,
      selfConsumption: generation ? round(1 - gridExport / generation, 4) : 0,
      p2pShareOfSurplus: offered ? round(traded / offered, 4) : 0,
    },
    prices: {
      meanCommunityPrice: traded ? Math.round(sum(priced, (x) => x.sellPrice * x.internalWh) / traded) : null,
      minSellPrice: priced.length ? Math.min(...priced.map((x) => x.sellPrice)) : 0,
      maxSellPrice: priced.length ? Math.max(...priced.map((x) => x.sellPrice)) : 0,
      marketsWithTrade: priced.length,
    },
    moneyMicro: {
      community,
      baseline,
      gain: community - baseline,
      homesBetterOff: m.homes.filter((x) => x.gainAmount > 0).length,
      homesWorseOff: m.homes.filter((x) => x.gainAmount < 0).length,
      homesUnchanged: m.homes.filter((x) => x.gainAmount === 0).length,
      gridBalance: run.ledger.gridBalance,
    },
    checks: m.checks,
  };
}

export function checksPassed(c: Checks): boolean {
  return Object.values(c).every((v) => v === 0);
}
