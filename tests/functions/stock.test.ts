/**
 * The stock ledger of the 积分超市 through the real `mall` function on the local cloud: 入库
 * (mall.stockIn) once per request however often it is sent, redemptions and cancellations writing
 * their moves with the stock, 损耗 under four eyes (the proposer never decides; the stock drops only
 * on approval and only while it covers the write-off; decided once), an item's 库存流水 page by page,
 * and stock = Σ moves after a mixed day with redemptions racing. After every test every item's stock
 * is the sum of its moves.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StockMoveView } from '../../core/contract';
import type { Goods, StockMove, WriteOff } from '../../core/model';
import type { LocalCloud } from '../../localcloud/src/server';
import { MAX_STOCK_INS_PER_DAY } from '../../core/usecases/stock';
import { call, DEMO, ok, startLinli } from '../helpers/linli';
import { doc, docs, expectRefused, seed, T0, userDoc } from '../helpers/seed';

const STAFF3 = 'o-stock-staff3';
const OTHER_STAFF = 'o-stock-other-staff';
const OTHER_COMMUNITY = 'stock-other-community';

let seq = 0;
const requestId = () => `stock-${process.pid}-${(++seq).toString().padStart(4, '0')}`;

const stockOf = (cloud: LocalCloud, goodsId: string): number => doc<Goods>(cloud, 'goods', goodsId)!.stock;
const movesOf = (cloud: LocalCloud, goodsId: string): StockMove[] => docs<StockMove>(cloud, 'stock_moves').filter((move) => move.goodsId === goodsId);
const sumOfMoves = (cloud: LocalCloud, goodsId: string): number => movesOf(cloud, goodsId).reduce((sum, move) => sum + move.delta, 0);

function expectStockIsSumOfMoves(cloud: LocalCloud): void {
  for (const goods of docs<Goods>(cloud, 'goods')) expect(goods.stock, `stock of ${goods._id} = Σ moves`).toBe(sumOfMoves(cloud, goods._id));
}

/** A resident of the demo community with points to spend, backed by a ledger entry as the books require. */
function seedRichResident(cloud: LocalCloud, openid: string, balance: number): void {
  seed(cloud, 'users', [userDoc(openid, `居民${openid.slice(-2)}`)]);
  seed(cloud, 'points_ledger', [
    { _id: `seed:${openid}`, openid, communityId: DEMO.community, delta: balance, source: 'good_deed', ref: 'seed', reason: '测试', by: DEMO.staff, balanceAfter: balance, createdAt: T0 },
  ]);
  seed(cloud, 'points_accounts', [{ _id: openid, communityId: DEMO.community, balance, issued: balance, redeemed: 0, updatedAt: T0 }]);
}

/** A new item, priced by a second staff member so it can be redeemed, with `opening` on the shelf. */
async function newGoods(cloud: LocalCloud, name: string, opening: number, pointsPrice = 10): Promise<string> {
  const created = ok(await call(cloud, DEMO.staff, 'mall.upsertGoods', { name, pointsPrice, stock: opening }));
  const [change] = ok(await call(cloud, DEMO.staff2, 'community.ruleChanges', { status: 'pending', limit: 50 })).items.filter((c) => c.subject === `商品“${name}”的兑换积分`);
  ok(await call(cloud, DEMO.staff2, 'community.reviewRuleChange', { changeId: change!.id, decision: 'approve' }));
  return created.id;
}

