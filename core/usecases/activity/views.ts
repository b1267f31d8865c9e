/** What volunteers and staff see of an activity and a sign-up, and the reads that list them. */
import type { ActivityView, SignupView } from '../../contract';
import { activityCommands, activityPhase, checkInOpensAt, checkOutClosesAt } from '../../activity-rules';
import type { Handlers } from '../../handlers';
import { type ActivitySignup, type Activity, COLLECTIONS, type LedgerEntry, type ServiceRecord } from '../../model';
import type { Caller, Deps } from '../../ports';
import { iso } from '../../time';
import { isStaffOf, memberCommunity } from '../shared/access';
import { keysetPage, keysetPageJoined } from '../shared/paging';
import { compact, readByIds } from '../shared/store';
import { activitiesOf, activityRecordId, loadActivity, signupIdOf, signupsOf } from './loading';

/**
 * The activity as `caller` sees it at `now`, with what they may do (`allowed`); `mySignup` is the
 * caller's own sign-up (null: they have none), which the volunteer's commands depend on.
 */
export function activityView(activity: Activity, caller: Caller, now: Date, mySignup: ActivitySignup | null): ActivityView {
  const viewer = { volunteer: caller.roles.has('volunteer'), staff: isStaffOf(caller, activity.communityId) };
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
    checkInOpensAt: iso(checkInOpensAt(activity)),
    checkOutClosesAt: iso(checkOutClosesAt(activity)),
    allowed: activityCommands(activity, mySignup, viewer, now),
  };
}

/**
 * The caller's sign-up where a staff action (create, update, cancel) replies with the activity: read only
 * for someone who also volunteers, as only their commands depend on it.
 */
export const mySignupOf = async (deps: Deps, activity: Activity, caller: Caller): Promise<ActivitySignup | null> =>
  caller.roles.has('volunteer') ? signupsOf(deps).get(signupIdOf(activity._id, caller.openid)) : null;

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
export async function recordedHoursOf(deps: Deps, signups: readonly ActivitySignup[]): Promise<Map<string, number>> {
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

/** What the action that changed a sign-up already knows, so it is not read again. */
interface Known {
  hours?: number;
  waitPosition?: number;
  /** The points a check-out just posted. */
  points?: number;
}

/** The caller's sign-up as they see it: with their place in the queue, the hours recorded and the points posted. */
async function mySignupView(deps: Deps, signup: ActivitySignup, known: Known): Promise<SignupView> {
  const [waitPosition, points] = await Promise.all([known.waitPosition ?? waitPositionOf(deps, signup), known.points ?? postedPointsOf(deps, signup)]);
  const recorded = known.hours ?? (signup.recordId ? (await recordedHoursOf(deps, [signup])).get(signup.recordId) : undefined);
  return signupView(signup, compact({ waitPosition, hours: recorded, points }));
}

type MyReply = ActivityView & { mySignup: SignupView };

/** The activity as the volunteer who owns `signup` (the caller) sees it, with their sign-up. */
export async function withMySignup(deps: Deps, caller: Caller, activity: Activity, signup: ActivitySignup, now: Date, known: Known = {}): Promise<MyReply> {
  return { ...activityView(activity, caller, now, signup), mySignup: await mySignupView(deps, signup, known) };
}

export const viewHandlers: Pick<Handlers<'activity'>, 'activity.list' | 'activity.get' | 'activity.mine'> = {
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
      // The waiting list's claim tokens are the server's business (up to MAX_WAITLIST of them).
      { omit: ['waitTokens'] },
    );
    // One read for the caller's sign-ups on this page (their _ids follow from the activity's), each
    // with its service record (the hours) joined on.
    const ids = page.items.map((activity) => signupIdOf(activity._id, caller.openid));
    const joined = ids.length === 0 ? [] : await signupsOf(deps).findJoined<{ record: ServiceRecord }>({ _id: { in: ids } }, { limit: ids.length }, {
      record: { from: COLLECTIONS.serviceRecords, localField: 'recordId', foreignField: '_id' },
    });
    const mine = new Map(joined.map(({ record: [record], ...signup }) => [signup._id, { signup, hours: record?.hours }]));
    return {
      items: page.items.map((activity) => {
        const found = mine.get(signupIdOf(activity._id, caller.openid));
        const view = activityView(activity, caller, now, found?.signup ?? null);
        return found ? { ...view, mySignup: signupView(found.signup, compact({ hours: found.hours })) } : view;
      }),
      nextCursor: page.nextCursor,
    };
  },

  'activity.get': async (input, { caller, deps }) => {
    const activity = await loadActivity(deps, input.activityId, memberCommunity(caller));
    const now = deps.clock.now();
    const signup = await signupsOf(deps).get(signupIdOf(activity._id, caller.openid));
    return signup ? withMySignup(deps, caller, activity, signup, now) : activityView(activity, caller, now, null);
  },

  'activity.mine': async (input, { caller, deps }) => {
    memberCommunity(caller);
    const now = deps.clock.now();
    // Each sign-up comes with its activity and its service record (the hours), in the same request.
    const page = await keysetPageJoined<ActivitySignup, { activity: Activity; record: ServiceRecord }, (ActivityView & { mySignup: SignupView }) | null>(
      signupsOf(deps),
      { openid: caller.openid },
      [
        ['signedUpAt', 'desc'],
        ['_id', 'desc'],
      ],
      input,
      {
        activity: { from: COLLECTIONS.activities, localField: 'activityId', foreignField: '_id' },
        record: { from: COLLECTIONS.serviceRecords, localField: 'recordId', foreignField: '_id' },
      },
      ({ activity: [activity], record: [record], ...signup }) =>
        activity ? { ...activityView(activity, caller, now, signup), mySignup: signupView(signup, compact({ hours: record?.hours })) } : null,
    );
    return { items: page.items.filter((item) => item !== null), nextCursor: page.nextCursor };
  },
};
