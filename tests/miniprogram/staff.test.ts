// @vitest-environment happy-dom
/** The staff subpackage against the real cloud functions on the local cloud. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderView } from '../../core/contract';
import type { LocalCloud } from '../../localcloud/src/server';
import { call, DEMO, ok, startLinli } from '../helpers/linli';
import { connectMiniProgram, mount, text, until } from '../helpers/mp';
import { docs, seed, T0 } from '../helpers/seed';

let cloud: LocalCloud;
let sequence = 0;
const requestId = () => `mp-staff-${String((sequence += 1)).padStart(4, '0')}`;

async function newOrder(serviceId = 'svc-haircut', description = '想请师傅上门理发'): Promise<OrderView> {
  return ok(await call(cloud, DEMO.resident, 'order.create', { serviceId, description, clientRequestId: requestId() })).order;
}

async function orderAsStaff(orderId: string): Promise<OrderView> {
  return ok(await call(cloud, DEMO.staff, 'order.get', { orderId })).order;
}

/** An order the volunteer finished, rated by the resident. */
async function completedOrder(minutes: number, stars: number, comment: string): Promise<OrderView> {
  const order = await newOrder('svc-meal', '送一份午餐');
  ok(await call(cloud, DEMO.staff, 'dispatch.assign', { orderId: order.id, volunteerOpenid: DEMO.volunteer }));
  ok(await call(cloud, DEMO.volunteer, 'dispatch.accept', { orderId: order.id }));
  ok(await call(cloud, DEMO.volunteer, 'dispatch.complete', { orderId: order.id, summary: '午餐已送到', minutes }));
  ok(await call(cloud, DEMO.resident, 'order.rate', { orderId: order.id, stars, comment }));
  return order;
}

const wx = () => (globalThis as unknown as { wx: Record<string, unknown> }).wx;

beforeAll(async () => {
  cloud = await startLinli();
});
afterAll(() => cloud.close());

