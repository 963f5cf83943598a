/** The ledger identity a request signs with: the NA's, or the household's own. */
import type { Principal } from '../auth/principal';
import type { GatewayContext } from '../context';
import { ApiError } from '../errors/api-error';
import type { LedgerIdentity } from '../ledger/port';

/**
 * `read: 'public'` marks a read of what every member may see (markets, results,
 * order books): for a self-custody household the gateway asks it as the NA, since
 * it holds no key of that household's. Everything else a self-custody household does
 * it signs itself (POST /v1/transactions), so the custodial routes refuse it.
 */
export async function identityOf(gw: GatewayContext, principal: Principal, read?: 'public'): Promise<LedgerIdentity> {
  if (principal.role === 'na') return gw.identities.na;
  const identity = await gw.identities.ofParticipant(principal.participantId);
  if (identity) return identity;
  if (await gw.identities.selfCustodyCertificate(principal.participantId)) {
    if (read === 'public') return gw.identities.na;
    throw new ApiError(
      409,
      'SELF_CUSTODY',
      `participant ${principal.participantId} holds its own key; the gateway cannot sign for it: sign the transaction through POST /v1/transactions, or read through a signed query (POST /v1/transactions, then POST /v1/transactions/{transactionId}/evaluation)`,
    );
  }
  // A token is only ever issued after its identity is in the wallet; a missing file is an operator error.
  throw new Error(`wallet holds no identity for participant ${principal.participantId}`);
}
