/**
 * Setting a community up in the app: its profile, its grids and buildings, pending invitations and
 * their revocation, and the member list. Profile and grid edits are conditional on the community's
 * `version`: an edit made from a stale copy is applied again to the latest one, so two staff editing
 * at once both keep their change; every edit is logged on the document (`edits`, newest last).
 */
import { applyGridChange, buildingCount, type AppliedGridChange } from '../community-grids';
import type { CommunityGridsView, CommunityProfileView, GridChange, InvitationView, MemberView, RoleRemovalView } from '../contract';
import { MAX_BUILDINGS } from '../contract/community';
import { MAX_GRIDS, MAX_PENDING_INVITATIONS } from '../contract/community-setup';
import { DomainError, found } from '../errors';
import type { Handlers } from '../handlers';
import { maskPhone } from '../id-number';
import { type Affair, COLLECTIONS, type Community, type CommunityEdit, type Invitation, type RoleRemoval, type StaffInvitation, type User, type Volunteer } from '../model';
import { affairRulesOf } from '../settings';
import { iso } from '../time';
import { communityDepartments } from './department';
import type { Caller, Deps, Where } from '../ports';
import { managesCommunity } from './shared/access';
import { keysetPage } from './shared/paging';
import { holdKey, quotaKey, takePlace } from './shared/quota';
import { compact, loadCommunity, readByIds } from './shared/store';

/** Edits kept on the community document. */
export const MAX_COMMUNITY_EDITS = 50;
/**
 * Rounds of read-apply-write when others keep editing the same community. An instance serves its
 * queued calls back to back, so one edit can lose several rounds in a row to another instance's
 * run of edits (seen under a loaded test run with 3); edits are human-paced, so a few more rounds cost nothing.
 */
const EDIT_ATTEMPTS = 8;

export const ROLE_NAMES = { staff: '社区工作人员', grid_worker: '网格员', department: '部门人员', resident: '居民' } as const;

const communities = (deps: Deps) => deps.store.collection<Community>(COLLECTIONS.communities);
const invitations = (deps: Deps) => deps.store.collection<Invitation>(COLLECTIONS.invitations);
const users = (deps: Deps) => deps.store.collection<User>(COLLECTIONS.users);

function assertManages(caller: Caller, communityId: string, message: string): void {
  if (!managesCommunity(caller, communityId)) throw new DomainError('FORBIDDEN', message);
}

export const toProfileView = (community: Community): CommunityProfileView =>
  compact({ id: community._id, name: community.name, district: community.district, address: community.address, contact: community.contact });

export const toGridsView = (community: Community): CommunityGridsView => ({
  ...toProfileView(community),
  grids: community.grids.map((grid) => ({ ...grid, retiredBuildings: grid.retiredBuildings ?? [], retired: grid.retired ?? false })),
  buildingsLeft: Math.max(0, MAX_BUILDINGS - buildingCount(community.grids)),
  gridsLeft: Math.max(0, MAX_GRIDS - community.grids.length),
});

/**
 * Reads the community (the caller's copy first), lets `edit` compute what to set, and writes it only
 * if nobody wrote in between (same `version`); otherwise reads again and recomputes. `edit` returns
 * null when there is nothing to change.
 */
async function editCommunity(
  deps: Deps,
  caller: Caller,
  communityId: string,
  edit: (community: Community) => { set: Record<string, unknown>; unset?: string[]; summary: string } | null,
): Promise<{ before: Community; after: Community }> {
  let community = await loadCommunity(deps, communityId, caller);
  for (let attempt = 1; attempt <= EDIT_ATTEMPTS; attempt += 1) {
    const change = edit(community);
    if (!change) return { before: community, after: community };
    const now = deps.clock.now();
    const version = community.version ?? 0;
    const entry: CommunityEdit = { by: caller.openid, at: now, summary: change.summary };
    const set = { ...change.set, version: version + 1, updatedAt: now, edits: [...(community.edits ?? []), entry].slice(-MAX_COMMUNITY_EDITS) };
    const written = await communities(deps).update(
      { _id: community._id, version: community.version === undefined ? { exists: false } : version },
      { set, ...(change.unset?.length ? { unset: change.unset } : {}) },
    );
    if (written === 1) {
      const after = { ...community, ...set } as Community & Record<string, unknown>;
      for (const key of change.unset ?? []) delete after[key];
      return { before: community, after };
    }
    community = found(await communities(deps).get(communityId), '社区不存在');
  }
  throw new DomainError('CONFLICT', '社区信息正在被其他人修改，请稍后重试');
}

