/**
 * What a viewer may see of an order. A resident's phone and exact address (unit, room) are shown
 * only to staff of the community and to the volunteer who accepted the order, and only until the
 * order ends; everyone else sees the building, not the room (志愿服务条例 Art. 21). The resident
 * always sees their own.
 *
 * Lists carry an order's summary; only the order's own page (order.get) carries its timeline and
 * photos. The documents a list reads leave out what the summary does not need (ORDER_LIST_OMIT), so
 * a list page stays small however long an order's history grew.
 */
import type { OrderSummary, OrderView } from './contract';
import type { Order, OrderStatus } from './model';
import { allowedCommands, FINAL_STATUSES, managesOrder, type OrderFacts } from './order-machine';
import type { Caller } from './ports';
import { iso } from './time';

const ACCEPTED_STATUSES: readonly OrderStatus[] = ['accepted', 'in_service', 'completed'];

/**
 * Left out of the orders a list reads: the timeline's notes and times, the declines' reasons and
 * times, and the photos. Who acted (events.by, from, to) stays: the separation-of-duties rules need it.
 */
export const ORDER_LIST_OMIT = ['events.at', 'events.note', 'declines.reason', 'declines.at', 'photos'] as const;

/** An order as a list reads it (see ORDER_LIST_OMIT). */
export type ListedOrder = OrderFacts;

export function canSeeContact(order: OrderFacts, caller: Caller): boolean {
  if (order.residentOpenid === caller.openid) return true;
  if (FINAL_STATUSES.includes(order.status)) return false;
  const staff = managesOrder(caller, order);
  const acceptedVolunteer = order.assignee === caller.openid && ACCEPTED_STATUSES.includes(order.status);
  return staff || acceptedVolunteer;
}

/** A list card shows the start of a long text; the order's own page shows all of it. */
export const LIST_TEXT_CHARS = 140;
const clipped = (text: string): string => ([...text].length > LIST_TEXT_CHARS ? `${[...text].slice(0, LIST_TEXT_CHARS - 1).join('')}…` : text);

function ratingOf(rating: NonNullable<ListedOrder['rating']>, clip: (text: string) => string): NonNullable<OrderSummary['rating']> {
  return {
    stars: rating.stars,
    ...(rating.comment ? { comment: clip(rating.comment) } : {}),
    at: iso(rating.at),
    // Who recorded it for the resident is shown by name only.
    ...(rating.onBehalf ? { onBehalf: { name: rating.onBehalf.name } } : {}),
  };
}

function texts(order: ListedOrder, clip: (text: string) => string) {
  return {
    description: clip(order.description),
    completion: order.completion ? { ...order.completion, summary: clip(order.completion.summary) } : undefined,
    rating: order.rating ? ratingOf(order.rating, clip) : undefined,
    score: order.score
      ? { score: order.score.score, note: order.score.note === undefined ? undefined : clip(order.score.note), points: order.score.points, minutes: order.score.minutes, at: iso(order.score.at) }
      : undefined,
  };
}

/** The fields a list and the order's page share; long texts go through `clip`. */
function summaryOf(order: ListedOrder, caller: Caller, clip: (text: string) => string): OrderSummary {
  const contact = canSeeContact(order, caller);
  return {
    id: order._id,
    communityId: order.communityId,
    serviceId: order.serviceId,
    serviceName: order.serviceName,
    status: order.status,
    address: contact ? order.address : { gridId: order.address.gridId, building: order.address.building },
    contactName: contact ? order.contactName : `${order.contactName.slice(0, 1)}**`,
    contactPhone: contact ? order.contactPhone : undefined,
    contactPhoneUnverified: contact && order.contactPhone && order.contactPhoneUnverified ? true : undefined,
    preferredTime: order.preferredTime,
    residentOpenid: contact ? order.residentOpenid : undefined,
    assignee: order.assignee ? { openid: order.assignee, name: order.assigneeName ?? '' } : undefined,
    basePoints: order.basePoints,
    expectedMinutes: order.expectedMinutes,
    createdAt: iso(order.createdAt),
    dueAt: iso(order.dueAt),
    overdue: order.overdue,
    ...texts(order, clip),
    allowed: allowedCommands(order, caller),
  };
}

export const toOrderSummary = (order: ListedOrder, caller: Caller): OrderSummary => summaryOf(order, caller, clipped);

export function toOrderView(order: Order, caller: Caller): OrderView {
  const contact = canSeeContact(order, caller);
  return {
    ...summaryOf(order, caller, (text) => text),
    photos: contact ? (order.photos ?? []) : [],
    timeline: order.events.map((event) => ({ at: iso(event.at), status: event.to, note: event.note })),
  };
}
