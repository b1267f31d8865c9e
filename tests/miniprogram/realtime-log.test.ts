// @vitest-environment happy-dom
/**
 * Errors reach someone: a call the cloud fails, a call the platform refuses and an error no page
 * caught go to WeChat's real-time log (wx.getRealtimeLogManager, stubbed here) with the action and
 * the request id, the same id under which the cloud function logged its own failure line.
 */
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readSchema } from '../../localcloud/src/config';
import type { LocalCloud } from '../../localcloud/src/server';
import { DEMO, startLinli } from '../helpers/linli';
import { postJson, REPO_ROOT } from '../helpers/localcloud';
import { connectMiniProgram, MP_ROOT, mount, until } from '../helpers/mp';

type Level = 'info' | 'warn' | 'error';
interface Entry {
  level: Level;
  args: unknown[];
  /** The filter keywords set for the entry (setFilterMsg, then addFilterMsg). */
  filters: string[];
}

/** A stand-in for RealtimeLogManager that keeps what it is given. */
function stubRealtimeLog(): Entry[] {
  const entries: Entry[] = [];
  let filters: string[] = [];
  const write = (level: Level) => (...args: unknown[]) => {
    entries.push({ level, args, filters });
  };
  const manager = {
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    setFilterMsg: (msg: string) => {
      filters = [msg];
    },
    addFilterMsg: (msg: string) => {
      filters = [...filters, msg];
    },
    in: () => {},
  };
  (globalThis as unknown as { wx: Record<string, unknown> }).wx.getRealtimeLogManager = () => manager;
  return entries;
}

type WxRequest = { url: string; header: Record<string, string>; data: unknown; success?: (r: { statusCode: number; data: unknown }) => void; fail?: (e: { errMsg: string }) => void };
const wx = (globalThis as unknown as { wx: { request: (o: WxRequest) => void } }).wx;

type Api = { call: (action: string, input: unknown, options?: { toast?: boolean }) => Promise<{ ok: boolean; error?: { code: string } }> };
const { call } = require(path.join(MP_ROOT, 'api/api.js')) as Api;
const { config } = require(path.join(MP_ROOT, 'config.js')) as { config: { develop: string; localUrl: string } };

