/** The `user` function: who am I, joining a community as a resident, editing my profile. */
import { resolveCaller } from '../caller';
import type { HomeView, MeView, PersonView } from '../contract';
import { PHONE_CODE_MESSAGE } from '../contract/fields';
import { DomainError, found } from '../errors';
import type { Handlers } from '../handlers';
import { PHONE_MESSAGE, PHONE_PATTERN } from '../labels';
import { COLLECTIONS, type Address, type Community, type Order, type ServiceItem, type ServiceRecord, type User, type Volunteer } from '../model';
import { OPEN_STATUSES } from '../order-machine';
import { ORDER_LIST_OMIT, toOrderSummary } from '../order-view';
import { maskPhone } from '../id-number';
import { toServiceView } from './catalog';
import type { ActionContext, Caller, Deps, Where } from '../ports';
import { starLevel, sumHours } from '../volunteer-hours';
import { compact, loadCommunity } from './shared/store';
import { keysetPage } from './shared/paging';
import { leaveHousehold, sameDoor } from './shared/household';

/** The address must name a grid and a building of the community. */
export function checkAddress(community: Community, address: Address): void {
  const grid = community.grids.find((candidate) => candidate.id === address.gridId);
  if (!grid || grid.retired) throw new DomainError('INVALID_INPUT', '所选网格不属于该社区');
  if (!grid.buildings.includes(address.building)) throw new DomainError('INVALID_INPUT', `${grid.name}没有${address.building}`);
}

/**
 * The mainland number WeChat vouches for behind a phone-number button's code, given to this caller.
 * Called after every other check of the action, as the code can be used only once.
 */
async function verifiedPhone(deps: Deps, code: string, openid: string): Promise<string> {
  const phone = await deps.phones.exchange(code, openid);
  if (!phone) throw new DomainError('INVALID_INPUT', PHONE_CODE_MESSAGE);
  if (phone.countryCode !== '86') throw new DomainError('INVALID_INPUT', '暂时只能使用中国大陆手机号，请在微信中选择或添加大陆手机号');
  if (!PHONE_PATTERN.test(phone.purePhoneNumber)) throw new DomainError('INVALID_INPUT', PHONE_MESSAGE);
  return phone.purePhoneNumber;
}

/**
 * What a volunteer's service records add up to: read with the caller where the contract declares it
 * (user.me, user.home), else now. One indexed sum, so no counter has to be kept right.
 */
async function recordedHoursOf(deps: Deps, caller: Caller, preread?: ActionContext['preread']): Promise<number> {
  if (!caller.volunteer) return 0;
  const read = preread?.hours as ReadonlyArray<{ total?: number }> | undefined;
  const total = read ? (read[0]?.total ?? 0) : await deps.store.collection<ServiceRecord>(COLLECTIONS.serviceRecords).sum({ openid: caller.openid }, 'hours');
  return sumHours([total]);
}

/** The caller's profile, roles and volunteer standing. */
export async function meOf(deps: Deps, caller: Caller, preread?: ActionContext['preread']): Promise<MeView> {
  return meView(caller, await recordedHoursOf(deps, caller, preread));
}

function meView(caller: Caller, hours: number): MeView {
  const { user, volunteer, community } = caller;
  return {
    openid: caller.openid,
    roles: [...caller.roles],
    communityId: caller.communityId ?? undefined,
    profile: user
      ? {
          name: user.name,
          phone: user.phone,
          ...(user.phoneVerifiedAt ? {} : { phoneUnverified: true as const }),
          address: user.address,
          communityId: user.communityId,
          communityName: community?.name ?? '',
        }
      : undefined,
    volunteer: volunteer
      ? {
          status: volunteer.status,
          available: volunteer.available,
          reviewNote: volunteer.reviewNote,
          hours,
          level: starLevel(hours),
        }
      : undefined,
  };
}

/** Re-reads the caller after a change to their records, so the reply shows the new roles. */
async function refreshed(deps: Deps, caller: Caller): Promise<MeView> {
  return meOf(deps, await resolveCaller(deps.store, caller.openid, deps.adminOpenids));
}

const OPEN_ORDERS_COUNTED = 100;

/** The home page's data in one round trip: profile, the community's services, open orders, points. */
async function homeView(deps: Deps, caller: Caller, preread: ActionContext['preread']): Promise<HomeView> {
  const me = await meOf(deps, caller, preread);
  const communityId = caller.communityId;
  if (!communityId) return { me, services: [], openOrders: [], openOrderCount: 0, balance: 0 };
  const orders = deps.store.collection<Order>(COLLECTIONS.orders);
  const openWhere = { residentOpenid: caller.openid, status: { in: OPEN_STATUSES } };
  const [services, open] = await Promise.all([
    deps.store.collection<ServiceItem>(COLLECTIONS.services).find({ communityId, archived: false }, { orderBy: [['category', 'asc'], ['name', 'asc']], limit: 100 }),
    // One read gives both the first three and the count: a resident's open orders are few (the
    // community's open-order limit; orders staff place for them come on top), so counted up to 100.
    orders.find(openWhere, { orderBy: [['dueAt', 'asc']], limit: OPEN_ORDERS_COUNTED, omit: ORDER_LIST_OMIT }),
  ]);
  const openOrders = open.slice(0, 3);
  const openOrderCount = open.length;
  return {
    me,
    communityName: me.profile?.communityName,
    services: services.map(toServiceView),
    openOrders: openOrders.map((order) => toOrderSummary(order, caller)),
    openOrderCount,
    balance: caller.points?.balance ?? 0,
  };
}

