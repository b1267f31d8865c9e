/**
 * The year's national holiday arrangement (放假调休) for the 10-working-day rule of 办法 Art. 11:
 * the State Council publishes it each November, an administrator enters it here, and the `record`
 * function (whose rule it is) reads it. Actions of the `record` function, kept in their own file.
 */
import { z } from 'zod';
import { COLLECTIONS } from '../model';
import { MAX_OFF_DAYS, MAX_WORK_DAYS } from '../working-days';
import { action, byId, type Iso } from './define';
import { calendarDate, shortText } from './fields';

export interface HolidayArrangementView {
  /** Days off (YYYY-MM-DD), sorted. */
  off: string[];
  /** Weekend days that are working days (调休上班), sorted. */
  work: string[];
  source: string;
}

/** A change of a year's arrangement, as the page lists it. */
export interface HolidayChangeView {
  changedByName: string;
  changedAt: Iso;
  /** Days that became days off / working days, and those no longer so: what the change moved. */
  addedOff: string[];
  removedOff: string[];
  addedWork: string[];
  removedWork: string[];
  source: string;
}

export interface HolidayCalendarView {
  year: number;
  /** What applies: the stored arrangement, else the shipped one, else null (weekends only). */
  applied: HolidayArrangementView | null;
  /** `stored`: entered in the app; `shipped`: the release's table; `none`: only weekends are days off. */
  origin: 'stored' | 'shipped' | 'none';
  /** The release's table for the year, shown beside a stored one. */
  shipped: HolidayArrangementView | null;
  updatedByName?: string;
  updatedAt?: Iso;
  /** The latest changes, newest first. */
  changes: HolidayChangeView[];
}

/** Years an arrangement may be entered for: the platform's life, not a typo's 20270. */
export const holidayYear = z
  .number({ error: '年份必须是数字' })
  .int({ error: '年份必须是整数' })
  .min(2024, { error: '年份不能早于 2024 年' })
  .max(2100, { error: '年份不能晚于 2100 年' });

const days = (label: string, max: number) =>
  z
    .array(calendarDate(label), { error: `请填写${label}` })
    .max(max, { error: `${label}最多 ${max} 天` })
    // Stored sorted and once each, so the log's before/after compare as sets.
    .transform((list) => [...new Set(list)].sort());

export const holidayActions = {
  /** A year's arrangement as it applies, with the shipped default and the latest changes. */
  'record.holidayCalendar': action<HolidayCalendarView>()({
    roles: ['admin', 'staff'],
    input: z.object({ year: holidayYear }),
    reads: (input) => ({ calendar: byId(COLLECTIONS.holidayCalendars, String(input.year)) }),
  }),
  /**
   * An administrator enters (or corrects) a year's arrangement; it replaces the shipped one of that
   * year. Every change is logged (who, when, before, after) and `source` names the notice.
   */
  'record.setHolidayCalendar': action<HolidayCalendarView>()({
    roles: ['admin'],
    input: z.object({
      year: holidayYear,
      off: days('放假日期', MAX_OFF_DAYS),
      work: days('调休上班日期', MAX_WORK_DAYS),
      source: shortText('依据（国务院办公厅通知）', 100),
    }),
    reads: (input) => ({ calendar: byId(COLLECTIONS.holidayCalendars, String(input.year)) }),
  }),
} as const;
