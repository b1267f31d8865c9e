/**
 * The affair state machine (core/affair-machine.ts) and view (core/affair-view.ts) on the pure
 * rules: which command applies in which status, who may issue it (`allowed`), who sees a dispute's
 * details and an anonymous reporter's name, the deadlines and the mediation tiers.
 */
import { describe, expect, it } from 'vitest';
import {
  AFFAIR_TRANSITIONS,
  allowedAffairCommands,
  ALL_STATUSES,
  canMove,
  canViewAffair,
  confirmRefusal,
  remindAtFor,
  seesDetails,
  tierFor,
} from '../../core/affair-machine';
import { toAffairView } from '../../core/affair-view';
import type { Affair, AffairStatus, Role, User } from '../../core/model';
import type { Caller } from '../../core/ports';

const T = new Date('2026-12-01T00:00:00Z');

function person(openid: string, roles: Role[], extra: Partial<User> = {}, communityId = 'c1'): Caller {
  const stored = roles.filter((role) => role !== 'volunteer' && role !== 'admin') as User['roles'];
  const user: User = { _id: openid, communityId, name: openid, phone: '13800000000', address: { gridId: 'g1', building: '1栋' }, roles: stored, createdAt: T, updatedAt: T, ...extra };
  return { openid, roles: new Set(roles), user, volunteer: null, volunteerStatus: null, communityId, community: null, points: null };
}

const staff = person('staff', ['staff']);
const otherStaff = person('staff-other-community', ['staff'], {}, 'c2');
const gridWorker = person('grid-g1', ['grid_worker'], { gridIds: ['g1'] });
const otherGrid = person('grid-g2', ['grid_worker'], { gridIds: ['g2'] });
const dept = person('dept-a-1', ['department'], { departmentId: 'dept-a' });
const otherDept = person('dept-b-1', ['department'], { departmentId: 'dept-b' });
const reporter = person('reporter', ['resident']);
const stranger = person('resident-2', ['resident']);
const volunteer = person('volunteer', ['resident', 'volunteer']);

function affair(status: AffairStatus, extra: Partial<Affair> = {}): Affair {
  return {
    _id: 'a1',
    communityId: 'c1',
    clientRequestId: 'req-00001',
    category: '环境卫生',
    description: '垃圾未清运',
    place: { gridId: 'g1', building: '2栋' },
    urgency: '一般',
    reporterOpenid: 'reporter',
    reporterName: '张秀英',
    reporterRole: 'resident',
    anonymous: false,
    createdBy: 'reporter',
    status,
    version: 0,
    overdue: false,
    overdueCount: 0,
    events: [{ at: T, by: 'reporter', byName: '张秀英', from: null, to: 'reported' }],
    createdAt: T,
    updatedAt: T,
    ...extra,
  };
}

describe('transitions', () => {
  it('each command applies in its statuses only', () => {
    const table = Object.fromEntries(Object.keys(AFFAIR_TRANSITIONS).map((command) => [command, ALL_STATUSES.filter((status) => canMove({ status }, command as keyof typeof AFFAIR_TRANSITIONS))]));
    expect(table).toEqual({
      handle: ['reported', 'handling', 'returned', 'reopened'],
      whistle: ['reported', 'handling', 'returned', 'reopened'],
      accept: ['whistled'],
      return: ['whistled'],
      resolve: ['handling', 'accepted'],
      confirm: ['resolved'],
      reopen: ['resolved'],
      rate: ['closed'],
    });
  });
});

