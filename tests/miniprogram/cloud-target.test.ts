// @vitest-environment happy-dom
/**
 * No edit before a release: with miniprogram/config.ts as committed, a develop build (DevTools)
 * talks to the local cloud, and the same code uploaded as 体验版 (trial) or 正式版 (release) talks
 * to the real cloud environment config.envId. Only wx.getAccountInfoSync's envVersion differs.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MP_ROOT } from '../helpers/mp';

type EnvVersion = 'develop' | 'trial' | 'release';
type Wx = Record<string, unknown>;
const wx = (globalThis as unknown as { wx: Wx }).wx;
const original = { getAccountInfoSync: wx.getAccountInfoSync, cloud: wx.cloud, request: wx.request };
afterEach(() => Object.assign(wx, original));

const { config } = require(path.join(MP_ROOT, 'config.js')) as { config: { develop: string; envId: string; localUrl: string } };
const { call } = require(path.join(MP_ROOT, 'api/api.js')) as { call: (action: string, input: unknown) => Promise<{ ok: boolean }> };
const { imageUrl } = require(path.join(MP_ROOT, 'api/files.js')) as { imageUrl: (fileID: string) => string };
const { usesLocalCloud } = require(path.join(MP_ROOT, 'api/target.js')) as { usesLocalCloud: () => boolean };

/** The App() options of app.ts, as WeChat gets them. */
let app: { onLaunch(): void } | undefined;
(globalThis as unknown as { App: (options: { onLaunch(): void }) => void }).App = (options) => {
  app = options;
};
require(path.join(MP_ROOT, 'app.js'));

/** Runs the app as WeChat would for `envVersion`: launch, then one call; says where things went. */
async function launchAs(envVersion: EnvVersion) {
  const seen = { inits: [] as unknown[], cloudCalls: [] as string[], requests: [] as string[] };
  wx.getAccountInfoSync = () => ({ miniProgram: { appId: 'wx0000000000000000', envVersion, version: '' } });
  wx.cloud = {
    init(options: unknown) {
      seen.inits.push(options);
    },
    async callFunction(options: { name: string }) {
      seen.cloudCalls.push(options.name);
      return { result: { ok: true, data: {} }, requestID: 'cloud-request', errMsg: 'cloud.callFunction:ok' };
    },
  };
  wx.request = (options: { url: string; success: (response: { statusCode: number; data: unknown }) => void }) => {
    seen.requests.push(options.url);
    options.success({ statusCode: 200, data: { result: { ok: true, data: {} }, requestID: 'local-request' } });
  };
  app!.onLaunch();
  const reply = await call('user.me', {});
  return { ...seen, reply, local: usesLocalCloud(), photo: imageUrl('cloud://env/orders/a.jpg') };
}

describe('which cloud each build talks to, config.ts as committed', () => {
  it('config.ts: develop builds use the local cloud, the others the environment set once', () => {
    expect(config.develop).toBe('local');
    expect(config.envId).not.toBe('');
  });

  it('develop (DevTools): the local cloud over wx.request, no cloud.init', async () => {
    const seen = await launchAs('develop');
    expect(seen.reply.ok).toBe(true);
    expect(seen.inits).toEqual([]);
    expect(seen.cloudCalls).toEqual([]);
    expect(seen.requests).toEqual([`${config.localUrl}/client/callFunction`]);
    expect(seen.local).toBe(true);
    expect(seen.photo).toBe(`${config.localUrl}/client/file?fileID=${encodeURIComponent('cloud://env/orders/a.jpg')}`);
  });

  for (const envVersion of ['trial', 'release'] as const) {
    it(`${envVersion}: the cloud environment config.envId through wx.cloud`, async () => {
      const seen = await launchAs(envVersion);
      expect(seen.reply.ok).toBe(true);
      expect(seen.inits).toEqual([{ env: config.envId, traceUser: true }]);
      expect(seen.cloudCalls).toEqual(['user']);
      expect(seen.requests).toEqual([]);
      expect(seen.local).toBe(false);
      expect(seen.photo).toBe('cloud://env/orders/a.jpg');
    });
  }

  it('develop with config.develop = cloud: the same environment as a release', async () => {
    config.develop = 'cloud';
    try {
      const seen = await launchAs('develop');
      expect(seen.inits).toEqual([{ env: config.envId, traceUser: true }]);
      expect(seen.cloudCalls).toEqual(['user']);
      expect(seen.requests).toEqual([]);
    } finally {
      config.develop = 'local';
    }
  });

  it('a base library without getAccountInfoSync counts as release, never as a developer machine', async () => {
    const seen = await launchAs('develop');
    expect(seen.local).toBe(true);
    wx.getAccountInfoSync = undefined;
    expect(usesLocalCloud()).toBe(false);
  });
});
