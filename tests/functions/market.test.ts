/**
 * The `points`, `mall` and `stats` functions through /client/callFunction, on the demo data plus
 * seeded documents. After every test the books are checked against the raw collections: each
 * balance equals the sum of its ledger, nothing is negative, every redemption is debited once and
 * refunded at most once, and codes are unique per community.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ActionName, Page } from '../../core/contract';
import { functionOf } from '../../core/contract';
import { TRENDS_PER_DAY } from '../../core/usecases/stats';
import type { Reply } from '../../core/reply';
import type { LocalCloud } from '../../localcloud/src/server';
import { approveRuleChanges, call, callRaw, DEMO, ok, snapshot, startLinli } from '../helpers/linli';

// Raw documents as the engine holds them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Raw = Record<string, any>;

const docs = (cloud: LocalCloud, collection: string): Raw[] =>
  [...(cloud.engine.collections.get(collection)?.entries.values() ?? [])].map((entry) => entry.doc as Raw);
const doc = (cloud: LocalCloud, collection: string, id: string): Raw | undefined => docs(cloud, collection).find((d) => d._id === id);

const balanceOf = (cloud: LocalCloud, openid: string): number => doc(cloud, 'points_accounts', openid)?.balance ?? 0;
const ledgerOf = (cloud: LocalCloud, openid: string): Raw[] => docs(cloud, 'points_ledger').filter((entry) => entry.openid === openid);
const ledgerSum = (cloud: LocalCloud, openid: string): number => ledgerOf(cloud, openid).reduce((sum, entry) => sum + entry.delta, 0);
const stockOf = (cloud: LocalCloud, goodsId: string): number => doc(cloud, 'goods', goodsId)?.stock;

/** Canonical-enough EJSON lines for importLines: Dates become {$date}. */
function lines(collection: string, documents: Raw[]): string[] {
  const encode = (value: unknown): unknown => {
    if (value instanceof Date) return { $date: value.toISOString() };
    if (Array.isArray(value)) return value.map(encode);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, encode(inner)]));
    return value;
  };
  return documents.map((document) => JSON.stringify({ collection, doc: encode(document) }));
}

function seed(cloud: LocalCloud, collection: string, documents: Raw[]): void {
  cloud.engine.importLines(lines(collection, documents));
}

const at = (text: string) => new Date(text);
const NO_AFFAIRS = { received: 0, closed: 0, closingRate: null, overdue: 0, overdueTimes: 0, escalated: 0, averageRespondHours: null, averageResolveHours: null, averageStars: null, rated: 0 };

/** Goods with their stock as an opening move, as the stock ledger requires (stock = Σ moves). */
function seedGoods(cloud: LocalCloud, goods: Raw[]): void {
  seed(cloud, 'goods', goods);
  const moves = goods
    .filter((item) => item.stock > 0)
    .map((item) => ({ _id: `opening:${item._id}`, communityId: item.communityId, goodsId: item._id, goodsName: item.name, kind: 'opening', delta: item.stock, stockAfter: item.stock, createdAt: item.updatedAt }));
  if (moves.length > 0) seed(cloud, 'stock_moves', moves);
}

/** A write-off (损耗) proposed by one staff member and approved by another: the only way stock goes down. */
async function writeOff(cloud: LocalCloud, goodsId: string, quantity: number): Promise<void> {
  const { writeOff: proposed } = ok(await call(cloud, DEMO.staff, 'mall.proposeWriteOff', { goodsId, quantity, reason: '盘点核减', clientRequestId: requestId() }));
  ok(await call(cloud, DEMO.staff2, 'mall.decideWriteOff', { writeOffId: proposed.id, decision: 'approve' }));
}

/** A registered user with an opening balance, backed by a ledger entry as the books require. */
function seedMember(cloud: LocalCloud, openid: string, options: { community?: string; balance?: number; roles?: string[]; name?: string } = {}) {
  const communityId = options.community ?? DEMO.community;
  const time = at('2026-11-01T00:00:00Z');
  seed(cloud, 'users', [
    {
      _id: openid,
      communityId,
      name: options.name ?? `居民${openid}`,
      phone: '13800009999',
      address: { gridId: 'g1', building: '1栋' },
      roles: options.roles ?? ['resident'],
      createdAt: time,
      updatedAt: time,
    },
  ]);
  if (options.balance) {
    seed(cloud, 'points_ledger', [
      { _id: `seed:${openid}`, openid, communityId, delta: options.balance, source: 'good_deed', ref: 'seed', reason: '测试', by: DEMO.staff, balanceAfter: options.balance, createdAt: time },
    ]);
    seed(cloud, 'points_accounts', [{ _id: openid, communityId, balance: options.balance, issued: options.balance, redeemed: 0, updatedAt: time }]);
  }
}

function seedOtherCommunity(cloud: LocalCloud): void {
  seed(cloud, 'communities', [
    {
      _id: 'other-community',
      name: '和平里社区',
      grids: [{ id: 'h1', name: '和平一网格', buildings: ['1栋'] }],
      settings: { requireOrderReview: false, scoreMultipliers: { 1: 0.5, 2: 0.8, 3: 1, 4: 1.1, 5: 1.2 }, acceptTimeoutMinutes: 30 },
      createdAt: at('2026-11-01T00:00:00Z'),
    },
  ]);
  seedMember(cloud, 'other-staff', { community: 'other-community', roles: ['staff'], name: '王主任' });
  seedMember(cloud, 'other-resident', { community: 'other-community', balance: 500 });
  seedGoods(cloud, [
    { _id: 'other-goods', communityId: 'other-community', name: '挂面', pointsPrice: 10, stock: 10, active: true, updatedAt: at('2026-11-01T00:00:00Z') },
  ]);
}

/** The books must balance after every scenario, whatever the replies said. */
function expectBooksBalanced(cloud: LocalCloud): void {
  const accounts = docs(cloud, 'points_accounts');
  const ledger = docs(cloud, 'points_ledger');
  const openids = new Set([...accounts.map((account) => account._id as string), ...ledger.map((entry) => entry.openid as string)]);
  for (const openid of openids) {
    const account = accounts.find((candidate) => candidate._id === openid);
    expect(account, `account of ${openid}`).toBeDefined();
    expect(account?.balance, `balance of ${openid} = Σ ledger`).toBe(ledgerSum(cloud, openid));
    expect(account?.balance).toBeGreaterThanOrEqual(0);
    const entries = ledgerOf(cloud, openid);
    const issued = entries.filter((e) => e.source !== 'redeem' && e.source !== 'redeem_refund').reduce((sum, e) => sum + e.delta, 0);
    const redeemed = 0 - entries.filter((e) => e.source === 'redeem' || e.source === 'redeem_refund').reduce((sum, e) => sum + e.delta, 0);
    expect(account?.issued, `issued of ${openid}`).toBe(issued);
    expect(account?.redeemed, `redeemed of ${openid}`).toBe(redeemed);
  }
  for (const entry of ledger) expect(entry.balanceAfter, `balanceAfter of ${entry._id}`).toBeGreaterThanOrEqual(0);
  for (const goods of docs(cloud, 'goods')) expect(goods.stock, `stock of ${goods._id}`).toBeGreaterThanOrEqual(0);
  // Every stock is the sum of its moves, and each redemption moved it once (and a cancel back once).
  const moves = docs(cloud, 'stock_moves');
  for (const goods of docs(cloud, 'goods')) {
    expect(goods.stock, `stock of ${goods._id} = Σ moves`).toBe(moves.filter((move) => move.goodsId === goods._id).reduce((sum, move) => sum + move.delta, 0));
  }
  for (const redemption of docs(cloud, 'redemptions')) {
    expect(doc(cloud, 'stock_moves', `redeem:${redemption._id}`)?.delta, `stock move of ${redemption._id}`).toBe(-redemption.quantity);
    expect(doc(cloud, 'stock_moves', `refund:${redemption._id}`)?.delta, `restock of ${redemption._id}`).toBe(redemption.status === 'cancelled' ? redemption.quantity : undefined);
  }

  const codes = new Set<string>();
  for (const redemption of docs(cloud, 'redemptions')) {
    const debit = doc(cloud, 'points_ledger', `redeem:${redemption._id}`);
    expect(debit?.delta, `debit of ${redemption._id}`).toBe(-redemption.points);
    expect(ledger.filter((entry) => entry.ref === redemption._id && entry.source === 'redeem')).toHaveLength(1);
    const refunds = ledger.filter((entry) => entry.ref === redemption._id && entry.source === 'redeem_refund');
    expect(refunds.map((entry) => entry.delta), `refunds of ${redemption._id}`).toEqual(redemption.status === 'cancelled' ? [redemption.points] : []);
    const key = `${redemption.communityId}:${redemption.code}`;
    expect(codes.has(key), `code ${key} used once`).toBe(false);
    codes.add(key);
  }
  // Every debit belongs to a redemption that exists: no money left the account for nothing.
  for (const entry of ledger.filter((e) => String(e._id).startsWith('redeem:'))) {
    expect(doc(cloud, 'redemptions', entry.ref), `redemption of ${entry._id}`).toBeDefined();
  }
}

