/**
 * Off-boarding (community.removeRole, community.roleRemovals): staff take the role of a grid worker
 * or a department's person who left, an administrator that of a staff member; each removal is
 * recorded with its reason in the append-only `role_removals`, in the same transaction. The person
 * keeps their account (and may then 注销); the codes they handed out stop working; the last staff
 * member stays; someone still handling affairs has them reassigned first. Also: a department with
 * affairs in hand is not switched off.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MemberView } from '../../core/contract';
import type { Invitation, RoleRemoval, User } from '../../core/model';
import type { LocalCloud } from '../../localcloud/src/server';
import { call, DEMO, ok, startLinli } from '../helpers/linli';
import { doc, docs, expectRefused, seed, userDoc } from '../helpers/seed';

let cloud: LocalCloud;
let requestCounter = 0;
const requestId = () => `offboarding-${(requestCounter += 1)}`;

beforeAll(async () => {
  cloud = await startLinli({ timers: [] });
});
afterAll(() => cloud.close());

const user = (openid: string) => doc<User>(cloud, 'users', openid);

/** Someone joins with a code `inviter` made for `role`; returns their openid. */
async function joined(inviter: string, openid: string, name: string, role: 'staff' | 'grid_worker' | 'department'): Promise<string> {
  const extra = role === 'grid_worker' ? { gridIds: ['g1'] } : role === 'department' ? { departmentId: 'dept-property' } : {};
  const { code } = ok(await call(cloud, inviter, 'community.invite', { communityId: DEMO.community, role, ...extra }));
  ok(await call(cloud, openid, 'community.join', { code, name, phone: '13900001234' }));
  return openid;
}

const reportAffair = async (openid: string) =>
  ok(
    await call(cloud, openid, 'affair.report', {
      category: '环境卫生',
      description: '3栋门口的路灯不亮',
      place: { gridId: 'g1', building: '3栋' },
      urgency: '一般',
      clientRequestId: requestId(),
    }),
  ).affair;

describe('the member list', () => {
  it('lists department people with their department, and each member with the roles the viewer may remove', async () => {
    const people = ok(await call(cloud, DEMO.staff, 'community.members', { communityId: DEMO.community, role: 'department' }));
    expect(people.items.map((member) => [member.name, member.departmentName, member.removable])).toEqual([['赵物业', '幸福里物业服务中心', ['department']]]);
    // Staff remove grid workers and department people; an administrator also staff.
    const staffSeen = ok(await call(cloud, DEMO.staff, 'community.members', { communityId: DEMO.community, role: 'staff' }));
    expect(staffSeen.items.every((member) => member.removable.length === 0)).toBe(true);
    const adminSeen = ok(await call(cloud, DEMO.admin, 'community.members', { communityId: DEMO.community, role: 'staff' }));
    expect(adminSeen.items.map((member) => member.removable)).toEqual([['staff'], ['staff']]);
  });
});

