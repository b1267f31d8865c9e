/**
 * Conformance of the local cloud's function runtime, openapi and timers (research §7 items 16–19),
 * driven through the REAL wx-server-sdk running inside fixture functions.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud, LocalCloudOptions } from '../../localcloud/src/server';
import type { FireRecord } from '../fixtures/shared/record-fire';
import { type ClientReply, callFunction, control, REPO_ROOT, startTestCloud, TIMER_FIXTURE_FUNCTIONS } from '../helpers/localcloud';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** UTC+8, the time zone of WeChat timer crons. */
const CST = 8 * HOUR;
const APPID = 'wx-conformance-appid';

type WxContext = Record<string, unknown>;

interface InvocationRecord {
  id: string;
  name: string;
  source: string;
  openid: string | null;
  status: 'running' | 'ok' | 'error' | 'timeout';
  error?: string;
  callerId: string | null;
  logs: string[];
}

interface OpenApiOutcome {
  ok: boolean;
  result?: Record<string, unknown>;
  errCode?: number;
  errMsg?: string;
}

interface OutboxEntry {
  touser: string;
  template_id: string;
  page?: string;
  data: Record<string, { value: string }>;
  [key: string]: unknown;
}

/** The result of a successful client call (fails the test otherwise). */
function resultOf<T>(reply: ClientReply): T {
  expect(reply.body.errMsg, JSON.stringify(reply.body)).toBe('cloud.callFunction:ok');
  expect(reply.status).toBe(200);
  return reply.body.result as T;
}

async function invocations(cloud: LocalCloud): Promise<InvocationRecord[]> {
  return (await control<{ invocations: InvocationRecord[] }>(cloud, 'GET', 'invocations?limit=500')).invocations;
}

async function invocation(cloud: LocalCloud, id: string | undefined): Promise<InvocationRecord> {
  const found = (await invocations(cloud)).find((record) => record.id === id);
  if (!found) throw new Error(`no invocation ${id}`);
  return found;
}

async function clockNow(cloud: LocalCloud): Promise<number> {
  return Date.parse((await control<{ now: string }>(cloud, 'GET', 'clock')).now);
}

interface Advanced {
  fired: Array<{ name: string; at: string }>;
}

async function advance(cloud: LocalCloud, advanceMs: number): Promise<Advanced> {
  return control<Advanced>(cloud, 'POST', 'clock', { advanceMs });
}

/** Moves the virtual clock forward to `target` (epoch ms). */
async function advanceTo(cloud: LocalCloud, target: number): Promise<Advanced> {
  const advanceMs = target - (await clockNow(cloud));
  expect(advanceMs).toBeGreaterThanOrEqual(0);
  return advance(cloud, advanceMs);
}

const ceilTo = (ms: number, unit: number) => Math.ceil(ms / unit) * unit;
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * A cloud running only the named timer fixtures (copied into a fresh root inside the repo, so
 * their `require('wx-server-sdk')` still resolves), whose records land in `timer_fires`.
 */
