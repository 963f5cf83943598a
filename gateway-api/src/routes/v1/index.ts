/** API v1: every route here authenticates before anything else it does (deny by default, see plugins/app/auth.ts). */
import type { FastifyRequest } from 'fastify';
import type { RoutesPlugin } from '../../type-provider';
import accountRoutes from './accounts';
import communityRoutes from './community';
import auctionRoutes from './auctions';
import eventRoutes from './events';
import marketRoutes from './markets';
import meterRoutes from './meters';
import orderRoutes from './orders';
import participantRoutes from './participants';
import registrationRoutes from './registrations';
import scheduleRoutes from './schedules';
import transactionRoutes from './transactions';

const v1: RoutesPlugin = async (app) => {
  // Authentication runs as each route's last onRequest hook, after the rate limit's
  // (plugins/external/rate-limit.ts adds its own per route, before this one), so a
  // request with an unknown token is counted before it is refused with 401.
  const authenticate = async (request: FastifyRequest) => app.authenticate(request);
  app.addHook('onRoute', (route) => {
    const hooks = route.onRequest === undefined ? [] : Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest];
    route.onRequest = [...hooks, authenticate];
  });
  await app.register(participantRoutes);
  await app.register(registrationRoutes);
  await app.register(marketRoutes);
  await app.register(orderRoutes);
  await app.register(accountRoutes);
  await app.register(eventRoutes);
  await app.register(transactionRoutes);
  await app.register(scheduleRoutes);
  await app.register(communityRoutes);
  await app.register(meterRoutes);
  await app.register(auctionRoutes);
};

export default v1;
