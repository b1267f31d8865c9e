/**
 * Administrators, without a console: the deployer issues a one-time setup code (through WeChat's
 * server API, see `issueSetupCode`), the first person to enter it in the app becomes the first
 * administrator, and administrators invite and remove one another in the app. LINLI_ADMIN_OPENIDS
 * still names administrators (the override); those are shown but cannot be removed in the app.
 *
 * Every change writes the registry document in its transaction (see AdminRegistry), so the count
 * of administrators is exact and the last one is never removed.
 */
import { resolveCaller } from '../caller';
import type { AdminView } from '../contract';
import { sha256Hex } from '../digest';
import { DomainError } from '../errors';
import type { Handlers } from '../handlers';
import { ADMIN_REGISTRY_ID, type AdminEvent, type AdminGrant, type AdminInvitation, type AdminRegistry, COLLECTIONS, type Invitation, type Quota, type User } from '../model';
import type { Caller, Deps, Transaction } from '../ports';
import { addMinutes } from '../time';
import { quotaKey, takeDailyQuota, usedToday } from './shared/quota';
import { readByIds } from './shared/store';
import { meOf } from './user';

export const SETUP_CODE_LENGTH = 12;
export const SETUP_CODE_DAYS = 7;
/**
 * Wrong tries before the setup code stops working (31^12 codes: this only stops a flood), and per
 * person per day, so that one stranger cannot lock it for the deployer with ten wrong tries.
 */
export const SETUP_CODE_MAX_FAILURES = 50;
export const SETUP_CODE_FAILURES_PER_DAY = 5;
/** Administrators appointed in the app at once: a handful run a district's deployment. */
export const MAX_ADMINS = 20;
export const ADMIN_INVITATION_DAYS = 7;
export const ADMIN_INVITATIONS_PER_DAY = 5;
/** Kept on each administrator's document: appointments and removals, newest last. */
const MAX_ADMIN_EVENTS = 20;
/** Who appointed the first administrator. */
export const BY_SETUP_CODE = 'setup-code';

const REISSUE = '请部署人员重新生成（npm run deploy -- --only admin）';

const registryOf = (tx: Transaction) => tx.collection<AdminRegistry>(COLLECTIONS.adminRegistry);
const grantsOf = (tx: Transaction) => tx.collection<AdminGrant>(COLLECTIONS.admins);
const hashOf = (code: string) => sha256Hex(`linli-setup:${code}`);
const ALREADY_ADMINISTERED = '已经有管理员了：新的管理员请由现有管理员在小程序“我的 → 管理员”中邀请';

/**
 * Whether removing `target` still leaves an administrator: the other active grants, and the
 * deployment's administrators other than the target (one who also holds a grant stays one by the
 * deployment). The list's `removable` and removeAdmin decide by this one rule.
 */
const leavesAnAdministrator = (activeGrants: number, targetHasGrant: boolean, deployment: ReadonlySet<string>, target: string): boolean =>
  activeGrants - (targetHasGrant ? 1 : 0) + [...deployment].filter((openid) => openid !== target).length >= 1;

/**
 * The server job the deployer runs (WeChat's HTTP API invokes the `community` function, SOURCE
 * wx_http; nobody can from the app): a fresh setup code, replacing any unused one. Refused once an
 * administrator has been appointed in the app: they invite the others.
 */
export async function issueSetupCode(deps: Deps): Promise<{ code: string; expiresAt: string }> {
  const now = deps.clock.now();
  const code = deps.random.code(SETUP_CODE_LENGTH);
  const expiresAt = addMinutes(now, SETUP_CODE_DAYS * 24 * 60);
  await deps.store.transaction(async (tx) => {
    const registry = await registryOf(tx).get(ADMIN_REGISTRY_ID);
    // The deployment's own administrators count too: a code printed then would be a way in for whoever reads the log.
    if ((registry?.activeAdmins ?? 0) > 0 || deps.adminOpenids.size > 0) throw new DomainError('CONFLICT', ALREADY_ADMINISTERED);
    await registryOf(tx).set({ _id: ADMIN_REGISTRY_ID, activeAdmins: 0, setupCode: { hash: hashOf(code), issuedAt: now, expiresAt, failures: 0 }, updatedAt: now });
  });
  return { code, expiresAt: expiresAt.toISOString() };
}