async function startTimerCloud(names: string[], options: LocalCloudOptions = {}) {
  const buildDir = path.join(REPO_ROOT, '.build');
  const root = fs.mkdtempSync(path.join(buildDir, 'timer-root-'));
  for (const name of names) fs.cpSync(path.join(TIMER_FIXTURE_FUNCTIONS, name), path.join(root, name), { recursive: true });
  const cloud = await startTestCloud({ functionRoots: [root], schema: { collections: { timer_fires: {} } }, appid: APPID, ...options });
  return {
    cloud,
    async fires(): Promise<FireRecord[]> {
      const page = await control<{ documents: FireRecord[] }>(cloud, 'GET', 'collections/timer_fires/documents?limit=200');
      return page.documents;
    },
    async close() {
      await cloud.close();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

describe('§7.16–18 cloud functions through the real wx-server-sdk', () => {
  let cloud: LocalCloud;
  beforeAll(async () => {
    cloud = await startTestCloud({ sensitiveWords: ['赌博'], appid: APPID });
  });
  afterAll(() => cloud.close());

  /** Calls fn_nest, which calls `target` with cloud.callFunction. */
  const nested = (target: string, data: Record<string, unknown>, openid = 'o-nest-user') =>
    callFunction(cloud, 'fn_nest', { target, data }, openid).then((reply) =>
      resultOf<{ ok: boolean; result?: Record<string, unknown>; errCode?: number; errMsg?: string; code?: string; caller: WxContext }>(reply),
    );

  /** Runs `cloud.openapi.<api>(data)` inside a fixture function; '$OPENID' in data is the caller. */
  const openapi = (fn: 'fn_openapi' | 'fn_openapi_limited', api: string, data: Record<string, unknown>, openid: string) =>
    callFunction(cloud, fn, { api, data }, openid).then((reply) => resultOf<OpenApiOutcome>(reply));

  const subscribeMessage = {
    touser: '$OPENID',
    templateId: 'TPL_ORDER_ACCEPTED',
    page: 'pages/orders/detail?id=42',
    data: { thing1: { value: '订单已接单' }, time2: { value: '2024-01-02 10:00' } },
  };

  const outboxFor = async (touser: string) =>
    (await control<{ messages: OutboxEntry[] }>(cloud, 'GET', 'outbox')).messages.filter((m) => m.touser === touser);

  // ---- §7.16 getWXContext --------------------------------------------------------------------

  it('§7.16 client call sees OPENID, APPID, UNIONID, CLIENTIP, ENV and SOURCE wx_client', async () => {
    const withUnion = resultOf<{ wxContext: WxContext }>(
      await callFunction(cloud, 'echo', {}, 'o-alice', { 'x-wx-unionid': 'u-alice' }),
    );
    expect(withUnion.wxContext).toEqual({
      OPENID: 'o-alice',
      APPID: APPID,
      UNIONID: 'u-alice',
      CLIENTIP: '127.0.0.1',
      ENV: cloud.envName,
      SOURCE: 'wx_client',
    });
    // No header, no UNIONID; and nothing left over from the previous call in a reused worker.
    const withoutUnion = resultOf<{ wxContext: WxContext }>(await callFunction(cloud, 'echo', {}, 'o-bob'));
    expect(withoutUnion.wxContext).toEqual({ OPENID: 'o-bob', APPID: APPID, CLIENTIP: '127.0.0.1', ENV: cloud.envName, SOURCE: 'wx_client' });
  });

  it('§7.16 nested call has SOURCE wx_client,scf and the caller’s OPENID', async () => {
    const outcome = await nested('echo', { from: 'fn_nest' }, 'o-carol');
    expect(outcome.ok).toBe(true);
    expect(outcome.caller).toMatchObject({ OPENID: 'o-carol', SOURCE: 'wx_client' });
    expect(outcome.result).toMatchObject({
      event: { from: 'fn_nest' },
      functionName: 'echo',
      wxContext: { OPENID: 'o-carol', APPID: APPID, ENV: cloud.envName, SOURCE: 'wx_client,scf' },
    });
  });

  it('§7.16 40 concurrent client calls each see their own OPENID', async () => {
    const openids = Array.from({ length: 40 }, (_, i) => `o-concurrent-${i}`);
    const replies = await Promise.all(openids.map((openid, tag) => callFunction(cloud, 'fn_whoami', { tag, maxDelayMs: 40 }, openid)));
    const seen = replies.map((reply) => resultOf<{ tag: number; wxContext: WxContext }>(reply));
    expect(seen.map((r) => r.tag)).toEqual(openids.map((_, i) => i));
    expect(seen.map((r) => r.wxContext.OPENID)).toEqual(openids);
  });

  // ---- §7.17 callFunction --------------------------------------------------------------------

  it('§7.17 result is JSON round-tripped: undefined dropped, Date → ISO string, Buffer → {type,data}', async () => {
    const result = resultOf<Record<string, unknown>>(await callFunction(cloud, 'fn_roundtrip', { n: 1, s: '邻里', a: [true, null] }));
    expect(result).toStrictEqual({
      received: { n: 1, s: '邻里', a: [true, null] },
      date: '2024-01-02T03:04:05.006Z',
      buffer: { type: 'Buffer', data: [104, 105] },
      list: [1, null, 'x'],
      nested: { keep: null },
    });
    expect('dropped' in result).toBe(false);
  });

  it('§7.17 the same JSON round-trip applies to a nested call', async () => {
    const outcome = await nested('fn_roundtrip', { d: 1 });
    expect(outcome.result).toStrictEqual({
      received: { d: 1 },
      date: '2024-01-02T03:04:05.006Z',
      buffer: { type: 'Buffer', data: [104, 105] },
      list: [1, null, 'x'],
      nested: { keep: null },
    });
  });

  it('§7.17 unknown function → non-200 with errCode -501000', async () => {
    const reply = await callFunction(cloud, 'fn_does_not_exist', {});
    expect(reply.status).not.toBe(200);
    expect(reply.body.errCode).toBe(-501000);
    expect(reply.body.errMsg).toContain('fn_does_not_exist');
  });

  it('§7.17 a thrown error → errCode -504002 with the message', async () => {
    const reply = await callFunction(cloud, 'fn_throw', { message: 'order 42 is gone' });
    expect(reply.status).not.toBe(200);
    expect(reply.body.errCode).toBe(-504002);
    expect(reply.body.errMsg).toContain('order 42 is gone');
  });

  it('§7.17 timeout (config 1 s, sleeps 2 s) → -504003 within ~1.5 s, then the function works again', async () => {
    expect(resultOf(await callFunction(cloud, 'fn_sleep', { ms: 0 }))).toEqual({ slept: 0 }); // warm
    const started = performance.now();
    const reply = await callFunction(cloud, 'fn_sleep', { ms: 2000 });
    const elapsed = performance.now() - started;
    expect(reply.status).not.toBe(200);
    expect(reply.body.errCode).toBe(-504003);
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(elapsed).toBeLessThan(1500);
    expect(resultOf(await callFunction(cloud, 'fn_sleep', { ms: 10 }))).toEqual({ slept: 10 });
  });

  it('§7.17 a result over 1 MB → -604001 (just under 1 MB is fine)', async () => {
    const underLimit = 1024 * 1024 - 2; // the JSON string adds two quotes
    expect(resultOf<string>(await callFunction(cloud, 'fn_big', { chars: underLimit }))).toHaveLength(underLimit);
    const reply = await callFunction(cloud, 'fn_big', { chars: underLimit + 1 });
    expect(reply.status).not.toBe(200);
    expect(reply.body.errCode).toBe(-604001);
  });

  // With the real SDK (wx-server-sdk 4.0.2 over @cloudbase/node-sdk 3.17.2) a nested call's error
  // never carries a -50xxxx errCode: node-sdk throws every `{code}` reply as an Error (its
  // throwOnCode flag is always true), and wx-server-sdk turns any Error into errCode -1. The TCB
  // code stays on the error as `code`, and the message is kept.
  it('§7.17 a nested call to an unknown function rejects inside the caller (errCode -1, code FUNCTIONS_REQUEST_FAIL)', async () => {
    const outcome = await nested('fn_missing_target', {});
    expect(outcome).toMatchObject({ ok: false, errCode: -1, code: 'FUNCTIONS_REQUEST_FAIL' });
    expect(outcome.errMsg).toMatch(/^callFunction:fail .*fn_missing_target/);
  });

  it('§7.17 a nested call that throws → the caller catches it (errCode -1, code FUNCTIONS_EXECUTE_FAIL) with the message', async () => {
    const outcome = await nested('fn_throw', { message: 'inner failure' });
    expect(outcome).toMatchObject({ ok: false, errCode: -1, code: 'FUNCTIONS_EXECUTE_FAIL' });
    expect(outcome.errMsg).toMatch(/^callFunction:fail .*inner failure/);
  });

  // ---- §7.18 openapi -------------------------------------------------------------------------

  it('§7.18 an API missing from permissions.openapi → the SDK rejects with -604101', async () => {
    const denied = await openapi('fn_openapi_limited', 'subscribeMessage.send', subscribeMessage, 'o-limited');
    expect(denied).toMatchObject({ ok: false, errCode: -604101 });
    // The declared API works from the same function.
    const allowed = await openapi('fn_openapi_limited', 'security.msgSecCheck', { version: 2, openid: '$OPENID', scene: 2, content: 'hi' }, 'o-limited');
    expect(allowed.ok).toBe(true);
    expect(await outboxFor('o-limited')).toEqual([]);
  });

  it('§7.18 subscribeMessage.send without a subscription → 43101', async () => {
    const outcome = await openapi('fn_openapi', 'subscribeMessage.send', subscribeMessage, 'o-unsubscribed');
    expect(outcome).toMatchObject({ ok: false, errCode: 43101 });
    expect(await outboxFor('o-unsubscribed')).toEqual([]);
  });

  it('§7.18 after requestSubscribeMessage: send is ok, lands in the outbox as template_id, and uses up the quota', async () => {
    const openid = 'o-subscriber';
    const granted = await fetch(`${cloud.url}/client/requestSubscribeMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-wx-openid': openid },
      body: JSON.stringify({ tmplIds: [subscribeMessage.templateId] }),
    });
    expect(granted.status).toBe(200);
    expect(await granted.json()).toMatchObject({ [subscribeMessage.templateId]: 'accept' });

    const sent = await openapi('fn_openapi', 'subscribeMessage.send', subscribeMessage, openid);
    expect(sent).toMatchObject({ ok: true, result: { errCode: 0 } });
    const outbox = await outboxFor(openid);
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ touser: openid, template_id: subscribeMessage.templateId, page: subscribeMessage.page, data: subscribeMessage.data });
    expect(outbox[0]).not.toHaveProperty('templateId');

    const again = await openapi('fn_openapi', 'subscribeMessage.send', subscribeMessage, openid);
    expect(again).toMatchObject({ ok: false, errCode: 43101 });
    expect(await outboxFor(openid)).toHaveLength(1);
  });

  it('§7.18 a subscription granted through the control API allows exactly `count` sends', async () => {
    const openid = 'o-control-grant';
    await control(cloud, 'POST', 'subscriptions', { openid, templateId: subscribeMessage.templateId, count: 2 });
    const outcomes = [];
    for (let i = 0; i < 3; i += 1) outcomes.push(await openapi('fn_openapi', 'subscribeMessage.send', subscribeMessage, openid));
    expect(outcomes.map((o) => o.errCode ?? 0)).toEqual([0, 0, 43101]);
    expect(await outboxFor(openid)).toHaveLength(2);
  });

  it('§7.18 msgSecCheck v2 reports risky for a sensitive word and pass otherwise, never throwing', async () => {
    const check = (content: string) =>
      openapi('fn_openapi', 'security.msgSecCheck', { version: 2, openid: '$OPENID', scene: 2, content }, 'o-checker');
    const risky = await check('周末一起去赌博吧');
    expect(risky).toMatchObject({ ok: true, result: { errCode: 0, result: { suggest: 'risky' } } });
    const pass = await check('周末一起去打球吧');
    expect(pass).toMatchObject({ ok: true, result: { errCode: 0, result: { suggest: 'pass', label: 100 } } });
  });

  // ---- invocation log ------------------------------------------------------------------------

  it('§7.17 the invocation log records name, source, openid, status and console.log lines', async () => {
    const okReply = await callFunction(cloud, 'fn_logs', { lines: ['first line', '第二行'] }, 'o-logger');
    expect(resultOf(okReply)).toEqual({ logged: 2 });
    expect(await invocation(cloud, okReply.body.requestID)).toMatchObject({
      name: 'fn_logs',
      source: 'wx_client',
      openid: 'o-logger',
      status: 'ok',
      callerId: null,
      logs: ['first line', '第二行'],
    });

    const failed = await callFunction(cloud, 'fn_logs', { lines: ['before failing'], fail: true }, 'o-logger');
    expect(await invocation(cloud, failed.body.requestID)).toMatchObject({
      status: 'error',
      error: expect.stringContaining('failed after logging'),
      logs: ['before failing'],
    });

    const timedOut = await callFunction(cloud, 'fn_sleep', { ms: 2000 }, 'o-sleeper');
    expect(await invocation(cloud, timedOut.body.requestID)).toMatchObject({ name: 'fn_sleep', openid: 'o-sleeper', status: 'timeout' });

    const parent = await callFunction(cloud, 'fn_nest', { target: 'echo', data: {} }, 'o-parent');
    const child = (await invocations(cloud)).find((record) => record.callerId === parent.body.requestID);
    expect(child).toMatchObject({ name: 'echo', source: 'wx_client,scf', openid: 'o-parent', status: 'ok' });
  });

  // ---- §7.19 virtual clock inside functions --------------------------------------------------

  it('§7.19 function code sees the virtual clock (Date.now() moves with an advance)', async () => {
    const before = resultOf<{ now: number }>(await callFunction(cloud, 'echo', {})).now;
    await advance(cloud, 5 * DAY);
    const after = resultOf<{ now: number }>(await callFunction(cloud, 'echo', {})).now;
    expect(after - before).toBeGreaterThanOrEqual(5 * DAY);
    expect(after - before).toBeLessThan(5 * DAY + 10_000);
    expect(Math.abs(after - (await clockNow(cloud)))).toBeLessThan(5_000);
  });
});

describe('§7.16 / §7.19 timer triggers on the virtual clock', () => {
  type TimerCloud = Awaited<ReturnType<typeof startTimerCloud>>;
  const opened: TimerCloud[] = [];
  const open = async (names: string[], options?: LocalCloudOptions) => {
    const timers = await startTimerCloud(names, options);
    opened.push(timers);
    return timers;
  };
  afterAll(async () => {
    await Promise.all(opened.map((timers) => timers.close()));
  });

  it('§7.16 a timer-triggered invocation has SOURCE wx_trigger and no OPENID', async () => {
    // One worker, so the timer run reuses the container a client call just used.
    const timers = await open(['timer_hourly'], { maxWorkersPerFunction: 1 });
    resultOf(await callFunction(timers.cloud, 'timer_hourly', {}, 'o-before-timer'));
    const { fired } = await advance(timers.cloud, HOUR + MINUTE);
    expect(fired.length).toBeGreaterThanOrEqual(1);
    const [client, timer] = await timers.fires();
    expect(client).toMatchObject({ source: 'wx_client', openid: 'o-before-timer' });
    expect(timer).toMatchObject({ type: 'Timer', trigger: 'hourly', source: 'wx_trigger', openid: null });
    expect(timer?.contextKeys).not.toContain('OPENID');
    expect(timer?.contextKeys).not.toContain('UNIONID');
  });

  it('§7.19 an hourly trigger fires exactly 3 times in time order over 3 h, seeing its own fire time', async () => {
    const timers = await open(['timer_hourly']);
    const hour = ceilTo(await clockNow(timers.cloud), HOUR);
    await advanceTo(timers.cloud, hour + 30_000); // align: just past a full hour (fires once)
    expect(await timers.fires()).toHaveLength(1);

    const { fired } = await advance(timers.cloud, 3 * HOUR + MINUTE);
    const expected = [1, 2, 3].map((k) => iso(hour + k * HOUR));
    expect(fired).toEqual(expected.map((at) => ({ name: 'timer_hourly', at })));
    const fires = (await timers.fires()).slice(1);
    expect(fires.map((f) => f.time)).toEqual(expected);
    for (const fire of fires) {
      expect(fire).toMatchObject({ fn: 'timer_hourly', type: 'Timer', trigger: 'hourly', source: 'wx_trigger' });
      // Date.now() inside the function is the moment it fired, not the end of the advance.
      const lag = fire.now - Date.parse(fire.time ?? '');
      expect(lag).toBeGreaterThanOrEqual(0);
      expect(lag).toBeLessThan(5_000);
    }
  });

  it('§7.19 a 7-field cron is read in UTC+8: "0 0 8 * * * *" fires at 00:00Z', async () => {
    const timers = await open(['timer_daily8']);
    const midnight = ceilTo(await clockNow(timers.cloud), DAY);
    const { fired } = await advanceTo(timers.cloud, midnight + 2 * DAY + HOUR);
    const expected = [0, 1, 2].map((k) => iso(midnight + k * DAY));
    expect(fired.map((f) => f.at)).toEqual(expected);
    expect((await timers.fires()).map((f) => f.time)).toEqual(expected);
  });

  it('§7.19 day-of-month OR weekday: "0 0 0 1 * 1 *" fires on the 1st and on Mondays (UTC+8)', async () => {
    const timers = await open(['timer_day_or_monday']);
    const from = await clockNow(timers.cloud);
    const to = from + 40 * DAY;
    // Every local (UTC+8) midnight in the window that is a 1st or a Monday.
    const expected: string[] = [];
    for (let t = ceilTo(from + CST, DAY) - CST; t <= to; t += DAY) {
      const local = new Date(t + CST);
      if (local.getUTCDate() === 1 || local.getUTCDay() === 1) expected.push(iso(t));
    }
    expect(expected.length).toBeGreaterThanOrEqual(6);
    await advanceTo(timers.cloud, to);
    expect((await timers.fires()).map((f) => f.time)).toEqual(expected);
  });

  it('§7.19 two triggers, an invalid trigger name or a 6-field cron → listed with an error and never fired', async () => {
    const invalid = { timer_two_triggers: /only one trigger/, timer_bad_name: /invalid trigger name/, timer_six_fields: /7 fields/ };
    const timers = await open([...Object.keys(invalid), 'timer_hourly']);
    const { functions } = await control<{ functions: Array<{ name: string; error?: string }> }>(timers.cloud, 'GET', 'functions');
    for (const [name, error] of Object.entries(invalid)) expect(functions.find((f) => f.name === name)?.error).toMatch(error);
    expect(functions.find((f) => f.name === 'timer_hourly')?.error).toBeUndefined();

    // Each invalid one would fire every minute if accepted; the valid control does fire.
    const { fired } = await advance(timers.cloud, 2 * HOUR + MINUTE);
    expect(fired.length).toBeGreaterThanOrEqual(2);
    expect(new Set(fired.map((f) => f.name))).toEqual(new Set(['timer_hourly']));
    expect(new Set((await invocations(timers.cloud)).map((r) => r.name))).toEqual(new Set(['timer_hourly']));
  });
});

describe('invocation records count database requests', () => {
  it('attributes each database request to the invocation that made it', async () => {
    const cloud = await startTestCloud({ schema: { collections: { bench: {} } } });
    try {
      const reply = await callFunction(cloud, 'fn_dbwork', {}, 'o-counter');
      expect(reply.status).toBe(200);
      const { invocations } = await control<{ invocations: Array<{ name: string; database: Record<string, number> }> }>(cloud, 'GET', 'invocations');
      const record = invocations.find((item) => item.name === 'fn_dbwork');
      expect(record?.database).toEqual({ 'database.insertDocument': 1, 'database.getDocument': 2, 'database.modifyDocument': 1 });
    } finally {
      await cloud.close();
    }
  });
});
