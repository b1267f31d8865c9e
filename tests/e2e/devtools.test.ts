/**
 * The DevTools suite (miniprogram-automator): the real mini-program in WeChat DevTools, on the local
 * cloud. DevTools exists for Windows and macOS only: this runs where WECHAT_DEVTOOLS_CLI (path to
 * DevTools' cli, which it launches) or WECHAT_DEVTOOLS_WS (ws:// of a DevTools started with
 * automation enabled) is set, and is skipped with the reason printed elsewhere.
 */
import automator from 'miniprogram-automator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../localcloud/src/server';
import { DEMO, startLinli } from '../helpers/linli';
import { REPO_ROOT } from '../helpers/localcloud';

const cliPath = process.env.WECHAT_DEVTOOLS_CLI;
const wsEndpoint = process.env.WECHAT_DEVTOOLS_WS;
const available = Boolean(cliPath || wsEndpoint);
if (!available) {
  console.log(
    `[e2e] SKIPPED the miniprogram-automator suite: WeChat DevTools is not configured on ${process.platform} ` +
      '(set WECHAT_DEVTOOLS_CLI to its cli, or WECHAT_DEVTOOLS_WS to a running DevTools with automation enabled).',
  );
}

type MiniProgram = Awaited<ReturnType<typeof automator.launch>>;

async function waitFor<T>(read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await read();
    if (accept(value)) return value;
    if (Date.now() - started > timeoutMs) throw new Error('timed out waiting in DevTools');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe.skipIf(!available)('WeChat DevTools: main flows on the local cloud', () => {
  let cloud: LocalCloud;
  let miniProgram: MiniProgram;

  beforeAll(async () => {
    cloud = await startLinli();
    // Fails loudly when DevTools is configured but cannot be reached.
    miniProgram = wsEndpoint
      ? await automator.connect({ wsEndpoint })
      : await automator.launch({ cliPath, projectPath: REPO_ROOT, trustProject: true, timeout: 60_000 });
    await miniProgram.callWxMethod('setStorageSync', 'linli.localUrl', cloud.url);
  }, 120_000);

  afterAll(async () => {
    await miniProgram?.close();
    await cloud?.close();
  });

  it('a resident sees the community’s services and their points on the home page', async () => {
    await miniProgram.callWxMethod('setStorageSync', 'linli.devOpenid', DEMO.resident);
    const page = await miniProgram.reLaunch('/pages/home/index');
    expect(page).toBeDefined();
    const loaded = await waitFor(() => page!.data('loading'), (loading) => loading === false);
    expect(loaded).toBe(false);
    const community = await page!.$('.community');
    expect(await community?.text()).toBe('幸福里社区');
    expect((await page!.$$('.service')).length).toBe(7);
  });

  it('tapping a service opens the order form for it', async () => {
    const home = await miniProgram.reLaunch('/pages/home/index');
    await waitFor(() => home!.data('loading'), (loading) => loading === false);
    const [first] = (await home!.$$('.service')) as Array<{ tap(): Promise<void> }>;
    await first!.tap();
    const form = await waitFor(() => miniProgram.currentPage(), (page) => page?.path === 'pages/order-form/index');
    expect(form?.query).toMatchObject({ serviceId: expect.any(String) });
  });
});
