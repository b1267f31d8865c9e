/** Volunteers sign up (or join the waiting list when it is full) and withdraw before the cut-off. */
import { SIGNED_UP } from '../../activity-rules';
import { DomainError } from '../../errors';
import type { Handlers } from '../../handlers';
import { type Activity, type ActivitySignup, COLLECTIONS } from '../../model';
import { formatLocal } from '../../time';
import { prereadOrGet } from '../shared/store';
import { activitiesOf, cancelledConflict, loadActivity, loadMyAttendance, loadOwnSignup, notFound, signupIdOf, signupsOf, STATUS_NAMES, volunteerOf } from './loading';
import { notifyPromoted } from './notices';
import { assertClaimFresh, claimPlace, releaseWaitingNumber, signUpRefusal } from './places';
import { withMySignup } from './views';
import { fillFreePlaces, withWaitlist } from './waiting-list';

/** Fields a sign-up written over an earlier one (withdrawn) must not keep. */
const LEFT_BEHIND = ['withdrawnAt', 'checkInAt', 'checkInBy', 'checkOutAt', 'checkOutBy', 'recordId', 'recordAlert'] as const;

export const enrolmentHandlers: Pick<Handlers<'activity'>, 'activity.signUp' | 'activity.withdraw'> = {
  'activity.signUp': async (input, { caller, deps, preread }) => {
    const volunteer = volunteerOf(caller);
    const signupId = signupIdOf(input.activityId, caller.openid);
    // Both came with the caller (the contract's reads): a sign-up is that one request, its claim and its document.
    const [seen, existing] = await Promise.all([
      loadActivity(deps, input.activityId, volunteer.communityId, preread),
      prereadOrGet(signupsOf(deps), signupId, preread, 'signup'),
    ]);
    const missing = seen.skills.filter((skill) => !volunteer.skills.includes(skill));
    if (missing.length > 0) throw new DomainError('FORBIDDEN', `报名该活动需要具备以下技能：${missing.join('、')}`);
    const now = deps.clock.now();
    // Signing up again (a retried tap) returns the place already held.
    if (existing && SIGNED_UP.includes(existing.status)) return withMySignup(deps, caller, seen, existing, now);
    const closed = signUpRefusal(seen, now);
    if (closed) throw closed;
    const signups = signupsOf(deps);
    const fields = { signedUpAt: now, volunteerName: volunteer.realName, updatedAt: now };

    if (existing?.status === 'no_show') {
      // Marked absent, then back before sign-up closed: they still hold the place they had.
      const written = await signups.update({ _id: signupId, status: 'no_show' }, { set: { ...fields, status: 'enrolled' } });
      const current = written ? { ...existing, ...fields, status: 'enrolled' as const } : await loadOwnSignup(deps, seen._id, caller.openid);
      return withMySignup(deps, caller, seen, current, now);
    }

    const claim = await claimPlace(deps, seen, now);
    const signup: ActivitySignup = {
      _id: signupId,
      activityId: seen._id,
      communityId: seen.communityId,
      openid: caller.openid,
      ...fields,
      // Wrong codes still count after withdrawing and signing up again: no fresh guesses that way.
      codeFailures: existing?.codeFailures ?? 0,
      ...(claim.kind === 'place' ? { status: 'enrolled' } : { status: 'waitlisted', waitSeq: claim.waitSeq }),
    };
    assertClaimFresh(now, deps.clock.now());
    // A withdrawn sign-up is written over (only if still withdrawn); a new one is added (only if still new).
    const { _id, codeFailures: _kept, ...changed } = signup;
    const written = existing
      ? (await signups.update({ _id, status: existing.status }, { set: changed, unset: [...LEFT_BEHIND, ...(claim.kind === 'place' ? ['waitSeq'] : [])] })) > 0
      : await signups.add(signup);
    if (!written) {
      // Another call of the same volunteer (a double tap) signed them up meanwhile: theirs stands, this claim goes back.
      if (claim.kind === 'place') await fillFreePlaces(deps, seen._id, 1);
      else await releaseWaitingNumber(deps, seen._id, now);
      const theirs = await loadOwnSignup(deps, seen._id, caller.openid);
      return withMySignup(deps, caller, (await activitiesOf(deps).get(seen._id)) ?? seen, theirs, now);
    }
    return withMySignup(deps, caller, claim.activity, signup, now, claim.kind === 'waiting' ? { waitPosition: claim.position } : {});
  },

  'activity.withdraw': async (input, context) => {
    const { caller, deps } = context;
    const { activity: seen, signup: seenSignup } = await loadMyAttendance(context, input.activityId);
    const now = deps.clock.now();
    if (seenSignup.status === 'withdrawn') return withMySignup(deps, caller, seen, seenSignup, now);
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
    return withMySignup(deps, caller, activity, signup, now);
  },
};
