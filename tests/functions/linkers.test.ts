/**
 * Linkers (十联户, issue 15 item 2): a linker sees what is open for the households they look after
 * (household.get), orders for them by picking the household and one of its members (代点单), follows
 * and rates what they ordered for an elder without WeChat (代评), and records visits (走访). Who may
 * do which: a linker only for their own households; the visit notes only staff and the linker read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HouseholdView } from '../../core/contract';
import type { Affair, HouseholdVisit, Order } from '../../core/model';
import { localDay } from '../../core/time';
import { householdIdFor } from '../../core/usecases/household';
import type { LocalCloud } from '../../localcloud/src/server';
import { call, DEMO, ok, startLinli } from '../helpers/linli';
import { doc, docs, expectRefused, GENEROUS_ORDER_LIMITS, seed, seedVolunteer, setCommunitySettings, userDoc } from '../helpers/seed';

const LINKER = 'lk-linker';
const OTHER_LINKER = 'lk-other';
/** A registered resident living at 5栋 1单元 201 (typed "1单元" in their profile). */
const MEMBER = 'lk-member';
const SERVER = 'lk-volunteer';

let cloud: LocalCloud;
let elderHome: HouseholdView;
let memberHome: HouseholdView;
let requests = 0;
const requestId = () => `linker-request-${String((requests += 1)).padStart(4, '0')}`;
const day = (offset: number) => localDay(Date.now() + offset * 24 * 60 * 60 * 1000);

beforeAll(async () => {
  cloud = await startLinli({ timers: [] });
  setCommunitySettings(cloud, GENEROUS_ORDER_LIMITS);
  seed(cloud, 'users', [
    userDoc(LINKER, '党员老周', { address: { gridId: 'g1', building: '2栋', unit: '1', room: '201' } }),
    userDoc(OTHER_LINKER, '联户长小钱', { address: { gridId: 'g1', building: '2栋', unit: '1', room: '202' } }),
    userDoc(MEMBER, '陈阿姨', { address: { gridId: 'g1', building: '1栋', unit: '1单元', room: '201室' } }),
  ]);
  seedVolunteer(cloud, SERVER, '志愿者小孙', { skills: ['送餐'] });
  elderHome = ok(
    await call(cloud, DEMO.staff, 'household.upsert', {
      building: '1栋',
      unit: '1',
      room: '101',
      members: [{ name: '孙奶奶', relation: '户主' }],
      flags: ['独居老人'],
      contactPhone: '13912340001',
    }),
  );
  memberHome = ok(await call(cloud, DEMO.staff, 'household.upsert', { building: '1栋', unit: '1', room: '201', members: [{ name: '陈阿姨', relation: '户主', openid: MEMBER }] }));
  for (const home of [elderHome, memberHome]) ok(await call(cloud, DEMO.staff, 'household.assignLinker', { householdId: home.id, version: home.version, linker: LINKER }));
});
afterAll(() => cloud.close());

const orderForElder = (openid: string, input: Record<string, unknown> = {}) =>
  call(cloud, openid, 'order.create', {
    serviceId: 'svc-meal',
    description: '孙奶奶腿脚不便，请中午送一份午餐',
    clientRequestId: requestId(),
    onBehalfOf: { name: '孙奶奶', householdId: elderHome.id },
    ...input,
  });

describe('the door as the register keys it', () => {
  it('a resident who typed "1单元" and "201室" is at the door staff registered as unit 1, room 201', () => {
    expect(memberHome.id).toBe(householdIdFor(DEMO.community, '1栋', '1单元', '201室'));
    expect(doc<{ householdId?: string }>(cloud, 'users', MEMBER)?.householdId).toBe(memberHome.id);
  });
});

