/**
 * What every route shares: OpenAPI and docs, health and readiness, the problem
 * format for 401/404/429/500/503, security headers, request ids, rate limiting.
 */
import type { FastifyInstance } from 'fastify';
import { ADMIN, call, expectProblem, openGateway, registerHousehold, removeDir, tempDataDir } from './support/gateway';

jest.setTimeout(60_000);

let dir: string;
let app: FastifyInstance;
let household: string;

beforeAll(async () => {
  dir = tempDataDir();
  app = await openGateway(dir);
  household = await registerHousehold(app, 'plat-h');
});
afterAll(async () => {
  await app.close();
  removeDir(dir);
});

describe('OpenAPI and docs', () => {
  it('when /openapi.json is read, then it documents every api.md endpoint with bearer security and problem responses', async () => {
    const r = await call(app, 'GET', '/openapi.json');
    expect(r.status).toBe(200);
    const paths = r.body.paths as Record<string, Record<string, { security?: unknown; responses: Record<string, unknown> }>>;
    const expected: [string, string][] = [
      ['/health', 'get'],
      ['/ready', 'get'],
      ['/v1/participants', 'post'],
      ['/v1/registrations', 'post'],
      ['/v1/participants/{id}/approve', 'post'],
      ['/v1/participants/{id}/reject', 'post'],
      ['/v1/participants/{id}/suspend', 'post'],
      ['/v1/participants/{id}/reinstate', 'post'],
      ['/v1/participants', 'get'],
      ['/v1/participants/{id}', 'get'],
      ['/v1/markets', 'post'],
      ['/v1/markets/{id}/open', 'post'],
      ['/v1/markets/{id}/gate-close', 'post'],
      ['/v1/markets/{id}/clear', 'post'],
      ['/v1/markets/{id}/close', 'post'],
      ['/v1/markets/{id}/cancel', 'post'],
      ['/v1/markets', 'get'],
      ['/v1/markets/{id}', 'get'],
      ['/v1/markets/{id}/result', 'get'],
      ['/v1/markets/{id}/orderbook', 'get'],
      ['/v1/markets/{id}/orders', 'post'],
      ['/v1/markets/{id}/orders/{orderId}', 'patch'],
      ['/v1/markets/{id}/orders/{orderId}', 'delete'],
      ['/v1/markets/{id}/orders', 'get'],
      ['/v1/participants/{id}/account', 'get'],
      ['/v1/accounts/grid', 'get'],
      ['/v1/events', 'get'],
    ];
    for (const [path, method] of expected) expect({ path, method, documented: Boolean(paths[path]?.[method]) }).toEqual({ path, method, documented: true });
    expect(paths['/v1/markets']?.post?.security).toEqual([{ bearer: [] }]);
    expect(paths['/v1/registrations']?.post?.security).toBeUndefined();
    expect(paths['/v1/markets/{id}/orders']?.post?.responses['422']).toEqual(
      expect.objectContaining({ content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } }),
    );
  });

  it('when /openapi.json is read, then every operation declares each problem status it can answer', async () => {
    const doc = (await call(app, 'GET', '/openapi.json')).body;
    const paths = doc.paths as Record<string, Record<string, { security?: unknown; responses: Record<string, { content?: Record<string, unknown> }> }>>;
    let operations = 0;
    for (const [path, methods] of Object.entries(paths)) {
      for (const [method, op] of Object.entries(methods)) {
        operations += 1;
        const declared = Object.keys(op.responses);
        const must = ['500'];
        if (op.security) must.push('401', '403');
        if (method !== 'get') must.push('413', '415');
        if (path.includes('{')) must.push('414');
        if (path !== '/health' && path !== '/ready') must.push('429');
        if (path.startsWith('/v1/')) must.push('400', '503');
        for (const status of must) expect({ path, method, status, declared: declared.includes(status) }).toEqual({ path, method, status, declared: true });
        for (const status of declared.filter((s) => Number(s) >= 400)) {
          expect(op.responses[status]?.content).toEqual({ 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } });
        }
      }
    }
    expect(operations).toBeGreaterThan(25);
    expect(Object.keys(paths['/v1/markets/{id}/clear']?.post?.responses ?? {})).toEqual(expect.arrayContaining(['200', '404', '409', '422']));
  });

  it('when /openapi.json is read, then the revision-2 shapes are in it', async () => {
    const doc = (await call(app, 'GET', '/openapi.json')).body;
    const ok = (path: string, method: string, status = '200') => doc.paths[path][method].responses[status].content['application/json'].schema;
    const market = ok('/v1/markets/{id}', 'get');
    expect(market.required).toEqual(expect.arrayContaining(['readingWindowMinutes']));
    expect(market.properties.settledAt).toBeDefined();
    const cleared = ok('/v1/markets/{id}/clear', 'post');
    expect(cleared.properties.result.required).toEqual(expect.arrayContaining(['internalPrice']));
    expect(cleared.properties.result.properties.allocations.items.required).toEqual(expect.arrayContaining(['price']));
    const account = ok('/v1/participants/{id}/account', 'get');
    expect(account.required).toEqual(expect.arrayContaining(['statement']));
    expect(account.properties.entries.items.required).toEqual(expect.arrayContaining(['kind']));
    expect(account.properties.bookmark.pattern).toBe('^[A-Za-z0-9_-]*$');
    const body = doc.paths['/v1/markets'].post.requestBody.content['application/json'].schema;
    expect(body.properties.readingWindowMinutes).toEqual(expect.objectContaining({ type: 'integer', minimum: 0, default: 60 }));
    expect(body.properties.deliveryStart).toEqual(expect.objectContaining({ type: 'string', format: 'date-time' }));
    // One event of the stream, as OpenAPI 3.0 readers (schemathesis) take a text/event-stream schema.
    const event = doc.paths['/v1/events'].get.responses['200'].content['text/event-stream'].schema;
    expect(event).toEqual(expect.objectContaining({ type: 'object', additionalProperties: false }));
    expect(Object.keys(event.properties).sort()).toEqual(['data', 'event', 'id', 'retry']);
  });

  it('when /docs is opened, then Swagger UI is served under a CSP that does not force https', async () => {
    const r = await app.inject({ method: 'GET', url: '/docs/' });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toContain('text/html');
    expect(String(r.headers['content-security-policy'])).not.toContain('upgrade-insecure-requests');
    const asset = await app.inject({ method: 'GET', url: '/docs/static/swagger-ui-bundle.js' });
    expect(asset.statusCode).toBe(200);
  });
});

