/**
 * The `community` function: the communities people choose from, their settings, and how staff and
 * grid workers join one (an invitation code from a colleague or an administrator).
 */
import { resolveCaller } from '../caller';
import type { CommunityDetailView, CommunityView, EffectiveSettings, RuleChangeView } from '../contract';
import { DomainError, found } from '../errors';
import type { Handlers } from '../handlers';
import { type AdminGrant, COLLECTIONS, type Community, type Invitation, type RuleChange, type SettingField, type StaffInvitation, type User } from '../model';
import { RULE_FIELDS, SETTING_FIELDS, sameRuleValue } from '../rules';
import { DEFAULT_SETTINGS, effectiveSettings } from '../settings';
import type { Caller, Deps, Where } from '../ports';
import { addMinutes } from '../time';
import { addAppliedChanges, appliedChange, assertCanPropose, capProblem, decideRuleChange, listRuleChanges, proposeRuleChange, ruleChangeView, settingRule } from './rules';
import { managesCommunity } from './shared/access';
import { loadCommunity } from './shared/store';
import { adminHandlers } from './admins';
import { communitySetupHandlers, takeInvitationPlace } from './community-setup';
import { isOfferedGrid, offeredGrids, retiredGrids } from '../community-grids';
import { meOf } from './user';
import { departmentsOf } from './department';

export const INVITATION_DAYS = 7;
export const INVITATION_CODE_LENGTH = 12;

const ROLE_NAMES = { staff: '社区工作人员', grid_worker: '网格员', department: '部门人员' } as const;

/**
 * Staff and grid workers need not live in the community. Their stored address is their workplace,
 * so a profile stays complete without asking for a home address nobody needs (PIPL Art. 6).
 */
export const WORKPLACE_BUILDING = '社区办公场所';

export const toCommunityView = (community: Community): CommunityView => {
  const retired = retiredGrids(community.grids);
  return {
    id: community._id,
    name: community.name,
    district: community.district,
    ...(community.address ? { address: community.address } : {}),
    ...(community.contact ? { contact: community.contact } : {}),
    // Pickers offer what is in use; an old address still finds its retired grid's name.
    grids: offeredGrids(community.grids),
    ...(retired.length > 0 ? { retiredGrids: retired } : {}),
  };
};

export const toCommunityDetailView = (community: Community): CommunityDetailView => ({
  ...toCommunityView(community),
  // Communities created before a setting existed use its default: show it.
  settings: effectiveSettings(community),
});

export function assertManages(caller: Caller, communityId: string, message: string): void {
  if (!managesCommunity(caller, communityId)) throw new DomainError('FORBIDDEN', message);
}

const communities = (deps: Deps) => deps.store.collection<Community>(COLLECTIONS.communities);

