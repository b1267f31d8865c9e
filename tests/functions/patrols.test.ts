/**
 * 巡查走访台账 through the real `patrol` function: a grid worker logs a day's 巡查 or 走访 of their
 * grid; logging again the same day rewrites that log; another grid, a future day, a day too long
 * ago, a building of another grid or counts past the bounds are refused writing nothing; residents
 * and volunteers are refused. Staff read the community's logs, the month's summary and the quarter's
 * ranking, whose numbers are checked by hand on seeded logs; a grid worker sees only their grids.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PatrolLogView } from '../../core/contract';
import type { PatrolKind, PatrolLog } from '../../core/model';
import { MAX_AFFAIRS_PER_LOG, MAX_HOUSEHOLDS_PER_LOG, patrolLogIdOf, RANKING_RULE } from '../../core/patrols';
import type { LocalCloud } from '../../localcloud/src/server';
import { call, countDocuments, DEMO, ok, startLinli } from '../helpers/linli';
import { doc, docs, expectRefused, type Raw, seed, userDoc } from '../helpers/seed';

/** A Thursday of the second quarter: the seeded logs below are the first quarter's, all of them. */
const START = new Date('2027-04-08T10:00:00+08:00');
const TODAY = '2027-04-08';
/** A grid worker of g2 (4栋, 5栋, 6栋). */
const GRID_WORKER_2 = 'o-patrol-grid-2';
/** Staff who are also given grid g2. */
const STAFF_WITH_GRID = 'o-patrol-staff-grid';

function logDoc(openid: string, workerName: string, gridId: string, date: string, kind: PatrolKind, buildings: string[], households: number, affairIds: string[] = []): Raw {
  const at = new Date(`${date}T10:00:00+08:00`);
  return {
    _id: patrolLogIdOf(openid, gridId, date, kind),
    communityId: DEMO.community,
    openid,
    workerName,
    gridId,
    date,
    month: date.slice(0, 7),
    kind,
    buildings,
    households,
    affairIds,
    revision: 1,
    createdAt: at,
    updatedAt: at,
  };
}

/** The first quarter of 2027, by hand: March for the summary, January–March for the ranking. */
const SEEDED: Raw[] = [
  logDoc(DEMO.grid, '周网格', 'g1', '2027-03-02', 'patrol', ['1栋', '2栋'], 0, ['af-1']),
  logDoc(DEMO.grid, '周网格', 'g1', '2027-03-02', 'visit', ['2栋'], 8, ['af-1', 'af-2']),
  logDoc(DEMO.grid, '周网格', 'g1', '2027-03-15', 'visit', ['3栋'], 4),
  logDoc(GRID_WORKER_2, '吴网格', 'g2', '2027-03-05', 'patrol', ['4栋'], 0, ['af-3']),
  logDoc(GRID_WORKER_2, '吴网格', 'g2', '2027-03-06', 'patrol', ['5栋'], 0),
  logDoc(GRID_WORKER_2, '吴网格', 'g2', '2027-03-07', 'visit', ['5栋', '6栋'], 20),
  // Outside March, inside the quarter.
  logDoc(GRID_WORKER_2, '吴网格', 'g2', '2027-02-10', 'patrol', ['4栋'], 0),
  logDoc(DEMO.grid, '周网格', 'g1', '2027-01-20', 'visit', ['1栋'], 10, ['af-4']),
  // The quarter before (not counted in 2027-Q1).
  logDoc(GRID_WORKER_2, '吴网格', 'g2', '2026-12-30', 'visit', ['4栋'], 50),
];

const base = { date: TODAY, gridId: 'g1', kind: 'patrol' as const, buildings: ['1栋', '2栋'], households: 0 };

let cloud: LocalCloud;

