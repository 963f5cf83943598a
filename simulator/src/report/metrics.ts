/**
 * Everything the report, CSV and charts show, derived from a run record (pure).
 * "Baseline" is the same homes, PV and batteries trading only with the grid: the
 * net position of each home imported at B or exported at S. Positions are what
 * actually happened (the meters); orders came from the forecast, and the difference
 * Δ = X_m − X_s is each home's imbalance, settled by the ledger's reconciliation.
 */
import { meteredWh, scheduledWh } from '../sim/delivery';
import { RunRecord } from '../sim/record';
import { gridOnlyAmount, imbalanceAmount, payAsBidInternal, settleAllocation, settleWithInternal } from './settlement';

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
  /** Σ actual export / import at the meters (what grid-only trading would bill). */
  offeredWh: number;
  bidWh: number;
  /** Σ energy of the sell / buy orders (from the forecast). */
  orderedSellWh: number;
  orderedBuyWh: number;
  sdr: number | null;
  /** As published: SDR's Ps and Pb; the other mechanisms' accepted sides' average price (null without one). */
  sellPrice: number | null;
  buyPrice: number | null;
  internalWh: number;
  /** With the grid: the market's grid volumes plus the imbalances (Δ < 0 imported, Δ > 0 exported). */
  gridImportWh: number;
  gridExportWh: number;
  /** Σ Δ > 0 (delivered more, or used less, than scheduled) and Σ −Δ for Δ < 0. */
  imbalanceOverWh: number;
  imbalanceUnderWh: number;
  /** Imbalance money from the reconciliation (µ): credited to homes, charged to homes (> 0), the grid's balancing amount. */
  imbalanceCredited: number;
  imbalanceCharged: number;
  imbalanceGridAmount: number;
  /** Readings the ledger estimated (missing) and readings it refused this hour. */
  estimatedReadings: number;
  refusedReadings: number;
  rejectedSells: number;
  rejectedBuys: number;
  /** Community money flow this hour (µ, negative = pays), with P2P (imbalance included) and grid-only. */
  communityAmount: number;
  baselineAmount: number;
  /**
   * Columns only in runs that use them, so the CSVs of runs without stay as they were:
   * the price of the internal energy (µ/kWh; not sdr: Σ internal µ / internal kWh, null
   * when nothing traded inside), and the energy batteries sold (the `trade` policy).
   */
  communityPrice?: number | null;
  batterySoldWh?: number;
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
  imbalanceOverWh: number;
  imbalanceUnderWh: number;
  /** Σ imbalance amounts of the reconciliations (µ). */
  imbalanceAmount: number;
  /** Σ §7 amounts the simulator computed from the published results (µ). */
  computedAmount: number;
  /** Balance read from the ledger account (µ). */
  ledgerBalance: number | null;
  baselineAmount: number;
  /** p2pAmount + imbalanceAmount − baselineAmount: > 0 means the home is better off trading P2P. */
  gainAmount: number;
  /** The `trade` policy only: energy its battery sold. */
  batterySoldWh?: number;
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
  /** Readings the ledger refused (any status ≥ 400 in a batch's results). */
  readingsRefused: number;
  /**
   * Reconciliation entries that differ from the simulator's own: X_s from the order,
   * X_m = export − import at the meter, Δ = X_m − X_s and its §7 amount; a metered home
   * missing from the reconciliation or estimated although its reading was sent.
   */
  imbalanceMismatches: number;
  /** Reconciliations whose entries and grid amount do not sum to 0. */
  imbalanceNotConserved: number;
}

export interface Metrics {
  hours: HourRow[];
  homes: HomeRow[];
  checks: Checks;
}

const BATTERY_MAX_WH_PER_HOUR = 2500;