/** Inside a transaction: makes `openid` an administrator (again, if they were removed). */
async function appoint(tx: Transaction, openid: string, name: string, by: string, now: Date, registry: AdminRegistry | null): Promise<void> {
  const active = registry?.activeAdmins ?? 0;
  if (active >= MAX_ADMINS) throw new DomainError('LIMIT_REACHED', `管理员已有 ${MAX_ADMINS} 名，请先移除不再负责的管理员`);
  const grant = await grantsOf(tx).get(openid);
  if (grant?.active) throw new DomainError('CONFLICT', '您已经是管理员');
  const event: AdminEvent = { kind: 'appointed', by, at: now };
  await grantsOf(tx).set({ _id: openid, name, active: true, events: [...(grant?.events ?? []), event].slice(-MAX_ADMIN_EVENTS), updatedAt: now });
  await registryOf(tx).set({ ...(registry ?? { _id: ADMIN_REGISTRY_ID }), activeAdmins: active + 1, updatedAt: now });
}

/** The setup code: checked against its hash; a wrong one counts towards the lock, outside any transaction. */
async function redeemSetupCode(deps: Deps, caller: Caller, code: string, name: string, now: Date): Promise<void> {
  const registries = deps.store.collection<AdminRegistry>(COLLECTIONS.adminRegistry);
  const setup = (await registries.get(ADMIN_REGISTRY_ID))?.setupCode;
  if (!setup || setup.usedBy) throw new DomainError('NOT_FOUND', '初始化码或邀请码不正确，请核对后重新输入');
  if (setup.failures >= SETUP_CODE_MAX_FAILURES) throw new DomainError('CONFLICT', `初始化码输错次数过多，已失效；${REISSUE}`);
  if (new Date(setup.expiresAt).getTime() <= now.getTime()) throw new DomainError('CONFLICT', `初始化码已过期；${REISSUE}`);
  // Checked before the code, so that the limit also stops a right guess after too many wrong ones.
  const failuresKey = quotaKey('setup_code_failures', caller.openid);
  const tooMany = `初始化码今天已输错 ${SETUP_CODE_FAILURES_PER_DAY} 次，请明天再试`;
  if (usedToday(await deps.store.collection<Quota>(COLLECTIONS.quotas).get(failuresKey), now) >= SETUP_CODE_FAILURES_PER_DAY) throw new DomainError('LIMIT_REACHED', tooMany);
  if (hashOf(code) !== setup.hash) {
    await deps.store.transaction(async (tx) => {
      await takeDailyQuota(tx, failuresKey, SETUP_CODE_FAILURES_PER_DAY, now, tooMany);
      const registry = await registryOf(tx).get(ADMIN_REGISTRY_ID);
      if (registry?.setupCode?.hash === setup.hash) await registryOf(tx).update(ADMIN_REGISTRY_ID, { inc: { 'setupCode.failures': 1 }, set: { updatedAt: now } });
    });
    throw new DomainError('NOT_FOUND', '初始化码或邀请码不正确，请核对后重新输入');
  }
  await deps.store.transaction(async (tx) => {
    const registry = await registryOf(tx).get(ADMIN_REGISTRY_ID);
    const current = registry?.setupCode;
    if (!registry || !current || current.usedBy) throw new DomainError('CONFLICT', '初始化码已被使用');
    if (current.hash !== setup.hash) throw new DomainError('CONFLICT', '初始化码刚刚更换过，请使用部署人员最新打印的初始化码');
    if (registry.activeAdmins > 0 || deps.adminOpenids.size > 0) throw new DomainError('CONFLICT', ALREADY_ADMINISTERED);
    await appoint(tx, caller.openid, name, BY_SETUP_CODE, now, registry);
    await registryOf(tx).update(ADMIN_REGISTRY_ID, { set: { 'setupCode.usedBy': caller.openid, 'setupCode.usedAt': now } });
  });
}

async function redeemInvitation(deps: Deps, caller: Caller, invitation: AdminInvitation, name: string, now: Date): Promise<void> {
  if (invitation.usedBy) throw new DomainError('CONFLICT', '邀请码已被使用，请联系管理员重新邀请');
  if (new Date(invitation.expiresAt).getTime() <= now.getTime()) throw new DomainError('CONFLICT', '邀请码已过期，请联系管理员重新邀请');
  await deps.store.transaction(async (tx) => {
    const invitations = tx.collection<Invitation>(COLLECTIONS.invitations);
    const current = await invitations.get(invitation._id);
    if (!current || current.usedBy) throw new DomainError('CONFLICT', '邀请码已被使用，请联系管理员重新邀请');
    // An invitation is only as good as its inviter: one removed meanwhile cannot come back through their own codes.
    const inviter = await grantsOf(tx).get(invitation.createdBy);
    if (!inviter?.active && !deps.adminOpenids.has(invitation.createdBy)) throw new DomainError('CONFLICT', '邀请码已失效：邀请人已不再是管理员，请联系现有管理员重新邀请');
    await appoint(tx, caller.openid, name, invitation.createdBy, now, await registryOf(tx).get(ADMIN_REGISTRY_ID));
    await invitations.update(invitation._id, { set: { usedBy: caller.openid, usedAt: now } });
  });
}

