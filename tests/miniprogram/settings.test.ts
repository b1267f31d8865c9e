// @vitest-environment happy-dom
/**
 * The setup pages of issue 12 (second half): staff/settings (every community setting; what pays goes
 * to a second staff member), staff/review (待审核 orders), pages/profile (name and address) and
 * admin/holidays (the year's 放假调休), each reached from 我的.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommunityDetailView, OrderSummary } from '../../core/contract';
import type { Order } from '../../core/model';
import { HOLIDAYS } from '../../core/working-days';
import type { LocalCloud } from '../../localcloud/src/server';
import { approveRuleChanges, call, DEMO, ok, startLinli } from '../helpers/linli';
import { captureNavigation, connectMiniProgram, mount, type Page, text, until } from '../helpers/mp';
import { doc, seed, userDoc } from '../helpers/seed';

const STAFF_RESIDENT = 'settings-staff-resident';

let cloud: LocalCloud;
let seq = 0;
const requestId = () => `settings-page-${process.pid}-${++seq}`;

beforeAll(async () => {
  cloud = await startLinli();
});
afterAll(() => cloud.close());

const community = async (): Promise<CommunityDetailView> => ok(await call(cloud, DEMO.staff, 'community.get', { communityId: DEMO.community }));

/** Connects as `openid`, then mounts (`mount('…')` written out at each call, which the coverage test looks for). */
async function open(openid: string, mountPage: () => Page, query?: Record<string, string>) {
  const calls = connectMiniProgram(cloud, openid);
  const page = mountPage();
  page.instance.onLoad(query);
  // A first call may start a function's worker: seconds on a busy machine.
  await until(() => page.data.loading === false, 20_000);
  return { page, calls };
}

const type = (page: Page, selector: string, value: string) => page.querySelector(selector)!.dispatchEvent('change', { detail: value });

