/**
 * The `report` function: Excel ledgers of a community for a period (report.export), and what the
 * export page may offer its caller (report.options).
 *
 * Who may export what: staff, every ledger of their community, whole or (a ledger of orders) one
 * grid; a grid worker only ledgers whose rows belong to a grid (orders, by the order's address;
 * party members, by the grid they registered in), and of those only their own grids' rows. The other ledgers are a person's (their hours, their
 * points) or the community's (an activity), not a grid's; filtering them by where each person
 * lives would be a guess, so a grid worker is refused them with a message that says so.
 *
 * An export takes residents' data out of the app, so each one is limited and recorded: at most
 * REPORT_EXPORTS_PER_DAY a person a day (counted before anything is read), and a `report_exports`
 * document (who, which ledger, period, grids, rows, the file) written before the file's address
 * is handed out. Phones and ID numbers are masked, addresses go no further than the building.
 * The file lies under reports/<communityId>/ with a random part in its name; its download address
 * lasts REPORT_URL_SECONDS.
 */
import { REPORT_KINDS, type ReportKind, reportQuotaKey } from '../../contract/report';
import { DomainError, found } from '../../errors';
import type { Handlers } from '../../handlers';
import { COLLECTIONS, type Community, type Quota, type ReportExport } from '../../model';
import type { Caller } from '../../ports';
import { formatLocal } from '../../time';
import { reconcileNow } from '../reconcile';
import { memberCommunity } from '../shared/access';
import { takeDailyQuota, usedToday } from '../shared/quota';
import { loadCommunity, prereadOrGet } from '../shared/store';
import { gridName, type ReportKindSpec } from './ledger';
import { MAX_REPORT_DAYS, periodOf } from './period';
import { REPORT_REGISTRY } from './registry';

/** Exports one person may make a day: each may read a year of a community's records. */
export const REPORT_EXPORTS_PER_DAY = 20;
/** How long the download address of an export works. */
export const REPORT_URL_SECONDS = 3600;

const isStaff = (caller: Caller): boolean => caller.roles.has('staff');

/**
 * The grids an export is limited to (null: the whole community), or a refusal: a grid worker asking
 * for a ledger that has no grids, or for a grid not theirs; staff naming a grid the community lacks.
 */
function gridsOf(caller: Caller, spec: ReportKindSpec, community: Community, gridId: string | undefined): readonly string[] | null {
  if (isStaff(caller)) {
    if (gridId === undefined) return null;
    if (!spec.byGrid) throw new DomainError('INVALID_INPUT', `${spec.title}按社区导出，不分网格，请不要选择网格`);
    if (!community.grids.some((grid) => grid.id === gridId)) throw new DomainError('INVALID_INPUT', '本社区没有这个网格');
    return [gridId];
  }
  if (!spec.byGrid) throw new DomainError('FORBIDDEN', `${spec.title}按社区导出，不分网格，请由社区工作人员导出`);
  const own = caller.user?.gridIds ?? [];
  if (gridId === undefined) return own;
  if (!own.includes(gridId)) throw new DomainError('FORBIDDEN', '只能导出您负责网格的数据');
  return [gridId];
}

/** Characters a file name may not hold on some phone or computer. */
const fileNameSafe = (text: string): string => text.replace(/[\\/:*?"<>|\s]+/g, '-');

export const reportHandlers: Handlers<'report'> = {
  'report.reconcile': reconcileNow,

  'report.options': async (_input, { caller, deps, preread }) => {
    const community = await loadCommunity(deps, memberCommunity(caller), caller);
    const staff = isStaff(caller);
    const own = caller.user?.gridIds ?? [];
    const quota = await prereadOrGet(deps.store.collection<Quota>(COLLECTIONS.quotas), reportQuotaKey(caller.openid), preread, 'quota');
    return {
      kinds: REPORT_KINDS.filter((kind) => staff || REPORT_REGISTRY[kind].byGrid).map((kind) => ({ kind, title: REPORT_REGISTRY[kind].title, byGrid: REPORT_REGISTRY[kind].byGrid, monthOnly: REPORT_REGISTRY[kind].monthOnly === true })),
      grids: community.grids.filter((grid) => !grid.retired && (staff || own.includes(grid.id))).map((grid) => ({ id: grid.id, name: grid.name })),
      ownGridsOnly: !staff,
      maxDays: MAX_REPORT_DAYS,
      remainingToday: Math.max(0, REPORT_EXPORTS_PER_DAY - usedToday(quota, deps.clock.now())),
    };
  },

  'report.export': async (input, { caller, deps }) => {
    const kind: ReportKind = input.kind;
    const spec = REPORT_REGISTRY[kind];
    const community = await loadCommunity(deps, memberCommunity(caller), caller);
    const now = deps.clock.now();
    if (spec.monthOnly && !input.month) throw new DomainError('INVALID_INPUT', `${spec.title}按月导出，请选择月份`);
    const period = periodOf(input, now);
    const gridIds = gridsOf(caller, spec, community, input.gridId);
    const used = await deps.store.transaction((tx) =>
      takeDailyQuota(tx, reportQuotaKey(caller.openid), REPORT_EXPORTS_PER_DAY, now, `您今天已导出 ${REPORT_EXPORTS_PER_DAY} 份报表，请明天再导出`),
    );

    const grids = gridIds?.map((gridId) => gridName(community, gridId)).join('、');
    const scope = gridIds ? `，${grids || '未分配网格'}` : '';
    const context = { deps, community, period, gridIds };
    const titled = (name: string) => `${community.name} ${name}（${period.text}${scope}） 导出于 ${formatLocal(now)}`;
    const { bytes, rows } = await deps.spreadsheets.write([
      { sheet: { name: spec.title, title: titled(spec.title), columns: spec.columns }, rows: spec.rows(context) },
      ...(spec.moreSheets ?? []).map((more) => ({ sheet: { name: more.name, title: titled(more.name), columns: more.columns }, rows: more.rows(context) })),
    ]);
    const name = fileNameSafe(`邻里-${spec.title}-${period.label}${gridIds ? `-${grids || '未分配网格'}` : ''}`) + '.xlsx';
    const fileID = await deps.files.upload(`reports/${community._id}/${kind}-${period.slug}-${deps.random.id()}.xlsx`, bytes);
    const user = found(caller.user);
    const record: ReportExport = {
      _id: deps.random.id(),
      communityId: community._id,
      openid: caller.openid,
      exportedByName: user.name,
      kind,
      from: period.firstDay,
      to: period.lastDay,
      ...(gridIds ? { gridIds: [...gridIds] } : {}),
      rows,
      fileID,
      fileName: name,
      createdAt: now,
    };
    await deps.store.collection<ReportExport>(COLLECTIONS.reportExports).add(record);
    const url = await deps.files.temporaryUrl(fileID, REPORT_URL_SECONDS);
    return { fileID, url, name, rows, remainingToday: REPORT_EXPORTS_PER_DAY - used - 1 };
  },
};
