/**
 * A person's rights over their data (个人信息保护法 Arts. 45, 47): `user.exportMine` gives them
 * everything stored about them as a file; `user.deleteAccount` (注销) erases it.
 *
 * What 注销 keeps, and why: the statute requires 志愿服务记录 to be kept (志愿服务记录与证明出具办法),
 * a certificate must stay checkable, and the points ledger is the record the daily reconciliation
 * and any later dispute rest on. These stay, de-identified: the name becomes 已注销用户 and the
 * openid is replaced, in every document kept, by one random id (`deleted-…`). One id, not a blank,
 * so the kept rows still tie together (a ledger still sums to its account, a record to its
 * corrections); random, not the openid, so nothing kept leads back to the WeChat account, and the
 * same person registering again starts as someone new (no old balance, records or counters).
 *
 * What it erases: the profile (name, phone, address), the volunteer record (ID number, birth date,
 * gender, skills), activity sign-ups (their hours are in the records), the contact details,
 * description and photos of the orders they placed, and their data export file. The points left
 * are forfeited, as a ledger entry (source `forfeit`, 注销清零), so Σ ledger = balance still holds.
 *
 * What it refuses, so 注销 is no way out of an obligation: staff, grid workers, department staff and administrators
 * (their work is the community's record: they leave their role first); anyone with a redemption
 * still to collect (points already spent stay spent: the goods are reserved for them), an order in
 * service, an order assigned to or accepted by them as volunteer, or an activity place. A pending
 * correction or nomination stays and can still be decided: it refers to kept records.
 *
 * A deletion cut short (a timeout) is finished by asking again: the random id is written on the
 * profile first (`User.deletion`), every later step only touches documents still under the openid,
 * and the profile is erased last.
 */
import type { AccountDeletionView, DataExportView } from '../contract';
import { DomainError, found } from '../errors';
import { maskIdNumber } from '../id-number';
import {
  type ActivitySignup,
  type Affair,
  type AwardNomination,
  type Certificate,
  type Household,
  type HouseholdClaim,
  type HouseholdVisit,
  COLLECTIONS,
  type CouncilComment,
  type CouncilMatter,
  type CouncilVote,
  type LedgerEntry,
  type Order,
  type OrderEvent,
  type PatrolLog,
  type PointsAccount,
  type RecordChange,
  type RecordCorrection,
  type Redemption,
  type ServiceRecord,
  type User,
  type Volunteer,
} from '../model';
import { TRANSITIONS } from '../order-machine';
import { ALL_STATUSES } from '../affair-machine';
import { postPoints } from '../points';
import type { Caller, Collection, Deps, FindOptions, Where } from '../ports';
import { formatLocal, iso } from '../time';
import { orderPage, ordersOf, transition } from './order-transitions';
import { clip, notify } from './shared/notify';
import { quotaKey, takeDailyQuota } from './shared/quota';
import { leaveHousehold } from './shared/household';
import { readAll } from './shared/store';
import { DELETED_NAME } from './shared/deleted';
import type { Handlers } from '../handlers';

/** What kept records say instead of a deleted person's name (shared/deleted.ts, for ledgers too). */
export { DELETED_NAME };
/** Exports a person may make a day: each reads everything they have. */
export const EXPORTS_PER_DAY = 3;
/** Documents of one kind an export holds; a longer list is cut, and the file says so. */
export const EXPORT_MAX_PER_LIST = 5000;
/** How long the download address of an export works. */
export const EXPORT_URL_SECONDS = 3600;

/** The one export file a person has: each export replaces it, and 注销 deletes it (its id is on the profile). */
export const exportPath = (openid: string): string => `exports/${openid}/linli-my-data.json`;

type OrderBy = NonNullable<FindOptions['orderBy']>;

interface ListRead<T> {
  label: string;
  docs: T[];
  cut: boolean;
}

async function listOf<T extends { _id: string }>(label: string, collection: Collection<T>, where: Where, orderBy: OrderBy): Promise<ListRead<T>> {
  const docs = await readAll(collection, where, { orderBy, max: EXPORT_MAX_PER_LIST + 1 });
  return { label, docs: docs.slice(0, EXPORT_MAX_PER_LIST), cut: docs.length > EXPORT_MAX_PER_LIST };
}