describe('health and readiness', () => {
  it('when the process is up, then /health is ok and /ready is ready', async () => {
    expect((await call(app, 'GET', '/health')).body).toEqual({ status: 'ok' });
    expect((await call(app, 'GET', '/ready')).body).toEqual({ status: 'ready' });
  });
});

describe('problems', () => {
  it('when the token is missing, malformed or unknown, then 401 with a Bearer challenge', async () => {
    for (const authorization of [undefined, 'Basic abc', 'Bearer', 'Bearer nope-not-a-token']) {
      const r = await call(app, 'GET', '/v1/markets', undefined, undefined, authorization ? { authorization } : {});
      expectProblem(r, 401, 'UNAUTHENTICATED');
      expect(r.headers['www-authenticate']).toBe('Bearer realm="ecch"');
    }
  });

  it('when a household calls an NA route, then 403 (known token, wrong role)', async () => {
    expectProblem(await call(app, 'GET', '/v1/participants', household), 403, 'FORBIDDEN');
  });

  it('when the route does not exist, then a 404 problem', async () => {
    expectProblem(await call(app, 'GET', '/v1/nothing-here', ADMIN), 404, 'ROUTE_NOT_FOUND');
  });

  it('when the body is not JSON, then a 400 problem', async () => {
    const r = await app.inject({ method: 'POST', url: '/v1/markets', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, payload: '{nope' });
    expect(r.statusCode).toBe(400);
    expect(r.headers['content-type']).toContain('application/problem+json');
  });

  it('when the ledger fails unexpectedly, then 500 without the internal message', async () => {
    const ledger = app.gateway.ledger;
    const original = ledger.evaluate;
    ledger.evaluate = async () => {
      throw new Error('leveldb corruption at /secret/path');
    };
    try {
      const r = await call(app, 'GET', '/v1/markets', ADMIN);
      expectProblem(r, 500, 'INTERNAL');
      expect(JSON.stringify(r.body)).not.toContain('secret');
      expect(r.body.requestId).toBe(r.headers['x-request-id']);
    } finally {
      ledger.evaluate = original;
    }
  });

  it('when the caller sends X-Request-Id, then the response and problem carry it', async () => {
    const r = await call(app, 'GET', '/v1/markets/none', ADMIN, undefined, { 'x-request-id': 'trace-123' });
    expect(r.headers['x-request-id']).toBe('trace-123');
    expect(r.body.requestId).toBe('trace-123');
  });
});

describe('security headers', () => {
  it('when any response is sent, then helmet\'s headers are on it', async () => {
    const r = await call(app, 'GET', '/health');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(r.headers['content-security-policy']).toEqual(expect.stringContaining("default-src 'self'"));
  });
});

describe('rate limiting', () => {
  it('when a household exceeds its budget, then 429 as a problem; the NA and health probes are not limited', async () => {
    const dir2 = tempDataDir();
    const limited = await openGateway(dir2, { RATE_LIMIT_MAX: 3, RATE_LIMIT_WINDOW_MS: 60000 });
    try {
      const token = await registerHousehold(limited, 'rl-h');
      const statuses: number[] = [];
      for (let i = 0; i < 3; i += 1) statuses.push((await call(limited, 'GET', '/v1/markets', token)).status);
      expect(statuses).toEqual([200, 200, 200]);
      const refused = await call(limited, 'GET', '/v1/markets', token);
      expectProblem(refused, 429, 'TOO_MANY_REQUESTS');
      expect(refused.headers['retry-after']).toBeDefined();
      for (let i = 0; i < 5; i += 1) {
        expect((await call(limited, 'GET', '/v1/markets', ADMIN)).status).toBe(200);
        expect((await call(limited, 'GET', '/health')).status).toBe(200);
      }
    } finally {
      await limited.close();
      removeDir(dir2);
    }
  });
});

describe('ledger down', () => {
  it('when the ledger is closed, then /ready is 503 and ledger routes answer 503 LEDGER_UNAVAILABLE', async () => {
    await app.gateway.ledger.close();
    expectProblem(await call(app, 'GET', '/ready'), 503, 'LEDGER_UNAVAILABLE');
    expectProblem(await call(app, 'GET', '/v1/markets', ADMIN), 503, 'LEDGER_UNAVAILABLE');
  });
});
