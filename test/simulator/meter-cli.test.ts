/**
 * The meter command as a user runs it (tsx in a child process): a meter's key and
 * certificate on disk, a reading signed, registered and submitted to a gateway (the
 * fake one, which verifies signatures as the ledger does), and clear errors.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { verifyReading } from '@ecch/simulator/meter';
import { FakeGateway, startFakeGateway } from './fake-gateway';

const exec = promisify(execFile);
const ROOT = join(__dirname, '../..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');

jest.setTimeout(120_000);

async function meter(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(TSX, ['simulator/src/cli/meter.ts', ...args], { cwd: ROOT });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const signArgs = (dir: string, exportWh = '1200') => ['--meter', 'm-h001', '--dir', dir, '--interval-start', '2026-06-21T10:00:00Z', '--import-wh', '0', '--export-wh', exportWh, '--seq', '1'];

describe('meter command', () => {
  let dir: string;
  let gw: FakeGateway;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meter-cli-'));
    gw = await startFakeGateway();
    const market = { id: 'm-10', deliveryStart: '2026-06-21T10:00:00Z', durationMinutes: 60, gridBuyPrice: 130_000, gridSellPrice: 40_000 };
    await fetch(`${gw.url}/v1/markets`, { method: 'POST', headers: { authorization: `Bearer ${gw.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify(market) });
  });
  afterAll(async () => {
    await gw.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('when initialised, then it prints the certificate path and keeps the key in a 0600 file, and refuses to replace it without --force', async () => {
    const r = await meter('init', '--meter', 'm-h001', '--dir', dir);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(join(dir, 'm-h001.cert.pem'));
    expect(readFileSync(r.stdout.trim(), 'utf8')).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(statSync(join(dir, 'm-h001.key.pem')).mode & 0o777).toBe(0o600);
    const again = await meter('init', '--meter', 'm-h001', '--dir', dir);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists/);
  });

  it('when signing, then it prints {reading, signature} that verifies against the certificate', async () => {
    const r = await meter('sign', ...signArgs(dir));
    expect(r.code).toBe(0);
    const { reading, signature } = JSON.parse(r.stdout);
    expect(reading).toEqual({ meterId: 'm-h001', intervalStart: '2026-06-21T10:00:00Z', intervalMinutes: 60, importWh: 0, exportWh: 1200, seq: 1 });
    expect(verifyReading(reading, signature, readFileSync(join(dir, 'm-h001.cert.pem'), 'utf8'))).toBe(true);
  });

  it('when the input is bad, then it says what is wrong and exits 1', async () => {
    const cases: [string[], RegExp][] = [
      [['sign', ...signArgs(dir, '-5')], /--export-wh must be an integer ≥ 0/],
      [['sign', ...signArgs(dir).map((a) => (a === '2026-06-21T10:00:00Z' ? '2026-06-21 10:00' : a))], /intervalStart must be a UTC instant/],
      [['sign', '--meter', 'm-h001', '--dir', dir, '--import-wh', '1'], /missing --interval-start, --export-wh, --seq/],
      [['sign', ...signArgs(dir).map((a) => (a === 'm-h001' ? 'm-h404' : a))], /m-h404\.key\.pem not found/],
      [['submit', '--gateway-url', gw.url, '--file', join(dir, 'nothing.json')], /not found/],
    ];
    for (const [args, message] of cases) {
      const r = await meter(...args);
      expect({ args, code: r.code }).toEqual({ args, code: 1 });
      expect(r.stderr).toMatch(message);
    }
  });

  it('when registered and submitted, then the gateway records it (201), a repeat is a no-op (200), and a conflicting reading is refused', async () => {
    const reg = await meter('register', '--meter', 'm-h001', '--dir', dir, '--participant', 'h001', '--gateway-url', gw.url, '--admin-token', gw.adminToken);
    expect(reg.code).toBe(0);
    expect(gw.meters.get('m-h001')?.certificate).toBe(readFileSync(join(dir, 'm-h001.cert.pem'), 'utf8'));
    const first = await meter('submit', '--gateway-url', gw.url, ...signArgs(dir));
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout).status).toBe(201);
    expect(JSON.parse((await meter('submit', '--gateway-url', gw.url, ...signArgs(dir))).stdout).status).toBe(200);
    const conflict = await meter('submit', '--gateway-url', gw.url, ...signArgs(dir, '1300'));
    expect(conflict.code).toBe(2);
    expect(conflict.stderr).toMatch(/409/);
    // The submission carried no token: the signature is the proof.
    expect(gw.calls.filter((c) => c.path === '/v1/readings')).toHaveLength(3);
  });

  it('when a batch file holds a reading altered after signing, then that item alone is refused and the command exits 2', async () => {
    const signed = JSON.parse((await meter('sign', ...signArgs(dir))).stdout);
    const forged = { reading: { ...signed.reading, exportWh: 9999 }, signature: signed.signature };
    const file = join(dir, 'batch.json');
    writeFileSync(file, JSON.stringify({ items: [signed, forged] }));
    const r = await meter('submit', '--gateway-url', gw.url, '--file', file);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).results).toEqual([{ status: 200 }, { status: 422, code: 'BAD_SIGNATURE' }]);
  });
});
