/**
 * Service-hour records through the real `record`, `scoring`, `dispatch` and `order` functions:
 * scoring writes a record with the community's rounding, volunteers read theirs and ask for
 * corrections, staff review them with every change kept, the hours counter always equals the sum
 * of the records, and the daily timer flags a completed service without a record on its 8th
 * working day, public holidays counted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InputOf } from '../../core/contract';
import type { ActivitySignup, Order, RecordChange, RecordCorrection, ServiceRecord } from '../../core/model';
import { DEFAULT_HOUR_ROUNDING, sumHours } from '../../core/volunteer-hours';
import type { LocalCloud } from '../../localcloud/src/server';
import { approveRuleChanges, call, DEMO, ok, snapshot, startLinli } from '../helpers/linli';
import { control } from '../helpers/localcloud';
import { activityRecordDoc, doc, docs, expectRefused, seed, T0, userDoc, volunteerDoc } from '../helpers/seed';

const VOL = 'o-rec-vol';
const VOL2 = 'o-rec-vol2';
const STAFF2 = 'o-rec-staff2';
const STAFF_VOL = 'o-rec-staff-vol';
const OTHER_STAFF = 'o-rec-other-staff';
const OTHER_COMMUNITY = 'rec-other-community';

const record = (openid: string, volunteerName: string, ref: string, date: string, minutes: number, hours: number, activityName = '社区环境清洁日') =>
  activityRecordDoc({ openid, volunteerName, ref, date, minutes, hours, activityName, content: '清理楼道杂物', category: '社区活动' });

/** The people these tests act as, on top of the demo data. */
function seedPeople(cloud: LocalCloud): void {
  seed(cloud, 'communities', [
    {
      _id: OTHER_COMMUNITY,
      name: '和平里社区',
      grids: [{ id: 'h1', name: '和平一网格', buildings: ['1栋'] }],
      settings: { requireOrderReview: false, scoreMultipliers: { 1: 0.5, 2: 0.8, 3: 1, 4: 1.1, 5: 1.2 }, acceptTimeoutMinutes: 30 },
      createdAt: T0,
    },
  ]);
  seed(cloud, 'users', [
    userDoc(VOL, '赵志愿'),
    userDoc(VOL2, '钱志愿'),
    userDoc(STAFF2, '孙干事', { roles: ['staff'] }),
    userDoc(STAFF_VOL, '周干事', { roles: ['staff'] }),
    userDoc(OTHER_STAFF, '吴主任', { roles: ['staff'], communityId: OTHER_COMMUNITY }),
  ]);
  // VOL starts with three records (2 + 1.5 + 0.5 hours) and the counter to match.
  seed(cloud, 'volunteers', [
    volunteerDoc(VOL, '赵志愿'),
    volunteerDoc(VOL2, '钱志愿'),
    volunteerDoc(STAFF_VOL, '周干事'),
  ]);
  seed(cloud, 'service_records', [
    record(VOL, '赵志愿', 'rec-act-1', '2026-10-08', 130, 2),
    record(VOL, '赵志愿', 'rec-act-2', '2026-10-15', 100, 1.5, '反诈宣传进楼栋'),
    record(VOL, '赵志愿', 'rec-act-3', '2026-11-02', 30, 0.5),
    record(STAFF_VOL, '周干事', 'rec-act-1', '2026-10-08', 60, 1),
  ]);
}

let seq = 0;
const requestId = () => `rec-${process.pid}-${(++seq).toString().padStart(4, '0')}`;

/** Resident orders, staff assign `volunteerOpenid`, who accepts and completes after `minutes`. */
async function servedOrder(cloud: LocalCloud, volunteerOpenid: string, minutes: number): Promise<string> {
  const { order } = ok(await call(cloud, DEMO.resident, 'order.create', { serviceId: 'svc-meal', description: '腿脚不便，想请人送一份午餐', clientRequestId: requestId() }));
  ok(await call(cloud, DEMO.staff, 'dispatch.assign', { orderId: order.id, volunteerOpenid }));
  ok(await call(cloud, volunteerOpenid, 'dispatch.accept', { orderId: order.id }));
  ok(await call(cloud, volunteerOpenid, 'dispatch.complete', { orderId: order.id, summary: '午餐已送到，老人很满意', minutes }));
  return order.id;
}

