/**
 * The stock ledger of the 积分超市: a goods item's stock changes only together with a stock move
 * (`stock_moves`), in one transaction, so the stock is always the sum of its moves and every change
 * says what it was, when and who made it:
 *
 * - `opening`: what was on the shelf when the item was registered (mall.upsertGoods's `stock` for a
 *   new item; the demo data's stock). An existing item's stock cannot be typed over.
 * - `stock_in` (入库, mall.stockIn): a purchase, or a donation with its donor; by one staff member.
 * - `redeem` / `refund`: a redemption and its cancellation (mall.ts), ids from the redemption's.
 * - `write_off` (损耗): one staff member proposes it with a reason (mall.proposeWriteOff), a different
 *   one approves or rejects it (mall.decideWriteOff); only an approval moves the stock, and only while
 *   the stock still covers it. One pending write-off per item, a few a day per person.
 *
 * Every move's _id is its idempotency key, so a retried request adds nothing twice. The daily
 * reconciliation (reconcile.ts) checks stock = Σ moves for every item.
 */
import type { GoodsView, StockMoveView, WriteOffView } from '../contract';
import { MAX_STOCK } from '../contract/mall';
import { digestId } from '../digest';
import { DomainError, found } from '../errors';
import type { Handlers } from '../handlers';
import { COLLECTIONS, type Goods, type PendingWriteOff, type StockMove, type WriteOff, type WriteOffStatus } from '../model';
import type { Caller, Transaction, Update } from '../ports';
import { iso } from '../time';
import { actorName } from './rules';
import { staffCommunity } from './shared/access';
import { keysetPage, NEWEST_FIRST } from './shared/paging';
import { quotaKey, takeDailyQuota } from './shared/quota';
import { compact, prereadOrGet } from './shared/store';

/** Write-offs one staff member may propose in a day: a shelf clear-out takes far fewer. */
export const MAX_WRITE_OFFS_PER_DAY = 20;
/** Stock-ins one staff member makes a day (a delivery is one per item). */
export const MAX_STOCK_INS_PER_DAY = 100;

/** The goods as a page shows them; `viewer` (a staff member's openid) adds the pending write-off. */
export const goodsView = (goods: Goods, viewer?: string): GoodsView => ({
  ...(goods.pendingRuleChange ? { pendingPointsPrice: goods.pendingRuleChange.after as number } : {}),
  id: goods._id,
  name: goods.name,
  pointsPrice: goods.pointsPrice,
  stock: goods.stock,
  ...(goods.description ? { description: goods.description } : {}),
  active: goods.active,
  ...(viewer && goods.pendingWriteOff ? { pendingWriteOff: pendingWriteOffView(goods.pendingWriteOff, viewer) } : {}),
});

const pendingWriteOffView = (pending: PendingWriteOff, viewer: string) => ({
  id: pending.id,
  quantity: pending.quantity,
  reason: pending.reason,
  proposedByName: pending.proposedByName,
  proposedAt: iso(pending.proposedAt),
  mine: pending.proposedBy === viewer,
});

export const stockMoveView = (move: StockMove): StockMoveView =>
  compact({
    id: move._id,
    kind: move.kind,
    delta: move.delta,
    stockAfter: move.stockAfter,
    source: move.source,
    donor: move.donor,
    note: move.note,
    reason: move.reason,
    ref: move.ref,
    byName: move.byName,
    at: iso(move.createdAt),
  });

export const writeOffView = (writeOff: WriteOff, caller: Caller): WriteOffView =>
  compact({
    id: writeOff._id,
    goodsId: writeOff.goodsId,
    goodsName: writeOff.goodsName,
    quantity: writeOff.quantity,
    reason: writeOff.reason,
    status: writeOff.status,
    proposedByName: writeOff.proposedByName,
    proposedAt: iso(writeOff.proposedAt),
    decidedByName: writeOff.decidedByName,
    decidedAt: writeOff.decidedAt ? iso(writeOff.decidedAt) : undefined,
    note: writeOff.note,
    mine: writeOff.proposedBy === caller.openid,
  });

// ---- the moves' ids: each is the idempotency key of what made it ---------------------------------

