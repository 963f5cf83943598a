/**
 * Declares on every route the problem responses any route can give, so the OpenAPI
 * document (and a fuzzer validating responses against it) lists each status the
 * gateway may answer: 401/403 behind a token, 413/415 wherever a body is parsed,
 * 414 where a path parameter is longer than Fastify's maxParamLength (100), 429
 * under the rate limit, 500 always. Routes declare their own reasons (404, 409,
 * 422) with `problems(...)`.
 */
import fp from 'fastify-plugin';
import type { Access } from '../../auth/principal';
import { problemResponse } from '../../schemas/common';

/** Fastify parses no body on GET and HEAD; every other method may carry one. */
const WITHOUT_BODY = new Set(['GET', 'HEAD']);

export default fp(
  async (app) => {
    app.addHook('onRoute', (route) => {
      const schema = route.schema;
      if (!schema || (schema as { hide?: boolean }).hide) return;
      const config = route.config as { access?: Access; rateLimit?: unknown } | undefined;
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      const statuses = [500];
      if (config?.access !== undefined && config.access !== 'public') statuses.push(401, 403);
      if (methods.some((m) => !WITHOUT_BODY.has(m.toUpperCase()))) statuses.push(413, 415);
      if (route.url.includes('/:')) statuses.push(414);
      if (config?.rateLimit !== false) statuses.push(429);
      const response: Record<string, unknown> = { ...(schema.response as Record<string, unknown> | undefined) };
      for (const status of statuses) response[status] ??= problemResponse(status);
      route.schema = { ...schema, response };
    });
  },
  { name: 'route-responses' },
);