beforeAll(async () => {
  cloud = await startLinli({ startAt: START, timers: [] });
  seed(cloud, 'users', [
    { ...userDoc(GRID_WORKER_2, '吴网格', { roles: ['grid_worker'], address: { gridId: 'g2', building: '4栋' } }), gridIds: ['g2'] },
    { ...userDoc(STAFF_WITH_GRID, '孙主任', { roles: ['staff'], address: { gridId: 'g2', building: '5栋' } }), gridIds: ['g2'] },
  ]);
  seed(cloud, 'patrol_logs', SEEDED);
  // Affairs the grid worker reported in g1 (what a log may link), and one of another grid.
  const affair = (id: string, gridId: string, reporterOpenid: string): Raw => ({
    _id: id,
    communityId: DEMO.community,
    category: '环境卫生',
    description: '楼道堆物',
    place: { gridId, building: gridId === 'g1' ? '2栋' : '4栋' },
    urgency: '一般',
    status: 'reported',
    reporterOpenid,
    reporterName: '周网格',
    anonymous: false,
    version: 0,
    overdue: false,
    overdueCount: 0,
    events: [],
    createdAt: START,
    updatedAt: START,
  });
  seed(cloud, 'affairs', [affair('aff-1', 'g1', DEMO.grid), affair('aff-2', 'g1', DEMO.grid), affair('aff-g2', 'g2', GRID_WORKER_2), affair('aff-resident', 'g1', DEMO.resident)]);
  // Affairs closed around March 2027 (Beijing time), whoever reported them: the summary counts each grid's closed in the month.
  const closed = (id: string, gridId: string, closedAt: string, communityId: string = DEMO.community): Raw => ({
    ...affair(id, gridId, DEMO.resident),
    communityId,
    status: 'closed',
    createdAt: new Date('2027-01-05T10:00:00+08:00'),
    closedAt: new Date(closedAt),
  });
  seed(cloud, 'affairs', [
    closed('closed-g1-a', 'g1', '2027-03-01T00:00:00+08:00'),
    closed('closed-g1-b', 'g1', '2027-03-31T23:59:00+08:00'),
    closed('closed-g2', 'g2', '2027-03-10T09:00:00+08:00'),
    // February's and April's (Beijing), and another community's March.
    closed('closed-g1-feb', 'g1', '2027-02-28T23:59:00+08:00'),
    closed('closed-g1-apr', 'g1', '2027-04-01T00:00:00+08:00'),
    closed('closed-elsewhere', 'g1', '2027-03-10T09:00:00+08:00', 'other-community'),
  ]);
});
afterAll(() => cloud?.close());

