/** Actions of the `stats` function: a community's figures for a period. */
import { z } from 'zod';
import type { OrderStatus } from '../model';
import { action, type Iso } from './define';

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
}

export const statsActions = {
  'stats.overview': action<StatsOverview>()({
    roles: ['staff'],
    input: z.object({
      from: z.iso.datetime({ error: '开始时间格式无效' }).optional(),
      to: z.iso.datetime({ error: '结束时间格式无效' }).optional(),
    }),
  }),
} as const;
