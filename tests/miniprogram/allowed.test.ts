// @vitest-environment happy-dom
/**
 * The pages offer what the cloud's `allowed` says, and nothing they work out themselves: the same
 * activity, record or correction, differing only in `allowed`, shows or hides the button. The
 * cloud is a stub answering each action with the view the test gives (no local cloud: the rules
 * themselves are tested in tests/core/allowed.test.ts and tests/functions/activities.test.ts).
 * Also the shared pull-down refresh of the pages that are not lists (behaviors/refresh.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ActivityCommand, ActivityView, AttendanceMark, CorrectionView, ServiceRecordView, SheetRow, SignupView } from '../../core/contract';
import { REPO_ROOT } from '../helpers/localcloud';
import { MP_ROOT, mount, type Page, text, until } from '../helpers/mp';

type Wx = Record<string, unknown>;
const wx = (globalThis as unknown as { wx: Wx }).wx;

/** What the stub cloud answers each action with (an error when it is a string); and what it was asked. */
let answers: Record<string, unknown> = {};
let asked: string[] = [];
let pullDownsStopped = 0;

beforeEach(() => {
  answers = {};
  asked = [];
  pullDownsStopped = 0;
  wx.cloud = {
    init() {},
    async callFunction(options: { name: string; data: { action: string } }) {
      asked.push(options.data.action);
      const answer = answers[options.data.action];
      if (answer === undefined) throw new Error(`no answer for ${options.data.action}`);
      if (typeof answer === 'string') return { result: { ok: false, error: { code: 'CONFLICT', message: answer } } };
      return { result: { ok: true, data: answer } };
    },
  };
  wx.showToast = () => {};
  wx.stopPullDownRefresh = () => {
    pullDownsStopped += 1;
  };
  const { config } = require(path.join(MP_ROOT, 'config.js')) as { config: { develop: string } };
  config.develop = 'cloud';
});

const pages: Page[] = [];
afterEach(() => {
  // The attendance page refreshes its code on a timer until it is closed.
  for (const page of pages.splice(0)) (page.instance as { onUnload?: () => void }).onUnload?.();
});

function open(pagePath: string, query: Record<string, string> = {}): Page {
  const page = mount(pagePath);
  pages.push(page);
  (page.instance as { onLoad: (query: Record<string, string>) => void }).onLoad(query);
  return page;
}