describe('代点单 by household', () => {
  let placed: Order;

  it('the linker orders for an elder of their household: the door and phone come from the register', async () => {
    const { order } = ok(await orderForElder(LINKER));
    placed = doc<Order>(cloud, 'orders', order.id)!;
    expect(placed).toMatchObject({
      householdId: elderHome.id,
      residentOpenid: '',
      createdBy: LINKER,
      contactName: '孙奶奶',
      contactPhone: '13912340001',
      address: { gridId: 'g1', building: '1栋', unit: '1', room: '101' },
      status: 'pending',
    });
    // They follow it among the orders they placed.
    expect(ok(await call(cloud, LINKER, 'order.listMine', { placed: true })).items.map((item) => item.id)).toContain(order.id);
  });

  it('nobody else orders for it, and only for one of its members', async () => {
    await expectRefused(cloud, OTHER_LINKER, 'order.create', { serviceId: 'svc-meal', description: '送餐', clientRequestId: requestId(), onBehalfOf: { name: '孙奶奶', householdId: elderHome.id } }, 'FORBIDDEN', '只有社区工作人员、该网格的网格员和这一户的联户长可以为这一户代点单');
    await expectRefused(cloud, LINKER, 'order.create', { serviceId: 'svc-meal', description: '送餐', clientRequestId: requestId(), onBehalfOf: { name: '外人', householdId: elderHome.id } }, 'INVALID_INPUT', '请选择这一户的家庭成员');
    await expectRefused(cloud, LINKER, 'order.create', { serviceId: 'svc-meal', description: '送餐', clientRequestId: requestId(), onBehalfOf: { name: '孙奶奶', householdId: 'hh-nowhere' } }, 'NOT_FOUND');
    // Either the household or an address, not both and not neither.
    await expectRefused(cloud, DEMO.staff, 'order.create', { serviceId: 'svc-meal', description: '送餐', clientRequestId: requestId(), onBehalfOf: { name: '孙奶奶', householdId: elderHome.id, address: { gridId: 'g1', building: '1栋' } } }, 'INVALID_INPUT');
    await expectRefused(cloud, DEMO.staff, 'order.create', { serviceId: 'svc-meal', description: '送餐', clientRequestId: requestId(), onBehalfOf: { name: '孙奶奶' } }, 'INVALID_INPUT');
    // Staff and the grid's worker may, as for any 代点单.
    expect(ok(await orderForElder(DEMO.grid)).order.status).toBe('pending');
  });

  it('for a member with an account the order is theirs, and the household’s', async () => {
    const { order } = ok(await call(cloud, LINKER, 'order.create', { serviceId: 'svc-meal', description: '陈阿姨请人送餐', clientRequestId: requestId(), onBehalfOf: { name: '陈阿姨', householdId: memberHome.id } }));
    expect(doc<Order>(cloud, 'orders', order.id)).toMatchObject({ residentOpenid: MEMBER, householdId: memberHome.id, createdBy: LINKER });
    // The linker cannot cancel what is the resident's own order; the resident can.
    await expectRefused(cloud, LINKER, 'order.cancel', { orderId: order.id, reason: '不需要了' }, 'FORBIDDEN');
    ok(await call(cloud, MEMBER, 'order.cancel', { orderId: order.id, reason: '不需要了' }));
  });

  it('a member’s own order at home is the household’s; one at another address is not', async () => {
    const home = ok(await call(cloud, MEMBER, 'order.create', { serviceId: 'svc-meal', description: '送一份午餐', clientRequestId: requestId() })).order;
    const away = ok(await call(cloud, MEMBER, 'order.create', { serviceId: 'svc-meal', description: '送到女儿家', clientRequestId: requestId(), address: { gridId: 'g1', building: '2栋', room: '301' } })).order;
    expect(doc<Order>(cloud, 'orders', home.id)?.householdId).toBe(memberHome.id);
    expect(doc<Order>(cloud, 'orders', away.id)?.householdId).toBeUndefined();
  });

  it('the linker records the elder’s rating (代评) once served, while they still look after the household', async () => {
    ok(await call(cloud, DEMO.staff, 'dispatch.assign', { orderId: placed._id, volunteerOpenid: SERVER }));
    ok(await call(cloud, SERVER, 'dispatch.accept', { orderId: placed._id }));
    ok(await call(cloud, SERVER, 'dispatch.start', { orderId: placed._id }));
    ok(await call(cloud, SERVER, 'dispatch.complete', { orderId: placed._id, summary: '午餐已送到', minutes: 30 }));
    const view = ok(await call(cloud, LINKER, 'order.get', { orderId: placed._id })).order;
    expect(view.allowed).toContain('rateOnBehalf');
    await expectRefused(cloud, OTHER_LINKER, 'order.rateOnBehalf', { orderId: placed._id, stars: 5 }, 'FORBIDDEN');
    const rated = ok(await call(cloud, LINKER, 'order.rateOnBehalf', { orderId: placed._id, stars: 4, comment: '孙奶奶说饭菜可口' })).order;
    expect(rated.rating).toMatchObject({ stars: 4, onBehalf: { name: '党员老周' } });
  });

  it('a linker is a resident: their order waits for review where the community reviews orders, under a resident’s limits', async () => {
    try {
      setCommunitySettings(cloud, { requireOrderReview: true, orderLimits: { ...GENEROUS_ORDER_LIMITS.orderLimits, openPerResident: 2 } });
      const placed = ok(await orderForElder(LINKER)).order;
      expect(placed.status).toBe('pending_review');
      expect(doc<Order>(cloud, 'orders', placed.id)!.events[0]).toMatchObject({ by: LINKER, note: '联户长党员老周代点单' });
      // Staff and the grid's worker order as before: vetted already.
      expect(ok(await orderForElder(DEMO.staff)).order.status).toBe('pending');
      // The limit counts the orders the linker placed for others and still open: filled up to 2, the next is refused.
      const open = docs<Order>(cloud, 'orders').filter((order) => order.createdBy === LINKER && order.residentOpenid !== LINKER && ['pending_review', 'pending', 'assigned', 'accepted', 'in_service'].includes(order.status)).length;
      for (let i = open; i < 2; i += 1) ok(await orderForElder(LINKER));
      await expectRefused(cloud, LINKER, 'order.create', { serviceId: 'svc-meal', description: '再送一份', clientRequestId: requestId(), onBehalfOf: { name: '孙奶奶', householdId: elderHome.id } }, 'LIMIT_REACHED', '您为联系的家庭户代下的订单有 2 个尚未完成，已达社区上限（2 个），请先跟进已有订单');
      for (const order of docs<Order>(cloud, 'orders').filter((item) => item.createdBy === LINKER && item.status === 'pending_review')) {
        ok(await call(cloud, LINKER, 'order.cancel', { orderId: order._id, reason: '测试结束' }));
      }
    } finally {
      setCommunitySettings(cloud, { requireOrderReview: false, ...GENEROUS_ORDER_LIMITS });
    }
  });

  it('a linker who no longer looks after the household neither reads, cancels nor rates what they ordered for it', async () => {
    const { order } = ok(await orderForElder(LINKER));
    expect(ok(await call(cloud, LINKER, 'order.get', { orderId: order.id })).order.allowed).toContain('cancel');
    const current = ok(await call(cloud, DEMO.staff, 'household.list', { building: '1栋' })).items.find((item) => item.id === elderHome.id)!;
    ok(await call(cloud, DEMO.staff, 'household.assignLinker', { householdId: elderHome.id, version: current.version, linker: OTHER_LINKER }));
    await expectRefused(cloud, LINKER, 'order.cancel', { orderId: order.id, reason: '不需要了' }, 'FORBIDDEN');
    // Its contact and door are no longer theirs to read; the new linker, who did not place it, follows it on the household's page.
    await expectRefused(cloud, LINKER, 'order.get', { orderId: order.id }, 'FORBIDDEN', '您已不再负责该订单，无法查看');
    expect(ok(await call(cloud, OTHER_LINKER, 'household.get', { householdId: elderHome.id })).openOrders.map((item) => item.id)).toContain(order.id);
    // Given back for the rest of the file.
    const again = ok(await call(cloud, DEMO.staff, 'household.list', { building: '1栋' })).items.find((item) => item.id === elderHome.id)!;
    ok(await call(cloud, DEMO.staff, 'household.assignLinker', { householdId: elderHome.id, version: again.version, linker: LINKER }));
    ok(await call(cloud, LINKER, 'order.cancel', { orderId: order.id, reason: '孙奶奶的女儿回来了' }));
  });
});

