/**
 * Places and waiting-list numbers, claimed without a transaction, so that a rush of sign-ups does
 * not retry transactions on the one activity document.
 *
 * A claim is one conditional write on the activity: `enrolled` goes up only while it is below the
 * capacity read (and the capacity is still that one); once the places are taken, `waitlisted` and
 * `waitSeq` go up together (the number handed out) and a random token is appended to
 * `waitTokens`, which tells the claim its number when it reads the activity back. The database
 * applies each write whole, one at a time, so capacity is never exceeded, every number is handed
 * out once, and concurrent claims never make each other fail or retry. The sign-up document is
 * written just after its claim. Transactions that change the counters (a withdrawal, a capacity
 * change) write the activity too, so a claim landing meanwhile makes them run again.
 *
 * A sign-up that dies between its claim and its document leaves a claim nobody holds: a place
 * counted for nobody (never one too many). Once no claim can still be in flight, settleCounters
 * puts the counters back to the documents.
 */
import { HOLDS_PLACE } from '../../activity-rules';
import { DomainError } from '../../errors';
import type { Activity, ActivitySignup } from '../../model';
import type { Deps, Where } from '../../ports';
import { formatLocal } from '../../time';
import { activitiesOf, cancelledConflict, notFound, signupsOf } from './loading';

/** The longest waiting list an activity keeps. */
export const MAX_WAITLIST = 200;

/**
 * How often a claim is tried before CONFLICT. Claims do not fail because of each other; only when the
 * activity changed (the last place went, staff changed it) is it read again and the claim retried.
 */
const CLAIM_ATTEMPTS = 5;

/**
 * The function times out after 20 s: a sign-up whose document would come later than
 * CLAIM_WRITTEN_WITHIN_MS after its claim (an instance frozen and thawed) writes nothing, so once
 * the activity has not changed for CLAIMS_SETTLED_MS no claim can still be on its way.
 */
const CLAIM_WRITTEN_WITHIN_MS = 30_000;
const CLAIMS_SETTLED_MS = 60_000;

export type Claim =
  /** A place: `activity` shows the counters just after this claim. */
  | { kind: 'place'; activity: Activity }
  /**
   * Number `waitSeq` on the waiting list, and the position (1 for the first) when nobody has left
   * the list (else undefined, to be counted). When one volunteer's taps raced, it counts the
   * numbers their other taps claimed and give back just after.
   */
  | { kind: 'waiting'; activity: Activity; waitSeq: number; position: number | undefined };

/** Why the activity takes no sign-up now, if it does not. */
export function signUpRefusal(activity: Activity, now: Date): DomainError | null {
  if (activity.status === 'cancelled') return cancelledConflict(activity);
  // The sign-up window, not the phase: staff may keep sign-up open past the start.
  if (now.getTime() < new Date(activity.signupOpensAt).getTime()) {
    return new DomainError('CONFLICT', `报名尚未开始，将于 ${formatLocal(activity.signupOpensAt)} 开始报名`);
  }
  if (now.getTime() >= new Date(activity.signupClosesAt).getTime() || now.getTime() >= new Date(activity.endAt).getTime()) {
    return new DomainError('CONFLICT', '报名已截止');
  }
  return null;
}

/**
 * Claims a place, or the next number on the waiting list when the places are taken. `seen` is the
 * activity as just read; it is read again only when it changed in a way that matters (the places
 * filled up, staff changed it).
 */
export async function claimPlace(deps: Deps, seen: Activity, now: Date): Promise<Claim> {
  const activities = activitiesOf(deps);
  let activity = seen;
  for (let attempt = 1; ; attempt += 1) {
    const refused = signUpRefusal(activity, now);
    if (refused) throw refused;
    // Everything the decision rests on, checked again by the write itself.
    const open: Where = {
      _id: activity._id,
      status: 'published',
      capacity: activity.capacity,
      signupOpensAt: { lte: now },
      signupClosesAt: { gt: now },
      endAt: { gt: now },
    };
    if (activity.enrolled < activity.capacity) {
      if (await activities.update({ ...open, enrolled: { lt: activity.capacity } }, { inc: { enrolled: 1 }, set: { updatedAt: now } })) {
        return { kind: 'place', activity: { ...activity, enrolled: activity.enrolled + 1, updatedAt: now } };
      }
    } else {
      // A waiting list longer than this serves nobody, and the attendance sheet lists it whole.
      if (activity.waitlisted >= MAX_WAITLIST) throw new DomainError('CONFLICT', `名额已满，候补也已满（${MAX_WAITLIST} 人），请关注其他活动`);
      // The number is not known until read back: the token, appended in the same write, tells which it is.
      const token = deps.random.code(12);
      const claimed = await activities.update(
        { ...open, enrolled: { gte: activity.capacity }, waitlisted: { lt: MAX_WAITLIST } },
        { inc: { waitlisted: 1, waitSeq: 1 }, push: { waitTokens: { each: [token], slice: -MAX_WAITLIST } }, set: { updatedAt: now } },
      );
      if (claimed) return waitingNumberOf(deps, activity._id, token);
    }
    if (attempt >= CLAIM_ATTEMPTS) throw new DomainError('CONFLICT', '报名的人较多，请稍后重试');
    const current = await activities.get(activity._id);
    if (!current) throw notFound();
    activity = current;
  }
}

