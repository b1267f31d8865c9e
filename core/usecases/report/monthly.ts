/**
 * 社区治理月报: the month's figures (orders, hours, points, and the 事务办理 block of affairs) beside
 * the month before's, with the change, then each grid's orders and affairs,
 * and the month's closing reconciliation. The figures are stats.overview's own (monthlyFigures),
 * computed once per export and shared by both sheets. A report of some grids (a grid worker's, or
 * staff choosing one) counts those grids' orders and leaves out hours and points, which belong to
 * people, not grids.
 */
import type { StatsComparison } from '../../contract';
import { affairGridRows, figureRows, type FigureRow, gridRows } from '../../monthly-report';
import type { SheetCell } from '../../ports';
import { round } from '../../stats';
import { closingReconciliation } from '../reconcile';
import { monthlyFigures } from '../stats';
import type { ReportContext, ReportKindSpec } from './ledger';

/** One computation per export: both sheets read it. */
const figuresOf = new WeakMap<ReportContext, Promise<StatsComparison>>();

function figures(context: ReportContext): Promise<StatsComparison> {
  let pending = figuresOf.get(context);
  if (!pending) {
    const { deps, community, period, gridIds } = context;
    pending = monthlyFigures(deps, community._id, period.label, gridIds ? new Set(gridIds) : null);
    figuresOf.set(context, pending);
  }
  return pending;
}

/** A rate (0–1) as a percentage with two places: Excel shows 66.67 in a column of counts. */
const asPercent = (value: number | null): number | null => (value === null ? null : round(value * 100, 2));

function figureCells(row: FigureRow): SheetCell[] {
  if (row.format !== 'rate') return [row.label, row.current, row.previous, row.change];
  return [`${row.label}（%）`, asPercent(row.current), asPercent(row.previous), asPercent(row.change)];
}

export const monthlyReport: ReportKindSpec = {
  title: '社区治理月报',
  byGrid: true,
  monthOnly: true,
  columns: [
    { header: '指标', width: 28, type: 'text' },
    { header: '本月', width: 12, type: 'number' },
    { header: '上月', width: 12, type: 'number' },
    { header: '变化', width: 12, type: 'number' },
  ],
  async *rows(context) {
    const comparison = await figures(context);
    for (const row of figureRows(comparison, { ordersOnly: context.gridIds !== null })) yield figureCells(row);
    if (context.gridIds !== null) return;
    // The month's books: the reconciliation that closed it, once it has run.
    const closing = await closingReconciliation(context.deps, context.community._id, context.period.label);
    yield closing ? [`月末对账（${closing.day}）发现的不一致（处）`, closing.discrepancyCount, null, null] : ['月末对账：尚未完成（每月 1 日凌晨 3 点自动进行）', null, null, null];
  },
  moreSheets: [
    {
      name: '分网格',
      columns: [
        { header: '网格', width: 16, type: 'text' },
        { header: '订单', width: 8, type: 'integer' },
        { header: '已办结', width: 8, type: 'integer' },
        { header: '办结率（%）', width: 11, type: 'number' },
        { header: '平均满意度（星）', width: 14, type: 'number' },
        { header: '上月订单', width: 10, type: 'integer' },
        { header: '上月办结率（%）', width: 14, type: 'number' },
        { header: '上报事务', width: 9, type: 'integer' },
        { header: '事务已办结', width: 10, type: 'integer' },
        { header: '事务办结率（%）', width: 14, type: 'number' },
        { header: '超期事务', width: 9, type: 'integer' },
        { header: '事务平均办理时长（小时）', width: 14, type: 'number' },
        { header: '事务满意度（星）', width: 12, type: 'number' },
        { header: '上月上报事务', width: 12, type: 'integer' },
      ],
      async *rows(context) {
        const comparison = await figures(context);
        const affairs = new Map(affairGridRows(comparison).map((grid) => [grid.gridId, grid]));
        const affairCells = (gridId: string): SheetCell[] => {
          const grid = affairs.get(gridId);
          affairs.delete(gridId);
          if (!grid) return [0, 0, null, 0, null, null, 0];
          return [grid.received, grid.closed, asPercent(grid.closingRate), grid.overdue, grid.averageResolveHours, grid.averageStars, grid.previousReceived];
        };
        // The orders' grids (gridRows follows byGrid one for one), then any grid only affairs name.
        const orderRows = gridRows(comparison);
        for (const [index, grid] of orderRows.entries()) {
          const gridId = comparison.byGrid[index]!.gridId;
          yield [grid.gridName, grid.orders, grid.finished, asPercent(grid.completionRate), grid.averageStars, grid.previousOrders, asPercent(grid.previousCompletionRate), ...affairCells(gridId)];
        }
        for (const grid of [...affairs.values()]) yield [grid.gridName, 0, 0, null, null, 0, null, ...affairCells(grid.gridId)];
      },
    },
  ],
};
