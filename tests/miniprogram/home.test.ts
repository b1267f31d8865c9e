// @vitest-environment happy-dom
/** The resident home page against the real cloud functions on the local cloud. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../localcloud/src/server';
import { call, DEMO, ok, startLinli } from '../helpers/linli';
import { connectMiniProgram, mount, text, until } from '../helpers/mp';

describe('pages/home', () => {
  let cloud: LocalCloud;
  beforeAll(async () => {
    cloud = await startLinli();
  });
  afterAll(() => cloud.close());

  it('shows the community’s services, my open orders and my points from one call', async () => {
    ok(await call(cloud, DEMO.resident, 'order.create', { serviceId: 'svc-haircut', description: '想请师傅上门理发', clientRequestId: 'mp-home-0001' }));
    const cloudCalls = connectMiniProgram(cloud, DEMO.resident);
    const page = mount('pages/home/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    expect(cloudCalls.calls.map((c) => c.data.action)).toEqual(['user.home']);
    expect(text(page, '.community')).toBe('幸福里社区');
    expect(text(page, '#points')).toContain('60');
    expect(page.querySelectorAll('.service')).toHaveLength(7);
    expect(text(page, '#open-orders')).toContain('上门理发');
    expect(text(page, '#open-orders')).toContain('待派单');
  });

  it('takes a newcomer to registration', async () => {
    connectMiniProgram(cloud, 'o-mp-newcomer');
    const page = mount('pages/home/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    expect(text(page, '#welcome')).toContain('登记为社区居民后');
    let navigatedTo = '';
    (globalThis as unknown as { wx: { switchTab: (o: { url: string }) => void } }).wx.switchTab = (options) => {
      navigatedTo = options.url;
    };
    page.querySelector('#register')!.dispatchEvent('click');
    await until(() => navigatedTo !== '');
    expect(navigatedTo).toBe('/pages/me/index');
  });

  it('says what went wrong when the cloud cannot be reached, and retries on request', async () => {
    const cloudCalls = connectMiniProgram(cloud, DEMO.resident);
    const wxCloud = (globalThis as unknown as { wx: { cloud: { callFunction: (o: unknown) => Promise<unknown> } } }).wx.cloud;
    const working = wxCloud.callFunction;
    wxCloud.callFunction = () => Promise.reject({ errMsg: 'cloud.callFunction:fail network' });
    const page = mount('pages/home/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    expect(text(page, '#error')).toContain('网络不给力');
    wxCloud.callFunction = working;
    page.querySelector('#retry')!.dispatchEvent('click');
    await until(() => page.data.home !== null);
    expect(cloudCalls.calls.map((c) => c.data.action)).toEqual(['user.home']);
    expect(text(page, '.community')).toBe('幸福里社区');
  });
});
