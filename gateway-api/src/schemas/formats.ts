/**
 * String formats the schemas check beyond a pattern. An RFC 3339 UTC instant must
 * also name a real moment: `2026-02-30T10:00:00Z` matches the pattern but is no
 * date (JavaScript would read it as 2 March), and `23:59:60` is a leap second the
 * ledger's clock cannot represent. Registered as ajv's `date-time` (app.ts), so the
 * OpenAPI document says `format: date-time` and the gateway means exactly this.
 */

/** RFC 3339 in UTC (`Z`), seconds required, up to nanoseconds. */
export const INSTANT_PATTERN = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z$';
const INSTANT = new RegExp(INSTANT_PATTERN);

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export function isInstant(value: string): boolean {
  if (!INSTANT.test(value)) return false;
  const field = (from: number, to: number) => Number(value.slice(from, to));
  const [year, month, day] = [field(0, 4), field(5, 7), field(8, 10)];
  const [hour, minute, second] = [field(11, 13), field(14, 16), field(17, 19)];
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return false;
  const days = month === 2 && isLeapYear(year) ? 29 : (DAYS_IN_MONTH[month - 1] as number);
  return day >= 1 && day <= days;
}

/** A UTC calendar day, `YYYY-MM-DD`, that exists (registered as ajv's `date`). */
export const DAY_PATTERN = '^\\d{4}-\\d{2}-\\d{2}$';

export function isDay(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && isInstant(`${value}T00:00:00Z`);
}
