// @vitest-environment happy-dom
/** Volunteer activities (list, detail, sign-up, waiting list, withdrawal, check-in/out) on the real functions. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityView, InputOf } from '../../core/contract';
import type { LocalCloud } from '../../localcloud/src/server';
import { approveRuleChanges, call, DEMO, ok, snapshot, startLinli } from '../helpers/linli';
import { answerModal, captureNavigation, connectMiniProgram, mount, type Page, text, until } from '../helpers/mp';

interface WxStubs {
  scanCode: (o: { success?: (r: { result: string }) => void; fail?: (e: { errMsg: string }) => void }) => void;
}
const wx = (globalThis as unknown as { wx: WxStubs }).wx;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

let cloud: LocalCloud;
let sequence = 0;

/** A staff-created activity starting `startsIn` from the cloud's now, its points per hour approved. */
async function newActivity(overrides: Partial<InputOf<'activity.create'>> = {}, startsIn = 3 * HOUR, lasts = 2 * HOUR): Promise<ActivityView> {
  sequence += 1;
  const now = cloud.clock.now();
  const created = ok(
    await call(cloud, DEMO.staff, 'activity.create', {
      name: `楼道大扫除 第${sequence}次`,
      content: '清理楼道杂物，擦洗扶手和信报箱',
      place: '幸福里社区 3 栋楼下',
      startAt: new Date(now + startsIn).toISOString(),
      endAt: new Date(now + startsIn + lasts).toISOString(),
      capacity: 5,
      pointsPerHour: 10,
      clientRequestId: `mp-activity-${String(sequence).padStart(4, '0')}`,
      ...overrides,
    }),
  );
  // The points per hour are only proposed; a second staff member puts them in force.
  await approveRuleChanges(cloud);
  return ok(await call(cloud, DEMO.staff, 'activity.get', { activityId: created.id }));
}

/**
 * Moves the cloud's clock (firing due timers), as the control route does; happy-dom's fetch would
 * refuse the control API as a cross-origin request, so this goes to the scheduler directly.
 */
async function advance(ms: number): Promise<void> {
  await cloud.scheduler.advance(ms);
}

const asStaff = async (activityId: string): Promise<ActivityView> => ok(await call(cloud, DEMO.staff, 'activity.get', { activityId }));
const asVolunteer = async (activityId: string, openid: string = DEMO.volunteer): Promise<ActivityView> => ok(await call(cloud, openid, 'activity.get', { activityId }));

async function openList(openid: string = DEMO.volunteer) {
  const cloudCalls = connectMiniProgram(cloud, openid);
  const page = mount('volunteer/activities/index');
  page.instance.onLoad();
  await until(() => page.data.loading === false);
  return { page, cloudCalls };
}

async function openDetail(activityId: string, openid: string = DEMO.volunteer) {
  const cloudCalls = connectMiniProgram(cloud, openid);
  const page = mount('volunteer/activity/index');
  page.instance.onLoad({ id: activityId });
  await until(() => page.data.loading === false);
  return { page, cloudCalls };
}

const signupStatus = (page: Page): string | undefined => (page.data.activity as ActivityView | null)?.mySignup?.status;

async function typeCode(page: Page, code: string): Promise<void> {
  page.querySelector('#code')!.dispatchEvent('change', { detail: code });
  await until(() => page.data.code === code);
}

/** A 6-digit code that is neither the current nor (almost surely) the previous minute's. */
const wrongCodeFor = (code: string): string => String((Number(code) + 500_000) % 1_000_000).padStart(6, '0');

beforeAll(async () => {
  cloud = await startLinli();
  // A second volunteer, to fill places and wait in line.
  ok(await call(cloud, DEMO.staff, 'volunteer.review', { openid: DEMO.applicant, decision: 'approve' }));
});
afterAll(() => cloud.close());

