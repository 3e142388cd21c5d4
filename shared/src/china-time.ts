/** China Standard Time is UTC+8 all year (no daylight saving), so the local date is UTC shifted by 8 h. */
export const CHINA_UTC_OFFSET_MS = 8 * 60 * 60 * 1000;

const DAY_MS = 24 * 60 * 60 * 1000;

/** A calendar date as written in China: 'YYYY-MM-DD'. */
export type DateString = string;

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The China calendar date ('YYYY-MM-DD') of an instant. */
export function toChinaDateString(instant: Date): DateString {
  return new Date(instant.getTime() + CHINA_UTC_OFFSET_MS).toISOString().slice(0, 10);
}

/** True when `value` is a real calendar date written 'YYYY-MM-DD' (years 1000–9999). */
export function isDateString(value: unknown): value is DateString {
  if (typeof value !== 'string') return false;
  const m = DATE_PATTERN.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1000 || mo < 1 || mo > 12 || d < 1) return false;
  const probe = new Date(Date.UTC(y, mo - 1, d));
  return probe.getUTCFullYear() === y && probe.getUTCMonth() === mo - 1 && probe.getUTCDate() === d;
}

/** The instant 00:00:00.000 China time of a date. */
export function startOfChinaDay(date: DateString): Date {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d) - CHINA_UTC_OFFSET_MS);
}

/** The instant 23:59:59.999 China time of a date. */
export function endOfChinaDay(date: DateString): Date {
  return new Date(startOfChinaDay(date).getTime() + DAY_MS - 1);
}

/** The date `days` calendar days after `date` (negative goes back). */
export function addCalendarDays(date: DateString, days: number): DateString {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Day of the week of a date: 0 Sunday … 6 Saturday. */
export function dayOfWeek(date: DateString): number {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}
