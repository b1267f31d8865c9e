/** The overview's arithmetic on plain arrays: every number checked by hand. */
import { describe, expect, it } from 'vitest';
import type { OrderStatus } from '../../core/model';
import { computeOverview, median, ORDER_STATUSES, type OverviewInput, round, type StatsOrder } from '../../core/stats';
import { addMonths, localMonth, monthPeriod } from '../../core/time';
import { daysOf, periodBefore } from '../../core/usecases/stats';

const T0 = new Date('2026-10-01T00:00:00Z');
const later = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

function order(status: OrderStatus, gridId: string, times: { accepted?: number; completed?: number } = {}, stars?: number): StatsOrder {
  return {
    status,
    createdAt: T0,
    ...(times.accepted !== undefined ? { acceptedAt: later(times.accepted) } : {}),
    ...(times.completed !== undefined ? { completedAt: later(times.completed) } : {}),
    ...(stars ? { rating: { stars, at: later(1000) } } : {}),
    address: { gridId },
  };
}

const NO_AFFAIRS = { received: 0, closed: 0, closingRate: null, overdue: 0, overdueTimes: 0, escalated: 0, averageRespondHours: null, averageResolveHours: null, averageStars: null, rated: 0 };

const empty: OverviewInput = {
  from: new Date('2026-10-01T00:00:00Z'),
  to: new Date('2026-11-01T00:00:00Z'),
  grids: [
    { id: 'g1', name: '第一网格' },
    { id: 'g2', name: '第二网格' },
  ],
  orders: [],
  serviceRecords: [],
  ledger: [],
};

describe('median', () => {
  it('takes the middle value, or the mean of the two middle values', () => {
    expect(median([])).toBeNull();
    expect(median([7])).toBe(7);
    expect(median([30, 10, 20])).toBe(20);
    expect(median([40, 10, 30, 20])).toBe(25);
    expect(median([5, 5, 1, 100])).toBe(5);
  });

  it('does not reorder its input', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });
});

describe('computeOverview', () => {
  it('has nothing to measure on an empty period', () => {
    const overview = computeOverview(empty);
    expect(overview).toEqual({
      from: '2026-10-01T00:00:00.000Z',
      to: '2026-11-01T00:00:00.000Z',
      ordersByStatus: Object.fromEntries(ORDER_STATUSES.map((status) => [status, 0])),
      completionRate: null,
      averageStars: null,
      ratedOrders: 0,
      medianResponseMinutes: null,
      medianCompletionMinutes: null,
      volunteerHours: 0,
      activeVolunteers: 0,
      pointsIssued: 0,
      pointsRedeemed: 0,
      byGrid: [
        { gridId: 'g1', gridName: '第一网格', orders: 0, finished: 0, closed: 0, completionRate: null, averageStars: null },
        { gridId: 'g2', gridName: '第二网格', orders: 0, finished: 0, closed: 0, completionRate: null, averageStars: null },
      ],
      affairs: {
        ...NO_AFFAIRS,
        disputes: 0,
        byGrid: [
          { gridId: 'g1', gridName: '第一网格', ...NO_AFFAIRS },
          { gridId: 'g2', gridName: '第二网格', ...NO_AFFAIRS },
        ],
        byDepartment: [],
      },
    });
  });

  it('办结率 leaves out cancelled and rejected orders; stars and medians count only what happened', () => {
    const overview = computeOverview({
      ...empty,
      orders: [
        order('closed', 'g1', { accepted: 15, completed: 95 }, 5),
        order('closed', 'g1', { accepted: 5, completed: 65 }, 2),
        order('completed', 'g2', { accepted: 60, completed: 240 }),
        order('in_service', 'g2', { accepted: 25 }),
        order('pending', 'g2'),
        order('pending_review', 'g1'),
        order('cancelled', 'g1'),
        order('rejected', 'g2'),
        order('cancelled', 'g2'),
      ],
    });
    expect(overview.ordersByStatus).toEqual({
      pending_review: 1,
      pending: 1,
      assigned: 0,
      accepted: 0,
      in_service: 1,
      completed: 1,
      closed: 2,
      cancelled: 2,
      rejected: 1,
    });
    // 3 finished of 9 − 3 withdrawn = 6.
    expect(overview.completionRate).toBe(0.5);
    expect(overview.averageStars).toBe(3.5);
    expect(overview.ratedOrders).toBe(2);
    // Response 5, 15, 25, 60 → (15 + 25) / 2; completion 65, 95, 240 → 95.
    expect(overview.medianResponseMinutes).toBe(20);
    expect(overview.medianCompletionMinutes).toBe(95);
    expect(overview.byGrid).toEqual([
      // g1: closed, closed, pending_review, cancelled → 2 of 3.
      { gridId: 'g1', gridName: '第一网格', orders: 4, finished: 2, closed: 2, completionRate: 0.6667, averageStars: 3.5 },
      // g2: completed, in_service, pending, rejected, cancelled → 1 of 3.
      { gridId: 'g2', gridName: '第二网格', orders: 5, finished: 1, closed: 0, completionRate: 0.3333, averageStars: null },
    ]);
  });

  it('tells the ratings recorded for elders without WeChat (代评) from the residents’ own', () => {
    const onBehalf = (stars: number): StatsOrder => ({ ...order('closed', 'g1', {}, stars), rating: { stars, at: later(1000), onBehalf: { by: 'staff', name: '刘晓梅' } } });
    const overview = computeOverview({ ...empty, orders: [order('closed', 'g1', {}, 5), onBehalf(2), onBehalf(3), order('pending', 'g2')] });
    expect(overview.averageStars).toBe(3.33);
    expect(overview.ratedOrders).toBe(3);
    expect(overview.ratedOnBehalf).toEqual({ ratedOrders: 2, averageStars: 2.5 });
    // None recorded for anyone: nothing to tell apart.
    expect(computeOverview({ ...empty, orders: [order('closed', 'g1', {}, 5)] })).not.toHaveProperty('ratedOnBehalf');
  });

  it('rounds a fractional median to a tenth of a minute', () => {
    const overview = computeOverview({
      ...empty,
      orders: [order('accepted', 'g1', { accepted: 0.25 }), order('accepted', 'g1', { accepted: 0.5 })],
    });
    expect(overview.medianResponseMinutes).toBe(0.4);
  });

  it('lists orders of a grid the community no longer has after its own grids', () => {
    const overview = computeOverview({ ...empty, orders: [order('pending', 'z-gone'), order('closed', 'a-gone', { completed: 10 })] });
    expect(overview.byGrid.map((grid) => [grid.gridId, grid.gridName, grid.orders])).toEqual([
      ['g1', '第一网格', 0],
      ['g2', '第二网格', 0],
      ['a-gone', 'a-gone', 1],
      ['z-gone', 'z-gone', 1],
    ]);
  });

  it('counts volunteer hours and distinct volunteers from the service records', () => {
    const overview = computeOverview({
      ...empty,
      serviceRecords: [
        { openid: 'v1', minutes: 50 },
        { openid: 'v2', minutes: 40 },
        { openid: 'v1', minutes: 10 },
      ],
    });
    expect(overview.volunteerHours).toBe(1.67);
    expect(overview.activeVolunteers).toBe(2);
  });

  it('counts the rounded hours a record states, as its certificate does', () => {
    const overview = computeOverview({
      ...empty,
      serviceRecords: [
        { openid: 'v1', minutes: 20, hours: 0.5 },
        { openid: 'v2', minutes: 50, hours: 1 },
        // Written before hours were rounded: its minutes count as they are.
        { openid: 'v1', minutes: 30 },
      ],
    });
    expect(overview.volunteerHours).toBe(2);
  });

  it('points issued are earnings; points redeemed are spending net of refunds', () => {
    const overview = computeOverview({
      ...empty,
      ledger: [
        { delta: 12, source: 'service' },
        { delta: 20, source: 'good_deed' },
        { delta: 100, source: 'role_model' },
        { delta: -200, source: 'redeem' },
        { delta: -30, source: 'redeem' },
        { delta: 30, source: 'redeem_refund' },
      ],
    });
    expect(overview.pointsIssued).toBe(132);
    expect(overview.pointsRedeemed).toBe(200);
  });
});

