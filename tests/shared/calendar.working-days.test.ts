import fc from 'fast-check';
import chineseDaysData from 'chinese-days/dist/chinese-days.json';
import { COVERED_YEARS, applicationDueAt, createWorkingCalendar, itemDueAt, toChinaDateString } from '@birth/shared';

const calendar = createWorkingCalendar();
const china = (local: string) => new Date(`${local}+08:00`);
const endOf = (date: string) => china(`${date}T23:59:59.999`);

describe('chinese-days data behind the calendar', () => {
  it('when reading the 2025 Spring Festival, then 1/28–2/4 are holidays and 1/26 (Sun), 2/8 (Sat) are working days', () => {
    const { holidays, workdays } = chineseDaysData as { holidays: Record<string, string>; workdays: Record<string, string> };
    for (const d of [
      '2025-01-28',
      '2025-01-29',
      '2025-01-30',
      '2025-01-31',
      '2025-02-01',
      '2025-02-02',
      '2025-02-03',
      '2025-02-04',
    ]) {
      expect(holidays[d]).toContain('春节');
    }
    expect(holidays['2025-01-27']).toBeUndefined();
    expect(holidays['2025-02-05']).toBeUndefined();
    expect(Object.keys(workdays).filter((d) => d >= '2025-01-01' && d < '2025-03-01')).toEqual(['2025-01-26', '2025-02-08']);
  });

  it('when reading the 2025 National Day, then 10/1–10/8 are holidays and 9/28 (Sun), 10/11 (Sat) are working days', () => {
    const { holidays, workdays } = chineseDaysData as { holidays: Record<string, string>; workdays: Record<string, string> };
    for (let day = 1; day <= 8; day += 1) expect(holidays[`2025-10-0${day}`]).toBeDefined();
    expect(holidays['2025-10-09']).toBeUndefined();
    expect(Object.keys(workdays).filter((d) => d >= '2025-09-01' && d < '2025-11-01')).toEqual(['2025-09-28', '2025-10-11']);
  });

  it('when asking which years are covered, then it is 2004 through 2026 with no gap', () => {
    expect(COVERED_YEARS[0]).toBe(2004);
    expect(COVERED_YEARS[COVERED_YEARS.length - 1]).toBeGreaterThanOrEqual(2026);
    COVERED_YEARS.forEach((year, i) => expect(year).toBe(2004 + i));
    expect(calendar.isCovered(2025)).toBe(true);
    expect(calendar.isCovered(2003)).toBe(false);
  });
});

