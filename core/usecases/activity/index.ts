/**
 * The `activity` function: community volunteer activities (项目清单). Staff publish an activity;
 * volunteers sign up (or join the waiting list when it is full) and withdraw before the cut-off;
 * at the activity they check in and out with the code staff show (it changes every minute), or
 * staff do it for them. Checking out writes the statutory service record and the activity's points
 * in one transaction. Whoever moves up from the waiting list, and everyone still taking part when
 * staff cancel, gets a subscribe message (best effort, after the change is committed); a timer
 * reminds the enrolled volunteers before the start (notices.ts).
 *
 * Places: a sign-up claims its place (or its number on the waiting list) with one conditional
 * write on the activity's counters, which the database applies one at a time, then writes itself;
 * no transaction, so a rush of sign-ups is not retried (places.ts). Capacity is never exceeded.
 *
 * The actions, by what they do: views.ts (list, get, mine), publishing.ts (create, update, cancel),
 * enrolment.ts (sign up, withdraw) with places.ts and waiting-list.ts, attendance.ts (code, check
 * in and out, staff marks, the sheet); notices.ts sends the messages, loading.ts reads what they all read.
 */
import type { Handlers } from '../../handlers';
import { attendanceHandlers } from './attendance';
import { enrolmentHandlers } from './enrolment';
import { publishingHandlers } from './publishing';
import { viewHandlers } from './views';

export { activityRecordId, signupIdOf } from './loading';
export { activityView, signupView } from './views';
export { MAX_WAITLIST } from './places';
export { activityTimer } from './notices';

export const activityHandlers: Handlers<'activity'> = { ...viewHandlers, ...publishingHandlers, ...enrolmentHandlers, ...attendanceHandlers };
