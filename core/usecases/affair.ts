/**
 * The `affair` function (网格发现 → 社区吹哨 → 部门报到): a grid worker, a resident or staff reports a
 * problem; staff have the community handle it (a staff member, grid worker or volunteer) or whistle
 * to a department (吹哨) with a deadline; the department accepts (报到) or returns it; the handler
 * records what was done; the reporter (or the grid's worker, or staff) confirms or reopens it, and
 * the reporter rates it. Every transition is one conditional write on the status and version read
 * (core/affair-machine.ts), appended to the timeline. A timer reminds handlers before the deadline
 * and flags what passed it, counting each missed deadline once.
 */
import {
  AFFAIR_TRANSITIONS,
  type AffairTransition,
  ALL_STATUSES,
  AT_THE_DESK,
  canMove,
  canViewAffair,
  confirmRefusal,
  DAILY_REPORTS,
  DESK_HOURS,
  WITH_DEADLINE,
  DISPUTE,
  IN_HAND,
  isAffairStaff,
  isHandler,
  isItsDepartment,
  didTheWork,
  isReporter,
  OPEN_AFFAIR_STATUSES,
  remindAtFor,
  tierFor,
} from '../affair-machine';
import { AFFAIR_LIST_OMIT, toAffairView } from '../affair-view';
import type { AffairListStatus } from '../contract';
import { DomainError, found } from '../errors';
import type { Handlers, TimerJob } from '../handlers';
import { AFFAIR_STATUS_TEXT } from '../labels';
import { affairRulesOf, DEFAULT_AFFAIR_RULES, defaultDeadlineHours } from '../settings';
import {
  type Affair,
  type AffairCategory,
  type AffairEvent,
  type AffairRules,
  type AffairHandler,
  type AffairStatus,
  COLLECTIONS,
  type Community,
  type Department,
  type MediationTier,
  type Order,
  type User,
  type Volunteer,
} from '../model';
import type { ActionContext, Caller, Collection, Deps, Update, Where } from '../ports';
import { addHours, formatLocal } from '../time';
import { matchesWhere } from '../where';
import { hash53 } from './order';
import { digestId } from '../digest';
import { orderEvent } from './order-transitions';
import { memberCommunity } from './shared/access';
import { clip, notify } from './shared/notify';
import { keysetPage, type OrderBy } from './shared/paging';
import { quotaKey, takeDailyQuota } from './shared/quota';
import { compact, loadCommunity, prereadOrGet } from './shared/store';
import { checkAddress } from './user';

/** Steps an affair's timeline may hold (each reassignment, return or reopening is one). */
export const MAX_AFFAIR_EVENTS = 60;

export const affairsOf = (deps: Deps): Collection<Affair> => deps.store.collection<Affair>(COLLECTIONS.affairs);

/**
 * Where a notice about an affair opens: the affair's own page (the affair subpackage), with the
 * buttons its reader may use now (tests/core/notice-pages.test.ts holds every notice to a page of app.json).
 */
export const affairPage = (affairId: string) => `affair/detail/index?affairId=${encodeURIComponent(affairId)}`;

const NEWEST: OrderBy = [
  ['createdAt', 'desc'],
  ['_id', 'desc'],
];

/** The same caller and request always give the same id, so a retried report finds the first. */
export function affairIdFor(openid: string, clientRequestId: string): string {
  const key = `${openid}\u0000affair\u0000${clientRequestId}`;
  return `a${hash53(key, 1)}${hash53(key, 2)}`;
}

async function loadAffair(deps: Deps, affairId: string, preread: ActionContext['preread']): Promise<Affair> {
  return found(await prereadOrGet(affairsOf(deps), affairId, preread, 'affair'), '该问题不存在');
}

const conflict = (affair: Pick<Affair, 'status'>, doing: string) => new DomainError('CONFLICT', `该问题当前为“${AFFAIR_STATUS_TEXT[affair.status]}”，不能${doing}`);

const nameOf = (caller: Caller) => caller.user?.name ?? '';

/** The folder of one report's (its request id) or one result's (the affair) photos: the caller's, and only that one's. */
export const photoFolderFor = (openid: string, purpose: 'report' | 'resolve', key: string): string => `p${digestId(`${openid}\nphotos\n${purpose}\n${key}`).slice(0, 24)}`;

