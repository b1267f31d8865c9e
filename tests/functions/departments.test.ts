/**
 * Departments (department.upsert, department.list) and how their people join: community.invite with
 * role `department` and community.join, which stores the role and the department on the user.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_DEPARTMENTS } from '../../core/contract/department';
import type { LocalCloud } from '../../localcloud/src/server';
import { call, DEMO, ok, snapshot, startLinli } from '../helpers/linli';
import { doc, expectRefused, seed, userDoc } from '../helpers/seed';

describe('departments', () => {
  let cloud: LocalCloud;
  beforeAll(async () => {
    cloud = await startLinli();
  });
  afterAll(() => cloud.close());

  it('lists the demo department to staff, grid workers and its own people, and nothing to residents', async () => {
    const staff = ok(await call(cloud, DEMO.staff, 'department.list', {}));
    expect(staff.map((d) => d.id)).toContain('dept-property');
    const property = staff.find((d) => d.id === 'dept-property')!;
    expect(property).toMatchObject({ kind: '物业', categories: ['环境卫生', '设施损坏'], active: true, contactPhoneUnverified: true });
    expect(ok(await call(cloud, DEMO.grid, 'department.list', {})).map((d) => d.id)).toContain('dept-property');
    expect(ok(await call(cloud, DEMO.dept, 'department.list', {})).map((d) => d.id)).toEqual(['dept-property']);
    const resident = await call(cloud, DEMO.resident, 'department.list', {});
    expect(resident.ok).toBe(false);
    if (!resident.ok) expect(resident.error.code).toBe('FORBIDDEN');
  });

  it('adds and edits a department on the version read; a stale version or a duplicate name is refused', async () => {
    const made = ok(await call(cloud, DEMO.staff, 'department.upsert', { name: '示范街道城管中队', kind: '城管', categories: ['违章搭建', '环境卫生'], contactPhone: '12345' }));
    expect(made).toMatchObject({ kind: '城管', version: 0, active: true });
    const edited = ok(await call(cloud, DEMO.staff2, 'department.upsert', { departmentId: made.id, version: 0, name: '示范街道城管中队', kind: '城管', categories: ['违章搭建'], active: false }));
    expect(edited).toMatchObject({ version: 1, categories: ['违章搭建'], active: false });
    expect(edited.contactPhone).toBeUndefined();
    const before = snapshot(cloud);
    const stale = await call(cloud, DEMO.staff, 'department.upsert', { departmentId: made.id, version: 0, name: '城管', kind: '城管', categories: ['违章搭建'] });
    expect(stale.ok).toBe(false);
    if (!stale.ok) expect(stale.error.code).toBe('CONFLICT');
    const duplicate = await call(cloud, DEMO.staff, 'department.upsert', { name: '幸福里物业服务中心', kind: '物业', categories: ['其他'] });
    expect(duplicate.ok).toBe(false);
    if (!duplicate.ok) expect(duplicate.error.code).toBe('CONFLICT');
    expect(snapshot(cloud)).toBe(before);
    // Grid workers see only the departments whistled to now; staff also the inactive one.
    expect(ok(await call(cloud, DEMO.grid, 'department.list', {})).map((d) => d.id)).not.toContain(made.id);
    expect(ok(await call(cloud, DEMO.staff, 'department.list', {})).map((d) => d.id)).toContain(made.id);
  });

  it('refuses grid workers and department staff editing departments', async () => {
    for (const openid of [DEMO.grid, DEMO.dept]) {
      const reply = await call(cloud, openid, 'department.upsert', { name: '派出所', kind: '派出所', categories: ['安全隐患'] });
      expect(reply.ok).toBe(false);
      if (!reply.ok) expect(reply.error.code).toBe('FORBIDDEN');
    }
  });

  it('invites someone into a department: the join stores the role and the department', async () => {
    const { code } = ok(await call(cloud, DEMO.staff, 'community.invite', { communityId: DEMO.community, role: 'department', departmentId: 'dept-property' }));
    const me = ok(await call(cloud, 'o-dept-new', 'community.join', { code, name: '钱物业', phone: '13800000071' }));
    expect(me.roles).toEqual(['department']);
    const stored = snapshot(cloud).split('\n').find((line) => line.includes('"_id":"o-dept-new"'));
    expect(stored).toContain('"departmentId":"dept-property"');
    // A second department's invitation is refused: one account answers for one department.
    const other = ok(await call(cloud, DEMO.staff, 'department.upsert', { name: '示范街道供水所', kind: '供水', categories: ['设施损坏'] }));
    const { code: second } = ok(await call(cloud, DEMO.staff, 'community.invite', { communityId: DEMO.community, role: 'department', departmentId: other.id }));
    const refused = await call(cloud, 'o-dept-new', 'community.join', { code: second, name: '钱物业', phone: '13800000071' });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.code).toBe('CONFLICT');
    expect(ok(await call(cloud, 'o-dept-new', 'department.list', {})).map((d) => d.id)).toEqual(['dept-property']);
  });

  it('nobody grants themselves a role, and staff are not a department’s people: each would let one person sign off their own work', async () => {
    const before = snapshot(cloud);
    // Staff inviting themselves into a department, or as a grid worker.
    const { code: own } = ok(await call(cloud, DEMO.staff, 'community.invite', { communityId: DEMO.community, role: 'department', departmentId: 'dept-property' }));
    const { code: ownGrid } = ok(await call(cloud, DEMO.staff, 'community.invite', { communityId: DEMO.community, role: 'grid_worker', gridIds: ['g1'] }));
    const withCodes = snapshot(cloud);
    await expectRefused(cloud, DEMO.staff, 'community.join', { code: own, name: '刘晓梅', phone: '13800000010' }, 'FORBIDDEN', '不能使用自己生成的邀请码，请由其他工作人员邀请');
    await expectRefused(cloud, DEMO.staff, 'community.join', { code: ownGrid, name: '刘晓梅', phone: '13800000010' }, 'FORBIDDEN');
    // A colleague's code does not make a staff member a department's person either.
    await expectRefused(cloud, DEMO.staff2, 'community.join', { code: own, name: '王建国', phone: '13800000011' }, 'CONFLICT', '社区工作人员不能同时是部门人员，请用另一个微信账号');
    expect(snapshot(cloud)).toBe(withCodes);
    expect(withCodes).not.toBe(before);
  });

  it('refuses an invitation without a department, to another community’s department, or to an inactive one', async () => {
    const before = snapshot(cloud);
    const missing = await call(cloud, DEMO.staff, 'community.invite', { communityId: DEMO.community, role: 'department' });
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.error.code).toBe('INVALID_INPUT');
    const unknown = await call(cloud, DEMO.staff, 'community.invite', { communityId: DEMO.community, role: 'department', departmentId: 'dept-nowhere' });
    expect(unknown.ok).toBe(false);
    if (!unknown.ok) expect(unknown.error.code).toBe('INVALID_INPUT');
    const withGrids = await call(cloud, DEMO.staff, 'community.invite', { communityId: DEMO.community, role: 'department', departmentId: 'dept-property', gridIds: ['g1'] });
    expect(withGrids.ok).toBe(false);
    expect(snapshot(cloud)).toBe(before);
  });

  it('two codes used at the same moment do not make one account both; the code that lost is given back', async () => {
    const people = ['o-burst-1', 'o-burst-2', 'o-burst-3', 'o-burst-4'];
    seed(cloud, 'users', people.map((openid, index) => userDoc(openid, `居民${index + 1}`, { address: { gridId: 'g1', building: '1栋' } })));
    for (const openid of people) {
      const { code: staffCode } = ok(await call(cloud, DEMO.admin, 'community.invite', { communityId: DEMO.community, role: 'staff' }));
      const { code: departmentCode } = ok(await call(cloud, DEMO.staff, 'community.invite', { communityId: DEMO.community, role: 'department', departmentId: 'dept-property' }));
      const replies = await Promise.all([staffCode, departmentCode].map((code) => call(cloud, openid, 'community.join', { code, name: '居民', phone: '13800000099' })));
      expect(replies.filter((reply) => reply.ok), openid).toHaveLength(1);
      const roles = doc<{ roles: string[] }>(cloud, 'users', openid)!.roles;
      expect(roles.filter((role) => role === 'staff' || role === 'department'), openid).toHaveLength(1);
      const lost = replies[0]!.ok ? departmentCode : staffCode;
      expect(doc<{ usedBy?: string }>(cloud, 'invitations', lost)?.usedBy, openid).toBeUndefined();
    }
  });

  it(`holds a community to ${MAX_DEPARTMENTS} departments, even when added at once`, async () => {
    const existing = ok(await call(cloud, DEMO.staff, 'department.list', {})).length;
    const attempts = MAX_DEPARTMENTS - existing + 5;
    const replies = await Promise.all(
      Array.from({ length: attempts }, (_, i) => call(cloud, i % 2 ? DEMO.staff : DEMO.staff2, 'department.upsert', { name: `驻区单位${i}`, kind: '驻区单位', categories: ['其他'] })),
    );
    const refused = replies.filter((reply) => !reply.ok);
    expect(refused.length).toBeGreaterThanOrEqual(5);
    for (const reply of refused) if (!reply.ok) expect(['LIMIT_REACHED', 'CONFLICT']).toContain(reply.error.code);
    expect(ok(await call(cloud, DEMO.staff, 'department.list', {})).length).toBe(MAX_DEPARTMENTS);
  });
});