/** Dates as ISO strings, everything else as stored. */
const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

/** Leaves out fields that are other people's (their openids, contact details), keeping one's own. */
function without<T extends object>(doc: T, fields: readonly string[]): Partial<T> {
  const copy: Record<string, unknown> = { ...(doc as Record<string, unknown>) };
  for (const field of fields) delete copy[field];
  return copy as Partial<T>;
}

/** An order's timeline without who else acted (their openids); what happened and when stays. */
const ownTimeline = (order: Order, openid: string) => ({
  events: order.events.map((event) => ({ at: event.at, from: event.from, to: event.to, ...(event.note ? { note: event.note } : {}), byMe: event.by === openid })),
});

export async function exportMine(deps: Deps, caller: Caller): Promise<DataExportView> {
  const user = found(caller.user);
  const { openid } = caller;
  const { store } = deps;
  const now = deps.clock.now();
  const used = await deps.store.transaction((tx) =>
    takeDailyQuota(tx, quotaKey('export', openid), EXPORTS_PER_DAY, now, `您今天已导出 ${EXPORTS_PER_DAY} 次，请明天再导出`),
  );

  const lists = await Promise.all([
    listOf('我下的订单', ordersOf(deps), { residentOpenid: openid }, [['createdAt', 'desc'], ['_id', 'asc']]),
    listOf('我服务的订单', ordersOf(deps), { assignee: openid }, [['createdAt', 'desc'], ['_id', 'asc']]),
    listOf('积分流水', store.collection<LedgerEntry>(COLLECTIONS.pointsLedger), { openid }, [['createdAt', 'desc'], ['_id', 'desc']]),
    listOf('积分兑换', store.collection<Redemption>(COLLECTIONS.redemptions), { openid }, [['createdAt', 'desc'], ['_id', 'desc']]),
    listOf('志愿服务记录', store.collection<ServiceRecord>(COLLECTIONS.serviceRecords), { openid }, [['date', 'desc'], ['_id', 'desc']]),
    listOf('记录更正申请', store.collection<RecordCorrection>(COLLECTIONS.recordCorrections), { openid }, [['requestedAt', 'desc'], ['_id', 'desc']]),
    listOf('服务证明', store.collection<Certificate>(COLLECTIONS.certificates), { openid }, [['issuedAt', 'desc'], ['_id', 'desc']]),
    listOf('活动报名', store.collection<ActivitySignup>(COLLECTIONS.activitySignups), { openid }, [['signedUpAt', 'desc'], ['_id', 'desc']]),
    listOf('好人好事推荐', store.collection<AwardNomination>(COLLECTIONS.awardNominations), { openid }, [['createdAt', 'desc'], ['_id', 'desc']]),
    listOf('我上报的问题', store.collection<Affair>(COLLECTIONS.affairs), { reporterOpenid: openid, status: { in: ALL_STATUSES } }, [['createdAt', 'desc'], ['_id', 'desc']]),
    listOf('巡查走访记录', store.collection<PatrolLog>(COLLECTIONS.patrolLogs), { openid }, [['date', 'desc'], ['_id', 'desc']]),
    listOf('我提出的议题', store.collection<CouncilMatter>(COLLECTIONS.councilMatters), { proposerOpenid: openid }, [['createdAt', 'desc'], ['_id', 'desc']]),
    listOf('我的议事评论', store.collection<CouncilComment>(COLLECTIONS.councilComments), { openid }, [['createdAt', 'desc'], ['_id', 'desc']]),
    listOf('我的议事投票', store.collection<CouncilVote>(COLLECTIONS.councilVotes), { openid }, [['createdAt', 'desc'], ['_id', 'desc']]),
    listOf('我记录的走访', store.collection<HouseholdVisit>(COLLECTIONS.householdVisits), { linkerOpenid: openid }, [['date', 'desc'], ['_id', 'desc']]),
  ]);
  const [placed, served, ledger, redemptions, records, corrections, certificates, signups, awards, reported, patrols, matters, comments, votes, visits] = lists;
  const [household, claim] = await Promise.all([
    user.householdId ? store.collection<Household>(COLLECTIONS.households).get(user.householdId) : Promise.resolve(null),
    store.collection<HouseholdClaim>(COLLECTIONS.householdClaims).get(openid),
  ]);
  const volunteer = caller.volunteer;

  const content = {
    说明: '这是邻里小程序保存的关于您的全部信息（导出时的状态）。其他人的联系方式和账号标识不在其中。',
    导出时间: iso(now),
    个人资料: plain({ ...without(user, ['deletion', 'exportFileID']), communityName: caller.community?.name }),
    志愿者资料: volunteer ? plain({ ...without(volunteer, ['reviewedBy']), ...(volunteer.idNumber ? { idNumber: maskIdNumber(volunteer.idNumber) } : {}) }) : null,
    积分账户: caller.points ? plain(without(caller.points, ['redemptionDay', 'redemptionsThatDay'])) : null,
    [placed.label]: placed.docs.map((order) => plain({ ...without(order, ['assignee', 'assigneeApprovedBy', 'createdBy', 'events', 'declines', 'score', 'recordAlert']), ...ownTimeline(order, openid) })),
    [served.label]: served.docs.map((order) =>
      plain({
        ...without(order, ['residentOpenid', 'createdBy', 'householdId', 'contactName', 'contactPhone', 'photos', 'assigneeApprovedBy', 'events', 'declines', 'recordAlert']),
        address: { gridId: order.address.gridId, building: order.address.building },
        score: order.score ? without(order.score, ['by']) : undefined,
        rating: order.rating ? without(order.rating, ['onBehalf']) : undefined,
        ...ownTimeline(order, openid),
      }),
    ),
    [ledger.label]: ledger.docs.map((entry) => plain(without(entry, ['by']))),
    [redemptions.label]: redemptions.docs.map((redemption) => plain(without(redemption, ['fulfilledBy', 'cancelledBy', 'clientRequestId']))),
    [records.label]: records.docs.map((record) => plain(without(record, ['recordedBy']))),
    [corrections.label]: corrections.docs.map((correction) => plain(without(correction, ['reviewedBy', 'clientRequestId']))),
    [certificates.label]: certificates.docs.map((certificate) => plain(without(certificate, ['clientRequestId']))),
    [signups.label]: signups.docs.map((signup) => plain(without(signup, ['checkInBy', 'checkOutBy']))),
    [awards.label]: awards.docs.map((award) => plain(without(award, ['nominatedBy', 'reviewedBy', 'clientRequestId']))),
    // What they reported and what became of it; who handled it is named, not identified.
    [reported.label]: reported.docs.map((affair) =>
      plain({
        ...without(affair, ['handler', 'createdBy', 'clientRequestId', 'events', 'resolution', 'remindAt']),
        ...(affair.handler ? { handlerName: affair.handler.name } : {}),
        ...(affair.resolution ? { resolution: without(affair.resolution, ['by']) } : {}),
        events: affair.events.map((event) => ({ at: event.at, from: event.from, to: event.to, ...(event.note ? { note: event.note } : {}), byMe: event.by === openid })),
      }),
    ),
    [patrols.label]: patrols.docs.map((log) => plain(log)),
    // 居民议事: what they raised, said and chose; who of the staff acted is named, not identified.
    [matters.label]: matters.docs.map((matter) => plain({ ...without(matter, ['events', 'decision']), ...(matter.decision ? { decision: without(matter.decision, ['by']) } : {}) })),
    [comments.label]: comments.docs.map((comment) => plain({ ...without(comment, ['hidden']), ...(comment.hidden ? { hidden: without(comment.hidden, ['by']) } : {}) })),
    [votes.label]: votes.docs.map((vote) => plain(vote)),
    // Their household as they see it in the app: the door and its members (the care flags are staff's notes).
    我的家庭户: household ? plain({ address: without(household, ['_id', 'communityId', 'members', 'flags', 'linkerOpenid', 'createdBy', 'updatedBy', 'version']), members: household.members.map((member) => ({ name: member.name, relation: member.relation, me: member.openid === openid })) }) : null,
    关联家庭户申请: claim ? plain(without(claim, ['decidedBy'])) : null,
    // As a linker: the visits they wrote down (the households' doors, not their members).
    [visits.label]: visits.docs.map((visit) => plain(without(visit, ['communityId', 'householdId', 'linkerOpenid']))),
  };
  const cut = lists.filter((list) => list.cut).map((list) => list.label);
  const truncated = cut.length
    ? `${cut.join('、')}超过 ${EXPORT_MAX_PER_LIST} 条，文件里是最近的 ${EXPORT_MAX_PER_LIST} 条；需要更早的请联系社区工作人员`
    : undefined;
  const file = truncated ? { ...content, 未包含: truncated } : content;
  const fileID = await deps.files.upload(exportPath(openid), new TextEncoder().encode(JSON.stringify(file, null, 2)));
  // Kept on the profile, so 注销 can delete the file.
  if (user.exportFileID !== fileID) await store.collection<User>(COLLECTIONS.users).update({ _id: openid }, { set: { exportFileID: fileID } });
  const url = await deps.files.temporaryUrl(fileID, EXPORT_URL_SECONDS);
  return {
    fileID,
    url,
    fileName: `邻里-我的数据-${formatLocal(now).slice(0, 10)}.json`,
    counts: Object.fromEntries(lists.map((list) => [list.label, list.docs.length])),
    ...(truncated ? { truncated } : {}),
    remainingToday: EXPORTS_PER_DAY - used - 1,
  };
}

