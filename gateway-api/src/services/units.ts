/**
 * The API speaks kWp and kWh for installed capacity (api.md); the ledger keeps
 * whole Wp and Wh (no floating point on the ledger). Converted here and only here.
 */
import type { Participant as LedgerParticipant } from '@ecch/chaincode';
import type { Participant, ParticipantBody } from '../schemas/participants';

export type LedgerProfile = Pick<LedgerParticipant, 'id' | 'name' | 'kind' | 'pvWp' | 'batteryWh' | 'lot' | 'dwelling'>;

/** kilo-units with decimals → whole units, rounded half away from zero (inputs are ≥ 0). */
export function toWhole(kilo: number): number {
  return Math.round(kilo * 1000);
}

export function toKilo(whole: number): number {
  return whole / 1000;
}

export function toLedgerProfile(body: ParticipantBody): LedgerProfile {
  const profile: LedgerProfile = { id: body.id, name: body.name, kind: body.kind };
  if (body.pvKwp !== undefined) profile.pvWp = toWhole(body.pvKwp);
  if (body.batteryKwh !== undefined) profile.batteryWh = toWhole(body.batteryKwh);
  if (body.lot !== undefined) profile.lot = body.lot;
  if (body.dwelling !== undefined) profile.dwelling = body.dwelling;
  return profile;
}

/** The API view; the bound ledger identity is shown to the NA only (it is an audit fact, not a household's business). */
export function toApiParticipant(p: LedgerParticipant, showIdentity: boolean): Participant {
  const out: Participant = { id: p.id, name: p.name, kind: p.kind, status: p.status, registeredAt: p.registeredAt, updatedAt: p.updatedAt };
  if (p.pvWp !== undefined) out.pvKwp = toKilo(p.pvWp);
  if (p.batteryWh !== undefined) out.batteryKwh = toKilo(p.batteryWh);
  if (p.lot !== undefined) out.lot = p.lot;
  if (p.dwelling !== undefined) out.dwelling = p.dwelling;
  if (showIdentity && p.identity !== undefined) out.identity = p.identity;
  if (p.identity === undefined) out.awaitingEnrolment = true;
  return out;
}
