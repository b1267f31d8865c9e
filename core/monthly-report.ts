/**
 * The monthly report (月报) as rows: each figure of the month beside the month before and the
 * change (orders, people's hours and points, then the 事务办理 block of affairs), then each grid's. The figures are stats.overview's own (core/usecases/stats.ts
 * monthlyFigures), so the report and the statistics page cannot tell two stories.
 */
import type { AffairFigures, StatsComparison, StatsOverview } from './contract';
import { ORDER_STATUS_TEXT } from './labels';
import { ORDER_STATUSES, round } from './stats';

/** How a figure is written: a count, a rate (a fraction shown as a percentage), or a measured value. */
export type FigureFormat = 'count' | 'rate' | 'value';

export interface FigureRow {
  label: string;
  current: number | null;
  previous: number | null;
  /** current − previous (for a rate, in fractions: 0.05 is five percentage points); null when either is. */
  change: number | null;
  format: FigureFormat;
}

const totalOrders = (overview: StatsOverview): number => Object.values(overview.ordersByStatus).reduce((sum, count) => sum + count, 0);
const finishedOrders = (overview: StatsOverview): number => overview.ordersByStatus.completed + overview.ordersByStatus.closed;

interface Figure {
  label: string;
  format: FigureFormat;
  of: (overview: StatsOverview) => number | null;
  /** A figure of people (hours, points), not of orders: it has no grid. */
  people?: true;
}

const FIGURES: readonly Figure[] = [
  { label: '订单总数', format: 'count', of: totalOrders },
  { label: '已办结（含待评分）', format: 'count', of: finishedOrders },
  { label: '办结率', format: 'rate', of: (o) => o.completionRate },
  { label: '平均满意度（星）', format: 'value', of: (o) => o.averageStars },
  { label: '评价单数', format: 'count', of: (o) => o.ratedOrders },
  { label: '其中代评单数', format: 'count', of: (o) => o.ratedOnBehalf?.ratedOrders ?? 0 },
  { label: '响应时间中位数（分钟）', format: 'value', of: (o) => o.medianResponseMinutes },
  { label: '办结时间中位数（分钟）', format: 'value', of: (o) => o.medianCompletionMinutes },
  { label: '志愿服务时长（小时）', format: 'value', of: (o) => o.volunteerHours, people: true },
  { label: '参与服务的志愿者（人）', format: 'count', of: (o) => o.activeVolunteers, people: true },
  { label: '发放爱心积分', format: 'count', of: (o) => o.pointsIssued, people: true },
  { label: '兑换爱心积分', format: 'count', of: (o) => o.pointsRedeemed, people: true },
  ...ORDER_STATUSES.map((status): Figure => ({ label: `订单：${ORDER_STATUS_TEXT[status]}`, format: 'count', of: (o) => o.ordersByStatus[status] })),
  // 事务办理: the affairs reported in the month (a grid's report: its grids' affairs).
  { label: '事务办理：上报事务', format: 'count', of: (o) => o.affairs.received },
  { label: '事务办理：已办结', format: 'count', of: (o) => o.affairs.closed },
  { label: '事务办理：办结率', format: 'rate', of: (o) => o.affairs.closingRate },
  { label: '事务办理：超期事务', format: 'count', of: (o) => o.affairs.overdue },
  { label: '事务办理：超期次数', format: 'count', of: (o) => o.affairs.overdueTimes },
  { label: '事务办理：督办事务', format: 'count', of: (o) => o.affairs.escalated },
  { label: '事务办理：部门平均响应（小时）', format: 'value', of: (o) => o.affairs.averageRespondHours },
  { label: '事务办理：平均办理时长（小时）', format: 'value', of: (o) => o.affairs.averageResolveHours },
  { label: '事务办理：平均满意度（星）', format: 'value', of: (o) => o.affairs.averageStars },
  { label: '事务办理：评价数', format: 'count', of: (o) => o.affairs.rated },
  { label: '事务办理：其中矛盾纠纷', format: 'count', of: (o) => o.affairs.disputes },
];

const difference = (current: number | null, previous: number | null, format: FigureFormat): number | null =>
  current === null || previous === null ? null : round(current - previous, format === 'rate' ? 4 : 2);

/**
 * The figures of the month beside the month before. `ordersOnly`: a report of some grids, where
 * hours and points (a person's, wherever they live) would be the whole community's and are left out.
 */
export function figureRows(comparison: StatsComparison, options: { ordersOnly?: boolean } = {}): FigureRow[] {
  return FIGURES.filter((figure) => !(options.ordersOnly && figure.people)).map(({ label, format, of }) => {
    const current = of(comparison);
    const previous = of(comparison.previous);
    return { label, current, previous, change: difference(current, previous, format), format };
  });
}

export interface GridRow {
  gridName: string;
  orders: number;
  finished: number;
  completionRate: number | null;
  averageStars: number | null;
  previousOrders: number;
  previousCompletionRate: number | null;
}

/** Each grid of the month, with its orders and 办结率 of the month before (a grid new this month had none). */
export function gridRows(comparison: StatsComparison): GridRow[] {
  const before = new Map(comparison.previous.byGrid.map((grid) => [grid.gridId, grid]));
  return comparison.byGrid.map((grid) => ({
    gridName: grid.gridName,
    orders: grid.orders,
    finished: grid.finished,
    completionRate: grid.completionRate,
    averageStars: grid.averageStars,
    previousOrders: before.get(grid.gridId)?.orders ?? 0,
    previousCompletionRate: before.get(grid.gridId)?.completionRate ?? null,
  }));
}

export interface AffairGridRow extends AffairFigures {
  gridId: string;
  gridName: string;
  previousReceived: number;
  previousClosingRate: number | null;
}

/** Each grid's affairs of the month, with those of the month before (a grid new this month had none). */
export function affairGridRows(comparison: StatsComparison): AffairGridRow[] {
  const before = new Map(comparison.previous.affairs.byGrid.map((grid) => [grid.gridId, grid]));
  return comparison.affairs.byGrid.map((grid) => ({
    ...grid,
    previousReceived: before.get(grid.gridId)?.received ?? 0,
    previousClosingRate: before.get(grid.gridId)?.closingRate ?? null,
  }));
}