/** Addresses follow a renamed or moved building: residents' homes and volunteers' buildings. */
async function followBuilding(deps: Deps, communityId: string, follow: NonNullable<AppliedGridChange['follow']>, now: Date): Promise<void> {
  const { from, to } = follow;
  await users(deps).update(
    { communityId, 'address.gridId': from.gridId, 'address.building': from.building },
    { set: { 'address.gridId': to.gridId, 'address.building': to.building, updatedAt: now } },
  );
  await deps.store.collection<Volunteer>(COLLECTIONS.volunteers).update({ communityId, gridId: from.gridId, building: from.building }, { set: { gridId: to.gridId, building: to.building } });
}

/** A grid that residents, grid workers or volunteers still belong to cannot be retired: they would belong nowhere. */
async function assertGridEmpty(deps: Deps, community: Community, gridId: string): Promise<void> {
  const name = community.grids.find((grid) => grid.id === gridId)?.name ?? '该网格';
  const residents = await users(deps).count({ communityId: community._id, 'address.gridId': gridId, roles: 'resident' });
  if (residents > 0) throw new DomainError('CONFLICT', `${name}还有 ${residents} 位居民：请先把楼栋划到其他网格，再停用`);
  const gridWorkers = await users(deps).count({ communityId: community._id, gridIds: gridId });
  if (gridWorkers > 0) throw new DomainError('CONFLICT', `${name}还有 ${gridWorkers} 位网格员负责：请先调整网格员，再停用`);
  const volunteers = await deps.store.collection<Volunteer>(COLLECTIONS.volunteers).count({ communityId: community._id, gridId });
  if (volunteers > 0) throw new DomainError('CONFLICT', `${name}还有 ${volunteers} 位志愿者：请先把楼栋划到其他网格，再停用`);
}

/** Unused, unrevoked and unexpired. */
const pendingWhere = (now: Date): Where => ({ usedBy: { exists: false }, revokedAt: { exists: false }, expiresAt: { gt: now } });

/**
 * Inside community.invite's transaction: one person's pending invitations are bounded, exact under
 * a burst (takePlace), so nobody grows the list without end.
 */
export function takeInvitationPlace(deps: Deps, tx: Parameters<typeof takePlace>[0], openid: string, now: Date): Promise<void> {
  return takePlace(
    tx,
    quotaKey('pending_invitations', openid),
    now,
    () => invitations(deps).count({ createdBy: openid, ...pendingWhere(now) }),
    MAX_PENDING_INVITATIONS,
    `您已有 ${MAX_PENDING_INVITATIONS} 个未使用的邀请码：请先撤销不再需要的，再生成新的`,
  );
}

/** The inviter, or an administrator, may see the code and revoke it; other staff only see that it exists. */
const mayHandOut = (caller: Caller, invitation: StaffInvitation) => invitation.createdBy === caller.openid || caller.roles.has('admin');

function invitationView(invitation: StaffInvitation, caller: Caller, community: Community, inviterName: string): InvitationView {
  const gridNames = (invitation.gridIds ?? []).map((gridId) => community.grids.find((grid) => grid.id === gridId)?.name ?? gridId);
  const open = !invitation.usedBy && !invitation.revokedAt;
  return compact({
    code: mayHandOut(caller, invitation) ? invitation._id : undefined,
    role: invitation.role,
    roleName: ROLE_NAMES[invitation.role],
    gridNames,
    createdByName: inviterName,
    createdAt: new Date(invitation.createdAt).toISOString(),
    expiresAt: new Date(invitation.expiresAt).toISOString(),
    mine: invitation.createdBy === caller.openid,
    revocable: open && mayHandOut(caller, invitation),
  });
}

