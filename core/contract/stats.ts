/** Actions of the `stats` function: a community's figures for a period. */
import { z } from 'zod';
import type { OrderStatus } from '../model';
import { action, type Iso } from './define';
import { month } from './fields';

export interface GridStats {
  gridId: string;
  gridName: string;
  orders: number;
  /** Finished: completed or closed (the numerator of the grid's 办结率). */
  finished: number;
  closed: number;
  completionRate: number | null;
  averageStars: number | null;
}

/**
 * What a set of affairs (社区事务) reported in the period adds up to: the community's, one grid's or
 * one department's. Counts only: no description, party, building or person of any affair (a dispute,
 * 矛盾纠纷, is counted like any other and never described).
 */
export interface AffairFigures {
  /** Reported in the period. */
  received: number;
  /** Of those, closed now (confirmed done). */
  closed: number;
  /** 办结率: closed / received, null when none were received. */
  closingRate: number | null;
  /** Affairs that missed at least one deadline, and how many deadlines were missed in all. */
  overdue: number;
  overdueTimes: number;
  /** Affairs flagged to the street office's department (督办) after missing deadlines. */
  escalated: number;
  /** Hours from a department's latest whistle (吹哨) to its acceptance (报到), over the affairs accepted. */
  averageRespondHours: number | null;
  /** Hours from the report to the resolution that stands, over the affairs resolved or closed. */
  averageResolveHours: number | null;
  averageStars: number | null;
  rated: number;
}

export interface GridAffairStats extends AffairFigures {
  gridId: string;
  gridName: string;
}

export interface DepartmentAffairStats extends AffairFigures {
  departmentId: string;
  departmentName: string;
}

/** The affairs of the period: the community's totals, each grid's, and each department whistled to. */
export interface AffairStats extends AffairFigures {
  /** Of the received, disputes (矛盾纠纷): a count, never more. */
  disputes: number;
  byGrid: GridAffairStats[];
  /** The departments that hold an affair of the period (core/affair-stats.ts says how one is attributed). */
  byDepartment: DepartmentAffairStats[];
}

/**
 * Orders and ledger entries count when created in [from, to); service hours by the record's service
 * date (Beijing) within the same days. Rates are fractions 0–1 rounded to 4 places, stars to 2,
 * minutes to 1, hours to 2; null where there is nothing to measure.
 */
export interface StatsOverview {
  from: Iso;
  to: Iso;
  ordersByStatus: Record<OrderStatus, number>;
  /** 办结率: finished (completed or closed) among orders that were not cancelled or rejected. */
  completionRate: number | null;
  /** Every rating, the residents' own and those recorded for them (代评). */
  averageStars: number | null;
  ratedOrders: number;
  /**
   * Of those, the ratings staff or grid workers recorded for elders without WeChat (代评), so the
   * residents' own can be told apart; absent when there were none in the period.
   */
  ratedOnBehalf?: { ratedOrders: number; averageStars: number };
  /** Minutes from creation to acceptance, and from creation to completion. */
  medianResponseMinutes: number | null;
  medianCompletionMinutes: number | null;
  volunteerHours: number;
  activeVolunteers: number;
  /** Earned points (service, good deeds, role models). */
  pointsIssued: number;
  /** Points spent on redemptions, less the refunds of cancelled ones. */
  pointsRedeemed: number;
  byGrid: GridStats[];
  /** Affairs (社区事务) reported in the period. */
  affairs: AffairStats;
}

/** A period's figures with those of the period before it (the previous calendar month for a month). */
export interface StatsComparison extends StatsOverview {
  previous: StatsOverview;
}

/** One Beijing calendar month of the trend: the same figures as the overview, without the grids. */
export interface TrendMonth {
  /** YYYY-MM. */
  month: string;
  orders: number;
  completionRate: number | null;
  averageStars: number | null;
  ratedOrders: number;
  volunteerHours: number;
  pointsIssued: number;
  pointsRedeemed: number;
  /** Affairs reported in the month, and of them those closed now. */
  affairsReceived: number;
  affairsClosed: number;
}

/** How many months the trend may cover: a year, so one read stays within a function's time. */
export const MAX_TREND_MONTHS = 12;

export const statsActions = {
  /**
   * A period given by `month` (a Beijing calendar month) or by `from`/`to` (default: the last 30
   * days), and the period just before it.
   */
  'stats.overview': action<StatsComparison>()({
    roles: ['staff'],
    input: z
      .object({
        month: month.optional(),
        from: z.iso.datetime({ error: '开始时间格式无效' }).optional(),
        to: z.iso.datetime({ error: '结束时间格式无效' }).optional(),
      })
      .refine((input) => !(input.month && (input.from || input.to)), { error: '按月统计时不能同时指定开始或结束时间' }),
  }),
  /** The last `months` calendar months, the current one included, oldest first. */
  'stats.trend': action<{ months: TrendMonth[] }>()({
    roles: ['staff'],
    input: z.object({
      months: z.number({ error: '月数必须是整数' }).int({ error: '月数必须是整数' }).min(2, { error: '至少统计 2 个月' }).max(MAX_TREND_MONTHS, { error: `最多统计 ${MAX_TREND_MONTHS} 个月` }).optional(),
    }),
  }),
} as const;
