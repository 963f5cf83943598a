/**
 * GET /v1/events over a real socket: events, ids, Last-Event-ID replay (and refusal
 * of one beyond the ledger), gate closure, the voided orders of a cancelled market,
 * heartbeats, cleanup.
 */
import http from 'node:http';
import { startGateway, type RunningGateway } from '@ecch/gateway-api';
import { ADMIN, removeDir, tempDataDir } from './support/gateway';

jest.setTimeout(60_000);

interface SseEvent {
  id?: string;
  event?: string;
  data?: string;
}

/** A minimal SSE client: parsed events and comment lines, and a way to hang up. */
function listen(url: string, token: string, headers: Record<string, string> = {}) {
  const events: SseEvent[] = [];
  const comments: string[] = [];
  let status = 0;
  let contentType = '';
  let buffer = '';
  const req = http.get(url, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream', ...headers } });
  const opened = new Promise<void>((resolve, reject) => {
    req.on('response', (res) => {
      status = res.statusCode ?? 0;
      contentType = String(res.headers['content-type']);
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const ev: SseEvent = {};
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comments.push(line);
            else if (line.startsWith('id: ')) ev.id = line.slice(4);
            else if (line.startsWith('event: ')) ev.event = line.slice(7);
            else if (line.startsWith('data: ')) ev.data = line.slice(6);
          }
          if (ev.event) events.push(ev);
        }
      });
      res.on('error', () => undefined);
      resolve();
    });
    req.on('error', reject);
  });
  return {
    opened,
    events,
    comments,
    get status() {
      return status;
    },
    get contentType() {
      return contentType;
    },
    close: () => req.destroy(),
  };
}

