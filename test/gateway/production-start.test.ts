/**
 * `NODE_ENV=production npm start` on a fresh clone: the install must bring the dev
 * dependencies the build needs (npm omits them under NODE_ENV=production), and the
 * gateway itself must serve under NODE_ENV=production (JSON logs, docs, problems,
 * graceful shutdown).
 *
 * The install is checked against a stand-in npm that behaves as npm does about
 * NODE_ENV (dev dependencies only with --include=dev), in a scratch copy of the
 * script's directory layout: no real install runs.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ADMIN, removeDir, tempDataDir } from './support/gateway';

jest.setTimeout(120_000);

const ROOT = join(__dirname, '../..');

describe('scripts/lib/ensure-deps.sh under NODE_ENV=production', () => {
  let root: string;
  let bin: string;

  beforeEach(() => {
    root = tempDataDir();
    bin = join(root, 'fake-bin');
    mkdirSync(join(root, 'scripts/lib'), { recursive: true });
    mkdirSync(bin);
    copyFileSync(join(ROOT, 'scripts/lib/ensure-deps.sh'), join(root, 'scripts/lib/ensure-deps.sh'));
    writeFileSync(join(root, 'package-lock.json'), '{"lockfileVersion":3}\n');
    // npm's rule: NODE_ENV=production omits dev dependencies unless --include=dev is given.
    writeFileSync(
      join(bin, 'npm'),
      [
        '#!/usr/bin/env bash',
        'echo "npm $*" >> "$PWD/npm.log"',
        'mkdir -p node_modules/.bin',
        'if [[ "${NODE_ENV:-}" != production || " $* " == *" --include=dev "* ]]; then',
        '  printf \'#!/usr/bin/env bash\\necho "tsc $*" >> "$PWD/tsc.log"\\n\' > node_modules/.bin/tsc',
        '  chmod +x node_modules/.bin/tsc',
        'fi',
      ].join('\n'),
    );
    chmodSync(join(bin, 'npm'), 0o755);
  });
  afterEach(() => removeDir(root));

  const run = () =>
    spawnSync('bash', [join(root, 'scripts/lib/ensure-deps.sh')], {
      cwd: root,
      env: { ...process.env, NODE_ENV: 'production', PATH: `${bin}:${process.env.PATH ?? ''}` },
      encoding: 'utf8',
    });

  it('when node_modules is missing, then npm ci includes the dev dependencies and tsc -b runs', () => {
    const r = run();
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    expect(readFileSync(join(root, 'npm.log'), 'utf8')).toMatch(/^npm ci .*--include=dev/m);
    expect(readFileSync(join(root, 'tsc.log'), 'utf8').trim()).toBe('tsc -b');
  });

  it('when an earlier production install left node_modules without tsc, then it installs again rather than fail', () => {
    mkdirSync(join(root, 'node_modules'));
    const lock = readFileSync(join(root, 'package-lock.json'));
    writeFileSync(join(root, 'node_modules/.ecch-lock-sha256'), `${createHash('sha256').update(lock).digest('hex')}\n`);
    const r = run();
    expect(r.status).toBe(0);
    expect(existsSync(join(root, 'npm.log'))).toBe(true);
    expect(readFileSync(join(root, 'tsc.log'), 'utf8').trim()).toBe('tsc -b');
  });

  it('when the install is current, then npm is not run again', () => {
    expect(run().status).toBe(0);
    expect(run().status).toBe(0);
    expect(readFileSync(join(root, 'npm.log'), 'utf8').trim().split('\n')).toHaveLength(1);
  });
});

describe('the gateway under NODE_ENV=production', () => {
  it('when started with NODE_ENV=production, then it logs JSON lines, serves health, docs and problems, and shuts down on SIGTERM', async () => {
    const dataDir = tempDataDir();
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'gateway-api/src/server.ts')], {
      cwd: ROOT,
      // Production requires the wallet key setting (test/gateway/wallet-encryption.test.ts).
      env: {
        ...process.env,
        NODE_ENV: 'production',
        PORT: '0',
        DATA_DIR: dataDir,
        GATEWAY_ADMIN_TOKEN: ADMIN,
        GATEWAY_WALLET_KEY: randomBytes(32).toString('base64'),
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no listening line; stderr: ${stderr}`)), 90_000);
        child.stdout.on('data', (d: Buffer) => {
          stdout += d.toString();
          const found = /"msg":"Server listening at (http:\/\/127\.0\.0\.1:\d+)"/.exec(stdout);
          if (found) {
            clearTimeout(timer);
            resolve(found[1] as string);
          }
        });
        child.on('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
      });
      expect(await (await fetch(`${url}/health`)).json()).toEqual({ status: 'ok' });
      expect((await fetch(`${url}/openapi.json`)).status).toBe(200);
      expect((await fetch(`${url}/docs/`)).status).toBe(200);
      const refused = await fetch(`${url}/v1/markets`, { headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, method: 'POST', body: '{' });
      expect(refused.status).toBe(400);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      // Structured logs, one JSON object a line: no pretty printer needed in production.
      const lines = stdout.trim().split('\n');
      for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
      expect(lines.some((l) => (JSON.parse(l) as { msg?: string }).msg === 'ECCH gateway ready')).toBe(true);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      removeDir(dataDir);
    }
  });
});
