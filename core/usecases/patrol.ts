/**
 * The `patrol` function: 巡查走访台账 (patrol.log, patrol.mine, patrol.list), the month's summary per
 * grid (patrol.summary, 月通报) and the quarter's ranking of grids (patrol.ranking, 季排名).
 *
 * A dishonest insider is bounded by the input and by the log's id: a log names one of the caller's
 * own grids (gridIds, staff included), a Beijing day from PATROL_DAYS_BACK days ago to today,
 * buildings of that grid only, at most MAX_HOUSEHOLDS_PER_LOG households and MAX_AFFAIRS_PER_LOG
 * affair ids; and since its _id is who, grid, day and kind, tapping again rewrites the same
 * document, so a person holds at most two logs per grid and day however often they send one.
 *
 * The summary and the ranking read the period's logs page by page (keysetScan) into a tally
 * (core/patrols.ts) that holds sets of days, buildings and affair ids per grid, never the logs;
 * beside them, the affairs closed in the period (by `closedAt`), counted per grid.
 */
import type { PatrolGridOption, PatrolLogView, PatrolSettling } from '../contract';
import { DomainError, found } from '../errors';
import type { Handlers } from '../handlers';
import { type Affair, COLLECTIONS, type Community, type Grid, type PatrolLog } from '../model';
import {
  earliestPatrolDay,
  MAX_HOUSEHOLDS_PER_LOG,
  newPatrolTally,
  type PatrolTally,
  patrolDayProblem,
  patrolLogIdOf,
  patrolSummaryOf,
  quarterMonths,
  quarterOf,
  RANKING_RULE,
  settlesOn,
  rankGrids,
  type TalliedLog,
  tallyClosedAffair,
  tallyPatrolLog,
} from '../patrols';
import type { Caller, Deps, Where } from '../ports';
import { iso, localDay, localMonth, monthPeriod } from '../time';
import { isStaffOf, memberCommunity } from './shared/access';
import { keysetPage, keysetScan, type OrderBy } from './shared/paging';
import { loadCommunity, readByIds } from './shared/store';

const NEWEST_DAY_FIRST: OrderBy = [
  ['date', 'desc'],
  ['_id', 'desc'],
];
export const OLDEST_DAY_FIRST: OrderBy = [
  ['date', 'asc'],
  ['_id', 'asc'],
];
/** Logs read per request by the summary and the ranking (without their notes, a log is small). */
const SCAN_PAGE = 200;
const SCAN_OMIT = ['notes', 'workerName', 'createdAt', 'updatedAt', 'revision'];
const BY_CLOSED: OrderBy = [
  ['closedAt', 'asc'],
  ['_id', 'asc'],
];
/** Closed affairs per read: only their grid and closing time are wanted, the rest is left out. */
const CLOSED_PAGE = 500;
const CLOSED_OMIT = ['events', 'description', 'parties', 'photos', 'resolution', 'rating', 'handler', 'reporterName', 'reporterOpenid', 'createdBy', 'clientRequestId', 'place.building', 'place.detail'];

const gridNameOf = (community: Community, gridId: string): string => community.grids.find((grid) => grid.id === gridId)?.name ?? '已删除的网格';

function viewOf(log: PatrolLog, community: Community, caller: Caller): PatrolLogView {
  return {
    id: log._id,
    date: log.date,
    gridId: log.gridId,
    gridName: gridNameOf(community, log.gridId),
    kind: log.kind,
    buildings: log.buildings,
    households: log.households,
    ...(log.notes ? { notes: log.notes } : {}),
    affairIds: log.affairIds,
    workerName: log.workerName,
    mine: log.openid === caller.openid,
    updatedAt: iso(log.updatedAt),
  };
}

/** The grids a caller looks after (a grid worker's, or staff given grids), as stored on them. */
const ownGrids = (caller: Caller): string[] => caller.user?.gridIds ?? [];

/** Whose logs a reader sees: staff the whole community (null), anyone else their own grids. */
const readableGrids = (caller: Caller, communityId: string): string[] | null => (isStaffOf(caller, communityId) ? null : ownGrids(caller));

/** The grids a summary or ranking has rows for: those not retired, and retired ones that had logs. */
export const gridsShown = (community: Community, tally: PatrolTally, only: readonly string[] | null): Grid[] =>
  community.grids.filter((grid) => (only === null || only.includes(grid.id)) && (!grid.retired || tally.has(grid.id)));

/**
 * Folds the logs of the months (and grids) given into a tally, a page at a time, and beside them
 * the affairs of those grids closed in those months (consecutive months: a month or a quarter).
 * The first page of both comes in one request, joined onto the community's document; a full page
 * is read on after.
 */
