/**
 * Participants: the NA registers and approves households; a household may also
 * apply itself. Each participant is bound to exactly one client identity.
 */
import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { EcchContract } from './ecch-contract';
import { LedgerError } from '../domain/errors';
import { DWELLING_TYPES, GRID_ACCOUNT, Participant, PARTICIPANT_KINDS, PARTICIPANT_STATUSES, ParticipantStatus } from '../domain/model';
import { canonicalJson } from '../ledger/json';
import { KEY } from '../ledger/keys';
import { indexPage, parsePageSize, read, readRequired, remove, scanPage, write, writeIndex } from '../ledger/state';
import { callerKey, callerParticipant, emit, isNa, requireHouseholdOrg, requireNa, txTime } from '../ledger/tx';
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

  private async create(ctx: Context, profile: Profile, identity: string, status: ParticipantStatus, event: string): Promise<string> {
    if (await read(ctx, KEY.participant, [profile.id])) {
      throw new LedgerError('ALREADY_EXISTS', `participant ${profile.id} already exists`);
    }
    const bound = await read<{ participantId: string }>(ctx, KEY.identity, [identity]);
    if (bound) throw new LedgerError('ALREADY_EXISTS', `this identity is already bound to participant ${bound.participantId}`);
    const now = txTime(ctx);
    const participant: Participant = { ...profile, status, identity, registeredAt: now, updatedAt: now };
    await write(ctx, KEY.participant, [profile.id], participant);
    await writeIndex(ctx, KEY.participantStatus, [status, profile.id]);
    await write(ctx, KEY.identity, [identity], { participantId: profile.id });
    emit(ctx, event, { id: profile.id, kind: profile.kind, status });
    return canonicalJson(participant);
  }

  /** NA registers a household bound to `identity` (`${mspId}::${x509 id}`); it is approved at once. */
  @Transaction()
  @Returns('string')
  public async Register(ctx: Context, input: string): Promise<string> {
    requireNa(ctx, 'register participants');
    const o = parseObject(input, 'participant');
    onlyFields(o, [...PROFILE_FIELDS, 'identity'], 'participant');
    const identity = text(o.identity, 'identity', 1024);
    if (!identity.includes('::x509::')) throw new LedgerError('INVALID_ARGUMENT', 'identity must be "<mspId>::x509::<subject>::<issuer>"');
    requireHouseholdOrg(identity.slice(0, identity.indexOf('::')), 'register a participant');
    return this.create(ctx, parseProfile(o), identity, 'approved', 'participant.registered');
  }

  /** A household applies under its own identity; it stays pending until the NA approves. */
  @Transaction()
  @Returns('string')
  public async Apply(ctx: Context, input: string): Promise<string> {
    requireHouseholdOrg(ctx.clientIdentity.getMSPID(), 'apply');
    const o = parseObject(input, 'participant');
    onlyFields(o, PROFILE_FIELDS, 'participant');
    return this.create(ctx, parseProfile(o), callerKey(ctx), 'pending', 'participant.applied');
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
    await remove(ctx, KEY.participantStatus, [p.status, p.id]);
    await writeIndex(ctx, KEY.participantStatus, [updated.status, p.id]);
    emit(ctx, transition.event, { id: p.id, status: updated.status });
    return canonicalJson(updated);
  }

  @Transaction(false)
  @Returns('string')
  public async Get(ctx: Context, participantId: string): Promise<string> {
    const p = await readRequired<Participant>(ctx, KEY.participant, [id(participantId, 'participantId')], `participant ${participantId}`);
    if (!isNa(ctx) && p.identity !== callerKey(ctx)) {
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
