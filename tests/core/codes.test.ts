/** Certificate verification codes (a check character catches typos) and rotating attendance codes. */
import { describe, expect, it } from 'vitest';
import {
  ATTENDANCE_CODE_PERIOD_MS,
  attendanceCode,
  attendanceCodeMatches,
  attendanceCodeRotatesAt,
  CERTIFICATE_CODE_LENGTH,
  certificateCode,
  groupCode,
  isWellFormedCertificateCode,
  normaliseCode,
} from '../../core/codes';
import { CODE_ALPHABET } from '../../core/ports';

/** Deterministic bodies (a linear congruential generator), so a failure can be replayed. */
function bodies(count: number): string[] {
  let state = 20261121;
  const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31);
  return Array.from({ length: count }, () => Array.from({ length: CERTIFICATE_CODE_LENGTH - 1 }, () => CODE_ALPHABET[next() % CODE_ALPHABET.length]!).join(''));
}

describe('certificate codes', () => {
  const codes = [certificateCode('ABCDEFGHJKM'), certificateCode('22222222222'), ...bodies(30).map(certificateCode)];

  it('are 12 characters of the alphabet with a valid check character', () => {
    for (const code of codes) {
      expect(code).toHaveLength(CERTIFICATE_CODE_LENGTH);
      expect(isWellFormedCertificateCode(code)).toBe(true);
    }
  });

  it('fail the check after any single-character change', () => {
    let tried = 0;
    for (const code of codes) {
      for (let position = 0; position < code.length; position++) {
        for (const char of CODE_ALPHABET) {
          if (char === code[position]) continue;
          const altered = code.slice(0, position) + char + code.slice(position + 1);
          expect(isWellFormedCertificateCode(altered), altered).toBe(false);
          tried += 1;
        }
      }
    }
    expect(tried).toBe(codes.length * 12 * 30);
  });

  it('fail the check after any swap of two different neighbours', () => {
    let tried = 0;
    for (const code of codes) {
      for (let position = 0; position + 1 < code.length; position++) {
        if (code[position] === code[position + 1]) continue;
        const swapped = code.slice(0, position) + code[position + 1] + code[position] + code.slice(position + 2);
        expect(isWellFormedCertificateCode(swapped), swapped).toBe(false);
        tried += 1;
      }
    }
    expect(tried).toBeGreaterThan(codes.length * 5);
  });

  it('refuse a wrong length or look-alike characters', () => {
    const code = codes[0]!;
    expect(isWellFormedCertificateCode(code.slice(0, -1))).toBe(false);
    expect(isWellFormedCertificateCode(`${code}A`)).toBe(false);
    expect(isWellFormedCertificateCode('')).toBe(false);
    for (const lookAlike of ['0', 'O', '1', 'I', 'L', 'a']) expect(isWellFormedCertificateCode(lookAlike + code.slice(1))).toBe(false);
    expect(() => certificateCode('ABC')).toThrow();
    expect(() => certificateCode('ABCDEFGHJK0')).toThrow();
  });

  it('print in groups of four and read back however they are typed', () => {
    const code = codes[0]!;
    const printed = groupCode(code);
    expect(printed).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    expect(normaliseCode(printed)).toBe(code);
    expect(normaliseCode(` ${printed.toLowerCase().replace(/-/g, ' ')} `)).toBe(code);
  });
});

describe('attendance codes', () => {
  const secret = 'activity-secret-1';
  const minute = new Date('2026-11-21T06:30:00.000Z');
  const at = (ms: number) => new Date(minute.getTime() + ms);

  it('are six digits, the same throughout a minute', () => {
    const code = attendanceCode(secret, minute);
    expect(code).toMatch(/^\d{6}$/);
    expect(attendanceCode(secret, at(59_999))).toBe(code);
    expect(attendanceCodeMatches(secret, code, at(30_000))).toBe(true);
    expect(attendanceCodeRotatesAt(at(12_345))).toEqual(at(ATTENDANCE_CODE_PERIOD_MS));
  });

  it('change every minute; the previous minute’s is still accepted, an older one is not', () => {
    const code = attendanceCode(secret, minute);
    expect(attendanceCode(secret, at(60_000))).not.toBe(code);
    expect(attendanceCodeMatches(secret, code, at(60_000))).toBe(true);
    expect(attendanceCodeMatches(secret, code, at(119_999))).toBe(true);
    expect(attendanceCodeMatches(secret, code, at(120_000))).toBe(false);
    // Nor a code from the future (a screen photographed, then replayed, cannot run ahead either).
    expect(attendanceCodeMatches(secret, attendanceCode(secret, at(60_000)), minute)).toBe(false);
  });

  it('differ between activities', () => {
    expect(attendanceCode('activity-secret-2', minute)).not.toBe(attendanceCode(secret, minute));
    expect(attendanceCodeMatches('activity-secret-2', attendanceCode(secret, minute), minute)).toBe(false);
  });
});
