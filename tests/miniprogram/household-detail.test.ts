// @vitest-environment happy-dom
/**
 * A linker's pages against the real functions: household/detail shows one household they look
 * after with what is open for it and their visits, records a visit, and opens 代点单, which the
 * order form places for a member of that household at its door. The grid worker sees the household
 * without care flags or visits; someone else is told why they cannot. The rules themselves:
 * tests/functions/linkers.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HouseholdView } from '../../core/contract';
import type { HouseholdVisit, Order } from '../../core/model';
import type { LocalCloud } from '../../localcloud/src/server';
import { call, DEMO, ok, startLinli } from '../helpers/linli';
import { captureNavigation, connectMiniProgram, mount, type Page, settle, text, until } from '../helpers/mp';
import { docs, seed, userDoc } from '../helpers/seed';

const LINKER = 'hd-linker';
const NEIGHBOUR = 'hd-neighbour';

type WxNav = { redirectTo: (o: { url: string }) => void };
const wx = (globalThis as unknown as { wx: WxNav }).wx;

let cloud: LocalCloud;
let home: HouseholdView;
beforeAll(async () => {
  cloud = await startLinli({ timers: [] });
  seed(cloud, 'users', [
    userDoc(LINKER, '党员老周', { address: { gridId: 'g1', building: '2栋', unit: '1', room: '201' } }),
    userDoc(NEIGHBOUR, '邻居小吴', { address: { gridId: 'g1', building: '1栋', unit: '1', room: '102' } }),
  ]);
  home = ok(
    await call(cloud, DEMO.staff, 'household.upsert', {
      building: '1栋',
      unit: '1',
      room: '101',
      members: [
        { name: '孙奶奶', relation: '户主' },
        { name: '孙爷爷', relation: '配偶' },
      ],
      flags: ['空巢老人'],
      contactPhone: '13912340001',
    }),
  );
  ok(await call(cloud, DEMO.staff, 'household.assignLinker', { householdId: home.id, version: home.version, linker: LINKER }));
});
afterAll(() => cloud.close());

async function opened(openid: string): Promise<{ page: Page; calls: ReturnType<typeof connectMiniProgram> }> {
  const calls = connectMiniProgram(cloud, openid);
  const page = mount('household/detail/index');
  page.instance.onLoad({ householdId: home.id });
  await until(() => page.data.loading === false, 20_000);
  return { page, calls };
}

describe('household/detail', () => {
  it('the linker sees the household with its care flags, and records a visit', async () => {
    const { page, calls } = await opened(LINKER);
    expect(calls.calls.map((c) => c.data.action).sort()).toEqual(['household.get', 'household.visits']);
    expect(text(page, '#address')).toBe('第一网格 1栋 1单元 101');
    expect(text(page, '#household')).toContain('空巢老人');
    expect(text(page, '#members')).toBe('孙奶奶（户主）·未使用小程序、孙爷爷（配偶）·未使用小程序');
    expect(text(page, '#linker')).toBe('联户长：我');
    expect(text(page, '#no-orders')).toBe('没有进行中的订单');
    expect(text(page, '#no-visits')).toBe('还没有走访记录');

    page.querySelector('#visit')!.dispatchEvent('click');
    await until(() => page.data.formShown === true);
    // Nothing written without what was found.
    page.querySelector('#save-visit')!.dispatchEvent('click');
    await until(() => page.data.formError !== '');
    expect(text(page, '#visit-error')).toBe('请填写走访情况，如身体、生活、有什么需要');
    page.querySelector('#way-1')!.dispatchEvent('tap');
    page.querySelector('#visit-note')!.dispatchEvent('change', { detail: '孙奶奶说想有人陪着去医院复查' });
    await settle();
    page.querySelector('#save-visit')!.dispatchEvent('click');
    await until(() => page.data.visits.length === 1);
    expect(calls.calls.at(-1)!.data).toMatchObject({ action: 'household.visit', input: { householdId: home.id, way: '电话', note: '孙奶奶说想有人陪着去医院复查' } });
    expect(docs<HouseholdVisit>(cloud, 'household_visits').map((visit) => [visit.linkerOpenid, visit.way])).toEqual([[LINKER, '电话']]);
    expect(text(page, '#root')).toContain('孙奶奶说想有人陪着去医院复查');

    // A second one the same day is refused, and the page says why.
    page.querySelector('#visit')!.dispatchEvent('click');
    await until(() => page.data.formShown === true);
    page.querySelector('#visit-note')!.dispatchEvent('change', { detail: '又去看了一次' });
    await settle();
    page.querySelector('#save-visit')!.dispatchEvent('click');
    await until(() => page.data.formError !== '');
    expect(text(page, '#visit-error')).toContain('已记录过对该户的走访');
  });

  it('代点单 opens the order form for this household, which orders for the member chosen at its door', async () => {
    const { page } = await opened(LINKER);
    const urls = captureNavigation();
    page.querySelector('#order')!.dispatchEvent('click');
    await until(() => urls.length === 1);
    expect(urls[0]).toBe(`/pages/order-form/index?householdId=${home.id}`);

    connectMiniProgram(cloud, LINKER);
    let redirectedTo = '';
    wx.redirectTo = (o) => {
      redirectedTo = o.url;
    };
    const form = mount('pages/order-form/index');
    form.instance.onLoad({ householdId: home.id });
    await until(() => form.data.loading === false, 20_000);
    expect(text(form, '#for-household')).toContain('为 第一网格 1栋 1单元 101 代点单');
    expect(form.data.phone).toBe('13912340001');
    expect(form.querySelector('#unit')).toBeFalsy();
    form.querySelector('#description')!.dispatchEvent('change', { detail: '孙爷爷想理个发' });
    await settle();
    // No service picked yet: the form says so and sends nothing.
    form.querySelector('#submit')!.dispatchEvent('click');
    await until(() => form.data.serviceError !== '');
    expect(text(form, '#service-error')).toBe('请选择服务项目');
    form.querySelector('#member-1')!.dispatchEvent('tap');
    form.querySelector('#service-svc-repair')!.dispatchEvent('tap');
    await settle();
    form.querySelector('#submit')!.dispatchEvent('click');
    await until(() => redirectedTo !== '', 20_000);
    const order = docs<Order>(cloud, 'orders').find((item) => item.description === '孙爷爷想理个发')!;
    expect(order).toMatchObject({ householdId: home.id, contactName: '孙爷爷', createdBy: LINKER, residentOpenid: '', serviceId: 'svc-repair', address: { building: '1栋', unit: '1', room: '101' } });
    expect(redirectedTo).toBe(`/pages/order-detail/index?id=${order._id}`);

    // Back on the household's page, the order is open for it.
    const again = await opened(LINKER);
    expect(text(again.page, `#order-${order._id}`)).toContain('家电小修');
  });

  it('the grid worker sees the household without its care flags or visits; a neighbour is told why not', async () => {
    const grid = await opened(DEMO.grid);
    expect(text(grid.page, '#root')).not.toContain('空巢老人');
    expect(grid.page.querySelector('#visit')).toBeFalsy();
    expect(grid.page.querySelector('#order')).toBeTruthy();
    expect(text(grid.page, '#root')).not.toContain('走访记录');
    // Their 代点单 form does not fill in the phone they read masked (the cloud takes the household's).
    connectMiniProgram(cloud, DEMO.grid);
    const form = mount('pages/order-form/index');
    form.instance.onLoad({ householdId: home.id });
    await until(() => form.data.loading === false, 20_000);
    expect(form.data.phone).toBe('');
    expect(text(form, '#for-household')).toContain('1栋 1单元 101');
    const neighbour = await opened(NEIGHBOUR);
    expect(text(neighbour.page, '#root')).toContain('只有社区工作人员、网格员和该户的联户长可以查看');
  });
});
