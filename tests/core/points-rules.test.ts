/**
 * The published points rules (core/points-rules.ts): every number they show is what scoring and
 * check-out pay (scoredOrderPoints, activityPoints, the hour rounding), caps included.
 */
import { describe, expect, it } from 'vitest';
import { attendedMinutes } from '../../core/activity-rules';
import type { Activity, Community, RuleChange, ServiceItem } from '../../core/model';
import { activityPoints, scoredOrderPoints } from '../../core/points';
import { pointsRulesView, UPCOMING_ACTIVITIES_SHOWN } from '../../core/points-rules';
import { DEFAULT_SETTINGS, pointsCapsOf } from '../../core/settings';
import { minutesToHours } from '../../core/volunteer-hours';

const T = new Date('2026-11-20T02:00:00.000Z');
const HOUR = 3600_000;

const community = (settings: Partial<Community['settings']> = {}): Pick<Community, 'name' | 'settings'> => ({
  name: '幸福里社区',
  settings: { requireOrderReview: false, scoreMultipliers: DEFAULT_SETTINGS.scoreMultipliers, acceptTimeoutMinutes: 30, ...settings },
});

const service = (id: string, basePoints: number, archived = false): Pick<ServiceItem, '_id' | 'name' | 'category' | 'basePoints' | 'archived'> => ({
  _id: id,
  name: `服务${id}`,
  category: '助老服务',
  basePoints,
  archived,
});

type ActivityRow = Pick<Activity, '_id' | 'name' | 'startAt' | 'endAt' | 'status' | 'pointsPerHour' | 'paidMinutesCap'>;
const activity = (id: string, minutes: number, pointsPerHour: number, extra: Partial<ActivityRow> = {}): ActivityRow => ({
  _id: id,
  name: `活动${id}`,
  startAt: T,
  endAt: new Date(T.getTime() + minutes * 60_000),
  status: 'published',
  pointsPerHour,
  ...extra,
});

describe('pointsRulesView: orders', () => {
  it('shows what each score pays for the demo’s 助餐送餐 (10 points): 12, 11, 10, 8, 5', () => {
    const view = pointsRulesView({ community: community(), services: [service('meal', 10)], activities: [] });
    expect(view.orders.services[0]!.byScore).toEqual([
      { score: 5, points: 12 },
      { score: 4, points: 11 },
      { score: 3, points: 10 },
      { score: 2, points: 8 },
      { score: 1, points: 5 },
    ]);
    expect(view.orders.multipliers.map((row) => row.multiplier)).toEqual([1.2, 1.1, 1, 0.8, 0.5]);
    expect(view.orders.maxPoints).toBe(200);
  });

  // Multipliers and caps a community may set, and points set under higher caps than today's.
  const settingsCases: Array<[string, Partial<Community['settings']>]> = [
    ['defaults', {}],
    ['generous multipliers', { scoreMultipliers: { '1': 0.3, '2': 0.75, '3': 1.25, '4': 1.5, '5': 2 } }],
    ['lowered caps', { pointsCaps: { servicePoints: 25, scoreMultiplier: 1.5, activityPointsPerHour: 8, awardPoints: 100 } }],
    ['odd caps', { scoreMultipliers: { '1': 0.55, '2': 0.85, '3': 1.15, '4': 1.45, '5': 1.95 }, pointsCaps: { servicePoints: 33, scoreMultiplier: 1.7, activityPointsPerHour: 13, awardPoints: 7 } }],
  ];

  it.each(settingsCases)('every score of every service is what scoring pays (%s)', (_name, settings) => {
    const shown = community(settings);
    const caps = pointsCapsOf(shown);
    const services = [0, 1, 3, 7, 10, 15, 25, 26, 49, 100, 150, 1000].map((points) => service(`s${points}`, points));
    const view = pointsRulesView({ community: shown, services, activities: [] });
    expect(view.orders.services).toHaveLength(services.length);
    for (const [index, item] of services.entries()) {
      const row = view.orders.services[index]!;
      expect(row.basePoints).toBe(item.basePoints);
      for (const score of [1, 2, 3, 4, 5]) {
        const paid = scoredOrderPoints(item.basePoints, score, shown.settings.scoreMultipliers, caps);
        expect(row.byScore.find((entry) => entry.score === score)?.points, `${item.basePoints} points, score ${score}`).toBe(paid);
        expect(paid).toBeLessThanOrEqual(view.orders.maxPoints);
      }
    }
  });

  it('caps an order at servicePoints × scoreMultiplier, however many points the service had', () => {
    const view = pointsRulesView({
      community: community({ pointsCaps: { servicePoints: 10, scoreMultiplier: 2, activityPointsPerHour: 50, awardPoints: 500 } }),
      services: [service('old', 50)],
      activities: [],
    });
    expect(view.orders.maxPoints).toBe(20);
    expect(view.orders.services[0]!.byScore.map((row) => row.points)).toEqual([20, 20, 20, 20, 20]);
  });

  it('leaves archived services out', () => {
    const view = pointsRulesView({ community: community(), services: [service('on', 5), service('off', 9, true)], activities: [] });
    expect(view.orders.services.map((row) => row.id)).toEqual(['on']);
  });
});

