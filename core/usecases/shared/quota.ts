/**
 * Daily limits per person (orders placed, redemptions, certificates asked for), counted in a
 * `quotas` document that moves in the same transaction as what it counts. Every such transaction of
 * one person writes that one document, so two at once conflict and one runs again with the other's
 * count: the limit holds exactly, however many calls arrive together.
 */
import { DomainError } from '../../errors';
import { COLLECTIONS, type Quota } from '../../model';
import type { Transaction } from '../../ports';
import { localDay } from '../../time';

export const quotaKey = (kind: string, openid: string): string => `${kind}:${openid}`;

/**
 * Inside a transaction: counts one more for today under `key`, or refuses with LIMIT_REACHED and
 * `message` when today's count has reached `limit`. Returns today's count before this one.
 */
export async function takeDailyQuota(tx: Transaction, key: string, limit: number, now: Date, message: string): Promise<number> {
  const quotas = tx.collection<Quota>(COLLECTIONS.quotas);
  const used = usedToday(await quotas.get(key), now);
  if (used >= limit) throw new DomainError('LIMIT_REACHED', message);
  await quotas.set({ _id: key, day: localDay(now), count: used + 1, updatedAt: now });
  return used;
}

/** Today's count of a quota document (a count from another day is 0). */
export const usedToday = (quota: Quota | null, now: Date): number => (quota?.day === localDay(now) ? quota.count : 0);

/**
 * Inside a transaction: a limit on how many of something exist (a community's services), exact
 * under a burst. The transaction first writes `key`'s document, so two that add at once conflict
 * and one runs again; the count, read after that write began, then includes the other's addition.
 */
export async function takePlace(tx: Transaction, key: string, now: Date, count: () => Promise<number>, limit: number, message: string): Promise<void> {
  await holdKey(tx, key, now);
  if ((await count()) >= limit) throw new DomainError('LIMIT_REACHED', message);
}

/**
 * Inside a transaction: writes `key`'s document, so two transactions holding the same key conflict
 * and one runs again; what it reads (outside the transaction) after this then includes the other's
 * change. For a count that must not pass a bound either way (a limit, the last of something).
 */
export async function holdKey(tx: Transaction, key: string, now: Date): Promise<void> {
  const quotas = tx.collection<Quota>(COLLECTIONS.quotas);
  const held = await quotas.get(key);
  await quotas.set({ _id: key, day: localDay(now), count: (held?.count ?? 0) + 1, updatedAt: now });
}