// ---- 注销 ------------------------------------------------------------------------------------------

const HELD_BY_VOLUNTEER = ['assigned', 'accepted', 'in_service'] as const;
const ACTIVE_SIGNUP = ['enrolled', 'waitlisted', 'checked_in'] as const;

/** Why this person cannot be deleted now, or null. */
async function refusal(deps: Deps, caller: Caller): Promise<string | null> {
  if (caller.roles.has('staff') || caller.roles.has('grid_worker') || caller.roles.has('admin')) {
    return '社区工作人员、网格员和管理员请先由社区移除工作身份，再注销账号';
  }
  if (caller.roles.has('department')) {
    return '部门人员经手的问题是社区的记录，请先由社区移除部门身份，再注销账号';
  }
  const { openid } = caller;
  const { store } = deps;
  const [redemption, inService, held, signup] = await Promise.all([
    store.collection<Redemption>(COLLECTIONS.redemptions).find({ openid, status: 'pending' }, { limit: 1 }),
    ordersOf(deps).find({ residentOpenid: openid, status: 'in_service' }, { limit: 1 }),
    ordersOf(deps).find({ assignee: openid, status: { in: HELD_BY_VOLUNTEER } }, { limit: 1 }),
    store.collection<ActivitySignup>(COLLECTIONS.activitySignups).find({ openid, status: { in: ACTIVE_SIGNUP } }, { limit: 1 }),
  ]);
  if (redemption.length) return '您还有未领取的兑换，请先到社区领取或取消后再注销';
  if (inService.length) return '您有正在服务中的订单，请等服务完成后再注销';
  if (held.length) return '您还有派给您或已接的订单，请完成或退回后再注销';
  if (signup.length) return '您还报名了志愿活动，请先取消报名或等活动结束后再注销';
  return null;
}

