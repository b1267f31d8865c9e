/**
 * Mainland resident ID numbers (GB 11643-1999): 17 digits and a check character. Volunteers may
 * give theirs (志愿服务记录与证明出具办法 Art. 5 lists it) so records can be matched with the
 * national volunteer system; it is optional, and shown only masked.
 */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

/** Upper case X, no spaces. */
export const normaliseIdNumber = (value: string): string => value.replace(/\s/g, '').toUpperCase();

/** Whether the number has the right form, a real birth date and a matching check character. */
export function isValidIdNumber(value: string): boolean {
  if (!/^\d{17}[\dX]$/.test(value)) return false;
  const birth = `${value.slice(6, 10)}-${value.slice(10, 12)}-${value.slice(12, 14)}`;
  const parsed = new Date(`${birth}T00:00:00Z`);
  if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== birth) return false;
  const sum = WEIGHTS.reduce((total, weight, index) => total + weight * Number(value[index]), 0);
  return CHECK[sum % 11] === value[17];
}

/** The birth date an ID number states (YYYY-MM-DD). */
export const birthDateOfIdNumber = (value: string): string => `${value.slice(6, 10)}-${value.slice(10, 12)}-${value.slice(12, 14)}`;

/** 110105********123X: the region and the last four, enough to recognise it, not to use it. */
export const maskIdNumber = (value: string): string => `${value.slice(0, 6)}${'*'.repeat(8)}${value.slice(14)}`;

/** A mobile number as others may see it: 138****5678. */
export const maskPhone = (phone: string): string => (phone.length === 11 ? `${phone.slice(0, 3)}****${phone.slice(7)}` : '****');
