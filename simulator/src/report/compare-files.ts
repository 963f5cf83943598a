/** Reads runs' summary.json (and households.csv) and writes the side-by-side comparison. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { ComparedRunData, gainsSpec, moneySpec, volumesSpec } from '../charts/compare-specs';
import { renderSvg } from '../charts/render';
import { ComparedRun, ComparisonCharts, renderComparison, runLabel } from './compare';
import { readMetrics } from './read-metrics';
import { Summary } from './summary';

const readRuns = (dirs: readonly string[]): ComparedRun[] =>
  dirs.map((d) => ({ dir: basename(resolve(d)), summary: JSON.parse(readFileSync(join(d, 'summary.json'), 'utf8')) as Summary }));

const outFile = (out: string) => (out.endsWith('.md') ? resolve(out) : join(resolve(out), 'comparison.md'));

/** `out` may be a folder (comparison.md inside) or a .md file; returns the text. */
export function writeComparison(dirs: readonly string[], out?: string): string {
  const text = renderComparison(readRuns(dirs));
  if (out) {
    const file = outFile(out);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  return text;
}

/**
 * The comparison with its charts: SVGs in `<name>-charts/` beside the .md file (energy,
 * money kept, each home's gain from the runs' households.csv).
 */
export async function writeComparisonWithCharts(dirs: readonly string[], out: string): Promise<string> {
  const runs = readRuns(dirs);
  const file = outFile(out);
  const chartDir = join(dirname(file), `${basename(file, '.md')}-charts`);
  mkdirSync(chartDir, { recursive: true });
  const data: ComparedRunData[] = runs.map((r, i) => ({
    label: runLabel(r),
    p2pWh: r.summary.energyWh.p2pTraded,
    gridImportWh: r.summary.energyWh.gridImport,
    gridExportWh: r.summary.energyWh.gridExport,
    keptMicro: r.summary.moneyMicro.gain,
    gainsMicro: existsSync(join(dirs[i], 'households.csv')) ? readMetrics(dirs[i]).homes.map((h) => h.gainAmount) : [],
  }));
  const rel = (f: string) => relative(dirname(file), join(chartDir, f)).split('\\').join('/');
  const charts: ComparisonCharts = { volumes: rel('energy.svg'), money: rel('money.svg'), gains: rel('gains.svg') };
  writeFileSync(join(chartDir, 'energy.svg'), await renderSvg(volumesSpec(data)));
  writeFileSync(join(chartDir, 'money.svg'), await renderSvg(moneySpec(data)));
  writeFileSync(join(chartDir, 'gains.svg'), await renderSvg(gainsSpec(data)));
  const text = renderComparison(runs, charts);
  writeFileSync(file, text);
  return text;
}
