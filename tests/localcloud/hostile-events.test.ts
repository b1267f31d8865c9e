/**
 * Events the platform would refuse (too deep, too large, not JSON) are refused at once with -501007,
 * before the function gets an instance; no refused or failed call keeps an instance slot, so the
 * next honest call is served. Each test has its own timeout: a leaked slot shows as a hang.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_EVENT_BYTES, MAX_EVENT_DEPTH } from '../../localcloud/src/functions/runtime';
import type { LocalCloud, LocalCloudOptions } from '../../localcloud/src/server';
import { callFunction, control, postJson, startTestCloud } from '../helpers/localcloud';

/** The documented limits, written out so a change to the constants shows here. */
const LIMIT_BYTES = 102_400;
const LIMIT_DEPTH = 64;
const TOO_DEEP = `data nested too deep (limit ${LIMIT_DEPTH} levels)`;
const TOO_LARGE = `data exceed max size (limit ${LIMIT_BYTES} bytes)`;
/** More than any pool's maxWorkersPerFunction (at most 8 by default). */
const HOSTILE_CALLS = 20;

// ---- events as JSON text, built without recursion (JSON.stringify cannot write them) ----------

/** `depth` nested arrays around 0. */
const arrays = (depth: number) => `${'['.repeat(depth)}0${']'.repeat(depth)}`;
/** `{"d":{"d":…{}}}`: `depth` nested objects. */
const objects = (depth: number) => `${'{"d":'.repeat(depth - 1)}{}${'}'.repeat(depth - 1)}`;
/** The reported request: ~20 KB, 10,002 levels. */
const HOSTILE_EVENT = `{"action":"user.me","input":{"code":${arrays(10_000)}}}`;
/** `{"s":"xx…"}` of exactly `bytes` bytes of JSON, with `char` (1–3 bytes in UTF-8) repeated. */
function sized(bytes: number, char = 'x'): string {
  const room = bytes - '{"s":""}'.length;
  const width = Buffer.byteLength(char);
  const text = char.repeat(Math.floor(room / width)) + 'x'.repeat(room % width);
  return `{"s":"${text}"}`;
}

interface Reply {
  status: number;
  body: { result?: unknown; errCode?: number; errMsg?: string; requestID?: string };
  ms: number;
}

/** /client/callFunction with `data` given as JSON text. */
async function callRaw(cloud: LocalCloud, name: string, data: string, openid = 'o-hostile'): Promise<Reply> {
  const started = performance.now();
  const response = await fetch(cloud.clientUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-wx-openid': openid },
    body: `{"name":${JSON.stringify(name)},"data":${data}}`,
  });
  const body = (await response.json()) as Reply['body'];
  return { status: response.status, body, ms: performance.now() - started };
}

function expectRefused(reply: Pick<Reply, 'status' | 'body'>, message: string): void {
  expect(reply.body.errMsg).toBe(`cloud.callFunction:fail -501007 ${message}`);
  expect(reply.body.errCode).toBe(-501007);
  expect(reply.status).toBe(400);
  expect(reply.body.requestID).toEqual(expect.any(String));
}

function expectOk(reply: Pick<Reply, 'status' | 'body'>): unknown {
  expect(reply.body.errMsg, JSON.stringify(reply.body).slice(0, 300)).toBe('cloud.callFunction:ok');
  expect(reply.status).toBe(200);
  return reply.body.result;
}

/** An honest call to echo, answered normally. */
async function expectServed(cloud: LocalCloud, tag: unknown = 'honest'): Promise<void> {
  const result = expectOk(await callFunction(cloud, 'echo', { tag }, 'o-honest')) as { event: unknown };
  expect(result.event).toEqual({ tag });
}

interface InvocationRecord {
  id: string;
  name: string;
  status: string;
  error?: string;
  callerId: string | null;
  logs: string[];
}

async function invocations(cloud: LocalCloud): Promise<InvocationRecord[]> {
  return (await control<{ invocations: InvocationRecord[] }>(cloud, 'GET', 'invocations?limit=500')).invocations;
}

const identity = { openid: 'o-in-process', appid: 'touristappid' };

const opened: LocalCloud[] = [];
async function open(options: LocalCloudOptions = {}): Promise<LocalCloud> {
  const cloud = await startTestCloud(options);
  opened.push(cloud);
  return cloud;
}
// Also after a timed-out (hung) test, so the next test starts clean.
afterEach(async () => {
  await Promise.all(opened.splice(0).map((cloud) => cloud.close()));
});

