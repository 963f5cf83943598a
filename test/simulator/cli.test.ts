/**
 * The simulate and report commands end to end, as a user runs them (tsx in a child
 * process) against the fake gateway: outputs, charts, progress lines, comparison.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FakeGateway, startFakeGateway } from './fake-gateway';

const run = promisify(execFile);
const ROOT = join(__dirname, '../..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');

jest.setTimeout(120_000);

describe('simulate and report commands', () => {
  let gw: FakeGateway;
  let out: string;
  beforeAll(async () => {
    gw = await startFakeGateway();
    out = mkdtempSync(join(tmpdir(), 'ecch-cli-'));
  });
  afterAll(async () => {
    await gw.close();
    rmSync(out, { recursive: true, force: true });
  });

  const simulate = (scenario: string, dir: string) =>
    run(TSX, ['simulator/src/cli/simulate.ts', '--community', 'lot2', '--hours', '3', '--start-hour', '10', '--scenario', scenario, '--gateway-url', gw.url, '--admin-token', gw.adminToken, '--out', join(out, dir)], {
      cwd: ROOT,
      env: { ...process.env, CI: 'true' },
    });

  it('when pointed at a gateway, then it writes CSVs, summary.json, report.md and four SVG charts, with plain progress lines on stderr', async () => {
    const { stdout, stderr } = await simulate('S1', 's1');
    expect(stdout).toMatch(/lot2 S1: 3 h, 10 homes, wall time [\d.]+ s, P2P [\d.]+ kWh, imbalance \+[\d.]+ \/ −[\d.]+ kWh, \d+ requests, [\d.]+ per second, checks passed/);
    expect(stderr).toMatch(/lot2 S1: 1\/3 hours/);
    expect(stderr).toMatch(/lot2 S1: 3\/3 hours/);
    const dir = join(out, 's1');
    for (const f of ['hours.csv', 'households.csv', 'household-hours.csv', 'summary.json', 'report.md']) expect(existsSync(join(dir, f))).toBe(true);
    for (const c of ['energy', 'prices', 'flows', 'bills']) expect(readFileSync(join(dir, 'charts', `${c}.svg`), 'utf8')).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(readFileSync(join(dir, 'hours.csv'), 'utf8').trim().split('\n')).toHaveLength(4);
    const report = readFileSync(join(dir, 'report.md'), 'utf8');
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    expect(summary.config).toMatchObject({ community: 'lot2', scenario: 'S1', hours: 3, fromHour: 10, ledger: 'external' });
    for (const h of JSON.parse(readFileSync(join(ROOT, 'fixtures/community/lot2.json'), 'utf8')).households) expect(report).toContain(h.id);
    expect(report).toContain('Wall time');
    // By default homes order from a noisy forecast and the meters' readings are reconciled.
    expect(summary.config).toMatchObject({ forecastError: 'noise', metering: true });
    expect(summary.imbalance).toMatchObject({ metering: true, marketsReconciled: 3, readings: { submitted: 30, accepted: 30, refused: 0, estimated: 0 } });
    expect(report).toContain('## Metered delivery and imbalance');
  });

  it('when given finished runs, then the report command lays their summaries side by side', async () => {
    await simulate('S3', 's3');
    const { stdout } = await run(TSX, ['simulator/src/cli/report.ts', join(out, 's1'), join(out, 's3')], { cwd: ROOT });
    expect(stdout).toMatch(/\| scenario \| S1 \| S3 \|/);
    expect(stdout).toMatch(/traded P2P, kWh/);
  });

  it('when asked to re-render charts from the CSVs, then it draws the same SVGs as the run did', async () => {
    const dir = join(out, 's1');
    const before = ['energy', 'prices', 'flows', 'bills'].map((c) => readFileSync(join(dir, 'charts', `${c}.svg`), 'utf8'));
    rmSync(join(dir, 'charts'), { recursive: true });
    await run(TSX, ['simulator/src/cli/report.ts', '--charts', dir], { cwd: ROOT });
    const after = ['energy', 'prices', 'flows', 'bills'].map((c) => readFileSync(join(dir, 'charts', `${c}.svg`), 'utf8'));
    expect(after).toEqual(before);
  });
});