export const communityHandlers: Handlers<'community'> = {
  'community.list': async (_input, { deps }) => {
    // Communities are few (one per 居委会); one read of the platform's maximum covers them.
    const all = await communities(deps).find({}, { orderBy: [['createdAt', 'asc']], limit: 1000 });
    return all.map(toCommunityView);
  },

  'community.get': async (input, { caller, deps }) => toCommunityDetailView(await loadCommunity(deps, input.communityId, caller)),

  'community.create': async (input, { deps }) => {
    const settings: EffectiveSettings = { ...DEFAULT_SETTINGS, ...input.settings };
    const problem = capProblem('community_setting', 'scoreMultipliers', settings.scoreMultipliers, settings.pointsCaps);
    if (problem) throw new DomainError('INVALID_INPUT', problem);
    const community: Community = {
      _id: deps.random.id(),
      name: input.name,
      ...(input.district ? { district: input.district } : {}),
      grids: input.grids,
      settings,
      createdAt: deps.clock.now(),
    };
    // The unique index on name decides, so two administrators creating the same name at once get one.
    if (!(await communities(deps).add(community))) throw new DomainError('CONFLICT', `已有名为“${input.name}”的社区`);
    return toCommunityDetailView(community);
  },

  /**
   * Each setting given is compared with what applies now: unchanged ones are ignored; those that
   * pay nothing are applied and logged together in one transaction; those that change what is paid
   * are proposed for a second staff member.
   */
  'community.updateSettings': async (input, { caller, deps }) => {
    assertManages(caller, input.communityId, '只能修改本社区的设置');
    const community = await loadCommunity(deps, input.communityId, caller);
    const current = effectiveSettings(community);
    const caps = current.pointsCaps;
    const changed = SETTING_FIELDS.filter((field) => input[field] !== undefined && !sameRuleValue(input[field], current[field]));
    for (const field of changed) {
      const problem = capProblem('community_setting', field, input[field], caps);
      if (problem) throw new DomainError('INVALID_INPUT', problem);
    }
    const street = changed.includes('affairRules') ? input.affairRules?.streetDepartmentId : undefined;
    if (street) {
      const department = await departmentsOf(deps).get(street);
      if (!department || department.communityId !== community._id) throw new DomainError('INVALID_INPUT', `街道督办部门不属于${community.name}`);
      if (!department.active) throw new DomainError('CONFLICT', '街道督办部门已停用，请选择其他部门');
      if (department.kind !== '街道办') throw new DomainError('INVALID_INPUT', `街道督办部门须是“街道办”类的部门，${department.name}是“${department.kind}”`);
    }
    const now = deps.clock.now();
    if (changed.some((field) => RULE_FIELDS[field].needsApproval)) await assertCanPropose(deps, caller);
    const immediate = changed.filter((field) => !RULE_FIELDS[field].needsApproval);
    if (immediate.length > 0) {
      const logged = immediate.map((field) => appliedChange(deps, caller, community._id, settingRule(community, field), current[field], input[field], now));
      await deps.store.transaction(async (tx) => {
        // Field by field, so two staff changing different settings at once do not undo each other.
        const set = Object.fromEntries(immediate.map((field) => [`settings.${field}`, input[field]]));
        await tx.collection<Community>(COLLECTIONS.communities).update(community._id, { set });
        await addAppliedChanges(tx, logged);
      });
    }
    const proposals: RuleChange[] = [];
    for (const field of changed.filter((candidate) => RULE_FIELDS[candidate].needsApproval)) {
      proposals.push(await proposeRuleChange(deps, caller, { communityId: community._id, target: settingRule(community, field as SettingField), before: current[field], after: input[field] }));
    }
    return {
      // Read again: the caller's copy is from before this change.
      ...toCommunityDetailView(await loadCommunity(deps, input.communityId)),
      proposals: proposals.map((change): RuleChangeView => ruleChangeView(change, caller)),
    };
  },

  'community.ruleChanges': async (input, { caller, deps }) => listRuleChanges(deps, caller, input),

  'community.reviewRuleChange': async (input, { caller, deps }) => decideRuleChange(deps, caller, input),

  'community.invite': async (input, { caller, deps }) => {
    assertManages(caller, input.communityId, '只能邀请本社区的工作人员');
    // Staff approve what pays: a staff member who could appoint a colleague could appoint their own
    // second account and be both pairs of eyes. An administrator appoints staff; staff invite grid workers.
    if (input.role === 'staff' && !caller.roles.has('admin')) throw new DomainError('FORBIDDEN', '社区工作人员由管理员邀请；工作人员可以邀请网格员');
    const community = await loadCommunity(deps, input.communityId, caller);
    const gridIds = input.role === 'grid_worker' ? [...new Set(input.gridIds ?? [])] : undefined;
    for (const gridId of gridIds ?? []) {
      if (!isOfferedGrid(community.grids, gridId)) throw new DomainError('INVALID_INPUT', `网格“${gridId}”不属于${community.name}`);
    }
    if (input.role === 'department') {
      const department = await departmentsOf(deps).get(input.departmentId ?? '');
      if (!department || department.communityId !== community._id) throw new DomainError('INVALID_INPUT', `该部门不属于${community.name}`);
      if (!department.active) throw new DomainError('CONFLICT', '该部门已停用，请先启用再邀请');
    }
    const now = deps.clock.now();
    let invitation: Invitation | null = null;
    await deps.store.transaction(async (tx) => {
      // One person's pending invitations are bounded (community-setup.ts).
      await takeInvitationPlace(deps, tx, caller.openid, now);
      // The code is the document id: a collision with any code ever issued is refused by the
      // database, the transaction runs again, and a fresh code is drawn.
      invitation = {
        _id: deps.random.code(INVITATION_CODE_LENGTH),
        communityId: community._id,
        role: input.role,
        ...(gridIds ? { gridIds } : {}),
        ...(input.role === 'department' ? { departmentId: input.departmentId } : {}),
        createdBy: caller.openid,
        createdAt: now,
        expiresAt: addMinutes(now, INVITATION_DAYS * 24 * 60),
      };
      await tx.collection<Invitation>(COLLECTIONS.invitations).add(invitation);
    });
    const made = found(invitation as Invitation | null, '邀请码生成失败，请稍后再试');
    return { code: made._id, expiresAt: made.expiresAt.toISOString() };
  },

  'community.join': async (input, { caller, deps }) => {
    const invitations = deps.store.collection<Invitation>(COLLECTIONS.invitations);
    const invitation = found(await invitations.get(input.code), '邀请码不存在，请核对后重新输入');
    if (invitation.role === 'admin') throw new DomainError('CONFLICT', '这是管理员邀请码，请在“我的 → 成为管理员”中输入');
    const now = deps.clock.now();
    const expired = new Date(invitation.expiresAt).getTime() <= now.getTime();
    if (invitation.usedBy) throw new DomainError('CONFLICT', '邀请码已被使用，请联系社区重新邀请');
    if (invitation.revokedAt) throw new DomainError('CONFLICT', '邀请码已被撤销，请联系社区重新邀请');
    if (expired) throw new DomainError('CONFLICT', '邀请码已过期，请联系社区重新邀请');
    if (caller.communityId && caller.communityId !== invitation.communityId) {
      throw new DomainError('CONFLICT', '您已登记在其他社区，不能加入该社区的工作人员');
    }
    // Nobody grants themselves a role: a staff member joining as a grid worker or as a department's
    // person with their own code could then report, handle and sign off their own work.
    if (invitation.createdBy === caller.openid) throw new DomainError('FORBIDDEN', '不能使用自己生成的邀请码，请由其他工作人员邀请');
    // Staff send affairs to departments and sign off what they did: one account is not both.
    const held = caller.user?.roles ?? [];
    if ((invitation.role === 'department' && held.includes('staff')) || (invitation.role === 'staff' && held.includes('department'))) {
      throw new DomainError('CONFLICT', '社区工作人员不能同时是部门人员，请用另一个微信账号');
    }
    if (invitation.role === 'department' && caller.user?.departmentId && caller.user.departmentId !== invitation.departmentId) {
      throw new DomainError('CONFLICT', '您已是另一个部门的人员，一个账号只能属于一个部门');
    }
    if (caller.user?.roles.includes(invitation.role)) {
      // Do not burn a colleague's code on someone who already has the role.
      throw new DomainError('CONFLICT', `您已经是该社区的${ROLE_NAMES[invitation.role]}`);
    }
    const community = await loadCommunity(deps, invitation.communityId, caller);
    await assertStillValid(deps, invitation);
    // A grid retired since the invitation was issued is no longer anyone's to look after.
    if (invitation.gridIds?.some((gridId) => !isOfferedGrid(community.grids, gridId))) {
      throw new DomainError('CONFLICT', '邀请中的网格已撤销，请联系社区重新邀请');
    }

    // The conditional write is the one place that decides who gets the code: of two people
    // joining at once, only one matches `usedBy` missing.
    const claimed = await invitations.update(
      { _id: invitation._id, usedBy: { exists: false }, revokedAt: { exists: false }, expiresAt: { gt: now } },
      { set: { usedBy: caller.openid, usedAt: now } },
    );
    if (claimed === 0) throw new DomainError('CONFLICT', '邀请码已被使用，请联系社区重新邀请');

    try {
      await grantRole(deps, caller.openid, invitation, community, input, now);
    } catch (error) {
      // Give the code back, so a failed join does not waste it.
      await invitations.update({ _id: invitation._id, usedBy: caller.openid }, { unset: ['usedBy', 'usedAt'] });
      throw error;
    }
    return meOf(deps, await resolveCaller(deps.store, caller.openid, deps.adminOpenids));
  },

  ...adminHandlers,
  ...communitySetupHandlers,
};