describe('patrol.log', () => {
  it('a grid worker logs today’s 巡查; logging it again the same day rewrites that log', async () => {
    const before = countDocuments(cloud, 'patrol_logs');
    const first = ok(await call(cloud, DEMO.grid, 'patrol.log', { ...base, notes: '2栋楼道堆物', affairIds: ['aff-1', 'aff-1', 'aff-2'] }));
    expect(first.rewritten).toBe(false);
    expect(first.log).toMatchObject({ date: TODAY, gridId: 'g1', gridName: '第一网格', kind: 'patrol', buildings: ['1栋', '2栋'], households: 0, notes: '2栋楼道堆物', affairIds: ['aff-1', 'aff-2'], workerName: '周网格', mine: true });
    expect(countDocuments(cloud, 'patrol_logs')).toBe(before + 1);
    const stored = doc<PatrolLog>(cloud, 'patrol_logs', first.log.id)!;
    expect(stored).toMatchObject({ communityId: DEMO.community, openid: DEMO.grid, month: '2027-04', revision: 1, affairIds: ['aff-1', 'aff-2'] });

    // Again, the same grid, day and kind: the same document, now holding what was sent last.
    const again = ok(await call(cloud, DEMO.grid, 'patrol.log', { ...base, buildings: ['3栋', '3栋'] }));
    expect(again.rewritten).toBe(true);
    expect(again.log.id).toBe(first.log.id);
    expect(countDocuments(cloud, 'patrol_logs')).toBe(before + 1);
    const rewritten = doc<PatrolLog>(cloud, 'patrol_logs', first.log.id)!;
    expect(rewritten).toMatchObject({ buildings: ['3栋'], households: 0, affairIds: [], revision: 2 });
    expect(rewritten.notes).toBeUndefined();

    // A 走访 the same day is a log of its own; so is yesterday's 巡查 (catching up).
    ok(await call(cloud, DEMO.grid, 'patrol.log', { ...base, kind: 'visit', buildings: ['2栋'], households: 5 }));
    ok(await call(cloud, DEMO.grid, 'patrol.log', { ...base, date: '2027-04-01', buildings: ['1栋'] }));
    expect(countDocuments(cloud, 'patrol_logs')).toBe(before + 3);
  });

  it('a flood of the same log stays one document', async () => {
    const before = countDocuments(cloud, 'patrol_logs');
    const replies = await Promise.all(Array.from({ length: 6 }, (_, i) => call(cloud, GRID_WORKER_2, 'patrol.log', { ...base, gridId: 'g2', buildings: ['4栋'], notes: `第 ${i + 1} 次提交` })));
    for (const reply of replies) ok(reply);
    expect(replies.filter((reply) => reply.ok && !reply.data.rewritten)).toHaveLength(1);
    expect(countDocuments(cloud, 'patrol_logs')).toBe(before + 1);
    expect(doc<PatrolLog>(cloud, 'patrol_logs', patrolLogIdOf(GRID_WORKER_2, 'g2', TODAY, 'patrol'))?.revision).toBe(6);
  });

  it('refuses another grid, a future day, a day too long ago, a building of another grid and counts past the bounds, writing nothing', async () => {
    await expectRefused(cloud, DEMO.grid, 'patrol.log', { ...base, gridId: 'g2', buildings: ['4栋'] }, 'FORBIDDEN', '只能记录您负责网格的巡查走访');
    await expectRefused(cloud, DEMO.grid, 'patrol.log', { ...base, gridId: 'g9' }, 'FORBIDDEN');
    await expectRefused(cloud, DEMO.grid, 'patrol.log', { ...base, date: '2027-04-09' }, 'INVALID_INPUT', '不能记录今天以后的巡查');
    // Seven days back is the limit.
    await expectRefused(cloud, DEMO.grid, 'patrol.log', { ...base, date: '2027-03-31' }, 'INVALID_INPUT', '只能补记 7 天内的巡查');
    await expectRefused(cloud, DEMO.grid, 'patrol.log', { ...base, buildings: ['1栋', '4栋'] }, 'INVALID_INPUT', '4栋不属于第一网格');
    await expectRefused(cloud, DEMO.grid, 'patrol.log', { ...base, buildings: [] }, 'INVALID_INPUT', '请至少选择一栋楼');
    await expectRefused(cloud, DEMO.grid, 'patrol.log', { ...base, kind: 'visit', households: MAX_HOUSEHOLDS_PER_LOG + 1 }, 'INVALID_INPUT', `走访户数不能超过 ${MAX_HOUSEHOLDS_PER_LOG}`);
    await expectRefused(cloud, DEMO.grid, 'patrol.log', { ...base, households: -1 }, 'INVALID_INPUT');
    // Households are 走访's: a 巡查 with some would inflate the grid's ranking.
    await expectRefused(cloud, DEMO.grid, 'patrol.log', { ...base, households: 50 }, 'INVALID_INPUT', '巡查不记录走访户数，入户走访请选择“走访”');
    await expectRefused(cloud, DEMO.grid, 'patrol.log', { ...base, kind: 'visit' }, 'INVALID_INPUT', '走访请填写走访户数');
    const tooMany = Array.from({ length: MAX_AFFAIRS_PER_LOG + 1 }, (_, i) => `aff-${i}`);
    await expectRefused(cloud, DEMO.grid, 'patrol.log', { ...base, affairIds: tooMany }, 'INVALID_INPUT', `发现的事件最多 ${MAX_AFFAIRS_PER_LOG} 件`);
    await expectRefused(cloud, DEMO.grid, 'patrol.log', { ...base, affairIds: ['不是编号'] }, 'INVALID_INPUT', '事件编号无效');
    // Only affairs the worker reported in that grid: not made up, not another grid's, not someone else's.
    await expectRefused(cloud, DEMO.grid, 'patrol.log', { ...base, affairIds: ['aff-1', 'aff-made-up'] }, 'INVALID_INPUT', '事件 aff-made-up 不是您在第一网格上报的事件');
    await expectRefused(cloud, DEMO.grid, 'patrol.log', { ...base, affairIds: ['aff-g2'] }, 'INVALID_INPUT');
    await expectRefused(cloud, DEMO.grid, 'patrol.log', { ...base, affairIds: ['aff-resident'] }, 'INVALID_INPUT');
    await expectRefused(cloud, DEMO.grid, 'patrol.log', { ...base, kind: 'walk' }, 'INVALID_INPUT', '请选择巡查或走访');
  });

  it('residents and volunteers are refused; staff log only for grids they are given', async () => {
    await expectRefused(cloud, DEMO.resident, 'patrol.log', base, 'FORBIDDEN');
    await expectRefused(cloud, DEMO.volunteer, 'patrol.log', base, 'FORBIDDEN');
    await expectRefused(cloud, DEMO.resident, 'patrol.mine', {}, 'FORBIDDEN');
    await expectRefused(cloud, DEMO.volunteer, 'patrol.summary', {}, 'FORBIDDEN');
    await expectRefused(cloud, DEMO.staff, 'patrol.log', base, 'FORBIDDEN', '只能记录您负责网格的巡查走访');
    const logged = ok(await call(cloud, STAFF_WITH_GRID, 'patrol.log', { ...base, gridId: 'g2', kind: 'visit', buildings: ['6栋'], households: 2 }));
    expect(logged.log).toMatchObject({ gridId: 'g2', workerName: '孙主任', kind: 'visit' });
  });
});

