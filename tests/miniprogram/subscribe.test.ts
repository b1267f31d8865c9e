// @vitest-environment happy-dom
/**
 * Subscribe messages end to end: the taps that start something ask WeChat for the person's
 * subscription (wx.requestSubscribeMessage, granted by the local cloud), so the real cloud functions'
 * notices reach them in the outbox; a refused or broken request never stops the action.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityView, OrderView } from '../../core/contract';
import type { LocalCloud } from '../../localcloud/src/server';
import { call, DEMO, ok, startLinli } from '../helpers/linli';
import { GENEROUS_ORDER_LIMITS, setCommunitySettings } from '../helpers/seed';
import { postJson } from '../helpers/localcloud';
import { type ConnectOptions, connectMiniProgram, MP_ROOT, mount, settle, until } from '../helpers/mp';

type WxRequest = {
  url: string;
  header: Record<string, string>;
  data: unknown;
  success?: (r: { statusCode: number; data: unknown }) => void;
  fail?: (e: { errMsg: string }) => void;
};
type WxNav = { redirectTo: (o: { url: string }) => void; request: (o: WxRequest) => void };
const wx = (globalThis as unknown as { wx: WxNav }).wx;

const ACCEPTED = 'TPL_ORDER_ACCEPTED';
const COMPLETED = 'TPL_ORDER_COMPLETED';
const ASSIGNED = 'TPL_ORDER_ASSIGNED';
const PROMOTED = 'TPL_ACTIVITY_PROMOTED';
const CANCELLED = 'TPL_ACTIVITY_CANCELLED';
const HANDED_BACK = 'TPL_ORDER_HANDED_BACK';
const ORDER_CANCELLED = 'TPL_ORDER_CANCELLED';
const ORDER_REMINDER = 'TPL_ORDER_REMINDER';
const ACTIVITY_REMINDER = 'TPL_ACTIVITY_REMINDER';

let cloud: LocalCloud;
let sequence = 0;

beforeAll(async () => {
  cloud = await startLinli();
  // More orders from one resident than the limits allow: this suite is about subscriptions, not limits.
  setCommunitySettings(cloud, GENEROUS_ORDER_LIMITS);
  // A second volunteer, to take places and orders.
  ok(await call(cloud, DEMO.staff, 'volunteer.review', { openid: DEMO.applicant, decision: 'approve' }));
});
afterAll(() => cloud.close());

const remaining = (openid: string, templateId: string): number => cloud.subscriptions.remaining(openid, templateId);
const sent = (touser: string, templateId: string, page: string) => cloud.outbox.filter((m) => m.touser === touser && m.template_id === templateId && m.page === page);

async function newOrder(description: string, serviceId = 'svc-errand'): Promise<OrderView> {
  sequence += 1;
  return ok(await call(cloud, DEMO.resident, 'order.create', { serviceId, description, clientRequestId: `mp-sub-${String(sequence).padStart(4, '0')}` })).order;
}

/** Fills and submits the order form as the resident; resolves with the order it created. */
async function submitOrderForm(description: string, options: ConnectOptions = {}) {
  const cloudCalls = connectMiniProgram(cloud, DEMO.resident, options);
  let redirectedTo = '';
  wx.redirectTo = (o) => {
    redirectedTo = o.url;
  };
  const page = mount('pages/order-form/index');
  page.instance.onLoad({ serviceId: 'svc-repair' });
  await until(() => page.data.loading === false);
  page.querySelector('#description')!.dispatchEvent('change', { detail: description });
  await settle();
  page.querySelector('#submit')!.dispatchEvent('click');
  await until(() => redirectedTo !== '');
  const order = ok(await call(cloud, DEMO.resident, 'order.listMine', {})).items.find((o) => o.description === description);
  expect(order).toBeDefined();
  expect(redirectedTo).toBe(`/pages/order-detail/index?id=${order!.id}`);
  return { order: order!, cloudCalls };
}

