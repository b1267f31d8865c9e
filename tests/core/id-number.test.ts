import { describe, expect, it } from 'vitest';
import { birthDateOfIdNumber, isValidIdNumber, maskIdNumber, normaliseIdNumber } from '../../core/id-number';

// The worked example of GB 11643-1999.
const SAMPLE = '11010519491231002X';

describe('resident ID numbers', () => {
  it('accepts the standard’s example and reads its birth date', () => {
    expect(isValidIdNumber(SAMPLE)).toBe(true);
    expect(birthDateOfIdNumber(SAMPLE)).toBe('1949-12-31');
    expect(isValidIdNumber(normaliseIdNumber('110105 19491231 002x'))).toBe(true);
  });

  it('refuses any single changed digit (the check character catches it)', () => {
    for (let index = 0; index < 17; index += 1) {
      const digit = Number(SAMPLE[index]);
      const changed = `${SAMPLE.slice(0, index)}${(digit + 1) % 10}${SAMPLE.slice(index + 1)}`;
      expect(isValidIdNumber(changed), changed).toBe(false);
    }
  });

  it('refuses impossible dates and wrong lengths', () => {
    expect(isValidIdNumber('110105194902300029')).toBe(false);
    expect(isValidIdNumber('1101051949123100')).toBe(false);
  });

  it('masks all but the region and the last four', () => {
    expect(maskIdNumber(SAMPLE)).toBe('110105********002X');
  });
});
