/**
 * The clock's state is the ledger's: a gateway SIGKILLed between a market's gate
 * closure and its clearing leaves the market closed, and the next gateway on the same
 * DATA_DIR clears it on start-up (catch-up), once.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Market } from '@ecch/chaincode';
import { ADMIN, call, openGateway, removeDir, rfc3339, tempDataDir } from './support/gateway';

const ROOT = join(__dirname, '../..');
const CHILD = join(__dirname, 'support/clock-child.ts');
const HOUR = 3_600_000;

/** Runs the gateway in a child and SIGKILLs it as soon as its clock is about to clear `marketId`. */
function killBeforeClearing(dataDir: string, marketId: string): Promise<void> {
  return new Promise((resolve, reject) => {
    // node itself with tsx's loader, so the killed pid is the one holding the store.
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dataDir, ADMIN], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes(`clearing ${marketId}`)) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve();
      else reject(new Error(`clock child exited ${code}: ${out}${err}`));
    });
  });
}

describe('a gateway killed between gate closure and clearing', () => {
  let dir: string;
  let app: FastifyInstance | undefined;
  beforeEach(() => {
    dir = tempDataDir();
  });
  afterEach(async () => {
    await app?.close();
    removeDir(dir);
  });

  it('clears the market when the gateway restarts, and only once', async () => {
    // Delivery in two hours; the gate closes three hours before it: every step is due at once.
    const deliveryStart = Math.floor(Date.now() / HOUR) * HOUR + 2 * HOUR;
    const marketId = `crash-${rfc3339(deliveryStart).slice(0, 16).replace(/[-:]/g, '')}Z`;
    app = await openGateway(dir, { CLOCK: 'off' });
    const created = await call(app, 'POST', '/v1/schedules', ADMIN, {
      id: 'crash',
      firstDeliveryStart: rfc3339(deliveryStart),
      count: 1,
      openLeadMinutes: 240,
      gateClosureMinutes: 180,
      tariff: { gridBuyPrice: 130000, gridSellPrice: 40000 },
    });
    expect(created.status).toBe(201);
    await app.close();
    app = undefined;

    await killBeforeClearing(dir, marketId);

    app = await openGateway(dir, { CLOCK: 'off' });
    expect((await call<Market>(app, 'GET', `/v1/markets/${marketId}`, ADMIN)).body).toMatchObject({ status: 'closed' });
    await app.close();

    app = await openGateway(dir, { CLOCK_TICK_MS: 100 });
    let market: Market | undefined;
    for (let i = 0; i < 100 && market?.status !== 'settled'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      market = (await call<Market>(app, 'GET', `/v1/markets/${marketId}`, ADMIN)).body;
    }
    expect(market).toMatchObject({ status: 'settled' });
    const result = await call(app, 'GET', `/v1/markets/${marketId}/result`, ADMIN);
    expect(result.status).toBe(200);
    // One gate closure, one clearing: the restarted clock did not repeat the killed one's step.
    const { ledger, identities } = app.gateway;
    const last = await ledger.lastBlock!();
    const names: string[] = [];
    const stop = new AbortController();
    for await (const e of ledger.events(identities.na, { blockNumber: 0n }, stop.signal)) {
      const p = e.payload as { id?: string; market?: { id: string } };
      if ((p.market?.id ?? p.id) === marketId) names.push(e.name);
      if (e.blockNumber >= last) stop.abort();
    }
    expect(names).toEqual(['market.created', 'market.opened', 'market.gate-closed', 'market.closed']);
  }, 120_000);
});
