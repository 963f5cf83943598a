/**
 * Signed meter readings (mechanisms.md §7). Anyone may submit (a head-end system
 * batching many meters): the meter's signature, verified here against its registered
 * certificate, is what proves a reading, not the submitter.
 *
 * A reading finds its market by its interval: the live market whose deliveryStart is
 * intervalStart and whose durationMinutes is intervalMinutes. It is accepted from the
 * interval's start (transaction time) until that market is reconciled.
 *
 * A conflicting reading must be kept as evidence, yet a Fabric transaction that throws
 * commits nothing: so a conflict is the transaction's result, not an exception, and
 * the transaction commits the evidence record. A batch likewise answers one result per
 * item and commits what was accepted.
 */
import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { LedgerError } from '../domain/errors';
import { Market } from '../domain/model';
import { Meter, parseMeterCertificate } from '../domain/meter';
import { intervalStartKey, parseReading, parseSignature, Reading, readingDigest, requireSignedBy } from '../domain/reading';
import { EcchContract } from './ecch-contract';
import { canonicalJson } from '../ledger/json';
import { KEY } from '../ledger/keys';
import { intervalMarket, ReadingConflict, readingAt, ReadingOutcome, StoredReading } from '../ledger/meters';
import { parsePageSize, read, scanPage, write } from '../ledger/state';
import { emit, requireNa, txTime } from '../ledger/tx';
import { id } from '../ledger/validate';

/** The most readings one transaction carries (a head-end batch; a community of a few hundred meters fits in one). */
export const MAX_BATCH_READINGS = 1000;
/** A signed reading is ≈ 260 bytes of JSON; this bounds a full batch with room to spare. */
export const MAX_BATCH_BYTES = MAX_BATCH_READINGS * 400;

type MeterKey = ReturnType<typeof parseMeterCertificate>['key'];

/**
 * Registered certificates' public keys, by certificate text, for the life of the
 * chaincode process: a head-end sends every meter's reading each hour, and parsing the
 * certificate again each time was ~7 % of a trading hour's CPU. The key depends only on
 * the text, so what a transaction writes does not depend on the cache.
 */
const meterKeys = new Map<string, MeterKey>();
const MAX_CACHED_METER_KEYS = 10_000;

function meterKey(certificate: string): MeterKey {
  let key = meterKeys.get(certificate);
  if (!key) {
    key = parseMeterCertificate(certificate).key;
    if (meterKeys.size >= MAX_CACHED_METER_KEYS) meterKeys.clear();
    meterKeys.set(certificate, key);
  }
  return key;
}

/** One transaction's readings: caches so a batch reads each meter and market once, and its own writes (Fabric has no read-your-writes). */
class ReadingBatch {
  private readonly meters = new Map<string, { meter: Meter; key: MeterKey }>();
  private readonly markets = new Map<string, Market | undefined>();
  private readonly written = new Map<string, string>();
  readonly recorded: { meterId: string; intervalStart: string; marketId: string }[] = [];
  readonly conflicts: { meterId: string; intervalStart: string; marketId: string }[] = [];

  constructor(
    private readonly ctx: Context,
    private readonly now: string,
  ) {}

  private async meter(meterId: string) {
    let m = this.meters.get(meterId);
    if (!m) {
      const meter = await read<Meter>(this.ctx, KEY.meter, [meterId]);
      if (!meter) throw new LedgerError('NOT_FOUND', `meter ${meterId} is not registered`);
      m = { meter, key: meterKey(meter.certificate) };
      this.meters.set(meterId, m);
    }
    return m;
  }

  private async market(start: string, minutes: number): Promise<Market | undefined> {
    const k = `${start}/${minutes}`;
    if (!this.markets.has(k)) this.markets.set(k, await intervalMarket(this.ctx, start, minutes));
    return this.markets.get(k);
  }

