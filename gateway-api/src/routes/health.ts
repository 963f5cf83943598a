/**
 * Liveness (the process is up) and readiness (the ledger answers); no token needed,
 * and no rate limit: orchestrators probe these often, and a limited probe would
 * take a healthy gateway out of service.
 */
import { Type } from '@sinclair/typebox';
import type { RoutesPlugin } from '../type-provider';
import { ApiError } from '../errors/api-error';
import { problems } from '../schemas/common';

const Status = Type.Object({ status: Type.String() });

const healthRoutes: RoutesPlugin = async (app) => {
  app.get('/health', { config: { access: 'public', rateLimit: false }, schema: { tags: ['health'], response: { 200: Status } } }, async () => ({ status: 'ok' }));

  app.get(
    '/ready',
    { config: { access: 'public', rateLimit: false }, schema: { tags: ['health'], response: { 200: Status, ...problems() } } },
    async () => {
      const ready = await app.gateway.ledger.ready().catch(() => false);
      if (!ready) throw new ApiError(503, 'LEDGER_UNAVAILABLE', `the ${app.gateway.ledger.kind} ledger is not answering`);
      return { status: 'ready' };
    },
  );
};

export default healthRoutes;
