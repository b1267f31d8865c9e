/**
 * 巡查走访台账 without a database in sight: which days a log may be written for, its id, and the
 * monthly summary and quarterly ranking of grids folded from logs handed in one at a time (the use
 * case streams them page by page, so memory holds the tally, never the logs).
 *
 * Affairs closed come from the affairs themselves (each affair of the grid closed in the period,
 * `tallyClosedAffair`), not from the ids the logs list: an affair is closed whoever found it.
 */
import type { GridPatrolSummary, RankedGridPatrol } from './contract';
import { digestId } from './digest';
import type { PatrolKind, PatrolLog } from './model';

export const PATROL_KINDS = ['patrol', 'visit'] as const satisfies readonly PatrolKind[];

/** How many days back a log may be written (today and the 7 days before): a week's catching up, not a month's invention. */
export const PATROL_DAYS_BACK = 7;
/** Households one log may count: a day's 走访 of a large grid, and no more (a count nobody can inflate without bound). */
export const MAX_HOUSEHOLDS_PER_LOG = 200;
/** Affair ids one log may list. */
export const MAX_AFFAIRS_PER_LOG = 20;
/** Buildings one log may name (each must be one of the grid's). */
export const MAX_BUILDINGS_PER_LOG = 100;
export const MAX_PATROL_NOTES = 500;

/** One log per person, grid, Beijing day and kind: the same four give the same _id. */
export const patrolLogIdOf = (openid: string, gridId: string, date: string, kind: PatrolKind): string => `pl-${digestId(`patrol:${openid}:${gridId}:${date}:${kind}`)}`;

const dayNumber = (day: string): number => Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10))) / 86_400_000;

/** Why a log may not be written for `date` when it is `today` in Beijing (both YYYY-MM-DD), or null. */
export function patrolDayProblem(date: string, today: string): string | null {
  const back = dayNumber(today) - dayNumber(date);
  if (back < 0) return '不能记录今天以后的巡查';
  if (back > PATROL_DAYS_BACK) return `只能补记 ${PATROL_DAYS_BACK} 天内的巡查`;
  return null;
}

/** The earliest day a log may be written for when it is `today`. */
export function earliestPatrolDay(today: string): string {
  return new Date((dayNumber(today) - PATROL_DAYS_BACK) * 86_400_000).toISOString().slice(0, 10);
}

/**
 * The Beijing day from which a period ending with `lastMonth` (YYYY-MM) no longer changes: logs may
 * be written PATROL_DAYS_BACK days late, so until then its summary and ranking are provisional (暂定).
 */
export function settlesOn(lastMonth: string): string {
  const lastDay = new Date(Date.UTC(Number(lastMonth.slice(0, 4)), Number(lastMonth.slice(5, 7)), 0)).toISOString().slice(0, 10);
  return new Date((dayNumber(lastDay) + PATROL_DAYS_BACK + 1) * 86_400_000).toISOString().slice(0, 10);
}

export const QUARTER_PATTERN = /^20\d{2}-Q[1-4]$/;

/** The three months (YYYY-MM) of a quarter 'YYYY-Qn'. */
export function quarterMonths(quarter: string): [string, string, string] {
  const year = quarter.slice(0, 4);
  const first = (Number(quarter.slice(6)) - 1) * 3 + 1;
  const month = (offset: number) => `${year}-${String(first + offset).padStart(2, '0')}`;
  return [month(0), month(1), month(2)];
}

/** The quarter 'YYYY-Qn' a month (YYYY-MM) falls in. */
export const quarterOf = (month: string): string => `${month.slice(0, 4)}-Q${Math.floor((Number(month.slice(5, 7)) - 1) / 3) + 1}`;

/** What the fold keeps per grid: sets of days, buildings and affairs (bounded by a period's days, a grid's buildings and its logs). */
interface GridTally {
  days: Set<string>;
  patrolLogs: number;
  visitLogs: number;
  households: number;
  buildings: Set<string>;
  affairs: Set<string>;
  workers: Set<string>;
  affairsClosed: number;
}

