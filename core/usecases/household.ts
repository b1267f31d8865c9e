/**
 * The `household` function: the household register (户) and its linkers (十联户). A household's id
 * follows from its address (building, unit, room), so one home is registered once however many
 * staff add it at once. Registered members point back at it (`User.householdId`), which is what the
 * 议事 rule "one vote per household" counts by; nobody belongs to two households. Care flags are for
 * staff and the household's linker; a grid worker sees the households of their grids without them.
 */
import type { HouseholdClaimView, HouseholdDetailView, HouseholdView, HouseholdVisitView, MyHouseholdView } from '../contract';
import { doorPartKey, HOUSEHOLD_OPEN_SHOWN, MAX_HOUSEHOLD_MEMBERS, VISIT_BACKDATE_DAYS } from '../contract/household';
import { OPEN_AFFAIR_STATUSES } from '../affair-machine';
import { OPEN_STATUSES } from '../order-machine';
import { digestId } from '../digest';
import { DomainError, found } from '../errors';
import type { Handlers } from '../handlers';
import { maskPhone } from '../id-number';
import { type Affair, COLLECTIONS, type Community, type Household, type HouseholdClaim, type HouseholdMember, type HouseholdVisit, type Order, type User } from '../model';
import type { ActionContext, Caller, Collection, Deps, Transaction, Where } from '../ports';
import { DEFAULT_HOUSEHOLDS_PER_LINKER } from '../settings';
import { DAY_MS, iso, localDay } from '../time';
import { isStaffOf, memberCommunity, staffCommunity } from './shared/access';
import { keysetPage, NEWEST_FIRST, type OrderBy } from './shared/paging';
import { quotaKey, takeDailyQuota, takePlace } from './shared/quota';
import { compact, loadCommunity, prereadOrGet, readByIds } from './shared/store';
import { sameDoor } from './shared/household';

/** Households one staff member may register or edit a day: a register is built over weeks, not flooded in an hour. */
export const HOUSEHOLD_EDITS_PER_DAY = 500;

export const householdsOf = (deps: Deps): Collection<Household> => deps.store.collection<Household>(COLLECTIONS.households);
const claimsOf = (deps: Deps): Collection<HouseholdClaim> => deps.store.collection<HouseholdClaim>(COLLECTIONS.householdClaims);
const usersOf = (deps: Deps): Collection<User> => deps.store.collection<User>(COLLECTIONS.users);
const visitsOf = (deps: Deps): Collection<HouseholdVisit> => deps.store.collection<HouseholdVisit>(COLLECTIONS.householdVisits);

/** One visit per household, linker and day: a second record of the same day is the same visit. */
export const visitIdFor = (householdId: string, linkerOpenid: string, date: string): string => `hv-${digestId(`${householdId}\n${linkerOpenid}\n${date}`)}`;

/** One home, one id: the address names the household. */
export const householdIdFor = (communityId: string, building: string, unit: string | undefined, room: string): string =>
  `hh-${digestId(`${communityId}\n${building}\n${doorPartKey(unit)}\n${doorPartKey(room)}`)}`;

const addressText = (place: { building: string; unit?: string; room: string }) => `${place.building}${place.unit ? ` ${place.unit}单元` : ''} ${place.room}`;

const BY_DOOR: OrderBy = [
  ['building', 'asc'],
  ['room', 'asc'],
  ['_id', 'asc'],
];

function gridOfBuilding(community: Community, building: string): string {
  const grid = community.grids.find((candidate) => !candidate.retired && candidate.buildings.includes(building));
  if (!grid) throw new DomainError('INVALID_INPUT', `${community.name}没有${building}`);
  return grid.id;
}

const isLinkerOf = (caller: Caller, household: Pick<Household, 'linkerOpenid'>) => household.linkerOpenid !== undefined && household.linkerOpenid === caller.openid;