describe('pages/order-form', () => {
  it('submitting asks for 接单 and 完成 notices, so the volunteer accepting tells the resident', async () => {
    const acceptedBefore = remaining(DEMO.resident, ACCEPTED);
    const completedBefore = remaining(DEMO.resident, COMPLETED);
    const { order, cloudCalls } = await submitOrderForm('阳台的灯不亮了，想请人来看看');
    expect(cloudCalls.subscribeRequests).toEqual([[ACCEPTED, COMPLETED, HANDED_BACK]]);
    expect(remaining(DEMO.resident, ACCEPTED)).toBe(acceptedBefore + 1);
    expect(remaining(DEMO.resident, COMPLETED)).toBe(completedBefore + 1);
    expect(sent(DEMO.resident, ACCEPTED, `pages/order-detail/index?id=${order.id}`)).toEqual([]);

    ok(await call(cloud, DEMO.volunteer, 'dispatch.accept', { orderId: order.id }));
    const [notice] = sent(DEMO.resident, ACCEPTED, `pages/order-detail/index?id=${order.id}`);
    expect(notice).toMatchObject({ data: { thing1: { value: '家电小修' }, name2: { value: '李建国' } } });
    // The one acceptance is used up by the one notice.
    expect(remaining(DEMO.resident, ACCEPTED)).toBe(acceptedBefore);
  });

  it('a refused subscription does not stop the order (and grants nothing)', async () => {
    const before = remaining(DEMO.resident, ACCEPTED);
    const { order, cloudCalls } = await submitOrderForm('门锁有点卡，钥匙不好拧', { subscribe: 'fail' });
    expect(cloudCalls.subscribeRequests).toEqual([[ACCEPTED, COMPLETED, HANDED_BACK]]);
    expect(order.status).toBe('pending');
    expect(remaining(DEMO.resident, ACCEPTED)).toBe(before);
    expect(cloudCalls.toasts).not.toContain('网络不给力，请检查网络后重试');
  });

  it('a requestSubscribeMessage that throws does not stop the order either', async () => {
    const { order, cloudCalls } = await submitOrderForm('热水器打不着火', { subscribe: 'throw' });
    expect(cloudCalls.subscribeRequests).toHaveLength(1);
    expect(cloudCalls.calls.filter((c) => c.data.action === 'order.create')).toHaveLength(1);
    expect(order.status).toBe('pending');
  });
});

describe('volunteer/activity', () => {
  it('报名 for a full activity asks for 候补 and 取消 notices; a withdrawal then tells me I got a place', async () => {
    const now = cloud.clock.now();
    const activity: ActivityView = ok(
      await call(cloud, DEMO.staff, 'activity.create', {
        name: '社区读书角整理',
        content: '整理捐赠的图书，贴标签上架',
        place: '幸福里社区活动中心二楼',
        startAt: new Date(now + 3 * 3600_000).toISOString(),
        endAt: new Date(now + 5 * 3600_000).toISOString(),
        capacity: 1,
        pointsPerHour: 10,
        clientRequestId: 'mp-sub-activity-0001',
      }),
    );
    ok(await call(cloud, DEMO.applicant, 'activity.signUp', { activityId: activity.id }));

    const cloudCalls = connectMiniProgram(cloud, DEMO.volunteer);
    const page = mount('volunteer/activity/index');
    page.instance.onLoad({ id: activity.id });
    await until(() => page.data.loading === false);
    page.querySelector('#signup')!.dispatchEvent('click');
    await until(() => (page.data.activity as ActivityView | null)?.mySignup?.status === 'waitlisted');
    await until(() => remaining(DEMO.volunteer, PROMOTED) > 0);
    expect(cloudCalls.subscribeRequests).toEqual([[PROMOTED, CANCELLED, ACTIVITY_REMINDER]]);
    expect(remaining(DEMO.volunteer, CANCELLED)).toBe(1);

    const activityPage = `volunteer/activity/index?id=${activity.id}`;
    expect(sent(DEMO.volunteer, PROMOTED, activityPage)).toEqual([]);
    ok(await call(cloud, DEMO.applicant, 'activity.withdraw', { activityId: activity.id }));
    expect(sent(DEMO.volunteer, PROMOTED, activityPage)).toHaveLength(1);
    expect(remaining(DEMO.volunteer, PROMOTED)).toBe(0);
  });
});

