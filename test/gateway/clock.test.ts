/**
 * The market clock (mechanisms.md §6) on the embedded ledger, with an injected time
 * source: a day of hourly markets from one request, catch-up after downtime in
 * delivery order, a failed step retried and reported, two clocks on one ledger that
 * never act twice, and CLOCK=off.
 */
import type { FastifyInstance } from 'fastify';
import { intervalsOf, type Market, type Schedule } from '@ecch/chaincode';
import { buildApp } from '@ecch/gateway-api/app';
import { MarketClock, type ClockLedger, type StepDone } from '@ecch/gateway-api/clock';
import { LedgerUnavailable, type LedgerEvent } from '@ecch/gateway-api/ledger/port';
import { community, type Community, B, S } from '../support/ledger-fixture';
import { ADMIN, call, removeDir, rfc3339, tempDataDir } from './support/gateway';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** A sleep that only ends when the clock stops: tests drive tick() themselves. */
const never = (_ms: number, signal: AbortSignal) => new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
const quiet = { info: () => undefined, warn: () => undefined };

function hourAligned(ms: number): number {
  return Math.floor(ms / HOUR) * HOUR;
}

function ledgerOf(c: Community): ClockLedger {
  return {
    submit: (contract, tx, ...args) => c.submit(c.na, contract, tx, ...args),
    evaluate: (contract, tx, ...args) => c.evaluate(c.na, contract, tx, ...args),
  };
}

/** Every event committed so far (from the first block). */
async function eventsOf(c: Community): Promise<LedgerEvent[]> {
  const out: LedgerEvent[] = [];
  const stop = new AbortController();
  const last = await c.ledger.lastBlock();
  const reading = (async () => {
    for await (const e of c.ledger.events(c.na, { blockNumber: 0n }, stop.signal)) {
      out.push(e);
      if (e.blockNumber >= last) stop.abort();
    }
  })();
  await reading;
  return out;
}

const schedule = (id: string, first: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ id, firstDeliveryStart: rfc3339(first), count: 3, tariff: { gridBuyPrice: B, gridSellPrice: S }, ...extra });