export function toHouseholdView(household: Household, caller: Caller, community: Community | null): HouseholdView {
  const staffOrLinker = isStaffOf(caller, household.communityId) || isLinkerOf(caller, household);
  const ownHousehold = household.members.some((member) => member.openid === caller.openid);
  return compact({
    id: household._id,
    gridId: household.gridId,
    gridName: community?.grids.find((grid) => grid.id === household.gridId)?.name ?? household.gridId,
    building: household.building,
    unit: household.unit,
    room: household.room,
    address: addressText(household),
    // Staff get the member's account back so that an edit keeps the member linked.
    members: household.members.map((member) => compact({ name: member.name, relation: member.relation, registered: member.openid !== undefined, openid: isStaffOf(caller, household.communityId) ? member.openid : undefined })),
    // Care flags (低保, 残疾 …) are for those who look after the household, not for everyone who sees it.
    flags: staffOrLinker ? household.flags : undefined,
    contactPhone: household.contactPhone ? (staffOrLinker ? household.contactPhone : ownHousehold ? undefined : maskPhone(household.contactPhone)) : undefined,
    linkerName: household.linkerName,
    linkedByMe: isLinkerOf(caller, household),
    version: household.version,
    updatedAt: iso(household.updatedAt),
  });
}

const isGridWorkerOf = (caller: Caller, household: Pick<Household, 'gridId'>) => caller.roles.has('grid_worker') && (caller.user?.gridIds ?? []).includes(household.gridId);

/** A household of the caller's community that the caller looks after: staff, its grid's worker, its linker. */
async function householdInCare(deps: Deps, caller: Caller, householdId: string, preread: ActionContext['preread']): Promise<Household> {
  const communityId = memberCommunity(caller);
  const household = await prereadOrGet(householdsOf(deps), householdId, preread, 'household');
  if (!household || household.communityId !== communityId) throw new DomainError('NOT_FOUND', '该家庭户不存在');
  if (!isStaffOf(caller, household.communityId) && !isLinkerOf(caller, household) && !isGridWorkerOf(caller, household)) {
    throw new DomainError('FORBIDDEN', '只有社区工作人员、网格员和该户的联户长可以查看');
  }
  return household;
}

const toVisitView = (visit: HouseholdVisit, caller: Caller): HouseholdVisitView => ({
  id: visit._id,
  householdId: visit.householdId,
  address: visit.address,
  linkerName: visit.linkerName,
  mine: visit.linkerOpenid === caller.openid,
  date: visit.date,
  way: visit.way,
  note: visit.note,
  createdAt: iso(visit.createdAt),
});

/**
 * Open orders and open named reports per household, for one page of the linker's list (at most 50
 * households, each with a few open at most): one read of each, counted here.
 */
async function openCountsOf(deps: Deps, householdIds: readonly string[]): Promise<Map<string, { orders: number; affairs: number }>> {
  const where = (statuses: readonly string[]): Where => ({ householdId: { in: [...householdIds] }, status: { in: [...statuses] } });
  const [orders, affairs] = await Promise.all([
    deps.store.collection<Order>(COLLECTIONS.orders).find(where(OPEN_STATUSES), { limit: 1000, omit: ['events', 'declines', 'description', 'photos', 'completion'] }),
    deps.store.collection<Affair>(COLLECTIONS.affairs).find(where(OPEN_AFFAIR_STATUSES), { limit: 1000, omit: ['events', 'description', 'parties', 'photos', 'resolution'] }),
  ]);
  const counts = new Map(householdIds.map((id) => [id, { orders: 0, affairs: 0 }]));
  for (const order of orders) if (order.householdId) counts.get(order.householdId)!.orders += 1;
  for (const affair of affairs) if (affair.householdId) counts.get(affair.householdId)!.affairs += 1;
  return counts;
}

const toClaimView = (claim: HouseholdClaim): HouseholdClaimView =>
  compact({
    openid: claim._id,
    name: claim.name,
    relation: claim.relation,
    address: addressText(claim.address),
    householdId: claim.householdId,
    status: claim.status,
    reason: claim.reason,
    createdAt: iso(claim.createdAt),
  });

interface Door {
  building: string;
  unit?: string;
  room: string;
}

/**
 * Points the registered members at the household (and the removed ones away from it), in the
 * transaction that writes it. Someone already in another household is refused: one home each.
 */