/** Sends a request (possibly ill-typed) and expects a refusal that changed nothing. */
async function expectRefused(cloud: LocalCloud, openid: string, action: ActionName, input: unknown, code: string, message?: string) {
  const before = snapshot(cloud);
  const reply = await callRaw(cloud, openid, functionOf(action), { action, input });
  expect(reply).toMatchObject({ ok: false, error: { code, ...(message ? { message } : {}) } });
  expect(snapshot(cloud), `${action} as ${openid} wrote nothing`).toBe(before);
  return reply as Extract<Reply<unknown>, { ok: false }>;
}

const failed = <T>(reply: Reply<T>) => {
  if (reply.ok) throw new Error('expected a refusal');
  return reply.error;
};

let requestCounter = 0;
const requestId = (label = 'req') => `${label}-${Date.now().toString(36)}-${(requestCounter++).toString().padStart(4, '0')}`;

async function redeem(cloud: LocalCloud, openid: string, goodsId: string, quantity = 1, clientRequestId = requestId()) {
  return call(cloud, openid, 'mall.redeem', { goodsId, quantity, clientRequestId });
}

/** Good-deed / role-model points the four-eyes way: 刘晓梅 nominates, 王建国 approves. */
async function award(cloud: LocalCloud, openid: string, points: number, kind: 'good_deed' | 'role_model', reason: string) {
  const nomination = ok(await call(cloud, DEMO.staff, 'points.nominate', { openid, points, kind, reason, clientRequestId: requestId('award') }));
  return ok(await call(cloud, DEMO.staff2, 'points.review', { nominationId: nomination.id, decision: 'approve' })).entry!;
}

/** All pages of a paged action, checking the cursor chain ends. */
async function allPages(cloud: LocalCloud, openid: string, action: 'points.ledger' | 'mall.myRedemptions', limit: number) {
  const pages: Array<Page<{ id: string }>> = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 100; guard++) {
    const page: Page<{ id: string }> = ok(await call(cloud, openid, action, { limit, cursor }));
    pages.push(page);
    if (!page.nextCursor) return pages;
    cursor = page.nextCursor;
  }
  throw new Error('paging did not end');
}

describe('points', () => {
  let cloud: LocalCloud;
  beforeAll(async () => {
    cloud = await startLinli();
    seedOtherCommunity(cloud);
  });
  afterAll(() => cloud.close());
  afterEach(() => expectBooksBalanced(cloud));

  it('shows my balance and my ledger, newest first', async () => {
    expect(ok(await call(cloud, DEMO.resident, 'points.balance', {}))).toEqual({ balance: 60, issued: 60, redeemed: 0 });
    expect(ok(await call(cloud, DEMO.volunteer, 'points.balance', {}))).toEqual({ balance: 260, issued: 260, redeemed: 0 });
    expect(ok(await call(cloud, DEMO.staff, 'points.balance', {}))).toEqual({ balance: 0, issued: 0, redeemed: 0 });
    const ledger = ok(await call(cloud, DEMO.resident, 'points.ledger', {}));
    expect(ledger).toEqual({
      items: [{ id: 'seed:demo-resident', delta: 60, source: 'good_deed', ref: 'demo', reason: '示例数据：邻里互助好人好事', balanceAfter: 60, at: '2026-11-01T00:00:00.000Z' }],
      nextCursor: null,
    });
  });

  it('pages through the ledger without losing or repeating entries that share a timestamp', async () => {
    const openid = 'pager';
    seedMember(cloud, openid);
    // Seven entries, four of them at the same instant: an offset or a bare-timestamp cursor would slip.
    const times = ['2026-11-02T00:00:00Z', '2026-11-03T00:00:00Z', '2026-11-03T00:00:00Z', '2026-11-03T00:00:00Z', '2026-11-03T00:00:00Z', '2026-11-04T00:00:00Z', '2026-11-05T00:00:00Z'];
    let balance = 0;
    seed(
      cloud,
      'points_ledger',
      times.map((time, index) => {
        balance += index + 1;
        return { _id: `pager-${index}`, openid, communityId: DEMO.community, delta: index + 1, source: 'good_deed', ref: 'seed', by: DEMO.staff, balanceAfter: balance, createdAt: at(time) };
      }),
    );
    seed(cloud, 'points_accounts', [{ _id: openid, communityId: DEMO.community, balance, issued: balance, redeemed: 0, updatedAt: at('2026-11-05T00:00:00Z') }]);

    for (const limit of [1, 2, 3, 50]) {
      const pages = await allPages(cloud, openid, 'points.ledger', limit);
      const ids = pages.flatMap((page) => page.items.map((item) => item.id));
      expect(ids, `limit ${limit}`).toEqual(['pager-6', 'pager-5', 'pager-4', 'pager-3', 'pager-2', 'pager-1', 'pager-0']);
      expect(pages.every((page) => page.items.length <= limit)).toBe(true);
    }
    // Someone else's entries never show.
    const mine = ok(await call(cloud, DEMO.resident, 'points.ledger', { limit: 50 }));
    expect(mine.items.every((item) => !item.id.startsWith('pager-'))).toBe(true);
  });

  it('an approved good-deed nomination posts once, however often the approval is sent', async () => {
    const input = { openid: DEMO.resident, points: 20, kind: 'good_deed' as const, reason: '帮助独居老人买菜', clientRequestId: requestId('award') };
    const nomination = ok(await call(cloud, DEMO.staff, 'points.nominate', input));
    // A retried nomination is the same nomination.
    expect(ok(await call(cloud, DEMO.staff, 'points.nominate', input)).id).toBe(nomination.id);
    expect(balanceOf(cloud, DEMO.resident)).toBe(60);
    // Five approvals at once by the second staff member: one posting, the others CONFLICT.
    const burst = await Promise.all(Array.from({ length: 5 }, () => call(cloud, DEMO.staff2, 'points.review', { nominationId: nomination.id, decision: 'approve' })));
    const approved = burst.filter((reply) => reply.ok).map((reply) => ok(reply).entry);
    expect(approved).toHaveLength(1);
    expect(approved[0]).toMatchObject({ id: `award:${nomination.id}`, delta: 20, source: 'good_deed', ref: nomination.id, reason: '好人好事：帮助独居老人买菜', balanceAfter: 80 });
    for (const reply of burst.filter((r) => !r.ok)) expect(failed(reply).code).toBe('CONFLICT');
    // The id the awardee sees does not carry the staff member's openid.
    expect(approved[0]?.id).not.toContain(DEMO.staff);
    expect(balanceOf(cloud, DEMO.resident)).toBe(80);
    expect(ledgerOf(cloud, DEMO.resident).filter((entry) => entry.ref === nomination.id)).toHaveLength(1);
    expect(ok(await call(cloud, DEMO.resident, 'points.balance', {}))).toEqual({ balance: 80, issued: 80, redeemed: 0 });
  });

  it('awards role-model points as their own source, and different nominations add up', async () => {
    const before = balanceOf(cloud, DEMO.volunteer);
    await award(cloud, DEMO.volunteer, 100, 'role_model', '年度先进志愿者');
    await award(cloud, DEMO.volunteer, 5, 'good_deed', '拾金不昧');
    expect(balanceOf(cloud, DEMO.volunteer)).toBe(before + 105);
    const [newest, previous] = ok(await call(cloud, DEMO.volunteer, 'points.ledger', { limit: 2 })).items;
    expect(newest).toMatchObject({ source: 'good_deed', delta: 5 });
    expect(previous).toMatchObject({ source: 'role_model', delta: 100 });
  });

  it('creates the account of a member who had none', async () => {
    seedMember(cloud, 'newcomer');
    await award(cloud, 'newcomer', 7, 'good_deed', '清理楼道');
    expect(doc(cloud, 'points_accounts', 'newcomer')).toMatchObject({ communityId: DEMO.community, balance: 7, issued: 7, redeemed: 0 });
  });

  it('a rejected nomination moves no points', async () => {
    const before = balanceOf(cloud, DEMO.resident);
    const nomination = ok(await call(cloud, DEMO.staff, 'points.nominate', { openid: DEMO.resident, points: 30, kind: 'good_deed', reason: '帮忙搬运', clientRequestId: requestId('award') }));
    ok(await call(cloud, DEMO.staff2, 'points.review', { nominationId: nomination.id, decision: 'reject', note: '事迹不符' }));
    expect(balanceOf(cloud, DEMO.resident)).toBe(before);
    expect(ledgerOf(cloud, DEMO.resident).filter((entry) => entry.ref === nomination.id)).toHaveLength(0);
  });

  it('refuses bad input without writing', async () => {
    await expectRefused(cloud, DEMO.resident, 'points.ledger', { limit: 0 }, 'INVALID_INPUT');
    await expectRefused(cloud, DEMO.resident, 'points.ledger', { cursor: 'not-a-cursor' }, 'INVALID_INPUT', '分页参数无效，请刷新后重试');
    await expectRefused(cloud, DEMO.resident, 'points.balance', 'everything', 'INVALID_INPUT');
  });

  it('refuses callers who may not act, without writing', async () => {
    await expectRefused(cloud, 'o-stranger', 'points.balance', {}, 'UNAUTHENTICATED');
    await expectRefused(cloud, 'o-stranger', 'points.ledger', {}, 'UNAUTHENTICATED');
  });
});

