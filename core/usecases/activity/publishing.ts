/** Staff publish an activity, change it (its times, capacity and rate) and cancel it. */
import type { ActivityView } from '../../contract';
import { activityTimesProblems } from '../../contract/activity';
import { activityPhase, codeShown } from '../../activity-rules';
import { DomainError } from '../../errors';
import type { Handlers } from '../../handlers';
import { type Activity, COLLECTIONS } from '../../model';
import type { Caller, Deps } from '../../ports';
import { pointsCapsOf } from '../../settings';
import { iso } from '../../time';
import { staffCommunity } from '../shared/access';
import { compact, loadCommunity } from '../shared/store';
import { activityRule, assertCanPropose, capProblem, minutesBetween, proposeRuleChange } from '../rules';
import { activitiesOf, cancelledConflict, loadActivity, notFound } from './loading';
import { notifyCancelled, notifyPromoted } from './notices';
import { activityView, mySignupOf } from './views';
import { withWaitlist } from './waiting-list';

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

/** The activity as the staff member who changed it sees it (with their own sign-up, should they volunteer too). */
const viewFor = async (deps: Deps, caller: Caller, activity: Activity, now: Date): Promise<ActivityView> =>
  activityView(activity, caller, now, await mySignupOf(deps, activity, caller));

export const publishingHandlers: Pick<Handlers<'activity'>, 'activity.create' | 'activity.update' | 'activity.cancel'> = {
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
      if (!lost) return viewFor(deps, caller, earlier, now);
      await proposeRuleChange(deps, caller, { communityId, target: activityRule(earlier), before: 0, after: input.pointsPerHour, minutes: minutesBetween(earlier.startAt, earlier.endAt) });
      return viewFor(deps, caller, (await activitiesOf(deps).get(earlier._id)) ?? earlier, now);
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
    const community = await loadCommunity(deps, communityId, caller);
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
      if (raced) return viewFor(deps, caller, raced, now);
      throw new DomainError('CONFLICT', '活动编号冲突，请重试');
    }
    // Just published: nobody has signed up yet.
    if (input.pointsPerHour === 0) return activityView(activity, caller, now, null);
    await proposeRuleChange(deps, caller, { communityId, target: activityRule(activity), before: 0, after: input.pointsPerHour, minutes: minutesBetween(activity.startAt, activity.endAt) });
    return activityView((await activitiesOf(deps).get(activity._id)) ?? activity, caller, now, null);
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
      const overCap = capProblem('activity_points', undefined, newRate, pointsCapsOf(await loadCommunity(deps, communityId, caller)));
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
        // A new start time earns a new reminder (see notices.ts activityTimer).
        const remindAgain = moves('startAt') && activity.remindedAt ? { unset: ['remindedAt'] } : {};
        await activities.update(activity._id, { set: { ...fields, enrolled: next.enrolled, waitlisted: next.waitlisted, updatedAt: now }, ...remindAgain });
        return next;
      },
    );
    await notifyPromoted(deps, updated, promoted);
    if (newRate === undefined) return viewFor(deps, caller, updated, now);
    await proposeRuleChange(deps, caller, { communityId, target: activityRule(updated), before: seen.pointsPerHour, after: newRate, minutes: minutesBetween(updated.startAt, updated.endAt) });
    return viewFor(deps, caller, (await activitiesOf(deps).get(updated._id)) ?? updated, now);
  },

  'activity.cancel': async (input, { caller, deps }) => {
    const communityId = staffCommunity(caller);
    const seen = await loadActivity(deps, input.activityId, communityId);
    const now = deps.clock.now();
    if (seen.status === 'cancelled') return viewFor(deps, caller, seen, now);
    if (activityPhase(seen, now) === 'ended') throw new DomainError('CONFLICT', '活动已结束，不能取消');
    const set = { status: 'cancelled' as const, cancelReason: input.reason, updatedAt: now };
    const written = await activitiesOf(deps).update({ _id: seen._id, status: 'published', endAt: { gt: now } }, { set });
    if (written === 0) {
      const current = await loadActivity(deps, seen._id, communityId);
      if (current.status === 'cancelled') return viewFor(deps, caller, current, now);
      throw new DomainError('CONFLICT', '活动状态已变化，请刷新后重试');
    }
    // Only the call that cancelled it tells people (a retried tap returned above).
    await notifyCancelled(deps, seen, input.reason);
    return viewFor(deps, caller, { ...seen, ...set }, now);
  },
};
