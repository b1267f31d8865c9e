/**
 * Actions of the `points` function: balances and ledgers, nominations, and what the daily
 * reconciliation (core/usecases/reconcile.ts) found.
 */
import { z } from 'zod';
import { COLLECTIONS, type Discrepancy, type NominationStatus, type PointsSource } from '../model';
import { action, byId, type Iso } from './define';
import { clientRequestId, id, optionalText, paging, type Page, positiveInt, shortText } from './fields';

export interface LedgerEntryView {
  id: string;
  delta: number;
  source: PointsSource;
  ref: string;
  reason?: string;
  balanceAfter: number;
  at: Iso;
}

export interface NominationView {
  id: string;
  openid: string;
  nomineeName: string;
  kind: 'good_deed' | 'role_model';
  points: number;
  reason: string;
  status: NominationStatus;
  nominatedByName: string;
  /** Whether the caller nominated it (then they may not approve it). */
  mine: boolean;
  createdAt: Iso;
  reviewedByName?: string;
  reviewedAt?: Iso;
  reviewNote?: string;
}

export interface PointsTotals {
  balance: number;
  issued: number;
  redeemed: number;
}

/** One finding; `name` is the person's name or the goods' name, when it could be found. */
export interface DiscrepancyView {
  kind: Discrepancy['kind'];
  /** The account's or volunteer's openid, or the goods' id. */
  subject: string;
  /** The person's name, or the goods item's (for an item that is gone, the name its stock moves recorded). */
  name?: string;
  field: string;
  stored: number;
  expected: number;
  /** `reported`: nothing was changed (money and stock are for staff to decide); `counter_reset`: a ranking counter was set to its recount. */
  action: Discrepancy['action'];
}

export interface ReconciliationView {
  /** YYYY-MM-DD, Beijing time. */
  day: string;
  ranAt: Iso;
  /** `timer`: the daily run at 03:00; `on_demand`: a staff member asked for it (report.reconcile). */
  trigger: 'timer' | 'on_demand';
  /** YYYY-MM: this run is the closing reconciliation of that month (the timer's first run of the next month). */
  closesMonth?: string;
  accounts: number;
  ledgerEntries: number;
  goods: number;
  stockMoves: number;
  volunteers: number;
  /** How many were found; `discrepancies` lists at most the first 200 (money first). */
  discrepancyCount: number;
  discrepancies: DiscrepancyView[];
}

/** A service on offer and what a finished order of it pays for each score (5 first). */
export interface ServicePointsRule {
  id: string;
  name: string;
  category: string;
  basePoints: number;
  byScore: Array<{ score: number; points: number }>;
}

/** An upcoming activity that volunteers may join, and what attending it all the way through pays. */
export interface ActivityPointsRule {
  id: string;
  name: string;
  startAt: Iso;
  /** The rate paid: the approved rate within the community's cap. */
  pointsPerHour: number;
  /** The hours a whole attendance records, under the hour rounding. */
  hours: number;
  points: number;
}

/**
 * How points are earned and spent in the caller's community: only what is in force (approved
 * values; a proposal waiting for a second staff member is not shown). Made by core/points-rules.ts
 * with the same functions that pay.
 */
export interface PointsRulesView {
  communityName: string;
  orders: {
    /** What each score (1–5, given by the community to a finished order) multiplies the points by; 5 first. */
    multipliers: Array<{ score: number; multiplier: number }>;
    /** The most one order pays, whatever the service. */
    maxPoints: number;
    services: ServicePointsRule[];
  };
  activities: {
    maxPointsPerHour: number;
    /** How the minutes past the whole hours count: from–up to (minutes), as hours. */
    rounding: Array<{ fromMinutes: number; upToMinutes: number; hours: number }>;
    upcoming: ActivityPointsRule[];
  };
  /** 好人好事 and 先进典型: nominated by staff or grid workers, approved by another staff member. */
  awards: { maxPoints: number };
  spending: { redemptionsPerDay: number };
  /** When an approved change to points last took effect, and what it was. */
  lastChange?: { at: Iso; summary: string };
}

export const pointsActions = {
  'points.balance': action<PointsTotals>()({
    roles: ['registered'],
    input: z.object({}),
  }),
  'points.ledger': action<Page<LedgerEntryView>>()({ roles: ['registered'], input: z.object({ ...paging }) }),
  /** The points page's first screen in one call: the totals and the first page of the ledger. */
  'points.overview': action<PointsTotals & { ledger: Page<LedgerEntryView> }>()({
    roles: ['registered'],
    input: z.object({ limit: paging.limit }),
  }),
  /**
   * Nominates a member of the community for good-deed or role-model points (好人好事/先进典型),
   * picked by id (from user.search or a grid's resident list), never by a typed phone: phones are
   * neither unique nor verified. Nothing is posted until another staff member approves (points.review).
   */
  'points.nominate': action<NominationView>()({
    roles: ['staff', 'grid_worker'],
    input: z.object({
      openid: id,
      points: positiveInt('奖励积分', 1000),
      kind: z.enum(['good_deed', 'role_model'], { error: '奖励类型只能是好人好事或先进典型' }),
      reason: shortText('推荐事由', 200),
      clientRequestId,
    }),
  }),
  'points.nominations': action<Page<NominationView>>()({
    roles: ['staff', 'grid_worker'],
    input: z.object({ status: z.enum(['pending', 'approved', 'rejected'], { error: '状态只能是待审核、已通过或未通过' }).optional(), ...paging }),
  }),
  /** A second staff member (not the nominator, not the nominee) approves or rejects; approval posts the points. */
  'points.review': action<{ nomination: NominationView; entry?: LedgerEntryView }>()({
    roles: ['staff'],
    input: z.discriminatedUnion(
      'decision',
      [
        z.object({ nominationId: id, decision: z.literal('approve'), note: optionalText('审核意见', 200) }),
        z.object({ nominationId: id, decision: z.literal('reject'), note: z.string({ error: '请填写不通过的原因' }).pipe(shortText('不通过的原因', 200)) }),
      ],
      { error: '请选择审核结果：通过或不通过' },
    ),
    reads: (input) => ({ nomination: byId(COLLECTIONS.awardNominations, input.nominationId) }),
  }),

  /** The points rules in force in the caller's community (积分规则), for residents and volunteers. */
  'points.rules': action<PointsRulesView>()({
    roles: ['registered'],
    input: z.object({}),
  }),

  /** The newest reconciliation of the staff member's community (daily or on demand); null before the first. */
  'points.reconciliation': action<{ latest: ReconciliationView | null }>()({
    roles: ['staff'],
    input: z.object({}),
  }),
} as const;