describe('mall: goods', () => {
  let cloud: LocalCloud;
  beforeAll(async () => {
    cloud = await startLinli();
    seedOtherCommunity(cloud);
  });
  afterAll(() => cloud.close());
  afterEach(() => expectBooksBalanced(cloud));

  it('lists the caller’s community’s active goods, cheapest first', async () => {
    const goods = ok(await call(cloud, DEMO.resident, 'mall.goods', {}));
    expect(goods.map((item) => [item.id, item.pointsPrice, item.stock])).toEqual([
      ['goods-towel', 30, 50],
      ['goods-haircut', 50, 40],
      ['goods-detergent', 80, 30],
      ['goods-oil', 150, 15],
      ['goods-rice', 200, 20],
    ]);
    expect(goods[0]).toEqual({ id: 'goods-towel', name: '纯棉毛巾', pointsPrice: 30, stock: 50, active: true });
    expect(ok(await call(cloud, 'other-resident', 'mall.goods', {})).map((item) => item.id)).toEqual(['other-goods']);
  });

  it('lets staff add, edit and take goods off the shelf; a price applies once a colleague approves it', async () => {
    const created = ok(await call(cloud, DEMO.staff, 'mall.upsertGoods', { name: '环保购物袋', pointsPrice: 20, stock: 100, description: '可折叠' }));
    // Not priced (and not shown to residents, nor redeemable) until a second staff member approves the price.
    expect(created).toMatchObject({ name: '环保购物袋', pointsPrice: 0, pendingPointsPrice: 20, stock: 100, description: '可折叠', active: true });
    expect(doc(cloud, 'goods', created.id)).toMatchObject({ communityId: DEMO.community, name: '环保购物袋' });
    expect(ok(await call(cloud, DEMO.resident, 'mall.goods', {})).map((item) => item.id)).not.toContain(created.id);
    await expectRefused(cloud, DEMO.volunteer, 'mall.redeem', { goodsId: created.id, quantity: 1, clientRequestId: requestId() }, 'CONFLICT', '“环保购物袋”的兑换积分正在审核，审核通过后才能兑换');
    expect(await approveRuleChanges(cloud, DEMO.staff2)).toBe(1);
    expect(ok(await call(cloud, DEMO.resident, 'mall.goods', {})).find((item) => item.id === created.id)).toMatchObject({ pointsPrice: 20 });

    await writeOff(cloud, created.id, 20);
    const repriced = ok(await call(cloud, DEMO.staff, 'mall.upsertGoods', { id: created.id, name: '环保购物袋', pointsPrice: 25, description: '' }));
    expect(repriced).toEqual({ id: created.id, name: '环保购物袋', pointsPrice: 20, pendingPointsPrice: 25, stock: 80, active: true });
    expect(doc(cloud, 'goods', created.id)).not.toHaveProperty('description');
    await approveRuleChanges(cloud, DEMO.staff2);
    expect(doc(cloud, 'goods', created.id)).toMatchObject({ pointsPrice: 25 });
    // A price belongs to an item, not an id: renamed, it is priced again by a colleague before anyone redeems it.
    const renamed = ok(await call(cloud, DEMO.staff, 'mall.upsertGoods', { id: created.id, name: '环保购物袋（大）', pointsPrice: 25 }));
    expect(renamed).toMatchObject({ name: '环保购物袋（大）', pointsPrice: 0, pendingPointsPrice: 25 });
    await expectRefused(cloud, DEMO.volunteer, 'mall.redeem', { goodsId: created.id, quantity: 1, clientRequestId: requestId() }, 'CONFLICT');
    await approveRuleChanges(cloud, DEMO.staff2);
    expect(doc(cloud, 'goods', created.id)).toMatchObject({ pointsPrice: 25 });

    ok(await call(cloud, DEMO.staff, 'mall.upsertGoods', { id: created.id, name: '环保购物袋（大）', pointsPrice: 25, active: false }));
    expect(ok(await call(cloud, DEMO.resident, 'mall.goods', {})).map((item) => item.id)).not.toContain(created.id);
    const all = ok(await call(cloud, DEMO.staff, 'mall.goods', { includeInactive: true }));
    expect(all.find((item) => item.id === created.id)).toMatchObject({ active: false });
    // Keeping `active` out of an edit keeps it as it was.
    await writeOff(cloud, created.id, 10);
    ok(await call(cloud, DEMO.staff, 'mall.upsertGoods', { id: created.id, name: '环保购物袋（大）', pointsPrice: 25 }));
    expect(doc(cloud, 'goods', created.id)).toMatchObject({ active: false, stock: 70, pointsPrice: 25 });
  });

  it('a new item saved twice with the form’s request id (a lost reply, a second tap, or both at once) is added once, with one opening stock move', async () => {
    const save = () => call(cloud, DEMO.staff, 'mall.upsertGoods', { name: '搪瓷杯', pointsPrice: 15, stock: 12, clientRequestId: 'goods-form-0001' });
    const [first, second] = await Promise.all([save(), save()]);
    const third = await save();
    const ids = [first, second, third].map((reply) => ok(reply).id);
    expect(new Set(ids).size).toBe(1);
    expect(docs(cloud, 'goods').filter((goods) => goods.name === '搪瓷杯')).toHaveLength(1);
    expect(docs(cloud, 'stock_moves').filter((move) => move.goodsId === ids[0] && move.kind === 'opening')).toHaveLength(1);
    // The same id for another item is refused, not taken for the first.
    await expectRefused(cloud, DEMO.staff, 'mall.upsertGoods', { name: '保温杯', pointsPrice: 15, clientRequestId: 'goods-form-0001' }, 'CONFLICT', '该请求编号已用于另一件商品，请重新填写');
    // Its price was proposed once, not once per save.
    expect(await approveRuleChanges(cloud)).toBe(1);
  });

  it('a staff member who is also a resident cannot price goods at 1 point and take the shelf: the price waits for a colleague', async () => {
    ok(await call(cloud, DEMO.staff, 'mall.upsertGoods', { id: 'goods-rice', name: '大米 5 公斤', pointsPrice: 1 }));
    expect(doc(cloud, 'goods', 'goods-rice')).toMatchObject({ pointsPrice: 200, pendingRuleChange: { after: 1 } });
    const [pending] = ok(await call(cloud, DEMO.staff, 'community.ruleChanges', { status: 'pending' })).items;
    expect(pending).toMatchObject({ summary: '商品“大米 5 公斤”的兑换积分：200 分 → 1 分', mine: true });
    await expectRefused(cloud, DEMO.staff, 'community.reviewRuleChange', { changeId: pending!.id, decision: 'approve' }, 'FORBIDDEN');
    ok(await call(cloud, DEMO.staff2, 'community.reviewRuleChange', { changeId: pending!.id, decision: 'reject', note: '价格不合理' }));
    expect(doc(cloud, 'goods', 'goods-rice')).toMatchObject({ pointsPrice: 200 });
    expect(doc(cloud, 'goods', 'goods-rice')).not.toHaveProperty('pendingRuleChange');
  });

  it('a stock count typed from a stale screen cannot undo a redemption', async () => {
    // The stock of an item is not typed over at all (it is the sum of its moves): only a difference
    // is entered (入库), so one made from a screen that missed a redemption adds to the stock as it is.
    const shown = ok(await call(cloud, DEMO.staff, 'mall.goods', {})).find((item) => item.id === 'goods-detergent')!;
    ok(await call(cloud, DEMO.volunteer, 'mall.redeem', { goodsId: 'goods-detergent', quantity: 1, clientRequestId: requestId() }));
    await expectRefused(
      cloud,
      DEMO.staff,
      'mall.upsertGoods',
      { id: 'goods-detergent', name: '洗衣液 2 公斤', pointsPrice: 80, stock: shown.stock + 10 },
      'INVALID_INPUT',
      '已有商品的库存不能直接修改，请通过入库或损耗调整',
    );
    const saved = ok(await call(cloud, DEMO.staff, 'mall.stockIn', { goodsId: 'goods-detergent', quantity: 10, source: 'purchase', clientRequestId: requestId() }));
    expect(saved.goods.stock).toBe(shown.stock + 9);
  });

  it('refuses a deactivated goods at redemption', async () => {
    ok(await call(cloud, DEMO.staff, 'mall.upsertGoods', { id: 'goods-oil', name: '食用油 1.8 升', pointsPrice: 150, active: false }));
    await expectRefused(cloud, DEMO.volunteer, 'mall.redeem', { goodsId: 'goods-oil', quantity: 1, clientRequestId: requestId() }, 'CONFLICT', '“食用油 1.8 升”已下架');
    ok(await call(cloud, DEMO.staff, 'mall.upsertGoods', { id: 'goods-oil', name: '食用油 1.8 升', pointsPrice: 150, active: true }));
  });

  it('never lets staff touch another community’s goods', async () => {
    await expectRefused(cloud, 'other-staff', 'mall.upsertGoods', { id: 'goods-rice', name: '大米', pointsPrice: 1, stock: 999 }, 'NOT_FOUND', '商品不存在');
    expect(doc(cloud, 'goods', 'goods-rice')).toMatchObject({ pointsPrice: 200, stock: 20, communityId: DEMO.community });
    await expectRefused(cloud, DEMO.staff, 'mall.upsertGoods', { id: 'no-such-goods', name: '大米', pointsPrice: 1, stock: 1 }, 'NOT_FOUND');
  });

  it('refuses bad input without writing', async () => {
    const good = { name: '香皂', pointsPrice: 10, stock: 5 };
    await expectRefused(cloud, DEMO.staff, 'mall.upsertGoods', { ...good, stock: -1 }, 'INVALID_INPUT', '库存不能为负数');
    await expectRefused(cloud, DEMO.staff, 'mall.upsertGoods', { ...good, pointsPrice: 0 }, 'INVALID_INPUT', '所需积分至少为 1');
    await expectRefused(cloud, DEMO.staff, 'mall.upsertGoods', { ...good, pointsPrice: -10 }, 'INVALID_INPUT');
    await expectRefused(cloud, DEMO.staff, 'mall.upsertGoods', { ...good, name: '' }, 'INVALID_INPUT', '请填写商品名称');
    await expectRefused(cloud, DEMO.staff, 'mall.upsertGoods', { ...good, stock: '5' }, 'INVALID_INPUT', '库存必须是数字');
    await expectRefused(cloud, DEMO.resident, 'mall.goods', { includeInactive: 'yes' }, 'INVALID_INPUT');
  });

  it('refuses callers who may not act, without writing', async () => {
    await expectRefused(cloud, DEMO.resident, 'mall.upsertGoods', { name: '香皂', pointsPrice: 10, stock: 5 }, 'FORBIDDEN');
    await expectRefused(cloud, DEMO.volunteer, 'mall.upsertGoods', { id: 'goods-rice', name: '大米', pointsPrice: 1, stock: 5 }, 'FORBIDDEN');
    await expectRefused(cloud, 'o-stranger', 'mall.upsertGoods', { name: '香皂', pointsPrice: 10, stock: 5 }, 'UNAUTHENTICATED');
    await expectRefused(cloud, 'o-stranger', 'mall.goods', {}, 'UNAUTHENTICATED');
    await expectRefused(cloud, DEMO.resident, 'mall.goods', { includeInactive: true }, 'FORBIDDEN', '只有社区工作人员可以查看已下架的商品');
  });
});

