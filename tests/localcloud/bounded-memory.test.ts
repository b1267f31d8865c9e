/**
 * The local cloud's memory stays bounded: an idle function instance retires after workerIdleMs, at
 * most maxWorkers instances are alive over all functions (the longest idle makes room, a nested call
 * never waits for room), and invocation records, their logs and the outbox keep a fixed number.
 * An instance is told apart by an id its module draws when it loads.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_HISTORY_SIZE,
  DEFAULT_MAX_WORKERS,
  DEFAULT_WORKER_IDLE_MS,
  MAX_ERROR_CHARS,
  MAX_LOG_CHARS,
  MAX_LOG_LINES,
} from '../../localcloud/src/functions/runtime';
import { DEFAULT_OUTBOX_SIZE, type LocalCloud, type LocalCloudOptions } from '../../localcloud/src/server';
import { callFunction, control, FIXTURE_FUNCTIONS, REPO_ROOT, startTestCloud } from '../helpers/localcloud';

/** The documented limits, written out so a change to the constants shows here. */
const LOG_LINES = 200;
const LOG_CHARS = 16 * 1024;
const TRUNCATED = '…（日志超过 200 行或 16384 个字符，其余未记录）';
const ERROR_CHARS = 4 * 1024;

/** Plain CommonJS functions, written for these tests (no build, no SDK). */
const INSTANCE_FUNCTION = `
const { randomUUID } = require('node:crypto');
const instance = randomUUID();
let calls = 0;
exports.main = async (event) => {
  calls += 1;
  if (event.sleepMs) await new Promise((resolve) => setTimeout(resolve, event.sleepMs));
  return { instance, calls };
};
`;
const CHATTY_FUNCTION = `
exports.main = async (event) => {
  for (let i = 0; i < (event.lines || 0); i += 1) console.log(String(i).padEnd(event.width || 1, 'x'));
  if (event.errorChars) throw new Error('e'.repeat(event.errorChars));
  return { logged: event.lines || 0 };
};
`;

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'linli-bounded-'));
const FUNCTIONS: Array<[name: string, source: string]> = [
  ['fn_a', INSTANCE_FUNCTION],
  ['fn_b', INSTANCE_FUNCTION],
  ['fn_c', INSTANCE_FUNCTION],
  ['fn_chatty', CHATTY_FUNCTION],
];
for (const [name, source] of FUNCTIONS) {
  fs.mkdirSync(path.join(root, name));
  fs.writeFileSync(path.join(root, name, 'index.js'), source);
  fs.writeFileSync(path.join(root, name, 'config.json'), JSON.stringify({ timeout: 10 }));
}
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const opened: LocalCloud[] = [];
async function open(options: LocalCloudOptions): Promise<LocalCloud> {
  const cloud = await startTestCloud({ functionRoots: [FIXTURE_FUNCTIONS, root], ...options });
  opened.push(cloud);
  return cloud;
}
afterEach(async () => {
  await Promise.all(opened.splice(0).map((cloud) => cloud.close()));
});

interface Served {
  instance: string;
  calls: number;
}

async function serve(cloud: LocalCloud, name: string, data: Record<string, unknown> = {}): Promise<Served> {
  const reply = await callFunction(cloud, name, data);
  expect(reply.body.errMsg, JSON.stringify(reply.body).slice(0, 300)).toBe('cloud.callFunction:ok');
  return reply.body.result as Served;
}

interface InvocationRecord {
  id: string;
  status: string;
  error?: string;
  logs: string[];
}

async function recordOf(cloud: LocalCloud, requestId: string | undefined): Promise<InvocationRecord> {
  const { invocations } = await control<{ invocations: InvocationRecord[] }>(cloud, 'GET', 'invocations?limit=500');
  const record = invocations.find((item) => item.id === requestId);
  expect(record, `no record for ${requestId}`).toBeDefined();
  return record!;
}

