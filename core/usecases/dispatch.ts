/**
 * The `dispatch` function: staff and grid workers see the orders waiting (派单 queue), get ranked
 * suggestions and assign a volunteer; volunteers take orders from the hall (抢单), accept or decline
 * what was assigned to them (no one is forced to serve: 志愿服务条例 Art. 25), start and complete
 * the service. A timer puts assignments nobody accepted in time back in the queue and flags
 * orders past their SLA.
 */
import { rankCandidates } from '../dispatch-ranking';
import { DomainError, found } from '../errors';
import type { Handlers, TimerJob } from '../handlers';
import type { Community, Order, OrderStatus } from '../model';
import {
  assignmentsOf,
  HALL_DECLINE_LIMIT,
  managesOrder,
  MAX_ASSIGNMENTS,
  missingSkills,
  OPEN_STATUSES,
  serveConflict,
  TRANSITIONS,
} from '../order-machine';
import { ORDER_LIST_OMIT, toOrderSummary, toOrderView } from '../order-view';
import { dailyLimitsOf, minutesCheckRatioOf, minutesNeedConfirming } from '../settings';
import type { Caller, Deps, Where } from '../ports';
import { addMinutes, formatLocal } from '../time';
import { orderReminderAt, orderServiceTime } from '../reminders';
import { LIST_FILTERS } from './order';
import { quotaKey } from './shared/quota';
import { compact, loadCommunity, prereadOrGet, readAll } from './shared/store';
import { clip, notify } from './shared/notify';
import { conflict, loadOrder, orderEvent, orderPage, ordersOf, TASKS_PAGE, transition, volunteersOf } from './order-transitions';
import { keysetPage, type OrderBy } from './shared/paging';

/** Most urgent first: flagged overdue, then the nearest SLA deadline, then the oldest. */
const URGENT_FIRST: OrderBy = [
  ['overdue', 'desc'],
  ['dueAt', 'asc'],
  ['createdAt', 'asc'],
  ['_id', 'asc'],
];

/** Ranking reads every available volunteer of the community with the first skill; this bounds it. */
const MAX_VOLUNTEERS_RANKED = 20_000;

const listOptions = { omit: ORDER_LIST_OMIT };

function requireManager(caller: Caller, order: Order): void {
  if (order.residentOpenid === caller.openid) throw new DomainError('FORBIDDEN', '这是您自己的订单，请由其他工作人员派单');
  if (!managesOrder(caller, order)) {
    throw new DomainError('FORBIDDEN', caller.roles.has('grid_worker') && !caller.roles.has('staff') ? '该订单不在您负责的网格内' : '只能处理本社区的订单');
  }
}

function requireAssignee(caller: Caller, order: Order, doing: string): void {
  if (order.assignee !== caller.openid) throw new DomainError('FORBIDDEN', `只有承接该订单的志愿者可以${doing}`);
}

const volunteerOf = (caller: Caller) => found(caller.volunteer, '请先申请成为志愿者');

