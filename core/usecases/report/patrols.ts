/**
 * 巡查走访台账 (the 月通报 of the grids): each grid's month — days patrolled, 巡查 and 走访 logs,
 * households visited, buildings covered, affairs found and closed, who logged — from the same tally as
 * patrol.summary; then every log of the month. Notes stay in the app (a visit's note is about a
 * household). A grid worker's holds their own grids.
 */
import { PATROL_KIND_TEXT } from '../../labels';
import { COLLECTIONS, type PatrolLog } from '../../model';
import { patrolSummaryOf } from '../../patrols';
import type { Where } from '../../ports';
import { gridsShown, OLDEST_DAY_FIRST, tallyOf } from '../patrol';
import { keysetScan } from '../shared/paging';
import { gridName, ledger, type ReportKindSpec } from './ledger';

const LOG_PAGE = 500;

const logs = ledger<PatrolLog>({
  title: '巡查走访记录',
  byGrid: true,
  source({ deps, community, period, gridIds }) {
    if (gridIds?.length === 0) return (async function* () {})();
    const where: Where = { communityId: community._id, month: period.label, ...(gridIds ? { gridId: { in: [...gridIds] } } : {}) };
    const collection = deps.store.collection<PatrolLog>(COLLECTIONS.patrolLogs);
    return keysetScan<PatrolLog>(
      (after, limit) => collection.find(where, { orderBy: OLDEST_DAY_FIRST, ...(after ? { after } : {}), limit, omit: ['notes'] }),
      OLDEST_DAY_FIRST,
      LOG_PAGE,
    );
  },
  columns: [
    { header: '日期', width: 12, type: 'date', cell: (log) => log.date },
    { header: '网格', width: 12, type: 'text', cell: (log, { community }) => gridName(community, log.gridId) },
    { header: '类型', width: 8, type: 'text', cell: (log) => PATROL_KIND_TEXT[log.kind] },
    { header: '记录人', width: 10, type: 'text', cell: (log) => log.workerName },
    { header: '楼栋', width: 24, type: 'text', cell: (log) => log.buildings.join('、') },
    { header: '走访户数', width: 9, type: 'integer', cell: (log) => log.households },
    { header: '发现事件数', width: 10, type: 'integer', cell: (log) => log.affairIds.length },
  ],
});

export const patrolReport: ReportKindSpec = {
  title: '巡查走访台账',
  byGrid: true,
  monthOnly: true,
  columns: [
    { header: '网格', width: 14, type: 'text' },
    { header: '巡查天数', width: 9, type: 'integer' },
    { header: '巡查次数', width: 9, type: 'integer' },
    { header: '走访次数', width: 9, type: 'integer' },
    { header: '走访户数', width: 9, type: 'integer' },
    { header: '覆盖楼栋', width: 9, type: 'integer' },
    { header: '发现事件', width: 9, type: 'integer' },
    { header: '办结事件', width: 9, type: 'integer' },
    { header: '记录人数', width: 9, type: 'integer' },
  ],
  async *rows({ deps, community, period, gridIds }) {
    const tally = await tallyOf(deps, community._id, [period.label], gridIds);
    for (const grid of patrolSummaryOf(tally, gridsShown(community, tally, gridIds))) {
      yield [grid.gridName, grid.daysPatrolled, grid.patrolLogs, grid.visitLogs, grid.householdsVisited, grid.buildingsCovered, grid.affairsFound, grid.affairsClosed, grid.workers];
    }
  },
  moreSheets: [{ name: logs.title, columns: logs.columns, rows: logs.rows }],
};
