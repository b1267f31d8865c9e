/**
 * The `community`, `catalog` and `volunteer` functions through /client/callFunction, on the demo
 * data, as the people who use them: administrators, staff, grid workers, residents, applicants.
 * Every refused request is also checked to have written nothing.
 */
import { EJSON } from 'bson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionName, InputOf } from '../../core/contract';
import type { Reply } from '../../core/reply';
import { DEFAULT_AFFAIR_RULES } from '../../core/settings';
import { inZone } from '../../core/time';
import type { LocalCloud } from '../../localcloud/src/server';
import { approveRuleChanges, call, DEMO, ok, phoneCode, snapshot, startLinli } from '../helpers/linli';

/** A stored document, read straight from the engine. */
function stored<T = Record<string, unknown>>(cloud: LocalCloud, collection: string, id: string): T | undefined {
  for (const line of cloud.engine.exportLines()) {
    const parsed = EJSON.parse(line) as { collection: string; doc?: { _id: unknown } };
    if (parsed.collection === collection && parsed.doc?._id === id) return parsed.doc as T;
  }
  return undefined;
}

function storedAll<T = Record<string, unknown>>(cloud: LocalCloud, collection: string): T[] {
  return [...cloud.engine.exportLines()]
    .map((line) => EJSON.parse(line) as { collection: string; doc?: T })
    .filter((parsed) => parsed.collection === collection && parsed.doc)
    .map((parsed) => parsed.doc as T);
}