describe('what is open for a household (household.get)', () => {
  it('shows its open orders and the problems its members reported under their name, not anonymous ones or disputes', async () => {
    const report = (input: Record<string, unknown>) =>
      call(cloud, MEMBER, 'affair.report', { category: '设施损坏', description: '楼道灯坏了', urgency: '一般', place: { gridId: 'g1', building: '1栋' }, clientRequestId: requestId(), ...input });
    const named = ok(await report({})).affair;
    const anonymous = ok(await report({ anonymous: true, description: '楼下堆放杂物' })).affair;
    const dispute = ok(await report({ category: '矛盾纠纷', description: '楼上漏水与邻居有争执', parties: '楼上住户' })).affair;
    expect(doc<Affair>(cloud, 'affairs', named.id)?.householdId).toBe(memberHome.id);
    expect(doc<Affair>(cloud, 'affairs', anonymous.id)?.householdId).toBeUndefined();
    expect(doc<Affair>(cloud, 'affairs', dispute.id)?.householdId).toBeUndefined();
    // A problem they saw in another building is not their household's.
    const elsewhere = ok(await report({ place: { gridId: 'g1', building: '2栋' }, description: '2栋门口井盖松动' })).affair;
    expect(doc<Affair>(cloud, 'affairs', elsewhere.id)?.householdId).toBeUndefined();

    const detail = ok(await call(cloud, LINKER, 'household.get', { householdId: memberHome.id }));
    expect(detail.openAffairs.map((affair) => affair.id)).toEqual([named.id]);
    expect(detail.openOrders.map((order) => order.serviceName)).toEqual(['助餐送餐']);
    expect(detail).toMatchObject({ mayVisit: true, mayOrder: true, household: { linkedByMe: true } });
    // Nothing of the text reaches this view.
    expect(JSON.stringify(detail)).not.toContain('楼道灯坏了');
    // The linker's list says the same at a glance, household by household.
    const linked = ok(await call(cloud, LINKER, 'household.list', { box: 'linked' })).items;
    expect(linked.find((item) => item.id === memberHome.id)?.open).toEqual({ orders: 1, affairs: 1 });
    const elder = ok(await call(cloud, LINKER, 'household.get', { householdId: elderHome.id }));
    expect(linked.find((item) => item.id === elderHome.id)?.open).toEqual({ orders: elder.openOrders.length, affairs: elder.openAffairs.length });
    expect(elder.openOrders.length).toBeGreaterThan(0);
    // Only the linker's list carries it.
    expect(ok(await call(cloud, DEMO.staff, 'household.list', { building: '1栋' })).items.every((item) => item.open === undefined)).toBe(true);
  });

  it('staff and the grid’s worker see it too (the worker without care flags); a neighbour, another linker or another grid’s worker does not', async () => {
    const staff = ok(await call(cloud, DEMO.staff, 'household.get', { householdId: elderHome.id }));
    expect(staff).toMatchObject({ mayVisit: false, mayOrder: true, household: { flags: ['独居老人'] } });
    const grid = ok(await call(cloud, DEMO.grid, 'household.get', { householdId: elderHome.id }));
    expect(grid.household.flags).toBeUndefined();
    await expectRefused(cloud, OTHER_LINKER, 'household.get', { householdId: elderHome.id }, 'FORBIDDEN');
    await expectRefused(cloud, MEMBER, 'household.get', { householdId: elderHome.id }, 'FORBIDDEN');
    await expectRefused(cloud, DEMO.staff, 'household.get', { householdId: 'hh-nowhere' }, 'NOT_FOUND');
  });
});