describe('idle instances retire', () => {
  it('an instance idle for workerIdleMs retires, and the next call starts a new one', async () => {
    const cloud = await open({ workerIdleMs: 1_500 });
    const first = await serve(cloud, 'fn_a');
    // Called again at once: the same warm instance serves it.
    expect(await serve(cloud, 'fn_a')).toEqual({ instance: first.instance, calls: 2 });
    expect(cloud.runtime.instances()).toMatchObject({ live: 1, workerIdleMs: 1_500, functions: [{ name: 'fn_a', busy: 0, idle: 1 }] });

    await vi.waitFor(() => expect(cloud.runtime.instances().live).toBe(0), { timeout: 10_000, interval: 100 });
    expect(cloud.runtime.instances().functions).toEqual([]);
    const after = await serve(cloud, 'fn_a');
    expect(after.instance).not.toBe(first.instance);
    expect(after.calls).toBe(1);
  }, 20_000);

  it('an instance running longer than workerIdleMs is not retired under its invocation', async () => {
    const cloud = await open({ workerIdleMs: 100 });
    expect(await serve(cloud, 'fn_a', { sleepMs: 600 })).toMatchObject({ calls: 1 });
  }, 10_000);

  it('the idle time comes from LINLI_WORKER_IDLE_SECONDS for npm start', async () => {
    const { optionsFromEnvironment } = await import('../../localcloud/src/config');
    expect(optionsFromEnvironment(root, { LINLI_WORKER_IDLE_SECONDS: '30', LINLI_MAX_WORKERS_TOTAL: '6' })).toMatchObject({
      workerIdleMs: 30_000,
      maxWorkers: 6,
    });
  });
});

describe('at most maxWorkers instances over all functions', () => {
  it('the longest idle instance, of any function, retires to make room; the others stay warm', async () => {
    const cloud = await open({ maxWorkers: 2, workerIdleMs: 60_000 });
    const a = await serve(cloud, 'fn_a');
    const b = await serve(cloud, 'fn_b');
    await serve(cloud, 'fn_c'); // room for it: fn_a's instance, idle longest, retires
    expect(cloud.runtime.instances().live).toBe(2);
    expect(await serve(cloud, 'fn_b')).toEqual({ instance: b.instance, calls: 2 });
    const aAgain = await serve(cloud, 'fn_a'); // fn_c's instance is now the one idle longest
    expect(aAgain.instance).not.toBe(a.instance);
    expect(aAgain.calls).toBe(1);
    expect(await serve(cloud, 'fn_b')).toEqual({ instance: b.instance, calls: 3 });
    expect(cloud.runtime.instances()).toMatchObject({ live: 2, peak: 2, maxWorkers: 2 });
  }, 30_000);

  it('at the limit, calls to a function that has an instance wait for it instead of starting another', async () => {
    const cloud = await open({ maxWorkers: 2, workerIdleMs: 60_000 });
    const a = await serve(cloud, 'fn_a');
    const b = await serve(cloud, 'fn_b');
    const burst = await Promise.all(Array.from({ length: 4 }, () => serve(cloud, 'fn_a', { sleepMs: 50 })));
    // fn_b's idle instance was not retired to start a second fn_a: one warm instance served them all.
    expect(new Set(burst.map((served) => served.instance))).toEqual(new Set([a.instance]));
    expect(await serve(cloud, 'fn_b')).toEqual({ instance: b.instance, calls: 2 });
    expect(cloud.runtime.instances()).toMatchObject({ live: 2, started: 2 });
  }, 30_000);

  it('calls beyond the room wait for it and are all served, never more than maxWorkers alive', async () => {
    const cloud = await open({ maxWorkers: 2, workerIdleMs: 60_000 });
    const names = ['fn_a', 'fn_b', 'fn_c', 'fn_a', 'fn_b', 'fn_c', 'fn_a', 'fn_b'];
    const served = await Promise.all(names.map((name) => serve(cloud, name, { sleepMs: 100 })));
    expect(served).toHaveLength(names.length);
    expect(cloud.runtime.instances().peak).toBe(2);
    expect(cloud.runtime.instances().live).toBeLessThanOrEqual(2);
  }, 30_000);

  it('a nested call is served even when its caller holds the only room', async () => {
    const cloud = await open({ maxWorkers: 1, workerIdleMs: 60_000 });
    const reply = await callFunction(cloud, 'fn_nest', { target: 'echo', data: { tag: 'inner' } });
    expect(reply.body.result).toMatchObject({ ok: true, result: { event: { tag: 'inner' } } });
    // Back under the limit once the nested call's instance is done.
    expect(cloud.runtime.instances()).toMatchObject({ live: 1, peak: 2 });
  }, 20_000);
});

