/**
 * 事务办理台账: every affair (社区事务) reported in the period, oldest first — what, where (grid and
 * building), how urgent, who handles it (a department, or the community's staff, grid worker or
 * volunteer: the kind, never the person), its deadline, missed deadlines, when it closed and its
 * stars; then 分部门 and 分网格, the same figures as stats.overview's affairs (core/affair-stats.ts),
 * folded from the very rows of the first sheet.
 *
 * What stays in the app: descriptions, parties, photos, the place's detail, resolutions and
 * comments, and every person's name — reporters above all (a resident may have reported
 * anonymously, and a named one is still a neighbour). A dispute (矛盾纠纷) shows its category, grid
 * and figures only: not even its building. A grid worker's holds their own grids' affairs.
 */
import { DISPUTE } from '../../affair-machine';
import { addAffair, type AffairTally, affairStatsOf, newAffairTally, resolveHoursOf, respondHoursOf } from '../../affair-stats';
import type { AffairFigures } from '../../contract';
import { AFFAIR_STATUS_TEXT, TIER_TEXT } from '../../labels';
import { type Affair, COLLECTIONS } from '../../model';
import type { SheetCell, SheetColumn, Where } from '../../ports';
import { round } from '../../stats';
import { AFFAIR_PAGE } from '../stats';
import { keysetScan, OLDEST_FIRST } from '../shared/paging';
import { createdAfter, gridName, type ReportContext, type ReportKindSpec } from './ledger';


const REPORTED_BY: Readonly<Record<Affair['reporterRole'], string>> = { resident: '居民上报', grid_worker: '网格发现', staff: '社区发现' };
const HANDLER_KIND: Readonly<Record<NonNullable<Affair['handler']>['kind'], string>> = { staff: '社区工作人员', grid_worker: '网格员', volunteer: '志愿者' };

/** What the ledger never shows, left out of the read: texts, photos, the place's detail, people. */
const OMIT = [
  'clientRequestId',
  'description',
  'parties',
  'photos',
  'place.detail',
  'reporterOpenid',
  'reporterName',
  'createdBy',
  'handler.openid',
  'handler.name',
  'resolution.summary',
  'resolution.photos',
  'resolution.by',
  'resolution.byName',
  'rating.comment',
  'rating.at',
  'events.by',
  'events.byName',
  'events.from',
  'events.note',
  'events.tier',
  'remindAt',
];

const hours = (value: number | null): number | null => (value === null ? null : round(value, 1));
const percent = (rate: number | null): number | null => (rate === null ? null : round(rate * 100, 2));

/** The period's affairs of the export's grids, oldest first, a page at a time. */
function affairsOf({ deps, community, period, gridIds }: ReportContext): AsyncIterable<Affair> {
  const where: Where = { communityId: community._id, createdAt: { gte: period.start } };
  const collection = deps.store.collection<Affair>(COLLECTIONS.affairs);
  const all = keysetScan<Affair>((after, limit) => collection.find(where, { orderBy: OLDEST_FIRST, after, limit, omit: OMIT }), OLDEST_FIRST, AFFAIR_PAGE, createdAfter(period));
  return (async function* () {
    for await (const affair of all) if (!gridIds || gridIds.includes(affair.place.gridId)) yield affair;
  })();
}

/**
 * The tally the summary sheets show. The first sheet folds it as it writes its rows (the workbook
 * is written sheet by sheet, in order), so the affairs are read once; a summary asked for before
 * the first sheet was written to its end reads them itself.
 */
const folded = new WeakMap<ReportContext, AffairTally>();

async function tallyOf(context: ReportContext): Promise<AffairTally> {
  const done = folded.get(context);
  if (done) return done;
  const tally = newAffairTally();
  for await (const affair of affairsOf(context)) addAffair(tally, affair);
  folded.set(context, tally);
  return tally;
}

const handledBy = (affair: Affair): string | null => {
  if (affair.departmentId) return '部门';
  return affair.handler ? HANDLER_KIND[affair.handler.kind] : null;
};

