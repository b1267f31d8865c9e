/**
 * Database requests per action, counted by the local cloud for each invocation: one order through
 * the whole loop, and the first screen of each page. Shared by the bench (which prints the table)
 * and tests/functions/request-budget.test.ts (which holds it against bench/request-budget.json).
 */
import type { ActionName, InputOf, OutputOf } from '../core/contract';
import { functionOf } from '../core/contract';
import type { Reply } from '../core/reply';
import type { LocalCloud } from '../localcloud/src/server';

export async function call<A extends ActionName>(cloud: LocalCloud, openid: string, action: A, input: InputOf<A>): Promise<OutputOf<A>> {
  const response = await fetch(cloud.clientUrl, {
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
  const record = cloud.runtime.recent(500).find((item) => item.action === action);
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

/** One order through the whole loop on the demo data; `tag` keeps request ids apart between runs. */
export async function runLoop(cloud: LocalCloud, tag: string): Promise<Record<(typeof LOOP_ACTIONS)[number], Requests>> {
  const create = await call(cloud, 'demo-resident', 'order.create', { serviceId: 'svc-meal', description: '中午送一份午餐到家', clientRequestId: `loop-${tag}-order` });
  const orderId = create.order.id;
  await call(cloud, 'demo-staff', 'dispatch.suggest', { orderId });
  await call(cloud, 'demo-staff', 'dispatch.assign', { orderId, volunteerOpenid: 'demo-volunteer' });
  await call(cloud, 'demo-volunteer', 'dispatch.accept', { orderId });
  await call(cloud, 'demo-volunteer', 'dispatch.start', { orderId });
  await call(cloud, 'demo-volunteer', 'dispatch.complete', { orderId, summary: '午餐已送到，老人身体不错', minutes: 25 });
  await call(cloud, 'demo-resident', 'order.rate', { orderId, stars: 5, comment: '很准时，谢谢' });
  await call(cloud, 'demo-staff', 'scoring.score', { orderId, score: 5 });
  const { redemption } = await call(cloud, 'demo-volunteer', 'mall.redeem', { goodsId: 'goods-towel', quantity: 1, clientRequestId: `loop-${tag}-redeem` });
  await call(cloud, 'demo-staff', 'mall.verify', { code: redemption.code });
  return Object.fromEntries(LOOP_ACTIONS.map((action) => [action, requestsOf(cloud, action)])) as Record<(typeof LOOP_ACTIONS)[number], Requests>;
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
];

export async function firstScreens(cloud: LocalCloud): Promise<Array<{ page: string; action: string; requests: Requests }>> {
  const rows = [];
  for (const { page, openid, action, input } of FIRST_SCREENS) {
    await call(cloud, openid, action, input);
    rows.push({ page, action, requests: requestsOf(cloud, action) });
  }
  return rows;
}
