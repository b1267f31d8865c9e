/**
 * Actions of the `council` function: 居民议事, the stages of 一征三议两公开 in a plain form —
 * 民事民提 (council.propose), staff put it to discussion (council.open) or decline it, 民议
 * (council.comment), 民评 (council.vote), the tally counted at the close (council.close) and the
 * decision made public (council.publish, 公开).
 */
import { z } from 'zod';
import { COUNCIL_LINK_KINDS, COUNCIL_STAGES, MAX_COUNCIL_OPTION_CHARS, MAX_COUNCIL_OPTIONS, VOTING_RULES } from '../council';
import { COLLECTIONS, type CouncilLinkKind, type CouncilScope, type CouncilStage, type VotingRule } from '../model';
import { action, byId, type Iso } from './define';
import { calendarDate, id, NOT_TEXT, optionalText, type Page, paging, shortText } from './fields';

/** What the caller may do on a matter now (the page shows its buttons from this alone). */
export type CouncilCommand = 'open' | 'decline' | 'comment' | 'vote' | 'close' | 'publish' | 'hideComment';

export interface CouncilScopeView {
  kind: CouncilScope;
  gridId?: string;
  building?: string;
  /** e.g. 第一网格 2栋, 第一网格, 全社区. */
  label: string;
}

/** A matter as its viewer sees it. */
export interface CouncilMatterView {
  id: string;
  title: string;
  body: string;
  scope: CouncilScopeView;
  stage: CouncilStage;
  proposerName: string;
  proposerRole: 'resident' | 'grid_worker' | 'staff';
  /** Whether the caller raised it. */
  mine: boolean;
  deadline?: Iso;
  /** Open, and the deadline passed: no more votes, waiting for staff to close it. */
  votingEnded: boolean;
  votingRule?: VotingRule;
  options?: string[];
  /**
   * Votes per option (in the order of options) and in all: only once closed. While voting is open
   * nobody sees how it stands, staff included, so nobody votes with the crowd.
   */
  tally?: { counts: number[]; total: number; countedAt: Iso };
  decision?: { text: string; nextStep?: string; link?: { kind: CouncilLinkKind; id: string }; byName: string; at: Iso };
  declineReason?: string;
  commentCount: number;
  /** The caller's vote (their household's under the household rule): the option's index. Only in council.get. */
  myVote?: { option: number; byMe: boolean; at: Iso } | null;
  /** Why the caller may not vote, when the matter is open and they may not (e.g. no confirmed household). */
  voteBlocked?: string;
  /** The stage changes, oldest first (only in council.get and the replies of actions). */
  timeline?: Array<{ kind: 'proposed' | 'opened' | 'declined' | 'closed' | 'published'; byName: string; at: Iso; note?: string }>;
  allowed: CouncilCommand[];
  createdAt: Iso;
  updatedAt: Iso;
}

/** A comment; a hidden one shows its reason, and its text to staff only. */
export interface CouncilCommentView {
  id: string;
  authorName: string;
  authorRole: 'resident' | 'grid_worker' | 'staff';
  /** Absent for a hidden comment seen by someone who is not staff. */
  text?: string;
  hidden?: { reason: string; byName: string; at: Iso };
  mine: boolean;
  createdAt: Iso;
}

const matterId = id;

const scope = z.discriminatedUnion(
  'kind',
  [
    z.object({ kind: z.literal('community') }),
    z.object({ kind: z.literal('grid'), gridId: id }),
    z.object({
      kind: z.literal('building'),
      gridId: id,
      // A building's name as the grid has it: checked against the grid, so never published text.
      building: z.string({ error: '请选择楼栋' }).trim().min(1, { error: '请选择楼栋' }).max(20, { error: '楼栋无效' }).meta(NOT_TEXT),
    }),
  ],
  { error: '请选择议事范围：楼院、网格或社区' },
);

const option = shortText('选项', MAX_COUNCIL_OPTION_CHARS);

const reason = (label: string) => z.string({ error: `请填写${label}` }).pipe(shortText(label, 200));

