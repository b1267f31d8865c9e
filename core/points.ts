/**
 * Love points (爱心积分). The ledger is append-only and each entry's _id is its idempotency key, so
 * posting the same movement twice writes it once; the balance moves in the same transaction and
 * can never go below zero.
 */
import { DomainError } from './errors';
import { type Activity, COLLECTIONS, type LedgerEntry, type PointsAccount, type PointsCaps, type ScoreMultipliers } from './model';
import type { Transaction } from './ports';
import { localDay } from './time';

export const DEFAULT_SCORE_MULTIPLIERS: ScoreMultipliers = { '1': 0.5, '2': 0.8, '3': 1.0, '4': 1.1, '5': 1.2 };

/** Points a volunteer earns for a scored order: round(basePoints × multiplier of the score). */
export function servicePoints(basePoints: number, score: number, multipliers: ScoreMultipliers = DEFAULT_SCORE_MULTIPLIERS): number {
  const multiplier = multipliers[String(score) as keyof ScoreMultipliers];
  if (multiplier === undefined) throw new DomainError('INVALID_INPUT', '评分必须是 1–5');
  return Math.round(basePoints * multiplier);
}

/** The most one scored order pays under these caps, whatever its service's points. */
export const maxOrderPoints = (caps: Pick<PointsCaps, 'servicePoints' | 'scoreMultiplier'>): number => Math.round(caps.servicePoints * caps.scoreMultiplier);

/**
 * What scoring pays for an order: its points for the score, within today's caps (even for points
 * set under higher ones). The one formula: scoring pays it and the published rules show it.
 */
export const scoredOrderPoints = (basePoints: number, score: number, multipliers: ScoreMultipliers | undefined, caps: PointsCaps): number =>
  Math.min(servicePoints(basePoints, score, multipliers), maxOrderPoints(caps));

/**
 * What an activity's check-out pays for `hours` recorded: the rate within today's cap, for no more
 * hours than the schedule had when the rate was approved (lengthening it later adds no points).
 */
export function activityPoints(hours: number, activity: Pick<Activity, 'pointsPerHour' | 'paidMinutesCap'>, caps: Pick<PointsCaps, 'activityPointsPerHour'>): number {
  const paidHours = Math.min(hours, (activity.paidMinutesCap ?? Infinity) / 60);
  return Math.round(paidHours * paidRate(activity, caps));
}

/** The rate an hour of the activity pays: the approved one, within today's cap (even if approved under a higher one). */
export const paidRate = (activity: Pick<Activity, 'pointsPerHour'>, caps: Pick<PointsCaps, 'activityPointsPerHour'>): number =>
  Math.min(activity.pointsPerHour, caps.activityPointsPerHour);

/** A ledger entry to post: what the entry records, its idempotency key and the time. */
export type Posting = Omit<LedgerEntry, '_id' | 'balanceAfter' | 'createdAt'> & {
  /** Idempotency key, e.g. `service:<orderId>`, `redeem:<redemptionId>`. */
  key: string;
  now: Date;
};

/**
 * Inside a transaction: appends the entry and moves the balance. Posting an existing key returns
 * the entry already there and changes nothing. `first`: the transaction itself guarantees the key
 * was never posted (it moves what pays out of the state that pays, e.g. an order to closed), so the
 * ledger is not read first; were it posted after all, the insert fails and the transaction with it.
 */
export async function postPoints(
  tx: Transaction,
  posting: Posting,
  { first = false, dailyRedemptions }: { first?: boolean; dailyRedemptions?: { limit: number; message: string } } = {},
): Promise<LedgerEntry> {
  const ledger = tx.collection<LedgerEntry>(COLLECTIONS.pointsLedger);
  const existing = first ? null : await ledger.get(posting.key);
  if (existing) return existing;
  const accounts = tx.collection<PointsAccount>(COLLECTIONS.pointsAccounts);
  const account = (await accounts.get(posting.openid)) ?? {
    _id: posting.openid,
    communityId: posting.communityId,
    balance: 0,
    issued: 0,
    redeemed: 0,
    updatedAt: posting.now,
  };
  // A day's redemptions are limited (each takes a code for good); counted on the account itself.
  const today = localDay(posting.now);
  const redemptionsToday = account.redemptionDay === today ? (account.redemptionsThatDay ?? 0) : 0;
  if (dailyRedemptions && redemptionsToday >= dailyRedemptions.limit) throw new DomainError('LIMIT_REACHED', dailyRedemptions.message);
  const balance = account.balance + posting.delta;
  if (balance < 0) throw new DomainError('INSUFFICIENT_POINTS', `爱心积分不足：需要 ${-posting.delta} 分，当前余额 ${account.balance} 分`);
  // A forfeit (注销) moves the balance only: it was neither earned nor spent.
  const earned = posting.source === 'redeem' || posting.source === 'redeem_refund' || posting.source === 'forfeit' ? 0 : posting.delta;
  const spent = posting.source === 'redeem' ? -posting.delta : posting.source === 'redeem_refund' ? -posting.delta : 0;
  await accounts.set({
    ...account,
    balance,
    issued: account.issued + earned,
    redeemed: account.redeemed + spent,
    ...(dailyRedemptions ? { redemptionDay: today, redemptionsThatDay: redemptionsToday + 1 } : {}),
    updatedAt: posting.now,
  });
  const entry: LedgerEntry = {
    _id: posting.key,
    openid: posting.openid,
    communityId: posting.communityId,
    delta: posting.delta,
    source: posting.source,
    ref: posting.ref,
    reason: posting.reason,
    by: posting.by,
    balanceAfter: balance,
    createdAt: posting.now,
  };
  await ledger.add(entry);
  return entry;
}
