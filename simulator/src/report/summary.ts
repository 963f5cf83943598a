/** summary.json: the run's headline figures, in integer Wh and µ plus derived ratios. */
import { meteredWh, scheduledWh } from '../sim/delivery';
import { RunRecord } from '../sim/record';
import { round } from '../util/stable-json';
import { fairness, Gains } from './fairness';
import { Checks, HourRow, Metrics } from './metrics';

export interface Summary {
  config: RunRecord['config'];
  timing: RunRecord['timing'] & {
    /** HTTP requests per second of the markets + HTTP wall time. */
    requestsPerSecond: number;
  };
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
    /** Energy the batteries sold to the market (the `trade` policy; 0 under `self`). */
    batterySold: number;
  };
  /** The highest hour (Wh in one hour) of grid import and of demand, with P2P and grid only. */
  peaksWh: { gridImport: number; baselineGridImport: number; demand: number };
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
  /** Each home's gain (P2P + imbalance − grid only): its spread and fairness (report/fairness.ts). */
  gains: Gains;
  /**
   * Orders (from the forecast) against delivery (the meters): Δ = X_m − X_s per home and
   * hour. Volumes are the simulator's own; money is the ledger's reconciliations (0 when
   * metering is off: the imbalance then goes unsettled).
   */
  imbalance: {
    forecastError: string;
    metering: boolean;
    /** Σ energy of the orders, sells and buys. */
    orderedWh: number;
    /** Σ Δ > 0 (delivered more or used less than scheduled), Σ −Δ for Δ < 0. */
    overWh: number;
    underWh: number;
    homeHours: number;
    homeHoursWithImbalance: number;
    /** µ credited to homes for Δ > 0 at S, charged to homes (> 0) for Δ < 0 at B, their net (homes' side). */
    creditedMicro: number;
    chargedMicro: number;
    netMicro: number;
    /** The grid's balancing amount over all reconciliations (= −netMicro). */
    gridMicro: number;
    marketsReconciled: number;
    readings: { submitted: number; accepted: number; refused: number; estimated: number };
  };
  checks: Checks;
}

const sum = <T>(xs: readonly T[], f: (x: T) => number) => xs.reduce((a, x) => a + f(x), 0);
const max = <T>(xs: readonly T[], f: (x: T) => number) => xs.reduce((a, x) => Math.max(a, f(x)), 0);

/** The price of an hour's internal energy: the non-sdr column when present, else SDR's Ps. */
export const communityPriceOf = (x: Pick<HourRow, 'communityPrice' | 'sellPrice'>): number | null => (x.communityPrice !== undefined ? x.communityPrice : x.sellPrice);

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
  const community = sum(m.homes, (x) => x.p2pAmount + x.imbalanceAmount);
  const credited = sum(h, (x) => x.imbalanceCredited);
  const charged = sum(h, (x) => x.imbalanceCharged);
  const readings = run.hours.map((x) => x.readings).filter((x) => x !== undefined);
  const baseline = sum(m.homes, (x) => x.baselineAmount);
  return {
    config: run.config,
    timing: { ...run.timing, requestsPerSecond: run.timing.wallMs ? round((run.timing.httpRequests * 1000) / run.timing.wallMs, 1) : 0 },
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
      batterySold: sum(h, (x) => x.batterySoldWh ?? 0),
    },
    peaksWh: { gridImport: max(h, (x) => x.gridImportWh), baselineGridImport: max(h, (x) => x.bidWh), demand: max(h, (x) => x.demandWh) },
    ratios: {
      selfSufficiency: demand ? round(1 - gridImport / demand, 4) : 0,
      baselineSelfSufficiency: demand ? round(1 - bid / demand, 4) : 0,
      selfConsumption: generation ? round(1 - gridExport / generation, 4) : 0,
      p2pShareOfSurplus: offered ? round(traded / offered, 4) : 0,
    },
    prices: {
      meanCommunityPrice: traded ? Math.round(sum(priced, (x) => communityPriceOf(x)! * x.internalWh) / traded) : null,
      minSellPrice: priced.length ? Math.min(...priced.map((x) => communityPriceOf(x)!)) : 0,
      maxSellPrice: priced.length ? Math.max(...priced.map((x) => communityPriceOf(x)!)) : 0,
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
    gains: fairness(m.homes.map((x) => x.gainAmount)),
    imbalance: {
      forecastError: run.config.forecastError ?? 'none',
      metering: run.config.metering ?? false,
      orderedWh: sum(h, (x) => x.orderedSellWh + x.orderedBuyWh),
      overWh: sum(h, (x) => x.imbalanceOverWh),
      underWh: sum(h, (x) => x.imbalanceUnderWh),
      homeHours: sum(run.hours, (x) => x.homes.length),
      homeHoursWithImbalance: sum(run.hours, (x) => x.homes.filter((hh) => meteredWh(hh.position) !== scheduledWh(hh)).length),
      creditedMicro: credited,
      chargedMicro: charged,
      netMicro: credited - charged,
      gridMicro: sum(h, (x) => x.imbalanceGridAmount),
      marketsReconciled: run.hours.filter((x) => x.reconciliation).length,
      readings: {
        submitted: sum(readings, (x) => x.submitted),
        accepted: sum(readings, (x) => x.created + x.repeated),
        refused: sum(h, (x) => x.refusedReadings),
        estimated: sum(h, (x) => x.estimatedReadings),
      },
    },
    checks: m.checks,
  };
}

export function checksPassed(c: Checks): boolean {
  return Object.values(c).every((v) => v === 0);
}
