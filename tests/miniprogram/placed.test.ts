// @vitest-environment happy-dom
/**
 * staff/placed (我代下的订单): a staff member finds again the orders they placed for residents, open
 * and finished, and opens one (where 代评 is offered); their own orders as a resident are not listed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderSummary } from '../../core/contract';
import type { LocalCloud } from '../../localcloud/src/server';
import { call, DEMO, ok, startLinli } from '../helpers/linli';
import { captureNavigation, connectMiniProgram, mount, text, until } from '../helpers/mp';

let cloud: LocalCloud;
beforeAll(async () => {
  cloud = await startLinli({ timers: [] });
});
afterAll(() => cloud.close());

const ids = (items: unknown) => (items as OrderSummary[]).map((item) => item.id);

describe('staff/placed', () => {
  it('lists the orders placed for others, open then finished, and opens one', async () => {
    const placeFor = async (name: string, requestId: string) =>
      ok(
        await call(cloud, DEMO.staff, 'order.create', {
          serviceId: 'svc-meal',
          description: `${name}要一份午餐`,
          clientRequestId: requestId,
          onBehalfOf: { name, address: { gridId: 'g1', building: '1栋' } },
        }),
      ).order;
    const first = await placeFor('张奶奶', 'placed-page-0001');
    const second = await placeFor('李爷爷', 'placed-page-0002');
    ok(await call(cloud, DEMO.staff, 'order.cancel', { orderId: second.id, reason: '家人已送餐' }));
    // A resident's own order, not placed by this staff member, is not theirs to follow here.
    const residents = ok(await call(cloud, DEMO.resident, 'order.create', { serviceId: 'svc-meal', description: '送一份午餐', clientRequestId: 'placed-page-0003' })).order;

    connectMiniProgram(cloud, DEMO.staff);
    const opened = captureNavigation();
    const page = mount('staff/placed/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    expect(ids(page.data.items)).toEqual([first.id]);
    expect(text(page, `#order-${first.id}`)).toContain('为 张奶奶 下单');
    expect(ids(page.data.items)).not.toContain(residents.id);

    page.querySelector('#tab-done')!.dispatchEvent('tap');
    await until(() => page.data.filter === 'done' && page.data.loading === false);
    expect(ids(page.data.items)).toEqual([second.id]);

    page.querySelector(`#order-${second.id}`)!.dispatchEvent('tap');
    await until(() => opened.length > 0);
    expect(opened).toEqual([`/pages/order-detail/index?id=${second.id}`]);

    // A resident (who placed nothing for others) has an empty list.
    expect(ok(await call(cloud, DEMO.resident, 'order.listMine', { placed: true })).items).toEqual([]);
  });
});
