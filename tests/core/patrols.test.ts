/**
 * The patrol ledger's rules without a database: the days a log may be written for, its id, the
 * quarter's months, and the monthly summary and quarterly ranking folded from logs, checked by hand.
 */
import { describe, expect, it } from 'vitest';
import {
  earliestPatrolDay,
  newPatrolTally,
  PATROL_DAYS_BACK,
  patrolDayProblem,
  patrolLogIdOf,
  patrolSummaryOf,
  quarterMonths,
  quarterOf,
  rankGrids,
  settlesOn,
  type TalliedLog,
  tallyClosedAffair,
  tallyPatrolLog,
} from '../../core/patrols';

const log = (gridId: string, date: string, extra: Partial<TalliedLog> = {}): TalliedLog => ({
  gridId,
  date,
  kind: 'patrol',
  households: 0,
  buildings: ['1栋'],
  affairIds: [],
  openid: 'w1',
  ...extra,
});

const GRIDS = [
  { id: 'g1', name: '第一网格' },
  { id: 'g2', name: '第二网格' },
  { id: 'g3', name: '第三网格' },
];

describe('the days a patrol may be logged for', () => {
  it('today and the 7 days before, nothing later, nothing earlier; across a month and a year', () => {
    expect(PATROL_DAYS_BACK).toBe(7);
    expect(patrolDayProblem('2026-12-07', '2026-12-07')).toBeNull();
    expect(patrolDayProblem('2026-11-30', '2026-12-07')).toBeNull();
    expect(patrolDayProblem('2026-11-29', '2026-12-07')).toBe('只能补记 7 天内的巡查');
    expect(patrolDayProblem('2026-12-08', '2026-12-07')).toBe('不能记录今天以后的巡查');
    expect(patrolDayProblem('2026-12-28', '2027-01-04')).toBeNull();
    expect(patrolDayProblem('2026-12-27', '2027-01-04')).not.toBeNull();
    expect(earliestPatrolDay('2026-12-07')).toBe('2026-11-30');
    expect(earliestPatrolDay('2024-03-03')).toBe('2024-02-25');
  });

  it('a period settles the first day no log of it can be written any more', () => {
    for (const [month, day] of [
      ['2026-12', '2027-01-08'],
      ['2027-02', '2027-03-08'],
      ['2024-02', '2024-03-08'],
      ['2026-11', '2026-12-08'],
    ]) {
      expect(settlesOn(month!)).toBe(day);
      // The day before, the period's last day is still within reach; on the day, it is not.
      const lastDay = new Date(Date.UTC(Number(month!.slice(0, 4)), Number(month!.slice(5, 7)), 0)).toISOString().slice(0, 10);
      const before = new Date(Date.parse(day!) - 86_400_000).toISOString().slice(0, 10);
      expect(patrolDayProblem(lastDay, before)).toBeNull();
      expect(patrolDayProblem(lastDay, day!)).not.toBeNull();
    }
  });

  it('one id per person, grid, day and kind', () => {
    const id = patrolLogIdOf('w1', 'g1', '2026-12-01', 'patrol');
    expect(id).toMatch(/^pl-[0-9a-f]{32}$/);
    expect(patrolLogIdOf('w1', 'g1', '2026-12-01', 'patrol')).toBe(id);
    const others = [patrolLogIdOf('w2', 'g1', '2026-12-01', 'patrol'), patrolLogIdOf('w1', 'g2', '2026-12-01', 'patrol'), patrolLogIdOf('w1', 'g1', '2026-12-02', 'patrol'), patrolLogIdOf('w1', 'g1', '2026-12-01', 'visit')];
    expect(new Set([id, ...others]).size).toBe(5);
  });

  it('quarters', () => {
    expect(quarterMonths('2026-Q1')).toEqual(['2026-01', '2026-02', '2026-03']);
    expect(quarterMonths('2026-Q4')).toEqual(['2026-10', '2026-11', '2026-12']);
    expect(quarterOf('2026-12')).toBe('2026-Q4');
    expect(quarterOf('2026-04')).toBe('2026-Q2');
    expect(quarterOf('2026-03')).toBe('2026-Q1');
  });
});

