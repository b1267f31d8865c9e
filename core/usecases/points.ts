/**
 * The `points` function: my balance and ledger, the community's points rules (积分规则, made in
 * core/points-rules.ts), and good-deed / role-model nominations (好人好事/先进典型). Staff or grid workers nominate; another staff member reviews (four eyes), and only an
 * approval posts points, on the love-points ledger under their own source. They never make a
 * service record: only volunteer service is recorded (记录办法 Art. 19).
 */
import type { LedgerEntryView, NominationView } from '../contract';
import { digestId } from '../digest';
import { DomainError, found } from '../errors';
import type { Handlers } from '../handlers';
import { REVIEW_STATUS_TEXT } from '../labels';
import { invitedMember } from '../admission';
import { type Activity, type AwardNomination, COLLECTIONS, type Community, type LedgerEntry, type NominationStatus, type RuleChange, type ServiceItem, type User } from '../model';
import { managesOrder } from '../order-machine';
import { postPoints } from '../points';
import { pointsRulesView, UPCOMING_ACTIVITIES_SHOWN } from '../points-rules';
import { MAX_SERVICES } from './catalog';
import type { Caller, Collection, Deps, Where } from '../ports';
import { dailyLimitsOf, pointsCapsOf } from '../settings';
import { reconciliationHandlers } from './reconcile';
import { quotaKey, takeDailyQuota } from './shared/quota';
import { iso } from '../time';
import { isStaffOf, memberCommunity, staffCommunity } from './shared/access';
import { compact, loadCommunity, prereadOrGet } from './shared/store';
import { keysetPage, NEWEST_FIRST, type OrderBy } from './shared/paging';

const SERVICES_ORDER: OrderBy = [
  ['category', 'asc'],
  ['name', 'asc'],
];
const SOONEST_FIRST: OrderBy = [
  ['startAt', 'asc'],
  ['_id', 'asc'],
];
const NEWEST_DECIDED: OrderBy = [
  ['decidedAt', 'desc'],
  ['_id', 'desc'],
];
/** Activities read to find the next published ones: a few cancelled among them still leave enough. */
const ACTIVITIES_READ = 2 * UPCOMING_ACTIVITIES_SHOWN;
/** What the rules leave out of an activity (the waiting list's tokens alone may be hundreds). */
const ACTIVITY_OMIT = ['waitTokens', 'codeShownTo', 'attendanceSecret', 'content'];

export const ledgerView = (entry: LedgerEntry): LedgerEntryView => ({
  id: entry._id,
  delta: entry.delta,
  source: entry.source,
  ref: entry.ref,
  ...(entry.reason ? { reason: entry.reason } : {}),
  balanceAfter: entry.balanceAfter,
  at: iso(entry.createdAt),
});

export const nominationView = (nomination: AwardNomination, caller: Caller): NominationView =>
  compact({
    id: nomination._id,
    openid: nomination.openid,
    nomineeName: nomination.nomineeName,
    kind: nomination.kind,
    points: nomination.points,
    reason: nomination.reason,
    status: nomination.status,
    nominatedByName: nomination.nominatedByName,
    mine: nomination.nominatedBy === caller.openid,
    createdAt: iso(nomination.createdAt),
    reviewedByName: nomination.reviewedByName,
    reviewedAt: nomination.reviewedAt ? iso(nomination.reviewedAt) : undefined,
    reviewNote: nomination.reviewNote,
  });

/**
 * The same nominator and request always give the same _id, so a retried tap finds the nomination
 * it made. Hashed, because the id becomes the ledger entry's ref, which the nominee reads.
 */
export const nominationIdFor = (nominatorOpenid: string, clientRequestId: string): string =>
  `nom-${digestId(`${nominatorOpenid}\n${clientRequestId}`)}`;

/** The ledger key of an approved nomination: one posting per nomination, however often approved. */
export const nominationLedgerKey = (nominationId: string): string => `award:${nominationId}`;

const nominationsOf = (deps: Deps): Collection<AwardNomination> => deps.store.collection<AwardNomination>(COLLECTIONS.awardNominations);


/** The member the nomination is for, by the id the nominator picked. */
async function findNominee(deps: Deps, communityId: string, openid: string): Promise<User> {
  const user = await deps.store.collection<User>(COLLECTIONS.users).get(openid);
  // Another community's resident is not this nominator's business, nor is whether one exists.
  if (!user || user.communityId !== communityId) throw new DomainError('NOT_FOUND', '本社区没有这位居民');
  return user;
}

