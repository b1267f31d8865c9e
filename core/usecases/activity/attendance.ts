/**
 * At the activity: staff show the code (it changes every minute); volunteers check in and out with
 * it, or staff mark them; checking out writes the statutory record and the activity's points.
 */
import { attendanceMarks, attendanceOrder, attendedMinutes, checkInOpen, checkOutOpen, codeShown, MAX_CODE_FAILURES } from '../../activity-rules';
import { attendanceCode, attendanceCodeMatches, attendanceCodeRotatesAt } from '../../codes';
import { DomainError } from '../../errors';
import type { Handlers } from '../../handlers';
import { admittedVolunteer } from '../../admission';
import { type Activity, type ActivitySignup, COLLECTIONS, type LedgerEntry, type ServiceRecord, type SignupStatus, type Volunteer } from '../../model';
import { activityPoints, postPoints } from '../../points';
import type { Caller, Deps, Update } from '../../ports';
import { minutesToHours } from '../../volunteer-hours';
import { pointsCapsOf } from '../../settings';
import { DAY_MS, formatLocal, iso, localDay } from '../../time';
import { staffCommunity } from '../shared/access';
import { compact, loadCommunity, prereadOrGet, readAll, readByIds } from '../shared/store';
import { hourRoundingOf, recordView, writeRecord } from '../record-support';
import { activitiesOf, activityRecordId, cancelledConflict, loadActivity, loadMyAttendance, loadOwnSignup, signupIdOf, signupsOf, STATUS_NAMES } from './loading';
import { countsOf, settleCounters } from './places';
import { activityView, recordedHoursOf, signupView, withMySignup } from './views';
import { fillFreePlaces } from './waiting-list';

const WRONG_CODE = '签到码不正确或已过期，请输入工作人员手机上显示的最新签到码';
const lockedOut = (doing: '签到' | '签退') =>
  new DomainError('FORBIDDEN', `签到码已连续输错 ${MAX_CODE_FAILURES} 次，请联系现场工作人员为您${doing}`);

// ---- attendance codes -------------------------------------------------------------------------

/**
 * Separation of duties: the staff member who published the activity, or anyone who displayed its
 * code, does not vouch for their own attendance with it; a colleague checks them in (activity.mark).
 */
function refuseSelfAttendance(activity: Activity, openid: string, doing: '签到' | '签退'): void {
  if (activity.createdBy === openid || activity.codeShownTo?.includes(openid)) {
    throw new DomainError('FORBIDDEN', `您发布了该活动或出示过签到码，不能用签到码为自己${doing}，请由其他工作人员为您${doing}`);
  }
}

/**
 * A volunteer's typed code: a wrong one counts against them (a conditional write, so a burst of
 * guesses cannot go past the limit), and after MAX_CODE_FAILURES only staff can check them in or out.
 */
async function checkCode(deps: Deps, signup: ActivitySignup, activity: Activity, code: string, now: Date, doing: '签到' | '签退'): Promise<void> {
  if (signup.codeFailures >= MAX_CODE_FAILURES) throw lockedOut(doing);
  if (attendanceCodeMatches(activity.attendanceSecret, code, now)) return;
  await signupsOf(deps).update({ _id: signup._id, codeFailures: { lt: MAX_CODE_FAILURES } }, { inc: { codeFailures: 1 }, set: { updatedAt: now } });
  throw new DomainError('INVALID_INPUT', WRONG_CODE);
}

// ---- one activity at a time -------------------------------------------------------------------

const msOf = (value: Date | string) => new Date(value).getTime();

/** The time an attendance counts for: its overlap with the schedule (an open one runs to the end). */
function countedSpan(activity: Pick<Activity, 'startAt' | 'endAt'>, checkInAt: Date | string, checkOutAt?: Date | string): [number, number] {
  return [Math.max(msOf(activity.startAt), msOf(checkInAt)), Math.min(msOf(activity.endAt), checkOutAt ? msOf(checkOutAt) : msOf(activity.endAt))];
}

/**
 * Another attendance of the same volunteer whose counted time overlaps [checkInAt, checkOutAt] at
 * this activity: nobody serves at two activities at once, so the same hours are never recorded (or
 * paid) twice, whoever marks them. Activities last at most a day, so only a day back is read.
 */