describe('the limits', () => {
  it('are exported as 100 KB and 64 levels', () => {
    expect(MAX_EVENT_BYTES).toBe(LIMIT_BYTES);
    expect(MAX_EVENT_DEPTH).toBe(LIMIT_DEPTH);
  });
});

describe.each([
  { pool: 'default pool', options: {} },
  { pool: 'maxWorkersPerFunction 2', options: { maxWorkersPerFunction: 2 } },
])('$pool: 20 calls with a 10,000-deep 20 KB event', ({ options }) => {
  it('one after another: each refused at once with -501007, then an honest call is served', async () => {
    const cloud = await open(options);
    expect(HOSTILE_EVENT.length).toBeGreaterThan(20_000);
    for (let i = 0; i < HOSTILE_CALLS; i += 1) {
      const reply = await callRaw(cloud, 'echo', HOSTILE_EVENT);
      expectRefused(reply, TOO_DEEP);
      expect(reply.ms).toBeLessThan(1_000);
    }
    await expectServed(cloud);
  }, 15_000);

  it('all at once: each refused with -501007, then honest calls (more than the pool) are served', async () => {
    const cloud = await open(options);
    const replies = await Promise.all(Array.from({ length: HOSTILE_CALLS }, () => callRaw(cloud, 'echo', HOSTILE_EVENT)));
    for (const reply of replies) expectRefused(reply, TOO_DEEP);
    await Promise.all(Array.from({ length: 10 }, (_, tag) => expectServed(cloud, tag)));
  }, 15_000);
});

