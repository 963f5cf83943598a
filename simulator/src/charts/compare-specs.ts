/** Vega-Lite specs of the comparison's charts: energy, money and each home's gain per run. */
type Spec = Record<string, unknown>;

export interface ComparedRunData {
  label: string;
  p2pWh: number;
  gridImportWh: number;
  gridExportWh: number;
  /** What P2P kept in the community (µ). */
  keptMicro: number;
  /** Each home's gain over grid only (µ). */
  gainsMicro: number[];
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const runAxis = (runs: readonly ComparedRunData[]) => ({ field: 'run', type: 'nominal', title: null, sort: runs.map((r) => r.label), axis: { labelAngle: -35, labelLimit: 260 } });
const width = (runs: readonly ComparedRunData[]) => Math.max(360, 60 * runs.length);

export function volumesSpec(runs: readonly ComparedRunData[]): Spec {
  const values = runs.flatMap((r) => [
    { run: r.label, flow: 'traded P2P', kWh: r.p2pWh / 1000 },
    { run: r.label, flow: 'grid import', kWh: r.gridImportWh / 1000 },
    { run: r.label, flow: 'grid export', kWh: r.gridExportWh / 1000 },
  ]);
  return {
    $schema: SCHEMA,
    title: { text: 'Energy traded inside the community and with the grid, per run' },
    width: width(runs),
    height: 300,
    data: { values },
    mark: 'bar',
    encoding: {
      x: runAxis(runs),
      xOffset: { field: 'flow', sort: ['traded P2P', 'grid import', 'grid export'] },
      y: { field: 'kWh', type: 'quantitative', title: 'kWh over the run' },
      color: { field: 'flow', type: 'nominal', title: null, scale: { domain: ['traded P2P', 'grid import', 'grid export'], range: ['#2ca02c', '#d62728', '#1f77b4'] } },
    },
  };
}

export function moneySpec(runs: readonly ComparedRunData[]): Spec {
  return {
    $schema: SCHEMA,
    title: { text: 'Money kept in the community by P2P (vs grid only), per run' },
    width: width(runs),
    height: 240,
    data: { values: runs.map((r) => ({ run: r.label, qar: r.keptMicro / 1e6 })) },
    mark: 'bar',
    encoding: { x: runAxis(runs), y: { field: 'qar', type: 'quantitative', title: 'QAR over the run' }, color: { value: '#9467bd' } },
  };
}

/** One tick per home, the median in red. */
export function gainsSpec(runs: readonly ComparedRunData[]): Spec {
  const median = (xs: readonly number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length === 0 ? 0 : s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  };
  return {
    $schema: SCHEMA,
    title: { text: "Each home's gain from P2P over grid only, per run (red: the median)" },
    width: width(runs),
    height: 300,
    layer: [
      {
        data: { values: runs.flatMap((r) => r.gainsMicro.map((g) => ({ run: r.label, qar: g / 1e6 }))) },
        mark: { type: 'tick', opacity: 0.5 },
        encoding: { x: runAxis(runs), y: { field: 'qar', type: 'quantitative', title: 'gain, QAR over the run' } },
      },
      {
        data: { values: runs.map((r) => ({ run: r.label, qar: median(r.gainsMicro) / 1e6 })) },
        mark: { type: 'tick', color: 'firebrick', thickness: 3 },
        encoding: { x: runAxis(runs), y: { field: 'qar', type: 'quantitative' } },
      },
      { data: { values: [{ zero: 0 }] }, mark: { type: 'rule', strokeDash: [4, 3], color: 'gray' }, encoding: { y: { field: 'zero', type: 'quantitative' } } },
    ],
  };
}
