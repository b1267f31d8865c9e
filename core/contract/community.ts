/**
 * Actions of the `community` function: communities and their grids, settings, rule changes and
 * staff invitations.
 */
import { z } from 'zod';
import type { CommunitySettings, Grid, RuleChangeStatus, RuleKind, SettingField } from '../model';
import { AFFAIR_CATEGORIES } from '../labels';
import { POINTS_CAP_LIMITS } from '../settings';
import { roundingProblem } from '../volunteer-hours';
import { action, type Iso } from './define';
import { id, optionalText, paging, type Page, personName, phone, positiveInt, shortText, yesNo } from './fields';
import type { MeView } from './user';
import { communitySetupActions } from './community-setup';
import { affairCategory } from './department';

export interface CommunityView {
  id: string;
  name: string;
  district?: string;
  /** 居委会 office's address and phone. */
  address?: string;
  contact?: string;
  /** The grids offered in pickers, each with the buildings offered (retired ones left out). */
  grids: Grid[];
  /** Retired grids, for naming the grid of an old address; never offered. */
  retiredGrids?: Grid[];
}

/** Settings as they apply: every limit and cap filled in (with the defaults where none was set). */
export type EffectiveSettings = Required<CommunitySettings>;

export interface CommunityDetailView extends CommunityView {
  settings: EffectiveSettings;
}

/** An administrator as the 管理员 page lists them. */
export interface AdminView {
  openid: string;
  name: string;
  /** Appointed in the app (by the setup code or an invitation), or named by the deployment (LINLI_ADMIN_OPENIDS). */
  source: 'app' | 'deployment';
  appointedAt?: Iso;
  /** The caller. */
  me: boolean;
  /** Whether the caller may remove them now (not a deployment's, and not the last administrator). */
  removable: boolean;
}

/** A setup code or an invitation: 12 characters people type or scan; spaces and dashes are ignored. */
const typedCode = (message: string) =>
  z
    .string({ error: message })
    .trim()
    .transform((value) => value.toUpperCase().replace(/[\s-]/g, ''))
    .pipe(z.string().regex(/^[A-HJKMNP-Z2-9]{12}$/, { error: message }));

/** A rule change as the review page and the audit log show it. */
export interface RuleChangeView {
  id: string;
  kind: RuleKind;
  field?: SettingField;
  /** 服务“助餐送餐”的基础积分, 评分积分倍数… */
  subject: string;
  before: string;
  after: string;
  /** The whole change in one line. */
  summary: string;
  needsApproval: boolean;
  /** A new service, offered to residents once its points are approved. */
  publishOnApproval?: boolean;
  status: RuleChangeStatus;
  proposedByName: string;
  proposedAt: Iso;
  decidedByName?: string;
  decidedAt?: Iso;
  note?: string;
  /** The caller proposed it (so may not decide it). */
  mine: boolean;
}

const grid = z.object({
  id: z.string().trim().regex(/^[A-Za-z0-9_-]{1,32}$/, { error: '网格编号只能包含字母、数字、- 和 _' }),
  name: shortText('网格名称', 30),
  buildings: z
    .array(shortText('楼栋', 20))
    .min(1, { error: '每个网格至少一栋楼' })
    .max(200, { error: '每个网格最多 200 栋楼' })
    // A duplicated building would show twice in every address picker.
    .refine((buildings) => new Set(buildings).size === buildings.length, { error: '同一网格内的楼栋不能重复' }),
});

/** A community (社区) has tens of buildings, rarely more than a few hundred: this keeps its document small. */
export const MAX_BUILDINGS = 500;

/** Grid ids are how addresses, volunteers and grid workers point at a grid: they must be unique. */
const grids = z
  .array(grid)
  .min(1, { error: '至少设置一个网格' })
  .max(100, { error: '网格最多 100 个' })
  .refine((list) => list.reduce((sum, item) => sum + item.buildings.length, 0) <= MAX_BUILDINGS, { error: `全社区的楼栋最多 ${MAX_BUILDINGS} 栋` })
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((item, index) => {
      if (seen.has(item.id)) ctx.addIssue({ code: 'custom', path: [index, 'id'], message: `网格编号“${item.id}”重复` });
      seen.add(item.id);
    });
  });

const multiplier = (score: string) =>
  z
    .number({ error: `${score} 分的积分倍数必须是数字` })
    .min(0, { error: `${score} 分的积分倍数不能为负数` })
    .max(5, { error: `${score} 分的积分倍数不能超过 5` });

