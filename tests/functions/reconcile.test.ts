/**
 * The daily reconciliation through the real `points` function's timer (03:00 Beijing time) on the
 * local cloud: drift seeded straight into the database is found and written down, money and stock
 * are left as they are, a drifted volunteer counter is reset to its recount, a community whose books
 * were moved only by the real actions comes out clean, a second run the same day does not overwrite
 * the day's findings, and only staff read them (points.reconciliation). Then the stock ledger and
 * the on-demand run (report.reconcile): stock changed behind the ledger's back, a move deleted, a
 * balance changed and moves of an item that is gone are each found and named, nothing is changed,
 * every run is a record of its own (a few a day), and the timer's first run of a month closes the
 * month before (closingReconciliation).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WxStore, type SdkDatabase } from '../../backend/wx-store';
import type { Reconciliation, Volunteer } from '../../core/model';
import type { Deps } from '../../core/ports';
import { closingReconciliation, RECONCILIATIONS_ON_DEMAND_PER_DAY, RECONCILIATIONS_ON_DEMAND_PER_PERSON } from '../../core/usecases/reconcile';
import type { LocalCloud } from '../../localcloud/src/server';
import { call, DEMO, ok, startLinli } from '../helpers/linli';
import { connectSdk, control } from '../helpers/localcloud';
import { doc, docs, expectRefused, seed, T0, userDoc, volunteerDoc } from '../helpers/seed';

const DRIFT = 'recon-drift-community';
const STAFF = 'o-recon-staff';
const RICH = 'o-recon-rich';
const FINE = 'o-recon-fine';
const VOL = 'o-recon-vol';
const NEG_GOODS = 'recon-goods-negative';

/** 01:00 in Beijing: the first 03:00 is two hours on. */
const START = new Date('2026-11-20T01:00:00+08:00');
const HOUR_MS = 3600_000;
const DAY = '2026-11-20';

const ledgerEntry = (id: string, openid: string, delta: number, source: string, balanceAfter: number) => ({
  _id: id,
  openid,
  communityId: DRIFT,
  delta,
  source,
  ref: id,
  by: STAFF,
  balanceAfter,
  createdAt: T0,
});

const stockMove = (id: string, goodsId: string, goodsName: string, kind: string, delta: number, stockAfter: number) => ({
  _id: id,
  communityId: DRIFT,
  goodsId,
  goodsName,
  kind,
  delta,
  stockAfter,
  createdAt: T0,
});

