/**
 * A community's affair rules (community settings → affairRules): the categories it takes, each
 * category's default deadline (urgent: half, at most a day), and the street office level — after
 * the set number of missed deadlines the timer flags the affair, once, to that department (督办),
 * whose people are told and may then follow it, without acting on it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AffairView } from '../../core/contract';
import type { Affair } from '../../core/model';
import { DEFAULT_AFFAIR_RULES } from '../../core/settings';
import type { LocalCloud } from '../../localcloud/src/server';
import { control } from '../helpers/localcloud';
import { approveRuleChanges, call, DEMO, ok, startLinli } from '../helpers/linli';
import { doc, expectRefused, seed, T0, userDoc } from '../helpers/seed';

const STREET = 'ar-street-person';
const HOUR = 3600_000;
let sequence = 0;
const requestId = () => `affair-rules-${String(++sequence).padStart(4, '0')}`;

let cloud: LocalCloud;
beforeAll(async () => {
  cloud = await startLinli({ timers: ['affair'] });
  seed(cloud, 'departments', [
    { _id: 'dept-street-office', communityId: DEMO.community, name: '和平街道办事处', kind: '街道办', categories: ['安全隐患'], active: true, version: 0, createdBy: DEMO.staff, createdAt: T0, updatedBy: DEMO.staff, updatedAt: T0 },
    { _id: 'dept-closed', communityId: DEMO.community, name: '已撤销的单位', kind: '其他', categories: ['其他'], active: false, version: 0, createdBy: DEMO.staff, createdAt: T0, updatedBy: DEMO.staff, updatedAt: T0 },
  ]);
  seed(cloud, 'users', [{ ...userDoc(STREET, '街道督办员', { roles: ['department'] }), departmentId: 'dept-street-office' }]);
});
afterAll(() => cloud.close());

const stored = (id: string) => doc<Affair>(cloud, 'affairs', id)!;
const report = async (category: AffairView['category'], urgency: '一般' | '紧急' = '一般') =>
  ok(
    await call(cloud, DEMO.grid, 'affair.report', {
      category,
      description: '楼道堆放杂物，影响通行',
      place: { gridId: 'g1', building: '1栋' },
      urgency,
      clientRequestId: requestId(),
    }),
  ).affair;

const rules = (overrides: Partial<typeof DEFAULT_AFFAIR_RULES> = {}) => ({ ...DEFAULT_AFFAIR_RULES, ...overrides });

describe('affair rules', () => {
  it('the defaults: every category, three days (urgent one day), no street office', async () => {
    const community = ok(await call(cloud, DEMO.staff, 'community.get', { communityId: DEMO.community }));
    expect(community.settings.affairRules).toEqual(DEFAULT_AFFAIR_RULES);
    const urgent = await report('设施损坏', '紧急');
    const sent = ok(await call(cloud, DEMO.staff, 'affair.whistle', { affairId: urgent.id, departmentId: 'dept-property' })).affair;
    expect(new Date(sent.dueAt!).getTime() - new Date(sent.updatedAt).getTime()).toBe(24 * HOUR);
  });

  it('staff choose the categories taken and their deadlines; a category not taken is refused at the report', async () => {
    const categories = [
      { name: '环境卫生' as const, deadlineHours: 48 },
      { name: '设施损坏' as const, deadlineHours: 12 },
      { name: '安全隐患' as const, deadlineHours: 24 },
    ];
    // Proposed by one staff member, in force once another approves (the street office's supervision is part of these rules).
    const proposed = ok(await call(cloud, DEMO.staff, 'community.updateSettings', { communityId: DEMO.community, affairRules: rules({ categories }) }));
    expect(proposed.settings.affairRules).toEqual(DEFAULT_AFFAIR_RULES);
    expect(proposed.proposals.map((change) => change.field)).toEqual(['affairRules']);
    expect(await approveRuleChanges(cloud)).toBe(1);
    expect(ok(await call(cloud, DEMO.staff, 'community.get', { communityId: DEMO.community })).settings.affairRules.categories).toEqual(categories);
    await expectRefused(
      cloud,
      DEMO.grid,
      'affair.report',
      { category: '违章搭建', description: '楼顶加盖', place: { gridId: 'g1', building: '1栋' }, urgency: '一般', clientRequestId: requestId() },
      'INVALID_INPUT',
      '本社区暂不受理“违章搭建”类问题，请选择其他类别',
    );
    const ordinary = await report('环境卫生');
    const sent = ok(await call(cloud, DEMO.staff, 'affair.whistle', { affairId: ordinary.id, departmentId: 'dept-property' })).affair;
    expect(new Date(sent.dueAt!).getTime() - new Date(sent.updatedAt).getTime()).toBe(48 * HOUR);
    const urgent = await report('设施损坏', '紧急');
    const handled = ok(await call(cloud, DEMO.staff, 'affair.handle', { affairId: urgent.id, assignee: DEMO.grid })).affair;
    expect(new Date(handled.dueAt!).getTime() - new Date(handled.updatedAt).getTime()).toBe(6 * HOUR);
  });

  it('refuses a street department of no community, an inactive one, and bad rules, writing nothing', async () => {
    const input = (affairRules: unknown) => ({ communityId: DEMO.community, affairRules }) as never;
    await expectRefused(cloud, DEMO.staff, 'community.updateSettings', input(rules({ streetDepartmentId: 'dept-nowhere' })), 'INVALID_INPUT', '街道督办部门不属于幸福里社区');
    await expectRefused(cloud, DEMO.staff, 'community.updateSettings', input(rules({ streetDepartmentId: 'dept-closed' })), 'CONFLICT', '街道督办部门已停用，请选择其他部门');
    await expectRefused(cloud, DEMO.staff, 'community.updateSettings', input(rules({ streetDepartmentId: 'dept-property' })), 'INVALID_INPUT', '街道督办部门须是“街道办”类的部门，幸福里物业服务中心是“物业”');
    await expectRefused(cloud, DEMO.staff, 'community.updateSettings', input(rules({ categories: [] })), 'INVALID_INPUT');
    await expectRefused(cloud, DEMO.staff, 'community.updateSettings', input(rules({ categories: [{ name: '其他', deadlineHours: 1 }, { name: '其他', deadlineHours: 2 }] })), 'INVALID_INPUT');
    await expectRefused(cloud, DEMO.staff, 'community.updateSettings', input(rules({ escalateAfterOverdues: 0 })), 'INVALID_INPUT');
    await expectRefused(cloud, DEMO.grid, 'community.updateSettings', input(rules()), 'FORBIDDEN');
  });

  // Moves the clock: keep last.
  it('at the second missed deadline the street office is told, once, and follows it without acting', async () => {
    const current = ok(await call(cloud, DEMO.staff, 'community.get', { communityId: DEMO.community })).settings.affairRules;
    ok(await call(cloud, DEMO.staff, 'community.updateSettings', { communityId: DEMO.community, affairRules: { ...current, streetDepartmentId: 'dept-street-office' } }));
    expect(await approveRuleChanges(cloud)).toBe(1);
    // Now that it supervises, staff neither switch it off nor remove its people; an administrator may remove them.
    const [office] = ok(await call(cloud, DEMO.staff, 'department.list', {})).filter((item) => item.id === 'dept-street-office');
    await expectRefused(cloud, DEMO.staff, 'department.upsert', { departmentId: office!.id, version: office!.version, name: office!.name, kind: office!.kind, categories: office!.categories, active: false }, 'CONFLICT');
    await expectRefused(cloud, DEMO.staff, 'community.removeRole', { communityId: DEMO.community, openid: STREET, role: 'department', reason: '调岗' }, 'FORBIDDEN', '街道督办部门的人员由管理员移除');
    await control(cloud, 'POST', 'subscriptions', { openid: STREET, templateId: 'TPL_AFFAIR_REMINDER', count: 20 });
    const found = await report('设施损坏');
    ok(await call(cloud, DEMO.staff, 'affair.whistle', { affairId: found.id, departmentId: 'dept-property', deadlineHours: 2 }));
    await expectRefused(cloud, STREET, 'affair.get', { affairId: found.id }, 'FORBIDDEN');
    await control(cloud, 'POST', 'clock', { advanceMs: 3 * HOUR });
    expect(stored(found.id)).toMatchObject({ overdue: true, overdueCount: 1 });
    expect(stored(found.id).escalation).toBeUndefined();
    // The department returns it; staff whistle it again; it is missed again.
    ok(await call(cloud, DEMO.dept, 'affair.respond', { affairId: found.id, decision: 'return', reason: '需要供水公司处理' }));
    ok(await call(cloud, DEMO.staff, 'affair.whistle', { affairId: found.id, departmentId: 'dept-property', deadlineHours: 1 }));
    await control(cloud, 'POST', 'clock', { advanceMs: 2 * HOUR });
    expect(stored(found.id)).toMatchObject({ overdueCount: 2, escalation: { departmentId: 'dept-street-office', departmentName: '和平街道办事处', overdueCount: 2 } });
    const outbox = (await control<{ messages: Array<{ touser: string; page: string; data: Record<string, { value: string }> }> }>(cloud, 'GET', 'outbox')).messages;
    expect(outbox.filter((m) => m.touser === STREET && m.page.includes(found.id)).map((m) => m.data.thing4?.value)).toEqual(['已超期2次，请督办']);

    const seen = ok(await call(cloud, STREET, 'affair.get', { affairId: found.id })).affair;
    expect(seen.escalation).toMatchObject({ departmentName: '和平街道办事处', overdueCount: 2 });
    expect(seen.allowed).toEqual([]);
    expect(ok(await call(cloud, STREET, 'affair.list', { box: 'escalated' })).items.map((a) => a.id)).toEqual([found.id]);
    await expectRefused(cloud, STREET, 'affair.respond', { affairId: found.id, decision: 'accept' }, 'FORBIDDEN');
    await expectRefused(cloud, DEMO.grid, 'affair.list', { box: 'escalated' }, 'FORBIDDEN');
    // Once: a third missed deadline does not tell them again.
    ok(await call(cloud, DEMO.dept, 'affair.respond', { affairId: found.id, decision: 'return', reason: '仍需供水公司处理' }));
    ok(await call(cloud, DEMO.staff, 'affair.whistle', { affairId: found.id, departmentId: 'dept-property', deadlineHours: 1 }));
    await control(cloud, 'POST', 'clock', { advanceMs: 2 * HOUR });
    expect(stored(found.id)).toMatchObject({ overdueCount: 3, escalation: { overdueCount: 2 } });
    const again = (await control<{ messages: Array<{ touser: string; page: string }> }>(cloud, 'GET', 'outbox')).messages.filter((m) => m.touser === STREET && m.page.includes(found.id));
    expect(again).toHaveLength(1);
  });

  // Moves the clock too.
  it('a report left at the desk for a day is overdue like work in hand: counted, listed, and staff are told', async () => {
    await control(cloud, 'POST', 'subscriptions', { openid: DEMO.staff2, templateId: 'TPL_AFFAIR_REMINDER', count: 50 });
    const waiting = await report('环境卫生');
    expect(new Date(stored(waiting.id).dueAt!).getTime() - new Date(stored(waiting.id).createdAt).getTime()).toBe(24 * HOUR);
    await control(cloud, 'POST', 'clock', { advanceMs: 25 * HOUR });
    expect(stored(waiting.id)).toMatchObject({ status: 'reported', overdue: true, overdueCount: 1 });
    expect(ok(await call(cloud, DEMO.staff, 'affair.list', { box: 'community', status: 'overdue' })).items.map((a) => a.id)).toContain(waiting.id);
    const told = (await control<{ messages: Array<{ touser: string; page: string }> }>(cloud, 'GET', 'outbox')).messages.filter((m) => m.touser === DEMO.staff2 && m.page.includes(waiting.id));
    expect(told).toHaveLength(1);
    // Sent on: a new deadline, nothing overdue.
    const handled = ok(await call(cloud, DEMO.staff, 'affair.handle', { affairId: waiting.id, assignee: DEMO.grid })).affair;
    expect(handled.overdue).toBe(false);
    expect(stored(waiting.id).overdueCount).toBe(1);
  });
});
