/**
 * The `order` function: a resident orders a service of their community (群众点单) — or staff and grid
 * workers order for a resident without a phone (代点单) — staff review it where the community wants
 * that, the resident follows it, cancels it before the service starts, and rates it once.
 */
import { DomainError, found } from '../errors';
import type { ParsedInputOf } from '../contract';
import type { Handlers } from '../handlers';
import { type Address, COLLECTIONS, type Order, type OrderStatus, type ServiceItem, type User } from '../model';
import { FINAL_STATUSES, isEligibleVolunteer, managesOrder, OPEN_STATUSES, placedForHousehold, rateOnBehalfConflict, TRANSITIONS } from '../order-machine';
import { ORDER_LIST_OMIT, toOrderSummary, toOrderView } from '../order-view';
import type { ActionContext, Caller, Deps, Where } from '../ports';
import { orderLimitsOf } from '../settings';
import { addHours, formatLocal } from '../time';
import { checkAddress } from './user';
import { compact, loadCommunity, prereadOrGet } from './shared/store';
import { conflict, loadOrder, moveCounters, orderEvent, orderPage, ordersOf, transition } from './order-transitions';
import { clip, notify } from './shared/notify';
import { staffCommunity } from './shared/access';
import { keysetPage } from './shared/paging';
import { quotaKey, takeDailyQuota } from './shared/quota';
import { sameDoor } from './shared/household';
import { householdsOf } from './household';

/** The statuses a list filter stands for: `done` includes completed orders awaiting the staff score. */
export const LIST_FILTERS: Record<'open' | 'done', readonly OrderStatus[]> = {
  open: OPEN_STATUSES,
  done: ['completed', ...FINAL_STATUSES],
};

/** 53-bit string hash (cyrb53), as hex; two seeds make the order id (and an affair's). */
export function hash53(text: string, seed: number): string {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16).padStart(14, '0');
}

/**
 * The same caller and clientRequestId always give the same _id, so a retried submission finds the
 * order it already made. Hashed, because order ids are shown to volunteers and must not carry an
 * openid.
 */
export function orderIdFor(callerOpenid: string, clientRequestId: string): string {
  const key = `${callerOpenid}\u0000${clientRequestId}`;
  return `o${hash53(key, 1)}${hash53(key, 2)}`;
}

/** Who may look at an order: its resident, staff who manage it, its volunteer, or anyone who could take it from the hall. */
export function canView(order: Order, caller: Caller): boolean {
  return (
    order.residentOpenid === caller.openid ||
    order.createdBy === caller.openid ||
    managesOrder(caller, order) ||
    (order.assignee === caller.openid && caller.roles.has('volunteer')) ||
    (order.status === 'pending' && isEligibleVolunteer(caller, order))
  );
}

/** Whether the caller may see the order only as the one who placed it for someone else. */
function onlyPlacedIt(order: Order, caller: Caller): boolean {
  return (
    order.createdBy === caller.openid &&
    order.residentOpenid !== caller.openid &&
    !managesOrder(caller, order) &&
    !(order.assignee === caller.openid && caller.roles.has('volunteer')) &&
    !(order.status === 'pending' && isEligibleVolunteer(caller, order))
  );
}

/** Whether the caller looks after the order's household as its linker now. */
async function linksOrderHousehold(deps: Deps, order: Order, caller: Caller): Promise<boolean> {
  if (!order.householdId) return false;
  return (await householdsOf(deps).get(order.householdId))?.linkerOpenid === caller.openid;
}

/** Whether the caller placed this order for a household they still look after as its linker. */
async function linksHouseholdOf(deps: Deps, order: Order, caller: Caller): Promise<boolean> {
  return placedForHousehold(order, caller) && linksOrderHousehold(deps, order, caller);
}

