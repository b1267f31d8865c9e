/**
 * Privacy as PIPL asks, through the real `user` function: consent at registration, a person's
 * export of everything stored about them, and 注销 — what is gone (profile, phone, address, ID
 * number, the volunteer record, sign-ups, photos, the export, the openid everywhere) and what remains
 * (service records, certificates, the points ledger, orders), de-identified; the ledger still
 * reconciles (the real 03:00 timer finds nothing), and the same person can register again as new.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerEntry, Order, PointsAccount, ServiceRecord, User } from '../../core/model';
import { expectedTotals } from '../../core/usecases/reconcile';
import type { LocalCloud } from '../../localcloud/src/server';
import { control } from '../helpers/localcloud';
import { call, DEMO, ok, phoneCode, snapshot, startLinli } from '../helpers/linli';
import { doc, docs, expectRefused, seed, seedVolunteer } from '../helpers/seed';

const START = new Date('2026-11-20T01:00:00+08:00');
const LEAVER = 'o-privacy-leaver';
const LEAVER_PHONE = '13700000123';
const VOLUNTEER = 'o-privacy-volunteer';
const ID_NUMBER = '11010519491231002X';
const address = { gridId: 'g1', building: '2栋', unit: '3单元', room: '6601室' };

describe('privacy: consent, export and 注销', () => {
  let cloud: LocalCloud;
  beforeAll(async () => {
    cloud = await startLinli({ startAt: START, timers: ['points'] });
    seedVolunteer(cloud, VOLUNTEER, '周志愿', { skills: ['送餐'] });
  });
  afterAll(() => cloud.close());

  const register = async (openid: string, phone: string) =>
    call(cloud, openid, 'user.register', { consent: true, communityId: DEMO.community, name: '吴秀兰', phoneCode: await phoneCode(cloud, openid, phone), address });

  async function upload(openid: string, cloudPath: string): Promise<string> {
    const form = new FormData();
    form.append('cloudPath', cloudPath);
    form.append('file', new Blob([Buffer.from('a photo of the leaking tap')]), 'photo.jpg');
    const response = await fetch(`${cloud.url}/client/uploadFile`, { method: 'POST', headers: { 'x-wx-openid': openid }, body: form });
    return ((await response.json()) as { fileID: string }).fileID;
  }

  it('registration is refused without consent to the privacy policy, and stores when it was given', async () => {
    const code = await phoneCode(cloud, LEAVER, LEAVER_PHONE);
    const before = snapshot(cloud);
    const refused = await call(cloud, LEAVER, 'user.register', { communityId: DEMO.community, name: '吴秀兰', phoneCode: code, address } as never);
    expect(refused).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: '请阅读并同意《隐私政策》' } });
    expect(snapshot(cloud)).toBe(before);
    ok(await register(LEAVER, LEAVER_PHONE));
    expect(doc<User>(cloud, 'users', LEAVER)!.consentAt).toBeDefined();
  });

  it('exports everything stored about the person as a file they can download, without other people’s details', async () => {
    // The demo volunteer: records, sign-ups, points; with an ID number on file.
    seed(cloud, 'volunteers', [{ ...doc(cloud, 'volunteers', DEMO.volunteer), idNumber: ID_NUMBER, gender: '男' }]);
    const exported = ok(await call(cloud, DEMO.volunteer, 'user.exportMine', { format: 'json' }));
    const file = (await (await fetch(exported.url)).json()) as Record<string, unknown>;
    const records = docs<ServiceRecord>(cloud, 'service_records').filter((record) => record.openid === DEMO.volunteer);
    expect(records.length).toBeGreaterThan(0);
    expect(file['个人资料']).toMatchObject({ _id: DEMO.volunteer, name: '李建国', phone: '13800000030' });
    expect(file['志愿者资料']).toMatchObject({ realName: '李建国', birthDate: '1962-05-12', idNumber: '110105********002X' });
    expect((file['志愿服务记录'] as unknown[]).length).toBe(records.length);
    expect(exported.counts['志愿服务记录']).toBe(records.length);
    expect(exported.counts['活动报名']).toBe(4);
    expect(exported.fileName).toMatch(/^邻里-我的数据-\d{4}-\d{2}-\d{2}\.json$/);
    // The full ID number is nowhere in it, nor who else handled things.
    const text = JSON.stringify(file);
    expect(text).not.toContain(ID_NUMBER);
    expect(text).not.toContain(DEMO.staff);
    expect(exported.remainingToday).toBe(2);
  });

  it('a grid worker’s export holds what they reported (others acting named by role, not identified) and their patrol logs', async () => {
    const reported = ok(
      await call(cloud, DEMO.grid, 'affair.report', {
        category: '环境卫生',
        description: '5栋东侧绿化带有建筑垃圾',
        place: { gridId: 'g1', building: '1栋' },
        urgency: '一般',
        clientRequestId: 'privacy-export-affair',
      }),
    ).affair;
    ok(await call(cloud, DEMO.staff, 'affair.whistle', { affairId: reported.id, departmentId: 'dept-property' }));
    const exported = ok(await call(cloud, DEMO.grid, 'user.exportMine', { format: 'json' }));
    const file = (await (await fetch(exported.url)).json()) as Record<string, Array<Record<string, unknown>>>;
    expect(exported.counts['我上报的问题']).toBe(1);
    expect(file['我上报的问题']![0]).toMatchObject({ _id: reported.id, description: '5栋东侧绿化带有建筑垃圾', status: 'whistled', departmentName: '幸福里物业服务中心' });
    expect((file['我上报的问题']![0]!.events as Array<{ byMe: boolean }>).map((event) => event.byMe)).toEqual([true, false]);
    expect(exported.counts['巡查走访记录']).toBe(docs<{ openid: string }>(cloud, 'patrol_logs').filter((log) => log.openid === DEMO.grid).length);
    expect(exported.counts['巡查走访记录']).toBeGreaterThan(0);
    expect(JSON.stringify(file)).not.toContain(DEMO.staff);
  });

  it('three exports a day, then a clear refusal', async () => {
    ok(await call(cloud, LEAVER, 'user.exportMine', { format: 'json' }));
    ok(await call(cloud, LEAVER, 'user.exportMine', { format: 'json' }));
    const third = ok(await call(cloud, LEAVER, 'user.exportMine', { format: 'json' }));
    expect(third.remainingToday).toBe(0);
    await expectRefused(cloud, LEAVER, 'user.exportMine', { format: 'json' }, 'LIMIT_REACHED', '您今天已导出 3 次，请明天再导出');
  });

  it('注销 is refused to staff, and to someone with a redemption still to collect, writing nothing', async () => {
    await expectRefused(cloud, DEMO.staff, 'user.deleteAccount', { confirm: '注销' }, 'CONFLICT', '社区工作人员、网格员和管理员请先由社区移除工作身份，再注销账号');
    seed(cloud, 'redemptions', [
      { _id: 'privacy-pending', openid: DEMO.resident, communityId: DEMO.community, goodsId: 'g', goodsName: '大米', quantity: 1, points: 10, code: '990001', status: 'pending', clientRequestId: 'r', createdAt: START },
    ]);
    await expectRefused(cloud, DEMO.resident, 'user.deleteAccount', { confirm: '注销' }, 'CONFLICT', '您还有未领取的兑换，请先到社区领取或取消后再注销');
  });

  let pseudonym = '';
  let photo = '';
  let orderId = '';

  it('erases the resident: profile, phone, address, photos, the export; cancels the open order and tells its volunteer; forfeits the points', async () => {
    // Points: 50 earned, 20 spent, 30 left — consistent books.
    seed(cloud, 'points_accounts', [{ _id: LEAVER, communityId: DEMO.community, balance: 30, issued: 50, redeemed: 20, updatedAt: START }]);
    seed(cloud, 'points_ledger', [
      { _id: `good_deed:pv-1`, openid: LEAVER, communityId: DEMO.community, delta: 50, source: 'good_deed', ref: 'pv-1', by: DEMO.staff, balanceAfter: 50, createdAt: START },
      { _id: `redeem:pv-2`, openid: LEAVER, communityId: DEMO.community, delta: -20, source: 'redeem', ref: 'pv-2', by: LEAVER, balanceAfter: 30, createdAt: START },
    ]);
    seed(cloud, 'redemptions', [
      { _id: 'pv-2', openid: LEAVER, communityId: DEMO.community, goodsId: 'g', redeemerName: '吴秀兰', goodsName: '大米', quantity: 1, points: 20, code: '990002', status: 'fulfilled', clientRequestId: 'r2', createdAt: START },
    ]);
    photo = await upload(LEAVER, `orders/${LEAVER}/tap.jpg`);
    const placed = ok(await call(cloud, LEAVER, 'order.create', { serviceId: 'svc-meal', description: '吴阿姨家厨房漏水，电话 13700000123', photos: [photo], clientRequestId: 'privacy-order-1' })).order;
    orderId = placed.id;
    ok(await call(cloud, DEMO.staff, 'dispatch.assign', { orderId, volunteerOpenid: VOLUNTEER }));
    ok(await call(cloud, VOLUNTEER, 'dispatch.accept', { orderId }));
    await control(cloud, 'POST', 'subscriptions', { openid: VOLUNTEER, templateId: 'TPL_ORDER_CANCELLED', count: 5 });
    const exportFile = doc<User>(cloud, 'users', LEAVER)!.exportFileID!;
    expect(cloud.storage.list().map((file) => file.fileID)).toEqual(expect.arrayContaining([photo, exportFile]));

    await expectRefused(cloud, LEAVER, 'user.deleteAccount', { confirm: '删除' } as never, 'INVALID_INPUT', '请输入“注销”两个字确认');
    const done = ok(await call(cloud, LEAVER, 'user.deleteAccount', { confirm: '注销' }));
    expect(done).toEqual({ cancelledOrders: 1, forfeitedPoints: 30, kept: { 积分流水: 3, 积分兑换: 1, 订单: 1 } });

    // Gone: the profile, and the openid, phone, name, room and description anywhere.
    expect(doc(cloud, 'users', LEAVER)).toBeUndefined();
    const left = snapshot(cloud)
      .split('\n')
      .filter((line) => !line.includes('"quotas"'));
    for (const trace of [LEAVER, LEAVER_PHONE, '吴秀兰', '6601室', '厨房漏水']) expect(left.filter((line) => line.includes(trace)), trace).toEqual([]);
    const files = cloud.storage.list().map((file) => file.fileID);
    expect(files).not.toContain(photo);
    expect(files).not.toContain(exportFile);

    // Kept: the order (cancelled, its volunteer told), the ledger and the redemption, under one random id.
    const order = doc<Order>(cloud, 'orders', orderId)!;
    expect(order).toMatchObject({ status: 'cancelled', contactName: '已注销用户', contactPhone: '', address: { gridId: 'g1', building: '2栋' } });
    pseudonym = order.residentOpenid;
    expect(pseudonym).toMatch(/^deleted-/);
    expect(doc(cloud, 'volunteers', VOLUNTEER)!.stats.activeOrders).toBe(0);
    const outbox = (await control<{ messages: Array<{ touser: string; template_id: string; data: Record<string, { value: string }> }> }>(cloud, 'GET', 'outbox')).messages;
    expect(outbox.filter((m) => m.touser === VOLUNTEER && m.template_id === 'TPL_ORDER_CANCELLED')).toHaveLength(1);

    const ledger = docs<LedgerEntry>(cloud, 'points_ledger').filter((entry) => entry.openid === pseudonym);
    expect(ledger.map((entry) => [entry.source, entry.delta]).sort()).toEqual([['forfeit', -30], ['good_deed', 50], ['redeem', -20]]);
    const account = doc<PointsAccount>(cloud, 'points_accounts', pseudonym)!;
    expect({ balance: account.balance, issued: account.issued, redeemed: account.redeemed }).toEqual(expectedTotals(ledger));
    expect(account.balance).toBe(0);
    expect(doc(cloud, 'points_accounts', LEAVER)).toBeUndefined();
    expect(doc(cloud, 'redemptions', 'pv-2')).toMatchObject({ openid: pseudonym, redeemerName: '已注销用户', status: 'fulfilled' });
  });

  it('erases the volunteer’s record and ID number, keeps their service records and certificates as 已注销用户', async () => {
    ok(await call(cloud, DEMO.volunteer, 'certificate.request', { from: '2026-01-01', to: '2026-12-31', clientRequestId: 'privacy-cert' }));
    const recordIds = docs<ServiceRecord>(cloud, 'service_records').filter((record) => record.openid === DEMO.volunteer).map((record) => record._id);
    const done = ok(await call(cloud, DEMO.volunteer, 'user.deleteAccount', { confirm: '注销' }));
    expect(done.kept['志愿服务记录']).toBe(recordIds.length);
    expect(done.kept['服务证明']).toBe(1);

    expect(doc(cloud, 'volunteers', DEMO.volunteer)).toBeUndefined();
    expect(docs(cloud, 'activity_signups').filter((signup) => String(signup._id).includes(DEMO.volunteer))).toEqual([]);
    const text = snapshot(cloud);
    for (const trace of [ID_NUMBER, '13800000030', '1962-05-12', '李建国']) expect(text, trace).not.toContain(trace);
    const kept = recordIds.map((id) => doc<ServiceRecord>(cloud, 'service_records', id)!);
    expect(new Set(kept.map((record) => record.volunteerName))).toEqual(new Set(['已注销用户']));
    expect(new Set(kept.map((record) => record.openid)).size).toBe(1);
    expect(kept[0]!.openid).toMatch(/^deleted-/);
    expect(kept[0]!.openid).not.toBe(pseudonym);
    // The certificate still checks, under the new name.
    const certificate = docs(cloud, 'certificates').find((c) => c.clientRequestId === 'privacy-cert')!;
    expect(ok(await call(cloud, 'o-anyone', 'certificate.verify', { code: certificate._id }))).toMatchObject({ volunteerName: '已注销用户' });
  });

  it('a deleted person can register again, as someone new: no balance, no records, no orders', async () => {
    ok(await register(LEAVER, LEAVER_PHONE));
    const home = ok(await call(cloud, LEAVER, 'user.home', {}));
    expect(home).toMatchObject({ balance: 0, openOrderCount: 0, me: { roles: ['resident'] } });
    expect(ok(await call(cloud, LEAVER, 'points.ledger', {})).items).toEqual([]);
    expect(ok(await call(cloud, LEAVER, 'order.listMine', {})).items).toEqual([]);
  });

  it('the daily reconciliation stays clean', async () => {
    await control(cloud, 'POST', 'clock', { advanceMs: 3 * 3_600_000 });
    const found = doc<{ discrepancies: unknown[]; accounts: number }>(cloud, 'reconciliations', `${DEMO.community}:2026-11-20`);
    expect(found).toBeDefined();
    expect(found!.discrepancies).toEqual([]);
  });
});
