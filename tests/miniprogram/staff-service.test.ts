// @vitest-environment happy-dom
/**
 * The staff service pages (activities, attendance, record corrections and alerts) against the real
 * cloud functions on the local cloud. The tests share one cloud and run in order: the last one
 * moves the clock on to the record warning day, 8 working days later.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ActivityView, SheetRow, SignupView } from '../../core/contract';
import { recordDeadline } from '../../core/working-days';
import type { LocalCloud } from '../../localcloud/src/server';
import { call, countDocuments, DEMO, ok, startLinli } from '../helpers/linli';
import { answerModal, captureNavigation, connectMiniProgram, mount, settle, text, until } from '../helpers/mp';


const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

let cloud: LocalCloud;
let sequence = 0;
/** The Beijing day of the activity whose check-in the no-show test leaves open (for the alerts test). */
let openCheckInDay = '';
const requestId = () => `mp-staff-svc-${String((sequence += 1)).padStart(4, '0')}`;

/** The local cloud's now (real time plus what the tests advanced it by). */
const cloudNow = (): number => cloud.clock.now();

/**
 * Moves the cloud's clock, firing the timers due (the control route does the same; happy-dom's
 * fetch refuses it as a cross-origin request).
 */
async function advance(ms: number): Promise<void> {
  await cloud.scheduler.advance(ms);
}

/** Just past a minute boundary, so a code read now is still current for almost a minute. */
async function startOfMinute(): Promise<void> {
  const now = cloudNow();
  await advance(MINUTE - (now % MINUTE) + 1000);
}

const beijingDay = (ms: number) => new Date(ms + 8 * HOUR).toISOString().slice(0, 10);

/** An activity starting `inMs` from the cloud's now (on a whole minute), lasting two hours. */
async function newActivity(inMs: number, capacity: number, name: string): Promise<ActivityView> {
  const start = Math.ceil((cloudNow() + inMs) / MINUTE) * MINUTE;
  return ok(
    await call(cloud, DEMO.staff, 'activity.create', {
      name,
      content: '清理楼道杂物',
      place: '3 栋楼下',
      startAt: new Date(start).toISOString(),
      endAt: new Date(start + 2 * HOUR).toISOString(),
      capacity,
      pointsPerHour: 10,
      clientRequestId: requestId(),
    }),
  );
}

async function signupOf(activityId: string, openid: string): Promise<SignupView | undefined> {
  return ok(await call(cloud, DEMO.staff, 'activity.attendance', { activityId })).signups.find((s) => s.openid === openid);
}

beforeAll(async () => {
  // The last test moves the clock on by days: only the record timer (the one it checks) runs.
  cloud = await startLinli({ timers: ['record'] });
  // A second volunteer, for the waiting list and the no-show.
  ok(await call(cloud, DEMO.staff, 'volunteer.review', { openid: DEMO.applicant, decision: 'approve' }));
});
afterAll(() => cloud.close());
// A failed test must not leave the setTimeout spy behind.
afterEach(() => vi.restoreAllMocks());

