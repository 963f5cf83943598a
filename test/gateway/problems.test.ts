/**
 * api.md revision 2, §Errors: every error body is application/problem+json with a
 * stable `code`, including what Fastify and Node answer themselves (a URL that does
 * not decode, a body that is not JSON or too large, a media type other than JSON, a
 * request the HTTP parser refuses), and an unsupported method on a known path is
 * 405 with `Allow`. Unknown or malformed bearer tokens count against the client
 * address's rate limit.
 */
import net from 'node:net';
import type { FastifyInstance } from 'fastify';
import { startGateway, type RunningGateway } from '@ecch/gateway-api';
import { ADMIN, call, expectProblem, openGateway, registerHousehold, removeDir, tempDataDir } from './support/gateway';

jest.setTimeout(60_000);

let dir: string;
let app: FastifyInstance;

beforeAll(async () => {
  dir = tempDataDir();
  app = await openGateway(dir);
});
afterAll(async () => {
  await app.close();
  removeDir(dir);
});

const asNa = { authorization: `Bearer ${ADMIN}` };

async function inject(method: string, url: string, headers: Record<string, string> = {}, payload?: string) {
  const res = await app.inject({ method: method as 'GET', url, headers, ...(payload !== undefined ? { payload } : {}) });
  const type = String(res.headers['content-type'] ?? '');
  return { status: res.statusCode, headers: res.headers as Record<string, unknown>, body: type.includes('json') && res.body !== '' ? res.json() : res.body };
}

describe('Fastify\'s own refusals are problems with stable codes', () => {
  it('when the path has bad percent-encoding, then 400 MALFORMED_URL as problem+json, with the request id', async () => {
    for (const url of ['/v1/markets/%zz', '/v1/markets/%E0%A4%A/orders', '/v1/participants/%/account']) {
      const r = await inject('GET', url, asNa);
      expectProblem(r, 400, 'MALFORMED_URL');
      expect(r.body.requestId).toBe(r.headers['x-request-id']);
    }
  });

  it('when a path parameter is longer than any id could be, then 414 URI_TOO_LONG', async () => {
    expectProblem(await inject('GET', `/v1/markets/${'m'.repeat(101)}`, asNa), 414, 'URI_TOO_LONG');
    // Within Fastify's limit but beyond the id rule: the schema names it.
    expectProblem(await inject('GET', `/v1/markets/${'m'.repeat(65)}`, asNa), 400, 'VALIDATION_FAILED');
  });

  it('when the body is not JSON, is empty, or carries __proto__, then 400 MALFORMED_BODY', async () => {
    const json = { ...asNa, 'content-type': 'application/json' };
    expectProblem(await inject('POST', '/v1/markets', json, '{nope'), 400, 'MALFORMED_BODY');
    expectProblem(await inject('POST', '/v1/markets', json, ''), 400, 'MALFORMED_BODY');
    expectProblem(await inject('POST', '/v1/markets', json, '{"__proto__":{"x":1}}'), 400, 'MALFORMED_BODY');
  });

  it('when the body is over the limit, then 413 BODY_TOO_LARGE', async () => {
    const r = await inject('POST', '/v1/markets', { ...asNa, 'content-type': 'application/json' }, JSON.stringify({ pad: 'x'.repeat(70 * 1024) }));
    expectProblem(r, 413, 'BODY_TOO_LARGE');
  });

  it('when the media type is not JSON (text/plain included), then 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    for (const type of ['text/plain', 'application/xml', 'application/x-www-form-urlencoded']) {
      const r = await inject('POST', '/v1/markets', { ...asNa, 'content-type': type }, 'deliveryStart=x');
      expectProblem(r, 415, 'UNSUPPORTED_MEDIA_TYPE');
    }
  });

  it('when the route does not exist, then still 404 ROUTE_NOT_FOUND', async () => {
    expectProblem(await inject('GET', '/v1/nothing-here', asNa), 404, 'ROUTE_NOT_FOUND');
    expectProblem(await inject('PUT', '/v1/nothing-here', asNa), 404, 'ROUTE_NOT_FOUND');
  });
});