async function overlappingAttendance(
  deps: Deps,
  activity: Activity,
  openid: string,
  checkInAt: Date,
  checkOutAt?: Date,
  /** At check-out: only attendances that began earlier count, so of two that raced in, one still checks out. */
  earlierOnly = false,
): Promise<Activity | undefined> {
  const [from, to] = countedSpan(activity, checkInAt, checkOutAt);
  if (to <= from) return undefined;
  const others = (
    await signupsOf(deps).find(
      // One bound per field (see Condition): the earliest come first, and the overlap test below drops
      // those that began after `to`.
      { openid, status: { in: ['checked_in', 'attended'] }, checkInAt: { gte: new Date(from - DAY_MS) } },
      { orderBy: [['checkInAt', 'asc'], ['_id', 'asc']], limit: 100 },
    )
  ).filter((signup) => signup.activityId !== activity._id);
  if (others.length === 0) return undefined;
  const activities = await readByIds(activitiesOf(deps), others.map((signup) => signup.activityId));
  for (const signup of others) {
    const other = activities.get(signup.activityId);
    if (!other || !signup.checkInAt) continue;
    if (earlierOnly && msOf(signup.checkInAt) > msOf(checkInAt)) continue;
    const [start, end] = countedSpan(other, signup.checkInAt, signup.checkOutAt);
    if (start < to && from < end) return other;
  }
  return undefined;
}

const overlapping = (other: Activity) =>
  new DomainError('CONFLICT', `这段时间已在“${other.name}”签到，同一时间只能参加一项活动（同一段服务时间不能重复记录）`);

// ---- check-out: shared by the volunteer (with the code) and staff (mark) ----------------------

interface CheckOut {
  activityId: string;
  openid: string;
  at: Date;
  /** Whoever checked them out (the volunteer, or the staff member). */
  by: string;
  /** Whoever called: their community came with them (see loadCommunity). */
  caller: Caller;
  /** The activity as read with the caller (see below). */
  activity: Activity;
  /** The volunteer typed a code: refuse if they were locked out meanwhile. */
  byCode: boolean;
}

/**
 * One transaction: the sign-up becomes attended, the statutory record (办法 Art. 7) is written
 * with its hours, and the activity's points are posted. Checking out again returns what the first
 * check-out wrote. The sign-up is read inside the transaction (two check-outs of it conflict there);
 * the activity is the one read with the caller moments before: its times and rate change only by
 * staff edits (a rate by four eyes), and the record and points depend on nothing else of it.
 */
async function checkOut(deps: Deps, request: CheckOut): Promise<{ activity: Activity; signup: ActivitySignup; record: ServiceRecord; points: number }> {
  const { activity } = request;
  const community = await loadCommunity(deps, activity.communityId, request.caller);
  const now = deps.clock.now();
  return deps.store.transaction(async (tx) => {
    const signups = tx.collection<ActivitySignup>(COLLECTIONS.activitySignups);
    const signup = await signups.get(signupIdOf(request.activityId, request.openid));
    if (!signup) throw new DomainError('NOT_FOUND', '该志愿者没有报名此活动');
    const recordId = activityRecordId(activity._id, signup.openid);
    if (signup.status === 'attended') {
      const record = await tx.collection<ServiceRecord>(COLLECTIONS.serviceRecords).get(signup.recordId ?? recordId);
      if (record) return { activity, signup, record, points: (await tx.collection<LedgerEntry>(COLLECTIONS.pointsLedger).get(recordId))?.delta ?? 0 };
    }
    if (signup.status !== 'checked_in' || !signup.checkInAt) throw new DomainError('CONFLICT', `当前为“${STATUS_NAMES[signup.status]}”，签到后才能签退`);
    if (request.byCode && signup.codeFailures >= MAX_CODE_FAILURES) throw lockedOut('签退');
    if (request.at.getTime() < new Date(signup.checkInAt).getTime()) {
      throw new DomainError('INVALID_INPUT', `签退时间不能早于签到时间（${formatLocal(signup.checkInAt)}）`);
    }
    // Only the scheduled time counts (see attendedMinutes); staff correct a record for the exceptions.
    const minutes = attendedMinutes(activity, signup.checkInAt, request.at);
    // Only an attendance that began earlier refuses this one (earlierOnly): of two overlapping
    // attendances, however concurrently they check out, the later one is always the one refused.
    const other = await overlappingAttendance(deps, activity, signup.openid, new Date(signup.checkInAt), request.at, true);
    if (other) throw overlapping(other);
    const hours = minutesToHours(minutes, hourRoundingOf(community));
    // Once: the sign-up becomes attended in this same transaction, so neither the record nor the
    // posting is read first (were either there after all, its insert fails the transaction).
    const record = await writeRecord(tx, {
      _id: recordId,
      openid: signup.openid,
      volunteerName: signup.volunteerName,
      communityId: activity.communityId,
      source: 'activity',
      ref: activity._id,
      activityName: activity.name,
      date: localDay(activity.startAt),
      place: activity.place,
      content: activity.content,
      minutes,
      hours,
      category: '社区活动',
      organiser: activity.organiser,
      personInCharge: activity.personInCharge,
      recordedBy: request.by,
      createdAt: now,
    }, { first: true });
    // Within today's cap and the schedule the rate was approved for (see activityPoints).
    const points = activityPoints(record.hours, activity, pointsCapsOf(community));
    if (points > 0) {
      await postPoints(tx, {
        key: activityRecordId(activity._id, signup.openid),
        openid: signup.openid,
        communityId: activity.communityId,
        delta: points,
        source: 'activity',
        ref: activity._id,
        reason: `志愿活动：${activity.name}（${record.hours} 小时）`,
        by: request.by,
        now,
      }, { first: true });
    }
    const set = { status: 'attended', checkOutAt: request.at, checkOutBy: request.by, recordId: record._id, updatedAt: now, ...(request.byCode ? { codeFailures: 0 } : {}) };
    // Recorded now, so the record timer's alert (if any) is done with.
    const update: Update = signup.recordAlert ? { set, unset: ['recordAlert'] } : { set };
    await signups.update(signup._id, update);
    const { recordAlert: _done, ...rest } = signup;
    return { activity, signup: { ...rest, ...set, status: 'attended' as const }, record, points };
  });
}

