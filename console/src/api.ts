/** The console's only way to the gateway: the public REST API (problem+json errors) and SSE. */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

export interface Session {
  role: 'na' | 'household';
  token: string;
  /** The household's participant id (the NA has none). */
  participantId?: string;
}

interface Problem {
  title?: string;
  detail?: string;
  code?: string;
}

/** One request; a 4xx/5xx becomes an ApiError whose message is the problem's `detail`. */
export async function api<T>(token: string | undefined, method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  } catch {
    throw new ApiError(0, 'NETWORK', 'the gateway did not answer; is it running?');
  }
  const text = await res.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (!res.ok) {
    const p = (data ?? {}) as Problem;
    throw new ApiError(res.status, p.code, p.detail ?? p.title ?? `HTTP ${res.status}`);
  }
  return data as T;
}

/** Every page of a list endpoint (`?bookmark=`). */
export async function all<T>(token: string, path: string): Promise<T[]> {
  const items: T[] = [];
  let bookmark = '';
  const sep = path.includes('?') ? '&' : '?';
  do {
    const page = await api<{ items: T[]; bookmark?: string }>(token, 'GET', `${path}${sep}pageSize=1000${bookmark ? `&bookmark=${bookmark}` : ''}`);
    items.push(...page.items);
    bookmark = page.bookmark ?? '';
  } while (bookmark !== '');
  return items;
}

/**
 * GET /v1/events with a bearer token. EventSource cannot send a header, so the
 * stream is read with fetch; the caller reconnects (it only needs "something
 * changed" to reload what it shows).
 */
export async function followEvents(token: string, onEvent: (name: string) => void, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    try {
      const res = await fetch('/v1/events', { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' }, signal });
      if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const name = /^event: (.*)$/m.exec(block)?.[1];
          if (name) onEvent(name);
        }
      }
    } catch {
      if (signal.aborted) return;
    }
    await new Promise((r) => setTimeout(r, 3000));
  }
}
