/**
 * The `activity` function: community volunteer activities (项目清单). Staff publish an activity;
 * volunteers sign up (or join the waiting list when it is full) and withdraw before the cut-off;
 * at the activity they check in and out with the code staff show (it changes every minute), or
 * staff do it for them. Checking out writes the statutory service record and the activity's points
 * in one transaction. Whoever moves up from the waiting list, and everyone still taking part when
 * staff cancel, gets a subscribe message (best effort, after the change is committed).
 *
 * Places: the activity's `enrolled` counter moves in the same transaction as the sign-up it counts,
 * and every such transaction writes the activity document, so two sign-ups for the last place
 * conflict and the second is retried against the new count: capacity is never exceeded.
 */
import type { ActivityView, SignupView } from '../contract';
import { activityTimesProblems } from '../contract/activity';
import { activityPhase, attendanceOrder, attendedMinutes, checkInOpen, checkOutOpen, codeShown, MAX_CODE_FAILURES, SIGNED_UP } from '../activity-rules';
import { attendanceCode, attendanceCodeMatches, attendanceCodeRotatesAt } from '../codes';
import { DomainError } from '../errors';
import type { Handlers } from '../handlers';
import { admittedVolunteer } from '../admission';
import { type Activity, type ActivitySignup, COLLECTIONS, type LedgerEntry, type ServiceRecord, type SignupStatus, type Volunteer } from '../model';
import { postPoints } from '../points';
import type { Caller, Collection, Deps, Notification, Transaction, Update } from '../ports';
import { minutesToHours } from '../volunteer-hours';
import { DAY_MS, formatLocal, iso, localDay } from '../time';
import { hourRoundingOf, recordView, writeRecord } from './record-support';
import { activityRule, assertCanPropose, capProblem, minutesBetween, proposeRuleChange } from './rules';
import { pointsCapsOf } from '../settings';
import { memberCommunity, staffCommunity } from './shared/access';
import { clip, notify } from './shared/notify';
import { compact, loadCommunity, readAll, readByIds } from './shared/store';
import { keysetPage } from './shared/paging';

const activitiesOf = (deps: Deps): Collection<Activity> => deps.store.collection<Activity>(COLLECTIONS.activities);
const signupsOf = (deps: Deps): Collection<ActivitySignup> => deps.store.collection<ActivitySignup>(COLLECTIONS.activitySignups);

export const signupIdOf = (activityId: string, openid: string): string => `${activityId}:${openid}`;
export const activityRecordId = (activityId: string, openid: string): string => `activity:${activityId}:${openid}`;

const STATUS_NAMES: Record<SignupStatus, string> = {
  enrolled: '已报名',
  waitlisted: '候补中',
  withdrawn: '已取消报名',
  checked_in: '已签到',
  attended: '已签退',
  no_show: '未到',
};

const WRONG_CODE = '签到码不正确或已过期，请输入工作人员手机上显示的最新签到码';
const lockedOut = (doing: '签到' | '签退') =>
  new DomainError('FORBIDDEN', `签到码已连续输错 ${MAX_CODE_FAILURES} 次，请联系现场工作人员为您${doing}`);
const notFound = () => new DomainError('NOT_FOUND', '活动不存在或已被删除');
const cancelledConflict = (activity: Activity) =>
  new DomainError('CONFLICT', `活动已取消${activity.cancelReason ? `（${activity.cancelReason}）` : ''}`);

// ---- views ------------------------------------------------------------------------------------

export function activityView(activity: Activity, now: Date): ActivityView {
  // Spelled out field by field: the attendance secret (and anything added later) stays on the server.
  return {
    id: activity._id,
    name: activity.name,
    content: activity.content,
    place: activity.place,
    startAt: iso(activity.startAt),
    endAt: iso(activity.endAt),
    organiser: activity.organiser,
    personInCharge: activity.personInCharge,
    capacity: activity.capacity,
    skills: activity.skills,
    pointsPerHour: activity.pointsPerHour,
    ...(activity.pendingRuleChange ? { pendingPointsPerHour: activity.pendingRuleChange.after as number } : {}),
    signupOpensAt: iso(activity.signupOpensAt),
    signupClosesAt: iso(activity.signupClosesAt),
    withdrawClosesAt: iso(activity.withdrawClosesAt),
    status: activity.status,
    phase: activityPhase(activity, now),
    enrolled: activity.enrolled,
    waitlisted: activity.waitlisted,
    ...(activity.cancelReason ? { cancelReason: activity.cancelReason } : {}),
  };
}

export function signupView(signup: ActivitySignup, extra: { waitPosition?: number; hours?: number; points?: number } = {}): SignupView {
  return {
    activityId: signup.activityId,
    openid: signup.openid,
    volunteerName: signup.volunteerName,
    status: signup.status,
    ...(signup.status === 'waitlisted' && extra.waitPosition !== undefined ? { waitPosition: extra.waitPosition } : {}),
    signedUpAt: iso(signup.signedUpAt),
    ...(signup.checkInAt ? { checkInAt: iso(signup.checkInAt) } : {}),
    ...(signup.checkOutAt ? { checkOutAt: iso(signup.checkOutAt) } : {}),
    ...(signup.recordId ? { recordId: signup.recordId } : {}),
    ...(extra.hours !== undefined ? { hours: extra.hours } : {}),
    ...(extra.points !== undefined ? { points: extra.points } : {}),
  };
}

