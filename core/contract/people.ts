/** Actions of the `user`, `community`, `catalog` and `volunteer` functions. */
import { z } from 'zod';
import type { Address, CommunitySettings, Grid, Role, VolunteerStatus } from '../model';
import { action, type Iso } from './define';
import {
  address,
  date,
  id,
  nonNegativeInt,
  optionalText,
  paging,
  type Page,
  personName,
  phone,
  positiveInt,
  shortText,
  skills,
} from './fields';

export interface ProfileView {
  name: string;
  phone: string;
  address: Address;
  communityId: string;
  communityName: string;
}

export interface MeView {
  openid: string;
  roles: Role[];
  communityId?: string;
  profile?: ProfileView;
  volunteer?: { status: VolunteerStatus; available: boolean; reviewNote?: string };
}

export interface CommunityView {
  id: string;
  name: string;
  district?: string;
  grids: Grid[];
}

export interface CommunityDetailView extends CommunityView {
  settings: CommunitySettings;
}

export interface ServiceView {
  id: string;
  communityId: string;
  name: string;
  category: string;
  skills: string[];
  expectedMinutes: number;
  basePoints: number;
  slaHours: number;
  description?: string;
  archived: boolean;
}

export interface VolunteerView {
  openid: string;
  realName: string;
  phone: string;
  skills: string[];
  availability: string;
  available: boolean;
  partyMember: boolean;
  partyOrganisation?: string;
  gridId: string;
  status: VolunteerStatus;
  reviewNote?: string;
  appliedAt: Iso;
  age: number;
  stats: { activeOrders: number; completedOrders: number; averageStars: number | null };
}

const grid = z.object({
  id: z.string().trim().regex(/^[A-Za-z0-9_-]{1,32}$/, { error: '网格编号只能包含字母、数字、- 和 _' }),
  name: shortText('网格名称', 30),
  buildings: z.array(shortText('楼栋', 20)).min(1, { error: '每个网格至少一栋楼' }).max(200),
});

const multipliers = z.object({
  '1': z.number().min(0).max(5),
  '2': z.number().min(0).max(5),
  '3': z.number().min(0).max(5),
  '4': z.number().min(0).max(5),
  '5': z.number().min(0).max(5),
});

export const peopleActions = {
  'user.me': action<MeView>()({ roles: ['anyone'], input: z.object({}) }),
  'user.register': action<MeView>()({
    roles: ['anyone'],
    input: z.object({ communityId: id, name: personName, phone, address }),
  }),
  'user.updateProfile': action<MeView>()({
    roles: ['registered'],
    input: z.object({ name: personName.optional(), phone: phone.optional(), address: address.optional() }),
  }),

  'community.list': action<CommunityView[]>()({ roles: ['anyone'], input: z.object({}) }),
  'community.get': action<CommunityDetailView>()({ roles: ['anyone'], input: z.object({ communityId: id }) }),
  'community.create': action<CommunityDetailView>()({
    roles: ['admin'],
    input: z.object({
      name: shortText('社区名称', 40),
      district: optionalText('所属街道', 40),
      grids: z.array(grid).min(1, { error: '至少设置一个网格' }).max(100),
      settings: z
        .object({
          requireOrderReview: z.boolean().optional(),
          scoreMultipliers: multipliers.optional(),
          acceptTimeoutMinutes: positiveInt('接单时限（分钟）', 7 * 24 * 60).optional(),
        })
        .optional(),
    }),
  }),
  'community.updateSettings': action<CommunityDetailView>()({
    roles: ['staff', 'admin'],
    input: z.object({
      communityId: id,
      requireOrderReview: z.boolean().optional(),
      scoreMultipliers: multipliers.optional(),
      acceptTimeoutMinutes: positiveInt('接单时限（分钟）', 7 * 24 * 60).optional(),
    }),
  }),
  /** Staff or admin invite a colleague; the code is valid for 7 days and can be used once. */
  'community.invite': action<{ code: string; expiresAt: Iso }>()({
    roles: ['staff', 'admin'],
    input: z.object({
      communityId: id,
      role: z.enum(['staff', 'grid_worker'], { error: '角色只能是社区工作人员或网格员' }),
      gridIds: z.array(id).max(50).optional(),
    }),
  }),
  'community.join': action<MeView>()({
    roles: ['anyone'],
    input: z.object({
      code: z.string().trim().regex(/^\d{8}$/, { error: '邀请码是 8 位数字' }),
      name: personName,
      phone,
    }),
  }),

  'catalog.list': action<ServiceView[]>()({
    roles: ['anyone'],
    input: z.object({ communityId: id, includeArchived: z.boolean().optional() }),
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
    input: z.object({ id, archived: z.boolean().optional() }),
  }),

  'volunteer.apply': action<VolunteerView>()({
    roles: ['registered'],
    input: z.object({
      realName: personName,
      phone,
      birthDate: date,
      guardianConsent: z.boolean().optional(),
      skills: skills.min(1, { error: '请至少选择一项技能' }),
      availability: shortText('可服务时间', 100),
      partyMember: z.boolean(),
      partyOrganisation: optionalText('所在党组织', 60),
      gridId: id,
      building: optionalText('楼栋', 20),
      consent: z.literal(true, { error: '请阅读并同意志愿者服务协议与个人信息使用说明' }),
    }),
  }),
  'volunteer.review': action<VolunteerView>()({
    roles: ['staff'],
    input: z.discriminatedUnion('decision', [
      z.object({ openid: id, decision: z.literal('approve'), note: optionalText('审核意见', 200) }),
      z.object({ openid: id, decision: z.literal('reject'), note: shortText('不通过的原因', 200) }),
    ]),
  }),
  'volunteer.list': action<Page<VolunteerView>>()({
    roles: ['staff'],
    input: z.object({ status: z.enum(['pending', 'approved', 'rejected']).optional(), ...paging }),
  }),
  'volunteer.setAvailable': action<VolunteerView>()({
    roles: ['volunteer'],
    input: z.object({ available: z.boolean() }),
  }),
} as const;