async function relinkMembers(tx: Transaction, communityId: string, householdId: string, door: Door, before: readonly HouseholdMember[], after: readonly HouseholdMember[], now: Date): Promise<void> {
  const users = tx.collection<User>(COLLECTIONS.users);
  const was = new Set(before.flatMap((member) => (member.openid ? [member.openid] : [])));
  const is = new Set(after.flatMap((member) => (member.openid ? [member.openid] : [])));
  for (const openid of is) {
    if (was.has(openid)) continue;
    const user = await users.get(openid);
    if (!user || user.communityId !== communityId || !user.roles.includes('resident')) throw new DomainError('INVALID_INPUT', '家庭成员中有不是本社区登记居民的账号');
    if (user.householdId && user.householdId !== householdId) throw new DomainError('CONFLICT', `${user.name}已登记在另一户，请先从那一户移除`);
    // A registered member lives there: their own address says so (else they ask, and staff confirm).
    if (!sameDoor(user.address, door)) throw new DomainError('CONFLICT', `${user.name}登记的住址不是这一户，请其在“我的家庭户”中按自己的住址申请`);
    await users.update(openid, { set: { householdId, updatedAt: now } });
  }
  for (const openid of was) {
    if (is.has(openid)) continue;
    const user = await users.get(openid);
    if (user?.householdId === householdId) await users.update(openid, { unset: ['householdId'], set: { updatedAt: now } });
  }
}