/** The hours of the records these sign-ups wrote (read, since staff may have corrected them since). */
async function recordedHoursOf(deps: Deps, signups: readonly ActivitySignup[]): Promise<Map<string, number>> {
  const ids = signups.flatMap((signup) => (signup.recordId ? [signup.recordId] : []));
  if (ids.length === 0) return new Map();
  const records = await readByIds(deps.store.collection<ServiceRecord>(COLLECTIONS.serviceRecords), ids);
  return new Map([...records.values()].map((record) => [record._id, record.hours]));
}

/** 1 for the first on the waiting list. */
async function waitPositionOf(deps: Deps, signup: ActivitySignup): Promise<number | undefined> {
  if (signup.status !== 'waitlisted' || signup.waitSeq === undefined) return undefined;
  return (await signupsOf(deps).count({ activityId: signup.activityId, status: 'waitlisted', waitSeq: { lt: signup.waitSeq } })) + 1;
}

/** The points the check-out posted, from the ledger (its key is the record's id). */
async function postedPointsOf(deps: Deps, signup: ActivitySignup): Promise<number | undefined> {
  if (signup.status !== 'attended') return undefined;
  const entry = await deps.store.collection<LedgerEntry>(COLLECTIONS.pointsLedger).get(activityRecordId(signup.activityId, signup.openid));
  return entry?.delta ?? 0;
}

/** The caller's sign-up as they see it: with their place in the queue, the hours recorded and the points posted. */
async function mySignupView(deps: Deps, signup: ActivitySignup, hours?: number): Promise<SignupView> {
  const [waitPosition, points] = await Promise.all([waitPositionOf(deps, signup), postedPointsOf(deps, signup)]);
  const recorded = hours ?? (signup.recordId ? (await recordedHoursOf(deps, [signup])).get(signup.recordId) : undefined);
  return signupView(signup, compact({ waitPosition, hours: recorded, points }));
}

// ---- loading ----------------------------------------------------------------------------------

/** An activity of the caller's community; another community's is reported as missing. */
async function loadActivity(deps: Deps, activityId: string, communityId: string): Promise<Activity> {
  const activity = await activitiesOf(deps).get(activityId);
  if (!activity || activity.communityId !== communityId) throw notFound();
  return activity;
}

/** The approved volunteer calling, and their community (the router has checked the role). */
function volunteerOf(caller: Caller) {
  const volunteer = caller.volunteer;
  if (!volunteer || volunteer.status !== 'approved') throw new DomainError('FORBIDDEN', '只有审核通过的志愿者可以报名活动');
  return volunteer;
}

async function loadOwnSignup(deps: Deps, activityId: string, openid: string): Promise<ActivitySignup> {
  const signup = await signupsOf(deps).get(signupIdOf(activityId, openid));
  if (!signup) throw new DomainError('NOT_FOUND', '您没有报名该活动');
  return signup;
}

// ---- times ------------------------------------------------------------------------------------

type Times = Record<'startAt' | 'endAt' | 'signupOpensAt' | 'signupClosesAt' | 'withdrawClosesAt', string>;

/** The contract checks the times given; the use case checks them again merged with the defaults or the stored ones. */
function checkTimes(times: Times): void {
  const [problem] = activityTimesProblems(times);
  if (problem) throw new DomainError('INVALID_INPUT', problem.message);
}

const timesOf = (activity: Activity): Times => ({
  startAt: iso(activity.startAt),
  endAt: iso(activity.endAt),
  signupOpensAt: iso(activity.signupOpensAt),
  signupClosesAt: iso(activity.signupClosesAt),
  withdrawClosesAt: iso(activity.withdrawClosesAt),
});

const dates = (times: Times) => ({
  startAt: new Date(times.startAt),
  endAt: new Date(times.endAt),
  signupOpensAt: new Date(times.signupOpensAt),
  signupClosesAt: new Date(times.signupClosesAt),
  withdrawClosesAt: new Date(times.withdrawClosesAt),
});

// ---- the waiting list -------------------------------------------------------------------------

/**
 * Thrown inside a transaction when the waiting list read before it is no longer its head: the
 * caller reads it again and retries. A CONFLICT, so that if it ever escapes the person is told to retry.
 */
class StaleWaitlist extends DomainError {
  constructor() {
    super('CONFLICT', '候补名单刚有变化，请稍后重试');
  }
}

const WAITLIST_ATTEMPTS = 5;

/** The longest waiting list an activity keeps. */
export const MAX_WAITLIST = 200;

/** A sign-up's transaction is tried this often before CONFLICT (the store's default is 12). */
const SIGN_UP_ATTEMPTS = 20;

