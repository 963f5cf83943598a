/**
 * The REST gateway as the network suites drive it: a real HTTP server (buildApp +
 * listen, so the suites also reach the gateway's own ledger adapter and wallet) over
 * the Fabric network or the embedded ledger, requests with fetch, and an SSE client.
 */
import { randomInt } from 'node:crypto';
import { closeSync, linkSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '@ecch/gateway-api';
import type { LedgerIdentity } from '@ecch/gateway-api/ledger/port';
import { connectionFile, runDir } from './network';

export const ADMIN = 'na-network-test-token-0123456789';

export function tempDataDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), `ecch-${prefix}-`));
}

export function removeDir(dir: string | undefined): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
}

// JSON bodies are checked by value in the tests; typing every shape there would add nothing.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface TestGateway {
  app: FastifyInstance;
  url: string;
  dataDir: string;
  /** One request: `token` becomes the bearer token, `body` is sent as JSON. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  call<T = any>(method: string, url: string, token?: string, body?: unknown, headers?: Record<string, string>): Promise<Reply<T>>;
  /** The X.509 identity the gateway issued to a household (its wallet). */
  identityOf(participantId: string): Promise<LedgerIdentity>;
  close(): Promise<void>;
}

export async function startTestGateway(ledger: 'fabric' | 'embedded', dataDir: string): Promise<TestGateway> {
  const app = await buildApp({
    ledger,
    dataDir,
    adminToken: ADMIN,
    logLevel: process.env.ECCH_TEST_LOG_LEVEL ?? 'silent',
    ...(ledger === 'fabric' ? { fabricConnection: connectionFile() } : {}),
  });
  try {
    await app.listen({ port: 0, host: '127.0.0.1' });
  } catch (err) {
    await app.close();
    throw err;
  }
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return {
    app,
    url,
    dataDir,
    async call(method, route, token, body, headers = {}) {
      const res = await fetch(`${url}${route}`, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const raw = await res.text();
      const json = (res.headers.get('content-type') ?? '').includes('json') && raw !== '';
      return { status: res.status, body: json ? JSON.parse(raw) : raw, headers: res.headers };
    },
    async identityOf(participantId) {
      const identity = await app.gateway.identities.ofParticipant(participantId);
      if (!identity) throw new Error(`no identity in the wallet for ${participantId}`);
      return identity;
    },
    close: () => app.close(),
  };
}

/** Registers an approved household through the NA; returns its token. */
/**
 * Registers a custodial household. A 503 CA_UNAVAILABLE (the Fabric CA did not answer
 * within the gateway's deadline: seen at load 7-10 when a suite registers hundreds) is
 * retried as a client would, with the same body; a registration is retry-safe, so the
 * retry must answer 201 (or 200 for one the lost try finished) and anything else fails.
 */
export async function registerHousehold(gw: TestGateway, id: string, extra: Record<string, unknown> = {}): Promise<string> {
  const body = { id, name: `Household ${id}`, kind: 'prosumer', ...extra };
  for (let attempt = 1; ; attempt++) {
    const r = await gw.call('POST', '/v1/participants', ADMIN, body);
    if (r.status === 201 || (attempt > 1 && r.status === 200)) return r.body.token as string;
    const caBusy = r.status === 503 && (r.body as { code?: string }).code === 'CA_UNAVAILABLE';
    if (!caBusy || attempt === 4) throw new Error(`register ${id} (attempt ${attempt}): ${r.status} ${JSON.stringify(r.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 2000 * attempt));
  }
}

/** Creates and opens a market with §8's tariffs (B = 130000, S = 40000 µ/kWh). */
export async function openMarket(gw: TestGateway, id: string, deliveryStart: string): Promise<void> {
  const created = await gw.call('POST', '/v1/markets', ADMIN, { id, deliveryStart, gridBuyPrice: 130000, gridSellPrice: 40000 });
  if (created.status !== 201) throw new Error(`create ${id}: ${created.status} ${JSON.stringify(created.body)}`);
  const opened = await gw.call('POST', `/v1/markets/${id}/open`, ADMIN);
  if (opened.status !== 200) throw new Error(`open ${id}: ${opened.status} ${JSON.stringify(opened.body)}`);
}

// ------------------------------------------------------------------ delivery hours

const HOUR_MS = 3_600_000;
/** The chaincode refuses a deliveryStart more than 366 days after the transaction (OUT_OF_HORIZON); keep a margin. */
const LAST_DAY_AHEAD = 360;

/**
 * Delivery hours no other market of this network has: the chaincode refuses a live market
 * whose interval overlaps another's anywhere on the channel (MARKET_OVERLAP), so every
 * suite takes its hours from here. They are hours after a base chosen at random, once per
 * network, 30 to 180 days ahead (inside the horizon), and each is claimed by creating a
 * file exclusively in the network's run directory (`delivery-hours/`): distinct across
 * suites, jest workers and reruns on a kept network (ECCH_KEEP_NETWORK=1), without a lock.
 * Each is a whole hour, so one-hour markets never overlap.
 */
export function deliveryHours(count: number): string[] {
  const dir = path.join(runDir(), 'delivery-hours');
  mkdirSync(dir, { recursive: true });
  const base = hoursBase(dir);
  const limit = Math.floor(Date.now() / HOUR_MS) + 24 * LAST_DAY_AHEAD;
  const hours: string[] = [];
  let n = readdirSync(dir).filter((f) => f.startsWith('h')).length;
  while (hours.length < count) {
    if (base + n > limit) throw new Error(`no delivery hour left within ${LAST_DAY_AHEAD} days for this network (${n} claimed in ${dir}); restart it`);
    try {
      closeSync(openSync(path.join(dir, `h${n}`), 'wx'));
      hours.push(new Date((base + n) * HOUR_MS).toISOString().replace('.000Z', 'Z'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    n += 1;
  }
  return hours;
}

/** One delivery hour of {@link deliveryHours}. */
export function deliveryHour(): string {
  return deliveryHours(1)[0];
}

/** The network's base hour (hours since the epoch): written once, atomically (a hard link cannot replace a file). */
function hoursBase(dir: string): number {
  const file = path.join(dir, 'base');
  const chosen = Math.floor(Date.now() / HOUR_MS) + 24 * (30 + randomInt(150));
  const tmp = path.join(dir, `base.${process.pid}.${randomInt(1e9)}`);
  writeFileSync(tmp, String(chosen));
  try {
    linkSync(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    rmSync(tmp, { force: true });
  }
  return Number(readFileSync(file, 'utf8'));
}

/** A short unique tag for ids, so reruns on a kept network never collide. */
export function runTag(prefix: string): string {
  return `${prefix}${Date.now().toString(36)}${Math.floor(Math.random() * 36 ** 3).toString(36)}`;
}

// ------------------------------------------------------------------ SSE

export interface SseEvent {
  id?: string;
  event: string;
  data: string;
}

export interface SseClient {
  readonly events: SseEvent[];
  /** Resolves when the server ends the stream (or the client closes it). */
  readonly ended: Promise<void>;
  /** Resolves with the events once `predicate` holds for them. */
  waitFor(what: string, predicate: (events: SseEvent[]) => boolean, timeoutMs?: number): Promise<SseEvent[]>;
  close(): void;
}

/** Opens `GET /v1/events` (optionally resuming after `lastEventId`) and collects what arrives. */
export async function openEventStream(gw: TestGateway, token: string, lastEventId?: string): Promise<SseClient> {
  const abort = new AbortController();
  const res = await fetch(`${gw.url}/v1/events`, {
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
    signal: abort.signal,
  });
  if (res.status !== 200 || !res.body) throw new Error(`GET /v1/events: ${res.status} ${await res.text()}`);
  const events: SseEvent[] = [];
  const waiters = new Set<() => void>();
  const notify = () => waiters.forEach((w) => w());
  let done = false;
  const ended = (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const fields: Record<string, string> = {};
          for (const line of block.split('\n')) {
            if (line === '' || line.startsWith(':')) continue;
            const colon = line.indexOf(':');
            fields[line.slice(0, colon)] = line.slice(colon + 1).replace(/^ /, '');
          }
          if (fields.event === undefined) continue; // e.g. the `retry:` preamble
          events.push({ ...(fields.id !== undefined ? { id: fields.id } : {}), event: fields.event, data: fields.data ?? '' });
          notify();
        }
      }
    } catch (err) {
      // Recorded, not thrown: the assertions on the events report it.
      if (!abort.signal.aborted) events.push({ event: 'client-error', data: (err as Error).message });
    } finally {
      done = true;
      notify();
    }
  })();
  return {
    events,
    ended,
    waitFor(what, predicate, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (predicate(events)) {
            cleanup();
            resolve(events);
          } else if (done) {
            cleanup();
            reject(new Error(`${what}: the event stream ended first; got ${events.map((e) => e.event).join(', ')}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`${what}: not within ${timeoutMs} ms; got ${events.map((e) => `${e.event}@${e.id}`).join(', ')}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    close: () => abort.abort(),
  };
}