describe('refused events never reach the function', () => {
  it('is recorded in the history as an error with no output, and nothing ran', async () => {
    const cloud = await open({ maxWorkersPerFunction: 1 });
    const refused = await callRaw(cloud, 'fn_logs', `{"lines":["ran"],"input":${arrays(10_000)}}`);
    expectRefused(refused, TOO_DEEP);
    const served = await callFunction(cloud, 'fn_logs', { lines: ['ran'] });
    expect(expectOk(served)).toEqual({ logged: 1 });
    const records = await invocations(cloud);
    expect(records.find((record) => record.id === refused.body.requestID)).toMatchObject({
      name: 'fn_logs',
      status: 'error',
      error: TOO_DEEP,
      logs: [],
    });
    expect(records.find((record) => record.id === served.body.requestID)).toMatchObject({ status: 'ok', logs: ['ran'] });
  }, 15_000);

  it('the control API’s invoke refuses the same way', async () => {
    const cloud = await open({ maxWorkersPerFunction: 1 });
    for (let i = 0; i < 3; i += 1) {
      const response = await fetch(`${cloud.url}/__linli/api/functions/echo/invoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: `{"openid":"o-console","data":${HOSTILE_EVENT}}`,
      });
      expectRefused({ status: response.status, body: (await response.json()) as Reply['body'] }, TOO_DEEP);
    }
    await expectServed(cloud);
  }, 15_000);
});

describe('depth', () => {
  it(`${LIMIT_DEPTH} levels are accepted, ${LIMIT_DEPTH + 1} refused (objects and arrays alike)`, async () => {
    const cloud = await open();
    const deepest = objects(LIMIT_DEPTH);
    const echoed = expectOk(await callRaw(cloud, 'echo', deepest)) as { event: unknown };
    expect(echoed.event).toEqual(JSON.parse(deepest));
    const mixed = `{"a":${arrays(LIMIT_DEPTH - 1)}}`;
    expect((expectOk(await callRaw(cloud, 'echo', mixed)) as { event: unknown }).event).toEqual(JSON.parse(mixed));

    expectRefused(await callRaw(cloud, 'echo', objects(LIMIT_DEPTH + 1)), TOO_DEEP);
    expectRefused(await callRaw(cloud, 'echo', `{"a":${arrays(LIMIT_DEPTH)}}`), TOO_DEEP);
  }, 15_000);

  it('a 1,000,000-deep event is refused without a crash, over HTTP and in process', async () => {
    const cloud = await open({ maxWorkersPerFunction: 1 });
    const reply = await callRaw(cloud, 'echo', arrays(1_000_000));
    expectRefused(reply, TOO_DEEP);

    let value: unknown = 0;
    for (let level = 0; level < 1_000_000; level += 1) value = [value];
    const outcome = await cloud.runtime.invoke({ name: 'echo', event: { value }, identity, source: 'wx_client' });
    expect(outcome).toMatchObject({ ok: false, kind: 'invalidEvent', message: TOO_DEEP });
    await expectServed(cloud);
  }, 20_000);

  it('counts the levels the function would receive, after toJSON', async () => {
    const cloud = await open({ maxWorkersPerFunction: 1 });
    const deep = JSON.parse(objects(LIMIT_DEPTH)) as unknown;
    // {"wrapped": <64 levels>} is 65 levels once serialised.
    const outcome = await cloud.runtime.invoke({ name: 'echo', event: { wrapped: { toJSON: () => deep } }, identity, source: 'wx_client' });
    expect(outcome).toMatchObject({ ok: false, kind: 'invalidEvent', message: TOO_DEEP });
    await expectServed(cloud);
  }, 15_000);
});

describe('size', () => {
  it(`an event of ${LIMIT_BYTES} bytes is accepted, ${LIMIT_BYTES + 1} refused`, async () => {
    const cloud = await open();
    const atLimit = sized(LIMIT_BYTES);
    expect(Buffer.byteLength(atLimit)).toBe(LIMIT_BYTES);
    const echoed = expectOk(await callRaw(cloud, 'echo', atLimit)) as { event: { s: string } };
    expect(echoed.event.s).toHaveLength(LIMIT_BYTES - 8);

    const overLimit = sized(LIMIT_BYTES + 1);
    expect(Buffer.byteLength(overLimit)).toBe(LIMIT_BYTES + 1);
    expectRefused(await callRaw(cloud, 'echo', overLimit), TOO_LARGE);
    await expectServed(cloud);
  }, 15_000);

  it('measures UTF-8 bytes, not characters', async () => {
    const cloud = await open();
    const underChars = sized(LIMIT_BYTES + 3, '邻'); // about a third as many characters as bytes
    expect(underChars.length).toBeLessThan(LIMIT_BYTES / 2);
    expectRefused(await callRaw(cloud, 'echo', underChars), TOO_LARGE);
    const fits = sized(LIMIT_BYTES - 1, '邻');
    const echoed = expectOk(await callRaw(cloud, 'echo', fits)) as { event: unknown };
    expect(echoed.event).toEqual(JSON.parse(fits));
  }, 15_000);
});

describe('events that are not JSON, through runtime.invoke', () => {
  it('BigInt, a cycle or a throwing toJSON are refused with invalidEvent, and no slot is kept', async () => {
    const cloud = await open({ maxWorkersPerFunction: 2 });
    const invoke = (event: unknown) => cloud.runtime.invoke({ name: 'echo', event, identity, source: 'wx_client' });
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    for (let i = 0; i < 10; i += 1) {
      const bigint = await invoke({ amount: 10n });
      expect(bigint).toMatchObject({ ok: false, kind: 'invalidEvent' });
      expect(!bigint.ok && bigint.message).toMatch(/^data is not serialisable as JSON: .*BigInt/);
      const cycle = await invoke({ list: [cyclic] });
      expect(cycle).toMatchObject({ ok: false, kind: 'invalidEvent' });
      expect(!cycle.ok && cycle.message).toMatch(/^data is not serialisable as JSON: .*circular/i);
    }
    const throwing = await invoke({ x: { toJSON: () => { throw new Error('cannot write me'); } } });
    expect(throwing).toMatchObject({ ok: false, kind: 'invalidEvent', message: 'data is not serialisable as JSON: cannot write me' });

    // The refusals are in the history, as errors.
    const refused = (await invocations(cloud)).filter((record) => record.status === 'error' && record.error?.startsWith('data is not serialisable'));
    expect(refused).toHaveLength(21);

    await Promise.all(Array.from({ length: 10 }, (_, tag) => expectServed(cloud, tag)));
  }, 15_000);
});

describe('nested calls (functions.invokeFunction on /admin)', () => {
  interface NestedOutcome {
    ok: boolean;
    result?: { event: unknown };
    errCode?: number;
    errMsg?: string;
    code?: string;
  }
  const nested = async (cloud: LocalCloud, data: { depth?: number; bytes?: number }) => {
    const reply = await callFunction(cloud, 'fn_nest_deep', { target: 'echo', ...data });
    return { outcome: expectOk(reply) as NestedOutcome, requestID: reply.body.requestID };
  };

  it('a function calling another with a too deep or too large event gets INVALID_PARAM', async () => {
    const cloud = await open();
    const accepted = await nested(cloud, { depth: LIMIT_DEPTH });
    expect(accepted.outcome).toMatchObject({ ok: true, result: { event: JSON.parse(objects(LIMIT_DEPTH)) } });

    const deep = await nested(cloud, { depth: LIMIT_DEPTH + 1 });
    // The real wx-server-sdk turns every failed nested call into errCode -1; the TCB code is on `code`.
    expect(deep.outcome).toMatchObject({ ok: false, errCode: -1, code: 'INVALID_PARAM' });
    expect(deep.outcome.errMsg).toContain(TOO_DEEP);
    const child = (await invocations(cloud)).find((record) => record.callerId === deep.requestID);
    expect(child).toMatchObject({ name: 'echo', status: 'error', error: TOO_DEEP, logs: [] });

    expect((await nested(cloud, { bytes: LIMIT_BYTES })).outcome.ok).toBe(true);
    const large = await nested(cloud, { bytes: LIMIT_BYTES + 1 });
    expect(large.outcome).toMatchObject({ ok: false, errCode: -1, code: 'INVALID_PARAM' });
    expect(large.outcome.errMsg).toContain(TOO_LARGE);
  }, 20_000);

  it('20 invokeFunction requests with a 10,000-deep request_data answer INVALID_PARAM; the callee still serves', async () => {
    const cloud = await open({ maxWorkersPerFunction: 2 });
    const requests = Array.from({ length: HOSTILE_CALLS }, () =>
      postJson(cloud.adminUrl, { action: 'functions.invokeFunction', function_name: 'echo', request_data: HOSTILE_EVENT }),
    );
    for (const reply of await Promise.all(requests)) {
      expect(reply.status).toBe(200);
      expect(reply.json).toMatchObject({ code: 'INVALID_PARAM', message: TOO_DEEP, requestId: expect.any(String) });
    }
    const honest = expectOk(await callFunction(cloud, 'fn_nest', { target: 'echo', data: { tag: 'after' } })) as NestedOutcome;
    expect(honest).toMatchObject({ ok: true, result: { event: { tag: 'after' } } });
  }, 15_000);
});

describe('functions that fail still give back their instance (one instance per function)', () => {
  it('a thrown error, ten times over (one after another and at once)', async () => {
    const cloud = await open({ maxWorkersPerFunction: 1 });
    for (let i = 0; i < 5; i += 1) {
      const reply = await callFunction(cloud, 'fn_throw', { message: `failure ${i}` });
      expect(reply.body).toMatchObject({ errCode: -504002, errMsg: expect.stringContaining(`failure ${i}`) });
    }
    const replies = await Promise.all(Array.from({ length: 5 }, () => callFunction(cloud, 'fn_throw', {})));
    for (const reply of replies) expect(reply.body.errCode).toBe(-504002);
  }, 20_000);

  it('timeouts, then a call that finishes in time', async () => {
    const cloud = await open({ maxWorkersPerFunction: 1 });
    for (let i = 0; i < 2; i += 1) expect((await callFunction(cloud, 'fn_sleep', { ms: 2_000 })).body.errCode).toBe(-504003);
    expect(expectOk(await callFunction(cloud, 'fn_sleep', { ms: 0 }))).toEqual({ slept: 0 });
  }, 20_000);

  it('a container that exits or crashes, then a call that returns', async () => {
    const cloud = await open({ maxWorkersPerFunction: 1 });
    for (let i = 0; i < 2; i += 1) {
      const exited = await callFunction(cloud, 'fn_crash', { how: 'exit' });
      expect(exited.body).toMatchObject({ errCode: -504002, errMsg: expect.stringContaining('exited with code 3') });
      const crashed = await callFunction(cloud, 'fn_crash', { how: 'uncaught' });
      expect(crashed.body).toMatchObject({ errCode: -504002, errMsg: expect.stringContaining('uncaught crash') });
    }
    expect(expectOk(await callFunction(cloud, 'fn_crash', {}))).toEqual({ survived: true });
  }, 20_000);
});
