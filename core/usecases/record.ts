/**
 * The `record` function: the statutory service-hour records (志愿服务记录与证明出具办法 Arts. 7–13).
 * Scoring an order and checking out of an activity write them (record-support.ts); here volunteers
 * read theirs and ask for corrections, staff review those (every change is kept: who, when, before,
 * after), and a daily timer flags completed services still without a record 8 working days on,
 * two before the 10-working-day limit of Art. 11.
 */
import type { CorrectionView, RecordAlertView, RecordChangeView, VolunteerRecordProfile } from '../contract';
import { digestId } from '../digest';
import { maskIdNumber, maskPhone } from '../id-number';
import { admittedVolunteer } from '../admission';
import { DomainError, found } from '../errors';
import type { Handlers, TimerJob } from '../handlers';
import {
  type Activity,
  type ActivitySignup,
  COLLECTIONS,
  type Certificate,
  type Community,
  type CorrectableField,
  type CorrectionStatus,
  type RecordChange,
  type RecordCorrection,
  type RecordFields,
  type ServiceRecord,
  type Volunteer,
} from '../model';
import type { Deps } from '../ports';
import { minutesToHours, starLevel, sumHours } from '../volunteer-hours';
import { inZone, iso, localDay } from '../time';
import { holidayTableCovers, recordDeadline, workingDaysBetween } from '../working-days';
import { dailyLimitsOf } from '../settings';
import { addRecordedHours, hourRoundingOf, recordView } from './record-support';
import { isStaffOf, memberCommunity, staffCommunity } from './shared/access';
import { compact, loadCommunity, readAll, readByIds } from './shared/store';
import { keysetPage, keysetPageOfList, type OrderBy } from './shared/paging';
import { ordersOf } from './order-transitions';
import { quotaKey, takeDailyQuota } from './shared/quota';

const recordsOf = (deps: Deps) => deps.store.collection<ServiceRecord>(COLLECTIONS.serviceRecords);
const correctionsOf = (deps: Deps) => deps.store.collection<RecordCorrection>(COLLECTIONS.recordCorrections);
const changesOf = (deps: Deps) => deps.store.collection<RecordChange>(COLLECTIONS.recordChanges);

const CORRECTABLE: readonly CorrectableField[] = ['minutes', 'date', 'place', 'content'];
const STATUS_NAMES: Record<CorrectionStatus, string> = { pending: '待审核', approved: '已通过', rejected: '未通过' };
const NEWEST_SERVICE_FIRST: OrderBy = [
  ['date', 'desc'],
  ['_id', 'desc'],
];

/** The Beijing calendar day of a moment, YYYY-MM-DD (the day a service counts for). */

/**
 * A correction's _id follows from who asked and their request id, so a retried tap finds the request
 * it already made inside the transaction (which can only read by _id).
 */
export const correctionIdFor = (openid: string, clientRequestId: string): string => `rc-${digestId(`correction\n${openid}\n${clientRequestId}`)}`;

export const correctionView = (correction: RecordCorrection): CorrectionView => ({
  id: correction._id,
  recordId: correction.recordId,
  volunteerName: correction.volunteerName,
  changes: correction.changes,
  reason: correction.reason,
  status: correction.status,
  requestedAt: iso(correction.requestedAt),
  ...(correction.reviewedByName ? { reviewedByName: correction.reviewedByName } : {}),
  ...(correction.reviewedAt ? { reviewedAt: iso(correction.reviewedAt) } : {}),
  ...(correction.reviewNote ? { reviewNote: correction.reviewNote } : {}),
});

const changeView = (change: RecordChange): RecordChangeView => ({
  id: change._id,
  byName: change.byName,
  at: iso(change.at),
  before: change.before,
  after: change.after,
  reason: change.reason,
  ...(change.correctionId ? { correctionId: change.correctionId } : {}),
});

/** The asked-for values that differ from the record's (the form may send unchanged fields too). */
function differences(record: ServiceRecord, asked: RecordCorrection['changes']): RecordCorrection['changes'] {
  const changes: Record<string, unknown> = {};
  for (const field of CORRECTABLE) if (asked[field] !== undefined && asked[field] !== record[field]) changes[field] = asked[field];
  return changes as RecordCorrection['changes'];
}