describe('visits (走访)', () => {
  it('the linker records a visit today or up to a week back, once a day per household', async () => {
    const visit = ok(await call(cloud, LINKER, 'household.visit', { householdId: elderHome.id, date: day(0), way: '上门', note: '孙奶奶身体还好，说想要有人陪着去医院复查' }));
    expect(visit).toMatchObject({ date: day(0), way: '上门', address: '1栋 1单元 101', linkerName: '党员老周', mine: true });
    ok(await call(cloud, LINKER, 'household.visit', { householdId: elderHome.id, date: day(-7), way: '电话', note: '电话问候，一切正常' }));
    await expectRefused(cloud, LINKER, 'household.visit', { householdId: elderHome.id, date: day(0), way: '电话', note: '又打了一次电话' }, 'CONFLICT', `${day(0)}已记录过对该户的走访`);
    // The same record sent again (a lost reply) is the one made, not a refusal.
    expect(ok(await call(cloud, LINKER, 'household.visit', { householdId: elderHome.id, date: day(0), way: '上门', note: '孙奶奶身体还好，说想要有人陪着去医院复查' })).id).toBe(visit.id);
    await expectRefused(cloud, LINKER, 'household.visit', { householdId: elderHome.id, date: day(1), way: '上门', note: '明天去' }, 'INVALID_INPUT', '走访日期不能晚于今天');
    await expectRefused(cloud, LINKER, 'household.visit', { householdId: elderHome.id, date: day(-8), way: '上门', note: '上个月去过' }, 'INVALID_INPUT', '只能补记 7 天内的走访');
    await expectRefused(cloud, LINKER, 'household.visit', { householdId: elderHome.id, date: day(-1), way: '写信', note: '写了信' }, 'INVALID_INPUT');
    await expectRefused(cloud, LINKER, 'household.visit', { householdId: elderHome.id, date: day(-1), way: '上门', note: '  ' }, 'INVALID_INPUT');
    expect(docs<HouseholdVisit>(cloud, 'household_visits')).toHaveLength(2);
  });

  it('only the household’s linker records one: not staff, the grid worker or another linker', async () => {
    for (const openid of [DEMO.staff, DEMO.grid, OTHER_LINKER, MEMBER]) {
      await expectRefused(cloud, openid, 'household.visit', { householdId: elderHome.id, date: day(-2), way: '上门', note: '去看了看' }, 'FORBIDDEN', '只有该户的联户长可以记录走访');
    }
  });

  it('staff and the linker read the visits, newest first; the grid worker and others do not', async () => {
    const read = ok(await call(cloud, DEMO.staff, 'household.visits', { householdId: elderHome.id }));
    expect(read.items.map((visit) => [visit.date, visit.mine])).toEqual([
      [day(0), false],
      [day(-7), false],
    ]);
    expect(ok(await call(cloud, LINKER, 'household.visits', { householdId: elderHome.id })).items.every((visit) => visit.mine)).toBe(true);
    await expectRefused(cloud, DEMO.grid, 'household.visits', { householdId: elderHome.id }, 'FORBIDDEN', '走访记录只有社区工作人员和该户的联户长可以查看');
    await expectRefused(cloud, OTHER_LINKER, 'household.visits', { householdId: elderHome.id }, 'FORBIDDEN');
  });
});

