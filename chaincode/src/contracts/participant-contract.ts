/**
 * Participants: the NA registers and approves households; a household may also
 * apply itself. Each participant is bound to exactly one client identity: named by
 * the NA at registration (a key the gateway holds for the household), or bound by
 * the household's own transaction (Apply, or Enrol after a registration for
 * self-enrolment), which also pins the certificate's public key.
 */
import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { EcchContract } from './ecch-contract';
import { LedgerError } from '../domain/errors';
import { DWELLING_TYPES, GRID_ACCOUNT, Participant, PARTICIPANT_KINDS, PARTICIPANT_STATUSES, ParticipantStatus } from '../domain/model';
import { canonicalJson } from '../ledger/json';
import { KEY } from '../ledger/keys';
import { indexPage, parsePageSize, read, readRequired, remove, scanPage, write, writeIndex } from '../ledger/state';
import {
  bindingOf,
  callerCommonName,
  callerKey,
  callerParticipant,
  callerPublicKey,
  emit,
  isBoundTo,
  isNa,
  requireHouseholdOrg,
  requireNa,
  txTime,
} from '../ledger/tx';
import { Json, id, int, oneOf, onlyFields, optional, parseObject, text } from '../ledger/validate';

const PROFILE_FIELDS = ['id', 'name', 'kind', 'pvWp', 'batteryWh', 'lot', 'dwelling'] as const;

type Profile = Pick<Participant, 'id' | 'name' | 'kind' | 'pvWp' | 'batteryWh' | 'lot' | 'dwelling'>;

function parseProfile(o: Json): Profile {
  const pid = id(o.id, 'id');
  if (pid === GRID_ACCOUNT) throw new LedgerError('INVALID_ARGUMENT', `id "${GRID_ACCOUNT}" is reserved for the grid account`);
  const profile: Profile = { id: pid, name: text(o.name, 'name'), kind: oneOf(o.kind, 'kind', PARTICIPANT_KINDS) };
  const pvWp = optional(o.pvWp, (v) => int(v, 'pvWp', 0, 1_000_000));
  const batteryWh = optional(o.batteryWh, (v) => int(v, 'batteryWh', 0, 1_000_000));
  const lot = optional(o.lot, (v) => int(v, 'lot', 1, 99));
  const dwelling = optional(o.dwelling, (v) => oneOf(v, 'dwelling', DWELLING_TYPES));
  if (pvWp !== undefined) profile.pvWp = pvWp;
  if (batteryWh !== undefined) profile.batteryWh = batteryWh;
  if (lot !== undefined) profile.lot = lot;
  if (dwelling !== undefined) profile.dwelling = dwelling;
  return profile;
}

/** Which status each NA action leads to, from which statuses. */
const TRANSITIONS: Record<string, { from: ParticipantStatus[]; to: ParticipantStatus; event: string }> = {
  approve: { from: ['pending'], to: 'approved', event: 'participant.approved' },
  reject: { from: ['pending'], to: 'rejected', event: 'participant.rejected' },
  suspend: { from: ['approved'], to: 'suspended', event: 'participant.suspended' },
  reinstate: { from: ['suspended'], to: 'approved', event: 'participant.reinstated' },
};

@Info({ title: 'Participants', description: 'ECCH households and their bound identities' })
export class ParticipantContract extends EcchContract {
  constructor() {
    super('participants');
  }

  private async requireFree(ctx: Context, participantId: string, identity: string | undefined): Promise<void> {
    if (await read(ctx, KEY.participant, [participantId])) {
      throw new LedgerError('ALREADY_EXISTS', `participant ${participantId} already exists`);
    }
    if (identity !== undefined) await this.requireUnboundIdentity(ctx, identity);
  }

  private async requireUnboundIdentity(ctx: Context, identity: string): Promise<void> {
    const bound = await read<{ participantId: string }>(ctx, KEY.identity, [identity]);
    if (bound) throw new LedgerError('ALREADY_EXISTS', `this identity is already bound to participant ${bound.participantId}`);
  }

  private async create(ctx: Context, profile: Profile, binding: Pick<Participant, 'identity' | 'publicKey'>, status: ParticipantStatus, event: string): Promise<string> {
    await this.requireFree(ctx, profile.id, binding.identity);
    const now = txTime(ctx);
    const participant: Participant = { ...profile, status, ...binding, registeredAt: now, updatedAt: now };
    await write(ctx, KEY.participant, [profile.id], participant);
    await writeIndex(ctx, KEY.participantStatus, [status, profile.id]);
    if (binding.identity !== undefined) await write(ctx, KEY.identity, [binding.identity], bindingOf(participant));
    emit(ctx, event, { id: profile.id, kind: profile.kind, status });
    return canonicalJson(participant);
  }

  /**
   * NA registers a household, approved at once: bound to `identity`
   * (`${mspId}::${x509 id}`), or, with no identity, left for the household to bind
   * with its own key through Enrol.
   */
  @Transaction()
  @Returns('string')
  public async Register(ctx: Context, input: string): Promise<string> {
    requireNa(ctx, 'register participants');
    const o = parseObject(input, 'participant');
    onlyFields(o, [...PROFILE_FIELDS, 'identity'], 'participant');
    const identity = optional(o.identity, (v) => text(v, 'identity', 1024));
    if (identity !== undefined) {
      if (!identity.includes('::x509::')) throw new LedgerError('INVALID_ARGUMENT', 'identity must be "<mspId>::x509::<subject>::<issuer>"');
      requireHouseholdOrg(identity.slice(0, identity.indexOf('::')), 'register a participant');
    }
    return this.create(ctx, parseProfile(o), identity === undefined ? {} : { identity }, 'approved', 'participant.registered');
  }