describe('the monthly summary', () => {
  it('counts distinct days, logs of each kind, households, distinct buildings and affairs, people', () => {
    const tally = newPatrolTally();
    // g1: two people on 12-01 (one day), one on 12-03; a 走访 of 12 + 5 households.
    tallyPatrolLog(tally, log('g1', '2026-12-01', { buildings: ['1栋', '2栋'], affairIds: ['a1'] }));
    tallyPatrolLog(tally, log('g1', '2026-12-01', { openid: 'w2', kind: 'visit', households: 12, buildings: ['2栋'], affairIds: ['a1', 'a2'] }));
    tallyPatrolLog(tally, log('g1', '2026-12-03', { kind: 'visit', households: 5, buildings: ['3栋'] }));
    // g2: one day.
    tallyPatrolLog(tally, log('g2', '2026-12-02', { buildings: ['4栋'], affairIds: ['b1'] }));
    const rows = patrolSummaryOf(tally, GRIDS);
    expect(rows).toEqual([
      { gridId: 'g1', gridName: '第一网格', daysPatrolled: 2, patrolLogs: 1, visitLogs: 2, householdsVisited: 17, buildingsCovered: 3, affairsFound: 2, affairsClosed: 0, workers: 2 },
      { gridId: 'g2', gridName: '第二网格', daysPatrolled: 1, patrolLogs: 1, visitLogs: 0, householdsVisited: 0, buildingsCovered: 1, affairsFound: 1, affairsClosed: 0, workers: 1 },
      { gridId: 'g3', gridName: '第三网格', daysPatrolled: 0, patrolLogs: 0, visitLogs: 0, householdsVisited: 0, buildingsCovered: 0, affairsFound: 0, affairsClosed: 0, workers: 0 },
    ]);
    // Only the grids asked for, in that order.
    expect(patrolSummaryOf(tally, [GRIDS[1]!]).map((row) => row.gridId)).toEqual(['g2']);
  });
});

describe('affairs closed', () => {
  it('counts each affair closed in the grid, whether or not a log found it', () => {
    const tally = newPatrolTally();
    tallyPatrolLog(tally, log('g1', '2026-12-01', { affairIds: ['a1'] }));
    tallyClosedAffair(tally, { place: { gridId: 'g1' } });
    tallyClosedAffair(tally, { place: { gridId: 'g1' } });
    // A grid without logs that month still closed one.
    tallyClosedAffair(tally, { place: { gridId: 'g3' } });
    expect(patrolSummaryOf(tally, GRIDS).map((row) => [row.gridId, row.affairsFound, row.affairsClosed, row.daysPatrolled])).toEqual([
      ['g1', 1, 2, 1],
      ['g2', 0, 0, 0],
      ['g3', 0, 1, 0],
    ]);
  });
});

describe('the quarterly ranking', () => {
  it('days first, then households, then affairs; equal on all three share a rank and the next skips', () => {
    const tally = newPatrolTally();
    // g1: 2 days, 10 households. g2: 2 days, 30 households. g3: 2 days, 10 households (ties g1).
    tallyPatrolLog(tally, log('g1', '2026-10-01', { kind: 'visit', households: 10 }));
    tallyPatrolLog(tally, log('g1', '2026-11-01'));
    tallyPatrolLog(tally, log('g2', '2026-10-05', { kind: 'visit', households: 30 }));
    tallyPatrolLog(tally, log('g2', '2026-12-05'));
    tallyPatrolLog(tally, log('g3', '2026-10-02', { kind: 'visit', households: 10 }));
    tallyPatrolLog(tally, log('g3', '2026-10-03'));
    const ranked = rankGrids(patrolSummaryOf(tally, GRIDS));
    expect(ranked.map((row) => [row.gridId, row.rank, row.tied])).toEqual([
      ['g2', 1, false],
      ['g1', 2, true],
      ['g3', 2, true],
    ]);
    // An affair found breaks the tie.
    tallyPatrolLog(tally, log('g3', '2026-10-03', { openid: 'w2', affairIds: ['x'] }));
    expect(rankGrids(patrolSummaryOf(tally, GRIDS)).map((row) => [row.gridId, row.rank, row.tied])).toEqual([
      ['g2', 1, false],
      ['g3', 2, false],
      ['g1', 3, false],
    ]);
    // More days beat more households.
    const days = newPatrolTally();
    tallyPatrolLog(days, log('g1', '2026-10-01', { kind: 'visit', households: 200 }));
    tallyPatrolLog(days, log('g2', '2026-10-01'));
    tallyPatrolLog(days, log('g2', '2026-10-02'));
    expect(rankGrids(patrolSummaryOf(days, GRIDS)).map((row) => [row.gridId, row.rank])).toEqual([
      ['g2', 1],
      ['g1', 2],
      ['g3', 3],
    ]);
  });
});