async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function api(gw: RunningGateway, method: string, path: string, token: string, body?: unknown) {
  const res = await fetch(`${gw.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

let dir: string;
let gw: RunningGateway;
let household: string;
let neighbour: string;

beforeAll(async () => {
  dir = tempDataDir();
  gw = await startGateway({ ledger: 'embedded', dataDir: dir, port: 0, adminToken: ADMIN, logLevel: 'silent', settings: { SSE_HEARTBEAT_MS: 200 } });
  household = (await api(gw, 'POST', '/v1/participants', ADMIN, { id: 'sse-h', name: 'H', kind: 'prosumer' })).body.token;
  neighbour = (await api(gw, 'POST', '/v1/participants', ADMIN, { id: 'sse-n', name: 'N', kind: 'consumer' })).body.token;
  await api(gw, 'POST', '/v1/markets', ADMIN, { id: 'm-sse', deliveryStart: '2026-06-21T10:00:00Z', gridBuyPrice: 130000, gridSellPrice: 40000 });
});
afterAll(async () => {
  await gw.close();
  removeDir(dir);
});

describe('GET /v1/events', () => {
  const seen: SseEvent[] = [];

  it('when a household listens and an order is placed, then order.placed arrives with a <block>.<txId> id', async () => {
    const stream = listen(`${gw.url}/v1/events`, household);
    await stream.opened;
    expect(stream.status).toBe(200);
    expect(stream.contentType).toContain('text/event-stream');
    await api(gw, 'POST', '/v1/markets/m-sse/open', ADMIN);
    const placed = await api(gw, 'POST', '/v1/markets/m-sse/orders', household, { side: 'buy', energyWh: 700 });
    await until(() => stream.events.some((e) => e.event === 'order.placed'), 'order.placed');
    const ev = stream.events.find((e) => e.event === 'order.placed') as SseEvent;
    expect(ev.id).toMatch(/^\d+\.[A-Za-z0-9_-]+$/);
    expect(JSON.parse(ev.data as string)).toEqual(expect.objectContaining({ marketId: 'm-sse', orderId: placed.body.id, side: 'buy', energyWh: 700 }));
    expect(stream.events.map((e) => e.event)).toEqual(['market.opened', 'order.placed']);

    await api(gw, 'POST', '/v1/markets/m-sse/close', ADMIN);
    await until(() => stream.events.some((e) => e.event === 'market.settled'), 'market.settled');
    // close = gate closure, then clearing: two transactions, two ids.
    const gate = stream.events.find((e) => e.event === 'market.gate-closed') as SseEvent;
    expect(JSON.parse(gate.data as string)).toEqual(expect.objectContaining({ id: 'm-sse', status: 'closed' }));
    const closed = stream.events.filter((e) => e.event === 'market.closed' || e.event === 'market.settled');
    expect(closed.map((e) => e.event)).toEqual(['market.closed', 'market.settled']);
    expect(closed[0].id).toBe(closed[1].id);
    expect(gate.id).not.toBe(closed[0].id);
    expect(stream.events.map((e) => e.event)).toEqual(['market.opened', 'order.placed', 'market.gate-closed', 'market.closed', 'market.settled']);
    await until(() => stream.comments.includes(': heartbeat'), 'a heartbeat');
    seen.push(...stream.events);
    stream.close();
  });

  it('when a client reconnects with Last-Event-ID, then it receives what followed that event, and nothing before', async () => {
    const opened = seen.find((e) => e.event === 'market.opened') as SseEvent;
    const stream = listen(`${gw.url}/v1/events`, household, { 'last-event-id': opened.id as string });
    await stream.opened;
    await until(() => stream.events.some((e) => e.event === 'market.settled'), 'replayed market.settled');
    expect(stream.events.map((e) => e.event)).toEqual(['order.placed', 'market.gate-closed', 'market.closed', 'market.settled']);
    stream.close();
  });

  it('when Last-Event-ID names a block beyond the ledger\'s last, then 400 LAST_EVENT_ID_AHEAD, not a stream that waits forever', async () => {
    const settled = seen.find((e) => e.event === 'market.settled') as SseEvent;
    const head = BigInt((settled.id as string).split('.')[0] as string);
    for (const [headers, query, path] of [
      [{ 'last-event-id': `${head + 1000n}.tx` }, '', '/headers/last-event-id'],
      [{}, `?lastEventId=${head + 1000n}`, '/querystring/lastEventId'],
    ] as const) {
      const r = await fetch(`${gw.url}/v1/events${query}`, { headers: { authorization: `Bearer ${household}`, ...headers } });
      expect(r.status).toBe(400);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
      const problem = (await r.json()) as { code: string; errors: { path: string }[] };
      expect(problem.code).toBe('LAST_EVENT_ID_AHEAD');
      expect(problem.errors.map((e) => e.path)).toEqual([path]);
    }
    // The last event's own id is not ahead: the stream opens (and has nothing to replay).
    const atHead = listen(`${gw.url}/v1/events`, household, { 'last-event-id': settled.id as string });
    await atHead.opened;
    expect(atHead.status).toBe(200);
    atHead.close();
  });

  it('when a market with open orders is cancelled, then market.cancelled and one order.cancelled per voided order, owner-less, to households too', async () => {
    await api(gw, 'POST', '/v1/markets', ADMIN, { id: 'm-void', deliveryStart: '2026-06-21T14:00:00Z', gridBuyPrice: 130000, gridSellPrice: 40000 });
    await api(gw, 'POST', '/v1/markets/m-void/open', ADMIN);
    const a = await api(gw, 'POST', '/v1/markets/m-void/orders', household, { side: 'sell', energyWh: 500 });
    const b = await api(gw, 'POST', '/v1/markets/m-void/orders', neighbour, { side: 'buy', energyWh: 800 });
    const stream = listen(`${gw.url}/v1/events`, household);
    await stream.opened;
    await api(gw, 'POST', '/v1/markets/m-void/cancel', ADMIN);
    await until(() => stream.events.filter((e) => e.event === 'order.cancelled').length === 2, 'two order.cancelled');
    expect(stream.events.map((e) => e.event)).toEqual(['market.cancelled', 'order.cancelled', 'order.cancelled']);
    expect(new Set(stream.events.map((e) => e.id)).size).toBe(1);
    expect(JSON.parse(stream.events[0]?.data as string)).toEqual(expect.objectContaining({ id: 'm-void', status: 'cancelled' }));
    const voided = stream.events.slice(1).map((e) => JSON.parse(e.data as string));
    expect(voided.map((o) => o.orderId).sort()).toEqual([a.body.id, b.body.id].sort());
    for (const o of voided) {
      expect(o).toEqual(expect.objectContaining({ marketId: 'm-void', status: 'cancelled' }));
      expect(o).not.toHaveProperty('participantId');
    }
    stream.close();
  });

  it('when the NA listens, then it also sees participant events a household does not', async () => {
    const opened = seen.find((e) => e.event === 'market.opened') as SseEvent;
    const asNa = listen(`${gw.url}/v1/events`, ADMIN, { 'last-event-id': opened.id as string });
    const asHousehold = listen(`${gw.url}/v1/events`, household, { 'last-event-id': opened.id as string });
    await Promise.all([asNa.opened, asHousehold.opened]);
    await api(gw, 'POST', '/v1/participants', ADMIN, { id: 'sse-late', name: 'L', kind: 'consumer' });
    await until(() => asNa.events.some((e) => e.event === 'participant.registered'), 'participant.registered');
    await api(gw, 'POST', '/v1/markets', ADMIN, { id: 'm-sse-2', deliveryStart: '2026-06-21T12:00:00Z', gridBuyPrice: 2, gridSellPrice: 1 });
    await until(() => asHousehold.events.some((e) => e.event === 'market.created'), 'market.created');
    expect(asHousehold.events.some((e) => (e.event ?? '').startsWith('participant.'))).toBe(false);
    asNa.close();
    asHousehold.close();
  });

  it('when Last-Event-ID is malformed or the token missing, then a problem, not a stream', async () => {
    const bad = await fetch(`${gw.url}/v1/events`, { headers: { authorization: `Bearer ${household}`, 'last-event-id': 'x;y' } });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    const anonymous = await fetch(`${gw.url}/v1/events`);
    expect(anonymous.status).toBe(401);
  });

  it('when streams are open at shutdown, then close() still completes', async () => {
    const dir2 = tempDataDir();
    const gw2 = await startGateway({ ledger: 'embedded', dataDir: dir2, port: 0, adminToken: ADMIN, logLevel: 'silent' });
    const stream = listen(`${gw2.url}/v1/events`, ADMIN);
    await stream.opened;
    let timer: NodeJS.Timeout | undefined;
    const hung = new Promise((r) => (timer = setTimeout(() => r('hung'), 5000)));
    await expect(Promise.race([gw2.close().then(() => 'closed'), hung])).resolves.toBe('closed');
    clearTimeout(timer);
    stream.close();
    removeDir(dir2);
  });
});
