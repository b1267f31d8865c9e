/**
 * Working days in mainland China, for the 10-working-day rule of 志愿服务记录与证明出具办法 Art. 11.
 * A day is a working day when it is Monday–Friday and not a public holiday, or when it is a
 * weekend day the State Council moved work to (调休上班). The table below ships with the release;
 * each November the State Council (国务院办公厅) publishes the next year's arrangement, and an
 * administrator enters it in the app (admin/holidays, the `holiday_calendars` collection): the use
 * cases load the stored years and pass `withStoredYears(...)` to these functions, which stay pure.
 * For a year neither ships nor is stored, only weekends are days off; that can only make a deadline
 * look nearer than it is, so a flag comes early, never late.
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

/** Years and their arrangements: the shipped table, or it with the stored years over it. */
export type HolidayCalendar = Readonly<Record<number, HolidayYear>>;

export const HOLIDAYS: HolidayCalendar = {
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

/** A year's arrangement as an administrator stored it (it replaces the shipped one of that year). */
export interface StoredHolidayYear extends HolidayYear {
  year: number;
}

/** The shipped table with the stored years over it: a stored year wins over the shipped one. */
export const withStoredYears = (stored: Iterable<StoredHolidayYear>, shipped: HolidayCalendar = HOLIDAYS): HolidayCalendar => {
  const calendar: Record<number, HolidayYear> = { ...shipped };
  for (const { year, off, work, source } of stored) calendar[year] = { off, work, source };
  return calendar;
};

interface DaySets {
  off: ReadonlySet<string>;
  work: ReadonlySet<string>;
}

// A calendar is built once per request and asked about hundreds of days: its sets are kept with it.
const daySets = new WeakMap<HolidayCalendar, DaySets>();

function setsOf(calendar: HolidayCalendar): DaySets {
  let sets = daySets.get(calendar);
  if (!sets) {
    const years = Object.values(calendar);
    sets = { off: new Set(years.flatMap((year) => year.off)), work: new Set(years.flatMap((year) => year.work)) };
    daySets.set(calendar, sets);
  }
  return sets;
}

/** Whether the calendar covers a year (outside it, only weekends count as days off). */
export const holidayTableCovers = (year: number, calendar: HolidayCalendar = HOLIDAYS): boolean => year in calendar;

export const isWeekend = (day: string): boolean => {
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  return weekday === 0 || weekday === 6;
};

/** Most off days a year has (the shipped years have about 30, weekends inside holidays included). */
export const MAX_OFF_DAYS = 60;
/** Most make-up working days a year has (the shipped years have 5 or 6). */
export const MAX_WORK_DAYS = 20;

/**
 * What is wrong with an arrangement an administrator enters for `year`, in Chinese, or null: every
 * date is a real date of that year, a make-up working day (调休上班) is a Saturday or Sunday, and no
 * day is both off and worked. (The dates' format and counts are the contract's; this is the rule between them.)
 */
export function holidayYearProblem(year: number, arrangement: Pick<HolidayYear, 'off' | 'work'>): string | null {
  const outside = [...arrangement.off, ...arrangement.work].find((day) => !day.startsWith(`${year}-`));
  if (outside) return `日期 ${outside} 不在 ${year} 年内`;
  const weekday = arrangement.work.find((day) => !isWeekend(day));
  if (weekday) return `${weekday} 不是周末：调休上班日应是周六或周日`;
  const both = arrangement.off.find((day) => arrangement.work.includes(day));
  if (both) return `${both} 不能既放假又上班`;
  return null;
}

/** Calendar arithmetic on YYYY-MM-DD strings in UTC, so no time zone can shift a day. */
export function nextDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}

export function isWorkingDay(day: string, calendar: HolidayCalendar = HOLIDAYS): boolean {
  const { off, work } = setsOf(calendar);
  if (work.has(day)) return true;
  if (off.has(day)) return false;
  return !isWeekend(day);
}

/** The `count`-th working day after `day` (the day itself does not count). */
export function addWorkingDays(day: string, count: number, calendar: HolidayCalendar = HOLIDAYS): string {
  let current = day;
  for (let seen = 0; seen < count; ) {
    current = nextDay(current);
    if (isWorkingDay(current, calendar)) seen += 1;
  }
  return current;
}

/** Working days in (from, to]: how many working days have passed since `from` by the end of `to`. */
export function workingDaysBetween(from: string, to: string, calendar: HolidayCalendar = HOLIDAYS): number {
  let count = 0;
  for (let day = nextDay(from); day <= to; day = nextDay(day)) if (isWorkingDay(day, calendar)) count += 1;
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

export const recordDeadline = (serviceDay: string, calendar: HolidayCalendar = HOLIDAYS): RecordDeadline => ({
  deadline: addWorkingDays(serviceDay, RECORD_DEADLINE_WORKING_DAYS, calendar),
  warnOn: addWorkingDays(serviceDay, RECORD_WARNING_WORKING_DAYS, calendar),
});
