/**
 * A community's limits and caps, with the defaults a community gets until it sets its own. Pure:
 * the use cases read them from the community document through these accessors.
 */
import type { EffectiveSettings } from './contract';
import { AFFAIR_CATEGORIES } from './labels';
import type { AffairCategory, AffairRules, AffairUrgency, Community, DailyLimits, OrderLimits, PointsCaps, ScoreMultipliers } from './model';
import { DEFAULT_SCORE_MULTIPLIERS } from './points';
import { DEFAULT_HOUR_ROUNDING } from './volunteer-hours';

/**
 * A resident rarely needs more than a few services at once; staff ordering for the elders of a
 * community without phones (代点单) need more. Every limit can be changed in the settings.
 */
export const DEFAULT_ORDER_LIMITS: OrderLimits = {
  openPerResident: 5,
  perResidentPerDay: 10,
  openOnBehalf: 50,
  onBehalfPerDay: 100,
};

/**
 * What a rule may pay at most unless the community raises it (with a second staff member). With
 * these, one order pays at most 100 × 2 = 200 points, an hour of an activity 50.
 */
export const DEFAULT_POINTS_CAPS: PointsCaps = {
  servicePoints: 100,
  scoreMultiplier: 2,
  activityPointsPerHour: 50,
  awardPoints: 500,
};

/** The hard limits of the contract: no cap may be raised past them. */
export const POINTS_CAP_LIMITS: PointsCaps = {
  servicePoints: 1000,
  scoreMultiplier: 5,
  activityPointsPerHour: 100,
  awardPoints: 1000,
};

/** More than anyone needs in a day, far less than a flood. */
export const DEFAULT_DAILY_LIMITS: DailyLimits = {
  redemptions: 10,
  certificates: 10,
  nominations: 20,
  corrections: 10,
  handBacks: 5,
};

/**
 * Reported minutes above this wait for the scorer whatever the service's expected time (which staff
 * set alone in the catalogue: raising it must not switch the check off).
 */
export const MINUTES_ALWAYS_CHECKED = 240;

/** Whether reported minutes count only once the scorer confirms them. */
export const minutesNeedConfirming = (minutes: number, expectedMinutes: number, ratio: number): boolean =>
  minutes > ratio * expectedMinutes || minutes > MINUTES_ALWAYS_CHECKED;

/** Reported minutes above 3× the expected time wait for the scorer to confirm them. */
export const DEFAULT_MINUTES_CHECK_RATIO = 3;

export const orderLimitsOf = (community: Pick<Community, 'settings'>): OrderLimits => ({ ...DEFAULT_ORDER_LIMITS, ...community.settings.orderLimits });
export const pointsCapsOf = (community: Pick<Community, 'settings'>): PointsCaps => ({ ...DEFAULT_POINTS_CAPS, ...community.settings.pointsCaps });
export const dailyLimitsOf = (community: Pick<Community, 'settings'>): DailyLimits => ({ ...DEFAULT_DAILY_LIMITS, ...community.settings.dailyLimits });
export const minutesCheckRatioOf = (community: Pick<Community, 'settings'>): number => community.settings.minutesCheckRatio ?? DEFAULT_MINUTES_CHECK_RATIO;

/** The largest multiplier of a table (what the cap is compared with). */
export const largestMultiplier = (multipliers: ScoreMultipliers): number => Math.max(...Object.values(multipliers));

/** Every category, three days each; the street office hears of an affair at its second missed deadline (once a department is named). */
export const DEFAULT_AFFAIR_RULES: AffairRules = {
  categories: AFFAIR_CATEGORIES.map((name) => ({ name, deadlineHours: 72 })),
  escalateAfterOverdues: 2,
};

export const affairRulesOf = (community: Pick<Community, 'settings'>): AffairRules => community.settings.affairRules ?? DEFAULT_AFFAIR_RULES;

/** The default deadline of an affair: its category's hours; an urgent one half of that, at most a day. */
export function defaultDeadlineHours(rules: AffairRules, category: AffairCategory, urgency: AffairUrgency): number {
  const hours = rules.categories.find((item) => item.name === category)?.deadlineHours ?? 72;
  return urgency === '紧急' ? Math.max(1, Math.min(24, Math.round(hours / 2))) : hours;
}

/** 十联户: a linker looks after ten households unless the community sets more (社区管家: 40–50). */
export const DEFAULT_HOUSEHOLDS_PER_LINKER = 10;

/** What a new community starts with. */
export const DEFAULT_SETTINGS: EffectiveSettings = {
  requireOrderReview: false,
  scoreMultipliers: DEFAULT_SCORE_MULTIPLIERS,
  acceptTimeoutMinutes: 30,
  hourRounding: DEFAULT_HOUR_ROUNDING,
  orderLimits: DEFAULT_ORDER_LIMITS,
  pointsCaps: DEFAULT_POINTS_CAPS,
  minutesCheckRatio: DEFAULT_MINUTES_CHECK_RATIO,
  dailyLimits: DEFAULT_DAILY_LIMITS,
  affairRules: DEFAULT_AFFAIR_RULES,
  householdsPerLinker: DEFAULT_HOUSEHOLDS_PER_LINKER,
};

/** What applies: the stored settings, with the defaults for what a community never set. */
export const effectiveSettings = (community: Pick<Community, 'settings'>): EffectiveSettings => ({
  ...community.settings,
  hourRounding: community.settings.hourRounding ?? DEFAULT_HOUR_ROUNDING,
  orderLimits: orderLimitsOf(community),
  pointsCaps: pointsCapsOf(community),
  minutesCheckRatio: minutesCheckRatioOf(community),
  dailyLimits: dailyLimitsOf(community),
  affairRules: affairRulesOf(community),
  householdsPerLinker: community.settings.householdsPerLinker ?? DEFAULT_HOUSEHOLDS_PER_LINKER,
});