const multipliers = z
  .object({ '1': multiplier('1'), '2': multiplier('2'), '3': multiplier('3'), '4': multiplier('4'), '5': multiplier('5') })
  // A better score must never earn fewer points than a worse one.
  .refine((m) => m['1'] <= m['2'] && m['2'] <= m['3'] && m['3'] <= m['4'] && m['4'] <= m['5'], {
    error: '积分倍数应随评分从 1 分到 5 分递增（或持平）',
  });

/** 服务时长折算规则: leftover minutes up to each step count as that step's hours. */
const hourRounding = z
  .object({
    steps: z
      .array(
        z.object({
          upToMinutes: z.number({ error: '每档分钟数必须是数字' }),
          hours: z.number({ error: '每档折算小时必须是数字' }),
        }),
      )
      .max(12, { error: '折算规则最多 12 档' }),
  })
  .superRefine((rule, ctx) => {
    const problem = roundingProblem(rule);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

const orderLimits = z.object({
  openPerResident: positiveInt('每位居民未完成订单上限', 100),
  perResidentPerDay: positiveInt('每位居民每天下单上限', 100),
  openOnBehalf: positiveInt('代下单未完成订单上限', 1000),
  onBehalfPerDay: positiveInt('每天代下单上限', 1000),
});

const dailyLimits = z.object({
  redemptions: positiveInt('每人每天兑换上限', 100),
  certificates: positiveInt('每人每天申请证明上限', 100),
  nominations: positiveInt('每人每天推荐上限', 500),
  corrections: positiveInt('每人每天申请更正上限', 100),
  handBacks: positiveInt('每人每天退单上限', 100),
});

const cap = (label: string, max: number) => z.number({ error: `${label}必须是数字` }).min(0, { error: `${label}不能为负数` }).max(max, { error: `${label}不能超过 ${max}` });

const pointsCaps = z.object({
  servicePoints: cap('服务基础积分上限', POINTS_CAP_LIMITS.servicePoints),
  scoreMultiplier: cap('评分倍数上限', POINTS_CAP_LIMITS.scoreMultiplier),
  activityPointsPerHour: cap('活动每小时积分上限', POINTS_CAP_LIMITS.activityPointsPerHour),
  awardPoints: cap('推荐奖励积分上限', POINTS_CAP_LIMITS.awardPoints),
});

const affairRules = z.object({
  categories: z
    .array(z.object({ name: affairCategory, deadlineHours: positiveInt('办理时限（小时）', 720) }), { error: '请选择受理的问题类别' })
    .min(1, { error: '请至少受理一个问题类别' })
    .max(AFFAIR_CATEGORIES.length)
    .refine((list) => new Set(list.map((item) => item.name)).size === list.length, { error: '问题类别不能重复' }),
  escalateAfterOverdues: positiveInt('超期几次报街道督办', 10),
  /** The street office level's department (department.list); absent: none. */
  streetDepartmentId: id.optional(),
});

const settingsFields = {
  requireOrderReview: yesNo('新订单是否需要审核').optional(),
  scoreMultipliers: multipliers.optional(),
  acceptTimeoutMinutes: positiveInt('接单时限（分钟）', 7 * 24 * 60).optional(),
  hourRounding: hourRounding.optional(),
  orderLimits: orderLimits.optional(),
  pointsCaps: pointsCaps.optional(),
  dailyLimits: dailyLimits.optional(),
  affairRules: affairRules.optional(),
  householdsPerLinker: positiveInt('每位联户长联系的户数', 100).optional(),
  minutesCheckRatio: z.number({ error: '服务时长核实倍数必须是数字' }).min(1.5, { error: '服务时长核实倍数不能小于 1.5' }).max(10, { error: '服务时长核实倍数不能超过 10' }).optional(),
};

export const communityActions = {
  'community.list': action<CommunityView[]>()({ roles: ['anyone'], input: z.object({}) }),
  'community.get': action<CommunityDetailView>()({ roles: ['anyone'], input: z.object({ communityId: id }) }),
  'community.create': action<CommunityDetailView>()({
    roles: ['admin'],
    input: z.object({
      name: shortText('社区名称', 40),
      district: optionalText('所属街道', 40),
      grids,
      settings: z.object(settingsFields).optional(),
    }),
  }),
  /**
   * Settings that pay nothing apply at once; those that change what is paid (multipliers, caps, hour
   * rounding, the minutes check) are proposed and wait for a second staff member (`proposals`).
   * Every change is logged in community.ruleChanges.
   */
  'community.updateSettings': action<CommunityDetailView & { proposals: RuleChangeView[] }>()({
    roles: ['staff', 'admin'],
    input: z
      .object({ communityId: id, ...settingsFields })
      .refine((input) => Object.keys(settingsFields).some((key) => input[key as keyof typeof settingsFields] !== undefined), {
        error: '请至少修改一项设置',
      }),
  }),
  /** Proposed changes waiting for review (oldest first), or the log of decided and applied ones (newest first). */
  'community.ruleChanges': action<Page<RuleChangeView>>()({
    roles: ['staff', 'admin'],
    input: z.object({
      communityId: id.optional(),
      status: z.enum(['pending', 'decided'], { error: '只能查看待审核或已处理的调整' }).optional(),
      ...paging,
    }),
  }),
  /** A staff member other than the proposer approves (the change takes effect) or rejects (with a reason). */
  'community.reviewRuleChange': action<RuleChangeView>()({
    roles: ['staff', 'admin'],
    input: z.discriminatedUnion(
      'decision',
      [
        z.object({ changeId: id, decision: z.literal('approve'), note: optionalText('审核意见', 200) }),
        z.object({ changeId: id, decision: z.literal('reject'), note: z.string({ error: '请填写不通过的原因' }).pipe(shortText('不通过的原因', 200)) }),
      ],
      { error: '请选择审核结果：通过或不通过' },
    ),
  }),
  /**
   * Staff or admin invite a colleague; the code is valid for 7 days and can be used once. An
   * administrator invites staff; staff invite grid workers and the people of a department.
   */
  'community.invite': action<{ code: string; expiresAt: Iso }>()({
    roles: ['staff', 'admin'],
    input: z
      .object({
        communityId: id,
        role: z.enum(['staff', 'grid_worker', 'department'], { error: '角色只能是社区工作人员、网格员或部门人员' }),
        gridIds: z.array(id).max(50, { error: '网格最多 50 个' }).optional(),
        /** For role `department`: the department (department.list) the person will answer for. */
        departmentId: id.optional(),
      })
      // A grid worker looks after named grids; staff serve the whole community.
      .refine((input) => input.role !== 'grid_worker' || (input.gridIds?.length ?? 0) > 0, {
        error: '邀请网格员时请选择其负责的网格',
        path: ['gridIds'],
      })
      .refine((input) => input.role !== 'staff' || (input.gridIds?.length ?? 0) === 0, {
        error: '社区工作人员负责整个社区，不需要选择网格',
        path: ['gridIds'],
      })
      .refine((input) => input.role !== 'department' || (input.departmentId !== undefined && (input.gridIds?.length ?? 0) === 0), {
        error: '邀请部门人员时请选择其所在的部门（不需要选择网格）',
        path: ['departmentId'],
      })
      .refine((input) => input.role === 'department' || input.departmentId === undefined, {
        error: '只有邀请部门人员时才选择部门',
        path: ['departmentId'],
      }),
  }),
  'community.join': action<MeView>()({
    roles: ['anyone'],
    input: z.object({
      // 12 characters: guessing one within its 7 days is hopeless (31^12 codes), and joining makes you staff.
      code: typedCode('邀请码是 12 位字母和数字，请核对后重新输入'),
      name: personName,
      phone,
    }),
  }),
  /**
   * Becoming an administrator: with the setup code the deployment printed (the first administrator),
   * or with an administrator's invitation (community.inviteAdmin). Either code works once.
   */
  'community.bootstrap': action<MeView>()({
    roles: ['anyone'],
    input: z.object({ code: typedCode('初始化码或管理员邀请码是 12 位字母和数字，请核对后重新输入'), name: personName }),
  }),
  /** Who administers linli: those appointed in the app and those the deployment names. */
  'community.admins': action<AdminView[]>()({ roles: ['admin'], input: z.object({}) }),
  /**
   * A code for a colleague to become an administrator (valid 7 days, once); a few a day. `forName`
   * is who it is meant for, kept with the invitation for the record.
   */
  'community.inviteAdmin': action<{ code: string; expiresAt: Iso }>()({ roles: ['admin'], input: z.object({ forName: personName }) }),
  /** Ends an administrator's role (their own included), never the last one's; they stay in the list's history. */
  'community.removeAdmin': action<AdminView[]>()({ roles: ['admin'], input: z.object({ openid: id }) }),
  ...communitySetupActions,
} as const;
