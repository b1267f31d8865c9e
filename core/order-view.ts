/**
 * What a viewer may see of an order. A resident's phone and exact address (unit, room) are shown
 * only to staff of the community and to the volunteer who accepted the order, and only until the
 * order ends; everyone else sees the building, not the room (志愿服务条例 Art. 21). The resident
 * always sees their own.
 */
import type { OrderView } from './contract';
import type { Order, OrderStatus } from './model';
import { allowedCommands, FINAL_STATUSES, managesOrder } from './order-machine';
import type { Caller } from './ports';

const ACCEPTED_STATUSES: readonly OrderStatus[] = ['accepted', 'in_service', 'completed'];

export function canSeeContact(order: Order, caller: Caller): boolean {
  if (order.residentOpenid === caller.openid) return true;
  if (FINAL_STATUSES.includes(order.status)) return false;
  const staff = managesOrder(caller, order);
  const acceptedVolunteer = order.assignee === caller.openid && ACCEPTED_STATUSES.includes(order.status);
  return staff || acceptedVolunteer;
}

const iso = (date: Date | string) => new Date(date).toISOString();

export function toOrderView(order: Order, caller: Caller): OrderView {
  const contact = canSeeContact(order, caller);
  return {
    id: order._id,
    communityId: order.communityId,
    serviceId: order.serviceId,
    serviceName: order.serviceName,
    description: order.description,
    status: order.status,
    address: contact ? order.address : { gridId: order.address.gridId, building: order.address.building },
    contactName: contact ? order.contactName : `${order.contactName.slice(0, 1)}**`,
    contactPhone: contact ? order.contactPhone : undefined,
    preferredTime: order.preferredTime,
    photos: contact ? (order.photos ?? []) : [],
    residentOpenid: contact ? order.residentOpenid : undefined,
    assignee: order.assignee ? { openid: order.assignee, name: order.assigneeName ?? '' } : undefined,
    basePoints: order.basePoints,
    expectedMinutes: order.expectedMinutes,
    createdAt: iso(order.createdAt),
    dueAt: iso(order.dueAt),
    overdue: order.overdue,
    timeline: order.events.map((event) => ({ at: iso(event.at), status: event.to, note: event.note })),
    completion: order.completion,
    rating: order.rating ? { ...order.rating, at: iso(order.rating.at) } : undefined,
    score: order.score ? { score: order.score.score, note: order.score.note, points: order.score.points, at: iso(order.score.at) } : undefined,
    allowed: allowedCommands(order, caller),
  };
}
