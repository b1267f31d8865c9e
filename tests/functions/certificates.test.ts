/**
 * Certificates of volunteer service through the real `certificate` and `record` functions: issued
 * at once for a period with the totals of the records in it, retried requests give the same one,
 * anyone can check a code without logging in (and learns the name and totals, nothing else), a
 * mistyped code is caught by its check character, and a later correction marks it superseded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionName } from '../../core/contract';
import { CERTIFICATE_CODE_LENGTH, certificateCode, isWellFormedCertificateCode } from '../../core/codes';
import type { Certificate } from '../../core/model';
import { CODE_ALPHABET } from '../../core/ports';
import type { LocalCloud } from '../../localcloud/src/server';
import { call, DEMO, ok, snapshot, startLinli } from '../helpers/linli';
import { activityRecordDoc, docs, expectRefused, type Raw, seed, userDoc, volunteerDoc } from '../helpers/seed';

const VOL = 'o-cert-vol';
const VOL2 = 'o-cert-vol2';
const STRANGER = 'o-cert-stranger';
const PHONE = '13911112222';

const record = (ref: string, date: string, activityName: string, minutes: number, hours: number) =>
  activityRecordDoc({ openid: VOL, volunteerName: '赵志愿', ref, date, activityName, minutes, hours });

function seedFixture(cloud: LocalCloud): void {
  const address = { gridId: 'g1', building: '3栋', room: '301' };
  // The user name is a nickname; the certificate carries the volunteer's real name.
  seed(cloud, 'users', [userDoc(VOL, '小赵', { phone: PHONE, address }), userDoc(VOL2, '钱志愿', { phone: PHONE, address })]);
  seed(cloud, 'volunteers', [volunteerDoc(VOL, '赵志愿', { phone: PHONE }), volunteerDoc(VOL2, '钱志愿', { phone: PHONE })]);
  seed(cloud, 'service_records', [
    // September 30 and November 1 fall outside October; the rest inside, edges included.
    record('c-0930', '2026-09-30', '助餐送餐', 60, 1),
    record('c-1001', '2026-10-01', '社区环境清洁日', 150, 2.5),
    record('c-1012', '2026-10-12', '助餐送餐', 40, 0.5),
    record('c-1020', '2026-10-20', '反诈宣传进楼栋', 100, 1.5),
    record('c-1031', '2026-10-31', '助餐送餐', 180, 3),
    record('c-1101', '2026-11-01', '社区环境清洁日', 120, 2),
  ]);
}

let seq = 0;
const requestId = () => `cert-${process.pid}-${(++seq).toString().padStart(4, '0')}`;

describe('certificate.*', () => {
  let cloud: LocalCloud;
  const certificates = () => docs<Certificate>(cloud, 'certificates');
  const refused = (openid: string, action: ActionName, input: unknown, code: string, message?: string) => expectRefused(cloud, openid, action, input, code, message);

  beforeAll(async () => {
    cloud = await startLinli();
    seedFixture(cloud);
  });
  afterAll(() => cloud.close());

  let october = '';
  it('issues a certificate whose totals equal the records of the period, grouped by kind of service', async () => {
    const mine = ok(await call(cloud, VOL, 'record.mine', { from: '2026-10-01', to: '2026-10-31' }));
    const certificate = ok(await call(cloud, VOL, 'certificate.request', { from: '2026-10-01', to: '2026-10-31', clientRequestId: requestId() }));
    october = certificate.code;
    expect(certificate.totalHours).toBe(mine.totals.hours);
    expect(certificate.recordCount).toBe(mine.totals.count);
    expect(certificate).toMatchObject({
      volunteerName: '赵志愿',
      communityName: '幸福里社区',
      from: '2026-10-01',
      to: '2026-10-31',
      totalHours: 7.5,
      recordCount: 4,
      superseded: false,
      content: [
        { activityName: '助餐送餐', hours: 3.5, count: 2 },
        { activityName: '社区环境清洁日', hours: 2.5, count: 1 },
        { activityName: '反诈宣传进楼栋', hours: 1.5, count: 1 },
      ],
    });
    expect(certificate.code).toHaveLength(CERTIFICATE_CODE_LENGTH);
    expect(isWellFormedCertificateCode(certificate.code)).toBe(true);
    expect(certificate.printedCode.replace(/-/g, '')).toBe(certificate.code);
    // Stored under its code, with the records it counts as they were.
    const stored = certificates().find((c) => c._id === certificate.code)!;
    expect(stored.records.map((r) => [r.id, r.hours, r.version])).toEqual([
      [`activity:c-1001:${VOL}`, 2.5, 1],
      [`activity:c-1012:${VOL}`, 0.5, 1],
      [`activity:c-1020:${VOL}`, 1.5, 1],
      [`activity:c-1031:${VOL}`, 3, 1],
    ]);
  });

  it('a retried request returns the same certificate and writes nothing', async () => {
    const clientRequestId = requestId();
    const first = ok(await call(cloud, VOL, 'certificate.request', { from: '2026-09-01', to: '2026-11-30', clientRequestId }));
    expect(first).toMatchObject({ totalHours: 10.5, recordCount: 6 });
    const before = snapshot(cloud);
    const again = ok(await call(cloud, VOL, 'certificate.request', { from: '2026-09-01', to: '2026-11-30', clientRequestId }));
    expect(again).toEqual(first);
    expect(snapshot(cloud)).toBe(before);
    await refused(VOL, 'certificate.request', { from: '2026-10-01', to: '2026-11-30', clientRequestId }, 'CONFLICT');
  });

  it('refuses bad input, an empty period and a caller without records, writing nothing', async () => {
    await refused(VOL, 'certificate.request', { from: '2026-11-01', to: '2026-10-01', clientRequestId: requestId() }, 'INVALID_INPUT', '开始日期不能晚于结束日期');
    await refused(VOL, 'certificate.request', { from: '2026-10-32', to: '2026-11-01', clientRequestId: requestId() }, 'INVALID_INPUT');
    await refused(VOL, 'certificate.request', { from: '2026-10-01', clientRequestId: requestId() }, 'INVALID_INPUT');
    await refused(VOL, 'certificate.request', { from: '2026-10-01', to: '2026-10-31', clientRequestId: 'bad id' }, 'INVALID_INPUT');
    await refused(VOL, 'certificate.request', { from: '2026-10-02', to: '2026-10-11', clientRequestId: requestId() }, 'INVALID_INPUT', '该时间段内没有志愿服务记录');
    await refused(VOL2, 'certificate.request', { from: '2026-01-01', to: '2026-12-31', clientRequestId: requestId() }, 'INVALID_INPUT', '该时间段内没有志愿服务记录');
    await refused(STRANGER, 'certificate.request', { from: '2026-01-01', to: '2026-12-31', clientRequestId: requestId() }, 'UNAUTHENTICATED');
  });

  it('certificate.mine lists my certificates, newest first, and nobody else’s', async () => {
    const mine = ok(await call(cloud, VOL, 'certificate.mine', {}));
    expect(mine.items).toHaveLength(2);
    expect(mine.items[1]!.code).toBe(october);
    expect(mine.items[0]!.issuedAt >= mine.items[1]!.issuedAt).toBe(true);
    const paged = ok(await call(cloud, VOL, 'certificate.mine', { limit: 1 }));
    expect(ok(await call(cloud, VOL, 'certificate.mine', { limit: 1, cursor: paged.nextCursor! })).items.map((c) => c.code)).toEqual([october]);
    expect(ok(await call(cloud, VOL2, 'certificate.mine', {})).items).toEqual([]);
  });

  it('anyone can verify a code without logging in, however it is typed, and sees no personal data', async () => {
    const typed = ` ${october.slice(0, 4).toLowerCase()} ${october.slice(4, 8)}-${october.slice(8)} `;
    const check = ok(await call(cloud, STRANGER, 'certificate.verify', { code: typed }));
    expect(check).toMatchObject({ volunteerName: '赵志愿', communityName: '幸福里社区', from: '2026-10-01', to: '2026-10-31', totalHours: 7.5, recordCount: 4, superseded: false });
    expect(Object.keys(check).sort()).toEqual(['communityName', 'content', 'from', 'issuedAt', 'printedCode', 'recordCount', 'superseded', 'to', 'totalHours', 'volunteerName']);
    const text = JSON.stringify(check);
    for (const secret of [VOL, PHONE, '301', 'activity:', 'openid', 'records']) expect(text).not.toContain(secret);
  });

  it('a mistyped code is caught by its check character; a forged well-formed one is not found', async () => {
    const position = 5;
    const other = CODE_ALPHABET[(CODE_ALPHABET.indexOf(october[position]!) + 1) % CODE_ALPHABET.length]!;
    const altered = october.slice(0, position) + other + october.slice(position + 1);
    await refused(STRANGER, 'certificate.verify', { code: altered }, 'INVALID_INPUT', '验证码有误，请核对后重新输入');
    const swapped = october[0] === october[1] ? null : october[1]! + october[0]! + october.slice(2);
    if (swapped) await refused(STRANGER, 'certificate.verify', { code: swapped }, 'INVALID_INPUT', '验证码有误，请核对后重新输入');
    await refused(STRANGER, 'certificate.verify', { code: october.slice(0, -1) }, 'INVALID_INPUT', '验证码有误，请核对后重新输入');
    await refused(STRANGER, 'certificate.verify', { code: '' }, 'INVALID_INPUT', '请输入证明上的验证码');
    await refused(STRANGER, 'certificate.verify', {}, 'INVALID_INPUT');
    const forged = certificateCode('ABCDEFGHJKM');
    expect(forged).not.toBe(october);
    await refused(STRANGER, 'certificate.verify', { code: forged }, 'NOT_FOUND', '查无此证明，请核对验证码');
  });

  it('a rejected correction changes nothing; an approved one marks the certificates that counted the record superseded', async () => {
    const november = ok(await call(cloud, VOL, 'certificate.request', { from: '2026-11-01', to: '2026-11-30', clientRequestId: requestId() }));
    const rejected = ok(await call(cloud, VOL, 'record.requestCorrection', { recordId: `activity:c-1020:${VOL}`, minutes: 200, reason: '宣传后又帮忙整理资料', clientRequestId: requestId() }));
    ok(await call(cloud, DEMO.staff, 'record.reviewCorrection', { correctionId: rejected.id, decision: 'reject', note: '签到表显示 100 分钟' }));
    expect(ok(await call(cloud, STRANGER, 'certificate.verify', { code: october })).superseded).toBe(false);

    const approved = ok(await call(cloud, VOL, 'record.requestCorrection', { recordId: `activity:c-1020:${VOL}`, minutes: 130, reason: '签退晚了半小时', clientRequestId: requestId() }));
    ok(await call(cloud, DEMO.staff, 'record.reviewCorrection', { correctionId: approved.id, decision: 'approve' }));
    const check = ok(await call(cloud, STRANGER, 'certificate.verify', { code: october }));
    // The certificate still states what it stated; it now says a newer one shows the current totals.
    expect(check).toMatchObject({ superseded: true, totalHours: 7.5 });
    expect(certificates().find((c) => c._id === october)!.supersededAt).toBeDefined();
    // November's certificate does not count that record.
    expect(ok(await call(cloud, STRANGER, 'certificate.verify', { code: november.code })).superseded).toBe(false);
    const mine = ok(await call(cloud, VOL, 'certificate.mine', {})).items;
    expect(mine.map((c) => [c.from, c.to, c.superseded])).toEqual([
      ['2026-11-01', '2026-11-30', false],
      ['2026-09-01', '2026-11-30', true],
      ['2026-10-01', '2026-10-31', true],
    ]);

    // A new certificate for October: 130 minutes are 2 hours (2 h + 10 min), half an hour more.
    const fresh = ok(await call(cloud, VOL, 'certificate.request', { from: '2026-10-01', to: '2026-10-31', clientRequestId: requestId() }));
    expect(fresh).toMatchObject({ totalHours: 8, recordCount: 4, superseded: false });
    expect(fresh.totalHours).toBe(ok(await call(cloud, VOL, 'record.mine', { from: '2026-10-01', to: '2026-10-31' })).totals.hours);
    expect(certificates().find((c) => c._id === fresh.code)!.records.find((r) => r.id === `activity:c-1020:${VOL}`)).toMatchObject({ hours: 2, version: 2 });
  });

  it('the check compares the records itself: a certificate a correction missed still shows as superseded, and is marked', async () => {
    const issued = ok(await call(cloud, VOL, 'certificate.request', { from: '2026-09-30', to: '2026-09-30', clientRequestId: requestId() }));
    expect(ok(await call(cloud, STRANGER, 'certificate.verify', { code: issued.code })).superseded).toBe(false);
    // As if a correction committed just after the certificate was issued, without finding it.
    const corrected = docs<Raw>(cloud, 'service_records').find((r) => r._id === `activity:c-0930:${VOL}`)!;
    seed(cloud, 'service_records', [{ ...corrected, minutes: 90, hours: 1.5, version: 2 }]);
    expect(ok(await call(cloud, STRANGER, 'certificate.verify', { code: issued.code }))).toMatchObject({ superseded: true, totalHours: 1 });
    expect(certificates().find((c) => c._id === issued.code)!.supersededAt).toBeDefined();
    expect(ok(await call(cloud, VOL, 'certificate.mine', {})).items.find((c) => c.code === issued.code)!.superseded).toBe(true);
  });
});