export async function tallyOf(deps: Deps, communityId: string, months: readonly string[], gridIds: readonly string[] | null): Promise<PatrolTally> {
  const tally = newPatrolTally();
  if (gridIds?.length === 0) return tally;
  const logsWhere: Where = { communityId, month: months.length === 1 ? months[0]! : { in: months }, ...(gridIds ? { gridId: { in: gridIds } } : {}) };
  // Closed from the first month's start to the last month's end, counted page by page; the grids
  // are picked out here (one index by community and closing time serves every caller).
  const from = monthPeriod(months[0]!).from;
  const to = monthPeriod(months[months.length - 1]!).to;
  const closedWhere: Where = { communityId, closedAt: { gte: from } };
  const logs = deps.store.collection<PatrolLog>(COLLECTIONS.patrolLogs);
  const affairs = deps.store.collection<Affair>(COLLECTIONS.affairs);
  const first = deps.store.collection<Community>(COLLECTIONS.communities).findJoined<{ logs: PatrolLog; closed: Affair }>(
    { _id: communityId },
    { limit: 1, omit: ['settings', 'grids'] },
    {
      logs: { from: COLLECTIONS.patrolLogs, where: logsWhere, orderBy: OLDEST_DAY_FIRST, limit: SCAN_PAGE, omit: SCAN_OMIT },
      closed: { from: COLLECTIONS.affairs, where: closedWhere, orderBy: BY_CLOSED, limit: CLOSED_PAGE, omit: CLOSED_OMIT },
    },
  );
  const readLogs = (after: readonly unknown[] | undefined, limit: number) =>
    after ? logs.find(logsWhere, { orderBy: OLDEST_DAY_FIRST, after, limit, omit: SCAN_OMIT }) : first.then(([root]) => root?.logs ?? []);
  const readClosed = (after: readonly unknown[] | undefined, limit: number) =>
    after ? affairs.find(closedWhere, { orderBy: BY_CLOSED, after, limit, omit: CLOSED_OMIT }) : first.then(([root]) => root?.closed ?? []);
  const closedPast = (affair: Affair) => new Date(affair.closedAt!).getTime() >= to.getTime();
  await Promise.all([
    (async () => {
      for await (const log of keysetScan<PatrolLog>(readLogs, OLDEST_DAY_FIRST, SCAN_PAGE)) tallyPatrolLog(tally, log as TalliedLog);
    })(),
    (async () => {
      for await (const affair of keysetScan<Affair>(readClosed, BY_CLOSED, CLOSED_PAGE, closedPast)) {
        if (!gridIds || gridIds.includes(affair.place.gridId)) tallyClosedAffair(tally, affair);
      }
    })(),
  ]);
  return tally;
}

function notInFuture(month: string, now: Date): void {
  if (month > localMonth(now)) throw new DomainError('INVALID_INPUT', '不能统计未来的月份');
}

/** 暂定 until a week after the period's last month (logs caught up late still count). */
function settling(lastMonth: string, now: Date): PatrolSettling {
  const day = settlesOn(lastMonth);
  return { settled: localDay(now) >= day, settlesOn: day };
}

