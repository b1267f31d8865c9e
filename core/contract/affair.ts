/** Actions of the `affair` function: problems the grid finds, whistled to departments (网格发现 → 社区吹哨 → 部门报到). */
import { z } from 'zod';
import { AFFAIR_URGENCIES } from '../labels';
import { type AffairCategory, type AffairStatus, type AffairUrgency, COLLECTIONS, type MediationTier } from '../model';
import { action, byId, type Iso } from './define';
import { affairCategory } from './department';
import { clientRequestId, id, NOT_TEXT, optionalText, paging, type Page, positiveInt, shortText, stars, yesNo } from './fields';

/** What `affair.list` may filter by (see there). */
export const AFFAIR_LIST_STATUSES = ['open', 'closed', 'overdue', 'waiting', 'in_hand', 'whistled', 'accepted', 'resolved'] as const;
export type AffairListStatus = (typeof AFFAIR_LIST_STATUSES)[number];

export type AffairCommand = 'handle' | 'whistle' | 'respond' | 'resolve' | 'confirm' | 'rate';

/**
 * An affair as its viewer may see it. For a dispute (矛盾纠纷) seen by someone who is neither staff,
 * its reporter nor its mediator, `confidential` is true and the details (description, parties,
 * building, photos, reporter, resolution, the notes of the timeline) are left out.
 */
export interface AffairView {
  id: string;
  category: AffairCategory;
  status: AffairStatus;
  urgency: AffairUrgency;
  confidential: boolean;
  gridId: string;
  building?: string;
  placeDetail?: string;
  description?: string;
  parties?: string;
  photos?: string[];
  /** Absent when the resident reported anonymously and the viewer is not staff. */
  reporterName?: string;
  anonymous: boolean;
  tier?: MediationTier;
  handler?: { name: string; kind: 'staff' | 'grid_worker' | 'volunteer' };
  department?: { id: string; name: string };
  dueAt?: Iso;
  overdue: boolean;
  overdueCount: number;
  resolution?: { summary: string; photos: string[]; byName: string; at: Iso };
  rating?: { stars: number; comment?: string; at: Iso };
  orderId?: string;
  /** Flagged to the street office level (督办) after repeated missed deadlines. */
  escalation?: { departmentName: string; at: Iso; overdueCount: number };
  createdAt: Iso;
  updatedAt: Iso;
  closedAt?: Iso;
  /** The status changes, oldest first (only in affair.get and the replies of actions). */
  timeline?: Array<{ at: Iso; byName: string; from: AffairStatus | null; to: AffairStatus; note?: string; tier?: MediationTier }>;
  allowed: AffairCommand[];
}

const photos = (folder: string) =>
  z
    .array(z.string().regex(new RegExp(`^cloud://[^/]+/${folder}/[^/]+/[^/]+$`), { error: '照片无效，请重新上传' }))
    .max(3, { error: '最多上传 3 张照片' })
    .optional();

const urgency = z.enum(AFFAIR_URGENCIES, { error: '紧急程度只能是一般或紧急' });

const tier = z.enum(['grid', 'community', 'street'], { error: '调解层级只能是网格、社区或街道/区' });

const affairId = z.object({ affairId: id });
const readsAffair = ({ affairId }: { affairId: string }) => ({ affair: byId(COLLECTIONS.affairs, affairId) });

