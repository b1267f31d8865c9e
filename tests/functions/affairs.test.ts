/**
 * The affair lifecycle (网格发现 → 社区吹哨 → 部门报到) through the local cloud: every transition and
 * its refusals (wrong role, wrong department, wrong grid, stale status, double confirm), the races
 * (two staff whistling at once, an accept against a return), what each viewer sees (anonymous
 * reporters, confidential disputes), the daily cap, an order turned into an affair, and the timer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AffairView, InputOf } from '../../core/contract';
import type { Affair, Order } from '../../core/model';
import { MAX_AFFAIR_EVENTS } from '../../core/usecases/affair';
import type { LocalCloud } from '../../localcloud/src/server';
import { control } from '../helpers/localcloud';
import { call, DEMO, ok, snapshot, startLinli } from '../helpers/linli';
import { doc, expectRefused, seed, T0, userDoc } from '../helpers/seed';

const GRID_G2 = 'af-grid-g2';
const DEPT_2 = 'af-dept-2';
const WATER = 'af-water';
const HOUR = 3600_000;

let sequence = 0;
const requestId = () => `af-${process.pid}-${String(++sequence).padStart(5, '0')}`;

describe('affairs', () => {
  let cloud: LocalCloud;
  beforeAll(async () => {
    cloud = await startLinli({ timers: ['affair'] });
    seed(cloud, 'users', [
      { ...userDoc(GRID_G2, '吴网格', { roles: ['grid_worker'], address: { gridId: 'g2', building: '4栋' } }), gridIds: ['g2'] },
      { ...userDoc(DEPT_2, '孙物业', { roles: ['department'] }), departmentId: 'dept-property' },
      { ...userDoc(WATER, '郑供水', { roles: ['department'] }), departmentId: 'dept-water' },
    ]);
    seed(cloud, 'departments', [
      { _id: 'dept-water', communityId: DEMO.community, name: '示范街道供水所', kind: '供水', categories: ['设施损坏'], active: true, version: 0, createdBy: DEMO.staff, createdAt: T0, updatedBy: DEMO.staff, updatedAt: T0 },
      { _id: 'dept-street', communityId: DEMO.community, name: '示范街道综治中心', kind: '街道办', categories: ['矛盾纠纷', '安全隐患'], active: true, version: 0, createdBy: DEMO.staff, createdAt: T0, updatedBy: DEMO.staff, updatedAt: T0 },
    ]);
  });
  afterAll(() => cloud.close());

  const stored = (id: string) => doc<Affair>(cloud, 'affairs', id)!;
  async function report(openid: string = DEMO.grid, input: Partial<InputOf<'affair.report'>> = {}): Promise<AffairView> {
    return ok(
      await call(cloud, openid, 'affair.report', {
        category: '环境卫生',
        description: '2栋楼下垃圾堆放三天未清运',
        place: { gridId: 'g1', building: '2栋', detail: '东侧垃圾房' },
        urgency: '一般',
        clientRequestId: requestId(),
        ...input,
      }),
    ).affair;
  }
  async function whistled(input: Partial<InputOf<'affair.report'>> = {}): Promise<AffairView> {
    const reported = await report(DEMO.grid, input);
    return ok(await call(cloud, DEMO.staff, 'affair.whistle', { affairId: reported.id, departmentId: 'dept-property' })).affair;
  }

  it('goes the whole way: found by the grid, whistled by staff, accepted and resolved by the department, confirmed and rated', async () => {
    const reported = await report();
    expect(reported).toMatchObject({ status: 'reported', category: '环境卫生', building: '2栋', reporterName: '周网格', allowed: [] });
    const staffView = ok(await call(cloud, DEMO.staff, 'affair.get', { affairId: reported.id })).affair;
    expect(staffView.allowed).toEqual(['handle', 'whistle']);

    const sent = ok(await call(cloud, DEMO.staff, 'affair.whistle', { affairId: reported.id, departmentId: 'dept-property' })).affair;
    expect(sent).toMatchObject({ status: 'whistled', department: { id: 'dept-property', name: '幸福里物业服务中心' } });
    // 一般: 72 hours by default.
    expect(new Date(sent.dueAt!).getTime() - new Date(stored(reported.id).events[1]!.at).getTime()).toBe(72 * HOUR);

    const inbox = ok(await call(cloud, DEMO.dept, 'affair.list', {}));
    expect(inbox.items.map((a) => a.id)).toContain(reported.id);
    expect(inbox.items.find((a) => a.id === reported.id)!.allowed).toEqual(['respond']);

    const accepted = ok(await call(cloud, DEMO.dept, 'affair.respond', { affairId: reported.id, decision: 'accept' })).affair;
    expect(accepted).toMatchObject({ status: 'accepted', allowed: ['resolve'] });
    // Another person of the same department may resolve it too: it is the department's.
    const resolved = ok(await call(cloud, DEPT_2, 'affair.resolve', { affairId: reported.id, summary: '已安排保洁清运并消杀' })).affair;
    expect(resolved).toMatchObject({ status: 'resolved', resolution: { summary: '已安排保洁清运并消杀', byName: '孙物业' } });

    const closed = ok(await call(cloud, DEMO.grid, 'affair.confirm', { affairId: reported.id, decision: 'confirm' })).affair;
    expect(closed).toMatchObject({ status: 'closed', allowed: ['rate'] });
    const rated = ok(await call(cloud, DEMO.grid, 'affair.rate', { affairId: reported.id, stars: 5, comment: '处理及时' })).affair;
    expect(rated.rating).toMatchObject({ stars: 5, comment: '处理及时' });
    await expectRefused(cloud, DEMO.grid, 'affair.rate', { affairId: reported.id, stars: 1 }, 'CONFLICT');

    const affair = stored(reported.id);
    expect(affair.events.map((e) => [e.from, e.to])).toEqual([
      [null, 'reported'],
      ['reported', 'whistled'],
      ['whistled', 'accepted'],
      ['accepted', 'resolved'],
      ['resolved', 'closed'],
    ]);
    expect(affair.version).toBe(4);
    expect(affair.events.map((e) => e.byName)).toEqual(['周网格', '刘晓梅', '赵物业', '孙物业', '周网格']);
  });

  it('refuses the wrong role, the wrong department, the wrong grid, a stale status and a double confirm, writing nothing', async () => {
    const sent = await whistled();
    // Wrong role: residents, grid workers and department staff do not whistle or assign.
    for (const openid of [DEMO.resident, DEMO.grid, DEMO.dept]) {
      await expectRefused(cloud, openid, 'affair.whistle', { affairId: sent.id, departmentId: 'dept-property' }, 'FORBIDDEN');
      await expectRefused(cloud, openid, 'affair.handle', { affairId: sent.id, assignee: DEMO.staff2 }, 'FORBIDDEN');
    }
    await expectRefused(cloud, DEMO.staff, 'affair.respond', { affairId: sent.id, decision: 'accept' }, 'FORBIDDEN');
    // Wrong department: another department's person, and a department that does not handle the category.
    await expectRefused(cloud, WATER, 'affair.respond', { affairId: sent.id, decision: 'accept' }, 'FORBIDDEN');
    await expectRefused(cloud, WATER, 'affair.get', { affairId: sent.id }, 'FORBIDDEN');
    const fresh = await report();
    await expectRefused(cloud, DEMO.staff, 'affair.whistle', { affairId: fresh.id, departmentId: 'dept-water' }, 'INVALID_INPUT', '示范街道供水所不负责“环境卫生”类问题，请选择其他部门');
    // Wrong grid: the worker of g2 neither sees nor confirms an affair of g1.
    await expectRefused(cloud, GRID_G2, 'affair.get', { affairId: sent.id }, 'FORBIDDEN');
    expect(ok(await call(cloud, GRID_G2, 'affair.list', {})).items.map((a) => a.id)).not.toContain(sent.id);
    // Stale status: resolving before accepting, accepting twice.
    await expectRefused(cloud, DEMO.dept, 'affair.resolve', { affairId: sent.id, summary: '已处理' }, 'CONFLICT');
    ok(await call(cloud, DEMO.dept, 'affair.respond', { affairId: sent.id, decision: 'accept' }));
    await expectRefused(cloud, DEPT_2, 'affair.respond', { affairId: sent.id, decision: 'return', reason: '不归我们管' }, 'CONFLICT');
    await expectRefused(cloud, DEMO.staff, 'affair.whistle', { affairId: sent.id, departmentId: 'dept-property' }, 'CONFLICT');
    await expectRefused(cloud, GRID_G2, 'affair.confirm', { affairId: sent.id, decision: 'confirm' }, 'FORBIDDEN');
    ok(await call(cloud, DEMO.dept, 'affair.resolve', { affairId: sent.id, summary: '已清运' }));
    // The resolver does not sign off their own work; the reporter does, once.
    await expectRefused(cloud, DEMO.dept, 'affair.confirm', { affairId: sent.id, decision: 'confirm' }, 'FORBIDDEN');
    ok(await call(cloud, DEMO.grid, 'affair.confirm', { affairId: sent.id, decision: 'confirm' }));
    await expectRefused(cloud, DEMO.grid, 'affair.confirm', { affairId: sent.id, decision: 'confirm' }, 'CONFLICT');
    await expectRefused(cloud, DEMO.staff, 'affair.confirm', { affairId: sent.id, decision: 'reopen', reason: '没有清干净' }, 'CONFLICT');
    // Only the reporter rates.
    await expectRefused(cloud, DEMO.staff, 'affair.rate', { affairId: sent.id, stars: 4 }, 'FORBIDDEN');
  });

  it('bad input writes nothing: an unknown grid or building, another person’s photo, parties of a non-dispute, a tier of a non-dispute', async () => {
    const base = { category: '环境卫生' as const, description: '路灯不亮', urgency: '一般' as const };
    await expectRefused(cloud, DEMO.grid, 'affair.report', { ...base, place: { gridId: 'g9', building: '1栋' }, clientRequestId: requestId() }, 'INVALID_INPUT');
    await expectRefused(cloud, DEMO.grid, 'affair.report', { ...base, place: { gridId: 'g1', building: '9栋' }, clientRequestId: requestId() }, 'INVALID_INPUT');
    // Another person's folder for the same request id, this person's folder of another report, their openid: none is this report's.
    const requestIdNow = requestId();
    const residentFolder = ok(await call(cloud, DEMO.resident, 'affair.photoFolder', { for: 'report', clientRequestId: requestIdNow })).folder;
    const otherReport = ok(await call(cloud, DEMO.grid, 'affair.photoFolder', { for: 'report', clientRequestId: requestId() })).folder;
    for (const folder of [residentFolder, otherReport, DEMO.grid]) {
      await expectRefused(cloud, DEMO.grid, 'affair.report', { ...base, place: { gridId: 'g1', building: '1栋' }, photos: [`cloud://env/affairs/${folder}/a.jpg`], clientRequestId: requestIdNow }, 'FORBIDDEN');
    }
    await expectRefused(cloud, DEMO.grid, 'affair.report', { ...base, place: { gridId: 'g1', building: '1栋' }, parties: '张三、李四', clientRequestId: requestId() }, 'INVALID_INPUT');
    const plain = await report();
    await expectRefused(cloud, DEMO.staff, 'affair.handle', { affairId: plain.id, assignee: DEMO.staff2, tier: 'street' }, 'INVALID_INPUT');
    // An assignee who is neither staff, a grid worker nor an approved volunteer of the community.
    await expectRefused(cloud, DEMO.staff, 'affair.handle', { affairId: plain.id, assignee: DEMO.applicant }, 'INVALID_INPUT');
    await expectRefused(cloud, DEMO.staff, 'affair.whistle', { affairId: plain.id, departmentId: 'dept-nowhere' }, 'INVALID_INPUT');
  });

  /** Both instances of the function running, so two calls sent together are served side by side. */
  async function warm(): Promise<void> {
    await Promise.all(Array.from({ length: 4 }, () => call(cloud, DEMO.staff, 'affair.list', { limit: 1 })));
  }
  const ROUNDS = 5;

  it('two staff whistling at once: one wins, the other writes nothing', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const reported = await report(DEMO.grid, { category: '设施损坏', description: '4栋水管爆裂', place: { gridId: 'g2', building: '4栋' }, urgency: '紧急' });
      await warm();
      const replies = await Promise.all([
        call(cloud, DEMO.staff, 'affair.whistle', { affairId: reported.id, departmentId: 'dept-property' }),
        call(cloud, DEMO.staff2, 'affair.whistle', { affairId: reported.id, departmentId: 'dept-water' }),
      ]);
      expect(replies.filter((r) => r.ok)).toHaveLength(1);
      const lost = replies.find((r) => !r.ok);
      expect(lost && !lost.ok && lost.error.code).toBe('CONFLICT');
      const affair = stored(reported.id);
      expect(affair.events.filter((e) => e.to === 'whistled')).toHaveLength(1);
      expect(affair.version).toBe(1);
      // 紧急: 24 hours.
      expect(new Date(affair.dueAt!).getTime() - new Date(affair.events[1]!.at).getTime()).toBe(24 * HOUR);
    }
  });

  it('an accept against a return at once: one wins', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const sent = await whistled();
      await warm();
      const replies = await Promise.all([
        call(cloud, DEMO.dept, 'affair.respond', { affairId: sent.id, decision: 'accept' }),
        call(cloud, DEPT_2, 'affair.respond', { affairId: sent.id, decision: 'return', reason: '不属于物业范围' }),
      ]);
      expect(replies.filter((r) => r.ok)).toHaveLength(1);
      const affair = stored(sent.id);
      expect(['accepted', 'returned']).toContain(affair.status);
      expect(affair.events).toHaveLength(3);
    }
  });

  it('returned to the community, handled by a volunteer, reopened by the reporter and whistled elsewhere', async () => {
    const sent = await whistled({ category: '设施损坏', description: '3栋单元门禁坏了' });
    const returned = ok(await call(cloud, DEMO.dept, 'affair.respond', { affairId: sent.id, decision: 'return', reason: '门禁属于社区自管设施' })).affair;
    expect(returned).toMatchObject({ status: 'returned' });
    expect(returned.department).toBeUndefined();
    // The department no longer sees it; staff find it at their desk.
    expect(ok(await call(cloud, DEMO.dept, 'affair.list', {})).items.map((a) => a.id)).not.toContain(sent.id);
    expect(ok(await call(cloud, DEMO.staff, 'affair.get', { affairId: sent.id })).affair.allowed).toEqual(['handle', 'whistle']);

    const handled = ok(await call(cloud, DEMO.staff, 'affair.handle', { affairId: sent.id, assignee: DEMO.volunteer, deadlineHours: 48 })).affair;
    expect(handled).toMatchObject({ status: 'handling', handler: { name: '李建国', kind: 'volunteer' } });
    expect(ok(await call(cloud, DEMO.volunteer, 'affair.list', { box: 'handling' })).items.map((a) => a.id)).toContain(sent.id);
    await expectRefused(cloud, DEMO.dept, 'affair.resolve', { affairId: sent.id, summary: '修好了' }, 'FORBIDDEN');
    ok(await call(cloud, DEMO.volunteer, 'affair.resolve', { affairId: sent.id, summary: '已更换门禁读卡器' }));
    const reopened = ok(await call(cloud, DEMO.grid, 'affair.confirm', { affairId: sent.id, decision: 'reopen', reason: '第二天又坏了' })).affair;
    expect(reopened).toMatchObject({ status: 'reopened', allowed: [] });
    expect(reopened.handler).toBeUndefined();
    const again = ok(await call(cloud, DEMO.staff, 'affair.whistle', { affairId: sent.id, departmentId: 'dept-water' })).affair;
    expect(again).toMatchObject({ status: 'whistled', department: { id: 'dept-water' } });
    expect(stored(sent.id).events.at(-2)).toMatchObject({ from: 'resolved', to: 'reopened', note: '重新办理：第二天又坏了' });
  });

  it('an anonymous resident is named to staff only; a resident sees only their own reports', async () => {
    const mine = await report(DEMO.resident, { anonymous: true, description: '楼道有人堆放电动车电瓶充电', category: '安全隐患' });
    expect(mine.reporterName).toBe('张秀英');
    expect(ok(await call(cloud, DEMO.staff, 'affair.get', { affairId: mine.id })).affair.reporterName).toBe('张秀英');
    const gridView = ok(await call(cloud, DEMO.grid, 'affair.get', { affairId: mine.id })).affair;
    expect(gridView.reporterName).toBeUndefined();
    expect(gridView.timeline![0]!.byName).toBe('匿名');
    expect(gridView.description).toBe('楼道有人堆放电动车电瓶充电');
    await expectRefused(cloud, DEMO.volunteer, 'affair.get', { affairId: mine.id }, 'FORBIDDEN');
    const list = ok(await call(cloud, DEMO.resident, 'affair.list', {}));
    expect(list.items.map((a) => a.id)).toContain(mine.id);
    expect(list.items.every((a) => a.reporterName === '张秀英')).toBe(true);
    await expectRefused(cloud, DEMO.resident, 'affair.list', { box: 'community' }, 'FORBIDDEN');
    await expectRefused(cloud, DEMO.grid, 'affair.list', { box: 'grid', status: 'overdue' }, 'INVALID_INPUT');
    // Anonymity is a resident's: whoever reports as part of their work signs it.
    for (const official of [DEMO.grid, DEMO.staff]) {
      await expectRefused(
        cloud,
        official,
        'affair.report',
        { category: '环境卫生', description: '楼下垃圾未清运', place: { gridId: 'g1', building: '2栋' }, urgency: '一般', anonymous: true, clientRequestId: requestId() },
        'INVALID_INPUT',
        '工作人员和网格员上报问题不能匿名',
      );
    }
  });

  it('a dispute is confidential: parties and details for staff, the reporter and the mediator; tiers on each step', async () => {
    const dispute = await report(DEMO.resident, { category: '矛盾纠纷', description: '楼上漏水，邻里协商不成', parties: '2栋101张秀英、2栋201王某', place: { gridId: 'g1', building: '2栋' } });
    expect(dispute).toMatchObject({ confidential: false, parties: '2栋101张秀英、2栋201王某', tier: 'grid' });
    const seenByGrid = ok(await call(cloud, DEMO.grid, 'affair.get', { affairId: dispute.id })).affair;
    expect(seenByGrid).toMatchObject({ confidential: true, category: '矛盾纠纷', status: 'reported' });
    for (const field of ['description', 'parties', 'building', 'photos', 'reporterName'] as const) expect(seenByGrid[field]).toBeUndefined();
    expect(JSON.stringify(seenByGrid)).not.toContain('王某');

    const mediated = ok(await call(cloud, DEMO.staff, 'affair.handle', { affairId: dispute.id, assignee: DEMO.staff2, note: '约双方周五到社区调解室' })).affair;
    expect(mediated.tier).toBe('community');
    const mediatorView = ok(await call(cloud, DEMO.staff2, 'affair.get', { affairId: dispute.id })).affair;
    expect(mediatorView).toMatchObject({ confidential: false, parties: '2栋101张秀英、2栋201王某' });
    const gridAgain = ok(await call(cloud, DEMO.grid, 'affair.get', { affairId: dispute.id })).affair;
    expect(JSON.stringify(gridAgain)).not.toContain('调解室');
    // Nor who the parties and the mediator are: the timeline names roles only.
    expect(gridAgain.timeline!.map((event) => event.byName)).toEqual(['上报人', '经办人']);
    expect(JSON.stringify(gridAgain)).not.toContain('张秀英');
    expect(JSON.stringify(gridAgain)).not.toContain('王建国');

    // Mediation failed at the community: up to the street, a tier higher.
    const up = ok(await call(cloud, DEMO.staff, 'affair.whistle', { affairId: dispute.id, departmentId: 'dept-street' })).affair;
    expect(up.tier).toBe('street');
    expect(stored(dispute.id).events.map((e) => e.tier)).toEqual(['grid', 'community', 'street']);
    // The property company does not handle disputes.
    await expectRefused(cloud, DEMO.dept, 'affair.get', { affairId: dispute.id }, 'FORBIDDEN');
  });

  it('nobody signs off their own work: a staff member who reports, handles and resolves cannot confirm or rate it; a department cannot confirm its own', async () => {
    // 王建国 reports, takes it himself and resolves it.
    const own = await report(DEMO.staff2);
    ok(await call(cloud, DEMO.staff2, 'affair.handle', { affairId: own.id, assignee: DEMO.staff2 }));
    const resolved = ok(await call(cloud, DEMO.staff2, 'affair.resolve', { affairId: own.id, summary: '已清理' })).affair;
    expect(resolved.allowed).not.toContain('confirm');
    await expectRefused(cloud, DEMO.staff2, 'affair.confirm', { affairId: own.id, decision: 'confirm' }, 'FORBIDDEN', '不能确认自己或本部门办理的结果，请由上报人或其他工作人员确认');
    expect(stored(own.id).status).toBe('resolved');
    // A colleague confirms; the one who did the work does not rate it.
    ok(await call(cloud, DEMO.staff, 'affair.confirm', { affairId: own.id, decision: 'confirm' }));
    await expectRefused(cloud, DEMO.staff2, 'affair.rate', { affairId: own.id, stars: 5 }, 'FORBIDDEN', '不能评价自己或本部门办理的问题');
    expect(stored(own.id).rating).toBeUndefined();

    // Resolved by the property company: its other person does not sign it off either.
    const byDept = await whistled();
    ok(await call(cloud, DEMO.dept, 'affair.respond', { affairId: byDept.id, decision: 'accept' }));
    ok(await call(cloud, DEMO.dept, 'affair.resolve', { affairId: byDept.id, summary: '垃圾已清运' }));
    await expectRefused(cloud, DEPT_2, 'affair.confirm', { affairId: byDept.id, decision: 'confirm' }, 'FORBIDDEN');
  });

  it('a grid worker does not sign off a mediation they cannot see; the reporter or staff do', async () => {
    const dispute = await report(DEMO.resident, { category: '矛盾纠纷', description: '噪音纠纷', parties: '3栋两户', place: { gridId: 'g1', building: '3栋' } });
    ok(await call(cloud, DEMO.staff, 'affair.handle', { affairId: dispute.id, assignee: DEMO.staff2 }));
    ok(await call(cloud, DEMO.staff2, 'affair.resolve', { affairId: dispute.id, summary: '双方达成协议' }));
    const seen = ok(await call(cloud, DEMO.grid, 'affair.get', { affairId: dispute.id })).affair;
    expect(seen.allowed).not.toContain('confirm');
    await expectRefused(cloud, DEMO.grid, 'affair.confirm', { affairId: dispute.id, decision: 'confirm' }, 'FORBIDDEN', '矛盾纠纷的调解结果由上报人或社区工作人员确认');
    ok(await call(cloud, DEMO.resident, 'affair.confirm', { affairId: dispute.id, decision: 'confirm' }));
  });

  it('a timeline holds at most MAX_AFFAIR_EVENTS steps: reassigning in a loop stops there', async () => {
    const looped = await report();
    seed(cloud, 'affairs', [{ ...stored(looped.id), status: 'handling', handler: { openid: DEMO.staff2, name: '王建国', kind: 'staff' }, events: Array.from({ length: MAX_AFFAIR_EVENTS }, () => stored(looped.id).events[0]) }]);
    const before = JSON.stringify(stored(looped.id));
    await expectRefused(cloud, DEMO.staff, 'affair.handle', { affairId: looped.id, assignee: DEMO.staff }, 'LIMIT_REACHED');
    expect(JSON.stringify(stored(looped.id))).toBe(before);
  });

  it('a resident reports at most 5 a day; a retried report makes one affair', async () => {
    const person = 'af-busy-resident';
    seed(cloud, 'users', [userDoc(person, '忙居民')]);
    const retried = requestId();
    const first = await report(person, { clientRequestId: retried });
    const again = await report(person, { clientRequestId: retried });
    expect(again.id).toBe(first.id);
    for (let i = 0; i < 4; i++) await report(person);
    await expectRefused(
      cloud,
      person,
      'affair.report',
      { category: '其他', description: '第六个', place: { gridId: 'g1', building: '1栋' }, urgency: '一般', clientRequestId: requestId() },
      'LIMIT_REACHED',
    );
  });

  it('an order nobody can serve becomes an affair in one step; the order is cancelled and each names the other', async () => {
    const order = ok(await call(cloud, DEMO.resident, 'order.create', { serviceId: 'svc-meal', description: '家里水管漏水，想找人看看', clientRequestId: requestId() })).order;
    await expectRefused(cloud, DEMO.grid, 'affair.fromOrder', { orderId: order.id, category: '设施损坏', urgency: '一般' }, 'FORBIDDEN');
    const affair = ok(await call(cloud, DEMO.staff, 'affair.fromOrder', { orderId: order.id, category: '设施损坏', urgency: '紧急' })).affair;
    expect(affair).toMatchObject({ status: 'reported', orderId: order.id, reporterName: '张秀英', description: '家里水管漏水，想找人看看', building: '2栋' });
    expect(doc<Order>(cloud, 'orders', order.id)).toMatchObject({ status: 'cancelled', affairId: affair.id });
    // The resident follows it among their reports, and confirms it in the end.
    expect(ok(await call(cloud, DEMO.resident, 'affair.list', { box: 'mine' })).items.map((a) => a.id)).toContain(affair.id);
    await expectRefused(cloud, DEMO.staff, 'affair.fromOrder', { orderId: order.id, category: '设施损坏', urgency: '一般' }, 'CONFLICT');
  });

  it('注销 keeps the reports under a pseudonym, named 已注销用户 there and in the timeline', async () => {
    const person = 'af-leaving-resident';
    seed(cloud, 'users', [userDoc(person, '将注销')]);
    const clientRequestId = requestId();
    const { folder } = ok(await call(cloud, person, 'affair.photoFolder', { for: 'report', clientRequestId }));
    const reported = await report(person, { description: '小区门口路面塌陷', photos: [`cloud://env/affairs/${folder}/road.jpg`], clientRequestId });
    expect(stored(reported.id).photos).toEqual([`cloud://env/affairs/${folder}/road.jpg`]);
    const done = ok(await call(cloud, person, 'user.deleteAccount', { confirm: '注销' }));
    expect(done.kept['问题上报']).toBe(1);
    const kept = stored(reported.id);
    expect(kept.reporterOpenid).toMatch(/^deleted-/);
    expect(kept.reporterName).toBe('已注销用户');
    expect(JSON.stringify(kept)).not.toContain('将注销');
    expect(JSON.stringify(kept)).not.toContain(person);
    expect(kept.photos).toBeUndefined();
  });

  it('photo folders: one per report or result, the same on a retry, none shared by two reports, none naming the person; nothing written', async () => {
    const before = snapshot(cloud);
    const key = requestId();
    const first = ok(await call(cloud, DEMO.resident, 'affair.photoFolder', { for: 'report', clientRequestId: key })).folder;
    expect(ok(await call(cloud, DEMO.resident, 'affair.photoFolder', { for: 'report', clientRequestId: key })).folder).toBe(first);
    const secondReport = ok(await call(cloud, DEMO.resident, 'affair.photoFolder', { for: 'report', clientRequestId: requestId() })).folder;
    const result = ok(await call(cloud, DEMO.resident, 'affair.photoFolder', { for: 'resolve', affairId: 'a-some-affair' })).folder;
    const otherPerson = ok(await call(cloud, DEMO.grid, 'affair.photoFolder', { for: 'report', clientRequestId: key })).folder;
    expect(new Set([first, secondReport, result, otherPerson]).size).toBe(4);
    for (const folder of [first, secondReport, result, otherPerson]) {
      expect(folder).toMatch(/^p[0-9a-f]{24}$/);
      expect(folder).not.toContain(DEMO.resident);
    }
    expect(snapshot(cloud)).toBe(before);
    await expectRefused(cloud, 'af-stranger', 'affair.photoFolder', { for: 'report', clientRequestId: key }, 'UNAUTHENTICATED');
    await expectRefused(cloud, DEMO.resident, 'affair.photoFolder', {} as never, 'INVALID_INPUT');
  });

  it('the desk’s and the inbox’s filters: waiting, in hand, one step; only staff see the community’s', async () => {
    const waiting = await report(DEMO.staff, { description: '5栋路灯不亮', place: { gridId: 'g2', building: '5栋' } });
    const handling = ok(await call(cloud, DEMO.staff, 'affair.handle', { affairId: (await report(DEMO.staff)).id, assignee: DEMO.grid })).affair;
    const sent = await whistled();
    const accepted = (await whistled()).id;
    ok(await call(cloud, DEMO.dept, 'affair.respond', { affairId: accepted, decision: 'accept' }));
    const resolved = (await whistled()).id;
    ok(await call(cloud, DEMO.dept, 'affair.respond', { affairId: resolved, decision: 'accept' }));
    ok(await call(cloud, DEMO.dept, 'affair.resolve', { affairId: resolved, summary: '已清运' }));
    const ours = [waiting.id, handling.id, sent.id, accepted, resolved];
    const listed = async (openid: string, input: InputOf<'affair.list'>) =>
      ok(await call(cloud, openid, 'affair.list', { limit: 50, ...input })).items.filter((a) => ours.includes(a.id));
    const ids = async (openid: string, input: InputOf<'affair.list'>) => (await listed(openid, input)).map((a) => a.id).sort();

    expect(await ids(DEMO.staff, { box: 'community', status: 'waiting' })).toEqual([waiting.id]);
    expect(await ids(DEMO.staff, { box: 'community', status: 'in_hand' })).toEqual([handling.id, sent.id, accepted].sort());
    expect(await ids(DEMO.staff, { box: 'community', status: 'resolved' })).toEqual([resolved]);
    const rows = await listed(DEMO.staff, { box: 'community', status: 'in_hand' });
    expect(rows.every((a) => ['handling', 'whistled', 'accepted'].includes(a.status))).toBe(true);
    // Every row of a filter has its statuses, not only ours.
    const all = ok(await call(cloud, DEMO.staff, 'affair.list', { box: 'community', status: 'waiting', limit: 50 })).items;
    expect(all.every((a) => ['reported', 'returned', 'reopened'].includes(a.status))).toBe(true);

    expect(await ids(DEMO.dept, { box: 'department', status: 'whistled' })).toEqual([sent.id]);
    expect(await ids(DEMO.dept, { box: 'department', status: 'accepted' })).toEqual([accepted]);
    expect(await ids(DEMO.dept, { box: 'department', status: 'resolved' })).toEqual([resolved]);
    expect(await ids(DEMO.grid, { box: 'handling', status: 'in_hand' })).toEqual([handling.id]);
    expect(await ids(DEMO.grid, { box: 'handling', status: 'waiting' })).toEqual([]);

    // The new filters open no one else's list.
    for (const openid of [DEMO.resident, DEMO.grid, DEMO.dept]) {
      for (const status of ['waiting', 'in_hand', 'whistled'] as const) await expectRefused(cloud, openid, 'affair.list', { box: 'community', status }, 'FORBIDDEN');
    }
    await expectRefused(cloud, DEMO.dept, 'affair.list', { box: 'department', status: 'overdue' }, 'INVALID_INPUT');
    await expectRefused(cloud, DEMO.staff, 'affair.list', { box: 'community', status: 'pending' }, 'INVALID_INPUT', '状态只能是未办结、已办结、已超期、待处理、办理中、待接收、部门办理中或待确认');
  });

  it('keyset pages of the staff desk neither skip nor repeat', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = ok(await call(cloud, DEMO.staff, 'affair.list', { box: 'community', limit: 4, ...(cursor ? { cursor } : {}) }));
      seen.push(...page.items.map((a) => a.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(cloud.engine.collections.get('affairs')!.entries.size);
  });

  // Moves the clock: keep last.
  it('the timer reminds the handler before the deadline, then flags it overdue and tells the handler and the sender, counting each deadline once', async () => {
    const sent = await whistled({ urgency: '紧急' });
    await control(cloud, 'POST', 'subscriptions', { openid: DEMO.dept, templateId: 'TPL_AFFAIR_REMINDER', count: 5 });
    // 24 hours: the reminder at 18 hours, the flag after 24.
    await control(cloud, 'POST', 'clock', { advanceMs: 17 * HOUR });
    expect(stored(sent.id).remindAt).toBeDefined();
    await control(cloud, 'POST', 'clock', { advanceMs: 2 * HOUR });
    expect(stored(sent.id).remindAt).toBeUndefined();
    const outbox = (await control<{ messages: Array<{ touser: string; template_id: string; page: string }> }>(cloud, 'GET', 'outbox')).messages;
    const reminders = outbox.filter((m) => m.touser === DEMO.dept && m.template_id === 'TPL_AFFAIR_REMINDER' && m.page.includes(sent.id));
    expect(reminders).toHaveLength(1);
    // The notice opens the affair's own page.
    expect(reminders[0]!.page).toBe(`affair/detail/index?affairId=${sent.id}`);
    expect(stored(sent.id).overdue).toBe(false);
    // Enough for every affair of this file the timer reaches (each missed deadline is told once).
    await control(cloud, 'POST', 'subscriptions', { openid: DEMO.staff, templateId: 'TPL_AFFAIR_REMINDER', count: 50 });
    await control(cloud, 'POST', 'subscriptions', { openid: DEMO.dept, templateId: 'TPL_AFFAIR_REMINDER', count: 50 });
    await control(cloud, 'POST', 'clock', { advanceMs: 6 * HOUR });
    expect(stored(sent.id)).toMatchObject({ overdue: true, overdueCount: 1 });
    await control(cloud, 'POST', 'clock', { advanceMs: 2 * HOUR });
    expect(stored(sent.id).overdueCount).toBe(1);
    // Past the deadline, once: the department's people and the staff member who whistled it are told.
    const afterDeadline = (await control<{ messages: Array<{ touser: string; template_id: string; page: string; data: Record<string, { value: string }> }> }>(cloud, 'GET', 'outbox')).messages.filter(
      (m) => m.template_id === 'TPL_AFFAIR_REMINDER' && m.page.includes(sent.id) && m.data.thing4?.value === '已超过办理时限，请尽快跟进',
    );
    expect(afterDeadline.map((m) => m.touser).sort()).toEqual([DEMO.dept, DEMO.staff].sort());
    expect(ok(await call(cloud, DEMO.staff, 'affair.list', { box: 'community', status: 'overdue' })).items.map((a) => a.id)).toContain(sent.id);
    // A new deadline (returned, then whistled again) can be missed again, and counts again.
    ok(await call(cloud, DEMO.dept, 'affair.respond', { affairId: sent.id, decision: 'return', reason: '超出物业能力' }));
    expect(stored(sent.id).overdue).toBe(false);
    ok(await call(cloud, DEMO.staff, 'affair.whistle', { affairId: sent.id, departmentId: 'dept-property', deadlineHours: 1 }));
    await control(cloud, 'POST', 'clock', { advanceMs: 2 * HOUR });
    expect(stored(sent.id)).toMatchObject({ overdue: true, overdueCount: 2 });
  });
});