describe('allowed', () => {
  it('staff of the community handle and whistle what waits at the desk; staff of another community nothing', () => {
    for (const status of ['reported', 'returned', 'reopened'] as const) expect(allowedAffairCommands(affair(status), staff)).toEqual(['handle', 'whistle']);
    expect(allowedAffairCommands(affair('reported'), otherStaff)).toEqual([]);
  });

  it('only the department it was whistled to responds, and resolves once it accepted', () => {
    const sent = affair('whistled', { departmentId: 'dept-a', departmentName: '物业' });
    expect(allowedAffairCommands(sent, dept)).toEqual(['respond']);
    expect(allowedAffairCommands(sent, otherDept)).toEqual([]);
    expect(allowedAffairCommands(affair('accepted', { departmentId: 'dept-a' }), dept)).toEqual(['resolve']);
    expect(allowedAffairCommands(affair('accepted', { departmentId: 'dept-a' }), otherDept)).toEqual([]);
  });

  it('the assigned person resolves what the community handles', () => {
    const handled = affair('handling', { handler: { openid: 'volunteer', name: '李建国', kind: 'volunteer' } });
    expect(allowedAffairCommands(handled, volunteer)).toEqual(['resolve']);
    expect(allowedAffairCommands(handled, dept)).toEqual([]);
  });

  it('the reporter, the grid’s worker and staff confirm, but not whoever resolved it; the reporter rates once', () => {
    const resolved = affair('resolved', { resolution: { summary: '已清运', by: 'staff', byName: '刘晓梅', at: T } });
    expect(allowedAffairCommands(resolved, reporter)).toEqual(['confirm']);
    expect(allowedAffairCommands(resolved, gridWorker)).toEqual(['confirm']);
    expect(allowedAffairCommands(resolved, otherGrid)).toEqual([]);
    expect(allowedAffairCommands(resolved, staff)).toEqual([]);
    expect(confirmRefusal(staff, resolved)).toBe('不能确认自己或本部门办理的结果，请由上报人或其他工作人员确认');
    expect(confirmRefusal(stranger, resolved)).not.toBeNull();
    expect(allowedAffairCommands(affair('closed'), reporter)).toEqual(['rate']);
    expect(allowedAffairCommands(affair('closed', { rating: { stars: 5, at: T } }), reporter)).toEqual([]);
  });
});

describe('who sees what', () => {
  it('sees an affair: staff, the reporter, the handler, its department, the grid’s worker; nobody else', () => {
    const sent = affair('whistled', { departmentId: 'dept-a' });
    for (const caller of [staff, reporter, dept, gridWorker]) expect(canViewAffair(caller, sent)).toBe(true);
    for (const caller of [otherStaff, otherDept, otherGrid, stranger, volunteer]) expect(canViewAffair(caller, sent)).toBe(false);
  });

  it('a dispute’s details are for staff, the reporter and the mediator; the grid’s worker sees its category and status', () => {
    const dispute = affair('handling', { category: '矛盾纠纷', parties: '张三、李四', tier: 'community', handler: { openid: 'volunteer', name: '李建国', kind: 'volunteer' }, events: [{ at: T, by: 'reporter', byName: '张秀英', from: null, to: 'reported', note: '邻里纠纷' }] });
    for (const caller of [staff, reporter, volunteer]) expect(seesDetails(caller, dispute)).toBe(true);
    expect(seesDetails(gridWorker, dispute)).toBe(false);
    const view = toAffairView(dispute, gridWorker, true);
    expect(view).toMatchObject({ confidential: true, category: '矛盾纠纷', status: 'handling', tier: 'community' });
    expect(JSON.stringify(view)).not.toMatch(/张三|垃圾|邻里|李建国|2栋/);
  });

  it('an anonymous reporter is named to staff and to themselves only', () => {
    const anonymous = affair('reported', { anonymous: true });
    expect(toAffairView(anonymous, staff, true).reporterName).toBe('张秀英');
    expect(toAffairView(anonymous, reporter, true).reporterName).toBe('张秀英');
    const gridView = toAffairView(anonymous, gridWorker, true);
    expect(gridView.reporterName).toBeUndefined();
    expect(gridView.timeline?.[0]?.byName).toBe('匿名');
  });
});

describe('deadlines and tiers', () => {
  it('reminds with a quarter of the time left, at least an hour before', () => {
    const hour = 3600_000;
    expect(remindAtFor(T, new Date(T.getTime() + 24 * hour)).getTime()).toBe(T.getTime() + 18 * hour);
    expect(remindAtFor(T, new Date(T.getTime() + 2 * hour)).getTime()).toBe(T.getTime() + hour);
    // A deadline under an hour away: remind at once.
    expect(remindAtFor(T, new Date(T.getTime() + hour / 2)).getTime()).toBe(T.getTime());
  });

  it('a dispute starts at the grid; handling is the community’s mediation, a whistle the street’s, unless staff choose', () => {
    const dispute = { category: '矛盾纠纷' as const };
    expect(tierFor(dispute, 'report')).toBe('grid');
    expect(tierFor(dispute, 'handle')).toBe('community');
    expect(tierFor(dispute, 'whistle')).toBe('street');
    expect(tierFor(dispute, 'handle', 'grid')).toBe('grid');
    expect(tierFor({ category: '环境卫生' }, 'whistle')).toBeUndefined();
  });
});
