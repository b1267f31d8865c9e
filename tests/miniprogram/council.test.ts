// @vitest-environment happy-dom
/**
 * The 议事 pages (council/list, council/propose, council/detail) against the real council function,
 * on the demo data (an open matter of grid g1 under the resident rule, with one comment): a resident
 * finds it, votes and changes the vote, comments; raises a matter with the scope chips the cloud
 * offers; is told to ask the community for a household under the household rule. Staff open a
 * proposed matter with a rule and options, close it (a reason while voting still runs), publish the
 * result, hide a comment. The rules themselves: tests/functions/council.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CouncilMatterView } from '../../core/contract';
import type { CouncilComment, CouncilMatter } from '../../core/model';
import type { LocalCloud } from '../../localcloud/src/server';
import { call, DEMO, ok, startLinli } from '../helpers/linli';
import { captureNavigation, connectMiniProgram, mount, settle, text, until } from '../helpers/mp';
import { doc } from '../helpers/seed';

const START = new Date('2026-12-05T10:00:00+08:00');
const DEMO_MATTER = 'cm-demo-handrail';

let cloud: LocalCloud;
const wx = () => (globalThis as unknown as { wx: Record<string, unknown> }).wx;

function captureToasts(): string[] {
  const toasts: string[] = [];
  wx().showToast = (options: { title: string }) => toasts.push(options.title);
  return toasts;
}

async function openDetail(matterId: string) {
  const page = mount('council/detail/index');
  page.instance.onLoad({ matterId });
  await until(() => page.data.loading === false);
  expect(page.data.error).toBe('');
  return page;
}

/** A matter the demo staff raised (for the community), waiting to be opened. */
async function proposed(title: string): Promise<CouncilMatterView> {
  return ok(await call(cloud, DEMO.staff, 'council.propose', { title, body: '请大家商量', scope: { kind: 'community' } }));
}

beforeAll(async () => {
  cloud = await startLinli({ startAt: START, timers: [] });
});
afterAll(() => cloud.close());

describe('council/list', () => {
  it('a resident sees the open matters of their grid and opens one; 提出议题 opens the form', async () => {
    const calls = connectMiniProgram(cloud, DEMO.resident);
    const page = mount('council/list/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    expect(calls.calls.map((c) => c.data)).toEqual([
      { action: 'user.me', input: {} },
      { action: 'council.list', input: { stage: 'open', limit: 20 } },
    ]);
    const row = text(page, `#matter-${DEMO_MATTER}`);
    expect(row).toContain('第一网格楼道加装扶手');
    expect(row).toContain('议事中');
    expect(row).toContain('范围：第一网格');
    expect(row).toContain('1 条讨论');
    expect(page.querySelector('#tab-proposed')).toBeFalsy();

    const opened = captureNavigation();
    page.querySelector(`#matter-${DEMO_MATTER}`)!.dispatchEvent('tap');
    page.querySelector('#propose')!.dispatchEvent('click');
    await until(() => opened.length === 2);
    expect(opened).toEqual([`/council/detail/index?matterId=${DEMO_MATTER}`, '/council/propose/index']);

    page.querySelector('#tab-mine')!.dispatchEvent('tap');
    await until(() => calls.calls.length === 3 && page.data.loading === false);
    expect(calls.calls[2]!.data).toEqual({ action: 'council.list', input: { mine: true, limit: 20 } });
    expect(text(page, '#empty')).toContain('您还没有提出过议题');
  });

  it('staff also have 待受理', async () => {
    await proposed('社区健身器材更新');
    const calls = connectMiniProgram(cloud, DEMO.staff);
    const page = mount('council/list/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    page.querySelector('#tab-proposed')!.dispatchEvent('tap');
    await until(() => calls.calls.length === 3 && page.data.loading === false);
    expect(calls.calls[2]!.data).toEqual({ action: 'council.list', input: { stage: 'proposed', limit: 20 } });
    expect(text(page, '#list')).toContain('社区健身器材更新');
    expect(text(page, '#list')).toContain('待受理');
  });
});

