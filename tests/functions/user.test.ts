/** The `user` function through /client/callFunction, on the demo data. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../localcloud/src/server';
import { call, callRaw, DEMO, ok, phoneCode, snapshot, startLinli } from '../helpers/linli';

describe('user', () => {
  let cloud: LocalCloud;
  beforeAll(async () => {
    cloud = await startLinli();
  });
  afterAll(() => cloud.close());

  const address = { gridId: 'g1', building: '1栋', unit: '2单元', room: '301' };

  it('an unknown caller is nobody yet', async () => {
    const me = ok(await call(cloud, 'o-newcomer', 'user.me', {}));
    expect(me).toEqual({ openid: 'o-newcomer', roles: [] });
  });

  it('registers as a resident of a community, once', async () => {
    const me = ok(await call(cloud, 'o-new-resident', 'user.register', { consent: true, communityId: DEMO.community, name: '王阿姨', phoneCode: await phoneCode(cloud, 'o-new-resident', '13800000001'), address }));
    expect(me).toMatchObject({ roles: ['resident'], communityId: DEMO.community, profile: { name: '王阿姨', communityName: '幸福里社区' } });
    const again = await call(cloud, 'o-new-resident', 'user.register', { consent: true, communityId: DEMO.community, name: '王阿姨', phoneCode: await phoneCode(cloud, 'o-new-resident', '13800000001'), address });
    expect(again.ok).toBe(true);
  });

  it('refuses an address outside the community, writing nothing', async () => {
    const before = snapshot(cloud);
    const reply = await call(cloud, 'o-lost', 'user.register', { consent: true, communityId: DEMO.community, name: '李伯', phoneCode: await phoneCode(cloud, 'o-lost', '13800000002'), address: { gridId: 'g1', building: '9栋' } });
    expect(reply).toEqual({ ok: false, error: { code: 'INVALID_INPUT', message: '第一网格没有9栋' } });
    expect(snapshot(cloud)).toBe(before);
  });

  it('explains a bad phone number in Chinese', async () => {
    const reply = await call(cloud, 'o-lost', 'user.register', { consent: true, communityId: DEMO.community, name: '李伯', phoneCode: await phoneCode(cloud, 'o-lost', '12345'), address });
    expect(reply).toEqual({ ok: false, error: { code: 'INVALID_INPUT', message: '请填写 11 位手机号码' } });
  });

  it('answers an unknown action and a malformed request with stable codes', async () => {
    expect(await callRaw(cloud, 'o-x', 'user', { action: 'user.fly', input: {} })).toMatchObject({ ok: false, error: { code: 'UNKNOWN_ACTION' } });
    expect(await callRaw(cloud, 'o-x', 'user', { action: 'order.create', input: {} })).toMatchObject({ ok: false, error: { code: 'UNKNOWN_ACTION' } });
    expect(await callRaw(cloud, 'o-x', 'user', 'nonsense')).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('refuses a bad profile update, writing nothing', async () => {
    const before = snapshot(cloud);
    // A phone is no longer typed into the profile: it comes from WeChat's button through user.bindPhone.
    expect(await call(cloud, DEMO.resident, 'user.bindPhone', { code: 'forged-code' })).toEqual({
      ok: false,
      error: { code: 'INVALID_INPUT', message: '手机号验证已失效，请重新点击获取手机号' },
    });
    expect(await call(cloud, DEMO.resident, 'user.updateProfile', { address: { gridId: 'g9', building: '1栋' } })).toEqual({
      ok: false,
      error: { code: 'INVALID_INPUT', message: '所选网格不属于该社区' },
    });
    expect(snapshot(cloud)).toBe(before);
  });

  it('profile updates need a registration', async () => {
    expect(await call(cloud, 'o-stranger', 'user.updateProfile', { name: '张三' })).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    const me = ok(await call(cloud, 'o-new-resident', 'user.bindPhone', { code: await phoneCode(cloud, 'o-new-resident', '13900000009') }));
    expect(me.profile?.phone).toBe('13900000009');
  });
});

describe('input errors name the field when the message is zod’s generic one', () => {
  let cloud: LocalCloud;
  beforeAll(async () => {
    cloud = await startLinli();
  });
  afterAll(() => cloud.close());

  it('a wrong type says which field', async () => {
    const reply = await call(cloud, DEMO.volunteer, 'volunteer.setAvailable', { available: 'yes' as unknown as boolean });
    expect(reply.ok).toBe(false);
    if (!reply.ok) {
      expect(reply.error.code).toBe('INVALID_INPUT');
      expect(reply.error.message).not.toContain('\u2063');
      expect(reply.error.message).toMatch(/boolean|是/);
    }
  });

  it('a nested missing field says its path', async () => {
    const reply = await call(cloud, 'o-field-test', 'user.register', {
      consent: true,
      communityId: DEMO.community,
      name: '赵大爷',
      phoneCode: 'never-exchanged',
      address: { building: '1栋' } as never,
    });
    expect(reply).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    if (!reply.ok) expect(reply.error.message).toContain('address.gridId');
  });
});

describe('user.home: the resident home page in one call', () => {
  let cloud: LocalCloud;
  beforeAll(async () => {
    cloud = await startLinli();
  });
  afterAll(() => cloud.close());

  it('gives a resident their community’s services, open orders and points', async () => {
    const created = ok(await call(cloud, DEMO.resident, 'order.create', { serviceId: 'svc-meal', description: '中午送一份饭', clientRequestId: 'home-test-0001' }));
    const home = ok(await call(cloud, DEMO.resident, 'user.home', {}));
    expect(home.me.roles).toEqual(['resident']);
    expect(home.communityName).toBe('幸福里社区');
    expect(home.services.map((service) => service.id).sort()).toEqual(['svc-clean', 'svc-company', 'svc-errand', 'svc-haircut', 'svc-hospital', 'svc-meal', 'svc-repair']);
    expect(home.openOrders.map((order) => order.id)).toEqual([created.order.id]);
    expect(home.openOrderCount).toBe(1);
    expect(home.balance).toBe(60);
  });

  it('gives a newcomer an empty home to register from', async () => {
    expect(ok(await call(cloud, 'o-home-newcomer', 'user.home', {}))).toEqual({
      me: { openid: 'o-home-newcomer', roles: [] },
      services: [],
      openOrders: [],
      openOrderCount: 0,
      balance: 0,
    });
  });
});

describe('the caller in one request', () => {
  let cloud: LocalCloud;
  beforeAll(async () => {
    cloud = await startLinli();
  });
  afterAll(() => cloud.close());

  const address = { gridId: 'g1', building: '2栋', unit: '1单元', room: '303' };
  const application = { realName: '赵志强', birthDate: '1985-03-02', skills: ['送餐'], availability: '周末', partyMember: false, gridId: 'g1', consent: true as const };
  const lastInvocation = (action: string) => cloud.runtime.recent(200).find((record) => record.action === action)!;

  const requests = (action: string) => Object.values(lastInvocation(action).database).reduce((a, b) => a + b, 0);

  it('roles follow the volunteer record itself: none, applied, approved — each call one request for the caller', async () => {
    ok(await call(cloud, 'o-one-read', 'user.register', { consent: true, communityId: DEMO.community, name: '赵志强', phoneCode: await phoneCode(cloud, 'o-one-read', '13800000077'), address }));
    const me = ok(await call(cloud, 'o-one-read', 'user.me', {}));
    expect(me.volunteer).toBeUndefined();
    // The user, their volunteer record, community and points account: one aggregate, nothing else.
    expect(lastInvocation('user.me').database).toEqual({ 'database.aggregateDocuments': 1 });
    expect(me.profile?.communityName).toBe('幸福里社区');
    ok(await call(cloud, 'o-one-read', 'volunteer.apply', application));
    expect(ok(await call(cloud, 'o-one-read', 'user.me', {})).roles).not.toContain('volunteer');
    ok(await call(cloud, DEMO.staff, 'volunteer.review', { openid: 'o-one-read', decision: 'approve' }));
    const approved = ok(await call(cloud, 'o-one-read', 'user.me', {}));
    expect(approved.roles).toContain('volunteer');
    expect(approved.volunteer?.status).toBe('approved');
  });

  it('what an action reads by its input comes in the caller’s request', async () => {
    // dispatch.start declares `reads` for its order: the caller and the (missing) order, one request.
    const reply = await call(cloud, 'o-one-read', 'dispatch.start', { orderId: 'no-such-order' });
    expect(reply).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: '订单不存在' } });
    expect(requests('dispatch.start')).toBe(1);
    // Someone with no user document is not a volunteer, whatever the input names (and it is not read for them).
    const stranger = await call(cloud, 'o-nobody-here', 'dispatch.start', { orderId: 'no-such-order' });
    expect(stranger).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    // Invalid input names nothing: no read is made for it, and the caller still learns only the role check first.
    const forbidden = await call(cloud, DEMO.resident, 'dispatch.start', { orderId: '' });
    expect(forbidden).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('a rejected application clears the role, and re-applying leaves it pending', async () => {
    ok(await call(cloud, 'o-reject-me', 'user.register', { consent: true, communityId: DEMO.community, name: '孙晓', phoneCode: await phoneCode(cloud, 'o-reject-me', '13800000078'), address }));
    ok(await call(cloud, 'o-reject-me', 'volunteer.apply', { ...application, realName: '孙晓' }));
    ok(await call(cloud, DEMO.staff, 'volunteer.review', { openid: 'o-reject-me', decision: 'reject', note: '请补充服务时间' }));
    const rejected = ok(await call(cloud, 'o-reject-me', 'user.me', {}));
    expect(rejected.volunteer?.status).toBe('rejected');
    expect(rejected.roles).not.toContain('volunteer');
    ok(await call(cloud, 'o-reject-me', 'volunteer.apply', { ...application, realName: '孙晓' }));
    expect(ok(await call(cloud, 'o-reject-me', 'user.me', {})).volunteer?.status).toBe('pending');
    // A second review of the same application decides nothing more.
    ok(await call(cloud, DEMO.staff, 'volunteer.review', { openid: 'o-reject-me', decision: 'approve' }));
    const again = await call(cloud, DEMO.staff, 'volunteer.review', { openid: 'o-reject-me', decision: 'reject', note: '重复审核' });
    expect(again).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(ok(await call(cloud, 'o-reject-me', 'user.me', {})).roles).toContain('volunteer');
  });
});
