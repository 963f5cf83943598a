/** Vega-Lite specs of the run's four charts (pure data → spec; rendering is apart). */
import { Metrics } from '../report/metrics';

/** What the charts draw: the per-hour and per-home rows (also readable back from the CSVs). */
export type ChartData = Pick<Metrics, 'hours' | 'homes'>;

type Spec = Record<string, unknown>;
const WIDTH = 720;
const hourAxis = { field: 'hour', type: 'quantitative', title: 'hour from local midnight of the first day (Doha, UTC+3)', axis: { tickMinStep: 1 } };

/** The run's hours plus the last hour's end, so lines and bars share one x range. */
function hourDomain(m: ChartData) {
  const hs = m.hours.map((h) => h.hour);
  return { domain: [Math.min(...hs), Math.max(...hs) + 1], nice: false };
}

/** Community generation and demand, with grid import/export with and without P2P. */
export function energySpec(m: ChartData, title: string): Spec {
  const values = m.hours.flatMap((h) => [
    { hour: h.hour, series: 'PV generation', kWh: h.generationWh / 1000 },
    { hour: h.hour, series: 'demand', kWh: h.demandWh / 1000 },
    { hour: h.hour, series: 'grid import, P2P', kWh: h.gridImportWh / 1000 },
    { hour: h.hour, series: 'grid import, grid only', kWh: h.bidWh / 1000 },
    { hour: h.hour, series: 'grid export, P2P', kWh: h.gridExportWh / 1000 },
    { hour: h.hour, series: 'grid export, grid only', kWh: h.offeredWh / 1000 },
  ]);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `Community generation and demand, with and without P2P: ${title}` },
    width: WIDTH,
    height: 300,
    data: { values },
    mark: { type: 'line', point: false },
    encoding: {
      x: { ...hourAxis, scale: hourDomain(m) },
      y: { field: 'kWh', type: 'quantitative', title: 'kWh per hour' },
      // Paired hues: the grid-only twin of each flow in a lighter shade.
      color: {
        field: 'series',
        type: 'nominal',
        title: null,
        legend: { labelLimit: 300 },
        scale: {
          domain: ['PV generation', 'demand', 'grid import, P2P', 'grid import, grid only', 'grid export, P2P', 'grid export, grid only'],
          range: ['#ff7f0e', '#1f77b4', '#d62728', '#ff9896', '#2ca02c', '#98df8a'],
        },
      },
    },
  };
}

/** SDR and the clearing prices against the grid tariffs, per hour. */
export function pricesSpec(m: ChartData, title: string): Spec {
  // SDR publishes Ps and Pb; the other mechanisms are drawn with the price of their internal energy (none in an hour without trade).
  const clearing = (h: ChartData['hours'][number]) =>
    h.communityPrice !== undefined
      ? h.communityPrice === null
        ? []
        : [{ hour: h.hour, series: 'community price (internal energy)', qar: h.communityPrice / 1e6 }]
      : [
          { hour: h.hour, series: 'Ps (community sell price)', qar: (h.sellPrice ?? 0) / 1e6 },
          { hour: h.hour, series: 'Pb (buyers’ average price)', qar: (h.buyPrice ?? 0) / 1e6 },
        ];
  const prices = m.hours.flatMap((h) => [
    ...clearing(h),
    { hour: h.hour, series: 'B (grid retail)', qar: h.gridBuyPrice / 1e6 },
    { hour: h.hour, series: 'S (feed-in)', qar: h.gridSellPrice / 1e6 },
  ]);
  // SDR is unbounded when few buy; clip the bars so the hours near 1 stay readable.
  const sdrMax = Math.max(1.5, Math.min(5, Math.max(0, ...m.hours.map((h) => h.sdr ?? 0))));
  const sdr = m.hours.map((h) => ({ hour: h.hour, sdr: h.sdr === null ? null : Math.min(h.sdr, sdrMax) }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `SDR and prices per hour: ${title}` },
    vconcat: [
      {
        width: WIDTH,
        height: 220,
        data: { values: prices },
        mark: { type: 'line', interpolate: 'step-after' },
        encoding: {
          x: { ...hourAxis, scale: hourDomain(m) },
          y: { field: 'qar', type: 'quantitative', title: 'QAR/kWh' },
          color: { field: 'series', type: 'nominal', title: null, legend: { labelLimit: 300 } },
        },
      },
      {
        width: WIDTH,
        height: 120,
        data: { values: sdr },
        layer: [
          { mark: { type: 'bar' }, encoding: { x: { ...hourAxis, scale: hourDomain(m) }, y: { field: 'sdr', type: 'quantitative', title: `SDR (clipped at ${sdrMax})`, scale: { domain: [0, sdrMax] } } } },
          { data: { values: [{ one: 1 }] }, mark: { type: 'rule', strokeDash: [4, 3], color: 'firebrick' }, encoding: { y: { field: 'one', type: 'quantitative' } } },
        ],
      },
    ],
  };
}