  /**
   * A household registered for self-enrolment binds the identity that signs this
   * transaction, pinned to its public key: a Community client certificate whose
   * common name is the participant id (Fabric CA sets it to the enrolment id, which
   * only the holder of the one-time enrolment secret could enrol).
   */
  @Transaction()
  @Returns('string')
  public async Enrol(ctx: Context, participantId: string): Promise<string> {
    const pid = id(participantId, 'participantId');
    requireHouseholdOrg(ctx.clientIdentity.getMSPID(), 'enrol');
    if (isNa(ctx)) throw new LedgerError('FORBIDDEN', 'the network administrator cannot enrol as a household');
    const p = await readRequired<Participant>(ctx, KEY.participant, [pid], `participant ${pid}`);
    if (p.identity !== undefined) throw new LedgerError('INVALID_STATE', `participant ${pid} is already bound to an identity`);
    if (p.status !== 'approved') throw new LedgerError('PARTICIPANT_NOT_ACTIVE', `participant ${pid} is ${p.status}`);
    if (callerCommonName(ctx) !== pid) {
      throw new LedgerError('FORBIDDEN', `enrol as ${pid}: the certificate's common name must be the participant id`);
    }
    const identity = callerKey(ctx);
    await this.requireUnboundIdentity(ctx, identity);
    const updated: Participant = { ...p, identity, publicKey: callerPublicKey(ctx), updatedAt: txTime(ctx) };
    await write(ctx, KEY.participant, [pid], updated);
    await write(ctx, KEY.identity, [identity], bindingOf(updated));
    emit(ctx, 'participant.enrolled', { id: pid, status: updated.status });
    return canonicalJson(updated);
  }

  /** A household applies under its own identity; it stays pending until the NA approves. */
  @Transaction()
  @Returns('string')
  public async Apply(ctx: Context, input: string): Promise<string> {
    requireHouseholdOrg(ctx.clientIdentity.getMSPID(), 'apply');
    const o = parseObject(input, 'participant');
    onlyFields(o, PROFILE_FIELDS, 'participant');
    return this.create(ctx, parseProfile(o), { identity: callerKey(ctx), publicKey: callerPublicKey(ctx) }, 'pending', 'participant.applied');
  }

  @Transaction()
  @Returns('string')
  public async SetStatus(ctx: Context, participantId: string, action: string): Promise<string> {
    requireNa(ctx, 'change a participant\'s status');
    const transition = TRANSITIONS[oneOf(action, 'action', Object.keys(TRANSITIONS).sort())];
    const p = await readRequired<Participant>(ctx, KEY.participant, [id(participantId, 'participantId')], `participant ${participantId}`);
    if (!transition.from.includes(p.status)) {
      throw new LedgerError('INVALID_STATE', `cannot ${action} participant ${p.id}: it is ${p.status}`);
    }
    const updated: Participant = { ...p, status: transition.to, updatedAt: txTime(ctx) };
    await write(ctx, KEY.participant, [p.id], updated);
    // The identity record carries the status: a household's next transaction reads only it.
    if (p.identity !== undefined) await write(ctx, KEY.identity, [p.identity], bindingOf(updated));
    await remove(ctx, KEY.participantStatus, [p.status, p.id]);
    await writeIndex(ctx, KEY.participantStatus, [updated.status, p.id]);
    emit(ctx, transition.event, { id: p.id, status: updated.status });
    return canonicalJson(updated);
  }

  @Transaction(false)
  @Returns('string')
  public async Get(ctx: Context, participantId: string): Promise<string> {
    const p = await readRequired<Participant>(ctx, KEY.participant, [id(participantId, 'participantId')], `participant ${participantId}`);
    if (!isNa(ctx) && !isBoundTo(p, ctx)) {
      throw new LedgerError('FORBIDDEN', 'a household may read only its own participant record');
    }
    return canonicalJson(p);
  }

  @Transaction(false)
  @Returns('string')
  public async Whoami(ctx: Context): Promise<string> {
    const p = await callerParticipant(ctx);
    if (!p) throw new LedgerError('UNAUTHENTICATED', 'this identity is not bound to any participant');
    return canonicalJson(p);
  }

  /** Paged list in id order; with a status filter, through the status index. */
  @Transaction(false)
  @Returns('string')
  public async List(ctx: Context, status: string, pageSize: string, bookmark: string): Promise<string> {
    requireNa(ctx, 'list participants');
    const size = parsePageSize(pageSize);
    if (status === '') return canonicalJson(await scanPage<Participant>(ctx, KEY.participant, [], size, bookmark));
    const page = await indexPage(ctx, KEY.participantStatus, [oneOf(status, 'status', PARTICIPANT_STATUSES)], size, bookmark);
    const items: Participant[] = [];
    for (const [, pid] of page.items) {
      const p = await read<Participant>(ctx, KEY.participant, [pid]);
      if (p) items.push(p);
    }
    return canonicalJson({ items, bookmark: page.bookmark });
  }
}
