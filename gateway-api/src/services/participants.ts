/**
 * Participant use cases. Registration enrols the household its own X.509 identity
 * at the CA and stores it in the wallet *before* the transaction that binds it is submitted,
 * so a ledger that commits while the gateway crashes or loses the reply never leaves
 * a participant bound to a key nobody holds. A retried registration then reuses the
 * stored identity, and when the ledger already has the participant, approved and
 * bound to exactly that identity, with no token issued yet, the retry completes the
 * registration (200 and a token). A registration the ledger definitely refused
 * leaves no wallet entry behind.
 *
 * A self-custody registration enrols nothing: it registers the id at the CA with a
 * one-time secret and the participant on the ledger with no identity; the household
 * enrols its own CSR (`enrol`) and binds its key with a transaction it signs itself
 * (participants:Enrol). The gateway never holds that key.
 */
import type { Participant as LedgerParticipant } from '@ecch/chaincode';
import { ApiError } from '../errors/api-error';
import type { GatewayContext } from '../context';
import type { Principal } from '../auth/principal';
import { LedgerRefusal } from '../ledger/port';
import type { EnrolmentBody, Participant, ParticipantBody, RegistrationBody } from '../schemas/participants';
import { identityOf } from './actor';
import { atCa } from './at-ca';
import { pageArgs, toPage, type Page, type PageArgs } from './paging';
import { toApiParticipant, toLedgerProfile } from './units';

export type ParticipantAction = 'approve' | 'reject' | 'suspend' | 'reinstate';

export interface WithToken {
  participant: Participant;
  token: string;
}

export interface WithEnrolment {
  participant: Participant;
  enrolment: { enrollmentId: string; secret: string };
}

/** One registration flow per participant id at a time in this process (registrations share its wallet entry). */
const inFlight = new Map<string, Promise<unknown>>();

async function oneAtATime<T>(id: string, run: () => Promise<T>): Promise<T> {
  for (let pending = inFlight.get(id); pending; pending = inFlight.get(id)) await pending.catch(() => undefined);
  const running = run();
  inFlight.set(id, running);
  try {
    return await running;
  } finally {
    if (inFlight.get(id) === running) inFlight.delete(id);
  }
}

async function ledgerParticipant(gw: GatewayContext, id: string): Promise<LedgerParticipant | undefined> {
  try {
    return await gw.chaincode.evaluate(gw.identities.na, 'participants', 'Get', id);
  } catch (err) {
    if (err instanceof LedgerRefusal && err.code === 'NOT_FOUND') return undefined;
    throw err;
  }
}

/**
 * After a definite refusal: drop the prepared identity unless the ledger binds the id
 * to it (an earlier attempt of this registration committed). A just-issued one cannot
 * be bound (registrations of one id run one at a time), so it goes without asking.
 */
async function forgetUnlessBound(gw: GatewayContext, id: string, key: string, reused: boolean, found?: LedgerParticipant): Promise<void> {
  const p = found ?? (reused ? await ledgerParticipant(gw, id) : undefined);
  if (p?.identity !== key) await gw.identities.discard(id);
}

/**
 * NA registers a household, approved at once: custodial, with its token returned
 * once; or self-custody, with its one-time enrolment secret. `created` is false when
 * a retry completed an earlier attempt.
 */
export async function register(gw: GatewayContext, body: RegistrationBody): Promise<(WithToken | WithEnrolment) & { created: boolean }> {
  const { custody, ...profile } = body;
  return custody === 'self' ? registerSelfCustody(gw, profile) : registerCustodial(gw, profile);
}

async function registerCustodial(gw: GatewayContext, body: ParticipantBody): Promise<WithToken & { created: boolean }> {
  return oneAtATime(body.id, async () => {
    const { key, reused } = await atCa(() => gw.identities.prepare(body.id));
    let p: LedgerParticipant;
    try {
      p = await gw.chaincode.submit(
        gw.identities.na,
        'participants',
        'Register',
        JSON.stringify({ ...toLedgerProfile(body), identity: key }),
      );
    } catch (err) {
      if (!(err instanceof LedgerRefusal)) throw err; // outcome unknown: keep the identity for the retry
      const existing = err.code === 'ALREADY_EXISTS' ? await ledgerParticipant(gw, body.id) : undefined;
      // Committed earlier, reply lost before the token was issued: finish the registration.
      if (existing && existing.identity === key && existing.status === 'approved' && !gw.tokens.has(existing.id)) {
        return { participant: toApiParticipant(existing, true), token: await gw.tokens.issue(existing.id), created: false };
      }
      await forgetUnlessBound(gw, body.id, key, reused, existing);
      throw err;
    }
    const token = await gw.tokens.issue(p.id);
    return { participant: toApiParticipant(p, true), token, created: true };
  });
}

