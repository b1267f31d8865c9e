/** Reading an activity and a sign-up, their ids, and the refusals every activity action shares. */
import { DomainError } from '../../errors';
import { type Activity, type ActivitySignup, COLLECTIONS, type SignupStatus, signupIdOf } from '../../model';
import type { ActionContext, Caller, Collection, Deps } from '../../ports';
import { prereadOrGet } from '../shared/store';

export const activitiesOf = (deps: Deps): Collection<Activity> => deps.store.collection<Activity>(COLLECTIONS.activities);
export const signupsOf = (deps: Deps): Collection<ActivitySignup> => deps.store.collection<ActivitySignup>(COLLECTIONS.activitySignups);

export { signupIdOf };
export const activityRecordId = (activityId: string, openid: string): string => `activity:${activityId}:${openid}`;

export const STATUS_NAMES: Record<SignupStatus, string> = {
  enrolled: '已报名',
  waitlisted: '候补中',
  withdrawn: '已取消报名',
  checked_in: '已签到',
  attended: '已签退',
  no_show: '未到',
};

export const notFound = () => new DomainError('NOT_FOUND', '活动不存在或已被删除');
export const cancelledConflict = (activity: Activity) =>
  new DomainError('CONFLICT', `活动已取消${activity.cancelReason ? `（${activity.cancelReason}）` : ''}`);

/**
 * An activity of the caller's community; another community's is reported as missing. `preread`:
 * what the contract's `readsActivity` brought with the caller.
 */
export async function loadActivity(deps: Deps, activityId: string, communityId: string, preread?: ActionContext['preread']): Promise<Activity> {
  const activity = await prereadOrGet(activitiesOf(deps), activityId, preread, 'activity');
  if (!activity || activity.communityId !== communityId) throw notFound();
  return activity;
}


/** The approved volunteer calling, and their community (the router has checked the role). */
export function volunteerOf(caller: Caller) {
  const volunteer = caller.volunteer;
  if (!volunteer || volunteer.status !== 'approved') throw new DomainError('FORBIDDEN', '只有审核通过的志愿者可以报名活动');
  return volunteer;
}

/**
 * The approved volunteer calling, an activity of their community and their own sign-up for it (the
 * contract's `readsActivityAndSignup` brings both with the caller).
 */
export async function loadMyAttendance({ caller, deps, preread }: ActionContext, activityId: string): Promise<{ activity: Activity; signup: ActivitySignup }> {
  const volunteer = volunteerOf(caller);
  const activity = await loadActivity(deps, activityId, volunteer.communityId, preread);
  return { activity, signup: await loadOwnSignup(deps, activity._id, caller.openid, preread) };
}

export async function loadOwnSignup(deps: Deps, activityId: string, openid: string, preread?: ActionContext['preread']): Promise<ActivitySignup> {
  const signup = await prereadOrGet(signupsOf(deps), signupIdOf(activityId, openid), preread, 'signup');
  if (!signup) throw new DomainError('NOT_FOUND', '您没有报名该活动');
  return signup;
}
