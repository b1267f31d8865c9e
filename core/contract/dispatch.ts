/**
 * Actions of the `dispatch` function: the queue, suggestions and assignment, the hall and a
 * volunteer's orders.
 */
import { z } from 'zod';
import { action } from './define';
import { id, paging, type Page, shortText } from './fields';
import { COLLECTIONS } from '../model';
import { byId } from './define';
import { orderId, readsOrder, type OrderSummary, type OrderView } from './order';

export interface Candidate {
  openid: string;
  name: string;
  score: number;
  reasons: string[];
  activeOrders: number;
  completedOrders: number;
  averageStars: number | null;
  partyMember: boolean;
}

export const dispatchActions = {
  'dispatch.queue': action<Page<OrderSummary>>()({ roles: ['staff', 'grid_worker'], input: z.object({ ...paging }) }),
  'dispatch.suggest': action<{ candidates: Candidate[] }>()({
    roles: ['staff', 'grid_worker'],
    reads: readsOrder,
    input: z.object({ orderId: id, limit: z.number().int().min(1).max(50).optional() }),
  }),
  'dispatch.assign': action<{ order: OrderView }>()({
    roles: ['staff', 'grid_worker'],
    input: z.object({ orderId: id, volunteerOpenid: id }),
    reads: (input) => ({ ...readsOrder(input), volunteer: byId(COLLECTIONS.volunteers, input.volunteerOpenid) }),
  }),
  'dispatch.hall': action<Page<OrderSummary>>()({ roles: ['volunteer'], input: z.object({ ...paging }) }),
  // Orders assigned to the caller are never pending, so no summary asks whether they may take it.
  'dispatch.mine': action<Page<OrderSummary>>()({
    roles: ['volunteer'],
    input: z.object({ status: z.enum(['open', 'done']).optional(), ...paging }),
  }),
  'dispatch.accept': action<{ order: OrderView }>()({ roles: ['volunteer'], input: orderId, reads: readsOrder }),
  'dispatch.decline': action<{ order: OrderView }>()({
    roles: ['volunteer'],
    reads: readsOrder,
    input: z.object({ orderId: id, reason: shortText('婉拒原因', 200) }),
  }),
  'dispatch.start': action<{ order: OrderView }>()({ roles: ['volunteer'], input: orderId, reads: readsOrder }),
  'dispatch.complete': action<{ order: OrderView }>()({
    roles: ['volunteer'],
    reads: readsOrder,
    input: z.object({
      orderId: id,
      summary: shortText('服务小结', 500),
      minutes: z
        .number({ error: '服务时长必须是数字' })
        .int({ error: '服务时长按整分钟填写' })
        .min(1, { error: '服务时长至少 1 分钟' })
        .max(24 * 60, { error: '单次服务时长不能超过 24 小时' }),
    }),
  }),
} as const;