describe('staff/settings', () => {
  it('shows every setting with what applies now and an explanation', async () => {
    const { page } = await open(DEMO.staff, () => mount('staff/settings/index'));
    const settings = (await community()).settings;
    expect(page.data.values.acceptTimeoutMinutes.value).toBe(String(settings.acceptTimeoutMinutes));
    expect(page.data.values.orderLimits.openPerResident).toBe(String(settings.orderLimits.openPerResident));
    expect(page.data.values.scoreMultipliers.score5).toBe(String(settings.scoreMultipliers['5']));
    expect(page.data.values.pointsCaps.servicePoints).toBe(String(settings.pointsCaps.servicePoints));
    expect(page.data.values.minutesCheckRatio.value).toBe(String(settings.minutesCheckRatio));
    expect(page.data.steps).toEqual(settings.hourRounding.steps.map((step) => ({ upToMinutes: String(step.upToMinutes), hours: String(step.hours) })));
    expect(text(page, '#current-requireOrderReview')).toBe(settings.requireOrderReview ? '现在：需要审核' : '现在：不需要审核');
    expect(text(page, '#section-acceptTimeoutMinutes')).toContain('超过这个时间仍未接单');
    // What pays is marked: it needs a second staff member.
    expect(text(page, '#section-scoreMultipliers')).toContain('需审核');
    expect(text(page, '#section-acceptTimeoutMinutes')).not.toContain('需审核');
    for (const key of ['orderLimits', 'dailyLimits', 'pointsCaps', 'minutesCheckRatio', 'hourRounding']) expect(page.querySelector(`#section-${key}`), key).toBeTruthy();
  });

  it('a setting that pays nothing applies at once', async () => {
    const { page, calls } = await open(DEMO.staff, () => mount('staff/settings/index'));
    type(page, '#acceptTimeoutMinutes-value', '45');
    page.querySelector('#save-acceptTimeoutMinutes')!.dispatchEvent('click');
    await until(() => calls.toasts.includes('已保存'));
    expect((await community()).settings.acceptTimeoutMinutes).toBe(45);
    expect(page.data.values.acceptTimeoutMinutes.value).toBe('45');
  });

  it('事务办理规则: staff stop taking a category, change a deadline, and name the street office; a bad value is explained', async () => {
    const { page, calls } = await open(DEMO.staff, () => mount('staff/settings/index'));
    expect(text(page, '#street')).toBe('街道督办部门：不报街道督办 ›');
    // Only 街道办 departments may supervise: 物业 is not offered.
    expect(page.data.streetNames).toEqual(['不报街道督办']);
    // 违章搭建 (index 4) is not taken any more; 环境卫生 (index 1) gets two days.
    page.querySelector('#affair-taken-4')!.dispatchEvent('change', { detail: false });
    await until(() => page.data.affairRows[4]!.taken === false);
    type(page, '#affair-hours-1', '48');
    type(page, '#escalate-after', '0');
    page.querySelector('#save-affairRules')!.dispatchEvent('click');
    await until(() => text(page, '#error-affairRules') !== '');
    expect(text(page, '#error-affairRules')).toBe('超期几次报街道督办至少为 1');
    expect((await community()).settings.affairRules.streetDepartmentId).toBeUndefined();

    // The street office, a 街道办, supervises: so the change waits for a second staff member.
    seed(cloud, 'departments', [{ ...doc(cloud, 'departments', 'dept-property'), _id: 'dept-street-office', name: '和平街道办事处', kind: '街道办' }]);
    const reopened = await open(DEMO.staff, () => mount('staff/settings/index'));
    const again = reopened.page;
    expect(again.data.streetNames).toEqual(['不报街道督办', '和平街道办事处']);
    again.querySelector('#affair-taken-4')!.dispatchEvent('change', { detail: false });
    await until(() => again.data.affairRows[4]!.taken === false);
    type(again, '#affair-hours-1', '48');
    again.querySelector('#street-picker')!.dispatchEvent('change', { detail: { value: 1 } });
    type(again, '#escalate-after', '3');
    again.querySelector('#save-affairRules')!.dispatchEvent('click');
    await until(() => again.data.submitted.affairRules === true);
    expect(text(again, '#pending-affairRules')).toContain('已提交，等待另一名工作人员审核');
    expect((await community()).settings.affairRules.streetDepartmentId).toBeUndefined();
    expect(await approveRuleChanges(cloud)).toBe(1);
    const rules = (await community()).settings.affairRules;
    expect(rules.categories.map((item) => item.name)).toEqual(['安全隐患', '环境卫生', '设施损坏', '矛盾纠纷', '其他']);
    expect(rules.categories.find((item) => item.name === '环境卫生')?.deadlineHours).toBe(48);
    expect(rules).toMatchObject({ escalateAfterOverdues: 3, streetDepartmentId: 'dept-street-office' });
    void calls;
  });

  it('a setting that pays is only proposed: the page says a second staff member reviews it and links to 积分规则审核', async () => {
    const before = (await community()).settings.scoreMultipliers;
    const { page } = await open(DEMO.staff, () => mount('staff/settings/index'));
    type(page, '#scoreMultipliers-score5', '1.5');
    page.querySelector('#save-scoreMultipliers')!.dispatchEvent('click');
    await until(() => page.data.submitted.scoreMultipliers === true);
    expect(text(page, '#pending-scoreMultipliers')).toContain('已提交，等待另一名工作人员审核');
    expect(text(page, '#pending-scoreMultipliers')).toContain('5分×1.5');
    // Nothing pays differently yet; the section shows what applies.
    expect((await community()).settings.scoreMultipliers).toEqual(before);
    expect(page.data.values.scoreMultipliers.score5).toBe(String(before['5']));
    const pending = ok(await call(cloud, DEMO.staff2, 'community.ruleChanges', { status: 'pending' })).items;
    expect(pending.some((change) => change.field === 'scoreMultipliers' && change.after.includes('5分×1.5'))).toBe(true);

    const urls = captureNavigation();
    page.querySelector('#to-rules-scoreMultipliers')!.dispatchEvent('tap');
    await until(() => urls.length === 1);
    expect(urls).toEqual(['/staff/rules/index']);

    // Opened again, the page shows the proposal still waiting.
    const { page: again } = await open(DEMO.staff2, () => mount('staff/settings/index'));
    expect(text(again, '#pending-scoreMultipliers')).toContain('有待审核的调整');
  });

  it('bad values get the action’s Chinese message at their section, and nothing changes', async () => {
    const before = await community();
    const { page, calls } = await open(DEMO.staff, () => mount('staff/settings/index'));
    type(page, '#orderLimits-openPerResident', '0');
    page.querySelector('#save-orderLimits')!.dispatchEvent('click');
    await until(() => text(page, '#error-orderLimits') !== '');
    expect(text(page, '#error-orderLimits')).toBe('每位居民未完成订单上限至少为 1');

    type(page, '#dailyLimits-redemptions', '');
    page.querySelector('#save-dailyLimits')!.dispatchEvent('click');
    await until(() => text(page, '#error-dailyLimits') !== '');
    expect(text(page, '#error-dailyLimits')).toBe('每人每天兑换上限必须是数字');

    // Hour rounding: the last step must reach 60 minutes.
    page.querySelector(`#remove-step-${page.data.steps.length - 1}`)!.dispatchEvent('tap');
    page.querySelector('#save-hourRounding')!.dispatchEvent('click');
    await until(() => text(page, '#error-hourRounding') !== '');
    expect(text(page, '#error-hourRounding')).toBe('最后一档应到 60 分钟');

    // Multipliers must not fall as the score rises.
    type(page, '#scoreMultipliers-score1', '3');
    page.querySelector('#save-scoreMultipliers')!.dispatchEvent('click');
    await until(() => text(page, '#error-scoreMultipliers') !== '');
    expect(text(page, '#error-scoreMultipliers')).toBe('积分倍数应随评分从 1 分到 5 分递增（或持平）');

    expect(calls.toasts).not.toContain('已保存');
    const after = await community();
    expect(after.settings).toEqual(before.settings);
  });

  it('the order review switch applies at once', async () => {
    const { page, calls } = await open(DEMO.staff, () => mount('staff/settings/index'));
    page.querySelector('#order-review')!.dispatchEvent('change', { detail: true });
    await until(() => calls.toasts.includes('已保存'));
    expect((await community()).settings.requireOrderReview).toBe(true);
    expect(text(page, '#current-requireOrderReview')).toBe('现在：需要审核');
  });
});

