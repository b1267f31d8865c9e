/**
 * 代评: an elder without WeChat, ordered for by staff or a grid worker (代点单), rates the service
 * through whoever placed the order. Only that person records it, never the volunteer who served it,
 * and the order and the statistics show it was recorded on the elder's behalf.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InputOf, OrderView } from '../../core/contract';
import type { Order, Volunteer } from '../../core/model';
import type { LocalCloud } from '../../localcloud/src/server';
import { requestsOf } from '../../bench/requests';
import { call, DEMO, ok, startLinli } from '../helpers/linli';
import { REPO_ROOT } from '../helpers/localcloud';
import { doc, expectRefused, GENEROUS_ORDER_LIMITS, seed, setCommunitySettings, userDoc, volunteerDoc } from '../helpers/seed';

/** Staff who also volunteers: the insider who would like to order, serve and praise alone. */
const STAFF_VOLUNTEER = 'rb-staff-volunteer';
const VOLUNTEER = 'rb-volunteer';
const ELDER_ADDRESS = { gridId: 'g1', building: '1栋', unit: '1单元', room: '103' };

const budget = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'bench/request-budget.json'), 'utf8')) as { loop: Record<string, number> };

let sequence = 0;
const requestId = () => `rb-${process.pid}-${String(++sequence).padStart(5, '0')}`;