/**
 * An invitation works only while its inviter may still invite (staff of the community, or an
 * administrator): the codes of someone whose role was removed stop working even if one was missed
 * when they were revoked. A department's person joins only an active department.
 */
async function assertStillValid(deps: Deps, invitation: StaffInvitation): Promise<void> {
  const [inviter, grant, department] = await Promise.all([
    deps.store.collection<User>(COLLECTIONS.users).get(invitation.createdBy),
    deps.store.collection<AdminGrant>(COLLECTIONS.admins).get(invitation.createdBy),
    invitation.role === 'department' ? departmentsOf(deps).get(invitation.departmentId ?? '') : Promise.resolve(null),
  ]);
  const admin = grant?.active === true || deps.adminOpenids.has(invitation.createdBy);
  // Staff are appointed by an administrator only (an administrator who is also staff and lost the grant no longer does).
  const invites = admin || (invitation.role !== 'staff' && inviter?.communityId === invitation.communityId && inviter.roles.includes('staff'));
  if (!invites) throw new DomainError('CONFLICT', '邀请人已不再负责邀请，该邀请码已失效，请联系社区重新邀请');
  if (invitation.role === 'department' && (!department || !department.active)) throw new DomainError('CONFLICT', '该部门已停用，请联系社区重新邀请');
}

