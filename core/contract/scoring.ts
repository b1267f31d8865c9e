/** Actions of the `scoring` function: staff score completed orders, which closes them. */
import { z } from 'zod';
import { action } from './define';
import { id, optionalText, paging, type Page, stars } from './fields';
import type { OrderSummary, OrderView } from './order';

export const scoringActions = {
  'scoring.pending': action<Page<OrderSummary>>()({ roles: ['staff'], input: z.object({ ...paging }) }),
  'scoring.score': action<{ order: OrderView; points: number }>()({
    roles: ['staff'],
    input: z.object({
      orderId: id,
      score: stars,
      note: optionalText('评分说明', 200),
      /**
       * The minutes the service record counts, when the scorer counts fewer than reported. Required
       * when the reported minutes are far above the expected time (completion.unconfirmed).
       */
      minutes: z
        .number({ error: '认定的服务时长必须是数字' })
        .int({ error: '认定的服务时长按整分钟填写' })
        .min(0, { error: '认定的服务时长不能为负数' })
        .max(24 * 60, { error: '单次服务时长不能超过 24 小时' })
        .optional(),
    }),
  }),
} as const;
