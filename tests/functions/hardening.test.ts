/** Fixes from the review of the 五单 functions, each pinned by a test. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../localcloud/src/server';
import { call, callRaw, DEMO, ok, phoneCode, snapshot, startLinli } from '../helpers/linli';

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
    const me = ok(await call(cloud, DEMO.staff, 'user.register', { consent: true, communityId: DEMO.community, name: '刘晓梅', phoneCode: await phoneCode(cloud, DEMO.staff, '13900000010'), address: { gridId: 'g2', building: '5栋', room: '301' } }));
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

describe('work lists page by keyset', () => {
  let cloud: LocalCloud;
  beforeAll(async () => {
    cloud = await startLinli();
    const order = (n: number) => ({
      collection: 'orders',
      doc: {
        _id: `keyset-${n}`, communityId: DEMO.community, residentOpenid: DEMO.resident, createdBy: DEMO.resident, clientRequestId: `keyset-request-${n}`,
        serviceId: 'svc-meal', serviceName: '助餐送餐', skills: ['送餐'], basePoints: 10, expectedMinutes: 30, description: `第 ${n} 单`,
        address: { gridId: 'g1', building: '2栋', unit: '1单元', room: '101' }, contactName: '张秀英', contactPhone: '13800000020',
        status: 'completed', assignee: DEMO.volunteer, assigneeName: '李建国', events: [], declines: [],
        createdAt: { $date: `2026-11-10T0${n}:00:00.000Z` }, dueAt: { $date: '2026-11-30T00:00:00.000Z' }, overdue: false,
        completedAt: { $date: `2026-11-10T0${n}:30:00.000Z` }, completion: { summary: '已送达', minutes: 20 },
      },
    });
    cloud.engine.importLines([1, 2, 3, 4, 5].map((n) => JSON.stringify(order(n))));
  });
  afterAll(() => cloud.close());

  it('scoring the first page does not make the next page skip orders', async () => {
    const first = ok(await call(cloud, DEMO.staff, 'scoring.pending', { limit: 2 }));
    expect(first.items.map((o) => o.id)).toEqual(['keyset-1', 'keyset-2']);
    for (const item of first.items) ok(await call(cloud, DEMO.staff, 'scoring.score', { orderId: item.id, score: 4 }));
    const second = ok(await call(cloud, DEMO.staff, 'scoring.pending', { limit: 2, cursor: first.nextCursor! }));
    expect(second.items.map((o) => o.id)).toEqual(['keyset-3', 'keyset-4']);
    const third = ok(await call(cloud, DEMO.staff, 'scoring.pending', { limit: 2, cursor: second.nextCursor! }));
    expect(third).toEqual({ items: [expect.objectContaining({ id: 'keyset-5' })], nextCursor: null });
  });

  it('a forged cursor is an input error', async () => {
    expect(await call(cloud, DEMO.staff, 'scoring.pending', { cursor: '[1,2,3]' })).toEqual({
      ok: false,
      error: { code: 'INVALID_INPUT', message: '分页参数无效，请从第一页重新加载' },
    });
  });
});

describe('the one-call first-screen actions refuse bad input and write nothing', () => {
  let cloud: LocalCloud;
  beforeAll(async () => {
    cloud = await startLinli();
  });
  afterAll(() => cloud.close());

  it.each([
    ['mall', 'mall.home', { limit: 0 }],
    ['points', 'points.overview', { limit: 'many' }],
    ['user', 'user.home', 'not an object'],
    ['catalog', 'catalog.list', { communityId: '' }],
  ] as const)('%s: %s with %j', async (name, action, input) => {
    const before = snapshot(cloud);
    const reply = await callRaw(cloud, DEMO.resident, name, { action, input });
    expect(reply).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(snapshot(cloud)).toBe(before);
  });

  it('mall.home and points.overview give the same numbers as the separate actions', async () => {
    const home = ok(await call(cloud, DEMO.resident, 'mall.home', {}));
    expect(home.balance).toBe(ok(await call(cloud, DEMO.resident, 'points.balance', {})).balance);
    expect(home.goods).toEqual(ok(await call(cloud, DEMO.resident, 'mall.goods', {})));
    const overview = ok(await call(cloud, DEMO.volunteer, 'points.overview', { limit: 5 }));
    expect(overview.ledger).toEqual(ok(await call(cloud, DEMO.volunteer, 'points.ledger', { limit: 5 })));
    expect(overview.balance).toBe(260);
  });
});

describe('photos on an order', () => {
  let cloud: LocalCloud;
  beforeAll(async () => {
    cloud = await startLinli();
  });
  afterAll(() => cloud.close());

  /** What wx.cloud.uploadFile does in local mode: a multipart POST to /client/uploadFile. */
  async function upload(openid: string, cloudPath: string, bytes: Buffer): Promise<string> {
    const form = new FormData();
    form.append('cloudPath', cloudPath);
    form.append('file', new Blob([bytes]), 'photo.jpg');
    const response = await fetch(`${cloud.url}/client/uploadFile`, { method: 'POST', headers: { 'x-wx-openid': openid }, body: form });
    const body = (await response.json()) as { fileID: string; errMsg: string };
    expect(body.errMsg).toBe('cloud.uploadFile:ok');
    return body.fileID;
  }

  it('keeps the resident’s photos with the order and shows them only with the contact details', async () => {
    const bytes = Buffer.from('fake jpeg bytes: a leaking tap');
    const fileID = await upload(DEMO.resident, `orders/${DEMO.resident}/photo-test-1.jpg`, bytes);
    const served = await fetch(`${cloud.url}/client/file?fileID=${encodeURIComponent(fileID)}`);
    expect(Buffer.from(await served.arrayBuffer())).toEqual(bytes);

    const { order } = ok(await call(cloud, DEMO.resident, 'order.create', { serviceId: 'svc-repair', description: '厨房水龙头漏水', photos: [fileID], clientRequestId: 'photo-order-0001' }));
    expect(order.photos).toEqual([fileID]);
    const hall = ok(await call(cloud, DEMO.volunteer, 'dispatch.hall', {}));
    // The hall lists the order without photos (a list carries summaries), and its page shows none before accepting.
    expect(hall.items.find((item) => item.id === order.id)).not.toHaveProperty('photos');
    expect(ok(await call(cloud, DEMO.volunteer, 'order.get', { orderId: order.id })).order.photos).toEqual([]);
    ok(await call(cloud, DEMO.volunteer, 'dispatch.accept', { orderId: order.id }));
    expect(ok(await call(cloud, DEMO.volunteer, 'order.get', { orderId: order.id })).order.photos).toEqual([fileID]);
  });

  it('refuses someone else’s photo, and more than three', async () => {
    const before = snapshot(cloud);
    const foreign = await upload(DEMO.volunteer, `orders/${DEMO.volunteer}/photo-test-2.jpg`, Buffer.from('x'));
    const afterUpload = snapshot(cloud);
    expect(afterUpload).toBe(before); // files are not database documents
    expect(await call(cloud, DEMO.resident, 'order.create', { serviceId: 'svc-repair', description: '修灯', photos: [foreign], clientRequestId: 'photo-order-0002' })).toEqual({
      ok: false,
      error: { code: 'FORBIDDEN', message: '只能附上自己上传的照片' },
    });
    const mine = `cloud://x.y/orders/${DEMO.resident}/a.jpg`;
    expect(await call(cloud, DEMO.resident, 'order.create', { serviceId: 'svc-repair', description: '修灯', photos: [mine, mine, mine, mine], clientRequestId: 'photo-order-0003' })).toEqual({
      ok: false,
      error: { code: 'INVALID_INPUT', message: '最多上传 3 张照片' },
    });
    expect(snapshot(cloud)).toBe(before);
  });
});