describe('failures in the real-time log', () => {
  let cloud: LocalCloud;
  let entries: Entry[];
  beforeAll(async () => {
    // Without the goods indexes the points mall's query has none to use, and a test's local cloud
    // refuses it: mall.home fails inside the function, as a broken database would make it.
    const schema = readSchema(path.join(REPO_ROOT, 'database/schema.json'))!;
    const collections = { ...schema.collections, goods: { ...schema.collections.goods, indexes: [] } };
    cloud = await startLinli({ schema: { ...schema, collections } });
  });
  afterAll(() => cloud.close());
  beforeEach(() => {
    entries = stubRealtimeLog();
  });

  it('a call the cloud function fails (INTERNAL): the action and the request id of its own log line', async () => {
    const calls = connectMiniProgram(cloud, DEMO.resident);
    const page = mount('pages/mall/index');
    (page.instance as unknown as { onLoad: () => void }).onLoad();
    await until(() => calls.calls.some((c) => c.data.action === 'mall.home') && entries.length > 0);

    const [entry] = entries;
    expect(entries).toHaveLength(1);
    expect(entry!.level).toBe('error');
    const logged = entry!.args.find((arg): arg is Record<string, unknown> => typeof arg === 'object' && arg !== null)!;
    expect(logged).toMatchObject({ action: 'mall.home', code: 'INTERNAL', requestId: expect.any(String) });
    const requestId = String(logged.requestId);
    expect(entry!.filters).toEqual(['mall.home', requestId]);

    // The function's side of the same failure: one JSON line under the same request id.
    const invocation = cloud.runtime.recent(500).find((i) => i.id === requestId);
    expect(invocation).toMatchObject({ name: 'mall', action: 'mall.home' });
    const lines = invocation!.logs.filter((line) => line.includes('"code":"INTERNAL"'));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ function: 'mall', action: 'mall.home', requestId, code: 'INTERNAL' });
  });

  it('a refusal that is part of the service is not logged; input the contract refuses is a warning without what was typed', async () => {
    connectMiniProgram(cloud, DEMO.resident);
    expect((await call('mall.cancel', { redemptionId: 'no-such-redemption' }, { toast: false })).error?.code).toBe('NOT_FOUND');
    expect(entries).toEqual([]);

    const phone = '1390000';
    // A phone code the contract refuses by its format (what was typed must not reach the log either).
    const reply = await call('user.register', { consent: true, communityId: DEMO.community, name: '王桂兰', phoneCode: `${phone}!`, address: { gridId: 'g1', building: '1栋' } }, { toast: false });
    expect(reply.error?.code).toBe('INVALID_INPUT');
    expect(entries.map((e) => e.level)).toEqual(['warn']);
    expect(entries[0]!.args).toContainEqual(expect.objectContaining({ action: 'user.register', code: 'INVALID_INPUT', requestId: expect.any(String) }));
    const text = JSON.stringify(entries);
    expect(text).not.toContain(phone);
    expect(text).not.toContain('王桂兰');
  });

  it('a call the platform refuses, in local mode: the platform error and its request id', async () => {
    connectMiniProgram(cloud, DEMO.resident);
    // simulate's wx.request goes nowhere: forward it to the local cloud as the real one would.
    wx.request = (options) => {
      void postJson(options.url, options.data, options.header).then(
        ({ status, json }) => options.success?.({ statusCode: status, data: json }),
        (error: Error) => options.fail?.({ errMsg: error.message }),
      );
    };
    const saved = { ...config };
    Object.assign(config, { develop: 'local', localUrl: cloud.url });
    try {
      // A function the cloud does not have: the versions of the mini-program and the cloud differ.
      expect((await call('nosuch.action', {}, { toast: false })).error?.code).toBe('NETWORK');
    } finally {
      Object.assign(config, saved);
    }
    expect(entries).toHaveLength(1);
    const logged = entries[0]!.args.find((arg): arg is Record<string, unknown> => typeof arg === 'object' && arg !== null)!;
    expect(logged).toMatchObject({ action: 'nosuch.action', code: 'NETWORK', errCode: -501000, requestId: expect.any(String) });
    expect(entries[0]!.filters).toEqual(['nosuch.action', logged.requestId]);
  });

  it('an error no page caught (App.onError, App.onUnhandledRejection) names the cloud call before it', async () => {
    const calls = connectMiniProgram(cloud, DEMO.resident);
    let app: { onLaunch(): void; onError(error: string): void; onUnhandledRejection(result: { reason: unknown; promise: Promise<unknown> }): void } | undefined;
    (globalThis as unknown as { App: (options: typeof app) => void }).App = (options) => {
      app = options;
    };
    require(path.join(MP_ROOT, 'app.js'));
    expect(app).toBeDefined();

    await call('mall.home', { limit: 20 }, { toast: false });
    expect(calls.calls.at(-1)?.data.action).toBe('mall.home');
    const failed = entries.at(-1)!.args.find((arg): arg is Record<string, unknown> => typeof arg === 'object' && arg !== null)!;
    entries.length = 0;

    app!.onUnhandledRejection({ reason: new Error('Cannot read properties of undefined (reading "id")'), promise: Promise.resolve() });
    app!.onError('TypeError: page.data.items is not iterable\n    at onTap (pages/mall/index.js:12:3)');

    expect(entries.map((e) => [e.level, e.args[0]])).toEqual([
      ['error', '[app] unhandledRejection'],
      ['error', '[app] error'],
    ]);
    const [rejection, error] = entries.map((e) => e.args[1] as { reason: string; lastCall: Record<string, unknown> });
    expect(rejection!.reason).toContain('Cannot read properties of undefined');
    expect(error!.reason).toContain('page.data.items is not iterable');
    for (const entry of [rejection!, error!]) expect(entry.lastCall).toMatchObject({ action: 'mall.home', requestId: failed.requestId });
    expect(entries[0]!.filters).toEqual(['unhandledRejection', 'mall.home', failed.requestId]);
  });
});