export const patrolHandlers: Handlers<'patrol'> = {
  'patrol.log': async (input, { caller, deps }) => {
    const user = found(caller.user);
    const community = await loadCommunity(deps, memberCommunity(caller), caller);
    if (!ownGrids(caller).includes(input.gridId)) throw new DomainError('FORBIDDEN', '只能记录您负责网格的巡查走访');
    const grid = community.grids.find((item) => item.id === input.gridId);
    if (!grid || grid.retired) throw new DomainError('INVALID_INPUT', '这个网格已停用，不能再记录巡查');
    const now = deps.clock.now();
    const problem = patrolDayProblem(input.date, localDay(now));
    if (problem) throw new DomainError('INVALID_INPUT', problem);
    const buildings = [...new Set(input.buildings)];
    const stranger = buildings.find((name) => !grid.buildings.includes(name));
    if (stranger !== undefined) throw new DomainError('INVALID_INPUT', `${stranger}不属于${grid.name}`);
    const affairIds = [...new Set(input.affairIds ?? [])];
    // Affairs found are affairs this person reported in this grid: made-up ids would inflate the ranking.
    if (affairIds.length > 0) {
      const reported = await readByIds(deps.store.collection<Affair>(COLLECTIONS.affairs), affairIds);
      const stray = affairIds.find((id) => {
        const affair = reported.get(id);
        return !affair || affair.communityId !== community._id || affair.place.gridId !== grid.id || affair.reporterOpenid !== caller.openid;
      });
      if (stray !== undefined) throw new DomainError('INVALID_INPUT', `事件 ${stray} 不是您在${grid.name}上报的事件`);
    }
    const notes = input.notes || undefined;

    const log: PatrolLog = {
      _id: patrolLogIdOf(caller.openid, grid.id, input.date, input.kind),
      communityId: community._id,
      openid: caller.openid,
      workerName: user.name,
      gridId: grid.id,
      date: input.date,
      month: input.date.slice(0, 7),
      kind: input.kind,
      buildings,
      households: input.households,
      ...(notes ? { notes } : {}),
      affairIds,
      revision: 1,
      createdAt: now,
      updatedAt: now,
    };
    const logs = deps.store.collection<PatrolLog>(COLLECTIONS.patrolLogs);
    if (await logs.add(log)) return { log: viewOf(log, community, caller), rewritten: false };
    // The day's log of this kind exists: it becomes what was sent now (the id is the caller's own).
    const changed = await logs.update(
      { _id: log._id, openid: caller.openid },
      { set: { workerName: user.name, buildings, households: input.households, affairIds, updatedAt: now, ...(notes ? { notes } : {}) }, inc: { revision: 1 }, ...(notes ? {} : { unset: ['notes'] }) },
    );
    if (changed === 0) throw new DomainError('CONFLICT', '记录未能保存，请重试');
    return { log: viewOf(log, community, caller), rewritten: true };
  },

  'patrol.mine': async (input, { caller, deps }) => {
    const community = await loadCommunity(deps, memberCommunity(caller), caller);
    const logs = deps.store.collection<PatrolLog>(COLLECTIONS.patrolLogs);
    const page = await keysetPage(logs, { openid: caller.openid }, NEWEST_DAY_FIRST, input, (log) => viewOf(log, community, caller));
    const own = ownGrids(caller);
    const grids: PatrolGridOption[] = community.grids
      .filter((grid) => own.includes(grid.id) && !grid.retired)
      .map((grid) => ({ id: grid.id, name: grid.name, buildings: grid.buildings }));
    const today = localDay(deps.clock.now());
    return { ...page, grids, today, earliestDay: earliestPatrolDay(today), maxHouseholds: MAX_HOUSEHOLDS_PER_LOG };
  },

  'patrol.list': async (input, { caller, deps }) => {
    const community = await loadCommunity(deps, memberCommunity(caller), caller);
    const readable = readableGrids(caller, community._id);
    if (input.gridId !== undefined) {
      if (readable && !readable.includes(input.gridId)) throw new DomainError('FORBIDDEN', '只能查看您负责网格的巡查记录');
      if (!community.grids.some((grid) => grid.id === input.gridId)) throw new DomainError('INVALID_INPUT', '本社区没有这个网格');
    }
    const gridIds = input.gridId !== undefined ? [input.gridId] : readable;
    if (gridIds?.length === 0) return { items: [], nextCursor: null };
    const where: Where = {
      communityId: community._id,
      ...(gridIds ? { gridId: gridIds.length === 1 ? gridIds[0]! : { in: gridIds } } : {}),
      ...(input.month ? { month: input.month } : {}),
    };
    const logs = deps.store.collection<PatrolLog>(COLLECTIONS.patrolLogs);
    return keysetPage(logs, where, NEWEST_DAY_FIRST, input, (log) => viewOf(log, community, caller));
  },

  'patrol.summary': async (input, { caller, deps }) => {
    const community = await loadCommunity(deps, memberCommunity(caller), caller);
    const month = input.month ?? localMonth(deps.clock.now());
    notInFuture(month, deps.clock.now());
    const readable = readableGrids(caller, community._id);
    const tally = await tallyOf(deps, community._id, [month], readable);
    return { month, ...settling(month, deps.clock.now()), grids: patrolSummaryOf(tally, gridsShown(community, tally, readable)) };
  },

  'patrol.ranking': async (input, { caller, deps }) => {
    const community = await loadCommunity(deps, memberCommunity(caller), caller);
    const now = deps.clock.now();
    const quarter = input.quarter ?? quarterOf(localMonth(now));
    const months = quarterMonths(quarter);
    notInFuture(months[0], now);
    // A ranking compares every grid of the community: a grid worker sees where theirs stands.
    const tally = await tallyOf(deps, community._id, months, null);
    return { quarter, months, ...settling(months[2], now), rule: RANKING_RULE, grids: rankGrids(patrolSummaryOf(tally, gridsShown(community, tally, null))) };
  },
};