describe('isWorkingDay', () => {
  it('when a day is a make-up working day on a weekend, then it is a working day', () => {
    expect(calendar.isWorkingDay('2025-01-26')).toBe(true);
    expect(calendar.isWorkingDay('2025-02-08')).toBe(true);
    expect(calendar.isWorkingDay('2025-09-28')).toBe(true);
    expect(calendar.isWorkingDay('2025-10-11')).toBe(true);
  });

  it('when a weekday falls in a statutory holiday, then it is not a working day', () => {
    expect(calendar.isWorkingDay('2025-01-28')).toBe(false);
    expect(calendar.isWorkingDay('2025-10-08')).toBe(false);
  });

  it('when given an instant, then its China date decides (UTC 16:00 is already the next day)', () => {
    // 2025-01-25T16:00Z is Sunday 2025-01-26 00:00 in China, a make-up working day.
    expect(calendar.isWorkingDay(new Date('2025-01-25T16:00:00Z'))).toBe(true);
    expect(calendar.isWorkingDay(new Date('2025-01-25T15:59:59Z'))).toBe(false);
  });

  it('when given a malformed date, then it throws', () => {
    expect(() => calendar.isWorkingDay('2025-02-30')).toThrow(RangeError);
    expect(() => calendar.isWorkingDay(new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe('addWorkingDays and deadlines', () => {
  it('when an item is dispatched on a normal Friday morning, then it is due at the end of Monday', () => {
    expect(itemDueAt(china('2025-03-07T10:00:00'), calendar)).toEqual(endOf('2025-03-10'));
    expect(itemDueAt(china('2025-03-07T10:00:00'), calendar).toISOString()).toBe('2025-03-10T15:59:59.999Z');
  });

  it('when an item is dispatched late on a Thursday, then it is due at the end of Friday, whatever the hour', () => {
    expect(itemDueAt(china('2025-03-06T23:59:00'), calendar)).toEqual(endOf('2025-03-07'));
    expect(itemDueAt(china('2025-03-06T00:00:00'), calendar)).toEqual(endOf('2025-03-07'));
  });

  it('when dispatched on the Friday before Spring Festival 2025, then the Sunday make-up day is the due day', () => {
    expect(itemDueAt(china('2025-01-24T10:00:00'), calendar)).toEqual(endOf('2025-01-26'));
  });

  it('when dispatched on the last day before the Spring Festival holidays, then it is due after them', () => {
    expect(itemDueAt(china('2025-01-27T09:00:00'), calendar)).toEqual(endOf('2025-02-05'));
  });

  it('when accepted just before Spring Festival, then 4 working days end on the Saturday make-up day', () => {
    expect(applicationDueAt(china('2025-01-27T09:00:00'), calendar)).toEqual(endOf('2025-02-08'));
  });

  it('when accepted the Friday before National Day 2025, then the Sunday 9/28 make-up day counts', () => {
    expect(itemDueAt(china('2025-09-26T16:00:00'), calendar)).toEqual(endOf('2025-09-28'));
    expect(applicationDueAt(china('2025-09-26T16:00:00'), calendar)).toEqual(endOf('2025-10-09'));
  });

  it('when dispatched on 9/30 2025, then the item is due on 10/9 and the application on 10/13', () => {
    expect(itemDueAt(china('2025-09-30T11:00:00'), calendar)).toEqual(endOf('2025-10-09'));
    // 10/9 Thu, 10/10 Fri, 10/11 Sat (make-up), 10/13 Mon.
    expect(applicationDueAt(china('2025-09-30T11:00:00'), calendar)).toEqual(endOf('2025-10-13'));
  });

  it('when the parents kept the application waiting, then the paused working days are added', () => {
    expect(applicationDueAt(china('2025-03-03T10:00:00'), calendar, 0)).toEqual(endOf('2025-03-07'));
    expect(applicationDueAt(china('2025-03-03T10:00:00'), calendar, 2)).toEqual(endOf('2025-03-11'));
    expect(() => applicationDueAt(china('2025-03-03T10:00:00'), calendar, -1)).toThrow(RangeError);
  });

  it('when n is 0, then the end of the same China day comes back', () => {
    expect(calendar.addWorkingDays(china('2025-03-08T10:00:00'), 0)).toEqual(endOf('2025-03-08'));
  });

  it('when n is negative or fractional, then it throws', () => {
    expect(() => calendar.addWorkingDays(new Date(), -1)).toThrow(RangeError);
    expect(() => calendar.addWorkingDays(new Date(), 1.5)).toThrow(RangeError);
  });

  it('when the process runs in a time zone west of UTC, then the answers do not change', () => {
    const saved = process.env.TZ;
    try {
      process.env.TZ = 'America/Los_Angeles';
      const west = createWorkingCalendar();
      expect(west.isWorkingDay('2025-01-27')).toBe(true);
      expect(west.isWorkingDay('2025-01-28')).toBe(false);
      expect(itemDueAt(china('2025-01-24T10:00:00'), west)).toEqual(endOf('2025-01-26'));
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });
});

describe('workingDaysBetween', () => {
  it('when counting across National Day 2025, then only the working days that have ended count', () => {
    // After 9/30: 10/9, 10/10, 10/11 have ended by 10/12 noon.
    expect(calendar.workingDaysBetween(china('2025-09-30T10:00:00'), china('2025-10-12T12:00:00'))).toBe(3);
  });

  it('when the day is not over yet, then it does not count', () => {
    expect(calendar.workingDaysBetween(china('2025-03-07T10:00:00'), china('2025-03-10T23:59:59'))).toBe(0);
    expect(calendar.workingDaysBetween(china('2025-03-07T10:00:00'), endOf('2025-03-10'))).toBe(1);
  });

  it('when to is before from, then it is 0', () => {
    expect(calendar.workingDaysBetween(china('2025-03-10T10:00:00'), china('2025-03-01T10:00:00'))).toBe(0);
  });
});

describe('years without published data', () => {
  // 2090 stays unpublished for a long time; nearer years (2027) will be filled in by chinese-days updates.
  it('when a year is not covered, then Mon–Fri are working days and the year is reported', () => {
    expect(calendar.isCovered(2090)).toBe(false);
    // 2090-01-02 is a Monday, 2090-01-07 a Saturday.
    expect(calendar.isWorkingDay('2090-01-02')).toBe(true);
    expect(calendar.isWorkingDay('2090-01-07')).toBe(false);
    expect(
      calendar.uncoveredYears([china('2025-12-31T10:00:00'), '2090-03-01', china('2099-01-01T00:00:00'), '2090-05-05']),
    ).toEqual([2090, 2099]);
    expect(calendar.uncoveredYears([china('2025-06-01T00:00:00')])).toEqual([]);
  });

  it('when an item is dispatched on a Friday of an uncovered year, then it is due on Monday', () => {
    expect(itemDueAt(china('2090-01-06T10:00:00'), calendar)).toEqual(endOf('2090-01-09'));
  });

  it('when the operator adds overrides, then they win over the data and the fallback', () => {
    const patched = createWorkingCalendar({
      overrides: { '2090-01-02': 'holiday', '2090-01-07': 'workday', '2025-01-26': 'holiday' },
    });
    expect(patched.isWorkingDay('2090-01-02')).toBe(false);
    expect(patched.isWorkingDay('2090-01-07')).toBe(true);
    expect(patched.isWorkingDay('2025-01-26')).toBe(false);
    expect(patched.isCovered(2090)).toBe(false);
  });

  it('when an override is malformed, then the calendar refuses to start', () => {
    expect(() => createWorkingCalendar({ overrides: { '2090-1-2': 'holiday' } })).toThrow(RangeError);
    expect(() => createWorkingCalendar({ overrides: { '2090-01-02': 'off' as never } })).toThrow(RangeError);
  });
});

describe('calendar (properties)', () => {
  // Spans covered years and, past the end of the data, the Mon–Fri fallback.
  const instant = fc.date({ min: new Date('2024-01-01T00:00:00Z'), max: new Date('2028-12-31T00:00:00Z'), noInvalidDate: true });
  const n = fc.integer({ min: 1, max: 25 });

  it('when adding n ≥ 1 working days, then the result is the last millisecond of a working day after from', () => {
    fc.assert(
      fc.property(instant, n, (from, days) => {
        const due = calendar.addWorkingDays(from, days);
        expect(calendar.isWorkingDay(due)).toBe(true);
        expect(due.getTime()).toBeGreaterThan(from.getTime());
        expect(toChinaDateString(new Date(due.getTime() + 1))).not.toBe(toChinaDateString(due));
        expect(toChinaDateString(due) > toChinaDateString(from)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('when counting working days up to a due date, then exactly n have elapsed, and n − 1 a moment earlier', () => {
    fc.assert(
      fc.property(instant, n, (from, days) => {
        const due = calendar.addWorkingDays(from, days);
        expect(calendar.workingDaysBetween(from, due)).toBe(days);
        expect(calendar.workingDaysBetween(from, new Date(due.getTime() - 1))).toBe(days - 1);
      }),
      { numRuns: 200 },
    );
  });

  it('when adding working days in two steps, then it lands where one step does', () => {
    fc.assert(
      fc.property(instant, n, n, (from, a, b) => {
        expect(calendar.addWorkingDays(calendar.addWorkingDays(from, a), b)).toEqual(calendar.addWorkingDays(from, a + b));
      }),
      { numRuns: 200 },
    );
  });

  it('when a date is in an uncovered year, then it is a working day exactly from Monday to Friday', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2090-01-01T00:00:00Z'), max: new Date('2095-12-31T00:00:00Z'), noInvalidDate: true }),
        (d) => {
          const date = d.toISOString().slice(0, 10);
          const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
          expect(calendar.isWorkingDay(date)).toBe(weekday >= 1 && weekday <= 5);
        },
      ),
    );
  });
});
