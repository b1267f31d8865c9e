// @vitest-environment happy-dom
/** My points: balance and ledger with Chinese source names, paged, on the real cloud functions. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../localcloud/src/server';
import { call, DEMO, ok, startLinli } from '../helpers/linli';
import { connectMiniProgram, mount, text, until } from '../helpers/mp';

describe('pages/points', () => {
  let cloud: LocalCloud;
  beforeAll(async () => {
    cloud = await startLinli();
  });
  afterAll(() => cloud.close());

  let awards = 0;
  /**
   * Good-deed points the four-eyes way: one staff member nominates, the other approves. The two take
   * turns, so neither reaches the community's daily nomination limit (20 by default).
   */
  async function award(openid: string, points: number, kind: 'good_deed' | 'role_model', reason: string, clientRequestId: string) {
    awards += 1;
    const [nominator, reviewer] = awards % 2 === 1 ? [DEMO.staff, DEMO.staff2] : [DEMO.staff2, DEMO.staff];
    const nomination = ok(await call(cloud, nominator, 'points.nominate', { openid, points, kind, reason, clientRequestId }));
    ok(await call(cloud, reviewer, 'points.review', { nominationId: nomination.id, decision: 'approve' }));
  }

  it('shows the balance and the ledger with where points came from and went', async () => {
    ok(await call(cloud, DEMO.resident, 'mall.redeem', { goodsId: 'goods-towel', quantity: 1, clientRequestId: 'mp-points-redeem-1' }));
    await award(DEMO.resident, 5, 'role_model', '楼道清洁带头人', 'mp-points-award-1');
    const cloudCalls = connectMiniProgram(cloud, DEMO.resident);
    const page = mount('pages/points/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    expect(text(page, '.balance')).toBe('35');
    const ledger = text(page, '#ledger');
    expect(ledger).toContain('好人好事');
    expect(ledger).toContain('兑换');
    expect(ledger).toContain('-30');
    expect(ledger).toContain('先进典型');
    expect(ledger).toContain('+5');
    expect(page.querySelectorAll('.entry')).toHaveLength(3);
    expect(cloudCalls.calls.map((c) => c.data.action)).toEqual(['points.overview']);
  });

  it('pages through a long ledger', async () => {
    for (let i = 0; i < 20; i += 1) {
      await award(DEMO.volunteer, 1, 'good_deed', `扶老人过马路 ${i}`, `mp-points-many-${i}`);
    }
    connectMiniProgram(cloud, DEMO.volunteer);
    const page = mount('pages/points/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    expect(text(page, '.balance')).toBe('280');
    expect(page.data.items).toHaveLength(20);
    page.querySelector('#more')!.dispatchEvent('tap');
    await until(() => page.data.items.length === 21);
    expect(page.data.nextCursor).toBeNull();
    expect(text(page, '#ledger')).toContain('先进典型');
  });

  it('shows an empty ledger to someone who has none', async () => {
    connectMiniProgram(cloud, DEMO.applicant);
    const page = mount('pages/points/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    expect(text(page, '.balance')).toBe('0');
    expect(text(page, '#empty')).toContain('还没有积分记录');
  });
});
