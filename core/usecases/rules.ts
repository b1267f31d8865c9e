/**
 * Four eyes on what pays. A change to how many points are paid — a catalogue item's base points, an
 * activity's points per hour, the score multipliers, the caps, the hour rounding, the minutes check
 * — or to what goods cost in points (a staff member who is also a resident could otherwise price a
 * towel at 1 point and take the shelf) is only proposed by the staff member who makes it; it takes
 * effect when a second staff member approves it (community.reviewRuleChange). Other settings
 * changes apply at once and are logged. Every proposal, decision and applied change stays in
 * `rule_changes`: the audit log staff read.
 *
 * The rule's own document (the service, the activity, the community) points at its pending change,
 * so pages can show it beside the rule, a newer proposal supersedes the older one, and an approval
 * only lands while it is still the latest proposal and the rule still has the value it started from.
 */
import type { Page, RuleChangeView } from '../contract';
import { DomainError, found } from '../errors';
import {
  type Activity,
  COLLECTIONS,
  type CollectionName,
  type Community,
  type Goods,
  type PendingRuleChange,
  type PointsCaps,
  type Quota,
  type RuleChange,
  type RuleKind,
  type ScoreMultipliers,
  type ServiceItem,
  type SettingField,
} from '../model';
import type { Caller, Deps, Transaction } from '../ports';
import { describeRuleChange, formatRuleValue, ruleSubject, sameRuleValue } from '../rules';
import { effectiveSettings, largestMultiplier, POINTS_CAP_LIMITS, pointsCapsOf } from '../settings';
import { valueAt } from '../where';
import { iso } from '../time';
import { managesCommunity } from './shared/access';
import { quotaKey, takeDailyQuota, usedToday } from './shared/quota';
import { compact } from './shared/store';
import { keysetPage } from './shared/paging';

/** Proposals one staff member may make in a day: setting up a whole catalogue takes far fewer. */
export const MAX_PROPOSALS_PER_DAY = 100;

/** The daily limit on proposals, so they cannot bury the log the reviewers read. */
const proposalQuota = (caller: Caller) => ({
  key: quotaKey('rule_proposal', caller.openid),
  message: `您今天已提交 ${MAX_PROPOSALS_PER_DAY} 条规则调整，请明天再提交`,
});

/** Where a rule lives: its document, the field holding its value, and the field pointing at its pending change. */
export interface RuleTarget {
  kind: RuleKind;
  field?: SettingField;
  collection: CollectionName;
  id: string;
  name: string;
  valuePath: string;
  pointerPath: string;
}

export const serviceRule = (item: Pick<ServiceItem, '_id' | 'name'>): RuleTarget => ({
  kind: 'service_points',
  collection: COLLECTIONS.services,
  id: item._id,
  name: item.name,
  valuePath: 'basePoints',
  pointerPath: 'pendingRuleChange',
});

/** The activity's name with its length, so the reviewer approves a rate for a known number of hours. */
export const activityRule = (activity: Pick<Activity, '_id' | 'name'> & Partial<Pick<Activity, 'startAt' | 'endAt'>>): RuleTarget => ({
  kind: 'activity_points',
  collection: COLLECTIONS.activities,
  id: activity._id,
  name: activity.startAt && activity.endAt ? `${activity.name}（${Math.round((minutesBetween(activity.startAt, activity.endAt) / 60) * 10) / 10} 小时）` : activity.name,
  valuePath: 'pointsPerHour',
  pointerPath: 'pendingRuleChange',
});

export const goodsRule = (goods: Pick<Goods, '_id' | 'name'>): RuleTarget => ({
  kind: 'goods_price',
  collection: COLLECTIONS.goods,
  id: goods._id,
  name: goods.name,
  valuePath: 'pointsPrice',
  pointerPath: 'pendingRuleChange',
});

export const settingRule = (community: Pick<Community, '_id' | 'name'>, field: SettingField): RuleTarget => ({
  kind: 'community_setting',
  field,
  collection: COLLECTIONS.communities,
  id: community._id,
  name: community.name,
  valuePath: `settings.${field}`,
  pointerPath: `pendingRuleChanges.${field}`,
});