describe('community.removeRole', () => {
  it('staff take a grid worker’s role with a reason: the grids go, the record stays, and the grid is no longer theirs', async () => {
    const worker = await joined(DEMO.staff, 'o-leaving-grid-worker', '钱网格', 'grid_worker');
    ok(await call(cloud, worker, 'affair.list', { box: 'grid' }));
    const result = ok(await call(cloud, DEMO.staff, 'community.removeRole', { communityId: DEMO.community, openid: worker, role: 'grid_worker', reason: '调往其他街道工作' }));
    // They joined as a grid worker only: nothing is left to show in the member list.
    expect(result).toBeNull();
    expect(user(worker)).toMatchObject({ roles: [], communityId: DEMO.community });
    expect(user(worker)?.gridIds).toBeUndefined();
    const record = docs<RoleRemoval>(cloud, 'role_removals').find((removal) => removal.openid === worker);
    expect(record).toMatchObject({ communityId: DEMO.community, name: '钱网格', role: 'grid_worker', gridIds: ['g1'], reason: '调往其他街道工作', by: DEMO.staff, byName: '刘晓梅' });
    await expectRefused(cloud, worker, 'affair.list', { box: 'grid' }, 'FORBIDDEN');
    const history = ok(await call(cloud, DEMO.admin, 'community.roleRemovals', { communityId: DEMO.community }));
    expect(history.items[0]).toMatchObject({ name: '钱网格', roleName: '网格员', reason: '调往其他街道工作', byName: '刘晓梅' });
    // Once no longer staff of any kind, they may 注销 (before, the privacy policy asked them to be removed first).
    ok(await call(cloud, worker, 'user.deleteAccount', { confirm: '注销' }));
  });

  it('keeps a resident a resident: only the removed role goes', async () => {
    seed(cloud, 'users', [{ ...userDoc('o-resident-and-worker', '孙邻里', { roles: ['resident', 'grid_worker'] }), gridIds: ['g1', 'g2'] }]);
    const member = ok(await call(cloud, DEMO.staff, 'community.removeRole', { communityId: DEMO.community, openid: 'o-resident-and-worker', role: 'grid_worker', reason: '不再担任网格员' }));
    expect(member).toMatchObject({ openid: 'o-resident-and-worker', roles: ['resident'], roleNames: ['居民'], removable: [] });
    expect(user('o-resident-and-worker')?.roles).toEqual(['resident']);
  });

  it('a department’s person who left no longer sees the department’s affairs', async () => {
    const person = await joined(DEMO.staff, 'o-leaving-dept', '周物业', 'department');
    const affair = await reportAffair(DEMO.grid);
    ok(await call(cloud, DEMO.staff, 'affair.whistle', { affairId: affair.id, departmentId: 'dept-property' }));
    ok(await call(cloud, person, 'affair.get', { affairId: affair.id }));
    ok(await call(cloud, DEMO.staff, 'community.removeRole', { communityId: DEMO.community, openid: person, role: 'department', reason: '已从物业公司离职' }));
    expect(user(person)?.departmentId).toBeUndefined();
    await expectRefused(cloud, person, 'affair.get', { affairId: affair.id }, 'FORBIDDEN');
    await expectRefused(cloud, person, 'affair.respond', { affairId: affair.id, decision: 'accept' }, 'FORBIDDEN');
    await expectRefused(cloud, person, 'department.list', {}, 'FORBIDDEN');
  });

  it('only an administrator removes staff; the codes a removed staff member made stop working', async () => {
    const colleague = await joined(DEMO.admin, 'o-leaving-staff', '吴主任', 'staff');
    const { code } = ok(await call(cloud, colleague, 'community.invite', { communityId: DEMO.community, role: 'grid_worker', gridIds: ['g2'] }));
    await expectRefused(cloud, DEMO.staff, 'community.removeRole', { communityId: DEMO.community, openid: colleague, role: 'staff', reason: '退休' }, 'FORBIDDEN', '社区工作人员的身份由管理员移除；工作人员可以移除网格员和部门人员的身份');
    ok(await call(cloud, DEMO.admin, 'community.removeRole', { communityId: DEMO.community, openid: colleague, role: 'staff', reason: '退休' }));
    expect(doc<Invitation>(cloud, 'invitations', code)).toMatchObject({ revokedBy: DEMO.admin });
    await expectRefused(cloud, 'o-would-join', 'community.join', { code, name: '冯网格', phone: '13900005678' }, 'CONFLICT', '邀请码已被撤销，请联系社区重新邀请');
    // A code the revocation missed (written in between) fails on its inviter.
    seed(cloud, 'invitations', [{ _id: 'RETAKENCAB22', communityId: DEMO.community, role: 'grid_worker', gridIds: ['g2'], createdBy: colleague, createdAt: new Date(), expiresAt: new Date(Date.now() + 86_400_000) }]);
    await expectRefused(cloud, 'o-would-join', 'community.join', { code: 'RETAKENCAB22', name: '冯网格', phone: '13900005678' }, 'CONFLICT', '邀请人已不再负责邀请，该邀请码已失效，请联系社区重新邀请');
  });

  it('someone still handling an affair has it reassigned first', async () => {
    const worker = await joined(DEMO.staff, 'o-busy-grid-worker', '郑网格', 'grid_worker');
    const affair = await reportAffair(DEMO.resident);
    ok(await call(cloud, DEMO.staff, 'affair.handle', { affairId: affair.id, assignee: worker }));
    const input = { communityId: DEMO.community, openid: worker, role: 'grid_worker', reason: '辞职' } as const;
    await expectRefused(cloud, DEMO.staff, 'community.removeRole', input, 'CONFLICT', '郑网格手中还有 1 件正在办理的事务，请先在事务台改派给其他人，再移除');
    ok(await call(cloud, DEMO.staff, 'affair.handle', { affairId: affair.id, assignee: DEMO.grid }));
    ok(await call(cloud, DEMO.staff, 'community.removeRole', input));
  });

  it('refuses bad input, strangers, residents and grid workers, writing nothing', async () => {
    const input = { communityId: DEMO.community, openid: DEMO.grid, role: 'grid_worker', reason: '调岗' } as const;
    await expectRefused(cloud, DEMO.staff, 'community.removeRole', { ...input, reason: '  ' }, 'INVALID_INPUT');
    await expectRefused(cloud, DEMO.staff, 'community.removeRole', { ...input, role: 'resident' }, 'INVALID_INPUT');
    await expectRefused(cloud, DEMO.staff, 'community.removeRole', { ...input, openid: DEMO.resident }, 'NOT_FOUND', '该成员不是本社区的网格员');
    await expectRefused(cloud, DEMO.grid, 'community.removeRole', input, 'FORBIDDEN');
    await expectRefused(cloud, DEMO.resident, 'community.removeRole', input, 'FORBIDDEN');
    await expectRefused(cloud, DEMO.grid, 'community.roleRemovals', { communityId: DEMO.community }, 'FORBIDDEN');
    await expectRefused(cloud, DEMO.staff, 'community.removeRole', { ...input, communityId: 'another-community' }, 'FORBIDDEN');
  });

  it('a department with affairs in hand is not switched off', async () => {
    const affair = await reportAffair(DEMO.grid);
    ok(await call(cloud, DEMO.staff, 'affair.whistle', { affairId: affair.id, departmentId: 'dept-property' }));
    const [department] = ok(await call(cloud, DEMO.staff, 'department.list', {})).filter((item) => item.id === 'dept-property');
    const input = { departmentId: 'dept-property', version: department!.version, name: department!.name, kind: department!.kind, categories: department!.categories, active: false } as const;
    const inHand = docs<{ departmentId?: string; status: string }>(cloud, 'affairs').filter((item) => item.departmentId === 'dept-property' && ['whistled', 'accepted'].includes(item.status)).length;
    await expectRefused(cloud, DEMO.staff, 'department.upsert', input, 'CONFLICT', `幸福里物业服务中心还有 ${inHand} 件事务在办理，请等办结或由该部门退回后再停用`);
  });

  it('keeps the last staff member', async () => {
    // Demo: 刘晓梅 and 王建国 (the colleague above is no longer staff).
    ok(await call(cloud, DEMO.admin, 'community.removeRole', { communityId: DEMO.community, openid: DEMO.staff2, role: 'staff', reason: '调往街道办' }));
    await expectRefused(cloud, DEMO.admin, 'community.removeRole', { communityId: DEMO.community, openid: DEMO.staff, role: 'staff', reason: '调岗' }, 'CONFLICT', '至少要保留一名社区工作人员：请先邀请新的工作人员，再移除');
    const left = ok(await call(cloud, DEMO.admin, 'community.members', { communityId: DEMO.community, role: 'staff' }));
    expect(left.items.map((member: MemberView) => member.name)).toEqual(['刘晓梅']);
  });
});

