// @vitest-environment happy-dom
/** My orders (TAB): open/done filter, paging and opening a detail, on the real cloud functions. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../localcloud/src/server';
import { call, DEMO, ok, startLinli } from '../helpers/linli';
import { GENEROUS_ORDER_LIMITS, setCommunitySettings } from '../helpers/seed';
import { connectMiniProgram, mount, text, until } from '../helpers/mp';

type WxNav = { navigateTo: (o: { url: string }) => void };
const wx = (globalThis as unknown as { wx: WxNav }).wx;

describe('pages/orders', () => {
  let cloud: LocalCloud;
  const ids: string[] = [];
  beforeAll(async () => {
    cloud = await startLinli();
    // More orders from one resident than the limits allow: this suite is about pages, not limits.
    setCommunitySettings(cloud, GENEROUS_ORDER_LIMITS);
    for (let i = 0; i < 22; i += 1) {
      const reply = ok(
        await call(cloud, DEMO.resident, 'order.create', { serviceId: 'svc-company', description: `陪我聊聊天 第${i + 1}次`, clientRequestId: `mp-orders-${String(i).padStart(4, '0')}` }),
      );
      ids.push(reply.order.id);
    }
    ok(await call(cloud, DEMO.resident, 'order.cancel', { orderId: ids[0]!, reason: '不需要了' }));
  });
  afterAll(() => cloud.close());

  it('lists my open orders a page at a time, and the finished ones on the other tab', async () => {
    const cloudCalls = connectMiniProgram(cloud, DEMO.resident);
    const page = mount('pages/orders/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    expect(page.querySelectorAll('.order')).toHaveLength(20);
    expect(text(page, '#list')).toContain('待派单');
    expect(text(page, '#more')).toBe('加载更多');

    page.instance.onReachBottom();
    await until(() => page.data.items.length === 21);
    expect(page.data.nextCursor).toBeNull();
    expect(text(page, '#list')).not.toContain('第1次');
    expect(new Set(page.data.items.map((o: { id: string }) => o.id)).size).toBe(21);

    page.querySelector('#tab-done')!.dispatchEvent('tap');
    await until(() => page.data.filter === 'done' && page.data.loading === false);
    expect(page.querySelectorAll('.order')).toHaveLength(1);
    expect(text(page, '#list')).toContain('陪我聊聊天 第1次');
    expect(text(page, '#list')).toContain('已取消');
    expect(cloudCalls.calls.map((c) => c.data.action)).toEqual(['order.listMine', 'order.listMine', 'order.listMine']);
  });

  it('opens an order’s detail on tap', async () => {
    connectMiniProgram(cloud, DEMO.resident);
    let navigatedTo = '';
    wx.navigateTo = (o) => {
      navigatedTo = o.url;
    };
    const page = mount('pages/orders/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    const first = page.data.items[0] as { id: string };
    page.querySelectorAll('.order')[0]!.dispatchEvent('click');
    await until(() => navigatedTo !== '');
    expect(navigatedTo).toBe(`/pages/order-detail/index?id=${first.id}`);
  });

  it('shows an empty state to someone with no orders', async () => {
    connectMiniProgram(cloud, DEMO.applicant);
    const page = mount('pages/orders/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    expect(text(page, '#empty')).toContain('暂无进行中的订单');
  });
});