describe('order.rateOnBehalf (代评)', () => {
  let cloud: LocalCloud;
  beforeAll(async () => {
    cloud = await startLinli();
    setCommunitySettings(cloud, GENEROUS_ORDER_LIMITS);
    seed(cloud, 'users', [userDoc(STAFF_VOLUNTEER, '王磊', { roles: ['staff'] }), userDoc(VOLUNTEER, '志愿者甲')]);
    seed(cloud, 'volunteers', [volunteerDoc(STAFF_VOLUNTEER, '王磊'), volunteerDoc(VOLUNTEER, '志愿者甲')]);
  });
  afterAll(() => cloud.close());

  const stored = (id: string) => doc<Order>(cloud, 'orders', id)!;
  const ratingStats = (openid: string) => {
    const { ratingSum, ratingCount } = doc<Volunteer>(cloud, 'volunteers', openid)!.stats;
    return { ratingSum, ratingCount };
  };

  async function placed(by: string, onBehalfOf: Partial<NonNullable<InputOf<'order.create'>['onBehalfOf']>> = {}): Promise<OrderView> {
    return ok(
      await call(cloud, by, 'order.create', {
        serviceId: 'svc-meal',
        description: '独居老人，没有微信，请上门送午饭',
        clientRequestId: requestId(),
        onBehalfOf: { name: '钱大爷', address: ELDER_ADDRESS, ...onBehalfOf },
      }),
    ).order;
  }
  async function served(order: OrderView, volunteer = VOLUNTEER): Promise<OrderView> {
    ok(await call(cloud, volunteer, 'dispatch.accept', { orderId: order.id }));
    return ok(await call(cloud, volunteer, 'dispatch.complete', { orderId: order.id, summary: '已送到，老人说饭菜可口', minutes: 30 })).order;
  }

  it('the staff member who placed it records the elder’s rating; the order names them and the volunteer’s counters move', async () => {
    const order = await placed(DEMO.staff);
    // Not before the service is done.
    await expectRefused(cloud, DEMO.staff, 'order.rateOnBehalf', { orderId: order.id, stars: 5 }, 'CONFLICT', '订单当前为“待派单”，不能评价');
    const done = await served(order);
    expect(ok(await call(cloud, DEMO.staff, 'order.get', { orderId: order.id })).order.allowed).toContain('rateOnBehalf');
    const before = ratingStats(VOLUNTEER);

    const rated = ok(await call(cloud, DEMO.staff, 'order.rateOnBehalf', { orderId: done.id, stars: 4, comment: '老人说小伙子很耐心' })).order;
    expect(rated.rating).toMatchObject({ stars: 4, comment: '老人说小伙子很耐心', onBehalf: { name: '刘晓梅' } });
    expect(rated.allowed).not.toContain('rateOnBehalf');
    expect(stored(order.id).rating).toMatchObject({ stars: 4, onBehalf: { by: DEMO.staff, name: '刘晓梅' } });
    expect(ratingStats(VOLUNTEER)).toEqual({ ratingSum: before.ratingSum + 4, ratingCount: before.ratingCount + 1 });
    // What a resident's own rating costs (bench/request-budget.json): the caller with the order, the rating, the counters.
    expect(requestsOf(cloud, 'order.rateOnBehalf').total).toBeLessThanOrEqual(budget.loop['order.rate']!);
    // What the volunteer sees says so too.
    expect(ok(await call(cloud, VOLUNTEER, 'order.get', { orderId: order.id })).order.rating?.onBehalf).toEqual({ name: '刘晓梅' });

    // Once.
    await expectRefused(cloud, DEMO.staff, 'order.rateOnBehalf', { orderId: order.id, stars: 1 }, 'CONFLICT', '这个订单已经评价过了');
  });

  it('a grid worker who placed it may too, also once the order is scored', async () => {
    const order = await served(await placed(DEMO.grid));
    ok(await call(cloud, DEMO.staff, 'scoring.score', { orderId: order.id, score: 5 }));
    const rated = ok(await call(cloud, DEMO.grid, 'order.rateOnBehalf', { orderId: order.id, stars: 5 })).order;
    expect(rated.rating?.onBehalf).toEqual({ name: '周网格' });
  });

  it('nobody else: not other staff, not the volunteer, not for a resident who can rate it themselves', async () => {
    const order = await served(await placed(DEMO.staff));
    await expectRefused(cloud, DEMO.staff2, 'order.rateOnBehalf', { orderId: order.id, stars: 5 }, 'FORBIDDEN', '只有代居民下单的工作人员可以代居民评价');
    expect(ok(await call(cloud, DEMO.staff2, 'order.get', { orderId: order.id })).order.allowed).not.toContain('rateOnBehalf');
    await expectRefused(cloud, VOLUNTEER, 'order.rateOnBehalf', { orderId: order.id, stars: 5 }, 'FORBIDDEN');
    // The placer cannot pass it off as the resident's own rating either.
    await expectRefused(cloud, DEMO.staff, 'order.rate', { orderId: order.id, stars: 5 }, 'FORBIDDEN');

    // Ordered for a resident with an account: the resident rates it, the placer does not.
    const theirs = await served(await placed(DEMO.staff, { name: '张秀英', residentOpenid: DEMO.resident, address: { gridId: 'g1', building: '2栋', room: '101' } }));
    await expectRefused(cloud, DEMO.staff, 'order.rateOnBehalf', { orderId: theirs.id, stars: 5 }, 'FORBIDDEN', '该订单的居民有自己的账号，请由居民本人评价');
    expect(ok(await call(cloud, DEMO.staff, 'order.get', { orderId: theirs.id })).order.allowed).not.toContain('rateOnBehalf');
    expect(ok(await call(cloud, DEMO.resident, 'order.rate', { orderId: theirs.id, stars: 3 })).order.rating).not.toHaveProperty('onBehalf');
  });

  it('a staff member who also volunteers cannot order for a made-up elder, serve it and praise it alone', async () => {
    const fake = await placed(STAFF_VOLUNTEER, { name: '不存在的老人' });
    await expectRefused(cloud, STAFF_VOLUNTEER, 'dispatch.accept', { orderId: fake.id }, 'FORBIDDEN');
    // Even an order that somehow has them as both placer and volunteer (written before the rule): no 代评.
    const id = (await served(await placed(STAFF_VOLUNTEER, { name: '另一位老人' }))).id;
    seed(cloud, 'orders', [{ ...stored(id), assignee: STAFF_VOLUNTEER, assigneeName: '王磊' }]);
    await expectRefused(cloud, STAFF_VOLUNTEER, 'order.rateOnBehalf', { orderId: id, stars: 5 }, 'FORBIDDEN', '不能评价自己承接的服务');
    // And they cannot score it either (separation of duties with the scorer stays).
    await expectRefused(cloud, STAFF_VOLUNTEER, 'scoring.score', { orderId: id, score: 5 }, 'FORBIDDEN');
  });

  it('the statistics tell 代评 from the residents’ own ratings', async () => {
    const overview = () => call(cloud, DEMO.staff2, 'stats.overview', {}).then(ok);
    const before = await overview();
    const proxy = await served(await placed(DEMO.staff));
    ok(await call(cloud, DEMO.staff, 'order.rateOnBehalf', { orderId: proxy.id, stars: 2 }));
    const own = await served(await placed(DEMO.staff, { name: '张秀英', residentOpenid: DEMO.resident, address: { gridId: 'g1', building: '2栋', room: '101' } }));
    ok(await call(cloud, DEMO.resident, 'order.rate', { orderId: own.id, stars: 5 }));

    const after = await overview();
    expect(after.ratedOrders).toBe(before.ratedOrders + 2);
    expect(after.ratedOnBehalf?.ratedOrders).toBe((before.ratedOnBehalf?.ratedOrders ?? 0) + 1);
    const sumBefore = (before.ratedOnBehalf?.averageStars ?? 0) * (before.ratedOnBehalf?.ratedOrders ?? 0);
    expect(after.ratedOnBehalf?.averageStars).toBeCloseTo((sumBefore + 2) / after.ratedOnBehalf!.ratedOrders, 1);
  });
});
