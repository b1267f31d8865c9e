/** Actions of the `points`, `mall` and `stats` functions. */
import { z } from 'zod';
import type { NominationStatus, OrderStatus, PointsSource, RedemptionStatus } from '../model';
import { action, type Iso } from './define';
import { clientRequestId, id, nonNegativeInt, optionalText, paging, type Page, positiveInt, shortText } from './fields';

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

export interface GoodsView {
  id: string;
  name: string;
  /** What it costs now (0: a new item whose price waits for approval, not redeemable). */
  pointsPrice: number;
  /** A new price waiting for a second staff member. */
  pendingPointsPrice?: number;
  stock: number;
  description?: string;
  active: boolean;
}

export interface RedemptionView {
  id: string;
  code: string;
  status: RedemptionStatus;
  goodsId: string;
  goodsName: string;
  quantity: number;
  points: number;
  createdAt: Iso;
  fulfilledAt?: Iso;
  cancelledAt?: Iso;
}

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
  averageStars: number | null;
  ratedOrders: number;
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

export const marketActions = {
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
  }),

  'mall.goods': action<GoodsView[]>()({
    roles: ['registered'],
    input: z.object({ includeInactive: z.boolean().optional() }),
  }),
  'mall.upsertGoods': action<GoodsView>()({
    roles: ['staff'],
    input: z.object({
      id: id.optional(),
      name: shortText('商品名称', 30),
      pointsPrice: positiveInt('所需积分', 100000),
      stock: nonNegativeInt('库存', 100000),
      /**
       * The stock the form showed when staff started editing. When given, the save is refused if a
       * redemption changed the stock since, so a count typed from a stale screen cannot undo a sale.
       */
      expectedStock: nonNegativeInt('原库存', 100000).optional(),
      description: optionalText('商品说明', 200),
      active: z.boolean().optional(),
    }),
  }),
  'mall.redeem': action<{ redemption: RedemptionView }>()({
    roles: ['registered'],
    withVolunteer: false,
    input: z.object({ goodsId: id, quantity: positiveInt('兑换数量', 10), clientRequestId }),
  }),
  'mall.myRedemptions': action<Page<RedemptionView>>()({ roles: ['registered'], input: z.object({ ...paging }) }),
  /** The market's first screen in one call: my balance, the goods and my latest redemptions. */
  'mall.home': action<{ balance: number; goods: GoodsView[]; redemptions: Page<RedemptionView> }>()({
    roles: ['registered'],
    input: z.object({ limit: paging.limit }),
  }),
  'mall.verify': action<{ redemption: RedemptionView; resident: { name: string } }>()({
    roles: ['staff'],
    withVolunteer: false,
    input: z.object({ code: z.string().trim().regex(/^\d{6}$/, { error: '核销码是 6 位数字' }) }),
  }),
  'mall.cancel': action<{ redemption: RedemptionView }>()({
    roles: ['registered'],
    input: z.object({ redemptionId: id, reason: optionalText('取消原因', 200) }),
  }),

  'stats.overview': action<StatsOverview>()({
    roles: ['staff'],
    input: z.object({
      from: z.iso.datetime({ error: '开始时间格式无效' }).optional(),
      to: z.iso.datetime({ error: '结束时间格式无效' }).optional(),
    }),
  }),
} as const;
