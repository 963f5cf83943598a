import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { ApiError, Http } from '@ecch/simulator/gateway/http';

describe('gateway HTTP plumbing', () => {
  let server: Server;
  let url: string;
  let hits = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      hits++;
      if (req.url === '/flaky' && hits % 2 === 1) {
        res.writeHead(503, { 'content-type': 'text/plain' });
        return res.end('upstream restarting');
      }
      if (req.url === '/problem') {
        res.writeHead(409, { 'content-type': 'application/problem+json' });
        return res.end(JSON.stringify({ type: 'about:blank', title: 'Conflict', status: 409, detail: 'MARKET_NOT_OPEN: m-1 is closed' }));
      }
      if (req.url === '/html') {
        res.writeHead(502, { 'content-type': 'text/html' });
        return res.end('<html>bad gateway</html>');
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, auth: req.headers.authorization ?? null }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('sends the bearer token and parses JSON', async () => {
    expect((await new Http(url).request('GET', '/x', { token: 't1' })).body).toEqual({ ok: true, auth: 'Bearer t1' });
  });

  it('when an idempotent request meets a 503, then it is retried', async () => {
    hits = 0;
    expect((await new Http(url, { retries: 2 }).request('GET', '/flaky')).status).toBe(200);
    expect(hits).toBe(2);
  });

  it('when the gateway refuses, then the error carries the status and the ledger reason from the problem', async () => {
    const err = await new Http(url).request('POST', '/problem', { body: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(409);
    expect((err as ApiError).message).toContain('MARKET_NOT_OPEN');
  });

  it('when a non-idempotent request meets a non-JSON 502, then it is not retried and the text is kept', async () => {
    hits = 0;
    const err = (await new Http(url, { retries: 3 }).request('POST', '/html', { body: {} }).catch((e: unknown) => e)) as ApiError;
    expect(hits).toBe(1);
    expect(err.status).toBe(502);
    expect(err.problem?.detail).toContain('bad gateway');
  });
});
