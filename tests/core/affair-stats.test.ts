/** The affairs' figures on plain objects: every number checked by hand. */
import { describe, expect, it } from 'vitest';
import { addAffair, affairStatsOf, newAffairTally, resolveHoursOf, respondHoursOf, type StatsAffair } from '../../core/affair-stats';
import type { AffairStatus } from '../../core/model';
import { computeOverview, type OverviewInput } from '../../core/stats';

const T0 = new Date('2026-11-02T00:00:00Z');
const hoursLater = (hours: number) => new Date(T0.getTime() + hours * 3_600_000);
const step = (hours: number, to: AffairStatus) => ({ at: hoursLater(hours), to });

function affair(status: AffairStatus, gridId: string, extra: Partial<StatsAffair> = {}): StatsAffair {
  return { category: '环境卫生', status, createdAt: T0, overdueCount: 0, place: { gridId }, events: [step(0, 'reported')], ...extra };
}

const grids = [
  { id: 'g1', name: '第一网格' },
  { id: 'g2', name: '第二网格' },
];

const statsOf = (affairs: StatsAffair[]) => {
  const tally = newAffairTally();
  for (const one of affairs) addAffair(tally, one);
  return affairStatsOf(tally, grids);
};

describe('respond and resolve times', () => {
  it('respond: the latest whistle to the acceptance after it, not an earlier department’s', () => {
    // Whistled to A at 1h, returned at 3h, whistled to B at 10h, accepted at 14h: B took 4 hours.
    expect(respondHoursOf({ events: [step(0, 'reported'), step(1, 'whistled'), step(3, 'returned'), step(10, 'whistled'), step(14, 'accepted')] })).toBe(4);
    // A's acceptance before the latest whistle does not answer it.
    expect(respondHoursOf({ events: [step(0, 'reported'), step(1, 'whistled'), step(2, 'accepted'), step(5, 'resolved'), step(6, 'reopened'), step(8, 'whistled')] })).toBeNull();
    expect(respondHoursOf({ events: [step(0, 'reported'), step(1, 'handling')] })).toBeNull();
    expect(respondHoursOf({})).toBeNull();
  });

  it('resolve: report to the resolution that stands, only while resolved or closed', () => {
    expect(resolveHoursOf({ status: 'closed', createdAt: T0, resolution: { at: hoursLater(30) }, events: [step(5, 'resolved')] })).toBe(30);
    // Without the resolution read: its latest step to resolved.
    expect(resolveHoursOf({ status: 'resolved', createdAt: T0, events: [step(5, 'resolved'), step(6, 'reopened'), step(20, 'resolved')] })).toBe(20);
    // Reopened: its old resolution no longer counts as done.
    expect(resolveHoursOf({ status: 'reopened', createdAt: T0, resolution: { at: hoursLater(5) } })).toBeNull();
  });
});

describe('affair figures', () => {
  it('counts received, closed, 办结率, overdue, times and stars; per grid and per department holding it', () => {
    const stats = statsOf([
      // B holds it (returned by A before): it responded in 4 hours, closed after 48, rated 4.
      affair('closed', 'g1', {
        departmentId: 'dept-b',
        departmentName: '城管中队',
        overdueCount: 2,
        // Two deadlines missed: flagged to the street office (督办).
        escalation: { departmentId: 'dept-street', departmentName: '街道综治中心', at: hoursLater(40), overdueCount: 2 },
        events: [step(0, 'reported'), step(1, 'whistled'), step(3, 'returned'), step(10, 'whistled'), step(14, 'accepted'), step(48, 'resolved'), step(50, 'closed')],
        resolution: { at: hoursLater(48) },
        rating: { stars: 4 },
      }),
      // The property company: accepted after 2 hours, resolved after 12, waiting for confirmation.
      affair('resolved', 'g1', {
        departmentId: 'dept-a',
        departmentName: '物业',
        overdueCount: 1,
        events: [step(0, 'reported'), step(1, 'whistled'), step(3, 'accepted'), step(12, 'resolved')],
        resolution: { at: hoursLater(12) },
      }),
      // Still waiting for the property company to accept.
      affair('whistled', 'g2', { departmentId: 'dept-a', departmentName: '物业', events: [step(0, 'reported'), step(2, 'whistled')] }),
      // The community handled a dispute itself: closed after 6 hours, rated 2.
      affair('closed', 'g2', {
        category: '矛盾纠纷',
        events: [step(0, 'reported'), step(1, 'handling'), step(6, 'resolved'), step(7, 'closed')],
        resolution: { at: hoursLater(6) },
        rating: { stars: 2 },
      }),
      // Returned by A and not whistled again: the community's, no department's.
      affair('returned', 'g2', { overdueCount: 1, events: [step(0, 'reported'), step(1, 'whistled'), step(2, 'returned')] }),
    ]);
    expect(stats).toMatchObject({
      received: 5,
      closed: 2,
      closingRate: 0.4,
      overdue: 3,
      overdueTimes: 4,
      escalated: 1,
      // B's 4 and A's 2 (the returned one's whistle was A's, but A no longer holds it).
      averageRespondHours: 3,
      // 48, 12, 6.
      averageResolveHours: 22,
      averageStars: 3,
      rated: 2,
      disputes: 1,
    });
    expect(stats.byGrid).toEqual([
      { gridId: 'g1', gridName: '第一网格', received: 2, closed: 1, closingRate: 0.5, overdue: 2, overdueTimes: 3, escalated: 1, averageRespondHours: 3, averageResolveHours: 30, averageStars: 4, rated: 1 },
      { gridId: 'g2', gridName: '第二网格', received: 3, closed: 1, closingRate: 0.3333, overdue: 1, overdueTimes: 1, escalated: 0, averageRespondHours: null, averageResolveHours: 6, averageStars: 2, rated: 1 },
    ]);
    // By name: 城管中队 before 物业 in pinyin order (cheng < wu).
    expect(stats.byDepartment).toEqual([
      { departmentId: 'dept-b', departmentName: '城管中队', received: 1, closed: 1, closingRate: 1, overdue: 1, overdueTimes: 2, escalated: 1, averageRespondHours: 4, averageResolveHours: 48, averageStars: 4, rated: 1 },
      { departmentId: 'dept-a', departmentName: '物业', received: 2, closed: 0, closingRate: 0, overdue: 1, overdueTimes: 1, escalated: 0, averageRespondHours: 2, averageResolveHours: 12, averageStars: null, rated: 0 },
    ]);
  });

  it('lists affairs of a grid the community no longer has after its own grids', () => {
    const stats = statsOf([affair('reported', 'z-gone'), affair('reported', 'g1')]);
    expect(stats.byGrid.map((grid) => [grid.gridId, grid.gridName, grid.received])).toEqual([
      ['g1', '第一网格', 1],
      ['g2', '第二网格', 0],
      ['z-gone', 'z-gone', 1],
    ]);
  });

  it('are part of the overview, from the same fold as the orders', () => {
    const input: OverviewInput = {
      from: new Date('2026-11-01T00:00:00Z'),
      to: new Date('2026-12-01T00:00:00Z'),
      grids,
      orders: [],
      serviceRecords: [],
      ledger: [],
      affairs: [affair('closed', 'g1', { resolution: { at: hoursLater(10) } }), affair('reported', 'g2')],
    };
    const overview = computeOverview(input);
    expect(overview.affairs).toMatchObject({ received: 2, closed: 1, closingRate: 0.5, averageResolveHours: 10 });
    expect(overview.affairs.byGrid.map((grid) => grid.received)).toEqual([1, 1]);
  });
});