/** The random id that replaces the openid in what is kept: written first, so a retry reuses it. */
async function pseudonymOf(deps: Deps, user: User): Promise<string> {
  if (user.deletion) return user.deletion.pseudonym;
  const pseudonym = `deleted-${deps.random.id()}`;
  const users = deps.store.collection<User>(COLLECTIONS.users);
  const marked = await users.update({ _id: user._id, deletion: { exists: false } }, { set: { deletion: { pseudonym, startedAt: deps.clock.now() } } });
  if (marked > 0) return pseudonym;
  // Another tap began it first: use its id.
  return found((await users.get(user._id))?.deletion, '账号已注销').pseudonym;
}

/** Open orders placed for them are cancelled; a volunteer on the way is told. */
async function cancelOpenOrders(deps: Deps, openid: string): Promise<number> {
  const open = await ordersOf(deps).find({ residentOpenid: openid, status: { in: TRANSITIONS.cancel.from } }, { limit: 1000 });
  let cancelled = 0;
  for (const order of open) {
    const next = await transition(
      deps,
      order,
      'cancel',
      openid,
      {
        set: { cancelledAt: deps.clock.now() },
        where: { assignee: order.assignee ?? { exists: false } },
        note: '取消原因：居民注销了账号',
        ...(order.status === 'accepted' && order.assignee ? { counters: { openid: order.assignee, inc: { activeOrders: -1 } } } : {}),
      },
      '取消',
    ).catch((error: unknown) => {
      // Changed meanwhile (accepted, started): the order stays; a refusal next time says why.
      if (error instanceof DomainError) return null;
      throw error;
    });
    if (!next) continue;
    cancelled += 1;
    if (order.assignee && (order.status === 'assigned' || order.status === 'accepted')) {
      await notify(deps, {
        kind: 'order_cancelled',
        touser: order.assignee,
        page: orderPage(order._id),
        fields: { thing1: clip(order.serviceName, 20), thing2: clip(order.address.building, 20), time3: formatLocal(next.cancelledAt ?? deps.clock.now()), thing4: '居民已注销账号，订单取消' },
      });
    }
  }
  return cancelled;
}

