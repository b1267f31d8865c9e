/**
 * stats.overview's affairs through the real functions: affairs reported, whistled, returned,
 * whistled again, accepted, resolved, confirmed and rated on a controlled clock, so each response
 * and resolve time is known to the minute; the department counted is the one holding the affair;
 * the trend counts the same affairs; a dispute is counted and nothing of it is told.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InputOf } from '../../core/contract';
import type { LocalCloud } from '../../localcloud/src/server';
import { call, DEMO, ok, startLinli } from '../helpers/linli';
import { seed, T0 } from '../helpers/seed';

/** Monday 9:00 in Beijing, early in the month, so every step stays in December. */
const START = new Date('2026-12-07T09:00:00+08:00');
const HOUR = 3600_000;

let cloud: LocalCloud;
let sequence = 0;

async function report(input: Partial<InputOf<'affair.report'>> = {}): Promise<string> {
  const { affair } = ok(
    await call(cloud, DEMO.grid, 'affair.report', {
      category: '环境卫生',
      description: '2栋楼下垃圾堆放三天未清运',
      place: { gridId: 'g1', building: '2栋' },
      urgency: '一般',
      clientRequestId: `affair-stats-${String(++sequence).padStart(4, '0')}`,
      ...input,
    }),
  );
  return affair.id;
}

describe('stats.overview: affairs', () => {
  beforeAll(async () => {
    cloud = await startLinli({ startAt: START, timers: [] });
    seed(cloud, 'departments', [
      { _id: 'as-street', communityId: DEMO.community, name: '示范街道综治中心', kind: '街道办', categories: ['矛盾纠纷'], active: true, version: 0, createdBy: DEMO.staff, createdAt: T0, updatedBy: DEMO.staff, updatedAt: T0 },
    ]);
  });
  afterAll(() => cloud?.close());

  it('counts what was reported in the period, the department holding each, response from the latest whistle, resolution, stars', async () => {
    // A: whistled at +1h, accepted at +4h (3 hours), resolved at +10h, confirmed and rated 4.
    const a = await report();
    cloud.clock.advance(HOUR);
    ok(await call(cloud, DEMO.staff, 'affair.whistle', { affairId: a, departmentId: 'dept-property' }));
    // B: reported at +1h, whistled at once, returned at +2h, whistled again at +5h, accepted at +6h (1 hour from the latest whistle).
    const b = await report({ category: '设施损坏', place: { gridId: 'g2', building: '5栋' } });
    ok(await call(cloud, DEMO.staff, 'affair.whistle', { affairId: b, departmentId: 'dept-property' }));
    cloud.clock.advance(HOUR);
    ok(await call(cloud, DEMO.dept, 'affair.respond', { affairId: b, decision: 'return', reason: '不属于物业维修范围' }));
    cloud.clock.advance(2 * HOUR);
    ok(await call(cloud, DEMO.dept, 'affair.respond', { affairId: a, decision: 'accept' }));
    cloud.clock.advance(HOUR);
    ok(await call(cloud, DEMO.staff, 'affair.whistle', { affairId: b, departmentId: 'dept-property' }));
    cloud.clock.advance(HOUR);
    ok(await call(cloud, DEMO.dept, 'affair.respond', { affairId: b, decision: 'accept' }));
    cloud.clock.advance(4 * HOUR);
    ok(await call(cloud, DEMO.dept, 'affair.resolve', { affairId: a, summary: '已清运' }));
    ok(await call(cloud, DEMO.grid, 'affair.confirm', { affairId: a, decision: 'confirm' }));
    ok(await call(cloud, DEMO.grid, 'affair.rate', { affairId: a, stars: 4 }));
    // C: a dispute whistled to the street's centre, not accepted yet.
    const c = await report({ category: '矛盾纠纷', description: '邻里因噪音争吵', parties: '301 钱某与 401 孙某' });
    ok(await call(cloud, DEMO.staff, 'affair.whistle', { affairId: c, departmentId: 'as-street' }));

    const { affairs, previous } = ok(await call(cloud, DEMO.staff, 'stats.overview', { month: '2026-12' }));
    expect(affairs).toMatchObject({
      received: 3,
      closed: 1,
      closingRate: 0.3333,
      disputes: 1,
      overdue: 0,
      // A's 3 hours and B's 1 (its first whistle, returned, does not count).
      averageRespondHours: 2,
      // A: reported at +0, resolved at +10h.
      averageResolveHours: 10,
      averageStars: 4,
      rated: 1,
    });
    expect(affairs.byDepartment).toEqual([
      // By name in pinyin order: 示范 (shi) before 幸福 (xing).
      expect.objectContaining({ departmentId: 'as-street', departmentName: '示范街道综治中心', received: 1, closed: 0, averageRespondHours: null }),
      expect.objectContaining({ departmentId: 'dept-property', departmentName: '幸福里物业服务中心', received: 2, closed: 1, closingRate: 0.5, averageRespondHours: 2, averageResolveHours: 10 }),
    ]);
    expect(affairs.byGrid.map((grid) => [grid.gridId, grid.received, grid.closed])).toEqual([
      ['g1', 2, 1],
      ['g2', 1, 0],
    ]);
    expect(previous.affairs.received).toBe(0);
    // Counts only: nothing anyone wrote, nor who.
    const reply = JSON.stringify(affairs);
    for (const secret of ['噪音', '钱某', '垃圾', '周网格', '2栋']) expect(reply).not.toContain(secret);

    const { months } = ok(await call(cloud, DEMO.staff, 'stats.trend', { months: 2 }));
    expect(months.map((month) => [month.month, month.affairsReceived, month.affairsClosed])).toEqual([
      ['2026-11', 0, 0],
      ['2026-12', 3, 1],
    ]);
  });
});
