/**
 * The `catalog` function: the community's service items (社区供单) that residents order from.
 * Staff keep their own community's catalogue; an item is archived rather than deleted, because
 * past orders and service records still name it.
 */
import type { ServiceView } from '../contract';
import { DomainError, found } from '../errors';
import type { Handlers } from '../handlers';
import { COLLECTIONS, type ServiceItem } from '../model';
import type { ActionContext, Deps, Where } from '../ports';
import { servicePicture } from '../service-pictures';
import { pointsCapsOf } from '../settings';
import { assertCanPropose, capProblem, proposeRuleChange, serviceRule } from './rules';
import { isStaffOf } from './shared/access';
import { takePlace } from './shared/quota';
import { loadCommunity } from './shared/store';

export const toServiceView = (item: ServiceItem): ServiceView => ({
  ...(item.pendingRuleChange ? { pendingBasePoints: item.pendingRuleChange.after as number } : {}),
  ...(item.pendingRuleChange?.publish ? { awaitingListing: true } : {}),
  id: item._id,
  communityId: item.communityId,
  name: item.name,
  category: item.category,
  skills: item.skills,
  expectedMinutes: item.expectedMinutes,
  basePoints: item.basePoints,
  slaHours: item.slaHours,
  description: item.description,
  archived: item.archived,
  picture: servicePicture(item),
});

/** Services a community keeps (offered and archived): the catalogue is one reply, and the home page reads 100. */
export const MAX_SERVICES = 100;

const services = (deps: Deps) => deps.store.collection<ServiceItem>(COLLECTIONS.services);

/** The item, if it belongs to the caller's community; another community's item cannot be touched. */
async function ownItem({ caller, deps }: ActionContext, id: string): Promise<ServiceItem> {
  const item = found(await services(deps).get(id), '服务项目不存在');
  if (!isStaffOf(caller, item.communityId)) throw new DomainError('FORBIDDEN', '只能管理本社区的服务项目');
  return item;
}

export const catalogHandlers: Handlers<'catalog'> = {
  'catalog.list': async (input, { caller, deps }) => {
    const communityId = input.communityId ?? caller.communityId;
    if (!communityId) throw new DomainError('INVALID_INPUT', '请选择社区');
    await loadCommunity(deps, communityId, caller);
    if (input.includeArchived && !isStaffOf(caller, communityId)) {
      throw new DomainError('FORBIDDEN', '只有本社区工作人员可以查看已下架的服务');
    }
    const where: Where = input.includeArchived ? { communityId } : { communityId, archived: false };
    // A community offers tens of services, not thousands: one read at the platform's maximum.
    const items = await services(deps).find(where, { orderBy: [['category', 'asc'], ['name', 'asc']], limit: 1000 });
    return items.map(toServiceView);
  },

  /**
   * Upsert replaces the whole item (the form sends every field), so a missing description clears it.
   * Base points are what the item pays: a change to them is proposed and takes effect once a second
   * staff member approves it; a new item with points is offered to residents from then on.
   */
  'catalog.upsert': async (input, context) => {
    const { caller, deps } = context;
    const communityId = found(caller.user, '请先登记').communityId;
    const existing = input.id ? await ownItem(context, input.id) : null;
    const community = await loadCommunity(deps, communityId, caller);
    const overCap = capProblem('service_points', undefined, input.basePoints, pointsCapsOf(community));
    if (overCap) throw new DomainError('INVALID_INPUT', overCap);
    if (!existing ? input.basePoints > 0 : input.basePoints !== existing.basePoints || input.name !== existing.name) await assertCanPropose(deps, caller);

    // Two items with one name would confuse residents choosing what to order.
    const sameName = await services(deps).find({ communityId, name: input.name }, { limit: 2 });
    if (sameName.some((item) => item._id !== existing?._id)) throw new DomainError('CONFLICT', `本社区已有名为“${input.name}”的服务`);

    const fields = {
      name: input.name,
      category: input.category,
      skills: [...new Set(input.skills)],
      expectedMinutes: input.expectedMinutes,
      slaHours: input.slaHours,
      updatedAt: deps.clock.now(),
    };
    let item: ServiceItem;
    if (existing) {
      // Orders copy the service's name, skills and points when created, so editing an item changes
      // only what is ordered from now on.
      const update = input.description ? { set: { ...fields, description: input.description } } : { set: fields, unset: ['description'] };
      await services(deps).update({ _id: existing._id, communityId }, update);
      item = found(await services(deps).get(existing._id));
    } else {
      const pointsToApprove = input.basePoints > 0;
      item = {
        _id: deps.random.id(),
        communityId,
        ...fields,
        basePoints: 0,
        ...(input.description ? { description: input.description } : {}),
        // Offered once its points are approved (an item without points is offered at once).
        archived: pointsToApprove,
      };
      const added = item;
      await deps.store.transaction(async (tx) => {
        await takePlace(tx, `services:${communityId}`, fields.updatedAt, () => services(deps).count({ communityId }), MAX_SERVICES, `本社区已有 ${MAX_SERVICES} 项服务（含已下架），请先整理已有服务`);
        await tx.collection<ServiceItem>(COLLECTIONS.services).add(added);
      });
    }
    // A pending proposal names the item: renamed, it is proposed again under the new name.
    const renamedWhilePending = existing !== null && existing.name !== input.name && existing.pendingRuleChange !== undefined;
    if (renamedWhilePending || (input.basePoints !== item.basePoints && input.basePoints !== item.pendingRuleChange?.after)) {
      await proposeRuleChange(deps, caller, {
        communityId,
        target: serviceRule(item),
        before: item.basePoints,
        after: input.basePoints,
        // A new service still waiting for its first points goes on offer when they are approved.
        ...(!existing || existing.pendingRuleChange?.publish ? { publishOnApproval: true } : {}),
      });
      item = found(await services(deps).get(item._id));
    }
    return toServiceView(item);
  },

  'catalog.archive': async (input, context) => {
    const item = await ownItem(context, input.id);
    const archived = input.archived ?? true;
    // Offering it now would offer it at 0 points: it goes on offer when its points are approved.
    if (!archived && item.pendingRuleChange?.publish) throw new DomainError('CONFLICT', '该服务的积分正在审核，审核通过后会自动上架');
    await services(context.deps).update({ _id: item._id, communityId: item.communityId }, { set: { archived, updatedAt: context.deps.clock.now() } });
    return toServiceView({ ...item, archived });
  },
};