describe('staff/review (待审核)', () => {
  const newOrder = async (openid: string = DEMO.resident) =>
    ok(await call(cloud, openid, 'order.create', { serviceId: 'svc-meal', description: '中午送一份午餐', clientRequestId: requestId() })).order;
  const ids = (items: unknown) => (items as OrderSummary[]).map((item) => item.id);

  it('lists the orders waiting for review; 通过 sends one to the dispatch desk', async () => {
    // The settings test above switched review on (through the page).
    const order = await newOrder();
    expect(order.status).toBe('pending_review');
    const { page, calls } = await open(DEMO.staff, () => mount('staff/review/index'));
    expect(ids(page.data.items)).toContain(order.id);
    expect(text(page, `#order-${order.id}`)).toContain('助餐送餐');
    expect(text(page, `#order-${order.id}`)).toContain('中午送一份午餐');
    page.querySelector(`#approve-${order.id}`)!.dispatchEvent('click');
    await until(() => !ids(page.data.items).includes(order.id));
    expect(calls.toasts).toContain('已通过，订单进入派单台');
    expect(doc<Order>(cloud, 'orders', order.id)!.status).toBe('pending');
  });

  it('不通过 needs a reason, which the resident then reads', async () => {
    const order = await newOrder();
    const { page, calls } = await open(DEMO.staff2, () => mount('staff/review/index'));
    page.querySelector(`#reject-${order.id}`)!.dispatchEvent('click');
    await until(() => page.data.rejecting === order.id);
    page.querySelector('#submit-reject')!.dispatchEvent('click');
    await until(() => page.data.rejectError !== '');
    expect(text(page, '#reject-error')).toBe('请填写不通过的原因，下单的居民会看到');
    expect(calls.calls.filter((c) => c.data.action === 'order.review')).toHaveLength(0);

    type(page, '#note', '本周送餐名额已满');
    page.querySelector('#submit-reject')!.dispatchEvent('click');
    await until(() => !ids(page.data.items).includes(order.id));
    expect(calls.toasts).toContain('已退回，居民会看到原因');
    const seen = ok(await call(cloud, DEMO.resident, 'order.get', { orderId: order.id })).order;
    expect(seen.status).toBe('rejected');
    expect(seen.timeline.at(-1)).toMatchObject({ status: 'rejected', note: '本周送餐名额已满' });
  });

  it('an order of a staff member who lives in the community shows them no buttons (its allowed has no review); a colleague gets them', async () => {
    seed(cloud, 'users', [userDoc(STAFF_RESIDENT, '陈干事', { roles: ['resident', 'staff'] })]);
    const own = await newOrder(STAFF_RESIDENT);
    expect(own.status).toBe('pending_review');
    const { page } = await open(STAFF_RESIDENT, () => mount('staff/review/index'));
    const row = (page.data.items as OrderSummary[]).find((item) => item.id === own.id)!;
    expect(row.allowed).not.toContain('review');
    expect(text(page, `#own-${own.id}`)).toBe('由其他工作人员审核');
    expect(page.querySelector(`#approve-${own.id}`)).toBeFalsy();
    const { page: other } = await open(DEMO.staff2, () => mount('staff/review/index'));
    expect(other.querySelector(`#approve-${own.id}`)).toBeTruthy();
    expect(other.querySelector(`#own-${own.id}`)).toBeFalsy();
  });

  it('a grid worker, who does not review, gets the error with a retry', async () => {
    const { page } = await open(DEMO.grid, () => mount('staff/review/index'));
    expect(page.data.error).not.toBe('');
    expect(page.querySelector('#retry')).toBeTruthy();
  });
});

