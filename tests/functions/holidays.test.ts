/**
 * The year's 放假调休 arrangement entered by an administrator (record.holidayCalendar,
 * record.setHolidayCalendar): only administrators change it, the dates are checked, every change is
 * logged with who made it and what it moved, and the 10-working-day rule (the record timer and
 * record.alerts) follows a stored 2027 arrangement the release does not ship.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HolidayCalendarChange, HolidayCalendarDoc, Order } from '../../core/model';
import { HOLIDAYS } from '../../core/working-days';
import type { LocalCloud } from '../../localcloud/src/server';
import { call, DEMO, ok, startLinli } from '../helpers/linli';
import { control } from '../helpers/localcloud';
import { doc, docs, expectRefused, seed } from '../helpers/seed';

/**
 * A test arrangement for 2027 (not the State Council's, which is published in November 2026): a
 * Spring Festival from Saturday 6 to Sunday 14 February, Saturday 20 February worked.
 */
const SPRING_2027 = {
  year: 2027,
  off: ['2027-02-06', '2027-02-07', '2027-02-08', '2027-02-09', '2027-02-10', '2027-02-11', '2027-02-12', '2027-02-13', '2027-02-14'],
  work: ['2027-02-20'],
  source: '国务院办公厅关于2027年部分节假日安排的通知（测试用）',
};

/** Wednesday 10 February 2027, 10:00 in Beijing: inside the test holiday, after the timer's 08:00. */
const START = new Date('2027-02-10T10:00:00+08:00');
const DAY_MS = 24 * 3600_000;
const ORDER = 'hol-2027-order';

let cloud: LocalCloud;

beforeAll(async () => {
  cloud = await startLinli({ startAt: START, timers: ['record'] });
  // Completed on Monday 1 February 2027 and never scored. Weekends only, its 8th working day would be
  // Thursday 11 February; with the test holiday it is Thursday 18 February, its 10th Saturday 20 February.
  seed(cloud, 'orders', [
    {
      _id: ORDER,
      communityId: DEMO.community,
      residentOpenid: DEMO.resident,
      createdBy: DEMO.resident,
      clientRequestId: ORDER,
      serviceId: 'svc-meal',
      serviceName: '助餐送餐',
      skills: ['送餐'],
      basePoints: 10,
      expectedMinutes: 30,
      description: '送午饭',
      address: { gridId: 'g1', building: '1栋' },
      contactName: '张秀英',
      contactPhone: '13800000002',
      status: 'completed',
      assignee: DEMO.volunteer,
      assigneeName: '李志愿',
      events: [],
      declines: [],
      createdAt: new Date('2027-02-01T12:00:00+08:00'),
      dueAt: new Date('2027-02-01T12:00:00+08:00'),
      overdue: false,
      completedAt: new Date('2027-02-01T12:00:00+08:00'),
      completion: { summary: '已送到', minutes: 30 },
    },
  ]);
});
afterAll(() => cloud.close());

describe('reading a year', () => {
  it('a shipped year shows the release table; a year neither shipped nor stored shows none', async () => {
    const shipped = ok(await call(cloud, DEMO.admin, 'record.holidayCalendar', { year: 2026 }));
    expect(shipped.origin).toBe('shipped');
    expect(shipped.applied?.off).toEqual([...HOLIDAYS[2026]!.off].sort());
    expect(shipped.applied?.work).toEqual([...HOLIDAYS[2026]!.work].sort());
    expect(shipped.shipped).toEqual(shipped.applied);

    const none = ok(await call(cloud, DEMO.staff, 'record.holidayCalendar', { year: 2027 }));
    expect(none).toMatchObject({ year: 2027, origin: 'none', applied: null, shipped: null, changes: [] });
  });

  it('residents and volunteers may not read it', async () => {
    await expectRefused(cloud, DEMO.resident, 'record.holidayCalendar', { year: 2027 }, 'FORBIDDEN');
    await expectRefused(cloud, DEMO.volunteer, 'record.holidayCalendar', { year: 2027 }, 'FORBIDDEN');
  });
});