/** The balance left goes, as a ledger entry, so the account still adds up; then the account moves to the pseudonym. */
async function forfeitPoints(deps: Deps, openid: string, pseudonym: string, communityId: string): Promise<number> {
  const accounts = deps.store.collection<PointsAccount>(COLLECTIONS.pointsAccounts);
  const forfeited = await deps.store.transaction(async (tx) => {
    const account = await tx.collection<PointsAccount>(COLLECTIONS.pointsAccounts).get(openid);
    if (!account || account.balance === 0) return 0;
    await postPoints(tx, {
      key: `forfeit:${pseudonym}`,
      openid,
      communityId: account.communityId ?? communityId,
      delta: -account.balance,
      source: 'forfeit',
      ref: pseudonym,
      reason: '注销账号，剩余积分作废',
      by: pseudonym,
      now: deps.clock.now(),
    });
    return account.balance;
  });
  const account = await accounts.get(openid);
  if (account) {
    // Added before the old one goes: a retry finds it there (add is refused) and removes the old.
    await accounts.add({ ...account, _id: pseudonym });
    await accounts.remove({ _id: openid });
  }
  return forfeited;
}

/**
 * The household register forgets them: they leave their household's members (the household stays,
 * for the others), the households they linked lose their linker, and their request to be linked goes.
 */
async function leaveHouseholds(deps: Deps, user: User): Promise<void> {
  await leaveHousehold(deps, user);
  await deps.store.collection<Household>(COLLECTIONS.households).update({ linkerOpenid: user._id }, { unset: ['linkerOpenid', 'linkerName'], set: { updatedAt: deps.clock.now() } });
  await deps.store.collection<HouseholdClaim>(COLLECTIONS.householdClaims).remove({ _id: user._id });
}

/** The fields a kept order loses when the one it was for deletes their account. */
/**
 * The problems they reported stay (the community's record of what was found and done), under the
 * pseudonym: the reporter's name, there and in the timeline, becomes 已注销用户; the photos of their
 * reports are erased. Returns the photos to delete and how many affairs were kept.
 */
async function deidentifyAffairs(deps: Deps, openid: string, pseudonym: string): Promise<{ photos: string[]; count: number }> {
  const affairs = deps.store.collection<Affair>(COLLECTIONS.affairs);
  const reported = await readAll(affairs, { reporterOpenid: openid, status: { in: ALL_STATUSES } }, { orderBy: [['createdAt', 'desc'], ['_id', 'desc']] });
  const photos: string[] = [];
  for (const affair of reported) {
    const events = affair.events.map((event) => (event.by === openid ? { ...event, by: pseudonym, byName: DELETED_NAME } : event));
    // A report's photos are all the reporter's (affair.report takes only their own; an order turned into an affair brings its resident's).
    const ownPhotos = affair.photos ?? [];
    photos.push(...ownPhotos);
    await affairs.update(
      { _id: affair._id, reporterOpenid: openid },
      {
        set: { reporterOpenid: pseudonym, reporterName: DELETED_NAME, events, ...(affair.createdBy === openid ? { createdBy: pseudonym } : {}) },
        // Nor does the household they reported from stay on it (its id follows from their door).
        unset: ['householdId', ...(ownPhotos.length > 0 ? ['photos'] : [])],
      },
    );
  }
  return { photos, count: reported.length };
}

