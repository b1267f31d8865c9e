/** Minutes → recorded hours under a community's rounding rule, exact sums, and star levels. */
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../core/errors';
import { DEFAULT_HOUR_ROUNDING, type HourRounding, minutesToHours, roundingProblem, STAR_THRESHOLDS, starLevel, sumHours } from '../../core/volunteer-hours';

describe('minutesToHours with the default rule (≤15 → 0, ≤45 → 0.5, ≤60 → 1)', () => {
  it.each([
    [0, 0],
    [1, 0],
    [15, 0],
    [16, 0.5],
    [45, 0.5],
    [46, 1],
    [60, 1],
    [61, 1],
    [75, 1],
    [76, 1.5],
    [105, 1.5],
    [106, 2],
    [120, 2],
    [1440, 24],
  ])('%i minutes → %d hours', (minutes, hours) => {
    expect(minutesToHours(minutes)).toBe(hours);
    expect(minutesToHours(minutes, DEFAULT_HOUR_ROUNDING)).toBe(hours);
  });

  it('refuses negative minutes', () => {
    expect(() => minutesToHours(-1)).toThrow(DomainError);
    expect(() => minutesToHours(Number.NaN)).toThrow(DomainError);
  });
});

describe('a custom rule', () => {
  // Every started half hour counts in full.
  const halfHoursUp: HourRounding = {
    steps: [
      { upToMinutes: 30, hours: 0.5 },
      { upToMinutes: 60, hours: 1 },
    ],
  };
  // Quarter hours to two decimals.
  const quarters: HourRounding = {
    steps: [
      { upToMinutes: 7, hours: 0 },
      { upToMinutes: 22, hours: 0.25 },
      { upToMinutes: 37, hours: 0.5 },
      { upToMinutes: 52, hours: 0.75 },
      { upToMinutes: 60, hours: 1 },
    ],
  };

  it('is used instead of the default', () => {
    expect(roundingProblem(halfHoursUp)).toBeNull();
    expect(minutesToHours(1, halfHoursUp)).toBe(0.5);
    expect(minutesToHours(15, halfHoursUp)).toBe(0.5);
    expect(minutesToHours(30, halfHoursUp)).toBe(0.5);
    expect(minutesToHours(31, halfHoursUp)).toBe(1);
    expect(minutesToHours(90, halfHoursUp)).toBe(1.5);
    expect(minutesToHours(91, halfHoursUp)).toBe(2);
    expect(roundingProblem(quarters)).toBeNull();
    expect(minutesToHours(7, quarters)).toBe(0);
    expect(minutesToHours(8, quarters)).toBe(0.25);
    expect(minutesToHours(142, quarters)).toBe(2.25);
    expect(minutesToHours(173, quarters)).toBe(3);
  });
});

describe('roundingProblem', () => {
  it('accepts the default', () => {
    expect(roundingProblem(DEFAULT_HOUR_ROUNDING)).toBeNull();
  });

  it.each<[string, HourRounding, string]>([
    ['no steps', { steps: [] }, '折算规则应有 1–12 档'],
    ['too many steps', { steps: Array.from({ length: 13 }, (_, i) => ({ upToMinutes: i + 48, hours: 1 })) }, '折算规则应有 1–12 档'],
    ['a step not reaching 60', { steps: [{ upToMinutes: 30, hours: 0.5 }] }, '最后一档应到 60 分钟'],
    ['a step beyond 60', { steps: [{ upToMinutes: 90, hours: 1 }] }, '每档分钟数应为 1–60 的整数'],
    ['a zero-minute step', { steps: [{ upToMinutes: 0, hours: 0 }, { upToMinutes: 60, hours: 1 }] }, '每档分钟数应为 1–60 的整数'],
    ['fractional minutes', { steps: [{ upToMinutes: 15.5, hours: 0 }, { upToMinutes: 60, hours: 1 }] }, '每档分钟数应为 1–60 的整数'],
    ['more than an hour for a step', { steps: [{ upToMinutes: 60, hours: 1.5 }] }, '每档折算小时应在 0–1 之间，最多两位小数'],
    ['negative hours', { steps: [{ upToMinutes: 60, hours: -0.5 }] }, '每档折算小时应在 0–1 之间，最多两位小数'],
    ['three decimals', { steps: [{ upToMinutes: 30, hours: 0.333 }, { upToMinutes: 60, hours: 1 }] }, '每档折算小时应在 0–1 之间，最多两位小数'],
    ['minutes out of order', { steps: [{ upToMinutes: 45, hours: 0.5 }, { upToMinutes: 15, hours: 0 }, { upToMinutes: 60, hours: 1 }] }, '各档分钟数应从小到大排列'],
    ['fewer hours for longer service', { steps: [{ upToMinutes: 30, hours: 1 }, { upToMinutes: 60, hours: 0.5 }] }, '服务时间越长，折算的小时不能越少'],
  ])('refuses %s', (_name, rule, message) => {
    expect(roundingProblem(rule)).toBe(message);
  });
});

describe('sumHours', () => {
  it('is exact to two decimals where floating point is not', () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(sumHours([0.1, 0.2])).toBe(0.3);
    expect(sumHours(Array.from({ length: 1000 }, () => 0.01))).toBe(10);
    expect(sumHours(Array.from({ length: 333 }, () => 0.33))).toBe(109.89);
    expect(sumHours([2.5, -0.5, 0.25])).toBe(2.25);
    expect(sumHours([])).toBe(0);
  });
});

describe('starLevel', () => {
  it('uses the thresholds 100 / 300 / 600 / 1000 / 1500 hours', () => {
    expect(STAR_THRESHOLDS).toEqual([100, 300, 600, 1000, 1500]);
    expect(starLevel(0)).toEqual({ stars: 0, nextAt: 100, toNext: 100 });
    expect(starLevel(99.5)).toEqual({ stars: 0, nextAt: 100, toNext: 0.5 });
    expect(starLevel(100)).toEqual({ stars: 1, nextAt: 300, toNext: 200 });
    expect(starLevel(299.99)).toEqual({ stars: 1, nextAt: 300, toNext: 0.01 });
    expect(starLevel(300)).toEqual({ stars: 2, nextAt: 600, toNext: 300 });
    expect(starLevel(600)).toMatchObject({ stars: 3, nextAt: 1000 });
    expect(starLevel(1000)).toMatchObject({ stars: 4, nextAt: 1500 });
    expect(starLevel(1499.5)).toEqual({ stars: 4, nextAt: 1500, toNext: 0.5 });
    expect(starLevel(1500)).toEqual({ stars: 5, nextAt: null, toNext: null });
    expect(starLevel(4000)).toEqual({ stars: 5, nextAt: null, toNext: null });
  });
});