/** …and staff score it: the record's id. */
async function scoredOrder(cloud: LocalCloud, volunteerOpenid: string, minutes: number): Promise<string> {
  const orderId = await servedOrder(cloud, volunteerOpenid, minutes);
  ok(await call(cloud, DEMO.staff, 'scoring.score', { orderId, score: 5 }));
  return `order:${orderId}`;
}

const refused = expectRefused;

/** The hours the volunteer's profile shows (summed from their records where shown). */
const counterOf = async (cloud: LocalCloud, openid: string): Promise<number> => ok(await call(cloud, openid, 'user.me', {})).volunteer?.hours ?? 0;
const storedRecords = (cloud: LocalCloud, openid: string) => docs<ServiceRecord>(cloud, 'service_records').filter((r) => r.openid === openid);

/** The hours on the volunteer's profile equal the sum of the stored records, and what record.mine reports. */
async function expectCounterMatches(cloud: LocalCloud, openid: string): Promise<number> {
  const stored = sumHours(storedRecords(cloud, openid).map((r) => r.hours));
  const { totals } = ok(await call(cloud, openid, 'record.mine', {}));
  expect(await counterOf(cloud, openid)).toBe(stored);
  expect(totals.hours).toBe(stored);
  return stored;
}

describe('record.* with scoring', () => {
  let cloud: LocalCloud;
  let r1 = '';
  let r2 = '';

  beforeAll(async () => {
    cloud = await startLinli({ sensitiveWords: ['赌博'] });
    seedPeople(cloud);
    r1 = await scoredOrder(cloud, VOL, 40);
  });
  afterAll(() => cloud.close());

  it('the demo volunteer’s counter equals the sum of the demo records', async () => {
    const hours = await expectCounterMatches(cloud, DEMO.volunteer);
    expect(hours).toBeGreaterThan(0);
    expect(storedRecords(cloud, DEMO.volunteer).length).toBeGreaterThanOrEqual(3);
  });

  it('scoring records the hours under the community’s rule, and a changed rule applies to the next order', async () => {
    // 40 minutes: 0.5 hours by the default rule (16–45 minutes → half an hour).
    expect(doc<ServiceRecord>(cloud, 'service_records', r1)).toMatchObject({ openid: VOL, minutes: 40, hours: 0.5, version: 1, source: 'order', category: '助老服务', recordedBy: DEMO.staff });
    const halfHoursUp = { steps: [{ upToMinutes: 30, hours: 0.5 }, { upToMinutes: 60, hours: 1 }] };
    ok(await call(cloud, DEMO.staff, 'community.updateSettings', { communityId: DEMO.community, hourRounding: halfHoursUp }));
    // A rule that changes the hours records count takes effect once a second staff member approves it.
    expect(await approveRuleChanges(cloud, DEMO.staff2)).toBe(1);
    try {
      r2 = await scoredOrder(cloud, VOL, 40);
      expect(doc<ServiceRecord>(cloud, 'service_records', r2)).toMatchObject({ minutes: 40, hours: 1 });
      // The earlier record keeps the hours it was given.
      expect(doc<ServiceRecord>(cloud, 'service_records', r1)!.hours).toBe(0.5);
    } finally {
      ok(await call(cloud, DEMO.staff, 'community.updateSettings', { communityId: DEMO.community, hourRounding: DEFAULT_HOUR_ROUNDING }));
      await approveRuleChanges(cloud, DEMO.staff2);
    }
    // 4 seeded + 0.5 + 1.
    expect(await expectCounterMatches(cloud, VOL)).toBe(5.5);
  });

  it('record.mine: newest service first, paged without gaps, totals over the range, star level over all time', async () => {
    const all = ok(await call(cloud, VOL, 'record.mine', { limit: 50 }));
    expect(all.totals).toEqual({ hours: 5.5, count: 5, level: { stars: 0, nextAt: 100, toNext: 94.5 } });
    const dates = all.records.items.map((r) => r.date);
    expect([...dates].sort().reverse()).toEqual(dates);
    expect(all.records.items.slice(-3).map((r) => r.ref)).toEqual(['rec-act-3', 'rec-act-2', 'rec-act-1']);
    expect(all.records.nextCursor).toBeNull();
    // No one else's records, and no personal data beyond the name.
    expect(all.records.items.every((r) => r.volunteerName === '赵志愿')).toBe(true);
    expect(JSON.stringify(all)).not.toContain('13900000000');

    const paged: string[] = [];
    let cursor: string | undefined;
    do {
      const page = ok(await call(cloud, VOL, 'record.mine', { limit: 2, ...(cursor ? { cursor } : {}) })).records;
      paged.push(...page.items.map((r) => r.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(paged).toEqual(all.records.items.map((r) => r.id));

    const october = ok(await call(cloud, VOL, 'record.mine', { from: '2026-10-10', to: '2026-11-05' }));
    expect(october.records.items.map((r) => r.date)).toEqual(['2026-11-02', '2026-10-15']);
    // The range's totals; the level still counts all 5.5 hours.
    expect(october.totals).toEqual({ hours: 2, count: 2, level: { stars: 0, nextAt: 100, toNext: 94.5 } });

    const none = ok(await call(cloud, DEMO.resident, 'record.mine', {}));
    expect(none).toEqual({ totals: { hours: 0, count: 0, level: { stars: 0, nextAt: 100, toNext: 100 } }, records: { items: [], nextCursor: null } });
    await refused(cloud, VOL, 'record.mine', { from: '2026-02-30' }, 'INVALID_INPUT');
    await refused(cloud, VOL, 'record.mine', { cursor: 'not-a-cursor' }, 'INVALID_INPUT');
  });

  it('record.get: the volunteer and staff of the community see a record; anyone else finds nothing', async () => {
    const mine = ok(await call(cloud, VOL, 'record.get', { recordId: r1 }));
    expect(mine.record).toMatchObject({ id: r1, minutes: 40, hours: 0.5, version: 1, organiser: '幸福里社区', personInCharge: '刘晓梅', volunteerName: '赵志愿' });
    expect(mine).toMatchObject({ changes: [], corrections: [] });
    // The volunteer's Art. 5 fields, as given (no gender or ID number here), the phone masked.
    expect(mine.volunteer).toEqual({ name: '赵志愿', birthDate: '1980-01-01', region: '幸福里社区 · 第一网格', phoneMasked: '137****0000', skills: ['送餐'], serviceCategory: '助老服务' });
    const asStaff = ok(await call(cloud, DEMO.staff, 'record.get', { recordId: r1 }));
    expect(asStaff.record.id).toBe(r1);
    expect(JSON.stringify(asStaff)).not.toContain('13700000000');
    await refused(cloud, VOL2, 'record.get', { recordId: r1 }, 'NOT_FOUND');
    await refused(cloud, OTHER_STAFF, 'record.get', { recordId: r1 }, 'NOT_FOUND');
    await refused(cloud, VOL, 'record.get', { recordId: 'order:missing' }, 'NOT_FOUND');
  });

  const correction = (openid: string, input: Partial<InputOf<'record.requestCorrection'>>) =>
    call(cloud, openid, 'record.requestCorrection', { recordId: r1, reason: '路上和陪老人吃饭的时间没算进去', clientRequestId: requestId(), ...input });

  it('requestCorrection refuses bad input, unchanged values, risky text and others’ records, writing nothing', async () => {
    const base = { recordId: r1, reason: '漏记了时间', clientRequestId: requestId() };
    await refused(cloud, VOL, 'record.requestCorrection', base, 'INVALID_INPUT', '请至少填写一项要更正的内容');
    await refused(cloud, VOL, 'record.requestCorrection', { ...base, minutes: 40 }, 'INVALID_INPUT', '填写的内容与现有记录相同，无需更正');
    await refused(cloud, VOL, 'record.requestCorrection', { ...base, minutes: 24 * 60 + 1 }, 'INVALID_INPUT');
    await refused(cloud, VOL, 'record.requestCorrection', { ...base, minutes: 90.5 }, 'INVALID_INPUT');
    await refused(cloud, VOL, 'record.requestCorrection', { ...base, date: '2026-02-30' }, 'INVALID_INPUT');
    await refused(cloud, VOL, 'record.requestCorrection', { ...base, date: '2099-01-01' }, 'INVALID_INPUT', '服务日期不能晚于今天');
    await refused(cloud, VOL, 'record.requestCorrection', { ...base, minutes: 90, reason: '' }, 'INVALID_INPUT');
    await refused(cloud, VOL, 'record.requestCorrection', { ...base, minutes: 90, clientRequestId: 'x' }, 'INVALID_INPUT');
    await refused(cloud, VOL, 'record.requestCorrection', { ...base, minutes: 90, reason: '一起去赌博了' }, 'CONTENT_RISKY');
    await refused(cloud, VOL, 'record.requestCorrection', { ...base, content: '赌博' }, 'CONTENT_RISKY');
    await refused(cloud, VOL2, 'record.requestCorrection', { ...base, minutes: 90 }, 'NOT_FOUND');
    await refused(cloud, DEMO.staff, 'record.requestCorrection', { ...base, minutes: 90 }, 'NOT_FOUND');
    await refused(cloud, VOL, 'record.requestCorrection', { ...base, recordId: 'order:missing', minutes: 90 }, 'NOT_FOUND');
  });

  let c1 = '';
  it('one pending correction per record; a retried request returns the same one and writes nothing', async () => {
    const clientRequestId = requestId();
    // The form sends every field; only the changed ones are asked for.
    const stored = doc<ServiceRecord>(cloud, 'service_records', r1)!;
    const first = ok(await correction(VOL, { minutes: 100, place: stored.place, clientRequestId }));
    c1 = first.id;
    expect(first).toMatchObject({ recordId: r1, volunteerName: '赵志愿', changes: { minutes: 100 }, status: 'pending', reason: '路上和陪老人吃饭的时间没算进去' });
    expect(Object.keys(first.changes)).toEqual(['minutes']);
    expect(doc<ServiceRecord>(cloud, 'service_records', r1)!.pendingCorrectionId).toBe(c1);
    // Requesting changes nothing on the record itself.
    expect(doc<ServiceRecord>(cloud, 'service_records', r1)).toMatchObject({ minutes: 40, hours: 0.5, version: 1 });

    const before = snapshot(cloud);
    expect(ok(await correction(VOL, { minutes: 100, clientRequestId })).id).toBe(c1);
    expect(snapshot(cloud)).toBe(before);
    await refused(cloud, VOL, 'record.requestCorrection', { recordId: r1, minutes: 120, reason: '再改一次', clientRequestId: requestId() }, 'CONFLICT', '这条记录已有待审核的更正申请');
    // The same request id for another record is a different request.
    await refused(cloud, VOL, 'record.requestCorrection', { recordId: r2, minutes: 50, reason: '再改一次', clientRequestId }, 'CONFLICT');

    const seen = ok(await call(cloud, VOL, 'record.get', { recordId: r1 }));
    expect(seen.record.pendingCorrectionId).toBe(c1);
    expect(seen.corrections.map((c) => [c.id, c.status])).toEqual([[c1, 'pending']]);
  });

  let c2 = '';
  let ownCorrection = '';
  it('staff see pending corrections of their community, oldest first, with the record', async () => {
    c2 = ok(await correction(VOL, { recordId: r2, place: '幸福里社区 · 第一网格 · 3栋' })).id;
    ownCorrection = ok(await correction(STAFF_VOL, { recordId: `activity:rec-act-1:${STAFF_VOL}`, minutes: 120, reason: '活动延长了一小时' })).id;
    const pending = ok(await call(cloud, DEMO.staff, 'record.corrections', {})).items;
    expect(pending.map((c) => c.id)).toEqual([c1, c2, ownCorrection]);
    expect(pending[0]).toMatchObject({ id: c1, status: 'pending', changes: { minutes: 100 }, record: { id: r1, minutes: 40, hours: 0.5, pendingCorrectionId: c1 } });
    const paged = ok(await call(cloud, DEMO.staff, 'record.corrections', { limit: 2 }));
    expect(paged.items.map((c) => c.id)).toEqual([c1, c2]);
    expect(ok(await call(cloud, DEMO.staff, 'record.corrections', { limit: 2, cursor: paged.nextCursor! })).items.map((c) => c.id)).toEqual([ownCorrection]);
    expect(ok(await call(cloud, OTHER_STAFF, 'record.corrections', {})).items).toEqual([]);
    expect(ok(await call(cloud, DEMO.staff, 'record.corrections', { status: 'approved' })).items).toEqual([]);
    await refused(cloud, VOL, 'record.corrections', {}, 'FORBIDDEN');
    await refused(cloud, DEMO.staff, 'record.corrections', { status: 'done' }, 'INVALID_INPUT');
  });

  it('approval applies the change: hours recomputed, version bumped, the change kept (who, when, before, after), the counter moved', async () => {
    await refused(cloud, STAFF_VOL, 'record.reviewCorrection', { correctionId: ownCorrection, decision: 'approve' }, 'FORBIDDEN', '不能审核自己的更正申请，请由其他工作人员审核');
    await refused(cloud, OTHER_STAFF, 'record.reviewCorrection', { correctionId: c1, decision: 'approve' }, 'NOT_FOUND');
    await refused(cloud, VOL, 'record.reviewCorrection', { correctionId: c1, decision: 'approve' }, 'FORBIDDEN');
    await refused(cloud, DEMO.staff, 'record.reviewCorrection', { correctionId: c1, decision: 'maybe' }, 'INVALID_INPUT');
    await refused(cloud, DEMO.staff, 'record.reviewCorrection', { correctionId: c1, decision: 'approve', note: '赌博' }, 'CONTENT_RISKY');
    const counterBefore = await counterOf(cloud, VOL);

    const reviewed = ok(await call(cloud, DEMO.staff, 'record.reviewCorrection', { correctionId: c1, decision: 'approve', note: '已与服务对象核实' }));
    expect(reviewed.correction).toMatchObject({ id: c1, status: 'approved', reviewedByName: '刘晓梅', reviewNote: '已与服务对象核实' });
    // 100 minutes: 1 hour + 40 minutes → 1.5 hours under the default rule.
    expect(reviewed.record).toMatchObject({ id: r1, minutes: 100, hours: 1.5, version: 2 });
    expect(reviewed.record.pendingCorrectionId).toBeUndefined();
    const stored = doc<ServiceRecord>(cloud, 'service_records', r1)!;
    expect(stored).toMatchObject({ minutes: 100, hours: 1.5, version: 2 });
    expect(stored.pendingCorrectionId).toBeUndefined();
    expect(stored.updatedAt).toBeDefined();

    const change = doc<RecordChange>(cloud, 'record_changes', `correction:${c1}`)!;
    expect(change).toMatchObject({
      recordId: r1,
      openid: VOL,
      by: DEMO.staff,
      byName: '刘晓梅',
      before: { minutes: 40, hours: 0.5 },
      after: { minutes: 100, hours: 1.5 },
      reason: '路上和陪老人吃饭的时间没算进去（审核意见：已与服务对象核实）',
      correctionId: c1,
    });
    expect(Math.abs(new Date(change.at).getTime() - new Date(stored.updatedAt!).getTime())).toBe(0);
    expect(await counterOf(cloud, VOL)).toBe(sumHours([counterBefore, 1]));
    await expectCounterMatches(cloud, VOL);

    const seen = ok(await call(cloud, VOL, 'record.get', { recordId: r1 }));
    expect(seen.changes).toEqual([
      { id: `correction:${c1}`, byName: '刘晓梅', at: new Date(change.at).toISOString(), before: { minutes: 40, hours: 0.5 }, after: { minutes: 100, hours: 1.5 }, reason: change.reason, correctionId: c1 },
    ]);
    expect(seen.corrections.map((c) => c.status)).toEqual(['approved']);

    await refused(cloud, STAFF2, 'record.reviewCorrection', { correctionId: c1, decision: 'approve' }, 'CONFLICT', '该更正申请已审核（已通过），无需重复审核');
    await refused(cloud, STAFF2, 'record.reviewCorrection', { correctionId: c1, decision: 'reject', note: '不对' }, 'CONFLICT');
    expect(ok(await call(cloud, DEMO.staff, 'record.corrections', { status: 'approved' })).items.map((c) => c.id)).toEqual([c1]);
  });

  it('rejection needs a reason and leaves the record as it was; a new request can follow', async () => {
    const before = structuredClone(doc<ServiceRecord>(cloud, 'service_records', r2)!);
    const counterBefore = await counterOf(cloud, VOL);
    await refused(cloud, STAFF2, 'record.reviewCorrection', { correctionId: c2, decision: 'reject' }, 'INVALID_INPUT', '请填写不通过的原因');
    await refused(cloud, STAFF2, 'record.reviewCorrection', { correctionId: c2, decision: 'reject', note: ' ' }, 'INVALID_INPUT');
    const rejected = ok(await call(cloud, STAFF2, 'record.reviewCorrection', { correctionId: c2, decision: 'reject', note: '派单记录的地点是 1 栋' }));
    expect(rejected.correction).toMatchObject({ status: 'rejected', reviewedByName: '孙干事', reviewNote: '派单记录的地点是 1 栋' });
    const { pendingCorrectionId: _pending, ...unchanged } = before;
    expect(doc<ServiceRecord>(cloud, 'service_records', r2)).toEqual(unchanged);
    expect(docs<RecordChange>(cloud, 'record_changes').filter((c) => c.recordId === r2)).toEqual([]);
    expect(await counterOf(cloud, VOL)).toBe(counterBefore);
    expect(doc<RecordCorrection>(cloud, 'record_corrections', c2)).toMatchObject({ status: 'rejected', reviewedBy: STAFF2 });

    // Free again: a content change is approved without touching the hours.
    const c3 = ok(await correction(VOL, { recordId: r2, content: '送午餐并陪老人吃饭、收拾餐具' })).id;
    const approved = ok(await call(cloud, STAFF2, 'record.reviewCorrection', { correctionId: c3, decision: 'approve' }));
    expect(approved.record).toMatchObject({ content: '送午餐并陪老人吃饭、收拾餐具', hours: 1, version: 2 });
    expect(doc<RecordChange>(cloud, 'record_changes', `correction:${c3}`)).toMatchObject({
      before: { content: '午餐已送到，老人很满意' },
      after: { content: '送午餐并陪老人吃饭、收拾餐具' },
      reason: '路上和陪老人吃饭的时间没算进去',
      byName: '孙干事',
    });
    expect(Object.keys(doc<RecordChange>(cloud, 'record_changes', `correction:${c3}`)!.after)).toEqual(['content']);
    expect(await counterOf(cloud, VOL)).toBe(counterBefore);
    await expectCounterMatches(cloud, VOL);
  });

  it('a correction that lowers the hours lowers the counter', async () => {
    const c4 = ok(await correction(VOL, { recordId: 'activity:rec-act-1:o-rec-vol', minutes: 10, reason: '实际只参加了十分钟' })).id;
    ok(await call(cloud, DEMO.staff, 'record.reviewCorrection', { correctionId: c4, decision: 'approve' }));
    expect(doc<ServiceRecord>(cloud, 'service_records', 'activity:rec-act-1:o-rec-vol')).toMatchObject({ minutes: 10, hours: 0 });
    expect(await expectCounterMatches(cloud, VOL)).toBe(5.5 + 1 - 2);
  });

  it('alerts are for staff of the community only', async () => {
    await refused(cloud, VOL, 'record.alerts', {}, 'FORBIDDEN');
    expect(ok(await call(cloud, OTHER_STAFF, 'record.alerts', {}))).toEqual([]);
  });
});

/** 30 September 2026, 10:00 in Beijing: the day before the National Day holiday. */
const START = new Date('2026-09-30T10:00:00+08:00');
const DAY_MS = 24 * 3600_000;

describe('the record timer counts working days with the holiday table', () => {
  let cloud: LocalCloud;
  const ACTIVITY = 'rec-timer-activity';
  const SIGNUP = `${ACTIVITY}:${VOL2}`;

  beforeAll(async () => {
    // Three weeks of the 5-minute dispatch timer would be 6,000 runs this test does not look at.
    cloud = await startLinli({ startAt: START, timers: ['record'] });
    seedPeople(cloud);
    // Checked in at an activity that morning, never checked out.
    seed(cloud, 'activities', [
      {
        _id: ACTIVITY,
        communityId: DEMO.community,
        name: '国庆前楼道大扫除',
        content: '清理楼道杂物',
        place: '幸福里社区 · 第二网格',
        startAt: new Date('2026-09-30T09:00:00+08:00'),
        endAt: new Date('2026-09-30T11:00:00+08:00'),
        organiser: '幸福里社区',
        personInCharge: '刘晓梅',
        capacity: 10,
        skills: [],
        pointsPerHour: 10,
        signupOpensAt: new Date('2026-09-20T09:00:00+08:00'),
        signupClosesAt: new Date('2026-09-30T09:00:00+08:00'),
        withdrawClosesAt: new Date('2026-09-30T09:00:00+08:00'),
        status: 'published',
        enrolled: 1,
        waitlisted: 0,
        waitSeq: 0,
        attendanceSecret: 'timer-test-secret',
        clientRequestId: 'rec-timer-activity',
        createdBy: DEMO.staff,
        createdAt: new Date('2026-09-20T09:00:00+08:00'),
        updatedAt: new Date('2026-09-20T09:00:00+08:00'),
      },
    ]);
    seed(cloud, 'activity_signups', [
      {
        _id: SIGNUP,
        activityId: ACTIVITY,
        communityId: DEMO.community,
        openid: VOL2,
        volunteerName: '钱志愿',
        status: 'checked_in',
        signedUpAt: new Date('2026-09-21T09:00:00+08:00'),
        checkInAt: new Date('2026-09-30T08:55:00+08:00'),
        checkInBy: VOL2,
        codeFailures: 0,
        updatedAt: new Date('2026-09-30T08:55:00+08:00'),
      },
    ]);
  });
  afterAll(() => cloud.close());

  it('the cloud starts on the given day, and functions see it', async () => {
    const { now } = await control<{ now: string }>(cloud, 'GET', 'clock');
    expect(Math.abs(new Date(now).getTime() - START.getTime())).toBeLessThan(60_000);
  });

  it('flags on the 8th working day after National Day (16 October), not on the weekends-only date (12 October); scoring clears it', async () => {
    const orderId = await servedOrder(cloud, VOL, 50);
    const completedAt = new Date(doc<Order>(cloud, 'orders', orderId)!.completedAt!);
    expect(completedAt.toISOString().slice(0, 10)).toBe('2026-09-30');
    expect(Math.abs(completedAt.getTime() - START.getTime())).toBeLessThan(60_000);

    const flagged: Record<string, boolean> = {};
    for (let day = 1; day <= 16; day++) {
      // Each step passes 08:00 of the next day, when the timer runs.
      await control(cloud, 'POST', 'clock', { advanceMs: DAY_MS });
      const today = new Date(START.getTime() + day * DAY_MS + 8 * 3600_000).toISOString().slice(0, 10);
      flagged[today] = doc<Order>(cloud, 'orders', orderId)!.recordAlert !== undefined;
      expect(doc<ActivitySignup>(cloud, 'activity_signups', SIGNUP)!.recordAlert !== undefined).toBe(flagged[today]);
    }
    // Weekends only would count 1, 2, 5, 6, 7, 8, 9, 12 October: flagged on the 12th. The holiday
    // table makes it 8, 9, 10 (a working Saturday), 12, 13, 14, 15, 16 October.
    expect(flagged['2026-10-12']).toBe(false);
    expect(flagged['2026-10-15']).toBe(false);
    expect(flagged['2026-10-16']).toBe(true);
    expect(Object.entries(flagged).filter(([, on]) => on).map(([day]) => day)).toEqual(['2026-10-16']);
    expect(doc<Order>(cloud, 'orders', orderId)!.recordAlert).toMatchObject({ deadline: '2026-10-20' });

    const alerts = ok(await call(cloud, DEMO.staff, 'record.alerts', {}));
    // Equally urgent: in either order.
    expect([...alerts].sort((a, b) => a.kind.localeCompare(b.kind))).toEqual([
      { kind: 'activity', ref: ACTIVITY, title: '国庆前楼道大扫除', volunteerName: '钱志愿', serviceDate: '2026-09-30', deadline: '2026-10-20', workingDaysLeft: 2, todo: '为志愿者签退' },
      { kind: 'order', ref: orderId, title: '助餐送餐', volunteerName: '赵志愿', serviceDate: '2026-09-30', deadline: '2026-10-20', workingDaysLeft: 2, todo: '去评分' },
    ]);
    expect(ok(await call(cloud, OTHER_STAFF, 'record.alerts', {}))).toEqual([]);

    // Past the deadline (Wednesday 21 October) the count goes negative; the flag is not written twice.
    const flaggedAt = doc<Order>(cloud, 'orders', orderId)!.recordAlert!.flaggedAt;
    await control(cloud, 'POST', 'clock', { advanceMs: 5 * DAY_MS });
    expect(doc<Order>(cloud, 'orders', orderId)!.recordAlert!.flaggedAt).toEqual(flaggedAt);
    expect(ok(await call(cloud, DEMO.staff, 'record.alerts', {})).map((a) => a.workingDaysLeft)).toEqual([-1, -1]);

    ok(await call(cloud, DEMO.staff, 'scoring.score', { orderId, score: 4 }));
    expect(doc<Order>(cloud, 'orders', orderId)!.recordAlert).toBeUndefined();
    // Recorded late, but recorded: with the day of the service, not the day of scoring.
    expect(doc<ServiceRecord>(cloud, 'service_records', `order:${orderId}`)).toMatchObject({ date: '2026-09-30', minutes: 50, hours: 1 });
    expect(ok(await call(cloud, DEMO.staff, 'record.alerts', {})).map((a) => a.kind)).toEqual(['activity']);
  });

  it('one run flags orders of different days, each with its own deadline, and leaves those not yet due', async () => {
    // The clock is now on 21 October 2026, after 08:00.
    const completed = (id: string, at: string) => ({
      _id: id,
      communityId: DEMO.community,
      residentOpenid: DEMO.resident,
      createdBy: DEMO.resident,
      clientRequestId: id,
      serviceId: 'svc-meal',
      serviceName: '助餐送餐',
      skills: ['送餐'],
      basePoints: 10,
      expectedMinutes: 30,
      description: '送午饭',
      address: { gridId: 'g1', building: '1栋' },
      contactName: '张秀英',
      contactPhone: '13800000002',
      status: 'completed',
      assignee: VOL,
      assigneeName: '赵志愿',
      events: [],
      declines: [],
      createdAt: new Date(at),
      dueAt: new Date(at),
      overdue: false,
      completedAt: new Date(at),
      completion: { summary: '已送到', minutes: 30 },
    });
    seed(cloud, 'orders', [
      // On a holiday (5 October): its 8th working day is 16 October, its 10th 20 October.
      completed('rec-timer-holiday', '2026-10-05T12:00:00+08:00'),
      // Friday 9 October: 8th working day 20 October, 10th 22 October.
      completed('rec-timer-friday', '2026-10-09T23:30:00+08:00'),
      // Friday 16 October: not due until 28 October.
      completed('rec-timer-recent', '2026-10-16T09:00:00+08:00'),
    ]);
    await control(cloud, 'POST', 'clock', { advanceMs: DAY_MS });
    expect(doc<Order>(cloud, 'orders', 'rec-timer-holiday')!.recordAlert).toMatchObject({ deadline: '2026-10-20' });
    expect(doc<Order>(cloud, 'orders', 'rec-timer-friday')!.recordAlert).toMatchObject({ deadline: '2026-10-22' });
    expect(doc<Order>(cloud, 'orders', 'rec-timer-recent')!.recordAlert).toBeUndefined();
  });
});