describe('unsupported methods on a known path', () => {
  it.each([
    ['PUT', '/v1/markets', 'GET, HEAD, POST'],
    ['DELETE', '/v1/markets/m1', 'GET, HEAD'],
    ['PATCH', '/v1/markets/m1/orders', 'GET, HEAD, POST'],
    ['POST', '/v1/markets/m1/orders/o1', 'DELETE, GET, HEAD, PATCH'],
    ['GET', '/v1/markets/m1/gate-close', 'POST'],
    ['TRACE', '/v1/accounts/grid', 'GET, HEAD'],
    ['OPTIONS', '/health', 'GET, HEAD'],
    ['HEAD', '/v1/events', 'GET'],
  ])('when %s %s, then 405 METHOD_NOT_ALLOWED with Allow: %s', async (method, url, allow) => {
    const r = await inject(method, url, asNa);
    // A HEAD answer has no body; its headers are the GET's would-be problem's.
    if (method === 'HEAD') expect({ status: r.status, type: r.headers['content-type'] }).toEqual({ status: 405, type: expect.stringContaining('application/problem+json') });
    else expectProblem(r, 405, 'METHOD_NOT_ALLOWED');
    expect(r.headers.allow).toBe(allow);
  });

  it('when the caller has no token, then it is still 405 (the method is wrong whoever asks)', async () => {
    const r = await inject('PUT', '/v1/markets');
    expectProblem(r, 405, 'METHOD_NOT_ALLOWED');
    expect(r.headers.allow).toBe('GET, HEAD, POST');
  });
});

describe('requests the HTTP parser refuses', () => {
  let gw: RunningGateway;
  const dir2 = tempDataDir();
  beforeAll(async () => {
    gw = await startGateway({ ledger: 'embedded', dataDir: dir2, port: 0, adminToken: ADMIN, logLevel: 'silent' });
  });
  afterAll(async () => {
    await gw.close();
    removeDir(dir2);
  });

  /** Writes raw bytes to the gateway and reads what it answers before it hangs up. */
  function raw(request: string): Promise<{ status: number; headers: string; body: string }> {
    const { hostname, port } = new URL(gw.url);
    return new Promise((resolve, reject) => {
      const socket = net.connect(Number(port), hostname, () => socket.end(request));
      let data = '';
      socket.setEncoding('utf8');
      socket.on('data', (d: string) => (data += d));
      socket.on('error', reject);
      socket.on('close', () => {
        const [head = '', body = ''] = data.split('\r\n\r\n');
        resolve({ status: Number(head.split(' ')[1]), headers: head.toLowerCase(), body });
      });
    });
  }

  it('when the request line is garbage, then 400 MALFORMED_REQUEST as problem+json', async () => {
    const r = await raw('NOT A REQUEST\r\n\r\n');
    expect(r.status).toBe(400);
    expect(r.headers).toContain('content-type: application/problem+json');
    expect(JSON.parse(r.body)).toEqual(expect.objectContaining({ status: 400, code: 'MALFORMED_REQUEST', type: 'urn:ecch:problem:malformed-request' }));
  });

  it('when the headers are too large, then 431 HEADERS_TOO_LARGE as problem+json', async () => {
    const r = await raw(`GET /health HTTP/1.1\r\nHost: x\r\nX-Pad: ${'a'.repeat(20 * 1024)}\r\n\r\n`);
    expect(r.status).toBe(431);
    expect(r.headers).toContain('content-type: application/problem+json');
    expect(JSON.parse(r.body)).toEqual(expect.objectContaining({ status: 431, code: 'HEADERS_TOO_LARGE' }));
  });
});

describe('rate limiting of unknown tokens', () => {
  it('when a burst of bogus or malformed tokens comes from one address, then it is limited like anonymous traffic (429 problem)', async () => {
    const dir3 = tempDataDir();
    const limited = await openGateway(dir3, { RATE_LIMIT_MAX: 3, RATE_LIMIT_WINDOW_MS: 60000 });
    try {
      // A real household, registered by the NA (exempt): its own bucket, untouched by the burst below.
      const household = await registerHousehold(limited, 'rl-real');
      const statuses: number[] = [];
      for (let i = 0; i < 3; i += 1) statuses.push((await call(limited, 'GET', '/v1/markets', `ecch_hh_guess-${i}`)).status);
      expect(statuses).toEqual([401, 401, 401]);
      const refused = await call(limited, 'GET', '/v1/markets', 'ecch_hh_guess-4');
      expectProblem(refused, 429, 'TOO_MANY_REQUESTS');
      expect(refused.headers['retry-after']).toBeDefined();
      for (const authorization of ['Basic abc', 'Bearer', 'Bearer two words']) {
        expectProblem(await call(limited, 'GET', '/v1/markets', undefined, undefined, { authorization }), 429, 'TOO_MANY_REQUESTS');
      }
      expectProblem(await call(limited, 'GET', '/v1/markets'), 429, 'TOO_MANY_REQUESTS');
      expect((await call(limited, 'GET', '/v1/markets', household)).status).toBe(200);
      expect((await call(limited, 'GET', '/v1/markets', ADMIN)).status).toBe(200);
    } finally {
      await limited.close();
      removeDir(dir3);
    }
  });
});
