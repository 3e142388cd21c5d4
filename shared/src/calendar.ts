// The published data, not chinese-days' functions: those parse dates in the process's time zone and
// shift results by a day when it is west of UTC (seen with TZ=America/Los_Angeles: 2025-01-27 reported
// as a holiday). The JSON is keyed by China date strings, so lookups are exact anywhere, and the app
// bundles 37 KB of data instead of the whole library.
import chineseDaysData from 'chinese-days/dist/chinese-days.json';
import { addCalendarDays, dayOfWeek, endOfChinaDay, isDateString, toChinaDateString, type DateString } from './china-time';

export type DayOverride = 'workday' | 'holiday';

export interface WorkingCalendarOptions {
  /**
   * Per-date corrections, e.g. a schedule the State Council published after the installed chinese-days
   * version: 'YYYY-MM-DD' → 'workday' | 'holiday'. They win over chinese-days and over the Mon–Fri fallback.
   */
  overrides?: Record<DateString, DayOverride>;
}

export interface WorkingCalendar {
  /** True when the China date (of an instant, or given as 'YYYY-MM-DD') is a working day. */
  isWorkingDay(date: Date | DateString): boolean;
  /**
   * The end (23:59:59.999 China time) of the n-th working day after the China date of `from`; the day of
   * `from` itself never counts, whatever the hour. n = 0 gives the end of that day.
   */
  addWorkingDays(from: Date, n: number): Date;
  /** Whole working days elapsed: working days after the China date of `from` that ended by `to`. */
  workingDaysBetween(from: Date, to: Date): number;
  /** True when the holiday schedule of `year` is known; otherwise the calendar falls back to Mon–Fri. */
  isCovered(year: number): boolean;
  /** The years (sorted, once each) among these dates whose holiday schedule is not known. */
  uncoveredYears(dates: ReadonlyArray<Date | DateString>): number[];
}

// Guards the day-by-day walks: no real schedule has a year without working days.
const MAX_DAYS_SCANNED = 366 * 20;

const STATUTORY_HOLIDAYS: Readonly<Record<string, string>> = chineseDaysData.holidays;
/** 调休: weekend days that are working days. */
const MAKE_UP_WORKDAYS: Readonly<Record<string, string>> = chineseDaysData.workdays;

/**
 * The years whose State Council schedule chinese-days has. Every published year has 元旦 as a statutory
 * holiday, so a year is known exactly when its data has at least one holiday.
 */
export const COVERED_YEARS: readonly number[] = [
  ...new Set(Object.keys(STATUTORY_HOLIDAYS).map((date) => Number(date.slice(0, 4)))),
].sort((a, b) => a - b);
const COVERED = new Set(COVERED_YEARS);

function toDate(value: Date | DateString): DateString {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new RangeError('Invalid Date');
    return toChinaDateString(value);
  }
  if (!isDateString(value)) throw new RangeError(`expected a date 'YYYY-MM-DD', got ${String(value)}`);
  return value;
}

/** A working-day calendar in China time, from chinese-days' holiday and 调休 data (see WorkingCalendar). */
export function createWorkingCalendar(options: WorkingCalendarOptions = {}): WorkingCalendar {
  const overrides = new Map<DateString, DayOverride>();
  for (const [date, kind] of Object.entries(options.overrides ?? {})) {
    if (!isDateString(date)) throw new RangeError(`calendar override: expected 'YYYY-MM-DD', got ${date}`);
    if (kind !== 'workday' && kind !== 'holiday') {
      throw new RangeError(`calendar override for ${date}: expected 'workday' or 'holiday'`);
    }
    overrides.set(date, kind);
  }

  const isCovered = (year: number): boolean => COVERED.has(year);

  const workingDate = (date: DateString): boolean => {
    const override = overrides.get(date);
    if (override) return override === 'workday';
    if (isCovered(Number(date.slice(0, 4)))) {
      if (MAKE_UP_WORKDAYS[date] !== undefined) return true;
      if (STATUTORY_HOLIDAYS[date] !== undefined) return false;
    }
    const weekday = dayOfWeek(date);
    return weekday >= 1 && weekday <= 5;
  };

  const isWorkingDay = (date: Date | DateString): boolean => workingDate(toDate(date));

  // Answers by date, remembered: every progress view asks the same few questions about the same recent days.
  // Dates, not instants, are the keys, so a cached answer is exactly the one computed; bounded, then started afresh.
  const remembered = new Map<string, number>();
  const remember = (key: string, compute: () => number): number => {
    const known = remembered.get(key);
    if (known !== undefined) return known;
    if (remembered.size >= 10_000) remembered.clear();
    const value = compute();
    remembered.set(key, value);
    return value;
  };

  const addWorkingDays = (from: Date, n: number): Date => {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a whole number ≥ 0, got ${n}`);
    const start = toDate(from);
    return new Date(remember(`add|${start}|${n}`, () => addWorkingDaysFrom(start, n).getTime()));
  };

  const addWorkingDaysFrom = (start: DateString, n: number): Date => {
    let day = start;
    let remaining = n;
    let scanned = 0;
    while (remaining > 0) {
      day = addCalendarDays(day, 1);
      if (workingDate(day)) remaining -= 1;
      scanned += 1;
      if (scanned > MAX_DAYS_SCANNED + n * 7) throw new RangeError('no working day found; check the overrides');
    }
    return endOfChinaDay(day);
  };

  const workingDaysBetween = (from: Date, to: Date): number => {
    const start = toDate(from);
    // The last day that has fully ended by `to`: a day counts only once its 23:59:59.999 has passed.
    const toDay = toDate(to);
    const lastEnded = endOfChinaDay(toDay).getTime() <= to.getTime() ? toDay : addCalendarDays(toDay, -1);
    return remember(`between|${start}|${lastEnded}`, () => {
      let count = 0;
      for (let day = addCalendarDays(start, 1); day <= lastEnded; day = addCalendarDays(day, 1)) {
        if (workingDate(day)) count += 1;
      }
      return count;
    });
  };

  const uncoveredYears = (dates: ReadonlyArray<Date | DateString>): number[] => {
    const years = new Set(dates.map((date) => Number(toDate(date).slice(0, 4))));
    return [...years].filter((year) => !isCovered(year)).sort((a, b) => a - b);
  };

  return { isWorkingDay, addWorkingDays, workingDaysBetween, isCovered, uncoveredYears };
}

/** Standard 6.3: each department finishes its item within 1 working day of receiving it. */
export const ITEM_TIME_LIMIT_WORKING_DAYS = 1;
/** Standard 4.8: the whole application within 4 working days of acceptance. */
export const APPLICATION_TIME_LIMIT_WORKING_DAYS = 4;

/** When a dispatched item is due: the end of the first working day after the day it was dispatched. */
export function itemDueAt(dispatchedAt: Date, calendar: WorkingCalendar): Date {
  return calendar.addWorkingDays(dispatchedAt, ITEM_TIME_LIMIT_WORKING_DAYS);
}

/**
 * When the whole application is due: 4 working days after acceptance, plus the working days spent
 * waiting on the parents (信息确认, corrections), which the standard does not count.
 */
export function applicationDueAt(acceptedAt: Date, calendar: WorkingCalendar, pausedWorkingDays = 0): Date {
  if (!Number.isInteger(pausedWorkingDays) || pausedWorkingDays < 0) {
    throw new RangeError(`pausedWorkingDays must be a whole number ≥ 0, got ${pausedWorkingDays}`);
  }
  return calendar.addWorkingDays(acceptedAt, APPLICATION_TIME_LIMIT_WORKING_DAYS + pausedWorkingDays);
}
