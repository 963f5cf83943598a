/** The comparison report (report/compare.ts): the study's rows, and older summaries without them. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderComparison } from '@ecch/simulator/report/compare';
import { Summary } from '@ecch/simulator/report/summary';

const results = join(__dirname, '../../simulator/results');
const summary = (dir: string) => JSON.parse(readFileSync(join(results, dir, 'summary.json'), 'utf8')) as Summary;

describe('comparison of runs', () => {
  it('when runs differ by mechanism, then it shows each mechanism, the gains and the Gini side by side, and links its charts', () => {
    const runs = ['lot2-48h-S1', 'lot2-48h-S1-mmr'].map((dir) => ({ dir, summary: summary(dir) }));
    const md = renderComparison(runs, { volumes: 'c/energy.svg', money: 'c/money.svg', gains: 'c/gains.svg' });
    expect(md).toContain('| mechanism | sdr | mmr |');
    const gini = (s: Summary) => s.gains.gini!.toFixed(3);
    expect(md).toContain(`| Gini of the gains (0 = equal) | ${gini(runs[0].summary)} | ${gini(runs[1].summary)} |`);
    expect(md).toMatch(/\| share of homes better off \| [\d.]+ % \| [\d.]+ % \|/);
    expect(md).toMatch(/\| requests per second \| [\d.]+ \| [\d.]+ \|/);
    expect(md).toContain('![each home\'s gain per run](c/gains.svg)');
  });

  it('when a summary predates the study, then its new rows read n/a and its mechanism sdr', () => {
    // A summary.json written before issue 15: no gains, peaks, mechanism or requests per second.
    const old = JSON.parse(JSON.stringify(summary('lot2-48h-S1'))) as Record<string, unknown> & Pick<Summary, 'config' | 'timing'>;
    delete old.gains;
    delete old.peaksWh;
    const md = renderComparison([{ dir: 'old', summary: { ...old, config: { ...old.config, mechanism: undefined }, timing: { ...old.timing, requestsPerSecond: undefined } } as unknown as Summary }]);
    expect(md).toContain('| mechanism | sdr |');
    expect(md).toContain('| Gini of the gains (0 = equal) | n/a |');
    expect(md).toContain('| requests per second | n/a |');
  });
});
