/** Liveness (the process is up) and readiness (the ledger answers); no token needed. */
import { Type } from '@sinclair/typebox';
import type { RoutesPlugin } from '../type-provider';
import { ApiError } from '../errors/api-error';
import { problems } from '../schemas/common';

const Status = Type.Object({ status: Type.String() });

const healthRoutes: RoutesPlugin = async (app) => {
  app.get('/health', { config: { access: 'public' }, schema: { tags: ['health'], response: { 200: Status } } }, async () => ({ status: 'ok' }));

  app.get(
    '/ready',
    { config: { access: 'public' }, schema: { tags: ['health'], response: { 200: Status, ...problems() } } },
    async () => {
      const ready = await app.gateway.ledger.ready().catch(() => false);
      if (!ready) throw new ApiError(503, 'LEDGER_UNAVAILABLE', `the ${app.gateway.ledger.kind} ledger is not answering`);
      return { status: 'ready' };
    },
  );
};

export default healthRoutes;
