/**
 * Per-transaction facts every contract needs: the one clock (the transaction
 * timestamp), the caller's identity key and roles, and the single event.
 */
import { Context } from 'fabric-contract-api';
import { LedgerError } from '../domain/errors';
import { Participant } from '../domain/model';
import { canonicalJson } from './json';
import { KEY } from './keys';
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

/**
 * The NA role comes from a certificate attribute, never from an MSP name. The
 * attribute's name and value can be set per deployment through the chaincode
 * process's environment (identical on every peer).
 */
export function naAttribute(): { name: string; value: string } {
  return { name: process.env.ECCH_NA_ATTRIBUTE || 'ecch.role', value: process.env.ECCH_NA_VALUE || 'na' };
}

export function isNa(ctx: Context): boolean {
  const { name, value } = naAttribute();
  return ctx.clientIdentity.getAttributeValue(name) === value;
}

export function requireNa(ctx: Context, action: string): void {
  if (!isNa(ctx)) throw new LedgerError('FORBIDDEN', `only the network administrator may ${action}`);
}

/** The participant bound to the caller, or undefined. */
export async function callerParticipant(ctx: Context): Promise<Participant | undefined> {
  const binding = await read<{ participantId: string }>(ctx, KEY.identity, [callerKey(ctx)]);
  if (!binding) return undefined;
  return read<Participant>(ctx, KEY.participant, [binding.participantId]);
}

/** The caller as an approved household, or a typed refusal. */
export async function requireActiveHousehold(ctx: Context): Promise<Participant> {
  const p = await callerParticipant(ctx);
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