/** Places the order; throws if anything refuses it, including its _id being taken (a retry). */
async function createOrder(input: ParsedInputOf<'order.create'>, orderId: string, { caller, deps, preread }: ActionContext): Promise<Order> {
    const user = found(caller.user, '请先登记为本社区居民');
    const service = await prereadOrGet(deps.store.collection<ServiceItem>(COLLECTIONS.services), input.serviceId, preread, 'service');
    if (!service || service.archived) throw new DomainError('NOT_FOUND', '该服务项目不存在或已下架');
    if (service.communityId !== user.communityId) throw new DomainError('FORBIDDEN', '只能预约本社区的服务项目');
    const community = await loadCommunity(deps, user.communityId, caller);

    let residentOpenid: string;
    let contactName: string;
    let contactPhone: string;
    let phoneUnverified = false;
    let address: Address;
    let householdId: string | undefined;
    /** A linker ordering for a household they look after, who is not staff or its grid's worker. */
    let placedAsLinker = false;
    const behalf = input.onBehalfOf;
    if (behalf) {
      const household = behalf.householdId ? await householdsOf(deps).get(behalf.householdId) : null;
      if (behalf.householdId && (!household || household.communityId !== user.communityId)) throw new DomainError('NOT_FOUND', '该家庭户不存在');
      address = household ? compact({ gridId: household.gridId, building: household.building, unit: household.unit, room: household.room }) : found(behalf.address);
      // Staff (and grid workers for their grids) order for residents who cannot themselves; a
      // linker, for the households they look after.
      const manages = managesOrder(caller, { communityId: user.communityId, address });
      placedAsLinker = !manages && household !== null && household.linkerOpenid === caller.openid;
      if (!manages && !placedAsLinker) {
        if (household) throw new DomainError('FORBIDDEN', '只有社区工作人员、该网格的网格员和这一户的联户长可以为这一户代点单');
        throw new DomainError('FORBIDDEN', caller.roles.has('grid_worker') ? '只能为您负责网格的居民代点单' : '只有社区工作人员可以代居民下单');
      }
      checkAddress(community, address);
      let memberOpenid: string | undefined = behalf.residentOpenid;
      if (household) {
        const member = household.members.find((candidate) => candidate.name === behalf.name);
        if (!member) throw new DomainError('INVALID_INPUT', '请选择这一户的家庭成员');
        if (behalf.residentOpenid && behalf.residentOpenid !== member.openid) throw new DomainError('INVALID_INPUT', '所选居民不是这一户的成员');
        memberOpenid = member.openid;
      }
      let resident: User | null = null;
      if (memberOpenid) {
        resident = await deps.store.collection<User>(COLLECTIONS.users).get(memberOpenid);
        if (!resident || resident.communityId !== user.communityId) throw new DomainError('INVALID_INPUT', '该居民未在本社区登记');
      }
      // A resident without an account owns no order: staff follow it in their queue.
      residentOpenid = resident?._id ?? '';
      contactName = behalf.name;
      contactPhone = behalf.phone ?? input.contactPhone ?? household?.contactPhone ?? resident?.phone ?? '';
      if (contactPhone && !(resident?.phoneVerifiedAt && resident.phone === contactPhone)) phoneUnverified = true;
      householdId = household?._id ?? (resident?.householdId && sameDoor(resident.address, address) ? resident.householdId : undefined);
    } else {
      if (!caller.roles.has('resident')) throw new DomainError('FORBIDDEN', '请先登记为居民，或选择“代居民下单”');
      address = input.address ?? user.address;
      checkAddress(community, address);
      residentOpenid = caller.openid;
      contactName = user.name;
      contactPhone = input.contactPhone ?? user.phone;
      if (!(user.phoneVerifiedAt && user.phone === contactPhone)) phoneUnverified = true;
      // An order at home is the household's (its linker follows it); one elsewhere is not.
      if (user.householdId && sameDoor(user.address, address)) householdId = user.householdId;
    }
    // A photo must be one the caller uploaded (the mini-program stores them under orders/<openid>/).
    if (input.photos?.some((fileID) => fileID.split('/')[4] !== caller.openid)) {
      throw new DomainError('FORBIDDEN', '只能附上自己上传的照片');
    }

    const now = deps.clock.now();
    // What staff (or a grid worker) order has been vetted already; a resident's order, and a
    // linker's for their household, waits for review where required.
    const vetted = behalf !== undefined && !placedAsLinker;
    const status: OrderStatus = community.settings.requireOrderReview && !vetted ? 'pending_review' : 'pending';
    const order: Order = compact({
      _id: orderId,
      communityId: community._id,
      residentOpenid,
      createdBy: caller.openid,
      householdId,
      clientRequestId: input.clientRequestId,
      serviceId: service._id,
      serviceName: service.name,
      serviceCategory: service.category,
      skills: service.skills,
      basePoints: service.basePoints,
      expectedMinutes: service.expectedMinutes,
      description: input.description,
      address: compact(address),
      contactName,
      contactPhone,
      contactPhoneUnverified: phoneUnverified || undefined,
      preferredTime: input.preferredTime || undefined,
      photos: input.photos?.length ? input.photos : undefined,
      status,
      events: [orderEvent(now, caller.openid, null, status, placedAsLinker ? `联户长${user.name}代点单` : behalf ? `${user.name}代居民下单` : undefined)],
      declines: [],
      createdAt: now,
      dueAt: addHours(now, service.slaHours),
      overdue: false,
    });

    // One account cannot flood the hall or the queue: open orders and orders a day are limited
    // (staff and grid workers ordering for others have their own, larger limits).
    const limits = orderLimitsOf(community);
    // A linker is a resident looking after a few homes: a resident's limits, counted apart.
    const open: { where: Where; limit: number; message: (count: number) => string } = placedAsLinker
      ? {
          where: { createdBy: caller.openid, residentOpenid: { neq: caller.openid }, status: { in: OPEN_STATUSES } },
          limit: limits.openPerResident,
          message: (count) => `您为联系的家庭户代下的订单有 ${count} 个尚未完成，已达社区上限（${limits.openPerResident} 个），请先跟进已有订单`,
        }
      : behalf
      ? {
          where: { createdBy: caller.openid, residentOpenid: { neq: caller.openid }, status: { in: OPEN_STATUSES } },
          limit: limits.openOnBehalf,
          message: (count) => `您代居民下的订单有 ${count} 个尚未完成，已达社区上限（${limits.openOnBehalf} 个），请先跟进已有订单`,
        }
      : {
          where: { residentOpenid: caller.openid, status: { in: OPEN_STATUSES } },
          limit: limits.openPerResident,
          message: (count) => `您有 ${count} 个订单尚未完成，已达社区上限（${limits.openPerResident} 个），请等已有订单完成或取消后再下单`,
        };
    const daily = placedAsLinker
      ? { key: quotaKey('order_as_linker', caller.openid), limit: limits.perResidentPerDay, message: `您今天已为联系的家庭户代下 ${limits.perResidentPerDay} 个订单，已达社区每天的上限，请明天再继续` }
      : behalf
      ? { key: quotaKey('order_on_behalf', caller.openid), limit: limits.onBehalfPerDay, message: `您今天已代居民下单 ${limits.onBehalfPerDay} 个，已达社区每天的上限，请明天再继续` }
      : { key: quotaKey('order', caller.openid), limit: limits.perResidentPerDay, message: `您今天已下单 ${limits.perResidentPerDay} 个，已达社区每天的上限，请明天再来；急事请联系社区工作人员` };
    return deps.store.transaction(async (tx, attempt) => {
      // Run again after a conflict or a taken _id: a repeated request (its order made) stops here
      // instead of failing every attempt. The first attempt reads nothing for it.
      if (attempt > 1) {
        const made = await tx.collection<Order>(COLLECTIONS.orders).get(orderId);
        if (made) return made;
      }
      await takeDailyQuota(tx, daily.key, daily.limit, now, daily.message);
      // Counted after this transaction read the quota document: an order placed meanwhile wrote
      // that document too, so one of the two transactions conflicts and runs again, and counts
      // the other's order. The limit holds under a burst.
      const count = await ordersOf(deps).count(open.where);
      if (count >= open.limit) throw new DomainError('LIMIT_REACHED', open.message(count));
      await tx.collection<Order>(COLLECTIONS.orders).add(order);
      return order;
    });
}