/** A photo must be one the caller uploaded into the folder of this report or result (affair.photoFolder). */
function checkPhotos(caller: Caller, photos: readonly string[] | undefined, purpose: 'report' | 'resolve', key: string): void {
  if (!photos?.length) return;
  const folder = photoFolderFor(caller.openid, purpose, key);
  if (photos.some((fileID) => fileID.split('/')[4] !== folder)) throw new DomainError('FORBIDDEN', '只能附上自己上传的照片');
}

/** Only the categories the community takes (its affair rules). */
function checkCategory(community: Community, category: AffairCategory): void {
  if (!affairRulesOf(community).categories.some((item) => item.name === category)) {
    throw new DomainError('INVALID_INPUT', `本社区暂不受理“${category}”类问题，请选择其他类别`);
  }
}

interface Move {
  /** When it happens (the deadline set with it counts from the same moment). */
  at?: Date;
  set?: Record<string, unknown>;
  unset?: Array<keyof Affair & string>;
  note?: string;
  tier?: MediationTier;
}

/**
 * Moves the affair by `command` with one conditional write on its status and version as read: of
 * two people acting at once (two staff whistling, a return and an accept), one wins and the other
 * gets CONFLICT, and nothing of theirs is written.
 */
async function move(deps: Deps, affair: Affair, command: AffairTransition, caller: Caller, change: Move, doing: string): Promise<Affair> {
  const to = (AFFAIR_TRANSITIONS[command] as { to?: AffairStatus }).to;
  if (!to) throw new Error(`${command} does not change the status`);
  if (!canMove(affair, command)) throw conflict(affair, doing);
  // Loops (reassign, return, reopen) cannot grow the document and its page without end.
  if ((affair.events ?? []).length >= MAX_AFFAIR_EVENTS) {
    throw new DomainError('LIMIT_REACHED', `该问题已办理 ${MAX_AFFAIR_EVENTS} 步，请由社区负责人研究后另行上报`);
  }
  const now = change.at ?? deps.clock.now();
  const event: AffairEvent = compact({ at: now, by: caller.openid, byName: nameOf(caller), from: affair.status, to, note: change.note || undefined, tier: change.tier });
  const set = { ...change.set, status: to, version: affair.version + 1, updatedAt: now, ...(change.tier ? { tier: change.tier } : {}) };
  const update: Update = { set, push: { events: event } };
  if (change.unset?.length) update.unset = change.unset;
  const written = await affairsOf(deps).update({ _id: affair._id, status: affair.status, version: affair.version, [`events.${MAX_AFFAIR_EVENTS - 1}`]: { exists: false } }, update);
  if (written === 0) throw new DomainError('CONFLICT', '该问题刚被其他人处理，请刷新后重试');
  const next: Record<string, unknown> = { ...affair, ...set, events: [...(affair.events ?? []), event] };
  for (const field of change.unset ?? []) delete next[field];
  return next as unknown as Affair;
}

function requireStaff(caller: Caller, affair: Affair): void {
  if (!isAffairStaff(caller, affair)) throw new DomainError('FORBIDDEN', '只能处理本社区的问题');
}

/** The tier staff chose, which only a dispute has. */
function chosenTier(affair: Affair, step: 'handle' | 'whistle', tier: MediationTier | undefined): MediationTier | undefined {
  if (tier && affair.category !== DISPUTE) throw new DomainError('INVALID_INPUT', '只有矛盾纠纷需要选择调解层级');
  return tierFor(affair, step, tier);
}

/** From now: the hours staff gave, else the community's default for the category and urgency. */
function deadline(deps: Deps, caller: Caller, affair: Affair, hours: number | undefined): { at: Date; dueAt: Date; remindAt: Date } {
  const now = deps.clock.now();
  const rules = caller.community ? affairRulesOf(caller.community) : DEFAULT_AFFAIR_RULES;
  const dueAt = addHours(now, hours ?? defaultDeadlineHours(rules, affair.category, affair.urgency));
  return { at: now, dueAt, remindAt: remindAtFor(now, dueAt) };
}

const placeText = (affair: Affair) => clip(`${affair.place.building}${affair.place.detail ? ` ${affair.place.detail}` : ''}`, 20);

