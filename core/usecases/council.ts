/**
 * The `council` function: 居民议事 (民事民提 → 民议 → 民评 → 公开).
 *
 * What a dishonest insider meets:
 * - a vote is one document per matter and voter key (`councilVoteIdOf`): the household under the
 *   household rule, the person under the resident rule. A person holding several roles has one
 *   openid and one household, so one key; two members of a household voting at once write the same
 *   document, and the later one changes it (never a second vote). Only residents vote, from their
 *   own address (resident rule) or their own household as staff confirmed it (household rule: the
 *   household must list them as a member and lie in scope).
 * - every vote is a transaction that reads the matter (open, before the deadline) and writes it
 *   (`lastVoteAt`), so a vote and the close that ends voting conflict and one runs again: no vote
 *   lands after the close, and the tally the close counts from the votes (per option, no counter
 *   kept along the way) is exactly what was cast. Publishing adds the decision text only; the
 *   tally cannot be written by anyone.
 * - proposals: MAX_PROPOSALS_PER_DAY a day per person, and a resident's matters waiting for staff
 *   at most MAX_PENDING_PROPOSALS; comments: MAX_COMMENTS_PER_PERSON per person and matter and
 *   MAX_COMMENTS_PER_MATTER per matter, both counted in the comment's own transaction, so a burst
 *   cannot pass them. A hidden comment keeps its text (staff read it) and shows others the reason.
 * - the matter's event log gets one entry per stage change, so it stays short.
 *
 * Notices (subscribe messages, best effort: a failed send never fails the action): the community's
 * staff hear of a matter a resident or grid worker raised (it waits for them); its proposer hears
 * that it was opened, declined (with the reason) or published. Nobody else: people in scope find open
 * matters in 居民议事 (a message to each would be a flood, and each needs the person's consent).
 * Every notice says only what its recipient may read in the matter anyway.
 *
 * How a vote stands is not shown while voting is open (staff included): the tally appears once
 * closed, so nobody votes with the crowd and nobody inside can steer by it.
 */
import type { CouncilCommentView, CouncilMatterView } from '../contract';
import {
  addressScopeKeys,
  councilCommands,
  councilDeadline,
  DEFAULT_COUNCIL_OPTIONS,
  gridScopeKeys,
  gridWorkerCovers,
  MAX_COMMENTS_PER_MATTER,
  MAX_COMMENTS_PER_PERSON,
  MAX_PENDING_PROPOSALS,
  MAX_PROPOSALS_PER_DAY,
  maySee,
  proposalScopes,
  placeInScope,
  PUBLIC_STAGES,
  scopeKeyOf,
  scopeLabel,
  scopeProblem,
  takesPart,
  votingOpen,
} from '../council';
import { DomainError, found } from '../errors';
import type { Handlers } from '../handlers';
import {
  COLLECTIONS,
  type CollectionName,
  type Community,
  type CouncilComment,
  type CouncilEvent,
  type CouncilLinkKind,
  type CouncilMatter,
  type CouncilScopeRef,
  type CouncilVote,
  councilVoteIdOf,
  type Household,
  type Quota,
  type User,
} from '../model';
import type { ActionContext, Caller, Deps, Where } from '../ports';
import { formatLocal, iso, localDay } from '../time';
import { isStaffOf, memberCommunity, staffCommunity } from './shared/access';
import { clip, notify } from './shared/notify';
import { keysetPage, NEWEST_FIRST, OLDEST_FIRST } from './shared/paging';
import { quotaKey, takeDailyQuota, takePlace } from './shared/quota';
import { compact, loadCommunity, prereadOrGet } from './shared/store';

const mattersOf = (deps: Deps) => deps.store.collection<CouncilMatter>(COLLECTIONS.councilMatters);
const commentsOf = (deps: Deps) => deps.store.collection<CouncilComment>(COLLECTIONS.councilComments);
const votesOf = (deps: Deps) => deps.store.collection<CouncilVote>(COLLECTIONS.councilVotes);

const NO_HOUSEHOLD = '本议题按户投票，您还没有确认的家庭户，请联系社区确认您的家庭户';
const LINK_COLLECTIONS: Record<CouncilLinkKind, { collection: CollectionName; name: string }> = {
  affair: { collection: COLLECTIONS.affairs, name: '事件' },
  activity: { collection: COLLECTIONS.activities, name: '活动' },
  order: { collection: COLLECTIONS.orders, name: '工单' },
};

