// @vitest-environment happy-dom
/** The order form against the real cloud functions on the local cloud. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../localcloud/src/server';
import { call, DEMO, ok, snapshot, startLinli } from '../helpers/linli';
import { connectMiniProgram, mount, settle, text, until } from '../helpers/mp';

type WxNav = { redirectTo: (o: { url: string }) => void };
const wx = (globalThis as unknown as { wx: WxNav }).wx;

describe('pages/order-form', () => {
  let cloud: LocalCloud;
  beforeAll(async () => {
    cloud = await startLinli();
  });
  afterAll(() => cloud.close());

  it('a resident fills the form and submits: the order exists and the page goes to its detail', async () => {
    const cloudCalls = connectMiniProgram(cloud, DEMO.resident);
    let redirectedTo = '';
    wx.redirectTo = (o) => {
      redirectedTo = o.url;
    };
    const page = mount('pages/order-form/index');
    page.instance.onLoad({ serviceId: 'svc-repair' });
    await until(() => page.data.loading === false);
    expect(text(page, '#service')).toContain('家电小修');
    expect(page.data.phone).toBe('13800000020');
    expect(page.data.room).toBe('101');

    page.querySelector('#description')!.dispatchEvent('change', { detail: '厨房的电饭煲不通电了' });
    page.querySelector('#room')!.dispatchEvent('change', { detail: '102' });
    page.querySelector('#time')!.dispatchEvent('change', { detail: '明天上午' });
    await settle();
    page.querySelector('#submit')!.dispatchEvent('click');
    await until(() => redirectedTo !== '');

    const mine = ok(await call(cloud, DEMO.resident, 'order.listMine', {}));
    const order = mine.items.find((o) => o.description === '厨房的电饭煲不通电了');
    expect(order).toBeDefined();
    expect(order!.serviceName).toBe('家电小修');
    expect(order!.address).toMatchObject({ gridId: 'g1', building: '2栋', unit: '1单元', room: '102' });
    expect(order!.preferredTime).toBe('明天上午');
    expect(redirectedTo).toBe(`/pages/order-detail/index?id=${order!.id}`);
    expect(cloudCalls.calls.filter((c) => c.data.action === 'order.create')).toHaveLength(1);
  });

  it('attaches photos: each is uploaded under the resident’s folder and kept with the order', async () => {
    connectMiniProgram(cloud, DEMO.resident);
    let redirectedTo = '';
    wx.redirectTo = (o) => {
      redirectedTo = o.url;
    };
    const photo = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'linli-photo-')), 'tap.jpg');
    fs.writeFileSync(photo, Buffer.from('a photo of the dripping tap'));
    const page = mount('pages/order-form/index');
    page.instance.onLoad({ serviceId: 'svc-repair' });
    await until(() => page.data.loading === false);
    page.querySelector('#photos')!.dispatchEvent('after-read', { detail: { file: { url: photo } } });
    await until(() => page.data.photos.length === 1 && page.data.uploading === false);
    page.querySelector('#description')!.dispatchEvent('change', { detail: '卫生间水龙头一直滴水' });
    await settle();
    page.querySelector('#submit')!.dispatchEvent('click');
    await until(() => redirectedTo !== '');

    const mine = ok(await call(cloud, DEMO.resident, 'order.listMine', {}));
    const listed = mine.items.find((o) => o.description === '卫生间水龙头一直滴水')!;
    // Lists carry summaries; the photos are on the order's own page.
    const { order } = ok(await call(cloud, DEMO.resident, 'order.get', { orderId: listed.id }));
    expect(order.photos).toHaveLength(1);
    expect(order.photos[0]).toContain(`/orders/${DEMO.resident}/`);
    const stored = await cloud.storage.read(order.photos[0]!.split('/').slice(3).join('/'));
    expect(stored?.toString()).toBe('a photo of the dripping tap');
  });

  it('a second tap reuses the request id, so only one order is created', async () => {
    connectMiniProgram(cloud, DEMO.resident);
    wx.redirectTo = () => {};
    const page = mount('pages/order-form/index');
    page.instance.onLoad({ serviceId: 'svc-clean' });
    await until(() => page.data.loading === false);
    page.querySelector('#description')!.dispatchEvent('change', { detail: '请帮忙打扫一下客厅' });
    await settle();
    await page.instance.onSubmit();
    const requestId = page.data.requestId;
    await page.instance.onSubmit();
    expect(page.data.requestId).toBe(requestId);
    const mine = ok(await call(cloud, DEMO.resident, 'order.listMine', {}));
    expect(mine.items.filter((o) => o.description === '请帮忙打扫一下客厅')).toHaveLength(1);
  });

  it('validates before sending: no description, no call, nothing written', async () => {
    const cloudCalls = connectMiniProgram(cloud, DEMO.resident);
    const page = mount('pages/order-form/index');
    page.instance.onLoad({ serviceId: 'svc-repair' });
    await until(() => page.data.loading === false);
    const before = snapshot(cloud);
    page.querySelector('#phone')!.dispatchEvent('change', { detail: '12345' });
    await settle();
    page.querySelector('#submit')!.dispatchEvent('click');
    await settle(20);
    expect(page.data.errors.description).toBe('请说明需要什么帮助');
    expect(page.data.errors.phone).toBe('请填写 11 位手机号码');
    expect(text(page, '#description')).toContain('请说明需要什么帮助');
    expect(cloudCalls.calls.map((c) => c.data.action)).toEqual(['user.home']);
    expect(snapshot(cloud)).toBe(before);
  });
});
