// @vitest-environment happy-dom
/**
 * affair/report (上报问题) and affair/detail (one affair, with the forms its `allowed` opens) against
 * the real affair function on the demo data: a resident reports with a photo, anonymously, and lands
 * on the affair's page; staff whistle it to 物业 (dept-property handles 环境卫生 and 设施损坏) or give it
 * to a volunteer; the department accepts and resolves; the reporter confirms and rates. Refusals are
 * shown in Chinese and write nothing; a dispute the grid's worker follows shows its notice, no details.
 * The rules themselves: tests/functions/affairs.test.ts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AffairView, InputOf } from '../../core/contract';
import type { Affair } from '../../core/model';
import { photoFolderFor } from '../../core/usecases/affair';
import type { LocalCloud } from '../../localcloud/src/server';
import { approveRuleChanges, call, DEMO, ok, snapshot, startLinli } from '../helpers/linli';
import { connectMiniProgram, mount, type Page, settle, text, until } from '../helpers/mp';
import { doc, seed } from '../helpers/seed';

type Wx = Record<string, unknown>;
const wx = (globalThis as unknown as { wx: Wx }).wx;

let cloud: LocalCloud;
let sequence = 0;
const requestId = () => `afp-${process.pid}-${String(++sequence).padStart(4, '0')}`;

beforeAll(async () => {
  cloud = await startLinli({ timers: [], sensitiveWords: ['赌博'] });
});
afterAll(() => cloud.close());

function photoFile(content: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'linli-affair-')), 'photo.jpg');
  fs.writeFileSync(file, Buffer.from(content));
  return file;
}

/** Reports through the function (the grid worker by default), for the detail page's tests. */
async function reported(input: Partial<InputOf<'affair.report'>> = {}, openid: string = DEMO.grid): Promise<AffairView> {
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

async function openDetail(openid: string, affairId: string) {
  const calls = connectMiniProgram(cloud, openid);
  const page = mount('affair/detail/index');
  page.instance.onLoad({ affairId });
  await until(() => page.data.loading === false);
  expect(page.data.error).toBe('');
  return { page, calls };
}

const tap = (page: Page, selector: string, event = 'click') => page.querySelector(selector)!.dispatchEvent(event);
const type = (page: Page, selector: string, value: string) => page.querySelector(selector)!.dispatchEvent('change', { detail: value });
const actionsOf = (calls: { calls: Array<{ data: { action?: string } }> }) => calls.calls.map((c) => c.data.action);

describe('affair/report', () => {
  it('a resident reports with a photo, anonymously, and lands on the affair’s page', async () => {
    const calls = connectMiniProgram(cloud, DEMO.resident);
    let redirected = '';
    wx.redirectTo = (options: { url: string }) => {
      redirected = options.url;
    };
    const page = mount('affair/report/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    expect(actionsOf(calls)).toEqual(['user.me', 'community.get']);
    // Her own home, 第一网格 2栋, is where it starts.
    expect(text(page, '#grid-value')).toBe('第一网格');
    expect(text(page, '#building-value')).toBe('2栋');
    expect(text(page, '#categories')).toBe('安全隐患环境卫生设施损坏矛盾纠纷违章搭建其他');
    expect(text(page, '#anonymous-group')).toContain('其他居民看不到您的姓名，社区工作人员可以看到');
    expect(page.querySelector('#parties')).toBeFalsy();

    // Nothing chosen: the page says what is missing without asking the cloud.
    tap(page, '#submit');
    await settle();
    expect(text(page, '#category-error')).toBe('请选择问题类别');
    expect(page.data.errors.description).toBe('请描述遇到的问题');
    expect(actionsOf(calls)).toEqual(['user.me', 'community.get']);

    tap(page, '#category-2', 'tap');
    tap(page, '#urgency-1', 'tap');
    type(page, '#description', '3栋单元门的门禁坏了，关不上');
    type(page, '#place-detail', '3栋1单元门口');
    page.querySelector('#building-picker')!.dispatchEvent('change', { detail: { value: 0 } });
    page.querySelector('#grid-picker')!.dispatchEvent('change', { detail: { value: 0 } });
    await settle();
    // Another grid chosen: its building has to be chosen again.
    expect(text(page, '#building-value')).toBe('请选择楼栋');
    page.querySelector('#building-picker')!.dispatchEvent('change', { detail: { value: 2 } });
    page.querySelector('#anonymous')!.dispatchEvent('change', { detail: true });
    page.querySelector('#photos')!.dispatchEvent('after-read', { detail: { file: { url: photoFile('the broken door') } } });
    await until(() => page.data.photos.length === 1 && page.data.uploading === false);
    tap(page, '#submit');
    await until(() => redirected !== '');

    const sent = calls.calls.filter((c) => c.data.action === 'affair.report');
    expect(sent).toHaveLength(1);
    const input = (sent[0]!.data as { input: InputOf<'affair.report'> }).input;
    expect(input).toMatchObject({ category: '设施损坏', urgency: '紧急', description: '3栋单元门的门禁坏了，关不上', place: { gridId: 'g1', building: '3栋', detail: '3栋1单元门口' }, anonymous: true });
    expect(input.clientRequestId).toBe(page.data.requestId);
    expect(input.photos).toHaveLength(1);
    // In this report's folder: the address neither names her nor matches her other reports.
    const folder = photoFolderFor(DEMO.resident, 'report', input.clientRequestId);
    expect(folder).toMatch(/^p[0-9a-f]+$/);
    expect(input.photos![0]).toContain(`/affairs/${folder}/`);
    expect(input.photos![0]).not.toContain(DEMO.resident);
    expect((await cloud.storage.read(input.photos![0]!.split('/').slice(3).join('/')))?.toString()).toBe('the broken door');

    const affairId = /^\/affair\/detail\/index\?affairId=(.+)$/.exec(redirected)?.[1];
    expect(affairId).toBeTruthy();
    const stored = doc<Affair>(cloud, 'affairs', decodeURIComponent(affairId!))!;
    expect(stored).toMatchObject({ reporterOpenid: DEMO.resident, anonymous: true, category: '设施损坏', status: 'reported' });
  });

  it('a grid worker signs what they report (no 匿名) and names the parties of a dispute; the cloud’s refusal is shown', async () => {
    const calls = connectMiniProgram(cloud, DEMO.grid);
    const page = mount('affair/report/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    expect(page.querySelector('#anonymous')).toBeFalsy();
    expect(page.querySelector('#anonymous-group')).toBeFalsy();
    expect(text(page, '#grid-value')).toBe('第一网格');

    tap(page, '#category-3', 'tap');
    await settle();
    expect(text(page, '#dispute-hint')).toContain('只有社区工作人员和调解人能看到');
    // WeChat's content check refuses a field: the cloud's words, naming it, and nothing written.
    type(page, '#parties', '聚众赌博的两户');
    type(page, '#description', '楼上漏水，两家争执不下');
    page.querySelector('#building-picker')!.dispatchEvent('change', { detail: { value: 1 } });
    await settle();
    const before = snapshot(cloud);
    tap(page, '#submit');
    await until(() => page.data.submitError !== '');
    expect(text(page, '#submit-error')).toContain('当事人');
    expect(snapshot(cloud)).toBe(before);

    type(page, '#parties', '2栋 301 与 401 住户');
    await settle();
    let redirected = '';
    wx.redirectTo = (options: { url: string }) => {
      redirected = options.url;
    };
    tap(page, '#submit');
    await until(() => redirected !== '');
    const inputs = calls.calls.filter((c) => c.data.action === 'affair.report').map((c) => (c.data as { input: InputOf<'affair.report'> }).input);
    // The second tap after the refusal is the same request.
    expect(inputs).toHaveLength(2);
    expect(inputs[1]!.clientRequestId).toBe(inputs[0]!.clientRequestId);
    expect(inputs[1]).toMatchObject({ category: '矛盾纠纷', parties: '2栋 301 与 401 住户', place: { gridId: 'g1', building: '2栋' } });
    expect(inputs[1]).not.toHaveProperty('anonymous');
  });

  it('offers only the categories the community takes (社区设置 → 事务办理规则)', async () => {
    const { settings } = ok(await call(cloud, DEMO.staff, 'community.get', { communityId: DEMO.community }));
    const taken = settings.affairRules.categories.filter((item) => item.name !== '违章搭建' && item.name !== '安全隐患');
    ok(await call(cloud, DEMO.staff, 'community.updateSettings', { communityId: DEMO.community, affairRules: { ...settings.affairRules, categories: taken } }));
    expect(await approveRuleChanges(cloud)).toBe(1);
    try {
      connectMiniProgram(cloud, DEMO.resident);
      const page = mount('affair/report/index');
      page.instance.onLoad();
      await until(() => page.data.loading === false);
      expect(text(page, '#categories')).toBe('环境卫生设施损坏矛盾纠纷其他');
    } finally {
      ok(await call(cloud, DEMO.staff, 'community.updateSettings', { communityId: DEMO.community, affairRules: settings.affairRules }));
      await approveRuleChanges(cloud);
    }
  });

  it('department people are told they do not report here', async () => {
    connectMiniProgram(cloud, DEMO.dept);
    const page = mount('affair/report/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    expect(text(page, '#not-allowed')).toContain('部门人员请在部门的待办中办理');
    expect(page.querySelector('#submit')).toBeFalsy();
  });
});

describe('affair/detail', () => {
  it('the whole way on the page: staff whistle to 物业, the department accepts and resolves, the reporter confirms and rates', async () => {
    const affair = await reported({}, DEMO.resident);

    // The reporter: one call, no buttons yet.
    const resident = await openDetail(DEMO.resident, affair.id);
    expect(actionsOf(resident.calls)).toEqual(['affair.get']);
    expect(text(resident.page, '#status')).toBe('待处理');
    expect(text(resident.page, '#category')).toBe('环境卫生');
    expect(text(resident.page, '#place')).toContain('2栋 东侧垃圾房');
    expect(text(resident.page, '#reporter')).toContain('张秀英');
    expect(resident.page.querySelector('#buttons')).toBeFalsy();

    // Staff: 交社区办理 and 吹哨; the departments load when the form opens.
    const staff = await openDetail(DEMO.staff, affair.id);
    expect(staff.page.querySelector('#open-handle')).toBeTruthy();
    expect(staff.page.querySelector('#open-whistle')).toBeTruthy();
    expect(staff.page.querySelector('#open-respond')).toBeFalsy();
    tap(staff.page, '#open-whistle');
    await until(() => staff.page.data.departmentsLoaded === true);
    expect(actionsOf(staff.calls)).toEqual(['affair.get', 'department.list']);
    expect(text(staff.page, '#department-dept-property')).toContain('幸福里物业服务中心');
    tap(staff.page, '#submit-whistle');
    await settle();
    expect(text(staff.page, '#form-error')).toBe('请选择部门');
    tap(staff.page, '#department-dept-property', 'tap');
    type(staff.page, '#deadline', '48');
    type(staff.page, '#text', '请尽快清运');
    await settle();
    tap(staff.page, '#submit-whistle');
    await until(() => staff.page.data.affair.status === 'whistled');
    expect(staff.calls.calls.at(-1)!.data).toEqual({ action: 'affair.whistle', input: { affairId: affair.id, departmentId: 'dept-property', deadlineHours: 48, note: '请尽快清运' } });
    // The reply's affair is shown: no reload.
    expect(actionsOf(staff.calls).filter((action) => action === 'affair.get')).toHaveLength(1);
    expect(text(staff.page, '#status')).toBe('已吹哨待报到');
    expect(text(staff.page, '#department')).toContain('幸福里物业服务中心');
    expect(text(staff.page, '#due')).toMatch(/^办理时限：\d{4}-\d\d-\d\d \d\d:\d\d 前$/);
    expect(staff.page.querySelector('#form-whistle')).toBeFalsy();
    expect(text(staff.page, '#timeline')).toContain('请尽快清运');

    // The department: 报到 (accept), then the result with a photo.
    const dept = await openDetail(DEMO.dept, affair.id);
    tap(dept.page, '#open-respond');
    await settle();
    tap(dept.page, '#accept');
    await until(() => dept.page.data.affair.status === 'accepted');
    expect(text(dept.page, '#status')).toBe('部门办理中');
    tap(dept.page, '#open-resolve');
    await until(() => dept.page.data.photoFolder !== '');
    dept.page.querySelector('#resolve-photos')!.dispatchEvent('after-read', { detail: { file: { url: photoFile('cleaned up') } } });
    await until(() => dept.page.data.resolvePhotos.length === 1 && dept.page.data.uploading === false);
    tap(dept.page, '#submit-resolve');
    await settle();
    expect(text(dept.page, '#form-error')).toBe('请填写办理结果');
    type(dept.page, '#text', '已安排保洁清运并消杀');
    await settle();
    tap(dept.page, '#submit-resolve');
    await until(() => dept.page.data.affair.status === 'resolved');
    expect(text(dept.page, '#resolution')).toContain('已安排保洁清运并消杀');
    expect(dept.page.data.resolutionPhotoUrls).toHaveLength(1);
    expect(doc<Affair>(cloud, 'affairs', affair.id)!.resolution!.photos![0]).toContain(`/affairs/${photoFolderFor(DEMO.dept, 'resolve', affair.id)}/`);

    // The reporter confirms, then rates.
    const back = await openDetail(DEMO.resident, affair.id);
    tap(back.page, '#open-confirm');
    await settle();
    tap(back.page, '#confirm');
    await until(() => back.page.data.affair.status === 'closed');
    expect(text(back.page, '#status')).toBe('已办结');
    tap(back.page, '#open-rate');
    await settle();
    tap(back.page, '#submit-rate');
    await settle();
    expect(text(back.page, '#form-error')).toBe('请点星星打分');
    back.page.querySelector('#stars')!.dispatchEvent('change', { detail: 5 });
    type(back.page, '#text', '处理很及时');
    await settle();
    tap(back.page, '#submit-rate');
    await until(() => back.page.data.affair.rating !== undefined);
    expect(text(back.page, '#rating')).toContain('处理很及时');
    expect(back.page.querySelector('#open-rate')).toBeFalsy();
    expect(doc<Affair>(cloud, 'affairs', affair.id)!.rating).toMatchObject({ stars: 5, comment: '处理很及时' });
  });

  it('a return without a reason is stopped with the Chinese message and writes nothing; with one it goes back to the desk', async () => {
    const affair = await reported();
    ok(await call(cloud, DEMO.staff, 'affair.whistle', { affairId: affair.id, departmentId: 'dept-property' }));
    const { page, calls } = await openDetail(DEMO.dept, affair.id);
    tap(page, '#open-respond');
    await settle();
    const before = snapshot(cloud);
    tap(page, '#return');
    await settle();
    expect(text(page, '#form-error')).toBe('请填写退回的原因');
    expect(actionsOf(calls)).toEqual(['affair.get']);
    expect(snapshot(cloud)).toBe(before);

    type(page, '#text', '垃圾房属于市政，不归物业');
    await settle();
    tap(page, '#return');
    await until(() => page.data.affair.status === 'returned');
    expect(calls.calls.at(-1)!.data).toEqual({ action: 'affair.respond', input: { affairId: affair.id, decision: 'return', reason: '垃圾房属于市政，不归物业' } });
    expect(text(page, '#status')).toBe('部门已退回');
    // Back at the desk: the department may do nothing more with it.
    expect(page.querySelector('#buttons')).toBeFalsy();
  });

  it('staff give it to an approved volunteer: the people load when the form opens, and a bad deadline is caught first', async () => {
    const affair = await reported({ category: '违章搭建', description: '5栋楼顶私搭板房', place: { gridId: 'g2', building: '5栋' } });
    const { page, calls } = await openDetail(DEMO.staff, affair.id);
    // No department handles 违章搭建 in the demo: 吹哨 says so.
    tap(page, '#open-whistle');
    await until(() => page.data.departmentsLoaded === true);
    expect(text(page, '#no-departments')).toContain('没有负责“违章搭建”类问题的在用部门');

    tap(page, '#open-handle');
    await until(() => page.data.peopleLoaded === true);
    expect(actionsOf(calls).slice(2).sort()).toEqual(['community.members', 'community.members', 'user.me', 'volunteer.list']);
    expect(text(page, '#assignee-demo-staff-2')).toContain('王建国');
    expect(text(page, '#assignee-demo-grid')).toContain('周网格');
    expect(text(page, '#assignee-demo-volunteer')).toContain('李建国');
    // Not approved: not offered.
    expect(page.querySelector('#assignee-demo-applicant')).toBeFalsy();
    tap(page, '#assignee-demo-volunteer', 'tap');
    type(page, '#deadline', '0');
    await settle();
    tap(page, '#submit-handle');
    await settle();
    expect(text(page, '#form-error')).toBe('办理时限应在 1–720 之间');
    expect(actionsOf(calls)).not.toContain('affair.handle');

    type(page, '#deadline', '');
    await settle();
    tap(page, '#submit-handle');
    await until(() => page.data.affair.status === 'handling');
    expect(calls.calls.at(-1)!.data).toEqual({ action: 'affair.handle', input: { affairId: affair.id, assignee: DEMO.volunteer } });
    expect(text(page, '#handler')).toContain('李建国（志愿者）');
    expect(text(page, '#status')).toBe('社区办理中');
  });

  it('the cloud’s refusal shows in the form: a colleague whistled it meanwhile', async () => {
    const affair = await reported();
    const { page } = await openDetail(DEMO.staff, affair.id);
    tap(page, '#open-whistle');
    await until(() => page.data.departmentsLoaded === true);
    ok(await call(cloud, DEMO.staff2, 'affair.whistle', { affairId: affair.id, departmentId: 'dept-property' }));
    const before = snapshot(cloud);
    tap(page, '#department-dept-property', 'tap');
    await settle();
    tap(page, '#submit-whistle');
    await until(() => page.data.formError !== '');
    expect(text(page, '#form-error')).toContain('不能吹哨');
    expect(snapshot(cloud)).toBe(before);
  });

  it('a dispute: the grid’s worker sees its progress and the notice, no details; staff see the parties and choose the tier', async () => {
    const affair = await reported({ category: '矛盾纠纷', description: '3栋 201 与 301 因漏水争执', parties: '3栋 201 王某、301 李某', place: { gridId: 'g1', building: '3栋' } }, DEMO.resident);
    const grid = await openDetail(DEMO.grid, affair.id);
    expect(text(grid.page, '#confidential')).toContain('为保护当事人');
    expect(grid.page.querySelector('#description')).toBeFalsy();
    expect(grid.page.querySelector('#parties')).toBeFalsy();
    expect(grid.page.querySelector('#reporter')).toBeFalsy();
    expect(grid.page.querySelector('#photos')).toBeFalsy();
    expect(text(grid.page, '#tier')).toBe('网格调解');
    expect(text(grid.page, '#timeline')).not.toContain('漏水');

    const staff = await openDetail(DEMO.staff, affair.id);
    expect(staff.page.querySelector('#confidential')).toBeFalsy();
    expect(text(staff.page, '#parties')).toContain('3栋 201 王某、301 李某');
    tap(staff.page, '#open-handle');
    await until(() => staff.page.data.peopleLoaded === true);
    tap(staff.page, '#assignee-demo-staff-2', 'tap');
    tap(staff.page, '#tier-street', 'tap');
    await settle();
    tap(staff.page, '#submit-handle');
    await until(() => staff.page.data.affair.status === 'handling');
    expect(staff.calls.calls.at(-1)!.data).toEqual({ action: 'affair.handle', input: { affairId: affair.id, assignee: DEMO.staff2, tier: 'street' } });
    expect(text(staff.page, '#tier')).toBe('街道/区调解');
  });

  it('an affair flagged to the street office says so', async () => {
    const found = await reported();
    const stored = doc<Affair>(cloud, 'affairs', found.id)!;
    seed(cloud, 'affairs', [{ ...stored, overdueCount: 2, escalation: { departmentId: 'dept-street', departmentName: '和平街道办事处', at: new Date(), overdueCount: 2 } }]);
    const { page } = await openDetail(DEMO.staff, found.id);
    expect(text(page, '#escalation')).toBe('已报和平街道办事处督办（超期 2 次）');
    expect(text(page, '#overdue-count')).toBe('已超期 2 次');
  });

  it('an anonymous report is 匿名 to the grid’s worker and named to staff', async () => {
    const affair = await reported({ anonymous: true, description: '1栋楼道堆满杂物', place: { gridId: 'g1', building: '1栋' } }, DEMO.resident);
    const grid = await openDetail(DEMO.grid, affair.id);
    expect(text(grid.page, '#reporter')).toContain('匿名');
    expect(text(grid.page, '#reporter')).not.toContain('张秀英');
    expect(text(grid.page, '#timeline')).not.toContain('张秀英');
    const staff = await openDetail(DEMO.staff, affair.id);
    expect(text(staff.page, '#reporter')).toContain('张秀英（匿名上报）');
  });

  it('a reopening needs its reason; a page without an affair says so', async () => {
    const affair = await reported();
    ok(await call(cloud, DEMO.staff, 'affair.handle', { affairId: affair.id, assignee: DEMO.staff2 }));
    ok(await call(cloud, DEMO.staff2, 'affair.resolve', { affairId: affair.id, summary: '已清理' }));
    const { page, calls } = await openDetail(DEMO.grid, affair.id);
    tap(page, '#open-confirm');
    await settle();
    tap(page, '#reopen');
    await settle();
    expect(text(page, '#form-error')).toBe('请填写重新办理的原因');
    expect(actionsOf(calls)).toEqual(['affair.get']);
    type(page, '#text', '垃圾还在');
    await settle();
    tap(page, '#reopen');
    await until(() => page.data.affair.status === 'reopened');
    expect(text(page, '#status')).toBe('重新办理');

    connectMiniProgram(cloud, DEMO.resident);
    const missing = mount('affair/detail/index');
    missing.instance.onLoad({ affairId: 'a-nothing-here' });
    await until(() => missing.data.loading === false);
    expect(text(missing, '#error')).toContain('该问题不存在');
  });
});
