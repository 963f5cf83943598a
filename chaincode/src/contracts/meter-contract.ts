/**
 * Meters (mechanisms.md §7): the NA registers each participant's meter with the
 * meter's own certificate (self-signed, or CA-issued with `ecch.meter=<meterId>`; never
 * a certificate with `ecch.role`). A participant has at most one active meter: registering a
 * new one marks the old one replaced (its record and readings stay, as history).
 */
import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { LedgerError } from '../domain/errors';
import { GRID_ACCOUNT, Participant } from '../domain/model';
import { Meter, parseMeterCertificate, requireMeterAttributes, requireValidAt } from '../domain/meter';
import { EcchContract } from './ecch-contract';
import { canonicalJson } from '../ledger/json';
import { KEY } from '../ledger/keys';
import { activeMeterId, loadMeter } from '../ledger/meters';
import { parsePageSize, read, readRequired, scanPage, write } from '../ledger/state';
import { callerParticipant, emit, isNa, requireNa, txTime } from '../ledger/tx';
import { id, onlyFields, parseObject } from '../ledger/validate';

@Info({ title: 'Meters', description: 'Each participant\'s meter and its certificate, registered by the NA; replacement keeps history' })
export class MeterContract extends EcchContract {
  constructor() {
    super('meters');
  }

  /**
   * Registers `{meterId, participantId, certificate}`. The same registration again
   * answers the meter as it stands (a retry never acts twice); another one under a
   * taken meter id, or for a key another meter holds, is ALREADY_EXISTS.
   */
  @Transaction()
  @Returns('string')
  public async Register(ctx: Context, input: string): Promise<string> {
    requireNa(ctx, 'register meters');
    const o = parseObject(input, 'meter');
    onlyFields(o, ['meterId', 'participantId', 'certificate'], 'meter');
    const meterId = id(o.meterId, 'meterId');
    const participantId = id(o.participantId, 'participantId');
    const cert = parseMeterCertificate(o.certificate);
    requireMeterAttributes(cert, meterId);
    const now = txTime(ctx);
    const existing = await read<Meter>(ctx, KEY.meter, [meterId]);
    if (existing) {
      if (existing.participantId === participantId && existing.publicKey === cert.publicKey && existing.status === 'active') {
        return canonicalJson({ meter: existing, created: false });
      }
      throw new LedgerError('ALREADY_EXISTS', `meter ${meterId} is already registered (${existing.status}, for ${existing.participantId})`);
    }
    if (participantId === GRID_ACCOUNT) throw new LedgerError('INVALID_ARGUMENT', 'the grid has no meter');
    await readRequired<Participant>(ctx, KEY.participant, [participantId], `participant ${participantId}`);
    const holder = await read<{ meterId: string }>(ctx, KEY.meterKey, [cert.publicKey]);
    if (holder) throw new LedgerError('ALREADY_EXISTS', `meter ${holder.meterId} already holds this certificate's key`);
    requireValidAt(cert, now);

    const previousId = await activeMeterId(ctx, participantId);
    let replaced: Meter | undefined;
    if (previousId) {
      const previous = await loadMeter(ctx, previousId);
      replaced = { ...previous, status: 'replaced', replacedAt: now, replacedBy: meterId };
      await write(ctx, KEY.meter, [previousId], replaced);
    }
    const meter: Meter = {
      meterId,
      participantId,
      certificate: o.certificate as string,
      publicKey: cert.publicKey,
      status: 'active',
      registeredAt: now,
      notBefore: cert.notBefore,
      notAfter: cert.notAfter,
      ...(previousId ? { replaces: previousId } : {}),
    };
    await write(ctx, KEY.meter, [meterId], meter);
    await write(ctx, KEY.participantMeter, [participantId], { meterId });
    await write(ctx, KEY.meterKey, [cert.publicKey], { meterId });
    emit(ctx, 'meter.registered', { meterId, participantId, registeredAt: now, replaced: replaced?.meterId ?? null });
    return canonicalJson({ meter, created: true });
  }

  /** One meter (NA, or the household it belongs to). */
  @Transaction(false)
  @Returns('string')
  public async Get(ctx: Context, meterId: string): Promise<string> {
    const meter = await loadMeter(ctx, meterId);
    await requireNaOrOwner(ctx, meter.participantId, `read meter ${meterId}`);
    return canonicalJson(meter);
  }

  /** Every meter, active and replaced, by meter id (NA). */
  @Transaction(false)
  @Returns('string')
  public async List(ctx: Context, pageSize: string, bookmark: string): Promise<string> {
    requireNa(ctx, 'list meters');
    return canonicalJson(await scanPage<Meter>(ctx, KEY.meter, [], parsePageSize(pageSize), bookmark));
  }

  /** The participant's active meter (NA, or that household); NOT_FOUND when it has none. */
  @Transaction(false)
  @Returns('string')
  public async GetForParticipant(ctx: Context, participantId: string): Promise<string> {
    await requireNaOrOwner(ctx, id(participantId, 'participantId'), `read the meter of ${participantId}`);
    const meterId = await activeMeterId(ctx, participantId);
    if (!meterId) throw new LedgerError('NOT_FOUND', `participant ${participantId} has no active meter`);
    return canonicalJson(await loadMeter(ctx, meterId));
  }
}

async function requireNaOrOwner(ctx: Context, participantId: string, action: string): Promise<void> {
  if (isNa(ctx)) return;
  const caller = await callerParticipant(ctx);
  if (caller?.id !== participantId) throw new LedgerError('FORBIDDEN', `only the network administrator or ${participantId} may ${action}`);
}