/** The Art. 5 fields the volunteer gave, masked where they identify (the phone, the ID number). */
export function volunteerRecordProfile(volunteer: Volunteer, community: Community, serviceCategory?: string): VolunteerRecordProfile {
  const grid = community.grids.find((candidate) => candidate.id === volunteer.gridId);
  return {
    name: volunteer.realName,
    ...(volunteer.gender ? { gender: volunteer.gender } : {}),
    birthDate: volunteer.birthDate,
    region: [community.name, grid?.name ?? volunteer.gridId].join(' · '),
    phoneMasked: maskPhone(volunteer.phone),
    ...(volunteer.idNumber ? { idNumberMasked: maskIdNumber(volunteer.idNumber) } : {}),
    skills: volunteer.skills,
    ...(serviceCategory ? { serviceCategory } : {}),
  };
}


/** Working days from today to the deadline: 0 on the day, negative once it has passed. */
const workingDaysLeft = (today: string, deadline: string): number =>
  deadline >= today ? workingDaysBetween(today, deadline) : -workingDaysBetween(deadline, today);

/** Changes and correction requests a record's page shows (the latest; the rest stay in the log). */
export const RECORD_HISTORY_SHOWN = 50;

export const recordHandlers: Handlers<'record'> = {
  'record.mine': async (input, { caller, deps }) => {
    memberCommunity(caller);
    // All of them: the totals count the whole range, the star level all time (a volunteer has
    // hundreds of records at most, so one read beats a second query for the range).
    const all = await readAll(recordsOf(deps), { openid: caller.openid }, { orderBy: NEWEST_SERVICE_FIRST });
    const inRange = all.filter((record) => (!input.from || record.date >= input.from) && (!input.to || record.date <= input.to));
    return {
      totals: {
        hours: sumHours(inRange.map((record) => record.hours)),
        count: inRange.length,
        level: starLevel(sumHours(all.map((record) => record.hours))),
      },
      records: keysetPageOfList(inRange, NEWEST_SERVICE_FIRST, input, recordView),
    };
  },

  'record.get': async (input, { caller, deps }) => {
    const record = await recordsOf(deps).get(input.recordId);
    // Someone else's record is reported as missing: nobody learns whose records exist.
    if (!record || (record.openid !== caller.openid && !isStaffOf(caller, record.communityId))) throw new DomainError('NOT_FOUND', '没有找到这条服务记录');
    const [changes, corrections, volunteer, community] = await Promise.all([
      // The latest RECORD_HISTORY_SHOWN of each, oldest first: a record's page stays small however long its history.
      changesOf(deps).find({ recordId: record._id }, { orderBy: [['at', 'desc'], ['_id', 'desc']], limit: RECORD_HISTORY_SHOWN }).then((rows) => rows.reverse()),
      correctionsOf(deps).find({ recordId: record._id }, { orderBy: [['requestedAt', 'desc'], ['_id', 'desc']], limit: RECORD_HISTORY_SHOWN }).then((rows) => rows.reverse()),
      deps.store.collection<Volunteer>(COLLECTIONS.volunteers).get(record.openid),
      deps.store.collection<Community>(COLLECTIONS.communities).get(record.communityId),
    ]);
    return {
      record: recordView(record),
      changes: changes.map(changeView),
      corrections: corrections.map(correctionView),
      volunteer: volunteer && community ? volunteerRecordProfile(volunteer, community, record.category) : null,
    };
  },

  'record.requestCorrection': async (input, { caller, deps }) => {
    memberCommunity(caller);
    const seen = await recordsOf(deps).get(input.recordId);
    if (!seen || seen.openid !== caller.openid) throw new DomainError('NOT_FOUND', '没有找到这条服务记录');
    const now = deps.clock.now();
    if (input.date !== undefined && input.date > localDay(now)) throw new DomainError('INVALID_INPUT', '服务日期不能晚于今天');
    const asked = compact({ minutes: input.minutes, date: input.date, place: input.place, content: input.content });
    // One request per record at a time, and a day's limit: one volunteer cannot bury the review queue.
    const limit = dailyLimitsOf(await loadCommunity(deps, seen.communityId)).corrections;

    const correctionId = correctionIdFor(caller.openid, input.clientRequestId);
    const correction = await deps.store.transaction(async (tx) => {
      const corrections = tx.collection<RecordCorrection>(COLLECTIONS.recordCorrections);
      const records = tx.collection<ServiceRecord>(COLLECTIONS.serviceRecords);
      const existing = await corrections.get(correctionId);
      if (existing) {
        if (existing.recordId !== input.recordId) throw new DomainError('CONFLICT', '该请求编号已用于另一条更正申请，请重新提交');
        return existing;
      }
      // Re-read inside: of two requests at once, only the first finds no pending one.
      const record = await records.get(input.recordId);
      if (!record || record.openid !== caller.openid) throw new DomainError('NOT_FOUND', '没有找到这条服务记录');
      if (record.pendingCorrectionId) throw new DomainError('CONFLICT', '这条记录已有待审核的更正申请');
      const changes = differences(record, asked);
      if (Object.keys(changes).length === 0) throw new DomainError('INVALID_INPUT', '填写的内容与现有记录相同，无需更正');
      await takeDailyQuota(tx, quotaKey('correction', caller.openid), limit, now, `您今天已提交 ${limit} 条更正申请，已达社区每天的上限，请明天再提交`);
      const created: RecordCorrection = {
        _id: correctionId,
        recordId: record._id,
        communityId: record.communityId,
        openid: caller.openid,
        volunteerName: record.volunteerName,
        changes,
        reason: input.reason,
        clientRequestId: input.clientRequestId,
        status: 'pending',
        requestedAt: now,
      };
      await corrections.add(created);
      await records.update(record._id, { set: { pendingCorrectionId: correctionId } });
      return created;
    });
    return correctionView(correction);
  },

  'record.corrections': async (input, { caller, deps }) => {
    const communityId = staffCommunity(caller);
    const status = input.status ?? 'pending';
    // The queue is worked oldest first; decided ones are looked up, the latest first.
    const direction = status === 'pending' ? 'asc' : 'desc';
    const page = await keysetPage(
      correctionsOf(deps),
      { communityId, status },
      [
        ['requestedAt', direction],
        ['_id', direction],
      ],
      input,
      (correction) => correction,
    );
    const records = await readByIds(recordsOf(deps), page.items.map((correction) => correction.recordId));
    return {
      items: page.items.flatMap((correction) => {
        const record = records.get(correction.recordId);
        return record ? [{ ...correctionView(correction), record: recordView(record) }] : [];
      }),
      nextCursor: page.nextCursor,
    };
  },

  'record.reviewCorrection': async (input, { caller, deps }) => {
    const communityId = staffCommunity(caller);
    const reviewer = found(caller.user);
    const current = await correctionsOf(deps).get(input.correctionId);
    if (!current || current.communityId !== communityId) throw new DomainError('NOT_FOUND', '没有找到这条更正申请');
    // Staff who also volunteer do not decide on their own hours.
    if (current.openid === caller.openid) throw new DomainError('FORBIDDEN', '不能审核自己的更正申请，请由其他工作人员审核');
    if (admittedVolunteer(await deps.store.collection<Volunteer>(COLLECTIONS.volunteers).get(current.openid), caller.openid)) {
      throw new DomainError('FORBIDDEN', '这位志愿者是您审核通过的，请由其他工作人员审核其更正申请');
    }
    const reviewed = (status: CorrectionStatus) => new DomainError('CONFLICT', `该更正申请已审核（${STATUS_NAMES[status]}），无需重复审核`);
    if (current.status !== 'pending') throw reviewed(current.status);
    const note = input.note || undefined;
    const rule = hourRoundingOf(await loadCommunity(deps, communityId));
    const approve = input.decision === 'approve';
    const now = deps.clock.now();
    // Certificates counting this record's current values: an approval makes them out of date, and
    // marks them in the same transaction (a transaction cannot query, so they are found first).
    const certificates = approve
      ? await deps.store.collection<Certificate>(COLLECTIONS.certificates).find({ 'records.id': current.recordId, supersededAt: { exists: false } }, { limit: 1000 })
      : [];

    // One transaction: the correction leaves pending, the record changes, its audit row is written
    // and the volunteer's hours counter moves together; a second reviewer finds it decided.
    const result = await deps.store.transaction(async (tx) => {
      const corrections = tx.collection<RecordCorrection>(COLLECTIONS.recordCorrections);
      const records = tx.collection<ServiceRecord>(COLLECTIONS.serviceRecords);
      const correction = found(await corrections.get(current._id), '没有找到这条更正申请');
      if (correction.status !== 'pending') throw reviewed(correction.status);
      const record = found(await records.get(correction.recordId), '没有找到这条服务记录');
      const decided: RecordCorrection = compact({
        ...correction,
        status: approve ? 'approved' : 'rejected',
        reviewedBy: caller.openid,
        reviewedByName: reviewer.name,
        reviewedAt: now,
        reviewNote: note,
      });
      await corrections.set(decided);
      const changes = approve ? differences(record, correction.changes) : {};
      if (Object.keys(changes).length === 0) {
        // Rejected (or nothing left to change): the record stays as it is, free for a new request.
        await records.update(record._id, { unset: ['pendingCorrectionId'] });
        const { pendingCorrectionId: _done, ...unchanged } = record;
        return { correction: decided, record: unchanged };
      }
      const before: RecordFields = {};
      const after: RecordFields = { ...changes };
      for (const field of Object.keys(changes) as CorrectableField[]) Object.assign(before, { [field]: record[field] });
      if (changes.minutes !== undefined) {
        const hours = minutesToHours(changes.minutes, rule);
        if (hours !== record.hours) {
          before.hours = record.hours;
          after.hours = hours;
        }
      }
      const version = (record.version ?? 1) + 1;
      await records.update(record._id, { set: { ...after, version, updatedAt: now }, unset: ['pendingCorrectionId'] });
      await tx.collection<RecordChange>(COLLECTIONS.recordChanges).add({
        _id: `correction:${correction._id}`,
        recordId: record._id,
        communityId: record.communityId,
        openid: record.openid,
        by: caller.openid,
        byName: reviewer.name,
        at: now,
        before,
        after,
        reason: note ? `${correction.reason}（审核意见：${note}）` : correction.reason,
        correctionId: correction._id,
      });
      if (after.hours !== undefined) await addRecordedHours(tx, record.openid, sumHours([after.hours, -record.hours]));
      // So a check of their codes says a newer certificate shows the current totals.
      for (const certificate of certificates) await tx.collection<Certificate>(COLLECTIONS.certificates).update(certificate._id, { set: { supersededAt: now } });
      const { pendingCorrectionId: _done, ...rest } = record;
      return { correction: decided, record: { ...rest, ...after, version, updatedAt: now } };
    });
    return { correction: correctionView(result.correction), record: recordView(result.record) };
  },

  'record.alerts': async (_input, { caller, deps }) => {
    const communityId = staffCommunity(caller);
    const today = localDay(deps.clock.now());
    const [orders, signups] = await Promise.all([
      readAll(ordersOf(deps), { communityId, status: 'completed', recordAlert: { exists: true } }, { orderBy: [['completedAt', 'asc'], ['_id', 'asc']] }),
      readAll(
        deps.store.collection<ActivitySignup>(COLLECTIONS.activitySignups),
        { communityId, status: 'checked_in', recordAlert: { exists: true } },
        { orderBy: [['_id', 'asc']] },
      ),
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
        workingDaysLeft: workingDaysLeft(today, order.recordAlert.deadline),
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
        workingDaysLeft: workingDaysLeft(today, signup.recordAlert.deadline),
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
  if (!holidayTableCovers(year)) {
    console.warn(`[record] 工作日表缺少 ${year} 年的节假日安排，暂按周末计算；请在 core/working-days.ts 补充国务院办公厅的通知`);
  }
  // 8 working days are at least 8 calendar days, so only services on or before today − 8 can be
  // due: completed before the start of (today − 7) in Beijing.
  const cutoff = inZone(now).startOf('day').subtract(7, 'day').toDate();
  const alertFor = (serviceDay: string) => {
    const { deadline, warnOn } = recordDeadline(serviceDay);
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
