/** Small display helpers shared by the resident pages. */
import type { Address } from '../../core/model';
import { PHONE_PATTERN } from '../generated/shared';

export { PHONE_MESSAGE } from '../generated/shared';

/** An ISO instant as Beijing wall time, "2026-11-21 14:30". */
export function formatTime(iso: string | undefined): string {
  if (!iso) return '';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return '';
  return new Date(ms + 8 * 3600 * 1000).toISOString().slice(0, 16).replace('T', ' ');
}

/** A span of Beijing time: "2026-11-21 09:00–11:30", or both full instants when the days differ. */
export function formatTimeRange(startIso: string | undefined, endIso: string | undefined): string {
  const start = formatTime(startIso);
  const end = formatTime(endIso);
  if (!start || !end) return start || end;
  return start.slice(0, 10) === end.slice(0, 10) ? `${start}–${end.slice(11)}` : `${start} 至 ${end}`;
}

/** "2栋 1单元 101" (the grid is shown apart where it matters). */
export function formatAddress(address: Address | undefined): string {
  if (!address) return '';
  return [address.building, address.unit, address.room].filter(Boolean).join(' ');
}

/** Mainland mobile number, as the cloud checks it. */
export function isPhone(value: string): boolean {
  return PHONE_PATTERN.test(value.trim());
}

const LARGE_TEXT_KEY = 'linli.largeText';

/** 适老化: whether the person chose large text (applied as the root class `large-text`). */
export function largeText(): boolean {
  return wx.getStorageSync(LARGE_TEXT_KEY) === true;
}

export function setLargeText(on: boolean): void {
  wx.setStorageSync(LARGE_TEXT_KEY, on);
}

/** A typed-in whole number within [min, max], or the Chinese message saying what is wrong. */
export function wholeNumber(value: string, label: string, min: number, max: number): number | string {
  const number = Number(value.trim());
  if (value.trim() === '' || !Number.isInteger(number)) return `${label}请填写整数`;
  if (number < min || number > max) return `${label}应在 ${min}–${max} 之间`;
  return number;
}

/** ABCD-EFGH-JKMN: a typed code in groups of four, easier to read out and type (as core/codes.ts groupCode). */
export const groupCode = (code: string): string => code.match(/.{1,4}/g)?.join('-') ?? code;
