/**
 * The `scoring` function: staff score completed orders (1–5). Scoring closes the order, credits the
 * volunteer's love points and writes the statutory service record (志愿服务记录与证明出具办法
 * Art. 7: activity, date, place, content, time, organiser, person in charge), all in one
 * transaction, so the points are posted exactly once however often it is tried.
 */
import { DomainError } from '../errors';
import type { Handlers } from '../handlers';
import { admittedVolunteer } from '../admission';
import { COLLECTIONS, type Community, type Order, type ServiceItem, type Volunteer } from '../model';
import { managesOrder, scoreConflict } from '../order-machine';
import { ORDER_LIST_OMIT, toOrderSummary, toOrderView } from '../order-view';
import { postPoints, scoredOrderPoints } from '../points';
import { minutesToHours } from '../volunteer-hours';
import { MINUTES_ALWAYS_CHECKED, minutesCheckRatioOf, pointsCapsOf } from '../settings';
import { localDay } from '../time';
import { hourRoundingOf, writeRecord } from './record-support';
import { compact } from './shared/store';
import { conflict, orderEvent, ordersOf } from './order-transitions';
import { keysetPage } from './shared/paging';

const notScorable = (order: Order): DomainError =>
  order.status === 'closed' ? new DomainError('CONFLICT', '该订单已经评过分了') : conflict(order, '评分');

/** Where the service took place: the community, grid and building — never the resident's room. */
export function servicePlace(community: Community, order: Pick<Order, 'address'>): string {
  const grid = community.grids.find((candidate) => candidate.id === order.address.gridId);
  return [community.name, grid?.name ?? order.address.gridId, order.address.building].join(' · ');
}

/**
 * The minutes the record counts: what the volunteer reported, or what the scorer counted instead
 * (never more). Reported minutes far above the expected time count only once the scorer gives them.
 */
function countedMinutes(order: Pick<Order, 'completion' | 'expectedMinutes'>, given: number | undefined, ratio: number): number {
  const reported = order.completion?.minutes ?? 0;
  if (given !== undefined && given > reported) throw new DomainError('INVALID_INPUT', `认定的服务时长不能超过志愿者填报的 ${reported} 分钟`);
  if (given === undefined && order.completion?.unconfirmed) {
    throw new DomainError(
      'INVALID_INPUT',
      reported <= ratio * order.expectedMinutes
        ? `志愿者填报的服务时长（${reported} 分钟）超过 ${MINUTES_ALWAYS_CHECKED / 60} 小时，请核实后填写认定的服务时长`
        : `志愿者填报的服务时长（${reported} 分钟）远超该服务的预计用时（${order.expectedMinutes} 分钟），请核实后填写认定的服务时长`,
    );
  }
  return given ?? reported;
}

export const scoringHandlers: Handlers<'scoring'> = {
  'scoring.pending': async (input, { caller, deps }) =>
    keysetPage(
      ordersOf(deps),
      { communityId: caller.communityId ?? '', status: 'completed' },
      [
        ['completedAt', 'asc'],
        ['_id', 'asc'],
      ],
      input,
      (order) => toOrderSummary(order, caller),
      { omit: ORDER_LIST_OMIT },
    ),

  'scoring.score': async (input, { caller, deps }) => {
    const note = input.note || undefined;
    const personInCharge = caller.user?.name ?? '';
    // Everything is read inside the one transaction: a second scorer (or a retry) finds the order
    // closed and changes nothing, and what the points depend on is read once.
    const closed = await deps.store.transaction(async (tx) => {
      const order = await tx.collection<Order>(COLLECTIONS.orders).get(input.orderId);
      if (!order) throw new DomainError('NOT_FOUND', '订单不存在');
      // Whoever served it or ordered it (for themselves or someone) does not also decide what it pays (four eyes).
      const conflictOfInterest = scoreConflict(order, caller.openid);
      if (conflictOfInterest) throw new DomainError('FORBIDDEN', conflictOfInterest);
      if (!managesOrder(caller, order) || !caller.roles.has('staff')) throw new DomainError('FORBIDDEN', '只能为本社区的订单评分');
      if (order.status !== 'completed') throw notScorable(order);
      // The community's settings as read with the caller (a change to them is itself approved by a
      // second staff member and applies from the next score); another community's is read here.
      const community =
        caller.community?._id === order.communityId ? caller.community : await tx.collection<Community>(COLLECTIONS.communities).get(order.communityId);
      if (!community) throw new DomainError('NOT_FOUND', '社区不存在');
      const ratio = minutesCheckRatioOf(community);
      const minutes = countedMinutes(order, input.minutes, ratio);
      const assignee = order.assignee;
      if (!assignee) throw new DomainError('CONFLICT', '该订单没有承接的志愿者，无法评分');
      // Whoever approved the volunteer does not also pay them (see core/admission.ts). The order
      // carries who approved its volunteer since the assignment; an older order reads the volunteer.
      const approvedBy = order.assigneeApprovedBy ?? (await tx.collection<Volunteer>(COLLECTIONS.volunteers).get(assignee))?.reviewedBy;
      if (admittedVolunteer({ reviewedBy: approvedBy }, caller.openid)) {
        throw new DomainError('FORBIDDEN', '这位志愿者是您审核通过的，请由其他工作人员评分');
      }
      const category = order.serviceCategory ?? (await tx.collection<ServiceItem>(COLLECTIONS.services).get(order.serviceId))?.category;
      const now = deps.clock.now();
      // Within today's caps, even for points set under higher ones.
      const caps = pointsCapsOf(community);
      const points = scoredOrderPoints(order.basePoints, input.score, community.settings.scoreMultipliers, caps);
      const score = compact({ score: input.score, note, by: caller.openid, at: now, points, minutes });
      const event = orderEvent(now, caller.openid, 'completed', 'closed', `评分 ${input.score} 分，志愿者获得 ${points} 爱心积分`);
      // Recorded now, so the record timer's alert (if any) is done with.
      await tx.collection<Order>(COLLECTIONS.orders).update(order._id, { set: { status: 'closed', closedAt: now, score }, push: { events: event }, unset: ['recordAlert'] });
      if (points > 0) {
        await postPoints(tx, {
          key: `service:${order._id}`,
          openid: assignee,
          communityId: order.communityId,
          delta: points,
          source: 'service',
          ref: order._id,
          reason: `志愿服务：${order.serviceName}（评分 ${input.score} 分）`,
          by: caller.openid,
          now,
        }, { first: true });
      }
      const completedAt = order.completedAt ? new Date(order.completedAt) : now;
      await writeRecord(tx, {
        _id: `order:${order._id}`,
        openid: assignee,
        volunteerName: order.assigneeName ?? '',
        communityId: order.communityId,
        source: 'order',
        ref: order._id,
        activityName: order.serviceName,
        date: localDay(completedAt),
        place: servicePlace(community, order),
        content: order.completion?.summary ?? order.description,
        minutes,
        hours: minutesToHours(minutes, hourRoundingOf(community)),
        ...(category ? { category } : {}),
        organiser: community.name,
        personInCharge,
        recordedBy: caller.openid,
        createdAt: now,
      }, { first: true });
      const { recordAlert: _done, ...rest } = order;
      const next: Order = { ...rest, status: 'closed', closedAt: now, score, events: [...order.events, event] };
      return { order: next, points };
    });
    return { order: toOrderView(closed.order, caller), points: closed.points };
  },
};
