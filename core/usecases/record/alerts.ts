/**
 * Services still without a record: the daily timer flags completed services 8 working days on, two
 * before the 10-working-day limit of Art. 11, and staff see the flagged ones (record.alerts).
 */
import type { RecordAlertView } from '../../contract';
import type { Handlers, TimerJob } from '../../handlers';
import { type Activity, type ActivitySignup, COLLECTIONS } from '../../model';
import { inZone, localDay } from '../../time';
import { type HolidayCalendar, holidayTableCovers, recordDeadline, workingDaysBetween } from '../../working-days';
import { ordersOf } from '../order-transitions';
import { staffCommunity } from '../shared/access';
import { readAll, readByIds } from '../shared/store';
import { loadHolidayCalendar } from './holidays';

/** The years a deadline near `today` can cross: services of last year, deadlines into next year. */
const yearsAround = (today: string): number[] => {
  const year = Number(today.slice(0, 4));
  return [year - 1, year, year + 1];
};

/** Working days from today to the deadline: 0 on the day, negative once it has passed. */
const workingDaysLeft = (today: string, deadline: string, calendar: HolidayCalendar): number =>
  deadline >= today ? workingDaysBetween(today, deadline, calendar) : -workingDaysBetween(deadline, today, calendar);

export const alertHandlers: Pick<Handlers<'record'>, 'record.alerts'> = {
  'record.alerts': async (_input, { caller, deps }) => {
    const communityId = staffCommunity(caller);
    const today = localDay(deps.clock.now());
    const [orders, signups, calendar] = await Promise.all([
      readAll(ordersOf(deps), { communityId, status: 'completed', recordAlert: { exists: true } }, { orderBy: [['completedAt', 'asc'], ['_id', 'asc']] }),
      readAll(
        deps.store.collection<ActivitySignup>(COLLECTIONS.activitySignups),
        { communityId, status: 'checked_in', recordAlert: { exists: true } },
        { orderBy: [['_id', 'asc']] },
      ),
      loadHolidayCalendar(deps, yearsAround(today)),
    ]);
    const activities = await readByIds(deps.store.collection<Activity>(COLLECTIONS.activities), signups.map((signup) => signup.activityId));
    const alerts: RecordAlertView[] = [];
    for (const order of orders) {
      if (!order.recordAlert || !order.completedAt) continue;
      alerts.push({
        kind: 'order',
        ref: order._id,
        title: order.serviceName,
        volunteerName: order.assigneeName ?? '',
        serviceDate: localDay(order.completedAt),
        deadline: order.recordAlert.deadline,
        workingDaysLeft: workingDaysLeft(today, order.recordAlert.deadline, calendar),
        todo: '去评分',
      });
    }
    for (const signup of signups) {
      const activity = activities.get(signup.activityId);
      if (!signup.recordAlert || !activity) continue;
      alerts.push({
        kind: 'activity',
        ref: activity._id,
        title: activity.name,
        volunteerName: signup.volunteerName,
        serviceDate: localDay(activity.startAt),
        deadline: signup.recordAlert.deadline,
        workingDaysLeft: workingDaysLeft(today, signup.recordAlert.deadline, calendar),
        todo: '为志愿者签退',
      });
    }
    return alerts.sort(
      (a, b) => a.workingDaysLeft - b.workingDaysLeft || a.serviceDate.localeCompare(b.serviceDate) || a.ref.localeCompare(b.ref) || a.volunteerName.localeCompare(b.volunteerName),
    );
  },
};

/**
 * Daily at 08:00: flags completed orders not yet scored and activity check-ins never checked out
 * whose warning day (8 working days after the service, holidays counted) has come. Scoring or the
 * check-out writes the record and clears the flag.
 */
export const recordTimer: TimerJob = async (deps) => {
  const now = deps.clock.now();
  const today = localDay(now);
  const year = Number(today.slice(0, 4));
  const calendar = await loadHolidayCalendar(deps, yearsAround(today));
  if (!holidayTableCovers(year, calendar)) {
    console.warn(`[record] 缺少 ${year} 年的放假调休安排，暂按周末计算；请管理员在小程序“我的 → 放假调休”中录入国务院办公厅的通知`);
  }
  // 8 working days are at least 8 calendar days, so only services on or before today − 8 can be
  // due: completed before the start of (today − 7) in Beijing.
  const cutoff = inZone(now).startOf('day').subtract(7, 'day').toDate();
  const alertFor = (serviceDay: string) => {
    const { deadline, warnOn } = recordDeadline(serviceDay, calendar);
    return warnOn <= today ? { flaggedAt: now, deadline } : null;
  };

  const orders = ordersOf(deps);
  const candidates = await readAll(orders, { status: 'completed', completedAt: { lt: cutoff }, recordAlert: { exists: false } }, {
    orderBy: [
      ['completedAt', 'asc'],
      ['_id', 'asc'],
    ],
  });
  // One write per service day rather than per order: days are flagged oldest first, each with the
  // orders completed before its end that are not flagged yet — the earlier days' already are.
  // (An order is completed "now", so none can appear later in a day already passed.)
  const dueDays = [...new Set(candidates.flatMap((order) => (order.completedAt ? [localDay(order.completedAt)] : [])))].sort();
  let orderAlerts = 0;
  for (const day of dueDays) {
    const recordAlert = alertFor(day);
    if (!recordAlert) break; // later days are due later still
    const endOfDay = inZone(`${day}T00:00:00+08:00`).add(1, 'day').toDate();
    orderAlerts += await orders.update({ status: 'completed', recordAlert: { exists: false }, completedAt: { lt: endOfDay } }, { set: { recordAlert } });
  }

  const signupsOf = deps.store.collection<ActivitySignup>(COLLECTIONS.activitySignups);
  // Checked in and never out: few at any time (those at today's activities and the forgotten ones).
  const checkedIn = await readAll(signupsOf, { status: 'checked_in', recordAlert: { exists: false } }, { orderBy: [['_id', 'asc']] });
  const activities = await readByIds(deps.store.collection<Activity>(COLLECTIONS.activities), checkedIn.map((signup) => signup.activityId));
  let activityAlerts = 0;
  for (const signup of checkedIn) {
    const activity = activities.get(signup.activityId);
    const recordAlert = activity ? alertFor(localDay(activity.startAt)) : null;
    if (recordAlert) activityAlerts += await signupsOf.update({ _id: signup._id, status: 'checked_in', recordAlert: { exists: false } }, { set: { recordAlert } });
  }
  return { orderAlerts, activityAlerts };
};
