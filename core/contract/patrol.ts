/**
 * Actions of the `patrol` function: 巡查走访台账. A grid worker logs a day's 巡查 (walking the grid) or
 * 走访 (visiting households) of one of their grids; staff read the community's logs, the month's
 * summary per grid (月通报) and the quarter's ranking of grids (季排名).
 */
import { z } from 'zod';
import type { PatrolKind } from '../model';
import { MAX_AFFAIRS_PER_LOG, MAX_BUILDINGS_PER_LOG, MAX_HOUSEHOLDS_PER_LOG, MAX_PATROL_NOTES, PATROL_KINDS, QUARTER_PATTERN } from '../patrols';
import { action, type Iso } from './define';
import { calendarDate, id, month, NOT_TEXT, nonNegativeInt, optionalText, type Page, paging } from './fields';

/** One day's 巡查 or 走访 of a grid, as the pages show it. */
export interface PatrolLogView {
  id: string;
  date: string;
  gridId: string;
  gridName: string;
  kind: PatrolKind;
  buildings: string[];
  households: number;
  notes?: string;
  affairIds: string[];
  workerName: string;
  /** Whether the caller wrote it. */
  mine: boolean;
  updatedAt: Iso;
}

/** A grid the caller may log for, with the buildings to pick from. */
export interface PatrolGridOption {
  id: string;
  name: string;
  buildings: string[];
}

/** patrol.mine: the caller's logs, newest day first, and what the log form needs. */
export interface PatrolMineView extends Page<PatrolLogView> {
  grids: PatrolGridOption[];
  /** Today in Beijing, and the earliest day a log may still be written for. */
  today: string;
  earliestDay: string;
  maxHouseholds: number;
}

/** A grid's patrols over a period. */
export interface GridPatrolSummary {
  gridId: string;
  gridName: string;
  /** Distinct days with at least one log (巡查 or 走访) of the grid. */
  daysPatrolled: number;
  /** 巡查 logs and 走访 logs. */
  patrolLogs: number;
  visitLogs: number;
  /** Households the logs count, summed. */
  householdsVisited: number;
  /** Distinct buildings the logs name. */
  buildingsCovered: number;
  /** Distinct affair ids the logs list. */
  affairsFound: number;
  /** Affairs of the grid closed (confirmed done) in the period, whoever found them. */
  affairsClosed: number;
  /** Distinct people who logged. */
  workers: number;
}

export interface RankedGridPatrol extends GridPatrolSummary {
  /** 1 is best; grids equal on every criterion share a rank. */
  rank: number;
  /** Whether another grid holds the same rank. */
  tied: boolean;
}

/** Whether a period's figures are final: logs may still be caught up for a week after it ends (暂定 until then). */
export interface PatrolSettling {
  settled: boolean;
  /** The Beijing day (YYYY-MM-DD) from which they no longer change. */
  settlesOn: string;
}

export interface PatrolSummaryView extends PatrolSettling {
  month: string;
  grids: GridPatrolSummary[];
}

export interface PatrolRankingView extends PatrolSettling {
  quarter: string;
  months: string[];
  /** How the ranking is decided (shown under it). */
  rule: string;
  grids: RankedGridPatrol[];
}

/** A building's name as the grid has it: checked against the grid, so never published text. */
const building = z.string({ error: '楼栋无效' }).trim().min(1, { error: '楼栋无效' }).max(20, { error: '楼栋无效' }).meta(NOT_TEXT);

/** An affair's id: letters, digits, - and _. */
const affairId = z
  .string({ error: '事件编号无效' })
  .trim()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, { error: '事件编号无效' })
  .meta(NOT_TEXT);

const quarter = z.string({ error: '请选择季度' }).regex(QUARTER_PATTERN, { error: '季度格式应为 YYYY-Qn，如 2026-Q4' });

export const patrolActions = {
  /**
   * Writes the caller's 巡查 or 走访 of one of their grids on a Beijing day from PATROL_DAYS_BACK days
   * ago to today. Logging the same grid, day and kind again rewrites that log (`rewritten`).
   * Staff log only for grids they are given (gridIds), like a grid worker.
   */
  'patrol.log': action<{ log: PatrolLogView; rewritten: boolean }>()({
    roles: ['grid_worker', 'staff'],
    input: z
      .object({
        date: calendarDate('巡查日期').refine((day) => day >= '2000-01-01', { error: '巡查日期无效' }),
        gridId: id,
        kind: z.enum(PATROL_KINDS, { error: '请选择巡查或走访' }),
        buildings: z
          .array(building, { error: '请选择巡查的楼栋' })
          .min(1, { error: '请至少选择一栋楼' })
          .max(MAX_BUILDINGS_PER_LOG, { error: `楼栋最多 ${MAX_BUILDINGS_PER_LOG} 栋` }),
        households: nonNegativeInt('走访户数', MAX_HOUSEHOLDS_PER_LOG),
        notes: optionalText('巡查备注', MAX_PATROL_NOTES),
        affairIds: z.array(affairId, { error: '事件编号无效' }).max(MAX_AFFAIRS_PER_LOG, { error: `发现的事件最多 ${MAX_AFFAIRS_PER_LOG} 件` }).optional(),
      })
      .refine((input) => input.kind !== 'visit' || input.households >= 1, { error: '走访请填写走访户数', path: ['households'] })
      // Households count for 走访 only: a 巡查 with households would inflate the grid's ranking.
      .refine((input) => input.kind === 'visit' || input.households === 0, { error: '巡查不记录走访户数，入户走访请选择“走访”', path: ['households'] }),
  }),
  /** The caller's logs, newest day first; the first page's reply also carries the grids they may log for. */
  'patrol.mine': action<PatrolMineView>()({
    roles: ['grid_worker', 'staff'],
    input: z.object({ ...paging }),
  }),
  /** Staff: the community's logs (optionally one grid, one month); a grid worker: their grids' logs. Newest day first. */
  'patrol.list': action<Page<PatrolLogView>>()({
    roles: ['staff', 'grid_worker'],
    input: z.object({ gridId: id.optional(), month: month.optional(), ...paging }),
  }),
  /** 月通报: each grid's month (default: this month). Staff: every grid; a grid worker: theirs. */
  'patrol.summary': action<PatrolSummaryView>()({
    roles: ['staff', 'grid_worker'],
    input: z.object({ month: month.optional() }),
  }),
  /** 季排名: the community's grids ranked over a quarter (default: this quarter), by RANKING_RULE. */
  'patrol.ranking': action<PatrolRankingView>()({
    roles: ['staff', 'grid_worker'],
    input: z.object({ quarter: quarter.optional() }),
  }),
} as const;
