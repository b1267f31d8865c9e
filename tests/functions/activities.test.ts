/**
 * The `activity` function through /client/callFunction: staff publish activities, volunteers sign
 * up (or wait), withdraw, check in and out with the rotating code; staff mark attendance; checking
 * out writes the statutory record and the points. Time moves on the local cloud's virtual clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionName, ActivityView, InputOf } from '../../core/contract';
import { attendanceCode } from '../../core/codes';
import type { Activity, ActivitySignup, LedgerEntry, PointsAccount, ServiceRecord } from '../../core/model';
import { sumHours } from '../../core/volunteer-hours';
import { formatLocal } from '../../core/time';
import type { LocalCloud } from '../../localcloud/src/server';
import { control } from '../helpers/localcloud';
import { approveRuleChanges, call, callRaw, DEMO, ok, snapshot, startLinli } from '../helpers/linli';
import { doc as docOf, docs as docsOf, expectRefused, seed, seedVolunteer } from '../helpers/seed';

const MINUTE = 60_000;
const WRONG_CODE = '签到码不正确或已过期，请输入工作人员手机上显示的最新签到码';

/** Registered residents who are approved volunteers of the demo community (with cleaning skills unless told). */
function seedVolunteers(cloud: LocalCloud, people: ReadonlyArray<readonly [openid: string, name: string, skills?: string[]]>): void {
  for (const [openid, name, skills = ['保洁']] of people) seedVolunteer(cloud, openid, name, { skills });
}

/** Helpers bound to one cloud. */
function harness(getCloud: () => LocalCloud) {
  let seq = 0;
  const docs = <T>(collection: string): T[] => docsOf<T>(getCloud(), collection);
  const doc = <T>(collection: string, id: string): T | undefined => docOf<T>(getCloud(), collection, id);
  const now = async () => new Date((await control<{ now: string }>(getCloud(), 'GET', 'clock')).now);
  const advance = (ms: number) => control(getCloud(), 'POST', 'clock', { advanceMs: ms });
  const at = (base: Date, minutes: number) => new Date(base.getTime() + minutes * MINUTE).toISOString();

  /** Publishes an activity; its points per hour take effect once a second staff member approves them (done here). */
  async function create(input: Partial<InputOf<'activity.create'>> & { startAt: string; endAt: string }): Promise<ActivityView> {
    const created = ok(
      await call(getCloud(), DEMO.staff, 'activity.create', {
        name: '社区绿地清洁',
        content: '清理绿化带垃圾、修剪枯枝',
        place: '幸福里社区中心花园',
        capacity: 5,
        pointsPerHour: 10,
        clientRequestId: `act-req-${process.pid}-${++seq}`,
        ...input,
      }),
    );
    if (created.pendingPointsPerHour === undefined) return created;
    await approveRuleChanges(getCloud());
    return ok(await call(getCloud(), DEMO.staff, 'activity.get', { activityId: created.id }));
  }

  /** A refused call: the expected code, and not one byte of the database changed. */
  const refused = (openid: string, action: ActionName, input: unknown, code: string): Promise<string> => expectRefused(getCloud(), openid, action, input, code);

  /** A refused call that may write (a wrong code is counted). */
  async function failed(openid: string, action: ActionName, input: unknown): Promise<{ code: string; message: string }> {
    const reply = await callRaw(getCloud(), openid, action.split('.')[0]!, { action, input });
    if (reply.ok) throw new Error(`${action} as ${openid} should have failed`);
    return reply.error;
  }

  const signup = (activityId: string, openid: string) => doc<ActivitySignup>('activity_signups', `${activityId}:${openid}`)!;
  const activity = (activityId: string) => doc<Activity>('activities', activityId)!;
  const signupsOf = (activityId: string) => docs<ActivitySignup>('activity_signups').filter((s) => s.activityId === activityId);

  /** The activity's counters equal its documents. */
  function expectCountersMatch(activityId: string): void {
    const all = signupsOf(activityId);
    const stored = activity(activityId);
    expect(stored.enrolled).toBe(all.filter((s) => ['enrolled', 'checked_in', 'attended', 'no_show'].includes(s.status)).length);
    expect(stored.waitlisted).toBe(all.filter((s) => s.status === 'waitlisted').length);
    expect(stored.enrolled).toBeLessThanOrEqual(stored.capacity);
  }

  return { docs, doc, now, advance, at, create, refused, failed, signup, activity, signupsOf, expectCountersMatch };
}

