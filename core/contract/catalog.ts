/** Actions of the `catalog` function: the community's service items (社区供单). */
import { z } from 'zod';
import type { ServiceItem } from '../model';
import type { ServicePicture } from '../service-pictures';
import { action } from './define';
import { id, nonNegativeInt, optionalText, positiveInt, shortText, skills, yesNo } from './fields';

/** A catalogue item as the mini-program sees it: the stored item with `id` for `_id`. */
export type ServiceView = Omit<ServiceItem, '_id' | 'updatedAt' | 'pendingRuleChange'> & {
  id: string;
  /** The picture the home page shows for it (core/service-pictures.ts). */
  picture: ServicePicture;
  /** Base points proposed and waiting for a second staff member. */
  pendingBasePoints?: number;
  /** A new service, offered to residents once its points are approved. */
  awaitingListing?: boolean;
};

export const catalogActions = {
  'catalog.list': action<ServiceView[]>()({
    roles: ['anyone'],
    /** Without communityId: the caller's own community. */
    input: z.object({ communityId: id.optional(), includeArchived: yesNo('是否包含已下架服务').optional() }),
  }),
  'catalog.upsert': action<ServiceView>()({
    roles: ['staff'],
    input: z.object({
      id: id.optional(),
      name: shortText('服务名称', 30),
      category: shortText('服务类别', 20),
      skills: skills.min(1, { error: '至少需要一项技能' }),
      expectedMinutes: positiveInt('预计用时（分钟）', 24 * 60),
      basePoints: nonNegativeInt('基础积分', 1000),
      slaHours: positiveInt('办结时限（小时）', 24 * 30),
      description: optionalText('服务说明', 200),
    }),
  }),
  'catalog.archive': action<ServiceView>()({
    roles: ['staff'],
    input: z.object({ id, archived: yesNo('是否下架').optional() }),
  }),
} as const;