describe('the stock ledger', () => {
  let cloud: LocalCloud;
  beforeAll(async () => {
    cloud = await startLinli();
    seed(cloud, 'users', [userDoc(STAFF3, '赵三', { roles: ['staff'] })]);
    seed(cloud, 'communities', [
      {
        _id: OTHER_COMMUNITY,
        name: '库存测试另一社区',
        grids: [{ id: 'h1', name: '一网格', buildings: ['1栋'] }],
        settings: { requireOrderReview: false, scoreMultipliers: { 1: 0.5, 2: 0.8, 3: 1, 4: 1.1, 5: 1.2 }, acceptTimeoutMinutes: 30 },
        createdAt: T0,
      },
    ]);
    seed(cloud, 'users', [userDoc(OTHER_STAFF, '外社区干事', { roles: ['staff'], communityId: OTHER_COMMUNITY, address: { gridId: 'h1', building: '1栋' } })]);
  });
  afterAll(() => cloud.close());
  afterEach(() => expectStockIsSumOfMoves(cloud));

  it('the demo goods start from their opening moves', () => {
    const opening = doc<StockMove>(cloud, 'stock_moves', 'opening:goods-towel');
    expect(opening).toMatchObject({ goodsId: 'goods-towel', kind: 'opening', delta: 50, stockAfter: 50 });
    expect(stockOf(cloud, 'goods-towel')).toBe(50);
  });

  it('a new item’s stock is its opening move; an existing item’s stock is never typed over', async () => {
    const created = ok(await call(cloud, DEMO.staff, 'mall.upsertGoods', { name: '抽纸', pointsPrice: 5, stock: 12 }));
    expect(created.stock).toBe(12);
    expect(doc<StockMove>(cloud, 'stock_moves', `opening:${created.id}`)).toMatchObject({ kind: 'opening', delta: 12, stockAfter: 12, by: DEMO.staff, byName: '刘晓梅', goodsName: '抽纸' });
    const empty = ok(await call(cloud, DEMO.staff, 'mall.upsertGoods', { name: '洗洁精', pointsPrice: 5 }));
    expect(empty.stock).toBe(0);
    expect(movesOf(cloud, empty.id)).toEqual([]);
    await expectRefused(cloud, DEMO.staff, 'mall.upsertGoods', { id: created.id, name: '抽纸', pointsPrice: 5, stock: 100 }, 'INVALID_INPUT', '已有商品的库存不能直接修改，请通过入库或损耗调整');
    // Editing anything else leaves the stock and its moves as they are.
    ok(await call(cloud, DEMO.staff, 'mall.upsertGoods', { id: created.id, name: '抽纸', pointsPrice: 5, description: '三层' }));
    expect(stockOf(cloud, created.id)).toBe(12);
    expect(movesOf(cloud, created.id)).toHaveLength(1);
  });

  it('入库: a purchase and a donation each add a move that says who, what and from whom', async () => {
    const bought = ok(await call(cloud, DEMO.staff, 'mall.stockIn', { goodsId: 'goods-rice', quantity: 10, source: 'purchase', note: '11月采购', clientRequestId: requestId() }));
    expect(bought.goods).toMatchObject({ id: 'goods-rice', stock: 30 });
    expect(bought.move).toMatchObject({ kind: 'stock_in', delta: 10, stockAfter: 30, source: 'purchase', note: '11月采购', byName: '刘晓梅' });
    const given = ok(await call(cloud, DEMO.staff2, 'mall.stockIn', { goodsId: 'goods-rice', quantity: 5, source: 'donation', donor: '爱心超市', clientRequestId: requestId() }));
    expect(given.move).toMatchObject({ kind: 'stock_in', delta: 5, stockAfter: 35, source: 'donation', donor: '爱心超市', byName: '王建国' });
    expect(doc<StockMove>(cloud, 'stock_moves', given.move.id)).toMatchObject({ goodsId: 'goods-rice', communityId: DEMO.community, by: DEMO.staff2, donor: '爱心超市' });
    expect(stockOf(cloud, 'goods-rice')).toBe(35);
  });

  it('入库 retried (one after another, or five at once) adds once; the same request id for another stock-in is refused', async () => {
    const clientRequestId = requestId();
    const input = { goodsId: 'goods-oil', quantity: 3, source: 'purchase' as const, clientRequestId };
    const first = ok(await call(cloud, DEMO.staff, 'mall.stockIn', input));
    const again = ok(await call(cloud, DEMO.staff, 'mall.stockIn', input));
    expect(again.move).toEqual(first.move);
    expect(stockOf(cloud, 'goods-oil')).toBe(18);

    const burstId = requestId();
    const replies = await Promise.all(Array.from({ length: 5 }, () => call(cloud, DEMO.staff, 'mall.stockIn', { ...input, quantity: 2, clientRequestId: burstId })));
    expect(new Set(replies.map((reply) => ok(reply).move.id)).size).toBe(1);
    expect(stockOf(cloud, 'goods-oil')).toBe(20);
    expect(movesOf(cloud, 'goods-oil').filter((move) => move.kind === 'stock_in')).toHaveLength(2);

    await expectRefused(cloud, DEMO.staff, 'mall.stockIn', { ...input, quantity: 4 }, 'CONFLICT', '该请求编号已用于另一次入库，请重新提交');
  });

  it('入库 refuses bad input, another community’s goods and a stock past the limit, writing nothing', async () => {
    const good = { goodsId: 'goods-towel', quantity: 1, source: 'purchase', clientRequestId: requestId() };
    await expectRefused(cloud, DEMO.staff, 'mall.stockIn', { ...good, quantity: 0 }, 'INVALID_INPUT', '入库数量至少为 1');
    await expectRefused(cloud, DEMO.staff, 'mall.stockIn', { ...good, quantity: 10001 }, 'INVALID_INPUT', '入库数量不能超过 10000');
    await expectRefused(cloud, DEMO.staff, 'mall.stockIn', { ...good, quantity: 1.5 }, 'INVALID_INPUT', '入库数量必须是整数');
    await expectRefused(cloud, DEMO.staff, 'mall.stockIn', { ...good, source: 'found' }, 'INVALID_INPUT', '请选择入库来源：采购或捐赠');
    await expectRefused(cloud, DEMO.staff, 'mall.stockIn', { ...good, source: 'donation' }, 'INVALID_INPUT', '请填写捐赠人（不愿留名可填“匿名”）');
    await expectRefused(cloud, DEMO.staff, 'mall.stockIn', { ...good, note: '很'.repeat(201) }, 'INVALID_INPUT', '备注不能超过 200 个字');
    await expectRefused(cloud, OTHER_STAFF, 'mall.stockIn', good, 'NOT_FOUND', '商品不存在');
    await expectRefused(cloud, DEMO.staff, 'mall.stockIn', { ...good, goodsId: 'no-such-goods' }, 'NOT_FOUND', '商品不存在');
    await expectRefused(cloud, DEMO.resident, 'mall.stockIn', good, 'FORBIDDEN');
    await expectRefused(cloud, DEMO.grid, 'mall.stockIn', good, 'FORBIDDEN');
    seed(cloud, 'goods', [{ _id: 'goods-full', communityId: DEMO.community, name: '满仓', pointsPrice: 1, stock: 99_995, active: true, updatedAt: T0 }]);
    seed(cloud, 'stock_moves', [{ _id: 'opening:goods-full', communityId: DEMO.community, goodsId: 'goods-full', goodsName: '满仓', kind: 'opening', delta: 99_995, stockAfter: 99_995, createdAt: T0 }]);
    await expectRefused(cloud, DEMO.staff, 'mall.stockIn', { ...good, goodsId: 'goods-full', quantity: 6 }, 'LIMIT_REACHED', '入库后“满仓”的库存将超过 100000 件，请核对数量');
  });

  it('a redemption and its cancellation each write their move with the stock, once however often retried', async () => {
    seedRichResident(cloud, 'o-stock-redeemer', 500);
    const clientRequestId = requestId();
    const { redemption } = ok(await call(cloud, 'o-stock-redeemer', 'mall.redeem', { goodsId: 'goods-haircut', quantity: 2, clientRequestId }));
    ok(await call(cloud, 'o-stock-redeemer', 'mall.redeem', { goodsId: 'goods-haircut', quantity: 2, clientRequestId }));
    expect(doc<StockMove>(cloud, 'stock_moves', `redeem:${redemption.id}`)).toMatchObject({ kind: 'redeem', delta: -2, stockAfter: 38, ref: redemption.id, goodsName: '理发券' });
    // A resident's openid is kept on the redemption only, not on the stock ledger.
    expect(doc<StockMove>(cloud, 'stock_moves', `redeem:${redemption.id}`)).not.toHaveProperty('by');
    await Promise.all([
      call(cloud, 'o-stock-redeemer', 'mall.cancel', { redemptionId: redemption.id }),
      call(cloud, DEMO.staff, 'mall.cancel', { redemptionId: redemption.id }),
    ]);
    expect(doc<StockMove>(cloud, 'stock_moves', `refund:${redemption.id}`)).toMatchObject({ kind: 'refund', delta: 2, stockAfter: 40, ref: redemption.id });
    expect(movesOf(cloud, 'goods-haircut').filter((move) => move.ref === redemption.id)).toHaveLength(2);
    expect(stockOf(cloud, 'goods-haircut')).toBe(40);
  });

  it('损耗: the proposer cannot decide it; another staff member approves it, and the stock drops only then, once', async () => {
    const goodsId = await newGoods(cloud, '鸡蛋 10 枚', 20);
    const { writeOff, goods } = ok(await call(cloud, DEMO.staff, 'mall.proposeWriteOff', { goodsId, quantity: 3, reason: '运输中破损', clientRequestId: requestId() }));
    expect(writeOff).toMatchObject({ status: 'pending', quantity: 3, reason: '运输中破损', proposedByName: '刘晓梅', mine: true });
    expect(goods).toMatchObject({ stock: 20, pendingWriteOff: { id: writeOff.id, quantity: 3, reason: '运输中破损', proposedByName: '刘晓梅', mine: true } });
    expect(stockOf(cloud, goodsId)).toBe(20);
    // Colleagues see it waiting for them; residents never see it.
    const seen = ok(await call(cloud, DEMO.staff2, 'mall.goods', { includeInactive: true })).find((item) => item.id === goodsId);
    expect(seen?.pendingWriteOff).toMatchObject({ id: writeOff.id, mine: false });
    expect(ok(await call(cloud, DEMO.resident, 'mall.goods', {})).find((item) => item.id === goodsId)).not.toHaveProperty('pendingWriteOff');

    // Four eyes: the proposer (a staff member who may also be a resident) decides nothing.
    await expectRefused(cloud, DEMO.staff, 'mall.decideWriteOff', { writeOffId: writeOff.id, decision: 'approve' }, 'FORBIDDEN', '不能审核自己提出的损耗申请，请由其他工作人员审核');
    await expectRefused(cloud, DEMO.staff, 'mall.decideWriteOff', { writeOffId: writeOff.id, decision: 'reject', note: '撤回' }, 'FORBIDDEN');
    await expectRefused(cloud, OTHER_STAFF, 'mall.decideWriteOff', { writeOffId: writeOff.id, decision: 'approve' }, 'NOT_FOUND', '没有找到这笔损耗申请');
    await expectRefused(cloud, DEMO.resident, 'mall.decideWriteOff', { writeOffId: writeOff.id, decision: 'approve' }, 'FORBIDDEN');
    // One at a time per item.
    await expectRefused(cloud, DEMO.staff2, 'mall.proposeWriteOff', { goodsId, quantity: 1, reason: '过期', clientRequestId: requestId() }, 'CONFLICT', '“鸡蛋 10 枚”已有一笔待审核的损耗（3 件），请先由其他工作人员审核');

    // Two colleagues approve at the same moment: one approval, one move.
    const replies = await Promise.all([
      call(cloud, DEMO.staff2, 'mall.decideWriteOff', { writeOffId: writeOff.id, decision: 'approve', note: '已核对' }),
      call(cloud, STAFF3, 'mall.decideWriteOff', { writeOffId: writeOff.id, decision: 'approve' }),
    ]);
    expect(replies.filter((reply) => reply.ok)).toHaveLength(1);
    const loser = replies.find((reply) => !reply.ok);
    expect(loser).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: '该损耗申请已通过，无需再审核' } });
    const won = replies.find((reply) => reply.ok)!;
    expect(ok(won).goods).toMatchObject({ stock: 17 });
    expect(ok(won).goods).not.toHaveProperty('pendingWriteOff');
    expect(stockOf(cloud, goodsId)).toBe(17);
    const moves = movesOf(cloud, goodsId).filter((move) => move.kind === 'write_off');
    expect(moves).toHaveLength(1);
    expect(moves[0]).toMatchObject({ _id: `write_off:${writeOff.id}`, delta: -3, stockAfter: 17, reason: '运输中破损', ref: writeOff.id });
    expect(doc<WriteOff>(cloud, 'write_offs', writeOff.id)).toMatchObject({ status: 'approved', proposedBy: DEMO.staff, moveId: `write_off:${writeOff.id}` });
    expect([DEMO.staff2, STAFF3]).toContain(doc<WriteOff>(cloud, 'write_offs', writeOff.id)!.decidedBy);
    await expectRefused(cloud, DEMO.staff2, 'mall.decideWriteOff', { writeOffId: writeOff.id, decision: 'approve' }, 'CONFLICT', '该损耗申请已通过，无需再审核');
  });

  it('损耗 is refused when the stock no longer covers it: it stays pending, and a colleague rejects it', async () => {
    const goodsId = await newGoods(cloud, '牛奶', 4);
    await expectRefused(cloud, DEMO.staff, 'mall.proposeWriteOff', { goodsId, quantity: 5, reason: '过期', clientRequestId: requestId() }, 'OUT_OF_STOCK', '库存不足：“牛奶”现有 4 件，不能报损 5 件');
    const { writeOff } = ok(await call(cloud, DEMO.staff, 'mall.proposeWriteOff', { goodsId, quantity: 4, reason: '过期', clientRequestId: requestId() }));
    // Meanwhile a resident redeems one.
    seedRichResident(cloud, 'o-stock-milk', 100);
    ok(await call(cloud, 'o-stock-milk', 'mall.redeem', { goodsId, quantity: 1, clientRequestId: requestId() }));
    await expectRefused(
      cloud,
      DEMO.staff2,
      'mall.decideWriteOff',
      { writeOffId: writeOff.id, decision: 'approve' },
      'OUT_OF_STOCK',
      '库存不足：“牛奶”现有 3 件，少于报损的 4 件；请核对后不通过此申请',
    );
    expect(doc<WriteOff>(cloud, 'write_offs', writeOff.id)!.status).toBe('pending');
    await expectRefused(cloud, DEMO.staff2, 'mall.decideWriteOff', { writeOffId: writeOff.id, decision: 'reject' }, 'INVALID_INPUT', '请填写不通过的原因');
    const rejected = ok(await call(cloud, DEMO.staff2, 'mall.decideWriteOff', { writeOffId: writeOff.id, decision: 'reject', note: '数量有误' }));
    expect(rejected.writeOff).toMatchObject({ status: 'rejected', decidedByName: '王建国', note: '数量有误', mine: false });
    expect(rejected.goods).toMatchObject({ stock: 3 });
    expect(rejected.goods).not.toHaveProperty('pendingWriteOff');
    expect(stockOf(cloud, goodsId)).toBe(3);
    expect(movesOf(cloud, goodsId).some((move) => move.kind === 'write_off')).toBe(false);
    // The item is free for a new proposal.
    ok(await call(cloud, DEMO.staff2, 'mall.proposeWriteOff', { goodsId, quantity: 3, reason: '过期', clientRequestId: requestId() }));
  });

  it('损耗 proposals are retried safely and limited per person and day', async () => {
    const goodsId = await newGoods(cloud, '面包', 10);
    const input = { goodsId, quantity: 2, reason: '发霉', clientRequestId: requestId() };
    const first = ok(await call(cloud, STAFF3, 'mall.proposeWriteOff', input));
    const again = ok(await call(cloud, STAFF3, 'mall.proposeWriteOff', input));
    expect(again.writeOff).toEqual(first.writeOff);
    expect(docs<WriteOff>(cloud, 'write_offs').filter((w) => w.goodsId === goodsId)).toHaveLength(1);
    await expectRefused(cloud, STAFF3, 'mall.proposeWriteOff', { ...input, quantity: 3 }, 'CONFLICT', '该请求编号已用于另一笔损耗申请，请重新提交');
    await expectRefused(cloud, STAFF3, 'mall.proposeWriteOff', { ...input, reason: '', clientRequestId: requestId() }, 'INVALID_INPUT', '请填写损耗原因');

    const other = await newGoods(cloud, '馒头', 10);
    const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
    seed(cloud, 'quotas', [{ _id: `write_off:${STAFF3}`, day: today, count: 20, updatedAt: new Date() }]);
    await expectRefused(cloud, STAFF3, 'mall.proposeWriteOff', { goodsId: other, quantity: 1, reason: '发霉', clientRequestId: requestId() }, 'LIMIT_REACHED', '您今天已提交 20 笔损耗申请，请明天再提交');
  });

  it('损耗 is judged by the item’s name: the item keeps it while a write-off waits, and a name changed anyway stops the approval', async () => {
    const goodsId = await newGoods(cloud, '电饭煲', 5, 800);
    const { writeOff } = ok(await call(cloud, DEMO.staff, 'mall.proposeWriteOff', { goodsId, quantity: 5, reason: '破损无法使用', clientRequestId: requestId() }));
    // Renamed to something worthless, the colleague would approve "破旧塑料袋".
    await expectRefused(cloud, DEMO.staff, 'mall.upsertGoods', { id: goodsId, name: '破旧塑料袋', pointsPrice: 800 }, 'CONFLICT', '“电饭煲”有一笔待审核的损耗，审核完成前不能改名');
    expect(doc<Goods>(cloud, 'goods', goodsId)!.name).toBe('电饭煲');
    // Other edits are still allowed.
    ok(await call(cloud, DEMO.staff, 'mall.upsertGoods', { id: goodsId, name: '电饭煲', pointsPrice: 800, description: '3 升' }));
    // A name changed by any other way (a hand edit in the console) stops the approval.
    seed(cloud, 'goods', [{ ...doc<Goods>(cloud, 'goods', goodsId)!, name: '破旧塑料袋' }]);
    await expectRefused(
      cloud,
      DEMO.staff2,
      'mall.decideWriteOff',
      { writeOffId: writeOff.id, decision: 'approve' },
      'CONFLICT',
      '商品名称已由“电饭煲”改为“破旧塑料袋”，请不通过此申请，核对后重新申请',
    );
    expect(stockOf(cloud, goodsId)).toBe(5);
    seed(cloud, 'goods', [{ ...doc<Goods>(cloud, 'goods', goodsId)!, name: '电饭煲' }]);
  });

  it('入库 is limited per person and day: one account cannot bury the ledger every reconciliation reads', async () => {
    const goodsId = await newGoods(cloud, '香皂', 1);
    const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
    seed(cloud, 'quotas', [{ _id: `stock_in:${STAFF3}`, day: today, count: MAX_STOCK_INS_PER_DAY, updatedAt: new Date() }]);
    const before = movesOf(cloud, goodsId).length;
    await expectRefused(cloud, STAFF3, 'mall.stockIn', { goodsId, quantity: 1, source: 'purchase', clientRequestId: requestId() }, 'LIMIT_REACHED', `您今天已入库 ${MAX_STOCK_INS_PER_DAY} 次，请明天再入库`);
    expect(movesOf(cloud, goodsId)).toHaveLength(before);
    ok(await call(cloud, DEMO.staff2, 'mall.stockIn', { goodsId, quantity: 1, source: 'purchase', clientRequestId: requestId() }));
  });

  it('库存流水: an item’s moves, newest first, page by page, for its own community’s staff only', async () => {
    const goodsId = await newGoods(cloud, '香皂', 1);
    for (let i = 0; i < 4; i++) ok(await call(cloud, DEMO.staff, 'mall.stockIn', { goodsId, quantity: i + 1, source: 'purchase', clientRequestId: requestId() }));
    const seen: StockMoveView[] = [];
    let cursor: string | undefined;
    do {
      const page = ok(await call(cloud, DEMO.staff2, 'mall.stockMoves', { goodsId, limit: 2, ...(cursor ? { cursor } : {}) }));
      seen.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen.map((move) => [move.kind, move.delta, move.stockAfter])).toEqual([
      ['stock_in', 4, 11],
      ['stock_in', 3, 7],
      ['stock_in', 2, 4],
      ['stock_in', 1, 2],
      ['opening', 1, 1],
    ]);
    await expectRefused(cloud, OTHER_STAFF, 'mall.stockMoves', { goodsId }, 'NOT_FOUND', '商品不存在');
    await expectRefused(cloud, DEMO.resident, 'mall.stockMoves', { goodsId }, 'FORBIDDEN');
    await expectRefused(cloud, DEMO.staff, 'mall.stockMoves', { goodsId, cursor: 'nonsense' }, 'INVALID_INPUT', '分页参数无效，请刷新后重试');
  });

  it('损耗申请: an item’s write-offs stay on record, refused ones with who refused and why, newest first, for its own staff only', async () => {
    const goodsId = await newGoods(cloud, '挂面', 10);
    const first = ok(await call(cloud, DEMO.staff, 'mall.proposeWriteOff', { goodsId, quantity: 2, reason: '受潮', clientRequestId: requestId() })).writeOff;
    ok(await call(cloud, DEMO.staff2, 'mall.decideWriteOff', { writeOffId: first.id, decision: 'reject', note: '经核对未受潮' }));
    const second = ok(await call(cloud, DEMO.staff, 'mall.proposeWriteOff', { goodsId, quantity: 1, reason: '包装破损', clientRequestId: requestId() })).writeOff;
    ok(await call(cloud, DEMO.staff2, 'mall.decideWriteOff', { writeOffId: second.id, decision: 'approve' }));
    const listed = ok(await call(cloud, DEMO.staff, 'mall.writeOffs', { goodsId }));
    expect(listed.items.map((item) => [item.id, item.status, item.quantity, item.reason, item.proposedByName, item.decidedByName, item.note ?? null, item.mine])).toEqual([
      [second.id, 'approved', 1, '包装破损', '刘晓梅', '王建国', null, true],
      [first.id, 'rejected', 2, '受潮', '刘晓梅', '王建国', '经核对未受潮', true],
    ]);
    // Only the approved one moved the stock; the refused one is in this record alone.
    expect(stockOf(cloud, goodsId)).toBe(9);
    await expectRefused(cloud, OTHER_STAFF, 'mall.writeOffs', { goodsId }, 'NOT_FOUND', '商品不存在');
    await expectRefused(cloud, DEMO.resident, 'mall.writeOffs', { goodsId }, 'FORBIDDEN');
  });

  it('a mixed day — 入库, redemptions racing for the last items, cancellations, a write-off — ends with stock = Σ moves', async () => {
    const goodsId = await newGoods(cloud, '保温杯', 3, 50);
    ok(await call(cloud, DEMO.staff, 'mall.stockIn', { goodsId, quantity: 4, source: 'donation', donor: '张先生', clientRequestId: requestId() }));
    const racers = Array.from({ length: 10 }, (_, i) => `o-stock-racer-${i}`);
    for (const openid of racers) seedRichResident(cloud, openid, 200);
    const replies = await Promise.all(racers.map((openid) => call(cloud, openid, 'mall.redeem', { goodsId, quantity: 1, clientRequestId: requestId() })));
    const won = replies.filter((reply) => reply.ok).map((reply) => ok(reply).redemption);
    expect(won).toHaveLength(7);
    for (const reply of replies.filter((r) => !r.ok)) expect(reply).toMatchObject({ ok: false, error: { code: 'OUT_OF_STOCK' } });
    expect(stockOf(cloud, goodsId)).toBe(0);
    // Two change their minds; staff write one of the returned cups off as damaged.
    for (const redemption of won.slice(0, 2)) ok(await call(cloud, DEMO.staff, 'mall.cancel', { redemptionId: redemption.id, reason: '不需要了' }));
    const { writeOff } = ok(await call(cloud, DEMO.staff2, 'mall.proposeWriteOff', { goodsId, quantity: 1, reason: '退回时杯盖损坏', clientRequestId: requestId() }));
    ok(await call(cloud, DEMO.staff, 'mall.decideWriteOff', { writeOffId: writeOff.id, decision: 'approve' }));

    expect(stockOf(cloud, goodsId)).toBe(3 + 4 - 7 + 2 - 1);
    expect(sumOfMoves(cloud, goodsId)).toBe(stockOf(cloud, goodsId));
    const kinds = movesOf(cloud, goodsId).map((move) => move.kind);
    expect(kinds.filter((kind) => kind === 'redeem')).toHaveLength(7);
    expect(kinds.filter((kind) => kind === 'refund')).toHaveLength(2);
    // Each move's stockAfter is the stock it left: the first move starts from nothing, the last is the stock now.
    const ordered = movesOf(cloud, goodsId).sort((a, b) => new Date(a.createdAt).getTime() - new Date(b.createdAt).getTime());
    expect(ordered[0]).toMatchObject({ kind: 'opening', delta: 3, stockAfter: 3 });
    expect(ordered.at(-1)).toMatchObject({ kind: 'write_off', delta: -1, stockAfter: 1 });
    expect(ordered.filter((move) => move.kind === 'redeem').map((move) => move.stockAfter).sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    // And the reconciliation run on demand finds nothing wrong with it.
    const { reconciliation } = ok(await call(cloud, DEMO.staff, 'report.reconcile', { confirm: '对账' }));
    expect(reconciliation.discrepancies.filter((d) => d.subject === goodsId)).toEqual([]);
  });
});
