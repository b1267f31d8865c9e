/**
 * The points rules a community publishes to its residents and volunteers (积分规则): what an order
 * pays for each score, what an hour of an activity pays, the caps, and the limits on spending. Pure:
 * it takes what is in force (the community's settings, the services on offer, the upcoming
 * activities, the last approved change) and computes every number with the functions that pay,
 * so the page can never promise what scoring or check-out would not give.
 */
import type { PointsRulesView } from './contract';
import { attendedMinutes } from './activity-rules';
import type { Activity, Community, RuleChange, ScoreMultipliers, ServiceItem } from './model';
import { activityPoints, DEFAULT_SCORE_MULTIPLIERS, maxOrderPoints, paidRate, scoredOrderPoints } from './points';
import { describeRuleChange } from './rules';
import { dailyLimitsOf, effectiveSettings } from './settings';
import { iso } from './time';
import { minutesToHours } from './volunteer-hours';

/** Scores as the page lists them: the best first. */
const SCORES = [5, 4, 3, 2, 1] as const;

/** Upcoming activities shown with their rates: the next few are what a volunteer plans for. */
export const UPCOMING_ACTIVITIES_SHOWN = 10;

export interface PointsRulesInput {
  community: Pick<Community, 'name' | 'settings'>;
  /** The services on offer (not archived), in the order to show them. */
  services: ReadonlyArray<Pick<ServiceItem, '_id' | 'name' | 'category' | 'basePoints' | 'archived'>>;
  /** Activities not yet over, soonest first; cancelled ones are left out here. */
  activities: ReadonlyArray<Pick<Activity, '_id' | 'name' | 'startAt' | 'endAt' | 'status' | 'pointsPerHour' | 'paidMinutesCap'>>;
  /** The newest approved rule change, if any. */
  lastChange?: Pick<RuleChange, 'kind' | 'field' | 'targetName' | 'before' | 'after' | 'status' | 'decidedAt'> | null;
}

export function pointsRulesView({ community, services, activities, lastChange }: PointsRulesInput): PointsRulesView {
  // The stored settings with the defaults for what was never set, as scoring and check-out read them.
  const settings = effectiveSettings(community);
  const caps = settings.pointsCaps;
  const multipliers: ScoreMultipliers = community.settings.scoreMultipliers ?? DEFAULT_SCORE_MULTIPLIERS;
  const rounding = settings.hourRounding;
  return {
    communityName: community.name,
    orders: {
      multipliers: SCORES.map((score) => ({ score, multiplier: multipliers[String(score) as keyof ScoreMultipliers] })),
      maxPoints: maxOrderPoints(caps),
      services: services
        .filter((service) => !service.archived)
        .map((service) => ({
          id: service._id,
          name: service.name,
          category: service.category,
          basePoints: service.basePoints,
          byScore: SCORES.map((score) => ({ score, points: scoredOrderPoints(service.basePoints, score, community.settings.scoreMultipliers, caps) })),
        })),
    },
    activities: {
      maxPointsPerHour: caps.activityPointsPerHour,
      rounding: rounding.steps.map((step, index) => ({ fromMinutes: (rounding.steps[index - 1]?.upToMinutes ?? 0) + 1, upToMinutes: step.upToMinutes, hours: step.hours })),
      upcoming: activities
        .filter((activity) => activity.status === 'published')
        .slice(0, UPCOMING_ACTIVITIES_SHOWN)
        .map((activity) => {
          // Attending from start to end: the minutes check-out would count, and what it would pay.
          const hours = minutesToHours(attendedMinutes(activity, activity.startAt, activity.endAt), rounding);
          return {
            id: activity._id,
            name: activity.name,
            startAt: iso(activity.startAt),
            pointsPerHour: paidRate(activity, caps),
            hours,
            points: activityPoints(hours, activity, caps),
          };
        }),
    },
    awards: { maxPoints: caps.awardPoints },
    spending: { redemptionsPerDay: dailyLimitsOf(community).redemptions },
    ...(lastChange?.status === 'approved' && lastChange.decidedAt ? { lastChange: { at: iso(lastChange.decidedAt), summary: describeRuleChange(lastChange) } } : {}),
  };
}
