/** Actions of the `order` function, and the order views that `dispatch` and `scoring` reply with too. */
import { z } from 'zod';
import { type Address, COLLECTIONS, type OrderStatus } from '../model';
import { action, byId, type Iso } from './define';
import { address, clientRequestId, id, optionalText, paging, type Page, personName, phone, shortText, stars } from './fields';

/**
 * An order in a list, as its viewer may see it. Contact details (phone, unit and room) are present
 * only for staff and for the volunteer who accepted the order, and only until it is closed. Long
 * texts (description, service summary, comment, score note) are cut to their first 140 characters
 * ending with …; the order's own page (OrderView) has them whole.
 */
export interface OrderSummary {
  id: string;
  communityId: string;
  serviceId: string;
  serviceName: string;
  description: string;
  status: OrderStatus;
  address: Address;
  contactName: string;
  contactPhone?: string;
  /** The contact phone was typed, not verified by WeChat (shown as 未验证). */
  contactPhoneUnverified?: true;
  preferredTime?: string;
  residentOpenid?: string;
  assignee?: { openid: string; name: string };
  basePoints: number;
  expectedMinutes: number;
  createdAt: Iso;
  dueAt: Iso;
  overdue: boolean;
  /** `unconfirmed`: the minutes are far above the expected time and count once the scorer confirms them. */
  completion?: { summary: string; minutes: number; unconfirmed?: boolean };
  /** `onBehalf`: recorded by the staff member or grid worker who placed the order for the resident (代评), named. */
  rating?: { stars: number; comment?: string; at: Iso; onBehalf?: { name: string } };
  /** `minutes`: what the scorer counted for the service record. */
  score?: { score: number; note?: string; points: number; minutes?: number; at: Iso };
  /** What the viewer may do next, so pages need not re-implement the rules. */
  allowed: OrderCommand[];
}

/** An order on its own page: the summary, its photos and its whole timeline. */
export interface OrderView extends OrderSummary {
  /** Cloud fileIDs; shown with the contact details (they may show the inside of a home). */
  photos: string[];
  timeline: Array<{ at: Iso; status: OrderStatus; note?: string }>;
}

export type OrderCommand =
  | 'review'
  | 'cancel'
  | 'assign'
  | 'accept'
  | 'decline'
  | 'start'
  | 'complete'
  | 'rate'
  /** Record the rating an elder without WeChat gave, as the one who placed the order for them (代评). */
  | 'rateOnBehalf'
  | 'score';

export const orderId = z.object({ orderId: id });

/** The order an action is about, read with the caller (see ActionSpec.reads). */
export const readsOrder = ({ orderId }: { orderId: string }) => ({ order: byId(COLLECTIONS.orders, orderId) });

export const orderActions = {
  /** Grid workers (网格员/楼栋长) also order on behalf of the offline elders of their grids. */
  'order.create': action<{ order: OrderView }>()({
    roles: ['resident', 'staff', 'grid_worker'],
    input: z.object({
      serviceId: id,
      description: shortText('需求描述', 500),
      address: address.optional(),
      contactPhone: phone.optional(),
      preferredTime: optionalText('期望时间', 50),
      photos: z
        .array(z.string().regex(/^cloud:\/\/[^/]+\/orders\/[^/]+\/[^/]+$/, { error: '照片无效，请重新上传' }))
        .max(3, { error: '最多上传 3 张照片' })
        .optional(),
      clientRequestId,
      /**
       * 代点单: staff (or a grid worker, for their grids) ordering for a resident who cannot, by
       * address; or by `householdId` for a household in the register (its door, and `name` one of
       * its members), which its linker may also do.
       */
      onBehalfOf: z
        .object({ name: personName, phone: phone.optional(), address: address.optional(), residentOpenid: id.optional(), householdId: id.optional() })
        .refine((behalf) => (behalf.address === undefined) !== (behalf.householdId === undefined), { error: '请选择家庭户，或填写居民住址', path: ['address'] })
        .optional(),
    }),
    reads: (input) => ({ service: byId(COLLECTIONS.services, input.serviceId) }),
  }),
  'order.review': action<{ order: OrderView }>()({
    roles: ['staff'],
    reads: readsOrder,
    input: z.discriminatedUnion('decision', [
      z.object({ orderId: id, decision: z.literal('approve'), note: optionalText('审核意见', 200) }),
      z.object({ orderId: id, decision: z.literal('reject'), note: shortText('不通过的原因', 200) }),
    ]),
  }),
  'order.get': action<{ order: OrderView }>()({ roles: ['registered'], input: orderId, reads: readsOrder }),
  /**
   * The caller's own orders; with `placed`, the orders they placed for others (代点单), so the staff
   * member or grid worker can follow them and record the elder's rating (代评).
   */
  'order.listMine': action<Page<OrderSummary>>()({
    roles: ['registered'],
    input: z.object({ status: z.enum(['open', 'done']).optional(), placed: z.literal(true, { error: 'placed 只能为 true' }).optional(), ...paging }),
  }),
  'order.cancel': action<{ order: OrderView }>()({
    roles: ['resident', 'staff', 'grid_worker'],
    reads: readsOrder,
    input: z.object({ orderId: id, reason: shortText('取消原因', 200) }),
  }),
  'order.rate': action<{ order: OrderView }>()({
    roles: ['resident'],
    reads: readsOrder,
    input: z.object({ orderId: id, stars, comment: optionalText('评价', 300, 'comment') }),
  }),
  /**
   * 代评: the staff member or grid worker who ordered for an elder without WeChat records the rating
   * the elder gave when asked; the order and the statistics show it was recorded on their behalf.
   */
  'order.rateOnBehalf': action<{ order: OrderView }>()({
    // A linker who ordered for an elder of their household records the rating too (a resident).
    roles: ['staff', 'grid_worker', 'resident'],
    reads: readsOrder,
    input: z.object({ orderId: id, stars, comment: optionalText('居民的评价', 300, 'comment') }),
  }),
  /**
   * 待审核: the orders of the caller's community waiting for staff (when its settings require order
   * review), oldest first; each carries `allowed`, which holds `review` where the caller may decide it.
   */
  'order.reviewQueue': action<Page<OrderSummary>>()({ roles: ['staff'], input: z.object({ ...paging }) }),
} as const;
