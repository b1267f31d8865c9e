/** Actions of the `mall` function: goods, redemptions and their verification. */
import { z } from 'zod';
import type { RedemptionStatus } from '../model';
import { action, type Iso } from './define';
import { clientRequestId, id, nonNegativeInt, optionalText, paging, type Page, positiveInt, shortText } from './fields';

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

export const mallActions = {
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
    input: z.object({ code: z.string().trim().regex(/^\d{6}$/, { error: '核销码是 6 位数字' }) }),
  }),
  'mall.cancel': action<{ redemption: RedemptionView }>()({
    roles: ['registered'],
    input: z.object({ redemptionId: id, reason: optionalText('取消原因', 200) }),
  }),
} as const;