/** Whether a stored nomination is what this request asks for (a retry), not another under a reused id. */
function isSameRequest(existing: AwardNomination, input: { points: number; kind: string; reason: string }, nomineeOpenids: readonly string[]): boolean {
  return existing.points === input.points && existing.kind === input.kind && existing.reason === input.reason && nomineeOpenids.includes(existing.openid);
}

export const pointsHandlers: Handlers<'points'> = {
  ...reconciliationHandlers,

  'points.balance': async (_input, { caller }) => {
    const account = caller.points;
    return { balance: account?.balance ?? 0, issued: account?.issued ?? 0, redeemed: account?.redeemed ?? 0 };
  },

  'points.overview': async (input, context) => {
    const [totals, ledger] = await Promise.all([
      pointsHandlers['points.balance']({}, context),
      pointsHandlers['points.ledger']({ limit: input.limit }, context),
    ]);
    return { ...totals, ledger };
  },

  'points.rules': async (_input, { caller, deps }) => {
    const communityId = memberCommunity(caller);
    // One request: the community's settings with, joined on, the services on offer, the activities
    // not yet over and the newest approved rule change (each bounded, each served by an index).
    const [community] = await deps.store.collection<Community>(COLLECTIONS.communities).findJoined<{ services: ServiceItem; activities: Activity; changes: RuleChange }>(
      { _id: communityId },
      { limit: 1, omit: ['grids', 'edits'] },
      {
        services: { from: COLLECTIONS.services, where: { communityId, archived: false }, orderBy: SERVICES_ORDER, limit: MAX_SERVICES },
        activities: { from: COLLECTIONS.activities, where: { communityId, endAt: { gte: deps.clock.now() } }, orderBy: SOONEST_FIRST, limit: ACTIVITIES_READ, omit: ACTIVITY_OMIT },
        changes: { from: COLLECTIONS.ruleChanges, where: { communityId, status: 'approved' }, orderBy: NEWEST_DECIDED, limit: 1 },
      },
    );
    if (!community) throw new DomainError('NOT_FOUND', '社区不存在');
    return pointsRulesView({ community, services: community.services, activities: community.activities, lastChange: community.changes[0] ?? null });
  },

  'points.ledger': async (input, { caller, deps }) => {
    memberCommunity(caller);
    return keysetPage(deps.store.collection<LedgerEntry>(COLLECTIONS.pointsLedger), { openid: caller.openid }, NEWEST_FIRST, input, ledgerView, {
      invalidCursor: '分页参数无效，请刷新后重试',
    });
  },

  'points.nominate': async (input, { caller, deps }) => {
    const communityId = memberCommunity(caller);
    const staff = isStaffOf(caller, communityId);
    if (!staff && !caller.roles.has('grid_worker')) throw new DomainError('FORBIDDEN', '只有社区工作人员或网格员可以推荐');
    const nominator = found(caller.user);
    const nominations = nominationsOf(deps);
    const nominationId = nominationIdFor(caller.openid, input.clientRequestId);
    const reused = () => new DomainError('CONFLICT', '该请求编号已用于另一条推荐，请重新提交');

    const nominee = await findNominee(deps, communityId, input.openid);
    // A retry returns what the first attempt made; a reused id for something else is refused.
    const existing = await nominations.get(nominationId);
    if (existing) {
      if (!isSameRequest(existing, input, [nominee._id])) throw reused();
      return nominationView(existing, caller);
    }
    if (nominee._id === caller.openid) throw new DomainError('FORBIDDEN', '不能推荐自己');
    // A grid worker vouches only for the residents of the grids they look after.
    if (!staff && !managesOrder(caller, nominee)) throw new DomainError('FORBIDDEN', '只能推荐您负责网格的居民');
    const community = await loadCommunity(deps, communityId, caller);
    const cap = pointsCapsOf(community).awardPoints;
    if (input.points > cap) throw new DomainError('INVALID_INPUT', `奖励积分不能超过社区上限 ${cap} 分`);
    const limit = dailyLimitsOf(community).nominations;

    const nomination: AwardNomination = {
      _id: nominationId,
      communityId,
      openid: nominee._id,
      nomineeName: nominee.name,
      kind: input.kind,
      points: input.points,
      reason: input.reason,
      nominatedBy: caller.openid,
      nominatedByName: nominator.name,
      clientRequestId: input.clientRequestId,
      status: 'pending',
      createdAt: deps.clock.now(),
    };
    try {
      // With the day's count, so one account cannot bury the review queue.
      const made = await deps.store.transaction(async (tx) => {
        const stored = tx.collection<AwardNomination>(COLLECTIONS.awardNominations);
        const again = await stored.get(nominationId);
        if (again) return again;
        await takeDailyQuota(tx, quotaKey('nominate', caller.openid), limit, nomination.createdAt, `您今天已推荐 ${limit} 次，已达社区每天的上限，请明天再推荐`);
        await stored.add(nomination);
        return nomination;
      });
      if (isSameRequest(made, input, [nominee._id])) return nominationView(made, caller);
      throw reused();
    } catch (error) {
      if (error instanceof DomainError) throw error;
      // Lost a race with our own retry (same content); anything else is a real failure.
      const raced = await nominations.get(nominationId);
      if (raced && isSameRequest(raced, input, [nominee._id])) return nominationView(raced, caller);
      throw error;
    }
  },

  'points.nominations': async (input, { caller, deps }) => {
    const communityId = memberCommunity(caller);
    const status = input.status ?? 'pending';
    // Staff review the whole community's; a grid worker follows up on their own nominations.
    const where: Where = isStaffOf(caller, communityId) ? { communityId, status } : { communityId, status, nominatedBy: caller.openid };
    // The review queue is served oldest first, so nobody waits forever; history reads newest first.
    const direction = status === 'pending' ? 'asc' : 'desc';
    const orderBy: OrderBy = [
      ['createdAt', direction],
      ['_id', direction],
    ];
    return keysetPage(nominationsOf(deps), where, orderBy, input, (nomination) => nominationView(nomination, caller));
  },

  'points.review': async (input, { caller, deps, preread }) => {
    const communityId = staffCommunity(caller);
    const reviewer = found(caller.user);
    const current = await prereadOrGet(nominationsOf(deps), input.nominationId, preread, 'nomination');
    if (!current || current.communityId !== communityId) throw new DomainError('NOT_FOUND', '没有找到这条推荐');
    // Four eyes: whoever proposed the points, or would receive them, does not decide on them.
    if (current.nominatedBy === caller.openid) throw new DomainError('FORBIDDEN', '推荐人不能审核自己的推荐，请由其他工作人员审核');
    if (current.openid === caller.openid) throw new DomainError('FORBIDDEN', '不能审核对自己的推荐，请由其他工作人员审核');
    // Whoever invited the nominator (a grid worker) does not approve what they propose: the pair could
    // be one person with two accounts (see core/admission.ts).
    if (invitedMember(await deps.store.collection<User>(COLLECTIONS.users).get(current.nominatedBy), caller.openid)) {
      throw new DomainError('FORBIDDEN', '推荐人是您邀请加入的，请由其他工作人员审核');
    }
    const reviewed = (status: NominationStatus) => new DomainError('CONFLICT', `该推荐已审核（${REVIEW_STATUS_TEXT[status]}），无需重复审核`);
    if (current.status !== 'pending') throw reviewed(current.status);
    const community = await loadCommunity(deps, communityId, caller);
    const cap = pointsCapsOf(community).awardPoints;
    if (input.decision === 'approve' && current.points > cap) throw new DomainError('CONFLICT', `推荐的 ${current.points} 分超过社区现在的上限 ${cap} 分，不能通过`);
    const now = deps.clock.now();
    const approve = input.decision === 'approve';
    const ledgerKey = nominationLedgerKey(current._id);
    // One transaction: the nomination leaves pending and the points are posted together, and of two
    // reviewers at once only the one who still reads it pending gets through.
    return deps.store.transaction(async (tx) => {
      const nominations = tx.collection<AwardNomination>(COLLECTIONS.awardNominations);
      const nomination = found(await nominations.get(current._id), '没有找到这条推荐');
      if (nomination.status !== 'pending') throw reviewed(nomination.status);
      const decision = compact({
        status: approve ? ('approved' as const) : ('rejected' as const),
        reviewedBy: caller.openid,
        reviewedByName: reviewer.name,
        reviewedAt: now,
        reviewNote: input.note || undefined,
        ledgerEntryId: approve ? ledgerKey : undefined,
      });
      await nominations.update(nomination._id, { set: decision });
      const decided: AwardNomination = { ...nomination, ...decision };
      if (!approve) return { nomination: nominationView(decided, caller) };
      const entry = await postPoints(tx, {
        key: ledgerKey,
        openid: nomination.openid,
        communityId: nomination.communityId,
        delta: nomination.points,
        source: nomination.kind,
        ref: nomination._id,
        reason: `${nomination.kind === 'good_deed' ? '好人好事' : '先进典型'}：${nomination.reason}`,
        by: caller.openid,
        now,
        // Once: the nomination leaves pending in this same transaction, so the entry is not looked for first.
      }, { first: true });
      return { nomination: nominationView(decided, caller), entry: ledgerView(entry) };
    });
  },
};