/** Energy bought and sold inside the community vs with the grid (sales drawn below zero). */
export function flowsSpec(m: ChartData, title: string): Spec {
  const values = m.hours.flatMap((h) => {
    const rejectedOrGridImport = h.gridImportWh;
    return [
      { hour: h.hour, flow: 'bought P2P', kWh: h.internalWh / 1000 },
      { hour: h.hour, flow: 'imported from grid', kWh: rejectedOrGridImport / 1000 },
      { hour: h.hour, flow: 'sold P2P', kWh: -h.internalWh / 1000 },
      { hour: h.hour, flow: 'exported to grid', kWh: -h.gridExportWh / 1000 },
    ];
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `Energy bought (+) and sold (−) inside the community vs with the grid: ${title}` },
    width: WIDTH,
    height: 300,
    data: { values },
    mark: 'bar',
    encoding: {
      x: { ...hourAxis, type: 'ordinal', axis: { labelAngle: 0, values: m.hours.filter((h) => h.hour % 6 === 0).map((h) => h.hour) } },
      y: { field: 'kWh', type: 'quantitative', title: 'kWh per hour', stack: 'zero' },
      color: {
        field: 'flow',
        type: 'nominal',
        title: null,
        scale: { domain: ['bought P2P', 'imported from grid', 'sold P2P', 'exported to grid'], range: ['#2ca02c', '#d62728', '#98df8a', '#ff9896'] },
      },
    },
  };
}

/** Each home's balance with P2P against trading only with the grid. */
export function billsSpec(m: ChartData, title: string): Spec {
  const base = { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', width: WIDTH, height: 300 };
  if (m.homes.length <= 30) {
    const values = m.homes.flatMap((h) => [
      { home: h.participantId, case: 'grid only', qar: h.baselineAmount / 1e6 },
      // Imbalance included (absent from runs made before metering).
      { home: h.participantId, case: 'P2P', qar: (h.p2pAmount + (h.imbalanceAmount ?? 0)) / 1e6 },
    ]);
    return {
      ...base,
      title: { text: `Each household's balance, P2P vs grid only (negative = pays): ${title}` },
      data: { values },
      mark: 'bar',
      encoding: {
        x: { field: 'home', type: 'nominal', title: null, axis: { labelAngle: -45 } },
        xOffset: { field: 'case' },
        y: { field: 'qar', type: 'quantitative', title: 'QAR over the run' },
        color: { field: 'case', type: 'nominal', title: null },
      },
    };
  }
  const values = m.homes
    .map((h) => ({ home: h.participantId, kind: `${h.dwelling}${h.pvKwp > 0 ? ' with PV' : ''}`, gain: h.gainAmount / 1e6 }))
    .sort((a, b) => b.gain - a.gain || (a.home < b.home ? -1 : 1))
    .map((v, rank) => ({ ...v, rank, next: rank + 1 }));
  return {
    ...base,
    title: { text: `Each household's gain from P2P over grid only, sorted (${m.homes.length} homes): ${title}` },
    data: { values },
    mark: 'bar',
    encoding: {
      // One unit-wide bar per home: rank to rank + 1.
      x: { field: 'rank', type: 'quantitative', title: 'homes, sorted by gain', scale: { domain: [0, values.length], nice: false } },
      x2: { field: 'next' },
      y: { field: 'gain', type: 'quantitative', title: 'gain, QAR over the run' },
      y2: { datum: 0 },
      color: { field: 'kind', type: 'nominal', title: null },
    },
  };
}
