// @vitest-environment happy-dom
/**
 * household/mine (我的家庭户) against the real household function: a resident without a household
 * asks to join the one of their registered door (choosing how they relate to its head), sees it
 * waiting, and after staff confirm sees their household with its members and linker; a linker sees
 * the households they look after with their care flags; someone who is not a resident is told why
 * there is nothing to join. The rules themselves: tests/functions/households.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../localcloud/src/server';
import { approveRuleChanges, call, DEMO, ok, startLinli } from '../helpers/linli';
import { captureNavigation, connectMiniProgram, mount, type Page, text, until } from '../helpers/mp';
import { seed, userDoc } from '../helpers/seed';

const RESIDENT = 'hp-resident';
const LINKER = 'hp-linker';

let cloud: LocalCloud;
beforeAll(async () => {
  cloud = await startLinli({ timers: [] });
  seed(cloud, 'users', [
    userDoc(RESIDENT, '孙阿姨', { address: { gridId: 'g1', building: '1栋', unit: '1', room: '402' } }),
    userDoc(LINKER, '党员老赵', { address: { gridId: 'g1', building: '2栋', unit: '1', room: '101' } }),
  ]);
});
afterAll(() => cloud.close());

async function opened(openid: string): Promise<{ page: Page; calls: ReturnType<typeof connectMiniProgram> }> {
  const calls = connectMiniProgram(cloud, openid);
  const page = mount('household/mine/index');
  page.instance.onLoad();
  await until(() => page.data.loading === false, 20_000);
  return { page, calls };
}

describe('household/mine', () => {
  it('a resident asks to join their home’s household; once staff confirm, they see it and its linker', async () => {
    const { page, calls } = await opened(RESIDENT);
    expect(calls.calls.map((c) => (c.data as { action: string }).action).sort()).toEqual(['household.list', 'household.mine']);
    expect(page.querySelector('#household')).toBeFalsy();
    // Without a relation chosen, the page says so and asks nothing of the cloud.
    page.querySelector('#claim')!.dispatchEvent('click');
    await until(() => page.data.claimError !== '');
    expect(text(page, '#claim-error')).toBe('请选择您与户主的关系');
    page.querySelector('#relation-0')!.dispatchEvent('tap');
    page.querySelector('#claim')!.dispatchEvent('click');
    await until(() => page.data.claim !== null);
    expect(calls.calls.at(-1)!.data).toEqual({ action: 'household.claim', input: { relation: '户主' } });
    expect(text(page, '#claim-pending')).toBe('已申请（1栋 1单元 402，户主），等待社区确认');

    ok(await call(cloud, DEMO.staff, 'household.decideClaim', { openid: RESIDENT, decision: 'confirm' }));
    const [mine] = ok(await call(cloud, DEMO.staff, 'household.list', { building: '1栋' })).items.filter((item) => item.room === '402');
    ok(await call(cloud, DEMO.staff, 'household.upsert', { householdId: mine!.id, version: mine!.version, building: '1栋', unit: '1', room: '402', members: [{ name: '孙阿姨', relation: '户主', openid: RESIDENT }, { name: '孙爷爷', relation: '配偶' }], flags: ['空巢老人'] }));
    const again = await opened(RESIDENT);
    expect(text(again.page, '#address')).toBe('第一网格 1栋 1单元 402');
    expect(text(again.page, '#household')).toContain('孙爷爷配偶（未使用小程序）');
    expect(text(again.page, '#linker')).toBe('联户长：社区正在安排');
    // Her own household's care flags are staff's notes: not shown to her.
    expect(text(again.page, '#root')).not.toContain('空巢老人');
    expect(again.page.querySelector('#claim-card')).toBeFalsy();
  });

  it('a linker sees the households they look after, with their care flags', async () => {
    ok(await call(cloud, DEMO.staff, 'community.updateSettings', { communityId: DEMO.community, householdsPerLinker: 20 }));
    await approveRuleChanges(cloud);
    const [household] = ok(await call(cloud, DEMO.staff, 'household.list', { building: '1栋' })).items.filter((item) => item.room === '402');
    ok(await call(cloud, DEMO.staff, 'household.assignLinker', { householdId: household!.id, version: household!.version, linker: LINKER }));
    const { page } = await opened(LINKER);
    expect(text(page, '#linked-title')).toBe('我联系的家庭户（1 户）');
    expect(text(page, `#linked-${household!.id}`)).toContain('空巢老人');
    expect(text(page, `#linked-${household!.id}`)).toContain('孙阿姨（户主）、孙爷爷（配偶）');
    expect(text(page, `#open-${household!.id}`)).toBe('暂无进行中的订单和问题');
    // Tapping one opens it, where the linker orders for it and records visits.
    const urls = captureNavigation();
    page.querySelector(`#linked-${household!.id}`)!.dispatchEvent('tap');
    await until(() => urls.length === 1);
    expect(urls[0]).toBe(`/household/detail/index?householdId=${household!.id}`);
    const resident = await opened(RESIDENT);
    expect(text(resident.page, '#linker')).toBe('联户长：党员老赵');
  });

  it('someone who is not a resident is told there is no household of theirs', async () => {
    const { page } = await opened(DEMO.dept);
    expect(page.querySelector('#claim-card')).toBeFalsy();
    expect(text(page, '#not-resident')).toContain('您不是本社区登记的居民');
  });
});
