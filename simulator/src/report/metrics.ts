/**
 * Everything the report, CSV and charts show, derived from a run record (pure).
 * "Baseline" is the same homes, PV and batteries trading only with the grid: the
 * net position of each home imported at B or exported at S.
 */
import { RunRecord } from '../sim/record';
import { gridOnlyAmount, settleAllocation } from './settlement';

export interface HourRow {
  index: number;
  /** Hours since local midnight of the run's first day (the charts' x axis). */
  hour: number;
  deliveryStart: string;
  localDate: string;
  localHour: number;
  gridBuyPrice: number;
  gridSellPrice: number;
  generationWh: number;
  demandWh: number;
  selfUseWh: number;
  batteryChargedWh: number;
  batteryDischargedWh: number;
  batteryLossWh: number;
  socEndWh: number;
  sellers: number;
  buyers: number;
  amended: number;
  offeredWh: number;
  bidWh: number;
  sdr: number | null;
  sellPrice: number;
  buyPrice: number;
  internalWh: number;
  gridImportWh: number;
  gridExportWh: number;
  rejectedSells: number;
  rejectedBuys: number;
  /** Community money flow this hour (µ, negative = pays), with P2P and grid-only. */
  communityAmount: number;
  baselineAmount: number;
}

export interface HomeRow {
  id: string;
  participantId: string;
  lot: number;
  dwelling: string;
  pvKwp: number;
  batteryKwh: number;
  generationWh: number;
  demandWh: number;
  soldInternalWh: number;
  boughtInternalWh: number;
  exportWh: number;
  importWh: number;
  batteryLossWh: number;
  socEndWh: number;
  /** Σ allocation amounts the ledger published (µ). */
  p2pAmount: number;
  /** Σ §7 amounts the simulator computed from the published results (µ). */
  computedAmount: number;
  /** Balance read from the ledger account (µ). */
  ledgerBalance: number | null;
  baselineAmount: number;
  /** p2pAmount − baselineAmount: > 0 means the home is better off trading P2P. */
  gainAmount: number;
}

export interface Checks {
  /** Home-hours where generation + import ≠ demand + export + ΔSoC + loss. */
  energyBalanceViolations: number;
  /** Home-hours with SoC outside [0, capacity] or battery flow over the power limit. */
  batteryLimitViolations: number;
  /** Orders whose allocation energy differs from what the home ordered or has no allocation. */
  allocationMismatches: number;
  /** Markets where Σ internal sold ≠ Σ internal bought. */
  internalImbalances: number;
  /** Allocations whose published amount ≠ the simulator's §7 amount. */
  amountMismatches: number;
  /** Homes whose ledger balance ≠ the simulator's Σ §7 amounts. */
  balanceMismatches: number;
  /** Σ of all accounts' changes per market, grid included (must be 0). */
  moneyNotConserved: number;
}

export interface Metrics {
  hours: HourRow[];
  homes: HomeRow[];
  checks: Checks;
}

const BATTERY_MAX_WH_PER_HOUR = 2500;