/** A call by someone WeChat could not identify (no openid), as a web page outside the mini-program would be. */
async function callAnonymously(cloud: LocalCloud, action: ActionName, input: unknown): Promise<Reply<unknown>> {
  const response = await fetch(`${cloud.url}/__linli/api/functions/${action.split('.')[0]}/invoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ openid: '', data: { action, input } }),
  });
  return ((await response.json()) as { result: Reply<unknown> }).result;
}

/** Calls as `openid` and expects a refusal with `code` (and `message`, when given) that wrote nothing. */
async function refused<A extends ActionName>(
  cloud: LocalCloud,
  openid: string,
  action: A,
  input: InputOf<A>,
  code: string,
  message?: string | RegExp,
): Promise<string> {
  const before = snapshot(cloud);
  const reply = await call(cloud, openid, action, input);
  if (reply.ok) throw new Error(`${action} by ${openid}: expected ${code}, got ok`);
  expect(reply.error.code).toBe(code);
  if (typeof message === 'string') expect(reply.error.message).toBe(message);
  else if (message) expect(reply.error.message).toMatch(message);
  expect(snapshot(cloud)).toBe(before);
  return reply.error.message;
}

async function refusedAnonymously(cloud: LocalCloud, action: ActionName, input: unknown): Promise<void> {
  const before = snapshot(cloud);
  expect(await callAnonymously(cloud, action, input)).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
  expect(snapshot(cloud)).toBe(before);
}

/** The limits and caps a community has until it sets its own. */
const DEFAULT_LIMITS = {
  orderLimits: { openPerResident: 5, perResidentPerDay: 10, openOnBehalf: 50, onBehalfPerDay: 100 },
  pointsCaps: { servicePoints: 100, scoreMultiplier: 2, activityPointsPerHour: 50, awardPoints: 500 },
  minutesCheckRatio: 3,
  dailyLimits: { redemptions: 10, certificates: 10, nominations: 20, corrections: 10, handBacks: 5 },
  affairRules: DEFAULT_AFFAIR_RULES,
  householdsPerLinker: 10,
};

const GRIDS = [
  { id: 'm1', name: '东区', buildings: ['1号楼', '2号楼'] },
  { id: 'm2', name: '西区', buildings: ['3号楼'] },
];

/**
 * A second community with its own staff member, made through the functions themselves: the admin
 * creates it and invites them, they join with the code.
 */
async function secondCommunity(cloud: LocalCloud, name = '明月里社区'): Promise<{ communityId: string; staff: string }> {
  const community = ok(await call(cloud, DEMO.admin, 'community.create', { name, grids: GRIDS }));
  const { code } = ok(await call(cloud, DEMO.admin, 'community.invite', { communityId: community.id, role: 'staff' }));
  const staff = `o-staff-${community.id}`;
  ok(await call(cloud, staff, 'community.join', { code, name: '周主任', phone: '13900000001' }));
  return { communityId: community.id, staff };
}

/** A date `years` years before the cloud's today (Beijing time), shifted by `days`. */
const yearsAgo = (cloud: LocalCloud, years: number, days = 0) =>
  inZone(cloud.clock.now()).subtract(years, 'year').add(days, 'day').format('YYYY-MM-DD');

describe('community', () => {
  let cloud: LocalCloud;
  let other: { communityId: string; staff: string };
  beforeAll(async () => {
    cloud = await startLinli();
    other = await secondCommunity(cloud);
  });
  afterAll(() => cloud.close());

  it('lists the communities to choose from, to anyone in WeChat', async () => {
    const list = ok(await call(cloud, 'o-passer-by', 'community.list', {}));
    expect(list.map((c) => c.name).sort()).toEqual(['幸福里社区', '明月里社区'].sort());
    expect(list.find((c) => c.id === DEMO.community)).toEqual({
      id: DEMO.community,
      name: '幸福里社区',
      district: '示范街道',
      grids: [
        { id: 'g1', name: '第一网格', buildings: ['1栋', '2栋', '3栋'] },
        { id: 'g2', name: '第二网格', buildings: ['4栋', '5栋', '6栋'] },
      ],
    });
    await refusedAnonymously(cloud, 'community.list', {});
  });

  it('shows one community with its settings; a missing or malformed id is explained', async () => {
    const detail = ok(await call(cloud, 'o-passer-by', 'community.get', { communityId: DEMO.community }));
    // The demo community was stored without an hour-rounding rule or limits: the defaults are shown (and used).
    expect(detail.settings).toEqual({
      requireOrderReview: false,
      scoreMultipliers: { '1': 0.5, '2': 0.8, '3': 1, '4': 1.1, '5': 1.2 },
      acceptTimeoutMinutes: 30,
      hourRounding: { steps: [{ upToMinutes: 15, hours: 0 }, { upToMinutes: 45, hours: 0.5 }, { upToMinutes: 60, hours: 1 }] },
      ...DEFAULT_LIMITS,
    });
    await refused(cloud, 'o-passer-by', 'community.get', { communityId: 'nowhere' }, 'NOT_FOUND', '社区不存在');
    await refused(cloud, 'o-passer-by', 'community.get', { communityId: '  ' }, 'INVALID_INPUT', '缺少编号');
    await refusedAnonymously(cloud, 'community.get', { communityId: DEMO.community });
  });

  it('an administrator creates a community with a generated id and the default settings', async () => {
    const created = ok(await call(cloud, DEMO.admin, 'community.create', { name: '  春风里社区 ', district: '春风街道', grids: GRIDS }));
    expect(created.id).toMatch(/^[0-9a-f]{24}$/);
    expect(created).toMatchObject({ name: '春风里社区', district: '春风街道', grids: GRIDS });
    expect(created.settings).toEqual({
      requireOrderReview: false,
      scoreMultipliers: { '1': 0.5, '2': 0.8, '3': 1, '4': 1.1, '5': 1.2 },
      acceptTimeoutMinutes: 30,
      // 志愿山城's rule: ≤15 min → 0 h, ≤45 min → 0.5 h, ≤60 min → 1 h.
      hourRounding: { steps: [{ upToMinutes: 15, hours: 0 }, { upToMinutes: 45, hours: 0.5 }, { upToMinutes: 60, hours: 1 }] },
      ...DEFAULT_LIMITS,
    });
    expect(stored(cloud, 'communities', created.id)).toMatchObject({ name: '春风里社区', settings: created.settings });

    const custom = ok(await call(cloud, DEMO.admin, 'community.create', { name: '秋实里社区', grids: GRIDS, settings: { requireOrderReview: true, acceptTimeoutMinutes: 60 } }));
    expect(custom.settings).toMatchObject({ requireOrderReview: true, acceptTimeoutMinutes: 60, scoreMultipliers: { '3': 1 } });
  });

  it('community names are unique, even when two administrators create one at the same moment', async () => {
    await refused(cloud, DEMO.admin, 'community.create', { name: '幸福里社区', grids: GRIDS }, 'CONFLICT', '已有名为“幸福里社区”的社区');
    const replies = await Promise.all([1, 2, 3].map(() => call(cloud, DEMO.admin, 'community.create', { name: '同时社区', grids: GRIDS })));
    expect(replies.filter((r) => r.ok)).toHaveLength(1);
    expect(replies.filter((r) => !r.ok).map((r) => !r.ok && r.error.code)).toEqual(['CONFLICT', 'CONFLICT']);
    expect(storedAll<{ name: string }>(cloud, 'communities').filter((c) => c.name === '同时社区')).toHaveLength(1);
  });

  it('refuses bad community definitions in Chinese, writing nothing', async () => {
    const duplicated = [GRIDS[0]!, { id: 'm1', name: '重复', buildings: ['9号楼'] }];
    await refused(cloud, DEMO.admin, 'community.create', { name: '新社区', grids: duplicated }, 'INVALID_INPUT', '网格编号“m1”重复');
    await refused(cloud, DEMO.admin, 'community.create', { name: '新社区', grids: [] }, 'INVALID_INPUT', '至少设置一个网格');
    await refused(cloud, DEMO.admin, 'community.create', { name: '新社区', grids: [{ id: 'a b', name: '甲', buildings: ['1'] }] }, 'INVALID_INPUT', '网格编号只能包含字母、数字、- 和 _');
    await refused(cloud, DEMO.admin, 'community.create', { name: '新社区', grids: [{ id: 'a', name: '甲', buildings: ['1栋', '1栋'] }] }, 'INVALID_INPUT', '同一网格内的楼栋不能重复');
    await refused(cloud, DEMO.admin, 'community.create', { name: '', grids: GRIDS }, 'INVALID_INPUT', '请填写社区名称');
  });

  it('only an administrator creates communities', async () => {
    await refused(cloud, DEMO.staff, 'community.create', { name: '越权社区', grids: GRIDS }, 'FORBIDDEN');
    await refused(cloud, DEMO.resident, 'community.create', { name: '越权社区', grids: GRIDS }, 'FORBIDDEN');
    await refused(cloud, 'o-passer-by', 'community.create', { name: '越权社区', grids: GRIDS }, 'UNAUTHENTICATED');
  });

  it('staff change their own community’s settings, field by field; what changes pay waits for a second staff member', async () => {
    const updated = ok(await call(cloud, DEMO.staff, 'community.updateSettings', { communityId: DEMO.community, requireOrderReview: true, acceptTimeoutMinutes: 45 }));
    expect(updated.settings).toEqual({
      requireOrderReview: true,
      acceptTimeoutMinutes: 45,
      scoreMultipliers: { '1': 0.5, '2': 0.8, '3': 1, '4': 1.1, '5': 1.2 },
      hourRounding: { steps: [{ upToMinutes: 15, hours: 0 }, { upToMinutes: 45, hours: 0.5 }, { upToMinutes: 60, hours: 1 }] },
      ...DEFAULT_LIMITS,
    });
    expect(updated.proposals).toEqual([]);
    const quarters = { steps: [{ upToMinutes: 15, hours: 0.25 }, { upToMinutes: 30, hours: 0.5 }, { upToMinutes: 45, hours: 0.75 }, { upToMinutes: 60, hours: 1 }] };
    const rounding = ok(await call(cloud, DEMO.staff, 'community.updateSettings', { communityId: DEMO.community, hourRounding: quarters }));
    expect(rounding.proposals).toMatchObject([{ subject: '服务时长折算规则', status: 'pending', mine: true }]);
    const multipliers = { '1': 0.6, '2': 0.9, '3': 1, '4': 1.2, '5': 1.5 };
    ok(await call(cloud, DEMO.staff, 'community.updateSettings', { communityId: DEMO.community, scoreMultipliers: multipliers }));
    // Nothing that pays has changed yet.
    expect(stored(cloud, 'communities', DEMO.community)).not.toHaveProperty('settings.hourRounding');
    expect(stored(cloud, 'communities', DEMO.community)).toMatchObject({ settings: { requireOrderReview: true, acceptTimeoutMinutes: 45, scoreMultipliers: { '5': 1.2 } } });
    expect(await approveRuleChanges(cloud, DEMO.staff2)).toBe(2);
    expect(stored(cloud, 'communities', DEMO.community)).toMatchObject({ settings: { requireOrderReview: true, acceptTimeoutMinutes: 45, scoreMultipliers: multipliers, hourRounding: quarters } });
    // An administrator may change any community's.
    const byAdmin = ok(await call(cloud, DEMO.admin, 'community.updateSettings', { communityId: other.communityId, requireOrderReview: true }));
    expect(byAdmin.settings.requireOrderReview).toBe(true);
  });

  it('refuses settings that make no sense, writing nothing', async () => {
    await refused(cloud, DEMO.staff, 'community.updateSettings', { communityId: DEMO.community }, 'INVALID_INPUT', '请至少修改一项设置');
    await refused(cloud, DEMO.staff, 'community.updateSettings', { communityId: DEMO.community, scoreMultipliers: { '1': 1.2, '2': 1.1, '3': 1, '4': 0.8, '5': 0.5 } }, 'INVALID_INPUT', '积分倍数应随评分从 1 分到 5 分递增（或持平）');
    await refused(cloud, DEMO.staff, 'community.updateSettings', { communityId: DEMO.community, acceptTimeoutMinutes: 0 }, 'INVALID_INPUT', '接单时限（分钟）至少为 1');
    await refused(cloud, DEMO.staff, 'community.updateSettings', { communityId: DEMO.community, scoreMultipliers: { '1': -1, '2': 1, '3': 1, '4': 1, '5': 1 } }, 'INVALID_INPUT', '1 分的积分倍数不能为负数');
    await refused(cloud, DEMO.admin, 'community.updateSettings', { communityId: 'nowhere', requireOrderReview: true }, 'NOT_FOUND', '社区不存在');
    const rounding = (steps: Array<{ upToMinutes: number; hours: number }>) => ({ communityId: DEMO.community, hourRounding: { steps } });
    await refused(cloud, DEMO.staff, 'community.updateSettings', rounding([{ upToMinutes: 30, hours: 0.5 }]), 'INVALID_INPUT', '最后一档应到 60 分钟');
    await refused(cloud, DEMO.staff, 'community.updateSettings', rounding([{ upToMinutes: 45, hours: 1 }, { upToMinutes: 60, hours: 0.5 }]), 'INVALID_INPUT', '服务时间越长，折算的小时不能越少');
    await refused(cloud, DEMO.staff, 'community.updateSettings', rounding([{ upToMinutes: 40, hours: 0 }, { upToMinutes: 30, hours: 1 }, { upToMinutes: 60, hours: 1 }]), 'INVALID_INPUT', '各档分钟数应从小到大排列');
    await refused(cloud, DEMO.staff, 'community.updateSettings', rounding([{ upToMinutes: 60, hours: 1.5 }]), 'INVALID_INPUT', '每档折算小时应在 0–1 之间，最多两位小数');
  });

  it('staff cannot change another community’s settings; residents cannot change any', async () => {
    await refused(cloud, other.staff, 'community.updateSettings', { communityId: DEMO.community, requireOrderReview: false }, 'FORBIDDEN', '只能修改本社区的设置');
    await refused(cloud, DEMO.resident, 'community.updateSettings', { communityId: DEMO.community, requireOrderReview: false }, 'FORBIDDEN');
    await refused(cloud, DEMO.volunteer, 'community.updateSettings', { communityId: DEMO.community, requireOrderReview: false }, 'FORBIDDEN');
  });

  it('staff invite a grid worker: an 8-digit code valid for 7 days; joining makes a grid worker of their grids', async () => {
    const invited = ok(await call(cloud, DEMO.staff, 'community.invite', { communityId: DEMO.community, role: 'grid_worker', gridIds: ['g2', 'g2'] }));
    expect(invited.code).toMatch(/^[A-HJKMNP-Z2-9]{12}$/);
    const validFor = new Date(invited.expiresAt).getTime() - cloud.clock.now();
    expect(validFor).toBeGreaterThan(7 * 24 * 3600_000 - 60_000);
    expect(validFor).toBeLessThanOrEqual(7 * 24 * 3600_000);
    expect(stored(cloud, 'invitations', invited.code)).toMatchObject({ communityId: DEMO.community, role: 'grid_worker', gridIds: ['g2'], createdBy: DEMO.staff });

    const me = ok(await call(cloud, 'o-grid-worker', 'community.join', { code: invited.code, name: '网格员小赵', phone: '13900000002' }));
    expect(me).toMatchObject({ openid: 'o-grid-worker', roles: ['grid_worker'], communityId: DEMO.community, profile: { name: '网格员小赵', phone: '13900000002' } });
    expect(stored(cloud, 'users', 'o-grid-worker')).toMatchObject({ communityId: DEMO.community, roles: ['grid_worker'], gridIds: ['g2'], address: { gridId: 'g2', building: '社区办公场所' } });
    expect(stored(cloud, 'invitations', invited.code)).toMatchObject({ usedBy: 'o-grid-worker' });
  });

  it('a resident invited as staff stays a resident, with their own profile', async () => {
    const { code } = ok(await call(cloud, DEMO.admin, 'community.invite', { communityId: DEMO.community, role: 'staff' }));
    const me = ok(await call(cloud, DEMO.resident, 'community.join', { code, name: '别的名字', phone: '13900000003' }));
    expect(me.roles.sort()).toEqual(['resident', 'staff']);
    expect(me.profile).toMatchObject({ name: '张秀英', phone: '13800000020', address: { room: '101' } });
  });

  it('an invitation is used once: of several people joining at once, exactly one gets it', async () => {
    const { code } = ok(await call(cloud, DEMO.admin, 'community.invite', { communityId: DEMO.community, role: 'staff' }));
    const people = Array.from({ length: 6 }, (_, i) => `o-racer-${i}`);
    const replies = await Promise.all(people.map((openid) => call(cloud, openid, 'community.join', { code, name: '抢码人', phone: '13900000004' })));
    const winners = people.filter((_, i) => replies[i]!.ok);
    expect(winners).toHaveLength(1);
    for (const reply of replies.filter((r) => !r.ok)) expect(reply).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: '邀请码已被使用，请联系社区重新邀请' } });
    expect(people.filter((openid) => stored(cloud, 'users', openid))).toEqual(winners);
    expect(stored(cloud, 'invitations', code)).toMatchObject({ usedBy: winners[0] });
    // Used is used: the same code later fails too.
    await refused(cloud, 'o-late', 'community.join', { code, name: '迟到者', phone: '13900000005' }, 'CONFLICT', '邀请码已被使用，请联系社区重新邀请');
  });

  it('a code is not burned on someone who cannot use it', async () => {
    const { code } = ok(await call(cloud, DEMO.admin, 'community.invite', { communityId: DEMO.community, role: 'staff' }));
    await refused(cloud, DEMO.staff, 'community.join', { code, name: '刘晓梅', phone: '13800000010' }, 'CONFLICT', '您已经是该社区的社区工作人员');
    await refused(cloud, other.staff, 'community.join', { code, name: '周主任', phone: '13900000001' }, 'CONFLICT', '您已登记在其他社区，不能加入该社区的工作人员');
    expect(stored(cloud, 'invitations', code)).not.toHaveProperty('usedBy');
    ok(await call(cloud, 'o-new-colleague', 'community.join', { code, name: '新同事', phone: '13900000006' }));
  });

  it('refuses bad invitations, writing nothing', async () => {
    await refused(cloud, DEMO.staff, 'community.invite', { communityId: DEMO.community, role: 'grid_worker' }, 'INVALID_INPUT', '邀请网格员时请选择其负责的网格');
    await refused(cloud, DEMO.admin, 'community.invite', { communityId: DEMO.community, role: 'staff', gridIds: ['g1'] }, 'INVALID_INPUT', '社区工作人员负责整个社区，不需要选择网格');
    await refused(cloud, DEMO.staff, 'community.invite', { communityId: DEMO.community, role: 'grid_worker', gridIds: ['m1'] }, 'INVALID_INPUT', '网格“m1”不属于幸福里社区');
    await refused(cloud, DEMO.staff, 'community.invite', { communityId: DEMO.community, role: 'boss' as 'staff' }, 'INVALID_INPUT', '角色只能是社区工作人员、网格员或部门人员');
  });

  it('only staff of the community (or an administrator) invite', async () => {
    await refused(cloud, other.staff, 'community.invite', { communityId: DEMO.community, role: 'grid_worker', gridIds: ['g1'] }, 'FORBIDDEN', '只能邀请本社区的工作人员');
    // Staff approve what pays: they do not appoint colleagues (who could be their own second account).
    await refused(cloud, DEMO.staff, 'community.invite', { communityId: DEMO.community, role: 'staff' }, 'FORBIDDEN', '社区工作人员由管理员邀请；工作人员可以邀请网格员');
    await refused(cloud, DEMO.applicant, 'community.invite', { communityId: DEMO.community, role: 'staff' }, 'FORBIDDEN');
    await refused(cloud, DEMO.volunteer, 'community.invite', { communityId: DEMO.community, role: 'staff' }, 'FORBIDDEN');
    await refused(cloud, 'o-grid-worker', 'community.invite', { communityId: DEMO.community, role: 'staff' }, 'FORBIDDEN');
    await refused(cloud, 'o-passer-by', 'community.invite', { communityId: DEMO.community, role: 'staff' }, 'UNAUTHENTICATED');
  });

  it('refuses bad codes, writing nothing', async () => {
    await refused(cloud, 'o-hopeful', 'community.join', { code: '1234', name: '王五', phone: '13900000007' }, 'INVALID_INPUT', '邀请码是 12 位字母和数字，请核对后重新输入');
    await refused(cloud, 'o-hopeful', 'community.join', { code: 'ABCD-EFGH-JKMN', name: '王五', phone: '13900000007' }, 'NOT_FOUND', '邀请码不存在，请核对后重新输入');
    await refused(cloud, 'o-hopeful', 'community.join', { code: 'ABCDEFGHJKMN', name: '', phone: '13900000007' }, 'INVALID_INPUT', '请填写姓名');
    await refusedAnonymously(cloud, 'community.join', { code: 'ABCDEFGHJKMN', name: '王五', phone: '13900000007' });
  });

  // Last in this block: it moves the cloud's clock forward.
  it('a code expires after 7 days', async () => {
    const { code } = ok(await call(cloud, DEMO.admin, 'community.invite', { communityId: other.communityId, role: 'grid_worker', gridIds: ['m2'] }));
    cloud.clock.advance(7 * 24 * 3600_000 + 1000);
    await refused(cloud, 'o-too-late', 'community.join', { code, name: '王五', phone: '13900000007' }, 'CONFLICT', '邀请码已过期，请联系社区重新邀请');
  });
});

describe('catalog', () => {
  let cloud: LocalCloud;
  let other: { communityId: string; staff: string };
  const item = { name: '代取药品', category: '助老服务', skills: ['跑腿', '跑腿'], expectedMinutes: 45, basePoints: 12, slaHours: 24, description: '到社区卫生服务站代取常用药' };
  beforeAll(async () => {
    cloud = await startLinli({ sensitiveWords: ['赌博'] });
    other = await secondCommunity(cloud);
  });
  afterAll(() => cloud.close());

  it('anyone in WeChat sees a community’s services, sorted by category', async () => {
    const list = ok(await call(cloud, 'o-passer-by', 'catalog.list', { communityId: DEMO.community }));
    expect(list).toHaveLength(7);
    expect(list.map((s) => s.category)).toEqual([...list.map((s) => s.category)].sort());
    expect(list.find((s) => s.id === 'svc-meal')).toEqual({
      id: 'svc-meal',
      communityId: DEMO.community,
      name: '助餐送餐',
      category: '助老服务',
      skills: ['送餐'],
      expectedMinutes: 30,
      basePoints: 10,
      slaHours: 4,
      description: '为行动不便的老人送餐上门',
      archived: false,
      picture: 'meal',
    });
    expect(ok(await call(cloud, 'o-passer-by', 'catalog.list', { communityId: other.communityId }))).toEqual([]);
    await refused(cloud, 'o-passer-by', 'catalog.list', { communityId: 'nowhere' }, 'NOT_FOUND', '社区不存在');
    await refused(cloud, 'o-passer-by', 'catalog.list', { communityId: '' }, 'INVALID_INPUT', '缺少编号');
    await refusedAnonymously(cloud, 'catalog.list', { communityId: DEMO.community });
  });

  it('only the community’s staff see archived services', async () => {
    await refused(cloud, DEMO.resident, 'catalog.list', { communityId: DEMO.community, includeArchived: true }, 'FORBIDDEN', '只有本社区工作人员可以查看已下架的服务');
    await refused(cloud, other.staff, 'catalog.list', { communityId: DEMO.community, includeArchived: true }, 'FORBIDDEN');
  });

  let created: string;
  it('staff add a service to their own community, with a generated id; it is offered once a colleague approves its points', async () => {
    const view = ok(await call(cloud, DEMO.staff, 'catalog.upsert', item));
    created = view.id;
    expect(view).toEqual({ ...item, id: expect.stringMatching(/^[0-9a-f]{24}$/), communityId: DEMO.community, skills: ['跑腿'], basePoints: 0, pendingBasePoints: item.basePoints, awaitingListing: true, archived: true, picture: 'errand' });
    expect(ok(await call(cloud, DEMO.resident, 'catalog.list', { communityId: DEMO.community })).map((s) => s.id)).not.toContain(created);
    // Putting it on offer now would offer it at 0 points.
    await refused(cloud, DEMO.staff, 'catalog.archive', { id: created, archived: false }, 'CONFLICT', '该服务的积分正在审核，审核通过后会自动上架');
    // A colleague saving the form with the points already proposed proposes nothing new.
    expect(ok(await call(cloud, DEMO.staff2, 'catalog.upsert', { ...item, id: created }))).toMatchObject({ pendingBasePoints: item.basePoints, awaitingListing: true });
    expect(storedAll<{ targetId: string; status: string }>(cloud, 'rule_changes').filter((change) => change.targetId === created).map((change) => change.status)).toEqual(['pending']);
    expect(await approveRuleChanges(cloud, DEMO.staff2)).toBe(1);
    expect(ok(await call(cloud, DEMO.resident, 'catalog.list', { communityId: DEMO.community })).find((s) => s.id === created)).toMatchObject({ basePoints: item.basePoints, archived: false });
    // Staff of another community adding one puts it in theirs, whatever they send.
    const theirs = ok(await call(cloud, other.staff, 'catalog.upsert', item));
    expect(theirs.communityId).toBe(other.communityId);
  });

  it('staff edit their community’s service; the whole item is replaced, the points once approved', async () => {
    const { description: _dropped, ...withoutDescription } = item;
    void _dropped;
    const view = ok(await call(cloud, DEMO.staff, 'catalog.upsert', { ...withoutDescription, id: created, basePoints: 15 }));
    expect(view).toMatchObject({ id: created, basePoints: item.basePoints, pendingBasePoints: 15, archived: false });
    expect(view.description).toBeUndefined();
    expect(stored(cloud, 'services', created)).not.toHaveProperty('description');
    await approveRuleChanges(cloud, DEMO.staff2);
    expect(stored(cloud, 'services', created)).toMatchObject({ basePoints: 15, communityId: DEMO.community });
    expect(stored(cloud, 'services', created)).not.toHaveProperty('pendingRuleChange');
  });

  it('two services of a community cannot share a name', async () => {
    await refused(cloud, DEMO.staff, 'catalog.upsert', { ...item, name: '助餐送餐' }, 'CONFLICT', '本社区已有名为“助餐送餐”的服务');
    await refused(cloud, DEMO.staff, 'catalog.upsert', { ...item, id: created, name: '助餐送餐' }, 'CONFLICT');
  });

  it('refuses bad services in Chinese, writing nothing', async () => {
    await refused(cloud, DEMO.staff, 'catalog.upsert', { ...item, skills: [] }, 'INVALID_INPUT', '至少需要一项技能');
    await refused(cloud, DEMO.staff, 'catalog.upsert', { ...item, basePoints: -1 }, 'INVALID_INPUT', '基础积分不能为负数');
    await refused(cloud, DEMO.staff, 'catalog.upsert', { ...item, expectedMinutes: 1.5 }, 'INVALID_INPUT', '预计用时（分钟）必须是整数');
    await refused(cloud, DEMO.staff, 'catalog.upsert', { ...item, name: '   ' }, 'INVALID_INPUT', '请填写服务名称');
    await refused(cloud, DEMO.staff, 'catalog.upsert', { ...item, id: 'svc-none' }, 'NOT_FOUND', '服务项目不存在');
    await refused(cloud, DEMO.staff, 'catalog.upsert', { ...item, name: '赌博指导' }, 'CONTENT_RISKY');
  });

  it('only staff change the catalogue, and only their own community’s', async () => {
    await refused(cloud, other.staff, 'catalog.upsert', { ...item, id: 'svc-meal', name: '助餐送餐' }, 'FORBIDDEN', '只能管理本社区的服务项目');
    await refused(cloud, DEMO.resident, 'catalog.upsert', item, 'FORBIDDEN');
    await refused(cloud, DEMO.volunteer, 'catalog.upsert', { ...item, id: 'svc-meal' }, 'FORBIDDEN');
    await refused(cloud, 'o-passer-by', 'catalog.upsert', item, 'UNAUTHENTICATED');
  });

  it('staff archive a service: residents no longer see it, staff still do; it can come back', async () => {
    const archived = ok(await call(cloud, DEMO.staff, 'catalog.archive', { id: 'svc-clean' }));
    expect(archived).toMatchObject({ id: 'svc-clean', archived: true });
    expect(stored(cloud, 'services', 'svc-clean')).toMatchObject({ archived: true });
    expect(ok(await call(cloud, DEMO.resident, 'catalog.list', { communityId: DEMO.community })).map((s) => s.id)).not.toContain('svc-clean');
    const forStaff = ok(await call(cloud, DEMO.staff, 'catalog.list', { communityId: DEMO.community, includeArchived: true }));
    expect(forStaff.find((s) => s.id === 'svc-clean')).toMatchObject({ archived: true });

    expect(ok(await call(cloud, DEMO.staff, 'catalog.archive', { id: 'svc-clean', archived: false }))).toMatchObject({ archived: false });
    expect(ok(await call(cloud, DEMO.resident, 'catalog.list', { communityId: DEMO.community })).map((s) => s.id)).toContain('svc-clean');
  });

  it('refuses archiving what is not there or not theirs, writing nothing', async () => {
    await refused(cloud, DEMO.staff, 'catalog.archive', { id: '' }, 'INVALID_INPUT', '缺少编号');
    await refused(cloud, DEMO.staff, 'catalog.archive', { id: 'svc-meal', archived: 'yes' as unknown as boolean }, 'INVALID_INPUT', '是否下架应为“是”或“否”');
    await refused(cloud, DEMO.staff, 'catalog.archive', { id: 'svc-none' }, 'NOT_FOUND', '服务项目不存在');
    await refused(cloud, other.staff, 'catalog.archive', { id: 'svc-meal' }, 'FORBIDDEN', '只能管理本社区的服务项目');
    await refused(cloud, DEMO.resident, 'catalog.archive', { id: 'svc-meal' }, 'FORBIDDEN');
    await refused(cloud, DEMO.volunteer, 'catalog.archive', { id: 'svc-meal' }, 'FORBIDDEN');
  });
});

describe('volunteer', () => {
  let cloud: LocalCloud;
  let other: { communityId: string; staff: string };
  let colleague: string;

  /** Registers a resident of the demo community through user.register. */
  async function resident(openid: string, gridId = 'g1', building = '1栋'): Promise<string> {
    ok(await call(cloud, openid, 'user.register', { consent: true, communityId: DEMO.community, name: '居民', phoneCode: await phoneCode(cloud, openid, '13700000001'), address: { gridId, building } }));
    return openid;
  }

  const application = (overrides: Partial<InputOf<'volunteer.apply'>> = {}): InputOf<'volunteer.apply'> => ({
    realName: '孙志强',
    birthDate: '1990-06-15',
    skills: ['送餐', '陪伴', '送餐'],
    availability: '周末上午',
    partyMember: true,
    partyOrganisation: '某区机关第三党支部',
    gridId: 'g1',
    building: '2栋',
    consent: true,
    ...overrides,
  });

  beforeAll(async () => {
    cloud = await startLinli();
    other = await secondCommunity(cloud);
    const { code } = ok(await call(cloud, DEMO.admin, 'community.invite', { communityId: DEMO.community, role: 'staff' }));
    colleague = 'o-colleague';
    ok(await call(cloud, colleague, 'community.join', { code, name: '吴同事', phone: '13900000010' }));
    // Joined with a typed phone: verified through WeChat's button before applying as a volunteer.
    ok(await call(cloud, colleague, 'user.bindPhone', { code: await phoneCode(cloud, colleague, '13900000010') }));
  });
  afterAll(() => cloud.close());

  it('a registered resident applies; the application waits for review, with zeroed stats', async () => {
    const openid = await resident('o-adult');
    const view = ok(await call(cloud, openid, 'volunteer.apply', application()));
    const age = Number(inZone(cloud.clock.now()).format('YYYY')) - 1990 - (inZone(cloud.clock.now()).format('MM-DD') < '06-15' ? 1 : 0);
    expect(view).toEqual({
      openid,
      realName: '孙志强',
      phone: '13700000001',
      skills: ['送餐', '陪伴'],
      availability: '周末上午',
      available: true,
      partyMember: true,
      partyOrganisation: '某区机关第三党支部',
      gridId: 'g1',
      status: 'pending',
      appliedAt: expect.any(String),
      age,
      stats: { activeOrders: 0, completedOrders: 0, averageStars: null },
    });
    expect(stored(cloud, 'volunteers', openid)).toMatchObject({
      communityId: DEMO.community,
      birthDate: '1990-06-15',
      building: '2栋',
      guardianConsent: false,
      status: 'pending',
      stats: { activeOrders: 0, completedOrders: 0, ratingSum: 0, ratingCount: 0 },
    });
    const me = ok(await call(cloud, openid, 'user.me', {}));
    expect(me.volunteer).toEqual({ status: 'pending', available: true, hours: 0, level: { stars: 0, nextAt: 100, toNext: 100 } });
    expect(me.roles).not.toContain('volunteer');
  });

  it('one application at a time: pending or approved cannot apply again', async () => {
    await refused(cloud, 'o-adult', 'volunteer.apply', application(), 'CONFLICT', '您的志愿者申请正在审核中，请耐心等待');
    await refused(cloud, DEMO.applicant, 'volunteer.apply', application(), 'CONFLICT', '您的志愿者申请正在审核中，请耐心等待');
    await refused(cloud, DEMO.volunteer, 'volunteer.apply', application(), 'CONFLICT', '您已经是志愿者了');
    // A double tap: two submissions at once make one application.
    const openid = await resident('o-double-tap');
    const replies = await Promise.all([call(cloud, openid, 'volunteer.apply', application()), call(cloud, openid, 'volunteer.apply', application())]);
    expect(replies.filter((r) => r.ok)).toHaveLength(1);
  });

  it('under 14 cannot apply', async () => {
    const openid = await resident('o-child');
    const message = '未满 14 周岁暂不能注册为志愿者，欢迎在家长陪同下参加社区活动';
    await refused(cloud, openid, 'volunteer.apply', application({ birthDate: yearsAgo(cloud, 13), guardianConsent: true, partyMember: false, partyOrganisation: undefined }), 'INVALID_INPUT', message);
    // Fourteen tomorrow is still thirteen today.
    await refused(cloud, openid, 'volunteer.apply', application({ birthDate: yearsAgo(cloud, 14, 1), guardianConsent: true, partyMember: false, partyOrganisation: undefined }), 'INVALID_INPUT', message);
  });

  it('14 to 17 need their guardian’s consent', async () => {
    const openid = await resident('o-teen');
    const teen = { birthDate: yearsAgo(cloud, 14), partyMember: false, partyOrganisation: undefined };
    await refused(cloud, openid, 'volunteer.apply', application(teen), 'INVALID_INPUT', '未满 18 周岁申请成为志愿者需征得监护人同意，请由监护人确认后勾选“监护人已同意”');
    await refused(cloud, openid, 'volunteer.apply', application({ ...teen, guardianConsent: false }), 'INVALID_INPUT', /监护人同意/);
    const seventeen = { birthDate: yearsAgo(cloud, 18, 1), partyMember: false, partyOrganisation: undefined };
    await refused(cloud, openid, 'volunteer.apply', application(seventeen), 'INVALID_INPUT', /监护人同意/);

    const view = ok(await call(cloud, openid, 'volunteer.apply', application({ ...teen, guardianConsent: true })));
    expect(view).toMatchObject({ age: 14, status: 'pending', partyMember: false });
    expect(view.partyOrganisation).toBeUndefined();
    expect(stored(cloud, 'volunteers', openid)).toMatchObject({ guardianConsent: true, birthDate: teen.birthDate });
    // Eighteen today needs nobody's consent.
    const adult = await resident('o-just-eighteen');
    expect(ok(await call(cloud, adult, 'volunteer.apply', application({ birthDate: yearsAgo(cloud, 18) }))).age).toBe(18);
  });

  it('keeps the optional personal fields of 办法 Art. 5 when given, and shows the ID number only masked', async () => {
    const openid = await resident('o-art5');
    const view = ok(await call(cloud, openid, 'volunteer.apply', application({ birthDate: '1949-12-31', gender: '女', idNumber: '110105 19491231 002x' })));
    expect(view).toMatchObject({ gender: '女', idNumberMasked: '110105********002X' });
    expect(JSON.stringify(view)).not.toContain('19491231002X');
    expect(stored(cloud, 'volunteers', openid)).toMatchObject({ gender: '女', idNumber: '11010519491231002X' });
    // Without them, nothing is stored (an empty ID field is “not given”).
    const plain = await resident('o-art5-plain');
    ok(await call(cloud, plain, 'volunteer.apply', application({ idNumber: '' })));
    expect(stored(cloud, 'volunteers', plain)).not.toHaveProperty('idNumber');
    expect(stored(cloud, 'volunteers', plain)).not.toHaveProperty('gender');
  });

  it('refuses bad applications in Chinese, writing nothing', async () => {
    const openid = await resident('o-careless');
    const cases: Array<[Partial<InputOf<'volunteer.apply'>>, string | RegExp]> = [
      [{ birthDate: inZone(cloud.clock.now()).add(1, 'day').format('YYYY-MM-DD') }, '出生日期不能晚于今天'],
      [{ birthDate: '2001-02-30' }, '出生日期无效'],
      [{ birthDate: '15/06/1990' }, '出生日期格式应为 YYYY-MM-DD'],
      [{ birthDate: '1880-01-01' }, '请核对出生日期'],
      [{ gridId: 'm1' }, '所选网格不属于您所在的社区'],
      [{ building: '9栋' }, '第一网格没有9栋'],
      [{ skills: [] }, '请至少选择一项技能'],
      [{ partyOrganisation: undefined }, '党员请填写所在党组织'],
      [{ consent: false as true }, '请阅读并同意志愿者服务协议与个人信息使用说明'],
      [{ availability: '' }, '请填写可服务时间'],
      [{ idNumber: '110105199006150021' }, '身份证号码有误，请核对（18 位，最后一位可能是 X）'],
      [{ idNumber: '11010519491231002X' }, '身份证号码中的出生日期与所填出生日期不一致'],
      [{ gender: '未知' as '男' }, '性别只能是男或女'],
    ];
    for (const [overrides, message] of cases) await refused(cloud, openid, 'volunteer.apply', application(overrides), 'INVALID_INPUT', message);
    expect(stored(cloud, 'volunteers', openid)).toBeUndefined();
  });

  it('only registered people apply', async () => {
    await refused(cloud, 'o-unregistered', 'volunteer.apply', application(), 'UNAUTHENTICATED');
    await refused(cloud, DEMO.admin, 'volunteer.apply', application(), 'FORBIDDEN');
  });

  it('staff approve a pending application: the applicant becomes a volunteer', async () => {
    const view = ok(await call(cloud, DEMO.staff, 'volunteer.review', { openid: DEMO.applicant, decision: 'approve' }));
    expect(view).toMatchObject({ openid: DEMO.applicant, status: 'approved', phone: '13800000040' });
    expect(view.reviewNote).toBeUndefined();
    expect(stored(cloud, 'volunteers', DEMO.applicant)).toMatchObject({ status: 'approved', reviewedBy: DEMO.staff, reviewedAt: expect.any(Date) });
    expect(ok(await call(cloud, DEMO.applicant, 'user.me', {})).roles).toContain('volunteer');
    await refused(cloud, colleague, 'volunteer.review', { openid: DEMO.applicant, decision: 'reject', note: '改主意了' }, 'CONFLICT', '该申请已审核（已通过），无需重复审核');
  });

  it('a rejection needs a reason; the rejected may apply again, and the old review is cleared', async () => {
    await refused(cloud, DEMO.staff, 'volunteer.review', { openid: 'o-adult', decision: 'reject' } as InputOf<'volunteer.review'>, 'INVALID_INPUT', '请填写不通过的原因');
    await refused(cloud, DEMO.staff, 'volunteer.review', { openid: 'o-adult', decision: 'maybe' } as unknown as InputOf<'volunteer.review'>, 'INVALID_INPUT', '请选择审核结果：通过或不通过');
    await refused(cloud, DEMO.staff, 'volunteer.review', { openid: 'o-nobody', decision: 'approve' }, 'NOT_FOUND', '没有找到该志愿者申请');

    const rejected = ok(await call(cloud, DEMO.staff, 'volunteer.review', { openid: 'o-adult', decision: 'reject', note: '所填党组织无法核实，请补充' }));
    expect(rejected).toMatchObject({ status: 'rejected', reviewNote: '所填党组织无法核实，请补充' });
    expect(ok(await call(cloud, 'o-adult', 'user.me', {})).volunteer).toEqual({ status: 'rejected', available: true, reviewNote: '所填党组织无法核实，请补充', hours: 0, level: { stars: 0, nextAt: 100, toNext: 100 } });

    const again = ok(await call(cloud, 'o-adult', 'volunteer.apply', application({ partyOrganisation: '幸福里社区党委第二支部', building: undefined })));
    expect(again).toMatchObject({ status: 'pending', partyOrganisation: '幸福里社区党委第二支部' });
    expect(again.reviewNote).toBeUndefined();
    const doc = stored(cloud, 'volunteers', 'o-adult');
    expect(doc).toMatchObject({ status: 'pending' });
    for (const field of ['reviewNote', 'reviewedBy', 'reviewedAt', 'building']) expect(doc).not.toHaveProperty(field);
    expect(new Date(again.appliedAt).getTime()).toBeGreaterThan(new Date(rejected.appliedAt).getTime());
  });

  it('of two staff deciding at once, one decides', async () => {
    const openid = await resident('o-contested');
    ok(await call(cloud, openid, 'volunteer.apply', application()));
    // Warm eight instances first, so the reviews below really run side by side.
    await Promise.all(Array.from({ length: 8 }, () => call(cloud, DEMO.staff, 'volunteer.list', { limit: 1 })));
    // Both staff, each tapping several times, approving and rejecting.
    const replies = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        i % 2 === 0
          ? call(cloud, i % 4 === 0 ? DEMO.staff : colleague, 'volunteer.review', { openid, decision: 'approve' })
          : call(cloud, i % 4 === 1 ? colleague : DEMO.staff, 'volunteer.review', { openid, decision: 'reject', note: '不合适' }),
      ),
    );
    expect(replies.filter((r) => r.ok)).toHaveLength(1);
    for (const reply of replies.filter((r) => !r.ok)) expect(reply).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    const winner = replies.find((r) => r.ok);
    expect(stored(cloud, 'volunteers', openid)).toMatchObject({ status: winner?.ok ? winner.data.status : 'none' });
  });

  it('only staff of the applicant’s community review, and nobody reviews themselves', async () => {
    const target = 'o-contested-2';
    await resident(target);
    ok(await call(cloud, target, 'volunteer.apply', application()));
    await refused(cloud, other.staff, 'volunteer.review', { openid: target, decision: 'approve' }, 'NOT_FOUND', '没有找到该志愿者申请');
    await refused(cloud, DEMO.resident, 'volunteer.review', { openid: target, decision: 'approve' }, 'FORBIDDEN');
    await refused(cloud, DEMO.volunteer, 'volunteer.review', { openid: target, decision: 'approve' }, 'FORBIDDEN');
    await refused(cloud, DEMO.admin, 'volunteer.review', { openid: target, decision: 'approve' }, 'FORBIDDEN');
    await refused(cloud, 'o-passer-by', 'volunteer.review', { openid: target, decision: 'approve' }, 'UNAUTHENTICATED');
    ok(await call(cloud, colleague, 'volunteer.apply', application()));
    await refused(cloud, colleague, 'volunteer.review', { openid: colleague, decision: 'approve' }, 'FORBIDDEN', '不能审核自己的志愿者申请');
  });

  it('staff list their community’s volunteers, newest first, page by page', async () => {
    const all = storedAll<{ _id: string; communityId: string; status: string }>(cloud, 'volunteers').filter((v) => v.communityId === DEMO.community);
    expect(all.length).toBeGreaterThanOrEqual(8);
    const seen: string[] = [];
    const appliedAt: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = ok(await call(cloud, DEMO.staff, 'volunteer.list', { limit: 3, cursor }));
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((v) => v.openid));
      appliedAt.push(...page.items.map((v) => v.appliedAt));
      cursor = page.nextCursor ?? undefined;
      pages += 1;
    } while (cursor && pages < 20);
    expect(seen.sort()).toEqual(all.map((v) => v._id).sort());
    expect(new Set(seen).size).toBe(seen.length);
    expect(appliedAt).toEqual([...appliedAt].sort().reverse());
    // demo-volunteer and demo-applicant applied at the same instant: the tie is split, not lost.
    expect(seen).toEqual(expect.arrayContaining([DEMO.volunteer, DEMO.applicant]));

    const approved = ok(await call(cloud, DEMO.staff, 'volunteer.list', { status: 'approved' }));
    expect(approved.items.every((v) => v.status === 'approved')).toBe(true);
    expect(approved.items.map((v) => v.openid).sort()).toEqual(all.filter((v) => v.status === 'approved').map((v) => v._id).sort());
    expect(approved.nextCursor).toBeNull();
    const demoVolunteer = approved.items.find((v) => v.openid === DEMO.volunteer);
    expect(demoVolunteer).toMatchObject({ phone: '13800000030', partyMember: true, stats: { averageStars: null } });
  });

  it('staff see only their own community’s volunteers', async () => {
    const theirs = ok(await call(cloud, other.staff, 'volunteer.list', {}));
    expect(theirs).toEqual({ items: [], nextCursor: null });
  });

  it('refuses bad list requests, and everyone but staff', async () => {
    await refused(cloud, DEMO.staff, 'volunteer.list', { cursor: 'garbage' }, 'INVALID_INPUT', '分页参数无效，请刷新列表');
    await refused(cloud, DEMO.staff, 'volunteer.list', { status: 'banned' as 'pending' }, 'INVALID_INPUT', '审核状态只能是待审核、已通过或未通过');
    await refused(cloud, DEMO.staff, 'volunteer.list', { limit: 0 }, 'INVALID_INPUT', /limit/);
    // Phones and ages are for staff and the volunteer themselves.
    await refused(cloud, DEMO.resident, 'volunteer.list', {}, 'FORBIDDEN');
    await refused(cloud, DEMO.volunteer, 'volunteer.list', {}, 'FORBIDDEN');
    await refused(cloud, 'o-passer-by', 'volunteer.list', {}, 'UNAUTHENTICATED');
  });

  it('an approved volunteer pauses and resumes taking new work', async () => {
    const paused = ok(await call(cloud, DEMO.volunteer, 'volunteer.setAvailable', { available: false }));
    expect(paused).toMatchObject({ openid: DEMO.volunteer, available: false, status: 'approved' });
    expect(stored(cloud, 'volunteers', DEMO.volunteer)).toMatchObject({ available: false });
    // Asking for what is already so is fine.
    expect(ok(await call(cloud, DEMO.volunteer, 'volunteer.setAvailable', { available: false })).available).toBe(false);
    expect(ok(await call(cloud, DEMO.volunteer, 'volunteer.setAvailable', { available: true })).available).toBe(true);
  });

  it('refuses a bad availability, and anyone not an approved volunteer', async () => {
    await refused(cloud, DEMO.volunteer, 'volunteer.setAvailable', { available: 'no' as unknown as boolean }, 'INVALID_INPUT', '是否接受新的服务应为“是”或“否”');
    await refused(cloud, 'o-adult', 'volunteer.setAvailable', { available: false }, 'FORBIDDEN');
    await refused(cloud, DEMO.resident, 'volunteer.setAvailable', { available: false }, 'FORBIDDEN');
    await refused(cloud, DEMO.staff, 'volunteer.setAvailable', { available: false }, 'FORBIDDEN');
    await refused(cloud, 'o-passer-by', 'volunteer.setAvailable', { available: false }, 'UNAUTHENTICATED');
  });
});
