/** Messages about an activity (best effort: the action has happened whether or not a message goes out). */
import type { Activity, ActivitySignup, SignupStatus } from '../../model';
import type { Deps, Notification } from '../../ports';
import { formatLocal } from '../../time';
import { clip, notify } from '../shared/notify';
import { readAll } from '../shared/store';
import { activitiesOf, signupsOf } from './loading';
import type { TimerJob } from '../../handlers';
import { ACTIVITY_REMINDER_LEAD_MINUTES } from '../../reminders';

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

/** Activities reminded per run at most, each with at most its capacity of messages; the next run goes on. */
export const MAX_ACTIVITIES_REMINDED_PER_RUN = 5;

/**
 * The activity function's timer: volunteers enrolled in an activity that starts within
 * ACTIVITY_REMINDER_LEAD_MINUTES are reminded once. The activity is marked reminded by one
 * conditional write before any message goes, so a second run (or two at once) sends nothing again;
 * whoever enrols after that is not reminded (they signed up with the start in view).
 */
export const activityTimer: TimerJob = async (deps) => {
  const now = deps.clock.now();
  const soon = new Date(now.getTime() + ACTIVITY_REMINDER_LEAD_MINUTES * 60_000);
  const activities = activitiesOf(deps);
  // The next activities to start (one condition a field): those within the lead come first.
  const next = await activities.find({ status: 'published', remindedAt: { exists: false }, startAt: { gt: now } }, {
    orderBy: [
      ['startAt', 'asc'],
      ['_id', 'asc'],
    ],
    limit: MAX_ACTIVITIES_REMINDED_PER_RUN,
    omit: ['waitTokens', 'attendanceSecret', 'codeShownTo', 'content'],
  });
  const due = next.filter((activity) => new Date(activity.startAt).getTime() <= soon.getTime());
  let reminded = 0;
  let messages = 0;
  for (const activity of due) {
    const claimed = await activities.update({ _id: activity._id, status: 'published', remindedAt: { exists: false } }, { set: { remindedAt: now } });
    if (claimed === 0) continue;
    reminded += 1;
    try {
      const enrolled = await readAll(signupsOf(deps), { activityId: activity._id, status: 'enrolled' }, { orderBy: [['_id', 'asc']], max: activity.capacity });
      messages += enrolled.length;
      await notifyAll(
        deps,
        enrolled.map((signup) => signup.openid),
        (touser) => ({
          kind: 'activity_reminder',
          touser,
          page: activityPage(activity._id),
          fields: { thing1: clip(activity.name, 20), time2: formatLocal(activity.startAt), thing3: clip(activity.place, 20), thing4: '活动即将开始，请准时到场签到' },
        }),
      );
    } catch (error) {
      console.warn('[activity] reminders not sent:', (error as Error).message ?? error);
    }
  }
  return { reminded, messages };
};
