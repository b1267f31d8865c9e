/**
 * Database requests per action, counted by the local cloud for each invocation: one order through
 * the whole loop, and the first screen of each page. Shared by the bench (which prints the table)
 * and tests/functions/request-budget.test.ts (which holds it against bench/request-budget.json).
 */
import type { ActionName, InputOf, OutputOf } from '../core/contract';
import { functionOf } from '../core/contract';
import type { Reply } from '../core/reply';
import type { LocalCloud } from '../localcloud/src/server';

export function call<A extends ActionName>(cloud: LocalCloud, openid: string, action: A, input: InputOf<A>): Promise<OutputOf<A>> {
  return callAt(cloud.clientUrl, openid, action, input);
}

/** The same through a client endpoint's URL (a local cloud in another process). */
export async function callAt<A extends ActionName>(clientUrl: string, openid: string, action: A, input: InputOf<A>): Promise<OutputOf<A>> {
  const response = await fetch(clientUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-wx-openid': openid },
    body: JSON.stringify({ name: functionOf(action), data: { action, input } }),
  });
  const reply = ((await response.json()) as { result: Reply<OutputOf<A>> }).result;
  if (!reply.ok) throw new Error(`${action}: ${reply.error.code} ${reply.error.message}`);
  return reply.data;
}

export interface Requests {
  reads: number;
  writes: number;
  transactions: number;
  /** Every request, a transaction's start and commit included. */
  total: number;
}

/** The database requests of the most recent invocation of `action`, grouped as people think of them. */
export function requestsOf(cloud: LocalCloud, action: string): Requests {
  const record = cloud.runtime.recent(1000).find((item) => item.action === action);
  if (!record) throw new Error(`no invocation of ${action} was recorded`);
  const count = (names: string[]) => names.reduce((sum, name) => sum + (record.database[`database.${name}`] ?? 0), 0);
  return {
    reads: count(['getDocument', 'calculateDocument', 'aggregateDocuments']),
    writes: count(['insertDocument', 'modifyDocument', 'removeDocument', 'modifyAndReturnDoc']),
    transactions: count(['startTransaction']),
    total: Object.values(record.database).reduce((a, b) => a + b, 0),
  };
}

export const LOOP_ACTIONS = [
  'order.create',
  'dispatch.suggest',
  'dispatch.assign',
  'dispatch.accept',
  'dispatch.start',
  'dispatch.complete',
  'order.rate',
  'scoring.score',
  'mall.redeem',
  'mall.verify',
] as const satisfies readonly ActionName[];

/** One order through the whole loop on the demo data, at a client endpoint; `tag` keeps request ids apart between runs. */
export async function driveLoop(clientUrl: string, tag: string): Promise<void> {
  const create = await callAt(clientUrl, 'demo-resident', 'order.create', { serviceId: 'svc-meal', description: '中午送一份午餐到家', clientRequestId: `loop-${tag}-order` });
  const orderId = create.order.id;
  await callAt(clientUrl, 'demo-staff', 'dispatch.suggest', { orderId });
  await callAt(clientUrl, 'demo-staff', 'dispatch.assign', { orderId, volunteerOpenid: 'demo-volunteer' });
  await callAt(clientUrl, 'demo-volunteer', 'dispatch.accept', { orderId });
  await callAt(clientUrl, 'demo-volunteer', 'dispatch.start', { orderId });
  await callAt(clientUrl, 'demo-volunteer', 'dispatch.complete', { orderId, summary: '午餐已送到，老人身体不错', minutes: 25 });
  await callAt(clientUrl, 'demo-resident', 'order.rate', { orderId, stars: 5, comment: '很准时，谢谢' });
  await callAt(clientUrl, 'demo-staff', 'scoring.score', { orderId, score: 5 });
  const { redemption } = await callAt(clientUrl, 'demo-volunteer', 'mall.redeem', { goodsId: 'goods-towel', quantity: 1, clientRequestId: `loop-${tag}-redeem` });
  await callAt(clientUrl, 'demo-staff', 'mall.verify', { code: redemption.code });
}

/** One order through the whole loop, and each action's requests. */
export async function runLoop(cloud: LocalCloud, tag: string): Promise<Record<(typeof LOOP_ACTIONS)[number], Requests>> {
  await driveLoop(cloud.clientUrl, tag);
  return Object.fromEntries(LOOP_ACTIONS.map((action) => [action, requestsOf(cloud, action)])) as Record<(typeof LOOP_ACTIONS)[number], Requests>;
}

