/** Volunteers sign up (or join the waiting list when it is full) and withdraw before the cut-off. */
import { SIGNED_UP } from '../../activity-rules';
import { DomainError } from '../../errors';
import type { Handlers } from '../../handlers';
import { type Activity, type ActivitySignup, COLLECTIONS } from '../../model';
import { formatLocal } from '../../time';
import { cancelledConflict, loadActivity, loadOwnSignup, notFound, signupIdOf, STATUS_NAMES, volunteerOf } from './loading';
import { notifyPromoted } from './notices';
import { withMySignup } from './views';
import { MAX_WAITLIST, withWaitlist } from './waiting-list';

/** A sign-up's transaction is tried this often before CONFLICT (the store's default is 12). */
const SIGN_UP_ATTEMPTS = 20;

export const enrolmentHandlers: Pick<Handlers<'activity'>, 'activity.signUp' | 'activity.withdraw'> = {
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
};