export const dispatchHandlers: Handlers<'dispatch'> = {
  'dispatch.queue': async (input, { caller, deps }) => {
    const communityId = found(caller.communityId);
    const staff = caller.roles.has('staff');
    // Only staff review; a grid worker sees what is ready to dispatch in their own grids.
    const where: Where = { communityId, status: { in: staff ? ['pending_review', 'pending'] : ['pending'] } };
    if (!staff) where['address.gridId'] = { in: caller.user?.gridIds ?? [] };
    return keysetPage(ordersOf(deps), where, URGENT_FIRST, input, (order) => toOrderSummary(order, caller), listOptions);
  },

  'dispatch.suggest': async (input, { caller, deps, preread }) => {
    const order = await loadOrder(deps, input.orderId, preread);
    requireManager(caller, order);
    if (!TRANSITIONS.assign.from.includes(order.status)) throw conflict(order, '派单');
    // The database narrows by one skill (an array field matches any element); the ranking checks all.
    const where: Where = { communityId: order.communityId, status: 'approved', available: true };
    if (order.skills[0]) where.skills = order.skills[0];
    const volunteers = await readAll(volunteersOf(deps), where, { orderBy: [['_id', 'asc']], max: MAX_VOLUNTEERS_RANKED });
    return { candidates: rankCandidates(order, volunteers, input.limit ?? 10) };
  },

  'dispatch.assign': async (input, { caller, deps, preread }) => {
    const order = await loadOrder(deps, input.orderId, preread);
    requireManager(caller, order);
    if (!TRANSITIONS.assign.from.includes(order.status)) throw conflict(order, '派单');
    if (input.volunteerOpenid === caller.openid) throw new DomainError('FORBIDDEN', '不能把订单派给自己，请由其他工作人员派单');
    if (assignmentsOf(order) >= MAX_ASSIGNMENTS) {
      throw new DomainError('LIMIT_REACHED', `该订单已派单 ${MAX_ASSIGNMENTS} 次仍无人承接，请先与居民联系，取消后重新下单`);
    }
    const volunteer = await prereadOrGet(volunteersOf(deps), input.volunteerOpenid, preread, 'volunteer');
    if (!volunteer || volunteer.communityId !== order.communityId || volunteer.status !== 'approved') {
      throw new DomainError('INVALID_INPUT', '只能派给本社区已通过审核的志愿者');
    }
    const reason = serveConflict(order, volunteer._id);
    if (reason === 'resident') throw new DomainError('INVALID_INPUT', '不能派给下单居民本人');
    if (reason === 'official') throw new DomainError('INVALID_INPUT', '该志愿者参与了此订单的受理（代下单、审核或派单），不能承接，请改派他人');
    const missing = missingSkills(order, volunteer.skills);
    if (missing.length > 0) throw new DomainError('INVALID_INPUT', `该志愿者不具备所需技能：${missing.join('、')}`);
    if (!volunteer.available) throw new DomainError('CONFLICT', '该志愿者目前暂停接单，请改派他人');
    if (reason === 'declined') throw new DomainError('CONFLICT', '该志愿者已婉拒过此订单，请改派他人');
    const now = deps.clock.now();
    const next = await transition(
      deps,
      order,
      'assign',
      caller.openid,
      {
        set: compact({ assignee: volunteer._id, assigneeName: volunteer.realName, assigneeApprovedBy: volunteer.reviewedBy, assignedAt: now }),
        // A volunteer with no recorded approver must not inherit the previous assignee's.
        ...(volunteer.reviewedBy ? {} : { unset: ['assigneeApprovedBy'] }),
        // Two staff re-assigning at once: only the first one's choice stands.
        where: { assignee: order.assignee ?? { exists: false } },
        note: `派单给 ${volunteer.realName}`,
        conflictMessage: '该订单刚被其他工作人员处理，请刷新后重试',
      },
      '派单',
    );
    await notify(deps, {
      kind: 'order_assigned',
      touser: volunteer._id,
      // Where the volunteer accepts or declines it (the order's own page is the resident's).
      page: TASKS_PAGE,
      fields: { thing1: clip(order.serviceName, 20), thing2: clip(order.address.building, 20), time3: formatLocal(order.dueAt), thing4: '请及时确认接单或婉拒' },
    });
    return { order: toOrderView(next, caller) };
  },

  /**
   * The orders this volunteer may take, most urgent first. Every condition is in the query (the
   * skills too), so the page holds only orders they can take: no number of other orders, from one
   * resident or many, can push one they could serve out of reach.
   */
  'dispatch.hall': async (input, { caller, deps }) => {
    const volunteer = volunteerOf(caller);
    if (!volunteer.available || volunteer.status !== 'approved') return { items: [], nextCursor: null };
    const where: Where = {
      communityId: volunteer.communityId,
      status: 'pending',
      skills: { subsetOf: volunteer.skills },
      residentOpenid: { neq: caller.openid },
      // Nobody takes an order they placed for someone, reviewed, assigned or handed back before.
      'events.by': { neq: caller.openid },
      // Handed back by HALL_DECLINE_LIMIT volunteers already: staff assign it from now on.
      [`declines.${HALL_DECLINE_LIMIT - 1}`]: { exists: false },
    };
    return keysetPage(ordersOf(deps), where, URGENT_FIRST, input, (order) => toOrderSummary(order, caller), listOptions);
  },

  'dispatch.mine': async (input, { caller, deps }) => {
    const where: Where = { assignee: caller.openid };
    if (input.status) where.status = { in: LIST_FILTERS[input.status] };
    const orderBy: OrderBy = input.status === 'open' ? [['dueAt', 'asc'], ['_id', 'asc']] : [['createdAt', 'desc'], ['_id', 'asc']];
    return keysetPage(ordersOf(deps), where, orderBy, input, (order) => toOrderSummary(order, caller), listOptions);
  },

  'dispatch.accept': async (input, { caller, deps, preread }) => {
    const volunteer = volunteerOf(caller);
    const order = await loadOrder(deps, input.orderId, preread);
    const taken = (['accepted', 'in_service', 'completed', 'closed'] as OrderStatus[]).includes(order.status);
    // A retried tap by the winner is not an error.
    if (taken && order.assignee === caller.openid) return { order: toOrderView(order, caller) };
    if (taken && order.assignee) throw new DomainError('CONFLICT', '该订单已被其他志愿者接单');
    if (order.status === 'assigned' && order.assignee !== caller.openid) throw new DomainError('CONFLICT', '该订单已派给其他志愿者');
    // Checked on the order as read; the write applies only to the order exactly as read.
    const mayTake = (current: Order) => {
      const reason = serveConflict(current, caller.openid);
      if (reason === 'resident') throw new DomainError('FORBIDDEN', '不能承接自己的订单');
      if (reason === 'declined') throw new DomainError('FORBIDDEN', '您已婉拒过这个订单，不能再接单');
      if (reason === 'official') throw new DomainError('FORBIDDEN', '您参与了这个订单的受理（代下单、审核或派单），按规定不能承接，请由其他志愿者服务');
      if (current.status === 'pending' && current.declines.length >= HALL_DECLINE_LIMIT) throw new DomainError('CONFLICT', '该订单已改由社区工作人员派单，请等待安排');
    };
    mayTake(order);
    if (order.status === 'pending') {
      if (volunteer.status !== 'approved' || !volunteer.available || volunteer.communityId !== order.communityId || missingSkills(order, volunteer.skills).length > 0) {
        throw new DomainError('FORBIDDEN', '您暂不符合承接该订单的条件（本社区、技能匹配且处于可接单状态）');
      }
    }
    const now = deps.clock.now();
    const remindAt = orderReminderAt(order, now);
    // Exactly one wins: the write is conditional on the status read (and, if assigned, on being the
    // assignee) and its number of events; then the volunteer's load moves.
    const next = await transition(
      deps,
      order,
      'accept',
      caller.openid,
      {
        set: compact({ assignee: caller.openid, assigneeName: volunteer.realName, assigneeApprovedBy: volunteer.reviewedBy, acceptedAt: now, remindAt: remindAt ?? undefined }),
        // A reminder due to a volunteer who handed it back is theirs no longer.
        ...(remindAt ? {} : { unset: ['remindAt'] }),
        where: order.status === 'assigned' ? { assignee: caller.openid } : { assignee: { exists: false } },
        note: order.status === 'pending' ? `${volunteer.realName} 抢单` : `${volunteer.realName} 接单`,
        conflictMessage: '该订单已被其他志愿者接单',
        counters: { openid: caller.openid, inc: { activeOrders: 1 } },
      },
      '接单',
    );
    await notify(deps, {
      kind: 'order_accepted',
      touser: order.residentOpenid,
      page: orderPage(order._id),
      fields: { thing1: clip(order.serviceName, 20), name2: clip(volunteer.realName, 10), time3: formatLocal(now), thing4: '志愿者将与您联系上门服务' },
    });
    return { order: toOrderView(next, caller) };
  },

  'dispatch.decline': async (input, { caller, deps, preread }) => {
    const order = await loadOrder(deps, input.orderId, preread);
    requireAssignee(caller, order, '婉拒');
    if (!TRANSITIONS.decline.from.includes(order.status)) throw conflict(order, '婉拒');
    const handedBack = order.status === 'accepted';
    // Only a hand-back counts against the day's limit (declining an assignment shows no contact details).
    const handBacks = handedBack ? dailyLimitsOf(await loadCommunity(deps, order.communityId, caller)).handBacks : 0;
    const next = await transition(
      deps,
      order,
      'decline',
      caller.openid,
      {
        unset: ['assignee', 'assigneeName', 'assigneeApprovedBy', 'assignedAt', 'acceptedAt', 'remindAt'],
        push: { declines: { by: caller.openid, reason: input.reason, at: deps.clock.now() } },
        where: { assignee: caller.openid },
        note: `${handedBack ? '退单' : '婉拒'}：${input.reason}`,
        // Only an accepted order counted in the volunteer's load. Handing back is limited a day: each
        // accept showed a resident's phone and room, and accept-then-hand-back must not harvest them.
        ...(handedBack
          ? {
              counters: { openid: caller.openid, inc: { activeOrders: -1 } },
              quota: { key: quotaKey('hand_back', caller.openid), limit: handBacks, message: `您今天已退单 ${handBacks} 次，已达社区每天的上限；如确实无法服务，请联系社区工作人员` },
            }
          : {}),
      },
      '婉拒',
    );
    // The resident was told someone took it; now they hear it waits for someone else (a declined
    // assignment was never announced to them).
    if (handedBack) {
      await notify(deps, {
        kind: 'order_handed_back',
        touser: order.residentOpenid,
        page: orderPage(order._id),
        fields: { thing1: clip(order.serviceName, 20), time2: formatLocal(deps.clock.now()), thing3: '志愿者因故无法前来服务', thing4: '社区将尽快为您另行安排志愿者' },
      });
    }
    return { order: toOrderView(next, caller) };
  },

  'dispatch.start': async (input, { caller, deps, preread }) => {
    const order = await loadOrder(deps, input.orderId, preread);
    requireAssignee(caller, order, '开始服务');
    const next = await transition(deps, order, 'start', caller.openid, { set: { startedAt: deps.clock.now() }, where: { assignee: caller.openid } }, '开始服务');
    return { order: toOrderView(next, caller) };
  },

  'dispatch.complete': async (input, { caller, deps, preread }) => {
    const order = await loadOrder(deps, input.orderId, preread);
    requireAssignee(caller, order, '完成服务');
    if (!TRANSITIONS.complete.from.includes(order.status)) throw conflict(order, '完成服务');
    const now = deps.clock.now();
    // Far more time than the service takes is not refused (a visit can run long), but it counts
    // only once the scorer, who is never the volunteer, has looked at it.
    const ratio = minutesCheckRatioOf(await loadCommunity(deps, order.communityId, caller));
    const unconfirmed = minutesNeedConfirming(input.minutes, order.expectedMinutes, ratio);
    const next = await transition(
      deps,
      order,
      'complete',
      caller.openid,
      {
        set: { completedAt: now, completion: { summary: input.summary, minutes: input.minutes, ...(unconfirmed ? { unconfirmed: true } : {}) } },
        where: { assignee: caller.openid },
        counters: { openid: caller.openid, inc: { activeOrders: -1, completedOrders: 1 } },
      },
      '完成服务',
    );
    await notify(deps, {
      kind: 'order_completed',
      touser: order.residentOpenid,
      page: orderPage(order._id),
      fields: { thing1: clip(order.serviceName, 20), name2: clip(order.assigneeName ?? '志愿者', 10), time3: formatLocal(now), thing4: '服务已完成，请为本次服务评价' },
    });
    return { order: toOrderView(next, caller) };
  },
};