function targetOf(change: RuleChange): RuleTarget {
  const named = { _id: change.targetId, name: change.targetName };
  if (change.kind === 'service_points') return serviceRule(named);
  if (change.kind === 'activity_points') return activityRule(named);
  if (change.kind === 'goods_price') return goodsRule(named);
  return settingRule(named, change.field ?? 'requireOrderReview');
}

/** The rule's value as it applies now (a setting never set has its default). */
function currentValue(target: RuleTarget, doc: unknown): unknown {
  if (target.kind === 'community_setting') return effectiveSettings(doc as Community)[target.field ?? 'requireOrderReview'];
  return valueAt(doc, target.valuePath);
}

const ruleChanges = (deps: Deps) => deps.store.collection<RuleChange>(COLLECTIONS.ruleChanges);

export const minutesBetween = (from: Date | string, to: Date | string): number => Math.round((new Date(to).getTime() - new Date(from).getTime()) / 60_000);

/** The name the log shows for the caller: their registered name, or 管理员 for a deployment administrator. */
export const actorName = (caller: Caller): string => caller.user?.name ?? (caller.roles.has('admin') ? '管理员' : '');

export function ruleChangeView(change: RuleChange, caller: Caller): RuleChangeView {
  return compact({
    id: change._id,
    kind: change.kind,
    field: change.field,
    subject: ruleSubject(change),
    before: formatRuleValue(change, change.before),
    after: formatRuleValue(change, change.after),
    summary: describeRuleChange(change),
    needsApproval: change.needsApproval,
    publishOnApproval: change.publishOnApproval,
    status: change.status,
    proposedByName: change.proposedByName,
    proposedAt: iso(change.proposedAt),
    decidedByName: change.decidedByName,
    decidedAt: change.decidedAt ? iso(change.decidedAt) : undefined,
    note: change.note,
    mine: change.proposedBy === caller.openid,
  });
}

/**
 * The caps a proposed value must keep (at proposal and again at approval: caps may have been
 * lowered meanwhile). Raising a cap is itself a change, bounded by the contract's hard limits.
 */
export function capProblem(kind: RuleKind, field: SettingField | undefined, value: unknown, caps: PointsCaps): string | null {
  const raise = '（提高上限需另一名工作人员审核）';
  if (kind === 'service_points' && (value as number) > caps.servicePoints) return `基础积分不能超过社区上限 ${caps.servicePoints} 分${raise}`;
  if (kind === 'activity_points' && (value as number) > caps.activityPointsPerHour) return `每小时积分不能超过社区上限 ${caps.activityPointsPerHour} 分${raise}`;
  if (field === 'scoreMultipliers' && largestMultiplier(value as ScoreMultipliers) > caps.scoreMultiplier) return `积分倍数不能超过社区上限 ${caps.scoreMultiplier}${raise}`;
  if (field === 'pointsCaps') {
    const proposed = value as PointsCaps;
    const over = (Object.keys(POINTS_CAP_LIMITS) as Array<keyof PointsCaps>).find((key) => proposed[key] > POINTS_CAP_LIMITS[key]);
    if (over) return `积分上限不能超过 ${POINTS_CAP_LIMITS[over]}`;
  }
  return null;
}

export interface Proposal {
  communityId: string;
  target: RuleTarget;
  before: unknown;
  after: unknown;
  /** A new catalogue item: offered to residents once its points are approved. */
  publishOnApproval?: boolean;
  /** An activity's length when the rate is proposed (what the approval pays for at most). */
  minutes?: number;
}

/** What every rule change records: what and where, before and after, who proposed it and when. */
function ruleChangeOf(deps: Deps, caller: Caller, communityId: string, target: RuleTarget, before: unknown, after: unknown, now: Date) {
  return {
    _id: `rule-${deps.random.id()}`,
    communityId,
    kind: target.kind,
    field: target.field,
    targetId: target.id,
    targetName: target.name,
    before,
    after,
    proposedBy: caller.openid,
    proposedByName: actorName(caller),
    proposedAt: now,
  };
}

