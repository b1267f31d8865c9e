/**
 * Volunteer hours (办法 Art. 7: service time is counted in hours) and star levels. Minutes given are
 * turned into hours by a community's rounding rule: whole hours count as they are, and the minutes
 * left over fall into steps, e.g. ≤15 min → 0 h, ≤45 min → 0.5 h, ≤60 min → 1 h (志愿山城's rule,
 * the default). Hours are kept to two decimals and summed in hundredths, so totals never drift.
 */
import { DomainError } from './errors';

export interface RoundingStep {
  /** Leftover minutes up to and including this many (1–60)… */
  upToMinutes: number;
  /** …count as this many hours (0–1). */
  hours: number;
}

export interface HourRounding {
  /** Ordered by upToMinutes; the last step ends at 60. */
  steps: RoundingStep[];
}

export const DEFAULT_HOUR_ROUNDING: HourRounding = {
  steps: [
    { upToMinutes: 15, hours: 0 },
    { upToMinutes: 45, hours: 0.5 },
    { upToMinutes: 60, hours: 1 },
  ],
};

/** Why a rounding rule is unusable, in Chinese, or null when it is fine. */
export function roundingProblem(rule: HourRounding): string | null {
  const { steps } = rule;
  if (steps.length === 0 || steps.length > 12) return '折算规则应有 1–12 档';
  for (const [index, step] of steps.entries()) {
    if (!Number.isInteger(step.upToMinutes) || step.upToMinutes < 1 || step.upToMinutes > 60) return '每档分钟数应为 1–60 的整数';
    if (step.hours < 0 || step.hours > 1 || Math.round(step.hours * 100) !== step.hours * 100) return '每档折算小时应在 0–1 之间，最多两位小数';
    const previous = steps[index - 1];
    if (previous && step.upToMinutes <= previous.upToMinutes) return '各档分钟数应从小到大排列';
    if (previous && step.hours < previous.hours) return '服务时间越长，折算的小时不能越少';
  }
  if (steps[steps.length - 1]?.upToMinutes !== 60) return '最后一档应到 60 分钟';
  return null;
}

/** Hours credited for `minutes` of service under `rule`, to two decimals. */
export function minutesToHours(minutes: number, rule: HourRounding = DEFAULT_HOUR_ROUNDING): number {
  if (!Number.isFinite(minutes) || minutes < 0) throw new DomainError('INVALID_INPUT', '服务时长不能为负数');
  const whole = Math.floor(minutes / 60);
  const leftover = minutes - whole * 60;
  const step = leftover === 0 ? undefined : rule.steps.find((candidate) => leftover <= candidate.upToMinutes);
  return toHundredths(whole + (step?.hours ?? 0)) / 100;
}

const toHundredths = (hours: number): number => Math.round(hours * 100);

/** The sum of hours, exact to two decimals. */
export function sumHours(hours: Iterable<number>): number {
  let hundredths = 0;
  for (const value of hours) hundredths += toHundredths(value);
  return hundredths / 100;
}

/** Recorded hours for 1★ to 5★ (Guangdong and Hefei use these). */
export const STAR_THRESHOLDS = [100, 300, 600, 1000, 1500] as const;

export interface StarLevel {
  /** 0–5. */
  stars: number;
  /** Hours needed for the next star, or null at five stars. */
  nextAt: number | null;
  /** Hours still missing for the next star. */
  toNext: number | null;
}

export function starLevel(hours: number): StarLevel {
  const stars = STAR_THRESHOLDS.filter((threshold) => hours >= threshold).length;
  const nextAt = STAR_THRESHOLDS[stars] ?? null;
  return { stars, nextAt, toNext: nextAt === null ? null : sumHours([nextAt, -hours]) };
}