/** The people of a department (a handful), for notices. */
async function departmentPeople(deps: Deps, departmentId: string): Promise<User[]> {
  return deps.store.collection<User>(COLLECTIONS.users).find({ departmentId }, { limit: 20 });
}

async function noticeAssigned(deps: Deps, affair: Affair, touser: string, dueAt: Date): Promise<void> {
  await notify(deps, {
    kind: 'affair_assigned',
    touser,
    page: affairPage(affair._id),
    fields: { thing1: clip(affair.category, 20), thing2: placeText(affair), time3: formatLocal(dueAt), thing4: clip(`${affair.urgency}，请按时办理`, 20) },
  });
}

/** A new affair as it reaches the community's desk: its first step, who made it, and the desk's deadline. */
function atTheDesk(by: string, byName: string, now: Date, tier: MediationTier | undefined, note?: string) {
  return {
    createdBy: by,
    status: 'reported' as const,
    version: 0,
    tier,
    overdue: false,
    overdueCount: 0,
    dueAt: addHours(now, DESK_HOURS),
    events: [compact({ at: now, by, byName, from: null, to: 'reported' as const, note, tier })],
    createdAt: now,
    updatedAt: now,
  };
}

/** What is kept of an assignment or a whistle while the affair is with someone, and dropped when it is back at the desk. */
const WITH_SOMEONE: Array<keyof Affair & string> = ['handler', 'departmentId', 'departmentName', 'remindAt'];

/** Back at the community's desk: staff have DESK_HOURS to send it on; nothing is overdue yet. */
const backAtTheDesk = (deps: Deps) => ({ overdue: false, dueAt: addHours(deps.clock.now(), DESK_HOURS) });

/** The statuses an `affair.list` filter stands for (overdue: those in hand, with the flag). */
function listStatuses(status: AffairListStatus | undefined): readonly AffairStatus[] {
  switch (status) {
    case undefined:
      return ALL_STATUSES;
    case 'open':
      return OPEN_AFFAIR_STATUSES;
    case 'waiting':
      return AT_THE_DESK;
    case 'in_hand':
      return IN_HAND;
    case 'overdue':
      return WITH_DEADLINE;
    case 'closed':
    case 'whistled':
    case 'accepted':
    case 'resolved':
      return [status];
  }
}

