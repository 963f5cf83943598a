/**
 * Bearer-token authentication and role checks, declared per route with
 * `config.access`: `public`, `any` (any valid token), `na` or `household`.
 * A missing or unknown token is 401; a known token outside its role, or a
 * suspended household's, is 403.
 */
import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import type { Access, Principal } from '../../auth/principal';
import { bearerToken } from '../../auth/bearer';
import { forbidden, unauthenticated } from '../../errors/api-error';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyInstance {
    authenticate(request: FastifyRequest): Promise<void>;
  }
}

/** The principal of a request that passed authentication (routes with access other than `public`). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw unauthenticated('a bearer token is required');
  return request.principal;
}

export default fp(
  async (app) => {
    app.decorateRequest('principal', null);

    app.decorate('authenticate', async (request: FastifyRequest) => {
      // Routes are deny-by-default: one that forgets to declare access needs a token.
      const access = request.routeOptions.config.access ?? 'any';
      if (access === 'public') return;
      const token = bearerToken(request);
      if (!token) throw unauthenticated('send Authorization: Bearer <token>');
      const { admin, tokens } = app.gateway;
      let principal: Principal;
      if (admin.matches(token)) {
        principal = { role: 'na' };
      } else {
        const holder = tokens.lookup(token);
        if (!holder) throw unauthenticated('the bearer token is not known');
        if (holder.status === 'suspended') throw forbidden(`participant ${holder.participantId} is suspended`);
        principal = { role: 'household', participantId: holder.participantId };
      }
      if (access === 'na' && principal.role !== 'na') throw forbidden('only the network administrator may do this');
      if (access === 'household' && principal.role !== 'household') throw forbidden('only a household may do this');
      request.principal = principal;
      request.log.debug({ role: principal.role, participantId: principal.role === 'household' ? principal.participantId : undefined }, 'authenticated');
    });
  },
  { name: 'auth', dependencies: ['gateway'] },
);
