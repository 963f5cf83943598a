/**
 * OpenAPI generated from the route schemas (so it cannot drift from the code),
 * served at /openapi.json, with Swagger UI at /docs.
 */
import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Access } from '../../auth/principal';

export default fp(
  async (app) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.0.3',
        info: {
          title: 'ECCH energy market gateway',
          description:
            'REST API v1 for ECCH households and the network administrator (shared/spec/api.md). ' +
            'Units: energy Wh, prices µ/kWh, money µ (integers); errors are application/problem+json (RFC 9457).',
          version: '1.0.0',
        },
        components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
        tags: [
          { name: 'participants', description: 'registration and status of households (NA)' },
          { name: 'markets', description: 'market lifecycle, results and order book' },
          { name: 'orders', description: 'a household’s orders' },
          { name: 'accounts', description: 'settlement entries and balances' },
          { name: 'events', description: 'ledger events as server-sent events' },
          { name: 'health', description: 'liveness and readiness' },
        ],
      },
      // Components named by their $id (e.g. Problem), not def-0.
      refResolver: { buildLocalReference: (json, _base, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
      transform: ({ schema, url, route }) => {
        const access = (route.config as { access?: Access } | undefined)?.access;
        if (!schema || access === undefined || access === 'public') return { schema, url };
        const described = { ...schema, security: [{ bearer: [] }] } as typeof schema;
        return { schema: described, url };
      },
    });
    await app.register(swaggerUi, {
      routePrefix: '/docs',
      staticCSP: true,
      // Swagger UI copies helmet's policy and adds its own upgrade directive; plain-HTTP /docs needs it gone (see helmet.ts).
      transformStaticCSP: (header) => header.replace(/\s*upgrade-insecure-requests;?/g, ''),
    });
    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  },
  { name: 'swagger' },
);