export const affairHandlers: Handlers<'affair'> = {
  'affair.report': async (input, { caller, deps }) => {
    const user = found(caller.user, '请先登记');
    const affairId = affairIdFor(caller.openid, input.clientRequestId);
    const existing = async () => {
      const made = await affairsOf(deps).get(affairId);
      return made && made.createdBy === caller.openid ? made : null;
    };
    const community = await loadCommunity(deps, user.communityId, caller);
    checkAddress(community, { gridId: input.place.gridId, building: input.place.building });
    checkCategory(community, input.category);
    checkPhotos(caller, input.photos, 'report', input.clientRequestId);
    if (input.parties && input.category !== DISPUTE) throw new DomainError('INVALID_INPUT', '只有矛盾纠纷需要填写当事人');
    const official = caller.roles.has('staff') || caller.roles.has('grid_worker');
    // Anonymity protects a resident from their neighbours; whoever reports as part of their work signs it.
    if (input.anonymous && official) throw new DomainError('INVALID_INPUT', '工作人员和网格员上报问题不能匿名');
    const now = deps.clock.now();
    const reporterRole = caller.roles.has('staff') ? 'staff' : caller.roles.has('grid_worker') ? 'grid_worker' : 'resident';
    const tier = input.category === DISPUTE ? ('grid' as const) : undefined;
    const affair: Affair = compact({
      _id: affairId,
      communityId: community._id,
      clientRequestId: input.clientRequestId,
      category: input.category,
      description: input.description,
      parties: input.parties || undefined,
      place: compact({ gridId: input.place.gridId, building: input.place.building, detail: input.place.detail || undefined }),
      photos: input.photos?.length ? input.photos : undefined,
      urgency: input.urgency,
      reporterOpenid: caller.openid,
      reporterName: user.name,
      reporterRole,
      anonymous: input.anonymous ?? false,
      // Its linker follows what a household raised under its name about its own building; never a
      // dispute (neighbours are its parties).
      householdId: reporterRole === 'resident' && !input.anonymous && input.category !== DISPUTE && input.place.building === user.address.building ? user.householdId : undefined,
      ...atTheDesk(caller.openid, user.name, now, tier),
    });
    const limit = official ? DAILY_REPORTS.official : DAILY_REPORTS.resident;
    try {
      await deps.store.transaction(async (tx, attempt) => {
        if (attempt > 1 && (await tx.collection<Affair>(COLLECTIONS.affairs).get(affairId))) return;
        await takeDailyQuota(tx, quotaKey('affair', caller.openid), limit, now, `您今天已上报 ${limit} 个问题，已达每天的上限，请明天再报；急事请直接联系社区`);
        await tx.collection<Affair>(COLLECTIONS.affairs).add(affair);
      });
    } catch (error) {
      // A retried tap finds what the first made (its id comes from the request's id).
      const made = await existing();
      if (made) return { affair: toAffairView(made, caller, true) };
      throw error;
    }
    return { affair: toAffairView((await existing()) ?? affair, caller, true) };
  },

  'affair.handle': async (input, { caller, deps, preread }) => {
    const affair = await loadAffair(deps, input.affairId, preread);
    requireStaff(caller, affair);
    if (!canMove(affair, 'handle')) throw conflict(affair, '交办');
    const user = await prereadOrGet(deps.store.collection<User>(COLLECTIONS.users), input.assignee, preread, 'assigneeUser');
    const volunteer = await prereadOrGet(deps.store.collection<Volunteer>(COLLECTIONS.volunteers), input.assignee, preread, 'assigneeVolunteer');
    let handler: AffairHandler;
    if (user && user.communityId === affair.communityId && (user.roles.includes('staff') || user.roles.includes('grid_worker'))) {
      handler = { openid: user._id, name: user.name, kind: user.roles.includes('staff') ? 'staff' : 'grid_worker' };
    } else if (volunteer && volunteer.communityId === affair.communityId && volunteer.status === 'approved') {
      handler = { openid: volunteer._id, name: volunteer.realName, kind: 'volunteer' };
    } else {
      throw new DomainError('INVALID_INPUT', '只能交给本社区的工作人员、网格员或已通过审核的志愿者');
    }
    const tier = chosenTier(affair, 'handle', input.tier);
    const { at, dueAt, remindAt } = deadline(deps, caller, affair, input.deadlineHours);
    const next = await move(
      deps,
      affair,
      'handle',
      caller,
      { at, set: { handler, dueAt, remindAt, overdue: false }, unset: ['departmentId', 'departmentName'], note: `交由 ${handler.name} 办理${input.note ? `：${input.note}` : ''}`, tier },
      '交办',
    );
    await noticeAssigned(deps, next, handler.openid, dueAt);
    return { affair: toAffairView(next, caller, true) };
  },

  'affair.whistle': async (input, { caller, deps, preread }) => {
    const affair = await loadAffair(deps, input.affairId, preread);
    requireStaff(caller, affair);
    if (!canMove(affair, 'whistle')) throw conflict(affair, '吹哨');
    const department = await prereadOrGet(deps.store.collection<Department>(COLLECTIONS.departments), input.departmentId, preread, 'department');
    if (!department || department.communityId !== affair.communityId) throw new DomainError('INVALID_INPUT', '该部门不属于本社区');
    if (!department.active) throw new DomainError('CONFLICT', '该部门已停用，请选择其他部门');
    if (!department.categories.includes(affair.category)) throw new DomainError('INVALID_INPUT', `${department.name}不负责“${affair.category}”类问题，请选择其他部门`);
    const tier = chosenTier(affair, 'whistle', input.tier);
    const { at, dueAt, remindAt } = deadline(deps, caller, affair, input.deadlineHours);
    const next = await move(
      deps,
      affair,
      'whistle',
      caller,
      {
        at,
        set: { departmentId: department._id, departmentName: department.name, dueAt, remindAt, overdue: false },
        unset: ['handler'],
        note: `吹哨：交${department.name}办理，${formatLocal(dueAt)} 前${input.note ? `；${input.note}` : ''}`,
        tier,
      },
      '吹哨',
    );
    for (const person of await departmentPeople(deps, department._id)) await noticeAssigned(deps, next, person._id, dueAt);
    return { affair: toAffairView(next, caller, true) };
  },

  'affair.respond': async (input, { caller, deps, preread }) => {
    const affair = await loadAffair(deps, input.affairId, preread);
    if (!isItsDepartment(caller, affair)) throw new DomainError('FORBIDDEN', '该问题没有交给您所在的部门');
    if (input.decision === 'accept') {
      if (!canMove(affair, 'accept')) throw conflict(affair, '接收');
      const next = await move(deps, affair, 'accept', caller, { note: `${affair.departmentName ?? ''}报到接收${input.note ? `：${input.note}` : ''}` }, '接收');
      return { affair: toAffairView(next, caller, true) };
    }
    if (!canMove(affair, 'return')) throw conflict(affair, '退回');
    const next = await move(
      deps,
      affair,
      'return',
      caller,
      // Back at the community's desk: no department, the desk's deadline, nothing overdue.
      { set: backAtTheDesk(deps), unset: WITH_SOMEONE, note: `${affair.departmentName ?? ''}退回：${input.reason}` },
      '退回',
    );
    return { affair: toAffairView(next, caller, true) };
  },

  'affair.resolve': async (input, { caller, deps, preread }) => {
    const affair = await loadAffair(deps, input.affairId, preread);
    if (!isHandler(caller, affair)) {
      if (!canViewAffair(caller, affair)) throw new DomainError('FORBIDDEN', '您无权处理该问题');
      if (!canMove(affair, 'resolve')) throw conflict(affair, '填写办理结果');
      throw new DomainError('FORBIDDEN', '只有承办人可以填写办理结果');
    }
    if (!canMove(affair, 'resolve')) throw conflict(affair, '填写办理结果');
    checkPhotos(caller, input.photos, 'resolve', affair._id);
    const now = deps.clock.now();
    const resolution = compact({ summary: input.summary, photos: input.photos?.length ? input.photos : undefined, by: caller.openid, byName: nameOf(caller), at: now });
    const next = await move(deps, affair, 'resolve', caller, { set: { resolution, overdue: false }, unset: ['dueAt', 'remindAt'], note: `办理结果：${input.summary}` }, '填写办理结果');
    await notify(deps, {
      kind: 'affair_resolved',
      touser: affair.reporterOpenid,
      page: affairPage(affair._id),
      fields: { thing1: clip(affair.category, 20), thing2: clip(input.summary, 20), time3: formatLocal(now), thing4: '请确认办理结果' },
    });
    return { affair: toAffairView(next, caller, true) };
  },

  'affair.confirm': async (input, { caller, deps, preread }) => {
    const affair = await loadAffair(deps, input.affairId, preread);
    if (!canViewAffair(caller, affair)) throw new DomainError('FORBIDDEN', '您无权处理该问题');
    const refusal = confirmRefusal(caller, affair);
    if (refusal) throw new DomainError('FORBIDDEN', refusal);
    if (input.decision === 'confirm') {
      if (!canMove(affair, 'confirm')) throw conflict(affair, '确认办结');
      const next = await move(deps, affair, 'confirm', caller, { set: { closedAt: deps.clock.now() }, note: input.note ? `确认办结：${input.note}` : '确认办结' }, '确认办结');
      return { affair: toAffairView(next, caller, true) };
    }
    if (!canMove(affair, 'reopen')) throw conflict(affair, '重新办理');
    // Back at the community's desk, to be handled or whistled again.
    const next = await move(deps, affair, 'reopen', caller, { set: backAtTheDesk(deps), unset: WITH_SOMEONE, note: `重新办理：${input.reason}` }, '重新办理');
    return { affair: toAffairView(next, caller, true) };
  },

  'affair.rate': async (input, { caller, deps, preread }) => {
    const affair = await loadAffair(deps, input.affairId, preread);
    if (!isReporter(caller, affair)) throw new DomainError('FORBIDDEN', '只有上报人可以评价');
    if (didTheWork(caller, affair)) throw new DomainError('FORBIDDEN', '不能评价自己或本部门办理的问题');
    if (!canMove(affair, 'rate')) throw conflict(affair, '评价');
    if (affair.rating) throw new DomainError('CONFLICT', '您已经评价过了');
    const rating = compact({ stars: input.stars, comment: input.comment || undefined, at: deps.clock.now() });
    const written = await affairsOf(deps).update({ _id: affair._id, reporterOpenid: caller.openid, status: 'closed', rating: { exists: false } }, { set: { rating } });
    if (written === 0) throw new DomainError('CONFLICT', '您已经评价过了');
    return { affair: toAffairView({ ...affair, rating }, caller, true) };
  },

  // Derived, not stored: nothing to write, and nothing that links two of a person's reports.
  'affair.photoFolder': async (input, { caller }) => ({
    folder: photoFolderFor(caller.openid, input.for, input.for === 'report' ? input.clientRequestId : input.affairId),
  }),

  'affair.get': async (input, { caller, deps, preread }) => {
    const affair = await loadAffair(deps, input.affairId, preread);
    if (!canViewAffair(caller, affair)) throw new DomainError('FORBIDDEN', '您无权查看该问题');
    return { affair: toAffairView(affair, caller, true) };
  },

  'affair.list': async (input, { caller, deps }) => {
    const communityId = memberCommunity(caller);
    const box =
      input.box ??
      (caller.roles.has('staff') ? 'community' : caller.roles.has('department') ? 'department' : caller.roles.has('grid_worker') ? 'grid' : 'mine');
    if (input.status === 'overdue' && box !== 'community') throw new DomainError('INVALID_INPUT', '只有全社区的列表可以筛选超期问题');
    const statuses = listStatuses(input.status);
    let where: Where;
    switch (box) {
      case 'community':
        if (!caller.roles.has('staff')) throw new DomainError('FORBIDDEN', '只有社区工作人员可以查看全社区的问题');
        where = input.status === 'overdue' ? { communityId, overdue: true, status: { in: statuses } } : { communityId, status: { in: statuses } };
        break;
      case 'grid':
        if (!caller.roles.has('grid_worker')) throw new DomainError('FORBIDDEN', '只有网格员可以查看网格的问题');
        where = { communityId, 'place.gridId': { in: caller.user?.gridIds ?? [] }, status: { in: statuses } };
        break;
      case 'department':
        if (!caller.roles.has('department') || !caller.user?.departmentId) throw new DomainError('FORBIDDEN', '只有部门人员可以查看部门的问题');
        where = { departmentId: caller.user.departmentId, status: { in: statuses } };
        break;
      case 'escalated':
        if (!caller.roles.has('department') || !caller.user?.departmentId) throw new DomainError('FORBIDDEN', '只有部门人员可以查看督办的问题');
        where = { 'escalation.departmentId': caller.user.departmentId, status: { in: statuses } };
        break;
      case 'handling':
        where = { 'handler.openid': caller.openid, status: { in: statuses } };
        break;
      default:
        where = { reporterOpenid: caller.openid, status: { in: statuses } };
    }
    return keysetPage(affairsOf(deps), where, NEWEST, input, (affair) => toAffairView(affair, caller, false), { omit: AFFAIR_LIST_OMIT });
  },

  'affair.fromOrder': async (input, { caller, deps, preread }) => {
    const order = found(await prereadOrGet(deps.store.collection<Order>(COLLECTIONS.orders), input.orderId, preread, 'order'), '订单不存在');
    if (!isAffairStaff(caller, order) || order.residentOpenid === caller.openid) throw new DomainError('FORBIDDEN', '只能转办本社区居民的订单');
    if (order.affairId) throw new DomainError('CONFLICT', '该订单已转为社区事务');
    if (order.status !== 'pending' && order.status !== 'pending_review') throw new DomainError('CONFLICT', '只有等待派单或审核的订单可以转为社区事务');
    checkCategory(await loadCommunity(deps, order.communityId, caller), input.category);
    const now = deps.clock.now();
    const affairId = `a-${order._id}`;
    // The resident reported it (they confirm and rate it); an elder without an account: the staff member.
    const byResident = order.residentOpenid !== '';
    const tier = input.category === DISPUTE ? ('grid' as const) : undefined;
    const note = `由订单“${order.serviceName}”转来（无人承接）${input.note ? `：${input.note}` : ''}`;
    const affair: Affair = compact({
      _id: affairId,
      communityId: order.communityId,
      clientRequestId: `order-${order._id}`,
      category: input.category,
      description: order.description,
      place: { gridId: order.address.gridId, building: order.address.building },
      photos: order.photos?.length ? order.photos : undefined,
      urgency: input.urgency,
      reporterOpenid: byResident ? order.residentOpenid : caller.openid,
      reporterName: byResident ? order.contactName : nameOf(caller),
      reporterRole: byResident ? ('resident' as const) : ('staff' as const),
      anonymous: false,
      // The household whose need it was keeps following it (not a dispute, as for a report).
      householdId: input.category !== DISPUTE ? order.householdId : undefined,
      orderId: order._id,
      ...atTheDesk(caller.openid, nameOf(caller), now, tier, note),
    });
    // One step: the affair is made and the order cancelled together, only if the order is still as read.
    const unchanged: Where = { status: order.status, [`events.${order.events.length}`]: { exists: false }, affairId: { exists: false } };
    await deps.store.transaction(async (tx) => {
      const orders = tx.collection<Order>(COLLECTIONS.orders);
      const current = await orders.get(order._id);
      if (!current || !matchesWhere(current, unchanged)) throw new DomainError('CONFLICT', '订单状态已变化，请刷新后重试');
      await tx.collection<Affair>(COLLECTIONS.affairs).add(affair);
      await orders.update(order._id, {
        set: { status: 'cancelled', cancelledAt: now, affairId },
        push: { events: orderEvent(now, caller.openid, order.status, 'cancelled', '无人承接，已转为社区事务办理') },
      });
    });
    return { affair: toAffairView(affair, caller, true) };
  },
};

