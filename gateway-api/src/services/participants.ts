/**
 * Participant use cases. Registration issues the household its own X.509 identity;
 * the wallet entry and the token are written only after the ledger accepted the
 * participant, so a refused registration leaves nothing behind.
 */
import type { Participant as LedgerParticipant } from '@ecch/chaincode';
import { ApiError } from '../errors/api-error';
import type { GatewayContext } from '../context';
import type { Principal } from '../auth/principal';
import type { Participant, ParticipantBody } from '../schemas/participants';
import { identityOf } from './actor';
import { pageArgs, toPage, type Page, type PageArgs } from './paging';
import { toApiParticipant, toLedgerProfile } from './units';

export type ParticipantAction = 'approve' | 'reject' | 'suspend' | 'reinstate';

export interface WithToken {
  participant: Participant;
  token: string;
}

/** NA registers a household: approved at once, token returned once. */
export async function register(gw: GatewayContext, body: ParticipantBody): Promise<WithToken> {
  const { identity, key } = await gw.identities.issue(body.id);
  const p = await gw.chaincode.submit<LedgerParticipant>(
    gw.identities.na,
    'participants',
    'Register',
    JSON.stringify({ ...toLedgerProfile(body), identity: key }),
  );
  await gw.identities.save(identity);
  const token = await gw.tokens.issue(p.id);
  return { participant: toApiParticipant(p, true), token };
}

/** A household applies under a new identity of its own; pending, no token until approved. */
export async function apply(gw: GatewayContext, body: ParticipantBody): Promise<{ participant: Participant }> {
  const { identity } = await gw.identities.issue(body.id);
  const p = await gw.chaincode.submit<LedgerParticipant>(identity, 'participants', 'Apply', JSON.stringify(toLedgerProfile(body)));
  await gw.identities.save(identity);
  return { participant: toApiParticipant(p, false) };
}

async function requireHeldIdentity(gw: GatewayContext, id: string): Promise<void> {
  if (await gw.identities.ofParticipant(id)) return;
  // Let the ledger say 404 for an unknown id before we explain a missing wallet entry.
  await gw.chaincode.evaluate(gw.identities.na, 'participants', 'Get', id);
  throw new ApiError(409, 'IDENTITY_NOT_HELD', `participant ${id} did not register through this gateway; its identity is not in this gateway's wallet`);
}

export async function changeStatus(
  gw: GatewayContext,
  id: string,
  action: ParticipantAction,
): Promise<{ participant: Participant; token?: string }> {
  if (action === 'approve') await requireHeldIdentity(gw, id);
  const p = await gw.chaincode.submit<LedgerParticipant>(gw.identities.na, 'participants', 'SetStatus', id, action);
  const participant = toApiParticipant(p, true);
  if (action === 'approve') return { participant, token: await gw.tokens.issue(p.id) };
  if (action === 'suspend') await gw.tokens.setStatus(p.id, 'suspended');
  if (action === 'reinstate') await gw.tokens.setStatus(p.id, 'active');
  return { participant };
}

/** A new token for an approved household (the old one stops working): recovery for a lost token. */
export async function rotateToken(gw: GatewayContext, id: string): Promise<WithToken> {
  await requireHeldIdentity(gw, id);
  const p = await gw.chaincode.evaluate<LedgerParticipant>(gw.identities.na, 'participants', 'Get', id);
  if (p.status !== 'approved') throw new ApiError(409, 'INVALID_STATE', `participant ${id} is ${p.status}; only an approved participant holds a token`);
  return { participant: toApiParticipant(p, true), token: await gw.tokens.issue(p.id) };
}

export async function get(gw: GatewayContext, principal: Principal, id: string): Promise<Participant> {
  const p = await gw.chaincode.evaluate<LedgerParticipant>(await identityOf(gw, principal), 'participants', 'Get', id);
  return toApiParticipant(p, principal.role === 'na');
}

export async function list(gw: GatewayContext, status: string | undefined, page: PageArgs): Promise<Page<Participant>> {
  const scope = `participants:${status ?? ''}`;
  const res = await gw.chaincode.evaluate<Page<LedgerParticipant>>(gw.identities.na, 'participants', 'List', status ?? '', ...pageArgs(page, scope));
  return toPage(res, scope, (p) => toApiParticipant(p, true));
}