describe('mall: redeem, verify, cancel', () => {
  let cloud: LocalCloud;
  beforeAll(async () => {
    cloud = await startLinli();
    seedOtherCommunity(cloud);
  });
  afterAll(() => cloud.close());
  afterEach(() => expectBooksBalanced(cloud));

  it('redeems: debits points and stock together and gives a 6-digit code', async () => {
    const clientRequestId = requestId();
    const { redemption } = ok(await redeem(cloud, DEMO.volunteer, 'goods-rice', 1, clientRequestId));
    expect(redemption).toMatchObject({ status: 'pending', goodsId: 'goods-rice', goodsName: '大米 5 公斤', quantity: 1, points: 200 });
    expect(redemption.code).toMatch(/^\d{6}$/);
    expect(balanceOf(cloud, DEMO.volunteer)).toBe(60);
    expect(stockOf(cloud, 'goods-rice')).toBe(19);
    expect(doc(cloud, 'points_ledger', `redeem:${redemption.id}`)).toMatchObject({ delta: -200, source: 'redeem', ref: redemption.id, balanceAfter: 60 });
    expect(doc(cloud, 'redemptions', redemption.id)).toMatchObject({ openid: DEMO.volunteer, communityId: DEMO.community, clientRequestId, code: redemption.code });
    expect(ok(await call(cloud, DEMO.volunteer, 'points.balance', {}))).toEqual({ balance: 60, issued: 260, redeemed: 200 });
  });

  it('the same request twice is one redemption and one debit', async () => {
    seedMember(cloud, 'twice', { balance: 100 });
    const clientRequestId = requestId();
    const first = ok(await redeem(cloud, 'twice', 'goods-detergent', 1, clientRequestId)).redemption;
    const second = ok(await redeem(cloud, 'twice', 'goods-detergent', 1, clientRequestId)).redemption;
    expect(second).toEqual(first);
    expect(balanceOf(cloud, 'twice')).toBe(20);
    expect(stockOf(cloud, 'goods-detergent')).toBe(29);
    expect(docs(cloud, 'redemptions').filter((r) => r.openid === 'twice')).toHaveLength(1);
    // The same request id for something else is a client mistake, not a second redemption.
    await expectRefused(cloud, 'twice', 'mall.redeem', { goodsId: 'goods-towel', quantity: 1, clientRequestId }, 'CONFLICT', '该请求编号已用于另一笔兑换，请重新提交');
  });

  it('the same request sent five times at once is still one redemption', async () => {
    seedMember(cloud, 'burst', { balance: 100 });
    const clientRequestId = requestId();
    const replies = await Promise.all(Array.from({ length: 5 }, () => redeem(cloud, 'burst', 'goods-haircut', 1, clientRequestId)));
    const ids = new Set(replies.map((reply) => ok(reply).redemption.id));
    expect(ids.size).toBe(1);
    expect(balanceOf(cloud, 'burst')).toBe(50);
    expect(ledgerOf(cloud, 'burst').filter((entry) => entry.source === 'redeem')).toHaveLength(1);
    expect(docs(cloud, 'redemptions').filter((r) => r.openid === 'burst')).toHaveLength(1);
  });

  it('says how many points are missing, and writes nothing', async () => {
    await expectRefused(cloud, DEMO.resident, 'mall.redeem', { goodsId: 'goods-rice', quantity: 1, clientRequestId: requestId() }, 'INSUFFICIENT_POINTS', '爱心积分不足：需要 200 分，当前余额 60 分');
    await expectRefused(cloud, DEMO.resident, 'mall.redeem', { goodsId: 'goods-towel', quantity: 3, clientRequestId: requestId() }, 'INSUFFICIENT_POINTS', '爱心积分不足：需要 90 分，当前余额 60 分');
  });

  it('says how much stock is left, and writes nothing', async () => {
    seedGoods(cloud, [{ _id: 'goods-scarce', communityId: DEMO.community, name: '保温杯', pointsPrice: 10, stock: 2, active: true, updatedAt: at('2026-11-01T00:00:00Z') }]);
    await expectRefused(cloud, DEMO.volunteer, 'mall.redeem', { goodsId: 'goods-scarce', quantity: 3, clientRequestId: requestId() }, 'OUT_OF_STOCK', '库存不足：仅剩 2 件');
    seedGoods(cloud, [{ _id: 'goods-gone', communityId: DEMO.community, name: '雨伞', pointsPrice: 10, stock: 0, active: true, updatedAt: at('2026-11-01T00:00:00Z') }]);
    await expectRefused(cloud, DEMO.volunteer, 'mall.redeem', { goodsId: 'goods-gone', quantity: 1, clientRequestId: requestId() }, 'OUT_OF_STOCK', '库存不足：“雨伞”已兑完');
  });

  it('redeems only the caller’s own community’s goods', async () => {
    await expectRefused(cloud, DEMO.volunteer, 'mall.redeem', { goodsId: 'other-goods', quantity: 1, clientRequestId: requestId() }, 'NOT_FOUND', '商品不存在');
    await expectRefused(cloud, DEMO.volunteer, 'mall.redeem', { goodsId: 'no-such-goods', quantity: 1, clientRequestId: requestId() }, 'NOT_FOUND');
  });

  it('verify: staff hand over the goods once, seeing the resident’s name; then it cannot be cancelled', async () => {
    seedMember(cloud, 'verified', { balance: 100, name: '赵桂兰' });
    const { redemption } = ok(await redeem(cloud, 'verified', 'goods-towel', 2));
    const verified = ok(await call(cloud, DEMO.staff, 'mall.verify', { code: redemption.code }));
    expect(verified.resident).toEqual({ name: '赵桂兰' });
    expect(verified.redemption).toMatchObject({ id: redemption.id, status: 'fulfilled', quantity: 2, points: 60 });
    expect(verified.redemption.fulfilledAt).toBeDefined();
    expect(doc(cloud, 'redemptions', redemption.id)).toMatchObject({ status: 'fulfilled', fulfilledBy: DEMO.staff });

    await expectRefused(cloud, DEMO.staff, 'mall.verify', { code: redemption.code }, 'CONFLICT', '该兑换码已核销');
    await expectRefused(cloud, 'verified', 'mall.cancel', { redemptionId: redemption.id }, 'CONFLICT', '该兑换已核销，不能取消');
    await expectRefused(cloud, DEMO.staff, 'mall.cancel', { redemptionId: redemption.id }, 'CONFLICT', '该兑换已核销，不能取消');
    expect(balanceOf(cloud, 'verified')).toBe(40);
  });

  it('verify: a code is only found in its own community', async () => {
    const { redemption } = ok(await redeem(cloud, 'other-resident', 'other-goods', 1));
    await expectRefused(cloud, DEMO.staff, 'mall.verify', { code: redemption.code }, 'NOT_FOUND', '核销码不存在，请核对后重试');
    expect(ok(await call(cloud, 'other-staff', 'mall.verify', { code: redemption.code })).resident.name).toBe('居民other-resident');
  });

  it('cancel: refunds and restocks once, however often it is asked', async () => {
    seedMember(cloud, 'canceller', { balance: 100 });
    const stock = stockOf(cloud, 'goods-detergent');
    const { redemption } = ok(await redeem(cloud, 'canceller', 'goods-detergent', 1));
    expect(balanceOf(cloud, 'canceller')).toBe(20);
    expect(stockOf(cloud, 'goods-detergent')).toBe(stock - 1);

    const cancelled = ok(await call(cloud, 'canceller', 'mall.cancel', { redemptionId: redemption.id, reason: '不需要了' }));
    expect(cancelled.redemption).toMatchObject({ id: redemption.id, status: 'cancelled' });
    expect(balanceOf(cloud, 'canceller')).toBe(100);
    expect(stockOf(cloud, 'goods-detergent')).toBe(stock);
    expect(doc(cloud, 'points_ledger', `refund:${redemption.id}`)).toMatchObject({ delta: 80, source: 'redeem_refund', reason: '取消兑换：不需要了', balanceAfter: 100 });
    expect(doc(cloud, 'redemptions', redemption.id)).toMatchObject({ status: 'cancelled', cancelledBy: 'canceller', cancelReason: '不需要了' });

    await expectRefused(cloud, 'canceller', 'mall.cancel', { redemptionId: redemption.id }, 'CONFLICT', '该兑换已取消，积分已退回');
    await expectRefused(cloud, DEMO.staff, 'mall.verify', { code: redemption.code }, 'CONFLICT', '该兑换已取消，不能核销');
    expect(ok(await call(cloud, 'canceller', 'points.balance', {}))).toEqual({ balance: 100, issued: 100, redeemed: 0 });
  });

  it('cancel: staff of the community may cancel for a resident; nobody else may', async () => {
    seedMember(cloud, 'helped', { balance: 100 });
    const { redemption } = ok(await redeem(cloud, 'helped', 'goods-haircut', 1));
    await expectRefused(cloud, DEMO.resident, 'mall.cancel', { redemptionId: redemption.id }, 'FORBIDDEN', '只能取消自己的兑换');
    await expectRefused(cloud, 'other-staff', 'mall.cancel', { redemptionId: redemption.id }, 'FORBIDDEN');
    await expectRefused(cloud, 'o-stranger', 'mall.cancel', { redemptionId: redemption.id }, 'UNAUTHENTICATED');
    ok(await call(cloud, DEMO.staff, 'mall.cancel', { redemptionId: redemption.id }));
    expect(doc(cloud, 'redemptions', redemption.id)).toMatchObject({ status: 'cancelled', cancelledBy: DEMO.staff });
    expect(balanceOf(cloud, 'helped')).toBe(100);
    await expectRefused(cloud, DEMO.staff, 'mall.cancel', { redemptionId: 'rd-nothing' }, 'NOT_FOUND', '兑换记录不存在');
  });

  it('a retried redeem after a cancel returns the cancelled redemption, not a new debit', async () => {
    seedMember(cloud, 'retrier', { balance: 30 });
    const clientRequestId = requestId();
    const { redemption } = ok(await redeem(cloud, 'retrier', 'goods-towel', 1, clientRequestId));
    ok(await call(cloud, 'retrier', 'mall.cancel', { redemptionId: redemption.id }));
    const retried = ok(await redeem(cloud, 'retrier', 'goods-towel', 1, clientRequestId)).redemption;
    expect(retried).toMatchObject({ id: redemption.id, status: 'cancelled' });
    expect(balanceOf(cloud, 'retrier')).toBe(30);
  });

  it('lists my redemptions newest first, page by page', async () => {
    seedMember(cloud, 'collector', { balance: 1000 });
    const made: string[] = [];
    for (let i = 0; i < 5; i++) made.push(ok(await redeem(cloud, 'collector', 'goods-towel')).redemption.id);
    const pages = await allPages(cloud, 'collector', 'mall.myRedemptions', 2);
    expect(pages.map((page) => page.items.length)).toEqual([2, 2, 1]);
    expect(pages.flatMap((page) => page.items.map((item) => item.id))).toEqual([...made].reverse());
    // Only mine.
    const others = ok(await call(cloud, DEMO.volunteer, 'mall.myRedemptions', { limit: 50 }));
    expect(others.items.some((item) => made.includes(item.id))).toBe(false);
  });

  it('refuses bad input without writing', async () => {
    const good = { goodsId: 'goods-towel', quantity: 1, clientRequestId: requestId() };
    await expectRefused(cloud, DEMO.volunteer, 'mall.redeem', { ...good, quantity: 0 }, 'INVALID_INPUT', '兑换数量至少为 1');
    await expectRefused(cloud, DEMO.volunteer, 'mall.redeem', { ...good, quantity: 11 }, 'INVALID_INPUT', '兑换数量不能超过 10');
    await expectRefused(cloud, DEMO.volunteer, 'mall.redeem', { ...good, quantity: -1 }, 'INVALID_INPUT');
    await expectRefused(cloud, DEMO.volunteer, 'mall.redeem', { ...good, clientRequestId: '短' }, 'INVALID_INPUT', '请求编号无效，请重新提交');
    await expectRefused(cloud, DEMO.volunteer, 'mall.redeem', { quantity: 1, clientRequestId: requestId() }, 'INVALID_INPUT');
    await expectRefused(cloud, DEMO.staff, 'mall.verify', { code: '12345' }, 'INVALID_INPUT', '核销码是 6 位数字');
    await expectRefused(cloud, DEMO.staff, 'mall.verify', { code: 'abcdef' }, 'INVALID_INPUT', '核销码是 6 位数字');
    await expectRefused(cloud, DEMO.staff, 'mall.verify', { code: '000000' }, 'NOT_FOUND');
    await expectRefused(cloud, DEMO.volunteer, 'mall.cancel', { redemptionId: '' }, 'INVALID_INPUT', '缺少编号');
    await expectRefused(cloud, DEMO.volunteer, 'mall.cancel', { redemptionId: 'rd-x', reason: '很'.repeat(201) }, 'INVALID_INPUT', '取消原因不能超过 200 个字');
    await expectRefused(cloud, DEMO.volunteer, 'mall.myRedemptions', { limit: 51 }, 'INVALID_INPUT');
    await expectRefused(cloud, DEMO.volunteer, 'mall.myRedemptions', { cursor: '1~x' }, 'INVALID_INPUT', '分页参数无效，请刷新后重试');
  });

  it('refuses callers who may not act, without writing', async () => {
    const { redemption } = ok(await redeem(cloud, DEMO.volunteer, 'goods-towel'));
    await expectRefused(cloud, 'o-stranger', 'mall.redeem', { goodsId: 'goods-towel', quantity: 1, clientRequestId: requestId() }, 'UNAUTHENTICATED');
    await expectRefused(cloud, 'o-stranger', 'mall.myRedemptions', {}, 'UNAUTHENTICATED');
    await expectRefused(cloud, DEMO.resident, 'mall.verify', { code: redemption.code }, 'FORBIDDEN');
    await expectRefused(cloud, DEMO.volunteer, 'mall.verify', { code: redemption.code }, 'FORBIDDEN');
    await expectRefused(cloud, 'o-stranger', 'mall.verify', { code: redemption.code }, 'UNAUTHENTICATED');
    await expectRefused(cloud, DEMO.applicant, 'mall.verify', { code: redemption.code }, 'FORBIDDEN');
    expect(doc(cloud, 'redemptions', redemption.id)?.status).toBe('pending');
  });
});