const personView = (user: User): PersonView =>
  compact({
    openid: user._id,
    name: user.name,
    gridId: user.address.gridId,
    building: user.address.building,
    unit: user.address.unit,
    phoneMasked: maskPhone(user.phone),
    phoneUnverified: user.phoneVerifiedAt ? undefined : true,
    roles: user.roles,
  });

/** The user function's handlers but those of the person's own data (accountHandlers in account.ts). */
export const userHandlers: Omit<Handlers<'user'>, 'user.exportMine' | 'user.deleteAccount'> = {
  'user.search': async (input, { caller, deps }) => {
    const communityId = found(caller.communityId, '请先登记');
    const where: Where = { communityId };
    // Staff see the whole community; a grid worker only the grids they look after.
    if (!caller.roles.has('staff')) where['address.gridId'] = { in: caller.user?.gridIds ?? [] };
    if (input.gridId) {
      if (!caller.roles.has('staff') && !(caller.user?.gridIds ?? []).includes(input.gridId)) throw new DomainError('FORBIDDEN', '只能查看您负责网格的居民');
      where['address.gridId'] = input.gridId;
    }
    if (input.building) where['address.building'] = input.building;
    if (input.query && PHONE_PATTERN.test(input.query)) {
      // Only a number WeChat vouched for: anyone could have typed a neighbour's.
      where.phone = input.query;
      where.phoneVerifiedAt = { exists: true };
    } else if (input.query) where.name = input.query;
    return keysetPage(
      deps.store.collection<User>(COLLECTIONS.users),
      where,
      [
        ['address.building', 'asc'],
        ['name', 'asc'],
        ['_id', 'asc'],
      ],
      input,
      personView,
    );
  },


  'user.me': async (_input, { caller, deps, preread }) => meOf(deps, caller, preread),
  'user.home': async (_input, { caller, deps, preread }) => homeView(deps, caller, preread),

  'user.register': async (input, { caller, deps }) => {
    const community = await loadCommunity(deps, input.communityId, caller);
    checkAddress(community, input.address);
    const users = deps.store.collection<User>(COLLECTIONS.users);
    if (caller.user) {
      if (caller.user.communityId !== input.communityId) throw new DomainError('CONFLICT', '您已登记在其他社区，如需变更请联系社区工作人员');
      if (caller.user.roles.includes('resident')) return meOf(deps, caller);
    }
    const phone = await verifiedPhone(deps, input.phoneCode, caller.openid);
    const now = deps.clock.now();
    if (caller.user) {
      // Staff or a grid worker becoming a resident too: their home replaces the office address.
      // Conditional, so a double tap cannot add the role twice.
      await users.update(
        { _id: caller.openid, roles: { neq: 'resident' } },
        { push: { roles: 'resident' }, set: { name: input.name, phone, phoneVerifiedAt: now, address: input.address, consentAt: now, updatedAt: now } },
      );
      return refreshed(deps, caller);
    }
    const added = await users.add({
      _id: caller.openid,
      communityId: input.communityId,
      name: input.name,
      phone,
      phoneVerifiedAt: now,
      address: input.address,
      roles: ['resident'],
      consentAt: now,
      createdAt: now,
      updatedAt: now,
    });
    if (!added) throw new DomainError('CONFLICT', '您已经登记过了');
    return refreshed(deps, caller);
  },

  'user.updateProfile': async (input, { caller, deps }) => {
    const user = found(caller.user);
    if (input.address) {
      const community = await loadCommunity(deps, user.communityId, caller);
      checkAddress(community, input.address);
    }
    const set: Record<string, unknown> = { updatedAt: deps.clock.now() };
    if (input.name) set.name = input.name;
    if (input.address) set.address = input.address;
    // Someone who moves is no longer of the household at the old door (they ask to join the new one).
    const moved = input.address !== undefined && user.householdId !== undefined && !sameDoor(user.address, input.address);
    await deps.store.collection<User>(COLLECTIONS.users).update({ _id: caller.openid }, { set, ...(moved ? { unset: ['householdId'] } : {}) });
    if (moved) await leaveHousehold(deps, user);
    return refreshed(deps, caller);
  },

  'user.bindPhone': async (input, { caller, deps, preread }) => {
    const user = found(caller.user);
    const phone = await verifiedPhone(deps, input.code, caller.openid);
    const now = deps.clock.now();
    const set = { phone, phoneVerifiedAt: now };
    await deps.store.collection<User>(COLLECTIONS.users).update({ _id: caller.openid }, { set: { ...set, updatedAt: now } });
    // A volunteer's record carries the phone staff call them on (志愿服务条例 Art. 20): the same one.
    if (caller.volunteer) await deps.store.collection<Volunteer>(COLLECTIONS.volunteers).update({ _id: caller.openid }, { set });
    // Roles do not change with a phone: the reply is the caller as read, with the new number.
    return meOf(deps, { ...caller, user: { ...user, ...set, updatedAt: now } }, preread);
  },
};
