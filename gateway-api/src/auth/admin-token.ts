/**
 * The NA's bearer token. Configured with GATEWAY_ADMIN_TOKEN; when unset, a fresh
 * one is generated at every start-up and printed once by the caller. Only its
 * digest is kept, in memory.
 *
 * Why not persist a generated token's hash across restarts: its plaintext would
 * exist only in an old log, so an operator who lost that log could never act as
 * NA again short of deleting files. A deployment that wants a stable NA token
 * sets GATEWAY_ADMIN_TOKEN, which is the documented production path.
 */
import { hashToken, newToken, sameDigest } from './tokens';

export class AdminToken {
  private readonly digest: Buffer;

  private constructor(
    token: string,
    /** True when no token was configured and this one was generated now. */
    readonly generated: boolean,
  ) {
    this.digest = hashToken(token);
  }

  static resolve(configured: string | undefined): { admin: AdminToken; token: string } {
    const token = configured ?? newToken('na');
    return { admin: new AdminToken(token, configured === undefined), token };
  }

  matches(token: string): boolean {
    return sameDigest(hashToken(token), this.digest);
  }
}
