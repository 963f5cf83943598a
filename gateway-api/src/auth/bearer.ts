/** The bearer token of a request (RFC 6750 `Authorization: Bearer <token>`), if any. */
import type { FastifyRequest } from 'fastify';

export function bearerToken(req: FastifyRequest): string | undefined {
  const header = req.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const [scheme, token, ...rest] = header.trim().split(/\s+/);
  if (rest.length > 0 || !token || scheme?.toLowerCase() !== 'bearer') return undefined;
  return token;
}