export const ACTIVITY_ACTIONS = [
  'activity.signUp',
  'activity.checkIn',
  'activity.checkOut',
  'record.requestCorrection',
  'record.reviewCorrection',
  'certificate.request',
  'points.nominate',
  'points.review',
] as const satisfies readonly ActionName[];

/**
 * One volunteer through an activity that pays points (its rate approved by a second staff member),
 * then a correction of the record, a certificate, and a good deed's points: the actions outside the
 * order loop that write records or move points.
 */
export async function runActivityLoop(cloud: LocalCloud, tag: string): Promise<Record<(typeof ACTIVITY_ACTIONS)[number], Requests>> {
  const startAt = new Date(cloud.clock.now() + 3 * 24 * 3600_000);
  const activity = await call(cloud, 'demo-staff', 'activity.create', {
    name: '楼道清洁',
    content: '清理楼道杂物',
    place: '3栋',
    startAt: startAt.toISOString(),
    endAt: new Date(startAt.getTime() + 3 * 3600_000).toISOString(),
    capacity: 5,
    pointsPerHour: 10,
    clientRequestId: `loop-${tag}-activity`,
  });
  const pending = await call(cloud, 'demo-staff-2', 'community.ruleChanges', { status: 'pending', limit: 50 });
  for (const change of pending.items) await call(cloud, 'demo-staff-2', 'community.reviewRuleChange', { changeId: change.id, decision: 'approve' });
  // Counted right after each call: moving the clock runs timers, whose invocations push older records out.
  const counts: Partial<Record<(typeof ACTIVITY_ACTIONS)[number], Requests>> = {};
  const measured = async <A extends (typeof ACTIVITY_ACTIONS)[number]>(openid: string, action: A, input: InputOf<A>): Promise<OutputOf<A>> => {
    const reply = await call(cloud, openid, action, input);
    counts[action] = requestsOf(cloud, action);
    return reply;
  };
  await measured('demo-volunteer', 'activity.signUp', { activityId: activity.id });
  await cloud.scheduler.advance(startAt.getTime() - cloud.clock.now() + 60_000);
  const { code } = await call(cloud, 'demo-staff', 'activity.code', { activityId: activity.id });
  await measured('demo-volunteer', 'activity.checkIn', { activityId: activity.id, code });
  await cloud.scheduler.advance(90 * 60_000);
  const { code: later } = await call(cloud, 'demo-staff', 'activity.code', { activityId: activity.id });
  const { record } = await measured('demo-volunteer', 'activity.checkOut', { activityId: activity.id, code: later });
  const correction = await measured('demo-volunteer', 'record.requestCorrection', { recordId: record.id, minutes: 100, reason: '提前到场布置', clientRequestId: `loop-${tag}-correction` });
  await measured('demo-staff', 'record.reviewCorrection', { correctionId: correction.id, decision: 'approve' });
  await measured('demo-volunteer', 'certificate.request', { from: record.date, to: record.date, clientRequestId: `loop-${tag}-certificate` });
  const nomination = await measured('demo-staff', 'points.nominate', { openid: 'demo-volunteer', points: 20, kind: 'good_deed', reason: '拾金不昧', clientRequestId: `loop-${tag}-nominate` });
  await measured('demo-staff-2', 'points.review', { nominationId: nomination.id, decision: 'approve' });
  return counts as Record<(typeof ACTIVITY_ACTIONS)[number], Requests>;
}

interface Screen<A extends ActionName = ActionName> {
  page: string;
  openid: string;
  action: A;
  input: InputOf<A>;
}
const screen = <A extends ActionName>(page: string, openid: string, action: A, input: InputOf<A>): Screen => ({ page, openid, action, input }) as Screen;

