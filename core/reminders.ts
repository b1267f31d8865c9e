/**
 * When a volunteer is reminded of what they took on: before an accepted order's time and before an
 * activity starts. The time of an order is what the resident asked for, when it names a day and an
 * hour people write it (期望时间 is free text: "明天上午9点", "11月20日 下午3点半", "2026-11-20 14:00");
 * otherwise the order's due time (its SLA).
 */
import { inZone, localDay } from './time';

/** A volunteer is reminded this long before an accepted order's time. */
export const ORDER_REMINDER_LEAD_MINUTES = 60;
/** Enrolled volunteers are reminded this long before an activity starts. */
export const ACTIVITY_REMINDER_LEAD_MINUTES = 120;

/** The hour a part of the day stands for when no hour is given. */
const PART_OF_DAY: Record<string, number> = { 早上: 8, 上午: 9, 中午: 12, 下午: 14, 傍晚: 17, 晚上: 19 };
const AFTERNOON = new Set(['下午', '傍晚', '晚上']);
const RELATIVE_DAYS: Record<string, number> = { 今天: 0, 今日: 0, 明天: 1, 明日: 1, 后天: 2 };

const DATE_FULL = /(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?/;
const DATE_MONTH_DAY = /(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]/;
const RELATIVE = /(今天|今日|明天|明日|后天)/;
const TIME = /(早上|上午|中午|下午|傍晚|晚上)?\s*(\d{1,2})\s*(?:[:：]\s*(\d{2})|[点时]\s*(半|\d{1,2})?\s*分?)/;
const PART_ONLY = /(早上|上午|中午|下午|傍晚|晚上)/;

/**
 * The moment a resident's 期望时间 names, read in Beijing time against when the order was placed;
 * null when it names no day or no time of day people could be held to ("尽快", "周末", "明天").
 */
export function preferredMoment(text: string | undefined, orderedAt: Date): Date | null {
  if (!text) return null;
  const placed = inZone(orderedAt);
  const today = placed.format('YYYY-MM-DD');
  const pad = (value: number) => String(value).padStart(2, '0');
  let day: string | null = null;
  let rest = text;
  const full = DATE_FULL.exec(text);
  const monthDay = full ? null : DATE_MONTH_DAY.exec(text);
  const relative = full || monthDay ? null : RELATIVE.exec(text);
  if (full) {
    day = `${full[1]}-${pad(Number(full[2]))}-${pad(Number(full[3]))}`;
    rest = text.slice(full.index + full[0].length);
  } else if (monthDay) {
    day = `${placed.year()}-${pad(Number(monthDay[1]))}-${pad(Number(monthDay[2]))}`;
    // "1月3日" written in December is next January.
    if (day < today) day = `${placed.year() + 1}${day.slice(4)}`;
    rest = text.slice(monthDay.index + monthDay[0].length);
  } else if (relative) day = placed.add(RELATIVE_DAYS[relative[1]!]!, 'day').format('YYYY-MM-DD');

  // The time is looked for after the date, so "11月20日" is not read as 20 o'clock.
  const time = TIME.exec(rest);
  let hour: number;
  let minute = 0;
  if (time) {
    hour = Number(time[2]);
    minute = time[3] ? Number(time[3]) : time[4] === '半' ? 30 : time[4] ? Number(time[4]) : 0;
    if (time[1] && AFTERNOON.has(time[1]) && hour < 12) hour += 12;
  } else {
    const part = PART_ONLY.exec(rest);
    if (!part || !day) return null;
    hour = PART_OF_DAY[part[1]!]!;
  }
  if (hour > 23 || minute > 59) return null;
  const at = (date: string) => new Date(`${date}T${pad(hour)}:${pad(minute)}:00+08:00`);
  // Only an hour: the next time it comes round after the order was placed.
  if (!day) day = at(today).getTime() > orderedAt.getTime() ? today : placed.add(1, 'day').format('YYYY-MM-DD');
  const moment = at(day);
  // A date that does not exist (2月30日) is not a time anyone can be held to.
  return Number.isNaN(moment.getTime()) || localDay(moment) !== day ? null : moment;
}

/**
 * When the volunteer who accepts an order now is reminded of it: a lead before its preferred time
 * (or due time); none when that is already past, since they just took it with the time in view.
 */
export function orderReminderAt(order: { preferredTime?: string; createdAt: Date; dueAt: Date }, acceptedAt: Date): Date | null {
  const at = orderServiceTime(order);
  const remindAt = new Date(at.getTime() - ORDER_REMINDER_LEAD_MINUTES * 60_000);
  return remindAt.getTime() > acceptedAt.getTime() ? remindAt : null;
}

/** The time an order's reminder names: its preferred time if readable, otherwise its due time. */
export const orderServiceTime = (order: { preferredTime?: string; createdAt: Date; dueAt: Date }): Date =>
  preferredMoment(order.preferredTime, new Date(order.createdAt)) ?? new Date(order.dueAt);