/**
 * 居民议事: the matters they raised and their comments stay (the record of what was discussed),
 * under the pseudonym and 已注销用户. Their votes under the resident rule go (a vote under their
 * openid would still point at them; the tally of a closed matter is stored on it); a household's
 * vote they cast stays the household's, no longer naming them.
 */
async function deidentifyCouncil(deps: Deps, openid: string, pseudonym: string): Promise<{ matters: number; comments: number }> {
  const matters = deps.store.collection<CouncilMatter>(COLLECTIONS.councilMatters);
  const raised = await readAll(matters, { proposerOpenid: openid }, { orderBy: [['createdAt', 'desc'], ['_id', 'desc']] });
  for (const matter of raised) {
    const events = matter.events.map((entry) => (entry.by === openid ? { ...entry, by: pseudonym, byName: DELETED_NAME } : entry));
    await matters.update({ _id: matter._id, proposerOpenid: openid }, { set: { proposerOpenid: pseudonym, proposerName: DELETED_NAME, events } });
  }
  const comments = await deps.store.collection<CouncilComment>(COLLECTIONS.councilComments).update({ openid }, { set: { openid: pseudonym, authorName: DELETED_NAME } });
  const votes = deps.store.collection<CouncilVote>(COLLECTIONS.councilVotes);
  const cast = await readAll(votes, { openid }, { orderBy: [['createdAt', 'desc'], ['_id', 'desc']] });
  for (const vote of cast) {
    if (vote.rule === 'resident') await votes.remove({ _id: vote._id });
    else await votes.update({ _id: vote._id, openid }, { set: { openid: pseudonym } });
  }
  return { matters: raised.length, comments };
}

const ERASED_FROM_ORDERS = { contactName: DELETED_NAME, contactPhone: '', description: '（居民已注销，需求描述已删除）' };

/** Orders they placed, were served or served: the openid and their details go, the order stays. */
async function deidentifyOrders(deps: Deps, user: Pick<User, '_id' | 'name'>, pseudonym: string): Promise<{ photos: string[]; count: number }> {
  const openid = user._id;
  const orders = ordersOf(deps);
  const photos: string[] = [];
  let count = 0;
  const replace = (id: string) => (id === openid ? pseudonym : id);
  // Their own orders, those they served, and (as a household's linker) those they placed for others:
  // staff and grid workers, who also place orders, are refused above until they leave the role.
  for (const where of [{ residentOpenid: openid }, { assignee: openid }, { createdBy: openid }] as Where[]) {
    // Each write takes the order out of `where`, so a retry goes on where this one stopped.
    const mine = await readAll(orders, where, { orderBy: [['createdAt', 'desc'], ['_id', 'asc']], max: 5000 });
    for (const order of mine) {
      const set: Record<string, unknown> = {
        residentOpenid: replace(order.residentOpenid),
        createdBy: replace(order.createdBy),
        // A 代点单's note names who placed it (联户长…代点单): that name goes with them.
        events: order.events.map((event): OrderEvent => (event.by === openid ? { ...event, by: pseudonym, ...(event.note && user.name ? { note: event.note.split(user.name).join(DELETED_NAME) } : {}) } : event)),
        declines: order.declines.map((decline) => ({ ...decline, by: replace(decline.by) })),
      };
      const unset: string[] = [];
      if (order.residentOpenid === openid) {
        Object.assign(set, ERASED_FROM_ORDERS, { address: { gridId: order.address.gridId, building: order.address.building } });
        if (order.photos?.length) photos.push(...order.photos);
        // The household's id follows from its door: kept, it would say which door the room-less address was.
        unset.push('photos', 'preferredTime', 'householdId');
      }
      if (order.rating?.onBehalf?.by === openid) set.rating = { ...order.rating, onBehalf: { by: pseudonym, name: DELETED_NAME } };
      if (order.assignee === openid) Object.assign(set, { assignee: pseudonym, assigneeName: DELETED_NAME });
      await orders.update({ _id: order._id }, { set, ...(unset.length ? { unset } : {}) });
      count += 1;
    }
  }
  return { photos, count };
}

