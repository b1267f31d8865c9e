// @vitest-environment happy-dom
/** The staff subpackage against the real cloud functions on the local cloud. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderView } from '../../core/contract';
import type { LocalCloud } from '../../localcloud/src/server';
import { call, DEMO, ok, startLinli } from '../helpers/linli';
import { connectMiniProgram, mount, text, until } from '../helpers/mp';

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

describe('staff/volunteers', () => {
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
    expect(text(page, '#completion-rate')).toBe(`${Math.round(stats.completionRate! * 1000) / 10}%办结率`);
    expect(text(page, '#average-stars')).toContain(String(stats.averageStars));
    expect(text(page, '#volunteer-hours')).toContain(String(stats.volunteerHours));
    expect(text(page, '#points-issued')).toContain(String(stats.pointsIssued));
    expect(text(page, '#points-redeemed')).toContain(String(stats.pointsRedeemed));
    expect(text(page, '#median-response')).toContain(String(stats.medianResponseMinutes));
    expect(page.querySelectorAll('.bar-row')).toHaveLength(stats.byGrid.length);
    const busiest = stats.byGrid.reduce((a, b) => (b.orders > a.orders ? b : a));
    expect(text(page, `#grid-${busiest.gridId}`)).toContain(`${busiest.orders} 单`);
    expect(page.querySelector(`#bar-${busiest.gridId}`)!.dom!.getAttribute('style')).toContain('width: 100%');
  });
});

describe('staff/catalog', () => {
  it('creates a service from the form, then archives it', async () => {
    connectMiniProgram(cloud, DEMO.staff);
    const page = mount('staff/catalog/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    expect(page.querySelectorAll('.service')).toHaveLength(7);
    page.querySelector('#add')!.dispatchEvent('click');
    await until(() => page.data.editing === true);
    page.querySelector('#f-name')!.dispatchEvent('change', { detail: '代缴水电费' });
    page.querySelector('#f-category')!.dispatchEvent('change', { detail: '便民服务' });
    page.querySelector('#save')!.dispatchEvent('click');
    await until(() => page.data.formError !== '');
    expect(text(page, '#form-error')).toBe('请至少填写一项技能');
    page.querySelector('#f-skills')!.dispatchEvent('change', { detail: '跑腿、陪伴' });
    page.querySelector('#save')!.dispatchEvent('click');
    await until(() => page.data.editing === false);

    const listed = ok(await call(cloud, DEMO.staff, 'catalog.list', { communityId: DEMO.community }));
    const created = listed.find((s) => s.name === '代缴水电费');
    expect(created).toMatchObject({ category: '便民服务', skills: ['跑腿', '陪伴'], expectedMinutes: 60, basePoints: 10, slaHours: 24, archived: false });
    expect(text(page, `#service-${created!.id}`)).toContain('代缴水电费');

    page.querySelector(`#archive-${created!.id}`)!.dispatchEvent('click');
    await until(() => text(page, `#service-${created!.id}`).includes('已下架'));
    const after = ok(await call(cloud, DEMO.staff, 'catalog.list', { communityId: DEMO.community, includeArchived: true }));
    expect(after.find((s) => s.id === created!.id)?.archived).toBe(true);
  });
});

describe('staff/goods', () => {
  it('creates goods from the form', async () => {
    connectMiniProgram(cloud, DEMO.staff);
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
    const goods = ok(await call(cloud, DEMO.staff, 'mall.goods', { includeInactive: true })).find((g) => g.name === '保温杯');
    expect(goods).toMatchObject({ pointsPrice: 120, stock: 8, active: true });
    expect(text(page, `#goods-${goods!.id}`)).toContain('库存 8');
  });

  it('refuses a stock typed from a stale screen (expectedStock) and shows the server’s message', async () => {
    connectMiniProgram(cloud, DEMO.staff);
    const page = mount('staff/goods/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    page.querySelector('#edit-goods-towel')!.dispatchEvent('click');
    await until(() => page.data.editing === true);
    const opened = page.data.form.openedStock as number;
    ok(await call(cloud, DEMO.resident, 'mall.redeem', { goodsId: 'goods-towel', quantity: 1, clientRequestId: requestId() }));
    page.querySelector('#f-stock')!.dispatchEvent('change', { detail: '100' });
    await until(() => page.data.form.stock === '100');
    page.querySelector('#save')!.dispatchEvent('click');
    await until(() => page.data.formError !== '');
    expect(text(page, '#form-error')).toBe(`库存刚有变动（当前 ${opened - 1} 件），请刷新后再保存`);
    const towel = ok(await call(cloud, DEMO.staff, 'mall.goods', { includeInactive: true })).find((g) => g.id === 'goods-towel');
    expect(towel?.stock).toBe(opened - 1);
  });
});
