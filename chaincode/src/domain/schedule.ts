/**
 * Schedules of the market clock (mechanisms.md §6): a run of delivery intervals, each
 * a market the clock creates, opens, gate-closes and clears through the ordinary
 * markets transactions. Pure functions of the schedule record only (no clock, no
 * Fabric import), so the chaincode and every gateway compute the same intervals,
 * market ids, tariffs and due times.
 */

export const SCHEDULE_KINDS = ['market', 'auction'] as const;
export type ScheduleKind = (typeof SCHEDULE_KINDS)[number];

export const SCHEDULE_STATUSES = ['active', 'cancelled'] as const;
export type ScheduleStatus = (typeof SCHEDULE_STATUSES)[number];

/** At most a month of hourly intervals in one schedule (31 × 24). */
export const MAX_SCHEDULE_COUNT = 744;
/** A schedule id leaves room for `-<YYYYMMDDTHHMMZ>` within the 64-character market id. */
export const MAX_SCHEDULE_ID_LENGTH = 64 - 15;
/** openLeadMinutes at most a week. */
export const MAX_OPEN_LEAD_MINUTES = 7 * 24 * 60;
/**
 * A market is created this long before it opens (or at once when that is past), so
 * the markets of the next day are visible without a month of them in advance.
 */
export const CREATE_LEAD_MINUTES = 24 * 60;

export interface Tariff {
  /** B: what the grid charges per kWh imported (µ/kWh). */
  gridBuyPrice: number;
  /** S: what the grid pays per kWh exported (µ/kWh). */
  gridSellPrice: number;
}

/** RS3 (mechanisms.md §5–§6): what every auction of a schedule of kind `auction` sells. */
export interface AuctionTemplate {
  owner: string;
  lotWh: number;
  reservePrice: number;
  increment: number;
}

export interface Schedule {
  id: string;
  kind: ScheduleKind;
  status: ScheduleStatus;
  firstDeliveryStart: string;
  intervalMinutes: number;
  count: number;
  openLeadMinutes: number;
  gateClosureMinutes: number;
  /** How each market clears; `english` for a schedule of auctions. */
  mechanism: string;
  /** Kind market: one tariff for every interval, or 24 indexed by the UTC hour of deliveryStart (absent for auctions). */
  tariff?: Tariff | Tariff[];
  /** Kind auction: each interval's auction (RS3). */
  auction?: AuctionTemplate;
  createdAt: string;
  cancelledAt?: string;
}

/** The clock's steps for one interval's market, in the order they happen. */
export const STEPS = ['create', 'open', 'gate-close', 'clear', 'reconcile'] as const;
/** The clock's markets keep the markets' default reading window (markets:Create; mechanisms.md §7). */
export const CLOCK_READING_WINDOW_MINUTES = 60;
export type Step = (typeof STEPS)[number];

export interface Interval {
  /** 0-based position in the schedule. */
  index: number;
  marketId: string;
  deliveryStart: string;
  durationMinutes: number;
  tariff: Tariff;
  /** When each step is due (RFC 3339 UTC): create one day before opening, open, gate closure, clearing right after it, reconciliation when the reading window ends. */
  due: Record<Step, string>;
}

const MINUTE_MS = 60_000;

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** `YYYYMMDDTHHMMZ` of an instant. */
export function compactMinute(instant: string): string {
  return `${instant.slice(0, 16).replace(/[-:]/g, '')}Z`;
}

/** The market id of a schedule's interval: `<schedule id>-<YYYYMMDDTHHMMZ>` of its deliveryStart. */
export function intervalMarketId(scheduleId: string, deliveryStart: string): string {
  return `${scheduleId}-${compactMinute(deliveryStart)}`;
}

/** The interval's tariff: the schedule's one, or the entry for the UTC hour of deliveryStart. */
export function tariffAt(tariff: Tariff | Tariff[], deliveryStart: string): Tariff {
  if (!Array.isArray(tariff)) return { gridBuyPrice: tariff.gridBuyPrice, gridSellPrice: tariff.gridSellPrice };
  const entry = tariff[Number(deliveryStart.slice(11, 13))];
  return { gridBuyPrice: entry.gridBuyPrice, gridSellPrice: entry.gridSellPrice };
}

/** [start, end) of everything the schedule delivers. */
export function scheduleSpan(s: Pick<Schedule, 'firstDeliveryStart' | 'intervalMinutes' | 'count'>): { start: string; end: string } {
  const start = Date.parse(s.firstDeliveryStart);
  return { start: iso(start), end: iso(start + s.count * s.intervalMinutes * MINUTE_MS) };
}

