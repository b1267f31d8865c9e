/**
 * From an empty database to a working community, only through the actions the pages call: the
 * deployer's setup code, the first administrator, a community with its grids, two staff joining by
 * invitation, a service whose points a second staff member approves, a volunteer who registered
 * with WeChat's verified phone, an order placed for an elder without WeChat (代点单), served, and
 * rated on the elder's behalf (代评).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../localcloud/src/server';
import { call, issueSetupCode, ok, phoneCode, startLinli } from '../helpers/linli';

const DIRECTOR = 'o-golive-director';
const STAFF_A = 'o-golive-staff-a';
const STAFF_B = 'o-golive-staff-b';
const VOLUNTEER = 'o-golive-volunteer';

describe('go-live: from an empty database to the first 代评', () => {
  let cloud: LocalCloud;
  beforeAll(async () => {
    cloud = await startLinli({ demo: false, admins: [], timers: [] });
  });
  afterAll(() => cloud?.close());

  it('takes a community from nothing to a rated order', async () => {
    expect(cloud.engine.collections.require('users').entries.size).toBe(0);

    // 1. The deployer's setup code (npm run deploy prints it) makes the first administrator.
    const setupCode = ok(await issueSetupCode(cloud)).code;
    expect(ok(await call(cloud, DIRECTOR, 'community.bootstrap', { code: setupCode, name: '王主任' })).roles).toEqual(['admin']);

    // 2. The community, its grids and buildings.
    const community = ok(
      await call(cloud, DIRECTOR, 'community.create', {
        name: '和平里社区',
        district: '和平街道',
        grids: [
          { id: 'g1', name: '第一网格', buildings: ['1栋', '2栋'] },
          { id: 'g2', name: '第二网格', buildings: ['3栋'] },
        ],
      }),
    );
    expect(community.grids.map((grid) => grid.id)).toEqual(['g1', 'g2']);

    // 3. Two staff members join by invitation (four eyes need two).
    for (const [openid, name, phone] of [
      [STAFF_A, '刘晓梅', '13800001001'],
      [STAFF_B, '陈建国', '13800001002'],
    ] as const) {
      const { code } = ok(await call(cloud, DIRECTOR, 'community.invite', { communityId: community.id, role: 'staff' }));
      expect(ok(await call(cloud, openid, 'community.join', { code, name, phone })).roles).toContain('staff');
    }

    // 4. A service: one proposes its points, the other approves, then residents see it.
    const service = ok(await call(cloud, STAFF_A, 'catalog.upsert', { name: '助餐送餐', category: '助老服务', skills: ['送餐'], expectedMinutes: 30, basePoints: 10, slaHours: 4 }));
    expect(service.awaitingListing).toBe(true);
    const [proposal] = ok(await call(cloud, STAFF_B, 'community.ruleChanges', { status: 'pending' })).items;
    ok(await call(cloud, STAFF_B, 'community.reviewRuleChange', { changeId: proposal!.id, decision: 'approve' }));
    expect(ok(await call(cloud, 'o-golive-passer-by', 'catalog.list', { communityId: community.id })).map((item) => [item.name, item.picture])).toEqual([['助餐送餐', 'meal']]);

    // 5. A resident registers with WeChat's phone number, applies as a volunteer, and is approved.
    const registered = ok(
      await call(cloud, VOLUNTEER, 'user.register', { communityId: community.id, name: '赵志愿', consent: true, phoneCode: await phoneCode(cloud, VOLUNTEER, '13900002001'), address: { gridId: 'g1', building: '1栋' } }),
    );
    expect(registered.profile).toMatchObject({ phone: '13900002001' });
    expect(registered.profile).not.toHaveProperty('phoneUnverified');
    ok(
      await call(cloud, VOLUNTEER, 'volunteer.apply', {
        realName: '赵志愿',
        birthDate: '1980-05-01',
        skills: ['送餐'],
        availability: '工作日晚上、周末',
        partyMember: false,
        gridId: 'g1',
        consent: true,
      }),
    );
    ok(await call(cloud, STAFF_B, 'volunteer.review', { openid: VOLUNTEER, decision: 'approve' }));

    // 6. 代点单: staff order for an elder without WeChat; the volunteer serves it.
    const { order } = ok(
      await call(cloud, STAFF_A, 'order.create', {
        serviceId: service.id,
        description: '张奶奶腿脚不便，请中午送一份午餐',
        clientRequestId: 'golive-order-0001',
        onBehalfOf: { name: '张奶奶', address: { gridId: 'g1', building: '2栋' } },
      }),
    );
    ok(await call(cloud, STAFF_A, 'dispatch.assign', { orderId: order.id, volunteerOpenid: VOLUNTEER }));
    ok(await call(cloud, VOLUNTEER, 'dispatch.accept', { orderId: order.id }));
    ok(await call(cloud, VOLUNTEER, 'dispatch.start', { orderId: order.id }));
    ok(await call(cloud, VOLUNTEER, 'dispatch.complete', { orderId: order.id, summary: '午餐已送到，张奶奶吃得很好', minutes: 30 }));

    // 7. 代评: the staff member who placed it records the elder's rating; it shows as such.
    const rated = ok(await call(cloud, STAFF_A, 'order.rateOnBehalf', { orderId: order.id, stars: 5, comment: '张奶奶说很满意' })).order;
    expect(rated.rating).toMatchObject({ stars: 5, comment: '张奶奶说很满意', onBehalf: { name: '刘晓梅' } });
    const overview = ok(await call(cloud, STAFF_B, 'stats.overview', {}));
    expect(overview).toMatchObject({ ratedOnBehalf: { ratedOrders: 1 } });
  });
});
