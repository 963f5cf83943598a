/**
 * Rate limiting per caller: one bucket per known bearer token (by digest, never the
 * token itself), so households do not share a bucket behind one NAT; a request with
 * no token, a malformed Authorization header or a token the gateway does not know
 * counts against its client address, so guessing tokens is limited like any other
 * anonymous traffic. The NA is exempt: registering a community of hundreds and
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
  /** Whether the token is a household's that the gateway issued (suspended ones included). */
  isKnown(token: string): boolean;
}

export default fp<RateLimitOptions>(
  async (app, opts) => {
    await app.register(rateLimit, {
      global: true,
      max: opts.max,
      timeWindow: opts.windowMs,
      keyGenerator: (req: FastifyRequest) => {
        const token = bearerToken(req);
        return token !== undefined && opts.isKnown(token) ? `t:${hashToken(token).toString('base64url')}` : `ip:${req.ip}`;
      },
      allowList: (req: FastifyRequest) => {
        const token = bearerToken(req);
        return token !== undefined && opts.isAdmin(token);
      },
    });
  },
  { name: 'rate-limit' },
);