describe('setting a year', () => {
  it('only an administrator may: staff, who might shorten a deadline they are late for, are refused and nothing is written', async () => {
    await expectRefused(cloud, DEMO.staff, 'record.setHolidayCalendar', SPRING_2027, 'FORBIDDEN');
    await expectRefused(cloud, DEMO.grid, 'record.setHolidayCalendar', SPRING_2027, 'FORBIDDEN');
  });

  it('refuses a date of another year, a make-up day that is no weekend day, a day both off and worked, and a bad date, with Chinese messages', async () => {
    await expectRefused(cloud, DEMO.admin, 'record.setHolidayCalendar', { ...SPRING_2027, off: [...SPRING_2027.off, '2028-01-01'] }, 'INVALID_INPUT', '日期 2028-01-01 不在 2027 年内');
    await expectRefused(cloud, DEMO.admin, 'record.setHolidayCalendar', { ...SPRING_2027, work: ['2027-02-17'] }, 'INVALID_INPUT', '2027-02-17 不是周末：调休上班日应是周六或周日');
    await expectRefused(cloud, DEMO.admin, 'record.setHolidayCalendar', { ...SPRING_2027, work: ['2027-02-13'] }, 'INVALID_INPUT', '2027-02-13 不能既放假又上班');
    await expectRefused(cloud, DEMO.admin, 'record.setHolidayCalendar', { ...SPRING_2027, off: ['2027-02-30'] }, 'INVALID_INPUT');
    await expectRefused(cloud, DEMO.admin, 'record.setHolidayCalendar', { ...SPRING_2027, source: '' }, 'INVALID_INPUT');
    expect(docs(cloud, 'holiday_calendars')).toEqual([]);
  });

  it('stores the year, and logs who changed it and what moved; a later correction logs only the difference', async () => {
    const saved = ok(await call(cloud, DEMO.admin, 'record.setHolidayCalendar', { ...SPRING_2027, off: [...SPRING_2027.off].reverse() }));
    expect(saved).toMatchObject({ year: 2027, origin: 'stored', applied: { off: SPRING_2027.off, work: SPRING_2027.work, source: SPRING_2027.source }, shipped: null });
    expect(saved.changes).toHaveLength(1);
    expect(saved.changes[0]).toMatchObject({ addedOff: SPRING_2027.off, addedWork: ['2027-02-20'], removedOff: [], removedWork: [] });
    expect(doc<HolidayCalendarDoc>(cloud, 'holiday_calendars', '2027')).toMatchObject({ year: 2027, off: SPRING_2027.off, updatedBy: DEMO.admin });

    // Saving the same again changes and logs nothing.
    ok(await call(cloud, DEMO.admin, 'record.setHolidayCalendar', SPRING_2027));
    expect(docs(cloud, 'holiday_calendar_changes')).toHaveLength(1);

    // A correction: one more working Sunday, then taken back.
    const corrected = ok(await call(cloud, DEMO.admin, 'record.setHolidayCalendar', { ...SPRING_2027, work: ['2027-02-20', '2027-02-21'] }));
    expect(corrected.changes[0]).toMatchObject({ addedWork: ['2027-02-21'], addedOff: [], removedOff: [], removedWork: [] });
    const restored = ok(await call(cloud, DEMO.admin, 'record.setHolidayCalendar', SPRING_2027));
    expect(restored.changes.map((change) => change.removedWork)).toEqual([['2027-02-21'], [], []]);
    const log = docs<HolidayCalendarChange>(cloud, 'holiday_calendar_changes');
    expect(log).toHaveLength(3);
    expect(log.every((change) => change.changedBy === DEMO.admin && change.year === 2027)).toBe(true);
    expect(ok(await call(cloud, DEMO.staff, 'record.holidayCalendar', { year: 2027 })).origin).toBe('stored');
  });
});

describe('the 10-working-day rule follows the stored 2027 arrangement', () => {
  it('the timer flags on the 8th working day of the stored calendar (18 February, not the weekends-only 11th), with its deadline, and alerts count its working Saturday', async () => {
    const flaggedOn: string[] = [];
    for (let day = 1; day <= 8; day++) {
      // Each step passes 08:00 of the next day, when the timer runs.
      await control(cloud, 'POST', 'clock', { advanceMs: DAY_MS });
      const today = new Date(START.getTime() + day * DAY_MS + 8 * 3600_000).toISOString().slice(0, 10);
      if (doc<Order>(cloud, 'orders', ORDER)!.recordAlert && flaggedOn.length === 0) flaggedOn.push(today);
    }
    expect(flaggedOn).toEqual(['2027-02-18']);
    expect(doc<Order>(cloud, 'orders', ORDER)!.recordAlert).toMatchObject({ deadline: '2027-02-20' });
    // On 18 February: 19 February and the working Saturday 20 February are left.
    const alerts = ok(await call(cloud, DEMO.staff, 'record.alerts', {}));
    expect(alerts.find((alert) => alert.ref === ORDER)).toMatchObject({ deadline: '2027-02-20', workingDaysLeft: 2 });
  });
});
