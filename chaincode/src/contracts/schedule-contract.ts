/**
 * Schedules of the market clock (mechanisms.md §6; kind `auction`, RS3, creates an
 * auction per interval and closes it at its end, see auctionIntervalAt): the NA describes
 * a run of delivery intervals once; the clock in each gateway creates, opens,
 * gate-closes and clears every interval's market through the ordinary markets
 * transactions, so every market rule (overlap, horizon, tariffs) still applies to
 * each one. The schedule itself only holds the plan; the markets' statuses are the
 * clock's progress. Cancel stops every later step; markets already created stay
 * with the NA.
 */
import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { LedgerError } from '../domain/errors';
import { GRID_ACCOUNT, Market, MECHANISMS, Participant } from '../domain/model';
import { Auction, MAX_AUCTION_PRICE, MAX_LOT_WH } from '../domain/auction';
import {
  AUCTION_STEPS,
  auctionIntervalsOf,
  AuctionTemplate,
  intervalAt,
  intervalsOf,
  MAX_OPEN_LEAD_MINUTES,
  MAX_SCHEDULE_COUNT,
  MAX_SCHEDULE_ID_LENGTH,
  Schedule,
  SCHEDULE_KINDS,
  scheduleSpan,
  STEPS,
  Tariff,
} from '../domain/schedule';
import { EcchContract } from './ecch-contract';
import { HORIZON_AHEAD_DAYS, HORIZON_BEHIND_DAYS } from './market-contract';
import { canonicalJson, fromBytes } from '../ledger/json';
import { ENTRY_SEP, KEY, newestFirst, SCHEDULE_SPAN_PREFIX, scheduleSpanKey } from '../ledger/keys';
import { parsePageSize, read, readRequired, scanPage, write } from '../ledger/state';
import { emit, requireNa, txTime } from '../ledger/tx';
import { id, instant, int, Json, oneOf, onlyFields, optional, parseObject, text } from '../ledger/validate';

const MAX_PRICE = 1_000_000_000; // µ/kWh, as markets:Create
const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

function tariffOf(value: unknown, field: string): Tariff {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new LedgerError('INVALID_ARGUMENT', `${field} must be an object {gridBuyPrice, gridSellPrice}`);
  }
  const o = value as Json;
  onlyFields(o, ['gridBuyPrice', 'gridSellPrice'], field);
  const gridBuyPrice = int(o.gridBuyPrice, `${field}.gridBuyPrice`, 0, MAX_PRICE);
  const gridSellPrice = int(o.gridSellPrice, `${field}.gridSellPrice`, 0, MAX_PRICE);
  if (!(gridSellPrice < gridBuyPrice)) {
    throw new LedgerError('INVALID_TARIFF', `${field}: gridSellPrice (${gridSellPrice}) must be below gridBuyPrice (${gridBuyPrice})`);
  }
  return { gridBuyPrice, gridSellPrice };
}

/** One tariff, or 24 (index = UTC hour of deliveryStart). */
function tariffTable(value: unknown): Tariff | Tariff[] {
  if (!Array.isArray(value)) return tariffOf(value, 'tariff');
  if (value.length !== 24) throw new LedgerError('INVALID_ARGUMENT', `tariff: an hour-of-day table has 24 entries (UTC hours 0-23), got ${value.length}`);
  return value.map((entry, hour) => tariffOf(entry, `tariff[${hour}]`));
}

/** The same horizon markets:Create applies, to the first and the last interval. */
function refuseOutOfHorizon(first: string, last: string, now: string): void {
  const nowMs = Date.parse(now);
  if (Date.parse(last) - nowMs > HORIZON_AHEAD_DAYS * DAY_MS || nowMs - Date.parse(first) > HORIZON_BEHIND_DAYS * DAY_MS) {
    throw new LedgerError(
      'OUT_OF_HORIZON',
      `every interval (${first} – ${last}) must start within ${HORIZON_AHEAD_DAYS} days after and ${HORIZON_BEHIND_DAYS} days before now (${now})`,
    );
  }
}

/**
 * Active schedules never overlap, so ordered by start their ends are ordered too: the
 * only one that can overlap [start, end) is the latest starting before `end`, the
 * first span key after every span that starts at or after `end`. One read.
 */
async function refuseScheduleOverlap(ctx: Context, span: { start: string; end: string }): Promise<void> {
  const from = `${SCHEDULE_SPAN_PREFIX}${newestFirst(span.end)}${ENTRY_SEP}${ENTRY_SEP}`;
  const iterator = await ctx.stub.getStateByRange(from, `${SCHEDULE_SPAN_PREFIX}${ENTRY_SEP}`);
  try {
    const first = await iterator.next();
    if (first.done || !first.value) return;
    const other = fromBytes<{ id: string; start: string; end: string }>(first.value.value);
    if (Date.parse(other.end) > Date.parse(span.start)) {
      throw new LedgerError('SCHEDULE_OVERLAP', `the intervals ${span.start} – ${span.end} overlap schedule ${other.id} (${other.start} – ${other.end})`);
    }
  } finally {
    await iterator.close();
  }
}