export const councilActions = {
  /** 民事民提: a resident raises a matter for their own building, grid or community; a grid worker for their grids; staff for any. */
  'council.propose': action<CouncilMatterView>()({
    roles: ['resident', 'grid_worker', 'staff'],
    input: z.object({
      title: z.string({ error: '请填写议题' }).pipe(shortText('议题', 40)),
      body: z.string({ error: '请填写议题说明' }).pipe(shortText('议题说明', 1000)),
      scope,
    }),
  }),
  /**
   * Staff put a proposed matter to discussion and voting until the end of `deadline` (a Beijing
   * day from tomorrow to 30 days ahead), under a voting rule, with options (default 赞成/反对/弃权).
   * The scope may be changed here (the proposer's is kept otherwise).
   */
  'council.open': action<CouncilMatterView>()({
    roles: ['staff'],
    input: z.object({
      matterId,
      deadline: calendarDate('截止日期'),
      votingRule: z.enum(VOTING_RULES, { error: '请选择按户投票或按人投票' }),
      options: z
        .array(option, { error: '选项无效' })
        .min(2, { error: '至少需要 2 个选项' })
        .max(MAX_COUNCIL_OPTIONS, { error: `最多 ${MAX_COUNCIL_OPTIONS} 个选项` })
        .refine((list) => new Set(list).size === list.length, { error: '选项不能重复' })
        .optional(),
      scope: scope.optional(),
    }),
    reads: (input) => ({ matter: byId(COLLECTIONS.councilMatters, input.matterId) }),
  }),
  /** The scopes the caller may raise a matter for (the propose form's choices), with their names. */
  'council.scopes': action<CouncilScopeView[]>()({
    roles: ['resident', 'grid_worker', 'staff'],
    input: z.object({}),
  }),
  /** Staff decline a proposed matter, with the reason the proposer reads. */
  'council.decline': action<CouncilMatterView>()({
    roles: ['staff'],
    input: z.object({ matterId, reason: reason('不予受理的原因') }),
    reads: (input) => ({ matter: byId(COLLECTIONS.councilMatters, input.matterId) }),
  }),
  /** 民议: someone in the matter's scope comments while it is open. */
  'council.comment': action<CouncilCommentView>()({
    roles: ['resident', 'grid_worker', 'staff'],
    input: z.object({ matterId, text: z.string({ error: '请填写评论' }).pipe(shortText('评论', 300, 'comment')) }),
    reads: (input) => ({ matter: byId(COLLECTIONS.councilMatters, input.matterId) }),
  }),
  /** Staff hide a comment, with the reason everyone sees; it stays in the record. */
  'council.hideComment': action<CouncilCommentView>()({
    roles: ['staff'],
    input: z.object({ commentId: id, reason: reason('隐藏的原因') }),
  }),
  /** 民评: one vote per household or per resident (by the matter's rule), changeable until the deadline. */
  'council.vote': action<{ matter: CouncilMatterView; changed: boolean }>()({
    roles: ['resident'],
    input: z.object({ matterId, option: z.number({ error: '请选择一个选项' }).int({ error: '选项无效' }).min(0, { error: '选项无效' }).max(MAX_COUNCIL_OPTIONS - 1, { error: '选项无效' }) }),
    reads: (input) => ({ matter: byId(COLLECTIONS.councilMatters, input.matterId) }),
  }),
  /** Staff close the voting (at or after the deadline, or early with a reason): the tally is counted from the votes. */
  'council.close': action<CouncilMatterView>()({
    roles: ['staff'],
    input: z.object({ matterId, reason: optionalText('提前结束的原因', 200) }),
    reads: (input) => ({ matter: byId(COLLECTIONS.councilMatters, input.matterId) }),
  }),
  /** 公开: staff record the decision and what happens next (optionally an affair, activity or order it became). */
  'council.publish': action<CouncilMatterView>()({
    roles: ['staff'],
    input: z.object({
      matterId,
      decision: z.string({ error: '请填写议事结果' }).pipe(shortText('议事结果', 500)),
      nextStep: optionalText('下一步', 300),
      link: z
        .object({
          kind: z.enum(COUNCIL_LINK_KINDS, { error: '关联只能是事件、活动或工单' }),
          id: z.string({ error: '关联编号无效' }).trim().regex(/^[A-Za-z0-9_-]{1,64}$/, { error: '关联编号无效' }).meta(NOT_TEXT),
        })
        .optional(),
    }),
    reads: (input) => ({ matter: byId(COLLECTIONS.councilMatters, input.matterId) }),
  }),
  /**
   * Matters newest first. Staff: the community's, optionally one stage. Others: matters of their
   * scope that are open, closed or published (optionally one of those stages); with `mine`, the
   * matters they raised, any stage.
   */
  'council.list': action<Page<CouncilMatterView>>()({
    roles: ['registered'],
    input: z.object({ stage: z.enum(COUNCIL_STAGES, { error: '议事阶段无效' }).optional(), mine: z.boolean({ error: '筛选条件无效' }).optional(), ...paging }),
  }),
  /** One matter with the caller's vote, the timeline and what they may do. */
  'council.get': action<CouncilMatterView>()({
    roles: ['registered'],
    input: z.object({ matterId }),
    reads: (input) => ({ matter: byId(COLLECTIONS.councilMatters, input.matterId) }),
  }),
  /** A matter's comments, oldest first. */
  'council.comments': action<Page<CouncilCommentView>>()({
    roles: ['registered'],
    input: z.object({ matterId, ...paging }),
    reads: (input) => ({ matter: byId(COLLECTIONS.councilMatters, input.matterId) }),
  }),
} as const;