/** The roles this viewer may take from this member: an administrator appoints and removes staff; staff the others. */
function removableBy(caller: Caller, user: User): MemberView['removable'] {
  const roles = user.roles.filter((role): role is MemberView['removable'][number] => role !== 'resident');
  return caller.roles.has('admin') ? roles : roles.filter((role) => role !== 'staff');
}

function memberView(user: User, community: Community, caller: Caller, departmentNames: ReadonlyMap<string, string>): MemberView {
  const gridName = (gridId: string) => community.grids.find((grid) => grid.id === gridId)?.name ?? gridId;
  const resident = user.roles.includes('resident');
  return compact({
    openid: user._id,
    name: user.name,
    roles: user.roles,
    roleNames: user.roles.map((role) => ROLE_NAMES[role]),
    phoneMasked: maskPhone(user.phone),
    phoneUnverified: user.phoneVerifiedAt ? undefined : (true as const),
    // Staff's stored address is their workplace: only a resident's is a home.
    gridName: resident ? gridName(user.address.gridId) : undefined,
    building: resident ? user.address.building : undefined,
    gridNames: user.roles.includes('grid_worker') ? (user.gridIds ?? []).map(gridName) : undefined,
    departmentName: user.roles.includes('department') && user.departmentId ? (departmentNames.get(user.departmentId) ?? user.departmentId) : undefined,
    removable: removableBy(caller, user),
  });
}

type SetupActions =
  | 'community.update'
  | 'community.grids'
  | 'community.changeGrids'
  | 'community.invitations'
  | 'community.revokeInvitation'
  | 'community.members'
  | 'community.removeRole'
  | 'community.roleRemovals';