export function computeMetrics(run: RunRecord): Metrics {
  const homes = new Map<string, HomeRow>(
    run.homes.map((h) => [
      h.id,
      {
        id: h.id,
        participantId: h.participantId,
        lot: h.lot,
        dwelling: h.dwelling,
        pvKwp: h.scenarioPvKwp,
        batteryKwh: h.scenarioBatteryWh / 1000,
        generationWh: 0,
        demandWh: 0,
        soldInternalWh: 0,
        boughtInternalWh: 0,
        exportWh: 0,
        importWh: 0,
        batteryLossWh: 0,
        socEndWh: 0,
        p2pAmount: 0,
        computedAmount: 0,
        ledgerBalance: run.ledger.balances[h.id] ?? null,
        baselineAmount: 0,
        gainAmount: 0,
      },
    ]),
  );
  const capacity = new Map(run.homes.map((h) => [h.id, h.scenarioBatteryWh]));
  const checks: Checks = {
    energyBalanceViolations: 0,
    batteryLimitViolations: 0,
    allocationMismatches: 0,
    internalImbalances: 0,
    amountMismatches: 0,
    balanceMismatches: 0,
    moneyNotConserved: 0,
  };
  const hours: HourRow[] = run.hours.map((hr) => {
    const t = hr.tariff;
    const r = hr.result;
    const row: HourRow = {
      index: hr.index,
      hour: run.config.fromHour + hr.index,
      deliveryStart: hr.deliveryStart,
      localDate: hr.localDate,
      localHour: hr.localHour,
      gridBuyPrice: t.gridBuyPrice,
      gridSellPrice: t.gridSellPrice,
      generationWh: 0,
      demandWh: 0,
      selfUseWh: 0,
      batteryChargedWh: 0,
      batteryDischargedWh: 0,
      batteryLossWh: 0,
      socEndWh: 0,
      sellers: 0,
      buyers: 0,
      amended: 0,
      offeredWh: 0,
      bidWh: 0,
      sdr: r.sdr.demandWh > 0 ? r.sdr.supplyWh / r.sdr.demandWh : null,
      sellPrice: r.sellPrice,
      buyPrice: r.buyPrice,
      internalWh: r.internalWh,
      gridImportWh: r.gridImportWh,
      gridExportWh: r.gridExportWh,
      rejectedSells: r.allocations.filter((a) => a.side === 'sell' && a.status === 'rejected').length,
      rejectedBuys: r.allocations.filter((a) => a.side === 'buy' && a.status === 'rejected').length,
      communityAmount: 0,
      baselineAmount: 0,
    };
    let soldInternal = 0;
    let boughtInternal = 0;
    let marketSum = 0;
    for (const hh of hr.homes) {
      const p = hh.position;
      const b = p.battery;
      const home = homes.get(hh.id)!;
      if (p.generationWh + p.importWh !== p.demandWh + p.exportWh + (b.socAfterWh - b.socBeforeWh) + b.lossWh) checks.energyBalanceViolations++;
      const cap = capacity.get(hh.id) ?? 0;
      if (b.socAfterWh < 0 || b.socAfterWh > cap || b.chargedWh > BATTERY_MAX_WH_PER_HOUR || b.dischargedWh > BATTERY_MAX_WH_PER_HOUR) {
        checks.batteryLimitViolations++;
      }
      const baseline = gridOnlyAmount(p.importWh, p.exportWh, t);
      row.generationWh += p.generationWh;
      row.demandWh += p.demandWh;
      row.selfUseWh += p.selfUseWh;
      row.batteryChargedWh += b.chargedWh;
      row.batteryDischargedWh += b.dischargedWh;
      row.batteryLossWh += b.lossWh;
      row.socEndWh += b.socAfterWh;
      row.offeredWh += p.exportWh;
      row.bidWh += p.importWh;
      row.baselineAmount += baseline;
      home.generationWh += p.generationWh;
      home.demandWh += p.demandWh;
      home.batteryLossWh += b.lossWh;
      home.socEndWh = b.socAfterWh;
      home.baselineAmount += baseline;
      if (!hh.intent) continue;
      if (hh.intent.side === 'sell') row.sellers++;
      else row.buyers++;
      if (hh.amendedLimit !== undefined) row.amended++;
      const a = hh.allocation;
      if (!a || a.energyWh !== hh.intent.energyWh || a.internalWh + a.gridWh !== a.energyWh || a.side !== hh.intent.side) {
        checks.allocationMismatches++;
        continue;
      }
      const computed = settleAllocation(a, r.sellPrice, t);
      if (computed !== a.amount) checks.amountMismatches++;
      marketSum += a.amount;
      row.communityAmount += a.amount;
      home.p2pAmount += a.amount;
      home.computedAmount += computed;
      if (a.side === 'sell') {
        soldInternal += a.internalWh;
        home.soldInternalWh += a.internalWh;
        home.exportWh += a.gridWh;
      } else {
        boughtInternal += a.internalWh;
        home.boughtInternalWh += a.internalWh;
        home.importWh += a.gridWh;
      }
    }
    if (soldInternal !== boughtInternal || soldInternal !== r.internalWh) checks.internalImbalances++;
    if (marketSum + r.gridAmount !== 0) checks.moneyNotConserved++;
    return row;
  });
  for (const h of homes.values()) {
    h.gainAmount = h.p2pAmount - h.baselineAmount;
    if (h.ledgerBalance !== null && h.ledgerBalance !== h.computedAmount) checks.balanceMismatches++;
    if (h.ledgerBalance === null) checks.balanceMismatches++;
  }
  return { hours, homes: [...homes.values()], checks };
}