describe('activities: publishing, signing up, the waiting list', () => {
  let cloud: LocalCloud;
  const h = harness(() => cloud);
  const V1 = 'o-act-v1';
  const V2 = 'o-act-v2';
  const BARBER = 'o-act-barber';

  beforeAll(async () => {
    cloud = await startLinli({ sensitiveWords: ['赌博'] });
    seedVolunteers(cloud, [[V1, '王一'], [V2, '赵二'], [BARBER, '孙理发', ['理发']]]);
  });
  afterAll(() => cloud.close());

  it('staff create with defaults; a retried create returns the same activity; the secret never leaves', async () => {
    const now = await h.now();
    const input = {
      name: '社区绿地清洁',
      content: '清理绿化带垃圾',
      place: '中心花园',
      startAt: h.at(now, 24 * 60),
      endAt: h.at(now, 26 * 60),
      capacity: 8,
      pointsPerHour: 12,
      skills: ['保洁', '保洁'],
      clientRequestId: 'create-retry-0001',
    };
    const created = ok(await call(cloud, DEMO.staff, 'activity.create', input));
    expect(created).toMatchObject({
      name: '社区绿地清洁',
      organiser: '幸福里社区',
      personInCharge: '刘晓梅',
      capacity: 8,
      skills: ['保洁'],
      // What an hour pays waits for a second staff member.
      pointsPerHour: 0,
      pendingPointsPerHour: 12,
      status: 'published',
      phase: 'open',
      enrolled: 0,
      waitlisted: 0,
      signupClosesAt: input.startAt,
      withdrawClosesAt: input.startAt,
    });
    expect(new Date(created.signupOpensAt).getTime()).toBeGreaterThanOrEqual(now.getTime());
    const stored = h.activity(created.id);
    expect(stored.attendanceSecret).toMatch(/^[A-Z2-9]{24}$/);
    expect(JSON.stringify(created)).not.toContain(stored.attendanceSecret);
    expect(created).not.toHaveProperty('attendanceSecret');

    const again = ok(await call(cloud, DEMO.staff, 'activity.create', input));
    expect(again.id).toBe(created.id);
    expect(h.docs<{ targetId: string }>('rule_changes').filter((change) => change.targetId === created.id)).toHaveLength(1);
    expect(await approveRuleChanges(cloud)).toBe(1);
    expect(ok(await call(cloud, DEMO.volunteer, 'activity.get', { activityId: created.id }))).toMatchObject({ pointsPerHour: 12 });
    expect(h.docs<Activity>('activities').filter((a) => a.clientRequestId === 'create-retry-0001')).toHaveLength(1);

    const got = ok(await call(cloud, DEMO.volunteer, 'activity.get', { activityId: created.id }));
    expect(JSON.stringify(got)).not.toContain(stored.attendanceSecret);
    expect(got.mySignup).toBeUndefined();
  });

  it('bad input writes nothing: contract errors, a start in the past, merged times, risky text, the wrong role', async () => {
    const now = await h.now();
    const base = { name: '楼道清洁', content: '清理', place: '1栋', capacity: 5, pointsPerHour: 10, clientRequestId: 'bad-input-0001' };
    expect(await h.refused(DEMO.staff, 'activity.create', { ...base, startAt: h.at(now, 120), endAt: h.at(now, 60) }, 'INVALID_INPUT')).toContain('结束时间应晚于开始时间');
    expect(await h.refused(DEMO.staff, 'activity.create', { ...base, startAt: h.at(now, -60), endAt: h.at(now, 60) }, 'INVALID_INPUT')).toBe('开始时间应晚于现在');
    // Sign-up would close (at the start, by default) before it opens: only the merged times show it.
    expect(
      await h.refused(DEMO.staff, 'activity.create', { ...base, startAt: h.at(now, 120), endAt: h.at(now, 180), signupOpensAt: h.at(now, 150) }, 'INVALID_INPUT'),
    ).toBe('报名截止时间应晚于报名开始时间');
    expect(await h.refused(DEMO.staff, 'activity.create', { ...base, capacity: 0, startAt: h.at(now, 120), endAt: h.at(now, 180) }, 'INVALID_INPUT')).toContain('招募人数');
    expect(await h.refused(DEMO.staff, 'activity.create', { ...base, name: '赌博讲座', startAt: h.at(now, 120), endAt: h.at(now, 180) }, 'CONTENT_RISKY')).toContain('活动名称');
    // The organiser and the person in charge are read by volunteers and go onto their records.
    expect(await h.refused(DEMO.staff, 'activity.create', { ...base, organiser: '赌博协会', startAt: h.at(now, 120), endAt: h.at(now, 180) }, 'CONTENT_RISKY')).toContain('组织单位');
    expect(await h.refused(DEMO.staff, 'activity.update', { activityId: 'demo-act-stairwell', personInCharge: '赌博' }, 'CONTENT_RISKY')).toContain('活动负责人');
    await h.refused(DEMO.volunteer, 'activity.create', { ...base, startAt: h.at(now, 120), endAt: h.at(now, 180) }, 'FORBIDDEN');
    await h.refused(DEMO.resident, 'activity.signUp', { activityId: 'demo-act-stairwell' }, 'FORBIDDEN');
    await h.refused(DEMO.staff, 'activity.signUp', { activityId: '' }, 'FORBIDDEN');
    await h.refused(DEMO.volunteer, 'activity.signUp', { activityId: '' }, 'INVALID_INPUT');
    await h.refused(DEMO.volunteer, 'activity.get', { activityId: 'no-such-activity' }, 'NOT_FOUND');
  });

  it('a volunteer cannot get the attendance code', async () => {
    expect(await h.refused(DEMO.volunteer, 'activity.code', { activityId: 'demo-act-stairwell' }, 'FORBIDDEN')).toBeTruthy();
  });

  it('a volunteer without every required skill is refused', async () => {
    const now = await h.now();
    const activity = await h.create({ startAt: h.at(now, 300), endAt: h.at(now, 360), skills: ['理发', '保洁'] });
    expect(await h.refused(BARBER, 'activity.signUp', { activityId: activity.id }, 'FORBIDDEN')).toBe('报名该活动需要具备以下技能：保洁');
    const joined = ok(await call(cloud, DEMO.volunteer, 'activity.signUp', { activityId: activity.id }));
    expect(joined.mySignup.status).toBe('enrolled');
  });

  it('a cancelled activity refuses sign-up, and says why', async () => {
    const now = await h.now();
    const activity = await h.create({ startAt: h.at(now, 300), endAt: h.at(now, 360) });
    const cancelled = ok(await call(cloud, DEMO.staff, 'activity.cancel', { activityId: activity.id, reason: '暴雨预警，改期举行' }));
    expect(cancelled).toMatchObject({ status: 'cancelled', phase: 'cancelled', cancelReason: '暴雨预警，改期举行' });
    expect(await h.refused(DEMO.volunteer, 'activity.signUp', { activityId: activity.id }, 'CONFLICT')).toBe('活动已取消（暴雨预警，改期举行）');
    expect(h.signupsOf(activity.id)).toHaveLength(0);
    await h.refused(DEMO.staff, 'activity.update', { activityId: activity.id, capacity: 9 }, 'CONFLICT');
  });

  it('sign-up before it opens is refused', async () => {
    const now = await h.now();
    const activity = await h.create({ startAt: h.at(now, 600), endAt: h.at(now, 660), signupOpensAt: h.at(now, 120) });
    expect(activity.phase).toBe('not_open');
    expect(await h.refused(V1, 'activity.signUp', { activityId: activity.id }, 'CONFLICT')).toContain('报名尚未开始');
  });

  it('when full, volunteers wait in turn; a withdrawal promotes the first; raising the capacity admits the rest', async () => {
    const now = await h.now();
    const activity = await h.create({ startAt: h.at(now, 300), endAt: h.at(now, 360), capacity: 1 });
    const first = ok(await call(cloud, DEMO.volunteer, 'activity.signUp', { activityId: activity.id }));
    expect(first.mySignup.status).toBe('enrolled');
    const second = ok(await call(cloud, V1, 'activity.signUp', { activityId: activity.id }));
    expect(second).toMatchObject({ enrolled: 1, waitlisted: 1, mySignup: { status: 'waitlisted', waitPosition: 1 } });
    const third = ok(await call(cloud, V2, 'activity.signUp', { activityId: activity.id }));
    expect(third.mySignup).toMatchObject({ status: 'waitlisted', waitPosition: 2 });
    // Signing up again returns the place held, and changes nothing.
    const before = snapshot(cloud);
    expect(ok(await call(cloud, V1, 'activity.signUp', { activityId: activity.id })).mySignup).toMatchObject({ status: 'waitlisted', waitPosition: 1 });
    expect(snapshot(cloud)).toBe(before);
    h.expectCountersMatch(activity.id);

    // The list shows my sign-up on the activity.
    const upcoming = ok(await call(cloud, V2, 'activity.list', { when: 'upcoming', limit: 50 }));
    expect(upcoming.items.find((item) => item.id === activity.id)?.mySignup?.status).toBe('waitlisted');

    const gone = ok(await call(cloud, DEMO.volunteer, 'activity.withdraw', { activityId: activity.id }));
    expect(gone).toMatchObject({ enrolled: 1, waitlisted: 1, mySignup: { status: 'withdrawn' } });
    expect(h.signup(activity.id, V1).status).toBe('enrolled');
    expect(ok(await call(cloud, V2, 'activity.get', { activityId: activity.id })).mySignup).toMatchObject({ status: 'waitlisted', waitPosition: 1 });
    h.expectCountersMatch(activity.id);

    const sheet = ok(await call(cloud, DEMO.staff, 'activity.attendance', { activityId: activity.id }));
    expect(sheet.signups.map((s) => [s.openid, s.status, s.waitPosition])).toEqual([
      [V1, 'enrolled', undefined],
      [V2, 'waitlisted', 1],
      [DEMO.volunteer, 'withdrawn', undefined],
    ]);
    expect(JSON.stringify(sheet)).not.toMatch(/1[3-9]\d{9}/);

    // Capacity cannot drop below those holding a place…
    ok(await call(cloud, DEMO.volunteer, 'activity.signUp', { activityId: activity.id }));
    const raised = ok(await call(cloud, DEMO.staff, 'activity.update', { activityId: activity.id, capacity: 3 }));
    // …and raising it admits the waiting list in turn (V2, then the volunteer who came back).
    expect(raised).toMatchObject({ capacity: 3, enrolled: 3, waitlisted: 0 });
    expect(h.signup(activity.id, V2).status).toBe('enrolled');
    expect(h.signup(activity.id, DEMO.volunteer).status).toBe('enrolled');
    expect(await h.refused(DEMO.staff, 'activity.update', { activityId: activity.id, capacity: 2 }, 'CONFLICT')).toBe('已有 3 人获得名额，招募人数不能少于 3 人');
    h.expectCountersMatch(activity.id);

    const mine = ok(await call(cloud, DEMO.volunteer, 'activity.mine', {}));
    expect(mine.items[0]).toMatchObject({ id: activity.id, mySignup: { status: 'enrolled' } });
  });

  it('each caller’s view says what they may do, and it follows what they did', async () => {
    const now = await h.now();
    const activity = await h.create({ startAt: h.at(now, 300), endAt: h.at(now, 360), capacity: 1 });
    const allowedFor = async (openid: string) => ok(await call(cloud, openid, 'activity.get', { activityId: activity.id })).allowed;
    expect(await allowedFor(V1)).toEqual(['signUp']);
    expect(await allowedFor(DEMO.resident)).toEqual([]);
    expect(await allowedFor(DEMO.staff)).toEqual(['update', 'cancel', 'attendance']);
    expect(activity).toMatchObject({
      checkInOpensAt: new Date(Date.parse(activity.startAt) - 30 * MINUTE).toISOString(),
      checkOutClosesAt: new Date(Date.parse(activity.endAt) + 120 * MINUTE).toISOString(),
    });

    expect(ok(await call(cloud, V1, 'activity.signUp', { activityId: activity.id })).allowed).toEqual(['withdraw']);
    // Full: the next one waits, and may still give up waiting.
    expect(ok(await call(cloud, V2, 'activity.signUp', { activityId: activity.id }))).toMatchObject({ mySignup: { status: 'waitlisted' }, allowed: ['withdraw'] });
    const listed = ok(await call(cloud, V1, 'activity.list', { when: 'upcoming', limit: 50 })).items.find((item) => item.id === activity.id);
    expect(listed?.allowed).toEqual(['withdraw']);
    expect(ok(await call(cloud, V1, 'activity.mine', {})).items.find((item) => item.id === activity.id)?.allowed).toEqual(['withdraw']);
    expect(ok(await call(cloud, V1, 'activity.withdraw', { activityId: activity.id })).allowed).toEqual(['signUp']);

    // Before check-in opens, staff may mark nobody on the sheet.
    const sheet = ok(await call(cloud, DEMO.staff, 'activity.attendance', { activityId: activity.id }));
    expect(sheet.activity.allowed).toEqual(['update', 'cancel', 'attendance']);
    expect(sheet.signups.map((row) => [row.openid, row.allowed])).toEqual([
      [V2, []],
      [V1, []],
    ]);

    const cancelled = ok(await call(cloud, DEMO.staff, 'activity.cancel', { activityId: activity.id, reason: '场地临时占用' }));
    expect(cancelled.allowed).toEqual(['attendance']);
    expect(await allowedFor(V2)).toEqual([]);
  });

  it('past activities list the demo ones, with my recorded hours', async () => {
    const past = ok(await call(cloud, DEMO.volunteer, 'activity.list', { when: 'past', limit: 50 }));
    const chongyang = past.items.find((item) => item.id === 'demo-act-chongyang');
    expect(chongyang).toMatchObject({ phase: 'ended', mySignup: { status: 'attended', hours: 2.5 } });
    const starts = past.items.map((item) => item.startAt);
    expect([...starts].sort().reverse()).toEqual(starts);
    const upcoming = ok(await call(cloud, DEMO.resident, 'activity.list', {}));
    expect(upcoming.items.map((item) => item.id)).toEqual(expect.arrayContaining(['demo-act-stairwell', 'demo-act-health-talk']));
    expect(upcoming.items.every((item) => item.mySignup === undefined)).toBe(true);
  });
});