describe('council/propose', () => {
  it('a resident picks one of the scopes the cloud offers and sends the matter; the matter’s page opens', async () => {
    const calls = connectMiniProgram(cloud, DEMO.resident);
    const toasts = captureToasts();
    const redirected: string[] = [];
    wx().redirectTo = (options: { url: string }) => redirected.push(options.url);
    const page = mount('council/propose/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    expect(calls.calls.map((c) => c.data)).toEqual([{ action: 'council.scopes', input: {} }]);
    expect(text(page, '#scope-0')).toBe('第一网格 2栋');
    expect(text(page, '#scope-1')).toBe('第一网格');
    expect(text(page, '#scope-2')).toBe('全社区');

    // Nothing filled in: the page says what is missing without asking the cloud.
    page.querySelector('#submit')!.dispatchEvent('click');
    await settle();
    expect(text(page, '#scope-error')).toBe('请选择在哪个范围商量');
    expect(calls.calls).toHaveLength(1);

    page.querySelector('#title')!.dispatchEvent('change', { detail: '2栋门口装快递柜' });
    page.querySelector('#body')!.dispatchEvent('change', { detail: '快递经常丢，建议在楼门口装快递柜。' });
    page.querySelector('#scope-0')!.dispatchEvent('tap');
    await settle();
    expect(page.querySelector('#scope-0')!.dom!.className).toContain('selected');
    page.querySelector('#submit')!.dispatchEvent('click');
    await until(() => redirected.length === 1);
    expect(calls.calls[1]!.data).toEqual({
      action: 'council.propose',
      input: { title: '2栋门口装快递柜', body: '快递经常丢，建议在楼门口装快递柜。', scope: { kind: 'building', gridId: 'g1', building: '2栋' } },
    });
    expect(toasts).toContain('已提交，等待社区受理');
    expect(redirected[0]).toMatch(/^\/council\/detail\/index\?matterId=cm-/);
  });

  it('someone of a department is told they cannot, with 重新加载', async () => {
    connectMiniProgram(cloud, DEMO.dept);
    const page = mount('council/propose/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    expect(page.data.error).not.toBe('');
    expect(page.querySelector('#retry')).toBeTruthy();
  });
});

describe('council/detail', () => {
  it('a resident votes, changes the vote and comments; the count stays hidden while voting runs', async () => {
    const calls = connectMiniProgram(cloud, DEMO.resident);
    const toasts = captureToasts();
    const page = await openDetail(DEMO_MATTER);
    expect(calls.calls.map((c) => c.data)).toEqual([
      { action: 'council.get', input: { matterId: DEMO_MATTER } },
      { action: 'council.comments', input: { matterId: DEMO_MATTER, limit: 20 } },
    ]);
    expect(text(page, '#title')).toBe('第一网格楼道加装扶手');
    expect(text(page, '#rule')).toContain('按人投票');
    expect(text(page, '#comment-0')).toContain('李建国');
    expect(text(page, '#comment-0')).toContain('有扶手能放心很多');
    expect(page.querySelector('#my-vote')).toBeFalsy();
    expect(page.querySelector('#tally-0')).toBeFalsy();
    // Staff's forms are not a resident's.
    expect(page.querySelector('#reason-form')).toBeFalsy();
    expect(page.querySelector('#hide-0')).toBeFalsy();

    page.querySelector('#option-0')!.dispatchEvent('tap');
    await until(() => toasts.includes('已投票'));
    expect(calls.calls.at(-1)!.data).toEqual({ action: 'council.vote', input: { matterId: DEMO_MATTER, option: 0 } });
    expect(text(page, '#my-vote')).toContain('您已投“赞成”');
    expect(page.querySelector('#option-0')!.dom!.className).toContain('selected');

    page.querySelector('#option-1')!.dispatchEvent('tap');
    await until(() => toasts.includes('已改票'));
    expect(text(page, '#my-vote')).toContain('您已投“反对”');

    page.querySelector('#comment-submit')!.dispatchEvent('click');
    await settle();
    expect(text(page, '#action-error')).toBe('请填写评论');
    page.querySelector('#comment-text')!.dispatchEvent('change', { detail: '扶手要装在靠墙一侧' });
    await settle();
    page.querySelector('#comment-submit')!.dispatchEvent('click');
    await until(() => toasts.includes('已发表'));
    expect(text(page, '#comment-1')).toContain('张秀英');
    expect(text(page, '#comment-1')).toContain('扶手要装在靠墙一侧');
    expect(page.data.commentText).toBe('');
  });

  it('under the household rule a resident without a confirmed household is told to ask the community', async () => {
    const matter = await proposed('按户表决：小区大门改造');
    ok(await call(cloud, DEMO.staff, 'council.open', { matterId: matter.id, deadline: '2026-12-20', votingRule: 'household' }));
    // The demo applicant (a resident of 4栋) has no household; the demo resident's is in the demo register.
    connectMiniProgram(cloud, DEMO.applicant);
    const page = await openDetail(matter.id);
    expect(text(page, '#vote-blocked')).toContain('联系社区确认您的家庭户');
    expect(text(page, '#rule')).toContain('按户投票');
    // The options are shown, but tapping one asks nothing of the cloud.
    const calls = connectMiniProgram(cloud, DEMO.applicant);
    page.querySelector('#option-0')!.dispatchEvent('tap');
    await settle(50);
    expect(calls.calls).toHaveLength(0);
  });

  it('staff open a proposed matter, close it early with a reason, and publish the result', async () => {
    const matter = await proposed('社区议事厅开放时间');
    const calls = connectMiniProgram(cloud, DEMO.staff);
    const toasts = captureToasts();
    const page = await openDetail(matter.id);
    expect(text(page, '#waiting')).toContain('等待社区受理');
    expect(page.querySelector('#decline')).toBeTruthy();

    expect(text(page, '#open-scope')).toContain('全社区');
    // Staff may put it to a smaller scope: the scopes come from the cloud when asked for.
    page.querySelector('#change-scope')!.dispatchEvent('click');
    await until(() => page.querySelector('#scopes') !== undefined && page.querySelector('#scopes') !== null);
    expect(calls.calls.at(-1)!.data).toEqual({ action: 'council.scopes', input: {} });
    const firstGrid = (page.data.scopes as Array<{ label: string }>).findIndex((scope) => scope.label === '第一网格');
    page.querySelector(`#scope-${firstGrid}`)!.dispatchEvent('tap');
    page.querySelector('#rule-resident')!.dispatchEvent('tap');
    page.querySelector('#options-text')!.dispatchEvent('change', { detail: '早上八点、上午九点' });
    page.querySelector('#deadline-picker')!.dispatchEvent('change', { detail: { value: '2026-12-12' } });
    await settle();
    page.querySelector('#open')!.dispatchEvent('click');
    await until(() => toasts.includes('已发起议事'));
    expect(calls.calls.at(-1)!.data).toEqual({
      action: 'council.open',
      input: { matterId: matter.id, deadline: '2026-12-12', votingRule: 'resident', options: ['早上八点', '上午九点'], scope: { kind: 'grid', gridId: 'g1' } },
    });
    expect(text(page, '#stage')).toBe('议事中');
    expect(text(page, '#scope')).toBe('范围：第一网格');
    expect(text(page, '#timeline')).toContain('范围由全社区改为第一网格');
    expect(text(page, '#options')).toContain('早上八点');
    expect(page.querySelector('#open-form')).toBeFalsy();

    // Two residents vote (through the cloud), then staff close early: a reason first.
    ok(await call(cloud, DEMO.resident, 'council.vote', { matterId: matter.id, option: 1 }));
    ok(await call(cloud, DEMO.volunteer, 'council.vote', { matterId: matter.id, option: 1 }));
    page.querySelector('#close')!.dispatchEvent('click');
    await settle();
    expect(text(page, '#action-error')).toBe('投票尚未截止，提前结束请填写原因');
    page.querySelector('#reason')!.dispatchEvent('change', { detail: '需要尽快定下来' });
    await settle();
    page.querySelector('#close')!.dispatchEvent('click');
    await until(() => toasts.includes('已结束投票'));
    expect(calls.calls.at(-1)!.data).toEqual({ action: 'council.close', input: { matterId: matter.id, reason: '需要尽快定下来' } });
    expect(text(page, '#tally-total')).toBe('2');
    expect(text(page, '#tally-1')).toContain('2 票');
    expect(text(page, '#timeline')).toContain('结束投票：需要尽快定下来');

    page.querySelector('#publish')!.dispatchEvent('click');
    await settle();
    expect(text(page, '#action-error')).toBe('请填写议事结果');
    page.querySelector('#decision-text')!.dispatchEvent('change', { detail: '议事厅上午九点开放' });
    page.querySelector('#next-step')!.dispatchEvent('change', { detail: '下周一起执行' });
    page.querySelector('#link-activity')!.dispatchEvent('tap');
    await settle();
    page.querySelector('#publish')!.dispatchEvent('click');
    await settle();
    expect(text(page, '#action-error')).toBe('请填写志愿活动的编号，或选“不关联”');
    // An id that is no activity of the community: the cloud says so, and nothing is published.
    page.querySelector('#link-id')!.dispatchEvent('change', { detail: 'act-none' });
    await settle();
    page.querySelector('#publish')!.dispatchEvent('click');
    await until(() => text(page, '#action-error').includes('本社区没有编号为 act-none 的活动'));
    const activity = ok(await call(cloud, DEMO.staff, 'activity.list', {})).items[0]!;
    page.querySelector('#link-id')!.dispatchEvent('change', { detail: activity.id });
    await settle();
    page.querySelector('#publish')!.dispatchEvent('click');
    await until(() => toasts.includes('已公开'));
    expect(calls.calls.at(-1)!.data).toEqual({
      action: 'council.publish',
      input: { matterId: matter.id, decision: '议事厅上午九点开放', nextStep: '下周一起执行', link: { kind: 'activity', id: activity.id } },
    });
    expect(text(page, '#decision')).toContain('议事厅上午九点开放');
    expect(text(page, '#decision')).toContain('下一步：下周一起执行');
    expect(text(page, '#link-text')).toBe(`已转为志愿活动（编号 ${activity.id}）`);
    expect(doc<CouncilMatter>(cloud, 'council_matters', matter.id)).toMatchObject({ stage: 'published', tally: { counts: [0, 2], total: 2 } });
  });

  it('staff hide a comment with a reason; it stays, marked', async () => {
    connectMiniProgram(cloud, DEMO.staff);
    const toasts = captureToasts();
    const page = await openDetail(DEMO_MATTER);
    page.querySelector('#hide-0')!.dispatchEvent('click');
    await settle();
    page.querySelector('#hide-confirm')!.dispatchEvent('click');
    await settle();
    expect(text(page, '#action-error')).toBe('请填写隐藏的原因');
    page.querySelector('#hide-reason')!.dispatchEvent('change', { detail: '含有住户家庭情况' });
    await settle();
    page.querySelector('#hide-confirm')!.dispatchEvent('click');
    await until(() => toasts.includes('已隐藏'));
    expect(text(page, '#comment-0')).toContain('此评论已被社区隐藏：含有住户家庭情况');
    // Staff still read it.
    expect(text(page, '#comment-0')).toContain('有扶手能放心很多');
    expect(doc<CouncilComment>(cloud, 'council_comments', 'cc-demo-1')?.hidden).toMatchObject({ reason: '含有住户家庭情况', by: DEMO.staff });

    connectMiniProgram(cloud, DEMO.resident);
    const resident = await openDetail(DEMO_MATTER);
    expect(text(resident, '#comment-0')).toContain('此评论已被社区隐藏');
    expect(text(resident, '#comment-0')).not.toContain('有扶手能放心很多');
  });
});

describe('notices', () => {
  it('proposing asks for the 受理, 不予受理 and 结果公开 notices, so staff declining tells the proposer why', async () => {
    const calls = connectMiniProgram(cloud, DEMO.resident);
    const redirected: string[] = [];
    wx().redirectTo = (options: { url: string }) => redirected.push(options.url);
    const page = mount('council/propose/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    page.querySelector('#title')!.dispatchEvent('change', { detail: '2栋楼下增设晾衣架' });
    page.querySelector('#body')!.dispatchEvent('change', { detail: '楼下空地可以装几组晾衣架，方便晒被子。' });
    page.querySelector('#scope-0')!.dispatchEvent('tap');
    await settle();
    page.querySelector('#submit')!.dispatchEvent('click');
    await until(() => redirected.length === 1);
    expect(calls.subscribeRequests).toEqual([['TPL_COUNCIL_OPENED', 'TPL_COUNCIL_DECLINED', 'TPL_COUNCIL_PUBLISHED']]);
    const matterId = redirected[0]!.split('matterId=')[1]!;

    ok(await call(cloud, DEMO.staff, 'council.decline', { matterId, reason: '楼下空地是消防通道' }));
    const told = cloud.outbox.filter((message) => message.page === `council/detail/index?matterId=${matterId}` && message.touser === DEMO.resident);
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({ template_id: 'TPL_COUNCIL_DECLINED', data: { thing2: { value: '楼下空地是消防通道' } } });
  });

  it('staff acting on a matter are asked for the next new matter’s notice, which a resident’s proposal then sends', async () => {
    // Raised by the second staff member (the first has used up the day's proposals in this file).
    const matter = ok(await call(cloud, DEMO.staff2, 'council.propose', { title: '社区图书角换书', body: '请大家商量', scope: { kind: 'community' } }));
    expect(cloud.subscriptions.remaining(DEMO.staff2, 'TPL_COUNCIL_PROPOSED')).toBe(0);
    const calls = connectMiniProgram(cloud, DEMO.staff2);
    const toasts = captureToasts();
    const page = await openDetail(matter.id);
    page.querySelector('#reason')!.dispatchEvent('change', { detail: '与读书会的活动重复' });
    await settle();
    page.querySelector('#decline')!.dispatchEvent('click');
    await until(() => toasts.includes('已不予受理'));
    expect(calls.subscribeRequests).toEqual([['TPL_COUNCIL_PROPOSED']]);

    const raised = ok(await call(cloud, DEMO.volunteer, 'council.propose', { title: '3栋门口加装路灯', body: '晚上太黑，老人出门不安全。', scope: { kind: 'building', gridId: 'g1', building: '3栋' } }));
    const told = cloud.outbox.filter((message) => message.page === `council/detail/index?matterId=${raised.id}` && message.touser === DEMO.staff2);
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({ template_id: 'TPL_COUNCIL_PROPOSED', data: { thing1: { value: '3栋门口加装路灯' }, thing4: { value: '居民李建国提出，请受理' } } });
  });
});

describe('where it is found', () => {
  it('我的 offers 居民议事', async () => {
    connectMiniProgram(cloud, DEMO.resident);
    const me = mount('pages/me/index');
    me.instance.onLoad();
    await until(() => me.data.loading === false);
    const opened = captureNavigation();
    me.querySelector('#to-council')!.dispatchEvent('click');
    await until(() => opened.length === 1);
    expect(opened).toEqual(['/council/list/index']);
  });
});
