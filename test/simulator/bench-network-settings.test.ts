/**
 * What a benchmark records about the network it measured: the orderers' BatchTimeout
 * as `network.sh up` rendered it (network/scripts/lib.sh batch_timeout) and the
 * chaincode server's write batching, read back from the run directory and the
 * server's process.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { networkSettings } from '../../bench/concurrency/network';

const LIB = path.resolve(__dirname, '../../network/scripts/lib.sh');

function batchTimeout(value: string | undefined): { status: number | null; out: string; err: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, ECCH_RUN_DIR: path.join(os.tmpdir(), 'ecch-lib-test-unused') };
  if (value === undefined) delete env.ECCH_BATCH_TIMEOUT;
  else env.ECCH_BATCH_TIMEOUT = value;
  const r = spawnSync('bash', ['-c', `ECCH_MODE=native; source "$0"; batch_timeout`, LIB], { env, encoding: 'utf8' });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

describe('ECCH_BATCH_TIMEOUT (lib.sh batch_timeout)', () => {
  it('defaults to 250ms and passes a millisecond value through', () => {
    expect(batchTimeout(undefined)).toMatchObject({ status: 0, out: '250ms' });
    expect(batchTimeout('100ms')).toMatchObject({ status: 0, out: '100ms' });
  });

  it.each(['0ms', '2s', '100', 'abc', '100ms; rm -rf /', '100000ms'])('refuses %p with a message naming the variable', (value) => {
    const r = batchTimeout(value);
    expect(r.status).not.toBe(0);
    expect(r.out).toBe('');
    expect(r.err).toContain('ECCH_BATCH_TIMEOUT');
  });
});

describe('networkSettings', () => {
  let dir: string;
  let child: ChildProcess | undefined;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'ecch-netset-'))));
  afterEach(() => {
    child?.kill();
    child = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  const server = (env: NodeJS.ProcessEnv) => {
    child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { env: { PATH: process.env.PATH, ...env }, stdio: 'ignore' });
    return child.pid as number;
  };

  it("reads BatchTimeout from the run directory's configtx.yaml and batching from the chaincode server's environment", () => {
    writeFileSync(path.join(dir, 'configtx.yaml'), 'Orderer: &OrdererDefaults\n  OrdererType: etcdraft\n  BatchTimeout: 100ms\n  BatchSize:\n');
    expect(networkSettings(dir, { 'cc.community': server({ ECCH_WRITE_BATCH: 'off' }) })).toEqual({ batchTimeout: '100ms', writeBatch: 'off' });
  });

  it('batching is on unless the server says off; unknown without a run directory or a server', () => {
    expect(networkSettings(dir, { 'cc.community': server({ ECCH_WRITE_BATCH: 'on' }) })).toEqual({ batchTimeout: null, writeBatch: 'on' });
    expect(networkSettings(dir, {})).toEqual({ batchTimeout: null, writeBatch: null });
  });
});