export async function deleteAccount(deps: Deps, caller: Caller): Promise<AccountDeletionView> {
  const user = found(caller.user);
  const { openid } = caller;
  const { store } = deps;
  if (!user.deletion) {
    const refused = await refusal(deps, caller);
    if (refused) throw new DomainError('CONFLICT', refused);
  }
  const pseudonym = await pseudonymOf(deps, user);
  const cancelledOrders = await cancelOpenOrders(deps, openid);
  const forfeitedPoints = await forfeitPoints(deps, openid, pseudonym, user.communityId);

  // Kept, under the pseudonym and without the name.
  const renamed = { openid: pseudonym };
  const kept: Record<string, number> = {};
  // Entries and records they made themselves (a redemption, a self check-out) name them as author too.
  const ledger = store.collection<LedgerEntry>(COLLECTIONS.pointsLedger);
  await ledger.update({ openid, by: openid }, { set: { by: pseudonym } });
  kept['积分流水'] = await ledger.update({ openid }, { set: renamed });
  await store.collection<ServiceRecord>(COLLECTIONS.serviceRecords).update({ openid, recordedBy: openid }, { set: { recordedBy: pseudonym } });
  kept['积分兑换'] = await store.collection<Redemption>(COLLECTIONS.redemptions).update({ openid }, { set: { ...renamed, redeemerName: DELETED_NAME } });
  kept['志愿服务记录'] = await store.collection<ServiceRecord>(COLLECTIONS.serviceRecords).update({ openid }, { set: { ...renamed, volunteerName: DELETED_NAME } });
  await store.collection<RecordChange>(COLLECTIONS.recordChanges).update({ openid }, { set: renamed });
  kept['记录更正申请'] = await store.collection<RecordCorrection>(COLLECTIONS.recordCorrections).update({ openid }, { set: { ...renamed, volunteerName: DELETED_NAME } });
  kept['服务证明'] = await store.collection<Certificate>(COLLECTIONS.certificates).update({ openid }, { set: { ...renamed, volunteerName: DELETED_NAME } });
  kept['好人好事推荐'] = await store.collection<AwardNomination>(COLLECTIONS.awardNominations).update({ openid }, { set: { ...renamed, nomineeName: DELETED_NAME } });
  const orders = await deidentifyOrders(deps, user, pseudonym);
  kept['订单'] = orders.count;
  const affairs = await deidentifyAffairs(deps, openid, pseudonym);
  kept['问题上报'] = affairs.count;
  const council = await deidentifyCouncil(deps, openid, pseudonym);
  if (council.matters) kept['议事议题'] = council.matters;
  if (council.comments) kept['议事评论'] = council.comments;
  // The visits they made stay the households' care record, no longer naming them.
  const visits = await store.collection<HouseholdVisit>(COLLECTIONS.householdVisits).update({ linkerOpenid: openid }, { set: { linkerOpenid: pseudonym, linkerName: DELETED_NAME } });
  if (visits) kept['走访记录'] = visits;

  // Erased.
  await leaveHouseholds(deps, user);
  await deps.files.remove([...orders.photos, ...affairs.photos, ...(user.exportFileID ? [user.exportFileID] : [])]);
  await store.collection<ActivitySignup>(COLLECTIONS.activitySignups).remove({ openid });
  if (caller.volunteer) {
    // The counters of an accepted order it held are gone with it (refused above); nothing else reads them.
    await store.collection<Volunteer>(COLLECTIONS.volunteers).remove({ _id: openid });
  }
  await store.collection<User>(COLLECTIONS.users).remove({ _id: openid });
  return { cancelledOrders, forfeitedPoints, kept: Object.fromEntries(Object.entries(kept).filter(([, count]) => count > 0)) };
}

/**
 * The user function's actions on the person's own data. Kept here, apart from the rest of the user
 * function's handlers: 注销 tells volunteers of orders it cancels, and functions that only need the
 * person's profile (community, admin) must not carry the code that sends notices.
 */
export const accountHandlers: Pick<Handlers<'user'>, 'user.exportMine' | 'user.deleteAccount'> = {
  'user.exportMine': async (_input, { caller, deps }) => exportMine(deps, caller),
  'user.deleteAccount': async (_input, { caller, deps }) => deleteAccount(deps, caller),
};
