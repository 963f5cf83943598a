/**
 * Meters, readings and their evidence on the ledger (mechanisms.md §7). A reading's
 * keys all start with its meter id, so no key is written by two meters' readings and
 * a head-end system's batches never conflict with each other's meters.
 */
import { Context } from 'fabric-contract-api';
import { ErrorCode } from '../domain/errors';
import { Market } from '../domain/model';
import { Meter } from '../domain/meter';
import { Reading } from '../domain/reading';
import { ReconciliationEntry } from '../domain/reconciliation';
import { KEY } from './keys';
import { read, readRequired, scanKeys } from './state';
import { dayOf } from './tx';
import { id } from './validate';

/** A recorded reading: what the meter signed, its signature, and where the ledger filed it. */
export interface StoredReading {
  reading: Reading;
  signature: string;
  /** Hex SHA-256 of the canonical bytes. */
  digest: string;
  participantId: string;
  marketId: string;
  recordedAt: string;
  txId: string;
}

/** A second, different, validly signed reading for a meter and interval: kept as evidence, never counted. */
export interface ReadingConflict {
  reading: Reading;
  signature: string;
  digest: string;
  /** The digest of the reading recorded first (the one that counts). */
  recordedDigest: string;
  participantId: string;
  marketId: string;
  at: string;
  txId: string;
}

/** What became of one submitted reading. */
export interface ReadingOutcome {
  /** recorded: new; repeat: the same reading again (no-op); conflict: refused and kept as evidence; refused: nothing written. */
  outcome: 'recorded' | 'repeat' | 'conflict' | 'refused';
  meterId?: string;
  intervalStart?: string;
  marketId?: string;
  code?: ErrorCode;
  detail?: string;
}

/** A market's reconciliation as stored and answered (mechanisms.md §7). */
export interface Reconciliation {
  marketId: string;
  entries: ReconciliationEntry[];
  gridAmount: number;
  /** The grid's side of the imbalances (Wh): −Σ Δ. */
  gridWh: number;
  reconciledAt: string;
}

export function loadMeter(ctx: Context, meterId: string): Promise<Meter> {
  return readRequired<Meter>(ctx, KEY.meter, [id(meterId, 'meterId')], `meter ${meterId}`);
}

/** The participant's active meter id, if it has one. */
export async function activeMeterId(ctx: Context, participantId: string): Promise<string | undefined> {
  return (await read<{ meterId: string }>(ctx, KEY.participantMeter, [participantId]))?.meterId;
}

/** Every participant with an active meter, in participant id order (bounded by the community). */
export async function activeMeters(ctx: Context): Promise<{ participantId: string; meterId: string }[]> {
  const rows = await scanKeys(ctx, KEY.participantMeter, []);
  return rows.map((r) => ({ participantId: r.attributes[0], meterId: (JSON.parse(Buffer.from(r.value).toString('utf8')) as { meterId: string }).meterId }));
}

export function readingAt(ctx: Context, meterId: string, intervalStart: string): Promise<StoredReading | undefined> {
  return read<StoredReading>(ctx, KEY.reading, [meterId, intervalStart]);
}

/**
 * The live (not cancelled) market delivering exactly [start, start + minutes): the day
 * index holds one key per live market under [day, deliveryStart], and live markets never
 * overlap, so at most one starts at `start`. Undefined when none does, or its duration differs.
 */
export async function intervalMarket(ctx: Context, start: string, minutes: number): Promise<Market | undefined> {
  const rows = await scanKeys(ctx, KEY.marketDay, [dayOf(start), start]);
  for (const r of rows) {
    const market = await read<Market>(ctx, KEY.market, [r.attributes[2]]);
    if (market && market.status !== 'cancelled' && market.durationMinutes === minutes) return market;
  }
  return undefined;
}
