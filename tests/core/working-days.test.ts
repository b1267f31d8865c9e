/** Working days with the State Council's holiday table: the 10-working-day limit of 办法 Art. 11. */
import { describe, expect, it } from 'vitest';
import {
  addWorkingDays,
  HOLIDAYS,
  holidayTableCovers,
  holidayYearProblem,
  isWorkingDay,
  nextDay,
  recordDeadline,
  withStoredYears,
  workingDaysBetween,
} from '../../core/working-days';

const weekday = (day: string) => new Date(`${day}T00:00:00Z`).getUTCDay();
const isWeekend = (day: string) => weekday(day) === 0 || weekday(day) === 6;

describe('the holiday table', () => {
  it.each(Object.entries(HOLIDAYS))('%s: make-up days are weekend days, and no day is both off and on', (_year, table) => {
    expect(table.work.filter((day) => !isWeekend(day))).toEqual([]);
    expect(table.off.filter((day) => table.work.includes(day))).toEqual([]);
    expect(table.source).toMatch(/国务院办公厅/);
  });

  it('covers 2025 and 2026, not 2027', () => {
    expect(holidayTableCovers(2025)).toBe(true);
    expect(holidayTableCovers(2026)).toBe(true);
    expect(holidayTableCovers(2027)).toBe(false);
  });
});

describe('isWorkingDay', () => {
  it('2026 National Day: 1–7 October off, Saturday 10 October worked, Sunday 11 October off', () => {
    for (let day = '2026-10-01'; day <= '2026-10-07'; day = nextDay(day)) expect(isWorkingDay(day), day).toBe(false);
    expect(weekday('2026-10-10')).toBe(6);
    expect(isWorkingDay('2026-10-08')).toBe(true);
    expect(isWorkingDay('2026-10-09')).toBe(true);
    expect(isWorkingDay('2026-10-10')).toBe(true);
    expect(isWorkingDay('2026-10-11')).toBe(false);
    // Sunday 20 September is the other make-up day of the autumn holidays.
    expect(isWorkingDay('2026-09-20')).toBe(true);
    expect(isWorkingDay('2026-09-25')).toBe(false);
  });

  it('2026 Spring Festival: 15–23 February off, Saturdays 14 and 28 February worked', () => {
    expect(isWorkingDay('2026-02-13')).toBe(true);
    expect(isWorkingDay('2026-02-14')).toBe(true);
    for (let day = '2026-02-15'; day <= '2026-02-23'; day = nextDay(day)) expect(isWorkingDay(day), day).toBe(false);
    expect(isWorkingDay('2026-02-24')).toBe(true);
    expect(isWorkingDay('2026-02-28')).toBe(true);
    expect(isWorkingDay('2026-03-01')).toBe(false);
    // Friday 13 → Tuesday 24: only the make-up Saturday lies between.
    expect(workingDaysBetween('2026-02-13', '2026-02-24')).toBe(2);
  });

  it('2025 National Day: eight days off, Sunday 28 September and Saturday 11 October worked', () => {
    expect(isWorkingDay('2025-09-28')).toBe(true);
    expect(isWorkingDay('2025-10-08')).toBe(false);
    expect(isWorkingDay('2025-10-11')).toBe(true);
  });

  it('falls back to weekends only for a year the table lacks (2027)', () => {
    // 1 January 2027 will be a holiday, but until the table has 2027 only weekends are off.
    expect(weekday('2027-01-01')).toBe(5);
    expect(isWorkingDay('2027-01-01')).toBe(true);
    expect(isWorkingDay('2027-01-02')).toBe(false);
    expect(isWorkingDay('2027-01-03')).toBe(false);
    expect(addWorkingDays('2027-01-01', 1)).toBe('2027-01-04');
    expect(workingDaysBetween('2027-01-01', '2027-01-15')).toBe(10);
  });
});