/**
 * Records a proposal and points the rule's document at it, in one transaction; an older pending
 * proposal for the same rule is superseded. Proposing again what is already pending returns it.
 */
export async function proposeRuleChange(deps: Deps, caller: Caller, proposal: Proposal): Promise<RuleChange> {
  const { target } = proposal;
  const now = deps.clock.now();
  const change: RuleChange = compact({
    ...ruleChangeOf(deps, caller, proposal.communityId, target, proposal.before, proposal.after, now),
    needsApproval: true,
    publishOnApproval: proposal.publishOnApproval,
    minutes: proposal.minutes,
    status: 'pending' as const,
  });
  return deps.store.transaction(async (tx) => {
    const changes = tx.collection<RuleChange>(COLLECTIONS.ruleChanges);
    const doc = found(await tx.collection<{ _id: string }>(target.collection).get(target.id), '要调整的内容不存在');
    const pointer = valueAt(doc, target.pointerPath) as PendingRuleChange | undefined;
    if (pointer) {
      const previous = await changes.get(pointer.id);
      if (previous?.status === 'pending') {
        // A retried save, or a colleague saving the form with the value already proposed, proposes nothing new.
        if (sameRuleValue(previous.after, proposal.after) && sameRuleValue(previous.before, proposal.before) && previous.targetName === target.name) return previous;
        await changes.update(previous._id, {
          set: { status: 'superseded', decidedBy: caller.openid, decidedByName: actorName(caller), decidedAt: now, note: '已被新的调整申请取代' },
        });
      }
    }
    const quota = proposalQuota(caller);
    await takeDailyQuota(tx, quota.key, MAX_PROPOSALS_PER_DAY, now, quota.message);
    await changes.add(change);
    const pointerTo: PendingRuleChange = { id: change._id, after: proposal.after, ...(proposal.publishOnApproval ? { publish: true } : {}) };
    await tx.collection<{ _id: string }>(target.collection).update(target.id, { set: { [target.pointerPath]: pointerTo } });
    return change;
  });
}

/**
 * Refuses before anything is saved when the caller has no proposal left today: the item or setting
 * a proposal goes with is saved first, and must not be saved without it.
 */
export async function assertCanPropose(deps: Deps, caller: Caller): Promise<void> {
  const quota = proposalQuota(caller);
  if (usedToday(await deps.store.collection<Quota>(COLLECTIONS.quotas).get(quota.key), deps.clock.now()) >= MAX_PROPOSALS_PER_DAY) {
    throw new DomainError('LIMIT_REACHED', quota.message);
  }
}

/** Logs settings changes that pay nothing, applied in the same transaction as the change itself. */
export function appliedChange(deps: Deps, caller: Caller, communityId: string, target: RuleTarget, before: unknown, after: unknown, now: Date): RuleChange {
  return compact({
    ...ruleChangeOf(deps, caller, communityId, target, before, after, now),
    needsApproval: false,
    status: 'applied' as const,
    decidedBy: caller.openid,
    decidedByName: actorName(caller),
    decidedAt: now,
  });
}

export async function addAppliedChanges(tx: Transaction, changes: readonly RuleChange[]): Promise<void> {
  for (const change of changes) await tx.collection<RuleChange>(COLLECTIONS.ruleChanges).add(change);
}

const DECIDED: Record<RuleChange['status'], string> = { pending: '待审核', approved: '已通过', rejected: '未通过', superseded: '已被新的申请取代', applied: '已生效' };

export async function listRuleChanges(
  deps: Deps,
  caller: Caller,
  input: { communityId?: string; status?: 'pending' | 'decided'; cursor?: string; limit?: number },
): Promise<Page<RuleChangeView>> {
  const communityId = input.communityId ?? caller.communityId;
  if (!communityId) throw new DomainError('INVALID_INPUT', '请选择社区');
  if (!managesCommunity(caller, communityId)) throw new DomainError('FORBIDDEN', '只能查看本社区的规则调整');
  const status = input.status ?? 'pending';
  return keysetPage(
    ruleChanges(deps),
    { communityId, status: status === 'pending' ? 'pending' : { in: ['approved', 'rejected', 'superseded', 'applied'] } },
    // The review queue oldest first (nobody waits for ever); the log newest first.
    status === 'pending'
      ? [
          ['proposedAt', 'asc'],
          ['_id', 'asc'],
        ]
      : [
          ['proposedAt', 'desc'],
          ['_id', 'desc'],
        ],
    input,
    (change) => ruleChangeView(change, caller),
  );
}