describe('staff/activities', () => {
  it('publishes an activity from the form (client checks first), edits it with the server’s refusal shown, and cancels it with a reason', async () => {
    const cloudCalls = connectMiniProgram(cloud, DEMO.staff);
    const page = mount('staff/activities/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    const upcoming = ok(await call(cloud, DEMO.staff, 'activity.list', { when: 'upcoming' })).items;
    expect(page.data.items.map((a: ActivityView) => a.id)).toEqual(upcoming.map((a) => a.id));

    const activitiesBefore = countDocuments(cloud, 'activities');
    page.querySelector('#add')!.dispatchEvent('click');
    await until(() => page.data.editing === true && page.data.skillOptions.length > 0);
    expect(page.data.skillOptions).toContain('陪伴');
    page.querySelector('#save')!.dispatchEvent('click');
    await until(() => page.data.formError !== '');
    expect(text(page, '#form-error')).toBe('请填写活动名称');

    const day = beijingDay(cloudNow() + DAY);
    page.querySelector('#f-name')!.dispatchEvent('change', { detail: '楼道清洁日' });
    page.querySelector('#f-content')!.dispatchEvent('change', { detail: '清理楼道杂物和小广告' });
    page.querySelector('#f-place')!.dispatchEvent('change', { detail: '3 栋楼下集合' });
    page.querySelector('#f-date')!.dispatchEvent('change', { detail: { value: day } });
    page.querySelector('#f-start')!.dispatchEvent('change', { detail: { value: '14:00' } });
    page.querySelector('#f-end')!.dispatchEvent('change', { detail: { value: '13:30' } });
    page.querySelector('#save')!.dispatchEvent('click');
    await until(() => page.data.formError === '结束时间应晚于开始时间');
    expect(cloudCalls.calls.map((c) => c.data.action)).toEqual(['activity.list', 'catalog.list']);
    expect(countDocuments(cloud, 'activities')).toBe(activitiesBefore);

    page.querySelector('#f-end')!.dispatchEvent('change', { detail: { value: '16:30' } });
    page.querySelector('#f-capacity')!.dispatchEvent('change', { detail: 2 });
    page.querySelector('#f-skills')!.dispatchEvent('change', { detail: ['陪伴'] });
    page.querySelector('#f-points')!.dispatchEvent('change', { detail: '8' });
    await until(() => page.data.form.capacity === 2 && page.data.form.pointsPerHour === '8' && page.data.form.skills.length === 1);
    page.querySelector('#save')!.dispatchEvent('click');
    await until(() => page.data.editing === false);

    const create = cloudCalls.calls.find((c) => c.data.action === 'activity.create')!.data as { input?: { clientRequestId?: string } };
    expect(create.input?.clientRequestId).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
    expect(page.data.requestId).toBe('');
    const created = (page.data.items as ActivityView[]).find((a) => a.name === '楼道清洁日')!;
    const stored = ok(await call(cloud, DEMO.staff, 'activity.get', { activityId: created.id }));
    expect(stored).toMatchObject({
      name: '楼道清洁日',
      content: '清理楼道杂物和小广告',
      place: '3 栋楼下集合',
      capacity: 2,
      skills: ['陪伴'],
      // What it pays waits for a second staff member: proposed, not yet in force.
      pointsPerHour: 0,
      pendingPointsPerHour: 8,
      // Left blank: the community and the staff member publishing it.
      organiser: '幸福里社区',
      personInCharge: '刘晓梅',
      status: 'published',
    });
    expect(Date.parse(stored.startAt)).toBe(Date.parse(`${day}T14:00:00+08:00`));
    expect(Date.parse(stored.endAt)).toBe(Date.parse(`${day}T16:30:00+08:00`));
    expect(text(page, `#activity-${created.id}`)).toContain(`${day} 14:00–16:30`);
    expect(text(page, `#counts-${created.id}`)).toBe('已报名 0/2 人');
    expect(text(page, `#pending-${created.id}`)).toBe('每小时积分待审核：8 分（审核通过后生效）');
    expect(text(page, '#notice')).toBe('积分调整已提交，需另一名工作人员在“积分规则审核”中通过后生效');
    expect(cloudCalls.toasts).toContain('已发布，积分待审核');

    // Two take the places; the form cannot then go below two.
    ok(await call(cloud, DEMO.volunteer, 'activity.signUp', { activityId: created.id }));
    ok(await call(cloud, DEMO.applicant, 'activity.signUp', { activityId: created.id }));
    page.instance.onPullDownRefresh();
    await until(() => page.data.loading === false && page.data.items.some((a: ActivityView) => a.id === created.id && a.enrolled === 2));
    expect(text(page, `#counts-${created.id}`)).toBe('已报名 2/2 人');
    page.querySelector(`#edit-${created.id}`)!.dispatchEvent('click');
    await until(() => page.data.editing === true && page.data.form.id === created.id);
    // The rate in force is in the form; the one waiting for review is said beside it.
    expect(page.data.form).toMatchObject({ name: '楼道清洁日', date: day, startTime: '14:00', endTime: '16:30', capacity: 2, pointsPerHour: '0' });
    expect(text(page, '#f-points-hint')).toContain('已有待审核的调整：每小时 8 分');
    expect(page.querySelector('#notice')).toBeFalsy();
    page.querySelector('#f-capacity')!.dispatchEvent('change', { detail: 1 });
    page.querySelector('#save')!.dispatchEvent('click');
    await until(() => page.data.formError !== '');
    expect(text(page, '#form-error')).toBe('已有 2 人获得名额，招募人数不能少于 2 人');
    page.querySelector('#f-capacity')!.dispatchEvent('change', { detail: 3 });
    page.querySelector('#f-place')!.dispatchEvent('change', { detail: '社区广场' });
    page.querySelector('#save')!.dispatchEvent('click');
    await until(() => page.data.editing === false);
    // Saving other fields leaves the proposal as it was, and says nothing about points.
    expect(ok(await call(cloud, DEMO.staff, 'activity.get', { activityId: created.id }))).toMatchObject({ capacity: 3, place: '社区广场', enrolled: 2, pointsPerHour: 0, pendingPointsPerHour: 8 });
    expect(text(page, `#counts-${created.id}`)).toBe('已报名 2/3 人');
    expect(page.querySelector('#notice')).toBeFalsy();
    expect(cloudCalls.toasts.at(-1)).toBe('已保存');

    // Once a second staff member approves, the rate is in force and the 待审核 line goes.
    const pending = ok(await call(cloud, DEMO.staff2, 'community.ruleChanges', { status: 'pending' })).items.find((c) => c.subject.startsWith('活动“楼道清洁日（'))!;
    expect(pending).toMatchObject({ before: '0 分', after: '8 分', proposedByName: '刘晓梅' });
    ok(await call(cloud, DEMO.staff2, 'community.reviewRuleChange', { changeId: pending.id, decision: 'approve' }));
    page.instance.onPullDownRefresh();
    await until(() => page.data.loading === false && page.data.items.some((a: ActivityView) => a.id === created.id && a.pointsPerHour === 8));
    expect(text(page, `#activity-${created.id}`)).toContain('每小时 8 积分');
    expect(page.querySelector(`#pending-${created.id}`)).toBeFalsy();

    const urls = captureNavigation();
    page.querySelector(`#attendance-${created.id}`)!.dispatchEvent('click');
    await until(() => urls.length === 1);
    expect(urls).toEqual([`/staff/activity/index?id=${created.id}`]);

    // Tomorrow's activity: the sheet is there, the code not yet (the cloud says when it will be).
    const attendance = mount('staff/activity/index');
    attendance.instance.onLoad({ id: created.id });
    await until(() => attendance.data.loading === false && attendance.data.codeError !== '');
    expect(text(attendance, '#code-error')).toBe('签到码在活动开始前 30 分钟至结束后 2 小时内显示');
    expect(attendance.querySelector('#code')).toBeFalsy();
    expect(attendance.data.sheet.map((s: SignupView) => s.volunteerName).sort()).toEqual(['李建国', '陈思远'].sort());
    attendance.instance.onUnload();

    // Cancelling needs a reason: nothing is sent without one.
    page.querySelector(`#cancel-${created.id}`)!.dispatchEvent('click');
    await until(() => page.data.cancelling === created.id);
    page.querySelector('#submit-cancel')!.dispatchEvent('click');
    await until(() => page.data.cancelError !== '');
    expect(text(page, '#cancel-error')).toBe('请填写取消原因，报名的志愿者会看到');
    expect(cloudCalls.calls.some((c) => c.data.action === 'activity.cancel')).toBe(false);
    page.querySelector('#cancel-reason')!.dispatchEvent('change', { detail: '天气原因，改期另行通知' });
    page.querySelector('#submit-cancel')!.dispatchEvent('click');
    await until(() => page.data.cancelling === '');
    expect(ok(await call(cloud, DEMO.staff, 'activity.get', { activityId: created.id }))).toMatchObject({
      status: 'cancelled',
      phase: 'cancelled',
      cancelReason: '天气原因，改期另行通知',
    });
    expect(text(page, `#activity-${created.id}`)).toContain('已取消');
    expect(page.querySelector(`#edit-${created.id}`)).toBeFalsy();
  });

  it('keeps the list of the tab on screen when the reply for the tab left behind comes late', async () => {
    connectMiniProgram(cloud, DEMO.staff);
    const page = mount('staff/activities/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    const upcoming = page.data.items.map((a: ActivityView) => a.id);
    expect(upcoming.length).toBeGreaterThan(0);

    // The 已结束 list's reply is held back until the person is on 即将开始 again.
    const platform = (globalThis as unknown as { wx: { cloud: { callFunction: (o: { data: { input?: { when?: string } } }) => Promise<unknown> } } }).wx.cloud;
    const send = platform.callFunction.bind(platform);
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    platform.callFunction = async (o) => {
      const reply = await send(o);
      if (o.data.input?.when === 'past') await held;
      return reply;
    };
    page.querySelector('#tab-past')!.dispatchEvent('tap');
    await until(() => page.data.when === 'past');
    page.querySelector('#tab-upcoming')!.dispatchEvent('tap');
    await until(() => page.data.when === 'upcoming' && page.data.loading === false);
    release();
    await settle(20);
    expect(page.data.items.map((a: ActivityView) => a.id)).toEqual(upcoming);
  });
});

describe('staff/activity', () => {
  it('shows the current check-in code big, the sheet and the waiting list, and checks a volunteer in and out for them', async () => {
    await startOfMinute();
    const activity = await newActivity(20 * MINUTE, 1, '社区义诊帮忙');
    ok(await call(cloud, DEMO.volunteer, 'activity.signUp', { activityId: activity.id }));
    ok(await call(cloud, DEMO.applicant, 'activity.signUp', { activityId: activity.id }));

    const cloudCalls = connectMiniProgram(cloud, DEMO.staff);
    const page = mount('staff/activity/index');
    page.instance.onLoad({ id: activity.id });
    await until(() => page.data.loading === false && page.data.code !== '');
    const { code } = ok(await call(cloud, DEMO.staff, 'activity.code', { activityId: activity.id }));
    expect(code).toMatch(/^\d{6}$/);
    expect(text(page, '#code')).toBe(code);
    expect(text(page, '#guide')).toContain('在“志愿活动”中打开本活动，输入上面的签到码签到');

    expect(text(page, `#signup-${DEMO.volunteer}`)).toContain('李建国');
    expect(text(page, `#signup-${DEMO.volunteer}`)).toContain('已报名');
    expect(text(page, `#wait-${DEMO.applicant}`)).toContain('陈思远');
    expect(text(page, `#wait-${DEMO.applicant} .position`)).toBe('第 1 位');
    expect(text(page, '#count-enrolled')).toBe('1/1');
    expect(text(page, '#count-waitlisted')).toBe('1');
    // Names only: no phone numbers on the sheet.
    expect(page.dom!.textContent).not.toMatch(/1[3-9]\d{9}/);
    // Not started yet: a no-show cannot be marked.
    expect(page.querySelector(`#no-show-${DEMO.volunteer}`)).toBeFalsy();

    page.querySelector(`#check-in-${DEMO.volunteer}`)!.dispatchEvent('click');
    await until(() => page.data.sheet[0]?.status === 'checked_in');
    expect((await signupOf(activity.id, DEMO.volunteer))?.status).toBe('checked_in');
    expect(text(page, '#count-checked-in')).toBe('1');
    expect(cloudCalls.toasts).toContain('已代签到');

    // About 20 minutes early, then about 70 minutes of the activity: only the scheduled time counts.
    await advance(90 * MINUTE);
    answerModal(true);
    page.querySelector(`#check-out-${DEMO.volunteer}`)!.dispatchEvent('click');
    await until(() => page.data.sheet[0]?.status === 'attended');
    const records = ok(await call(cloud, DEMO.volunteer, 'record.mine', {})).records.items;
    const record = records.find((r) => r.ref === activity.id);
    const attended = await signupOf(activity.id, DEMO.volunteer);
    expect(attended).toMatchObject({ status: 'attended', recordId: record!.id });
    const minutes = Math.floor((Date.parse(attended!.checkOutAt!) - Date.parse(activity.startAt)) / MINUTE);
    expect(minutes).toBeGreaterThanOrEqual(69);
    expect(record).toMatchObject({ source: 'activity', activityName: '社区义诊帮忙', minutes, volunteerName: '李建国' });
    expect(cloudCalls.toasts).toContain(`已代签退，记录 ${record!.hours} 小时`);
    expect(text(page, `#signup-${DEMO.volunteer}`)).toContain(`记录 ${record!.hours} 小时`);
    expect(text(page, '#count-attended')).toBe('1');
    expect(page.querySelector(`#check-out-${DEMO.volunteer}`)).toBeFalsy();
    page.instance.onUnload();
  });

  it('asks for the code again when it rotates, and marks a no-show once the activity has begun (after a confirmation)', async () => {
    await startOfMinute();
    const activity = await newActivity(10 * MINUTE, 2, '垃圾分类宣传');
    ok(await call(cloud, DEMO.volunteer, 'activity.signUp', { activityId: activity.id }));
    ok(await call(cloud, DEMO.applicant, 'activity.signUp', { activityId: activity.id }));

    // The page's refresh timers are caught rather than waited for (the cloud's clock is virtual).
    const refreshes: Array<{ run: () => void; ms: number }> = [];
    const realSetTimeout = globalThis.setTimeout;
    const spy = vi.spyOn(globalThis, 'setTimeout').mockImplementation(((run: () => void, ms?: number) => {
      if ((ms ?? 0) < 1000) return realSetTimeout(run, ms);
      refreshes.push({ run, ms: ms ?? 0 });
      return 0;
    }) as unknown as typeof setTimeout);
    const cloudCalls = connectMiniProgram(cloud, DEMO.staff);
    const page = mount('staff/activity/index');
    page.instance.onLoad({ id: activity.id });
    // The page's own timer (the others are the request timeouts of the api layer).
    const codeRefreshes = () => refreshes.filter((timer) => String(timer.run).includes('refreshCode'));
    await until(() => page.data.loading === false && page.data.code !== '' && codeRefreshes().length > 0);
    const first = page.data.code as string;
    // Asked again within 15 s, however far off the phone's clock is.
    expect(codeRefreshes().at(-1)!.ms).toBeLessThanOrEqual(15_000);

    // The next minute's code: the scheduled refresh picks it up.
    await advance(MINUTE);
    const { code: next } = ok(await call(cloud, DEMO.staff, 'activity.code', { activityId: activity.id }));
    expect(next).not.toBe(first);
    codeRefreshes().at(-1)!.run();
    await until(() => page.data.code === next);
    expect(text(page, '#code')).toBe(next);
    // …and schedules the one after.
    expect(codeRefreshes().length).toBeGreaterThanOrEqual(2);
    spy.mockRestore();

    await advance(15 * MINUTE);
    await page.instance.loadSheet();
    // Begun: the sheet now offers the no-show.
    await until(() => page.data.sheet.some((s: SheetRow) => s.openid === DEMO.applicant && s.allowed.includes('no_show')));

    // Saying no to the confirmation sends nothing.
    const marksBefore = cloudCalls.calls.filter((c) => c.data.action === 'activity.mark').length;
    const asked = answerModal(false);
    page.querySelector(`#no-show-${DEMO.applicant}`)!.dispatchEvent('click');
    await until(() => asked.length === 1);
    expect(asked[0]).toContain('陈思远');
    expect(cloudCalls.calls.filter((c) => c.data.action === 'activity.mark')).toHaveLength(marksBefore);

    answerModal(true);
    page.querySelector(`#no-show-${DEMO.applicant}`)!.dispatchEvent('click');
    await until(() => page.data.sheet.some((s: SignupView) => s.openid === DEMO.applicant && s.status === 'no_show'));
    expect((await signupOf(activity.id, DEMO.applicant))?.status).toBe('no_show');
    expect(text(page, '#count-no-show')).toBe('1');
    expect(text(page, `#signup-${DEMO.applicant}`)).toContain('未到场');
    expect(page.querySelector(`#no-show-${DEMO.applicant}`)).toBeFalsy();

    // Checked in and never out: the record timer's alert (last test) finds it.
    page.querySelector(`#check-in-${DEMO.volunteer}`)!.dispatchEvent('click');
    await until(() => page.data.sheet.some((s: SignupView) => s.openid === DEMO.volunteer && s.status === 'checked_in'));
    openCheckInDay = beijingDay(Date.parse(activity.startAt));
    page.instance.onUnload();
  });
});

describe('staff/corrections', () => {
  const chongyang = 'activity:demo-act-chongyang:demo-volunteer';
  const cleanup = 'activity:demo-act-cleanup:demo-volunteer';

  it('shows a correction beside the record, approves it (record changed), and refuses 不通过 without a reason', async () => {
    const approve = ok(
      await call(cloud, DEMO.volunteer, 'record.requestCorrection', {
        recordId: chongyang,
        minutes: 180,
        place: '幸福里社区老年活动室',
        reason: '当天一直服务到 12 点',
        clientRequestId: requestId(),
      }),
    );
    const reject = ok(await call(cloud, DEMO.volunteer, 'record.requestCorrection', { recordId: cleanup, minutes: 200, reason: '记错了时间', clientRequestId: requestId() }));

    const cloudCalls = connectMiniProgram(cloud, DEMO.staff);
    const page = mount('staff/corrections/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    const card = text(page, `#correction-${approve.id}`);
    expect(card).toContain('李建国');
    expect(card).toContain('重阳敬老包饺子 · 2026-10-18 · 2.5 小时');
    expect(card).toContain('当天一直服务到 12 点');
    const cells = (field: string) => page.querySelectorAll(`#change-${approve.id}-${field} .compare-cell`).map((cell) => cell.dom!.textContent);
    expect(cells('minutes')).toEqual(['服务时长（分钟）', '150', '180']);
    expect(cells('place')).toEqual(['服务地点', '幸福里社区党群服务中心', '幸福里社区老年活动室']);
    expect(page.querySelector(`#change-${approve.id}-date`)).toBeFalsy();

    page.querySelector(`#approve-${approve.id}`)!.dispatchEvent('click');
    await until(() => !page.data.items.some((item: { id: string }) => item.id === approve.id));
    const approved = ok(await call(cloud, DEMO.staff, 'record.get', { recordId: chongyang }));
    expect(approved.record).toMatchObject({ minutes: 180, place: '幸福里社区老年活动室', version: 2 });
    expect(approved.corrections.find((c) => c.id === approve.id)?.status).toBe('approved');
    expect(cloudCalls.toasts).toContain('已通过，李建国的记录已更正');

    // 不通过 needs a reason: nothing is sent without one.
    page.querySelector(`#reject-${reject.id}`)!.dispatchEvent('click');
    await until(() => page.data.rejecting === reject.id);
    page.querySelector('#submit-reject')!.dispatchEvent('click');
    await until(() => page.data.rejectError !== '');
    expect(text(page, '#reject-error')).toBe('请填写不通过的原因，志愿者会看到');
    expect(cloudCalls.calls.filter((c) => c.data.action === 'record.reviewCorrection')).toHaveLength(1);
    expect(ok(await call(cloud, DEMO.staff, 'record.get', { recordId: cleanup })).corrections[0]?.status).toBe('pending');

    page.querySelector('#note')!.dispatchEvent('change', { detail: '签到记录显示服务 130 分钟' });
    page.querySelector('#submit-reject')!.dispatchEvent('click');
    await until(() => page.data.items.length === 0);
    expect(page.querySelector('#empty')).toBeTruthy();
    const rejected = ok(await call(cloud, DEMO.staff, 'record.get', { recordId: cleanup }));
    expect(rejected.record.minutes).toBe(130);
    expect(rejected.corrections[0]).toMatchObject({ status: 'rejected', reviewNote: '签到记录显示服务 130 分钟' });

    page.querySelector('#tab-done')!.dispatchEvent('tap');
    await until(() => page.data.loading === false && page.data.items.length > 0);
    expect(text(page, `#correction-${approve.id}`)).toContain('已通过');
    page.querySelector('#filter-rejected')!.dispatchEvent('tap');
    await until(() => page.data.loading === false && page.data.reviewed === 'rejected' && page.data.items.length > 0);
    expect(text(page, `#correction-${reject.id}`)).toContain('审核意见：签到记录显示服务 130 分钟');
    expect(page.querySelector(`#approve-${reject.id}`)).toBeFalsy();
  });

  it('lists the services still without a record after 8 working days, the urgent ones in red, with where to record them', async () => {
    // A finished order nobody scored (the check-in left open by the no-show test is the other).
    const { order } = ok(await call(cloud, DEMO.resident, 'order.create', { serviceId: 'svc-meal', description: '送一份午餐', clientRequestId: requestId() }));
    ok(await call(cloud, DEMO.staff, 'dispatch.assign', { orderId: order.id, volunteerOpenid: DEMO.volunteer }));
    ok(await call(cloud, DEMO.volunteer, 'dispatch.accept', { orderId: order.id }));
    ok(await call(cloud, DEMO.volunteer, 'dispatch.complete', { orderId: order.id, summary: '午餐已送到', minutes: 30 }));

    connectMiniProgram(cloud, DEMO.staff);
    const page = mount('staff/corrections/index');
    page.instance.onLoad({ tab: 'alerts' });
    await until(() => page.data.loading === false);
    expect(text(page, '#alerts-empty')).toBe('没有待记录的服务，所有服务都已按时记录');

    // On the warning day (8 working days on), the 08:00 timer flags both: 2 working days are left.
    const warnOn = [beijingDay(cloudNow()), openCheckInDay].map((day) => recordDeadline(day).warnOn).sort().at(-1)!;
    await advance(Date.parse(`${warnOn}T08:01:00+08:00`) - cloudNow());
    const alerts = ok(await call(cloud, DEMO.staff, 'record.alerts', {}));
    expect(alerts.map((a) => a.kind).sort()).toEqual(['activity', 'order']);
    page.instance.onPullDownRefresh();
    await until(() => page.data.loading === false && page.data.alerts.length === 2);
    const orderAlert = alerts.find((a) => a.kind === 'order')!;
    const activityAlert = alerts.find((a) => a.kind === 'activity')!;
    expect(orderAlert.ref).toBe(order.id);
    expect(orderAlert.workingDaysLeft).toBe(2);

    const orderCard = text(page, `#alert-order-${orderAlert.ref}`);
    expect(orderCard).toContain('李建国');
    expect(orderCard).toContain(`记录截止 ${orderAlert.deadline}`);
    expect(orderCard).toContain('待办：去评分');
    expect(text(page, `#left-order-${orderAlert.ref}`)).toBe('剩余 2 个工作日');
    expect(page.querySelector(`#left-order-${orderAlert.ref}`)!.dom!.getAttribute('class')).toContain('urgent');
    expect(text(page, `#alert-activity-${activityAlert.ref}`)).toContain('待办：为志愿者签退');

    const urls = captureNavigation();
    page.querySelector(`#go-order-${orderAlert.ref}`)!.dispatchEvent('click');
    page.querySelector(`#go-activity-${activityAlert.ref}`)!.dispatchEvent('click');
    await until(() => urls.length === 2);
    expect(urls).toEqual(['/staff/scoring/index', `/staff/activity/index?id=${activityAlert.ref}`]);
  });
});