/** The interval at `index`. */
export function intervalAt(s: Omit<Schedule, 'status' | 'createdAt' | 'cancelledAt'>, index: number): Interval {
  const start = Date.parse(s.firstDeliveryStart) + index * s.intervalMinutes * MINUTE_MS;
  const deliveryStart = iso(start);
  const open = start - s.openLeadMinutes * MINUTE_MS;
  const gateClose = start - s.gateClosureMinutes * MINUTE_MS;
  return {
    index,
    marketId: intervalMarketId(s.id, deliveryStart),
    deliveryStart,
    durationMinutes: s.intervalMinutes,
    // A schedule of auctions has no tariff and no markets; its intervals are auctionIntervalAt's.
    tariff: s.tariff === undefined ? { gridBuyPrice: 0, gridSellPrice: 0 } : tariffAt(s.tariff, deliveryStart),
    due: {
      create: iso(open - CREATE_LEAD_MINUTES * MINUTE_MS),
      open: iso(open),
      'gate-close': iso(gateClose),
      clear: iso(gateClose),
      reconcile: iso(start + (s.intervalMinutes + CLOCK_READING_WINDOW_MINUTES) * MINUTE_MS),
    },
  };
}

/** Every interval of the schedule, in delivery order. */
export function intervalsOf(s: Omit<Schedule, 'status' | 'createdAt' | 'cancelledAt'>): Interval[] {
  const out: Interval[] = [];
  for (let i = 0; i < s.count; i++) out.push(intervalAt(s, i));
  return out;
}

/** The markets:Create input of an interval (durationMinutes = intervalMinutes). */
export function marketInputOf(s: Pick<Schedule, 'mechanism'>, interval: Interval): Record<string, unknown> {
  return {
    id: interval.marketId,
    deliveryStart: interval.deliveryStart,
    durationMinutes: interval.durationMinutes,
    gridBuyPrice: interval.tariff.gridBuyPrice,
    gridSellPrice: interval.tariff.gridSellPrice,
    mechanism: s.mechanism,
  };
}

/**
 * The next step the clock owes a market of this status (`undefined` = absent, not yet
 * created), or none once it is reconciled or cancelled.
 */
export function nextStep(status: string | undefined): Step | undefined {
  switch (status) {
    case undefined:
      return 'create';
    case 'scheduled':
      return 'open';
    case 'open':
      return 'gate-close';
    case 'closed':
      return 'clear';
    case 'settled':
      return 'reconcile';
    default:
      return undefined;
  }
}

/** The clock's steps for one interval's auction (RS3): created like a market, closed at its end. */
export const AUCTION_STEPS = ['create', 'close'] as const;
export type AuctionStep = (typeof AUCTION_STEPS)[number];

export interface AuctionInterval {
  index: number;
  /** `<schedule id>-<YYYYMMDDTHHMMZ>` of its deliveryStart, as a market's. */
  auctionId: string;
  deliveryStart: string;
  /** Bids from deliveryStart − openLeadMinutes… */
  startAt: string;
  /** …until deliveryStart − gateClosureMinutes. */
  endAt: string;
  /** Create a day before it opens (as markets), close at its end. */
  due: Record<AuctionStep, string>;
}

/** The auction of a schedule's interval at `index` (kind auction). */
export function auctionIntervalAt(s: Pick<Schedule, 'id' | 'firstDeliveryStart' | 'intervalMinutes' | 'openLeadMinutes' | 'gateClosureMinutes'>, index: number): AuctionInterval {
  const start = Date.parse(s.firstDeliveryStart) + index * s.intervalMinutes * MINUTE_MS;
  const startAt = start - s.openLeadMinutes * MINUTE_MS;
  const endAt = start - s.gateClosureMinutes * MINUTE_MS;
  return {
    index,
    auctionId: intervalMarketId(s.id, iso(start)),
    deliveryStart: iso(start),
    startAt: iso(startAt),
    endAt: iso(endAt),
    due: { create: iso(startAt - CREATE_LEAD_MINUTES * MINUTE_MS), close: iso(endAt) },
  };
}

export function auctionIntervalsOf(s: Pick<Schedule, 'id' | 'firstDeliveryStart' | 'intervalMinutes' | 'count' | 'openLeadMinutes' | 'gateClosureMinutes'>): AuctionInterval[] {
  const out: AuctionInterval[] = [];
  for (let i = 0; i < s.count; i++) out.push(auctionIntervalAt(s, i));
  return out;
}

/** The auctions:Create input of an interval: the template's lot, the interval's window, the schedule that made it. */
export function auctionInputOf(s: Pick<Schedule, 'id' | 'auction'>, interval: AuctionInterval): Record<string, unknown> {
  const t = s.auction as AuctionTemplate;
  return {
    id: interval.auctionId,
    owner: t.owner,
    lotWh: t.lotWh,
    reservePrice: t.reservePrice,
    increment: t.increment,
    startAt: interval.startAt,
    endAt: interval.endAt,
    deliveryStart: interval.deliveryStart,
    scheduleId: s.id,
  };
}

/** The next step the clock owes an auction of this status (`undefined` = not yet created); none once settled or cancelled. */
export function nextAuctionStep(status: string | undefined): AuctionStep | undefined {
  if (status === undefined) return 'create';
  return status === 'open' ? 'close' : undefined;
}
