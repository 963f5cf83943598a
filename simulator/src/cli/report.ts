/**
 * `npm run report -- DIR1 DIR2 DIR3 [--out FILE|DIR]`: the side-by-side table of finished runs.
 * `npm run report -- --charts DIR...`: re-render runs' SVG charts from their CSVs.
 * `npm run report -- DIR... --out FILE.md --with-charts`: the table and its charts (energy, money, gains).
 */
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeComparison, writeComparisonWithCharts } from '../report/compare-files';
import { runTitle } from '../report/format';
import { readMetrics } from '../report/read-metrics';
import { Summary } from '../report/summary';
import { writeCharts } from '../report/write';

const program = new Command('report')
  .description('Compare finished simulation runs (their summary.json) side by side, or re-render their charts')
  .argument('<dirs...>', 'run folders')
  .option('--out <path>', 'write comparison.md here (a folder or a .md file) instead of stdout')
  .option('--charts', "re-render each run's charts/ from its hours.csv and households.csv")
  .option('--with-charts', 'with --out: also draw the comparison (energy, money kept, each home’s gain) into <name>-charts/ beside it')
  .parse();

async function main(): Promise<void> {
  const { out, charts, withCharts } = program.opts<{ out?: string; charts?: boolean; withCharts?: boolean }>();
  if (charts) {
    for (const dir of program.args) {
      const s = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Summary;
      await writeCharts(dir, readMetrics(dir), runTitle(s.config));
      process.stderr.write(`charts re-rendered in ${dir}\n`);
    }
    return;
  }
  if (withCharts) {
    if (!out) throw new Error('--with-charts needs --out');
    await writeComparisonWithCharts(program.args, out);
    return;
  }
  const text = writeComparison(program.args, out);
  if (!out) process.stdout.write(text);
}

main().catch((err: unknown) => {
  process.stderr.write(`report: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
