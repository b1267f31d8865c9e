// @vitest-environment happy-dom
/** The volunteer subpackage (hall, tasks, record) against the real cloud functions on the local cloud. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderView } from '../../core/contract';
import type { LocalCloud } from '../../localcloud/src/server';
import { call, DEMO, ok, startLinli } from '../helpers/linli';
import { connectMiniProgram, mount, text, until } from '../helpers/mp';

let cloud: LocalCloud;
let sequence = 0;

async function newOrder(serviceId = 'svc-haircut', description = '想请师傅上门理发'): Promise<OrderView> {
  sequence += 1;
  const reply = ok(await call(cloud, DEMO.resident, 'order.create', { serviceId, description, clientRequestId: `mp-vol-${String(sequence).padStart(4, '0')}` }));
  return reply.order;
}

async function orderAsStaff(orderId: string): Promise<OrderView> {
  return ok(await call(cloud, DEMO.staff, 'order.get', { orderId })).order;
}

beforeAll(async () => {
  cloud = await startLinli();
});
afterAll(() => cloud.close());

describe('volunteer/hall', () => {
  it('lists an eligible pending order and 抢单 accepts it in the database', async () => {
    const order = await newOrder();
    const cloudCalls = connectMiniProgram(cloud, DEMO.volunteer);
    const page = mount('volunteer/hall/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    expect(cloudCalls.calls.map((c) => c.data.action)).toEqual(['dispatch.hall']);
    expect(text(page, `#order-${order.id}`)).toContain('上门理发');
    page.querySelector(`#accept-${order.id}`)!.dispatchEvent('click');
    await until(() => !page.data.items.some((item: OrderView) => item.id === order.id));
    const stored = await orderAsStaff(order.id);
    expect(stored.status).toBe('accepted');
    expect(stored.assignee?.openid).toBe(DEMO.volunteer);
    expect(cloudCalls.toasts).toContain('抢单成功，请按时上门服务');
  });

  it('says another volunteer was quicker and refreshes the list', async () => {
    ok(await call(cloud, DEMO.staff, 'volunteer.review', { openid: DEMO.applicant, decision: 'approve' }));
    const order = await newOrder('svc-errand', '帮忙去药店买药');
    const cloudCalls = connectMiniProgram(cloud, DEMO.volunteer);
    const page = mount('volunteer/hall/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    expect(page.querySelector(`#order-${order.id}`)).toBeTruthy();
    ok(await call(cloud, DEMO.applicant, 'dispatch.accept', { orderId: order.id }));
    page.querySelector(`#accept-${order.id}`)!.dispatchEvent('click');
    await until(() => cloudCalls.toasts.length > 0 && page.data.loading === false && cloudCalls.calls.length === 3);
    expect(cloudCalls.toasts).toEqual(['该订单已被其他志愿者接单']);
    expect(cloudCalls.calls.map((c) => c.data.action)).toEqual(['dispatch.hall', 'dispatch.accept', 'dispatch.hall']);
    expect(page.querySelector(`#order-${order.id}`)).toBeFalsy();
    expect((await orderAsStaff(order.id)).assignee?.openid).toBe(DEMO.applicant);
  });
});

describe('volunteer/tasks', () => {
  it('accepts an assigned order, starts it and completes it with summary and minutes', async () => {
    const order = await newOrder('svc-meal', '中午送一份午餐');
    ok(await call(cloud, DEMO.staff, 'dispatch.assign', { orderId: order.id, volunteerOpenid: DEMO.volunteer }));
    const cloudCalls = connectMiniProgram(cloud, DEMO.volunteer);
    const page = mount('volunteer/tasks/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    expect(text(page, `#task-${order.id}`)).toContain('已派单');

    page.querySelector(`#accept-${order.id}`)!.dispatchEvent('click');
    await until(() => page.querySelector(`#start-${order.id}`) !== undefined && page.querySelector(`#start-${order.id}`) !== null);
    page.querySelector(`#start-${order.id}`)!.dispatchEvent('click');
    await until(() => Boolean(page.querySelector(`#complete-${order.id}`)));
    page.querySelector(`#complete-${order.id}`)!.dispatchEvent('click');
    await until(() => page.data.sheet === 'complete');

    // The form validates before sending.
    page.querySelector('#submit-complete')!.dispatchEvent('click');
    await until(() => page.data.formError !== '');
    expect(text(page, '#form-error')).toBe('请填写服务小结');
    expect(cloudCalls.calls.some((c) => c.data.action === 'dispatch.complete')).toBe(false);

    page.querySelector('#summary')!.dispatchEvent('change', { detail: '送餐上门，老人状态良好' });
    page.querySelector('#minutes')!.dispatchEvent('change', { detail: '45' });
    await until(() => page.data.minutes === '45');
    page.querySelector('#submit-complete')!.dispatchEvent('click');
    await until(() => page.data.sheet === '');
    const stored = await orderAsStaff(order.id);
    expect(stored.status).toBe('completed');
    expect(stored.completion).toEqual({ summary: '送餐上门，老人状态良好', minutes: 45 });
    expect(page.querySelector(`#task-${order.id}`)).toBeFalsy();
  });

  it('declines with a reason, and the order goes back to the queue', async () => {
    const order = await newOrder('svc-company', '陪老人聊聊天');
    ok(await call(cloud, DEMO.staff, 'dispatch.assign', { orderId: order.id, volunteerOpenid: DEMO.volunteer }));
    connectMiniProgram(cloud, DEMO.volunteer);
    const page = mount('volunteer/tasks/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    page.querySelector(`#decline-${order.id}`)!.dispatchEvent('click');
    await until(() => page.data.sheet === 'decline');
    page.querySelector('#decline-reason')!.dispatchEvent('change', { detail: '今天要去医院复查' });
    await until(() => page.data.reason !== '');
    page.querySelector('#submit-decline')!.dispatchEvent('click');
    await until(() => page.data.sheet === '');
    const stored = await orderAsStaff(order.id);
    expect(stored.status).toBe('pending');
    expect(stored.assignee).toBeUndefined();
  });
});

describe('volunteer/record', () => {
  it('shows the balance after staff scored my work, and the service record it made', async () => {
    const order = await newOrder('svc-clean', '帮忙打扫厨房');
    ok(await call(cloud, DEMO.staff, 'dispatch.assign', { orderId: order.id, volunteerOpenid: DEMO.volunteer }));
    ok(await call(cloud, DEMO.volunteer, 'dispatch.accept', { orderId: order.id }));
    ok(await call(cloud, DEMO.volunteer, 'dispatch.start', { orderId: order.id }));
    ok(await call(cloud, DEMO.volunteer, 'dispatch.complete', { orderId: order.id, summary: '打扫完毕', minutes: 75 }));
    const { points } = ok(await call(cloud, DEMO.staff, 'scoring.score', { orderId: order.id, score: 5 }));
    const balance = ok(await call(cloud, DEMO.volunteer, 'points.balance', {})).balance;
    expect(points).toBeGreaterThan(0);

    connectMiniProgram(cloud, DEMO.volunteer);
    const page = mount('volunteer/record/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    expect(text(page, '#balance')).toContain(String(balance));
    expect(balance).toBe(260 + points);
    // Only scored work is recorded (the 45 minutes of the tasks test wait for scoring); 75 minutes
    // count as 1 hour under the default rounding (15 minutes left over round down).
    const { totals, records } = ok(await call(cloud, DEMO.volunteer, 'record.mine', { limit: 50 }));
    expect(records.items.find((record) => record.ref === order.id)).toMatchObject({ minutes: 75, hours: 1 });
    expect(records.items.some((record) => record.ref !== order.id && record.source === 'order')).toBe(false);
    expect(page.data.hours).toBe(totals.hours);
    expect(page.data.count).toBe(totals.count);
    expect(text(page, '#hours')).toContain(String(totals.hours));
    expect(text(page, '#records')).toContain('清洁打扫');
    expect(text(page, '#records')).toContain('1 小时 15 分钟');
  });
});