/** A matter the caller may see, else NOT_FOUND (a matter of another scope is not told apart from none). */
async function loadMatter(deps: Deps, caller: Caller, matterId: string, preread: ActionContext['preread']): Promise<CouncilMatter> {
  const matter = await prereadOrGet(mattersOf(deps), matterId, preread, 'matter');
  if (!matter || !maySee(caller, matter)) throw new DomainError('NOT_FOUND', '该议题不存在');
  return matter;
}

/** The scope as stored (only the fields its kind has). */
const scopeOf = (scope: CouncilScopeRef): CouncilScopeRef =>
  scope.kind === 'community' ? { kind: 'community' } : scope.kind === 'grid' ? { kind: 'grid', gridId: scope.gridId! } : { kind: 'building', gridId: scope.gridId!, building: scope.building! };

function viewOf(matter: CouncilMatter, community: Community, caller: Caller, now: Date, extra: Partial<CouncilMatterView> = {}): CouncilMatterView {
  const closedOrLater = matter.stage === 'closed' || matter.stage === 'published';
  return {
    id: matter._id,
    title: matter.title,
    body: matter.body,
    scope: { ...matter.scope, label: scopeLabel(matter.scope, community) },
    stage: matter.stage,
    proposerName: matter.proposerName,
    proposerRole: matter.proposerRole,
    mine: matter.proposerOpenid === caller.openid,
    ...(matter.deadline ? { deadline: iso(matter.deadline) } : {}),
    votingEnded: matter.stage === 'open' && !votingOpen(matter, now),
    ...(matter.votingRule ? { votingRule: matter.votingRule } : {}),
    ...(matter.options ? { options: matter.options } : {}),
    ...(closedOrLater && matter.tally ? { tally: { counts: matter.tally.counts, total: matter.tally.total, countedAt: iso(matter.tally.countedAt) } } : {}),
    ...(matter.decision
      ? {
          decision: compact({
            text: matter.decision.text,
            nextStep: matter.decision.nextStep,
            link: matter.decision.link,
            byName: matter.decision.byName,
            at: iso(matter.decision.at),
          }),
        }
      : {}),
    ...(matter.declineReason ? { declineReason: matter.declineReason } : {}),
    commentCount: matter.commentCount,
    allowed: councilCommands(caller, matter, now),
    createdAt: iso(matter.createdAt),
    updatedAt: iso(matter.updatedAt),
    ...extra,
  };
}

const timelineOf = (matter: CouncilMatter): NonNullable<CouncilMatterView['timeline']> =>
  matter.events.map((event) => compact({ kind: event.kind, byName: event.byName, at: iso(event.at), note: event.note }));

function commentViewOf(comment: CouncilComment, caller: Caller): CouncilCommentView {
  const staff = isStaffOf(caller, comment.communityId);
  return {
    id: comment._id,
    authorName: comment.authorName,
    authorRole: comment.authorRole,
    ...(!comment.hidden || staff ? { text: comment.text } : {}),
    ...(comment.hidden ? { hidden: { reason: comment.hidden.reason, byName: comment.hidden.byName, at: iso(comment.hidden.at) } } : {}),
    mine: comment.openid === caller.openid,
    createdAt: iso(comment.createdAt),
  };
}

/** Who the caller speaks as on a matter: staff, the grid's worker, or a resident. */
function roleOn(caller: Caller, scope: CouncilScopeRef): CouncilMatter['proposerRole'] {
  if (caller.roles.has('staff')) return 'staff';
  if (caller.roles.has('grid_worker') && (scope.kind === 'community' || gridWorkerCovers(scope, caller.user?.gridIds ?? []))) return 'grid_worker';
  return 'resident';
}

const event = (kind: CouncilEvent['kind'], caller: Caller, at: Date, note?: string): CouncilEvent =>
  compact({ kind, by: caller.openid, byName: caller.user?.name ?? '', at, note });

/**
 * Moves a matter from one stage to the next if nobody moved it meanwhile (its stage and version
 * as read), with one event; CONFLICT otherwise.
 */