describe('staff/dispatch', () => {
  it('suggests candidates with reasons and assigns the chosen volunteer', async () => {
    const order = await newOrder();
    const cloudCalls = connectMiniProgram(cloud, DEMO.staff);
    const page = mount('staff/dispatch/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    expect(cloudCalls.calls.map((c) => c.data.action)).toEqual(['dispatch.queue']);
    expect(text(page, `#order-${order.id}`)).toContain('上门理发');

    page.querySelector(`#suggest-${order.id}`)!.dispatchEvent('click');
    await until(() => page.data.suggesting === false && page.data.candidates.length > 0);
    const candidate = text(page, `#candidate-${DEMO.volunteer}`);
    expect(candidate).toContain('李建国');
    expect(candidate).toMatch(/\d+ 分/);
    expect(page.data.candidates[0].reasons.length).toBeGreaterThan(0);
    expect(candidate).toContain(page.data.candidates[0].reasons[0]);

    page.querySelector(`#assign-${DEMO.volunteer}`)!.dispatchEvent('click');
    await until(() => page.querySelector(`#order-${order.id}`) === undefined || page.querySelector(`#order-${order.id}`) === null);
    const stored = await orderAsStaff(order.id);
    expect(stored.status).toBe('assigned');
    expect(stored.assignee?.openid).toBe(DEMO.volunteer);
    expect(cloudCalls.toasts).toContain('已派给李建国');
  });
});

describe('staff/dispatch: 转为社区事务', () => {
  it('an order nobody can serve becomes an affair: category from the sheet, a confirmation, then the affair’s page', async () => {
    const order = await newOrder('svc-haircut', '楼道灯坏了，想请人来修');
    const cloudCalls = connectMiniProgram(cloud, DEMO.staff);
    const page = mount('staff/dispatch/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    const urls: string[] = [];
    Object.assign(wx(), {
      navigateTo: (options: { url: string }) => urls.push(options.url),
      // 设施损坏 is the third category of the sheet.
      showActionSheet: (options: { itemList: string[]; success?: (result: { tapIndex: number }) => void }) => options.success?.({ tapIndex: options.itemList.indexOf('设施损坏') }),
    });
    let asked = '';
    Object.assign(wx(), { showModal: (options: { content?: string; success?: (result: { confirm: boolean; cancel: boolean }) => void }) => ((asked = options.content ?? ''), options.success?.({ confirm: true, cancel: false })) });
    page.querySelector(`#to-affair-${order.id}`)!.dispatchEvent('click');
    await until(() => urls.length === 1);
    expect(asked).toContain('“设施损坏”类社区事务');
    expect(cloudCalls.calls.at(-1)!.data).toEqual({ action: 'affair.fromOrder', input: { orderId: order.id, category: '设施损坏', urgency: '一般' } });
    expect(urls[0]).toBe(`/affair/detail/index?affairId=${encodeURIComponent(`a-${order.id}`)}`);
    expect(page.querySelector(`#order-${order.id}`)).toBeFalsy();
    expect((await orderAsStaff(order.id)).status).toBe('cancelled');
  });
});

describe('staff/scoring', () => {
  it('shows the resident’s rating, scores the order, and the volunteer’s record shows the new balance', async () => {
    const order = await completedOrder(90, 4, '准时送到，很热乎');
    const before = ok(await call(cloud, DEMO.volunteer, 'points.balance', {})).balance;
    const cloudCalls = connectMiniProgram(cloud, DEMO.staff);
    const page = mount('staff/scoring/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    expect(text(page, `#order-${order.id}`)).toContain('居民评价：4 星，“准时送到，很热乎”');

    page.querySelector(`#open-${order.id}`)!.dispatchEvent('click');
    await until(() => page.data.openOrderId === order.id);
    expect(page.data.score).toBe(4);
    page.querySelector('#score')!.dispatchEvent('change', { detail: 5 });
    page.querySelector('#note')!.dispatchEvent('change', { detail: '服务周到' });
    await until(() => page.data.score === 5 && page.data.note === '服务周到');
    page.querySelector('#submit')!.dispatchEvent('click');
    await until(() => page.data.lastResult !== '');

    const stored = await orderAsStaff(order.id);
    expect(stored.status).toBe('closed');
    expect(stored.score).toMatchObject({ score: 5, note: '服务周到' });
    expect(stored.score!.points).toBeGreaterThan(0);
    expect(text(page, '#last-result')).toBe(`已评 5 分，李建国获得 ${stored.score!.points} 积分`);
    expect(cloudCalls.calls.map((c) => c.data.action)).toEqual(['scoring.pending', 'scoring.score']);

    connectMiniProgram(cloud, DEMO.volunteer);
    const record = mount('volunteer/record/index');
    record.instance.onLoad();
    await until(() => record.data.loading === false);
    expect(text(record, '#balance')).toContain(String(before + stored.score!.points));
    expect(record.data.balance).toBe(before + stored.score!.points);
  });
});

describe('staff/scoring: minutes far above the expected time', () => {
  it('says so, cannot be scored without 认定时长, and the record counts the minutes typed', async () => {
    // 助餐送餐 is expected to take 30 minutes; 120 is more than 3 times that.
    const order = await completedOrder(120, 5, '很好');
    expect((await orderAsStaff(order.id)).completion).toMatchObject({ minutes: 120, unconfirmed: true });
    const cloudCalls = connectMiniProgram(cloud, DEMO.staff);
    const page = mount('staff/scoring/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false && page.data.ratio !== null);
    expect(text(page, `#check-${order.id}`)).toBe('志愿者填报 120 分钟，超过预计用时（30 分钟）的 3 倍，请核实');

    page.querySelector(`#open-${order.id}`)!.dispatchEvent('click');
    await until(() => page.data.openOrderId === order.id);
    expect(page.data.mustConfirm).toBe(true);
    expect(page.data.minutes).toBe('');

    // Not without the minutes, nor with more than were reported.
    page.querySelector('#submit')!.dispatchEvent('click');
    await until(() => page.data.minutesError !== '');
    expect(text(page, '#score-form')).toContain('请填写认定时长：核实志愿者实际服务了多少分钟');
    page.querySelector('#minutes')!.dispatchEvent('change', { detail: '200' });
    page.querySelector('#submit')!.dispatchEvent('click');
    await until(() => page.data.minutesError === '认定时长不能超过志愿者填报的 120 分钟');
    expect(cloudCalls.calls.filter((c) => c.data.action === 'scoring.score')).toHaveLength(0);
    expect((await orderAsStaff(order.id)).status).toBe('completed');

    page.querySelector('#minutes')!.dispatchEvent('change', { detail: '50' });
    page.querySelector('#submit')!.dispatchEvent('click');
    await until(() => page.data.lastResult !== '');
    const stored = await orderAsStaff(order.id);
    expect(stored.status).toBe('closed');
    expect(stored.score).toMatchObject({ score: 5, minutes: 50 });
    expect(text(page, '#last-result')).toBe(`已评 5 分，李建国获得 ${stored.score!.points} 积分，认定服务 50 分钟`);
    const { record } = ok(await call(cloud, DEMO.volunteer, 'record.get', { recordId: `order:${order.id}` }));
    expect(record).toMatchObject({ minutes: 50, source: 'order', ref: order.id });
    expect(cloudCalls.calls.map((c) => c.data.action)).toEqual(['scoring.pending', 'community.get', 'scoring.score']);
  });

  it('says “over 4 hours” when that is why, not a multiple the minutes are within', async () => {
    // 陪同就医 is expected to take 180 minutes: 300 is within 3 times that, but over 4 hours.
    const order = await newOrder('svc-hospital', '陪我去医院');
    ok(await call(cloud, DEMO.staff, 'dispatch.assign', { orderId: order.id, volunteerOpenid: DEMO.volunteer }));
    ok(await call(cloud, DEMO.volunteer, 'dispatch.accept', { orderId: order.id }));
    ok(await call(cloud, DEMO.volunteer, 'dispatch.complete', { orderId: order.id, summary: '陪同就医', minutes: 300 }));
    connectMiniProgram(cloud, DEMO.staff);
    const page = mount('staff/scoring/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false && page.data.ratio !== null);
    expect(text(page, `#check-${order.id}`)).toBe('志愿者填报 300 分钟，单次服务超过 4 小时，请核实');
  });

  it('takes fewer minutes for an ordinary order when typed, and the reported ones when not', async () => {
    const order = await completedOrder(40, 4, '不错');
    connectMiniProgram(cloud, DEMO.staff);
    const page = mount('staff/scoring/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    expect(page.querySelector(`#check-${order.id}`)).toBeFalsy();
    page.querySelector(`#open-${order.id}`)!.dispatchEvent('click');
    await until(() => page.data.openOrderId === order.id);
    expect(page.data.mustConfirm).toBe(false);
    page.querySelector('#minutes')!.dispatchEvent('change', { detail: '35' });
    page.querySelector('#submit')!.dispatchEvent('click');
    await until(() => page.data.lastResult !== '');
    expect((await orderAsStaff(order.id)).score).toMatchObject({ score: 4, minutes: 35 });
    expect(ok(await call(cloud, DEMO.volunteer, 'record.get', { recordId: `order:${order.id}` })).record.minutes).toBe(35);
  });
});

describe('staff/volunteers', () => {
  it('marks an application whose phone WeChat never verified (an older record) as 未验证', async () => {
    const volunteers = cloud.engine.collections.require('volunteers');
    const entry = [...volunteers.entries.values()].find((candidate) => (candidate.doc as { _id: string })._id === DEMO.applicant)!;
    const verifiedAt = (entry.doc as { phoneVerifiedAt?: Date }).phoneVerifiedAt;
    delete (entry.doc as { phoneVerifiedAt?: Date }).phoneVerifiedAt;
    try {
      connectMiniProgram(cloud, DEMO.staff);
      const page = mount('staff/volunteers/index');
      page.instance.onLoad();
      await until(() => page.data.loading === false);
      expect(text(page, `#volunteer-${DEMO.applicant}`)).toContain('电话：13800000040未验证');
    } finally {
      (entry.doc as { phoneVerifiedAt?: Date }).phoneVerifiedAt = verifiedAt;
    }
  });

  it('approves the pending applicant', async () => {
    connectMiniProgram(cloud, DEMO.staff);
    const page = mount('staff/volunteers/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    expect(text(page, `#volunteer-${DEMO.applicant}`)).toContain('陈思远');

    // Rejecting needs a reason: nothing is sent without one.
    page.querySelector(`#reject-${DEMO.applicant}`)!.dispatchEvent('click');
    await until(() => page.data.rejecting === DEMO.applicant);
    page.querySelector('#submit-reject')!.dispatchEvent('click');
    await until(() => page.data.rejectError !== '');
    expect(text(page, '#reject-error')).toBe('请填写不通过的原因，申请人会看到');
    page.querySelector('#cancel-reject')!.dispatchEvent('click');
    await until(() => page.data.rejecting === '');

    page.querySelector(`#approve-${DEMO.applicant}`)!.dispatchEvent('click');
    await until(() => page.data.items.length === 0);
    expect(page.querySelector('#empty')).toBeTruthy();
    const approved = ok(await call(cloud, DEMO.staff, 'volunteer.list', { status: 'approved' })).items.map((v) => v.openid);
    expect(approved).toContain(DEMO.applicant);
    expect(ok(await call(cloud, DEMO.staff, 'volunteer.list', { status: 'pending' })).items).toEqual([]);
  });
});

describe('staff/verify', () => {
  it('fulfils a real redemption by its code, then refuses the same code again (scanned)', async () => {
    const { redemption } = ok(await call(cloud, DEMO.resident, 'mall.redeem', { goodsId: 'goods-towel', quantity: 1, clientRequestId: requestId() }));
    connectMiniProgram(cloud, DEMO.staff);
    const page = mount('staff/verify/index');
    page.instance.onLoad();

    page.querySelector('#code')!.dispatchEvent('change', { detail: '12345' });
    page.querySelector('#submit')!.dispatchEvent('click');
    await until(() => page.data.error !== '');
    expect(text(page, '#error')).toContain('核销码是 6 位数字');

    page.querySelector('#code')!.dispatchEvent('change', { detail: redemption.code });
    await until(() => page.data.code === redemption.code);
    page.querySelector('#submit')!.dispatchEvent('click');
    await until(() => page.data.result !== null);
    expect(text(page, '#resident')).toBe('张秀英');
    expect(text(page, '#goods')).toBe('纯棉毛巾 × 1');
    const mine = ok(await call(cloud, DEMO.resident, 'mall.myRedemptions', {})).items.find((r) => r.id === redemption.id);
    expect(mine?.status).toBe('fulfilled');

    wx().scanCode = (options: { success: (res: { result: string }) => void }) => options.success({ result: redemption.code });
    page.querySelector('#scan')!.dispatchEvent('click');
    await until(() => page.data.error !== '');
    expect(text(page, '#error')).toContain('该兑换码已核销');
    expect(page.querySelector('#result')).toBeFalsy();
  });
});

describe('staff/stats', () => {
  it('shows the overview figures and a bar per grid', async () => {
    const order = await completedOrder(60, 5, '很好');
    ok(await call(cloud, DEMO.staff, 'scoring.score', { orderId: order.id, score: 5 }));
    const stats = ok(await call(cloud, DEMO.staff, 'stats.overview', {}));
    expect(stats.volunteerHours).toBeGreaterThan(0);
    connectMiniProgram(cloud, DEMO.staff);
    const page = mount('staff/stats/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    const percent = (rate: number | null) => (rate === null ? '—' : `${Math.round(rate * 1000) / 10}%`);
    expect(text(page, '#completion-rate')).toBe(`${percent(stats.completionRate)}办结率前30天 ${percent(stats.previous.completionRate)}`);
    expect(text(page, '#points-issued-previous')).toBe(`前30天 ${stats.previous.pointsIssued}`);
    expect(text(page, '#average-stars')).toContain(String(stats.averageStars));
    expect(text(page, '#volunteer-hours')).toContain(String(stats.volunteerHours));
    expect(text(page, '#points-issued')).toContain(String(stats.pointsIssued));
    expect(text(page, '#points-redeemed')).toContain(String(stats.pointsRedeemed));
    expect(text(page, '#median-response')).toContain(String(stats.medianResponseMinutes));
    expect(page.querySelectorAll('.bar-row')).toHaveLength(stats.byGrid.length);
    const busiest = stats.byGrid.reduce((a, b) => (b.orders > a.orders ? b : a));
    expect(text(page, `#grid-${busiest.gridId}`)).toContain(`${busiest.orders} 单`);
    expect(page.querySelector(`#bar-${busiest.gridId}`)!.dom!.getAttribute('style')).toContain('width: 100%');
    const navigated: string[] = [];
    wx().navigateTo = (options: { url: string }) => navigated.push(options.url);
    page.querySelector('#reports')!.dispatchEvent('click');
    await until(() => navigated.length > 0);
    expect(navigated).toEqual(['/staff/reports/index']);

    // 上月: the previous calendar month, beside the one before it.
    const beijing = new Date(Date.now() + 8 * 3600_000);
    const lastMonth = new Date(Date.UTC(beijing.getUTCFullYear(), beijing.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
    const last = ok(await call(cloud, DEMO.staff, 'stats.overview', { month: lastMonth }));
    page.querySelector('#range-last-month')!.dispatchEvent('tap');
    await until(() => page.data.range === 'lastMonth' && page.data.loading === false);
    expect(text(page, '#total-orders')).toBe(
      `${Object.values(last.ordersByStatus).reduce((a, b) => a + b, 0)}订单总数上上月 ${Object.values(last.previous.ordersByStatus).reduce((a, b) => a + b, 0)}`,
    );
  });

  it('shows the period’s affairs and each department’s share from the same call', async () => {
    const reported = ok(
      await call(cloud, DEMO.grid, 'affair.report', {
        category: '环境卫生',
        description: '2栋楼下垃圾堆放未清运',
        place: { gridId: 'g1', building: '2栋' },
        urgency: '一般',
        clientRequestId: requestId(),
      }),
    ).affair;
    ok(await call(cloud, DEMO.staff, 'affair.whistle', { affairId: reported.id, departmentId: 'dept-property' }));
    ok(await call(cloud, DEMO.dept, 'affair.respond', { affairId: reported.id, decision: 'accept' }));
    const { affairs, previous } = ok(await call(cloud, DEMO.staff, 'stats.overview', {}));
    expect(affairs.received).toBeGreaterThan(0);
    const calls = connectMiniProgram(cloud, DEMO.staff);
    const page = mount('staff/stats/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    // No request of its own: the affairs come with the overview.
    expect(calls.calls.map((c) => c.data.action)).toEqual(['stats.overview']);
    const percent = (rate: number | null) => (rate === null ? '—' : `${Math.round(rate * 1000) / 10}%`);
    expect(text(page, '#affairs-title')).toContain(`上报 ${affairs.received} 件`);
    expect(text(page, '#affairs-closing-rate')).toBe(`${percent(affairs.closingRate)}事务办结率（办结 ${affairs.closed} 件）前30天 ${percent(previous.affairs.closingRate)}`);
    expect(text(page, '#affairs-overdue')).toContain(`${affairs.overdue}超期事务（件）`);
    // Nothing flagged to the street office (督办): nothing said about it.
    expect(affairs.escalated).toBe(0);
    expect(page.querySelector('#affairs-escalated')).toBeFalsy();
    const property = affairs.byDepartment.find((department) => department.departmentId === 'dept-property')!;
    expect(text(page, '#department-dept-property')).toBe(
      `幸福里物业服务中心${property.received} 件 · 办结 ${property.closed} 件（${percent(property.closingRate)}）· 平均响应 ${property.averageRespondHours === null ? '—' : `${property.averageRespondHours} 小时`}${property.overdue > 0 ? ` · 超期 ${property.overdue} 件` : ''}`,
    );
    expect(page.querySelectorAll('#departments .bar-row')).toHaveLength(affairs.byDepartment.length);
    expect(page.querySelector('#no-departments')).toBeFalsy();
    // A month without any: said plainly.
    page.querySelector('#range-last-month')!.dispatchEvent('tap');
    await until(() => page.data.range === 'lastMonth' && page.data.loading === false);
    expect(text(page, '#no-departments')).toBe('这段时间没有吹哨到部门的事务');
    // The trend has them per month too.
    page.querySelector('#tab-trend')!.dispatchEvent('tap');
    await until(() => page.data.trend !== null);
    page.querySelector('#metric-affairsReceived')!.dispatchEvent('tap');
    await until(() => page.data.metric === 'affairsReceived');
    const { months } = ok(await call(cloud, DEMO.staff, 'stats.trend', {}));
    const current = months[11]!;
    expect(current.affairsReceived).toBeGreaterThan(0);
    expect(text(page, `#trend-${current.month}`)).toContain(`${current.affairsReceived}`);
    expect(page.querySelector(`#trend-bar-${current.month}`)!.dom!.getAttribute('style')).toContain('width: 100%');

    // One flagged to the street office (督办) after missing its deadlines: said under 超期事务.
    const stored = docs(cloud, 'affairs').find((affair) => affair._id === reported.id)!;
    const now = new Date();
    seed(cloud, 'affairs', [{ ...stored, _id: 'mp-escalated', clientRequestId: 'mp-escalated', overdueCount: 2, escalation: { departmentId: 'dept-property', departmentName: '幸福里物业服务中心', at: now, overdueCount: 2 } }]);
    page.querySelector('#tab-overview')!.dispatchEvent('tap');
    await until(() => Boolean(page.querySelector('#range-recent')));
    page.querySelector('#range-recent')!.dispatchEvent('tap');
    await until(() => page.data.range === 'recent' && page.data.loading === false && page.data.affairs?.escalated === 1);
    expect(text(page, '#affairs-escalated')).toBe('其中督办 1 件');
  });

  it('shows a figure’s last 12 months as bars, and switches figures without another call', async () => {
    const calls = connectMiniProgram(cloud, DEMO.staff);
    const page = mount('staff/stats/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    // The trend is not read until its tab is opened.
    expect(calls.calls.filter((c) => c.data.action === 'stats.trend')).toHaveLength(0);
    page.querySelector('#tab-trend')!.dispatchEvent('tap');
    await until(() => page.data.trend !== null);
    const { months } = ok(await call(cloud, DEMO.staff, 'stats.trend', {}));
    expect(page.querySelectorAll('.trend-row')).toHaveLength(12);
    const current = months[11]!;
    expect(current.orders).toBeGreaterThan(0);
    const most = Math.max(...months.map((m) => m.orders));
    expect(text(page, `#trend-${current.month}`)).toContain(`${current.orders}`);
    expect(page.querySelector(`#trend-bar-${current.month}`)!.dom!.getAttribute('style')).toContain(`width: ${Math.round((current.orders / most) * 100)}%`);

    page.querySelector('#metric-volunteerHours')!.dispatchEvent('tap');
    await until(() => page.data.metric === 'volunteerHours');
    expect(text(page, `#trend-${current.month}`)).toContain(current.volunteerHours > 0 ? `${current.volunteerHours} 小时` : '0 小时');
    expect(calls.calls.filter((c) => c.data.action === 'stats.trend')).toHaveLength(1);
  });

  it('shows the newest reconciliation and what it found', async () => {
    connectMiniProgram(cloud, DEMO.staff);
    const empty = mount('staff/stats/index');
    empty.instance.onLoad();
    await until(() => empty.data.loading === false);
    empty.querySelector('#tab-reconcile')!.dispatchEvent('tap');
    await until(() => empty.data.reconcileLoaded === true);
    expect(text(empty, '#no-reconciliation')).toContain('每天凌晨 3 点自动对账');

    // An account whose 7 points no ledger entry explains, then the nightly run.
    seed(cloud, 'users', [{ _id: 'mp-drift', name: '钱多多', roles: ['resident'], communityId: DEMO.community, createdAt: T0, updatedAt: T0 }]);
    seed(cloud, 'points_accounts', [{ _id: 'mp-drift', communityId: DEMO.community, balance: 7, issued: 7, redeemed: 0, updatedAt: T0 }]);
    const run = await cloud.runtime.invoke({
      name: 'points',
      event: { Type: 'Timer', TriggerName: 'dailyReconciliation', Time: new Date().toISOString(), Message: '' },
      identity: { openid: null, appid: 'touristappid' },
      source: 'wx_trigger',
    });
    expect(run).toMatchObject({ ok: true });
    const page = mount('staff/stats/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    page.querySelector('#tab-reconcile')!.dispatchEvent('tap');
    await until(() => page.data.reconcileLoaded === true);
    const { latest } = ok(await call(cloud, DEMO.staff, 'points.reconciliation', {}));
    expect(latest?.discrepancyCount).toBeGreaterThan(0);
    expect(text(page, '#reconciliation-count')).toBe(`发现 ${latest!.discrepancyCount} 处不一致`);
    const balance = latest!.discrepancies.findIndex((d) => d.kind === 'balance' && d.subject === 'mp-drift');
    expect(text(page, `#discrepancy-${balance}`)).toBe('积分余额与明细不符：钱多多余额记为 7，按明细应为 0未作改动，请核查');

    // 立即对账: a record of its own, shown at once.
    const before = docs(cloud, 'reconciliations').length;
    page.querySelector('#reconcile-now')!.dispatchEvent('click');
    await until(() => page.data.reconciliation?.trigger === 'on_demand');
    expect(docs(cloud, 'reconciliations')).toHaveLength(before + 1);
    expect(text(page, '#reconciliation')).toContain('手动对账');
    expect(text(page, '#reconciliation-count')).toBe(`发现 ${latest!.discrepancyCount} 处不一致`);
  });
});

describe('staff/catalog', () => {
  it('creates a service from the form: its points wait for review (待审核上架), and it is offered once a second staff member approves; then archives it', async () => {
    const cloudCalls = connectMiniProgram(cloud, DEMO.staff);
    const page = mount('staff/catalog/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    expect(page.querySelectorAll('.service')).toHaveLength(7);
    page.querySelector('#add')!.dispatchEvent('click');
    await until(() => page.data.editing === true);
    expect(text(page, '#f-points-hint')).toBe('积分的设定和修改须另一名工作人员审核通过后生效');
    page.querySelector('#f-name')!.dispatchEvent('change', { detail: '代缴水电费' });
    page.querySelector('#f-category')!.dispatchEvent('change', { detail: '便民服务' });
    page.querySelector('#save')!.dispatchEvent('click');
    await until(() => page.data.formError !== '');
    expect(text(page, '#form-error')).toBe('请至少填写一项技能');
    page.querySelector('#f-skills')!.dispatchEvent('change', { detail: '跑腿、陪伴' });
    page.querySelector('#save')!.dispatchEvent('click');
    await until(() => page.data.editing === false);

    // Not offered to residents yet: its 10 points are only proposed.
    const listed = ok(await call(cloud, DEMO.staff, 'catalog.list', { communityId: DEMO.community, includeArchived: true }));
    const created = listed.find((s) => s.name === '代缴水电费')!;
    expect(created).toMatchObject({ category: '便民服务', skills: ['跑腿', '陪伴'], expectedMinutes: 60, basePoints: 0, pendingBasePoints: 10, slaHours: 24, archived: true });
    expect(ok(await call(cloud, DEMO.resident, 'catalog.list', {})).some((s) => s.id === created.id)).toBe(false);
    const card = text(page, `#service-${created.id}`);
    expect(card).toContain('代缴水电费');
    expect(card).toContain('待审核上架');
    expect(text(page, `#pending-${created.id}`)).toBe('积分待审核：10 分（审核通过后生效）');
    expect(text(page, '#notice')).toBe('积分调整已提交，需另一名工作人员在“积分规则审核”中通过后生效，通过后该服务自动上架');
    expect(cloudCalls.toasts.at(-1)).toBe('已保存，积分待审核');
    // 上架 before the review would offer it at 0 points: not offered here.
    expect(page.querySelector(`#archive-${created.id}`)).toBeFalsy();

    // 王建国 approves: offered, with its points.
    const change = ok(await call(cloud, DEMO.staff2, 'community.ruleChanges', { status: 'pending' })).items.find((c) => c.subject === '服务“代缴水电费”的基础积分')!;
    expect(change).toMatchObject({ publishOnApproval: true, mine: false });
    ok(await call(cloud, DEMO.staff2, 'community.reviewRuleChange', { changeId: change.id, decision: 'approve' }));
    page.instance.onPullDownRefresh();
    await until(() => page.data.loading === false && text(page, `#service-${created.id}`).includes('服务中'));
    expect(text(page, `#service-${created.id}`)).toContain('基础 10 积分');
    expect(page.querySelector(`#pending-${created.id}`)).toBeFalsy();

    page.querySelector(`#archive-${created.id}`)!.dispatchEvent('click');
    await until(() => text(page, `#service-${created.id}`).includes('已下架'));
    const after = ok(await call(cloud, DEMO.staff, 'catalog.list', { communityId: DEMO.community, includeArchived: true }));
    expect(after.find((s) => s.id === created!.id)?.archived).toBe(true);
  });

  it('a change of an offered service’s points is shown as waiting for review, the points in force unchanged; other edits propose nothing', async () => {
    const cloudCalls = connectMiniProgram(cloud, DEMO.staff);
    const page = mount('staff/catalog/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    page.querySelector('#edit-svc-repair')!.dispatchEvent('click');
    await until(() => page.data.editing === true && page.data.form.id === 'svc-repair');
    const before = page.data.form.basePoints as string;
    page.querySelector('#f-points')!.dispatchEvent('change', { detail: String(Number(before) + 5) });
    page.querySelector('#save')!.dispatchEvent('click');
    await until(() => page.data.editing === false);

    const stored = ok(await call(cloud, DEMO.staff, 'catalog.list', { communityId: DEMO.community, includeArchived: true })).find((s) => s.id === 'svc-repair')!;
    expect(stored).toMatchObject({ basePoints: Number(before), pendingBasePoints: Number(before) + 5, archived: false });
    expect(text(page, '#service-svc-repair')).toContain(`基础 ${before} 积分`);
    expect(text(page, '#service-svc-repair')).toContain('服务中');
    expect(text(page, '#pending-svc-repair')).toBe(`积分待审核：${Number(before) + 5} 分（审核通过后生效）`);
    expect(text(page, '#notice')).toBe('积分调整已提交，需另一名工作人员在“积分规则审核”中通过后生效');

    // Opening it again: the points in force in the form, the proposal beside them.
    page.querySelector('#edit-svc-repair')!.dispatchEvent('click');
    await until(() => page.data.editing === true);
    expect(page.data.form.basePoints).toBe(before);
    expect(text(page, '#f-points-hint')).toContain(`已有待审核的积分调整：${Number(before) + 5} 分`);
    page.querySelector('#f-description')!.dispatchEvent('change', { detail: '水电小修，材料费另计' });
    page.querySelector('#save')!.dispatchEvent('click');
    await until(() => page.data.editing === false);
    expect(page.querySelector('#notice')).toBeFalsy();
    expect(cloudCalls.toasts.at(-1)).toBe('已保存');
    const pending = ok(await call(cloud, DEMO.staff2, 'community.ruleChanges', { status: 'pending' })).items.filter((c) => c.subject === `服务“${stored.name}”的基础积分`);
    expect(pending).toHaveLength(1);
    expect(text(page, '#pending-svc-repair')).toBe(`积分待审核：${Number(before) + 5} 分（审核通过后生效）`);
  });
});

describe('staff/goods', () => {
  it('creates goods from the form, unpriced until a second staff member approves its price', async () => {
    const cloudCalls = connectMiniProgram(cloud, DEMO.staff);
    const page = mount('staff/goods/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    page.querySelector('#add')!.dispatchEvent('click');
    await until(() => page.data.editing === true);
    page.querySelector('#f-name')!.dispatchEvent('change', { detail: '保温杯' });
    page.querySelector('#f-price')!.dispatchEvent('change', { detail: '120' });
    page.querySelector('#f-stock')!.dispatchEvent('change', { detail: '8' });
    await until(() => page.data.form.stock === '8');
    page.querySelector('#save')!.dispatchEvent('click');
    await until(() => page.data.editing === false);
    const goods = ok(await call(cloud, DEMO.staff, 'mall.goods', { includeInactive: true })).find((g) => g.name === '保温杯')!;
    expect(goods).toMatchObject({ pointsPrice: 0, pendingPointsPrice: 120, stock: 8, active: true });
    const card = text(page, `#goods-${goods.id}`);
    expect(card).toContain('库存 8');
    expect(card).toContain('待审核上架');
    expect(card).toContain('未定价');
    expect(text(page, `#pending-${goods.id}`)).toBe('兑换积分待审核：120 分（审核通过后生效）');
    expect(text(page, '#notice')).toBe('积分调整已提交，需另一名工作人员在“积分规则审核”中通过后生效，通过后居民才能兑换');
    expect(cloudCalls.toasts.at(-1)).toBe('已保存，积分待审核');
    expect(ok(await call(cloud, DEMO.resident, 'mall.goods', {})).some((g) => g.id === goods.id)).toBe(false);

    // Changing its stock before the review (入库, not the form: an edit sends no stock): the price
    // under review is in the form, saving it proposes nothing new.
    page.querySelector(`#edit-${goods.id}`)!.dispatchEvent('click');
    await until(() => page.data.editing === true && page.data.form.id === goods.id);
    expect(page.data.form.pointsPrice).toBe('120');
    expect(text(page, '#f-price-hint')).toContain('已有待审核的调整：120 分');
    expect(page.querySelector('#f-stock')).toBeFalsy();
    page.querySelector('#save')!.dispatchEvent('click');
    await until(() => page.data.editing === false);
    page.querySelector(`#stock-in-${goods.id}`)!.dispatchEvent('click');
    await until(() => page.data.panel === 'stockIn');
    page.querySelector('#in-quantity')!.dispatchEvent('change', { detail: '2' });
    await until(() => page.data.stockIn.quantity === '2');
    page.querySelector('#submit-stock-in')!.dispatchEvent('click');
    await until(() => page.data.panel === '');
    const pending = ok(await call(cloud, DEMO.staff2, 'community.ruleChanges', { status: 'pending' })).items.filter((c) => c.subject === '商品“保温杯”的兑换积分');
    expect(pending).toHaveLength(1);

    // Approved: priced and offered.
    ok(await call(cloud, DEMO.staff2, 'community.reviewRuleChange', { changeId: pending[0]!.id, decision: 'approve' }));
    page.instance.onPullDownRefresh();
    await until(() => page.data.loading === false && text(page, `#goods-${goods.id}`).includes('120 积分'));
    expect(page.querySelector(`#pending-${goods.id}`)).toBeFalsy();
    expect(text(page, `#goods-${goods.id}`)).toContain('库存 10');
    expect(ok(await call(cloud, DEMO.resident, 'mall.goods', {})).some((g) => g.id === goods.id)).toBe(true);
  });

  it('a stock-in from a stale screen adds to the stock as it is now: a redemption made meanwhile stays', async () => {
    connectMiniProgram(cloud, DEMO.staff);
    const page = mount('staff/goods/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    page.querySelector('#stock-in-goods-towel')!.dispatchEvent('click');
    await until(() => page.data.panel === 'stockIn');
    const opened = page.data.target.stock as number;
    expect(text(page, '#stock-in-sheet')).toContain(`现有 ${opened} 件`);
    ok(await call(cloud, DEMO.resident, 'mall.redeem', { goodsId: 'goods-towel', quantity: 1, clientRequestId: requestId() }));
    page.querySelector('#in-quantity')!.dispatchEvent('change', { detail: '100' });
    page.querySelector('#in-source')!.dispatchEvent('change', { detail: 'donation' });
    await until(() => page.data.stockIn.quantity === '100' && page.data.stockIn.source === 'donation');
    // A donation names its donor.
    page.querySelector('#submit-stock-in')!.dispatchEvent('click');
    await until(() => page.data.panelError !== '');
    expect(text(page, '#panel-error')).toBe('请填写捐赠人（不愿留名可填“匿名”）');
    page.querySelector('#in-donor')!.dispatchEvent('change', { detail: '爱心企业' });
    await until(() => page.data.stockIn.donor === '爱心企业');
    page.querySelector('#submit-stock-in')!.dispatchEvent('click');
    await until(() => page.data.panel === '');
    const towel = ok(await call(cloud, DEMO.staff, 'mall.goods', { includeInactive: true })).find((g) => g.id === 'goods-towel');
    expect(towel?.stock).toBe(opened - 1 + 100);
    expect(text(page, '#goods-goods-towel')).toContain(`库存 ${opened - 1 + 100}`);
  });

  it('损耗 is proposed on the page and waits; another staff member approves it on theirs, and the stock drops', async () => {
    connectMiniProgram(cloud, DEMO.staff);
    const page = mount('staff/goods/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    const before = page.data.items.find((g: { id: string }) => g.id === 'goods-oil').stock as number;
    page.querySelector('#write-off-btn-goods-oil')!.dispatchEvent('click');
    await until(() => page.data.panel === 'writeOff');
    page.querySelector('#wo-quantity')!.dispatchEvent('change', { detail: '2' });
    await until(() => page.data.writeOff.quantity === '2');
    page.querySelector('#submit-write-off')!.dispatchEvent('click');
    await until(() => page.data.panelError !== '');
    expect(text(page, '#panel-error')).toBe('请填写损耗原因');
    page.querySelector('#wo-reason')!.dispatchEvent('change', { detail: '瓶身破裂' });
    await until(() => page.data.writeOff.reason === '瓶身破裂');
    page.querySelector('#submit-write-off')!.dispatchEvent('click');
    await until(() => page.data.panel === '');
    // Waiting: the proposer is told a colleague decides, and has no button to do it.
    expect(text(page, '#write-off-goods-oil')).toContain('损耗待审核：2 件（瓶身破裂）');
    expect(text(page, '#own-write-off-goods-oil')).toBe('需其他工作人员审核');
    expect(page.querySelector('#approve-write-off-goods-oil')).toBeFalsy();
    expect(text(page, '#goods-goods-oil')).toContain(`库存 ${before}`);

    const cloudCalls = connectMiniProgram(cloud, DEMO.staff2);
    const colleague = mount('staff/goods/index');
    colleague.instance.onLoad();
    await until(() => colleague.data.loading === false);
    expect(text(colleague, '#write-off-goods-oil')).toContain('申请人：刘晓梅');
    colleague.querySelector('#approve-write-off-goods-oil')!.dispatchEvent('click');
    await until(() => !colleague.querySelector('#write-off-goods-oil'));
    expect(text(colleague, '#goods-goods-oil')).toContain(`库存 ${before - 2}`);
    expect(cloudCalls.toasts.at(-1)).toBe('已通过，库存减少 2 件');

    // Another one, rejected with a reason.
    ok(await call(cloud, DEMO.staff, 'mall.proposeWriteOff', { goodsId: 'goods-oil', quantity: 1, reason: '过期', clientRequestId: requestId() }));
    colleague.instance.onPullDownRefresh();
    await until(() => colleague.data.loading === false && !!colleague.querySelector('#reject-write-off-goods-oil'));
    colleague.querySelector('#reject-write-off-goods-oil')!.dispatchEvent('click');
    await until(() => colleague.data.rejecting === 'goods-oil');
    colleague.querySelector('#submit-reject')!.dispatchEvent('click');
    await until(() => colleague.data.rejectError !== '');
    expect(text(colleague, '#reject-error')).toBe('请填写不通过的原因，申请人会看到');
    colleague.querySelector('#note')!.dispatchEvent('change', { detail: '生产日期未过' });
    await until(() => colleague.data.note === '生产日期未过');
    colleague.querySelector('#submit-reject')!.dispatchEvent('click');
    await until(() => !colleague.querySelector('#write-off-goods-oil'));
    expect(text(colleague, '#goods-goods-oil')).toContain(`库存 ${before - 2}`);
  });

  it('库存流水 lists an item’s moves, newest first, and loads more', async () => {
    const created = ok(await call(cloud, DEMO.staff, 'mall.upsertGoods', { name: '雨伞', pointsPrice: 40, stock: 1 }));
    for (let i = 0; i < 20; i++) ok(await call(cloud, DEMO.staff2, 'mall.stockIn', { goodsId: created.id, quantity: 1, source: 'purchase', note: `第 ${i + 1} 批`, clientRequestId: requestId() }));
    connectMiniProgram(cloud, DEMO.staff);
    const page = mount('staff/goods/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    page.querySelector(`#moves-${created.id}`)!.dispatchEvent('click');
    await until(() => page.data.panel === 'moves' && page.data.moves.length > 0);
    expect(page.data.moves).toHaveLength(20);
    const newest = text(page, '#move-0');
    expect(newest).toContain('入库');
    expect(newest).toContain('+1');
    expect(newest).toContain('结存 21');
    expect(newest).toContain('王建国');
    expect(newest).toMatch(/采购\s第 20 批/);
    page.querySelector('#more-moves')!.dispatchEvent('tap');
    await until(() => page.data.moves.length === 21);
    expect(text(page, '#move-20')).toContain('期初库存');
    expect(text(page, '#move-20')).toContain('结存 1');
    expect(page.querySelector('#more-moves')).toBeFalsy();
    // No write-off asked for it: no such section.
    expect(page.querySelector('#write-offs-title')).toBeFalsy();
  });

  it('库存流水 shows the item’s write-offs above its moves, a refused one with who refused it and why', async () => {
    const created = ok(await call(cloud, DEMO.staff, 'mall.upsertGoods', { name: '手电筒', pointsPrice: 40, stock: 5 }));
    const { writeOff } = ok(await call(cloud, DEMO.staff, 'mall.proposeWriteOff', { goodsId: created.id, quantity: 2, reason: '灯泡损坏', clientRequestId: requestId() }));
    ok(await call(cloud, DEMO.staff2, 'mall.decideWriteOff', { writeOffId: writeOff.id, decision: 'reject', note: '可以修好' }));
    connectMiniProgram(cloud, DEMO.staff);
    const page = mount('staff/goods/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    page.querySelector(`#moves-${created.id}`)!.dispatchEvent('click');
    await until(() => page.data.panel === 'moves' && page.data.writeOffs.length > 0);
    expect(text(page, '#write-offs-title')).toBe('损耗申请');
    const row = text(page, '#write-off-0');
    expect(row).toContain('未通过');
    expect(row).toContain('刘晓梅申请，损耗 2 件：灯泡损坏');
    expect(row).toContain('王建国不通过：可以修好');
  });
});

describe('staff/stats: 代评', () => {
  it('tells the ratings recorded for elders without WeChat apart from the residents’ own', async () => {
    connectMiniProgram(cloud, DEMO.staff);
    const before = mount('staff/stats/index');
    before.instance.onLoad();
    await until(() => before.data.loading === false);
    // No 代评 in the period yet: no line for it.
    expect(before.querySelector('#rated-on-behalf')).toBeFalsy();

    const order = ok(
      await call(cloud, DEMO.staff, 'order.create', {
        serviceId: 'svc-meal',
        description: '老人没有微信，请送午餐',
        clientRequestId: requestId(),
        onBehalfOf: { name: '钱大爷', address: { gridId: 'g1', building: '1栋', room: '103' } },
      }),
    ).order;
    ok(await call(cloud, DEMO.staff2, 'dispatch.assign', { orderId: order.id, volunteerOpenid: DEMO.volunteer }));
    ok(await call(cloud, DEMO.volunteer, 'dispatch.accept', { orderId: order.id }));
    ok(await call(cloud, DEMO.volunteer, 'dispatch.complete', { orderId: order.id, summary: '午餐已送到', minutes: 30 }));
    ok(await call(cloud, DEMO.staff, 'order.rateOnBehalf', { orderId: order.id, stars: 3 }));

    const page = mount('staff/stats/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    expect(text(page, '#rated-on-behalf')).toBe('其中代评 1 单，平均 3 星');
  });
});