/** Affairs the timer handles per run and kind; the next run (10 minutes on) takes the rest. */
export const MAX_AFFAIRS_PER_RUN = 100;

/** Who works on an affair now: its assigned person, or the people of the department it is with. */
async function handlersOf(deps: Deps, affair: Affair, once: ReadOnce<string[]>): Promise<string[]> {
  if (affair.status === 'handling') return affair.handler ? [affair.handler.openid] : [];
  const openids = (people: User[]) => people.map((person) => person._id);
  // At the desk, the community's staff are who send it on (a handful).
  if (!IN_HAND.includes(affair.status)) {
    const { communityId } = affair;
    return once(`staff:${communityId}`, async () => openids(await deps.store.collection<User>(COLLECTIONS.users).find({ communityId, roles: 'staff' }, { limit: 20 })));
  }
  const { departmentId } = affair;
  return departmentId ? once(`department:${departmentId}`, async () => openids(await departmentPeople(deps, departmentId))) : [];
}

type ReadOnce<T> = (key: string, read: () => Promise<T>) => Promise<T>;

/** Reads each key once a timer run: the run's affairs share a few communities and departments. */
function readOnce<T>(): ReadOnce<T> {
  const read = new Map<string, Promise<T>>();
  return (key, load) => {
    let value = read.get(key);
    if (!value) read.set(key, (value = load()));
    return value;
  };
}

