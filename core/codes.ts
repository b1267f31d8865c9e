/**
 * Codes people read and type: certificate verification codes (with a check character, so a typo
 * or an altered character is caught before any lookup) and the rotating attendance codes staff
 * show at an activity (derived from the activity's secret and the minute, so yesterday's photo of
 * the screen is useless).
 */
import { sha256Hex } from './digest';
import { CODE_ALPHABET } from './ports';

/** 11 random characters and a check character: 31^11 ≈ 2.5 × 10^16 codes. */
export const CERTIFICATE_CODE_LENGTH = 12;

function checkCharacter(body: string): string {
  let sum = 0;
  for (const [index, char] of [...body].entries()) sum += (index + 1) * CODE_ALPHABET.indexOf(char);
  // 31 is prime and every weight is below it, so any single changed character, and any swap of
  // two neighbours, changes the check character.
  return CODE_ALPHABET[sum % CODE_ALPHABET.length]!;
}

/** A certificate code from 11 random alphabet characters. */
export function certificateCode(randomBody: string): string {
  if (randomBody.length !== CERTIFICATE_CODE_LENGTH - 1 || [...randomBody].some((char) => !CODE_ALPHABET.includes(char))) {
    throw new Error('certificate code body must be 11 characters of CODE_ALPHABET');
  }
  return randomBody + checkCharacter(randomBody);
}

/** Upper case, without the spaces and dashes people type or print between groups. */
export const normaliseCode = (typed: string): string => typed.toUpperCase().replace(/[\s-]/g, '');

/** Whether a (normalised) code is well formed and its check character matches. */
export function isWellFormedCertificateCode(code: string): boolean {
  if (code.length !== CERTIFICATE_CODE_LENGTH || [...code].some((char) => !CODE_ALPHABET.includes(char))) return false;
  return checkCharacter(code.slice(0, -1)) === code.slice(-1);
}

/** ABCD-EFGH-JKLM: how a certificate prints its code. */
export const groupCode = (code: string): string => code.match(/.{1,4}/g)?.join('-') ?? code;

/** An attendance code changes every minute… */
export const ATTENDANCE_CODE_PERIOD_MS = 60_000;
/** …and the one before it is still accepted, for someone typing as it turns over. */
const ACCEPTED_PERIODS_BACK = 1;

/** The 6-digit attendance code of an activity for the period containing `at`. */
export function attendanceCode(secret: string, at: Date): string {
  return codeForPeriod(secret, Math.floor(at.getTime() / ATTENDANCE_CODE_PERIOD_MS));
}

function codeForPeriod(secret: string, period: number): string {
  const digest = sha256Hex(`${secret}\nattendance\n${period}`);
  return String(Number.parseInt(digest.slice(0, 12), 16) % 1_000_000).padStart(6, '0');
}

/** When the code shown at `at` stops being shown (the next one appears). */
export const attendanceCodeRotatesAt = (at: Date): Date =>
  new Date((Math.floor(at.getTime() / ATTENDANCE_CODE_PERIOD_MS) + 1) * ATTENDANCE_CODE_PERIOD_MS);

/** Whether `typed` is the activity's code now or in the previous period. */
export function attendanceCodeMatches(secret: string, typed: string, at: Date): boolean {
  const period = Math.floor(at.getTime() / ATTENDANCE_CODE_PERIOD_MS);
  for (let back = 0; back <= ACCEPTED_PERIODS_BACK; back += 1) if (codeForPeriod(secret, period - back) === typed) return true;
  return false;
}