export const orderHandlers: Handlers<'order'> = {
  'order.create': async (input, context) => {
    const { caller, deps } = context;
    const orders = ordersOf(deps);
    const orderId = orderIdFor(caller.openid, input.clientRequestId);
    const mine = (order: Order | null) => order !== null && order.createdBy === caller.openid && order.clientRequestId === input.clientRequestId;
    try {
      return { order: toOrderView(await createOrder(input, orderId, context), caller) };
    } catch (error) {
      // A retry returns what the first attempt made, whatever it carries this time (the order's _id
      // comes from the request's id, so the retry's insert found it taken). Read only on this path.
      const existing = await orders.get(orderId);
      if (mine(existing)) return { order: toOrderView(existing!, caller) };
      if (error instanceof DomainError && error.code === 'CONFLICT' && existing) throw new DomainError('CONFLICT', '请求编号重复，请重新提交');
      throw error;
    }
  },
  'order.reviewQueue': async (input, { caller, deps }) =>
    keysetPage(
      ordersOf(deps),
      { communityId: staffCommunity(caller), status: 'pending_review' },
      // Oldest first, so none waits behind newer ones (served by community_status_created_id, reversed).
      [
        ['createdAt', 'asc'],
        ['_id', 'desc'],
      ],
      input,
      (order) => toOrderSummary(order, caller),
      { omit: ORDER_LIST_OMIT },
    ),

  'order.review': async (input, { caller, deps, preread }) => {
    const order = await loadOrder(deps, input.orderId, preread);
    if (order.residentOpenid === caller.openid) throw new DomainError('FORBIDDEN', '不能审核自己的订单，请由其他工作人员审核');
    if (!managesOrder(caller, order) || !caller.roles.has('staff')) throw new DomainError('FORBIDDEN', '只能审核本社区的订单');
    const note = input.note || undefined;
    const command = input.decision === 'approve' ? 'approve' : 'reject';
    const next = await transition(
      deps,
      order,
      command,
      caller.openid,
      { set: compact({ reviewNote: note }), note: note ?? (command === 'approve' ? '审核通过' : undefined) },
      '审核',
    );
    return { order: toOrderView(next, caller) };
  },

  'order.get': async (input, { caller, deps, preread }) => {
    const order = await loadOrder(deps, input.orderId, preread);
    if (!canView(order, caller)) throw new DomainError('FORBIDDEN', '您无权查看该订单');
    // Someone who placed it for another and no longer manages it (moved grid, left the role) nor
    // looks after its household reads its contact and door no more.
    if (onlyPlacedIt(order, caller) && !(await linksOrderHousehold(deps, order, caller))) {
      throw new DomainError('FORBIDDEN', '您已不再负责该订单，无法查看');
    }
    return { order: toOrderView(order, caller) };
  },

  'order.listMine': async (input, { caller, deps }) =>
    keysetPage(
      ordersOf(deps),
      {
        ...(input.placed ? { createdBy: caller.openid, residentOpenid: { neq: caller.openid } } : { residentOpenid: caller.openid }),
        ...(input.status ? { status: { in: LIST_FILTERS[input.status] } } : {}),
      },
      [
        ['createdAt', 'desc'],
        ['_id', 'asc'],
      ],
      input,
      (order) => toOrderSummary(order, caller),
      { omit: ORDER_LIST_OMIT },
    ),

  'order.cancel': async (input, { caller, deps, preread }) => {
    const order = await loadOrder(deps, input.orderId, preread);
    const owner = order.residentOpenid === caller.openid;
    if (!owner && !managesOrder(caller, order) && !(await linksHouseholdOf(deps, order, caller))) throw new DomainError('FORBIDDEN', '只有下单居民或社区工作人员可以取消订单');
    if (order.status === 'in_service') throw new DomainError('CONFLICT', '服务已经开始，无法取消；如有问题请联系社区');
    const next = await transition(
      deps,
      order,
      'cancel',
      caller.openid,
      {
        set: { cancelledAt: deps.clock.now() },
        // The load change is the volunteer read here: cancel only if they still hold it.
        where: { assignee: order.assignee ?? { exists: false } },
        note: `取消原因：${input.reason}`,
        // Only an accepted order counted in the volunteer's load.
        ...(order.status === 'accepted' && order.assignee ? { counters: { openid: order.assignee, inc: { activeOrders: -1 } } } : {}),
      },
      '取消',
    );
    // The volunteer it was assigned to or who accepted it would otherwise set off for nothing.
    if (order.assignee && (order.status === 'assigned' || order.status === 'accepted')) {
      await notify(deps, {
        kind: 'order_cancelled',
        touser: order.assignee,
        page: orderPage(order._id),
        fields: { thing1: clip(order.serviceName, 20), thing2: clip(order.address.building, 20), time3: formatLocal(next.cancelledAt ?? deps.clock.now()), thing4: clip(`取消原因：${input.reason}`, 20) },
      });
    }
    return { order: toOrderView(next, caller) };
  },

  'order.rate': async (input, { caller, deps, preread }) => {
    const order = await loadOrder(deps, input.orderId, preread);
    if (order.residentOpenid !== caller.openid) throw new DomainError('FORBIDDEN', '只能评价自己的订单');
    const rating = compact({ stars: input.stars, comment: input.comment || undefined, at: deps.clock.now() });
    await recordRating(deps, order, rating, { residentOpenid: caller.openid }, '您已经评价过这个订单了');
    return { order: toOrderView({ ...order, rating } as Order, caller) };
  },

  'order.rateOnBehalf': async (input, { caller, deps, preread }) => {
    const order = await loadOrder(deps, input.orderId, preread);
    const refusal = rateOnBehalfConflict(order, caller, await linksHouseholdOf(deps, order, caller));
    if (refusal) throw new DomainError('FORBIDDEN', refusal);
    const onBehalf = { by: caller.openid, name: caller.user?.name ?? '' };
    const rating = compact({ stars: input.stars, comment: input.comment || undefined, at: deps.clock.now(), onBehalf });
    // The write holds only while the order is still the placer's and its elder has no account.
    await recordRating(deps, order, rating, { createdBy: caller.openid, residentOpenid: '' }, '这个订单已经评价过了');
    return { order: toOrderView({ ...order, rating } as Order, caller) };
  },
};

/**
 * Writes an order's one rating: the write holds only while the order is finished and has no rating
 * (and `who` still matches), so two taps or two people cannot both rate. Then the volunteer's rating
 * counters move.
 */
async function recordRating(deps: Deps, order: Order, rating: NonNullable<Order['rating']>, who: Where, rated: string): Promise<void> {
  if (!TRANSITIONS.rate.from.includes(order.status)) throw conflict(order, '评价');
  if (order.rating) throw new DomainError('CONFLICT', rated);
  const written = await ordersOf(deps).update({ _id: order._id, ...who, status: { in: TRANSITIONS.rate.from }, rating: { exists: false } }, { set: { rating } });
  if (written === 0) throw new DomainError('CONFLICT', rated);
  if (order.assignee) await moveCounters(deps, { openid: order.assignee, inc: { ratingSum: rating.stars, ratingCount: 1 } });
}
