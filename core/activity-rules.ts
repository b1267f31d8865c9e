/**
 * The rules of a volunteer activity that follow from its times alone: where it stands (phase),
 * when the attendance code is shown and accepted, how much of someone's attendance counts, and the
 * order of the attendance sheet. Pure: the use cases pass `now`.
 */
import type { ActivityPhase } from './contract/activity';
import type { Activity, ActivitySignup, SignupStatus } from './model';

const MINUTE_MS = 60_000;

/** Check-in opens this long before the start (people arrive early to set up)… */
export const CHECK_IN_OPENS_BEFORE_MS = 30 * MINUTE_MS;
/** …and check-out (and the code staff show) closes this long after the end. */
export const CHECK_OUT_CLOSES_AFTER_MS = 2 * 60 * MINUTE_MS;
/** Wrong codes a volunteer may type before only staff can check them in or out. */
export const MAX_CODE_FAILURES = 5;

type Times = Pick<Activity, 'status' | 'startAt' | 'endAt' | 'signupOpensAt' | 'signupClosesAt'>;

const ms = (value: Date | string): number => new Date(value).getTime();

export function activityPhase(activity: Times, now: Date): ActivityPhase {
  if (activity.status === 'cancelled') return 'cancelled';
  const at = now.getTime();
  if (at >= ms(activity.endAt)) return 'ended';
  if (at >= ms(activity.startAt)) return 'ongoing';
  if (at < ms(activity.signupOpensAt)) return 'not_open';
  if (at < ms(activity.signupClosesAt)) return 'open';
  return 'closed';
}

/** Whether the attendance code is shown (and a volunteer may check in at all, until the end). */
export const codeShown = (activity: Pick<Activity, 'startAt' | 'endAt'>, now: Date): boolean =>
  now.getTime() >= ms(activity.startAt) - CHECK_IN_OPENS_BEFORE_MS && now.getTime() <= ms(activity.endAt) + CHECK_OUT_CLOSES_AFTER_MS;

export const checkInOpen = (activity: Pick<Activity, 'startAt' | 'endAt'>, at: Date): boolean =>
  at.getTime() >= ms(activity.startAt) - CHECK_IN_OPENS_BEFORE_MS && at.getTime() <= ms(activity.endAt);

export const checkOutOpen = (activity: Pick<Activity, 'endAt'>, at: Date): boolean => at.getTime() <= ms(activity.endAt) + CHECK_OUT_CLOSES_AFTER_MS;

/**
 * Whole minutes of service: the overlap of [check-in, check-out] with the scheduled [start, end].
 * Arriving early or staying late does not count, nor does a check-out forgotten until the next
 * day; when someone really served outside the schedule, staff correct the record (with its audit).
 */
export function attendedMinutes(activity: Pick<Activity, 'startAt' | 'endAt'>, checkInAt: Date | string, checkOutAt: Date | string): number {
  const from = Math.max(ms(activity.startAt), ms(checkInAt));
  const to = Math.min(ms(activity.endAt), ms(checkOutAt));
  return to <= from ? 0 : Math.floor((to - from) / MINUTE_MS);
}

/** Statuses that hold one of the activity's places (the `enrolled` counter counts exactly these). */
export const HOLDS_PLACE: readonly SignupStatus[] = ['enrolled', 'checked_in', 'attended', 'no_show'];
/** Statuses in which signing up again changes nothing. */
export const SIGNED_UP: readonly SignupStatus[] = ['enrolled', 'waitlisted', 'checked_in', 'attended'];

/** The attendance sheet: those with a place (in sign-up order), then the waiting list in turn, then those who withdrew. */
export function attendanceOrder<S extends Pick<ActivitySignup, 'status' | 'waitSeq' | 'signedUpAt' | '_id'>>(signups: readonly S[]): Array<S & { waitPosition?: number }> {
  const bySignUp = (a: S, b: S) => ms(a.signedUpAt) - ms(b.signedUpAt) || (a._id < b._id ? -1 : a._id > b._id ? 1 : 0);
  const onList = signups.filter((signup) => HOLDS_PLACE.includes(signup.status)).sort(bySignUp);
  const waiting = signups
    .filter((signup) => signup.status === 'waitlisted')
    .sort((a, b) => (a.waitSeq ?? 0) - (b.waitSeq ?? 0))
    .map((signup, index) => ({ ...signup, waitPosition: index + 1 }));
  const withdrawn = signups.filter((signup) => signup.status === 'withdrawn').sort(bySignUp);
  return [...onList, ...waiting, ...withdrawn];
}