const HOUR = 3_600_000;
const start = Date.parse('2030-06-01T01:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

/** One activity; only `allowed` (and the sign-up, where a test says) differ between the cases. */
function activityWith(allowed: ActivityCommand[], extra: Partial<ActivityView> = {}): ActivityView {
  return {
    id: 'act-1',
    name: '楼道清洁日',
    content: '清理楼道杂物',
    place: '3 栋楼下',
    startAt: iso(start),
    endAt: iso(start + 2 * HOUR),
    organiser: '幸福里社区',
    personInCharge: '刘晓梅',
    capacity: 5,
    skills: [],
    pointsPerHour: 10,
    signupOpensAt: iso(start - 48 * HOUR),
    signupClosesAt: iso(start),
    withdrawClosesAt: iso(start),
    status: 'published',
    phase: 'open',
    enrolled: 1,
    waitlisted: 0,
    checkInOpensAt: iso(start - HOUR / 2),
    checkOutClosesAt: iso(start + 4 * HOUR),
    allowed,
    ...extra,
  };
}

const mySignup = (status: SignupView['status']): SignupView => ({ activityId: 'act-1', openid: 'me', volunteerName: '李建国', status, signedUpAt: iso(start - 24 * HOUR) });

async function volunteerActivity(activity: ActivityView): Promise<Page> {
  answers['activity.get'] = activity;
  const page = open('volunteer/activity/index', { id: activity.id });
  await until(() => page.data.loading === false);
  return page;
}

describe('volunteer/activity offers what `allowed` names', () => {
  it('报名 only when sign-up is allowed', async () => {
    const allowed = await volunteerActivity(activityWith(['signUp']));
    expect(allowed.querySelector('#signup')).toBeTruthy();

    const refused = await volunteerActivity(activityWith([]));
    expect(refused.querySelector('#signup')).toBeFalsy();
    expect(text(refused, '#note')).toBe('审核通过的志愿者可以报名参加。');
  });

  it('取消报名 only before the cut-off the cloud applies; the note says when check-in opens', async () => {
    const before = await volunteerActivity(activityWith(['withdraw'], { mySignup: mySignup('enrolled') }));
    expect(before.querySelector('#withdraw')).toBeTruthy();
    expect(text(before, '#note')).toBe('您已报名成功。请按时到场，2030-06-01 08:30 起可以签到。');

    const after = await volunteerActivity(activityWith([], { mySignup: mySignup('enrolled'), phase: 'closed' }));
    expect(after.querySelector('#withdraw')).toBeFalsy();
    expect(after.querySelector('#code-form')).toBeFalsy();
  });

  it('the code form for 签到 or 签退 only when allowed, whatever the phase and the phone’s clock say', async () => {
    const checkIn = await volunteerActivity(activityWith(['checkIn'], { mySignup: mySignup('enrolled'), phase: 'ongoing' }));
    expect(text(checkIn, '#submit-code')).toBe('签到');

    const notYet = await volunteerActivity(activityWith([], { mySignup: mySignup('enrolled'), phase: 'ongoing' }));
    expect(notYet.querySelector('#code-form')).toBeFalsy();

    const checkOut = await volunteerActivity(activityWith(['checkOut'], { mySignup: { ...mySignup('checked_in'), checkInAt: iso(start) }, phase: 'ended' }));
    expect(text(checkOut, '#submit-code')).toBe('签退');

    const tooLate = await volunteerActivity(activityWith([], { mySignup: { ...mySignup('checked_in'), checkInAt: iso(start) }, phase: 'ended' }));
    expect(tooLate.querySelector('#code-form')).toBeFalsy();
    expect(text(tooLate, '#note')).toContain('签退时间已过（2030-06-01 13:00 截止）');
  });
});

describe('staff pages offer what `allowed` names', () => {
  it('staff/activities: 修改 and 取消活动 only when allowed', async () => {
    // Whatever the phase: the cloud's word decides (it lets staff change an ongoing activity).
    answers['activity.list'] = { items: [activityWith(['update', 'cancel', 'attendance'], { phase: 'ongoing' }), activityWith(['attendance'], { id: 'act-2', phase: 'open' })], nextCursor: null };
    const page = open('staff/activities/index');
    await until(() => page.data.loading === false);
    expect(page.querySelector('#edit-act-1')).toBeTruthy();
    expect(page.querySelector('#cancel-act-1')).toBeTruthy();
    expect(page.querySelector('#attendance-act-2')).toBeTruthy();
    expect(page.querySelector('#edit-act-2')).toBeFalsy();
    expect(page.querySelector('#cancel-act-2')).toBeFalsy();
  });

  it('staff/activity: each row offers the marks its `allowed` names', async () => {
    const row = (openid: string, status: SignupView['status'], allowed: AttendanceMark[]): SheetRow => ({ ...mySignup(status), openid, volunteerName: openid, allowed });
    answers['activity.attendance'] = {
      activity: activityWith(['update', 'cancel', 'attendance'], { phase: 'ongoing' }),
      signups: [row('a', 'enrolled', ['check_in', 'no_show']), row('b', 'enrolled', []), row('c', 'checked_in', ['check_out']), row('d', 'no_show', ['check_in'])],
    };
    answers['activity.code'] = { code: '123456', rotatesAt: iso(Date.now() + 60_000) };
    const page = open('staff/activity/index', { id: 'act-1' });
    await until(() => page.data.loading === false && page.data.code !== '');
    expect(['#check-in-a', '#no-show-a', '#check-out-c', '#check-in-d'].map((id) => Boolean(page.querySelector(id)))).toEqual([true, true, true, true]);
    expect(['#check-in-b', '#no-show-b', '#check-out-a', '#no-show-d'].map((id) => Boolean(page.querySelector(id)))).toEqual([false, false, false, false]);
  });

  it('staff/corrections: 通过 and 不通过 only on a request they may review', async () => {
    const correction = (id: string, allowed: CorrectionView['allowed']) => ({
      id,
      recordId: 'r1',
      volunteerName: '李建国',
      changes: { minutes: 130 },
      reason: '少记了',
      status: 'pending' as const,
      requestedAt: iso(start),
      allowed,
      record: { ...recordWith([]), minutes: 100 },
    });
    answers['record.corrections'] = { items: [correction('rc-mine', []), correction('rc-theirs', ['review'])], nextCursor: null };
    const page = open('staff/corrections/index');
    await until(() => page.data.loading === false);
    expect(page.querySelector('#approve-rc-theirs')).toBeTruthy();
    expect(page.querySelector('#approve-rc-mine')).toBeFalsy();
    expect(page.querySelector('#reject-rc-mine')).toBeFalsy();
  });
});

function recordWith(allowed: ServiceRecordView['allowed']): ServiceRecordView {
  return {
    id: 'r1',
    source: 'activity',
    ref: 'act-1',
    activityName: '楼道清洁日',
    date: '2030-06-01',
    place: '3 栋楼下',
    content: '清理楼道杂物',
    minutes: 120,
    hours: 2,
    organiser: '幸福里社区',
    personInCharge: '刘晓梅',
    volunteerName: '李建国',
    version: 1,
    createdAt: iso(start),
    allowed,
  };
}

describe('volunteer/record-detail offers what `allowed` names', () => {
  it('申请更正 is enabled only when the record allows it', async () => {
    for (const [allowed, disabled] of [
      [['requestCorrection'], false],
      [[], true],
    ] as const) {
      answers['record.get'] = { record: recordWith([...allowed]), changes: [], corrections: [], volunteer: null };
      const page = open('volunteer/record-detail/index', { id: 'r1' });
      await until(() => page.data.loading === false);
      expect(page.querySelector('#open-form')!.data.disabled).toBe(disabled);
    }
  });
});

describe('pull-down refresh of the pages that are not lists (behaviors/refresh.ts)', () => {
  it('loads the page again and puts the spinner away, also when the load fails', async () => {
    answers['activity.get'] = activityWith(['signUp']);
    const page = open('volunteer/activity/index', { id: 'act-1' });
    await until(() => page.data.loading === false);
    expect(asked).toEqual(['activity.get']);

    answers['activity.get'] = activityWith([], { name: '楼道清洁日（改期）' });
    (page.instance as { onPullDownRefresh: () => void }).onPullDownRefresh();
    await until(() => pullDownsStopped === 1);
    expect(asked).toEqual(['activity.get', 'activity.get']);
    expect(text(page, '#name')).toBe('楼道清洁日（改期）');
    expect(page.querySelector('#signup')).toBeFalsy();

    answers['activity.get'] = '系统繁忙，请稍后再试';
    (page.instance as { onPullDownRefresh: () => void }).onPullDownRefresh();
    await until(() => pullDownsStopped === 2);
    expect(text(page, '#error .state-text')).toBe('系统繁忙，请稍后再试');
  });

  it('is the only handler: every page with pull-down refresh gets it from a behaviour', () => {
    const withPullDown = fs
      .readdirSync(path.join(REPO_ROOT, 'miniprogram'), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('index.json') && !file.includes('miniprogram_npm'))
      .filter((file) => JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'miniprogram', file), 'utf8')).enablePullDownRefresh === true)
      .map((file) => file.replace(/\.json$/, ''));
    expect(withPullDown.length).toBeGreaterThan(20);
    const own = withPullDown.filter((page) => /onPullDownRefresh\s*\(/.test(fs.readFileSync(path.join(REPO_ROOT, 'miniprogram', `${page}.ts`), 'utf8')));
    const behaviourless = withPullDown.filter((page) => !/behaviors: \[(listPage<[^>]*>\(\)|refreshPage)\]/.test(fs.readFileSync(path.join(REPO_ROOT, 'miniprogram', `${page}.ts`), 'utf8')));
    expect({ own, behaviourless }).toEqual({ own: [], behaviourless: [] });
  });
});