describe('pages/profile', () => {
  it('starts from the profile and saves a new name and address', async () => {
    const before = ok(await call(cloud, DEMO.resident, 'user.me', {})).profile!;
    const { page, calls } = await open(DEMO.resident, () => mount('pages/profile/index'));
    expect(page.data.name).toBe(before.name);
    expect(text(page, '#building-value')).toBe(before.address.building);

    const grids = (await community()).grids;
    type(page, '#name', '张秀英（改）');
    page.querySelector('#grid-picker')!.dispatchEvent('change', { detail: { value: '1' } });
    await until(() => page.data.gridIndex === 1);
    expect(text(page, '#building-value')).toBe('请先选网格，再选楼栋');
    page.querySelector('#building-picker')!.dispatchEvent('change', { detail: { value: '0' } });
    type(page, '#room', '602');
    page.querySelector('#save')!.dispatchEvent('click');
    await until(() => calls.toasts.includes('资料已保存'));
    const after = ok(await call(cloud, DEMO.resident, 'user.me', {})).profile!;
    expect(after.name).toBe('张秀英（改）');
    expect(after.address).toMatchObject({ gridId: grids[1]!.id, building: grids[1]!.buildings[0], room: '602' });
    expect(after.phone).toBe(before.phone);
  });

  it('an empty name is shown at the field and sends nothing', async () => {
    const { page, calls } = await open(DEMO.resident, () => mount('pages/profile/index'));
    type(page, '#name', '  ');
    page.querySelector('#save')!.dispatchEvent('click');
    await until(() => page.data.errors.name !== undefined);
    expect(page.data.errors.name).toBe('请填写姓名');
    expect(calls.calls.filter((c) => c.data.action === 'user.updateProfile')).toHaveLength(0);
  });
});

