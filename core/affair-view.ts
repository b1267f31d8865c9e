/** An affair as its viewer may see it (see AffairView): confidential disputes and anonymous reporters. */
import { allowedAffairCommands, seesDetails, seesReporter } from './affair-machine';
import type { AffairView } from './contract/affair';
import type { Affair } from './model';
import type { Caller } from './ports';
import { iso } from './time';

/** Lists leave the timeline out (it grows with every step); the affair's own page has it. */
export const AFFAIR_LIST_OMIT = ['events'] as const;

export function toAffairView(affair: Affair, caller: Caller, withTimeline: boolean): AffairView {
  const details = seesDetails(caller, affair);
  const view: AffairView = {
    id: affair._id,
    category: affair.category,
    status: affair.status,
    urgency: affair.urgency,
    confidential: !details,
    gridId: affair.place.gridId,
    anonymous: affair.anonymous,
    overdue: affair.overdue,
    overdueCount: affair.overdueCount,
    createdAt: iso(affair.createdAt),
    updatedAt: iso(affair.updatedAt),
    allowed: allowedAffairCommands(affair, caller),
  };
  if (affair.tier) view.tier = affair.tier;
  if (affair.departmentId && affair.departmentName) view.department = { id: affair.departmentId, name: affair.departmentName };
  if (affair.dueAt) view.dueAt = iso(affair.dueAt);
  if (affair.closedAt) view.closedAt = iso(affair.closedAt);
  if (affair.orderId) view.orderId = affair.orderId;
  if (affair.escalation) view.escalation = { departmentName: affair.escalation.departmentName, at: iso(affair.escalation.at), overdueCount: affair.escalation.overdueCount };
  if (details) {
    view.building = affair.place.building;
    if (affair.place.detail) view.placeDetail = affair.place.detail;
    view.description = affair.description;
    if (affair.parties) view.parties = affair.parties;
    view.photos = affair.photos ?? [];
    if (seesReporter(caller, affair)) view.reporterName = affair.reporterName;
    if (affair.handler) view.handler = { name: affair.handler.name, kind: affair.handler.kind };
    if (affair.resolution) {
      const { summary, photos, byName, at } = affair.resolution;
      view.resolution = { summary, photos: photos ?? [], byName, at: iso(at) };
    }
    if (affair.rating) view.rating = { stars: affair.rating.stars, ...(affair.rating.comment ? { comment: affair.rating.comment } : {}), at: iso(affair.rating.at) };
  }
  if (withTimeline) {
    view.timeline = (affair.events ?? []).map((event) => ({
      at: iso(event.at),
      // When and what stays visible; what was written about a dispute does not.
      // In a confidential dispute the names are the parties' and the mediator's: roles only.
      byName: !details ? (event.by === affair.reporterOpenid ? '上报人' : '经办人') : event.by === affair.reporterOpenid && !seesReporter(caller, affair) ? '匿名' : event.byName,
      from: event.from,
      to: event.to,
      ...(details && event.note ? { note: event.note } : {}),
      ...(event.tier ? { tier: event.tier } : {}),
    }));
  }
  return view;
}
