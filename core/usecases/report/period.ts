/**
 * The period of an export: a Beijing calendar month, or the days from–to inclusive. Orders, ledger
 * entries and redemptions count by when they were created, service records by their service date,
 * activities by when they start: all in Beijing days.
 */
import { DomainError } from '../../errors';
import { DAY_MS, inZone, localDay } from '../../time';

/** An export covers at most a year (and a leap day). */
export const MAX_REPORT_DAYS = 366;

export interface ReportPeriod {
  /** The first and last Beijing calendar day, YYYY-MM-DD, inclusive. */
  firstDay: string;
  lastDay: string;
  /** [start, end): Beijing midnight of the first day, and of the day after the last. */
  start: Date;
  end: Date;
  /** For the title row: 2026年11月, or 2026-11-01 至 2026-11-30. */
  text: string;
  /** For the file name: 2026-11, or 2026-11-01至2026-11-30. */
  label: string;
  /** For the storage path (letters, digits, dashes): 2026-11, or 20261101-20261130. */
  slug: string;
}

/** Beijing midnight at the start of a calendar day (Beijing has kept +08:00 all year since 1991). */
const midnight = (day: string): Date => new Date(`${day}T00:00:00+08:00`);

const invalid = (message: string) => new DomainError('INVALID_INPUT', message);

/** The period the input names (the contract has made sure it names one), checked against today. */
export function periodOf(input: { month?: string; from?: string; to?: string }, now: Date): ReportPeriod {
  const today = localDay(now);
  let period: ReportPeriod;
  if (input.month) {
    const firstDay = `${input.month}-01`;
    const lastDay = inZone(midnight(firstDay)).endOf('month').format('YYYY-MM-DD');
    const [year, month] = input.month.split('-');
    period = { firstDay, lastDay, start: midnight(firstDay), end: new Date(midnight(lastDay).getTime() + DAY_MS), text: `${year}年${Number(month)}月`, label: input.month, slug: input.month };
  } else {
    const firstDay = input.from!;
    const lastDay = input.to!;
    if (firstDay > lastDay) throw invalid('开始日期不能晚于结束日期');
    const start = midnight(firstDay);
    const end = new Date(midnight(lastDay).getTime() + DAY_MS);
    if (end.getTime() - start.getTime() > MAX_REPORT_DAYS * DAY_MS) throw invalid(`一次最多导出 ${MAX_REPORT_DAYS} 天，请缩短起止日期`);
    period = {
      firstDay,
      lastDay,
      start,
      end,
      text: `${firstDay} 至 ${lastDay}`,
      label: `${firstDay}至${lastDay}`,
      slug: `${firstDay.replace(/-/g, '')}-${lastDay.replace(/-/g, '')}`,
    };
  }
  if (period.firstDay > today) throw invalid('所选时段还没有开始，不能导出');
  return period;
}