  /** One item: verify first, then file it; throws a LedgerError for a refusal that writes nothing. */
  async accept(item: unknown): Promise<ReadingOutcome> {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw new LedgerError('INVALID_ARGUMENT', 'a signed reading is an object {reading, signature}');
    }
    const o = item as Record<string, unknown>;
    for (const k of Object.keys(o).sort()) {
      if (k !== 'reading' && k !== 'signature') throw new LedgerError('INVALID_ARGUMENT', `signed reading: unknown field "${k}"`);
    }
    const reading = parseReading(o.reading);
    const signature = parseSignature(o.signature);
    const { meter, key } = await this.meter(reading.meterId);
    requireSignedBy(reading, signature, key);

    const start = intervalStartKey(reading);
    const where = { meterId: reading.meterId, intervalStart: reading.intervalStart };
    if (meter.replacedAt !== undefined && start >= meter.replacedAt) {
      throw new LedgerError('INVALID_STATE', `meter ${meter.meterId} was replaced at ${meter.replacedAt}; it reads no later interval`);
    }
    if (this.now < start) throw new LedgerError('INVALID_STATE', `the interval ${reading.intervalStart} has not started (now ${this.now})`);
    const market = await this.market(start, reading.intervalMinutes);
    if (!market) {
      throw new LedgerError('NOT_FOUND', `no market delivers ${reading.intervalMinutes} minutes from ${reading.intervalStart}`);
    }

    const digest = readingDigest(reading);
    const slot = `${reading.meterId}\u0000${start}`;
    const recordedDigest = this.written.get(slot) ?? (await readingAt(this.ctx, reading.meterId, start))?.digest;
    if (recordedDigest === digest) return { outcome: 'repeat', ...where, marketId: market.id };
    if (recordedDigest !== undefined) {
      await this.keepConflict(reading, signature, digest, recordedDigest, meter, market, start);
      return {
        outcome: 'conflict',
        ...where,
        marketId: market.id,
        code: 'READING_CONFLICT',
        detail: `meter ${reading.meterId} already has a different reading for ${reading.intervalStart}; this one is kept as evidence`,
      };
    }
    if (market.status === 'reconciled') {
      throw new LedgerError('READING_LATE', `market ${market.id} is reconciled; no reading for ${reading.intervalStart} is accepted any more`);
    }
    const stored: StoredReading = { reading, signature, digest, participantId: meter.participantId, marketId: market.id, recordedAt: this.now, txId: this.ctx.stub.getTxID() };
    await write(this.ctx, KEY.reading, [reading.meterId, start], stored);
    this.written.set(slot, digest);
    this.recorded.push({ ...where, marketId: market.id });
    return { outcome: 'recorded', ...where, marketId: market.id };
  }

  private async keepConflict(reading: Reading, signature: string, digest: string, recordedDigest: string, meter: Meter, market: Market, start: string) {
    const parts = [reading.meterId, start, digest];
    this.conflicts.push({ meterId: reading.meterId, intervalStart: reading.intervalStart, marketId: market.id });
    if (this.written.has(parts.join('\u0000')) || (await read(this.ctx, KEY.readingConflict, parts))) return; // the same evidence once
    const evidence: ReadingConflict = { reading, signature, digest, recordedDigest, participantId: meter.participantId, marketId: market.id, at: this.now, txId: this.ctx.stub.getTxID() };
    await write(this.ctx, KEY.readingConflict, parts, evidence);
    this.written.set(parts.join('\u0000'), digest);
  }

  /** One event per transaction: reading.recorded when it recorded any, else reading.conflict when it kept evidence. */
  announce(): void {
    const payload = { recorded: this.recorded, conflicts: this.conflicts };
    if (this.recorded.length > 0) emit(this.ctx, 'reading.recorded', payload);
    else if (this.conflicts.length > 0) emit(this.ctx, 'reading.conflict', payload);
  }
}

function parseJson(raw: string, what: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    throw new LedgerError('INVALID_ARGUMENT', `${what} is not valid JSON`);
  }
}

@Info({ title: 'Readings', description: 'Meter readings signed by their meters (ECDSA P-256), one or a batch per transaction; conflicts kept as evidence' })
export class ReadingContract extends EcchContract {
  constructor() {
    super('readings');
  }

