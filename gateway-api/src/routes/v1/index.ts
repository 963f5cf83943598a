/** API v1: every route here authenticates first (deny by default, see plugins/app/auth.ts). */
import type { RoutesPlugin } from '../../type-provider';
import accountRoutes from './accounts';
import eventRoutes from './events';
import marketRoutes from './markets';
import orderRoutes from './orders';
import participantRoutes from './participants';
import registrationRoutes from './registrations';

const v1: RoutesPlugin = async (app) => {
  app.addHook('onRequest', async (request) => app.authenticate(request));
  await app.register(participantRoutes);
  await app.register(registrationRoutes);
  await app.register(marketRoutes);
  await app.register(orderRoutes);
  await app.register(accountRoutes);
  await app.register(eventRoutes);
};

export default v1;