describe('volunteer/activities', () => {
  it('lists an upcoming activity with its time, place and places, and opens it on tap', async () => {
    const activity = await newActivity({ name: '重阳节敬老义剪', place: '社区活动中心一楼', capacity: 8 });
    const { page, cloudCalls } = await openList();
    expect(cloudCalls.calls.map((c) => c.data.action)).toEqual(['activity.list']);
    expect(cloudCalls.calls[0]!.data).toMatchObject({ input: { when: 'upcoming' } });
    const card = text(page, `#activity-${activity.id}`);
    expect(card).toContain('重阳节敬老义剪');
    expect(card).toContain('社区活动中心一楼');
    expect(card).toContain('已报名 0/8');
    expect(card).toContain('报名中');
    // Beijing time: the activity starts 3 hours after now.
    const start = new Date(Date.parse(activity.startAt) + 8 * HOUR).toISOString();
    expect(card).toContain(`${start.slice(0, 10)} ${start.slice(11, 16)}`);

    const urls = captureNavigation();
    page.querySelector(`#activity-${activity.id}`)!.dispatchEvent('tap');
    await until(() => urls.length > 0);
    expect(urls).toEqual([`/volunteer/activity/index?id=${activity.id}`]);
  });

  it('shows an error with a retry to someone not registered', async () => {
    const { page } = await openList('mp-stranger');
    expect(page.querySelector('#error')).toBeTruthy();
    expect(text(page, '#error')).not.toBe('');
    expect(page.querySelector('#retry')).toBeTruthy();
  });

  it('我的活动 lists the activities I signed up for, with my status', async () => {
    const activity = await newActivity({ name: '垃圾分类宣传' });
    ok(await call(cloud, DEMO.volunteer, 'activity.signUp', { activityId: activity.id }));
    const { page, cloudCalls } = await openList();
    page.querySelector('#tab-mine')!.dispatchEvent('tap');
    await until(() => page.data.tab === 'mine' && page.data.loading === false);
    expect(cloudCalls.calls.map((c) => c.data.action)).toEqual(['activity.list', 'activity.mine']);
    expect(text(page, `#activity-${activity.id}`)).toContain('垃圾分类宣传');
    expect(text(page, `#my-status-${activity.id}`)).toBe('已报名');
  });

  it('我的活动 is empty for a volunteer who signed up for nothing', async () => {
    const { page } = await openList(DEMO.resident);
    page.querySelector('#tab-mine')!.dispatchEvent('tap');
    await until(() => page.data.tab === 'mine' && page.data.loading === false);
    expect(text(page, '#empty')).toContain('暂无活动');
  });
});

