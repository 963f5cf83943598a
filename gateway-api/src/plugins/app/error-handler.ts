/**
 * The one place errors become responses: every 4xx/5xx is an RFC 9457 problem
 * (application/problem+json) built by toProblem, with the request id so a caller
 * can quote it. Server faults are logged with their cause; the body never is.
 *
 * That covers what Fastify answers itself: a URL it cannot decode (`frameworkErrors`,
 * passed to Fastify in app.ts), a request the HTTP parser refuses (`clientErrorHandler`),
 * and an unsupported method on a known path, which is 405 with `Allow`, not 404.
 */
import type { Socket } from 'node:net';
import fp from 'fastify-plugin';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE, problemType, toProblem, type Problem } from '../../errors/problem';
import { ApiError } from '../../errors/api-error';

function send(request: FastifyRequest, reply: FastifyReply, problem: Problem): FastifyReply {
  problem.instance = request.url;
  problem.requestId = String(request.id);
  if (problem.status === 401) reply.header('www-authenticate', 'Bearer realm="ecch"');
  return reply.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(problem);
}

/** Fastify's `frameworkErrors`: a URL it cannot decode (FST_ERR_BAD_URL) and the like, before any route. */
export function frameworkErrors(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const problem = toProblem(err);
  request.log.info({ status: problem.status, code: problem.code, detail: problem.detail }, 'request refused');
  reply.header('x-request-id', String(request.id));
  void send(request, reply, problem);
}

const CLIENT_ERRORS: Record<string, { status: number; code: string; title: string; detail: string }> = {
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, code: 'REQUEST_TIMEOUT', title: 'Request Timeout', detail: 'the request was not received in time' },
  HPE_HEADER_OVERFLOW: { status: 431, code: 'HEADERS_TOO_LARGE', title: 'Request Header Fields Too Large', detail: 'the request headers are too large' },
};

/**
 * Fastify's `clientErrorHandler`: the HTTP parser refused the request (bad request
 * line, oversized headers, timeout), so there is no request object; the answer is
 * still a problem, written to the socket, which is then closed.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const known = CLIENT_ERRORS[err.code ?? ''] ?? {
    status: 400,
    code: 'MALFORMED_REQUEST',
    title: 'Bad Request',
    detail: 'the HTTP request could not be parsed',
  };
  const problem: Problem = { type: problemType(known.code), title: known.title, status: known.status, detail: known.detail, code: known.code };
  const body = JSON.stringify(problem);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${known.status} ${known.title}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}

interface RouteShape {
  pattern: RegExp;
  methods: Set<string>;
}

/** `/v1/markets/:id/orders` → a regex matching one concrete path of it; `*` matches the rest. */
function routePattern(url: string): RegExp {
  const source = url
    .split('/')
    .map((segment) => {
      if (segment.startsWith(':')) return '[^/]+';
      return segment.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
    })
    .join('/');
  return new RegExp(`^${source}$`);
}

export default fp(
  async (app) => {
    // Every route's methods by its URL pattern, for 405's Allow (Fastify itself answers 404).
    const routes = new Map<string, RouteShape>();
    app.addHook('onRoute', (route) => {
      const shape = routes.get(route.url) ?? { pattern: routePattern(route.url), methods: new Set<string>() };
      for (const method of Array.isArray(route.method) ? route.method : [route.method]) shape.methods.add(method.toUpperCase());
      routes.set(route.url, shape);
    });
    const allowedMethods = (path: string): string[] => {
      const methods = new Set<string>();
      for (const shape of routes.values()) if (shape.pattern.test(path)) shape.methods.forEach((m) => methods.add(m));
      return [...methods].sort();
    };

    app.setErrorHandler((err, request, reply) => {
      const problem = toProblem(err);
      if (problem.status >= 500) request.log.error({ err }, 'request failed');
      else request.log.info({ status: problem.status, code: problem.code, detail: problem.detail }, 'request refused');
      return send(request, reply, problem);
    });

    app.setNotFoundHandler((request, reply) => {
      const path = request.url.split('?')[0] ?? request.url;
      const allowed = allowedMethods(path);
      if (allowed.length > 0) {
        reply.header('allow', allowed.join(', '));
        const detail = `${request.method} is not supported on ${path}; it supports ${allowed.join(', ')}`;
        return send(request, reply, toProblem(new ApiError(405, 'METHOD_NOT_ALLOWED', detail)));
      }
      return send(request, reply, toProblem(new ApiError(404, 'ROUTE_NOT_FOUND', `no route ${request.method} ${path}`)));
    });
  },
  { name: 'error-handler' },
);