export const openingMoveId = (goodsId: string): string => `opening:${goodsId}`;
export const redeemMoveId = (redemptionId: string): string => `redeem:${redemptionId}`;
export const refundMoveId = (redemptionId: string): string => `refund:${redemptionId}`;
export const writeOffMoveId = (writeOffId: string): string => `write_off:${writeOffId}`;
/** Hashed, because the raw pair is longer than an id may be and holds the staff member's openid. */
export const stockInIdFor = (openid: string, clientRequestId: string): string => `in-${digestId(`stock_in\n${openid}\n${clientRequestId}`)}`;
export const writeOffIdFor = (openid: string, clientRequestId: string): string => `wo-${digestId(`write_off\n${openid}\n${clientRequestId}`)}`;

/** What a move says of itself; the goods, the community and the stock after come from the item. */
export type MoveOf = Omit<StockMove, 'communityId' | 'goodsId' | 'goodsName' | 'stockAfter'>;

/** The move of `goods` (as read now) by `move.delta`. */
export const moveFor = (goods: Goods, move: MoveOf): StockMove =>
  compact({ ...move, communityId: goods.communityId, goodsId: goods._id, goodsName: goods.name, stockAfter: goods.stock + move.delta });

/**
 * Inside a transaction that read `goods`: records the move and moves the stock with it (plus `also`,
 * other changes of the item in the same write). The move's insert fails on a taken _id, so a retried
 * request fails here instead of moving the stock twice.
 */
export async function moveStock(tx: Transaction, goods: Goods, move: MoveOf, also: Update = {}): Promise<StockMove> {
  const recorded = moveFor(goods, move);
  await tx.collection<StockMove>(COLLECTIONS.stockMoves).add(recorded);
  await tx.collection<Goods>(COLLECTIONS.goods).update(goods._id, { ...also, inc: { ...also.inc, stock: move.delta } });
  return recorded;
}

const WRITE_OFF_DECIDED: Record<WriteOffStatus, string> = { pending: '待审核', approved: '已通过', rejected: '未通过' };

/** The item, if it is in the caller's community; another community's goods are reported as missing. */
function ownGoods(goods: Goods | null, communityId: string): Goods {
  if (!goods || goods.communityId !== communityId) throw new DomainError('NOT_FOUND', '商品不存在');
  return goods;
}