/** A second community with exactly three things wrong, and one of each kind of thing right. */
function seedDrift(cloud: LocalCloud): void {
  seed(cloud, 'communities', [
    {
      _id: DRIFT,
      name: '对账测试社区',
      grids: [{ id: 'g1', name: '一网格', buildings: ['1栋'] }],
      settings: { requireOrderReview: false, scoreMultipliers: { 1: 0.5, 2: 0.8, 3: 1, 4: 1.1, 5: 1.2 }, acceptTimeoutMinutes: 30 },
      createdAt: T0,
    },
  ]);
  seed(cloud, 'users', [
    userDoc(STAFF, '对账干事', { roles: ['staff'], communityId: DRIFT }),
    userDoc(RICH, '钱多多', { communityId: DRIFT }),
    userDoc(FINE, '赵平衡', { communityId: DRIFT }),
    userDoc(VOL, '孙志愿', { communityId: DRIFT }),
  ]);
  // RICH: a balance 5 more than the ledger. FINE: earned 30, redeemed 20, refunded 10 — all in order.
  seed(cloud, 'points_accounts', [
    { _id: RICH, communityId: DRIFT, balance: 65, issued: 60, redeemed: 0, updatedAt: T0 },
    { _id: FINE, communityId: DRIFT, balance: 20, issued: 30, redeemed: 10, updatedAt: T0 },
  ]);
  seed(cloud, 'points_ledger', [
    ledgerEntry('recon-l1', RICH, 60, 'service', 60),
    ledgerEntry('recon-l2', FINE, 30, 'activity', 30),
    ledgerEntry('recon-l3', FINE, -20, 'redeem', 10),
    ledgerEntry('recon-l4', FINE, 10, 'redeem_refund', 20),
  ]);
  seed(cloud, 'goods', [
    { _id: NEG_GOODS, communityId: DRIFT, name: '爱心挂面', pointsPrice: 10, stock: -1, active: true, updatedAt: T0 },
    { _id: 'recon-goods-fine', communityId: DRIFT, name: '肥皂', pointsPrice: 5, stock: 3, active: true, updatedAt: T0 },
  ]);
  // The negative stock is what its moves add up to (two handed out of one): only its sign is wrong.
  seed(cloud, 'stock_moves', [
    stockMove('recon-m1', NEG_GOODS, '爱心挂面', 'opening', 1, 1),
    stockMove('recon-m2', NEG_GOODS, '爱心挂面', 'redeem', -2, -1),
    stockMove('recon-m3', 'recon-goods-fine', '肥皂', 'opening', 3, 3),
  ]);
  // VOL: three active orders counted, none accepted; the completed order and its rating are right (an
  // hours counter of an older document is nothing reconciliation reads or writes).
  seed(cloud, 'volunteers', [
    {
      ...volunteerDoc(VOL, '孙志愿'),
      communityId: DRIFT,
      stats: { activeOrders: 3, completedOrders: 1, ratingSum: 4, ratingCount: 1, recordedCentiHours: 150 },
    },
  ]);
  seed(cloud, 'orders', [
    {
      _id: 'recon-order-done',
      communityId: DRIFT,
      residentOpenid: RICH,
      createdBy: RICH,
      clientRequestId: 'recon-order-done',
      serviceId: 'svc-x',
      serviceName: '助餐送餐',
      skills: [],
      basePoints: 10,
      expectedMinutes: 30,
      description: '送午饭',
      address: { gridId: 'g1', building: '1栋' },
      contactName: '钱多多',
      contactPhone: '13900000000',
      status: 'closed',
      assignee: VOL,
      assigneeName: '孙志愿',
      events: [],
      declines: [],
      createdAt: T0,
      dueAt: T0,
      overdue: false,
      completedAt: T0,
      rating: { stars: 4, at: T0 },
    },
  ]);
  seed(cloud, 'service_records', [
    {
      _id: 'order:recon-order-done',
      openid: VOL,
      volunteerName: '孙志愿',
      communityId: DRIFT,
      source: 'order',
      ref: 'recon-order-done',
      activityName: '助餐送餐',
      date: '2026-11-01',
      place: '1栋',
      content: '送午饭',
      minutes: 90,
      hours: 1.5,
      organiser: '对账测试社区',
      personInCharge: '对账干事',
      version: 1,
      createdAt: T0,
    },
  ]);
}

let seq = 0;
const requestId = () => `recon-${process.pid}-${(++seq).toString().padStart(4, '0')}`;

/** Real actions in the demo community: they move points, stock and counters, and must leave it clean. */
async function busyDay(cloud: LocalCloud): Promise<void> {
  const order = async () => ok(await call(cloud, DEMO.resident, 'order.create', { serviceId: 'svc-meal', description: '腿脚不便，想请人送一份午餐', clientRequestId: requestId() })).order.id;
  const served = await order();
  ok(await call(cloud, DEMO.staff, 'dispatch.assign', { orderId: served, volunteerOpenid: DEMO.volunteer }));
  ok(await call(cloud, DEMO.volunteer, 'dispatch.accept', { orderId: served }));
  ok(await call(cloud, DEMO.volunteer, 'dispatch.complete', { orderId: served, summary: '午餐已送到', minutes: 40 }));
  ok(await call(cloud, DEMO.resident, 'order.rate', { orderId: served, stars: 5 }));
  ok(await call(cloud, DEMO.staff, 'scoring.score', { orderId: served, score: 5 }));
  // One still being served.
  const open = await order();
  ok(await call(cloud, DEMO.staff, 'dispatch.assign', { orderId: open, volunteerOpenid: DEMO.volunteer }));
  ok(await call(cloud, DEMO.volunteer, 'dispatch.accept', { orderId: open }));
  // A redemption cancelled (debit and refund), and one waiting at the counter.
  const { redemption } = ok(await call(cloud, DEMO.resident, 'mall.redeem', { goodsId: 'goods-towel', quantity: 1, clientRequestId: requestId() }));
  ok(await call(cloud, DEMO.resident, 'mall.cancel', { redemptionId: redemption.id }));
  ok(await call(cloud, DEMO.resident, 'mall.redeem', { goodsId: 'goods-haircut', quantity: 1, clientRequestId: requestId() }));
}