export function computeMetrics(run: RunRecord): Metrics {
  const mechanism = run.config.mechanism ?? 'sdr';
  const trade = run.config.batteryPolicy === 'trade';
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
        imbalanceOverWh: 0,
        imbalanceUnderWh: 0,
        imbalanceAmount: 0,
        computedAmount: 0,
        ledgerBalance: run.ledger.balances[h.id] ?? null,
        baselineAmount: 0,
        gainAmount: 0,
        ...(trade ? { batterySoldWh: 0 } : {}),
      },
    ]),
  );
  const capacity = new Map(run.homes.map((h) => [h.id, h.scenarioBatteryWh]));
  const homeById = new Map(run.homes.map((h) => [h.id, h]));
  const checks: Checks = {
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
      orderedSellWh: 0,
      orderedBuyWh: 0,
      sdr: r.sdr.demandWh > 0 ? r.sdr.supplyWh / r.sdr.demandWh : null,
      sellPrice: r.sellPrice,
      buyPrice: r.buyPrice,
      internalWh: r.internalWh,
      gridImportWh: r.gridImportWh,
      gridExportWh: r.gridExportWh,
      imbalanceOverWh: 0,
      imbalanceUnderWh: 0,
      imbalanceCredited: 0,
      imbalanceCharged: 0,
      imbalanceGridAmount: hr.reconciliation?.gridAmount ?? 0,
      estimatedReadings: 0,
      refusedReadings: Object.values(hr.readings?.refused ?? {}).reduce((a, n) => a + n, 0),
      rejectedSells: r.allocations.filter((a) => a.side === 'sell' && a.status === 'rejected').length,
      rejectedBuys: r.allocations.filter((a) => a.side === 'buy' && a.status === 'rejected').length,
      communityAmount: 0,
      baselineAmount: 0,
      ...(mechanism === 'sdr' ? {} : { communityPrice: null }),
      ...(trade ? { batterySoldWh: 0 } : {}),
    };
    let soldInternal = 0;
    let soldInternalAmount = 0;
    // The simulator's own internal money per order: one price (sdr: Ps; mmr, uniform: the published P), or pay-as-bid's matches.
    const unitPrice = mechanism === 'sdr' ? r.sellPrice : r.internalPrice;
    const matched =
      mechanism === 'pay-as-bid'
        ? payAsBidInternal(
            hr.homes
              .filter((hh) => hh.intent && hh.orderId)
              .map((hh) => ({
                orderId: hh.orderId!,
                participantId: homeById.get(hh.id)!.participantId,
                side: hh.intent!.side,
                energyWh: hh.intent!.energyWh,
                limitPrice: hh.amendedLimit ?? hh.intent!.limitPrice ?? (hh.intent!.side === 'sell' ? t.gridSellPrice : t.gridBuyPrice),
              })),
          )
        : null;
    let boughtInternal = 0;
    let marketSum = 0;
    checks.readingsRefused += row.refusedReadings;
    const reconciled = new Map((hr.reconciliation?.entries ?? []).map((e) => [e.participantId, e]));
    if (hr.reconciliation) {
      if (hr.reconciliation.entries.reduce((a, e) => a + e.amount, 0) + hr.reconciliation.gridAmount !== 0) checks.imbalanceNotConserved++;
    }
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
      if (trade) {
        row.batterySoldWh! += b.soldWh;
        home.batterySoldWh! += b.soldWh;
      }
      row.offeredWh += p.exportWh;
      row.bidWh += p.importWh;
      row.baselineAmount += baseline;
      home.generationWh += p.generationWh;
      home.demandWh += p.demandWh;
      home.batteryLossWh += b.lossWh;
      home.socEndWh = b.socAfterWh;
      home.baselineAmount += baseline;
      // Δ as the simulator sees it; settled (with money) only when the ledger reconciled the market.
      const xs = scheduledWh(hh);
      const xm = meteredWh(p);
      const delta = xm - xs;
      if (delta > 0) {
        row.imbalanceOverWh += delta;
        home.imbalanceOverWh += delta;
      } else {
        row.imbalanceUnderWh -= delta;
        home.imbalanceUnderWh -= delta;
      }
      if (hr.reconciliation) {
        const e = reconciled.get(homeById.get(hh.id)!.participantId);
        const expected = imbalanceAmount(delta, t);
        if (!e || e.estimated || e.scheduledWh !== xs || e.meteredWh !== xm || e.imbalanceWh !== delta || e.amount !== expected) checks.imbalanceMismatches++;
        if (e) {
          if (e.estimated) row.estimatedReadings++;
          if (e.amount > 0) row.imbalanceCredited += e.amount;
          else row.imbalanceCharged -= e.amount;
          row.communityAmount += e.amount;
          home.imbalanceAmount += e.amount;
          home.computedAmount += expected;
        }
      }
      if (!hh.intent) continue;
      if (hh.intent.side === 'sell') {
        row.sellers++;
        row.orderedSellWh += hh.intent.energyWh;
      } else {
        row.buyers++;
        row.orderedBuyWh += hh.intent.energyWh;
      }
      if (hh.amendedLimit !== undefined) row.amended++;
      const a = hh.allocation;
      if (!a || a.energyWh !== hh.intent.energyWh || a.internalWh + a.gridWh !== a.energyWh || a.side !== hh.intent.side) {
        checks.allocationMismatches++;
        continue;
      }
      let computed: number;
      if (matched) {
        const own = matched.get(a.orderId);
        if (!own || own.internalWh !== a.internalWh) checks.allocationMismatches++;
        computed = settleWithInternal(a, own?.amount ?? 0, t);
        if (a.side === 'sell') soldInternalAmount += own?.amount ?? 0;
      } else {
        computed = settleAllocation(a, unitPrice ?? 0, t);
        if (a.side === 'sell') soldInternalAmount += settleAllocation({ ...a, gridWh: 0 }, unitPrice ?? 0, t);
      }
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
    if (mechanism !== 'sdr') row.communityPrice = soldInternal > 0 ? Math.round((soldInternalAmount * 1000) / soldInternal) : null;
    if (marketSum + r.gridAmount !== 0) checks.moneyNotConserved++;
    // With the grid: what the market scheduled plus what the imbalances made up.
    row.gridImportWh += row.imbalanceUnderWh;
    row.gridExportWh += row.imbalanceOverWh;
    return row;
  });
  for (const h of homes.values()) {
    h.gainAmount = h.p2pAmount + h.imbalanceAmount - h.baselineAmount;
    if (h.ledgerBalance !== null && h.ledgerBalance !== h.computedAmount) checks.balanceMismatches++;
    if (h.ledgerBalance === null) checks.balanceMismatches++;
  }
  return { hours, homes: [...homes.values()], checks };
}