export const householdHandlers: Handlers<'household'> = {
  'household.upsert': async (input, { caller, deps }) => {
    const communityId = staffCommunity(caller);
    const community = await loadCommunity(deps, communityId, caller);
    const gridId = gridOfBuilding(community, input.building);
    const householdId = householdIdFor(communityId, input.building, input.unit, input.room);
    if (input.householdId && input.householdId !== householdId) throw new DomainError('INVALID_INPUT', '门牌不能修改：搬家请登记新的家庭户，再把旧的成员移除');
    const now = deps.clock.now();
    const members: HouseholdMember[] = input.members.map((member) => compact({ openid: member.openid, name: member.name, relation: member.relation }));
    let written: Household | null = null;
    await deps.store.transaction(async (tx) => {
      await takeDailyQuota(tx, quotaKey('household_edits', caller.openid), HOUSEHOLD_EDITS_PER_DAY, now, `您今天已登记或修改 ${HOUSEHOLD_EDITS_PER_DAY} 户，请明天再继续`);
      const households = tx.collection<Household>(COLLECTIONS.households);
      const current = await households.get(householdId);
      if (!input.householdId && current) throw new DomainError('CONFLICT', `${addressText(current)}已登记，请在列表中打开修改`);
      if (input.householdId && !current) throw new DomainError('NOT_FOUND', '该家庭户不存在');
      if (current && current.version !== input.version) throw new DomainError('CONFLICT', '该家庭户刚被其他工作人员修改，请刷新后重试');
      const next: Household = compact({
        _id: householdId,
        communityId,
        gridId,
        building: input.building,
        unit: input.unit,
        room: input.room,
        members,
        flags: input.flags ?? current?.flags ?? [],
        contactPhone: input.contactPhone === undefined ? current?.contactPhone : input.contactPhone || undefined,
        linkerOpenid: current?.linkerOpenid,
        linkerName: current?.linkerName,
        version: (current?.version ?? -1) + 1,
        createdBy: current?.createdBy ?? caller.openid,
        createdAt: current?.createdAt ?? now,
        updatedBy: caller.openid,
        updatedAt: now,
      });
      await relinkMembers(tx, communityId, householdId, { building: input.building, unit: input.unit, room: input.room }, current?.members ?? [], members, now);
      await households.set(next);
      written = next;
    });
    return toHouseholdView(found(written as Household | null), caller, community);
  },

  'household.list': async (input, { caller, deps }) => {
    const communityId = memberCommunity(caller);
    const box = input.box ?? (caller.roles.has('staff') ? 'community' : caller.roles.has('grid_worker') ? 'grid' : 'linked');
    let where: Where;
    if (box === 'community') {
      if (!caller.roles.has('staff')) throw new DomainError('FORBIDDEN', '只有社区工作人员可以查看全社区的家庭户');
      where = { communityId, ...(input.gridId ? { gridId: input.gridId } : {}), ...(input.building ? { building: input.building } : {}) };
    } else if (box === 'grid') {
      const mine = caller.roles.has('grid_worker') ? (caller.user?.gridIds ?? []) : [];
      if (mine.length === 0) throw new DomainError('FORBIDDEN', '只有网格员可以查看网格的家庭户');
      if (input.gridId && !mine.includes(input.gridId)) throw new DomainError('FORBIDDEN', '只能查看自己负责的网格');
      where = { communityId, gridId: input.gridId ? input.gridId : { in: mine }, ...(input.building ? { building: input.building } : {}) };
    } else {
      where = { linkerOpenid: caller.openid, ...(input.building ? { building: input.building } : {}) };
    }
    const community = caller.community;
    const order: OrderBy = box === 'linked' ? BY_DOOR : input.gridId || box === 'grid' ? [['gridId', 'asc'], ...BY_DOOR] : BY_DOOR;
    const page = await keysetPage(householdsOf(deps), where, order, input, (household) => toHouseholdView(household, caller, community));
    if (box !== 'linked' || page.items.length === 0) return page;
    // A linker sees at a glance which of their homes have something open (household.get has the detail).
    const open = await openCountsOf(deps, page.items.map((household) => household.id));
    return { ...page, items: page.items.map((household) => ({ ...household, open: open.get(household.id) ?? { orders: 0, affairs: 0 } })) };
  },

  'household.get': async (input, { caller, deps, preread }) => {
    const household = await householdInCare(deps, caller, input.householdId, preread);
    const open = { orderBy: NEWEST_FIRST, limit: HOUSEHOLD_OPEN_SHOWN };
    const [orders, affairs] = await Promise.all([
      deps.store.collection<Order>(COLLECTIONS.orders).find({ householdId: household._id, status: { in: OPEN_STATUSES } }, open),
      deps.store.collection<Affair>(COLLECTIONS.affairs).find({ householdId: household._id, status: { in: OPEN_AFFAIR_STATUSES } }, open),
    ]);
    const now = deps.clock.now();
    return {
      household: toHouseholdView(household, caller, caller.community),
      openOrders: orders.map((order) => ({ id: order._id, serviceName: order.serviceName, status: order.status, contactName: order.contactName, createdAt: iso(order.createdAt), overdue: order.overdue })),
      openAffairs: affairs.map((affair) => ({
        id: affair._id,
        category: affair.category,
        status: affair.status,
        createdAt: iso(affair.createdAt),
        overdue: affair.overdue || (affair.dueAt !== undefined && affair.dueAt.getTime() < now.getTime()),
      })),
      mayVisit: isLinkerOf(caller, household),
      mayOrder: isStaffOf(caller, household.communityId) || isLinkerOf(caller, household) || isGridWorkerOf(caller, household),
    };
  },

  'household.visit': async (input, { caller, deps }) => {
    const user = found(caller.user, '请先登记');
    const household = await householdsOf(deps).get(input.householdId);
    if (!household || household.communityId !== user.communityId) throw new DomainError('NOT_FOUND', '该家庭户不存在');
    // The record is the linker's own: staff and grid workers have their own logs (patrol).
    if (!isLinkerOf(caller, household)) throw new DomainError('FORBIDDEN', '只有该户的联户长可以记录走访');
    const now = deps.clock.now();
    const today = localDay(now);
    if (input.date > today) throw new DomainError('INVALID_INPUT', '走访日期不能晚于今天');
    if (input.date < localDay(now.getTime() - VISIT_BACKDATE_DAYS * DAY_MS)) throw new DomainError('INVALID_INPUT', `只能补记 ${VISIT_BACKDATE_DAYS} 天内的走访`);
    const visit: HouseholdVisit = {
      _id: visitIdFor(household._id, caller.openid, input.date),
      communityId: household.communityId,
      householdId: household._id,
      gridId: household.gridId,
      address: addressText(household),
      linkerOpenid: caller.openid,
      linkerName: user.name,
      date: input.date,
      way: input.way,
      note: input.note,
      createdAt: now,
    };
    if (!(await visitsOf(deps).add(visit))) {
      // The same record sent again (a second tap after a lost reply) is the one made; another of that day is refused.
      const made = await visitsOf(deps).get(visit._id);
      if (made && made.way === visit.way && made.note === visit.note) return toVisitView(made, caller);
      throw new DomainError('CONFLICT', `${input.date}已记录过对该户的走访`);
    }
    return toVisitView(visit, caller);
  },

  'household.visits': async (input, { caller, deps, preread }) => {
    const household = await householdInCare(deps, caller, input.householdId, preread);
    // What a linker wrote about a home (health, money, family) is for those who look after it.
    if (!isStaffOf(caller, household.communityId) && !isLinkerOf(caller, household)) throw new DomainError('FORBIDDEN', '走访记录只有社区工作人员和该户的联户长可以查看');
    return keysetPage(
      visitsOf(deps),
      { householdId: household._id },
      [
        ['date', 'desc'],
        ['_id', 'desc'],
      ],
      input,
      (visit) => toVisitView(visit, caller),
    );
  },

  'household.mine': async (_input, { caller, deps }) => {
    const household = caller.user?.householdId ? await householdsOf(deps).get(caller.user.householdId) : null;
    const own = household && household.members.some((member) => member.openid === caller.openid) ? household : null;
    // A request to be linked matters only to someone not in a household: one read either way.
    const claim = own ? null : await claimsOf(deps).get(caller.openid);
    return {
      household: own ? toHouseholdView(own, caller, caller.community) : null,
      claim: claim && claim.status !== 'confirmed' ? toClaimView(claim) : null,
      mayClaim: !own && caller.roles.has('resident'),
    };
  },

  'household.claim': async (input, { caller, deps }) => {
    const user = found(caller.user, '请先登记');
    if (user.householdId) throw new DomainError('CONFLICT', '您已登记在一个家庭户中，如有变化请联系社区工作人员');
    if (!doorPartKey(user.address.room)) throw new DomainError('INVALID_INPUT', '请先在“个人资料”中填写门牌号（室），再申请关联家庭户');
    const now = deps.clock.now();
    const existing = await claimsOf(deps).get(caller.openid);
    if (existing?.status === 'pending') throw new DomainError('CONFLICT', '您的申请正在等待社区确认');
    // The door as the register writes it ("1单元" → 1), so the household made on confirming is the one staff would register.
    const address = compact({ gridId: user.address.gridId, building: user.address.building, unit: doorPartKey(user.address.unit) || undefined, room: doorPartKey(user.address.room) });
    const claim: HouseholdClaim = {
      _id: caller.openid,
      communityId: user.communityId,
      name: user.name,
      relation: input.relation,
      address,
      householdId: householdIdFor(user.communityId, address.building, address.unit, address.room),
      status: 'pending',
      createdAt: now,
    };
    await deps.store.transaction(async (tx) => {
      // A refused request may be made again, a few times a day.
      await takeDailyQuota(tx, quotaKey('household_claims', caller.openid), 3, now, '您今天已申请 3 次，请明天再试或联系社区工作人员');
      await tx.collection<HouseholdClaim>(COLLECTIONS.householdClaims).set(claim);
    });
    return { household: null, claim: toClaimView(claim), mayClaim: true };
  },

  'household.claims': async (input, { caller, deps }) => {
    const communityId = staffCommunity(caller);
    const page = await keysetPage(
      claimsOf(deps),
      { communityId, status: 'pending' },
      [
        ['createdAt', 'asc'],
        ['_id', 'asc'],
      ],
      input,
      toClaimView,
    );
    // Staff decide differently when the home is registered already (the resident joins its members).
    const registered = await readByIds(householdsOf(deps), page.items.flatMap((claim) => (claim.householdId ? [claim.householdId] : [])));
    return { ...page, items: page.items.map((claim) => ({ ...claim, householdRegistered: claim.householdId !== undefined && registered.has(claim.householdId) })) };
  },

  'household.decideClaim': async (input, { caller, deps }) => {
    const communityId = staffCommunity(caller);
    const community = await loadCommunity(deps, communityId, caller);
    const now = deps.clock.now();
    let decided: HouseholdClaim | null = null;
    await deps.store.transaction(async (tx) => {
      const claims = tx.collection<HouseholdClaim>(COLLECTIONS.householdClaims);
      const claim = await claims.get(input.openid);
      if (!claim || claim.communityId !== communityId) throw new DomainError('NOT_FOUND', '没有该居民的申请');
      // A staff member who lives in the community does not confirm their own household (议事 counts votes by it).
      if (claim._id === caller.openid) throw new DomainError('FORBIDDEN', '不能处理自己的申请，请由其他工作人员确认');
      if (claim.status !== 'pending') throw new DomainError('CONFLICT', '该申请已处理');
      if (input.decision === 'reject') {
        decided = { ...claim, status: 'rejected', reason: input.reason, decidedBy: caller.openid, decidedAt: now };
        await claims.set(decided);
        return;
      }
      const user = await tx.collection<User>(COLLECTIONS.users).get(claim._id);
      if (!user || user.communityId !== communityId || !user.roles.includes('resident')) throw new DomainError('CONFLICT', '该居民已不在本社区登记');
      if (user.householdId) throw new DomainError('CONFLICT', `${user.name}已登记在一个家庭户中`);
      // The home as it is now: if the resident moved since asking, they ask again.
      if (!sameDoor(user.address, claim.address)) {
        throw new DomainError('CONFLICT', '该居民申请后修改了住址，请其重新申请');
      }
      const households = tx.collection<Household>(COLLECTIONS.households);
      const current = await households.get(claim.householdId);
      if (current && current.members.length >= MAX_HOUSEHOLD_MEMBERS) throw new DomainError('LIMIT_REACHED', `该户已有 ${MAX_HOUSEHOLD_MEMBERS} 位成员`);
      const member: HouseholdMember = { openid: claim._id, name: user.name, relation: claim.relation };
      const gridId = gridOfBuilding(community, claim.address.building);
      const next: Household = current
        ? { ...current, members: [...current.members, member], version: current.version + 1, updatedBy: caller.openid, updatedAt: now }
        : compact({
            _id: claim.householdId,
            communityId,
            gridId,
            building: claim.address.building,
            unit: claim.address.unit,
            room: claim.address.room,
            members: [member],
            flags: [],
            version: 0,
            createdBy: caller.openid,
            createdAt: now,
            updatedBy: caller.openid,
            updatedAt: now,
          });
      await households.set(next);
      await tx.collection<User>(COLLECTIONS.users).update(user._id, { set: { householdId: claim.householdId, updatedAt: now } });
      decided = { ...claim, status: 'confirmed', decidedBy: caller.openid, decidedAt: now };
      await claims.set(decided);
    });
    return toClaimView(found(decided as HouseholdClaim | null));
  },

  'household.assignLinker': async (input, { caller, deps }) => {
    const communityId = staffCommunity(caller);
    const community = await loadCommunity(deps, communityId, caller);
    const limit = community.settings.householdsPerLinker ?? DEFAULT_HOUSEHOLDS_PER_LINKER;
    const linker = input.linker ? await usersOf(deps).get(input.linker) : null;
    if (input.linker && (!linker || linker.communityId !== communityId)) throw new DomainError('INVALID_INPUT', '联户长须是本社区登记的人员');
    const now = deps.clock.now();
    let written: Household | null = null;
    await deps.store.transaction(async (tx) => {
      const households = tx.collection<Household>(COLLECTIONS.households);
      const current = await households.get(input.householdId);
      if (!current || current.communityId !== communityId) throw new DomainError('NOT_FOUND', '该家庭户不存在');
      if (current.version !== input.version) throw new DomainError('CONFLICT', '该家庭户刚被其他工作人员修改，请刷新后重试');
      if (linker && current.linkerOpenid !== linker._id) {
        // Exact under a burst: two staff giving the same linker households at once conflict on the place document.
        await takePlace(tx, `linker_place:${linker._id}`, now, () => householdsOf(deps).count({ linkerOpenid: linker._id }), limit, `${linker.name}已联系 ${limit} 户，已达社区设定的上限`);
      }
      const next: Household = { ...current, version: current.version + 1, updatedBy: caller.openid, updatedAt: now };
      if (linker) Object.assign(next, { linkerOpenid: linker._id, linkerName: linker.name });
      else {
        delete next.linkerOpenid;
        delete next.linkerName;
      }
      await households.set(next);
      written = next;
    });
    return toHouseholdView(found(written as Household | null), caller, community);
  },
};
