/**
 * A burst of connections while the gateway's event loop is busy: the kernel completes
 * them into the listening socket's accept queue (LISTEN_BACKLOG) until the gateway
 * accepts them. With Node's default of 511, connections beyond it are not completed
 * (their handshakes are dropped and retried) and a long busy spell turns them into
 * resets (bench/results/concurrency-r7.md). The gateway here is the real one
 * (`startGateway`, embedded ledger) in a child process that blocks its event loop right
 * after listening, so nothing is accepted while the burst arrives.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { LISTEN_BACKLOG } from '../../gateway-api/src/listen-backlog';

const ROOT = path.resolve(__dirname, '../..');
const BURST = 800; // over Node's default backlog (511), under this gateway's
const BLOCK_MS = 6000;

function startBlockingGateway(dataDir: string): Promise<{ child: ChildProcess; port: number }> {
  const script = `
    const { startGateway } = require(${JSON.stringify(path.join(ROOT, 'gateway-api/src/index.ts'))});
    startGateway({ ledger: 'embedded', dataDir: ${JSON.stringify(dataDir)}, port: 0, host: '127.0.0.1', logLevel: 'silent', settings: { CLOCK: 'off' } }).then((gw) => {
      process.stdout.write('PORT ' + new URL(gw.url).port + '\\n', () => {
        const end = Date.now() + ${BLOCK_MS};
        while (Date.now() < end) {} // the event loop is busy: nothing is accepted
      });
    });`;
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /PORT (\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.on('exit', (code) => reject(new Error(`gateway child exited (${code}) before listening`)));
  });
}

describe('the gateway listening socket', () => {
  let dir: string;
  let child: ChildProcess | undefined;
  const sockets: net.Socket[] = [];
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'ecch-backlog-'))));
  afterEach(() => {
    for (const s of sockets) s.destroy();
    child?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it(`holds a burst of ${BURST} connections completed while its event loop is busy`, async () => {
    expect(LISTEN_BACKLOG).toBeGreaterThanOrEqual(BURST);
    const started = await startBlockingGateway(dir);
    child = started.child;
    let connected = 0;
    await new Promise<void>((resolve) => {
      for (let i = 0; i < BURST; i++) {
        const s = net.connect({ port: started.port, host: '127.0.0.1' });
        s.on('connect', () => {
          connected += 1;
          if (connected === BURST) resolve();
        });
        s.on('error', () => undefined);
        sockets.push(s);
      }
      // Well inside the child's busy spell; a dropped handshake is retried only after 1 s.
      setTimeout(resolve, 900);
    });
    expect(connected).toBe(BURST);
  }, 30_000);
});