  /** A batch's one argument may exceed the other transactions' limit; everything else keeps it. */
  protected override checkArguments(ctx: Context): void {
    const { fcn, params } = ctx.stub.getFunctionAndParameters();
    if (fcn.endsWith('SubmitBatch') && params.length === 1) {
      const bytes = Buffer.byteLength(params[0], 'utf8');
      if (bytes > MAX_BATCH_BYTES) throw new LedgerError('INPUT_TOO_LARGE', `a batch is ${bytes} bytes; the limit is ${MAX_BATCH_BYTES}`);
      return;
    }
    super.checkArguments(ctx);
  }

  /** One signed reading `{reading, signature}`. A conflict is answered (and its evidence committed); other refusals throw. */
  @Transaction()
  @Returns('string')
  public async Submit(ctx: Context, input: string): Promise<string> {
    const batch = new ReadingBatch(ctx, txTime(ctx));
    const outcome = await batch.accept(parseJson(input, 'signed reading'));
    batch.announce();
    return canonicalJson(outcome);
  }

  /** A JSON array of signed readings: one outcome per item, in order; the accepted ones commit together. */
  @Transaction()
  @Returns('string')
  public async SubmitBatch(ctx: Context, items: string): Promise<string> {
    const list = parseJson(items, 'batch');
    if (!Array.isArray(list) || list.length === 0) throw new LedgerError('INVALID_ARGUMENT', 'a batch is a non-empty JSON array of {reading, signature}');
    if (list.length > MAX_BATCH_READINGS) throw new LedgerError('INPUT_TOO_LARGE', `a batch carries at most ${MAX_BATCH_READINGS} readings, got ${list.length}`);
    const batch = new ReadingBatch(ctx, txTime(ctx));
    const results: ReadingOutcome[] = [];
    for (const item of list) {
      try {
        results.push(await batch.accept(item));
      } catch (err) {
        if (!(err instanceof LedgerError)) throw err;
        results.push({ outcome: 'refused', code: err.code, detail: err.detail, ...whereOf(item) });
      }
    }
    batch.announce();
    return canonicalJson({ results });
  }

  /** The evidence: conflicting readings, by meter and interval (NA); one meter's with `meterId`. */
  @Transaction(false)
  @Returns('string')
  public async ListConflicts(ctx: Context, meterId: string, pageSize: string, bookmark: string): Promise<string> {
    requireNa(ctx, 'list reading conflicts');
    const parts = meterId === '' ? [] : [id(meterId, 'meterId')];
    return canonicalJson(await scanPage<ReadingConflict>(ctx, KEY.readingConflict, parts, parsePageSize(pageSize), bookmark));
  }

  /** A recorded reading (NA: a household's consumption is not public). */
  @Transaction(false)
  @Returns('string')
  public async Get(ctx: Context, meterId: string, intervalStart: string): Promise<string> {
    requireNa(ctx, 'read meter readings');
    const start = intervalStartKey(parseReading({ meterId, intervalStart, intervalMinutes: 1, importWh: 0, exportWh: 0, seq: 0 }));
    const stored = await readingAt(ctx, meterId, start);
    if (!stored) throw new LedgerError('NOT_FOUND', `meter ${meterId} has no reading for ${intervalStart}`);
    return canonicalJson(stored);
  }
}

/** The meter and interval of an item, when it names them, so a refused item can be matched to what was sent. */
function whereOf(item: unknown): { meterId?: string; intervalStart?: string } {
  const r = (item as { reading?: { meterId?: unknown; intervalStart?: unknown } } | null)?.reading;
  if (typeof r !== 'object' || r === null) return {};
  return {
    ...(typeof r.meterId === 'string' && r.meterId.length <= 64 ? { meterId: r.meterId } : {}),
    ...(typeof r.intervalStart === 'string' && r.intervalStart.length <= 32 ? { intervalStart: r.intervalStart } : {}),
  };
}