describe('addWorkingDays and workingDaysBetween', () => {
  it('do not count the start day, and are inverse to each other', () => {
    expect(addWorkingDays('2026-11-20', 0)).toBe('2026-11-20');
    expect(addWorkingDays('2026-11-20', 1)).toBe('2026-11-23');
    expect(workingDaysBetween('2026-11-20', '2026-11-20')).toBe(0);
    for (const start of ['2026-09-30', '2026-02-12', '2026-12-28', '2025-09-26']) {
      for (let count = 1; count <= 12; count++) expect(workingDaysBetween(start, addWorkingDays(start, count))).toBe(count);
    }
  });

  it('run across a year end into the weekend fallback', () => {
    expect(addWorkingDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(workingDaysBetween('2026-12-30', '2027-01-04')).toBe(3);
  });
});

describe('recordDeadline', () => {
  it('a service on 30 September 2026 is warned on 16 October and due on 20 October (National Day counted)', () => {
    expect(recordDeadline('2026-09-30')).toEqual({ warnOn: '2026-10-16', deadline: '2026-10-20' });
    // Counting weekends only would have warned on 12 October and made 14 October the deadline.
    let weekendsOnly = '2026-09-30';
    for (let seen = 0; seen < 8; ) {
      weekendsOnly = nextDay(weekendsOnly);
      if (!isWeekend(weekendsOnly)) seen += 1;
    }
    expect(weekendsOnly).toBe('2026-10-12');
  });

  it('an ordinary week: Monday’s service is warned on the second Thursday and due on the second Monday', () => {
    expect(recordDeadline('2026-11-16')).toEqual({ warnOn: '2026-11-26', deadline: '2026-11-30' });
  });
});

describe('an arrangement an administrator stored (withStoredYears)', () => {
  // A test arrangement for 2027, not the State Council's: New Year's Day Friday 1 January off,
  // Saturday 9 January worked; a Spring Festival from Saturday 6 to Sunday 14 February.
  const stored2027 = {
    year: 2027,
    off: ['2027-01-01', ...['06', '07', '08', '09', '10', '11', '12', '13', '14'].map((day) => `2027-02-${day}`)],
    work: ['2027-01-09', '2027-02-20'],
    source: '国务院办公厅关于2027年部分节假日安排的通知（测试用）',
  };
  const calendar = withStoredYears([stored2027]);

  it('the 10-working-day rule honours a stored 2027 arrangement the release does not ship', () => {
    expect(holidayTableCovers(2027, calendar)).toBe(true);
    expect(isWorkingDay('2027-01-01', calendar)).toBe(false);
    expect(isWorkingDay('2027-01-09', calendar)).toBe(true);
    // Monday 1 February: 2–5 February, then 15–18, 19 and the worked Saturday 20 February.
    expect(recordDeadline('2027-02-01', calendar)).toEqual({ warnOn: '2027-02-18', deadline: '2027-02-20' });
    // Without it, weekends only: warned on 11 February, due on 15 February.
    expect(recordDeadline('2027-02-01')).toEqual({ warnOn: '2027-02-11', deadline: '2027-02-15' });
  });

  it('a stored year replaces the shipped one; the other shipped years stay', () => {
    const replaced = withStoredYears([{ year: 2026, off: [], work: [], source: '测试' }]);
    expect(isWorkingDay('2026-10-05', replaced)).toBe(true);
    expect(isWorkingDay('2026-10-05')).toBe(false);
    expect(isWorkingDay('2025-10-08', replaced)).toBe(false);
  });

  it('checks what an administrator enters: dates of the year, make-up days on weekends, no day both off and worked', () => {
    expect(holidayYearProblem(2027, stored2027)).toBeNull();
    expect(holidayYearProblem(2027, { off: ['2026-12-31'], work: [] })).toBe('日期 2026-12-31 不在 2027 年内');
    expect(holidayYearProblem(2027, { off: [], work: ['2027-01-08'] })).toBe('2027-01-08 不是周末：调休上班日应是周六或周日');
    expect(holidayYearProblem(2027, { off: ['2027-01-09'], work: ['2027-01-09'] })).toBe('2027-01-09 不能既放假又上班');
    for (const [year, table] of Object.entries(HOLIDAYS)) expect(holidayYearProblem(Number(year), table), year).toBeNull();
  });
});
