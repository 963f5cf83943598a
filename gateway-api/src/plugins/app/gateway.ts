/**
 * Decorates the app with the gateway context (ledger, identities, tokens) and
 * closes it with the server, after in-flight requests have finished.
 */
import fp from 'fastify-plugin';
import type { GatewayContext } from '../../context';

declare module 'fastify' {
  interface FastifyInstance {
    gateway: GatewayContext;
  }
}

export default fp<{ context: GatewayContext }>(
  async (app, { context }) => {
    app.decorate('gateway', context);
    app.addHook('onClose', async () => context.close());
  },
  { name: 'gateway' },
);