describe('activities: thirty volunteers sign up at once', () => {
  let cloud: LocalCloud;
  const h = harness(() => cloud);
  const RACERS = Array.from({ length: 30 }, (_, i) => `o-act-racer-${String(i + 1).padStart(2, '0')}`);

  beforeAll(async () => {
    cloud = await startLinli();
    seedVolunteers(cloud, RACERS.map((openid, i) => [openid, `报名${i + 1}号`] as const));
  });
  afterAll(() => cloud.close());

  it('capacity 5: exactly 5 enrolled, 25 waiting with distinct numbers, counters equal the documents', async () => {
    const now = await h.now();
    const activity = await h.create({ startAt: h.at(now, 300), endAt: h.at(now, 360), capacity: 5 });
    const replies = await Promise.all(RACERS.map((openid) => call(cloud, openid, 'activity.signUp', { activityId: activity.id })));
    for (const reply of replies) ok(reply);
    const all = h.signupsOf(activity.id);
    expect(all.filter((s) => s.status === 'enrolled')).toHaveLength(5);
    const waiting = all.filter((s) => s.status === 'waitlisted');
    expect(waiting).toHaveLength(25);
    expect(new Set(waiting.map((s) => s.waitSeq)).size).toBe(25);
    expect(waiting.map((s) => s.waitSeq).sort((a, b) => a! - b!)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(h.activity(activity.id)).toMatchObject({ enrolled: 5, waitlisted: 25, waitSeq: 25 });
    h.expectCountersMatch(activity.id);

    // The five with a place all withdraw at once: the first five waiting take their places, in turn.
    const enrolled = all.filter((s) => s.status === 'enrolled').map((s) => s.openid);
    const withdrawals = await Promise.all(enrolled.map((openid) => call(cloud, openid, 'activity.withdraw', { activityId: activity.id })));
    for (const reply of withdrawals) ok(reply);
    const after = h.signupsOf(activity.id);
    const promoted = waiting.filter((s) => (s.waitSeq ?? 0) <= 5).map((s) => s.openid);
    expect(after.filter((s) => s.status === 'enrolled').map((s) => s.openid).sort()).toEqual(promoted.sort());
    expect(h.activity(activity.id)).toMatchObject({ enrolled: 5, waitlisted: 20 });
    h.expectCountersMatch(activity.id);
  });

  it('claims never collide: in the rush a sign-up costs what one alone does, plus the read of its waiting number', async () => {
    /** Database requests of each sign-up since the history was cleared (a retried transaction counts each time). */
    const requestsOfSignUps = () =>
      cloud.runtime
        .recent(500)
        .filter((record) => record.action === 'activity.signUp')
        .map((record) => Object.values(record.database).reduce((a, b) => a + b, 0));
    const now = await h.now();
    const [alone, ...rush] = RACERS;
    // One alone: a place, and then a number on the waiting list.
    const quiet = await h.create({ startAt: h.at(now, 300), endAt: h.at(now, 360), capacity: 1 });
    cloud.runtime.clearHistory();
    ok(await call(cloud, alone!, 'activity.signUp', { activityId: quiet.id }));
    ok(await call(cloud, rush[0]!, 'activity.signUp', { activityId: quiet.id }));
    const [waitingAlone, placeAlone] = requestsOfSignUps();

    const activity = await h.create({ startAt: h.at(now, 300), endAt: h.at(now, 360), capacity: 5 });
    // Every instance started first, so that the sign-ups run side by side rather than one after another.
    await Promise.all(rush.slice(0, 10).map((openid) => call(cloud, openid, 'activity.get', { activityId: activity.id })));
    cloud.runtime.clearHistory();
    const replies = await Promise.all(rush.map((openid) => call(cloud, openid, 'activity.signUp', { activityId: activity.id })));
    // Nobody is refused, nobody is told to retry, and the places are not exceeded.
    for (const reply of replies) ok(reply);
    expect(h.activity(activity.id)).toMatchObject({ enrolled: 5, waitlisted: rush.length - 5 });
    h.expectCountersMatch(activity.id);
    const costs = requestsOfSignUps();
    expect(costs).toHaveLength(rush.length);
    // A claim is tried again only when the last place went between its read and its write: once more
    // (a read and a claim on the waiting list) for at most as many sign-ups as run at once.
    const atOnce = cloud.runtime.instances().maxWorkersPerFunction;
    const budget = 5 * placeAlone! + (rush.length - 5) * waitingAlone! + 2 * atOnce;
    const spent = costs.reduce((a, b) => a + b, 0);
    expect(spent, `${spent} requests for ${rush.length} sign-ups (alone: ${placeAlone} for a place, ${waitingAlone} for a waiting number): ${costs.join(' ')}`).toBeLessThanOrEqual(budget);
  });
});

describe('activities: a double tap, and a sign-up that died after claiming its place', () => {
  let cloud: LocalCloud;
  const h = harness(() => cloud);
  const [TAPPER, FIRST, SECOND, THIRD] = ['o-act-tapper', 'o-act-claim-1', 'o-act-claim-2', 'o-act-claim-3'];
  const PROMOTED = 'TPL_ACTIVITY_PROMOTED';
  const outbox = async () => (await control<{ messages: Array<{ touser: string; template_id: string }> }>(cloud, 'GET', 'outbox')).messages;

  beforeAll(async () => {
    cloud = await startLinli();
    seedVolunteers(cloud, [[TAPPER, '韩连点'], [FIRST, '杨一'], [SECOND, '朱二'], [THIRD, '秦三']]);
    await control(cloud, 'POST', 'subscriptions', { openid: SECOND, templateId: PROMOTED, count: 5 });
  });
  afterAll(() => cloud.close());

  /** What a sign-up that died between its claim and its document leaves: the counters moved, no sign-up. */
  function leaveClaimWithoutSignup(activityId: string, claim: 'place' | 'waiting'): void {
    const stored = h.activity(activityId);
    const moved = claim === 'place' ? { enrolled: stored.enrolled + 1 } : { waitlisted: stored.waitlisted + 1, waitSeq: stored.waitSeq + 1 };
    seed(cloud, 'activities', [{ ...stored, ...moved }]);
  }

  it('six taps at once hold one place, or one number on the waiting list; nobody else loses a place', async () => {
    const now = await h.now();
    const activity = await h.create({ startAt: h.at(now, 300), endAt: h.at(now, 360), capacity: 3 });
    // Every instance started first, so that the taps run side by side rather than one after another.
    await Promise.all(Array.from({ length: 10 }, () => call(cloud, TAPPER, 'activity.get', { activityId: activity.id })));
    const taps = await Promise.all(Array.from({ length: 6 }, () => call(cloud, TAPPER, 'activity.signUp', { activityId: activity.id })));
    // Every tap is answered (a tap that lost the race answers with the sign-up that won it).
    for (const tap of taps) expect(ok(tap).mySignup.openid).toBe(TAPPER);
    expect(h.signupsOf(activity.id).map((signup) => [signup.openid, signup.status])).toEqual([[TAPPER, 'enrolled']]);
    expect(h.activity(activity.id)).toMatchObject({ enrolled: 1, waitlisted: 0 });
    // The places the other taps claimed went back: two more still get one.
    for (const openid of [FIRST, SECOND]) expect(ok(await call(cloud, openid, 'activity.signUp', { activityId: activity.id })).mySignup.status).toBe('enrolled');
    h.expectCountersMatch(activity.id);

    const full = await h.create({ startAt: h.at(now, 300), endAt: h.at(now, 360), capacity: 1 });
    ok(await call(cloud, FIRST, 'activity.signUp', { activityId: full.id }));
    const waiting = await Promise.all(Array.from({ length: 6 }, () => call(cloud, TAPPER, 'activity.signUp', { activityId: full.id })));
    for (const tap of waiting) expect(ok(tap).mySignup.status).toBe('waitlisted');
    expect(h.signupsOf(full.id).filter((signup) => signup.openid === TAPPER)).toHaveLength(1);
    expect(h.activity(full.id)).toMatchObject({ enrolled: 1, waitlisted: 1 });
    expect(ok(await call(cloud, TAPPER, 'activity.get', { activityId: full.id })).mySignup).toMatchObject({ status: 'waitlisted', waitPosition: 1 });
    // The tokens that told each claim its number stay on the server.
    const tokens = h.activity(full.id).waitTokens ?? [];
    expect(tokens.length).toBeGreaterThan(0);
    const replies = JSON.stringify([waiting, await call(cloud, SECOND, 'activity.list', { limit: 50 }), await call(cloud, DEMO.staff, 'activity.attendance', { activityId: full.id })]);
    for (const token of tokens) expect(replies).not.toContain(token);
    // Next in line is second, not eleventh.
    expect(ok(await call(cloud, SECOND, 'activity.signUp', { activityId: full.id })).mySignup).toMatchObject({ status: 'waitlisted', waitPosition: 2 });
    h.expectCountersMatch(full.id);
  });

  it('a place claimed for nobody is given to the waiting list once no sign-up can still be writing it', async () => {
    const now = await h.now();
    const activity = await h.create({ startAt: h.at(now, 300), endAt: h.at(now, 360), capacity: 2 });
    ok(await call(cloud, FIRST, 'activity.signUp', { activityId: activity.id }));
    leaveClaimWithoutSignup(activity.id, 'place');
    expect(ok(await call(cloud, SECOND, 'activity.signUp', { activityId: activity.id })).mySignup.status).toBe('waitlisted');

    // Within a minute of the last claim, a sign-up may still be writing itself: nothing is touched.
    let sheet = ok(await call(cloud, DEMO.staff, 'activity.attendance', { activityId: activity.id }));
    expect(sheet.activity).toMatchObject({ enrolled: 2, waitlisted: 1 });
    await h.advance(2 * MINUTE);
    sheet = ok(await call(cloud, DEMO.staff, 'activity.attendance', { activityId: activity.id }));
    expect(sheet.activity).toMatchObject({ enrolled: 2, waitlisted: 0 });
    expect(sheet.signups.map((signup) => [signup.openid, signup.status])).toEqual([
      [FIRST, 'enrolled'],
      [SECOND, 'enrolled'],
    ]);
    expect((await outbox()).filter((message) => message.template_id === PROMOTED).map((message) => message.touser)).toEqual([SECOND]);
    h.expectCountersMatch(activity.id);
  });

  it('a waiting number claimed for nobody does not stop a withdrawal', async () => {
    const now = await h.now();
    const activity = await h.create({ startAt: h.at(now, 300), endAt: h.at(now, 360), capacity: 1 });
    ok(await call(cloud, THIRD, 'activity.signUp', { activityId: activity.id }));
    leaveClaimWithoutSignup(activity.id, 'waiting');
    await h.advance(2 * MINUTE);
    expect(ok(await call(cloud, THIRD, 'activity.withdraw', { activityId: activity.id }))).toMatchObject({ enrolled: 0, waitlisted: 0, mySignup: { status: 'withdrawn' } });
    h.expectCountersMatch(activity.id);
    // The place is free again.
    expect(ok(await call(cloud, FIRST, 'activity.signUp', { activityId: activity.id })).mySignup.status).toBe('enrolled');
  });
});

describe('activities: at the activity (check-in, check-out, staff marks, the record)', () => {
  let cloud: LocalCloud;
  const h = harness(() => cloud);
  const LOCKED = 'o-act-locked';
  const ABSENT = 'o-act-absent';
  const WAITING = 'o-act-waiting';
  let activity: ActivityView;
  let start: Date;
  let secret: string;

  beforeAll(async () => {
    cloud = await startLinli();
    seedVolunteers(cloud, [[LOCKED, '钱三'], [ABSENT, '周四'], [WAITING, '吴五']]);
    const now = await h.now();
    activity = await h.create({ startAt: h.at(now, 60), endAt: h.at(now, 180), capacity: 3, skills: ['保洁'], pointsPerHour: 10, withdrawClosesAt: h.at(now, 30) });
    start = new Date(activity.startAt);
    secret = h.activity(activity.id).attendanceSecret;
    for (const openid of [DEMO.volunteer, LOCKED, ABSENT, WAITING]) ok(await call(cloud, openid, 'activity.signUp', { activityId: activity.id }));
    expect(h.signup(activity.id, WAITING).status).toBe('waitlisted');
  });
  afterAll(() => cloud.close());

  it('before the window: no code, no check-in, no no-show', async () => {
    expect(await h.refused(DEMO.staff, 'activity.code', { activityId: activity.id }, 'CONFLICT')).toContain('30 分钟');
    const code = attendanceCode(secret, await h.now());
    expect(await h.refused(DEMO.volunteer, 'activity.checkIn', { activityId: activity.id, code }, 'CONFLICT')).toContain('签到时间');
    expect(await h.refused(DEMO.staff, 'activity.mark', { activityId: activity.id, openid: ABSENT, mark: 'no_show' }, 'CONFLICT')).toBe('活动开始后才能标记未到');
  });

  it('withdrawal after the cut-off is refused', async () => {
    await h.advance(40 * MINUTE); // 20 minutes before the start; withdrawal closed 10 minutes ago
    expect(await h.refused(ABSENT, 'activity.withdraw', { activityId: activity.id }, 'CONFLICT')).toContain('已过取消报名截止时间');
    expect(h.signup(activity.id, ABSENT).status).toBe('enrolled');
  });

  it('the code staff show checks a volunteer in; a code from ten minutes ago does not', async () => {
    await h.advance(10 * MINUTE); // 10 minutes before the start
    const shown = ok(await call(cloud, DEMO.staff, 'activity.code', { activityId: activity.id }));
    const now = await h.now();
    expect(shown.code).toMatch(/^\d{6}$/);
    expect([attendanceCode(secret, now), attendanceCode(secret, new Date(now.getTime() - MINUTE))]).toContain(shown.code);
    expect(new Date(shown.rotatesAt).getTime()).toBeGreaterThan(now.getTime() - MINUTE);

    const stale = attendanceCode(secret, new Date(now.getTime() - 10 * MINUTE));
    expect(await h.failed(DEMO.volunteer, 'activity.checkIn', { activityId: activity.id, code: stale })).toEqual({ code: 'INVALID_INPUT', message: WRONG_CODE });
    expect(h.signup(activity.id, DEMO.volunteer)).toMatchObject({ status: 'enrolled', codeFailures: 1 });

    const checkedIn = ok(await call(cloud, DEMO.volunteer, 'activity.checkIn', { activityId: activity.id, code: attendanceCode(secret, await h.now()) }));
    expect(checkedIn.mySignup.status).toBe('checked_in');
    expect(h.signup(activity.id, DEMO.volunteer)).toMatchObject({ status: 'checked_in', checkInBy: DEMO.volunteer, codeFailures: 0 });
    expect(JSON.stringify(checkedIn)).not.toContain(secret);
  });

  it('in the check-in window, each volunteer’s view offers their next step, and the sheet what staff may mark', async () => {
    // 10 minutes before the start, withdrawal closed: the volunteer checked in above, the others not yet.
    const allowedFor = async (openid: string) => ok(await call(cloud, openid, 'activity.get', { activityId: activity.id })).allowed;
    expect(await allowedFor(DEMO.volunteer)).toEqual(['checkOut']);
    expect(await allowedFor(ABSENT)).toEqual(['checkIn']);
    expect(await allowedFor(WAITING)).toEqual([]);
    const sheet = ok(await call(cloud, DEMO.staff, 'activity.attendance', { activityId: activity.id }));
    const marks = Object.fromEntries(sheet.signups.map((row) => [row.openid, row.allowed]));
    // No no-show before the start.
    expect(marks).toEqual({ [DEMO.volunteer]: ['check_out'], [LOCKED]: ['check_in'], [ABSENT]: ['check_in'], [WAITING]: [] });
  });

  it('five wrong codes lock a volunteer out; then only staff can check them in', async () => {
    const right = attendanceCode(secret, await h.now());
    const wrong = right === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) {
      expect(await h.failed(LOCKED, 'activity.checkIn', { activityId: activity.id, code: wrong })).toEqual({ code: 'INVALID_INPUT', message: WRONG_CODE });
    }
    expect(h.signup(activity.id, LOCKED).codeFailures).toBe(5);
    expect(await h.refused(LOCKED, 'activity.checkIn', { activityId: activity.id, code: attendanceCode(secret, await h.now()) }, 'FORBIDDEN')).toContain('工作人员');
    expect(h.signup(activity.id, LOCKED).status).toBe('enrolled');

    // A waitlisted volunteer cannot be checked in, by staff either.
    await h.refused(DEMO.staff, 'activity.mark', { activityId: activity.id, openid: WAITING, mark: 'check_in' }, 'CONFLICT');
    // Staff check the locked-out volunteer in (10 minutes early: only time from the start will count).
    const marked = ok(await call(cloud, DEMO.staff, 'activity.mark', { activityId: activity.id, openid: LOCKED, mark: 'check_in' }));
    expect(marked.signup.status).toBe('checked_in');
    expect(h.signup(activity.id, LOCKED)).toMatchObject({ status: 'checked_in', checkInBy: DEMO.staff });
  });

  it('after the start, staff mark a no-show (and check them in if they turn up late)', async () => {
    await h.advance(11 * MINUTE); // 1 minute after the start
    const marked = ok(await call(cloud, DEMO.staff, 'activity.mark', { activityId: activity.id, openid: ABSENT, mark: 'no_show' }));
    expect(marked.signup.status).toBe('no_show');
    expect(h.signup(activity.id, ABSENT).status).toBe('no_show');
    h.expectCountersMatch(activity.id);
    // Marked absent, then turns up late: staff check them in after all.
    const late = ok(await call(cloud, DEMO.staff, 'activity.mark', { activityId: activity.id, openid: ABSENT, mark: 'check_in' }));
    expect(late.signup.status).toBe('checked_in');
    await h.refused(DEMO.staff, 'activity.mark', { activityId: activity.id, openid: ABSENT, mark: 'no_show' }, 'CONFLICT');
    await h.refused(DEMO.staff, 'activity.mark', { activityId: activity.id, openid: DEMO.staff, mark: 'no_show' }, 'FORBIDDEN');
    h.expectCountersMatch(activity.id);
  });

  it('checking out writes the record (Art. 7 fields, rounded hours) and the points, once', async () => {
    await h.advance(99 * MINUTE); // start + 100 minutes
    const balanceBefore = h.doc<PointsAccount>('points_accounts', DEMO.volunteer)?.balance ?? 0;
    const hoursBefore = ok(await call(cloud, DEMO.volunteer, 'user.me', {})).volunteer!.hours;
    const out = ok(await call(cloud, DEMO.volunteer, 'activity.checkOut', { activityId: activity.id, code: attendanceCode(secret, await h.now()) }));
    const recordId = `activity:${activity.id}:${DEMO.volunteer}`;
    // 1.5 h × 10 points per hour, as posted on the ledger.
    expect(out.mySignup).toMatchObject({ status: 'attended', recordId, hours: 1.5, points: 15 });
    expect(out.record).toMatchObject({ id: recordId, hours: 1.5 });
    // 100 minutes on the virtual clock, plus the real seconds the test has taken.
    expect(out.record.minutes).toBeGreaterThanOrEqual(100);
    expect(out.record.minutes).toBeLessThanOrEqual(105);

    const record = h.doc<ServiceRecord>('service_records', recordId)!;
    // Checked in 10 minutes early: only the scheduled time counts (100 minutes → 1.5 h by the default rule).
    expect(record).toMatchObject({
      openid: DEMO.volunteer,
      volunteerName: '李建国',
      communityId: DEMO.community,
      source: 'activity',
      ref: activity.id,
      activityName: '社区绿地清洁',
      date: new Date(start.getTime() + 8 * 3600_000).toISOString().slice(0, 10),
      place: '幸福里社区中心花园',
      content: '清理绿化带垃圾、修剪枯枝',
      minutes: out.record.minutes,
      hours: 1.5,
      category: '社区活动',
      organiser: '幸福里社区',
      personInCharge: '刘晓梅',
      recordedBy: DEMO.volunteer,
      version: 1,
    });
    const entry = h.doc<LedgerEntry>('points_ledger', recordId)!;
    expect(entry).toMatchObject({ openid: DEMO.volunteer, delta: 15, source: 'activity', ref: activity.id });
    expect(h.doc<PointsAccount>('points_accounts', DEMO.volunteer)!.balance).toBe(balanceBefore + 15);
    expect(ok(await call(cloud, DEMO.volunteer, 'user.me', {})).volunteer!.hours).toBe(sumHours([hoursBefore, 1.5]));

    // Again (a retried tap): the same record, nothing written.
    const before = snapshot(cloud);
    const again = ok(await call(cloud, DEMO.volunteer, 'activity.checkOut', { activityId: activity.id, code: '000000' }));
    expect(again.record.id).toBe(recordId);
    expect(again.mySignup.points).toBe(15);
    expect(snapshot(cloud)).toBe(before);
  });

  it('staff check a volunteer out at a given time; not before they checked in', async () => {
    expect(
      await h.refused(DEMO.staff, 'activity.mark', { activityId: activity.id, openid: LOCKED, mark: 'check_out', at: new Date(start.getTime() - 20 * MINUTE).toISOString() }, 'INVALID_INPUT'),
    ).toContain('签退时间不能早于签到时间');
    await h.refused(DEMO.staff, 'activity.mark', { activityId: activity.id, openid: LOCKED, mark: 'check_out', at: new Date(Date.now() + 365 * 24 * 3600_000).toISOString() }, 'INVALID_INPUT');
    const out = ok(
      await call(cloud, DEMO.staff, 'activity.mark', { activityId: activity.id, openid: LOCKED, mark: 'check_out', at: new Date(start.getTime() + 30 * MINUTE).toISOString() }),
    );
    expect(out.signup).toMatchObject({ status: 'attended', hours: 0.5 });
    expect(out.record).toMatchObject({ minutes: 30, hours: 0.5 });
    expect(h.signup(activity.id, LOCKED)).toMatchObject({ status: 'attended', checkOutBy: DEMO.staff });
    expect(h.doc<ServiceRecord>('service_records', `activity:${activity.id}:${LOCKED}`)).toMatchObject({ recordedBy: DEMO.staff, hours: 0.5 });
    expect(h.doc<LedgerEntry>('points_ledger', `activity:${activity.id}:${LOCKED}`)).toMatchObject({ delta: 5, source: 'activity' });
    // Nobody else got a record: the one still checked in and the waiting volunteer have none.
    expect(h.doc('service_records', `activity:${activity.id}:${ABSENT}`)).toBeUndefined();
    expect(h.doc('service_records', `activity:${activity.id}:${WAITING}`)).toBeUndefined();

    const sheet = ok(await call(cloud, DEMO.staff, 'activity.attendance', { activityId: activity.id }));
    expect(sheet.activity.phase).toBe('ongoing');
    expect(Object.fromEntries(sheet.signups.map((s) => [s.openid, s.status]))).toEqual({
      [DEMO.volunteer]: 'attended',
      [LOCKED]: 'attended',
      [ABSENT]: 'checked_in',
      [WAITING]: 'waitlisted',
    });
    expect(sheet.signups.at(-1)).toMatchObject({ openid: WAITING, waitPosition: 1 });
    h.expectCountersMatch(activity.id);
  });

  it('after the end plus two hours, the code is gone and volunteers can no longer check out themselves', async () => {
    await h.advance(3 * 60 * MINUTE);
    await h.refused(DEMO.staff, 'activity.code', { activityId: activity.id }, 'CONFLICT');
    const past = ok(await call(cloud, DEMO.volunteer, 'activity.list', { when: 'past' }));
    expect(past.items[0]).toMatchObject({ id: activity.id, phase: 'ended', mySignup: { status: 'attended', hours: 1.5 } });
    await h.refused(DEMO.staff, 'activity.cancel', { activityId: activity.id, reason: '测试' }, 'CONFLICT');
  });
});

