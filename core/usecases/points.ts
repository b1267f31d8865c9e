/** The `points` function: my balance, my ledger, and staff awarding good-deed / role-model points. */
import type { LedgerEntryView } from '../contract';
import { DomainError } from '../errors';
import { digestId } from '../digest';
import type { Handlers } from '../handlers';
import { COLLECTIONS, type LedgerEntry, type PointsAccount, type User } from '../model';
import { postPoints } from '../points';
import { iso, memberCommunity, newestFirst, staffCommunity } from './market-shared';

export const ledgerView = (entry: LedgerEntry): LedgerEntryView => ({
  id: entry._id,
  delta: entry.delta,
  source: entry.source,
  ref: entry.ref,
  ...(entry.reason ? { reason: entry.reason } : {}),
  balanceAfter: entry.balanceAfter,
  at: iso(entry.createdAt),
});

/**
 * The ledger key of an award: per staff member and request, so a retried tap awards once. Hashed,
 * because the awardee reads the key and must not learn the staff member's openid.
 */
export const awardKey = (staffOpenid: string, clientRequestId: string) => `award:${digestId(`${staffOpenid}\n${clientRequestId}`)}`;

export const pointsHandlers: Handlers<'points'> = {
  'points.balance': async (_input, { caller, deps }) => {
    const account = await deps.store.collection<PointsAccount>(COLLECTIONS.pointsAccounts).get(caller.openid);
    return { balance: account?.balance ?? 0, issued: account?.issued ?? 0, redeemed: account?.redeemed ?? 0 };
  },

  'points.overview': async (input, context) => {
    const [totals, ledger] = await Promise.all([
      pointsHandlers['points.balance']({}, context),
      pointsHandlers['points.ledger']({ limit: input.limit }, context),
    ]);
    return { ...totals, ledger };
  },

  'points.ledger': async (input, { caller, deps }) => {
    memberCommunity(caller);
    const page = await newestFirst(deps.store.collection<LedgerEntry>(COLLECTIONS.pointsLedger), { openid: caller.openid }, input);
    return { items: page.items.map(ledgerView), nextCursor: page.nextCursor };
  },

  'points.award': async (input, { caller, deps }) => {
    const communityId = staffCommunity(caller);
    // Staff decide awards; awarding oneself would leave nobody checking.
    if (input.openid === caller.openid) throw new DomainError('FORBIDDEN', '不能给自己奖励积分');
    const member = await deps.store.collection<User>(COLLECTIONS.users).get(input.openid);
    if (!member || member.communityId !== communityId) throw new DomainError('NOT_FOUND', '本社区没有这位居民');
    const key = awardKey(caller.openid, input.clientRequestId);
    const now = deps.clock.now();
    const entry = await deps.store.transaction((tx) =>
      postPoints(tx, {
        key,
        openid: input.openid,
        communityId,
        delta: input.points,
        source: input.kind,
        ref: key,
        reason: input.reason,
        by: caller.openid,
        now,
      }),
    );
    // The key was used before: a retry of the same award is answered with the same entry, but a
    // different award under a reused key must not pass as done.
    if (entry.openid !== input.openid || entry.delta !== input.points || entry.source !== input.kind) {
      throw new DomainError('CONFLICT', '该请求编号已用于另一笔奖励，请重新提交');
    }
    return { entry: ledgerView(entry) };
  },
};
