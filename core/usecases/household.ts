/**
 * The `household` function: the household register (户) and its linkers (十联户). A household's id
 * follows from its address (building, unit, room), so one home is registered once however many
 * staff add it at once. Registered members point back at it (`User.householdId`), which is what the
 * 议事 rule "one vote per household" counts by; nobody belongs to two households. Care flags are for
 * staff and the household's linker; a grid worker sees the households of their grids without them.
 */
import type { HouseholdClaimView, HouseholdView, MyHouseholdView } from '../contract';
import { MAX_HOUSEHOLD_MEMBERS } from '../contract/household';
import { digestId } from '../digest';
import { DomainError, found } from '../errors';
import type { Handlers } from '../handlers';
import { maskPhone } from '../id-number';
import { COLLECTIONS, type Community, type Household, type HouseholdClaim, type HouseholdMember, type User } from '../model';
import type { Caller, Collection, Deps, Transaction, Where } from '../ports';
import { DEFAULT_HOUSEHOLDS_PER_LINKER } from '../settings';
import { iso } from '../time';
import { memberCommunity, staffCommunity } from './shared/access';
import { keysetPage, type OrderBy } from './shared/paging';
import { quotaKey, takeDailyQuota, takePlace } from './shared/quota';
import { compact, loadCommunity, readByIds } from './shared/store';
import { sameDoor } from './shared/household';

/** Households one staff member may register or edit a day: a register is built over weeks, not flooded in an hour. */
export const HOUSEHOLD_EDITS_PER_DAY = 500;

export const householdsOf = (deps: Deps): Collection<Household> => deps.store.collection<Household>(COLLECTIONS.households);
const claimsOf = (deps: Deps): Collection<HouseholdClaim> => deps.store.collection<HouseholdClaim>(COLLECTIONS.householdClaims);
const usersOf = (deps: Deps): Collection<User> => deps.store.collection<User>(COLLECTIONS.users);

/** One home, one id: the address names the household. */
export const householdIdFor = (communityId: string, building: string, unit: string | undefined, room: string): string =>
  `hh-${digestId(`${communityId}\n${building}\n${unit ?? ''}\n${room}`)}`;

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

const isStaffOf = (caller: Caller, household: Pick<Household, 'communityId'>) => caller.roles.has('staff') && caller.communityId === household.communityId;
const isLinkerOf = (caller: Caller, household: Pick<Household, 'linkerOpenid'>) => household.linkerOpenid !== undefined && household.linkerOpenid === caller.openid;

export function toHouseholdView(household: Household, caller: Caller, community: Community | null): HouseholdView {
  const staffOrLinker = isStaffOf(caller, household) || isLinkerOf(caller, household);
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
    members: household.members.map((member) => compact({ name: member.name, relation: member.relation, registered: member.openid !== undefined, openid: isStaffOf(caller, household) ? member.openid : undefined })),
    // Care flags (低保, 残疾 …) are for those who look after the household, not for everyone who sees it.
    flags: staffOrLinker ? household.flags : undefined,
    contactPhone: household.contactPhone ? (staffOrLinker ? household.contactPhone : ownHousehold ? undefined : maskPhone(household.contactPhone)) : undefined,
    linkerName: household.linkerName,
    linkedByMe: isLinkerOf(caller, household),
    version: household.version,
    updatedAt: iso(household.updatedAt),
  });
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
    return keysetPage(householdsOf(deps), where, order, input, (household) => toHouseholdView(household, caller, community));
  },

  'household.mine': async (_input, { caller, deps }) => {
    const [household, claim] = await Promise.all([
      caller.user?.householdId ? householdsOf(deps).get(caller.user.householdId) : Promise.resolve(null),
      claimsOf(deps).get(caller.openid),
    ]);
    const own = household && household.members.some((member) => member.openid === caller.openid) ? household : null;
    return {
      household: own ? toHouseholdView(own, caller, caller.community) : null,
      claim: claim && claim.status !== 'confirmed' ? toClaimView(claim) : null,
      mayClaim: !own && caller.roles.has('resident'),
    };
  },

  'household.claim': async (input, { caller, deps }) => {
    const user = found(caller.user, '请先登记');
    if (user.householdId) throw new DomainError('CONFLICT', '您已登记在一个家庭户中，如有变化请联系社区工作人员');
    if (!user.address.room) throw new DomainError('INVALID_INPUT', '请先在“个人资料”中填写门牌号（室），再申请关联家庭户');
    const now = deps.clock.now();
    const existing = await claimsOf(deps).get(caller.openid);
    if (existing?.status === 'pending') throw new DomainError('CONFLICT', '您的申请正在等待社区确认');
    const address = compact({ gridId: user.address.gridId, building: user.address.building, unit: user.address.unit, room: user.address.room });
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