describe('mall: races', () => {
  let cloud: LocalCloud;
  beforeAll(async () => {
    cloud = await startLinli();
  });
  afterAll(() => cloud.close());
  afterEach(() => expectBooksBalanced(cloud));

  it('ten redemptions at once beyond the balance: exactly two succeed, the balance ends at zero', async () => {
    const replies = await Promise.all(Array.from({ length: 10 }, () => redeem(cloud, DEMO.resident, 'goods-towel')));
    const succeeded = replies.filter((reply) => reply.ok);
    expect(succeeded).toHaveLength(2);
    for (const reply of replies.filter((r) => !r.ok)) {
      expect(failed(reply)).toEqual({ code: 'INSUFFICIENT_POINTS', message: '爱心积分不足：需要 30 分，当前余额 0 分' });
    }
    expect(balanceOf(cloud, DEMO.resident)).toBe(0);
    expect(ledgerSum(cloud, DEMO.resident)).toBe(0);
    expect(stockOf(cloud, 'goods-towel')).toBe(48);
    expect(docs(cloud, 'redemptions').filter((r) => r.openid === DEMO.resident)).toHaveLength(2);
  });

  it('six rich residents race for three items: exactly three get one, the stock ends at zero', async () => {
    seedGoods(cloud, [{ _id: 'goods-lantern', communityId: DEMO.community, name: '手工灯笼', pointsPrice: 100, stock: 3, active: true, updatedAt: at('2026-11-01T00:00:00Z') }]);
    const rich = Array.from({ length: 6 }, (_, i) => `rich-${i}`);
    for (const openid of rich) seedMember(cloud, openid, { balance: 500 });
    const replies = await Promise.all(rich.map((openid) => redeem(cloud, openid, 'goods-lantern')));
    expect(replies.filter((reply) => reply.ok)).toHaveLength(3);
    for (const reply of replies.filter((r) => !r.ok)) expect(failed(reply).code).toBe('OUT_OF_STOCK');
    expect(stockOf(cloud, 'goods-lantern')).toBe(0);
    const spent = rich.filter((openid) => balanceOf(cloud, openid) === 400);
    expect(spent).toHaveLength(3);
    expect(rich.filter((openid) => balanceOf(cloud, openid) === 500)).toHaveLength(3);
    const codes = replies.flatMap((reply) => (reply.ok ? [reply.data.redemption.code] : []));
    expect(new Set(codes).size).toBe(3);
  });

  it('verify and cancel at the same moment: exactly one wins, and the points follow the winner', async () => {
    seedMember(cloud, 'racer', { balance: 1000 });
    for (let round = 0; round < 5; round++) {
      const { redemption } = ok(await redeem(cloud, 'racer', 'goods-detergent'));
      const [verified, cancelled] = await Promise.all([
        call(cloud, DEMO.staff, 'mall.verify', { code: redemption.code }),
        call(cloud, 'racer', 'mall.cancel', { redemptionId: redemption.id }),
      ]);
      expect([verified.ok, cancelled.ok].filter(Boolean), `round ${round}`).toHaveLength(1);
      const loser = verified.ok ? cancelled : verified;
      expect(failed(loser).code).toBe('CONFLICT');
      expect(doc(cloud, 'redemptions', redemption.id)?.status).toBe(verified.ok ? 'fulfilled' : 'cancelled');
    }
  });

  it('owner and staff cancel at once: one refund', async () => {
    seedMember(cloud, 'double-cancel', { balance: 100 });
    const stock = stockOf(cloud, 'goods-haircut');
    const { redemption } = ok(await redeem(cloud, 'double-cancel', 'goods-haircut'));
    const replies = await Promise.all([
      call(cloud, 'double-cancel', 'mall.cancel', { redemptionId: redemption.id }),
      call(cloud, DEMO.staff, 'mall.cancel', { redemptionId: redemption.id }),
      call(cloud, 'double-cancel', 'mall.cancel', { redemptionId: redemption.id }),
    ]);
    expect(replies.filter((reply) => reply.ok)).toHaveLength(1);
    expect(balanceOf(cloud, 'double-cancel')).toBe(100);
    expect(stockOf(cloud, 'goods-haircut')).toBe(stock);
    expect(ledgerOf(cloud, 'double-cancel').filter((entry) => entry.source === 'redeem_refund')).toHaveLength(1);
  });
});