describe('the linker’s own data', () => {
  it('their export holds the visits they wrote; after 注销 the visits stay the household’s, no longer naming them', async () => {
    const exported = ok(await call(cloud, LINKER, 'user.exportMine', { format: 'json' }));
    const file = (await (await fetch(exported.url)).json()) as Record<string, Array<Record<string, unknown>>>;
    expect(exported.counts['我记录的走访']).toBe(2);
    expect(file['我记录的走访']![0]).toMatchObject({ date: day(0), way: '上门', address: '1栋 1单元 101' });
    expect(JSON.stringify(file['我记录的走访'])).not.toContain(elderHome.id);

    const deleted = ok(await call(cloud, LINKER, 'user.deleteAccount', { confirm: '注销' }));
    expect(deleted.kept['走访记录']).toBe(2);
    const visits = docs<HouseholdVisit>(cloud, 'household_visits');
    expect(visits.map((visit) => visit.linkerName)).toEqual(['已注销用户', '已注销用户']);
    expect(JSON.stringify(visits)).not.toContain(LINKER);
    expect(ok(await call(cloud, DEMO.staff, 'household.visits', { householdId: elderHome.id })).items).toHaveLength(2);
    // The orders they placed for the households stay, no longer naming them: who placed it, the
    // note of the 代点单, the 代评.
    const placed = docs<Order>(cloud, 'orders').filter((order) => order.contactName === '孙奶奶' && order.createdBy !== DEMO.staff && order.createdBy !== DEMO.grid);
    expect(placed.length).toBeGreaterThan(2);
    const text = JSON.stringify(placed);
    expect(text).not.toContain(LINKER);
    expect(text).not.toContain('党员老周');
    expect(placed.find((order) => order.rating)?.rating?.onBehalf?.name).toBe('已注销用户');
  });
});
