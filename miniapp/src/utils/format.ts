import { CHINA_UTC_OFFSET_MS } from '@birth/shared';

// Dates as parents in Zhejiang read them, in China time whatever the phone's time zone:
// 11月23日 周一 17:00. Deadlines at the end of a day (23:59:59) show the day alone.

const WEEKDAYS = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];

interface ChinaParts {
  year: number;
  month: number;
  day: number;
  weekday: string;
  hour: number;
  minute: number;
  second: number;
}

function parts(value: string | Date): ChinaParts | undefined {
  const time = typeof value === 'string' ? Date.parse(value) : value.getTime();
  if (!Number.isFinite(time)) return undefined;
  const shifted = new Date(time + CHINA_UTC_OFFSET_MS);
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    weekday: WEEKDAYS[shifted.getUTCDay()],
    hour: shifted.getUTCHours(),
    minute: shifted.getUTCMinutes(),
    second: shifted.getUTCSeconds(),
  };
}

const two = (n: number) => String(n).padStart(2, '0');

function datePart(p: ChinaParts, now: Date): string {
  const thisYear = parts(now)?.year;
  const year = thisYear !== undefined && p.year !== thisYear ? `${p.year}年` : '';
  return `${year}${p.month}月${p.day}日 ${p.weekday}`;
}

/** `11月23日 周一` (with the year when it is not this year); '' for a missing or bad value. */
export function formatChinaDate(value: string | Date | undefined, now: Date = new Date()): string {
  const p = value === undefined ? undefined : parts(value);
  return p ? datePart(p, now) : '';
}

/** `11月23日 周一 17:00`; '' for a missing or bad value. */
export function formatChinaDateTime(value: string | Date | undefined, now: Date = new Date()): string {
  const p = value === undefined ? undefined : parts(value);
  return p ? `${datePart(p, now)} ${two(p.hour)}:${two(p.minute)}` : '';
}

/** A deadline: the day alone when it is the end of that day (how the BFF counts working days), else day and time. */
export function formatDeadline(value: string | Date | undefined, now: Date = new Date()): string {
  const p = value === undefined ? undefined : parts(value);
  if (!p) return '';
  return p.hour === 23 && p.minute === 59 ? datePart(p, now) : formatChinaDateTime(value, now);
}

/** `17:05` in China time, for "updated at". */
export function formatChinaClock(value: Date): string {
  const p = parts(value);
  return p ? `${two(p.hour)}:${two(p.minute)}` : '';
}
