// @vitest-environment happy-dom
/**
 * staff/patrol-report (网格月通报) and staff/patrol (巡查走访) against the real patrol function, on
 * the demo data (周网格's four days of December in grid g1): staff read the month's summary per grid
 * and the quarter's ranking; the grid worker logs a day's 走访 with buildings tapped as chips, sees it
 * at the top of their logs, and logging again the same day updates it. The numbers themselves:
 * tests/functions/patrols.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PatrolLogView } from '../../core/contract';
import type { PatrolLog } from '../../core/model';
import type { LocalCloud } from '../../localcloud/src/server';
import { DEMO, startLinli } from '../helpers/linli';
import { captureNavigation, connectMiniProgram, mount, settle, text, until } from '../helpers/mp';
import { docs, seed } from '../helpers/seed';

/** The day after the demo's last patrol (2026-12-04). */
const START = new Date('2026-12-05T10:00:00+08:00');

let cloud: LocalCloud;
const wx = () => (globalThis as unknown as { wx: Record<string, unknown> }).wx;

beforeAll(async () => {
  cloud = await startLinli({ startAt: START, timers: [] });
  // An affair of g1 closed on 3 December: the month's 办结事件.
  const at = new Date('2026-11-28T09:00:00+08:00');
  seed(cloud, 'affairs', [
    {
      _id: 'mp-closed-affair',
      communityId: DEMO.community,
      clientRequestId: 'mp-closed-affair',
      category: '环境卫生',
      description: '楼道堆物',
      place: { gridId: 'g1', building: '2栋' },
      urgency: '一般',
      reporterOpenid: DEMO.grid,
      reporterName: '周网格',
      reporterRole: 'grid_worker',
      anonymous: false,
      createdBy: DEMO.grid,
      status: 'closed',
      version: 4,
      overdue: false,
      overdueCount: 0,
      events: [{ at, by: DEMO.grid, byName: '周网格', from: null, to: 'reported' }],
      createdAt: at,
      updatedAt: at,
      closedAt: new Date('2026-12-03T15:00:00+08:00'),
    },
  ]);
});
afterAll(() => cloud.close());

