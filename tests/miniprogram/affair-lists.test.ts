// @vitest-environment happy-dom
/**
 * The affair lists against the real affair function, with affairs made through the cloud: 我的问题
 * (a resident's reports, a grid worker's three tabs), the staff's 事务台 (each tab its filter), a
 * department's 部门待办 (its own department's only), the entries of 我的 by role, staff keeping the
 * departments (staff/departments: add, edit, a colleague's edit meanwhile) and inviting 部门人员.
 * The lists' filters themselves: tests/functions/affairs.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AffairView, InputOf } from '../../core/contract';
import type { Department } from '../../core/model';
import type { LocalCloud } from '../../localcloud/src/server';
import { call, DEMO, ok, startLinli } from '../helpers/linli';
import { captureNavigation, connectMiniProgram, mount, type Page, settle, text, until } from '../helpers/mp';
import { doc, seed, T0, userDoc } from '../helpers/seed';

const WATER = 'al-water';

let cloud: LocalCloud;
let sequence = 0;
const requestId = () => `al-${process.pid}-${String(++sequence).padStart(5, '0')}`;

async function report(openid: string, input: Partial<InputOf<'affair.report'>> = {}): Promise<AffairView> {
  return ok(
    await call(cloud, openid, 'affair.report', {
      category: '环境卫生',
      description: '2栋楼下垃圾堆放三天未清运',
      place: { gridId: 'g1', building: '2栋', detail: '东侧垃圾房' },
      urgency: '一般',
      clientRequestId: requestId(),
      ...input,
    }),
  ).affair;
}

const whistle = async (affairId: string, departmentId = 'dept-property') => ok(await call(cloud, DEMO.staff, 'affair.whistle', { affairId, departmentId })).affair;

async function opened(page: Page, query?: Record<string, string>): Promise<Page> {
  page.instance.onLoad(query);
  await until(() => page.data.loading === false);
  return page;
}

const ids = (page: Page) => (page.data.items as AffairView[]).map((row) => row.id);
const inputs = (calls: { calls: Array<{ data: unknown }> }) => calls.calls.map((c) => c.data);

beforeAll(async () => {
  cloud = await startLinli({ timers: [] });
  seed(cloud, 'departments', [
    { _id: 'dept-water', communityId: DEMO.community, name: '示范街道供水所', kind: '供水', categories: ['设施损坏'], active: true, version: 0, createdBy: DEMO.staff, createdAt: T0, updatedBy: DEMO.staff, updatedAt: T0 },
  ]);
  seed(cloud, 'users', [{ ...userDoc(WATER, '郑供水', { roles: ['department'] }), departmentId: 'dept-water' }]);
});
afterAll(() => cloud.close());

describe('affair/mine (我的问题)', () => {
  it('a resident sees their reports with status, place and date, opens one and reports another; no other tabs', async () => {
    const first = await report(DEMO.resident, { category: '设施损坏', description: '单元门禁坏了', place: { gridId: 'g1', building: '3栋', detail: '2单元' } });
    const second = await report(DEMO.resident);
    // Someone else's report is not theirs.
    const others = await report(DEMO.grid);
    const calls = connectMiniProgram(cloud, DEMO.resident);
    const urls = captureNavigation();
    const page = await opened(mount('affair/mine/index'));
    expect(page.data.error).toBe('');
    expect(inputs(calls)).toEqual(
      expect.arrayContaining([
        { action: 'user.me', input: {} },
        { action: 'affair.list', input: { box: 'mine', limit: 20 } },
        { action: 'affair.list', input: { box: 'handling', limit: 1 } },
      ]),
    );
    expect(calls.calls).toHaveLength(3);
    expect(ids(page)).toEqual(expect.arrayContaining([first.id, second.id]));
    expect(ids(page)).not.toContain(others.id);
    const row = text(page, `#affair-${first.id}`);
    expect(row).toContain('设施损坏');
    expect(row).toContain('待处理');
    expect(row).toContain('3栋 2单元');
    expect(row).toMatch(/上报于 \d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    // A resident neither handles nor has grids: one list, no tabs.
    expect(page.querySelector('#tabs')).toBeFalsy();

    page.querySelector(`#affair-${first.id}`)!.dispatchEvent('tap');
    page.querySelector('#report')!.dispatchEvent('click');
    await until(() => urls.length === 2);
    expect(urls).toEqual([`/affair/detail/index?affairId=${first.id}`, '/affair/report/index']);
  });

  it('a grid worker has 我承办的 and 网格的; each tab asks for its box', async () => {
    const inGrid = await report(DEMO.resident, { category: '安全隐患', description: '楼道堆放杂物' });
    const handed = await report(DEMO.staff, { description: '路灯不亮', place: { gridId: 'g2', building: '5栋' } });
    ok(await call(cloud, DEMO.staff, 'affair.handle', { affairId: handed.id, assignee: DEMO.grid, deadlineHours: 48 }));
    const calls = connectMiniProgram(cloud, DEMO.grid);
    const page = await opened(mount('affair/mine/index'));
    expect(text(page, '#tabs')).toBe('我上报的我承办的网格的');
    expect(ids(page)).not.toContain(inGrid.id);

    page.querySelector('#tab-handling')!.dispatchEvent('tap');
    await until(() => page.data.loading === false && page.data.box === 'handling');
    expect(calls.calls.at(-1)!.data).toEqual({ action: 'affair.list', input: { box: 'handling', limit: 20 } });
    expect(ids(page)).toEqual([handed.id]);
    const row = text(page, `#affair-${handed.id}`);
    expect(row).toContain('社区办理中');
    expect(row).toContain('承办：周网格');
    expect(row).toMatch(/办理期限 \d{4}-\d{2}-\d{2} \d{2}:\d{2}/);

    page.querySelector('#tab-grid')!.dispatchEvent('tap');
    await until(() => page.data.loading === false && page.data.box === 'grid');
    expect(calls.calls.at(-1)!.data).toEqual({ action: 'affair.list', input: { box: 'grid', limit: 20 } });
    expect(ids(page)).toContain(inGrid.id);
    // g2 is not 周网格's grid.
    expect(ids(page)).not.toContain(handed.id);
  });

  it('someone who reported nothing is told what to do', async () => {
    connectMiniProgram(cloud, DEMO.volunteer);
    const page = await opened(mount('affair/mine/index'));
    expect(text(page, '#empty')).toContain('您还没有上报过问题');
    // An approved volunteer may be given an affair: 我承办的 is there, empty.
    expect(page.querySelector('#tab-handling')).toBeTruthy();
    expect(page.querySelector('#tab-grid')).toBeFalsy();
    page.querySelector('#tab-handling')!.dispatchEvent('tap');
    await until(() => page.data.loading === false && page.data.box === 'handling');
    expect(text(page, '#empty')).toBe('目前没有交给您办理的问题');
  });
});

describe('affair/desk (事务台)', () => {
  it('staff see each tab’s affairs by its filter, with the department and the deadline, and open one', async () => {
    const waiting = await report(DEMO.resident, { description: '楼下井盖松动', category: '安全隐患' });
    const sent = await report(DEMO.grid, { description: '垃圾房满溢' });
    await whistle(sent.id);
    const calls = connectMiniProgram(cloud, DEMO.staff);
    const urls = captureNavigation();
    const page = await opened(mount('affair/desk/index'));
    expect(inputs(calls)).toEqual([{ action: 'affair.list', input: { box: 'community', status: 'waiting', limit: 20 } }]);
    expect(ids(page)).toContain(waiting.id);
    expect(ids(page)).not.toContain(sent.id);
    expect((page.data.items as AffairView[]).every((row) => ['reported', 'returned', 'reopened'].includes(row.status))).toBe(true);
    expect(text(page, `#affair-${waiting.id}`)).toContain('2栋 东侧垃圾房');

    page.querySelector('#tab-in_hand')!.dispatchEvent('tap');
    await until(() => page.data.loading === false && page.data.tab === 'in_hand');
    expect(calls.calls.at(-1)!.data).toEqual({ action: 'affair.list', input: { box: 'community', status: 'in_hand', limit: 20 } });
    expect(ids(page)).toContain(sent.id);
    expect(ids(page)).not.toContain(waiting.id);
    const row = text(page, `#affair-${sent.id}`);
    expect(row).toContain('已吹哨待报到');
    expect(row).toContain('承办：幸福里物业服务中心');
    expect(row).toMatch(/办理期限 \d{4}-\d{2}-\d{2} \d{2}:\d{2}/);

    for (const tab of ['resolved', 'overdue', 'closed'] as const) {
      page.querySelector(`#tab-${tab}`)!.dispatchEvent('tap');
      await until(() => page.data.loading === false && page.data.tab === tab);
      expect(calls.calls.at(-1)!.data).toEqual({ action: 'affair.list', input: { box: 'community', status: tab, limit: 20 } });
    }
    // Nothing is past its deadline yet.
    expect(text(page, '#empty')).toBe('还没有办结的问题');

    page.querySelector('#tab-waiting')!.dispatchEvent('tap');
    await until(() => page.data.loading === false && page.data.tab === 'waiting');
    page.querySelector(`#affair-${waiting.id}`)!.dispatchEvent('tap');
    await until(() => urls.length === 1);
    expect(urls).toEqual([`/affair/detail/index?affairId=${waiting.id}`]);
  });

  it('an overdue affair shows as 已超期 on its tab', async () => {
    const late = await report(DEMO.grid, { description: '化粪池溢出', urgency: '紧急' });
    await whistle(late.id);
    // As the timer flags it (tests/functions/affairs.test.ts runs the timer itself).
    seed(cloud, 'affairs', [{ ...doc(cloud, 'affairs', late.id)!, overdue: true, overdueCount: 2 }]);
    connectMiniProgram(cloud, DEMO.staff);
    const page = await opened(mount('affair/desk/index'), { tab: 'overdue' });
    expect(page.data.tab).toBe('overdue');
    expect(ids(page)).toContain(late.id);
    expect(text(page, `#affair-${late.id}`)).toContain('已超期，累计超期 2 次');
    expect(text(page, `#affair-${late.id}`)).toContain('（紧急）');
  });

  it('a resident is refused the desk, with 重新加载', async () => {
    connectMiniProgram(cloud, DEMO.resident);
    const page = await opened(mount('affair/desk/index'));
    expect(page.data.error).toBe('只有社区工作人员可以查看全社区的问题');
    expect(page.querySelector('#retry')).toBeTruthy();
  });
});

describe('affair/inbox (部门待办)', () => {
  it('a department’s people see their department’s name and only what was whistled to it', async () => {
    const ours = await report(DEMO.grid, { description: '消防通道被占' });
    await whistle(ours.id);
    const water = await report(DEMO.grid, { category: '设施损坏', description: '水表井盖破损' });
    await whistle(water.id, 'dept-water');
    const calls = connectMiniProgram(cloud, DEMO.dept);
    const urls = captureNavigation();
    const page = await opened(mount('affair/inbox/index'));
    expect(inputs(calls)).toEqual(
      expect.arrayContaining([
        { action: 'department.list', input: {} },
        { action: 'affair.list', input: { box: 'department', status: 'whistled', limit: 20 } },
      ]),
    );
    expect(calls.calls).toHaveLength(2);
    expect(text(page, '#department')).toBe('幸福里物业服务中心');
    expect(ids(page)).toContain(ours.id);
    expect(ids(page)).not.toContain(water.id);
    expect((page.data.items as AffairView[]).every((row) => row.status === 'whistled')).toBe(true);

    ok(await call(cloud, DEMO.dept, 'affair.respond', { affairId: ours.id, decision: 'accept' }));
    page.querySelector('#tab-accepted')!.dispatchEvent('tap');
    await until(() => page.data.loading === false && page.data.tab === 'accepted');
    expect(calls.calls.at(-1)!.data).toEqual({ action: 'affair.list', input: { box: 'department', status: 'accepted', limit: 20 } });
    expect(ids(page)).toEqual([ours.id]);
    page.querySelector(`#affair-${ours.id}`)!.dispatchEvent('tap');
    await until(() => urls.length === 1);
    expect(urls).toEqual([`/affair/detail/index?affairId=${ours.id}`]);

    // The other department sees theirs and not ours.
    connectMiniProgram(cloud, WATER);
    const theirs = await opened(mount('affair/inbox/index'));
    expect(text(theirs, '#department')).toBe('示范街道供水所');
    expect(ids(theirs)).toEqual([water.id]);
  });

  it('someone of no department is told so', async () => {
    connectMiniProgram(cloud, DEMO.resident);
    const page = await opened(mount('affair/inbox/index'));
    expect(page.data.error).toBe('只有部门人员可以查看部门的问题');
    expect(page.querySelector('#retry')).toBeTruthy();
  });
});

describe('the entries in 我的', () => {
  async function me(openid: string) {
    const calls = connectMiniProgram(cloud, openid);
    const page = mount('pages/me/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    return { page, calls };
  }

  it('every registered person reports and follows their problems; only staff have the desk and 部门管理, only department people 部门待办', async () => {
    const urls = captureNavigation();
    const resident = await me(DEMO.resident);
    // The first screen is still one call.
    expect(resident.calls.calls.map((c) => c.data.action)).toEqual(['user.home']);
    expect(resident.page.querySelector('#to-report-affair')).toBeTruthy();
    expect(resident.page.querySelector('#to-affair-desk')).toBeFalsy();
    expect(resident.page.querySelector('#to-affair-inbox')).toBeFalsy();
    expect(resident.page.querySelector('#to-departments')).toBeFalsy();
    resident.page.querySelector('#to-my-affairs')!.dispatchEvent('click');
    resident.page.querySelector('#to-report-affair')!.dispatchEvent('click');
    await until(() => urls.length === 2);
    expect(urls).toEqual(['/affair/mine/index', '/affair/report/index']);

    const staff = await me(DEMO.staff);
    expect(staff.page.querySelector('#to-affair-inbox')).toBeFalsy();
    staff.page.querySelector('#to-affair-desk')!.dispatchEvent('click');
    staff.page.querySelector('#to-departments')!.dispatchEvent('click');
    await until(() => urls.length === 4);
    expect(urls.slice(2)).toEqual(['/affair/desk/index', '/staff/departments/index']);

    // A grid worker is not staff proper: no desk.
    const grid = await me(DEMO.grid);
    expect(grid.page.querySelector('#to-affair-desk')).toBeFalsy();
    expect(grid.page.querySelector('#to-my-affairs')).toBeTruthy();

    const dept = await me(DEMO.dept);
    expect(dept.page.querySelector('#to-affair-desk')).toBeFalsy();
    dept.page.querySelector('#to-affair-inbox')!.dispatchEvent('click');
    await until(() => urls.length === 5);
    expect(urls[4]).toBe('/affair/inbox/index');
  });
});

describe('pages/home: 上报问题', () => {
  it('a resident reaches the report form from the home page, which still asks for its one call', async () => {
    const calls = connectMiniProgram(cloud, DEMO.resident);
    const urls = captureNavigation();
    const page = mount('pages/home/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    expect(calls.calls.map((c) => c.data.action)).toEqual(['user.home']);
    expect(text(page, '#report-affair')).toContain('发现问题？上报社区');
    page.querySelector('#report-affair')!.dispatchEvent('click');
    await until(() => urls.length === 1);
    expect(urls).toEqual(['/affair/report/index']);
  });
});

describe('staff/departments (部门管理)', () => {
  it('staff add a department with its kind and categories, then edit it with the version read', async () => {
    const calls = connectMiniProgram(cloud, DEMO.staff);
    const page = await opened(mount('staff/departments/index'));
    expect(calls.calls.map((c) => c.data)).toEqual([{ action: 'department.list', input: {} }]);
    const property = text(page, '#department-dept-property');
    expect(property).toContain('幸福里物业服务中心');
    expect(property).toContain('启用');
    expect(property).toContain('类型：物业');
    expect(property).toContain('负责：环境卫生、设施损坏');
    expect(property).toContain('电话：010-66660001');

    page.querySelector('#add')!.dispatchEvent('click');
    await until(() => page.data.editing === true);
    page.querySelector('#save')!.dispatchEvent('click');
    await settle(20);
    expect(text(page, '#form-error')).toBe('请填写部门名称');
    page.querySelector('#f-name')!.dispatchEvent('change', { detail: '示范街道城管中队' });
    await settle();
    page.querySelector('#save')!.dispatchEvent('click');
    await settle(20);
    expect(text(page, '#form-error')).toBe('请选择部门类型');
    expect(text(page, '#kinds')).toBe('物业城管派出所供水供电燃气街道办司法所驻区单位其他');
    page.querySelector('#kind-1')!.dispatchEvent('tap');
    await settle();
    page.querySelector('#save')!.dispatchEvent('click');
    await settle(20);
    expect(text(page, '#form-error')).toBe('请至少选择一个负责的问题类别');
    expect(calls.calls.map((c) => c.data.action)).not.toContain('department.upsert');

    expect(text(page, '#categories')).toBe('安全隐患环境卫生设施损坏矛盾纠纷违章搭建其他');
    page.querySelector('#category-4')!.dispatchEvent('tap');
    page.querySelector('#category-1')!.dispatchEvent('tap');
    page.querySelector('#f-phone')!.dispatchEvent('change', { detail: '010-66660002' });
    await settle();
    page.querySelector('#save')!.dispatchEvent('click');
    await until(() => page.data.editing === false && page.data.items.length === 3);
    expect(calls.calls.find((c) => c.data.action === 'department.upsert')!.data).toEqual({
      action: 'department.upsert',
      input: { name: '示范街道城管中队', kind: '城管', categories: ['环境卫生', '违章搭建'], contactPhone: '010-66660002', active: true },
    });
    const added = (page.data.items as Array<{ id: string; name: string }>).find((row) => row.name === '示范街道城管中队')!;
    expect(text(page, `#department-${added.id}`)).toContain('负责：环境卫生、违章搭建');

    page.querySelector(`#edit-${added.id}`)!.dispatchEvent('click');
    await until(() => page.data.editing === true);
    expect(page.data.form).toMatchObject({ departmentId: added.id, version: 0, name: '示范街道城管中队', kind: '城管', contactPhone: '010-66660002', active: true });
    page.querySelector('#f-active')!.dispatchEvent('change', { detail: false });
    // Cleared (a space: simulate sends no empty detail); the phone is then removed.
    page.querySelector('#f-phone')!.dispatchEvent('change', { detail: ' ' });
    await settle();
    page.querySelector('#save')!.dispatchEvent('click');
    await until(() => page.data.editing === false && text(page, `#department-${added.id}`).includes('停用'));
    expect(calls.calls.filter((c) => c.data.action === 'department.upsert').at(-1)!.data).toEqual({
      action: 'department.upsert',
      input: { departmentId: added.id, version: 0, name: '示范街道城管中队', kind: '城管', categories: ['环境卫生', '违章搭建'], active: false },
    });
    expect(doc<Department>(cloud, 'departments', added.id)).toMatchObject({ version: 1, active: false });
    expect(doc<Department>(cloud, 'departments', added.id)!.contactPhone).toBeUndefined();
    expect(text(page, `#department-${added.id}`)).not.toContain('电话');
  });

  it('a colleague’s edit meanwhile: the save is refused, the list reloads and says so; a taken name keeps the form', async () => {
    const calls = connectMiniProgram(cloud, DEMO.staff);
    const page = await opened(mount('staff/departments/index'));
    page.querySelector('#edit-dept-water')!.dispatchEvent('click');
    await until(() => page.data.editing === true);
    page.querySelector('#f-name')!.dispatchEvent('change', { detail: '幸福里物业服务中心' });
    await settle();
    page.querySelector('#save')!.dispatchEvent('click');
    await until(() => page.data.formError !== '');
    expect(text(page, '#form-error')).toBe('已有名为“幸福里物业服务中心”的部门');
    expect(page.data.editing).toBe(true);

    page.querySelector('#f-name')!.dispatchEvent('change', { detail: '示范街道自来水公司' });
    await settle();
    // 王建国 changes it first.
    ok(await call(cloud, DEMO.staff2, 'department.upsert', { departmentId: 'dept-water', version: 0, name: '示范街道供水所', kind: '供水', categories: ['设施损坏', '安全隐患'] }));
    const before = calls.calls.length;
    page.querySelector('#save')!.dispatchEvent('click');
    await until(() => page.data.editing === false);
    expect(calls.calls.slice(before).map((c) => c.data.action)).toEqual(['department.upsert', 'department.list']);
    expect(text(page, '#notice')).toBe('该部门刚被其他工作人员修改，您的修改没有保存。列表已刷新，请查看后再修改。');
    expect(text(page, '#department-dept-water')).toContain('示范街道供水所');
    expect(text(page, '#department-dept-water')).toContain('负责：设施损坏、安全隐患');
    expect(doc<Department>(cloud, 'departments', 'dept-water')).toMatchObject({ name: '示范街道供水所', version: 1 });
  });


  it('a department with affairs in hand is not switched off: the form stays, with the reason', async () => {
    connectMiniProgram(cloud, DEMO.staff);
    const page = await opened(mount('staff/departments/index'));
    page.querySelector('#edit-dept-property')!.dispatchEvent('click');
    await until(() => page.data.editing === true);
    page.querySelector('#f-active')!.dispatchEvent('change', { detail: false });
    await settle();
    page.querySelector('#save')!.dispatchEvent('click');
    await until(() => page.data.formError !== '');
    // The whistled and accepted affairs of the tests above.
    expect(text(page, '#form-error')).toMatch(/^幸福里物业服务中心还有 \d+ 件事务在办理/);
    expect(page.data.editing).toBe(true);
    expect(doc<Department>(cloud, 'departments', 'dept-property')).toMatchObject({ active: true, version: 0 });
  });
});

describe('admin/invitations: 部门人员', () => {
  it('staff invite someone of a department, picked from the community’s active departments', async () => {
    const calls = connectMiniProgram(cloud, DEMO.staff);
    const page = mount('admin/invitations/index');
    page.instance.onLoad({});
    await until(() => page.data.loading === false);
    // The departments are not read on the first screen.
    expect(calls.calls.map((c) => c.data.action)).not.toContain('department.list');
    page.querySelector('#role-department')!.dispatchEvent('tap');
    await until(() => page.data.departments !== null);
    expect(calls.calls.at(-1)!.data).toEqual({ action: 'department.list', input: {} });
    // The deactivated 城管中队 of the test above takes no one new.
    expect(text(page, '#departments')).not.toContain('城管');
    page.querySelector('#invite-button')!.dispatchEvent('click');
    await until(() => page.data.formError !== '');
    expect(text(page, '#form-error')).toBe('请选择部门人员所在的部门');

    page.querySelector('#department-dept-property')!.dispatchEvent('tap');
    page.querySelector('#invite-button')!.dispatchEvent('click');
    await until(() => page.data.invitation !== null);
    expect(calls.calls.find((c) => c.data.action === 'community.invite')!.data).toEqual({
      action: 'community.invite',
      input: { communityId: DEMO.community, role: 'department', departmentId: 'dept-property' },
    });
    expect(text(page, '#invitation')).toMatch(/^部门人员邀请码/);
  });

  it('an administrator who is not staff of the community is not offered 部门人员', async () => {
    connectMiniProgram(cloud, DEMO.admin);
    const page = mount('admin/invitations/index');
    page.instance.onLoad({ communityId: DEMO.community });
    await until(() => page.data.loading === false);
    expect(page.querySelector('#role-staff')).toBeTruthy();
    expect(page.querySelector('#role-department')).toBeFalsy();
  });
});

// Adds a department: keep last (the pages above count the departments).
describe('affair/inbox: 督办', () => {
  it('a 街道办’s people have 督办: the affairs flagged to their department, to follow', async () => {
    const street = 'al-street-person';
    seed(cloud, 'departments', [
      { _id: 'dept-street-office', communityId: DEMO.community, name: '和平街道办事处', kind: '街道办', categories: ['安全隐患'], active: true, version: 0, createdBy: DEMO.staff, createdAt: T0, updatedBy: DEMO.staff, updatedAt: T0 },
    ]);
    seed(cloud, 'users', [{ ...userDoc(street, '街道督办员', { roles: ['department'] }), departmentId: 'dept-street-office' }]);
    const late = await report(DEMO.grid, { description: '井盖缺失多日' });
    await whistle(late.id);
    seed(cloud, 'affairs', [{ ...doc(cloud, 'affairs', late.id), overdue: true, overdueCount: 2, escalation: { departmentId: 'dept-street-office', departmentName: '和平街道办事处', at: new Date(), overdueCount: 2 } }]);

    // 物业 has no 督办 tab.
    connectMiniProgram(cloud, DEMO.dept);
    expect((await opened(mount('affair/inbox/index'))).querySelector('#tab-escalated')).toBeFalsy();

    const calls = connectMiniProgram(cloud, street);
    const page = await opened(mount('affair/inbox/index'));
    expect(ids(page)).toEqual([]);
    page.querySelector('#tab-escalated')!.dispatchEvent('tap');
    await until(() => page.data.loading === false && page.data.tab === 'escalated');
    expect(calls.calls.at(-1)!.data).toEqual({ action: 'affair.list', input: { box: 'escalated', status: 'open', limit: 20 } });
    expect(ids(page)).toEqual([late.id]);
  });
});
