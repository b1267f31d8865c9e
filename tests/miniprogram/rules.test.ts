// @vitest-environment happy-dom
/**
 * staff/rules (积分规则审核): four eyes on what pays. One staff member proposes new points (here
 * through catalog.upsert, as the catalogue page does), another approves or rejects them on this
 * page; the proposer sees their own proposal without buttons.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RuleChangeView, ServiceView } from '../../core/contract';
import type { LocalCloud } from '../../localcloud/src/server';
import { call, DEMO, ok, startLinli } from '../helpers/linli';
import { captureNavigation, connectMiniProgram, mount, text, until } from '../helpers/mp';

let cloud: LocalCloud;

beforeAll(async () => {
  cloud = await startLinli();
});
afterAll(() => cloud.close());

async function service(id: string): Promise<ServiceView> {
  return ok(await call(cloud, DEMO.staff, 'catalog.list', { includeArchived: true })).find((item) => item.id === id)!;
}

/** 刘晓梅 asks for new base points for a service, as the catalogue page's form sends them. */
async function proposePoints(id: string, basePoints: number): Promise<RuleChangeView> {
  const { communityId: _community, archived: _archived, pendingBasePoints: _pending, ...fields } = await service(id);
  const saved = ok(await call(cloud, DEMO.staff, 'catalog.upsert', { ...fields, basePoints }));
  expect(saved.pendingBasePoints).toBe(basePoints);
  const pending = ok(await call(cloud, DEMO.staff, 'community.ruleChanges', { status: 'pending' })).items;
  return pending.find((change) => change.subject === `服务“${saved.name}”的基础积分`)!;
}

const ids = (items: unknown) => (items as RuleChangeView[]).map((item) => item.id);

