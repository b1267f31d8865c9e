/**
 * The published points rules (积分规则, `points.rules`) through the real `points` function: what they
 * promise is what scoring and check-out pay, a change shows up once a second staff member approves
 * it (never while it waits), and each community reads its own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PointsRulesView } from '../../core/contract';
import type { LocalCloud } from '../../localcloud/src/server';
import { approveRuleChanges, call, DEMO, ok, startLinli } from '../helpers/linli';
import { doc, GENEROUS_ORDER_LIMITS, seed, setCommunitySettings, T0, userDoc } from '../helpers/seed';

const MEAL = { id: 'svc-meal', name: '助餐送餐', category: '助老服务', skills: ['送餐'], expectedMinutes: 30, slaHours: 4 };

const fiveStars = (rules: PointsRulesView, serviceId: string): number | undefined =>
  rules.orders.services.find((service) => service.id === serviceId)?.byScore.find((row) => row.score === 5)?.points;

describe('points.rules', () => {
  let cloud: LocalCloud;
  let seq = 0;
  beforeAll(async () => {
    // No timers: the clock moves on days for the activity, and nothing here waits on a timer.
    cloud = await startLinli({ timers: [] });
    setCommunitySettings(cloud, GENEROUS_ORDER_LIMITS);
  });
  afterAll(() => cloud.close());

  const rulesOf = async (openid: string) => ok(await call(cloud, openid, 'points.rules', {}));

  /** One order of `serviceId` served by the demo volunteer and scored `score`: what scoring paid. */
  async function scoredOrder(serviceId: string, score: number): Promise<number> {
    seq += 1;
    const { order } = ok(await call(cloud, DEMO.resident, 'order.create', { serviceId, description: '请帮忙送一份午餐', clientRequestId: `rules-order-${seq}` }));
    ok(await call(cloud, DEMO.staff, 'dispatch.assign', { orderId: order.id, volunteerOpenid: DEMO.volunteer }));
    ok(await call(cloud, DEMO.volunteer, 'dispatch.accept', { orderId: order.id }));
    ok(await call(cloud, DEMO.volunteer, 'dispatch.start', { orderId: order.id }));
    ok(await call(cloud, DEMO.volunteer, 'dispatch.complete', { orderId: order.id, summary: '已送到', minutes: 25 }));
    // Scored by the staff member who did not approve the demo volunteer (whoever admits does not pay).
    const scorer = doc(cloud, 'volunteers', DEMO.volunteer)?.reviewedBy === DEMO.staff ? DEMO.staff2 : DEMO.staff;
    return ok(await call(cloud, scorer, 'scoring.score', { orderId: order.id, score })).points;
  }

  it('shows the demo community’s rules in force, and a 5-star order pays what they say', async () => {
    const rules = await rulesOf(DEMO.resident);
    expect(rules.communityName).toBe('幸福里社区');
    expect(rules.orders.multipliers).toEqual([
      { score: 5, multiplier: 1.2 },
      { score: 4, multiplier: 1.1 },
      { score: 3, multiplier: 1 },
      { score: 2, multiplier: 0.8 },
      { score: 1, multiplier: 0.5 },
    ]);
    expect(rules.orders.services.find((service) => service.id === 'svc-meal')).toEqual({
      id: 'svc-meal',
      name: '助餐送餐',
      category: '助老服务',
      basePoints: 10,
      byScore: [
        { score: 5, points: 12 },
        { score: 4, points: 11 },
        { score: 3, points: 10 },
        { score: 2, points: 8 },
        { score: 1, points: 5 },
      ],
    });
    // The defaults, as the community never set its own.
    expect(rules.orders.maxPoints).toBe(200);
    expect(rules.activities.maxPointsPerHour).toBe(50);
    expect(rules.activities.rounding).toEqual([
      { fromMinutes: 1, upToMinutes: 15, hours: 0 },
      { fromMinutes: 16, upToMinutes: 45, hours: 0.5 },
      { fromMinutes: 46, upToMinutes: 60, hours: 1 },
    ]);
    expect(rules.awards).toEqual({ maxPoints: 500 });
    expect(rules.spending).toEqual({ redemptionsPerDay: 10 });
    // A volunteer reads the same rules.
    expect(await rulesOf(DEMO.volunteer)).toEqual(rules);

    expect(await scoredOrder('svc-meal', 5)).toBe(fiveStars(rules, 'svc-meal'));
    const hospital = rules.orders.services.find((service) => service.id === 'svc-hospital')!;
    expect(await scoredOrder('svc-hospital', 2)).toBe(hospital.byScore.find((row) => row.score === 2)!.points);
  });

  it('a changed multiplier or service points shows up once a second staff member approves it, not while it waits', async () => {
    const before = await rulesOf(DEMO.resident);
    const proposed = ok(
      await call(cloud, DEMO.staff, 'community.updateSettings', { communityId: DEMO.community, scoreMultipliers: { '1': 0.5, '2': 0.8, '3': 1, '4': 1.2, '5': 1.5 } }),
    );
    expect(proposed.proposals).toHaveLength(1);
    expect(ok(await call(cloud, DEMO.staff, 'catalog.upsert', { ...MEAL, basePoints: 20 })).pendingBasePoints).toBe(20);
    // Waiting: the rules are those in force, and scoring still pays them.
    const waiting = await rulesOf(DEMO.resident);
    expect(waiting.orders).toEqual(before.orders);
    expect(waiting.lastChange).toEqual(before.lastChange);
    expect(await scoredOrder('svc-meal', 5)).toBe(12);

    expect(await approveRuleChanges(cloud)).toBe(2);
    const after = await rulesOf(DEMO.resident);
    expect(after.orders.multipliers[0]).toEqual({ score: 5, multiplier: 1.5 });
    expect(fiveStars(after, 'svc-meal')).toBe(30);
    // The newest approval (the review queue is served oldest first).
    expect(after.lastChange?.summary).toBe('服务“助餐送餐”的基础积分：10 分 → 20 分');
    expect(Date.parse(after.lastChange!.at)).toBeGreaterThanOrEqual(Date.parse(proposed.proposals[0]!.proposedAt));
    expect(await scoredOrder('svc-meal', 5)).toBe(30);
  });

  it('a lowered cap holds for points approved under the higher one: the rules say so, and scoring pays it', async () => {
    ok(await call(cloud, DEMO.staff, 'community.updateSettings', { communityId: DEMO.community, pointsCaps: { servicePoints: 10, scoreMultiplier: 2, activityPointsPerHour: 50, awardPoints: 500 } }));
    expect(await approveRuleChanges(cloud)).toBe(1);
    const rules = await rulesOf(DEMO.volunteer);
    expect(rules.orders.maxPoints).toBe(20);
    expect(rules.lastChange?.summary).toContain('积分上限');
    // 助餐送餐 still has 20 base points (approved under the old cap): 20 × 1.5 = 30, capped at 10 × 2.
    expect(rules.orders.services.find((service) => service.id === 'svc-meal')?.basePoints).toBe(20);
    expect(fiveStars(rules, 'svc-meal')).toBe(20);
    expect(await scoredOrder('svc-meal', 5)).toBe(20);
    ok(await call(cloud, DEMO.staff, 'community.updateSettings', { communityId: DEMO.community, pointsCaps: { servicePoints: 100, scoreMultiplier: 2, activityPointsPerHour: 50, awardPoints: 500 } }));
    await approveRuleChanges(cloud);
  });

  it('an activity’s rate shows once approved, and attending it through pays what the rules say', async () => {
    const startAt = new Date(cloud.clock.now() + 3 * 24 * 3600_000);
    const activity = ok(
      await call(cloud, DEMO.staff, 'activity.create', {
        name: '楼道清洁',
        content: '清理楼道杂物',
        place: '3栋',
        startAt: startAt.toISOString(),
        endAt: new Date(startAt.getTime() + 3 * 3600_000).toISOString(),
        capacity: 5,
        pointsPerHour: 12,
        clientRequestId: 'rules-activity',
      }),
    );
    const listed = (rules: PointsRulesView) => rules.activities.upcoming.find((item) => item.id === activity.id);
    expect(listed(await rulesOf(DEMO.volunteer))).toMatchObject({ name: '楼道清洁', pointsPerHour: 0, hours: 3, points: 0 });
    await approveRuleChanges(cloud);
    const promised = listed(await rulesOf(DEMO.volunteer));
    expect(promised).toEqual({ id: activity.id, name: '楼道清洁', startAt: startAt.toISOString(), pointsPerHour: 12, hours: 3, points: 36 });

    ok(await call(cloud, DEMO.volunteer, 'activity.signUp', { activityId: activity.id }));
    await cloud.scheduler.advance(startAt.getTime() - cloud.clock.now());
    const { code } = ok(await call(cloud, DEMO.staff, 'activity.code', { activityId: activity.id }));
    ok(await call(cloud, DEMO.volunteer, 'activity.checkIn', { activityId: activity.id, code }));
    await cloud.scheduler.advance(3 * 3600_000 + 60_000);
    const { code: later } = ok(await call(cloud, DEMO.staff, 'activity.code', { activityId: activity.id }));
    const checkedOut = ok(await call(cloud, DEMO.volunteer, 'activity.checkOut', { activityId: activity.id, code: later }));
    expect(checkedOut.record.hours).toBe(promised!.hours);
    expect(checkedOut.mySignup.points).toBe(promised!.points);
    // Over: no longer among the upcoming.
    expect(listed(await rulesOf(DEMO.volunteer))).toBeUndefined();
  });

  it('a resident of another community reads their own community’s rules', async () => {
    seed(cloud, 'communities', [
      {
        _id: 'other-community',
        name: '和平里社区',
        grids: [{ id: 'h1', name: '第一网格', buildings: ['1栋'] }],
        settings: { requireOrderReview: false, scoreMultipliers: { '1': 1, '2': 1, '3': 1, '4': 1, '5': 2 }, acceptTimeoutMinutes: 30, dailyLimits: { redemptions: 2, certificates: 10, nominations: 20, corrections: 10, handBacks: 5 } },
        createdAt: T0,
      },
    ]);
    seed(cloud, 'services', [
      { _id: 'other-svc', communityId: 'other-community', name: '代取快递', category: '便民服务', skills: [], expectedMinutes: 20, basePoints: 7, slaHours: 24, archived: false, updatedAt: T0 },
      { _id: 'other-archived', communityId: 'other-community', name: '旧服务', category: '便民服务', skills: [], expectedMinutes: 20, basePoints: 9, slaHours: 24, archived: true, updatedAt: T0 },
    ]);
    seed(cloud, 'users', [userDoc('other-resident', '赵大妈', { communityId: 'other-community', address: { gridId: 'h1', building: '1栋' } })]);
    const rules = await rulesOf('other-resident');
    expect(rules.communityName).toBe('和平里社区');
    expect(rules.orders.services).toEqual([
      { id: 'other-svc', name: '代取快递', category: '便民服务', basePoints: 7, byScore: [5, 4, 3, 2, 1].map((score) => ({ score, points: score === 5 ? 14 : 7 })) },
    ]);
    expect(rules.spending.redemptionsPerDay).toBe(2);
    expect(rules.activities.upcoming).toEqual([]);
    expect(rules.lastChange).toBeUndefined();
    // The demo community's rules are unchanged by it.
    expect((await rulesOf(DEMO.resident)).orders.services.map((service) => service.id)).not.toContain('other-svc');
  });
});
