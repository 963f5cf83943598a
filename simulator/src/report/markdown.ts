/** report.md of one run: what was traded, with whom, and who gained what. */
import { Metrics } from './metrics';
import { checksPassed, Summary } from './summary';
import { kwh, pct, price, qar, runTitle, seconds, table, window } from './format';

export const CHART_FILES = {
  energy: 'charts/energy.svg',
  prices: 'charts/prices.svg',
  flows: 'charts/flows.svg',
  bills: 'charts/bills.svg',
} as const;

export function renderReport(s: Summary, m: Metrics): string {
  const c = s.config;
  const e = s.energyWh;
  const out: string[] = [];
  out.push(`# ECCH demonstrator: ${runTitle(c)}, ${window(c)}`);
  out.push('');
  out.push(
    `${c.scenarioTitle}. ${s.homes.total} homes (${s.homes.withPv} with PV, ${s.homes.pvKwp} kWp in all; ` +
      `${s.homes.withBattery} with a battery). Tariff \`${c.tariff}\`, strategy \`${c.strategy}\`` +
      `${c.strategy === 'margin' ? ` (margin ${c.margin * 100} % of the spread, amended after reading the order book)` : ''}, seed ${c.seed}. ` +
      `Ledger: ${c.ledger}. Mechanism \`${c.mechanism ?? 'sdr'}\`, battery policy \`${c.batteryPolicy ?? 'self'}\`, ` +
      `demand response ${c.demandResponse ? `${pct(c.demandResponse, 0)} of each home's daily demand shifted toward cheap hours` : 'none'} (docs/study.md). ` +
      `Demand, PV and homes are synthetic (see fixtures/README.md).`,
  );
  out.push('');
  out.push(
    `Wall time ${seconds(s.timing.wallMs)} for ${s.timing.httpRequests} HTTP requests, ${s.timing.requestsPerSecond} requests per second (started ${s.timing.startedAt}).`,
  );
  out.push('');
  out.push('## Energy');
  out.push('');
  out.push(
    table(
      ['', 'with P2P (kWh)', 'grid only (kWh)'],
      [
        ['PV generation', kwh(e.generation), kwh(e.generation)],
        ['demand', kwh(e.demand), kwh(e.demand)],
        ['PV used at home', kwh(e.selfUse), kwh(e.selfUse)],
        ['battery charged / discharged / lost', `${kwh(e.batteryCharged)} / ${kwh(e.batteryDischarged)} / ${kwh(e.batteryLoss, 3)}`, 'same'],
        ['left in batteries at the end', kwh(e.batteryEnd), kwh(e.batteryEnd)],
        ...(c.batteryPolicy === 'trade' ? [['sold from batteries to the market (in the discharged)', kwh(e.batterySold), 'same']] : []),
        ['traded P2P inside the community', kwh(e.p2pTraded), '0.0'],
        ['grid import', kwh(e.gridImport), kwh(e.baselineGridImport)],
        ['grid export', kwh(e.gridExport), kwh(e.baselineGridExport)],
        ['peak hourly grid import (kWh in one hour)', kwh(s.peaksWh.gridImport), kwh(s.peaksWh.baselineGridImport)],
        ['community self-sufficiency', pct(s.ratios.selfSufficiency), pct(s.ratios.baselineSelfSufficiency)],
        ['PV self-consumption in the community', pct(s.ratios.selfConsumption), pct(e.generation ? 1 - e.baselineGridExport / e.generation : 0)],
      ],
      ['l', 'r', 'r'],
    ),
  );
  out.push('');
  out.push(
    `${pct(s.ratios.p2pShareOfSurplus)} of the surplus offered found a buyer inside the community. ` +
      `Energy was traded in ${s.prices.marketsWithTrade} of ${c.hours} markets` +
      (s.prices.meanCommunityPrice === null
        ? '.'
        : ` at a community price Ps of ${price(s.prices.minSellPrice)}–${price(s.prices.maxSellPrice)} QAR/kWh (energy-weighted mean ${price(s.prices.meanCommunityPrice)}).`),
  );
  out.push('');
  out.push('Physically the feeder nets flows either way; "grid only" counts what each home would be billed for if it traded with the utility alone.');
  out.push('');
  out.push('## Money');
  out.push('');
  const mm = s.moneyMicro;
  out.push(
    table(
      ['', 'QAR'],
      [
        ['community balance with P2P, imbalance included (negative = pays)', qar(mm.community)],
        ['community balance trading only with the grid', qar(mm.baseline)],
        ['kept in the community by P2P', qar(mm.gain)],
        ['grid account on the ledger', mm.gridBalance === null ? 'n/a' : qar(mm.gridBalance)],
      ],
      ['l', 'r'],
    ),
  );
  out.push('');
  out.push(`${mm.homesBetterOff} homes better off, ${mm.homesWorseOff} worse off, ${mm.homesUnchanged} unchanged (no order, or nothing traded inside).`);
  out.push('');
  const g = s.gains;
  out.push(
    `Each home's gain over grid only: min ${qar(g.minMicro)}, median ${qar(g.medianMicro)}, max ${qar(g.maxMicro)} QAR; ${pct(g.shareBetterOff)} better off; ` +
      `Gini of the gains ${g.gini === null ? 'n/a' : g.gini.toFixed(3)} (0 = every home gains the same; docs/study.md).`,
  );
  out.push('');
  out.push(...imbalanceSection(s));
  out.push('## Checks');
  out.push('');
  out.push(checksPassed(s.checks) ? 'All checks passed:' : '**Some checks failed:**');
  out.push('');
  for (const [k, v] of Object.entries(s.checks)) out.push(`- ${k}: ${v}`);
  out.push('');
  out.push(
    'Energy balance (generation + import = demand + export + ΔSoC + loss) per home and hour; battery within [0, capacity] and 2.5 kWh per hour; ' +
      'allocations equal the orders; Σ internal sold = Σ internal bought; every published amount and every ledger balance equals the simulator’s own market-rules §7 computation from the published result; money conserved with the grid account; ' +
      'with metering, no reading refused, every reconciliation entry equals the simulator’s own X_s, X_m, Δ and mechanisms.md §7 amount, and every reconciliation sums to 0 with the grid.',
  );
  out.push('');
  out.push('## Charts');
  out.push('');
  out.push(`![generation and demand](${CHART_FILES.energy})`);
  out.push(`![SDR and prices](${CHART_FILES.prices})`);
  out.push(`![internal vs grid](${CHART_FILES.flows})`);
  out.push(`![bills](${CHART_FILES.bills})`);
  out.push('');
  out.push('## Every household: P2P vs grid only');
  out.push('');
  out.push('Balance change over the run in QAR (negative = pays); P2P = the markets’ settlements, imbalance = the reconciliations (over / under in kWh); gain = P2P + imbalance − grid only.');
  out.push('');
  out.push(
    table(
      ['home', 'type', 'PV kWp', 'battery kWh', 'demand kWh', 'PV kWh', 'sold P2P kWh', 'bought P2P kWh', 'imbalance over / under kWh', 'grid only QAR', 'P2P QAR', 'imbalance QAR', 'gain QAR', 'ledger balance QAR'],
      m.homes.map((h) => [
        h.participantId,
        h.dwelling,
        h.pvKwp,
        h.batteryKwh,
        kwh(h.demandWh),
        kwh(h.generationWh),
        kwh(h.soldInternalWh),
        kwh(h.boughtInternalWh),
        `${kwh(h.imbalanceOverWh)} / ${kwh(h.imbalanceUnderWh)}`,
        qar(h.baselineAmount),
        qar(h.p2pAmount),
        qar(h.imbalanceAmount),
        qar(h.gainAmount),
        h.ledgerBalance === null ? 'n/a' : qar(h.ledgerBalance),
      ]),
      ['l', 'l'],
    ),
  );
  out.push('');
  return out.join('\n');
}