async function advance(deps: Deps, matter: CouncilMatter, set: Partial<CouncilMatter>, entry: CouncilEvent, unset: string[] = []): Promise<CouncilMatter> {
  const now = entry.at;
  const changed = await mattersOf(deps).update(
    { _id: matter._id, stage: matter.stage, version: matter.version },
    { set: { ...set, updatedAt: now, version: matter.version + 1 }, push: { events: entry }, ...(unset.length ? { unset } : {}) },
  );
  if (changed === 0) throw new DomainError('CONFLICT', '议题刚被其他工作人员处理过，请刷新后重试');
  const next = { ...matter, ...set, updatedAt: now, version: matter.version + 1, events: [...matter.events, entry] };
  for (const field of unset) delete (next as Record<string, unknown>)[field];
  return next;
}

/**
 * Under the matter's rule, the caller's voter key, or why they may not vote. The household rule
 * reads their household (once staff confirmed it): it must list them and lie in scope.
 */
async function voterKey(deps: Deps, caller: Caller, matter: CouncilMatter): Promise<{ key: string } | { problem: string }> {
  const user = found(caller.user);
  if (matter.votingRule === 'resident') {
    return placeInScope(matter.scope, user.address) ? { key: caller.openid } : { problem: '您的住址不在这个议题的范围内，不能投票' };
  }
  if (!user.householdId) return { problem: NO_HOUSEHOLD };
  const household = await deps.store.collection<Household>(COLLECTIONS.households).get(user.householdId);
  if (!household || household.communityId !== matter.communityId || !household.members.some((member) => member.openid === caller.openid)) return { problem: NO_HOUSEHOLD };
  if (!placeInScope(matter.scope, household)) return { problem: '您家不在这个议题的范围内，不能投票' };
  return { key: household._id };
}

/** The key the caller's vote would be found under, without reading the household (council.get). */
function likelyKey(caller: Caller, matter: CouncilMatter): string | null {
  if (matter.votingRule === 'resident') return caller.openid;
  return caller.user?.householdId ?? null;
}

/** The page a notice about the matter opens. */
export const councilPage = (matterId: string) => `council/detail/index?matterId=${encodeURIComponent(matterId)}`;

/** Staff a new matter is announced to (a community has a handful). */
const STAFF_TOLD = 20;

const PROPOSER_ROLE_TEXT: Record<CouncilMatter['proposerRole'], string> = { resident: '居民', grid_worker: '网格员', staff: '工作人员' };

/**
 * A matter raised by a resident or grid worker waits for staff: each of the community's staff is
 * told (a staff member's own matter is at the desk already). Best effort, the read of who is staff too.
 */
async function tellStaffOfProposal(deps: Deps, matter: CouncilMatter, community: Community): Promise<void> {
  if (matter.proposerRole === 'staff') return;
  let staff: User[];
  try {
    staff = await deps.store.collection<User>(COLLECTIONS.users).find({ communityId: matter.communityId, roles: 'staff' }, { limit: STAFF_TOLD, omit: ['address'] });
  } catch {
    return;
  }
  // At once (a handful), so the proposer does not wait on one send after another.
  await Promise.all(
    staff
      .filter((person) => person._id !== matter.proposerOpenid)
      .map((person) =>
        notify(deps, {
          kind: 'council_proposed',
          touser: person._id,
          page: councilPage(matter._id),
          fields: {
            thing1: clip(matter.title, 20),
            thing2: clip(scopeLabel(matter.scope, community), 20),
            time3: formatLocal(matter.createdAt),
            thing4: clip(`${PROPOSER_ROLE_TEXT[matter.proposerRole]}${matter.proposerName}提出，请受理`, 20),
          },
        }),
      ),
  );
}

/** Whether the matter's proposer should hear of what the caller did (not of their own doing). */
const proposerToTell = (matter: CouncilMatter, caller: Caller): string => (matter.proposerOpenid === caller.openid ? '' : matter.proposerOpenid);

function ensureVoting(matter: Pick<CouncilMatter, 'stage' | 'deadline'>, now: Date, what: '投票' | '讨论'): void {
  if (matter.stage !== 'open') throw new DomainError('CONFLICT', `这个议题不在${what}阶段`);
  if (!votingOpen(matter, now)) throw new DomainError('CONFLICT', `${what}已于截止时间结束`);
}