describe('activities: messages when the waiting list moves or an activity is cancelled', () => {
  let cloud: LocalCloud;
  const h = harness(() => cloud);
  const [FIRST, SECOND, THIRD, FOURTH, FIFTH] = ['o-act-msg-1', 'o-act-msg-2', 'o-act-msg-3', 'o-act-msg-4', 'o-act-msg-5'];
  const PROMOTED = 'TPL_ACTIVITY_PROMOTED';
  const CANCELLED = 'TPL_ACTIVITY_CANCELLED';

  interface Sent {
    touser: string;
    template_id: string;
    page: string;
    data: Record<string, { value: string }>;
  }
  const outbox = async () => (await control<{ messages: Sent[] }>(cloud, 'GET', 'outbox')).messages;
  const sentTo = async (template: string) => (await outbox()).filter((m) => m.template_id === template).map((m) => m.touser).sort();
  const subscribe = (openid: string, templateId: string) => control(cloud, 'POST', 'subscriptions', { openid, templateId, count: 5 });

  beforeAll(async () => {
    cloud = await startLinli();
    seedVolunteers(cloud, [
      [FIRST, '郑一'],
      [SECOND, '冯二'],
      [THIRD, '陈三'],
      [FOURTH, '褚四'],
      [FIFTH, '卫五'],
    ]);
    // FOURTH subscribed to nothing: their messages fail (43101), and nothing else may.
    for (const openid of [FIRST, SECOND, THIRD, FIFTH]) {
      await subscribe(openid, PROMOTED);
      await subscribe(openid, CANCELLED);
    }
  });
  afterAll(() => cloud.close());

  it('the one moved onto the list is told (by a withdrawal, by a raised capacity); a cancellation tells everyone still expecting to take part', async () => {
    const now = await h.now();
    // Starts in 20 minutes: check-in is already open, withdrawal still is.
    const activity = await h.create({ name: '重阳节敬老院慰问演出（第二场）暨志愿者茶话会', startAt: h.at(now, 20), endAt: h.at(now, 140), capacity: 1 });
    for (const openid of [FIRST, SECOND, THIRD]) ok(await call(cloud, openid, 'activity.signUp', { activityId: activity.id }));
    expect(await outbox()).toEqual([]);

    ok(await call(cloud, FIRST, 'activity.withdraw', { activityId: activity.id }));
    expect(h.signup(activity.id, SECOND).status).toBe('enrolled');
    const [promoted] = await outbox();
    expect(promoted).toMatchObject({
      touser: SECOND,
      template_id: PROMOTED,
      page: `volunteer/activity/index?id=${activity.id}`,
      data: {
        // 22 characters: clipped to the 20 a thing field holds.
        thing1: { value: '重阳节敬老院慰问演出（第二场）暨志愿者…' },
        time2: { value: formatLocal(activity.startAt) },
        thing3: { value: '幸福里社区中心花园' },
        thing4: { value: '候补成功，您已获得活动名额' },
      },
    });
    // A retried withdrawal promotes nobody and tells nobody again.
    ok(await call(cloud, FIRST, 'activity.withdraw', { activityId: activity.id }));
    expect(await sentTo(PROMOTED)).toEqual([SECOND]);

    ok(await call(cloud, DEMO.staff, 'activity.update', { activityId: activity.id, capacity: 2 }));
    expect(h.signup(activity.id, THIRD).status).toBe('enrolled');
    expect(await sentTo(PROMOTED)).toEqual([SECOND, THIRD].sort());

    // Now: SECOND checked in, THIRD enrolled, FOURTH and FIFTH waiting; FIFTH gives up (nobody moves up).
    ok(await call(cloud, FOURTH, 'activity.signUp', { activityId: activity.id }));
    ok(await call(cloud, FIFTH, 'activity.signUp', { activityId: activity.id }));
    ok(await call(cloud, FIFTH, 'activity.withdraw', { activityId: activity.id }));
    ok(await call(cloud, DEMO.staff, 'activity.mark', { activityId: activity.id, openid: SECOND, mark: 'check_in' }));
    expect(await sentTo(PROMOTED)).toEqual([SECOND, THIRD].sort());

    const reason = '因台风红色预警，为确保大家安全，本次活动取消，改期另行通知';
    const cancelled = ok(await call(cloud, DEMO.staff, 'activity.cancel', { activityId: activity.id, reason }));
    expect(cancelled.status).toBe('cancelled');
    // FOURTH (waiting) did not subscribe: no message, and the cancellation stands all the same.
    expect(await sentTo(CANCELLED)).toEqual([SECOND, THIRD].sort());
    const notice = (await outbox()).find((m) => m.template_id === CANCELLED && m.touser === THIRD)!;
    expect(notice).toMatchObject({ page: `volunteer/activity/index?id=${activity.id}`, data: { thing3: { value: `${[...reason].slice(0, 19).join('')}…` } } });

    // Cancelled again (a retried tap): nobody is told twice.
    await subscribe(FOURTH, CANCELLED);
    ok(await call(cloud, DEMO.staff, 'activity.cancel', { activityId: activity.id, reason }));
    expect(await sentTo(CANCELLED)).toEqual([SECOND, THIRD].sort());
  });

  it('someone checked in when the activity was cancelled is still checked out by staff, and their time recorded', async () => {
    const now = await h.now();
    const activity = await h.create({ startAt: h.at(now, 20), endAt: h.at(now, 140), capacity: 3 });
    ok(await call(cloud, FIRST, 'activity.signUp', { activityId: activity.id }));
    ok(await call(cloud, DEMO.staff, 'activity.mark', { activityId: activity.id, openid: FIRST, mark: 'check_in' }));
    await h.advance(80 * MINUTE); // an hour into the activity
    ok(await call(cloud, DEMO.staff, 'activity.cancel', { activityId: activity.id, reason: '突降暴雨，提前结束' }));

    // A cancelled activity takes no other marks…
    expect(await h.refused(DEMO.staff, 'activity.mark', { activityId: activity.id, openid: FIRST, mark: 'no_show' }, 'CONFLICT')).toBe('活动已取消（突降暴雨，提前结束）');
    // …but the hour served is recorded (else the 10-working-day alert could never be cleared).
    const out = ok(await call(cloud, DEMO.staff, 'activity.mark', { activityId: activity.id, openid: FIRST, mark: 'check_out' }));
    expect(out.signup.status).toBe('attended');
    expect(out.record).toMatchObject({ id: `activity:${activity.id}:${FIRST}` });
    expect(out.record!.minutes).toBeGreaterThanOrEqual(60);
    expect(out.record!.hours).toBe(1);
    h.expectCountersMatch(activity.id);
  });

  it('wrong codes still count after withdrawing and signing up again', async () => {
    const now = await h.now();
    const activity = await h.create({ startAt: h.at(now, 20), endAt: h.at(now, 140), capacity: 3 });
    const secret = h.activity(activity.id).attendanceSecret;
    ok(await call(cloud, FIFTH, 'activity.signUp', { activityId: activity.id }));
    const right = () => h.now().then((at) => attendanceCode(secret, at));
    const wrong = (await right()) === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) await h.failed(FIFTH, 'activity.checkIn', { activityId: activity.id, code: wrong });
    ok(await call(cloud, FIFTH, 'activity.withdraw', { activityId: activity.id }));
    expect(ok(await call(cloud, FIFTH, 'activity.signUp', { activityId: activity.id })).mySignup.status).toBe('enrolled');
    expect(h.signup(activity.id, FIFTH).codeFailures).toBe(5);
    expect(await h.refused(FIFTH, 'activity.checkIn', { activityId: activity.id, code: await right() }, 'FORBIDDEN')).toContain('工作人员');
  });
});