const COLUMNS: readonly SheetColumn[] = [
  { header: '事务编号', width: 24, type: 'text' },
  { header: '上报时间', width: 17, type: 'datetime' },
  { header: '问题类别', width: 10, type: 'text' },
  { header: '网格', width: 12, type: 'text' },
  // The building only; none for a dispute.
  { header: '楼栋', width: 8, type: 'text' },
  { header: '来源', width: 9, type: 'text' },
  { header: '紧急程度', width: 9, type: 'text' },
  { header: '状态', width: 10, type: 'text' },
  { header: '调解层级', width: 11, type: 'text' },
  { header: '承办', width: 12, type: 'text' },
  { header: '承办部门', width: 14, type: 'text' },
  { header: '办理时限', width: 17, type: 'datetime' },
  { header: '超期次数', width: 9, type: 'integer' },
  // 督办: flagged to the street office's department after missing deadlines.
  { header: '督办', width: 6, type: 'text' },
  { header: '部门响应（小时）', width: 10, type: 'number' },
  { header: '办理时长（小时）', width: 10, type: 'number' },
  { header: '办结时间', width: 17, type: 'datetime' },
  { header: '评价星级', width: 9, type: 'integer' },
];

function affairCells(affair: Affair, context: ReportContext): SheetCell[] {
  const dispute = affair.category === DISPUTE;
  return [
    affair._id,
    affair.createdAt,
    affair.category,
    gridName(context.community, affair.place.gridId),
    dispute ? null : (affair.place.building ?? null),
    affair.orderId ? '订单转办' : REPORTED_BY[affair.reporterRole],
    affair.urgency,
    AFFAIR_STATUS_TEXT[affair.status],
    affair.tier ? TIER_TEXT[affair.tier] : null,
    handledBy(affair),
    affair.departmentName ?? null,
    affair.dueAt ?? null,
    affair.overdueCount,
    affair.escalation ? '是' : null,
    hours(affair.departmentId ? respondHoursOf(affair) : null),
    hours(resolveHoursOf(affair)),
    affair.closedAt ?? null,
    affair.rating?.stars ?? null,
  ];
}

const FIGURE_COLUMNS: readonly SheetColumn[] = [
  { header: '上报事务', width: 9, type: 'integer' },
  { header: '已办结', width: 8, type: 'integer' },
  { header: '办结率（%）', width: 11, type: 'number' },
  { header: '超期事务', width: 9, type: 'integer' },
  { header: '超期次数', width: 9, type: 'integer' },
  { header: '督办事务', width: 9, type: 'integer' },
  { header: '部门平均响应（小时）', width: 12, type: 'number' },
  { header: '平均办理时长（小时）', width: 12, type: 'number' },
  { header: '平均满意度（星）', width: 12, type: 'number' },
  { header: '评价数', width: 8, type: 'integer' },
];

const figureCells = (figures: AffairFigures): SheetCell[] => [
  figures.received,
  figures.closed,
  percent(figures.closingRate),
  figures.overdue,
  figures.overdueTimes,
  figures.escalated,
  figures.averageRespondHours,
  figures.averageResolveHours,
  figures.averageStars,
  figures.rated,
];

/** The grids the export covers: the export's own, or all of the community's (retired ones too: their affairs count). */
const gridsOf = ({ community, gridIds }: ReportContext) => community.grids.filter((grid) => !gridIds || gridIds.includes(grid.id));

export const affairsLedger: ReportKindSpec = {
  title: '事务办理台账',
  byGrid: true,
  columns: COLUMNS,
  async *rows(context) {
    const tally = newAffairTally();
    for await (const affair of affairsOf(context)) {
      addAffair(tally, affair);
      yield affairCells(affair, context);
    }
    folded.set(context, tally);
  },
  moreSheets: [
    {
      name: '分部门',
      columns: [{ header: '承办部门', width: 16, type: 'text' }, ...FIGURE_COLUMNS],
      async *rows(context) {
        const stats = affairStatsOf(await tallyOf(context), gridsOf(context));
        for (const department of stats.byDepartment) yield [department.departmentName, ...figureCells(department)];
        // All affairs, those the community handled itself or has yet to send included.
        yield ['合计（含社区自办和待分派）', ...figureCells(stats)];
      },
    },
    {
      name: '分网格',
      columns: [{ header: '网格', width: 16, type: 'text' }, ...FIGURE_COLUMNS, { header: '其中矛盾纠纷', width: 11, type: 'integer' }],
      async *rows(context) {
        const tally = await tallyOf(context);
        const stats = affairStatsOf(tally, gridsOf(context));
        // A dispute count per grid comes from the same fold (byGrid has the figures, not the disputes).
        for (const grid of stats.byGrid) yield [grid.gridName, ...figureCells(grid), tally.byGrid.get(grid.gridId)?.disputes ?? 0];
        yield ['合计', ...figureCells(stats), stats.disputes];
      },
    },
  ],
};