describe('the last staff member, under a burst', () => {
  it('removing all of a community’s staff at once leaves one of them', async () => {
    const staff = ['赵主任', '钱主任', '孙主任', '李主任', '周主任', '吴主任'].map((name, index) => ({ openid: `o-race-${index}`, name }));
    seed(cloud, 'communities', [{ _id: 'o-race', name: '和平里社区', grids: [{ id: 'r1', name: '和平一网格', buildings: ['1栋'] }], settings: { requireOrderReview: false }, createdAt: new Date('2026-11-01T00:00:00Z') }]);
    seed(cloud, 'users', staff.map(({ openid, name }) => userDoc(openid, name, { roles: ['staff'], communityId: 'o-race', address: { gridId: 'r1', building: '1栋' } })));
    const replies = await Promise.all(staff.map(({ openid }) => call(cloud, DEMO.admin, 'community.removeRole', { communityId: 'o-race', openid, role: 'staff', reason: '调岗' })));
    expect(replies.filter((reply) => reply.ok)).toHaveLength(staff.length - 1);
    expect(replies.find((reply) => !reply.ok)).toMatchObject({ error: { code: 'CONFLICT', message: '至少要保留一名社区工作人员：请先邀请新的工作人员，再移除' } });
    expect(docs<User>(cloud, 'users').filter((person) => person.communityId === 'o-race' && person.roles.includes('staff'))).toHaveLength(1);
    expect(docs<RoleRemoval>(cloud, 'role_removals').filter((removal) => removal.communityId === 'o-race')).toHaveLength(staff.length - 1);
  });
});