const FORECAST_TEXT: Record<string, string> = {
  none: 'Orders were placed from the actual profile (forecast error `none`), so they match delivery.',
  noise:
    'Homes ordered from a forecast (`noise`: PV × (1 + e_sky + e_home), e_sky ~ U(±15 %) per hour for the whole community, e_home ~ U(±5 %); demand × (1 + e), e ~ U(±20 %) per home and hour) and delivered the actual profile.',
};

/** Orders against delivery: volumes, what they cost and who paid, per mechanisms.md §7. */
function imbalanceSection(s: Summary): string[] {
  const i = s.imbalance;
  const out = ['## Metered delivery and imbalance', ''];
  const r = i.readings;
  out.push(
    `${FORECAST_TEXT[i.forecastError] ?? `Forecast error \`${i.forecastError}\`.`} ` +
      (i.metering
        ? `Every home's meter signed its reading of every hour (ECDSA P-256); ${r.submitted} readings submitted in batches, ${r.accepted} accepted, ${r.refused} refused, ${r.estimated} estimated; ${i.marketsReconciled} markets reconciled by the NA.`
        : 'Metering off: the volumes below are the simulator’s own; nothing was settled for them.'),
  );
  out.push('');
  const money = (micro: number) => (i.metering ? qar(micro) : 'n/a');
  out.push(
    table(
      ['', 'kWh', 'QAR'],
      [
        ['energy ordered (sells + buys)', kwh(i.orderedWh), ''],
        ['over: Δ > 0, more exported or less used than scheduled (credited at S)', kwh(i.overWh), money(i.creditedMicro)],
        ['under: Δ < 0, less exported or more used than scheduled (charged at B)', kwh(i.underWh), i.metering ? qar(-i.chargedMicro) : 'n/a'],
        ['net to the homes', kwh(i.overWh - i.underWh), money(i.netMicro)],
        ['the grid’s balancing amount', '', money(i.gridMicro)],
      ],
      ['l', 'r', 'r'],
    ),
  );
  out.push('');
  const volume = i.orderedWh ? pct((i.overWh + i.underWh) / i.orderedWh) : 'n/a';
  out.push(`Δ ≠ 0 in ${i.homeHoursWithImbalance} of ${i.homeHours} home-hours; |Δ| in all is ${kwh(i.overWh + i.underWh)} kWh, ${volume} of the energy ordered.`);
  out.push('');
  return out;
}
