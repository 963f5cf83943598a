/**
 * Test support: a real gateway over the real embedded ledger in a temp DATA_DIR,
 * driven with fastify.inject.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { buildApp } from '@ecch/gateway-api';
import type { GatewayOptions } from '@ecch/gateway-api/options';


export const ADMIN = 'na-test-token-0123456789abcdefghij';

export function tempDataDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'ecch-gw-'));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export function openGateway(dataDir: string, settings?: GatewayOptions['settings']): Promise<FastifyInstance> {
  return buildApp({ ledger: 'embedded', dataDir, adminToken: ADMIN, logLevel: 'silent', ...(settings ? { settings } : {}) });
}

// JSON bodies are checked by value in the tests; typing every shape there would add nothing.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Record<string, unknown>;
}

/** One request; `token` becomes the bearer token, `body` is sent as JSON. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function call<T = any>(
  app: FastifyInstance,
  method: InjectOptions['method'],
  url: string,
  token?: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Reply<T>> {
  const res = await app.inject({
    method,
    url,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    ...(body !== undefined ? { payload: body as object } : {}),
  });
  const type = String(res.headers['content-type'] ?? '');
  return { status: res.statusCode, body: (type.includes('json') ? res.json() : res.body) as T, headers: res.headers };
}

/** Registers an approved household through the NA and returns its token. */
export async function registerHousehold(app: FastifyInstance, id: string, extra: Record<string, unknown> = {}): Promise<string> {
  const r = await call(app, 'POST', '/v1/participants', ADMIN, { id, name: `Household ${id}`, kind: 'prosumer', ...extra });
  if (r.status !== 201) throw new Error(`register ${id}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.token as string;
}

const HOUR_MS = 3_600_000;
/** Sixty days ago, on the hour: well inside the ledger's horizon (366 days ahead, 3660 behind). */
const FIRST_SLOT = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - 60 * 24 * HOUR_MS;
let slots = 0;

/** RFC 3339 without milliseconds, as a client would write it. */
export const rfc3339 = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

/** A fresh hourly delivery slot: live markets may not overlap, so every market of a suite gets its own hour. */
export function nextDeliveryStart(): string {
  return rfc3339(FIRST_SLOT + HOUR_MS * slots++);
}

/** §8's tariffs: B = 130000, S = 40000 µ/kWh; a fresh delivery slot unless `extra` names one. */
export async function openMarket(app: FastifyInstance, id: string, extra: Record<string, unknown> = {}): Promise<void> {
  const created = await call(app, 'POST', '/v1/markets', ADMIN, {
    id,
    deliveryStart: nextDeliveryStart(),
    gridBuyPrice: 130000,
    gridSellPrice: 40000,
    ...extra,
  });
  if (created.status !== 201) throw new Error(`create ${id}: ${created.status} ${JSON.stringify(created.body)}`);
  const opened = await call(app, 'POST', `/v1/markets/${id}/open`, ADMIN);
  if (opened.status !== 200) throw new Error(`open ${id}: ${opened.status} ${JSON.stringify(opened.body)}`);
}

/** Asserts an RFC 9457 problem with the given status and code. */
export function expectProblem(r: Reply, status: number, code: string): void {
  expect({ status: r.status, code: r.body?.code }).toEqual({ status, code });
  expect(String(r.headers['content-type'])).toContain('application/problem+json');
  expect(r.body).toEqual(expect.objectContaining({ type: expect.any(String), title: expect.any(String), status, detail: expect.any(String) }));
}
