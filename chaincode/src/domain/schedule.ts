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

export interface Schedule {
  id: string;
  kind: 'market';
  status: ScheduleStatus;
  firstDeliveryStart: string;
  intervalMinutes: number;
  count: number;
  openLeadMinutes: number;
  gateClosureMinutes: number;
  mechanism: string;
  /** One tariff for every interval, or 24 indexed by the UTC hour of deliveryStart. */
  tariff: Tariff | Tariff[];
  createdAt: string;
  cancelledAt?: string;
}

/** The clock's steps for one interval's market, in the order they happen. */
export const STEPS = ['create', 'open', 'gate-close', 'clear'] as const;
export type Step = (typeof STEPS)[number];

export interface Interval {
  /** 0-based position in the schedule. */
  index: number;
  marketId: string;
  deliveryStart: string;
  durationMinutes: number;
  tariff: Tariff;
  /** When each step is due (RFC 3339 UTC): create one day before opening, open, gate closure, clearing right after it. */
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
    tariff: tariffAt(s.tariff, deliveryStart),
    due: {
      create: iso(open - CREATE_LEAD_MINUTES * MINUTE_MS),
      open: iso(open),
      'gate-close': iso(gateClose),
      clear: iso(gateClose),
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
 * created), or none once it is settled or cancelled (or anything later, e.g. reconciled).
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
    default:
      return undefined;
  }
}
