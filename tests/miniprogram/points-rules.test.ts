// @vitest-environment happy-dom
/**
 * 积分规则: the rules in force in plain words, reached from the 积分超市 and from 我的积分, in large
 * text too, on the real cloud functions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../localcloud/src/server';
import { approveRuleChanges, call, DEMO, ok, startLinli } from '../helpers/linli';
import { captureNavigation, connectMiniProgram, mount, settle, text, until } from '../helpers/mp';

type WxApi = {
  getStorageSync: (key: string) => unknown;
  setStorageSync: (key: string, value: unknown) => void;
  switchTab: (o: { url: string }) => void;
  stopPullDownRefresh: () => void;
};
const wx = (globalThis as unknown as { wx: WxApi }).wx;
// simulate's storage is a stub that keeps nothing: give the page a real one (the large-text switch).
const storage = new Map<string, unknown>();
wx.getStorageSync = (key) => storage.get(key) ?? '';
wx.setStorageSync = (key, value) => {
  storage.set(key, value);
};

describe('pages/points-rules', () => {
  let cloud: LocalCloud;
  beforeAll(async () => {
    cloud = await startLinli({ timers: [] });
  });
  afterAll(() => cloud.close());

  async function open(openid: string) {
    const calls = connectMiniProgram(cloud, openid);
    const page = mount('pages/points-rules/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    return { page, calls };
  }

  it('tells a resident in plain words what each service pays, how activity hours count, good deeds and spending', async () => {
    const { page, calls } = await open(DEMO.resident);
    expect(calls.calls.map((c) => c.data.action)).toEqual(['points.rules']);
    expect(text(page, '#header')).toContain('幸福里社区爱心积分规则');
    const meal = text(page, '#service-svc-meal');
    expect(meal).toContain('完成一次“助餐送餐”');
    expect(meal).toContain('社区评 5 分：得 12 分');
    expect(meal).toContain('评 4 分得 11 分，评 3 分得 10 分，评 2 分得 8 分，评 1 分得 5 分');
    expect(text(page, '#service-svc-hospital')).toContain('社区评 5 分：得 36 分');
    expect(text(page, '#order-cap')).toBe('每单最多得 200 分。');
    expect(text(page, '#activities')).toContain('最多每小时 50 分');
    expect(text(page, '#rounding')).toBe('时长怎么算：整小时照算；不足 1 小时的部分，1–15 分钟不计，16–45 分钟算 0.5 小时，46–60 分钟算 1 小时。');
    expect(text(page, '#awards')).toContain('每次最多 500 分');
    expect(text(page, '#redemption-limit')).toBe('每人每天最多兑换 10 次。');
    expect(text(page, '#spending')).toContain('积分全部退回');
    // The demo community has changed nothing yet.
    expect(page.querySelector('#last-change')).toBeFalsy();

    let switchedTo = '';
    wx.switchTab = (options) => {
      switchedTo = options.url;
    };
    page.querySelector('#to-mall')!.dispatchEvent('click');
    await until(() => switchedTo !== '');
    expect(switchedTo).toBe('/pages/mall/index');
  });

  it('shows a change once a second staff member approves it, never while it waits; pull down reloads', async () => {
    ok(await call(cloud, DEMO.staff, 'catalog.upsert', { id: 'svc-meal', name: '助餐送餐', category: '助老服务', skills: ['送餐'], expectedMinutes: 30, basePoints: 20, slaHours: 4 }));
    const { page } = await open(DEMO.volunteer);
    expect(text(page, '#service-svc-meal')).toContain('社区评 5 分：得 12 分');
    expect(page.querySelector('#last-change')).toBeFalsy();

    expect(await approveRuleChanges(cloud)).toBe(1);
    let stopped = 0;
    wx.stopPullDownRefresh = () => {
      stopped += 1;
    };
    (page.instance as unknown as { onPullDownRefresh: () => void }).onPullDownRefresh();
    await until(() => stopped === 1);
    expect(text(page, '#service-svc-meal')).toContain('社区评 5 分：得 24 分');
    expect(text(page, '#last-change')).toContain('服务“助餐送餐”的基础积分：10 分 → 20 分');
  });

  it('lists upcoming activities with what attending them pays', async () => {
    const startAt = new Date(cloud.clock.now() + 2 * 24 * 3600_000);
    const activity = ok(
      await call(cloud, DEMO.staff, 'activity.create', {
        name: '楼道清洁',
        content: '清理楼道杂物',
        place: '3栋',
        startAt: startAt.toISOString(),
        endAt: new Date(startAt.getTime() + 2.5 * 3600_000).toISOString(),
        capacity: 5,
        pointsPerHour: 8,
        clientRequestId: 'mp-rules-activity',
      }),
    );
    await approveRuleChanges(cloud);
    const { page } = await open(DEMO.volunteer);
    expect(text(page, `#activity-${activity.id}`)).toContain('每小时 8 分，全程参加（2.5 小时）得 20 分');
  });

  it('works in large-text mode', async () => {
    wx.setStorageSync('linli.largeText', true);
    try {
      const { page } = await open(DEMO.resident);
      expect(page.querySelector('#root')!.dom!.className).toContain('large-text');
    } finally {
      wx.setStorageSync('linli.largeText', false);
    }
    const { page } = await open(DEMO.resident);
    expect(page.querySelector('#root')!.dom!.className).not.toContain('large-text');
  });

  it('shows why it could not load, with 重新加载', async () => {
    const { page } = await open('someone-unregistered');
    expect(page.querySelector('#error')).toBeTruthy();
    expect(page.querySelector('#retry')).toBeTruthy();
  });

  it('is reached from the 积分超市 and from 我的积分', async () => {
    connectMiniProgram(cloud, DEMO.resident);
    const urls = captureNavigation();
    const mall = mount('pages/mall/index');
    mall.instance.onLoad();
    await until(() => mall.data.loading === false);
    mall.querySelector('#rules-link')!.dispatchEvent('tap');
    await settle();
    const points = mount('pages/points/index');
    points.instance.onLoad();
    await until(() => points.data.loading === false);
    points.querySelector('#to-rules')!.dispatchEvent('tap');
    await settle();
    expect(urls).toEqual(['/pages/points-rules/index', '/pages/points-rules/index']);
  });
});
