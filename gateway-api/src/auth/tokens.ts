/**
 * Bearer tokens: 32 random bytes, base64url, with a prefix so a leaked token is
 * recognisable (secret scanners, logs). Only SHA-256 digests are ever stored; a
 * random 256-bit token needs no slow hash.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export type TokenKind = 'na' | 'household';

export function newToken(kind: TokenKind): string {
  return `ecch_${kind === 'na' ? 'na' : 'hh'}_${randomBytes(32).toString('base64url')}`;
}

export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** Constant-time comparison of two digests. */
export function sameDigest(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