/** Money and stock as stored, to show the run did not touch them. */
const books = (cloud: LocalCloud) =>
  JSON.stringify(['points_accounts', 'points_ledger', 'goods'].map((name) => docs(cloud, name).sort((a, b) => String(a._id).localeCompare(String(b._id)))));

const reconciliation = (cloud: LocalCloud, communityId: string, day: string) => doc<Reconciliation>(cloud, 'reconciliations', `${communityId}:${day}`);

interface Invocation {
  name: string;
  source: string;
  status: string;
  durationMs: number | null;
  logs: string[];
}

describe('the daily reconciliation (points timer)', () => {
  let cloud: LocalCloud;
  let booksBefore = '';

  beforeAll(async () => {
    cloud = await startLinli({ startAt: START, timers: ['points'] });
    seedDrift(cloud);
    await busyDay(cloud);
  });
  afterAll(() => cloud.close());

  it('before the first run, staff are told there is nothing yet', async () => {
    expect(ok(await call(cloud, STAFF, 'points.reconciliation', {}))).toEqual({ latest: null });
  });

  it('runs at 03:00 and writes down exactly what is wrong, leaving money and stock as they are', async () => {
    booksBefore = books(cloud);
    const { fired } = await control<{ fired: Array<{ name: string; at: string }> }>(cloud, 'POST', 'clock', { advanceMs: 3 * HOUR_MS });
    expect(fired).toEqual([{ name: 'points', at: '2026-11-19T19:00:00.000Z' }]);

    const found = reconciliation(cloud, DRIFT, DAY);
    expect(found).toMatchObject({ communityId: DRIFT, day: DAY, accounts: 2, ledgerEntries: 4, goods: 2, volunteers: 1 });
    expect(found!.discrepancies).toEqual([
      { kind: 'balance', subject: RICH, field: 'balance', stored: 65, expected: 60, action: 'reported' },
      { kind: 'negative_stock', subject: NEG_GOODS, field: 'stock', stored: -1, expected: 0, action: 'reported' },
      { kind: 'volunteer_counter', subject: VOL, field: 'stats.activeOrders', stored: 3, expected: 0, action: 'counter_reset' },
    ]);
    // Never a balance or a stock changed: the books are byte for byte what they were.
    expect(books(cloud)).toBe(booksBefore);
    expect(doc(cloud, 'points_accounts', RICH)!.balance).toBe(65);
    expect(doc(cloud, 'goods', NEG_GOODS)!.stock).toBe(-1);
    // The ranking counter was reset to the recount, and only it.
    expect(doc<Volunteer>(cloud, 'volunteers', VOL)!.stats).toEqual({ activeOrders: 0, completedOrders: 1, ratingSum: 4, ratingCount: 1, recordedCentiHours: 150 });

    const { invocations } = await control<{ invocations: Invocation[] }>(cloud, 'GET', 'invocations?limit=5');
    const run = invocations.find((i) => i.name === 'points' && i.source === 'wx_trigger')!;
    expect(run.status).toBe('ok');
    const warnings = run.logs.filter((line) => line.includes('对账'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(DRIFT);
    expect(warnings[0]).toContain('3 处不一致');
  });

  it('a community moved only by real orders, scores and redemptions comes out clean', () => {
    const clean = reconciliation(cloud, DEMO.community, DAY);
    expect(clean).toBeDefined();
    expect(clean!.discrepancies).toEqual([]);
    // Not clean for want of anything to count: the volunteer has an order open, one done and rated,
    // and the resident redeemed, was refunded and redeemed again.
    expect(clean!.accounts).toBeGreaterThanOrEqual(2);
    expect(clean!.ledgerEntries).toBeGreaterThanOrEqual(6);
    expect(doc<Volunteer>(cloud, 'volunteers', DEMO.volunteer)!.stats).toMatchObject({ activeOrders: 1, completedOrders: 1, ratingSum: 5, ratingCount: 1 });
    expect(docs(cloud, 'points_ledger').filter((e) => e.openid === DEMO.resident).map((e) => e.source).sort()).toEqual(['good_deed', 'redeem', 'redeem', 'redeem_refund']);
  });

  it('a second run the same day reports what it finds but does not overwrite the day’s document', async () => {
    const first = JSON.stringify(reconciliation(cloud, DRIFT, DAY));
    const outcome = await cloud.runtime.invoke({
      name: 'points',
      event: { Type: 'Timer', TriggerName: 'dailyReconciliation', Time: new Date().toISOString(), Message: '' },
      identity: { openid: null, appid: 'touristappid' },
      source: 'wx_trigger',
    });
    // The counter is right now; the balance and the stock are still wrong (no one fixed them).
    expect(outcome).toMatchObject({ ok: true, result: { ok: true, data: { communities: 2, discrepancies: 2, countersReset: 0 } } });
    expect(JSON.stringify(reconciliation(cloud, DRIFT, DAY))).toBe(first);
    expect(books(cloud)).toBe(booksBefore);
  });

  it('points.reconciliation gives staff their own community’s newest findings, with names', async () => {
    const { latest } = ok(await call(cloud, STAFF, 'points.reconciliation', {}));
    expect(latest).toMatchObject({ day: DAY, accounts: 2, ledgerEntries: 4, goods: 2, volunteers: 1, discrepancyCount: 3 });
    expect(new Date(latest!.ranAt).toISOString()).toBe(latest!.ranAt);
    expect(latest!.discrepancies).toEqual([
      { kind: 'balance', subject: RICH, name: '钱多多', field: 'balance', stored: 65, expected: 60, action: 'reported' },
      { kind: 'negative_stock', subject: NEG_GOODS, name: '爱心挂面', field: 'stock', stored: -1, expected: 0, action: 'reported' },
      { kind: 'volunteer_counter', subject: VOL, name: '孙志愿', field: 'stats.activeOrders', stored: 3, expected: 0, action: 'counter_reset' },
    ]);
    const demo = ok(await call(cloud, DEMO.staff, 'points.reconciliation', {}));
    expect(demo.latest).toMatchObject({ day: DAY, discrepancyCount: 0, discrepancies: [] });
  });

  it('refuses a resident and a volunteer, writing nothing', async () => {
    await expectRefused(cloud, DEMO.resident, 'points.reconciliation', {}, 'FORBIDDEN');
    await expectRefused(cloud, DEMO.volunteer, 'points.reconciliation', {}, 'FORBIDDEN');
    await expectRefused(cloud, RICH, 'points.reconciliation', {}, 'FORBIDDEN');
  });

  it('the next day’s run is the newest; the reset counter stays right, the money is still reported', async () => {
    const { fired } = await control<{ fired: Array<{ name: string }> }>(cloud, 'POST', 'clock', { advanceMs: 24 * HOUR_MS });
    expect(fired.map((f) => f.name)).toEqual(['points']);
    const { latest } = ok(await call(cloud, STAFF, 'points.reconciliation', {}));
    expect(latest!.day).toBe('2026-11-21');
    expect(latest!.discrepancies.map((d) => `${d.kind}:${d.subject}:${d.action}`)).toEqual([`balance:${RICH}:reported`, `negative_stock:${NEG_GOODS}:reported`]);
    // Yesterday's stays as it was written.
    expect(reconciliation(cloud, DRIFT, DAY)!.discrepancies).toHaveLength(3);
  });
});

/** Everything a reconciliation may never change: money, stock and the stock ledger, as stored. */
const ledgers = (cloud: LocalCloud) =>
  JSON.stringify(['points_accounts', 'points_ledger', 'goods', 'stock_moves', 'redemptions'].map((name) => docs(cloud, name).sort((a, b) => String(a._id).localeCompare(String(b._id)))));

describe('the stock ledger reconciled, and reconciliation on demand', () => {
  let cloud: LocalCloud;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let db: any;
  let deps: Deps;
  let towelRedemption = '';
  let residentBalance = 0;
  let before = '';
  let firstId = '';

  beforeAll(async () => {
    // 01:00 on the last day of November: the timer's next runs are on the 30th and on 1 December.
    cloud = await startLinli({ startAt: new Date('2026-11-30T01:00:00+08:00'), timers: ['points'] });
    db = connectSdk(cloud).database();
    deps = { store: new WxStore(db as SdkDatabase) } as unknown as Deps;
    // Real actions move stock and points the honest way.
    const { redemption } = ok(await call(cloud, DEMO.resident, 'mall.redeem', { goodsId: 'goods-towel', quantity: 1, clientRequestId: requestId() }));
    towelRedemption = redemption.id;
    ok(await call(cloud, DEMO.staff, 'mall.stockIn', { goodsId: 'goods-rice', quantity: 5, source: 'donation', donor: '王阿姨', clientRequestId: requestId() }));
    residentBalance = doc<{ balance: number }>(cloud, 'points_accounts', DEMO.resident)!.balance;
    // Planted straight in the database, behind the ledgers' backs:
    const _ = db.command;
    await db.collection('goods').doc('goods-oil').update({ data: { stock: _.inc(3) } }); // three bottles appear from nowhere
    await db.collection('stock_moves').doc(`redeem:${towelRedemption}`).remove(); // a redemption's move deleted
    await db.collection('points_accounts').doc(DEMO.resident).update({ data: { balance: _.inc(7) } }); // a balance changed
    // Moves of an item whose document is gone.
    seed(cloud, 'stock_moves', [
      { _id: 'opening:goods-lamp', communityId: DEMO.community, goodsId: 'goods-lamp', goodsName: '旧台灯', kind: 'opening', delta: 2, stockAfter: 2, createdAt: T0 },
    ]);
  });
  afterAll(() => cloud.close());

  it('finds each planted discrepancy, names who and what is involved, and changes nothing', async () => {
    before = ledgers(cloud);
    const { reconciliation } = ok(await call(cloud, DEMO.staff, 'report.reconcile', { confirm: '对账' }));
    expect(reconciliation).toMatchObject({ day: '2026-11-30', trigger: 'on_demand', goods: 5, stockMoves: 7, discrepancyCount: 4 });
    expect(reconciliation.discrepancies).toEqual([
      { kind: 'balance', subject: DEMO.resident, name: '张秀英', field: 'balance', stored: residentBalance + 7, expected: residentBalance, action: 'reported' },
      { kind: 'stock', subject: 'goods-lamp', name: '旧台灯', field: 'goods', stored: 0, expected: 2, action: 'reported' },
      { kind: 'stock', subject: 'goods-oil', name: '食用油 1.8 升', field: 'stock', stored: 18, expected: 15, action: 'reported' },
      { kind: 'stock', subject: 'goods-towel', name: '纯棉毛巾', field: 'stock', stored: 49, expected: 50, action: 'reported' },
    ]);
    expect(ledgers(cloud)).toBe(before);
    const stored = docs<Reconciliation>(cloud, 'reconciliations');
    expect(stored).toHaveLength(1);
    firstId = stored[0]!._id;
    expect(firstId).toMatch(new RegExp(`^${DEMO.community}:2026-11-30:\\d{9}$`));
    expect(stored[0]).toMatchObject({ trigger: 'on_demand', requestedBy: DEMO.staff, communityId: DEMO.community });
    expect(stored[0]).not.toHaveProperty('closesMonth');
    // What staff read next is this run.
    expect(ok(await call(cloud, DEMO.staff2, 'points.reconciliation', {})).latest).toEqual(reconciliation);
  });

  it('every run on demand is a record of its own, a few a day per community; the earlier ones stay as written', async () => {
    const first = JSON.stringify(doc(cloud, 'reconciliations', firstId));
    const second = ok(await call(cloud, DEMO.staff2, 'report.reconcile', { confirm: '对账' })).reconciliation;
    expect(second.discrepancyCount).toBe(4);
    expect(docs(cloud, 'reconciliations')).toHaveLength(2);
    expect(JSON.stringify(doc(cloud, 'reconciliations', firstId))).toBe(first);
    // One person may not use up the community's runs: 3 each.
    ok(await call(cloud, DEMO.staff, 'report.reconcile', { confirm: '对账' }));
    ok(await call(cloud, DEMO.staff, 'report.reconcile', { confirm: '对账' }));
    await expectRefused(cloud, DEMO.staff, 'report.reconcile', { confirm: '对账' }, 'LIMIT_REACHED', `您今天已手动对账 ${RECONCILIATIONS_ON_DEMAND_PER_PERSON} 次，请明天再试（每天凌晨 3:00 还会自动对账）`);
    ok(await call(cloud, DEMO.staff2, 'report.reconcile', { confirm: '对账' }));
    await expectRefused(cloud, DEMO.staff2, 'report.reconcile', { confirm: '对账' }, 'LIMIT_REACHED', '本社区今天已手动对账 5 次，请明天再试（每天凌晨 3:00 还会自动对账）');
    expect(docs(cloud, 'reconciliations')).toHaveLength(RECONCILIATIONS_ON_DEMAND_PER_DAY);
    expect(ledgers(cloud)).toBe(before);
  });

  it('only staff may run it, and only when they ask for it', async () => {
    await expectRefused(cloud, DEMO.resident, 'report.reconcile', { confirm: '对账' }, 'FORBIDDEN');
    await expectRefused(cloud, DEMO.grid, 'report.reconcile', { confirm: '对账' }, 'FORBIDDEN');
    await expectRefused(cloud, DEMO.staff, 'report.reconcile', {}, 'INVALID_INPUT', '请确认立即对账');
    await expectRefused(cloud, DEMO.staff, 'report.reconcile', { confirm: '对账', communityId: 'elsewhere' }, 'INVALID_INPUT');
  });

  it('the daily run finds the same, and its run of the 1st closes the month before', async () => {
    await control(cloud, 'POST', 'clock', { advanceMs: 3 * HOUR_MS });
    const daily = doc<Reconciliation>(cloud, 'reconciliations', `${DEMO.community}:2026-11-30`)!;
    expect(daily).toMatchObject({ trigger: 'timer', stockMoves: 7 });
    expect(daily).not.toHaveProperty('closesMonth');
    expect(daily.discrepancies.map((d) => `${d.kind}:${d.subject}`)).toEqual(['balance:demo-resident', 'stock:goods-lamp', 'stock:goods-oil', 'stock:goods-towel']);
    // The newest run is the one staff see.
    expect(ok(await call(cloud, DEMO.staff, 'points.reconciliation', {})).latest).toMatchObject({ day: '2026-11-30', trigger: 'timer' });
    expect(await closingReconciliation(deps, DEMO.community, '2026-11')).toBeNull();

    await control(cloud, 'POST', 'clock', { advanceMs: 24 * HOUR_MS });
    expect(doc(cloud, 'reconciliations', `${DEMO.community}:2026-12-01`)).toMatchObject({ trigger: 'timer', closesMonth: '2026-11' });
    const closing = await closingReconciliation(deps, DEMO.community, '2026-11');
    expect(closing).toMatchObject({ day: '2026-12-01', trigger: 'timer', closesMonth: '2026-11', discrepancyCount: 4 });
    expect(closing!.discrepancies.find((d) => d.subject === 'goods-oil')).toMatchObject({ name: '食用油 1.8 升', stored: 18, expected: 15 });
    expect(ok(await call(cloud, DEMO.staff, 'points.reconciliation', {})).latest).toMatchObject({ day: '2026-12-01', closesMonth: '2026-11' });
    expect(await closingReconciliation(deps, DEMO.community, '2026-10')).toBeNull();
    expect(ledgers(cloud)).toBe(before);
  });

  it('a 1st whose run is missing is made up by the next day’s, and only once', async () => {
    // As if the run of 1 January had run out of time for this community.
    await control(cloud, 'POST', 'clock', { advanceMs: new Date('2027-01-01T04:00:00+08:00').getTime() - cloud.clock.now() });
    expect(doc(cloud, 'reconciliations', `${DEMO.community}:2027-01-01`)).toMatchObject({ closesMonth: '2026-12' });
    await db.collection('reconciliations').doc(`${DEMO.community}:2027-01-01`).remove();
    await control(cloud, 'POST', 'clock', { advanceMs: 24 * HOUR_MS });
    expect(doc(cloud, 'reconciliations', `${DEMO.community}:2027-01-02`)).toMatchObject({ closesMonth: '2026-12' });
    await control(cloud, 'POST', 'clock', { advanceMs: 24 * HOUR_MS });
    expect(doc(cloud, 'reconciliations', `${DEMO.community}:2027-01-03`)).not.toHaveProperty('closesMonth');
    expect(await closingReconciliation(deps, DEMO.community, '2026-12')).toMatchObject({ day: '2027-01-02' });
    // The month before stays closed by its own run.
    expect(await closingReconciliation(deps, DEMO.community, '2026-11')).toMatchObject({ day: '2026-12-01' });
  });
});
