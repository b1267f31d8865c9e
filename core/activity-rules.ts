/**
 * The rules of a volunteer activity that follow from its times alone: where it stands (phase),
 * when sign-up is open and the attendance code is shown and accepted, what someone may do with it
 * now (the `allowed` of its view), how much of someone's attendance counts, and the order of the
 * attendance sheet. Pure: the use cases pass `now`.
 */
import type { ActivityCommand, ActivityPhase, AttendanceMark } from './contract/activity';
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

/** When the attendance code starts to be shown and accepted for check-in. */
export const checkInOpensAt = (activity: Pick<Activity, 'startAt'>): Date => new Date(ms(activity.startAt) - CHECK_IN_OPENS_BEFORE_MS);

/** When the attendance code stops being shown and accepted for check-out. */
export const checkOutClosesAt = (activity: Pick<Activity, 'endAt'>): Date => new Date(ms(activity.endAt) + CHECK_OUT_CLOSES_AFTER_MS);

/** Whether the attendance code is shown (and a volunteer may check in at all, until the end). */
export const codeShown = (activity: Pick<Activity, 'startAt' | 'endAt'>, now: Date): boolean =>
  now.getTime() >= checkInOpensAt(activity).getTime() && now.getTime() <= checkOutClosesAt(activity).getTime();

export const checkInOpen = (activity: Pick<Activity, 'startAt' | 'endAt'>, at: Date): boolean =>
  at.getTime() >= checkInOpensAt(activity).getTime() && at.getTime() <= ms(activity.endAt);

export const checkOutOpen = (activity: Pick<Activity, 'endAt'>, at: Date): boolean => at.getTime() <= checkOutClosesAt(activity).getTime();

/**
 * Whether the activity takes sign-ups now: its sign-up window, not its phase (staff may keep
 * sign-up open past the start), and never after the end.
 */
export const signUpOpen = (activity: Pick<Activity, 'status' | 'signupOpensAt' | 'signupClosesAt' | 'endAt'>, now: Date): boolean =>
  activity.status !== 'cancelled' &&
  now.getTime() >= ms(activity.signupOpensAt) &&
  now.getTime() < ms(activity.signupClosesAt) &&
  now.getTime() < ms(activity.endAt);

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

/** Who is looking at an activity, as far as what they may do with it goes. */
export interface ActivityViewer {
  /** An approved volunteer (the `volunteer` role). */
  volunteer: boolean;
  /** Staff of the activity's community. */
  staff: boolean;
}

type CommandFacts = Pick<Activity, 'status' | 'startAt' | 'endAt' | 'signupOpensAt' | 'signupClosesAt' | 'withdrawClosesAt'>;

/**
 * What the viewer may do with the activity now, given their own sign-up (null: none). The same
 * conditions the actions check on the activity's status and times and the sign-up's status; the
 * checks on other documents (the volunteer's skills, the code and its failures, who showed it)
 * stay with the actions, whose refusals say why.
 */
export function activityCommands(activity: CommandFacts, mySignup: Pick<ActivitySignup, 'status'> | null, viewer: ActivityViewer, now: Date): ActivityCommand[] {
  const commands: ActivityCommand[] = [];
  const cancelled = activity.status === 'cancelled';
  const status = mySignup?.status;
  if (viewer.volunteer) {
    if ((status === undefined || !SIGNED_UP.includes(status)) && signUpOpen(activity, now)) commands.push('signUp');
    if ((status === 'enrolled' || status === 'waitlisted') && !cancelled && now.getTime() < ms(activity.withdrawClosesAt)) commands.push('withdraw');
    if (status === 'enrolled' && !cancelled && checkInOpen(activity, now)) commands.push('checkIn');
    // With the code, which staff cannot show for a cancelled activity: then staff check them out.
    if (status === 'checked_in' && !cancelled && checkOutOpen(activity, now)) commands.push('checkOut');
  }
  if (viewer.staff) {
    const phase = activityPhase(activity, now);
    if (phase !== 'cancelled' && phase !== 'ended') commands.push('update', 'cancel');
    commands.push('attendance');
  }
  return commands;
}

/**
 * The marks a staff member may record on the sheet for this sign-up now (activity.mark at the
 * present time). Nobody marks themselves; a check-out is recorded even for a cancelled activity
 * (whoever had checked in served until then); someone marked absent who turns up is checked in.
 * Whoever approved the volunteer is refused by the action (it reads the volunteer's record).
 */
export function attendanceMarks(activity: Pick<Activity, 'status' | 'startAt' | 'endAt'>, signup: Pick<ActivitySignup, 'status' | 'openid'>, staffOpenid: string, now: Date): AttendanceMark[] {
  if (signup.openid === staffOpenid) return [];
  if (signup.status === 'checked_in') return ['check_out'];
  if (activity.status === 'cancelled') return [];
  const marks: AttendanceMark[] = [];
  if ((signup.status === 'enrolled' || signup.status === 'no_show') && checkInOpen(activity, now)) marks.push('check_in');
  if (signup.status === 'enrolled' && now.getTime() >= ms(activity.startAt)) marks.push('no_show');
  return marks;
}

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
