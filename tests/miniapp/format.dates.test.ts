// Dates on the progress page are China time whatever the phone's time zone: 11月23日 周一 17:00.
import { formatChinaClock, formatChinaDate, formatChinaDateTime, formatDeadline } from '../../miniapp/src/utils/format';

const NOW = new Date('2026-11-20T02:00:00Z');

describe('China-time formatting', () => {
  test('When an instant is given in UTC, then it is shown as the China date, weekday and time', () => {
    expect(formatChinaDateTime('2026-11-23T09:00:00Z', NOW)).toBe('11月23日 周一 17:00');
    // 20:30 UTC on Sunday is already Monday 04:30 in China.
    expect(formatChinaDateTime('2026-11-22T20:30:00Z', NOW)).toBe('11月23日 周一 04:30');
    expect(formatChinaDate('2026-11-22T20:30:00Z', NOW)).toBe('11月23日 周一');
    expect(formatChinaClock(new Date('2026-11-23T09:05:00Z'))).toBe('17:05');
  });

  test('When a deadline is the end of a China day, then only the day is shown; otherwise the time too', () => {
    expect(formatDeadline('2026-11-27T15:59:59.999Z', NOW)).toBe('11月27日 周五');
    expect(formatDeadline('2026-11-27T09:00:00Z', NOW)).toBe('11月27日 周五 17:00');
  });

  test('When the date is in another year, then the year is shown; a missing or bad value gives an empty string', () => {
    expect(formatChinaDate('2027-01-04T01:00:00Z', NOW)).toBe('2027年1月4日 周一');
    expect(formatChinaDateTime(undefined)).toBe('');
    expect(formatChinaDateTime('not a date')).toBe('');
  });
});