/**
 * Adds the invited role to the person's record, creating it if they have none. A resident stays a
 * resident, and their own name, phone and home address are kept.
 */
async function grantRole(
  deps: Deps,
  openid: string,
  invitation: StaffInvitation,
  community: Community,
  person: { name: string; phone: string },
  now: Date,
): Promise<void> {
  const users = deps.store.collection<User>(COLLECTIONS.users);
  // Two rounds: someone registering as a resident at the same moment makes the insert lose, and
  // the second round updates the record they just made.
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const user = await users.get(openid);
    if (user) {
      if (user.communityId !== invitation.communityId) throw new DomainError('CONFLICT', '您已登记在其他社区，不能加入该社区的工作人员');
      // Checked again on the record as it is now: another code used at the same moment may have
      // just made them staff (or a department's person).
      if ((invitation.role === 'department' && user.roles.includes('staff')) || (invitation.role === 'staff' && user.roles.includes('department'))) {
        throw new DomainError('CONFLICT', '社区工作人员不能同时是部门人员，请用另一个微信账号');
      }
      if (user.roles.includes(invitation.role)) throw new DomainError('CONFLICT', `您已经是该社区的${ROLE_NAMES[invitation.role]}`);
      const set: Record<string, unknown> = { roles: [...new Set([...user.roles, invitation.role])], updatedAt: now };
      if (invitation.role === 'grid_worker') set.gridIds = [...new Set([...(user.gridIds ?? []), ...(invitation.gridIds ?? [])])];
      if (invitation.role === 'department') set.departmentId = invitation.departmentId;
      // A department is set once: the write holds only while the person has none (or this one).
      const sameDepartment: Where = invitation.role === 'department' ? { departmentId: user.departmentId ?? { exists: false } } : {};
      if (invitation.role === 'department' && user.departmentId && user.departmentId !== invitation.departmentId) {
        throw new DomainError('CONFLICT', '您已是另一个部门的人员，一个账号只能属于一个部门');
      }
      // The write holds only on the record read (its updatedAt): the roles written are those read
      // plus this one, so a change in between sends this round back to read it again.
      const changed = await users.update({ _id: openid, communityId: invitation.communityId, updatedAt: user.updatedAt, ...sameDepartment }, { set, addToSet: { invitedBy: invitation.createdBy } });
      if (changed === 1) return;
      continue;
    }
    const firstGrid = invitation.gridIds?.[0] ?? found(community.grids[0], '社区尚未设置网格').id;
    const added = await users.add({
      _id: openid,
      communityId: invitation.communityId,
      name: person.name,
      phone: person.phone,
      address: { gridId: firstGrid, building: WORKPLACE_BUILDING },
      roles: [invitation.role],
      ...(invitation.role === 'grid_worker' ? { gridIds: invitation.gridIds ?? [] } : {}),
      ...(invitation.role === 'department' ? { departmentId: invitation.departmentId } : {}),
      invitedBy: [invitation.createdBy],
      createdAt: now,
      updatedAt: now,
    });
    if (added) return;
  }
  throw new DomainError('CONFLICT', '登记信息正在变化，请稍后重试');
}
