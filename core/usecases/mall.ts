/**
 * The `mall` function: the community's 爱心积分超市. Redeeming debits points and stock in one
 * transaction; staff verify (核销) the hand-over by the redemption's code; a pending redemption can be
 * cancelled, which refunds and restocks in one transaction. Every change of stock is a stock move
 * written with it (the stock ledger, 入库 and 损耗: stock.ts).
 */
import type { RedemptionView } from '../contract';
import { digestId } from '../digest';
import { DomainError, found } from '../errors';
import type { Handlers } from '../handlers';
import { COLLECTIONS, type Goods, type Redemption, type StockMove, type User, type Volunteer } from '../model';
import { postPoints } from '../points';
import type { Deps, Update } from '../ports';
import { goodsView, moveFor, moveStock, openingMoveId, redeemMoveId, refundMoveId, stockHandlers } from './stock';
import { actorName, assertCanPropose, goodsRule, proposeRuleChange } from './rules';
import { dailyLimitsOf } from '../settings';
import { iso } from '../time';
import { isStaffOf, memberCommunity, staffCommunity } from './shared/access';
import { keysetPage, NEWEST_FIRST } from './shared/paging';
import { compact, loadCommunity, readAll } from './shared/store';
import { takePlace } from './shared/quota';

export const redemptionView = (redemption: Redemption): RedemptionView => ({
  id: redemption._id,
  code: redemption.code,
  status: redemption.status,
  goodsId: redemption.goodsId,
  goodsName: redemption.goodsName,
  quantity: redemption.quantity,
  points: redemption.points,
  createdAt: iso(redemption.createdAt),
  ...(redemption.fulfilledAt ? { fulfilledAt: iso(redemption.fulfilledAt) } : {}),
  ...(redemption.cancelledAt ? { cancelledAt: iso(redemption.cancelledAt) } : {}),
});

/**
 * A redemption's _id follows from who asked and their request id, so a retried tap finds the
 * redemption it already made inside the transaction (which can only read by _id) instead of making
 * a second one. Hashed, because the raw pair is longer than an id may be and holds the openid.
 */
export const redemptionIdFor = (openid: string, clientRequestId: string): string => `rd-${digestId(`redeem\n${openid}\n${clientRequestId}`)}`;

/** Goods a community keeps (on and off the shelf): the market lists them all in one reply. */
export const MAX_GOODS = 200;

export const CODE_LENGTH = 6;

/** The name staff check at the counter: the registered name, else the volunteer's real name. */
async function residentName(deps: Deps, openid: string): Promise<string> {
  const user = await deps.store.collection<User>(COLLECTIONS.users).get(openid);
  if (user) return user.name;
  const volunteer = await deps.store.collection<Volunteer>(COLLECTIONS.volunteers).get(openid);
  return volunteer?.realName ?? '未登记居民';
}

export { goodsView };

