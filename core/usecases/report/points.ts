/**
 * 积分收支台账 (every ledger entry of the period: whose, why, in or out, the balance after, who
 * handled it) and 兑换核销台账 (every redemption made in the period: what, for how many points, when
 * it was collected and who handed it over). People are named from their profiles, joined in the
 * same read; an account deleted since shows as 已注销用户. Neither belongs to a grid: points are a
 * person's, wherever they live.
 */
import { POINTS_SOURCE_TEXT, REDEMPTION_STATUS_TEXT } from '../../labels';
import { COLLECTIONS, type LedgerEntry, type Redemption, type User } from '../../model';
import { keysetScan, OLDEST_FIRST } from '../shared/paging';
import { createdAfter, joined, ledger, maskedPhone, PAGE_SIZE, personName } from './ledger';

type EntryRow = LedgerEntry & { holder: User[]; handler: User[] };

export const pointsLedger = ledger<EntryRow>({
  title: '积分收支台账',
  byGrid: false,
  source({ deps, community, period }) {
    const entries = deps.store.collection<LedgerEntry>(COLLECTIONS.pointsLedger);
    const where = { communityId: community._id, createdAt: { gte: period.start } };
    return keysetScan<EntryRow>(
      (after, limit) =>
        entries.findJoined<{ holder: User; handler: User }>(
          where,
          { orderBy: OLDEST_FIRST, after, limit },
          {
            holder: { from: COLLECTIONS.users, localField: 'openid', foreignField: '_id' },
            handler: { from: COLLECTIONS.users, localField: 'by', foreignField: '_id' },
          },
        ),
      OLDEST_FIRST,
      PAGE_SIZE,
      createdAfter(period),
    );
  },
  columns: [
    { header: '时间', width: 17, type: 'datetime', cell: (entry) => entry.createdAt },
    { header: '姓名', width: 10, type: 'text', cell: (entry) => personName(joined(entry.holder), entry.openid) },
    { header: '手机号', width: 13, type: 'text', cell: (entry) => maskedPhone(joined(entry.holder)?.phone) },
    { header: '来源', width: 10, type: 'text', cell: (entry) => POINTS_SOURCE_TEXT[entry.source] },
    { header: '收入', width: 8, type: 'integer', cell: (entry) => (entry.delta > 0 ? entry.delta : null) },
    { header: '支出', width: 8, type: 'integer', cell: (entry) => (entry.delta < 0 ? -entry.delta : null) },
    { header: '余额', width: 8, type: 'integer', cell: (entry) => entry.balanceAfter },
    // A refund of a redemption the resident cancelled carries their own words: not exported.
    { header: '事由', width: 24, type: 'text', cell: (entry) => (entry.source === 'redeem_refund' && entry.by === entry.openid ? '本人取消兑换' : entry.reason) },
    { header: '经办人', width: 10, type: 'text', cell: (entry) => (entry.by === entry.openid ? '本人' : personName(joined(entry.handler), entry.by)) },
    { header: '关联单号', width: 26, type: 'text', cell: (entry) => entry.ref },
    { header: '流水号', width: 30, type: 'text', cell: (entry) => entry._id },
  ],
});

type RedemptionRow = Redemption & { redeemer: User[]; verifier: User[] };

export const redemptionsLedger = ledger<RedemptionRow>({
  title: '兑换核销台账',
  byGrid: false,
  source({ deps, community, period }) {
    const redemptions = deps.store.collection<Redemption>(COLLECTIONS.redemptions);
    const where = { communityId: community._id, createdAt: { gte: period.start } };
    return keysetScan<RedemptionRow>(
      (after, limit) =>
        redemptions.findJoined<{ redeemer: User; verifier: User }>(
          where,
          // The code is left out: a pending one is what collects the goods.
          { orderBy: OLDEST_FIRST, after, limit, omit: ['code', 'clientRequestId'] },
          {
            redeemer: { from: COLLECTIONS.users, localField: 'openid', foreignField: '_id' },
            verifier: { from: COLLECTIONS.users, localField: 'fulfilledBy', foreignField: '_id' },
          },
        ),
      OLDEST_FIRST,
      PAGE_SIZE,
      createdAfter(period),
    );
  },
  columns: [
    { header: '兑换时间', width: 17, type: 'datetime', cell: (row) => row.createdAt },
    { header: '兑换人', width: 10, type: 'text', cell: (row) => row.redeemerName ?? personName(joined(row.redeemer), row.openid) },
    { header: '手机号', width: 13, type: 'text', cell: (row) => maskedPhone(joined(row.redeemer)?.phone) },
    { header: '商品', width: 16, type: 'text', cell: (row) => row.goodsName },
    { header: '数量', width: 7, type: 'integer', cell: (row) => row.quantity },
    { header: '积分', width: 8, type: 'integer', cell: (row) => row.points },
    { header: '状态', width: 9, type: 'text', cell: (row) => REDEMPTION_STATUS_TEXT[row.status] },
    { header: '核销时间', width: 17, type: 'datetime', cell: (row) => row.fulfilledAt },
    { header: '核销人', width: 10, type: 'text', cell: (row) => personName(joined(row.verifier), row.fulfilledBy) },
    { header: '取消时间', width: 17, type: 'datetime', cell: (row) => row.cancelledAt },
    // A resident's own words stay in the app; a staff member's reason for cancelling is part of the record.
    { header: '取消人', width: 9, type: 'text', cell: (row) => (row.cancelledBy ? (row.cancelledBy === row.openid ? '本人' : '工作人员') : null) },
    { header: '取消原因', width: 20, type: 'text', cell: (row) => (row.cancelledBy && row.cancelledBy !== row.openid ? row.cancelReason : null) },
    { header: '兑换单号', width: 26, type: 'text', cell: (row) => row._id },
  ],
});