describe('pointsRulesView: activities', () => {
  const rounding = { steps: [{ upToMinutes: 30, hours: 0.5 }, { upToMinutes: 60, hours: 1 }] };

  it.each([
    ['3 hours at 12 an hour', activity('a', 180, 12), {}, 3, 12, 36],
    ['2 h 20 min under the default rounding (0.5 h)', activity('b', 140, 10), {}, 2.5, 10, 25],
    ['2 h 10 min: 10 leftover minutes count nothing', activity('c', 130, 10), {}, 2, 10, 20],
    ['2 h 10 min under a rule that counts them as 0.5 h', activity('d', 130, 10), { hourRounding: rounding }, 2.5, 10, 25],
    ['a rate above today’s cap pays the cap', activity('e', 120, 40), { pointsCaps: { servicePoints: 100, scoreMultiplier: 2, activityPointsPerHour: 15, awardPoints: 500 } }, 2, 15, 30],
    ['lengthened after approval: paid for the approved 2 hours only', activity('f', 240, 10, { paidMinutesCap: 120 }), {}, 4, 10, 20],
    ['no points', activity('g', 60, 0), {}, 1, 0, 0],
  ] as const)('%s', (_name, item, settings, hours, rate, points) => {
    const shown = community(settings);
    const [row] = pointsRulesView({ community: shown, services: [], activities: [item] }).activities.upcoming;
    expect(row).toEqual({ id: item._id, name: item.name, startAt: item.startAt.toISOString(), pointsPerHour: rate, hours, points });
    // What a check-out from start to end records and pays.
    const recorded = minutesToHours(attendedMinutes(item, item.startAt, item.endAt), shown.settings.hourRounding);
    expect(row!.hours).toBe(recorded);
    expect(row!.points).toBe(activityPoints(recorded, item, pointsCapsOf(shown)));
  });

  it('describes the rounding steps as minute ranges', () => {
    expect(pointsRulesView({ community: community({ hourRounding: rounding }), services: [], activities: [] }).activities.rounding).toEqual([
      { fromMinutes: 1, upToMinutes: 30, hours: 0.5 },
      { fromMinutes: 31, upToMinutes: 60, hours: 1 },
    ]);
  });

  it('lists published activities only, at most the first few', () => {
    const many = Array.from({ length: UPCOMING_ACTIVITIES_SHOWN + 5 }, (_, index) => activity(`n${index}`, 60, 5, { startAt: new Date(T.getTime() + index * HOUR), endAt: new Date(T.getTime() + (index + 1) * HOUR) }));
    const cancelled = activity('x', 60, 5, { status: 'cancelled' });
    const upcoming = pointsRulesView({ community: community(), services: [], activities: [cancelled, ...many] }).activities.upcoming;
    expect(upcoming).toHaveLength(UPCOMING_ACTIVITIES_SHOWN);
    expect(upcoming.map((row) => row.id)).not.toContain('x');
    expect(upcoming[0]!.id).toBe('n0');
  });
});

describe('pointsRulesView: awards, spending, the last change', () => {
  it('shows the award cap and the daily redemption limit in force', () => {
    const view = pointsRulesView({
      community: community({
        pointsCaps: { servicePoints: 100, scoreMultiplier: 2, activityPointsPerHour: 50, awardPoints: 80 },
        dailyLimits: { redemptions: 3, certificates: 10, nominations: 20, corrections: 10, handBacks: 5 },
      }),
      services: [],
      activities: [],
    });
    expect(view.awards).toEqual({ maxPoints: 80 });
    expect(view.spending).toEqual({ redemptionsPerDay: 3 });
  });

  const change = (status: RuleChange['status']): Pick<RuleChange, 'kind' | 'field' | 'targetName' | 'before' | 'after' | 'status' | 'decidedAt'> => ({
    kind: 'service_points',
    targetName: '助餐送餐',
    before: 10,
    after: 20,
    status,
    decidedAt: T,
  });

  it('says when an approved change took effect, and never shows one that is not approved', () => {
    expect(pointsRulesView({ community: community(), services: [], activities: [], lastChange: change('approved') }).lastChange).toEqual({
      at: T.toISOString(),
      summary: '服务“助餐送餐”的基础积分：10 分 → 20 分',
    });
    for (const status of ['pending', 'rejected', 'superseded'] as const) {
      expect(pointsRulesView({ community: community(), services: [], activities: [], lastChange: change(status) }).lastChange).toBeUndefined();
    }
  });
});
