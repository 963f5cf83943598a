/** The ledger identity a request signs with: the NA's, or the household's own. */
import type { Principal } from '../auth/principal';
import type { GatewayContext } from '../context';
import type { LedgerIdentity } from '../ledger/port';

export async function identityOf(gw: GatewayContext, principal: Principal): Promise<LedgerIdentity> {
  if (principal.role === 'na') return gw.identities.na;
  const identity = await gw.identities.ofParticipant(principal.participantId);
  // A token is only ever issued after its identity is in the wallet; a missing file is an operator error.
  if (!identity) throw new Error(`wallet holds no identity for participant ${principal.participantId}`);
  return identity;
}
