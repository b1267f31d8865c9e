/**
 * Benchmark of linli's functions (prints numbers, asserts nothing):
 * - database requests per order transition, counted at the local cloud for each invocation;
 * - dispatch.suggest: the pure ranking for 1k and 10k volunteers, and the whole call through the
 *   local cloud with that many volunteers stored.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ActionName, InputOf, OutputOf } from '../core/contract';
import { functionOf } from '../core/contract';
import { rankCandidates } from '../core/dispatch-ranking';
import type { Volunteer } from '../core/model';
import type { Reply } from '../core/reply';
import { readSchema } from '../localcloud/src/config';
import { type LocalCloud, startLocalCloud } from '../localcloud/src/server';

const ROOT = path.resolve(__dirname, '..');

async function call<A extends ActionName>(cloud: LocalCloud, openid: string, action: A, input: InputOf<A>): Promise<OutputOf<A>> {
  const response = await fetch(cloud.clientUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-wx-openid': openid },
    body: JSON.stringify({ name: functionOf(action), data: { action, input } }),
  });
  const reply = ((await response.json()) as { result: Reply<OutputOf<A>> }).result;
  if (!reply.ok) throw new Error(`${action}: ${reply.error.code} ${reply.error.message}`);
  return reply.data;
}

/** The database requests of the most recent invocation of `action`, grouped as people think of them. */
function requestsOf(cloud: LocalCloud, action: string) {
  const record = cloud.runtime.recent(500).find((item) => item.action === action);
  const count = (names: string[]) => names.reduce((sum, name) => sum + (record?.database[`database.${name}`] ?? 0), 0);
  const reads = count(['getDocument', 'calculateDocument', 'aggregateDocuments']);
  const writes = count(['insertDocument', 'modifyDocument', 'removeDocument', 'modifyAndReturnDoc']);
  const transactions = count(['startTransaction']);
  return { reads, writes, transactions, total: Object.values(record?.database ?? {}).reduce((a, b) => a + b, 0) };
}

function syntheticVolunteers(count: number): Volunteer[] {
  const at = new Date('2026-11-01T00:00:00Z');
  return Array.from({ length: count }, (_, i) => ({
    _id: `bench-v${i}`,
    communityId: 'demo-community',
    realName: `志愿者${i}`,
    phone: '13800000000',
    birthDate: '1980-01-01',
    guardianConsent: false,
    skills: i % 3 ? ['送餐', '陪诊'] : ['理发'],
    availability: '周末',
    available: i % 10 !== 0,
    partyMember: i % 5 === 0,
    gridId: i % 2 ? 'g1' : 'g2',
    building: `${(i % 6) + 1}栋`,
    consentAt: at,
    status: 'approved',
    appliedAt: at,
    stats: { activeOrders: i % 4, completedOrders: i % 50, ratingSum: (i % 5) * 3, ratingCount: i % 5 ? 3 : 0 },
  }));
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function timed<T>(work: () => Promise<T> | T): Promise<[T, number]> {
  const started = performance.now();
  const result = await work();
  return [result, performance.now() - started];
}

async function transitions(cloud: LocalCloud): Promise<void> {
  const create = await call(cloud, 'demo-resident', 'order.create', {
    serviceId: 'svc-meal',
    description: '中午送一份午餐到家',
    clientRequestId: 'bench-loop-0001',
  });
  const orderId = create.order.id;
  await call(cloud, 'demo-staff', 'dispatch.suggest', { orderId });
  await call(cloud, 'demo-staff', 'dispatch.assign', { orderId, volunteerOpenid: 'demo-volunteer' });
  await call(cloud, 'demo-volunteer', 'dispatch.accept', { orderId });
  await call(cloud, 'demo-volunteer', 'dispatch.start', { orderId });
  await call(cloud, 'demo-volunteer', 'dispatch.complete', { orderId, summary: '午餐已送到，老人身体不错', minutes: 25 });
  await call(cloud, 'demo-resident', 'order.rate', { orderId, stars: 5, comment: '很准时，谢谢' });
  await call(cloud, 'demo-staff', 'scoring.score', { orderId, score: 5 });
  const { redemption } = await call(cloud, 'demo-volunteer', 'mall.redeem', { goodsId: 'goods-towel', quantity: 1, clientRequestId: 'bench-redeem-0001' });
  await call(cloud, 'demo-staff', 'mall.verify', { code: redemption.code });

  console.log('database requests per transition (one order through the whole loop)');
  console.log('action                reads  writes  transactions  total requests');
  for (const action of [
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
  ]) {
    const r = requestsOf(cloud, action);
    console.log(`${action.padEnd(20)} ${String(r.reads).padStart(6)} ${String(r.writes).padStart(7)} ${String(r.transactions).padStart(13)} ${String(r.total).padStart(15)}`);
  }
  console.log('(every call also reads the caller: 2 reads of users/volunteers; a transaction\'s own reads and writes are counted too)\n');
}

async function suggest(dataDir: string): Promise<void> {
  console.log('dispatch.suggest');
  console.log('volunteers   pure ranking ms (median of 20)   whole call ms (median of 5)   database requests');
  for (const count of [1_000, 10_000]) {
    const volunteers = syntheticVolunteers(count);
    const order = { communityId: 'demo-community', residentOpenid: 'demo-resident', skills: ['送餐'], address: { gridId: 'g1', building: '2栋' }, declines: [] };
    const pure: number[] = [];
    for (let i = 0; i < 20; i += 1) pure.push((await timed(() => rankCandidates(order, volunteers, 10)))[1]);

    const cloud = await startBenchCloud(path.join(dataDir, `suggest-${count}`));
    try {
      cloud.engine.importLines(volunteers.map((doc) => JSON.stringify({ collection: 'volunteers', doc: { ...doc, consentAt: { $date: doc.consentAt.toISOString() }, appliedAt: { $date: doc.appliedAt.toISOString() } } })));
      const { order: created } = await call(cloud, 'demo-resident', 'order.create', { serviceId: 'svc-meal', description: '送餐', clientRequestId: `bench-suggest-${count}` });
      await call(cloud, 'demo-staff', 'dispatch.suggest', { orderId: created.id }); // warm the worker
      const whole: number[] = [];
      for (let i = 0; i < 5; i += 1) whole.push((await timed(() => call(cloud, 'demo-staff', 'dispatch.suggest', { orderId: created.id })))[1]);
      const requests = requestsOf(cloud, 'dispatch.suggest').total;
      console.log(`${String(count).padStart(10)} ${median(pure).toFixed(1).padStart(33)} ${median(whole).toFixed(0).padStart(29)} ${String(requests).padStart(19)}`);
    } finally {
      await cloud.close();
    }
  }
}

function startBenchCloud(dataDir: string): Promise<LocalCloud> {
  process.env.LINLI_ADMIN_OPENIDS = 'demo-admin';
  return startLocalCloud({
    dataDir,
    functionRoots: [path.join(ROOT, 'cloudfunctions')],
    schema: readSchema(path.join(ROOT, 'database/schema.json')),
    seed: path.join(ROOT, 'database/demo-data'),
    workerScript: path.join(ROOT, '.build/localcloud/worker.js'),
  });
}

async function main(): Promise<void> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'linli-bench-fn-'));
  try {
    const cloud = await startBenchCloud(path.join(scratch, 'loop'));
    try {
      await transitions(cloud);
    } finally {
      await cloud.close();
    }
    await suggest(scratch);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
