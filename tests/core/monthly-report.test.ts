/** The monthly report's rows are the overview's figures, each beside the month before. */
import { describe, expect, it } from 'vitest';
import { figureRows, gridRows } from '../../core/monthly-report';
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