describe('admin/holidays', () => {
  it('a shipped year shows the release table as what applies', async () => {
    const { page } = await open(DEMO.admin, () => mount('admin/holidays/index'), { year: '2026' });
    expect(page.data.year).toBe(2026);
    expect(text(page, '#origin-tag')).toBe('使用内置安排');
    expect(page.data.off).toEqual([...HOLIDAYS[2026]!.off].sort());
    expect(text(page, '#work-days')).toContain('10-10 周六');
  });

  it('an administrator enters a year no release ships: the cloud’s message shows at the form, then it is stored and logged', async () => {
    // Two years on: never shipped (the State Council publishes one year ahead).
    const { page, calls } = await open(DEMO.admin, () => mount('admin/holidays/index'));
    const year = Math.max(...(page.data.years as number[]));
    page.querySelector('#year-picker')!.dispatchEvent('change', { detail: { value: String((page.data.years as number[]).indexOf(year)) } });
    await until(() => page.data.year === year && page.data.loading === false && page.data.view !== null);
    expect(text(page, '#origin-tag')).toBe('未录入：只按周末计算');
    expect(page.data.off).toEqual([]);

    // 1–3 October off, as a run of days.
    page.querySelector('#range-start')!.dispatchEvent('change', { detail: { value: `${year}-10-01` } });
    page.querySelector('#range-end')!.dispatchEvent('change', { detail: { value: `${year}-10-03` } });
    page.querySelector('#add-off')!.dispatchEvent('click');
    await until(() => page.data.off.length === 3);
    // A weekday entered as a make-up working day: the cloud refuses it, with its reason.
    const weekend = [...Array(7).keys()].map((i) => `${year}-09-${String(20 + i).padStart(2, '0')}`).find((day) => [0, 6].includes(new Date(`${day}T00:00:00Z`).getUTCDay()))!;
    const weekday = [...Array(7).keys()].map((i) => `${year}-09-${String(20 + i).padStart(2, '0')}`).find((day) => ![0, 6].includes(new Date(`${day}T00:00:00Z`).getUTCDay()))!;
    page.querySelector('#add-work')!.dispatchEvent('change', { detail: { value: weekday } });
    page.querySelector('#add-work')!.dispatchEvent('change', { detail: { value: weekend } });
    type(page, '#source', `国务院办公厅关于${year}年部分节假日安排的通知（测试）`);
    page.querySelector('#save')!.dispatchEvent('click');
    await until(() => page.data.formError !== '');
    expect(text(page, '#form-error')).toBe(`${weekday} 不是周末：调休上班日应是周六或周日`);
    expect(ok(await call(cloud, DEMO.admin, 'record.holidayCalendar', { year })).origin).toBe('none');

    page.querySelector(`#remove-work-${weekday}`)!.dispatchEvent('tap');
    await until(() => page.data.work.length === 1);
    page.querySelector('#save')!.dispatchEvent('click');
    await until(() => calls.toasts.includes(`${year} 年安排已保存`));
    expect(text(page, '#origin-tag')).toBe('已录入');
    expect(text(page, '#change-0')).toContain(`新增放假 ${year}-10-01、${year}-10-02、${year}-10-03`);
    expect(text(page, '#change-0')).toContain(`新增调休上班 ${weekend}`);
    const stored = ok(await call(cloud, DEMO.staff, 'record.holidayCalendar', { year }));
    expect(stored).toMatchObject({ origin: 'stored', applied: { off: [`${year}-10-01`, `${year}-10-02`, `${year}-10-03`], work: [weekend] } });
  });

  it('staff may look but not change it: saving shows the refusal', async () => {
    const { page } = await open(DEMO.staff, () => mount('admin/holidays/index'), { year: '2026' });
    type(page, '#source', '随便改改');
    page.querySelector('#save')!.dispatchEvent('click');
    await until(() => page.data.formError !== '');
    expect(text(page, '#form-error')).toBe('您没有权限进行此操作');
    expect(ok(await call(cloud, DEMO.staff, 'record.holidayCalendar', { year: 2026 })).origin).toBe('shipped');
  });
});

describe('我的 links', () => {
  it('staff reach 社区设置 and 订单审核; an administrator 放假调休; everyone registered 修改资料', async () => {
    const go = async (openid: string, selector: string) => {
      const { page } = await open(openid, () => mount('pages/me/index'));
      const urls = captureNavigation();
      page.querySelector(selector)!.dispatchEvent('click');
      await until(() => urls.length === 1);
      return urls[0];
    };
    expect(await go(DEMO.staff, '#to-settings')).toBe('/staff/settings/index');
    expect(await go(DEMO.staff, '#to-review')).toBe('/staff/review/index');
    expect(await go(DEMO.admin, '#to-holidays')).toBe('/admin/holidays/index');
    expect(await go(DEMO.resident, '#to-profile')).toBe('/pages/profile/index');
    const { page } = await open(DEMO.resident, () => mount('pages/me/index'));
    expect(page.querySelector('#to-settings')).toBeFalsy();
    expect(page.querySelector('#to-holidays')).toBeFalsy();
  });
});