export const communitySetupHandlers: Pick<Handlers<'community'>, SetupActions> = {
  'community.update': async (input, { caller, deps }) => {
    assertManages(caller, input.communityId, '只能修改本社区的信息');
    if (input.name !== undefined) {
      const sameName = await communities(deps).find({ name: input.name }, { limit: 1 });
      if (sameName.some((other) => other._id !== input.communityId)) throw new DomainError('CONFLICT', `已有名为“${input.name}”的社区`);
    }
    const labels = { name: '社区名称', district: '所属街道', address: '办公地址', contact: '联系电话' } as const;
    const { after } = await editCommunity(deps, caller, input.communityId, (community) => {
      const changed = (Object.keys(labels) as Array<keyof typeof labels>).filter((key) => input[key] !== undefined && (input[key] || undefined) !== community[key]);
      if (changed.length === 0) return null;
      // An emptied field is removed (set to undefined would be stored as null).
      const set = Object.fromEntries(changed.filter((key) => input[key]).map((key) => [key, input[key]]));
      const unset = changed.filter((key) => !input[key]);
      return { set, unset, summary: `修改${changed.map((key) => labels[key]).join('、')}` };
    });
    return toProfileView(after);
  },

  'community.grids': async (input, { caller, deps }) => {
    assertManages(caller, input.communityId, '只能管理本社区的网格');
    return toGridsView(await loadCommunity(deps, input.communityId, caller));
  },

  'community.changeGrids': async (input, { caller, deps }) => {
    assertManages(caller, input.communityId, '只能管理本社区的网格');
    const change: GridChange = input.change;
    if (change.op === 'retireGrid') await assertGridEmpty(deps, await loadCommunity(deps, input.communityId, caller), change.gridId);
    const newGridId = `g-${deps.random.code(8).toLowerCase()}`;
    let applied: AppliedGridChange | null = null;
    const { after } = await editCommunity(deps, caller, input.communityId, (community) => {
      applied = applyGridChange(community.grids, change, newGridId);
      return { set: { grids: applied.grids }, summary: applied.summary };
    });
    const follow = (applied as AppliedGridChange | null)?.follow;
    if (follow) await followBuilding(deps, after._id, follow, deps.clock.now());
    return toGridsView(after);
  },

  'community.invitations': async (input, { caller, deps }) => {
    assertManages(caller, input.communityId, '只能查看本社区的邀请');
    const community = await loadCommunity(deps, input.communityId, caller);
    const now = deps.clock.now();
    const page = await keysetPage(
      invitations(deps),
      { communityId: community._id, ...pendingWhere(now) },
      [
        ['expiresAt', 'asc'],
        ['_id', 'asc'],
      ],
      input,
      (invitation) => invitation as StaffInvitation,
    );
    const inviters = await readByIds(users(deps), page.items.map((invitation) => invitation.createdBy));
    return {
      ...page,
      items: page.items.map((invitation) => invitationView(invitation, caller, community, inviters.get(invitation.createdBy)?.name ?? '管理员')),
    };
  },

  'community.revokeInvitation': async (input, { caller, deps }) => {
    const invitation = await invitations(deps).get(input.code);
    // An administrator's invitation is not revoked here, and one of another community is as good as unknown.
    if (!invitation || invitation.role === 'admin' || !managesCommunity(caller, invitation.communityId)) throw new DomainError('NOT_FOUND', '邀请码不存在');
    if (!mayHandOut(caller, invitation)) throw new DomainError('FORBIDDEN', '只能撤销自己生成的邀请码；其他邀请请联系管理员撤销');
    if (invitation.usedBy) throw new DomainError('CONFLICT', '邀请码已被使用，不能撤销');
    if (invitation.revokedAt) throw new DomainError('CONFLICT', '邀请码已撤销');
    const now = deps.clock.now();
    // Conditional: of a join and a revocation at the same moment, exactly one wins.
    const revoked = await invitations(deps).update({ _id: invitation._id, usedBy: { exists: false }, revokedAt: { exists: false } }, { set: { revokedAt: now, revokedBy: caller.openid } });
    if (revoked === 0) throw new DomainError('CONFLICT', '邀请码刚刚被使用或撤销，请刷新');
    const community = await loadCommunity(deps, invitation.communityId, caller);
    return invitationView({ ...invitation, revokedAt: now, revokedBy: caller.openid }, caller, community, caller.user?.name ?? '管理员');
  },

  'community.members': async (input, { caller, deps }) => {
    assertManages(caller, input.communityId, '只能查看本社区的成员');
    const community = await loadCommunity(deps, input.communityId, caller);
    const departmentNames = input.role === 'department' ? await departmentNamesOf(deps, community._id) : new Map<string, string>();
    const where: Where = { communityId: community._id, roles: input.role };
    if (input.gridId) {
      if (input.role !== 'resident') throw new DomainError('INVALID_INPUT', '按网格只能查看居民');
      where['address.gridId'] = input.gridId;
    }
    return keysetPage(
      users(deps),
      where,
      [
        ['name', 'asc'],
        ['_id', 'asc'],
      ],
      input,
      (user) => memberView(user, community, caller, departmentNames),
    );
  },

  'community.removeRole': async (input, { caller, deps }) => {
    assertManages(caller, input.communityId, '只能管理本社区的成员');
    // As with community.invite: an administrator appoints staff, so an administrator removes them.
    if (input.role === 'staff' && !caller.roles.has('admin')) throw new DomainError('FORBIDDEN', '社区工作人员的身份由管理员移除；工作人员可以移除网格员和部门人员的身份');
    const community = await loadCommunity(deps, input.communityId, caller);
    const roleName = ROLE_NAMES[input.role];
    const person = await users(deps).get(input.openid);
    if (!person || person.communityId !== community._id || !person.roles.includes(input.role)) throw new DomainError('NOT_FOUND', `该成员不是本社区的${roleName}`);
    // The street office's people supervise staff (督办): staff do not remove them, an administrator does.
    if (input.role === 'department' && !caller.roles.has('admin') && person.departmentId !== undefined && affairRulesOf(community).streetDepartmentId === person.departmentId) {
      throw new DomainError('FORBIDDEN', '街道督办部门的人员由管理员移除');
    }
    const remaining = person.roles.filter((role) => role !== input.role);
    // Staff review, score and approve (with a second pair of eyes): a community is never left with none.
    const keepsStaff = async () => {
      const staff = await users(deps).find({ communityId: community._id, roles: 'staff' }, { limit: 2, omit: ['address'] });
      if (staff.length < 2) throw new DomainError('CONFLICT', '至少要保留一名社区工作人员：请先邀请新的工作人员，再移除');
    };
    if (input.role === 'staff') await keepsStaff();
    if ((input.role === 'staff' || input.role === 'grid_worker') && !remaining.includes('staff') && !remaining.includes('grid_worker')) {
      // Affairs assigned to them would wait for someone who no longer works here: reassign them first.
      const held = await deps.store.collection<Affair>(COLLECTIONS.affairs).count({ 'handler.openid': person._id, status: 'handling' });
      if (held > 0) throw new DomainError('CONFLICT', `${person.name}手中还有 ${held} 件正在办理的事务，请先在事务台改派给其他人，再移除`);
    }
    const now = deps.clock.now();
    const removal: RoleRemoval = compact({
      _id: `rr-${deps.random.id()}`,
      communityId: community._id,
      openid: person._id,
      name: person.name,
      role: input.role,
      gridIds: input.role === 'grid_worker' ? person.gridIds : undefined,
      departmentId: input.role === 'department' ? person.departmentId : undefined,
      reason: input.reason,
      by: caller.openid,
      byName: caller.user?.name ?? '管理员',
      at: now,
    });
    // The record and its reason are written with the change, or neither is.
    let after: User | null = null;
    await deps.store.transaction(async (tx) => {
      if (input.role === 'staff') {
        // Counted again once this removal holds the community's roster: two removals at once (the
        // last two staff) conflict there, and the one run again sees the other's and stops.
        await holdKey(tx, `staff_roster:${community._id}`, now);
        await keepsStaff();
      }
      const current = await tx.collection<User>(COLLECTIONS.users).get(person._id);
      if (!current || current.communityId !== community._id || !current.roles.includes(input.role)) throw new DomainError('CONFLICT', `该成员已不是本社区的${roleName}，请刷新后重试`);
      const roles = current.roles.filter((role) => role !== input.role);
      const unset = input.role === 'grid_worker' ? ['gridIds'] : input.role === 'department' ? ['departmentId'] : [];
      await tx.collection<User>(COLLECTIONS.users).update(current._id, { set: { roles, updatedAt: now }, ...(unset.length ? { unset } : {}) });
      await tx.collection<RoleRemoval>(COLLECTIONS.roleRemovals).add(removal);
      const next: Record<string, unknown> = { ...current, roles, updatedAt: now };
      for (const key of unset) delete next[key];
      after = next as unknown as User;
    });
    // Someone who no longer invites: the codes they handed out stop working (community.join also checks).
    if (!remaining.includes('staff')) await revokeInvitationsOf(deps, person._id, caller.openid, now);
    const left = after as User | null;
    if (!left || left.roles.length === 0) return null;
    return memberView(left, community, caller, await departmentNamesOf(deps, community._id));
  },

  'community.roleRemovals': async (input, { caller, deps }) => {
    assertManages(caller, input.communityId, '只能查看本社区的成员');
    return keysetPage(
      deps.store.collection<RoleRemoval>(COLLECTIONS.roleRemovals),
      { communityId: input.communityId },
      [
        ['at', 'desc'],
        ['_id', 'desc'],
      ],
      input,
      (removal): RoleRemovalView => ({
        id: removal._id,
        openid: removal.openid,
        name: removal.name,
        role: removal.role,
        roleName: ROLE_NAMES[removal.role],
        reason: removal.reason,
        byName: removal.byName,
        at: iso(removal.at),
      }),
    );
  },
};

/** The names of a community's departments (at most MAX_DEPARTMENTS), for the member list. */
async function departmentNamesOf(deps: Deps, communityId: string): Promise<Map<string, string>> {
  return new Map((await communityDepartments(deps, communityId)).map((department) => [department._id, department.name]));
}

/** Revokes the pending staff invitations someone made (at most MAX_PENDING_INVITATIONS). */
async function revokeInvitationsOf(deps: Deps, openid: string, by: string, now: Date): Promise<void> {
  const pending = await invitations(deps).find({ createdBy: openid, ...pendingWhere(now) }, { limit: MAX_PENDING_INVITATIONS });
  for (const invitation of pending) {
    if (invitation.role === 'admin') continue;
    await invitations(deps).update({ _id: invitation._id, ...pendingWhere(now) }, { set: { revokedAt: now, revokedBy: by } });
  }
}