/** Everyone who administers linli, as the caller sees them. */
async function listAdmins(deps: Deps, caller: Caller): Promise<AdminView[]> {
  const grants = await deps.store.collection<AdminGrant>(COLLECTIONS.admins).find({ active: true }, { orderBy: [['_id', 'asc']], limit: MAX_ADMINS });
  const appointed = new Set(grants.map((grant) => grant._id));
  const deployment = [...deps.adminOpenids].filter((openid) => !appointed.has(openid)).sort();
  const users = await readByIds(deps.store.collection<User>(COLLECTIONS.users), deployment);
  return [
    ...grants.map(
      (grant): AdminView => ({
        openid: grant._id,
        name: grant.name,
        source: deps.adminOpenids.has(grant._id) ? 'deployment' : 'app',
        appointedAt: [...grant.events].reverse().find((event) => event.kind === 'appointed')?.at.toISOString(),
        me: grant._id === caller.openid,
        removable: !deps.adminOpenids.has(grant._id) && leavesAnAdministrator(grants.length, true, deps.adminOpenids, grant._id),
      }),
    ),
    ...deployment.map((openid): AdminView => ({ openid, name: users.get(openid)?.name ?? '部署配置指定的管理员', source: 'deployment', me: openid === caller.openid, removable: false })),
  ];
}

export const adminHandlers: Pick<Handlers<'community'>, 'community.bootstrap' | 'community.admins' | 'community.inviteAdmin' | 'community.removeAdmin'> = {
  'community.bootstrap': async (input, { caller, deps }) => {
    if (caller.roles.has('admin')) throw new DomainError('CONFLICT', '您已经是管理员');
    const now = deps.clock.now();
    const invitation = await deps.store.collection<Invitation>(COLLECTIONS.invitations).get(input.code);
    if (invitation && invitation.role !== 'admin') throw new DomainError('CONFLICT', '这是社区工作人员的邀请码，请在“我的 → 加入社区工作人员”中输入');
    if (invitation) await redeemInvitation(deps, caller, invitation, input.name, now);
    else await redeemSetupCode(deps, caller, input.code, input.name, now);
    return meOf(deps, await resolveCaller(deps.store, caller.openid, deps.adminOpenids));
  },

  'community.admins': async (_input, { caller, deps }) => listAdmins(deps, caller),

  'community.inviteAdmin': async (input, { caller, deps }) => {
    const now = deps.clock.now();
    const invitation: AdminInvitation = {
      _id: deps.random.code(SETUP_CODE_LENGTH),
      role: 'admin',
      forName: input.forName,
      createdBy: caller.openid,
      createdAt: now,
      expiresAt: addMinutes(now, ADMIN_INVITATION_DAYS * 24 * 60),
    };
    await deps.store.transaction(async (tx) => {
      await takeDailyQuota(tx, quotaKey('admin_invitations', caller.openid), ADMIN_INVITATIONS_PER_DAY, now, `每天最多生成 ${ADMIN_INVITATIONS_PER_DAY} 个管理员邀请码，请明天再来`);
      await tx.collection<Invitation>(COLLECTIONS.invitations).add(invitation);
    });
    return { code: invitation._id, expiresAt: invitation.expiresAt.toISOString() };
  },

  'community.removeAdmin': async (input, { caller, deps }) => {
    const now = deps.clock.now();
    await deps.store.transaction(async (tx) => {
      const grant = await grantsOf(tx).get(input.openid);
      if (!grant?.active) {
        if (deps.adminOpenids.has(input.openid)) throw new DomainError('CONFLICT', '该管理员由部署配置（LINLI_ADMIN_OPENIDS）指定，请在云函数的环境变量中移除');
        throw new DomainError('NOT_FOUND', '该用户不是管理员');
      }
      const registry = await registryOf(tx).get(ADMIN_REGISTRY_ID);
      const active = registry?.activeAdmins ?? 0;
      if (!leavesAnAdministrator(active, true, deps.adminOpenids, grant._id)) throw new DomainError('CONFLICT', '至少要保留一名管理员：请先邀请新的管理员，再移除');
      const event: AdminEvent = { kind: 'removed', by: caller.openid, at: now };
      await grantsOf(tx).update(grant._id, { set: { active: false, updatedAt: now, events: [...grant.events, event].slice(-MAX_ADMIN_EVENTS) } });
      await registryOf(tx).set({ ...(registry ?? { _id: ADMIN_REGISTRY_ID }), activeAdmins: Math.max(0, active - 1), updatedAt: now });
    });
    return listAdmins(deps, caller);
  },
};