/** The call each page makes to show its first screen, by whom it is usually opened. */
export const FIRST_SCREENS: readonly Screen[] = [
  screen('首页 (居民)', 'demo-resident', 'user.home', {}),
  screen('首页 (志愿者)', 'demo-volunteer', 'user.home', {}),
  screen('首页 (工作人员)', 'demo-staff', 'user.home', {}),
  screen('我的', 'demo-volunteer', 'user.me', {}),
  screen('我的订单', 'demo-resident', 'order.listMine', {}),
  screen('派单队列', 'demo-staff', 'dispatch.queue', {}),
  screen('抢单大厅', 'demo-volunteer', 'dispatch.hall', {}),
  screen('我的服务单', 'demo-volunteer', 'dispatch.mine', {}),
  screen('待评分', 'demo-staff', 'scoring.pending', {}),
  screen('积分超市', 'demo-volunteer', 'mall.home', {}),
  screen('积分明细', 'demo-volunteer', 'points.ledger', {}),
  screen('积分规则', 'demo-resident', 'points.rules', {}),
  screen('活动列表', 'demo-volunteer', 'activity.list', {}),
  screen('我的活动', 'demo-volunteer', 'activity.mine', {}),
  screen('服务记录', 'demo-volunteer', 'record.mine', {}),
  screen('我的证明', 'demo-volunteer', 'certificate.mine', {}),
  screen('志愿者审核', 'demo-staff', 'volunteer.list', {}),
  screen('服务目录', 'demo-staff', 'catalog.list', {}),
  screen('积分规则审核', 'demo-staff', 'community.ruleChanges', {}),
  screen('时长更正', 'demo-staff', 'record.corrections', {}),
  screen('好人好事审核', 'demo-staff', 'points.nominations', {}),
  screen('数据统计', 'demo-staff', 'stats.overview', {}),
  screen('报表导出', 'demo-staff', 'report.options', {}),
  screen('巡查走访', 'demo-grid', 'patrol.mine', {}),
  screen('网格月通报', 'demo-staff', 'patrol.summary', {}),
  screen('网格月通报 (季度排名)', 'demo-staff', 'patrol.ranking', {}),
  screen('我的问题', 'demo-resident', 'affair.list', { box: 'mine', limit: 20 }),
  screen('事务台', 'demo-staff', 'affair.list', { box: 'community', status: 'waiting', limit: 20 }),
  screen('部门待办', 'demo-dept', 'affair.list', { box: 'department', status: 'whistled', limit: 20 }),
  screen('部门管理', 'demo-staff', 'department.list', {}),
  screen('居民议事', 'demo-resident', 'council.list', { stage: 'open', limit: 20 }),
  screen('议题', 'demo-resident', 'council.get', { matterId: 'cm-demo-handrail' }),
  screen('议题 (讨论)', 'demo-resident', 'council.comments', { matterId: 'cm-demo-handrail', limit: 20 }),
  screen('提出议题', 'demo-resident', 'council.scopes', {}),
  screen('我的家庭户', 'demo-resident', 'household.mine', {}),
  screen('我的家庭户 (我联系的)', 'demo-resident', 'household.list', { box: 'linked' }),
  screen('家庭户登记簿', 'demo-staff', 'household.list', { box: 'community', limit: 20 }),
  screen('家庭户登记簿 (筛选网格楼栋)', 'demo-staff', 'community.get', { communityId: 'demo-community' }),
  screen('家庭户登记簿 (待确认)', 'demo-staff', 'household.claims', { limit: 20 }),
  screen('网格家庭户', 'demo-grid', 'household.list', { box: 'grid', limit: 20 }),
  screen('我的家庭户 (联户长)', 'demo-volunteer', 'household.list', { box: 'linked' }),
  // 张秀英's household (2栋 1单元 101), as its linker 李建国 opens it.
  screen('家庭户', 'demo-volunteer', 'household.get', { householdId: 'hh-ba8259754c1d723e1c7fc4b8f0fff6a8' }),
  screen('家庭户 (走访)', 'demo-volunteer', 'household.visits', { householdId: 'hh-ba8259754c1d723e1c7fc4b8f0fff6a8', limit: 20 }),
  screen('代点单', 'demo-volunteer', 'household.get', { householdId: 'hh-ba8259754c1d723e1c7fc4b8f0fff6a8' }),
];

export async function firstScreens(cloud: LocalCloud): Promise<Array<{ page: string; action: string; requests: Requests }>> {
  const rows = [];
  for (const { page, openid, action, input } of FIRST_SCREENS) {
    await call(cloud, openid, action, input);
    rows.push({ page, action, requests: requestsOf(cloud, action) });
  }
  return rows;
}
