/**
 * Per-transaction facts every contract needs: the one clock (the transaction
 * timestamp), the caller's identity key and roles, and the single event.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { Context } from 'fabric-contract-api';
import { LedgerError } from '../domain/errors';
import { Participant, ParticipantStatus } from '../domain/model';
import { canonicalJson } from './json';
import { KEY } from './keys';
import { HOUSEHOLD_ORGS, ROLE_ATTRIBUTE, ROLES } from './roles';
import { read } from './state';

/** A protobuf timestamp (seconds as a Long, nanos) as RFC 3339 UTC with milliseconds. */
export function isoTime(ts: { seconds: { toString(): string }; nanos: number }): string {
  const seconds = Number(ts.seconds.toString());
  return new Date(seconds * 1000 + Math.floor(ts.nanos / 1_000_000)).toISOString();
}

/** RFC 3339 UTC time of the transaction, from the proposal's timestamp (never the local clock). */
export function txTime(ctx: Context): string {
  return isoTime(ctx.stub.getTxTimestamp());
}

/** The key a participant is bound to: `${mspId}::${x509 id}`. */
export function callerKey(ctx: Context): string {
  return `${ctx.clientIdentity.getMSPID()}::${ctx.clientIdentity.getID()}`;
}

const certificates = new WeakMap<Context, X509Certificate>();

/** The caller's certificate (the proposal's creator), parsed once per transaction. */
function callerCertificate(ctx: Context): X509Certificate {
  const cached = certificates.get(ctx);
  if (cached) return cached;
  const cert = new X509Certificate(Buffer.from(ctx.clientIdentity.getIDBytes()));
  certificates.set(ctx, cert);
  return cert;
}

/** Hex SHA-256 of the caller's SubjectPublicKeyInfo (DER): what a self-bound participant is pinned to. */
export function callerPublicKey(ctx: Context): string {
  const spki = callerCertificate(ctx).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('hex');
}

/** The caller certificate's subject common name (Fabric CA sets it to the enrolment id). */
export function callerCommonName(ctx: Context): string | undefined {
  const line = callerCertificate(ctx).subject.split('\n').find((l) => l.startsWith('CN='));
  return line?.slice(3);
}

/** Whether `p` is bound to the caller: the same identity key and, when pinned, the same public key. */
export function isBoundTo(p: Participant, ctx: Context): boolean {
  if (p.identity === undefined || p.identity !== callerKey(ctx)) return false;
  return p.publicKey === undefined || p.publicKey === callerPublicKey(ctx);
}

/** Whether the caller holds `role`: the attribute, from one of the organisations that role is bound to. */
export function hasRole(ctx: Context, role: keyof typeof ROLES): boolean {
  const { value, orgs } = ROLES[role];
  return (orgs as readonly string[]).includes(ctx.clientIdentity.getMSPID()) && ctx.clientIdentity.getAttributeValue(ROLE_ATTRIBUTE) === value;
}

/** The NA: `ecch.role=na` on a certificate of an NA organisation (a Grid-org certificate with the attribute is not the NA). */
export function isNa(ctx: Context): boolean {
  return hasRole(ctx, 'na');
}

/** Households are bound only to identities of the household organisations. */
export function requireHouseholdOrg(mspId: string, action: string): void {
  if (!HOUSEHOLD_ORGS.includes(mspId)) {
    throw new LedgerError('FORBIDDEN', `${action}: households are identities of ${HOUSEHOLD_ORGS.join(', ')}, not ${mspId}`);
  }
}

export function requireNa(ctx: Context, action: string): void {
  if (!isNa(ctx)) throw new LedgerError('FORBIDDEN', `only the network administrator may ${action}`);
}

/**
 * The identity record `[identityKey]`: the participant it is bound to and a copy of
 * that participant's status and pinned key, written with the participant by every
 * change of either (participants:Register/Apply/Enrol/SetStatus), so an order
 * transaction learns who the caller is from one read. A record written before the
 * copy was added holds only `participantId`.
 */
export interface IdentityBinding {
  participantId: string;
  status?: ParticipantStatus;
  publicKey?: string;
}

export function bindingOf(p: Pick<Participant, 'id' | 'status' | 'publicKey'>): IdentityBinding {
  return { participantId: p.id, status: p.status, ...(p.publicKey === undefined ? {} : { publicKey: p.publicKey }) };
}

/**
 * The participant bound to the caller, or undefined. A certificate with the bound
 * subject and issuer but another key than the one the household enrolled is not bound.
 */
export async function callerParticipant(ctx: Context): Promise<Participant | undefined> {
  const binding = await read<IdentityBinding>(ctx, KEY.identity, [callerKey(ctx)]);
  if (!binding) return undefined;
  const p = await read<Participant>(ctx, KEY.participant, [binding.participantId]);
  return p && isBoundTo(p, ctx) ? p : undefined;
}

/** Who the caller is, from its identity record alone when that carries the status (the key is the caller's own). */
async function callerRef(ctx: Context): Promise<Pick<Participant, 'id' | 'status'> | undefined> {
  const binding = await read<IdentityBinding>(ctx, KEY.identity, [callerKey(ctx)]);
  if (!binding) return undefined;
  if (binding.status === undefined) {
    const p = await read<Participant>(ctx, KEY.participant, [binding.participantId]);
    return p && isBoundTo(p, ctx) ? p : undefined;
  }
  if (binding.publicKey !== undefined && binding.publicKey !== callerPublicKey(ctx)) return undefined;
  return { id: binding.participantId, status: binding.status };
}

/** The caller as an approved household, or a typed refusal. */
export async function requireActiveHousehold(ctx: Context): Promise<Pick<Participant, 'id' | 'status'>> {
  const p = await callerRef(ctx);
  if (!p) throw new LedgerError('UNAUTHENTICATED', 'this identity is not bound to any participant');
  if (p.status !== 'approved') throw new LedgerError('PARTICIPANT_NOT_ACTIVE', `participant ${p.id} is ${p.status}`);
  return p;
}

/** Fabric keeps one chaincode event per transaction: each state change emits exactly one. */
export function emit(ctx: Context, name: string, payload: unknown): void {
  ctx.stub.setEvent(name, Buffer.from(canonicalJson(payload), 'utf8'));
}

/** The UTC day (YYYY-MM-DD) of an RFC 3339 instant. */
export function dayOf(iso: string): string {
  return iso.slice(0, 10);
}