export const affairActions = {
  /** A grid worker, a resident or staff reports a problem (网格发现). */
  'affair.report': action<{ affair: AffairView }>()({
    roles: ['resident', 'grid_worker', 'staff'],
    input: z.object({
      category: affairCategory,
      description: shortText('问题描述', 500),
      /** A dispute's parties (当事人): seen by staff and the mediator only. */
      parties: optionalText('当事人', 100),
      place: z.object({ gridId: id, building: z.string({ error: '请选择楼栋' }).trim().min(1, { error: '请选择楼栋' }).max(20).meta(NOT_TEXT), detail: optionalText('具体位置', 50) }),
      photos: photos('affairs'),
      urgency,
      anonymous: yesNo('是否匿名').optional(),
      clientRequestId,
    }),
  }),
  /** Staff: the community resolves it itself, by a staff member, a grid worker or a volunteer of the community. */
  'affair.handle': action<{ affair: AffairView }>()({
    roles: ['staff'],
    input: z.object({ affairId: id, assignee: id, deadlineHours: positiveInt('办理时限（小时）', 720).optional(), tier: tier.optional(), note: optionalText('说明', 200) }),
    reads: (input) => ({ affair: byId(COLLECTIONS.affairs, input.affairId), assigneeUser: byId(COLLECTIONS.users, input.assignee), assigneeVolunteer: byId(COLLECTIONS.volunteers, input.assignee) }),
  }),
  /** 吹哨 (staff): to an active department of the community that handles the category, with a deadline. */
  'affair.whistle': action<{ affair: AffairView }>()({
    roles: ['staff'],
    input: z.object({ affairId: id, departmentId: id, deadlineHours: positiveInt('办理时限（小时）', 720).optional(), tier: tier.optional(), note: optionalText('说明', 200) }),
    reads: (input) => ({ affair: byId(COLLECTIONS.affairs, input.affairId), department: byId(COLLECTIONS.departments, input.departmentId) }),
  }),
  /** 报到 (the department's people): accept it, or return it to the community with a reason. */
  'affair.respond': action<{ affair: AffairView }>()({
    roles: ['department'],
    reads: readsAffair,
    input: z.discriminatedUnion(
      'decision',
      [
        z.object({ affairId: id, decision: z.literal('accept'), note: optionalText('说明', 200) }),
        z.object({ affairId: id, decision: z.literal('return'), reason: z.string({ error: '请填写退回的原因' }).pipe(shortText('退回的原因', 200)) }),
      ],
      { error: '请选择接收或退回' },
    ),
  }),
  /** The handler (the assigned person, or the department that accepted it) records what was done. */
  'affair.resolve': action<{ affair: AffairView }>()({
    roles: ['registered'],
    reads: readsAffair,
    input: z.object({ affairId: id, summary: shortText('办理结果', 500), photos: photos('affairs') }),
  }),
  /** The reporter, the grid's worker or staff confirm the result (closed) or reopen it with a reason. */
  'affair.confirm': action<{ affair: AffairView }>()({
    roles: ['registered'],
    reads: readsAffair,
    input: z.discriminatedUnion(
      'decision',
      [
        z.object({ affairId: id, decision: z.literal('confirm'), note: optionalText('说明', 200) }),
        z.object({ affairId: id, decision: z.literal('reopen'), reason: z.string({ error: '请填写重新办理的原因' }).pipe(shortText('重新办理的原因', 200)) }),
      ],
      { error: '请选择确认办结或重新办理' },
    ),
  }),
  /** The reporter rates a closed affair, once. */
  'affair.rate': action<{ affair: AffairView }>()({
    roles: ['registered'],
    reads: readsAffair,
    input: z.object({ affairId: id, stars, comment: optionalText('评价', 300, 'comment') }),
  }),
  /**
   * Where the caller uploads the photos of one report (its clientRequestId) or of one result (the
   * affair): `affairs/<folder>/<file>`. The folder is derived from the caller and that one report or
   * result, so it neither names them nor is shared by two of their reports (an anonymous report's
   * photos cannot be matched with a named one's); affair.report and affair.resolve accept only photos in it.
   */
  'affair.photoFolder': action<{ folder: string }>()({
    roles: ['registered'],
    input: z.discriminatedUnion(
      'for',
      [z.object({ for: z.literal('report'), clientRequestId }), z.object({ for: z.literal('resolve'), affairId: id })],
      { error: '请说明照片用于上报还是办理结果' },
    ),
  }),
  'affair.get': action<{ affair: AffairView }>()({ roles: ['registered'], input: affairId, reads: readsAffair }),
  /**
   * By role, newest first: `mine` what the caller reported, `handling` what they were assigned,
   * `grid` a grid worker's grids, `department` their department's, `escalated` those flagged to
   * their department as the street office level (督办), `community` all (staff). Without
   * `box`: staff → community, department → department, grid worker → grid, others → mine.
   * `status`: open (not closed), closed, overdue (at the desk or in hand, past the deadline; the community's list
   * only), waiting (at the community's desk: reported, returned, reopened), in_hand (handling,
   * whistled, accepted), or one step: whistled (to be accepted), accepted, resolved (to be confirmed).
   */
  'affair.list': action<Page<AffairView>>()({
    roles: ['registered'],
    input: z.object({
      box: z.enum(['mine', 'handling', 'grid', 'department', 'escalated', 'community'], { error: '列表只能是我上报的、我承办的、网格的、部门的、督办的或全社区的' }).optional(),
      status: z
        .enum(AFFAIR_LIST_STATUSES, { error: '状态只能是未办结、已办结、已超期、待处理、办理中、待接收、部门办理中或待确认' })
        .optional(),
      ...paging,
    }),
  }),
  /**
   * An order nobody can serve becomes an affair in one step (staff): the order, still waiting
   * (pending review or pending), is cancelled with a note naming the affair, and each names the other.
   */
  'affair.fromOrder': action<{ affair: AffairView }>()({
    roles: ['staff'],
    input: z.object({ orderId: id, category: affairCategory, urgency, note: optionalText('说明', 200) }),
    reads: (input) => ({ order: byId(COLLECTIONS.orders, input.orderId) }),
  }),
} as const;