describe('records and logs keep a fixed number', () => {
  it('the invocation log keeps the newest invocationHistorySize records', async () => {
    const cloud = await open({ invocationHistorySize: 5 });
    const ids: string[] = [];
    for (let i = 0; i < 8; i += 1) ids.push((await callFunction(cloud, 'echo', { i })).body.requestID!);
    const { invocations } = await control<{ invocations: InvocationRecord[] }>(cloud, 'GET', 'invocations?limit=500');
    expect(invocations.map((record) => record.id)).toEqual(ids.slice(-5).reverse());
  }, 20_000);

  it(`an invocation keeps at most ${LOG_LINES} lines of output, then says the rest was dropped`, async () => {
    const cloud = await open({});
    const reply = await callFunction(cloud, 'fn_chatty', { lines: 1_000, width: 5 });
    expect(reply.body.result).toEqual({ logged: 1_000 });
    const { logs } = await recordOf(cloud, reply.body.requestID);
    expect(logs).toHaveLength(LOG_LINES + 1);
    expect(logs.slice(0, 3)).toEqual(['0xxxx', '1xxxx', '2xxxx']);
    expect(logs[LOG_LINES - 1]).toBe(`${LOG_LINES - 1}`.padEnd(5, 'x'));
    expect(logs[LOG_LINES]).toBe(TRUNCATED);
  }, 15_000);

  it(`an invocation keeps at most ${LOG_CHARS} characters of output, however long its lines`, async () => {
    const cloud = await open({});
    const outputs: Array<{ lines: number; width: number }> = [
      { lines: 100, width: 1_000 },
      { lines: 1, width: 100_000 },
    ];
    for (const { lines, width } of outputs) {
      const reply = await callFunction(cloud, 'fn_chatty', { lines, width });
      const { logs } = await recordOf(cloud, reply.body.requestID);
      expect(logs.at(-1)).toBe(TRUNCATED);
      const kept = logs.slice(0, -1);
      expect(kept.join('').length).toBe(LOG_CHARS);
      expect(kept[0]).toBe('0'.padEnd(Math.min(width, LOG_CHARS), 'x'));
    }
  }, 15_000);

  it(`an invocation record keeps ${ERROR_CHARS} characters of an error; the caller still gets all of it`, async () => {
    const cloud = await open({});
    const reply = await callFunction(cloud, 'fn_chatty', { errorChars: 50_000 });
    expect(reply.body.errMsg).toContain('e'.repeat(50_000));
    const record = await recordOf(cloud, reply.body.requestID);
    expect(record.status).toBe('error');
    expect(record.error).toBe(`${'e'.repeat(ERROR_CHARS)}…`);
  }, 15_000);

  it('the outbox keeps the newest outboxSize subscription messages', async () => {
    const cloud = await open({ outboxSize: 3 });
    const openid = 'o-outbox';
    const templateId = 'TPL_ORDER_ACCEPTED';
    await control(cloud, 'POST', 'subscriptions', { openid, templateId, count: 5 });
    for (let i = 0; i < 5; i += 1) {
      const reply = await callFunction(
        cloud,
        'fn_openapi',
        { api: 'subscribeMessage.send', data: { touser: '$OPENID', templateId, page: `pages/orders/detail?id=${i}`, data: { thing1: { value: '订单已接单' } } } },
        openid,
      );
      expect(reply.body.result).toMatchObject({ ok: true, result: { errCode: 0 } });
    }
    expect(cloud.outbox.map((message) => message.page)).toEqual([2, 3, 4].map((i) => `pages/orders/detail?id=${i}`));
    const { messages } = await control<{ messages: Array<{ page: string }> }>(cloud, 'GET', 'outbox');
    expect(messages.map((message) => message.page)).toEqual([4, 3, 2].map((i) => `pages/orders/detail?id=${i}`));
  }, 20_000);
});

describe('README', () => {
  it('states the limits the local cloud uses', () => {
    const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    expect(readme).toContain(`实例空闲 ${DEFAULT_WORKER_IDLE_MS / 60_000} 分钟即回收`);
    expect(readme).toContain(`最多 ${DEFAULT_MAX_WORKERS} 个实例`);
    expect(readme).toContain(`| \`LINLI_MAX_WORKERS_TOTAL\` | 所有云函数合计同时存在的实例数 | \`${DEFAULT_MAX_WORKERS}\` |`);
    expect(readme).toContain(`| \`LINLI_WORKER_IDLE_SECONDS\` | 实例空闲多少秒后回收 | \`${DEFAULT_WORKER_IDLE_MS / 1000}\` |`);
    expect(readme).toContain(`调用记录只保留最近\n  ${DEFAULT_HISTORY_SIZE} 次，每次最多 ${MAX_LOG_LINES} 行、${MAX_LOG_CHARS} 个字符的输出`);
    expect(readme).toContain(`错误信息最多 ${MAX_ERROR_CHARS} 个字符`);
    expect(readme).toContain(`保留最近 ${DEFAULT_OUTBOX_SIZE} 条消息`);
  });
});
