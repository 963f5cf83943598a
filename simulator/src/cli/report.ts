/** `npm run report -- DIR1 DIR2 DIR3 [--out FILE|DIR]`: the side-by-side table of finished runs. */
import { Command } from 'commander';
import { writeComparison } from '../report/compare-files';

const program = new Command('report')
  .description('Compare finished simulation runs (their summary.json) side by side')
  .argument('<dirs...>', 'run folders')
  .option('--out <path>', 'write comparison.md here (a folder or a .md file) instead of stdout')
  .parse();

const { out } = program.opts<{ out?: string }>();
const text = writeComparison(program.args, out);
if (!out) process.stdout.write(text);