/**
 * A second staff member approves or rejects a pending change. Approval applies it, in one
 * transaction with the decision, only while it is still the rule's latest proposal, the rule still
 * has the value it was proposed against, and the value is within today's caps.
 */
export async function decideRuleChange(
  deps: Deps,
  caller: Caller,
  input: { changeId: string; decision: 'approve' | 'reject'; note?: string },
): Promise<RuleChangeView> {
  const seen = await ruleChanges(deps).get(input.changeId);
  if (!seen || !managesCommunity(caller, seen.communityId)) throw new DomainError('NOT_FOUND', '没有找到这条调整申请');
  if (seen.status !== 'pending') throw new DomainError('CONFLICT', `该申请${DECIDED[seen.status]}，无需再审核`);
  // Four eyes: whoever proposed it does not decide it.
  if (seen.proposedBy === caller.openid) throw new DomainError('FORBIDDEN', '不能审核自己提出的调整，请由其他工作人员审核');
  const approve = input.decision === 'approve';
  const now = deps.clock.now();
  const target = targetOf(seen);
  const decided = await deps.store.transaction(async (tx) => {
    const changes = tx.collection<RuleChange>(COLLECTIONS.ruleChanges);
    const change = found(await changes.get(seen._id), '没有找到这条调整申请');
    if (change.status !== 'pending') throw new DomainError('CONFLICT', `该申请${DECIDED[change.status]}，无需再审核`);
    if (approve) {
      // Today's caps, read with the approval: a cap lowered at this moment still holds.
      const community = found(await tx.collection<Community>(COLLECTIONS.communities).get(change.communityId), '社区不存在');
      const problem = capProblem(change.kind, change.field, change.after, pointsCapsOf(community));
      if (problem) throw new DomainError('CONFLICT', `${problem}，无法通过`);
    }
    const documents = tx.collection<{ _id: string }>(target.collection);
    const doc = found(await documents.get(target.id), '要调整的内容已不存在');
    const pointer = valueAt(doc, target.pointerPath) as PendingRuleChange | undefined;
    if (pointer?.id !== change._id) throw new DomainError('CONFLICT', '该申请已被新的调整取代，请审核最新的申请');
    // A price or points approved for a name: if the item was renamed since, this is not what was shown.
    if ((change.kind === 'goods_price' || change.kind === 'service_points') && (doc as { name?: string }).name !== change.targetName) {
      throw new DomainError('CONFLICT', '该项目已改名，本申请已失效，请审核新的申请');
    }
    if (approve && !sameRuleValue(currentValue(target, doc), change.before)) {
      throw new DomainError('CONFLICT', '该规则在申请之后已被修改，本申请已失效，请重新提出');
    }
    const set: Record<string, unknown> = approve ? { [target.valuePath]: change.after } : {};
    if (approve && change.publishOnApproval) set.archived = false;
    if (approve && target.kind === 'activity_points') {
      // What was approved is a rate for the schedule the reviewer saw: a longer one pays no more.
      const { startAt, endAt } = doc as unknown as Pick<Activity, 'startAt' | 'endAt'>;
      set.paidMinutesCap = Math.min(change.minutes ?? Infinity, minutesBetween(startAt, endAt));
    }
    await documents.update(target.id, { set, unset: [target.pointerPath] });
    const decision = compact({
      status: approve ? ('approved' as const) : ('rejected' as const),
      decidedBy: caller.openid,
      decidedByName: actorName(caller),
      decidedAt: now,
      note: input.note || undefined,
    });
    await changes.update(change._id, { set: decision });
    return { ...change, ...decision };
  });
  return ruleChangeView(decided, caller);
}