/** Reads at most this many stale assignments per run; the next run takes the rest. */
/** Oldest assignments first, a bounded batch per run (the function has 20 s); the next run goes on. */
const MAX_REQUEUE_PER_RUN = 200;

/**
 * Every few minutes: assignments not accepted within the community's acceptTimeoutMinutes go back
 * to the queue (by 'system', recorded on the timeline), and open orders past their SLA are flagged
 * overdue. Each change is a conditional write, so a volunteer accepting at the same moment wins
 * cleanly or not at all.
 */
export const dispatchTimer: TimerJob = async (deps: Deps) => {
  const now = deps.clock.now();
  const orders = ordersOf(deps);
  // No timeout is shorter than a minute, so younger assignments need not be read.
  const stale = await readAll(orders, { status: 'assigned', assignedAt: { lt: addMinutes(now, -1) } }, {
    orderBy: [
      ['assignedAt', 'asc'],
      ['_id', 'asc'],
    ],
    max: MAX_REQUEUE_PER_RUN,
  });
  const communities = new Map<string, Community | null>();
  let requeued = 0;
  for (const order of stale) {
    if (!communities.has(order.communityId)) communities.set(order.communityId, await loadCommunity(deps, order.communityId).catch(() => null));
    const timeout = communities.get(order.communityId)?.settings.acceptTimeoutMinutes ?? 30;
    if (!order.assignedAt || addMinutes(new Date(order.assignedAt), timeout) > now) continue;
    requeued += await orders.update(
      // Still the same assignment: not accepted, not re-assigned since it was read.
      { _id: order._id, status: 'assigned', assignee: order.assignee ?? { exists: false }, assignedAt: new Date(order.assignedAt) },
      {
        set: { status: 'pending' },
        unset: ['assignee', 'assigneeName', 'assigneeApprovedBy', 'assignedAt'],
        push: { events: orderEvent(now, 'system', 'assigned', 'pending', `超过 ${timeout} 分钟未确认接单，已退回待派单`) },
      },
    );
  }
  const overdue = await orders.update({ status: { in: OPEN_STATUSES }, overdue: false, dueAt: { lt: now } }, { set: { overdue: true } });
  const reminded = await sendOrderReminders(deps, now);
  return { requeued, overdue, reminded };
};