describe('volunteer/activity', () => {
  it('says the points per hour wait for the community while a new rate is pending, never “0 积分”', async () => {
    sequence += 1;
    const now = cloud.clock.now();
    const created = ok(
      await call(cloud, DEMO.staff, 'activity.create', {
        name: `待审核积分的活动 ${sequence}`,
        content: '清理楼道',
        place: '3 栋',
        startAt: new Date(now + 3 * HOUR).toISOString(),
        endAt: new Date(now + 4 * HOUR).toISOString(),
        capacity: 5,
        pointsPerHour: 20,
        clientRequestId: `mp-activity-${String(sequence).padStart(4, '0')}`,
      }),
    );
    const { page } = await openDetail(created.id);
    expect(text(page, '#info')).toContain('每小时积分待社区审核');
    expect(text(page, '#info')).not.toContain('0 积分');
    await approveRuleChanges(cloud);
  });

  it('shows the details and 报名 enrols me', async () => {
    const activity = await newActivity({ name: '社区健康讲座', organiser: '幸福里社区卫生服务站', personInCharge: '王医生', skills: ['陪伴'], pointsPerHour: 15 });
    const { page, cloudCalls } = await openDetail(activity.id);
    expect(text(page, '#name')).toBe('社区健康讲座');
    const info = text(page, '#info');
    for (const shown of ['幸福里社区卫生服务站', '王医生', '陪伴', '每服务 1 小时 15 积分', '前可以取消报名']) expect(info).toContain(shown);
    expect(text(page, '#counts')).toContain('已报名 0/5');
    expect(page.querySelector('#code-form')).toBeFalsy();

    page.querySelector('#signup')!.dispatchEvent('click');
    await until(() => signupStatus(page) === 'enrolled');
    expect(cloudCalls.toasts).toEqual(['报名成功，请按时参加']);
    expect((await asStaff(activity.id)).enrolled).toBe(1);
    // Now the one thing to do before the cut-off is withdrawing.
    expect(page.querySelector('#signup')).toBeFalsy();
    expect(page.querySelector('#withdraw')).toBeTruthy();
    expect(text(page, '#my-status')).toBe('已报名');
  });

  it('puts me on the waiting list when the activity is full and says my place', async () => {
    const activity = await newActivity({ capacity: 1 });
    ok(await call(cloud, DEMO.applicant, 'activity.signUp', { activityId: activity.id }));
    const { page, cloudCalls } = await openDetail(activity.id);
    expect(text(page, '#note')).toContain('名额已满');
    page.querySelector('#signup')!.dispatchEvent('click');
    await until(() => signupStatus(page) === 'waitlisted');
    expect(cloudCalls.toasts).toEqual(['名额已满，您已进入候补第 1 位']);
    expect(text(page, '#note')).toContain('候补第 1 位');
    const stored = await asStaff(activity.id);
    expect(stored).toMatchObject({ enrolled: 1, waitlisted: 1 });
  });

  it('取消报名 asks first; confirming frees my place for the first on the waiting list', async () => {
    const activity = await newActivity({ capacity: 1 });
    const { page } = await openDetail(activity.id);
    page.querySelector('#signup')!.dispatchEvent('click');
    await until(() => signupStatus(page) === 'enrolled');
    ok(await call(cloud, DEMO.applicant, 'activity.signUp', { activityId: activity.id }));

    // Changing my mind in the dialog writes nothing.
    const before = snapshot(cloud);
    const declined = answerModal(false);
    page.querySelector('#withdraw')!.dispatchEvent('click');
    await until(() => declined.length === 1);
    expect(snapshot(cloud)).toBe(before);
    expect(signupStatus(page)).toBe('enrolled');

    const asked = answerModal(true);
    page.querySelector('#withdraw')!.dispatchEvent('click');
    await until(() => signupStatus(page) === 'withdrawn');
    expect(asked[0]).toContain('名额会让给候补的志愿者');
    expect(await asStaff(activity.id)).toMatchObject({ enrolled: 1, waitlisted: 0 });
    expect((await asVolunteer(activity.id, DEMO.applicant)).mySignup?.status).toBe('enrolled');
    // The activity is full again, so signing up once more would mean waiting.
    expect(page.querySelector('#signup')).toBeTruthy();
    expect(text(page, '#note')).toContain('候补');
  });

  it('says when an activity does not exist', async () => {
    const { page } = await openDetail('no-such-activity');
    expect(text(page, '#error')).not.toBe('');
    expect(page.querySelector('#retry')).toBeTruthy();
  });

  // Moves the clock: keep last.
  describe('on the day', () => {
    let activity: ActivityView;
    beforeAll(async () => {
      activity = await newActivity({ name: '社区义诊志愿服务', pointsPerHour: 12 }, HOUR, 2 * HOUR);
      ok(await call(cloud, DEMO.volunteer, 'activity.signUp', { activityId: activity.id }));
      ok(await call(cloud, DEMO.applicant, 'activity.signUp', { activityId: activity.id }));
      // One minute after the start.
      await advance(HOUR + MINUTE);
    });

    const currentCode = async (): Promise<string> => ok(await call(cloud, DEMO.staff, 'activity.code', { activityId: activity.id })).code;

    it('a wrong code shows the server’s message and changes nothing; the right code checks in', async () => {
      const { page, cloudCalls } = await openDetail(activity.id);
      expect(text(page, '#phase')).toBe('进行中');
      expect(text(page, '#submit-code')).toBe('签到');
      const code = await currentCode();

      // Not 6 digits: the page says so without asking the server.
      await typeCode(page, '12345');
      page.querySelector('#submit-code')!.dispatchEvent('click');
      await until(() => page.data.codeError !== '');
      expect(text(page, '#code-error')).toBe('签到码是 6 位数字，请核对后重新输入');
      expect(cloudCalls.calls.map((c) => c.data.action)).toEqual(['activity.get']);

      await typeCode(page, wrongCodeFor(code));
      page.querySelector('#submit-code')!.dispatchEvent('click');
      await until(() => cloudCalls.calls.length === 2 && page.data.busy === false && page.data.codeError !== '');
      const refused = await call(cloud, DEMO.volunteer, 'activity.checkIn', { activityId: activity.id, code: wrongCodeFor(code) });
      expect(refused.ok).toBe(false);
      if (!refused.ok) expect(text(page, '#code-error')).toBe(refused.error.message);
      expect(signupStatus(page)).toBe('enrolled');
      expect((await asVolunteer(activity.id)).mySignup?.status).toBe('enrolled');

      await typeCode(page, code);
      page.querySelector('#submit-code')!.dispatchEvent('click');
      await until(() => signupStatus(page) === 'checked_in');
      expect(cloudCalls.toasts).toContain('签到成功');
      expect(page.querySelector('#code-error')).toBeFalsy();
      expect(text(page, '#submit-code')).toBe('签退');
      expect((await asVolunteer(activity.id)).mySignup?.checkInAt).toBeTruthy();
    });

    it('too many wrong codes lock the code out, and the page shows that message', async () => {
      const { page, cloudCalls } = await openDetail(activity.id, DEMO.applicant);
      const code = await currentCode();
      const messages: string[] = [];
      for (let attempt = 1; attempt <= 6; attempt += 1) {
        await typeCode(page, wrongCodeFor(code));
        page.querySelector('#submit-code')!.dispatchEvent('click');
        await until(() => cloudCalls.calls.length === attempt + 1 && page.data.busy === false && page.data.codeError !== '');
        messages.push(text(page, '#code-error'));
      }
      // Even the right code is refused now, with the lock-out message.
      await typeCode(page, await currentCode());
      page.querySelector('#submit-code')!.dispatchEvent('click');
      await until(() => cloudCalls.calls.length === 8 && page.data.busy === false && page.data.codeError !== '');
      const lockedOut = text(page, '#code-error');
      expect(lockedOut).not.toBe(messages[0]);
      expect(lockedOut).toBe(messages.at(-1));
      expect(lockedOut).toContain('连续输错');
      expect((await asVolunteer(activity.id, DEMO.applicant)).mySignup?.status).toBe('enrolled');
    });

    it('签退 by scanning the code shows the recorded hours and points, and the record exists', async () => {
      // To the end of the activity.
      await advance(2 * HOUR - 2 * MINUTE);
      const balanceBefore = ok(await call(cloud, DEMO.volunteer, 'points.balance', {})).balance;
      const { page, cloudCalls } = await openDetail(activity.id);
      expect(text(page, '#submit-code')).toBe('签退');
      const code = await currentCode();
      wx.scanCode = (o) => o.success?.({ result: code });
      page.querySelector('#scan')!.dispatchEvent('click');
      await until(() => signupStatus(page) === 'attended' && page.data.result !== null);
      expect(cloudCalls.toasts).toContain('签退成功');

      const { records } = ok(await call(cloud, DEMO.volunteer, 'record.mine', {}));
      const record = records.items.find((item) => item.ref === activity.id);
      expect(record).toBeDefined();
      expect(record!.hours).toBeGreaterThan(0);
      expect(text(page, '#result-hours')).toBe(String(record!.hours));
      const balanceAfter = ok(await call(cloud, DEMO.volunteer, 'points.balance', {})).balance;
      expect(balanceAfter - balanceBefore).toBeGreaterThan(0);
      expect(text(page, '#result-points')).toBe(String(balanceAfter - balanceBefore));

      const urls = captureNavigation();
      page.querySelector('#to-records')!.dispatchEvent('click');
      await until(() => urls.length > 0);
      expect(urls).toEqual(['/volunteer/record/index']);
    });

    it('a scan that is not a 6-digit code is refused on the page', async () => {
      const { page, cloudCalls } = await openDetail(activity.id, DEMO.applicant);
      wx.scanCode = (o) => o.success?.({ result: 'https://example.com/not-a-code' });
      page.querySelector('#scan')!.dispatchEvent('click');
      await until(() => page.data.codeError !== '');
      expect(text(page, '#code-error')).toBe('没有识别到 6 位签到码，请手动输入');
      expect(cloudCalls.calls.map((c) => c.data.action)).toEqual(['activity.get']);
    });

    it('往期活动 lists it once it has ended', async () => {
      // Past the end.
      await advance(10 * MINUTE);
      const { page, cloudCalls } = await openList();
      expect(page.querySelector(`#activity-${activity.id}`)).toBeFalsy();
      page.querySelector('#when-past')!.dispatchEvent('tap');
      await until(() => page.data.when === 'past' && page.data.loading === false);
      expect(cloudCalls.calls[1]!.data).toMatchObject({ action: 'activity.list', input: { when: 'past' } });
      const card = text(page, `#activity-${activity.id}`);
      expect(card).toContain('已结束');
      expect(card).toContain('已完成');
    });
  });
});