describe('volunteer hall and tasks', () => {
  it('抢单 asks for the next assignment, so staff assigning one tells the volunteer', async () => {
    const taken = await newOrder('帮忙取一个快递');
    const cloudCalls = connectMiniProgram(cloud, DEMO.volunteer);
    const page = mount('volunteer/hall/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    page.querySelector(`#accept-${taken.id}`)!.dispatchEvent('click');
    await until(() => !page.data.items.some((item: OrderView) => item.id === taken.id));
    await until(() => remaining(DEMO.volunteer, ASSIGNED) === 1);
    expect(cloudCalls.subscribeRequests).toEqual([[ASSIGNED, ORDER_CANCELLED, ORDER_REMINDER]]);

    const next = await newOrder('帮忙去超市买米和油');
    ok(await call(cloud, DEMO.staff, 'dispatch.assign', { orderId: next.id, volunteerOpenid: DEMO.volunteer }));
    expect(sent(DEMO.volunteer, ASSIGNED, 'volunteer/tasks/index')).toHaveLength(1);
    expect(remaining(DEMO.volunteer, ASSIGNED)).toBe(0);
  });

  it('accepting an assigned task asks for the next assignment too', async () => {
    const order = await newOrder('帮忙去药店买降压药');
    ok(await call(cloud, DEMO.staff, 'dispatch.assign', { orderId: order.id, volunteerOpenid: DEMO.applicant }));
    const cloudCalls = connectMiniProgram(cloud, DEMO.applicant);
    const page = mount('volunteer/tasks/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    page.querySelector(`#accept-${order.id}`)!.dispatchEvent('click');
    await until(() => Boolean(page.querySelector(`#start-${order.id}`)));
    await until(() => remaining(DEMO.applicant, ASSIGNED) === 1);
    expect(cloudCalls.subscribeRequests).toEqual([[ASSIGNED, ORDER_CANCELLED, ORDER_REMINDER]]);
    expect(ok(await call(cloud, DEMO.staff, 'order.get', { orderId: order.id })).order.status).toBe('accepted');
  });
});

describe('api/subscribe in local mode', () => {
  // The built modules the pages use, so the mode switched here is theirs.
  const { config } = require(path.join(MP_ROOT, 'config.js')) as { config: { develop: string; localUrl: string } };
  const { askToSubscribe } = require(path.join(MP_ROOT, 'api/subscribe.js')) as {
    askToSubscribe: (kinds: string[]) => Promise<void>;
  };

  it('posts at most 3 template ids to the local cloud as the developer identity, which grants them', async () => {
    connectMiniProgram(cloud, DEMO.resident);
    const saved = { develop: config.develop, localUrl: config.localUrl };
    const requests: Array<{ url: string; openid: string; data: unknown }> = [];
    // simulate's wx.request goes nowhere: forward it to the local cloud as the real one would.
    wx.request = (options) => {
      requests.push({ url: options.url, openid: options.header['x-wx-openid'] ?? '', data: options.data });
      postJson(options.url, options.data, options.header).then(
        ({ status, json }) => options.success?.({ statusCode: status, data: json }),
        (error: Error) => options.fail?.({ errMsg: error.message }),
      );
    };
    Object.assign(config, { develop: 'local', localUrl: cloud.url });
    try {
      const before = remaining(DEMO.resident, ASSIGNED);
      await askToSubscribe(['order_assigned', 'order_accepted', 'order_assigned', 'activity_promoted', 'activity_cancelled']);
      // Without a stored identity the developer identity is the first demo user, the resident.
      expect(requests).toEqual([
        { url: `${cloud.url}/client/requestSubscribeMessage`, openid: DEMO.resident, data: { tmplIds: [ASSIGNED, ACCEPTED, PROMOTED] } },
      ]);
      expect(remaining(DEMO.resident, ASSIGNED)).toBe(before + 1);
      expect(remaining(DEMO.resident, CANCELLED)).toBe(0);

      // An unreachable local cloud is no error for the caller.
      config.localUrl = 'http://127.0.0.1:9';
      await expect(askToSubscribe(['order_completed'])).resolves.toBeUndefined();
    } finally {
      Object.assign(config, saved);
    }
  });
});
