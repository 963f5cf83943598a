/**
 * Security headers on every response. Helmet's default CSP suits a JSON API; the
 * Swagger UI pages set their own CSP for their static assets (swagger.ts,
 * `staticCSP`), so /docs works under it.
 *
 * The gateway itself speaks plain HTTP (TLS, if any, ends at a proxy in front), so
 * it neither asks browsers to upgrade requests nor sends HSTS: on
 * http://localhost:3000/docs an upgrade would break every asset. A TLS proxy sets
 * HSTS for its own host.
 */
import fp from 'fastify-plugin';
import helmet from '@fastify/helmet';

export default fp(
  async (app) => {
    await app.register(helmet, {
      global: true,
      strictTransportSecurity: false,
      contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
    });
  },
  { name: 'helmet' },
);