export const councilHandlers: Handlers<'council'> = {
  'council.propose': async (input, { caller, deps }) => {
    const user = found(caller.user);
    const community = await loadCommunity(deps, memberCommunity(caller), caller);
    const scope = scopeOf(input.scope);
    const problem = scopeProblem(scope, community);
    if (problem) throw new DomainError('INVALID_INPUT', problem);
    // Staff raise matters anywhere; a grid worker for their grids (and their buildings); a resident where they live.
    const role: CouncilMatter['proposerRole'] | null = caller.roles.has('staff')
      ? 'staff'
      : caller.roles.has('grid_worker') && gridWorkerCovers(scope, user.gridIds ?? [])
        ? 'grid_worker'
        : caller.roles.has('resident') && placeInScope(scope, user.address)
          ? 'resident'
          : null;
    if (!role) throw new DomainError('FORBIDDEN', caller.roles.has('resident') ? '只能为您所在的楼栋、网格或本社区提出议题' : '只能为您负责的网格提出议题');
    const now = deps.clock.now();
    const matter: CouncilMatter = {
      _id: `cm-${deps.random.id()}`,
      communityId: community._id,
      title: input.title,
      body: input.body,
      scope,
      scopeKey: scopeKeyOf(scope),
      proposerOpenid: caller.openid,
      proposerName: user.name,
      proposerRole: role,
      stage: 'proposed',
      commentCount: 0,
      version: 0,
      events: [event('proposed', caller, now)],
      createdAt: now,
      updatedAt: now,
    };
    await deps.store.transaction(async (tx) => {
      await takeDailyQuota(tx, quotaKey('council_propose', caller.openid), MAX_PROPOSALS_PER_DAY, now, `每人每天最多提出 ${MAX_PROPOSALS_PER_DAY} 个议题，请明天再提`);
      if (role === 'resident') {
        await takePlace(
          tx,
          `council_pending:${caller.openid}`,
          now,
          () => mattersOf(deps).count({ proposerOpenid: caller.openid, stage: 'proposed' }),
          MAX_PENDING_PROPOSALS,
          `您已有 ${MAX_PENDING_PROPOSALS} 个议题等待社区受理，请等社区处理后再提`,
        );
      }
      await tx.collection<CouncilMatter>(COLLECTIONS.councilMatters).add(matter);
    });
    await tellStaffOfProposal(deps, matter, community);
    return viewOf(matter, community, caller, now, { timeline: timelineOf(matter) });
  },

  'council.open': async (input, { caller, deps, preread }) => {
    const community = await loadCommunity(deps, staffCommunity(caller), caller);
    const matter = await loadMatter(deps, caller, input.matterId, preread);
    if (matter.stage !== 'proposed') throw new DomainError('CONFLICT', '只有待受理的议题可以发起议事');
    const now = deps.clock.now();
    const deadline = councilDeadline(input.deadline, now);
    if ('problem' in deadline) throw new DomainError('INVALID_INPUT', deadline.problem);
    const scope = input.scope ? scopeOf(input.scope) : matter.scope;
    const problem = scopeProblem(scope, community);
    if (problem) throw new DomainError('INVALID_INPUT', problem);
    const next = await advance(
      deps,
      matter,
      { stage: 'open', deadline: deadline.at, votingRule: input.votingRule, options: input.options ?? [...DEFAULT_COUNCIL_OPTIONS], scope, scopeKey: scopeKeyOf(scope) },
      // A scope changed by staff is said in the matter's record: who may take part is no small thing.
      event('opened', caller, now, scopeKeyOf(scope) !== matter.scopeKey ? `范围由${scopeLabel(matter.scope, community)}改为${scopeLabel(scope, community)}` : undefined),
    );
    await notify(deps, {
      kind: 'council_opened',
      touser: proposerToTell(matter, caller),
      page: councilPage(matter._id),
      // Voting ends at the start of the day after the deadline day: said as that day's 23:59.
      fields: { thing1: clip(matter.title, 20), thing2: clip(scopeLabel(scope, community), 20), time3: formatLocal(deadline.at.getTime() - 60_000), thing4: '已开始议事，请关注讨论和投票' },
    });
    return viewOf(next, community, caller, now, { timeline: timelineOf(next), myVote: null });
  },

  'council.scopes': async (_input, { caller, deps }) => {
    const community = await loadCommunity(deps, memberCommunity(caller), caller);
    return proposalScopes(caller, community);
  },

  'council.decline': async (input, { caller, deps, preread }) => {
    const community = await loadCommunity(deps, staffCommunity(caller), caller);
    const matter = await loadMatter(deps, caller, input.matterId, preread);
    if (matter.stage !== 'proposed') throw new DomainError('CONFLICT', '只有待受理的议题可以不予受理');
    const now = deps.clock.now();
    const next = await advance(deps, matter, { stage: 'declined', declineReason: input.reason }, event('declined', caller, now, input.reason));
    await notify(deps, {
      kind: 'council_declined',
      touser: proposerToTell(matter, caller),
      page: councilPage(matter._id),
      fields: { thing1: clip(matter.title, 20), thing2: clip(input.reason, 20), time3: formatLocal(now), thing4: '社区不予受理，点击查看原因' },
    });
    return viewOf(next, community, caller, now, { timeline: timelineOf(next) });
  },

  'council.comment': async (input, { caller, deps, preread }) => {
    const user = found(caller.user);
    const matter = await loadMatter(deps, caller, input.matterId, preread);
    if (!takesPart(caller, matter)) throw new DomainError('FORBIDDEN', '只有议题范围内的居民可以参与讨论');
    const now = deps.clock.now();
    ensureVoting(matter, now, '讨论');
    const comment: CouncilComment = {
      _id: `cc-${deps.random.id()}`,
      matterId: matter._id,
      communityId: matter.communityId,
      openid: caller.openid,
      authorName: user.name,
      authorRole: roleOn(caller, matter.scope),
      text: input.text,
      createdAt: now,
    };
    const mine = `council_comment:${matter._id}:${caller.openid}`;
    await deps.store.transaction(async (tx) => {
      const matters = tx.collection<CouncilMatter>(COLLECTIONS.councilMatters);
      const current = found(await matters.get(matter._id), '该议题不存在');
      ensureVoting(current, now, '讨论');
      if (current.commentCount >= MAX_COMMENTS_PER_MATTER) throw new DomainError('LIMIT_REACHED', `这个议题的评论已达 ${MAX_COMMENTS_PER_MATTER} 条上限`);
      const quotas = tx.collection<Quota>(COLLECTIONS.quotas);
      const written = (await quotas.get(mine))?.count ?? 0;
      if (written >= MAX_COMMENTS_PER_PERSON) throw new DomainError('LIMIT_REACHED', `每人对一个议题最多发表 ${MAX_COMMENTS_PER_PERSON} 条评论`);
      await quotas.set({ _id: mine, day: localDay(now), count: written + 1, updatedAt: now });
      await tx.collection<CouncilComment>(COLLECTIONS.councilComments).add(comment);
      await matters.update(matter._id, { inc: { commentCount: 1 } });
    });
    return commentViewOf(comment, caller);
  },

  'council.hideComment': async (input, { caller, deps }) => {
    const communityId = staffCommunity(caller);
    const comments = commentsOf(deps);
    const comment = await comments.get(input.commentId);
    if (!comment || comment.communityId !== communityId) throw new DomainError('NOT_FOUND', '该评论不存在');
    if (comment.hidden) throw new DomainError('CONFLICT', '这条评论已被隐藏');
    const hidden = { reason: input.reason, by: caller.openid, byName: found(caller.user).name, at: deps.clock.now() };
    const changed = await comments.update({ _id: comment._id, hidden: { exists: false } }, { set: { hidden } });
    if (changed === 0) throw new DomainError('CONFLICT', '这条评论已被隐藏');
    return commentViewOf({ ...comment, hidden }, caller);
  },

  'council.vote': async (input, { caller, deps, preread }) => {
    const matter = await loadMatter(deps, caller, input.matterId, preread);
    const now = deps.clock.now();
    ensureVoting(matter, now, '投票');
    if (input.option >= (matter.options?.length ?? 0)) throw new DomainError('INVALID_INPUT', '选项无效，请重新选择');
    const voter = await voterKey(deps, caller, matter);
    if ('problem' in voter) throw new DomainError('FORBIDDEN', voter.problem);
    const voteId = councilVoteIdOf(matter._id, voter.key);
    const outcome = await deps.store.transaction(async (tx) => {
      const matters = tx.collection<CouncilMatter>(COLLECTIONS.councilMatters);
      // Read and written here, so the close (which writes it) and this vote never cross.
      ensureVoting(found(await matters.get(matter._id), '该议题不存在'), now, '投票');
      const votes = tx.collection<CouncilVote>(COLLECTIONS.councilVotes);
      const held = await votes.get(voteId);
      if (held && held.option === input.option) return { vote: held, changed: false };
      const vote: CouncilVote = held
        ? { ...held, option: input.option, openid: caller.openid, changes: held.changes + 1, updatedAt: now }
        : { _id: voteId, matterId: matter._id, communityId: matter.communityId, key: voter.key, rule: matter.votingRule!, option: input.option, openid: caller.openid, changes: 0, createdAt: now, updatedAt: now };
      await votes.set(vote);
      await matters.update(matter._id, { set: { lastVoteAt: now } });
      return { vote, changed: held !== null };
    });
    const community = await loadCommunity(deps, matter.communityId, caller);
    const myVote = { option: outcome.vote.option, byMe: outcome.vote.openid === caller.openid, at: iso(outcome.vote.updatedAt) };
    return { matter: viewOf(matter, community, caller, now, { myVote }), changed: outcome.changed };
  },

  'council.close': async (input, { caller, deps, preread }) => {
    const community = await loadCommunity(deps, staffCommunity(caller), caller);
    const matter = await loadMatter(deps, caller, input.matterId, preread);
    const now = deps.clock.now();
    let closed = matter;
    if (matter.stage === 'open') {
      const early = votingOpen(matter, now);
      if (early && !input.reason) throw new DomainError('INVALID_INPUT', '投票尚未截止，提前结束请填写原因');
      // In a transaction that writes the matter: a vote in flight conflicts with it and, run again, finds it closed.
      const entry = event('closed', caller, now, early ? input.reason : undefined);
      await deps.store.transaction(async (tx) => {
        const matters = tx.collection<CouncilMatter>(COLLECTIONS.councilMatters);
        const current = await matters.get(matter._id);
        if (!current || current.stage !== 'open' || current.version !== matter.version) throw new DomainError('CONFLICT', '议题刚被其他工作人员处理过，请刷新后重试');
        await matters.update(matter._id, { set: { stage: 'closed', updatedAt: now, version: matter.version + 1 }, push: { events: entry } });
      });
      closed = { ...matter, stage: 'closed', updatedAt: now, version: matter.version + 1, events: [...matter.events, entry] };
    } else if (matter.stage !== 'closed' || matter.tally) {
      // A closed matter without a tally (its count cut short) is counted again; anything else is no longer open.
      throw new DomainError('CONFLICT', '只有正在议事的议题可以结束投票');
    }
    // Counted from the votes themselves, once no vote can be written any more.
    const options = closed.options ?? [];
    const counts = await Promise.all(options.map((_, option) => votesOf(deps).count({ matterId: closed._id, option })));
    const tally = { counts, total: counts.reduce((sum, count) => sum + count, 0), countedAt: deps.clock.now() };
    await mattersOf(deps).update({ _id: closed._id, stage: 'closed' }, { set: { tally } });
    const next = { ...closed, tally };
    return viewOf(next, community, caller, now, { timeline: timelineOf(next) });
  },

  'council.publish': async (input, { caller, deps, preread }) => {
    const community = await loadCommunity(deps, staffCommunity(caller), caller);
    const matter = await loadMatter(deps, caller, input.matterId, preread);
    if (matter.stage !== 'closed' || !matter.tally) throw new DomainError('CONFLICT', '请先结束投票、统计结果，再公开议事结果');
    if (input.link) {
      const target = LINK_COLLECTIONS[input.link.kind];
      const linked = await deps.store.collection<{ _id: string; communityId: string }>(target.collection).get(input.link.id);
      if (!linked || linked.communityId !== community._id) throw new DomainError('INVALID_INPUT', `本社区没有编号为 ${input.link.id} 的${target.name}`);
    }
    const now = deps.clock.now();
    const decision = compact({ text: input.decision, nextStep: input.nextStep || undefined, link: input.link, by: caller.openid, byName: found(caller.user).name, at: now });
    const next = await advance(deps, matter, { stage: 'published', decision }, event('published', caller, now));
    await notify(deps, {
      kind: 'council_published',
      touser: proposerToTell(matter, caller),
      page: councilPage(matter._id),
      fields: { thing1: clip(matter.title, 20), thing2: clip(input.decision, 20), time3: formatLocal(now), thing4: clip(input.nextStep ? `下一步：${input.nextStep}` : '议事结果已公开', 20) },
    });
    return viewOf(next, community, caller, now, { timeline: timelineOf(next) });
  },

  'council.list': async (input, { caller, deps }) => {
    const user = found(caller.user);
    const community = await loadCommunity(deps, memberCommunity(caller), caller);
    const now = deps.clock.now();
    const view = (matter: CouncilMatter) => viewOf(matter, community, caller, now);
    const omit = ['events'];
    const matters = mattersOf(deps);
    if (input.mine) {
      const where: Where = { proposerOpenid: caller.openid, ...(input.stage ? { stage: input.stage } : {}) };
      return keysetPage(matters, where, NEWEST_FIRST, input, view, { omit });
    }
    if (isStaffOf(caller, community._id)) {
      return keysetPage(matters, { communityId: community._id, ...(input.stage ? { stage: input.stage } : {}) }, NEWEST_FIRST, input, view, { omit });
    }
    // Others: the public stages of the matters of their building, grid and community (a grid worker's grids too).
    const stages = input.stage ? [input.stage] : [...PUBLIC_STAGES];
    if (!stages.every((stage) => (PUBLIC_STAGES as readonly string[]).includes(stage))) return { items: [], nextCursor: null };
    const keys = [
      ...new Set([...(caller.roles.has('resident') ? addressScopeKeys(user.address) : []), ...(caller.roles.has('grid_worker') ? gridScopeKeys(community, user.gridIds ?? []) : [])]),
    ];
    if (keys.length === 0) return { items: [], nextCursor: null };
    const where: Where = { communityId: community._id, scopeKey: { in: keys }, stage: stages.length === 1 ? stages[0]! : { in: stages } };
    return keysetPage(matters, where, NEWEST_FIRST, input, view, { omit });
  },

  'council.get': async (input, { caller, deps, preread }) => {
    const matter = await loadMatter(deps, caller, input.matterId, preread);
    const community = await loadCommunity(deps, matter.communityId, caller);
    const now = deps.clock.now();
    let myVote: CouncilMatterView['myVote'];
    let voteBlocked: string | undefined;
    if (matter.stage !== 'proposed' && matter.stage !== 'declined' && caller.roles.has('resident')) {
      const key = likelyKey(caller, matter);
      const vote = key ? await votesOf(deps).get(councilVoteIdOf(matter._id, key)) : null;
      myVote = vote ? { option: vote.option, byMe: vote.openid === caller.openid, at: iso(vote.updatedAt) } : null;
      if (votingOpen(matter, now) && !key) voteBlocked = NO_HOUSEHOLD;
      else if (votingOpen(matter, now) && matter.votingRule === 'resident' && !placeInScope(matter.scope, found(caller.user).address)) voteBlocked = '您的住址不在这个议题的范围内，不能投票';
    }
    const extra: Partial<CouncilMatterView> = { timeline: timelineOf(matter), ...(myVote !== undefined ? { myVote } : {}), ...(voteBlocked ? { voteBlocked } : {}) };
    const view = viewOf(matter, community, caller, now, extra);
    return voteBlocked ? { ...view, allowed: view.allowed.filter((command) => command !== 'vote') } : view;
  },

  'council.comments': async (input, { caller, deps, preread }) => {
    const matter = await loadMatter(deps, caller, input.matterId, preread);
    return keysetPage(commentsOf(deps), { matterId: matter._id }, OLDEST_FIRST, input, (comment) => commentViewOf(comment, caller));
  },
};