export const attendanceHandlers: Pick<Handlers<'activity'>, 'activity.code' | 'activity.checkIn' | 'activity.checkOut' | 'activity.attendance' | 'activity.mark'> = {
  'activity.code': async (input, { caller, deps }) => {
    const activity = await loadActivity(deps, input.activityId, staffCommunity(caller));
    const now = deps.clock.now();
    if (activity.status === 'cancelled') throw cancelledConflict(activity);
    if (!codeShown(activity, now)) throw new DomainError('CONFLICT', '签到码在活动开始前 30 分钟至结束后 2 小时内显示');
    // Whoever holds the code may not use it for themselves (see selfAttendance).
    if (!activity.codeShownTo?.includes(caller.openid)) await activitiesOf(deps).update({ _id: activity._id }, { addToSet: { codeShownTo: caller.openid } });
    return { code: attendanceCode(activity.attendanceSecret, now), rotatesAt: iso(attendanceCodeRotatesAt(now)) };
  },

  'activity.checkIn': async (input, context) => {
    const { caller, deps } = context;
    const { activity, signup } = await loadMyAttendance(context, input.activityId);
    const now = deps.clock.now();
    if (signup.status === 'checked_in') return withMySignup(deps, caller, activity, signup, now);
    if (activity.status === 'cancelled') throw cancelledConflict(activity);
    if (signup.status === 'waitlisted') throw new DomainError('CONFLICT', '您在候补名单中，尚未获得名额，不能签到');
    if (signup.status !== 'enrolled') throw new DomainError('CONFLICT', `当前为“${STATUS_NAMES[signup.status]}”，不能签到`);
    if (!checkInOpen(activity, now)) throw new DomainError('CONFLICT', '签到时间为活动开始前 30 分钟至活动结束');
    refuseSelfAttendance(activity, caller.openid, '签到');
    await checkCode(deps, signup, activity, input.code, now, '签到');
    const other = await overlappingAttendance(deps, activity, caller.openid, now);
    if (other) throw overlapping(other);
    const set = { status: 'checked_in' as const, checkInAt: now, checkInBy: caller.openid, codeFailures: 0, updatedAt: now };
    // On the status read, and still not locked out: a concurrent burst of guesses cannot slip one through.
    const written = await signupsOf(deps).update({ _id: signup._id, status: 'enrolled', codeFailures: { lt: MAX_CODE_FAILURES } }, { set });
    if (written === 0) {
      const current = await loadOwnSignup(deps, activity._id, caller.openid);
      if (current.status === 'checked_in') return withMySignup(deps, caller, activity, current, now);
      if (current.codeFailures >= MAX_CODE_FAILURES) throw lockedOut('签到');
      throw new DomainError('CONFLICT', `当前为“${STATUS_NAMES[current.status]}”，不能签到`);
    }
    return withMySignup(deps, caller, activity, { ...signup, ...set }, now);
  },

  'activity.checkOut': async (input, context) => {
    const { caller, deps } = context;
    const { activity, signup } = await loadMyAttendance(context, input.activityId);
    const now = deps.clock.now();
    if (signup.status !== 'attended') {
      if (signup.status !== 'checked_in') throw new DomainError('CONFLICT', `当前为“${STATUS_NAMES[signup.status]}”，签到后才能签退`);
      if (!checkOutOpen(activity, now)) throw new DomainError('CONFLICT', '已过签退时间（活动结束后 2 小时），请联系活动负责人为您签退');
      refuseSelfAttendance(activity, caller.openid, '签退');
      await checkCode(deps, signup, activity, input.code, now, '签退');
    }
    const done = await checkOut(deps, { activityId: activity._id, openid: caller.openid, at: now, by: caller.openid, byCode: true, caller, activity });
    return { ...(await withMySignup(deps, caller, done.activity, done.signup, now, { hours: done.record.hours, points: done.points })), record: recordView(done.record, caller) };
  },

  'activity.attendance': async (input, { caller, deps }) => {
    const communityId = staffCommunity(caller);
    const sheet = async () => {
      const activity = await loadActivity(deps, input.activityId, communityId);
      return { activity, signups: await readAll(signupsOf(deps), { activityId: activity._id }, { orderBy: [['_id', 'asc']] }) };
    };
    let { activity, signups } = await sheet();
    // Where a sign-up died after claiming its place, the counters are put right here, and the
    // waiting list moves up into the place nobody held.
    if (await settleCounters(deps, activity, deps.clock.now(), countsOf(signups))) {
      await fillFreePlaces(deps, activity._id);
      ({ activity, signups } = await sheet());
    }
    const hours = await recordedHoursOf(deps, signups);
    const now = deps.clock.now();
    return {
      activity: activityView(activity, caller, now, signups.find((signup) => signup.openid === caller.openid) ?? null),
      signups: attendanceOrder(signups).map((signup) => ({
        ...signupView(signup, compact({ waitPosition: signup.waitPosition, hours: signup.recordId ? hours.get(signup.recordId) : undefined })),
        allowed: attendanceMarks(activity, signup, caller.openid, now),
      })),
    };
  },

  'activity.mark': async (input, { caller, deps, preread }) => {
    const activity = await loadActivity(deps, input.activityId, staffCommunity(caller), preread);
    // Staff who also volunteer may not vouch for their own hours and points.
    if (input.openid === caller.openid) throw new DomainError('FORBIDDEN', '不能为自己签到、签退或标记未到，请由其他工作人员操作');
    const signups = signupsOf(deps);
    const signup = await prereadOrGet(signups, signupIdOf(activity._id, input.openid), preread, 'signup');
    if (!signup) throw new DomainError('NOT_FOUND', '该志愿者没有报名此活动');
    const now = deps.clock.now();
    const at = input.at ? new Date(input.at) : now;
    if (at.getTime() > now.getTime()) throw new DomainError('INVALID_INPUT', '时间不能晚于现在');
    if (signup.status === 'waitlisted') throw new DomainError('CONFLICT', '该志愿者在候补名单中，尚未获得名额');
    // Attendance becomes hours and points: whoever approved the volunteer does not vouch for it.
    if (input.mark !== 'no_show' && admittedVolunteer(await prereadOrGet(deps.store.collection<Volunteer>(COLLECTIONS.volunteers), input.openid, preread, 'volunteer'), caller.openid)) {
      throw new DomainError('FORBIDDEN', `这位志愿者是您审核通过的，请由其他工作人员为其${input.mark === 'check_in' ? '签到' : '签退'}`);
    }

    // Even when the activity was cancelled meanwhile: whoever had checked in served until then, and
    // the time must be recorded (it is also what clears the 10-working-day alert).
    if (input.mark === 'check_out') {
      const done = await checkOut(deps, { activityId: activity._id, openid: input.openid, at, by: caller.openid, byCode: false, caller, activity });
      return { signup: signupView(done.signup, { hours: done.record.hours }), record: recordView(done.record, caller) };
    }
    if (activity.status === 'cancelled') throw cancelledConflict(activity);

    const target: SignupStatus = input.mark === 'check_in' ? 'checked_in' : 'no_show';
    if (signup.status === target) return { signup: signupView(signup) };
    // Someone marked absent who turns up late is checked in after all (both hold the place).
    const from: SignupStatus = input.mark === 'check_in' && signup.status === 'no_show' ? 'no_show' : 'enrolled';
    if (signup.status !== from) throw new DomainError('CONFLICT', `该志愿者当前为“${STATUS_NAMES[signup.status]}”，不能${input.mark === 'check_in' ? '签到' : '标记未到'}`);
    let set: Record<string, unknown>;
    if (input.mark === 'check_in') {
      if (!checkInOpen(activity, at)) throw new DomainError('INVALID_INPUT', '签到时间应在活动开始前 30 分钟至活动结束之间');
      const other = await overlappingAttendance(deps, activity, input.openid, at);
      if (other) throw overlapping(other);
      set = { status: target, checkInAt: at, checkInBy: caller.openid, updatedAt: now };
    } else {
      if (now.getTime() < new Date(activity.startAt).getTime()) throw new DomainError('CONFLICT', '活动开始后才能标记未到');
      set = { status: target, updatedAt: now };
    }
    const written = await signups.update({ _id: signup._id, status: from }, { set });
    if (written === 0) {
      const current = await signups.get(signup._id);
      if (current?.status === target) return { signup: signupView(current) };
      throw new DomainError('CONFLICT', '该志愿者的签到状态已变化，请刷新后重试');
    }
    return { signup: signupView({ ...signup, ...set } as ActivitySignup) };
  },
};
