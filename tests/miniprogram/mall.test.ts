// @vitest-environment happy-dom
/** The points market (TAB): redeem, the counter code, refusals and cancelling, on the real functions. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../localcloud/src/server';
import { call, DEMO, ok, snapshot, startLinli } from '../helpers/linli';
import { qrDataUrl } from '../../miniprogram/utils/qr';
import { answerModal, connectMiniProgram, mount, settle, text, until } from '../helpers/mp';

describe('pages/mall', () => {
  let cloud: LocalCloud;
  beforeAll(async () => {
    cloud = await startLinli();
  });
  afterAll(() => cloud.close());

  async function open(openid: string) {
    const calls = connectMiniProgram(cloud, openid);
    const page = mount('pages/mall/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    return { page, calls };
  }

  it('redeems a towel after confirmation and shows the 6-digit code for the counter', async () => {
    const { page } = await open(DEMO.resident);
    expect(text(page, '#balance')).toContain('60');
    expect(text(page, '#goods-goods-towel')).toContain('30 积分');
    expect(text(page, '#goods-goods-towel')).toContain('库存 50');

    const asked = answerModal(true);
    page.querySelector('#redeem-goods-towel')!.dispatchEvent('click');
    await until(() => page.data.tab === 'mine' && page.data.items.length === 1);
    expect(asked[0]).toContain('30 积分');
    const mine = ok(await call(cloud, DEMO.resident, 'mall.myRedemptions', {}));
    expect(mine.items).toHaveLength(1);
    const code = mine.items[0]!.code;
    expect(code).toMatch(/^\d{6}$/);
    expect(text(page, '.code')).toBe(code);
    // The same code as a QR image for staff/verify's scanner: the library's drawing of exactly this code.
    const qr = page.querySelector(`#qr-${mine.items[0]!.id}`);
    expect(qr).toBeTruthy();
    expect(page.data.items[0].qr).toBe(qrDataUrl(code));
    expect(qrDataUrl(code)).toMatch(/^data:image\/gif;base64,/);
    expect(text(page, '#balance')).toContain('30');
    expect(ok(await call(cloud, DEMO.resident, 'points.balance', {})).balance).toBe(30);
  });

  it('a redeem with too few points shows the Chinese error and changes nothing', async () => {
    const { page, calls } = await open(DEMO.resident);
    const before = snapshot(cloud);
    answerModal(true);
    page.querySelector('#redeem-goods-rice')!.dispatchEvent('click');
    await until(() => calls.toasts.length > 0);
    expect(calls.toasts[0]).toContain('爱心积分不足');
    await settle(20);
    expect(snapshot(cloud)).toBe(before);
    expect(page.data.tab).toBe('goods');
  });

  it('does nothing when the person changes their mind', async () => {
    const { page, calls } = await open(DEMO.resident);
    const before = snapshot(cloud);
    answerModal(false);
    page.querySelector('#redeem-goods-towel')!.dispatchEvent('click');
    await settle(20);
    expect(calls.calls.map((c) => c.data.action)).not.toContain('mall.redeem');
    expect(snapshot(cloud)).toBe(before);
  });

  it('cancels a pending redemption and the points come back', async () => {
    const { page } = await open(DEMO.resident);
    page.querySelector('#tab-mine')!.dispatchEvent('tap');
    await until(() => page.data.tab === 'mine');
    expect(page.querySelectorAll('.redemption')).toHaveLength(1);
    answerModal(true);
    page.querySelectorAll('.cancel')[0]!.dispatchEvent('click');
    await until(() => page.data.items[0]?.status === 'cancelled');
    expect(text(page, '#redemptions')).toContain('已取消');
    expect(page.querySelectorAll('.code')).toHaveLength(0);
    expect(ok(await call(cloud, DEMO.resident, 'points.balance', {})).balance).toBe(60);
    expect(text(page, '#balance')).toContain('60');
  });
  it('a reply lost on the way back: tapping again is the same redemption, not a second one', async () => {
    const { page, calls } = await open(DEMO.resident);
    const before = ok(await call(cloud, DEMO.resident, 'mall.myRedemptions', {})).items.length;
    const balance = ok(await call(cloud, DEMO.resident, 'points.balance', {})).balance;
    expect(balance).toBeGreaterThanOrEqual(30);
    // The first redemption reaches the cloud, but its reply never reaches the phone.
    const cloudApi = (globalThis as unknown as { wx: { cloud: { callFunction: (o: { data: { action?: string } }) => Promise<unknown> } } }).wx.cloud;
    const real = cloudApi.callFunction.bind(cloudApi);
    let dropped = 0;
    cloudApi.callFunction = async (options) => {
      const result = await real(options);
      if (options.data.action === 'mall.redeem' && dropped++ === 0) throw { errCode: -504003, errMsg: 'cloud.callFunction:fail timeout' };
      return result;
    };
    answerModal(true);
    page.querySelector('#redeem-goods-towel')!.dispatchEvent('click');
    await until(() => calls.toasts.length > 0);
    answerModal(true);
    page.querySelector('#redeem-goods-towel')!.dispatchEvent('click');
    await until(() => page.data.tab === 'mine');
    const sent = calls.calls.filter((c) => c.data.action === 'mall.redeem').map((c) => (c.data as { input?: { clientRequestId?: string } }).input?.clientRequestId);
    expect(sent).toHaveLength(2);
    expect(sent[1]).toBe(sent[0]);
    expect(ok(await call(cloud, DEMO.resident, 'mall.myRedemptions', {})).items).toHaveLength(before + 1);
    expect(ok(await call(cloud, DEMO.resident, 'points.balance', {})).balance).toBe(balance - 30);
  });
});
