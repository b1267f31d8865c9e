/**
 * The 五单 loop through /client/callFunction with the real `order`, `dispatch` and `scoring`
 * functions: residents order, staff dispatch, volunteers accept and serve, residents rate, staff
 * score; points and the service record follow. Each role calls as its own openid.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ActionName, contract, type InputOf, type OrderView } from '../../core/contract';
import type { LedgerEntry, Order, PointsAccount, ServiceRecord, Volunteer } from '../../core/model';
import type { LocalCloud } from '../../localcloud/src/server';
import { control } from '../helpers/localcloud';
import { call, callRaw, DEMO, ok, snapshot, startLinli } from '../helpers/linli';
import { GENEROUS_ORDER_LIMITS, setCommunitySettings } from '../helpers/seed';

const T0 = { $date: '2026-11-01T00:00:00.000Z' };

const OTHER_STAFF = 'o-other-staff';
const REVIEW_STAFF = 'o-review-staff';
const REVIEW_RESIDENT = 'o-review-resident';
const RESIDENT_B = 'o-resident-b';
const GRID_WORKER_G2 = 'o-grid-g2';
const COOK = 'o-cook';
const PAUSED = 'o-paused';
const PAGER = 'o-pager';
const RACERS = Array.from({ length: 20 }, (_, i) => `o-racer-${String(i + 1).padStart(2, '0')}`);
const BULK = Array.from({ length: 300 }, (_, i) => `o-bulk-${String(i).padStart(3, '0')}`);

const line = (collection: string, doc: Record<string, unknown>) => JSON.stringify({ collection, doc });

function user(id: string, communityId: string, name: string, address: Record<string, string>, roles: string[], extra: Record<string, unknown> = {}) {
  return line('users', { _id: id, communityId, name, phone: '13900000000', address, roles, createdAt: T0, updatedAt: T0, ...extra });
}

function volunteer(id: string, name: string, skills: string[], gridId: string, extra: Record<string, unknown> = {}) {
  return line('volunteers', {
    _id: id,
    communityId: DEMO.community,
    realName: name,
    phone: '13700000000',
    birthDate: '1985-01-01',
    guardianConsent: false,
    skills,
    availability: '随时',
    available: true,
    partyMember: false,
    gridId,
    consentAt: T0,
    status: 'approved',
    appliedAt: T0,
    stats: { activeOrders: 0, completedOrders: 0, ratingSum: 0, ratingCount: 0 },
    ...extra,
  });
}

function fixtureLines(): string[] {
  const community = (id: string, name: string, requireOrderReview: boolean) =>
    line('communities', {
      _id: id,
      name,
      grids: [{ id: 'g1', name: '一网格', buildings: ['1栋', '2栋'] }],
      settings: { requireOrderReview, scoreMultipliers: { '1': 0.5, '2': 0.8, '3': 1, '4': 1.1, '5': 1.2 }, acceptTimeoutMinutes: 30 },
      createdAt: T0,
    });
  const service = (id: string, communityId: string, extra: Record<string, unknown> = {}) =>
    line('services', { _id: id, communityId, name: '助餐送餐', category: '助老服务', skills: ['送餐'], expectedMinutes: 30, basePoints: 10, slaHours: 4, archived: false, updatedAt: T0, ...extra });
  return [
    community('other-community', '和平里社区', false),
    community('review-community', '审核里社区', true),
    service('svc-other', 'other-community'),
    service('svc-review-meal', 'review-community'),
    service('svc-archived', DEMO.community, { name: '已下架服务', archived: true }),
    user(OTHER_STAFF, 'other-community', '赵干事', { gridId: 'g1', building: '1栋' }, ['staff']),
    user(REVIEW_STAFF, 'review-community', '钱干事', { gridId: 'g1', building: '1栋' }, ['staff']),
    user(REVIEW_RESIDENT, 'review-community', '孙奶奶', { gridId: 'g1', building: '2栋', room: '201' }, ['resident']),
    user(RESIDENT_B, DEMO.community, '周大爷', { gridId: 'g2', building: '5栋', unit: '1单元', room: '601' }, ['resident']),
    user(PAGER, DEMO.community, '吴阿姨', { gridId: 'g1', building: '1栋', room: '102' }, ['resident']),
    user(GRID_WORKER_G2, DEMO.community, '网格员老郑', { gridId: 'g2', building: '4栋' }, ['grid_worker'], { gridIds: ['g2'] }),
    user(COOK, DEMO.community, '王师傅', { gridId: 'g1', building: '2栋', room: '302' }, ['resident']),
    volunteer(COOK, '王师傅', ['送餐'], 'g1', { building: '2栋' }),
    volunteer(PAUSED, '郑小休', ['送餐', '陪诊'], 'g1', { building: '2栋', available: false }),
    ...RACERS.flatMap((id, i) => [user(id, DEMO.community, `抢单${i + 1}号`, { gridId: 'g2', building: '4栋' }, ['resident']), volunteer(id, `抢单${i + 1}号`, ['跑腿'], 'g2', { building: '4栋' })]),
    ...BULK.map((id, i) => volunteer(id, `批量${i}`, ['送餐'], 'g2', { building: '6栋', stats: { activeOrders: i % 3, completedOrders: i % 7, ratingSum: 0, ratingCount: 0 } })),
  ];
}

describe('order, dispatch and scoring', () => {
  let cloud: LocalCloud;
  let seq = 0;
  const requestId = () => `req-${process.pid}-${++seq}`;

  const docs = <T>(collection: string): T[] => [...(cloud.engine.collections.get(collection)?.entries.values() ?? [])].map((entry) => entry.doc as unknown as T);
  const doc = <T>(collection: string, id: string): T | undefined => cloud.engine.collections.get(collection)?.entries.get(JSON.stringify(id))?.doc as unknown as T | undefined;
  const storedOrder = (id: string) => doc<Order>('orders', id)!;
  const stats = (openid: string) => doc<Volunteer>('volunteers', openid)!.stats;

  async function createOrder(openid: string = DEMO.resident, input: Partial<InputOf<'order.create'>> = {}): Promise<OrderView> {
    return ok(await call(cloud, openid, 'order.create', { serviceId: 'svc-meal', description: '腿脚不便，想请人送一份午餐', clientRequestId: requestId(), ...input })).order;
  }
  async function assigned(volunteerOpenid: string = DEMO.volunteer, input: Partial<InputOf<'order.create'>> = {}): Promise<OrderView> {
    const order = await createOrder(DEMO.resident, input);
    return ok(await call(cloud, DEMO.staff, 'dispatch.assign', { orderId: order.id, volunteerOpenid })).order;
  }
  async function accepted(volunteerOpenid: string = DEMO.volunteer, input: Partial<InputOf<'order.create'>> = {}): Promise<OrderView> {
    const order = await assigned(volunteerOpenid, input);
    return ok(await call(cloud, volunteerOpenid, 'dispatch.accept', { orderId: order.id })).order;
  }
  async function completed(volunteerOpenid: string = DEMO.volunteer, input: Partial<InputOf<'order.create'>> = {}): Promise<OrderView> {
    const order = await accepted(volunteerOpenid, input);
    return ok(await call(cloud, volunteerOpenid, 'dispatch.complete', { orderId: order.id, summary: '已送达，老人吃得很好', minutes: 40 })).order;
  }
  /** A refused call: the expected code, and not one byte of the database changed. */
  async function refused(openid: string, action: ActionName, input: unknown, code: string | string[]): Promise<string> {
    const before = snapshot(cloud);
    const reply = await callRaw(cloud, openid, action.split('.')[0]!, { action, input });
    if (reply.ok) throw new Error(`${action} as ${openid} should have been refused`);
    expect(Array.isArray(code) ? code : [code]).toContain(reply.error.code);
    expect(snapshot(cloud)).toBe(before);
    return reply.error.message;
  }

  beforeAll(async () => {
    cloud = await startLinli({ sensitiveWords: ['赌博'] });
    cloud.engine.importLines(fixtureLines());
    // This suite places far more orders from one resident than a day allows; the limits have their own tests.
    setCommunitySettings(cloud, GENEROUS_ORDER_LIMITS);
  });
  afterAll(() => cloud.close());

  describe('the whole loop', () => {
    it('resident orders → staff suggests and assigns → volunteer accepts, serves, completes → resident rates → staff scores → points and a service record', async () => {
      await control(cloud, 'POST', 'subscriptions', { openid: DEMO.volunteer, templateId: 'TPL_ORDER_ASSIGNED', count: 1 });
      await control(cloud, 'POST', 'subscriptions', { openid: DEMO.resident, templateId: 'TPL_ORDER_ACCEPTED', count: 1 });
      await control(cloud, 'POST', 'subscriptions', { openid: DEMO.resident, templateId: 'TPL_ORDER_COMPLETED', count: 1 });
      const balanceBefore = doc<PointsAccount>('points_accounts', DEMO.volunteer)!.balance;
      const statsBefore = stats(DEMO.volunteer);

      // 点单: address and phone come from the profile; the SLA gives the due time.
      const created = await createOrder(DEMO.resident, { preferredTime: '明天中午' });
      expect(created).toMatchObject({
        status: 'pending',
        serviceName: '助餐送餐',
        address: { gridId: 'g1', building: '2栋', unit: '1单元', room: '101' },
        contactName: '张秀英',
        contactPhone: '13800000020',
        preferredTime: '明天中午',
        basePoints: 10,
        allowed: ['cancel'],
      });
      expect(Date.parse(created.dueAt) - Date.parse(created.createdAt)).toBe(4 * 3600_000);
      const id = created.id;

      // 派单 queue and suggestions.
      const queue = ok(await call(cloud, DEMO.staff, 'dispatch.queue', { limit: 50 }));
      expect(queue.items.map((o) => o.id)).toContain(id);
      const { candidates } = ok(await call(cloud, DEMO.staff, 'dispatch.suggest', { orderId: id, limit: 5 }));
      expect(candidates).toHaveLength(5);
      expect(candidates[0]).toMatchObject({ openid: COOK, name: '王师傅' });
      expect(candidates[0]!.reasons).toEqual(expect.arrayContaining(['技能匹配：送餐', '同楼栋', '当前 0 单']));
      expect(candidates[1]).toMatchObject({ openid: DEMO.volunteer, partyMember: true });
      expect(candidates[1]!.reasons).toEqual(expect.arrayContaining(['同网格', '党员（双报到）']));
      expect(candidates.map((c) => c.openid)).not.toContain(PAUSED);

      const assignedView = ok(await call(cloud, DEMO.staff, 'dispatch.assign', { orderId: id, volunteerOpenid: DEMO.volunteer })).order;
      expect(assignedView).toMatchObject({ status: 'assigned', assignee: { openid: DEMO.volunteer, name: '李建国' } });

      // The volunteer sees it in their list, without the resident's room until they accept.
      const mine = ok(await call(cloud, DEMO.volunteer, 'dispatch.mine', { status: 'open' }));
      const listed = mine.items.find((o) => o.id === id)!;
      expect(listed).toMatchObject({ status: 'assigned', allowed: ['accept', 'decline'] });
      expect(listed.contactPhone).toBeUndefined();
      expect(listed.address).toEqual({ gridId: 'g1', building: '2栋' });

      const acceptedView = ok(await call(cloud, DEMO.volunteer, 'dispatch.accept', { orderId: id })).order;
      expect(acceptedView).toMatchObject({ status: 'accepted', contactPhone: '13800000020', address: { room: '101' } });
      expect(stats(DEMO.volunteer).activeOrders).toBe(statsBefore.activeOrders + 1);

      expect(ok(await call(cloud, DEMO.volunteer, 'dispatch.start', { orderId: id })).order.status).toBe('in_service');
      const done = ok(await call(cloud, DEMO.volunteer, 'dispatch.complete', { orderId: id, summary: '午餐已送到，顺便帮忙倒了垃圾', minutes: 45 })).order;
      expect(done).toMatchObject({ status: 'completed', completion: { summary: '午餐已送到，顺便帮忙倒了垃圾', minutes: 45 } });
      expect(stats(DEMO.volunteer)).toMatchObject({ activeOrders: statsBefore.activeOrders, completedOrders: statsBefore.completedOrders + 1 });

      // 评单
      const rated = ok(await call(cloud, DEMO.resident, 'order.rate', { orderId: id, stars: 5, comment: '小李很热心' })).order;
      expect(rated.rating).toMatchObject({ stars: 5, comment: '小李很热心' });
      expect(stats(DEMO.volunteer)).toMatchObject({ ratingSum: statsBefore.ratingSum + 5, ratingCount: statsBefore.ratingCount + 1 });
      expect((await call(cloud, DEMO.resident, 'order.rate', { orderId: id, stars: 1 })).ok).toBe(false);

      // Staff score: closed, points posted once, service record written.
      const pending = ok(await call(cloud, DEMO.staff, 'scoring.pending', { limit: 50 }));
      expect(pending.items.map((o) => o.id)).toContain(id);
      const scored = ok(await call(cloud, DEMO.staff, 'scoring.score', { orderId: id, score: 5, note: '服务认真' }));
      expect(scored.points).toBe(12); // round(10 × 1.2)
      expect(scored.order).toMatchObject({ status: 'closed', score: { score: 5, note: '服务认真', points: 12 } });
      expect(scored.order.timeline.map((t) => t.status)).toEqual(['pending', 'assigned', 'accepted', 'in_service', 'completed', 'closed']);

      const entry = doc<LedgerEntry>('points_ledger', `service:${id}`)!;
      expect(entry).toMatchObject({ openid: DEMO.volunteer, delta: 12, source: 'service', ref: id, by: DEMO.staff, balanceAfter: balanceBefore + 12 });
      const account = doc<PointsAccount>('points_accounts', DEMO.volunteer)!;
      expect(account.balance).toBe(balanceBefore + 12);
      const ledgerSum = docs<LedgerEntry>('points_ledger').filter((e) => e.openid === DEMO.volunteer).reduce((sum, e) => sum + e.delta, 0);
      expect(ledgerSum).toBe(account.balance);

      const record = doc<ServiceRecord>('service_records', `order:${id}`)!;
      const completedAt = storedOrder(id).completedAt!;
      expect(record).toMatchObject({
        openid: DEMO.volunteer,
        volunteerName: '李建国',
        communityId: DEMO.community,
        source: 'order',
        ref: id,
        activityName: '助餐送餐',
        place: '幸福里社区 · 第一网格 · 2栋',
        content: '午餐已送到，顺便帮忙倒了垃圾',
        minutes: 45,
        organiser: '幸福里社区',
        personInCharge: '刘晓梅',
        date: new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(completedAt),
      });
      expect(record.place).not.toContain('101');

      // Scoring twice: CONFLICT, and the points stay posted once.
      const again = await call(cloud, DEMO.staff, 'scoring.score', { orderId: id, score: 1 });
      expect(again).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: '该订单已经评过分了' } });
      expect(doc<PointsAccount>('points_accounts', DEMO.volunteer)!.balance).toBe(balanceBefore + 12);
      expect(docs<LedgerEntry>('points_ledger').filter((e) => e.ref === id)).toHaveLength(1);

      // Subscribe messages went to whoever had subscribed.
      const { messages } = await control<{ messages: Array<{ touser: string; template_id: string; page: string; data: Record<string, { value: string }> }> }>(cloud, 'GET', 'outbox');
      const sent = (touser: string, template: string) => messages.find((m) => m.touser === touser && m.template_id === template);
      expect(sent(DEMO.volunteer, 'TPL_ORDER_ASSIGNED')).toMatchObject({ page: 'volunteer/tasks/index', data: { thing1: { value: '助餐送餐' }, thing2: { value: '2栋' } } });
      expect(sent(DEMO.resident, 'TPL_ORDER_ACCEPTED')).toMatchObject({ data: { thing1: { value: '助餐送餐' }, name2: { value: '李建国' } } });
      expect(sent(DEMO.resident, 'TPL_ORDER_COMPLETED')).toMatchObject({ data: { thing1: { value: '助餐送餐' } } });
    });

    it('two staff scoring the same order at once: one wins, the points are posted exactly once', async () => {
      const order = await completed(COOK);
      const before = doc<PointsAccount>('points_accounts', COOK)?.balance ?? 0;
      // Warm two workers, so both scores really run at once.
      await Promise.all([call(cloud, DEMO.staff, 'scoring.pending', {}), call(cloud, DEMO.staff, 'scoring.pending', {})]);
      const replies = await Promise.all([
        call(cloud, DEMO.staff, 'scoring.score', { orderId: order.id, score: 3 }),
        call(cloud, DEMO.staff, 'scoring.score', { orderId: order.id, score: 4 }),
      ]);
      expect(replies.filter((r) => r.ok)).toHaveLength(1);
      expect(replies.find((r) => !r.ok)).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
      const won = replies.find((r) => r.ok)!;
      const points = won.ok ? won.data.points : -1;
      expect(doc<PointsAccount>('points_accounts', COOK)!.balance).toBe(before + points);
      expect(docs<LedgerEntry>('points_ledger').filter((e) => e.ref === order.id)).toHaveLength(1);
      expect(docs<ServiceRecord>('service_records').filter((r) => r.ref === order.id)).toHaveLength(1);
    });

    it('uses the community’s own score multipliers', async () => {
      const order = await completed(DEMO.volunteer, { serviceId: 'svc-hospital', description: '陪我去医院复查' });
      const { points } = ok(await call(cloud, DEMO.staff, 'scoring.score', { orderId: order.id, score: 2 }));
      expect(points).toBe(24); // round(30 × 0.8)
    });

    it('lists completed orders for scoring, oldest first, only to staff', async () => {
      const first = await completed(COOK);
      const second = await completed(COOK);
      const { items } = ok(await call(cloud, DEMO.staff, 'scoring.pending', { limit: 50 }));
      const ids = items.map((o) => o.id);
      expect(ids.indexOf(first.id)).toBeGreaterThanOrEqual(0);
      expect(ids.indexOf(first.id)).toBeLessThan(ids.indexOf(second.id));
      expect(items.every((o) => o.status === 'completed')).toBe(true);
      expect(ok(await call(cloud, OTHER_STAFF, 'scoring.pending', {})).items).toEqual([]);
    });
  });

  describe('order.create', () => {
    it('is idempotent per caller and clientRequestId, even when retried at the same moment', async () => {
      const clientRequestId = requestId();
      const input = { serviceId: 'svc-meal', description: '送一份晚餐', clientRequestId };
      const replies = await Promise.all(Array.from({ length: 5 }, () => call(cloud, DEMO.resident, 'order.create', input)));
      const ids = new Set(replies.map((r) => ok(r).order.id));
      expect(ids.size).toBe(1);
      expect(docs<Order>('orders').filter((o) => o.clientRequestId === clientRequestId)).toHaveLength(1);
      // A retry with other content still returns the first order.
      const retried = ok(await call(cloud, DEMO.resident, 'order.create', { ...input, description: '改了主意' })).order;
      expect(retried).toMatchObject({ id: [...ids][0], description: '送一份晚餐' });
      // Another person's identical request id is their own order.
      const other = ok(await call(cloud, RESIDENT_B, 'order.create', input)).order;
      expect(other.id).not.toBe(retried.id);
      expect(other.id).not.toContain(DEMO.resident);
    });

    it('takes an address and phone other than the profile, within the community', async () => {
      const order = await createOrder(DEMO.resident, { address: { gridId: 'g2', building: '4栋', room: '808' }, contactPhone: '13912345678' });
      expect(order).toMatchObject({ address: { gridId: 'g2', building: '4栋', room: '808' }, contactPhone: '13912345678' });
      const message = await refused(DEMO.resident, 'order.create', { serviceId: 'svc-meal', description: '送餐', clientRequestId: requestId(), address: { gridId: 'g1', building: '9栋' } }, 'INVALID_INPUT');
      expect(message).toBe('第一网格没有9栋');
    });

    it('refuses an archived service and another community’s service', async () => {
      expect(await refused(DEMO.resident, 'order.create', { serviceId: 'svc-archived', description: '送餐', clientRequestId: requestId() }, 'NOT_FOUND')).toBe('该服务项目不存在或已下架');
      expect(await refused(DEMO.resident, 'order.create', { serviceId: 'svc-other', description: '送餐', clientRequestId: requestId() }, 'FORBIDDEN')).toBe('只能预约本社区的服务项目');
    });

    it('rejects risky text with a clear message and writes nothing', async () => {
      const message = await refused(DEMO.resident, 'order.create', { serviceId: 'svc-meal', description: '来我家一起赌博', clientRequestId: requestId() }, 'CONTENT_RISKY');
      expect(message).toBe('需求描述含有不适宜发布的内容，请修改后再提交');
    });

    it('staff order on behalf of a resident without a phone (代点单)', async () => {
      const order = ok(
        await call(cloud, DEMO.staff, 'order.create', {
          serviceId: 'svc-meal',
          description: '独居老人，电话联系不上，请直接上门',
          clientRequestId: requestId(),
          onBehalfOf: { name: '钱大爷', address: { gridId: 'g1', building: '1栋', unit: '1单元', room: '103' } },
        }),
      ).order;
      expect(order).toMatchObject({ status: 'pending', contactName: '钱大爷', address: { room: '103' } });
      const stored = storedOrder(order.id);
      expect(stored).toMatchObject({ createdBy: DEMO.staff, residentOpenid: '', contactPhone: '' });
      expect(stored.events[0]).toMatchObject({ by: DEMO.staff, to: 'pending', note: '刘晓梅代居民下单' });
      expect(ok(await call(cloud, DEMO.staff, 'dispatch.queue', { limit: 50 })).items.map((o) => o.id)).toContain(order.id);
    });

    it('on behalf of a registered resident, the order is theirs and their phone is the contact', async () => {
      const order = ok(
        await call(cloud, DEMO.staff, 'order.create', {
          serviceId: 'svc-meal',
          description: '电话里说想订午餐',
          clientRequestId: requestId(),
          onBehalfOf: { name: '张秀英', address: { gridId: 'g1', building: '2栋', room: '101' }, residentOpenid: DEMO.resident },
        }),
      ).order;
      expect(order.contactPhone).toBe('13800000020');
      const mine = ok(await call(cloud, DEMO.resident, 'order.listMine', { limit: 50 }));
      expect(mine.items.map((o) => o.id)).toContain(order.id);
      expect(mine.items.find((o) => o.id === order.id)!.allowed).toContain('cancel');
    });

    it('a grid worker orders on behalf only in their own grids; a resident may not at all', async () => {
      const behalf = (gridId: string, building: string) => ({
        serviceId: 'svc-meal',
        description: '帮楼里老人订餐',
        clientRequestId: requestId(),
        onBehalfOf: { name: '冯奶奶', address: { gridId, building } },
      });
      expect(ok(await call(cloud, GRID_WORKER_G2, 'order.create', behalf('g2', '5栋'))).order.status).toBe('pending');
      expect(await refused(GRID_WORKER_G2, 'order.create', behalf('g1', '1栋'), 'FORBIDDEN')).toBe('只能为您负责网格的居民代点单');
      expect(await refused(DEMO.resident, 'order.create', behalf('g1', '1栋'), 'FORBIDDEN')).toBe('只有社区工作人员可以代居民下单');
    });
  });

  describe('review (pending_review) where the community requires it', () => {
    it('holds a resident’s order for review; staff approve it into the queue or reject it with a reason', async () => {
      const create = () => call(cloud, REVIEW_RESIDENT, 'order.create', { serviceId: 'svc-review-meal', description: '需要送餐', clientRequestId: requestId() });
      const first = ok(await create()).order;
      expect(first.status).toBe('pending_review');
      const queue = ok(await call(cloud, REVIEW_STAFF, 'dispatch.queue', {})).items;
      expect(queue.find((o) => o.id === first.id)).toMatchObject({ status: 'pending_review', allowed: expect.arrayContaining(['review', 'cancel']) });

      const approved = ok(await call(cloud, REVIEW_STAFF, 'order.review', { orderId: first.id, decision: 'approve' })).order;
      expect(approved.status).toBe('pending');
      expect((await call(cloud, REVIEW_STAFF, 'order.review', { orderId: first.id, decision: 'approve' })).ok).toBe(false);

      const second = ok(await create()).order;
      const rejected = ok(await call(cloud, REVIEW_STAFF, 'order.review', { orderId: second.id, decision: 'reject', note: '本周送餐名额已满' })).order;
      expect(rejected.status).toBe('rejected');
      expect(ok(await call(cloud, REVIEW_RESIDENT, 'order.get', { orderId: second.id })).order.timeline.at(-1)).toMatchObject({ status: 'rejected', note: '本周送餐名额已满' });
      expect(storedOrder(second.id).reviewNote).toBe('本周送餐名额已满');

      // Another community's staff may not review it.
      const third = ok(await create()).order;
      await refused(DEMO.staff, 'order.review', { orderId: third.id, decision: 'approve' }, 'FORBIDDEN');
    });

    it('order.reviewQueue (待审核) lists only the caller community’s orders waiting for review, oldest first, each with review allowed', async () => {
      const create = () => call(cloud, REVIEW_RESIDENT, 'order.create', { serviceId: 'svc-review-meal', description: '需要送餐（审核列表）', clientRequestId: requestId() });
      const older = ok(await create()).order;
      const newer = ok(await create()).order;
      const queue = ok(await call(cloud, REVIEW_STAFF, 'order.reviewQueue', { limit: 50 })).items;
      expect(queue.every((order) => order.status === 'pending_review' && order.communityId === 'review-community')).toBe(true);
      const ids = queue.map((order) => order.id);
      expect(ids.indexOf(older.id)).toBeGreaterThanOrEqual(0);
      expect(ids.indexOf(older.id)).toBeLessThan(ids.indexOf(newer.id));
      expect(queue.find((order) => order.id === older.id)!.allowed).toContain('review');

      // Once decided, an order leaves the list.
      ok(await call(cloud, REVIEW_STAFF, 'order.review', { orderId: older.id, decision: 'approve' }));
      expect(ok(await call(cloud, REVIEW_STAFF, 'order.reviewQueue', { limit: 50 })).items.map((order) => order.id)).not.toContain(older.id);

      // Another community's staff see none of them; residents and grid workers may not ask.
      expect(ok(await call(cloud, DEMO.staff, 'order.reviewQueue', { limit: 50 })).items.map((order) => order.id)).not.toContain(newer.id);
      await refused(REVIEW_RESIDENT, 'order.reviewQueue', {}, 'FORBIDDEN');
      await refused(GRID_WORKER_G2, 'order.reviewQueue', {}, 'FORBIDDEN');
    });
  });

  describe('dispatch', () => {
    it('hall 抢单: 20 eligible volunteers accept one order at once → exactly one wins', async () => {
      const order = await createOrder(DEMO.resident, { serviceId: 'svc-errand', description: '帮忙取个快递' });
      // Everyone sees it in the hall. Asking all at once also warms every worker of the function,
      // so the accepts below really run side by side instead of queueing behind cold starts.
      const halls = await Promise.all(RACERS.map((racer) => call(cloud, racer, 'dispatch.hall', { limit: 50 })));
      for (const hall of halls) {
        expect(ok(hall).items.map((o) => o.id)).toContain(order.id);
        expect(ok(hall).items.every((o) => o.serviceId === 'svc-errand')).toBe(true);
      }
      const replies = await Promise.all(RACERS.map((racer) => call(cloud, racer, 'dispatch.accept', { orderId: order.id })));
      const winners = replies.map((reply, i) => (reply.ok ? RACERS[i]! : null)).filter((w): w is string => w !== null);
      expect(winners).toHaveLength(1);
      const losers = replies.filter((reply) => !reply.ok);
      expect(losers).toHaveLength(19);
      for (const loser of losers) expect(loser).toEqual({ ok: false, error: { code: 'CONFLICT', message: '该订单已被其他志愿者接单' } });

      const stored = storedOrder(order.id);
      expect(stored).toMatchObject({ status: 'accepted', assignee: winners[0] });
      expect(stored.events.filter((e) => e.to === 'accepted')).toHaveLength(1);
      expect(RACERS.map((racer) => stats(racer).activeOrders)).toEqual(RACERS.map((racer) => (racer === winners[0] ? 1 : 0)));
      // The winner tapping again is not an error and counts nothing twice.
      expect(ok(await call(cloud, winners[0]!, 'dispatch.accept', { orderId: order.id })).order.status).toBe('accepted');
      expect(stats(winners[0]!).activeOrders).toBe(1);
      // It has left the hall.
      expect(ok(await call(cloud, RACERS[0]!, 'dispatch.hall', { limit: 50 })).items.map((o) => o.id)).not.toContain(order.id);
      // Clean up the load so later tests start from zero.
      ok(await call(cloud, winners[0]!, 'dispatch.complete', { orderId: order.id, summary: '快递已取回', minutes: 20 }));
    });

    it('the hall offers only what the volunteer can serve; an ineligible volunteer cannot take it', async () => {
      const meal = await createOrder();
      expect(ok(await call(cloud, RACERS[0]!, 'dispatch.hall', { limit: 50 })).items.map((o) => o.id)).not.toContain(meal.id);
      expect(ok(await call(cloud, PAUSED, 'dispatch.hall', {})).items).toEqual([]);
      await refused(RACERS[0]!, 'dispatch.accept', { orderId: meal.id }, 'FORBIDDEN');
      await refused(PAUSED, 'dispatch.accept', { orderId: meal.id }, 'FORBIDDEN');
      // A volunteer who ordered it themselves cannot take their own order.
      const own = await createOrder(COOK);
      expect(ok(await call(cloud, COOK, 'dispatch.hall', { limit: 50 })).items.map((o) => o.id)).not.toContain(own.id);
      await refused(COOK, 'dispatch.accept', { orderId: own.id }, 'FORBIDDEN');
    });

    it('decline: back to the queue with the reason recorded; the decliner is not suggested or assigned again', async () => {
      const order = await assigned(DEMO.volunteer);
      await refused(COOK, 'dispatch.decline', { orderId: order.id, reason: '不是我的' }, 'FORBIDDEN');
      const declined = ok(await call(cloud, DEMO.volunteer, 'dispatch.decline', { orderId: order.id, reason: '今天要去医院复查' })).order;
      expect(declined.status).toBe('pending');
      expect(declined.assignee).toBeUndefined();
      const stored = storedOrder(order.id);
      expect(stored.assignee).toBeUndefined();
      expect(stored.declines).toEqual([expect.objectContaining({ by: DEMO.volunteer, reason: '今天要去医院复查' })]);
      expect(stored.events.at(-1)).toMatchObject({ by: DEMO.volunteer, from: 'assigned', to: 'pending', note: '婉拒：今天要去医院复查' });

      expect(ok(await call(cloud, DEMO.staff, 'dispatch.queue', { limit: 50 })).items.map((o) => o.id)).toContain(order.id);
      const { candidates } = ok(await call(cloud, DEMO.staff, 'dispatch.suggest', { orderId: order.id, limit: 50 }));
      expect(candidates.length).toBeGreaterThan(0);
      expect(candidates.map((c) => c.openid)).not.toContain(DEMO.volunteer);
      expect(await refused(DEMO.staff, 'dispatch.assign', { orderId: order.id, volunteerOpenid: DEMO.volunteer }, 'CONFLICT')).toBe('该志愿者已婉拒过此订单，请改派他人');
    });

    it('an accepted order can be handed back (退单), freeing the volunteer', async () => {
      const before = stats(COOK).activeOrders;
      const order = await accepted(COOK);
      expect(stats(COOK).activeOrders).toBe(before + 1);
      const back = ok(await call(cloud, COOK, 'dispatch.decline', { orderId: order.id, reason: '临时出差' })).order;
      expect(back.status).toBe('pending');
      expect(stats(COOK).activeOrders).toBe(before);
    });

    it('assign checks the volunteer: community, skills, availability', async () => {
      const order = await createOrder();
      expect(await refused(DEMO.staff, 'dispatch.assign', { orderId: order.id, volunteerOpenid: RACERS[0]! }, 'INVALID_INPUT')).toBe('该志愿者不具备所需技能：送餐');
      expect(await refused(DEMO.staff, 'dispatch.assign', { orderId: order.id, volunteerOpenid: PAUSED }, 'CONFLICT')).toBe('该志愿者目前暂停接单，请改派他人');
      await refused(DEMO.staff, 'dispatch.assign', { orderId: order.id, volunteerOpenid: DEMO.applicant }, 'INVALID_INPUT');
      await refused(DEMO.staff, 'dispatch.assign', { orderId: order.id, volunteerOpenid: 'o-nobody' }, 'INVALID_INPUT');
      // Re-assigning an order its volunteer has not accepted yet is allowed; the new one must accept.
      ok(await call(cloud, DEMO.staff, 'dispatch.assign', { orderId: order.id, volunteerOpenid: DEMO.volunteer }));
      const reassigned = ok(await call(cloud, DEMO.staff, 'dispatch.assign', { orderId: order.id, volunteerOpenid: COOK })).order;
      expect(reassigned.assignee?.openid).toBe(COOK);
      expect(await refused(DEMO.volunteer, 'dispatch.accept', { orderId: order.id }, 'CONFLICT')).toBe('该订单已派给其他志愿者');
    });

    it('a grid worker sees and dispatches only their grids; staff see pending review too', async () => {
      const g2 = await createOrder(RESIDENT_B);
      const g1 = await createOrder(DEMO.resident);
      const queue = ok(await call(cloud, GRID_WORKER_G2, 'dispatch.queue', { limit: 50 })).items;
      expect(queue.map((o) => o.id)).toContain(g2.id);
      expect(queue.map((o) => o.id)).not.toContain(g1.id);
      expect(queue.every((o) => o.address.gridId === 'g2' && o.status === 'pending')).toBe(true);
      await refused(GRID_WORKER_G2, 'dispatch.suggest', { orderId: g1.id }, 'FORBIDDEN');
      const view = ok(await call(cloud, GRID_WORKER_G2, 'dispatch.assign', { orderId: g2.id, volunteerOpenid: COOK })).order;
      expect(view.status).toBe('assigned');
    });

    it('suggest ranks hundreds of volunteers with a handful of database reads (none per candidate)', async () => {
      const order = await createOrder(RESIDENT_B);
      const { candidates } = ok(await call(cloud, DEMO.staff, 'dispatch.suggest', { orderId: order.id, limit: 10 }));
      expect(candidates).toHaveLength(10);
      expect(candidates.every((c, i) => i === 0 || candidates[i - 1]!.score >= c.score)).toBe(true);
      expect(candidates.every((c) => c.reasons[0] === '技能匹配：送餐')).toBe(true);
      const { invocations } = await control<{ invocations: Array<{ name: string; database: Record<string, number> }> }>(cloud, 'GET', 'invocations?limit=5');
      const last = invocations.find((i) => i.name === 'dispatch')!;
      const requests = Object.values(last.database).reduce((sum, n) => sum + n, 0);
      // caller (2) + order (1) + volunteers (1 page of ≤1000): far fewer than the 300+ candidates.
      expect(requests).toBeLessThanOrEqual(6);
    });

    it('start and complete belong to the assignee, in order', async () => {
      const order = await assigned(COOK);
      await refused(COOK, 'dispatch.start', { orderId: order.id }, 'CONFLICT');
      ok(await call(cloud, COOK, 'dispatch.accept', { orderId: order.id }));
      await refused(DEMO.volunteer, 'dispatch.start', { orderId: order.id }, 'FORBIDDEN');
      await refused(COOK, 'dispatch.complete', { orderId: order.id, summary: '赌博去了', minutes: 10 }, 'CONTENT_RISKY');
      // Completing straight from accepted is allowed (people forget to tap start).
      expect(ok(await call(cloud, COOK, 'dispatch.complete', { orderId: order.id, summary: '已送达', minutes: 15 })).order.status).toBe('completed');
      await refused(COOK, 'dispatch.start', { orderId: order.id }, 'CONFLICT');
    });
  });

  describe('order.cancel, order.rate, order.listMine', () => {
    it('the owner cancels before the service starts, with the reason recorded', async () => {
      const order = await createOrder();
      await refused(RESIDENT_B, 'order.cancel', { orderId: order.id, reason: '不想要了' }, 'FORBIDDEN');
      await refused(DEMO.volunteer, 'order.cancel', { orderId: order.id, reason: '不想要了' }, 'FORBIDDEN');
      const cancelled = ok(await call(cloud, DEMO.resident, 'order.cancel', { orderId: order.id, reason: '家里人回来了' })).order;
      expect(cancelled.status).toBe('cancelled');
      expect(storedOrder(order.id).events.at(-1)).toMatchObject({ by: DEMO.resident, from: 'pending', to: 'cancelled', note: '取消原因：家里人回来了' });
      expect(await refused(DEMO.resident, 'order.cancel', { orderId: order.id, reason: '再取消一次' }, 'CONFLICT')).toBe('订单当前为“已取消”，不能取消');
    });

    it('staff cancel an accepted order and the volunteer’s load is freed; after the start nobody can cancel', async () => {
      const before = stats(COOK).activeOrders;
      const order = await accepted(COOK);
      ok(await call(cloud, DEMO.staff, 'order.cancel', { orderId: order.id, reason: '居民电话告知不需要了' }));
      expect(stats(COOK).activeOrders).toBe(before);

      const started = await accepted(COOK);
      ok(await call(cloud, COOK, 'dispatch.start', { orderId: started.id }));
      expect(await refused(DEMO.resident, 'order.cancel', { orderId: started.id, reason: '不要了' }, 'CONFLICT')).toBe('服务已经开始，无法取消；如有问题请联系社区');
      ok(await call(cloud, COOK, 'dispatch.complete', { orderId: started.id, summary: '已送达', minutes: 10 }));
    });

    it('rating: only the owner, only after completion, only once; risky comments refused', async () => {
      const open = await accepted(COOK);
      await refused(DEMO.resident, 'order.rate', { orderId: open.id, stars: 5 }, 'CONFLICT');
      const order = await completed(COOK);
      await refused(RESIDENT_B, 'order.rate', { orderId: order.id, stars: 1 }, 'FORBIDDEN');
      await refused(DEMO.resident, 'order.rate', { orderId: order.id, stars: 5, comment: '一起赌博吧' }, 'CONTENT_RISKY');
      const before = stats(COOK);
      await Promise.all([call(cloud, DEMO.resident, 'order.listMine', {}), call(cloud, DEMO.resident, 'order.listMine', {})]);
      const replies = await Promise.all([
        call(cloud, DEMO.resident, 'order.rate', { orderId: order.id, stars: 4 }),
        call(cloud, DEMO.resident, 'order.rate', { orderId: order.id, stars: 2 }),
      ]);
      expect(replies.filter((r) => r.ok)).toHaveLength(1);
      const stars = storedOrder(order.id).rating!.stars;
      expect(stats(COOK)).toMatchObject({ ratingSum: before.ratingSum + stars, ratingCount: before.ratingCount + 1 });
      // Rating after the staff score is still possible once.
      const closed = await completed(COOK);
      ok(await call(cloud, DEMO.staff, 'scoring.score', { orderId: closed.id, score: 4 }));
      expect(ok(await call(cloud, DEMO.resident, 'order.rate', { orderId: closed.id, stars: 5 })).order.rating?.stars).toBe(5);
      ok(await call(cloud, COOK, 'dispatch.complete', { orderId: open.id, summary: '已送达', minutes: 10 }));
    });

    it('lists my orders newest first, a page at a time, filtered open or done', async () => {
      const made: string[] = [];
      for (let i = 0; i < 3; i++) made.push((await createOrder(PAGER)).id);
      const first = ok(await call(cloud, PAGER, 'order.listMine', { limit: 2 }));
      expect(first.items.map((o) => o.id)).toEqual([made[2], made[1]]);
      expect(first.nextCursor).not.toBeNull();
      const second = ok(await call(cloud, PAGER, 'order.listMine', { limit: 2, cursor: first.nextCursor! }));
      expect(second.items.map((o) => o.id)).toEqual([made[0]]);
      expect(second.nextCursor).toBeNull();
      ok(await call(cloud, PAGER, 'order.cancel', { orderId: made[1]!, reason: '不需要了' }));
      expect(ok(await call(cloud, PAGER, 'order.listMine', { status: 'done' })).items.map((o) => o.id)).toEqual([made[1]]);
      expect(ok(await call(cloud, PAGER, 'order.listMine', { status: 'open' })).items.map((o) => o.id)).toEqual([made[2], made[0]]);
      expect(ok(await call(cloud, RESIDENT_B, 'order.listMine', {})).items.every((o) => o.contactName === '周大爷')).toBe(true);
    });
  });

  describe('privacy (志愿服务条例 Art. 21)', () => {
    it('phone and room: hidden from volunteers until they accept, and again once the order is closed', async () => {
      const order = await createOrder(DEMO.resident, { serviceId: 'svc-errand', description: '帮忙买药' });
      const [first, second] = [RACERS[4]!, RACERS[5]!];

      const browsing = ok(await call(cloud, first, 'order.get', { orderId: order.id })).order;
      expect(browsing.contactPhone).toBeUndefined();
      expect(browsing.address).toEqual({ gridId: 'g1', building: '2栋' });
      expect(browsing.contactName).toBe('张**');
      expect(browsing.residentOpenid).toBeUndefined();
      expect(browsing.allowed).toEqual(['accept']);
      await refused(DEMO.applicant, 'order.get', { orderId: order.id }, 'FORBIDDEN');
      await refused(RESIDENT_B, 'order.get', { orderId: order.id }, 'FORBIDDEN');
      await refused(OTHER_STAFF, 'order.get', { orderId: order.id }, 'FORBIDDEN');
      await refused(GRID_WORKER_G2, 'order.get', { orderId: order.id }, 'FORBIDDEN');

      ok(await call(cloud, first, 'dispatch.accept', { orderId: order.id }));
      const serving = ok(await call(cloud, first, 'order.get', { orderId: order.id })).order;
      expect(serving).toMatchObject({ contactPhone: '13800000020', contactName: '张秀英', address: { unit: '1单元', room: '101' } });
      await refused(second, 'order.get', { orderId: order.id }, 'FORBIDDEN');
      expect(ok(await call(cloud, DEMO.staff, 'order.get', { orderId: order.id })).order.contactPhone).toBe('13800000020');

      ok(await call(cloud, first, 'dispatch.complete', { orderId: order.id, summary: '药已买到', minutes: 30 }));
      ok(await call(cloud, DEMO.staff, 'scoring.score', { orderId: order.id, score: 4 }));
      const after = ok(await call(cloud, first, 'order.get', { orderId: order.id })).order;
      expect(after.status).toBe('closed');
      expect(after.contactPhone).toBeUndefined();
      expect(after.address).toEqual({ gridId: 'g1', building: '2栋' });
      expect(ok(await call(cloud, first, 'dispatch.mine', { status: 'done' })).items.find((o) => o.id === order.id)?.contactPhone).toBeUndefined();
      expect(ok(await call(cloud, DEMO.resident, 'order.get', { orderId: order.id })).order.contactPhone).toBe('13800000020');
    });
  });

  describe('every action refuses bad input and the wrong caller, writing nothing', () => {
    let fixture: OrderView;
    beforeAll(async () => {
      fixture = await createOrder();
    });

    const badInputs: Array<[ActionName, string, (id: string) => unknown]> = [
      ['order.create', DEMO.resident, () => ({ serviceId: 'svc-meal', description: '', clientRequestId: 'req-bad-input-1' })],
      ['order.review', DEMO.staff, (id) => ({ orderId: id, decision: 'reject' })],
      ['order.get', DEMO.resident, () => ({ orderId: '' })],
      ['order.listMine', DEMO.resident, () => ({ status: 'all' })],
      ['order.reviewQueue', DEMO.staff, () => ({ limit: 0 })],
      ['order.cancel', DEMO.resident, (id) => ({ orderId: id, reason: '' })],
      ['order.rate', DEMO.resident, (id) => ({ orderId: id, stars: 6 })],
      ['order.rateOnBehalf', DEMO.staff, (id) => ({ orderId: id, stars: 0 })],
      ['dispatch.queue', DEMO.staff, () => ({ limit: 0 })],
      ['dispatch.suggest', DEMO.staff, (id) => ({ orderId: id, limit: 100 })],
      ['dispatch.assign', DEMO.staff, (id) => ({ orderId: id })],
      ['dispatch.hall', DEMO.volunteer, () => ({ limit: 51 })],
      ['dispatch.mine', DEMO.volunteer, () => ({ status: 'later' })],
      ['dispatch.accept', DEMO.volunteer, () => ({})],
      ['dispatch.decline', DEMO.volunteer, (id) => ({ orderId: id, reason: ' ' })],
      ['dispatch.start', DEMO.volunteer, () => ({ orderId: 42 })],
      ['dispatch.complete', DEMO.volunteer, (id) => ({ orderId: id, summary: '完成', minutes: 0 })],
      ['scoring.pending', DEMO.staff, () => ({ cursor: 'page-two' })],
      ['scoring.score', DEMO.staff, (id) => ({ orderId: id, score: 0 })],
    ];

    it.each(badInputs)('%s: INVALID_INPUT', async (action, openid, input) => {
      const message = await refused(openid, action, input(fixture.id), 'INVALID_INPUT');
      expect(message).toMatch(/[\u4e00-\u9fa5]/);
    });

    const forbidden: Array<[ActionName, string, (id: string) => unknown]> = [
      ['order.create', 'o-stranger', () => ({ serviceId: 'svc-meal', description: '送餐', clientRequestId: 'req-stranger-1' })],
      ['order.review', DEMO.resident, (id) => ({ orderId: id, decision: 'approve' })],
      ['order.get', RESIDENT_B, (id) => ({ orderId: id })],
      ['order.listMine', 'o-stranger', () => ({})],
      ['order.reviewQueue', DEMO.resident, () => ({})],
      ['order.cancel', RESIDENT_B, (id) => ({ orderId: id, reason: '捣乱' })],
      ['order.rate', DEMO.staff, (id) => ({ orderId: id, stars: 5 })],
      ['order.rateOnBehalf', DEMO.staff, (id) => ({ orderId: id, stars: 5 })],
      ['dispatch.queue', DEMO.resident, () => ({})],
      ['dispatch.suggest', OTHER_STAFF, (id) => ({ orderId: id })],
      ['dispatch.assign', GRID_WORKER_G2, (id) => ({ orderId: id, volunteerOpenid: DEMO.volunteer })],
      ['dispatch.hall', DEMO.resident, () => ({})],
      ['dispatch.mine', DEMO.staff, () => ({})],
      ['dispatch.accept', DEMO.applicant, (id) => ({ orderId: id })],
      ['dispatch.decline', DEMO.volunteer, (id) => ({ orderId: id, reason: '不想去' })],
      ['dispatch.start', DEMO.volunteer, (id) => ({ orderId: id })],
      ['dispatch.complete', DEMO.resident, (id) => ({ orderId: id, summary: '完成', minutes: 10 })],
      ['scoring.pending', GRID_WORKER_G2, () => ({})],
      ['scoring.score', OTHER_STAFF, (id) => ({ orderId: id, score: 5 })],
    ];

    it.each(forbidden)('%s: refused for %s', async (action, openid, input) => {
      await refused(openid, action, input(fixture.id), ['FORBIDDEN', 'UNAUTHENTICATED']);
    });

    it('covers every action of the three functions', () => {
      const mine = ['order.', 'dispatch.', 'scoring.'];
      const actions = Object.keys(contract).filter((name) => mine.some((prefix) => name.startsWith(prefix))).sort();
      expect(badInputs.map(([action]) => action).sort()).toEqual(actions);
      expect(forbidden.map(([action]) => action).sort()).toEqual(actions);
    });

    it('an unknown order is NOT_FOUND', async () => {
      await refused(DEMO.resident, 'order.get', { orderId: 'o-missing' }, 'NOT_FOUND');
      await refused(DEMO.staff, 'scoring.score', { orderId: 'o-missing', score: 3 }, 'NOT_FOUND');
    });
  });

  // Moves the clock: keep last.
  describe('timer: requeue unaccepted assignments, flag overdue orders', () => {
    it('after the accept timeout an assignment returns to the queue; past the SLA an order is overdue', async () => {
      const waiting = await assigned(DEMO.volunteer, { serviceId: 'svc-hospital', description: '周三上午陪我去医院' });
      const serving = await accepted(COOK);
      const queued = await createOrder(DEMO.resident);

      // 20 minutes: within the 30-minute timeout, nothing moves.
      await control(cloud, 'POST', 'clock', { advanceMs: 20 * 60_000 });
      expect(storedOrder(waiting.id)).toMatchObject({ status: 'assigned', assignee: DEMO.volunteer });

      await control(cloud, 'POST', 'clock', { advanceMs: 15 * 60_000 });
      const requeued = storedOrder(waiting.id);
      expect(requeued.status).toBe('pending');
      expect(requeued.assignee).toBeUndefined();
      expect(requeued.events.at(-1)).toMatchObject({ by: 'system', from: 'assigned', to: 'pending', note: '超过 30 分钟未确认接单，已退回待派单' });
      expect(storedOrder(serving.id)).toMatchObject({ status: 'accepted', assignee: COOK, overdue: false });
      // The volunteer can no longer accept the stale assignment as assigned, but it is in the queue again.
      expect(ok(await call(cloud, DEMO.staff, 'dispatch.queue', { limit: 50 })).items.map((o) => o.id)).toContain(waiting.id);

      // Past the 4-hour SLA of the meal service, not the 48-hour one of the hospital visit.
      await control(cloud, 'POST', 'clock', { advanceMs: 4 * 3600_000 });
      expect(storedOrder(serving.id).overdue).toBe(true);
      expect(storedOrder(queued.id).overdue).toBe(true);
      expect(storedOrder(waiting.id).overdue).toBe(false);
      expect(storedOrder(waiting.id).events.filter((e) => e.by === 'system')).toHaveLength(1);

      const queue = ok(await call(cloud, DEMO.staff, 'dispatch.queue', { limit: 50 })).items;
      const firstNotOverdue = queue.findIndex((o) => !o.overdue);
      expect(queue.findIndex((o) => o.id === queued.id)).toBeLessThan(firstNotOverdue);
      expect(queue.slice(firstNotOverdue).every((o) => !o.overdue)).toBe(true);
      // Closed and cancelled orders are never flagged.
      expect(docs<Order>('orders').filter((o) => ['closed', 'cancelled', 'rejected', 'completed'].includes(o.status) && o.overdue)).toEqual([]);
    });
  });
});