/** The head of the waiting list, in turn (read outside a transaction, which cannot query). */
async function waitlistHead(deps: Deps, activityId: string, count: number): Promise<ActivitySignup[]> {
  if (count <= 0) return [];
  return signupsOf(deps).find(
    { activityId, status: 'waitlisted' },
    {
      orderBy: [
        ['waitSeq', 'asc'],
        ['_id', 'asc'],
      ],
      limit: Math.min(count, 1000),
    },
  );
}

/**
 * Runs `work` in a transaction with the head of the waiting list read just before; `work` calls
 * `promote` to give free places to it. If the head changed in between (someone on it withdrew, or
 * more places came free than were read), the list is read again and the whole thing retried.
 * Also returns who was promoted by the run that committed (to be told once it has).
 */
async function withWaitlist<R>(
  deps: Deps,
  activityId: string,
  wanted: (activity: Activity) => number,
  work: (tx: Transaction, promote: (activity: Activity) => Promise<Activity>) => Promise<R>,
): Promise<{ result: R; promoted: ActivitySignup[] }> {
  for (let attempt = 1; ; attempt += 1) {
    const seen = await activitiesOf(deps).get(activityId);
    const head = seen ? await waitlistHead(deps, activityId, wanted(seen)) : [];
    const now = deps.clock.now();
    let promoted: ActivitySignup[] = [];
    try {
      const result = await deps.store.transaction((tx) => {
        // The store may run this again on a conflict: only the last run's promotions happened.
        promoted = [];
        return work(tx, async (activity) => {
          const done = await promoteFrom(tx, activity, head, now);
          promoted = done.promoted;
          return done.activity;
        });
      });
      return { result, promoted };
    } catch (error) {
      if (!(error instanceof StaleWaitlist) || attempt >= WAITLIST_ATTEMPTS) throw error;
    }
  }
}

/**
 * Inside the transaction: enrols the first on the waiting list into the free places of `activity`
 * (as it is about to be written) and returns its new counters. Each one promoted is re-read: the
 * write to it makes a concurrent change to the same sign-up conflict. Nobody can join the list
 * ahead of the head read before (new entries get a larger waitSeq), so if all of them are still
 * waiting they are still its head.
 */
async function promoteFrom(
  tx: Transaction,
  activity: Activity,
  head: readonly ActivitySignup[],
  now: Date,
): Promise<{ activity: Activity; promoted: ActivitySignup[] }> {
  const due = Math.max(0, Math.min(activity.capacity - activity.enrolled, activity.waitlisted));
  if (due === 0) return { activity, promoted: [] };
  if (head.length < due) throw new StaleWaitlist();
  const signups = tx.collection<ActivitySignup>(COLLECTIONS.activitySignups);
  const promoted: ActivitySignup[] = [];
  for (const candidate of head.slice(0, due)) {
    const current = await signups.get(candidate._id);
    if (!current || current.status !== 'waitlisted') throw new StaleWaitlist();
    await signups.update(candidate._id, { set: { status: 'enrolled', updatedAt: now }, unset: ['waitSeq'] });
    promoted.push(current);
  }
  return { activity: { ...activity, enrolled: activity.enrolled + due, waitlisted: activity.waitlisted - due }, promoted };
}

// ---- notifications (best effort: the action has happened whether or not a message goes out) ----

const activityPage = (activityId: string) => `volunteer/activity/index?id=${encodeURIComponent(activityId)}`;
/** Those a cancellation concerns: everyone still expecting to take part. */
const TOLD_OF_CANCELLATION: readonly SignupStatus[] = ['enrolled', 'checked_in', 'waitlisted'];
/** Messages sent at once: a large activity is told in a few rounds, not one long queue. */
const NOTIFY_BATCH = 20;

async function notifyAll(deps: Deps, openids: readonly string[], message: (openid: string) => Notification): Promise<void> {
  for (let from = 0; from < openids.length; from += NOTIFY_BATCH) {
    await Promise.all(openids.slice(from, from + NOTIFY_BATCH).map((openid) => notify(deps, message(openid))));
  }
}

function notifyPromoted(deps: Deps, activity: Activity, promoted: readonly ActivitySignup[]): Promise<void> {
  return notifyAll(
    deps,
    promoted.map((signup) => signup.openid),
    (touser) => ({
      kind: 'activity_promoted',
      touser,
      page: activityPage(activity._id),
      fields: { thing1: clip(activity.name, 20), time2: formatLocal(activity.startAt), thing3: clip(activity.place, 20), thing4: '候补成功，您已获得活动名额' },
    }),
  );
}

async function notifyCancelled(deps: Deps, activity: Activity, reason: string): Promise<void> {
  try {
    const signups = await readAll(signupsOf(deps), { activityId: activity._id, status: { in: TOLD_OF_CANCELLATION } }, { orderBy: [['_id', 'asc']] });
    await notifyAll(
      deps,
      signups.map((signup) => signup.openid),
      (touser) => ({
        kind: 'activity_cancelled',
        touser,
        page: activityPage(activity._id),
        fields: { thing1: clip(activity.name, 20), time2: formatLocal(activity.startAt), thing3: clip(reason, 20), thing4: '活动已取消，敬请谅解' },
      }),
    );
  } catch (error) {
    // The cancellation stands; the activity page shows it to anyone who looks.
    console.warn('[activity] cancellation notices not sent:', (error as Error).message ?? error);
  }
}

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
      { openid, status: { in: ['checked_in', 'attended'] }, checkInAt: { gte: new Date(from - DAY_MS), lte: new Date(to) } },
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
  /** The volunteer typed a code: refuse if they were locked out meanwhile. */
  byCode: boolean;
}