/** RS3: the lot every auction of the schedule sells; its owner an approved participant or the grid (checked again per auction). */
async function auctionTemplate(ctx: Context, value: unknown): Promise<AuctionTemplate> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new LedgerError('INVALID_ARGUMENT', 'auction is required for kind auction: {owner, lotWh, reservePrice, increment}');
  }
  const o = value as Json;
  onlyFields(o, ['owner', 'lotWh', 'reservePrice', 'increment'], 'auction');
  const owner = id(o.owner, 'auction.owner');
  if (owner !== GRID_ACCOUNT) {
    const p = await readRequired<Participant>(ctx, KEY.participant, [owner], `participant ${owner}`);
    if (p.status !== 'approved') throw new LedgerError('PARTICIPANT_NOT_ACTIVE', `owner ${owner} is ${p.status}`);
  }
  return {
    owner,
    lotWh: int(o.lotWh, 'auction.lotWh', 1, MAX_LOT_WH),
    reservePrice: int(o.reservePrice, 'auction.reservePrice', 0, MAX_AUCTION_PRICE),
    increment: int(o.increment, 'auction.increment', 1, MAX_AUCTION_PRICE),
  };
}

function loadSchedule(ctx: Context, scheduleId: string): Promise<Schedule> {
  return readRequired<Schedule>(ctx, KEY.schedule, [id(scheduleId, 'scheduleId')], `schedule ${scheduleId}`);
}

@Info({ title: 'Schedules', description: 'The market clock: runs of delivery intervals whose markets the gateways\' clocks create, open, gate-close and clear' })
export class ScheduleContract extends EcchContract {
  constructor() {
    super('schedules');
  }

  @Transaction()
  @Returns('string')
  public async Create(ctx: Context, input: string): Promise<string> {
    requireNa(ctx, 'create schedules');
    const o = parseObject(input, 'schedule');
    onlyFields(o, ['id', 'kind', 'firstDeliveryStart', 'intervalMinutes', 'count', 'openLeadMinutes', 'gateClosureMinutes', 'mechanism', 'tariff', 'auction'], 'schedule');
    const now = txTime(ctx);
    const scheduleId = id(o.id, 'id');
    if (scheduleId.length > MAX_SCHEDULE_ID_LENGTH) {
      throw new LedgerError('INVALID_ARGUMENT', `id must be at most ${MAX_SCHEDULE_ID_LENGTH} characters (its markets are <id>-<YYYYMMDDTHHMMZ>)`);
    }
    const kind = optional(o.kind, (v) => oneOf(v, 'kind', SCHEDULE_KINDS)) ?? 'market';
    const firstDeliveryStart = instant(o.firstDeliveryStart, 'firstDeliveryStart');
    if (Date.parse(firstDeliveryStart) % MINUTE_MS !== 0) {
      throw new LedgerError('INVALID_ARGUMENT', 'firstDeliveryStart must be a whole minute (seconds 0), since market ids name the minute');
    }
    const intervalMinutes = optional(o.intervalMinutes, (v) => int(v, 'intervalMinutes', 1, 24 * 60)) ?? 60;
    const count = int(o.count, 'count', 1, MAX_SCHEDULE_COUNT);
    const openLeadMinutes = optional(o.openLeadMinutes, (v) => int(v, 'openLeadMinutes', 1, MAX_OPEN_LEAD_MINUTES)) ?? 60;
    const gateClosureMinutes = optional(o.gateClosureMinutes, (v) => int(v, 'gateClosureMinutes', 0, MAX_OPEN_LEAD_MINUTES)) ?? 5;
    if (!(gateClosureMinutes < openLeadMinutes)) {
      throw new LedgerError('INVALID_ARGUMENT', `gateClosureMinutes (${gateClosureMinutes}) must be below openLeadMinutes (${openLeadMinutes}): a market opens before its gate closes`);
    }
    // A schedule of auctions (RS3) carries the lot instead of a tariff and a mechanism.
    if (kind === 'auction' && (o.tariff !== undefined || o.mechanism !== undefined)) {
      throw new LedgerError('INVALID_ARGUMENT', 'a schedule of kind auction takes auction {owner, lotWh, reservePrice, increment}, not tariff or mechanism');
    }
    if (kind === 'market' && o.auction !== undefined) throw new LedgerError('INVALID_ARGUMENT', 'auction is for schedules of kind auction');
    // The markets' own list (model.ts): a schedule names only what markets:Create accepts.
    const mechanism = kind === 'auction' ? 'english' : (optional(o.mechanism, (v) => oneOf(v, 'mechanism', MECHANISMS)) ?? 'sdr');
    if (kind === 'market' && o.tariff === undefined) throw new LedgerError('INVALID_ARGUMENT', 'tariff is required: {gridBuyPrice, gridSellPrice} or 24 of them (UTC hours 0-23)');
    const tariff = kind === 'market' ? tariffTable(o.tariff) : undefined;
    const auction = kind === 'auction' ? await auctionTemplate(ctx, o.auction) : undefined;
    const schedule: Schedule = {
      id: scheduleId,
      kind,
      status: 'active',
      firstDeliveryStart,
      intervalMinutes,
      count,
      openLeadMinutes,
      gateClosureMinutes,
      mechanism,
      ...(tariff === undefined ? {} : { tariff }),
      ...(auction === undefined ? {} : { auction }),
      createdAt: now,
    };
    refuseOutOfHorizon(firstDeliveryStart, intervalAt(schedule, count - 1).deliveryStart, now);
    if (await read(ctx, KEY.schedule, [scheduleId])) throw new LedgerError('ALREADY_EXISTS', `schedule ${scheduleId} already exists`);
    const span = scheduleSpan(schedule);
    await refuseScheduleOverlap(ctx, span);
    await ctx.stub.putState(scheduleSpanKey(span.start, scheduleId), Buffer.from(canonicalJson({ id: scheduleId, ...span }), 'utf8'));
    await write(ctx, KEY.schedule, [scheduleId], schedule);
    emit(ctx, 'schedule.created', schedule);
    return canonicalJson(schedule);
  }