/** Reminders sent per run at most (the function has 20 s); the next run, minutes later, sends the rest. */
export const MAX_REMINDERS_PER_RUN = 100;

/**
 * Reminds the volunteers of accepted orders whose time is near (see core/reminders.ts). Each
 * reminder is claimed by one conditional write that removes `remindAt` before the message goes, so
 * two runs (or a retried one) never send it twice; a message that then fails is not retried (notices
 * are best effort; the task list shows the order anyway).
 */
async function sendOrderReminders(deps: Deps, now: Date): Promise<number> {
  const orders = ordersOf(deps);
  const due = await orders.find({ status: 'accepted', remindAt: { lte: now } }, {
    orderBy: [
      ['remindAt', 'asc'],
      ['_id', 'asc'],
    ],
    limit: MAX_REMINDERS_PER_RUN,
    omit: ORDER_LIST_OMIT,
  });
  let sent = 0;
  for (const order of due) {
    if (!order.assignee || !order.remindAt) continue;
    const claimed = await orders.update(
      { _id: order._id, status: 'accepted', assignee: order.assignee, remindAt: new Date(order.remindAt) },
      { set: { remindedAt: now }, unset: ['remindAt'] },
    );
    if (claimed === 0) continue;
    sent += 1;
    await notify(deps, {
      kind: 'order_reminder',
      touser: order.assignee,
      page: TASKS_PAGE,
      fields: {
        thing1: clip(order.serviceName, 20),
        thing2: clip(order.address.building, 20),
        time3: formatLocal(orderServiceTime(order)),
        thing4: order.preferredTime ? '居民期望的服务时间快到了' : '订单即将到办理时限',
      },
    });
  }
  return sent;
}