describe('reading the logs', () => {
  it('patrol.mine: the caller’s own logs, newest day first, page by page, with the grids to log for', async () => {
    const seen: PatrolLogView[] = [];
    let cursor: string | undefined;
    let first = true;
    do {
      const page = ok(await call(cloud, DEMO.grid, 'patrol.mine', { limit: 2, ...(cursor ? { cursor } : {}) }));
      if (first) {
        expect(page.grids).toEqual([{ id: 'g1', name: '第一网格', buildings: ['1栋', '2栋', '3栋'] }]);
        expect(page).toMatchObject({ today: TODAY, earliestDay: '2027-04-01', maxHouseholds: MAX_HOUSEHOLDS_PER_LOG });
        first = false;
      }
      seen.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const expected = docs<PatrolLog>(cloud, 'patrol_logs').filter((log) => log.openid === DEMO.grid);
    expect(seen.map((log) => log.id).sort()).toEqual(expected.map((log) => log._id).sort());
    expect(seen.every((log) => log.mine && log.workerName === '周网格')).toBe(true);
    const dates = seen.map((log) => log.date);
    expect(dates).toEqual([...dates].sort().reverse());
    expect(dates[0]).toBe(TODAY);
  });

  it('patrol.list: staff see the community, by grid and month; a grid worker only their grids', async () => {
    const all = ok(await call(cloud, DEMO.staff, 'patrol.list', { limit: 50 }));
    const community = docs<PatrolLog>(cloud, 'patrol_logs').filter((log) => log.communityId === DEMO.community);
    expect(all.items).toHaveLength(community.length);
    expect(all.items.some((log) => log.gridId === 'g2')).toBe(true);
    expect(all.items.every((log) => !log.mine)).toBe(true);

    const march = ok(await call(cloud, DEMO.staff, 'patrol.list', { month: '2027-03', gridId: 'g2', limit: 50 }));
    expect(march.items.map((log) => log.date)).toEqual(['2027-03-07', '2027-03-06', '2027-03-05']);

    const mine = ok(await call(cloud, DEMO.grid, 'patrol.list', { limit: 50 }));
    expect(mine.items.length).toBeGreaterThan(0);
    expect(new Set(mine.items.map((log) => log.gridId))).toEqual(new Set(['g1']));
    const other = ok(await call(cloud, GRID_WORKER_2, 'patrol.list', { month: '2027-03', limit: 50 }));
    expect(other.items.map((log) => log.date)).toEqual(['2027-03-07', '2027-03-06', '2027-03-05']);
    await expectRefused(cloud, DEMO.grid, 'patrol.list', { gridId: 'g2' }, 'FORBIDDEN', '只能查看您负责网格的巡查记录');
    await expectRefused(cloud, DEMO.staff, 'patrol.list', { gridId: 'g9' }, 'INVALID_INPUT', '本社区没有这个网格');
  });
});

describe('月通报 and 季排名', () => {
  it('the month’s summary per grid, counted by hand; a grid worker gets their grid only', async () => {
    const summary = ok(await call(cloud, DEMO.staff, 'patrol.summary', { month: '2027-03' }));
    expect(summary).toEqual({
      month: '2027-03',
      // Today is 04-08: the last day March's logs could be caught up was yesterday.
      settled: true,
      settlesOn: '2027-04-08',
      grids: [
        // 03-02 (巡查 and 走访) and 03-15; 8 + 4 households; 1栋 2栋 3栋; af-1 (twice) and af-2; closed 03-01 and 03-31.
        { gridId: 'g1', gridName: '第一网格', daysPatrolled: 2, patrolLogs: 1, visitLogs: 2, householdsVisited: 12, buildingsCovered: 3, affairsFound: 2, affairsClosed: 2, workers: 1 },
        // 03-05, 03-06, 03-07; 20 households; 4栋 5栋 6栋; af-3; closed 03-10.
        { gridId: 'g2', gridName: '第二网格', daysPatrolled: 3, patrolLogs: 2, visitLogs: 1, householdsVisited: 20, buildingsCovered: 3, affairsFound: 1, affairsClosed: 1, workers: 1 },
      ],
    });
    const own = ok(await call(cloud, DEMO.grid, 'patrol.summary', { month: '2027-03' }));
    expect(own.grids.map((row) => row.gridId)).toEqual(['g1']);
    expect(own.grids[0]).toEqual(summary.grids[0]);
    // This month by default: what was logged above (today, 04-01) counts.
    const april = ok(await call(cloud, DEMO.grid, 'patrol.summary', {}));
    expect(april.month).toBe('2027-04');
    expect(april.grids[0]).toMatchObject({ daysPatrolled: 2, patrolLogs: 2, visitLogs: 1, affairsClosed: 1 });
    await expectRefused(cloud, DEMO.staff, 'patrol.summary', { month: '2027-05' }, 'INVALID_INPUT', '不能统计未来的月份');
  });

  it('the quarter’s ranking: days patrolled first, then households', async () => {
    const ranking = ok(await call(cloud, DEMO.staff, 'patrol.ranking', { quarter: '2027-Q1' }));
    expect(ranking.months).toEqual(['2027-01', '2027-02', '2027-03']);
    // Logs of March could be caught up until 04-07: from today, 04-08, the ranking is final; the
    // current quarter's and month's are 暂定 until a week after they end.
    expect(ranking).toMatchObject({ settled: true, settlesOn: '2027-04-08' });
    expect(ok(await call(cloud, DEMO.staff, 'patrol.ranking', {}))).toMatchObject({ quarter: '2027-Q2', settled: false, settlesOn: '2027-07-08' });
    expect(ok(await call(cloud, DEMO.staff, 'patrol.summary', {}))).toMatchObject({ month: '2027-04', settled: false, settlesOn: '2027-05-08' });
    expect(ranking.rule).toBe(RANKING_RULE);
    // g2: 02-10, 03-05, 03-06, 03-07 = 4 days (12-30 is the quarter before); g1: 01-20, 03-02, 03-15 = 3 days, though 22 households to 20.
    expect(ranking.grids.map((row) => [row.gridId, row.rank, row.tied, row.daysPatrolled, row.householdsVisited, row.affairsFound])).toEqual([
      ['g2', 1, false, 4, 20, 1],
      ['g1', 2, false, 3, 22, 3],
    ]);
    // Closed in the quarter: g1's two of March and one of February (not April's); g2's one.
    expect(ranking.grids.map((row) => [row.gridId, row.affairsClosed])).toEqual([
      ['g2', 1],
      ['g1', 3],
    ]);
    // A grid worker sees where their grid stands among all.
    const seenByGridWorker = ok(await call(cloud, DEMO.grid, 'patrol.ranking', { quarter: '2027-Q1' }));
    expect(seenByGridWorker.grids).toEqual(ranking.grids);
    expect(ok(await call(cloud, DEMO.staff, 'patrol.ranking', {})).quarter).toBe('2027-Q2');
    await expectRefused(cloud, DEMO.staff, 'patrol.ranking', { quarter: '2027-Q3' }, 'INVALID_INPUT', '不能统计未来的月份');
    await expectRefused(cloud, DEMO.staff, 'patrol.ranking', { quarter: '2027-5' }, 'INVALID_INPUT');
  });

  it('counts affairs closed past the first page of a read', async () => {
    const base = docs<Raw>(cloud, 'affairs').find((affair) => affair._id === 'closed-g2')!;
    const january = Array.from({ length: 505 }, (_, i) => ({
      ...base,
      _id: `closed-jan-${String(i).padStart(3, '0')}`,
      place: { gridId: i % 5 === 0 ? 'g1' : 'g2', building: '4栋' },
      closedAt: new Date(new Date('2027-01-02T08:00:00+08:00').getTime() + i * 60_000),
    }));
    seed(cloud, 'affairs', january);
    const summary = ok(await call(cloud, DEMO.staff, 'patrol.summary', { month: '2027-01' }));
    expect(summary.grids.map((row) => [row.gridId, row.affairsClosed])).toEqual([
      ['g1', 101],
      ['g2', 404],
    ]);
  });
});
