/**
 * Working days in mainland China, for the 10-working-day rule of 志愿服务记录与证明出具办法 Art. 11.
 * A day is a working day when it is Monday–Friday and not a public holiday, or when it is a
 * weekend day the State Council moved work to (调休上班). The table below is maintained by hand:
 * each November the State Council (国务院办公厅) publishes the next year's arrangement, and a line
 * must be added here (see README, 工作日表). For a year not in the table, only weekends are days
 * off; that can only make a deadline look nearer than it is, so a flag comes early, never late.
 */

export interface HolidayYear {
  /** Days off that would otherwise be working days (YYYY-MM-DD). Weekend days inside a holiday need not be listed. */
  off: readonly string[];
  /** Weekend days that are working days (调休上班). */
  work: readonly string[];
  /** Where the arrangement comes from. */
  source: string;
}

const range = (from: string, to: string): string[] => {
  const days: string[] = [];
  for (let day = from; day <= to; day = nextDay(day)) days.push(day);
  return days;
};

export const HOLIDAYS: Readonly<Record<number, HolidayYear>> = {
  2025: {
    source: '国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号，2024-11-12）',
    off: [
      '2025-01-01',
      ...range('2025-01-28', '2025-02-04'),
      ...range('2025-04-04', '2025-04-06'),
      ...range('2025-05-01', '2025-05-05'),
      ...range('2025-05-31', '2025-06-02'),
      ...range('2025-10-01', '2025-10-08'),
    ],
    work: ['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11'],
  },
  2026: {
    source: '国务院办公厅关于2026年部分节假日安排的通知（2025-11-04，新华社）',
    off: [
      ...range('2026-01-01', '2026-01-03'),
      ...range('2026-02-15', '2026-02-23'),
      ...range('2026-04-04', '2026-04-06'),
      ...range('2026-05-01', '2026-05-05'),
      ...range('2026-06-19', '2026-06-21'),
      ...range('2026-09-25', '2026-09-27'),
      ...range('2026-10-01', '2026-10-07'),
    ],
    work: ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
  },
};

const OFF = new Set(Object.values(HOLIDAYS).flatMap((year) => year.off));
const WORK = new Set(Object.values(HOLIDAYS).flatMap((year) => year.work));

/** Whether the table covers a year (outside it, only weekends count as days off). */
export const holidayTableCovers = (year: number): boolean => year in HOLIDAYS;

/** Calendar arithmetic on YYYY-MM-DD strings in UTC, so no time zone can shift a day. */
export function nextDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}

export function isWorkingDay(day: string): boolean {
  if (WORK.has(day)) return true;
  if (OFF.has(day)) return false;
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/** The `count`-th working day after `day` (the day itself does not count). */
export function addWorkingDays(day: string, count: number): string {
  let current = day;
  for (let seen = 0; seen < count; ) {
    current = nextDay(current);
    if (isWorkingDay(current)) seen += 1;
  }
  return current;
}

/** Working days in (from, to]: how many working days have passed since `from` by the end of `to`. */
export function workingDaysBetween(from: string, to: string): number {
  let count = 0;
  for (let day = nextDay(from); day <= to; day = nextDay(day)) if (isWorkingDay(day)) count += 1;
  return count;
}

/** 办法 Art. 11: a service is recorded within 10 working days of the day it was given. */
export const RECORD_DEADLINE_WORKING_DAYS = 10;
/** Staff are warned when this many working days have passed and the record is still missing. */
export const RECORD_WARNING_WORKING_DAYS = 8;

export interface RecordDeadline {
  /** The last working day on which the record is still on time. */
  deadline: string;
  /** The day staff are warned. */
  warnOn: string;
}

export const recordDeadline = (serviceDay: string): RecordDeadline => ({
  deadline: addWorkingDays(serviceDay, RECORD_DEADLINE_WORKING_DAYS),
  warnOn: addWorkingDays(serviceDay, RECORD_WARNING_WORKING_DAYS),
});