describe('the market clock through the gateway', () => {
  let dir: string;
  let app: FastifyInstance | undefined;
  beforeEach(() => {
    dir = tempDataDir();
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    removeDir(dir);
  });

  it('creates, opens, gate-closes, clears and reconciles a day of hourly markets from one request, each step within 30 s of its due time', async () => {
    // Delivery a day in the past by the ledger's own (real) time, so every reading window has ended
    // there when the injected clock reaches a reconciliation (the chaincode checks the transaction time).
    const start = hourAligned(Date.now()) - 27 * HOUR;
    let now = start - 26 * HOUR;
    app = await buildApp({ ledger: 'embedded', dataDir: dir, adminToken: ADMIN, logLevel: 'silent' }, { clock: { now: () => now, sleep: never } });
    expect(app.clock).toBeDefined();
    const table = Array.from({ length: 24 }, (_, h) => ({ gridBuyPrice: B + h * 1000, gridSellPrice: S }));
    const created = await call(app, 'POST', '/v1/schedules', ADMIN, { id: 'day', firstDeliveryStart: rfc3339(start), count: 24, tariff: table });
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe('/v1/schedules/day');
    expect(created.body).toMatchObject({ id: 'day', status: 'active', intervalMinutes: 60, openLeadMinutes: 60, gateClosureMinutes: 5, count: 24 });
    const s = created.body as Schedule;
    const due = new Map<string, number>(intervalsOf(s).flatMap((i) => Object.entries(i.due).map(([step, at]) => [`${i.marketId}/${step}`, Date.parse(at)] as const)));

    const doneAt = new Map<string, number>();
    for (; now <= start + 25 * HOUR; now += 30_000) {
      for (const d of await app.clock!.tick()) doneAt.set(`${d.marketId}/${d.step}`, now);
    }
    expect(doneAt.size).toBe(24 * 5);
    for (const [key, at] of doneAt) {
      expect(at - due.get(key)!).toBeGreaterThanOrEqual(0);
      expect(at - due.get(key)!).toBeLessThanOrEqual(30_000);
    }
    const markets = await call<{ items: Market[] }>(app, 'GET', '/v1/markets?pageSize=100', ADMIN);
    const ours = markets.body.items.filter((m) => m.id.startsWith('day-')).reverse();
    expect(ours).toHaveLength(24);
    ours.forEach((m, i) => {
      const at = start + i * HOUR;
      expect(m).toMatchObject({ id: `day-${rfc3339(at).slice(0, 16).replace(/[-:]/g, '')}Z`, status: 'reconciled', durationMinutes: 60, gridSellPrice: S });
      expect(m.gridBuyPrice).toBe(B + new Date(at).getUTCHours() * 1000);
    });
    expect((await call(app, 'GET', '/v1/schedules', ADMIN)).body).toMatchObject({ items: [{ id: 'day' }], bookmark: '' });
    const state = (await call(app, 'GET', '/v1/schedules/day', ADMIN)).body;
    expect(state).toMatchObject(s);
    expect(state.intervals.map((i: { marketId: string; status: string }) => [i.marketId, i.status])).toEqual(ours.map((m) => [m.id, 'reconciled']));
    expect((await call(app, 'GET', '/v1/schedules/nope', ADMIN)).status).toBe(404);
  }, 120_000);

  it('refuses schedules from households, overlapping ones and auctions, and cancels', async () => {
    app = await buildApp({ ledger: 'embedded', dataDir: dir, adminToken: ADMIN, logLevel: 'silent', settings: { CLOCK: 'off' } });
    const first = hourAligned(Date.now()) + 48 * HOUR;
    const body = { id: 's1', firstDeliveryStart: rfc3339(first), count: 24, tariff: { gridBuyPrice: B, gridSellPrice: S } };
    const h = await call(app, 'POST', '/v1/participants', ADMIN, { id: 'h1', name: 'Household h1', kind: 'prosumer' });
    expect((await call(app, 'POST', '/v1/schedules', h.body.token, body)).status).toBe(403);
    expect((await call(app, 'GET', '/v1/schedules', h.body.token)).status).toBe(403);
    expect((await call(app, 'POST', '/v1/schedules', ADMIN, body)).status).toBe(201);
    expect((await call(app, 'POST', '/v1/schedules', ADMIN, { ...body, id: 's2' })).body).toMatchObject({ status: 409, code: 'SCHEDULE_OVERLAP' });
    // A schedule of auctions takes an auction template, not a tariff (test/gateway/auctions-clock.test.ts runs one).
    expect((await call(app, 'POST', '/v1/schedules', ADMIN, { ...body, id: 's2', kind: 'auction' })).body).toMatchObject({ status: 422, code: 'INVALID_ARGUMENT' });
    expect((await call(app, 'POST', '/v1/schedules', ADMIN, { ...body, id: 's2', tariff: { gridBuyPrice: S, gridSellPrice: B } })).body).toMatchObject({
      status: 422,
      code: 'INVALID_TARIFF',
    });
    expect((await call(app, 'POST', '/v1/schedules/s1/cancel', ADMIN)).body).toMatchObject({ id: 's1', status: 'cancelled' });
    expect((await call(app, 'POST', '/v1/schedules/s1/cancel', ADMIN)).body).toMatchObject({ status: 409, code: 'INVALID_STATE' });
    expect((await call(app, 'POST', '/v1/schedules', ADMIN, { ...body, id: 's2' })).status).toBe(201);
    // `stop`, the specification's name, is the same transaction.
    expect((await call(app, 'POST', '/v1/schedules/s2/stop', ADMIN)).body).toMatchObject({ id: 's2', status: 'cancelled' });
    expect((await call(app, 'GET', '/v1/schedules/s2', ADMIN)).body.intervals).toHaveLength(24);
    // A dozen ledger transactions: beyond jest's 5 s default on a loaded two-core machine.
  }, 60_000);

  it('with CLOCK=off, does nothing: no clock, no market', async () => {
    app = await buildApp({ ledger: 'embedded', dataDir: dir, adminToken: ADMIN, logLevel: 'silent', settings: { CLOCK: 'off', CLOCK_TICK_MS: 100 } });
    expect(app.clock).toBeUndefined();
    const past = hourAligned(Date.now()) - 5 * HOUR;
    expect((await call(app, 'POST', '/v1/schedules', ADMIN, { id: 'idle', firstDeliveryStart: rfc3339(past), count: 3, tariff: { gridBuyPrice: B, gridSellPrice: S } })).status).toBe(201);
    await new Promise((r) => setTimeout(r, 500));
    const markets = await call<{ items: Market[] }>(app, 'GET', '/v1/markets', ADMIN);
    expect(markets.body.items.filter((m) => m.id.startsWith('idle-'))).toEqual([]);
    // Building the app and a schedule: 6-8 s at load 9-12 on this two-core machine, beyond jest's 5 s default.
  }, 30_000);

  it('with the clock on (real timers), a schedule whose steps are all past is done at once', async () => {
    app = await buildApp({ ledger: 'embedded', dataDir: dir, adminToken: ADMIN, logLevel: 'silent', settings: { CLOCK_TICK_MS: 100 } });
    const past = hourAligned(Date.now()) - 5 * HOUR;
    expect((await call(app, 'POST', '/v1/schedules', ADMIN, { id: 'past', firstDeliveryStart: rfc3339(past), count: 2, tariff: { gridBuyPrice: B, gridSellPrice: S } })).status).toBe(201);
    for (let i = 0; i < 100; i++) {
      const m = await call<Market>(app, 'GET', `/v1/markets/past-${rfc3339(past + HOUR).slice(0, 16).replace(/[-:]/g, '')}Z`, ADMIN);
      if (m.body.status === 'reconciled') return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the clock did not settle and reconcile the past schedule within 10 s');
  }, 30_000);
});

describe('the market clock on one embedded ledger', () => {
  let c: Community;
  beforeEach(async () => {
    c = await community();
  });
  afterEach(() => c.shutdown());

  it('after downtime, does every past step at once, in delivery order', async () => {
    const first = hourAligned(Date.now()) - 6 * HOUR;
    await c.submit(c.na, 'schedules', 'Create', schedule('late', first));
    // Up until two hours before the first delivery: all three created, none opened yet.
    let now = first - 2 * HOUR;
    const before = new MarketClock({ ledger: ledgerOf(c), log: quiet, now: () => now, sleep: never });
    expect((await before.tick()).map((d) => d.step)).toEqual(['create', 'create', 'create']);
    await before.stop();
    // The gateway was down; it comes back after every interval ended.
    now = first + 4 * HOUR;
    const after = new MarketClock({ ledger: ledgerOf(c), log: quiet, now: () => now, sleep: never });
    const done = await after.tick();
    const ids = intervalsOf(await c.evaluate<Schedule>(c.na, 'schedules', 'Get', 'late')).map((i) => i.marketId);
    // Each reading window (delivery end + 60 min) has ended too: every market is reconciled.
    expect(done.map((d) => `${d.marketId} ${d.step}`)).toEqual(ids.flatMap((id) => [`${id} open`, `${id} gate-close`, `${id} clear`, `${id} reconcile`]));
    expect(done.every((d) => d.committed)).toBe(true);
    const events = (await eventsOf(c)).filter((e) => e.name.startsWith('market.'));
    expect(events.map((e) => `${e.name} ${(e.payload as { id?: string; market?: { id: string } }).id ?? (e.payload as { market: { id: string } }).market.id}`)).toEqual([
      ...ids.map((id) => `market.created ${id}`),
      ...ids.flatMap((id) => [`market.opened ${id}`, `market.gate-closed ${id}`, `market.closed ${id}`, `market.reconciled ${id}`]),
    ]);
    // Nothing left to do.
    expect(await after.tick()).toEqual([]);
  });

  it('retries a failed step with backoff and reports it (log line; a refusal also as schedule.step-failed on the ledger), never skipping it', async () => {
    const first = hourAligned(Date.now()) + 2 * HOUR;
    await c.submit(c.na, 'schedules', 'Create', schedule('retry', first, { count: 2 }));
    const [m0, m1] = intervalsOf(await c.evaluate<Schedule>(c.na, 'schedules', 'Get', 'retry')).map((i) => i.marketId);
    // A hand-made market in the second interval: the clock's Create is refused MARKET_OVERLAP.
    await c.submit(c.na, 'markets', 'Create', JSON.stringify({ id: 'by-hand', deliveryStart: rfc3339(first + HOUR + 30 * MINUTE), durationMinutes: 10, gridBuyPrice: B, gridSellPrice: S }));
    let unavailable = 2;
    const real = ledgerOf(c);
    const flaky: ClockLedger = {
      evaluate: real.evaluate,
      submit: (contract, tx, ...args) => {
        if (tx === 'Open' && unavailable > 0) {
          unavailable -= 1;
          return Promise.reject(new LedgerUnavailable('peer unreachable'));
        }
        return real.submit(contract, tx, ...args);
      },
    };
    const warnings: Record<string, unknown>[] = [];
    let now = first - 30 * MINUTE; // m0's open is due; m1's create too
    const clock = new MarketClock({ ledger: flaky, log: { info: () => undefined, warn: (o) => warnings.push(o as Record<string, unknown>) }, now: () => now, sleep: never, backoff: { baseMs: 1000, maxMs: 8000 } });
    const steps = (d: StepDone[]) => d.map((x) => `${x.marketId} ${x.step}`);
    expect(steps(await clock.tick())).toEqual([`${m0} create`]);
    expect(warnings.map((w) => [w.marketId, w.step, w.code, w.attempt, w.retryInMs])).toEqual([
      [m0, 'open', 'LEDGER_UNAVAILABLE', 1, 1000],
      [m1, 'create', 'MARKET_OVERLAP', 1, 1000],
    ]);
    // Within the backoff: nothing is tried again.
    now += 500;
    expect(await clock.tick()).toEqual([]);
    expect(warnings).toHaveLength(2);
    now += 600;
    expect(await clock.tick()).toEqual([]);
    expect(warnings.slice(2).map((w) => [w.marketId, w.code, w.attempt, w.retryInMs])).toEqual([
      [m0, 'LEDGER_UNAVAILABLE', 2, 2000],
      [m1, 'MARKET_OVERLAP', 2, 2000],
    ]);
    // The refusal was recorded on the ledger once (its first attempt), not at every retry.
    const reports = (await eventsOf(c)).filter((e) => e.name === 'schedule.step-failed').map((e) => e.payload);
    expect(reports).toEqual([expect.objectContaining({ scheduleId: 'retry', marketId: m1, step: 'create', code: 'MARKET_OVERLAP', attempt: 1 })]);
    // The NA removes the obstacle and the ledger is back: both steps go through on their next attempt.
    await c.submit(c.na, 'markets', 'Cancel', 'by-hand');
    now += 2000;
    expect(steps(await clock.tick())).toEqual([`${m0} open`, `${m1} create`]);
    expect(await c.evaluate(c.na, 'markets', 'Get', m0)).toMatchObject({ status: 'open' });
  });

  it('two clocks on one ledger never act twice: every market created once, every step committed once', async () => {
    // In the past by the ledger's time, so the reconciliations the clocks reach are past their reading windows there.
    const first = hourAligned(Date.now()) - 4 * HOUR;
    await c.submit(c.na, 'schedules', 'Create', schedule('twin', first, { count: 4, intervalMinutes: 30, openLeadMinutes: 20, gateClosureMinutes: 2 }));
    let now = first - 25 * HOUR;
    const a = new MarketClock({ ledger: ledgerOf(c), log: quiet, now: () => now, sleep: never });
    const b = new MarketClock({ ledger: ledgerOf(c), log: quiet, now: () => now, sleep: never });
    const all: StepDone[] = [];
    for (; now <= first + 3 * HOUR; now += 60_000) {
      const [da, db] = await Promise.all([a.tick(), b.tick()]);
      all.push(...da, ...db);
    }
    const ids = intervalsOf(await c.evaluate<Schedule>(c.na, 'schedules', 'Get', 'twin')).map((i) => i.marketId);
    const committed = all.filter((d) => d.committed).map((d) => `${d.marketId} ${d.step}`).sort();
    expect(committed).toEqual(ids.flatMap((id) => [`${id} clear`, `${id} create`, `${id} gate-close`, `${id} open`, `${id} reconcile`]).sort());
    // Both clocks raced for some steps: the loser found them done.
    expect(all.some((d) => !d.committed)).toBe(true);
    const counts = new Map<string, number>();
    for (const e of await eventsOf(c)) {
      const p = e.payload as { id?: string; market?: { id: string } };
      const key = `${e.name} ${p.market?.id ?? p.id}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    for (const id of ids) {
      for (const name of ['market.created', 'market.opened', 'market.gate-closed', 'market.closed', 'market.reconciled']) expect(counts.get(`${name} ${id}`)).toBe(1);
      expect(await c.evaluate(c.na, 'markets', 'Get', id)).toMatchObject({ status: 'reconciled', durationMinutes: 30 });
    }
    // 1,680 double ticks: 5-10 s at load 9-12 on this two-core machine (old and new ledger alike), beyond jest's 5 s default.
  }, 60_000);

  it('takes no step for a cancelled schedule', async () => {
    const first = hourAligned(Date.now()) - 6 * HOUR;
    await c.submit(c.na, 'schedules', 'Create', schedule('stopped', first));
    await c.submit(c.na, 'schedules', 'Cancel', 'stopped');
    const clock = new MarketClock({ ledger: ledgerOf(c), log: quiet, now: () => Date.now(), sleep: never });
    expect(await clock.tick()).toEqual([]);
  });
});
