/** Configuration: an invalid setting stops start-up with a message naming it. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ConfigError, loadConfig, startGateway } from '@ecch/gateway-api';
import { removeDir, tempDataDir } from './support/gateway';

jest.setTimeout(60_000);

describe('loadConfig', () => {
  it('when nothing is set, then the api.md defaults apply', () => {
    const c = loadConfig({}, '/srv');
    expect(c).toEqual(expect.objectContaining({ port: 3000, host: '127.0.0.1', ledger: 'embedded', dataDir: '/srv/data', logLevel: 'info' }));
    expect(c.adminToken).toBeUndefined();
    expect(c.fabricConnection).toBe('/srv/network/.run/connection.json');
    expect(c.fabric).toEqual({ evaluateMs: 5000, endorseMs: 15000, submitMs: 5000, commitStatusMs: 60000, maxRetries: 3 });
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['LEDGER', 'mongodb'],
    ['LOG_LEVEL', 'loud'],
    ['GATEWAY_ADMIN_TOKEN', 'short'],
    ['RATE_LIMIT_MAX', '0'],
    ['FABRIC_COMMIT_TIMEOUT_MS', 'soon'],
  ])('when %s=%s, then start-up is refused naming that setting', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`^invalid configuration: ${name} `));
  });

  it('when startGateway gets an invalid port, then it rejects naming PORT before opening anything', async () => {
    const dir = tempDataDir();
    await expect(startGateway({ ledger: 'embedded', dataDir: dir, port: 70000 })).rejects.toThrow(/PORT must be <= 65535/);
    removeDir(dir);
  });

  it('when LEDGER=fabric and the connection file is missing, then start-up is refused naming FABRIC_CONNECTION', async () => {
    const dir = tempDataDir();
    await expect(
      startGateway({ ledger: 'fabric', dataDir: dir, port: 0, fabricConnection: path.join(dir, 'nope.json'), logLevel: 'silent' }),
    ).rejects.toThrow(/FABRIC_CONNECTION .*nope\.json/);
    removeDir(dir);
  });
});

describe('npm start (src/server.ts)', () => {
  it('when an environment value is invalid, then the process exits 1 and names the setting', () => {
    const root = path.resolve(__dirname, '../..');
    const dataDir = tempDataDir();
    const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'gateway-api/src/server.ts')], {
      cwd: root,
      env: { ...process.env, LEDGER: 'mongodb', DATA_DIR: dataDir },
      encoding: 'utf8',
      timeout: 50_000,
    });
    removeDir(dataDir);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('invalid configuration: LEDGER must be equal to one of the allowed values (embedded, fabric)');
  });
});