/**
 * One transaction: the sign-up becomes attended, the statutory record (办法 Art. 7) is written
 * with its hours, and the activity's points are posted. Checking out again returns what the first
 * check-out wrote.
 */
async function checkOut(deps: Deps, request: CheckOut): Promise<{ activity: Activity; signup: ActivitySignup; record: ServiceRecord }> {
  const seen = await activitiesOf(deps).get(request.activityId);
  if (!seen) throw notFound();
  const community = await loadCommunity(deps, seen.communityId);
  const now = deps.clock.now();
  return deps.store.transaction(async (tx) => {
    const activity = await tx.collection<Activity>(COLLECTIONS.activities).get(request.activityId);
    if (!activity) throw notFound();
    const signups = tx.collection<ActivitySignup>(COLLECTIONS.activitySignups);
    const signup = await signups.get(signupIdOf(request.activityId, request.openid));
    if (!signup) throw new DomainError('NOT_FOUND', '该志愿者没有报名此活动');
    const recordId = activityRecordId(activity._id, signup.openid);
    if (signup.status === 'attended') {
      const record = await tx.collection<ServiceRecord>(COLLECTIONS.serviceRecords).get(signup.recordId ?? recordId);
      if (record) return { activity, signup, record };
    }
    if (signup.status !== 'checked_in' || !signup.checkInAt) throw new DomainError('CONFLICT', `当前为“${STATUS_NAMES[signup.status]}”，签到后才能签退`);
    if (request.byCode && signup.codeFailures >= MAX_CODE_FAILURES) throw lockedOut('签退');
    if (request.at.getTime() < new Date(signup.checkInAt).getTime()) {
      throw new DomainError('INVALID_INPUT', `签退时间不能早于签到时间（${formatLocal(signup.checkInAt)}）`);
    }
    // Only the scheduled time counts (see attendedMinutes); staff correct a record for the exceptions.
    const minutes = attendedMinutes(activity, signup.checkInAt, request.at);
    // Read outside the transaction but after it began: a concurrent check-out of the same volunteer
    // also writes their hours counter, so one of the two conflicts, runs again and sees the other.
    const other = await overlappingAttendance(deps, activity, signup.openid, new Date(signup.checkInAt), request.at, true);
    if (other) throw overlapping(other);
    const hours = minutesToHours(minutes, hourRoundingOf(community));
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
    });
    // Within today's cap, even for a rate approved under a higher one, and for no more hours than the
    // schedule had when the rate was approved.
    const paidHours = Math.min(record.hours, (activity.paidMinutesCap ?? Infinity) / 60);
    const points = Math.round(paidHours * Math.min(activity.pointsPerHour, pointsCapsOf(community).activityPointsPerHour));
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
      });
    }
    const set = { status: 'attended', checkOutAt: request.at, checkOutBy: request.by, recordId: record._id, updatedAt: now, ...(request.byCode ? { codeFailures: 0 } : {}) };
    // Recorded now, so the record timer's alert (if any) is done with.
    const update: Update = signup.recordAlert ? { set, unset: ['recordAlert'] } : { set };
    await signups.update(signup._id, update);
    const { recordAlert: _done, ...rest } = signup;
    return { activity, signup: { ...rest, ...set, status: 'attended' as const }, record };
  });
}

// ---- the handlers -----------------------------------------------------------------------------

type MyReply = ActivityView & { mySignup: SignupView };

async function withMySignup(deps: Deps, activity: Activity, signup: ActivitySignup, now: Date, hours?: number): Promise<MyReply> {
  return { ...activityView(activity, now), mySignup: await mySignupView(deps, signup, hours) };
}

