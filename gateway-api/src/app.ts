/**
 * Builds the Fastify app, in the order fastify/demo uses: external plugins
 * (security headers, rate limit, OpenAPI), then the gateway's own plugins (context,
 * auth, SSE), then the routes. The error handler and the route-response declarations
 * come first of all: both watch every route as it is added, the docs' included.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import type { GatewayConfig } from './config';
import { startMarketClock, type ClockOverrides, type MarketClock } from './clock';
import { openContext } from './context';
import { followParticipantStatus } from './events/status-follower';
import { configFromOptions, type GatewayOptions } from './options';
import helmet from './plugins/external/helmet';
import rateLimit from './plugins/external/rate-limit';
import swagger from './plugins/external/swagger';
import authPlugin from './plugins/app/auth';
import consolePlugin from './plugins/app/console';
import errorHandler, { clientErrorHandler, frameworkErrors } from './plugins/app/error-handler';
import gatewayPlugin from './plugins/app/gateway';
import routeResponses from './plugins/app/route-responses';
import ssePlugin from './plugins/app/sse';
import strictInput from './plugins/app/strict-input';
import healthRoutes from './routes/health';
import v1Routes from './routes/v1';
import { Problem } from './schemas/common';
import { isDay, isInstant } from './schemas/formats';
import type { TypeBoxTypeProvider } from './type-provider';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

declare module 'fastify' {
  interface FastifyInstance {
    /** The market clock; undefined with CLOCK=off. */
    clock: MarketClock | undefined;
  }
}

/** What tests inject into the app: the clock's time source and timers. */
export interface AppHooks {
  clock?: ClockOverrides;
}

/** Builds the app for `fastify.inject` tests; `buildApp(options)` then `app.close()`. */
export async function buildApp(options: GatewayOptions, hooks: AppHooks = {}): Promise<FastifyInstance> {
  return createApp(configFromOptions(options), hooks);
}

export async function createApp(config: GatewayConfig, hooks: AppHooks = {}): Promise<FastifyInstance> {
  const context = await openContext(config);
  const app = Fastify({
    logger: { level: config.logLevel },
    trustProxy: config.trustProxy,
    bodyLimit: 64 * 1024,
    // A caller's (or proxy's) request id is kept if sane, so one id follows a request end to end.
    requestIdHeader: 'x-request-id',
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    // Refuse unknown fields rather than drop them: a mistyped `limitPrice` must not place an order at the default.
    // Coerce nothing: "130000" is not an integer, false is not a string (query numbers: plugins/app/strict-input.ts).
    ajv: {
      customOptions: { removeAdditional: false, allErrors: true, coerceTypes: false },
      // After ajv-formats: `date-time` means a real UTC calendar instant (schemas/formats.ts).
      onCreate: (ajv) => ajv.addFormat('date-time', { type: 'string', validate: isInstant }).addFormat('date', { type: 'string', validate: isDay }),
    },
    // Fastify's own answers are problems too: an undecodable URL, a request the HTTP parser refuses.
    frameworkErrors,
    clientErrorHandler,
  }).withTypeProvider<TypeBoxTypeProvider>();

  for (const warning of context.warnings) app.log.warn(warning);
  try {
    app.addSchema(Problem);
    app.addHook('onSend', async (request, reply) => {
      reply.header('x-request-id', request.id);
    });

    await app.register(errorHandler);
    await app.register(routeResponses);
    await app.register(strictInput);

    await app.register(helmet);
    await app.register(rateLimit, {
      max: config.rateLimit.max,
      windowMs: config.rateLimit.windowMs,
      isAdmin: (t) => context.admin.matches(t),
      isKnown: (t) => context.tokens.lookup(t) !== undefined,
    });
    await app.register(swagger);

    await app.register(gatewayPlugin, { context });
    await app.register(authPlugin);
    await app.register(ssePlugin, { heartbeatMs: config.sseHeartbeatMs });

    await app.register(healthRoutes);
    await app.register(consolePlugin);
    await app.register(v1Routes, { prefix: '/v1' });

    const follower = await followParticipantStatus(context, app.log);
    app.addHook('preClose', async () => follower.stop());
    // The market clock: a step in flight finishes before the ledger closes (onClose).
    const clock = startMarketClock(context, app.log, hooks.clock);
    app.decorate('clock', clock);
    app.addHook('preClose', async () => clock?.stop());
    await app.ready();
  } catch (err) {
    await app.close().catch(() => undefined);
    await context.close().catch(() => undefined);
    throw err;
  }
  return app;
}
