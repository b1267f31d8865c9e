/**
 * Verified phones: a person's phone comes from WeChat's phone-number button (a one-time code the
 * cloud exchanges through phonenumber.getPhoneNumber), never typed. The local cloud mints the codes
 * (/client/phoneCode) and refuses a forged, reused, expired or someone else's code as WeChat does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../localcloud/src/server';
import { control } from '../helpers/localcloud';
import { call, DEMO, ok, phoneCode, snapshot, startLinli } from '../helpers/linli';
import { doc, expectRefused, seed, userDoc } from '../helpers/seed';

const EXPIRED = '手机号验证已失效，请重新点击获取手机号';
const MINUTE = 60_000;
const address = { gridId: 'g1', building: '2栋', unit: '1单元', room: '402' };

describe('verified phones', () => {
  let cloud: LocalCloud;
  beforeAll(async () => {
    cloud = await startLinli();
  });
  afterAll(() => cloud.close());

  const register = async (openid: string, code: string) =>
    call(cloud, openid, 'user.register', { consent: true, communityId: DEMO.community, name: '赵桂芳', phoneCode: code, address });
  const advance = (ms: number) => control(cloud, 'POST', 'clock', { advanceMs: ms });

  it('registering takes the number WeChat vouches for, and when it did', async () => {
    const me = ok(await register('o-phone-new', await phoneCode(cloud, 'o-phone-new', '13912340001')));
    expect(me.profile).toMatchObject({ name: '赵桂芳', phone: '13912340001' });
    expect(me.profile).not.toHaveProperty('phoneUnverified');
    expect(doc(cloud, 'users', 'o-phone-new')).toMatchObject({ phone: '13912340001', phoneVerifiedAt: expect.any(Date) });
  });

  it('a forged code registers nobody and writes nothing', async () => {
    const before = snapshot(cloud);
    await expectRefused(cloud, 'o-phone-forger', 'user.register', { consent: true, communityId: DEMO.community, name: '赵桂芳', phoneCode: 'a'.repeat(64), address }, 'INVALID_INPUT', EXPIRED);
    await expectRefused(cloud, 'o-phone-forger', 'user.register', { consent: true, communityId: DEMO.community, name: '赵桂芳', phoneCode: '13912340002', address }, 'INVALID_INPUT', EXPIRED);
    expect(snapshot(cloud)).toBe(before);
  });

  it('a code works once', async () => {
    const code = await phoneCode(cloud, DEMO.resident, '13912340003');
    expect(ok(await call(cloud, DEMO.resident, 'user.bindPhone', { code })).profile?.phone).toBe('13912340003');
    await expectRefused(cloud, DEMO.resident, 'user.bindPhone', { code }, 'INVALID_INPUT', EXPIRED);
  });

  it('a code lives five minutes', async () => {
    const fresh = await phoneCode(cloud, DEMO.applicant, '13912340004');
    const stale = await phoneCode(cloud, DEMO.applicant, '13912340005');
    await advance(4 * MINUTE);
    expect(ok(await call(cloud, DEMO.applicant, 'user.bindPhone', { code: fresh })).profile?.phone).toBe('13912340004');
    await advance(MINUTE + 1000);
    await expectRefused(cloud, DEMO.applicant, 'user.bindPhone', { code: stale }, 'INVALID_INPUT', EXPIRED);
    expect(doc(cloud, 'users', DEMO.applicant)).toMatchObject({ phone: '13912340004' });
  });

  it('nobody binds a neighbour’s number with the code the neighbour was given, and the neighbour still can', async () => {
    const neighboursCode = await phoneCode(cloud, DEMO.volunteer, '13912340006');
    await expectRefused(cloud, DEMO.staff, 'user.bindPhone', { code: neighboursCode }, 'INVALID_INPUT', EXPIRED);
    await expectRefused(cloud, 'o-phone-thief', 'user.register', { consent: true, communityId: DEMO.community, name: '冒名者', phoneCode: neighboursCode, address }, 'INVALID_INPUT', EXPIRED);
    expect(doc(cloud, 'users', DEMO.staff)).toMatchObject({ phone: '13800000010' });
    expect(ok(await call(cloud, DEMO.volunteer, 'user.bindPhone', { code: neighboursCode })).profile?.phone).toBe('13912340006');
  });

  it('a volunteer’s new number reaches the record staff call them on', async () => {
    ok(await call(cloud, DEMO.volunteer, 'user.bindPhone', { code: await phoneCode(cloud, DEMO.volunteer, '13912340007') }));
    // The caller (with their recorded hours) in one request, then the two writes; the reply needs no re-read.
    const bind = cloud.runtime.recent(50).find((record) => record.action === 'user.bindPhone')!;
    expect(bind.database).toEqual({ 'database.aggregateDocuments': 1, 'database.modifyDocument': 2 });
    expect(doc(cloud, 'volunteers', DEMO.volunteer)).toMatchObject({ phone: '13912340007', phoneVerifiedAt: expect.any(Date) });
    const listed = ok(await call(cloud, DEMO.staff, 'volunteer.list', { status: 'approved' })).items.find((v) => v.openid === DEMO.volunteer);
    expect(listed).toMatchObject({ phone: '13912340007' });
    expect(listed).not.toHaveProperty('phoneUnverified');
  });

  it('only mainland numbers are taken', async () => {
    const code = await phoneCode(cloud, DEMO.resident, '4155550100', '1');
    await expectRefused(cloud, DEMO.resident, 'user.bindPhone', { code }, 'INVALID_INPUT', '暂时只能使用中国大陆手机号，请在微信中选择或添加大陆手机号');
  });

  it('a registration refused for its address leaves the code for the next try', async () => {
    const code = await phoneCode(cloud, 'o-phone-retry', '13912340008');
    await expectRefused(cloud, 'o-phone-retry', 'user.register', { consent: true, communityId: DEMO.community, name: '钱大爷', phoneCode: code, address: { gridId: 'g1', building: '9栋' } }, 'INVALID_INPUT', '第一网格没有9栋');
    expect(ok(await register('o-phone-retry', code)).profile?.phone).toBe('13912340008');
  });

  it('a typed phone (staff joining by invitation) stays unverified until bound; a volunteer application needs it verified', async () => {
    const { code } = ok(await call(cloud, DEMO.admin, 'community.invite', { communityId: DEMO.community, role: 'staff' }));
    const joined = ok(await call(cloud, 'o-phone-colleague', 'community.join', { code, name: '郑同事', phone: '13912340009' }));
    expect(joined.profile).toMatchObject({ phone: '13912340009', phoneUnverified: true });
    const application = { realName: '郑同事', birthDate: '1990-01-01', skills: ['送餐'], availability: '周末', partyMember: false, gridId: 'g1', consent: true as const };
    await expectRefused(cloud, 'o-phone-colleague', 'volunteer.apply', application, 'INVALID_INPUT', '请先在“我的”页面点击“验证手机号”，再申请成为志愿者');
    const bound = ok(await call(cloud, 'o-phone-colleague', 'user.bindPhone', { code: await phoneCode(cloud, 'o-phone-colleague', '13912340010') }));
    expect(bound.profile).toMatchObject({ phone: '13912340010' });
    expect(bound.profile).not.toHaveProperty('phoneUnverified');
    expect(ok(await call(cloud, 'o-phone-colleague', 'volunteer.apply', application))).toMatchObject({ phone: '13912340010' });
  });

  it('user.search by phone finds only a number WeChat verified; a typed copy of it finds nobody and shows 未验证 by name', async () => {
    seed(cloud, 'users', [userDoc('o-phone-copycat', '冒名者乙', { phone: '13912340007', phoneVerified: false, address: { gridId: 'g1', building: '3栋' } })]);
    const byPhone = ok(await call(cloud, DEMO.staff, 'user.search', { query: '13912340007' })).items;
    expect(byPhone.map((person) => person.openid)).toEqual([DEMO.volunteer]);
    expect(byPhone[0]).not.toHaveProperty('phoneUnverified');
    const byName = ok(await call(cloud, DEMO.staff, 'user.search', { query: '冒名者乙' })).items;
    expect(byName).toEqual([expect.objectContaining({ openid: 'o-phone-copycat', phoneMasked: '139****0007', phoneUnverified: true })]);
    expect(JSON.stringify(byName)).not.toContain('13912340007');
  });

  it('an order’s contact phone shows 未验证 when it was typed (代点单, or another number than the verified one)', async () => {
    const contactOf = async (orderId: string) => {
      const { order } = ok(await call(cloud, DEMO.staff, 'order.get', { orderId }));
      return [order.contactPhone, order.contactPhoneUnverified];
    };
    const own = ok(await call(cloud, DEMO.resident, 'order.create', { serviceId: 'svc-meal', description: '送一份午餐', clientRequestId: 'phones-order-own-0001' })).order;
    expect(await contactOf(own.id)).toEqual([expect.stringMatching(/^1\d{10}$/), undefined]);
    const other = ok(await call(cloud, DEMO.resident, 'order.create', { serviceId: 'svc-meal', description: '送一份午餐', contactPhone: '13912340099', clientRequestId: 'phones-order-other-0001' })).order;
    expect(await contactOf(other.id)).toEqual(['13912340099', true]);
    const behalf = ok(
      await call(cloud, DEMO.staff, 'order.create', {
        serviceId: 'svc-meal',
        description: '张奶奶要一份午餐',
        clientRequestId: 'phones-order-behalf-0001',
        onBehalfOf: { name: '张奶奶', phone: '13912340098', address: { gridId: 'g1', building: '1栋' } },
      }),
    ).order;
    expect(await contactOf(behalf.id)).toEqual(['13912340098', true]);
  });

  it('binding needs a registration', async () => {
    await expectRefused(cloud, 'o-phone-stranger', 'user.bindPhone', { code: await phoneCode(cloud, 'o-phone-stranger', '13912340011') }, 'UNAUTHENTICATED');
  });
});
