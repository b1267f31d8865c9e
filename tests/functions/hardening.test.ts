/** Fixes from the review of the 五单 functions, each pinned by a test. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../localcloud/src/server';
import { call, DEMO, ok, snapshot, startLinli } from '../helpers/linli';

const at = { $date: '2026-11-01T00:00:00.000Z' };

describe('review fixes', () => {
  let cloud: LocalCloud;
  beforeAll(async () => {
    cloud = await startLinli({ sensitiveWords: ['赌博'] });
    // A staff member who also volunteers.
    cloud.engine.importLines([
      JSON.stringify({ collection: 'users', doc: { _id: 'o-staff-volunteer', communityId: DEMO.community, name: '王磊', phone: '13800000060', address: { gridId: 'g1', building: '1栋' }, roles: ['staff'], createdAt: at, updatedAt: at } }),
      JSON.stringify({
        collection: 'volunteers',
        doc: {
          _id: 'o-staff-volunteer', communityId: DEMO.community, realName: '王磊', phone: '13800000060', birthDate: '1985-03-01', guardianConsent: false,
          skills: ['送餐'], availability: '周末', available: true, partyMember: false, gridId: 'g1', consentAt: at, status: 'approved', appliedAt: at,
          stats: { activeOrders: 0, completedOrders: 0, ratingSum: 0, ratingCount: 0 },
        },
      }),
    ]);
  });
  afterAll(() => cloud.close());

  it('staff cannot score an order they served themselves; a colleague can', async () => {
    const { order } = ok(await call(cloud, DEMO.resident, 'order.create', { serviceId: 'svc-meal', description: '送午饭', clientRequestId: 'harden-self-0001' }));
    ok(await call(cloud, 'o-staff-volunteer', 'dispatch.accept', { orderId: order.id }));
    ok(await call(cloud, 'o-staff-volunteer', 'dispatch.complete', { orderId: order.id, summary: '已送到', minutes: 20 }));
    const before = snapshot(cloud);
    expect(await call(cloud, 'o-staff-volunteer', 'scoring.score', { orderId: order.id, score: 5 })).toEqual({
      ok: false,
      error: { code: 'FORBIDDEN', message: '不能为自己承接的订单评分，请由其他工作人员评分' },
    });
    expect(snapshot(cloud)).toBe(before);
    expect(ok(await call(cloud, DEMO.staff, 'scoring.score', { orderId: order.id, score: 5 })).points).toBe(12);
  });

  it('a staff member who registers as a resident gets their home address and phone saved', async () => {
    const me = ok(await call(cloud, DEMO.staff, 'user.register', { communityId: DEMO.community, name: '刘晓梅', phone: '13900000010', address: { gridId: 'g2', building: '5栋', room: '301' } }));
    expect(me.roles.sort()).toEqual(['resident', 'staff']);
    expect(me.profile).toMatchObject({ phone: '13900000010', address: { gridId: 'g2', building: '5栋', room: '301' } });
  });

  it('a garbled paging cursor is a clear input error, not a system error', async () => {
    expect(await call(cloud, DEMO.staff, 'volunteer.list', { cursor: 'zzzzzzzzzzzzzzzz~a' })).toEqual({
      ok: false,
      error: { code: 'INVALID_INPUT', message: '分页参数无效，请刷新列表' },
    });
  });

  it('checks the preferred time, which volunteers read in the hall', async () => {
    const before = snapshot(cloud);
    expect(
      await call(cloud, DEMO.resident, 'order.create', { serviceId: 'svc-meal', description: '送午饭', preferredTime: '来了一起赌博', clientRequestId: 'harden-time-0001' }),
    ).toEqual({ ok: false, error: { code: 'CONTENT_RISKY', message: '期望时间含有不适宜发布的内容，请修改后再提交' } });
    expect(snapshot(cloud)).toBe(before);
  });

  it('checks a redemption’s cancel reason', async () => {
    const { redemption } = ok(await call(cloud, DEMO.resident, 'mall.redeem', { goodsId: 'goods-towel', quantity: 1, clientRequestId: 'harden-redeem-0001' }));
    const before = snapshot(cloud);
    expect(await call(cloud, DEMO.resident, 'mall.cancel', { redemptionId: redemption.id, reason: '拿去赌博' })).toMatchObject({ ok: false, error: { code: 'CONTENT_RISKY' } });
    expect(snapshot(cloud)).toBe(before);
    ok(await call(cloud, DEMO.resident, 'mall.cancel', { redemptionId: redemption.id, reason: '不需要了' }));
  });

  it('invitation codes are 12 hard-to-guess characters, typed in any case and with dashes', async () => {
    const { code } = ok(await call(cloud, DEMO.staff, 'community.invite', { communityId: DEMO.community, role: 'grid_worker', gridIds: ['g1'] }));
    expect(code).toMatch(/^[A-HJKMNP-Z2-9]{12}$/);
    const typed = `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`.toLowerCase();
    const me = ok(await call(cloud, 'o-new-grid-worker', 'community.join', { code: typed, name: '网格员小赵', phone: '13900000011' }));
    expect(me.roles).toEqual(['grid_worker']);
  });
});
