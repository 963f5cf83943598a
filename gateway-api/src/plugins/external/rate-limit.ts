/**
 * Rate limiting per caller: one bucket per bearer token (by digest, never the token
 * itself), or per client address without one, so households do not share a
 * bucket behind one NAT. The NA is exempt: registering a community of hundreds and
 * running its markets are bursts by design, and its token is the operator's.
 */
import fp from 'fastify-plugin';
import rateLimit from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';
import { hashToken } from '../../auth/tokens';
import { bearerToken } from '../../auth/bearer';

export interface RateLimitOptions {
  max: number;
  windowMs: number;
  isAdmin(token: string): boolean;
}

export default fp<RateLimitOptions>(
  async (app, opts) => {
    await app.register(rateLimit, {
      global: true,
      max: opts.max,
      timeWindow: opts.windowMs,
      keyGenerator: (req: FastifyRequest) => {
        const token = bearerToken(req);
        return token ? `t:${hashToken(token).toString('base64url')}` : `ip:${req.ip}`;
      },
      allowList: (req: FastifyRequest) => {
        const token = bearerToken(req);
        return token !== undefined && opts.isAdmin(token);
      },
    });
  },
  { name: 'rate-limit' },
);