describe('staff/rules', () => {
  it('shows the proposer their proposal without buttons; a second staff member approves it on the page and the service pays the new points', async () => {
    const change = await proposePoints('svc-meal', 15);
    expect((await service('svc-meal')).basePoints).toBe(10);

    // 刘晓梅, who proposed it: listed, no buttons, who decides instead.
    connectMiniProgram(cloud, DEMO.staff);
    const mine = mount('staff/rules/index');
    mine.instance.onLoad();
    await until(() => mine.data.loading === false);
    expect(text(mine, `#change-${change.id}`)).toContain('服务“助餐送餐”的基础积分待审核原来10 分改为15 分');
    expect(text(mine, `#change-${change.id}`)).toContain('提出人：刘晓梅');
    expect(text(mine, `#change-${change.id}`)).toContain('待审核');
    expect(text(mine, `#own-${change.id}`)).toBe('由其他工作人员审核');
    expect(mine.querySelector(`#approve-${change.id}`)).toBeFalsy();
    expect(mine.querySelector(`#reject-${change.id}`)).toBeFalsy();

    // 王建国 approves: the card leaves the pending list with a toast, and the points apply.
    const cloudCalls = connectMiniProgram(cloud, DEMO.staff2);
    const page = mount('staff/rules/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    expect(page.querySelector(`#own-${change.id}`)).toBeFalsy();
    page.querySelector(`#approve-${change.id}`)!.dispatchEvent('click');
    await until(() => !ids(page.data.items).includes(change.id));
    expect(cloudCalls.toasts).toContain('已通过，新的积分规则已生效');
    const approved = await service('svc-meal');
    expect(approved.basePoints).toBe(15);
    expect(approved.pendingBasePoints).toBeUndefined();

    // 变更记录: decided, by whom.
    page.querySelector('#tab-decided')!.dispatchEvent('tap');
    await until(() => page.data.tab === 'decided' && page.data.loading === false && ids(page.data.items).includes(change.id));
    const card = text(page, `#change-${change.id}`);
    expect(card).toContain('已通过');
    expect(card).toContain('审核人：王建国');
    expect(page.querySelector(`#approve-${change.id}`)).toBeFalsy();
  });

  it('不通过 needs a reason; with one, the points stay as they were and the log shows why', async () => {
    const change = await proposePoints('svc-haircut', 30);
    const before = (await service('svc-haircut')).basePoints;
    const cloudCalls = connectMiniProgram(cloud, DEMO.staff2);
    const page = mount('staff/rules/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false && ids(page.data.items).includes(change.id));

    page.querySelector(`#reject-${change.id}`)!.dispatchEvent('click');
    await until(() => page.data.rejecting === change.id);
    page.querySelector('#submit-reject')!.dispatchEvent('click');
    await until(() => page.data.rejectError !== '');
    expect(text(page, '#reject-error')).toBe('请填写不通过的原因，提出调整的工作人员会看到');
    expect(cloudCalls.calls.filter((c) => c.data.action === 'community.reviewRuleChange')).toHaveLength(0);

    page.querySelector('#note')!.dispatchEvent('change', { detail: '理发积分已高于同类服务' });
    page.querySelector('#submit-reject')!.dispatchEvent('click');
    await until(() => !ids(page.data.items).includes(change.id));
    expect(cloudCalls.toasts).toContain('已标记为不通过，规则保持不变');
    const kept = await service('svc-haircut');
    expect(kept.basePoints).toBe(before);
    expect(kept.pendingBasePoints).toBeUndefined();

    // The proposer reads the reason in the log.
    connectMiniProgram(cloud, DEMO.staff);
    const mine = mount('staff/rules/index');
    mine.instance.onLoad();
    await until(() => mine.data.loading === false);
    mine.querySelector('#tab-decided')!.dispatchEvent('tap');
    await until(() => mine.data.tab === 'decided' && mine.data.loading === false && ids(mine.data.items).includes(change.id));
    const card = text(mine, `#change-${change.id}`);
    expect(card).toContain('未通过');
    expect(card).toContain('审核意见：理发积分已高于同类服务');
    expect(card).toContain('审核人：王建国');
  });

  it('a new service with points is offered once its points are approved on the page', async () => {
    const created = ok(
      await call(cloud, DEMO.staff, 'catalog.upsert', { name: '代取快递', category: '便民服务', skills: ['跑腿'], expectedMinutes: 30, basePoints: 6, slaHours: 24 }),
    );
    expect(created).toMatchObject({ archived: true, basePoints: 0, pendingBasePoints: 6 });
    const change = ok(await call(cloud, DEMO.staff2, 'community.ruleChanges', { status: 'pending' })).items.find((c) => c.subject === '服务“代取快递”的基础积分')!;

    connectMiniProgram(cloud, DEMO.staff2);
    const page = mount('staff/rules/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false && ids(page.data.items).includes(change.id));
    expect(text(page, `#change-${change.id}`)).toContain('新服务：通过后自动上架');
    page.querySelector(`#approve-${change.id}`)!.dispatchEvent('click');
    await until(() => !ids(page.data.items).includes(change.id));
    expect(await service(created.id)).toMatchObject({ archived: false, basePoints: 6 });
    expect(ok(await call(cloud, DEMO.resident, 'catalog.list', {})).some((s) => s.id === created.id)).toBe(true);
  });

  it('when a colleague decided first, 通过 shows the list as it is now', async () => {
    const change = await proposePoints('svc-clean', 25);
    connectMiniProgram(cloud, DEMO.staff2);
    const page = mount('staff/rules/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false && ids(page.data.items).includes(change.id));
    ok(await call(cloud, DEMO.admin, 'community.reviewRuleChange', { changeId: change.id, decision: 'reject', note: '本月不调整' }));
    page.querySelector(`#approve-${change.id}`)!.dispatchEvent('click');
    await until(() => !ids(page.data.items).includes(change.id) && page.data.loading === false);
    expect((await service('svc-clean')).basePoints).not.toBe(25);
  });

  it('is offered to staff on 我的, and shows a grid worker (who may not review) the error with a retry', async () => {
    connectMiniProgram(cloud, DEMO.staff);
    const me = mount('pages/me/index');
    me.instance.onLoad();
    await until(() => me.data.loading === false);
    const urls = captureNavigation();
    me.querySelector('#to-rules')!.dispatchEvent('click');
    await until(() => urls.length === 1);
    expect(urls).toEqual(['/staff/rules/index']);

    connectMiniProgram(cloud, DEMO.grid);
    const gridMe = mount('pages/me/index');
    gridMe.instance.onLoad();
    await until(() => gridMe.data.loading === false);
    expect(gridMe.querySelector('#to-awards')).toBeTruthy();
    expect(gridMe.querySelector('#to-rules')).toBeFalsy();

    const page = mount('staff/rules/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    expect(page.querySelector('#error')).toBeTruthy();
    expect(page.querySelector('#retry')).toBeTruthy();
  });
});
