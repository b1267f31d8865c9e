// @vitest-environment happy-dom
/** The order detail page: timeline, cancel with a reason, rate with stars (real cloud functions). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../localcloud/src/server';
import { call, DEMO, ok, snapshot, startLinli } from '../helpers/linli';
import { connectMiniProgram, mount, settle, text, until } from '../helpers/mp';

type ModalResult = { confirm: boolean; cancel: boolean; content?: string };
type WxModal = { showModal: (o: { success?: (r: ModalResult) => void }) => void };
const wx = (globalThis as unknown as { wx: WxModal }).wx;

function answerModal(result: Partial<ModalResult>): void {
  wx.showModal = (o) => o.success?.({ confirm: false, cancel: false, ...result });
}

describe('pages/order-detail', () => {
  let cloud: LocalCloud;
  beforeAll(async () => {
    cloud = await startLinli();
  });
  afterAll(() => cloud.close());

  async function createOrder(description: string, requestId: string) {
    return ok(await call(cloud, DEMO.resident, 'order.create', { serviceId: 'svc-errand', description, clientRequestId: requestId })).order;
  }

  it('shows the status and timeline, and cancels with a reason', async () => {
    const order = await createOrder('帮忙去药店买降压药', 'mp-detail-cancel-1');
    connectMiniProgram(cloud, DEMO.resident);
    const page = mount('pages/order-detail/index');
    page.instance.onLoad({ id: order.id });
    await until(() => page.data.loading === false);
    expect(text(page, '#status')).toBe('待派单');
    expect(text(page, '#timeline')).toContain('待派单');
    expect(text(page, '#assignee')).toContain('等待安排');

    answerModal({ confirm: true, content: '家人已经买回来了' });
    page.querySelector('#cancel')!.dispatchEvent('click');
    await until(() => page.data.order?.status === 'cancelled');
    const stored = ok(await call(cloud, DEMO.resident, 'order.get', { orderId: order.id })).order;
    expect(stored.status).toBe('cancelled');
    expect(text(page, '#status')).toBe('已取消');
    expect(page.querySelector('#cancel')).toBeFalsy();
  });

  it('does not cancel without a reason', async () => {
    const order = await createOrder('帮忙取个快递', 'mp-detail-cancel-2');
    const calls = connectMiniProgram(cloud, DEMO.resident);
    const page = mount('pages/order-detail/index');
    page.instance.onLoad({ id: order.id });
    await until(() => page.data.loading === false);
    const before = snapshot(cloud);
    answerModal({ confirm: true, content: '  ' });
    page.querySelector('#cancel')!.dispatchEvent('click');
    await settle(20);
    expect(calls.toasts).toContain('请填写取消原因');
    expect(calls.calls.map((c) => c.data.action)).toEqual(['order.get']);
    expect(snapshot(cloud)).toBe(before);
  });

  it('a completed order is rated with stars and a comment', async () => {
    const order = await createOrder('帮忙交一下水电费', 'mp-detail-rate-1');
    ok(await call(cloud, DEMO.staff, 'dispatch.assign', { orderId: order.id, volunteerOpenid: DEMO.volunteer }));
    ok(await call(cloud, DEMO.volunteer, 'dispatch.accept', { orderId: order.id }));
    ok(await call(cloud, DEMO.volunteer, 'dispatch.start', { orderId: order.id }));
    ok(await call(cloud, DEMO.volunteer, 'dispatch.complete', { orderId: order.id, summary: '已到营业厅缴清', minutes: 40 }));

    connectMiniProgram(cloud, DEMO.resident);
    const page = mount('pages/order-detail/index');
    page.instance.onLoad({ id: order.id });
    await until(() => page.data.loading === false);
    expect(text(page, '#assignee')).toContain('李建国');
    expect(text(page, '#completion')).toContain('已到营业厅缴清');
    expect(text(page, '#completion')).toContain('40 分钟');

    page.querySelector('#rate')!.dispatchEvent('click');
    await settle(20);
    expect(text(page, '#rate-error')).toBe('请点星星打分');

    page.querySelector('#stars')!.dispatchEvent('change', { detail: 5 });
    page.querySelector('#comment')!.dispatchEvent('change', { detail: '小伙子很热心' });
    await settle();
    page.querySelector('#rate')!.dispatchEvent('click');
    await until(() => page.data.order?.rating !== undefined);
    const stored = ok(await call(cloud, DEMO.resident, 'order.get', { orderId: order.id })).order;
    expect(stored.rating).toMatchObject({ stars: 5, comment: '小伙子很热心' });
    expect(text(page, '#rating')).toContain('小伙子很热心');
    expect(page.querySelector('#rate-form')).toBeFalsy();
  });

  it('the staff member who ordered for an elder without WeChat records the elder’s rating (代评), marked as such', async () => {
    const order = ok(
      await call(cloud, DEMO.staff, 'order.create', {
        serviceId: 'svc-errand',
        description: '老人没有微信，请帮忙取药',
        clientRequestId: 'mp-detail-proxy-1',
        onBehalfOf: { name: '钱大爷', address: { gridId: 'g1', building: '1栋', room: '103' } },
      }),
    ).order;
    ok(await call(cloud, DEMO.staff2, 'dispatch.assign', { orderId: order.id, volunteerOpenid: DEMO.volunteer }));
    ok(await call(cloud, DEMO.volunteer, 'dispatch.accept', { orderId: order.id }));
    ok(await call(cloud, DEMO.volunteer, 'dispatch.complete', { orderId: order.id, summary: '药已送到老人家中', minutes: 30 }));

    // Another staff member sees the order but no form: only the one who placed it asked the elder.
    connectMiniProgram(cloud, DEMO.staff2);
    const other = mount('pages/order-detail/index');
    other.instance.onLoad({ id: order.id });
    await until(() => other.data.loading === false);
    expect(other.querySelector('#rate-form')).toBeFalsy();

    const calls = connectMiniProgram(cloud, DEMO.staff);
    const page = mount('pages/order-detail/index');
    page.instance.onLoad({ id: order.id });
    await until(() => page.data.loading === false);
    expect(text(page, '#rate-form')).toContain('代居民评价');
    expect(text(page, '#rate-hint')).toContain('询问居民');
    page.querySelector('#stars')!.dispatchEvent('change', { detail: 4 });
    page.querySelector('#comment')!.dispatchEvent('change', { detail: '老人说送得很及时' });
    await settle();
    page.querySelector('#rate')!.dispatchEvent('click');
    await until(() => page.data.order?.rating !== undefined);
    expect(calls.calls.map((c) => c.data.action)).toContain('order.rateOnBehalf');
    expect(ok(await call(cloud, DEMO.volunteer, 'order.get', { orderId: order.id })).order.rating).toMatchObject({ stars: 4, onBehalf: { name: '刘晓梅' } });
    expect(text(page, '#rating')).toContain('老人说送得很及时');
    expect(text(page, '#rating-on-behalf')).toBe('代评（由 刘晓梅 代居民评价）');
    expect(page.querySelector('#rate-form')).toBeFalsy();
  });

  it('shows the order’s photos, and opens them large on tap', async () => {
    const fileID = await cloud.storage.save(`orders/${DEMO.resident}/detail-photo.jpg`, Buffer.from('jpeg'));
    const { order } = ok(await call(cloud, DEMO.resident, 'order.create', { serviceId: 'svc-repair', description: '门锁坏了', photos: [fileID], clientRequestId: 'detail-photo-0001' }));
    connectMiniProgram(cloud, DEMO.resident);
    let previewed: string[] = [];
    (globalThis as unknown as { wx: { previewImage: (o: { urls: string[] }) => void } }).wx.previewImage = (options) => {
      previewed = options.urls;
    };
    const page = mount('pages/order-detail/index');
    page.instance.onLoad({ id: order.id });
    await until(() => page.data.loading === false);
    // On the real cloud an <image> takes the fileID itself.
    expect(page.data.photoUrls).toEqual([fileID]);
    const image = page.querySelector('.photo')!;
    image.dispatchEvent('tap');
    await until(() => previewed.length > 0);
    expect(previewed).toEqual([fileID]);
  });

  it('says so when the order cannot be found', async () => {
    connectMiniProgram(cloud, DEMO.resident);
    const page = mount('pages/order-detail/index');
    page.instance.onLoad({ id: 'no-such-order' });
    await until(() => page.data.loading === false);
    expect(text(page, '#error')).not.toBe('');
  });
});