  /**
   * The schedule with each interval's state: its market's status, or `pending` while
   * the clock has not created it (at most 744 point reads, in one query).
   */
  @Transaction(false)
  @Returns('string')
  public async Get(ctx: Context, scheduleId: string): Promise<string> {
    const schedule = await loadSchedule(ctx, scheduleId);
    const intervals = [];
    if (schedule.kind === 'auction') {
      for (const interval of auctionIntervalsOf(schedule)) {
        const auction = await read<Auction>(ctx, KEY.auction, [interval.auctionId]);
        intervals.push({ auctionId: interval.auctionId, deliveryStart: interval.deliveryStart, status: auction?.status ?? 'pending' });
      }
      return canonicalJson({ ...schedule, intervals });
    }
    for (const interval of intervalsOf(schedule)) {
      const market = await read<Market>(ctx, KEY.market, [interval.marketId]);
      intervals.push({ marketId: interval.marketId, deliveryStart: interval.deliveryStart, status: market?.status ?? 'pending' });
    }
    return canonicalJson({ ...schedule, intervals });
  }

  /** Every schedule, by id, paged (the clock reads them all and acts on the active ones). */
  @Transaction(false)
  @Returns('string')
  public async List(ctx: Context, pageSize: string, bookmark: string): Promise<string> {
    const page = await scanPage<Schedule>(ctx, KEY.schedule, [], parsePageSize(pageSize), bookmark);
    return canonicalJson(page);
  }

  /**
   * Stops every later step of the schedule (the clock acts only on active ones) and
   * frees its span for another schedule. Markets it created stay as they are: the NA
   * drives or cancels them by hand.
   */
  @Transaction()
  @Returns('string')
  public async Cancel(ctx: Context, scheduleId: string): Promise<string> {
    requireNa(ctx, 'cancel schedules');
    const schedule = await loadSchedule(ctx, scheduleId);
    if (schedule.status !== 'active') throw new LedgerError('INVALID_STATE', `cannot cancel schedule ${schedule.id}: it is ${schedule.status}`);
    const cancelled: Schedule = { ...schedule, status: 'cancelled', cancelledAt: txTime(ctx) };
    await ctx.stub.deleteState(scheduleSpanKey(scheduleSpan(schedule).start, schedule.id));
    await write(ctx, KEY.schedule, [schedule.id], cancelled);
    emit(ctx, 'schedule.cancelled', cancelled);
    return canonicalJson(cancelled);
  }

  /**
   * The clock's report of a step that failed (refused by the ledger, or by a rule):
   * recorded per step and announced as `schedule.step-failed`, so every gateway and
   * the NA's event stream see it. It changes nothing else; the clock keeps retrying.
   */
  @Transaction()
  @Returns('string')
  public async ReportFailure(ctx: Context, scheduleId: string, input: string): Promise<string> {
    requireNa(ctx, 'report clock failures');
    const schedule = await loadSchedule(ctx, scheduleId);
    const o = parseObject(input, 'report');
    onlyFields(o, ['marketId', 'step', 'code', 'detail', 'attempt'], 'report');
    const report = {
      scheduleId: schedule.id,
      marketId: id(o.marketId, 'marketId'),
      step: oneOf(o.step, 'step', [...new Set([...STEPS, ...AUCTION_STEPS])]),
      code: text(o.code, 'code', 64),
      detail: text(o.detail, 'detail', 1000),
      attempt: int(o.attempt, 'attempt', 1),
      at: txTime(ctx),
    };
    if (!report.marketId.startsWith(`${schedule.id}-`)) throw new LedgerError('INVALID_ARGUMENT', `market ${report.marketId} is not one of schedule ${schedule.id}'s`);
    await write(ctx, KEY.stepFailure, [schedule.id, report.marketId, report.step], report);
    emit(ctx, 'schedule.step-failed', report);
    return canonicalJson(report);
  }
}