export const stockHandlers: Pick<Handlers<'mall'>, 'mall.stockIn' | 'mall.proposeWriteOff' | 'mall.decideWriteOff' | 'mall.stockMoves' | 'mall.writeOffs'> = {
  'mall.stockIn': async (input, { caller, deps }) => {
    const communityId = staffCommunity(caller);
    const moveId = stockInIdFor(caller.openid, input.clientRequestId);
    const now = deps.clock.now();
    // A retry of a stock-in already made returns it; the same request id for another one is a mistake.
    const sameRequest = (move: StockMove): StockMove => {
      if (move.goodsId !== input.goodsId || move.delta !== input.quantity || move.source !== input.source) {
        throw new DomainError('CONFLICT', '该请求编号已用于另一次入库，请重新提交');
      }
      return move;
    };
    const reply = async (move: StockMove) => ({
      goods: goodsView(ownGoods(await deps.store.collection<Goods>(COLLECTIONS.goods).get(move.goodsId), communityId), caller.openid),
      move: stockMoveView(move),
    });
    try {
      const { move, goods } = await deps.store.transaction(async (tx, attempt) => {
        // Run again after a conflict or a taken key: a repeated request (its move made) stops here.
        if (attempt > 1) {
          const made = await tx.collection<StockMove>(COLLECTIONS.stockMoves).get(moveId);
          if (made) return { move: sameRequest(made), goods: null };
        }
        const item = ownGoods(await tx.collection<Goods>(COLLECTIONS.goods).get(input.goodsId), communityId);
        // Each stock-in is a move every reconciliation reads again: one person cannot bury the ledger.
        await takeDailyQuota(tx, quotaKey('stock_in', caller.openid), MAX_STOCK_INS_PER_DAY, now, `您今天已入库 ${MAX_STOCK_INS_PER_DAY} 次，请明天再入库`);
        if (item.stock + input.quantity > MAX_STOCK) {
          throw new DomainError('LIMIT_REACHED', `入库后“${item.name}”的库存将超过 ${MAX_STOCK} 件，请核对数量`);
        }
        const made = await moveStock(tx, item, {
          _id: moveId,
          kind: 'stock_in',
          delta: input.quantity,
          source: input.source,
          donor: input.source === 'donation' ? input.donor : undefined,
          note: input.note || undefined,
          by: caller.openid,
          byName: actorName(caller),
          createdAt: now,
        });
        return { move: made, goods: { ...item, stock: made.stockAfter } };
      });
      return goods ? { goods: goodsView(goods, caller.openid), move: stockMoveView(move) } : await reply(move);
    } catch (error) {
      // The insert found the _id taken on every attempt: the request was made before. Read only on this path.
      const existing = await deps.store.collection<StockMove>(COLLECTIONS.stockMoves).get(moveId);
      if (existing) return reply(sameRequest(existing));
      throw error;
    }
  },

  'mall.proposeWriteOff': async (input, { caller, deps }) => {
    const communityId = staffCommunity(caller);
    const writeOffId = writeOffIdFor(caller.openid, input.clientRequestId);
    const now = deps.clock.now();
    const sameRequest = (writeOff: WriteOff): WriteOff => {
      if (writeOff.goodsId !== input.goodsId || writeOff.quantity !== input.quantity || writeOff.reason !== input.reason) {
        throw new DomainError('CONFLICT', '该请求编号已用于另一笔损耗申请，请重新提交');
      }
      return writeOff;
    };
    const reply = async (writeOff: WriteOff) => ({
      writeOff: writeOffView(writeOff, caller),
      goods: goodsView(ownGoods(await deps.store.collection<Goods>(COLLECTIONS.goods).get(writeOff.goodsId), communityId), caller.openid),
    });
    try {
      const writeOff = await deps.store.transaction(async (tx, attempt) => {
        const writeOffs = tx.collection<WriteOff>(COLLECTIONS.writeOffs);
        if (attempt > 1) {
          const made = await writeOffs.get(writeOffId);
          if (made) return sameRequest(made);
        }
        const goods = tx.collection<Goods>(COLLECTIONS.goods);
        const item = ownGoods(await goods.get(input.goodsId), communityId);
        // One at a time per item: the reviewer sees one number to check against the shelf.
        if (item.pendingWriteOff) {
          throw new DomainError('CONFLICT', `“${item.name}”已有一笔待审核的损耗（${item.pendingWriteOff.quantity} 件），请先由其他工作人员审核`);
        }
        if (item.stock < input.quantity) throw new DomainError('OUT_OF_STOCK', `库存不足：“${item.name}”现有 ${item.stock} 件，不能报损 ${input.quantity} 件`);
        await takeDailyQuota(tx, quotaKey('write_off', caller.openid), MAX_WRITE_OFFS_PER_DAY, now, `您今天已提交 ${MAX_WRITE_OFFS_PER_DAY} 笔损耗申请，请明天再提交`);
        const proposed: WriteOff = {
          _id: writeOffId,
          communityId,
          goodsId: item._id,
          goodsName: item.name,
          quantity: input.quantity,
          reason: input.reason,
          status: 'pending',
          proposedBy: caller.openid,
          proposedByName: actorName(caller),
          proposedAt: now,
        };
        await writeOffs.add(proposed);
        const pending: PendingWriteOff = {
          id: proposed._id,
          quantity: proposed.quantity,
          reason: proposed.reason,
          proposedBy: proposed.proposedBy,
          proposedByName: proposed.proposedByName,
          proposedAt: now,
        };
        await goods.update(item._id, { set: { pendingWriteOff: pending } });
        return proposed;
      });
      return await reply(writeOff);
    } catch (error) {
      const existing = await deps.store.collection<WriteOff>(COLLECTIONS.writeOffs).get(writeOffId);
      if (existing) return reply(sameRequest(existing));
      throw error;
    }
  },

  /**
   * Four eyes: whoever proposed the write-off does not decide it. An approval moves the stock (a
   * `write_off` move) in the transaction that decides it, and only while the stock still covers it;
   * otherwise the proposal stays pending for a colleague to reject.
   */
  'mall.decideWriteOff': async (input, { caller, deps, preread }) => {
    const communityId = staffCommunity(caller);
    const seen = await prereadOrGet(deps.store.collection<WriteOff>(COLLECTIONS.writeOffs), input.writeOffId, preread, 'writeOff');
    if (!seen || seen.communityId !== communityId) throw new DomainError('NOT_FOUND', '没有找到这笔损耗申请');
    if (seen.status !== 'pending') throw new DomainError('CONFLICT', `该损耗申请${WRITE_OFF_DECIDED[seen.status]}，无需再审核`);
    if (seen.proposedBy === caller.openid) throw new DomainError('FORBIDDEN', '不能审核自己提出的损耗申请，请由其他工作人员审核');
    const approve = input.decision === 'approve';
    const now = deps.clock.now();
    const { writeOff, goods } = await deps.store.transaction(async (tx) => {
      const writeOffs = tx.collection<WriteOff>(COLLECTIONS.writeOffs);
      const current = found(await writeOffs.get(seen._id), '没有找到这笔损耗申请');
      // Read again inside: a colleague deciding at the same moment makes this one a no-op.
      if (current.status !== 'pending') throw new DomainError('CONFLICT', `该损耗申请${WRITE_OFF_DECIDED[current.status]}，无需再审核`);
      const goodsOf = tx.collection<Goods>(COLLECTIONS.goods);
      const item = await goodsOf.get(current.goodsId);
      if (approve && !item) throw new DomainError('NOT_FOUND', '商品已不存在，请不通过此申请');
      // The reviewer judged the item by the name proposed: renamed since, it may be another item.
      if (approve && item && item.name !== current.goodsName) {
        throw new DomainError('CONFLICT', `商品名称已由“${current.goodsName}”改为“${item.name}”，请不通过此申请，核对后重新申请`);
      }
      const decision = compact({
        status: approve ? ('approved' as const) : ('rejected' as const),
        decidedBy: caller.openid,
        decidedByName: actorName(caller),
        decidedAt: now,
        note: input.note || undefined,
        moveId: approve ? writeOffMoveId(current._id) : undefined,
      });
      let after = item;
      const pointsHere = item?.pendingWriteOff?.id === current._id;
      if (approve && item) {
        if (item.stock < current.quantity) {
          throw new DomainError('OUT_OF_STOCK', `库存不足：“${item.name}”现有 ${item.stock} 件，少于报损的 ${current.quantity} 件；请核对后不通过此申请`);
        }
        const move = await moveStock(
          tx,
          item,
          { _id: writeOffMoveId(current._id), kind: 'write_off', delta: -current.quantity, reason: current.reason, ref: current._id, by: caller.openid, byName: actorName(caller), createdAt: now },
          pointsHere ? { unset: ['pendingWriteOff'] } : {},
        );
        after = { ...item, stock: move.stockAfter };
      } else if (item && pointsHere) {
        await goodsOf.update(item._id, { unset: ['pendingWriteOff'] });
      }
      await writeOffs.update(current._id, { set: decision });
      if (after && pointsHere) {
        const { pendingWriteOff: _decided, ...rest } = after;
        after = rest;
      }
      return { writeOff: { ...current, ...decision }, goods: after };
    });
    return { writeOff: writeOffView(writeOff, caller), goods: goods ? goodsView(goods, caller.openid) : null };
  },

  'mall.stockMoves': async (input, { caller, deps, preread }) => {
    const communityId = staffCommunity(caller);
    const goods = ownGoods(await prereadOrGet(deps.store.collection<Goods>(COLLECTIONS.goods), input.goodsId, preread, 'goods'), communityId);
    return keysetPage(deps.store.collection<StockMove>(COLLECTIONS.stockMoves), { goodsId: goods._id }, NEWEST_FIRST, input, stockMoveView, {
      invalidCursor: '分页参数无效，请刷新后重试',
    });
  },

  'mall.writeOffs': async (input, { caller, deps, preread }) => {
    const communityId = staffCommunity(caller);
    const goods = ownGoods(await prereadOrGet(deps.store.collection<Goods>(COLLECTIONS.goods), input.goodsId, preread, 'goods'), communityId);
    return keysetPage(
      deps.store.collection<WriteOff>(COLLECTIONS.writeOffs),
      { goodsId: goods._id },
      [
        ['proposedAt', 'desc'],
        ['_id', 'desc'],
      ],
      input,
      (writeOff) => writeOffView(writeOff, caller),
      { invalidCursor: '分页参数无效，请刷新后重试' },
    );
  },
};
