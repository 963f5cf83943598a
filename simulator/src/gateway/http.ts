/**
 * Minimal JSON-over-HTTP plumbing for the gateway: node:http with one keep-alive
 * agent per gateway, as a household app's HTTP client keeps its connection (global
 * fetch cost more client CPU per request than the gateway's own handling: profiled).
 * Retries only what is safe to repeat: a 429 (the request was not processed), and
 * network failures or 502–504 on requests marked idempotent (GETs, orders with a
 * client order id). Every call has a deadline.
 */
import http from 'node:http';
import https from 'node:https';
import { Problem } from './types';

export class ApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly problem: Problem | undefined,
  ) {
    super(`${method} ${path} → ${status}${problem?.detail ? `: ${problem.detail}` : problem?.title ? `: ${problem.title}` : ''}`);
    this.name = 'ApiError';
  }
}

export interface RequestOptions {
  token?: string;
  body?: unknown;
  idempotent?: boolean;
  headers?: Record<string, string>;
}

export interface HttpOptions {
  timeoutMs?: number;
  retries?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `/v1/markets/m-1/orders/o-2` → `/v1/markets/:id/orders/:id`: one row per route in the timing table. */
const routeOf = (path: string) =>
  path
    .split('?')[0]
    .split('/')
    .map((seg, i) => (i >= 3 && i % 2 === 1 ? ':id' : seg))
    .join('/');

/** Per-route request count and summed latency (ms), for `ECCH_HTTP_STATS=1` (where the time goes). */
export const httpStats = new Map<string, { n: number; ms: number }>();
if (process.env.ECCH_HTTP_STATS) {
  process.once('exit', () => {
    const rows = [...httpStats].sort((a, b) => b[1].ms - a[1].ms);
    for (const [route, { n, ms }] of rows) process.stderr.write(`${route}\t${n}\t${(ms / 1000).toFixed(1)} s\t${(ms / n).toFixed(1)} ms/request\n`);
  });
}

/** JSON, or a problem carrying the raw text when a proxy or crash answered with something else. */
function parseBody(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return { title: 'non-JSON response', detail: text.slice(0, 500) };
  }
}

interface Answer {
  status: number;
  text: string;
  retryAfter: string | undefined;
}

export class Http {
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly agent: http.Agent;

  constructor(
    readonly baseUrl: string,
    opts: HttpOptions = {},
  ) {
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.retries = opts.retries ?? 4;
    // Idle keep-alive sockets do not hold the process open (the agent unrefs them).
    this.agent = new URL(baseUrl).protocol === 'https:' ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  }

  /** One exchange within the deadline; a network failure or the deadline rejects. */
  private send(method: string, url: URL, headers: Record<string, string>, body: string | undefined): Promise<Answer> {
    return new Promise<Answer>((resolve, reject) => {
      const lib = url.protocol === 'https:' ? https : http;
      const req = lib.request(url, { method, headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) }, agent: this.agent });
      const deadline = setTimeout(() => req.destroy(new Error(`${method} ${url.pathname}: no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
      const fail = (err: Error) => {
        clearTimeout(deadline);
        reject(err);
      };
      req.on('error', fail);
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', fail);
        res.on('end', () => {
          clearTimeout(deadline);
          const after = res.headers['retry-after'];
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), retryAfter: Array.isArray(after) ? after[0] : after });
        });
      });
      req.end(body);
    });
  }

  async request<T>(method: string, path: string, o: RequestOptions = {}): Promise<{ status: number; body: T }> {
    const headers: Record<string, string> = { accept: 'application/json', ...o.headers };
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    if (o.body !== undefined) headers['content-type'] = 'application/json';
    const idempotent = o.idempotent ?? method === 'GET';
    const t0 = performance.now();
    try {
      return await this.attempts<T>(method, path, headers, o, idempotent);
    } finally {
      if (process.env.ECCH_HTTP_STATS) {
        const row = httpStats.get(`${method} ${routeOf(path)}`) ?? { n: 0, ms: 0 };
        row.n++;
        row.ms += performance.now() - t0;
        httpStats.set(`${method} ${routeOf(path)}`, row);
      }
    }
  }

  private async attempts<T>(method: string, path: string, headers: Record<string, string>, o: RequestOptions, idempotent: boolean): Promise<{ status: number; body: T }> {
    const url = new URL(path, this.baseUrl);
    const body = o.body === undefined ? undefined : JSON.stringify(o.body);
    for (let attempt = 0; ; attempt++) {
      let res: Answer;
      try {
        res = await this.send(method, url, headers, body);
      } catch (err) {
        if (idempotent && attempt < this.retries) {
          await sleep(100 * 2 ** attempt);
          continue;
        }
        throw err;
      }
      const parsed = parseBody(res.text);
      if (res.status >= 200 && res.status < 300) return { status: res.status, body: parsed as T };
      const retryable = res.status === 429 || (idempotent && res.status >= 502 && res.status <= 504);
      if (retryable && attempt < this.retries) {
        const after = Number(res.retryAfter);
        await sleep(Number.isFinite(after) && after > 0 ? after * 1000 : 100 * 2 ** attempt);
        continue;
      }
      throw new ApiError(method, path, res.status, parsed as Problem | undefined);
    }
  }
}