/**
 * 督办: at the missed deadline that reaches the community's `escalateAfterOverdues`, the affair is
 * flagged, once, to the street office level's department (affairRules.streetDepartmentId), whose
 * people are told and may follow it from then on. Returns 1 when it flagged it.
 */
async function escalate(deps: Deps, affair: Affair, overdueCount: number, rulesOf: (communityId: string) => Promise<AffairRules>): Promise<number> {
  if (affair.escalation) return 0;
  const rules = await rulesOf(affair.communityId);
  if (!rules.streetDepartmentId || overdueCount < rules.escalateAfterOverdues) return 0;
  const department = await deps.store.collection<Department>(COLLECTIONS.departments).get(rules.streetDepartmentId);
  if (!department || department.communityId !== affair.communityId || !department.active) return 0;
  const escalation = { departmentId: department._id, departmentName: department.name, at: deps.clock.now(), overdueCount };
  if ((await affairsOf(deps).update({ _id: affair._id, escalation: { exists: false } }, { set: { escalation } })) === 0) return 0;
  for (const person of await departmentPeople(deps, department._id)) {
    await notify(deps, {
      kind: 'affair_reminder',
      touser: person._id,
      page: affairPage(affair._id),
      // The overseer does not see where a dispute is (its details are confidential): nor does their notice say.
      fields: { thing1: clip(affair.category, 20), thing2: affair.category === DISPUTE ? '详情保密' : placeText(affair), time3: formatLocal(escalation.at), thing4: clip(`已超期${overdueCount}次，请督办`, 20) },
    });
  }
  return 1;
}

