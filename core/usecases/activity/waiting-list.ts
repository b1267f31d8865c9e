/** The waiting list: who moves up, in turn, when places come free (a withdrawal, a capacity raise). */
import { DomainError } from '../../errors';
import { type Activity, type ActivitySignup, COLLECTIONS } from '../../model';
import type { Deps, Transaction } from '../../ports';
import { activitiesOf, notFound, signupsOf } from './loading';
import { notifyPromoted } from './notices';
import { settleCounters } from './places';

/**
 * Thrown inside a transaction when the waiting list read before it is no longer its head: the
 * caller reads it again and retries. A CONFLICT, so that if it ever escapes the person is told to retry.
 */
class StaleWaitlist extends DomainError {
  constructor() {
    super('CONFLICT', '候补名单刚有变化，请稍后重试');
  }
}

const WAITLIST_ATTEMPTS = 5;

/** The head of the waiting list, in turn (read outside a transaction, which cannot query). */
async function waitlistHead(deps: Deps, activityId: string, count: number): Promise<ActivitySignup[]> {
  if (count <= 0) return [];
  return signupsOf(deps).find(
    { activityId, status: 'waitlisted' },
    {
      orderBy: [
        ['waitSeq', 'asc'],
        ['_id', 'asc'],
      ],
      limit: Math.min(count, 1000),
    },
  );
}

/**
 * Runs `work` in a transaction with the head of the waiting list read just before; `work` calls
 * `promote` to give free places to it. If the head changed in between (someone on it withdrew, or
 * more places came free than were read), the list is read again and the whole thing retried.
 * Also returns who was promoted by the run that committed (to be told once it has).
 */
export async function withWaitlist<R>(
  deps: Deps,
  activityId: string,
  wanted: (activity: Activity) => number,
  work: (tx: Transaction, promote: (activity: Activity) => Promise<Activity>) => Promise<R>,
): Promise<{ result: R; promoted: ActivitySignup[] }> {
  for (let attempt = 1; ; attempt += 1) {
    const seen = await activitiesOf(deps).get(activityId);
    const head = seen ? await waitlistHead(deps, activityId, wanted(seen)) : [];
    const now = deps.clock.now();
    let promoted: ActivitySignup[] = [];
    try {
      const result = await deps.store.transaction((tx) => {
        // The store may run this again on a conflict: only the last run's promotions happened.
        promoted = [];
        return work(tx, async (activity) => {
          const done = await promoteFrom(tx, activity, head, now);
          promoted = done.promoted;
          return done.activity;
        });
      });
      return { result, promoted };
    } catch (error) {
      if (!(error instanceof StaleWaitlist) || attempt >= WAITLIST_ATTEMPTS) throw error;
      // Counted on the list but not there: a sign-up still writing itself (read again), or one that
      // died after its claim (then the counters are put back to the sign-ups first).
      if (seen) await settleCounters(deps, seen, now);
    }
  }
}

/**
 * Inside the transaction: enrols the first on the waiting list into the free places of `activity`
 * (as it is about to be written) and returns its new counters. Each one promoted is re-read: the
 * write to it makes a concurrent change to the same sign-up conflict. Nobody can join the list
 * ahead of the head read before (new entries get a larger waitSeq), so if all of them are still
 * waiting they are still its head (but for a sign-up whose number was claimed and whose document is
 * still being written, a matter of milliseconds: one behind it may be promoted first).
 */
async function promoteFrom(
  tx: Transaction,
  activity: Activity,
  head: readonly ActivitySignup[],
  now: Date,
): Promise<{ activity: Activity; promoted: ActivitySignup[] }> {
  const due = Math.max(0, Math.min(activity.capacity - activity.enrolled, activity.waitlisted));
  if (due === 0) return { activity, promoted: [] };
  if (head.length < due) throw new StaleWaitlist();
  const signups = tx.collection<ActivitySignup>(COLLECTIONS.activitySignups);
  const promoted: ActivitySignup[] = [];
  for (const candidate of head.slice(0, due)) {
    const current = await signups.get(candidate._id);
    if (!current || current.status !== 'waitlisted') throw new StaleWaitlist();
    await signups.update(candidate._id, { set: { status: 'enrolled', updatedAt: now }, unset: ['waitSeq'] });
    promoted.push(current);
  }
  return { activity: { ...activity, enrolled: activity.enrolled + due, waitlisted: activity.waitlisted - due }, promoted };
}

/**
 * Gives back `released` places (claimed for a sign-up that was then not written) and moves the
 * waiting list up into every free place, telling those promoted.
 */
export async function fillFreePlaces(deps: Deps, activityId: string, released = 0): Promise<void> {
  const now = deps.clock.now();
  const { result: activity, promoted } = await withWaitlist(
    deps,
    activityId,
    (activity) => activity.capacity - activity.enrolled + released,
    async (tx, promote) => {
      const activities = tx.collection<Activity>(COLLECTIONS.activities);
      const activity = await activities.get(activityId);
      if (!activity) throw notFound();
      const freed = { ...activity, enrolled: activity.enrolled - released };
      // A cancelled activity moves nobody up.
      const next = activity.status === 'cancelled' ? freed : await promote(freed);
      if (next.enrolled !== activity.enrolled || next.waitlisted !== activity.waitlisted) {
        await activities.update(activityId, { set: { enrolled: next.enrolled, waitlisted: next.waitlisted, updatedAt: now } });
      }
      return next;
    },
  );
  await notifyPromoted(deps, activity, promoted);
}
