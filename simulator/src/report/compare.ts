/** Side-by-side table of several runs' summary.json (e.g. S1, S2, S3). */
import { kwh, pct, price, qar, seconds, table, window } from './format';
import { Summary } from './summary';

export function renderComparison(runs: readonly { dir: string; summary: Summary }[]): string {
  const col = (f: (s: Summary) => string) => runs.map((r) => f(r.summary));
  const rows: [string, ...string[]][] = [
    ['community', ...col((s) => s.config.community)],
    ['scenario', ...col((s) => s.config.scenario)],
    ['window', ...col((s) => window(s.config))],
    ['tariff / strategy', ...col((s) => `${s.config.tariff} / ${s.config.strategy}`)],
    ['homes (PV / battery)', ...col((s) => `${s.homes.total} (${s.homes.withPv} / ${s.homes.withBattery})`)],
    ['PV installed, kWp', ...col((s) => String(s.homes.pvKwp))],
    ['PV generation, kWh', ...col((s) => kwh(s.energyWh.generation))],
    ['demand, kWh', ...col((s) => kwh(s.energyWh.demand))],
    ['battery discharged, kWh', ...col((s) => kwh(s.energyWh.batteryDischarged))],
    ['traded P2P, kWh', ...col((s) => kwh(s.energyWh.p2pTraded))],
    ['grid import, kWh (grid only)', ...col((s) => `${kwh(s.energyWh.gridImport)} (${kwh(s.energyWh.baselineGridImport)})`)],
    ['grid export, kWh (grid only)', ...col((s) => `${kwh(s.energyWh.gridExport)} (${kwh(s.energyWh.baselineGridExport)})`)],
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
    ['checks failed', ...col((s) => String(Object.values(s.checks).reduce((a, v) => a + v, 0)))],
    ['wall time (HTTP requests)', ...col((s) => `${seconds(s.timing.wallMs)} (${s.timing.httpRequests})`)],
  ];
  return [
    '# ECCH demonstrator: scenarios side by side',
    '',
    table(['', ...runs.map((r) => r.dir)], rows, ['l', ...runs.map(() => 'r' as const)]),
    '',
    'Figures from each run’s summary.json; “grid only” is the same homes, PV and batteries billed by the utility alone. Homes, PV and demand are synthetic.',
    '',
  ].join('\n');
}