/** The sender, if they are still staff of the affair's community (someone who left hears no more of it). */
async function stillStaff(deps: Deps, affair: Affair, openid: string | undefined): Promise<string | undefined> {
  if (!openid) return undefined;
  const user = await deps.store.collection<User>(COLLECTIONS.users).get(openid);
  return user && user.communityId === affair.communityId && user.roles.includes('staff') ? openid : undefined;
}

/** The staff member who last sent it to whoever has it now (交办 or 吹哨). */
function senderOf(affair: Affair): string | undefined {
  return [...(affair.events ?? [])].reverse().find((event) => event.to === 'handling' || event.to === 'whistled')?.by;
}

/**
 * Every 10 minutes: reminds the handlers of affairs whose reminder time came (a quarter of the
 * time left), each claimed by one conditional write that removes `remindAt` before the message
 * goes; then flags those past their deadline overdue, each once (`overdueCount` counts them), for
 * the staff's overdue list, and tells the handlers and the staff member who sent it. The writes
 * leave the version alone, so no one's action conflicts with them.
 */
export const affairTimer: TimerJob = async (deps) => {
  const now = deps.clock.now();
  const affairs = affairsOf(deps);
  const people = readOnce<string[]>();
  const due = await affairs.find(
    { status: { in: IN_HAND }, remindAt: { lte: now } },
    {
      orderBy: [
        ['remindAt', 'asc'],
        ['_id', 'asc'],
      ],
      limit: MAX_AFFAIRS_PER_RUN,
      omit: AFFAIR_LIST_OMIT,
    },
  );
  let reminded = 0;
  for (const affair of due) {
    if (!affair.remindAt || !affair.dueAt) continue;
    const claimed = await affairs.update({ _id: affair._id, status: affair.status, version: affair.version, remindAt: new Date(affair.remindAt) }, { unset: ['remindAt'] });
    if (claimed === 0) continue;
    reminded += 1;
    for (const touser of await handlersOf(deps, affair, people)) {
      await notify(deps, {
        kind: 'affair_reminder',
        touser,
        page: affairPage(affair._id),
        fields: { thing1: clip(affair.category, 20), thing2: placeText(affair), time3: formatLocal(affair.dueAt), thing4: '即将到期，请尽快办理' },
      });
    }
  }
  const late = await affairs.find(
    { status: { in: WITH_DEADLINE }, overdue: false, dueAt: { lt: now } },
    {
      orderBy: [
        ['dueAt', 'asc'],
        ['_id', 'asc'],
      ],
      // With the timeline, which names who sent it (at most MAX_AFFAIR_EVENTS steps each).
      limit: MAX_AFFAIRS_PER_RUN,
    },
  );
  let overdue = 0;
  let escalated = 0;
  const communities = readOnce<Community | null>();
  const rulesOf = async (communityId: string) => {
    const community = await communities(communityId, () => deps.store.collection<Community>(COLLECTIONS.communities).get(communityId));
    return community ? affairRulesOf(community) : DEFAULT_AFFAIR_RULES;
  };
  for (const affair of late) {
    if (!affair.dueAt) continue;
    const flagged = await affairs.update(
      { _id: affair._id, status: affair.status, version: affair.version, overdue: false, dueAt: new Date(affair.dueAt) },
      { set: { overdue: true }, inc: { overdueCount: 1 } },
    );
    if (flagged === 0) continue;
    overdue += 1;
    escalated += await escalate(deps, affair, affair.overdueCount + 1, rulesOf);
    // Once per missed deadline: whoever works on it, and the staff member who sent it there, who follows it up.
    const sender = await stillStaff(deps, affair, senderOf(affair));
    const touser = new Set([...(await handlersOf(deps, affair, people)), ...(sender ? [sender] : [])]);
    for (const openid of touser) {
      await notify(deps, {
        kind: 'affair_reminder',
        touser: openid,
        page: affairPage(affair._id),
        fields: { thing1: clip(affair.category, 20), thing2: placeText(affair), time3: formatLocal(affair.dueAt), thing4: '已超过办理时限，请尽快跟进' },
      });
    }
  }
  return { reminded, overdue, escalated };
};