async function registerSelfCustody(gw: GatewayContext, body: ParticipantBody): Promise<WithEnrolment & { created: boolean }> {
  return oneAtATime(body.id, async () => {
    const enrolment = await atCa(() => gw.identities.prepareSelfCustody(body.id));
    try {
      const p = await gw.chaincode.submit(gw.identities.na, 'participants', 'Register', JSON.stringify(toLedgerProfile(body)));
      return { participant: toApiParticipant(p, true), enrolment, created: true };
    } catch (err) {
      if (!(err instanceof LedgerRefusal && err.code === 'ALREADY_EXISTS')) throw err;
      // Committed earlier, reply lost: registered for self-enrolment and not enrolled yet, so the secret still serves.
      const existing = await ledgerParticipant(gw, body.id);
      if (existing && existing.identity === undefined && existing.status === 'approved') {
        return { participant: toApiParticipant(existing, true), enrolment, created: false };
      }
      throw err;
    }
  });
}

/**
 * A self-custody household enrols: the CA signs its CSR under the one-time secret, and
 * it gets a gateway token. Its key stays with it; next it binds the key on the ledger
 * with a participants:Enrol transaction it signs itself (POST /v1/transactions).
 * A retry whose reply was lost (same secret, a CSR for the same key) answers the same
 * certificate and a new token.
 */
export async function enrol(gw: GatewayContext, body: EnrolmentBody): Promise<{ certificate: string; caCertificate: string; token: string; created: boolean }> {
  return oneAtATime(body.participantId, async () => {
    const { certificate, reused } = await atCa(() => gw.identities.enrolSelfCustody(body.participantId, body.secret, body.csr));
    return { certificate, caCertificate: gw.identities.caCertificate, token: await gw.tokens.issue(body.participantId), created: !reused };
  });
}

/**
 * A household applies under a new identity of its own; pending, no token until approved.
 * The identity is in the wallet before Apply is submitted, so an applicant whose reply
 * was lost can still be approved; a retried application is answered 409 ALREADY_EXISTS
 * (the caller is anonymous: it is not shown the pending record).
 */
export async function apply(gw: GatewayContext, body: ParticipantBody): Promise<{ participant: Participant }> {
  return oneAtATime(body.id, async () => {
    const { identity, key, reused } = await atCa(() => gw.identities.prepare(body.id));
    try {
      const p = await gw.chaincode.submit(identity, 'participants', 'Apply', JSON.stringify(toLedgerProfile(body)));
      return { participant: toApiParticipant(p, false) };
    } catch (err) {
      if (err instanceof LedgerRefusal) await forgetUnlessBound(gw, body.id, key, reused || err.code === 'ALREADY_EXISTS');
      throw err;
    }
  });
}

async function requireHeldIdentity(gw: GatewayContext, id: string, selfCustodyToo = false): Promise<void> {
  if (await gw.identities.ofParticipant(id)) return;
  if (selfCustodyToo && (await gw.identities.selfCustodyCertificate(id))) return;
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
  let p: LedgerParticipant;
  try {
    p = await gw.chaincode.submit(gw.identities.na, 'participants', 'SetStatus', id, action);
  } catch (err) {
    // An approval that committed but whose reply was lost: approved, and no token yet. The retry issues it.
    if (!(action === 'approve' && err instanceof LedgerRefusal && err.code === 'INVALID_STATE' && !gw.tokens.has(id))) throw err;
    const existing = await ledgerParticipant(gw, id);
    if (existing?.status !== 'approved') throw err;
    p = existing;
  }
  const participant = toApiParticipant(p, true);
  if (action === 'approve') return { participant, token: await gw.tokens.issue(p.id) };
  if (action === 'suspend') await gw.tokens.setStatus(p.id, 'suspended');
  if (action === 'reinstate') await gw.tokens.setStatus(p.id, 'active');
  return { participant };
}

/** A new token for an approved household (the old one stops working): recovery for a lost token. */
export async function rotateToken(gw: GatewayContext, id: string): Promise<WithToken> {
  await requireHeldIdentity(gw, id, true);
  const p = await gw.chaincode.evaluate(gw.identities.na, 'participants', 'Get', id);
  if (p.status !== 'approved') throw new ApiError(409, 'INVALID_STATE', `participant ${id} is ${p.status}; only an approved participant holds a token`);
  return { participant: toApiParticipant(p, true), token: await gw.tokens.issue(p.id) };
}

export async function get(gw: GatewayContext, principal: Principal, id: string): Promise<Participant> {
  const p = await gw.chaincode.evaluate(await identityOf(gw, principal), 'participants', 'Get', id);
  return toApiParticipant(p, principal.role === 'na');
}

export async function list(gw: GatewayContext, status: string | undefined, page: PageArgs): Promise<Page<Participant>> {
  const scope = `participants:${status ?? ''}`;
  const res = await gw.chaincode.evaluate(gw.identities.na, 'participants', 'List', status ?? '', ...pageArgs(page, scope));
  return toPage(res, scope, (p) => toApiParticipant(p, true));
}