describe('staff/patrol-report', () => {
  it('staff see the cloud’s month per grid and the quarter’s ranking; another month reloads both', async () => {
    const calls = connectMiniProgram(cloud, DEMO.staff);
    const page = mount('staff/patrol-report/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    expect(page.data.error).toBe('');
    expect(calls.calls.map((c) => c.data)).toEqual([
      { action: 'patrol.summary', input: {} },
      { action: 'patrol.ranking', input: {} },
    ]);
    expect(text(page, '#month')).toBe('2026年12月');
    // 周网格: 12-01 巡查, 12-02 走访 6 户, 12-03 巡查, 12-04 走访 4 户; 1栋 2栋 3栋.
    const g1 = text(page, '#summary-g1');
    expect(g1).toContain('第一网格');
    expect(g1).toContain('巡查 4 天');
    expect(g1).toMatch(/2\s*巡查（次）\s*2\s*走访（次）\s*10\s*走访户数\s*3\s*覆盖楼栋\s*0\s*发现事件\s*1\s*办结事件\s*1\s*记录人数/);
    expect(text(page, '#summary-g2')).toMatch(/0\s*办结事件/);
    expect(text(page, '#summary-g2')).toContain('巡查 0 天');
    expect(text(page, '#rank-g1')).toBe('第 1 名第一网格4 天 · 10 户 · 0 件');
    expect(text(page, '#rank-g2')).toBe('第 2 名第二网格0 天 · 0 户 · 0 件');
    expect(text(page, '#rule')).toContain('按巡查天数');
    // The month and its quarter are still open to a week's late logs: both say 暂定, and until when.
    expect(text(page, '#summary-provisional')).toBe('暂定');
    expect(text(page, '#summary-note')).toBe('2027-01-08 前还可以补记本月的巡查，数字可能变化');
    expect(text(page, '#ranking-note')).toBe('2027-01-08 起排名定稿，此前补记的巡查还会计入');

    page.querySelector('#month-picker')!.dispatchEvent('change', { detail: { value: '2026-11' } });
    await until(() => calls.calls.length === 4 && page.data.loading === false);
    expect(calls.calls.slice(2).map((c) => c.data)).toEqual([
      { action: 'patrol.summary', input: { month: '2026-11' } },
      { action: 'patrol.ranking', input: { quarter: '2026-Q4' } },
    ]);
    expect(text(page, '#month')).toBe('2026年11月');
    expect(text(page, '#summary-g1')).toContain('巡查 0 天');
    // The quarter still holds December's days.
    expect(text(page, '#rank-g1')).toContain('第 1 名');
  });

  it('a resident is told why, with 重新加载', async () => {
    connectMiniProgram(cloud, DEMO.resident);
    const page = mount('staff/patrol-report/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    expect(page.data.error).not.toBe('');
    expect(page.querySelector('#retry')).toBeTruthy();
  });
});

describe('staff/patrol', () => {
  it('the grid worker logs today’s 走访 with buildings tapped as chips, and logging again updates it', async () => {
    const toasts: string[] = [];
    const calls = connectMiniProgram(cloud, DEMO.grid);
    wx().showToast = (options: { title: string }) => toasts.push(options.title);
    const page = mount('staff/patrol/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    expect(calls.calls.map((c) => c.data.action)).toEqual(['patrol.mine']);
    expect(text(page, '#date')).toBe('2026-12-05');
    expect(text(page, '#grid-name')).toContain('第一网格');
    expect(text(page, '#chips')).toBe('1栋2栋3栋');
    // The demo's four days, newest first.
    expect(text(page, '#log-0')).toContain('2026-12-04 走访');
    expect(text(page, '#log-0')).toContain('走访 4 户');
    expect((page.data.items as PatrolLogView[]).map((row) => row.date)).toEqual(['2026-12-04', '2026-12-03', '2026-12-02', '2026-12-01']);

    // Nothing chosen: the page says so without asking the cloud.
    page.querySelector('#submit')!.dispatchEvent('click');
    await settle();
    expect(text(page, '#form-error')).toBe('请至少选择一栋楼');
    expect(calls.calls).toHaveLength(1);

    page.querySelector('#kind-visit')!.dispatchEvent('tap');
    page.querySelector('#building-0')!.dispatchEvent('tap');
    page.querySelector('#building-2')!.dispatchEvent('tap');
    await settle();
    expect(page.querySelector('#building-0')!.dom!.className).toContain('selected');
    page.querySelector('#submit')!.dispatchEvent('click');
    await settle();
    expect(text(page, '#form-error')).toBe('走访请填写走访户数');

    page.querySelector('#households')!.dispatchEvent('change', { detail: 3 });
    page.querySelector('#notes')!.dispatchEvent('change', { detail: '走访空巢老人' });
    await settle();
    page.querySelector('#submit')!.dispatchEvent('click');
    await until(() => page.data.items[0]?.date === '2026-12-05');
    expect(calls.calls.find((c) => c.data.action === 'patrol.log')?.data).toEqual({
      action: 'patrol.log',
      input: { date: '2026-12-05', gridId: 'g1', kind: 'visit', buildings: ['1栋', '3栋'], households: 3, notes: '走访空巢老人' },
    });
    expect(toasts).toContain('已记录');
    expect(text(page, '#log-0')).toContain('2026-12-05 走访');
    expect(text(page, '#log-0')).toContain('楼栋：1栋、3栋；走访 3 户');
    expect(text(page, '#log-0')).toContain('走访空巢老人');
    // The form is ready for the next one.
    expect((page.data.chips as Array<{ selected: boolean }>).every((chip) => !chip.selected)).toBe(true);

    // Again the same day: the same log, updated.
    const stored = () => docs<PatrolLog>(cloud, 'patrol_logs').filter((log) => log.openid === DEMO.grid && log.date === '2026-12-05');
    expect(stored()).toHaveLength(1);
    page.querySelector('#building-1')!.dispatchEvent('tap');
    page.querySelector('#households')!.dispatchEvent('change', { detail: 5 });
    await settle();
    page.querySelector('#submit')!.dispatchEvent('click');
    await until(() => toasts.includes('已更新当天的记录'));
    await until(() => page.data.items[0]?.households === 5);
    expect(stored()).toHaveLength(1);
    expect((page.data.items as PatrolLogView[]).filter((row) => row.date === '2026-12-05')).toHaveLength(1);
  });

  it('staff without a grid are told to ask for one', async () => {
    connectMiniProgram(cloud, DEMO.staff);
    const page = mount('staff/patrol/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    expect(text(page, '#no-grids')).toContain('您还没有负责的网格');
    expect(page.querySelector('#log-form')).toBeFalsy();
  });
});

describe('where they are found', () => {
  it('我的 offers a grid worker 巡查走访 and 网格月通报, and a resident neither', async () => {
    connectMiniProgram(cloud, DEMO.grid);
    const me = mount('pages/me/index');
    me.instance.onLoad();
    await until(() => me.data.loading === false);
    const opened = captureNavigation();
    me.querySelector('#to-patrol')!.dispatchEvent('click');
    me.querySelector('#to-patrol-report')!.dispatchEvent('click');
    await until(() => opened.length === 2);
    expect(opened).toEqual(['/staff/patrol/index', '/staff/patrol-report/index']);

    connectMiniProgram(cloud, DEMO.resident);
    const resident = mount('pages/me/index');
    resident.instance.onLoad();
    await until(() => resident.data.loading === false);
    expect(resident.querySelector('#to-patrol')).toBeFalsy();
    expect(resident.querySelector('#to-patrol-report')).toBeFalsy();
  });
});
