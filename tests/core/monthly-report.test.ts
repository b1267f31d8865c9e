/** The monthly report's rows are the overview's figures, each beside the month before. */
import { describe, expect, it } from 'vitest';
import type { StatsAffair } from '../../core/affair-stats';
import { affairGridRows, figureRows, gridRows } from '../../core/monthly-report';
import { computeOverview, type OverviewInput, type StatsOrder } from '../../core/stats';

const grids = [
  { id: 'g1', name: '一网格' },
  { id: 'g2', name: '二网格' },
];
const order = (status: StatsOrder['status'], gridId: string, stars?: number): StatsOrder => ({
  status,
  createdAt: new Date('2026-11-02T00:00:00Z'),
  address: { gridId },
  ...(stars ? { rating: { stars, at: new Date('2026-11-03T00:00:00Z') } } : {}),
});
const month = (orders: StatsOrder[], ledger: OverviewInput['ledger'] = []) =>
  computeOverview({ from: new Date('2026-10-31T16:00:00Z'), to: new Date('2026-11-30T16:00:00Z'), grids, orders, serviceRecords: [], ledger });

describe('monthly report rows', () => {
  const current = month([order('closed', 'g1', 5), order('closed', 'g1', 3), order('pending', 'g2'), order('cancelled', 'g2')], [{ delta: 30, source: 'service' }]);
  const previous = month([order('closed', 'g1', 4), order('pending', 'g1')], [{ delta: 10, source: 'good_deed' }, { delta: -5, source: 'redeem' }]);
  const rows = figureRows({ ...current, previous });
  const row = (label: string) => rows.find((r) => r.label === label)!;

  it('puts each figure beside the month before, with the change', () => {
    expect(row('订单总数')).toEqual({ label: '订单总数', current: 4, previous: 2, change: 2, format: 'count' });
    // 2 of 3 (the cancelled one does not count) against 1 of 2.
    expect(row('办结率')).toEqual({ label: '办结率', current: 0.6667, previous: 0.5, change: 0.1667, format: 'rate' });
    expect(row('平均满意度（星）')).toMatchObject({ current: 4, previous: 4, change: 0 });
    expect(row('发放爱心积分')).toMatchObject({ current: 30, previous: 10, change: 20 });
    expect(row('兑换爱心积分')).toMatchObject({ current: 0, previous: 5, change: -5 });
    expect(row('订单：已取消')).toMatchObject({ current: 1, previous: 0 });
  });

  it('has no change where a month had nothing to measure', () => {
    expect(row('响应时间中位数（分钟）')).toMatchObject({ current: null, previous: null, change: null });
  });

  it('lists every grid with the month before', () => {
    expect(gridRows({ ...current, previous })).toEqual([
      { gridName: '一网格', orders: 2, finished: 2, completionRate: 1, averageStars: 4, previousOrders: 2, previousCompletionRate: 0.5 },
      { gridName: '二网格', orders: 2, finished: 0, completionRate: 0, averageStars: null, previousOrders: 0, previousCompletionRate: null },
    ]);
  });
});

describe('the 事务办理 block', () => {
  const affair = (status: StatsAffair['status'], gridId: string, extra: Partial<StatsAffair> = {}): StatsAffair => ({
    category: '设施损坏',
    status,
    createdAt: new Date('2026-11-02T00:00:00Z'),
    overdueCount: 0,
    place: { gridId },
    ...extra,
  });
  const withAffairs = (affairs: StatsAffair[]) =>
    computeOverview({ from: new Date('2026-10-31T16:00:00Z'), to: new Date('2026-11-30T16:00:00Z'), grids, orders: [], serviceRecords: [], ledger: [], affairs });
  const current = withAffairs([
    affair('closed', 'g1', {
      resolution: { at: new Date('2026-11-02T10:00:00Z') },
      rating: { stars: 5 },
      overdueCount: 2,
      escalation: { departmentId: 'dept-street', departmentName: '街道综治中心', at: new Date('2026-11-02T06:00:00Z'), overdueCount: 2 },
    }),
    affair('handling', 'g1', { category: '矛盾纠纷' }),
    affair('reported', 'g2'),
  ]);
  const previous = withAffairs([affair('closed', 'g1', { resolution: { at: new Date('2026-11-02T20:00:00Z') } })]);
  const rows = figureRows({ ...current, previous });
  const row = (label: string) => rows.find((r) => r.label === label);

  it('puts the affairs of the month beside the month before', () => {
    expect(row('事务办理：上报事务')).toEqual({ label: '事务办理：上报事务', current: 3, previous: 1, change: 2, format: 'count' });
    expect(row('事务办理：已办结')).toMatchObject({ current: 1, previous: 1, change: 0 });
    expect(row('事务办理：办结率')).toEqual({ label: '事务办理：办结率', current: 0.3333, previous: 1, change: -0.6667, format: 'rate' });
    expect(row('事务办理：超期事务')).toMatchObject({ current: 1, previous: 0 });
    expect(row('事务办理：超期次数')).toMatchObject({ current: 2, previous: 0 });
    expect(row('事务办理：督办事务')).toMatchObject({ current: 1, previous: 0, change: 1 });
    expect(row('事务办理：平均办理时长（小时）')).toMatchObject({ current: 10, previous: 20, change: -10 });
    expect(row('事务办理：平均满意度（星）')).toMatchObject({ current: 5, previous: null, change: null });
    expect(row('事务办理：部门平均响应（小时）')).toMatchObject({ current: null, previous: null });
    expect(row('事务办理：其中矛盾纠纷')).toMatchObject({ current: 1, previous: 0 });
  });

  it('stays in a grid’s report (affairs belong to grids), unlike hours and points', () => {
    const labels = figureRows({ ...current, previous }, { ordersOnly: true }).map((r) => r.label);
    expect(labels).toContain('事务办理：上报事务');
    expect(labels).not.toContain('发放爱心积分');
  });

  it('lists every grid’s affairs with the month before', () => {
    expect(affairGridRows({ ...current, previous }).map((g) => [g.gridName, g.received, g.closed, g.closingRate, g.previousReceived, g.previousClosingRate])).toEqual([
      ['一网格', 2, 1, 0.5, 1, 1],
      ['二网格', 1, 0, 0, 0, null],
    ]);
  });
});