/** The number a waiting-list claim got: the one handed out with its token (the tokens keep the order of the numbers). */
async function waitingNumberOf(deps: Deps, activityId: string, token: string): Promise<Claim> {
  const activity = await activitiesOf(deps).get(activityId);
  const tokens = activity?.waitTokens ?? [];
  const index = tokens.lastIndexOf(token);
  // Only if more than MAX_WAITLIST others joined between the claim and this read: the claim is left to settleCounters.
  if (!activity || index < 0) throw new DomainError('CONFLICT', '报名的人较多，请稍后重试');
  const waitSeq = activity.waitSeq - (tokens.length - 1 - index);
  // Nobody has left the list since it began: the number is the position.
  return { kind: 'waiting', activity, waitSeq, position: activity.waitlisted === activity.waitSeq ? waitSeq : undefined };
}

/** Gives back a claim whose sign-up was not written (another call of the same volunteer wrote theirs first). */
export async function releaseWaitingNumber(deps: Deps, activityId: string, now: Date): Promise<void> {
  // The number itself is not reused: the list keeps its order with a gap.
  await activitiesOf(deps).update({ _id: activityId, waitlisted: { gt: 0 } }, { inc: { waitlisted: -1 }, set: { updatedAt: now } });
}

/** How many sign-ups hold a place and how many wait: what the counters must equal. */
export interface Counts {
  enrolled: number;
  waitlisted: number;
}

export const countsOf = (signups: ReadonlyArray<Pick<ActivitySignup, 'status'>>): Counts => ({
  enrolled: signups.filter((signup) => HOLDS_PLACE.includes(signup.status)).length,
  waitlisted: signups.filter((signup) => signup.status === 'waitlisted').length,
});

/**
 * Puts the counters back to the sign-ups when a claim was left without its sign-up, once no claim
 * can still be in flight (the activity unchanged for CLAIMS_SETTLED_MS), and only if the activity
 * is still as read (every change of who holds a place writes it). `counts` when already read.
 * True if it changed them.
 */
export async function settleCounters(deps: Deps, activity: Activity, now: Date, counts?: Counts): Promise<boolean> {
  if (now.getTime() - new Date(activity.updatedAt).getTime() < CLAIMS_SETTLED_MS) return false;
  const signups = signupsOf(deps);
  const [enrolled, waitlisted] = counts
    ? [counts.enrolled, counts.waitlisted]
    : await Promise.all([signups.count({ activityId: activity._id, status: { in: HOLDS_PLACE } }), signups.count({ activityId: activity._id, status: 'waitlisted' })]);
  if (enrolled === activity.enrolled && waitlisted === activity.waitlisted) return false;
  const written = await activitiesOf(deps).update(
    { _id: activity._id, updatedAt: activity.updatedAt, enrolled: activity.enrolled, waitlisted: activity.waitlisted },
    { set: { enrolled, waitlisted, updatedAt: now } },
  );
  if (written === 0) return false;
  console.warn(`[activity] ${activity._id}: counters ${activity.enrolled}/${activity.waitlisted} put back to the sign-ups' ${enrolled}/${waitlisted}`);
  return true;
}

/** Refuses a claim's late document: past this, settleCounters may already have undone the claim. */
export function assertClaimFresh(claimedAt: Date, now: Date): void {
  if (now.getTime() - claimedAt.getTime() >= CLAIM_WRITTEN_WITHIN_MS) throw new DomainError('CONFLICT', '报名超时，请重新报名');
}
