/** Messages about an activity (best effort: the action has happened whether or not a message goes out). */
import type { Activity, ActivitySignup, SignupStatus } from '../../model';
import type { Deps, Notification } from '../../ports';
import { formatLocal } from '../../time';
import { clip, notify } from '../shared/notify';
import { readAll } from '../shared/store';
import { signupsOf } from './loading';

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

export function notifyPromoted(deps: Deps, activity: Activity, promoted: readonly ActivitySignup[]): Promise<void> {
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

export async function notifyCancelled(deps: Deps, activity: Activity, reason: string): Promise<void> {
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
