/**
 * Minimal JSON-over-HTTP plumbing for the gateway (global fetch). Retries only
 * what is safe to repeat: a 429 (the request was not processed), and network
 * failures or 502–504 on requests marked idempotent (GETs, orders with a client
 * order id). Every call has a deadline.
 */
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

/** JSON, or a problem carrying the raw text when a proxy or crash answered with something else. */
function parseBody(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return { title: 'non-JSON response', detail: text.slice(0, 500) };
  }
}

export class Http {
  private readonly timeoutMs: number;
  private readonly retries: number;

  constructor(
    readonly baseUrl: string,
    opts: HttpOptions = {},
  ) {
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.retries = opts.retries ?? 4;
  }

  async request<T>(method: string, path: string, o: RequestOptions = {}): Promise<{ status: number; body: T }> {
    const headers: Record<string, string> = { accept: 'application/json', ...o.headers };
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    if (o.body !== undefined) headers['content-type'] = 'application/json';
    const idempotent = o.idempotent ?? method === 'GET';
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await fetch(new URL(path, this.baseUrl), {
          method,
          headers,
          body: o.body === undefined ? undefined : JSON.stringify(o.body),
          signal: AbortSignal.timeout(this.timeoutMs),
        });
      } catch (err) {
        if (idempotent && attempt < this.retries) {
          await sleep(100 * 2 ** attempt);
          continue;
        }
        throw err;
      }
      const text = await res.text();
      const parsed = parseBody(text);
      if (res.ok) return { status: res.status, body: parsed as T };
      const retryable = res.status === 429 || (idempotent && res.status >= 502 && res.status <= 504);
      if (retryable && attempt < this.retries) {
        const after = Number(res.headers.get('retry-after'));
        await sleep(Number.isFinite(after) && after > 0 ? after * 1000 : 100 * 2 ** attempt);
        continue;
      }
      throw new ApiError(method, path, res.status, parsed as Problem | undefined);
    }
  }
}
