/** Side-by-side table of several runs' summary.json (scenarios, mechanisms, policies). */
import { kwh, pct, price, qar, runTitle, seconds, table, window } from './format';
import { Summary } from './summary';

export interface ComparedRun {
  dir: string;
  summary: Summary;
}

/** Relative links of the comparison's charts (compare-files.ts writes them). */
export interface ComparisonCharts {
  volumes: string;
  money: string;
  gains: string;
}

const orNa = <T>(v: T | undefined | null, f: (x: T) => string) => (v === undefined || v === null ? 'n/a' : f(v));

export function renderComparison(runs: readonly ComparedRun[], charts?: ComparisonCharts): string {
  const col = (f: (s: Summary) => string) => runs.map((r) => f(r.summary));
  const rows: [string, ...string[]][] = [
    ['community', ...col((s) => s.config.community)],
    ['scenario', ...col((s) => s.config.scenario)],
    ['mechanism', ...col((s) => s.config.mechanism ?? 'sdr')],
    ['battery policy', ...col((s) => s.config.batteryPolicy ?? 'self')],
    ['demand response', ...col((s) => (s.config.demandResponse ? pct(s.config.demandResponse, 0) : 'none'))],
    ['window', ...col((s) => window(s.config))],
    ['tariff / strategy', ...col((s) => `${s.config.tariff} / ${s.config.strategy}`)],
    ['homes (PV / battery)', ...col((s) => `${s.homes.total} (${s.homes.withPv} / ${s.homes.withBattery})`)],
    ['PV installed, kWp', ...col((s) => String(s.homes.pvKwp))],
    ['PV generation, kWh', ...col((s) => kwh(s.energyWh.generation))],
    ['demand, kWh', ...col((s) => kwh(s.energyWh.demand))],
    ['battery discharged, kWh', ...col((s) => kwh(s.energyWh.batteryDischarged))],
    ['of which sold to the market, kWh', ...col((s) => orNa(s.energyWh.batterySold, kwh))],
    ['traded P2P, kWh', ...col((s) => kwh(s.energyWh.p2pTraded))],
    ['grid import, kWh (grid only)', ...col((s) => `${kwh(s.energyWh.gridImport)} (${kwh(s.energyWh.baselineGridImport)})`)],
    ['grid export, kWh (grid only)', ...col((s) => `${kwh(s.energyWh.gridExport)} (${kwh(s.energyWh.baselineGridExport)})`)],
    ['peak hourly grid import, kWh (grid only)', ...col((s) => orNa(s.peaksWh, (p) => `${kwh(p.gridImport)} (${kwh(p.baselineGridImport)})`))],
    ['self-sufficiency (grid only)', ...col((s) => `${pct(s.ratios.selfSufficiency)} (${pct(s.ratios.baselineSelfSufficiency)})`)],
    ['PV self-consumption', ...col((s) => pct(s.ratios.selfConsumption))],
    ['surplus sold P2P', ...col((s) => pct(s.ratios.p2pShareOfSurplus))],
    ['mean community price, QAR/kWh', ...col((s) => (s.prices.meanCommunityPrice === null ? 'n/a' : price(s.prices.meanCommunityPrice)))],
    ['community balance P2P, QAR', ...col((s) => qar(s.moneyMicro.community))],
    ['community balance grid only, QAR', ...col((s) => qar(s.moneyMicro.baseline))],
    ['kept in the community by P2P, QAR', ...col((s) => qar(s.moneyMicro.gain))],
    ['forecast error / metering', ...col((s) => (s.imbalance ? `${s.imbalance.forecastError} / ${s.imbalance.metering ? 'on' : 'off'}` : 'none / off'))],
    ['imbalance over / under, kWh', ...col((s) => (s.imbalance ? `${kwh(s.imbalance.overWh)} / ${kwh(s.imbalance.underWh)}` : 'n/a'))],
    ['imbalance credited / charged, QAR', ...col((s) => (s.imbalance?.metering ? `${qar(s.imbalance.creditedMicro)} / ${qar(s.imbalance.chargedMicro)}` : 'n/a'))],
    ['imbalance, grid’s side, QAR', ...col((s) => (s.imbalance?.metering ? qar(s.imbalance.gridMicro) : 'n/a'))],
    ['homes better / worse off', ...col((s) => `${s.moneyMicro.homesBetterOff} / ${s.moneyMicro.homesWorseOff}`)],
    ['home gain min / median / max, QAR', ...col((s) => orNa(s.gains, (g) => `${qar(g.minMicro)} / ${qar(g.medianMicro)} / ${qar(g.maxMicro)}`))],
    ['share of homes better off', ...col((s) => orNa(s.gains, (g) => pct(g.shareBetterOff)))],
    ['Gini of the gains (0 = equal)', ...col((s) => orNa(s.gains?.gini, (g) => g.toFixed(3)))],
    ['checks failed', ...col((s) => String(Object.values(s.checks).reduce((a, v) => a + v, 0)))],
    ['wall time (HTTP requests)', ...col((s) => `${seconds(s.timing.wallMs)} (${s.timing.httpRequests})`)],
    ['requests per second', ...col((s) => orNa(s.timing.requestsPerSecond, String))],
  ];
  const mechanisms = new Set(runs.map((r) => r.summary.config.mechanism ?? 'sdr')).size > 1;
  const out = [
    `# ECCH demonstrator: ${mechanisms ? 'mechanisms and scenarios' : 'scenarios'} side by side`,
    '',
    table(['', ...runs.map((r) => r.dir)], rows, ['l', ...runs.map(() => 'r' as const)]),
    '',
    'Figures from each run’s summary.json; “grid only” is the same homes, PV and batteries billed by the utility alone (what the meter measured). ' +
      'A home’s gain is its balance with P2P, imbalance included, minus its grid-only bill; the Gini of the gains is normalised by the mean absolute gain (docs/study.md). ' +
      'Homes, PV and demand are synthetic.',
    '',
  ];
  if (charts) {
    out.push('## Charts', '', `![energy per run](${charts.volumes})`, `![money per run](${charts.money})`, `![each home's gain per run](${charts.gains})`, '');
  }
  return out.join('\n');
}

/** The label of a run in the comparison charts. */
export const runLabel = (r: ComparedRun) => `${runTitle(r.summary.config)}`;
