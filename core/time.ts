/** Time in the community's zone: everything a person reads is in Asia/Shanghai. */
import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';

dayjs.extend(utc);
dayjs.extend(timezone);

export const ZONE = 'Asia/Shanghai';

export const inZone = (date: Date | string | number) => dayjs(date).tz(ZONE);

export const addMinutes = (date: Date, minutes: number): Date => dayjs(date).add(minutes, 'minute').toDate();
export const addHours = (date: Date, hours: number): Date => dayjs(date).add(hours, 'hour').toDate();

export const DAY_MS = 24 * 60 * 60 * 1000;

/** The calendar day (YYYY-MM-DD) in Beijing: a birthday, a daily limit or a service date turns at Beijing midnight. */
export const localDay = (date: Date | string | number): string => inZone(date).format('YYYY-MM-DD');

/** 2026-11-21 14:05 in Beijing time. */
export const formatLocal = (date: Date | string | number): string => inZone(date).format('YYYY-MM-DD HH:mm');

/** Dates may arrive as Date or (after a JSON round trip) as text; replies carry ISO strings. */
export const iso = (value: Date | string): string => new Date(value).toISOString();

/** The Beijing calendar month (YYYY-MM) a moment falls in: monthly reports turn at Beijing midnight on the 1st. */
export const localMonth = (date: Date | string | number): string => inZone(date).format('YYYY-MM');

/** The month `count` months after `month` (YYYY-MM; negative goes back). */
export const addMonths = (month: string, count: number): string => dayjs(`${month}-01T00:00:00Z`).utc().add(count, 'month').format('YYYY-MM');

/** A Beijing calendar month as the moments [from, to). */
export function monthPeriod(month: string): { from: Date; to: Date } {
  const start = (m: string) => dayjs.tz(`${m}-01 00:00`, ZONE).toDate();
  return { from: start(month), to: start(addMonths(month, 1)) };
}