export type PatrolTally = Map<string, GridTally>;

export const newPatrolTally = (): PatrolTally => new Map();

export type TalliedLog = Pick<PatrolLog, 'gridId' | 'date' | 'kind' | 'households' | 'buildings' | 'affairIds' | 'openid'>;

function gridOf(tally: PatrolTally, gridId: string): GridTally {
  let grid = tally.get(gridId);
  if (!grid) {
    grid = { days: new Set(), patrolLogs: 0, visitLogs: 0, households: 0, buildings: new Set(), affairs: new Set(), workers: new Set(), affairsClosed: 0 };
    tally.set(gridId, grid);
  }
  return grid;
}

export function tallyPatrolLog(tally: PatrolTally, log: TalliedLog): void {
  const grid = gridOf(tally, log.gridId);
  grid.days.add(log.date);
  if (log.kind === 'visit') grid.visitLogs += 1;
  else grid.patrolLogs += 1;
  // Households are 走访's (a 巡查 stored with some before the contract refused them does not count).
  if (log.kind === 'visit') grid.households += log.households;
  for (const building of log.buildings) grid.buildings.add(building);
  // Two workers listing the same affair found it once.
  for (const affair of log.affairIds) grid.affairs.add(affair);
  grid.workers.add(log.openid);
}

/** An affair of the grid closed in the period (each affair is handed in once: the reader reads each once). */
export function tallyClosedAffair(tally: PatrolTally, affair: { place: { gridId: string } }): void {
  gridOf(tally, affair.place.gridId).affairsClosed += 1;
}

/** One row per grid named, in that order; a grid without logs shows zeros. */
export function patrolSummaryOf(tally: PatrolTally, grids: ReadonlyArray<{ id: string; name: string }>): GridPatrolSummary[] {
  return grids.map(({ id, name }) => {
    const grid = tally.get(id);
    return {
      gridId: id,
      gridName: name,
      daysPatrolled: grid?.days.size ?? 0,
      patrolLogs: grid?.patrolLogs ?? 0,
      visitLogs: grid?.visitLogs ?? 0,
      householdsVisited: grid?.households ?? 0,
      buildingsCovered: grid?.buildings.size ?? 0,
      affairsFound: grid?.affairs.size ?? 0,
      affairsClosed: grid?.affairsClosed ?? 0,
      workers: grid?.workers.size ?? 0,
    };
  });
}

/** How the ranking is decided, as the page and the README say it. */
export const RANKING_RULE = '按巡查天数（有巡查或走访记录的天数）排名；天数相同比走访户数，再相同比发现事件数；三项都相同的网格名次并列。';

const rankKey = (row: GridPatrolSummary): [number, number, number] => [row.daysPatrolled, row.householdsVisited, row.affairsFound];

/**
 * Grids best first by days patrolled, then households visited, then affairs found. Grids equal on
 * all three share a rank (1, 1, 3: the next rank skips), listed in the order they were given.
 */
export function rankGrids(rows: readonly GridPatrolSummary[]): RankedGridPatrol[] {
  const ordered = rows.map((row, index) => ({ row, index }));
  ordered.sort((a, b) => {
    const [x, y] = [rankKey(a.row), rankKey(b.row)];
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return y[i]! - x[i]!;
    return a.index - b.index;
  });
  const ranked: RankedGridPatrol[] = [];
  for (const [position, { row }] of ordered.entries()) {
    const previous = ranked[position - 1];
    const tied = previous !== undefined && rankKey(previous).every((value, i) => value === rankKey(row)[i]);
    ranked.push({ ...row, rank: tied ? previous.rank : position + 1, tied: false });
  }
  // A rank held by more than one grid is marked on each of them.
  for (const entry of ranked) entry.tied = ranked.filter((other) => other.rank === entry.rank).length > 1;
  return ranked;
}