describe('helpers', () => {
  it('round keeps the given number of places', () => {
    expect(round(2 / 3, 4)).toBe(0.6667);
    expect(round(1.005 * 100, 0)).toBe(100);
    expect(round(16.6833, 2)).toBe(16.68);
  });

  it('daysOf gives the first and last Beijing days a period touches', () => {
    // Beijing's 1–3 October.
    expect(daysOf(new Date('2026-09-30T16:00:00Z'), new Date('2026-10-03T16:00:00Z'))).toEqual({ first: '2026-10-01', last: '2026-10-03' });
    // 00:00Z is 08:00 in Beijing: a UTC day touches two Beijing days.
    expect(daysOf(new Date('2026-10-01T00:00:00Z'), new Date('2026-10-02T00:00:00Z'))).toEqual({ first: '2026-10-01', last: '2026-10-02' });
    expect(daysOf(new Date('2026-10-01T01:00:00Z'), new Date('2026-10-01T02:00:00Z'))).toEqual({ first: '2026-10-01', last: '2026-10-01' });
  });

  it('a month is its Beijing calendar month, and the period before a month is the month before', () => {
    expect(monthPeriod('2026-12')).toEqual({ from: new Date('2026-11-30T16:00:00Z'), to: new Date('2026-12-31T16:00:00Z') });
    expect(monthPeriod('2027-02').to).toEqual(new Date('2027-02-28T16:00:00Z'));
    expect(addMonths('2026-01', -1)).toBe('2025-12');
    expect(addMonths('2026-11', 13)).toBe('2027-12');
    // 00:30 on 1 December in Beijing is still 30 November in UTC.
    expect(localMonth(new Date('2026-11-30T16:30:00Z'))).toBe('2026-12');
    const march = monthPeriod('2026-03');
    expect(periodBefore(march, '2026-03')).toEqual(monthPeriod('2026-02'));
    // Any other period: the same length just before it.
    const week = { from: new Date('2026-10-08T00:00:00Z'), to: new Date('2026-10-15T00:00:00Z') };
    expect(periodBefore(week)).toEqual({ from: new Date('2026-10-01T00:00:00Z'), to: week.from });
  });
});