describe('stats', () => {
  let cloud: LocalCloud;
  // Beijing's October 2026: [2026-10-01 00:00, 2026-11-01 00:00) +08:00.
  const from = '2026-09-30T16:00:00.000Z';
  const to = '2026-10-31T16:00:00.000Z';
  const community = 'stats-community';
  const minutesAfter = (time: string, minutes: number) => new Date(at(time).getTime() + minutes * 60_000);

  function order(id: string, gridId: string, status: string, createdAt: string, extra: Raw = {}, communityId = community): Raw {
    return {
      _id: id,
      communityId,
      residentOpenid: 'stats-resident',
      createdBy: 'stats-resident',
      clientRequestId: `req-${id}`,
      serviceId: 'svc',
      serviceName: '助餐送餐',
      skills: [],
      basePoints: 10,
      expectedMinutes: 30,
      description: '测试',
      address: { gridId, building: '1栋' },
      contactName: '测试',
      contactPhone: '13800000000',
      status,
      events: [],
      declines: [],
      createdAt: at(createdAt),
      dueAt: minutesAfter(createdAt, 240),
      overdue: false,
      ...extra,
    };
  }

  const record = (id: string, openid: string, date: string, minutes: number, communityId = community): Raw => ({
    _id: id,
    openid,
    volunteerName: openid,
    communityId,
    source: 'order',
    ref: `order-${id}`,
    activityName: '助餐送餐',
    date,
    place: '1栋',
    content: '送餐',
    minutes,
    organiser: '测试社区',
    personInCharge: '测试',
    createdAt: at(`${date}T10:00:00Z`),
  });

  const entry = (id: string, openid: string, delta: number, source: string, createdAt: string, balanceAfter: number, communityId = community): Raw => ({
    _id: id,
    openid,
    communityId,
    delta,
    source,
    ref: id,
    by: 'stats-staff',
    balanceAfter,
    createdAt: at(createdAt),
  });

  beforeAll(async () => {
    cloud = await startLinli();
    seedOtherCommunity(cloud);
    seed(cloud, 'communities', [
      {
        _id: community,
        name: '统计社区',
        grids: [
          { id: 's1', name: '东区', buildings: ['1栋'] },
          { id: 's2', name: '西区', buildings: ['1栋'] },
          { id: 's3', name: '北区', buildings: ['1栋'] },
        ],
        settings: { requireOrderReview: false, scoreMultipliers: { 1: 0.5, 2: 0.8, 3: 1, 4: 1.1, 5: 1.2 }, acceptTimeoutMinutes: 30 },
        createdAt: at('2026-01-01T00:00:00Z'),
      },
    ]);
    seedMember(cloud, 'stats-staff', { community, roles: ['staff'] });
    seedMember(cloud, 'stats-resident', { community });

    const rating = (stars: number) => ({ rating: { stars, at: at('2026-10-20T00:00:00Z') } });
    seed(cloud, 'orders', [
      order('o1', 's1', 'closed', '2026-10-02T00:00:00Z', { acceptedAt: minutesAfter('2026-10-02T00:00:00Z', 30), completedAt: minutesAfter('2026-10-02T00:00:00Z', 120), ...rating(5) }),
      order('o2', 's1', 'completed', '2026-10-03T00:00:00Z', { acceptedAt: minutesAfter('2026-10-03T00:00:00Z', 10), completedAt: minutesAfter('2026-10-03T00:00:00Z', 60), ...rating(4) }),
      order('o3', 's2', 'cancelled', '2026-10-04T00:00:00Z'),
      order('o4', 's2', 'rejected', '2026-10-05T00:00:00Z'),
      order('o5', 's2', 'pending', '2026-10-06T00:00:00Z'),
      order('o6', 's2', 'in_service', '2026-10-07T00:00:00Z', { acceptedAt: minutesAfter('2026-10-07T00:00:00Z', 50) }),
      order('o7', 's1', 'closed', '2026-10-08T00:00:00Z', { acceptedAt: minutesAfter('2026-10-08T00:00:00Z', 20), completedAt: minutesAfter('2026-10-08T00:00:00Z', 200), ...rating(3) }),
      // A grid the community no longer lists.
      order('o11', 'old-grid', 'accepted', '2026-10-10T00:00:00Z', { acceptedAt: minutesAfter('2026-10-10T00:00:00Z', 40) }),
      // Outside the period (the second exactly at its end, which is excluded), or another community's.
      order('o8', 's1', 'closed', '2026-09-30T15:59:59.999Z', { acceptedAt: minutesAfter('2026-09-30T15:59:59.999Z', 1), completedAt: minutesAfter('2026-09-30T15:59:59.999Z', 2), ...rating(1) }),
      order('o9', 's1', 'pending', to),
      order('o10', 's1', 'closed', '2026-10-15T00:00:00Z', { ...rating(1) }, 'other-community'),
    ]);
    seed(cloud, 'service_records', [
      record('r1', 'stats-vol-a', '2026-10-01', 60),
      record('r2', 'stats-vol-a', '2026-10-15', 45),
      record('r3', 'stats-vol-b', '2026-10-31', 90),
      record('r4', 'stats-vol-c', '2026-09-30', 30),
      record('r5', 'stats-vol-c', '2026-11-01', 30),
      record('r6', 'other-vol', '2026-10-10', 100, 'other-community'),
    ]);
    seed(cloud, 'points_ledger', [
      entry('l1', 'stats-resident', 200, 'good_deed', '2026-09-01T00:00:00Z', 200),
      entry('l2', 'stats-resident', 20, 'good_deed', '2026-10-02T00:00:00Z', 220),
      entry('l3', 'stats-resident', -30, 'redeem', '2026-10-03T00:00:00Z', 190),
      entry('l4', 'stats-resident', -80, 'redeem', '2026-10-04T00:00:00Z', 110),
      entry('l5', 'stats-resident', 30, 'redeem_refund', '2026-10-05T00:00:00Z', 140),
      entry('l6', 'stats-vol-a', 12, 'service', '2026-10-05T00:00:00Z', 12),
      entry('l7', 'stats-vol-a', 50, 'role_model', '2026-10-06T00:00:00Z', 62),
      entry('l8', 'stats-vol-a', 999, 'service', '2026-11-05T00:00:00Z', 1061),
      entry('l9', 'other-vol', 100, 'service', '2026-10-10T00:00:00Z', 100, 'other-community'),
    ]);
    const account = (openid: string, balance: number, issued: number, redeemed: number, communityId = community) => ({
      _id: openid,
      communityId,
      balance,
      issued,
      redeemed,
      updatedAt: at('2026-11-05T00:00:00Z'),
    });
    seed(cloud, 'points_accounts', [account('stats-resident', 140, 220, 80), account('stats-vol-a', 1061, 1061, 0), account('other-vol', 100, 100, 0, 'other-community')]);
  });
  afterAll(() => cloud.close());
  afterEach(() => expectBooksBalanced(cloud));

  it('equals the hand-computed figures for a month of seeded records', async () => {
    const { previous, ...overview } = ok(await call(cloud, 'stats-staff', 'stats.overview', { from, to }));
    // The 31 days before: o8 (closed, 1 star, accepted after 1 minute, done after 2), r4's 30 minutes on
    // 30 September, l1's 200 points on 1 September.
    expect(previous).toMatchObject({
      from: '2026-08-30T16:00:00.000Z',
      to: from,
      ordersByStatus: { pending: 0, closed: 1, cancelled: 0 },
      completionRate: 1,
      averageStars: 1,
      ratedOrders: 1,
      medianResponseMinutes: 1,
      medianCompletionMinutes: 2,
      volunteerHours: 0.5,
      activeVolunteers: 1,
      pointsIssued: 200,
      pointsRedeemed: 0,
    });
    expect(previous.byGrid.map((grid) => [grid.gridId, grid.orders])).toEqual([
      ['s1', 1],
      ['s2', 0],
      ['s3', 0],
    ]);
    expect(overview).toEqual({
      from,
      to,
      ordersByStatus: { pending_review: 0, pending: 1, assigned: 0, accepted: 1, in_service: 1, completed: 1, closed: 2, cancelled: 1, rejected: 1 },
      // Finished o1, o2, o7 among 8 − cancelled − rejected = 6.
      completionRate: 0.5,
      averageStars: 4,
      ratedOrders: 3,
      // Response 10, 20, 30, 40, 50 minutes; completion 60, 120, 200.
      medianResponseMinutes: 30,
      medianCompletionMinutes: 120,
      // 60 + 45 + 90 minutes on 1, 15 and 31 October.
      volunteerHours: 3.25,
      activeVolunteers: 2,
      // 20 + 12 + 50 earned; 30 + 80 spent, 30 refunded.
      pointsIssued: 82,
      pointsRedeemed: 80,
      byGrid: [
        { gridId: 's1', gridName: '东区', orders: 3, finished: 3, closed: 2, completionRate: 1, averageStars: 4 },
        { gridId: 's2', gridName: '西区', orders: 4, finished: 0, closed: 0, completionRate: 0, averageStars: null },
        { gridId: 's3', gridName: '北区', orders: 0, finished: 0, closed: 0, completionRate: null, averageStars: null },
        { gridId: 'old-grid', gridName: 'old-grid', orders: 1, finished: 0, closed: 0, completionRate: 0, averageStars: null },
      ],
      // No affairs in this community: every grid, nothing to measure.
      affairs: {
        ...NO_AFFAIRS,
        disputes: 0,
        byGrid: [
          { gridId: 's1', gridName: '东区', ...NO_AFFAIRS },
          { gridId: 's2', gridName: '西区', ...NO_AFFAIRS },
          { gridId: 's3', gridName: '北区', ...NO_AFFAIRS },
        ],
        byDepartment: [],
      },
    });
  });

  it('a month is the Beijing calendar month, compared with the calendar month before', async () => {
    const byDates = ok(await call(cloud, 'stats-staff', 'stats.overview', { from, to }));
    const october = ok(await call(cloud, 'stats-staff', 'stats.overview', { month: '2026-10' }));
    // October has 31 days and September 30: the month before is September, not the 31 days before.
    const { previous, ...figures } = october;
    const { previous: _dayBased, ...sameFigures } = byDates;
    expect(figures).toEqual(sameFigures);
    const september = ok(await call(cloud, 'stats-staff', 'stats.overview', { from: '2026-08-31T16:00:00.000Z', to: from }));
    const { previous: _august, ...septemberFigures } = september;
    expect(previous).toEqual(septemberFigures);
    expect(previous.pointsIssued).toBe(200);
  });

  it('the trend is each month’s overview: one computation', async () => {
    const { months } = ok(await call(cloud, 'stats-staff', 'stats.trend', {}));
    expect(months).toHaveLength(12);
    const thisMonth = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7);
    expect(months[11]?.month).toBe(thisMonth);
    let seen = 0;
    for (const month of months) {
      const overview = ok(await call(cloud, 'stats-staff', 'stats.overview', { month: month.month }));
      expect(month).toEqual({
        month: month.month,
        orders: Object.values(overview.ordersByStatus).reduce((sum, count) => sum + count, 0),
        completionRate: overview.completionRate,
        averageStars: overview.averageStars,
        ratedOrders: overview.ratedOrders,
        volunteerHours: overview.volunteerHours,
        pointsIssued: overview.pointsIssued,
        pointsRedeemed: overview.pointsRedeemed,
        affairsReceived: overview.affairs.received,
        affairsClosed: overview.affairs.closed,
      });
      seen += month.orders;
    }
    // October's 8 orders (o9 falls on 1 November, o8 on 30 September) are among them.
    expect(months.find((month) => month.month === '2026-10')).toMatchObject({ orders: 8, completionRate: 0.5, pointsIssued: 82, pointsRedeemed: 80 });
    expect(seen).toBeGreaterThanOrEqual(10);
    const three = ok(await call(cloud, 'stats-staff', 'stats.trend', { months: 3 }));
    expect(three.months.map((month) => month.month)).toEqual(months.slice(9).map((month) => month.month));
  });

  it('reads past the 1000-document limit of one database read', async () => {
    // Beijing's June 2026, far from the other seeded records.
    const juneFrom = '2026-05-31T16:00:00.000Z';
    const juneTo = '2026-06-30T16:00:00.000Z';
    const base = at('2026-06-10T00:00:00Z').getTime();
    seed(
      cloud,
      'orders',
      Array.from({ length: 1205 }, (_, i) => order(`bulk-${String(i).padStart(4, '0')}`, i % 2 ? 's1' : 's2', i % 5 === 0 ? 'closed' : 'pending', new Date(base + i * 1000).toISOString())),
    );
    seed(
      cloud,
      'points_ledger',
      Array.from({ length: 1001 }, (_, i) => entry(`bulk-entry-${i}`, 'stats-bulk', 1, 'good_deed', new Date(base + i * 1000).toISOString(), i + 1)),
    );
    seed(cloud, 'points_accounts', [{ _id: 'stats-bulk', communityId: community, balance: 1001, issued: 1001, redeemed: 0, updatedAt: at('2026-06-11T00:00:00Z') }]);
    seed(
      cloud,
      'service_records',
      Array.from({ length: 1001 }, (_, i) => record(`bulk-record-${i}`, `bulk-vol-${i % 7}`, `2026-06-${String(1 + (i % 30)).padStart(2, '0')}`, 1)),
    );
    const overview = ok(await call(cloud, 'stats-staff', 'stats.overview', { from: juneFrom, to: juneTo }));
    expect(overview.ordersByStatus.pending + overview.ordersByStatus.closed).toBe(1205);
    expect(overview.ordersByStatus.closed).toBe(241);
    expect(overview.completionRate).toBe(0.2);
    expect(overview.pointsIssued).toBe(1001);
    expect(overview.volunteerHours).toBe(16.68);
    expect(overview.activeVolunteers).toBe(7);
  });

  it('defaults to the last 30 days', async () => {
    // In the other community, so these recent orders cannot fall into the fixed periods above.
    const now = Date.now();
    const daysAgo = (days: number) => new Date(now - days * 24 * 3600_000).toISOString();
    seed(cloud, 'orders', [
      order('recent', 'h1', 'pending', daysAgo(10), {}, 'other-community'),
      order('older', 'h1', 'pending', daysAgo(31), {}, 'other-community'),
    ]);
    const overview = ok(await call(cloud, 'other-staff', 'stats.overview', {}));
    expect(at(overview.to).getTime() - at(overview.from).getTime()).toBe(30 * 24 * 3600_000);
    expect(Math.abs(at(overview.to).getTime() - now)).toBeLessThan(60_000);
    expect(overview.byGrid.find((grid) => grid.gridId === 'h1')?.orders).toBe(1);
    expect(overview.ordersByStatus.pending).toBe(1);
  });

  it('counts only the staff member’s own community', async () => {
    const overview = ok(await call(cloud, 'other-staff', 'stats.overview', { from, to }));
    expect(overview.ordersByStatus.closed).toBe(1);
    expect(overview.averageStars).toBe(1);
    expect(overview.volunteerHours).toBe(1.67);
    expect(overview.pointsIssued).toBe(100);
    expect(overview.byGrid.map((grid) => grid.gridId)).toEqual(['h1', 's1']);
  });

  it('refuses bad input without writing', async () => {
    await expectRefused(cloud, 'stats-staff', 'stats.overview', { from: 'yesterday' }, 'INVALID_INPUT', '开始时间格式无效');
    await expectRefused(cloud, 'stats-staff', 'stats.overview', { to: 20261101 }, 'INVALID_INPUT');
    await expectRefused(cloud, 'stats-staff', 'stats.overview', { from: to, to: from }, 'INVALID_INPUT', '开始时间必须早于结束时间');
    await expectRefused(cloud, 'stats-staff', 'stats.overview', { from: '2024-01-01T00:00:00Z', to }, 'INVALID_INPUT', '统计区间不能超过 366 天');
    await expectRefused(cloud, 'stats-staff', 'stats.overview', { month: '2026-13' }, 'INVALID_INPUT', '月份格式应为 YYYY-MM');
    await expectRefused(cloud, 'stats-staff', 'stats.overview', { month: '2026-10', from }, 'INVALID_INPUT', '按月统计时不能同时指定开始或结束时间');
    await expectRefused(cloud, 'stats-staff', 'stats.trend', { months: 13 }, 'INVALID_INPUT', '最多统计 12 个月');
    await expectRefused(cloud, 'stats-staff', 'stats.trend', { months: 1.5 }, 'INVALID_INPUT', '月数必须是整数');
  });

  it(`reads the trend at most ${TRENDS_PER_DAY} times a day per staff member`, async () => {
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    seed(cloud, 'quotas', [{ _id: 'stats_trend:stats-staff', day: today, count: TRENDS_PER_DAY - 1, updatedAt: new Date() }]);
    ok(await call(cloud, 'stats-staff', 'stats.trend', { months: 2 }));
    await expectRefused(cloud, 'stats-staff', 'stats.trend', { months: 2 }, 'LIMIT_REACHED', `您今天已查看 ${TRENDS_PER_DAY} 次趋势，请明天再看`);
  });

  it('refuses callers who may not act, without writing', async () => {
    await expectRefused(cloud, 'stats-resident', 'stats.overview', {}, 'FORBIDDEN');
    await expectRefused(cloud, DEMO.volunteer, 'stats.overview', {}, 'FORBIDDEN');
    await expectRefused(cloud, 'o-stranger', 'stats.overview', {}, 'UNAUTHENTICATED');
  });
});
