/** Actions of the `mall` function: goods, redemptions and their verification. */
import { z } from 'zod';
import { COLLECTIONS, type RedemptionStatus, type StockMoveKind, type StockSource, type WriteOffStatus } from '../model';
import { action, byId, type Iso } from './define';
import { clientRequestId, id, nonNegativeInt, optionalText, paging, type Page, positiveInt, shortText } from './fields';

export interface GoodsView {
  id: string;
  name: string;
  /** What it costs now (0: a new item whose price waits for approval, not redeemable). */
  pointsPrice: number;
  /** A new price waiting for a second staff member. */
  pendingPointsPrice?: number;
  /** The sum of its stock moves (库存流水): it changes only through 入库, redemption, refund and 损耗. */
  stock: number;
  description?: string;
  active: boolean;
  /** Staff only: the write-off (损耗) waiting for a second staff member. */
  pendingWriteOff?: PendingWriteOffView;
}

export interface PendingWriteOffView {
  id: string;
  quantity: number;
  reason: string;
  proposedByName: string;
  proposedAt: Iso;
  /** Whether the caller proposed it (then they may not decide it: another staff member does). */
  mine: boolean;
}

/** One line of an item's 库存流水. */
export interface StockMoveView {
  id: string;
  kind: StockMoveKind;
  delta: number;
  stockAfter: number;
  source?: StockSource;
  donor?: string;
  note?: string;
  reason?: string;
  /** The redemption or write-off it belongs to. */
  ref?: string;
  /** The staff member who made it (for a write-off, who approved it); absent on a redemption's moves. */
  byName?: string;
  at: Iso;
}

export interface WriteOffView {
  id: string;
  goodsId: string;
  goodsName: string;
  quantity: number;
  reason: string;
  status: WriteOffStatus;
  proposedByName: string;
  proposedAt: Iso;
  decidedByName?: string;
  decidedAt?: Iso;
  note?: string;
  mine: boolean;
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

/** The most a goods item may hold, and the most one 入库 or 损耗 may move. */
export const MAX_STOCK = 100000;
export const MAX_STOCK_IN = 10000;

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
      /**
       * A new item's opening stock (期初库存, recorded as its first stock move). An existing item's
       * stock changes only through moves (mall.stockIn, a write-off), so it is refused there.
       */
      stock: nonNegativeInt('库存', MAX_STOCK).optional(),
      description: optionalText('商品说明', 200),
      active: z.boolean().optional(),
      /** A new item's request id (the page sends one per form): a retried save adds it once. */
      clientRequestId: clientRequestId.optional(),
    }),
  }),
  /** 入库: a purchase, or a donation with its donor; adds a stock move. Retried with the same request id, it adds nothing more. */
  'mall.stockIn': action<{ goods: GoodsView; move: StockMoveView }>()({
    roles: ['staff'],
    input: z.discriminatedUnion(
      'source',
      [
        z.object({ goodsId: id, quantity: positiveInt('入库数量', MAX_STOCK_IN), source: z.literal('purchase'), note: optionalText('备注', 200), clientRequestId }),
        z.object({
          goodsId: id,
          quantity: positiveInt('入库数量', MAX_STOCK_IN),
          source: z.literal('donation'),
          donor: z.string({ error: '请填写捐赠人（不愿留名可填“匿名”）' }).pipe(shortText('捐赠人', 30, 'profile')),
          note: optionalText('备注', 200),
          clientRequestId,
        }),
      ],
      { error: '请选择入库来源：采购或捐赠' },
    ),
  }),
  /** 损耗: proposed by one staff member; the stock drops only when another approves (mall.decideWriteOff). */
  'mall.proposeWriteOff': action<{ writeOff: WriteOffView; goods: GoodsView }>()({
    roles: ['staff'],
    input: z.object({ goodsId: id, quantity: positiveInt('损耗数量', MAX_STOCK_IN), reason: shortText('损耗原因', 100), clientRequestId }),
  }),
  /** `goods` is null only when the item is gone (a rejection still goes through). */
  'mall.decideWriteOff': action<{ writeOff: WriteOffView; goods: GoodsView | null }>()({
    roles: ['staff'],
    input: z.discriminatedUnion(
      'decision',
      [
        z.object({ writeOffId: id, decision: z.literal('approve'), note: optionalText('审核意见', 200) }),
        z.object({ writeOffId: id, decision: z.literal('reject'), note: z.string({ error: '请填写不通过的原因' }).pipe(shortText('不通过的原因', 200)) }),
      ],
      { error: '请选择审核结果：通过或不通过' },
    ),
    reads: (input) => ({ writeOff: byId(COLLECTIONS.writeOffs, input.writeOffId) }),
  }),
  /** An item's 库存流水, newest first. */
  'mall.stockMoves': action<Page<StockMoveView>>()({
    roles: ['staff'],
    input: z.object({ goodsId: id, ...paging }),
    reads: (input) => ({ goods: byId(COLLECTIONS.goods, input.goodsId) }),
  }),
  /**
   * An item's write-offs (损耗申请), newest first, whatever became of them: one refused stays on
   * record with who asked, who refused and why.
   */
  'mall.writeOffs': action<Page<WriteOffView>>()({
    roles: ['staff'],
    input: z.object({ goodsId: id, ...paging }),
    reads: (input) => ({ goods: byId(COLLECTIONS.goods, input.goodsId) }),
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