export const mallHandlers: Handlers<'mall'> = {
  ...stockHandlers,

  'mall.home': async (input, context) => {
    const [goods, redemptions] = await Promise.all([mallHandlers['mall.goods']({}, context), mallHandlers['mall.myRedemptions']({ limit: input.limit }, context)]);
    return { balance: context.caller.points?.balance ?? 0, goods, redemptions };
  },

  'mall.goods': async (input, { caller, deps }) => {
    const communityId = memberCommunity(caller);
    if (input.includeInactive && !isStaffOf(caller, communityId)) {
      throw new DomainError('FORBIDDEN', '只有社区工作人员可以查看已下架的商品');
    }
    const goods = await readAll(
      deps.store.collection<Goods>(COLLECTIONS.goods),
      // A new item waits for its price to be approved before residents see it.
      input.includeInactive ? { communityId } : { communityId, active: true, pointsPrice: { gt: 0 } },
      {
        orderBy: [
          ['pointsPrice', 'asc'],
          ['_id', 'asc'],
        ],
      },
    );
    return goods.map((item) => goodsView(item, input.includeInactive ? caller.openid : undefined));
  },

  /**
   * Name, description and availability are saved at once. The price is what a resident pays:
   * a change is proposed and applies once a second staff member approves it; a new item is priced
   * 0 (not redeemable, not shown to residents) until then. Stock is not typed over: a new item's
   * `stock` is its opening stock, recorded as its first stock move in the transaction that adds it;
   * after that it moves only through 入库, redemptions and 损耗 (stock.ts).
   */
  'mall.upsertGoods': async (input, { caller, deps }) => {
    const communityId = staffCommunity(caller);
    const collection = deps.store.collection<Goods>(COLLECTIONS.goods);
    const now = deps.clock.now();
    let saved: Goods;
    let renamed = false;
    // Nearly every save of goods proposes a price (a new item, a new price, a new name): check first.
    await assertCanPropose(deps, caller);
    if (!input.id) {
      // With the form's request id, the item's id follows from it: a second tap after a lost reply finds the first.
      const goodsId = input.clientRequestId ? `goods-${digestId(`${caller.openid}\n${input.clientRequestId}`)}` : `goods-${deps.random.id()}`;
      saved = {
        _id: goodsId,
        communityId,
        name: input.name,
        pointsPrice: 0,
        stock: input.stock ?? 0,
        ...(input.description ? { description: input.description } : {}),
        active: input.active ?? true,
        updatedAt: now,
      };
      const added = saved;
      const made = await deps.store.transaction(async (tx) => {
        const earlier = input.clientRequestId ? await tx.collection<Goods>(COLLECTIONS.goods).get(goodsId) : null;
        if (earlier) {
          if (earlier.communityId !== communityId || earlier.name !== input.name) throw new DomainError('CONFLICT', '该请求编号已用于另一件商品，请重新填写');
          return earlier;
        }
        await takePlace(tx, `goods:${communityId}`, now, () => collection.count({ communityId }), MAX_GOODS, `本社区已有 ${MAX_GOODS} 种商品（含已下架），请先整理已有商品`);
        await tx.collection<Goods>(COLLECTIONS.goods).add(added);
        if (added.stock > 0) {
          // Added with its stock, so the move records it without moving it again.
          const opening = moveFor({ ...added, stock: 0 }, { _id: openingMoveId(added._id), kind: 'opening', delta: added.stock, by: caller.openid, byName: actorName(caller), createdAt: now });
          await tx.collection<StockMove>(COLLECTIONS.stockMoves).add(opening);
        }
        return added;
      });
      saved = made;
    } else {
      const existing = await collection.get(input.id);
      // Another community's goods are reported as missing: staff learn nothing about them.
      if (!existing || existing.communityId !== communityId) throw new DomainError('NOT_FOUND', '商品不存在');
      if (input.stock !== undefined) throw new DomainError('INVALID_INPUT', '已有商品的库存不能直接修改，请通过入库或损耗调整');
      // A write-off is reviewed by the item's name: it keeps its name until the write-off is decided.
      if (existing.pendingWriteOff && input.name !== existing.name) {
        throw new DomainError('CONFLICT', `“${existing.name}”有一笔待审核的损耗，审核完成前不能改名`);
      }
      // A price is approved for an item, not for an id: renamed, it is a new item, priced 0 until a
      // colleague approves its price (otherwise a towel's price could buy a rice cooker).
      renamed = input.name !== existing.name && (existing.pointsPrice > 0 || existing.pendingRuleChange !== undefined);
      const update: Update = {
        set: {
          name: input.name,
          ...(renamed ? { pointsPrice: 0 } : {}),
          active: input.active ?? existing.active,
          updatedAt: now,
          ...(input.description ? { description: input.description } : {}),
        },
        // An empty description clears it; an absent one keeps it.
        ...(input.description === '' ? { unset: ['description'] } : {}),
      };
      // The community in the condition keeps the write inside the staff member's own community. The
      // stock is not in it: a redemption meanwhile changes nothing this save writes.
      await collection.update({ _id: input.id, communityId }, update);
      saved = found(await collection.get(input.id), '商品不存在');
    }
    if (renamed || (input.pointsPrice !== saved.pointsPrice && input.pointsPrice !== saved.pendingRuleChange?.after)) {
      await proposeRuleChange(deps, caller, { communityId, target: goodsRule(saved), before: saved.pointsPrice, after: input.pointsPrice });
      saved = found(await collection.get(saved._id), '商品不存在');
    }
    if (saved.communityId !== communityId) throw new DomainError('NOT_FOUND', '商品不存在');
    return goodsView(saved, caller.openid);
  },

  'mall.redeem': async (input, { caller, deps }) => {
    const communityId = memberCommunity(caller);
    const redemptionId = redemptionIdFor(caller.openid, input.clientRequestId);
    const now = deps.clock.now();
    // Each redemption takes one of the community's 6-digit codes for good: a day's limit keeps one
    // account from using them up by redeeming and cancelling over and over.
    const community = await loadCommunity(deps, communityId, caller);
    const limit = dailyLimitsOf(community).redemptions;
    const sameRequest = (existing: Redemption) => {
      if (existing.goodsId !== input.goodsId || existing.quantity !== input.quantity) {
        throw new DomainError('CONFLICT', '该请求编号已用于另一笔兑换，请重新提交');
      }
      return { redemption: redemptionView(existing) };
    };
    try {
      // Everything below reads and writes by _id inside one transaction: the stock, the balance and
      // the redemption change together or not at all. Its insert is the idempotency check (the _id
      // comes from the request's id) and takes the code: the unique index (communityId, code) refuses
      // a code already drawn, and the transaction runs again with a new draw.
      const redemption = await deps.store.transaction(async (tx, attempt) => {
        // Run again after a conflict or a taken key: a repeated request (its redemption made) stops
        // here instead of failing every attempt. The first attempt reads nothing for it.
        if (attempt > 1) {
          const made = await tx.collection<Redemption>(COLLECTIONS.redemptions).get(redemptionId);
          if (made) return made;
        }
        const goodsCollection = tx.collection<Goods>(COLLECTIONS.goods);
        const goods = await goodsCollection.get(input.goodsId);
        if (!goods || goods.communityId !== communityId) throw new DomainError('NOT_FOUND', '商品不存在');
        if (!goods.active) throw new DomainError('CONFLICT', `“${goods.name}”已下架`);
        if (goods.pointsPrice < 1) throw new DomainError('CONFLICT', `“${goods.name}”的兑换积分正在审核，审核通过后才能兑换`);
        if (goods.stock < input.quantity) {
          throw new DomainError('OUT_OF_STOCK', goods.stock === 0 ? `库存不足：“${goods.name}”已兑完` : `库存不足：仅剩 ${goods.stock} 件`);
        }
        const points = goods.pointsPrice * input.quantity;
        await postPoints(
          tx,
          {
            key: `redeem:${redemptionId}`,
            openid: caller.openid,
            communityId,
            delta: -points,
            source: 'redeem',
            ref: redemptionId,
            reason: `兑换${goods.name} × ${input.quantity}`,
            by: caller.openid,
            now,
          },
          // New redemption, new key: were it posted, the redemption's insert below fails too.
          { first: true, dailyRedemptions: { limit, message: `您今天已兑换 ${limit} 次，已达社区每天的上限，请明天再来` } },
        );
        // The redemption's own move: a retry finds its _id taken, like the redemption's.
        await moveStock(tx, goods, { _id: redeemMoveId(redemptionId), kind: 'redeem', delta: -input.quantity, ref: redemptionId, createdAt: now });
        const created: Redemption = compact({
          _id: redemptionId,
          openid: caller.openid,
          communityId,
          goodsId: goods._id,
          goodsName: goods.name,
          redeemerName: caller.user?.name,
          quantity: input.quantity,
          points,
          code: deps.random.digits(CODE_LENGTH),
          status: 'pending' as const,
          clientRequestId: input.clientRequestId,
          createdAt: now,
        });
        await tx.collection<Redemption>(COLLECTIONS.redemptions).add(created);
        return created;
      });
      return { redemption: redemptionView(redemption) };
    } catch (error) {
      // A retry of a redemption already made: its insert found the _id taken. Read only on this path.
      const existing = await deps.store.collection<Redemption>(COLLECTIONS.redemptions).get(redemptionId);
      if (existing && existing.openid === caller.openid) return sameRequest(existing);
      throw error;
    }
  },

  'mall.myRedemptions': async (input, { caller, deps }) => {
    memberCommunity(caller);
    return keysetPage(deps.store.collection<Redemption>(COLLECTIONS.redemptions), { openid: caller.openid }, NEWEST_FIRST, input, redemptionView, {
      invalidCursor: '分页参数无效，请刷新后重试',
    });
  },

  'mall.verify': async (input, { caller, deps }) => {
    const communityId = staffCommunity(caller);
    // The code is looked up within the staff member's own community (the unique index on
    // communityId + code serves it), so another community's code is simply not found.
    const redemptions = deps.store.collection<Redemption>(COLLECTIONS.redemptions);
    // Two are asked for: the unique index makes a second impossible, but were it missing in a
    // deployment, a code held by two redemptions must not hand over someone else's.
    const matches = await redemptions.find({ communityId, code: input.code }, { limit: 2 });
    const seen = matches[0];
    if (!seen) throw new DomainError('NOT_FOUND', '核销码不存在，请核对后重试');
    if (matches.length > 1) {
      console.error(`[mall] 核销码 ${input.code} 对应多笔兑换（${communityId}）：请在控制台为 redemptions 建立唯一索引 community_code_unique`);
      throw new DomainError('CONFLICT', '该核销码对应多笔兑换，请让居民在“我的兑换”中出示兑换记录，由工作人员核对后处理');
    }
    const now = deps.clock.now();
    // Four eyes at the counter: staff who redeemed themselves are served by a colleague.
    if (seen.openid === caller.openid) throw new DomainError('FORBIDDEN', '不能核销自己的兑换，请由其他工作人员核销');
    // A conditional write: only a pending redemption becomes fulfilled, so two staff scanning the
    // same code, or a cancel racing the scan, cannot both win.
    const fulfilled = { status: 'fulfilled' as const, fulfilledAt: now, fulfilledBy: caller.openid };
    const changed = await redemptions.update({ _id: seen._id, communityId, status: 'pending' }, { set: fulfilled });
    if (changed === 0) {
      const current = found(await redemptions.get(seen._id), '兑换记录不存在');
      if (current.status === 'fulfilled') throw new DomainError('CONFLICT', '该兑换码已核销');
      if (current.status === 'cancelled') throw new DomainError('CONFLICT', '该兑换已取消，不能核销');
      throw new DomainError('CONFLICT');
    }
    const redemption: Redemption = { ...seen, ...fulfilled };
    return { redemption: redemptionView(redemption), resident: { name: redemption.redeemerName ?? (await residentName(deps, redemption.openid)) } };
  },

  'mall.cancel': async (input, { caller, deps }) => {
    const now = deps.clock.now();
    const cancelled = await deps.store.transaction(async (tx) => {
      const redemptions = tx.collection<Redemption>(COLLECTIONS.redemptions);
      const redemption = await redemptions.get(input.redemptionId);
      if (!redemption) throw new DomainError('NOT_FOUND', '兑换记录不存在');
      if (redemption.openid !== caller.openid && !isStaffOf(caller, redemption.communityId)) {
        throw new DomainError('FORBIDDEN', '只能取消自己的兑换');
      }
      if (redemption.status === 'fulfilled') throw new DomainError('CONFLICT', '该兑换已核销，不能取消');
      if (redemption.status === 'cancelled') throw new DomainError('CONFLICT', '该兑换已取消，积分已退回');
      const change = {
        status: 'cancelled' as const,
        cancelledAt: now,
        cancelledBy: caller.openid,
        ...(input.reason ? { cancelReason: input.reason } : {}),
      };
      await redemptions.update(redemption._id, { set: change });
      // Goods are never deleted by the app; if someone removed the document, the refund still stands.
      const goods = await tx.collection<Goods>(COLLECTIONS.goods).get(redemption.goodsId);
      if (goods) await moveStock(tx, goods, { _id: refundMoveId(redemption._id), kind: 'refund', delta: redemption.quantity, ref: redemption._id, createdAt: now });
      await postPoints(tx, {
        key: `refund:${redemption._id}`,
        openid: redemption.openid,
        communityId: redemption.communityId,
        delta: redemption.points,
        source: 'redeem_refund',
        ref: redemption._id,
        reason: input.reason ? `取消兑换：${input.reason}` : `取消兑换${redemption.goodsName}`,
        by: caller.openid,
        now,
      });
      return { ...redemption, ...change };
    });
    return { redemption: redemptionView(cancelled) };
  },
};