export const activityHandlers: Handlers<'activity'> = {
  'activity.list': async (input, { caller, deps }) => {
    const communityId = memberCommunity(caller);
    const now = deps.clock.now();
    const past = input.when === 'past';
    const page = await keysetPage(
      activitiesOf(deps),
      { communityId, endAt: past ? { lt: now } : { gte: now } },
      [
        ['startAt', past ? 'desc' : 'asc'],
        ['_id', past ? 'desc' : 'asc'],
      ],
      input,
      (activity) => activity,
    );
    // One read for the caller's sign-ups on this page (their _ids follow from the activity's).
    const mine = await readByIds(
      signupsOf(deps),
      page.items.map((activity) => signupIdOf(activity._id, caller.openid)),
    );
    const hours = await recordedHoursOf(deps, [...mine.values()]);
    return {
      items: page.items.map((activity) => {
        const signup = mine.get(signupIdOf(activity._id, caller.openid));
        const view = activityView(activity, now);
        return signup ? { ...view, mySignup: signupView(signup, compact({ hours: signup.recordId ? hours.get(signup.recordId) : undefined })) } : view;
      }),
      nextCursor: page.nextCursor,
    };
  },

  'activity.get': async (input, { caller, deps }) => {
    const activity = await loadActivity(deps, input.activityId, memberCommunity(caller));
    const now = deps.clock.now();
    const signup = await signupsOf(deps).get(signupIdOf(activity._id, caller.openid));
    return signup ? withMySignup(deps, activity, signup, now) : activityView(activity, now);
  },

  'activity.mine': async (input, { caller, deps }) => {
    memberCommunity(caller);
    const page = await keysetPage(
      signupsOf(deps),
      { openid: caller.openid },
      [
        ['signedUpAt', 'desc'],
        ['_id', 'desc'],
      ],
      input,
      (signup) => signup,
    );
    const activities = await readByIds(
      activitiesOf(deps),
      page.items.map((signup) => signup.activityId),
    );
    const hours = await recordedHoursOf(deps, page.items);
    const now = deps.clock.now();
    return {
      items: page.items.flatMap((signup) => {
        const activity = activities.get(signup.activityId);
        if (!activity) return [];
        return [{ ...activityView(activity, now), mySignup: signupView(signup, compact({ hours: signup.recordId ? hours.get(signup.recordId) : undefined })) }];
      }),
      nextCursor: page.nextCursor,
    };
  },

  'activity.create': async (input, { caller, deps }) => {
    const communityId = staffCommunity(caller);
    const activities = activitiesOf(deps);
    const retried = async () => (await activities.find({ createdBy: caller.openid, clientRequestId: input.clientRequestId }, { limit: 1 }))[0];
    const now = deps.clock.now();
    // A retried tap returns the activity the first one made (the unique index guards the race below).
    const earlier = await retried();
    if (earlier) {
      // The first attempt saved the activity but its rate was not proposed (it failed after): propose it now.
      const lost = input.pointsPerHour > 0 && earlier.pointsPerHour === 0 && !earlier.pendingRuleChange && earlier.status === 'published';
      if (!lost) return activityView(earlier, now);
      await proposeRuleChange(deps, caller, { communityId, target: activityRule(earlier), before: 0, after: input.pointsPerHour, minutes: minutesBetween(earlier.startAt, earlier.endAt) });
      return activityView((await activitiesOf(deps).get(earlier._id)) ?? earlier, now);
    }

    const signupClosesAt = input.signupClosesAt ?? input.startAt;
    const times: Times = {
      startAt: input.startAt,
      endAt: input.endAt,
      signupOpensAt: input.signupOpensAt ?? now.toISOString(),
      signupClosesAt,
      withdrawClosesAt: input.withdrawClosesAt ?? signupClosesAt,
    };
    if (new Date(times.startAt).getTime() <= now.getTime()) throw new DomainError('INVALID_INPUT', '开始时间应晚于现在');
    checkTimes(times);
    const community = await loadCommunity(deps, communityId);
    const overCap = capProblem('activity_points', undefined, input.pointsPerHour, pointsCapsOf(community));
    if (overCap) throw new DomainError('INVALID_INPUT', overCap);
    if (input.pointsPerHour > 0) await assertCanPropose(deps, caller);
    const activity: Activity = {
      _id: `act-${deps.random.id()}`,
      communityId,
      name: input.name,
      content: input.content,
      place: input.place,
      ...dates(times),
      organiser: input.organiser || community.name,
      personInCharge: input.personInCharge || caller.user?.name || '',
      capacity: input.capacity,
      skills: [...new Set(input.skills ?? [])],
      // What it pays waits for a second staff member (proposed below); sign-up opens at once.
      pointsPerHour: 0,
      status: 'published',
      enrolled: 0,
      waitlisted: 0,
      waitSeq: 0,
      attendanceSecret: deps.random.code(24),
      clientRequestId: input.clientRequestId,
      createdBy: caller.openid,
      createdAt: now,
      updatedAt: now,
    };
    if (!(await activities.add(activity))) {
      const raced = await retried();
      if (raced) return activityView(raced, now);
      throw new DomainError('CONFLICT', '活动编号冲突，请重试');
    }
    if (input.pointsPerHour === 0) return activityView(activity, now);
    await proposeRuleChange(deps, caller, { communityId, target: activityRule(activity), before: 0, after: input.pointsPerHour, minutes: minutesBetween(activity.startAt, activity.endAt) });
    return activityView((await activitiesOf(deps).get(activity._id)) ?? activity, now);
  },

  'activity.update': async (input, { caller, deps }) => {
    const communityId = staffCommunity(caller);
    const seen = await loadActivity(deps, input.activityId, communityId);
    const now = deps.clock.now();
    const phase = activityPhase(seen, now);
    if (phase === 'cancelled') throw cancelledConflict(seen);
    if (phase === 'ended') throw new DomainError('CONFLICT', '活动已结束，不能再修改');
    const given: Partial<Times> = compact({
      startAt: input.startAt,
      endAt: input.endAt,
      signupOpensAt: input.signupOpensAt,
      signupClosesAt: input.signupClosesAt,
      withdrawClosesAt: input.withdrawClosesAt,
    });
    const moves = (field: 'startAt' | 'endAt') => given[field] !== undefined && new Date(given[field]!).getTime() !== new Date(seen[field]).getTime();
    // Once check-in has opened, the schedule (which bounds everyone's hours) is what it is.
    if ((moves('startAt') || moves('endAt')) && codeShown(seen, now)) throw new DomainError('CONFLICT', '活动已开始签到，开始和结束时间不能再修改');
    if (moves('startAt') && new Date(given.startAt!).getTime() <= now.getTime()) {
      throw new DomainError('INVALID_INPUT', '开始时间应晚于现在');
    }
    const times: Times = { ...timesOf(seen), ...given };
    checkTimes(times);
    const fields: Partial<Activity> = compact({
      name: input.name,
      content: input.content,
      place: input.place,
      ...dates(times),
      // An empty organiser or person in charge keeps the one there: both must be on the record.
      organiser: input.organiser || undefined,
      personInCharge: input.personInCharge || undefined,
      capacity: input.capacity,
      skills: input.skills ? [...new Set(input.skills)] : undefined,
    });
    // A new rate is proposed for a second staff member (after the other changes are saved).
    const newRate =
      input.pointsPerHour !== undefined && input.pointsPerHour !== seen.pointsPerHour && input.pointsPerHour !== seen.pendingRuleChange?.after ? input.pointsPerHour : undefined;
    if (newRate !== undefined) {
      const overCap = capProblem('activity_points', undefined, newRate, pointsCapsOf(await loadCommunity(deps, communityId)));
      if (overCap) throw new DomainError('INVALID_INPUT', overCap);
      await assertCanPropose(deps, caller);
    }
    const capacity = input.capacity ?? seen.capacity;

    const { result: updated, promoted } = await withWaitlist(
      deps,
      seen._id,
      (activity) => capacity - activity.enrolled,
      async (tx, promote) => {
        const activities = tx.collection<Activity>(COLLECTIONS.activities);
        const activity = await activities.get(seen._id);
        if (!activity) throw notFound();
        if (activity.status === 'cancelled') throw cancelledConflict(activity);
        if (capacity < activity.enrolled) {
          throw new DomainError('CONFLICT', `已有 ${activity.enrolled} 人获得名额，招募人数不能少于 ${activity.enrolled} 人`);
        }
        // Raising the capacity admits the waiting list, in turn.
        const next = await promote({ ...activity, ...fields, updatedAt: now });
        await activities.update(activity._id, { set: { ...fields, enrolled: next.enrolled, waitlisted: next.waitlisted, updatedAt: now } });
        return next;
      },
    );
    await notifyPromoted(deps, updated, promoted);
    if (newRate === undefined) return activityView(updated, now);
    await proposeRuleChange(deps, caller, { communityId, target: activityRule(updated), before: seen.pointsPerHour, after: newRate, minutes: minutesBetween(updated.startAt, updated.endAt) });
    return activityView((await activitiesOf(deps).get(updated._id)) ?? updated, now);
  },

  'activity.cancel': async (input, { caller, deps }) => {
    const communityId = staffCommunity(caller);
    const seen = await loadActivity(deps, input.activityId, communityId);
    const now = deps.clock.now();
    if (seen.status === 'cancelled') return activityView(seen, now);
    if (activityPhase(seen, now) === 'ended') throw new DomainError('CONFLICT', '活动已结束，不能取消');
    const set = { status: 'cancelled' as const, cancelReason: input.reason, updatedAt: now };
    const written = await activitiesOf(deps).update({ _id: seen._id, status: 'published', endAt: { gt: now } }, { set });
    if (written === 0) {
      const current = await loadActivity(deps, seen._id, communityId);
      if (current.status === 'cancelled') return activityView(current, now);
      throw new DomainError('CONFLICT', '活动状态已变化，请刷新后重试');
    }
    // Only the call that cancelled it tells people (a retried tap returned above).
    await notifyCancelled(deps, seen, input.reason);
    return activityView({ ...seen, ...set }, now);
  },

  'activity.signUp': async (input, { caller, deps }) => {
    const volunteer = volunteerOf(caller);
    const seen = await loadActivity(deps, input.activityId, volunteer.communityId);
    const missing = seen.skills.filter((skill) => !volunteer.skills.includes(skill));
    if (missing.length > 0) throw new DomainError('FORBIDDEN', `报名该活动需要具备以下技能：${missing.join('、')}`);
    const now = deps.clock.now();
    const signupId = signupIdOf(seen._id, caller.openid);

    const { activity, signup } = await deps.store.transaction(async (tx) => {
      const activities = tx.collection<Activity>(COLLECTIONS.activities);
      const signups = tx.collection<ActivitySignup>(COLLECTIONS.activitySignups);
      const activity = await activities.get(seen._id);
      if (!activity) throw notFound();
      const existing = await signups.get(signupId);
      // Signing up again (a retried tap) returns the place already held.
      if (existing && SIGNED_UP.includes(existing.status)) return { activity, signup: existing };
      if (activity.status === 'cancelled') throw cancelledConflict(activity);
      // The sign-up window, not the phase: staff may keep sign-up open past the start.
      if (now.getTime() < new Date(activity.signupOpensAt).getTime()) {
        throw new DomainError('CONFLICT', `报名尚未开始，将于 ${formatLocal(activity.signupOpensAt)} 开始报名`);
      }
      if (now.getTime() >= new Date(activity.signupClosesAt).getTime() || now.getTime() >= new Date(activity.endAt).getTime()) {
        throw new DomainError('CONFLICT', '报名已截止');
      }
      const base = {
        _id: signupId,
        activityId: activity._id,
        communityId: activity.communityId,
        openid: caller.openid,
        volunteerName: volunteer.realName,
        signedUpAt: now,
        // Wrong codes still count after withdrawing and signing up again: no fresh guesses that way.
        codeFailures: existing?.codeFailures ?? 0,
        updatedAt: now,
      };
      let signup: ActivitySignup;
      let next: Activity;
      if (existing?.status === 'no_show') {
        // Marked absent, then back before sign-up closed: they still hold the place they had.
        signup = { ...base, status: 'enrolled' };
        next = activity;
      } else if (activity.enrolled < activity.capacity) {
        signup = { ...base, status: 'enrolled' };
        next = { ...activity, enrolled: activity.enrolled + 1 };
      } else {
        // A waiting list longer than this serves nobody, and the attendance sheet lists it whole.
        if (activity.waitlisted >= MAX_WAITLIST) throw new DomainError('CONFLICT', `名额已满，候补也已满（${MAX_WAITLIST} 人），请关注其他活动`);
        signup = { ...base, status: 'waitlisted', waitSeq: activity.waitSeq + 1 };
        next = { ...activity, waitlisted: activity.waitlisted + 1, waitSeq: activity.waitSeq + 1 };
      }
      // Always written, even unchanged: two sign-ups for the last place then conflict at commit.
      await activities.update(activity._id, { set: { enrolled: next.enrolled, waitlisted: next.waitlisted, waitSeq: next.waitSeq, updatedAt: now } });
      // A withdrawn or no-show sign-up is replaced whole (its old check-in times go with it).
      if (existing) await signups.set(signup);
      else await signups.add(signup);
      return { activity: { ...next, updatedAt: now }, signup };
      // Everyone signing up writes this one activity: when sign-up opens for a popular one, waiting
      // a few seconds more for a place beats being told to try again.
    }, { attempts: SIGN_UP_ATTEMPTS });
    return withMySignup(deps, activity, signup, now);
  },

  'activity.withdraw': async (input, { caller, deps }) => {
    const volunteer = volunteerOf(caller);
    const seen = await loadActivity(deps, input.activityId, volunteer.communityId);
    const seenSignup = await loadOwnSignup(deps, seen._id, caller.openid);
    const now = deps.clock.now();
    if (seenSignup.status === 'withdrawn') return withMySignup(deps, seen, seenSignup, now);
    if (seen.status === 'cancelled') throw cancelledConflict(seen);
    if (now.getTime() >= new Date(seen.withdrawClosesAt).getTime()) {
      throw new DomainError('CONFLICT', `已过取消报名截止时间（${formatLocal(seen.withdrawClosesAt)}），如不能参加请联系活动负责人${seen.personInCharge}`);
    }

    const {
      result: { activity, signup },
      promoted,
    } = await withWaitlist(
      deps,
      seen._id,
      // A place given up frees one for the first on the list (read one more than the free places, to be sure).
      (activity) => activity.capacity - activity.enrolled + 1,
      async (tx, promote) => {
        const activities = tx.collection<Activity>(COLLECTIONS.activities);
        const signups = tx.collection<ActivitySignup>(COLLECTIONS.activitySignups);
        const activity = await activities.get(seen._id);
        const signup = await signups.get(seenSignup._id);
        if (!activity || !signup) throw notFound();
        if (signup.status === 'withdrawn') return { activity, signup };
        if (signup.status !== 'enrolled' && signup.status !== 'waitlisted') {
          throw new DomainError('CONFLICT', `当前为“${STATUS_NAMES[signup.status]}”，不能取消报名`);
        }
        if (activity.status === 'cancelled') throw cancelledConflict(activity);
        const { waitSeq: _left, ...rest } = signup;
        const withdrawn: ActivitySignup = { ...rest, status: 'withdrawn', withdrawnAt: now, updatedAt: now };
        await signups.set(withdrawn);
        const freed =
          signup.status === 'enrolled' ? { ...activity, enrolled: activity.enrolled - 1 } : { ...activity, waitlisted: activity.waitlisted - 1 };
        const next = await promote(freed);
        await activities.update(activity._id, { set: { enrolled: next.enrolled, waitlisted: next.waitlisted, updatedAt: now } });
        return { activity: { ...next, updatedAt: now }, signup: withdrawn };
      },
    );
    await notifyPromoted(deps, activity, promoted);
    return withMySignup(deps, activity, signup, now);
  },

  'activity.code': async (input, { caller, deps }) => {
    const activity = await loadActivity(deps, input.activityId, staffCommunity(caller));
    const now = deps.clock.now();
    if (activity.status === 'cancelled') throw cancelledConflict(activity);
    if (!codeShown(activity, now)) throw new DomainError('CONFLICT', '签到码在活动开始前 30 分钟至结束后 2 小时内显示');
    // Whoever holds the code may not use it for themselves (see selfAttendance).
    if (!activity.codeShownTo?.includes(caller.openid)) await activitiesOf(deps).update({ _id: activity._id }, { addToSet: { codeShownTo: caller.openid } });
    return { code: attendanceCode(activity.attendanceSecret, now), rotatesAt: iso(attendanceCodeRotatesAt(now)) };
  },

  'activity.checkIn': async (input, { caller, deps }) => {
    const volunteer = volunteerOf(caller);
    const activity = await loadActivity(deps, input.activityId, volunteer.communityId);
    const signup = await loadOwnSignup(deps, activity._id, caller.openid);
    const now = deps.clock.now();
    if (signup.status === 'checked_in') return withMySignup(deps, activity, signup, now);
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
      if (current.status === 'checked_in') return withMySignup(deps, activity, current, now);
      if (current.codeFailures >= MAX_CODE_FAILURES) throw lockedOut('签到');
      throw new DomainError('CONFLICT', `当前为“${STATUS_NAMES[current.status]}”，不能签到`);
    }
    return withMySignup(deps, activity, { ...signup, ...set }, now);
  },

  'activity.checkOut': async (input, { caller, deps }) => {
    const volunteer = volunteerOf(caller);
    const activity = await loadActivity(deps, input.activityId, volunteer.communityId);
    const signup = await loadOwnSignup(deps, activity._id, caller.openid);
    const now = deps.clock.now();
    if (signup.status !== 'attended') {
      if (signup.status !== 'checked_in') throw new DomainError('CONFLICT', `当前为“${STATUS_NAMES[signup.status]}”，签到后才能签退`);
      if (!checkOutOpen(activity, now)) throw new DomainError('CONFLICT', '已过签退时间（活动结束后 2 小时），请联系活动负责人为您签退');
      refuseSelfAttendance(activity, caller.openid, '签退');
      await checkCode(deps, signup, activity, input.code, now, '签退');
    }
    const done = await checkOut(deps, { activityId: activity._id, openid: caller.openid, at: now, by: caller.openid, byCode: true });
    return { ...(await withMySignup(deps, done.activity, done.signup, now, done.record.hours)), record: recordView(done.record) };
  },

  'activity.attendance': async (input, { caller, deps }) => {
    const activity = await loadActivity(deps, input.activityId, staffCommunity(caller));
    const signups = await readAll(signupsOf(deps), { activityId: activity._id }, { orderBy: [['_id', 'asc']] });
    const hours = await recordedHoursOf(deps, signups);
    return {
      activity: activityView(activity, deps.clock.now()),
      signups: attendanceOrder(signups).map((signup) =>
        signupView(signup, compact({ waitPosition: signup.waitPosition, hours: signup.recordId ? hours.get(signup.recordId) : undefined })),
      ),
    };
  },

  'activity.mark': async (input, { caller, deps }) => {
    const activity = await loadActivity(deps, input.activityId, staffCommunity(caller));
    // Staff who also volunteer may not vouch for their own hours and points.
    if (input.openid === caller.openid) throw new DomainError('FORBIDDEN', '不能为自己签到、签退或标记未到，请由其他工作人员操作');
    const signups = signupsOf(deps);
    const signup = await signups.get(signupIdOf(activity._id, input.openid));
    if (!signup) throw new DomainError('NOT_FOUND', '该志愿者没有报名此活动');
    const now = deps.clock.now();
    const at = input.at ? new Date(input.at) : now;
    if (at.getTime() > now.getTime()) throw new DomainError('INVALID_INPUT', '时间不能晚于现在');
    if (signup.status === 'waitlisted') throw new DomainError('CONFLICT', '该志愿者在候补名单中，尚未获得名额');
    // Attendance becomes hours and points: whoever approved the volunteer does not vouch for it.
    if (input.mark !== 'no_show' && admittedVolunteer(await deps.store.collection<Volunteer>(COLLECTIONS.volunteers).get(input.openid), caller.openid)) {
      throw new DomainError('FORBIDDEN', `这位志愿者是您审核通过的，请由其他工作人员为其${input.mark === 'check_in' ? '签到' : '签退'}`);
    }

    // Even when the activity was cancelled meanwhile: whoever had checked in served until then, and
    // the time must be recorded (it is also what clears the 10-working-day alert).
    if (input.mark === 'check_out') {
      const done = await checkOut(deps, { activityId: activity._id, openid: input.openid, at, by: caller.openid, byCode: false });
      return { signup: signupView(done.signup, { hours: done.record.hours }), record: recordView(done.record) };
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
