// @vitest-environment happy-dom
/** 我的 (TAB): registering, the volunteer application, role entries, large text and the dev identity. */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../localcloud/src/server';
import { call, DEMO, ok, phoneCode, snapshot, startLinli } from '../helpers/linli';
import { postJson } from '../helpers/localcloud';
import { connectMiniProgram, MP_ROOT, mount, settle, text, until } from '../helpers/mp';

type WxApi = {
  navigateTo: (o: { url: string }) => void;
  reLaunch: (o: { url: string }) => void;
  getStorageSync: (key: string) => unknown;
  setStorageSync: (key: string, value: unknown) => void;
};
const wx = (globalThis as unknown as { wx: WxApi }).wx;
type LocalWx = {
  request: (o: { url: string; data: unknown; header: Record<string, string>; success?: (r: { statusCode: number; data: unknown }) => void; fail?: (e: { errMsg: string }) => void }) => void;
  showModal: (o: { title: string; success?: (r: { confirm: boolean; cancel: boolean; content?: string }) => void }) => void;
};
// simulate's storage is a stub that keeps nothing: give the page a real one.
const storage = new Map<string, unknown>();
wx.getStorageSync = (key) => storage.get(key) ?? '';
wx.setStorageSync = (key, value) => {
  storage.set(key, value);
};

async function open(cloud: LocalCloud, openid: string) {
  const calls = connectMiniProgram(cloud, openid);
  const page = mount('pages/me/index');
  page.instance.onLoad();
  await until(() => page.data.loading === false);
  return { page, calls };
}

describe('pages/me', () => {
  let cloud: LocalCloud;
  beforeAll(async () => {
    cloud = await startLinli();
  });
  afterAll(() => cloud.close());

  it('a newcomer registers to the community with the pickers: the user exists', async () => {
    const { page } = await open(cloud, 'o-mp-me-newcomer');
    expect(page.data.mode).toBe('register');
    await until(() => page.data.gridNames.length === 2); // the only community is chosen, its grids loaded
    expect(text(page, '#community-picker')).toContain('幸福里社区');
    page.querySelector('#grid-picker')!.dispatchEvent('change', { detail: { value: '1' } });
    await settle();
    expect(page.data.buildings).toEqual(['4栋', '5栋', '6栋']);
    page.querySelector('#building-picker')!.dispatchEvent('change', { detail: { value: '2' } });
    page.querySelector('#name')!.dispatchEvent('change', { detail: '王桂兰' });
    page.querySelector('#room')!.dispatchEvent('change', { detail: '301' });
    page.querySelector('#consent-checkbox')!.dispatchEvent('change', { detail: true });
    await settle();
    // One button: the tap, then WeChat hands the page the code of the number she picked.
    expect(text(page, '#register')).toBe('用微信手机号登记');
    page.querySelector('#register')!.dispatchEvent('click');
    page.querySelector('#register')!.dispatchEvent('getphonenumber', { detail: { errMsg: 'getPhoneNumber:ok', code: await phoneCode(cloud, 'o-mp-me-newcomer', '13900001111') } });
    await until(() => page.data.mode === 'profile' && page.data.loading === false);
    const me = ok(await call(cloud, 'o-mp-me-newcomer', 'user.me', {}));
    expect(me.profile).toMatchObject({ name: '王桂兰', phone: '13900001111', communityId: DEMO.community, address: { gridId: 'g2', building: '6栋', room: '301' } });
    expect(text(page, '#profile')).toContain('王桂兰');
    expect(text(page, '#apply')).toContain('申请成为志愿者');
  });

  it('validates the registration before sending', async () => {
    const { page, calls } = await open(cloud, 'o-mp-me-hasty');
    await until(() => page.data.gridNames.length === 2);
    const before = snapshot(cloud);
    page.querySelector('#register')!.dispatchEvent('click');
    await settle(20);
    expect(page.data.errors).toMatchObject({ grid: '请选择网格', building: '请选择楼栋', name: '请填写姓名' });
    expect(text(page, '#grid-error')).toBe('请选择网格');
    // The number WeChat gives meanwhile is not sent with an incomplete form.
    page.querySelector('#register')!.dispatchEvent('getphonenumber', { detail: { errMsg: 'getPhoneNumber:ok', code: await phoneCode(cloud, 'o-mp-me-hasty', '13900001112') } });
    await settle(20);
    expect(calls.calls.map((c) => c.data.action)).not.toContain('user.register');
    expect(snapshot(cloud)).toBe(before);
  });

  it('registration: declining WeChat’s number sends nothing; a stale code is explained and nothing is written', async () => {
    const { page, calls } = await open(cloud, 'o-mp-me-declines');
    await until(() => page.data.gridNames.length === 2);
    page.querySelector('#grid-picker')!.dispatchEvent('change', { detail: { value: '0' } });
    await settle();
    page.querySelector('#building-picker')!.dispatchEvent('change', { detail: { value: '0' } });
    page.querySelector('#name')!.dispatchEvent('change', { detail: '孙大妈' });
    page.querySelector('#consent-checkbox')!.dispatchEvent('change', { detail: true });
    await settle();
    const before = snapshot(cloud);
    page.querySelector('#register')!.dispatchEvent('getphonenumber', { detail: { errMsg: 'getPhoneNumber:fail user deny' } });
    await settle(20);
    expect(calls.calls.map((c) => c.data.action)).not.toContain('user.register');
    expect(calls.toasts).toEqual([]);
    page.querySelector('#register')!.dispatchEvent('getphonenumber', { detail: { errMsg: 'getPhoneNumber:ok', code: 'e31968a7f94cc5ee25fafc2aef2773f0bb8c3937b22520eb8ee345274d00c144' } });
    await until(() => calls.toasts.length > 0 && page.data.submitting === false);
    expect(calls.toasts).toEqual(['手机号验证已失效，请重新点击获取手机号']);
    expect(page.data.mode).toBe('register');
    expect(snapshot(cloud)).toBe(before);
  });

  it('换绑手机号: the number WeChat gives replaces the profile’s', async () => {
    const { page, calls } = await open(cloud, DEMO.staff2);
    expect(text(page, '#my-phone')).toBe('13800000050');
    expect(text(page, '#bind-phone')).toBe('换绑手机号');
    page.querySelector('#bind-phone')!.dispatchEvent('getphonenumber', { detail: { errMsg: 'getPhoneNumber:ok', code: await phoneCode(cloud, DEMO.staff2, '13900005050') } });
    await until(() => page.data.bindingPhone === false && calls.toasts.length > 0);
    expect(calls.toasts).toEqual(['手机号已验证']);
    expect(text(page, '#my-phone')).toBe('13900005050');
    expect(ok(await call(cloud, DEMO.staff2, 'user.me', {})).profile?.phone).toBe('13900005050');
  });

  it('a typed phone shows 未验证 and is verified with the same button, also from the volunteer application', async () => {
    const { page, calls } = await open(cloud, DEMO.grid);
    expect(text(page, '#my-phone')).toBe('13800000060未验证');
    expect(text(page, '#bind-phone')).toBe('验证手机号');
    page.querySelector('#apply')!.dispatchEvent('click');
    await until(() => page.data.mode === 'apply');
    expect(text(page, '#apply-phone')).toContain('未验证：请先验证手机号');
    page.querySelector('#apply-bind-phone')!.dispatchEvent('getphonenumber', { detail: { errMsg: 'getPhoneNumber:ok', code: await phoneCode(cloud, DEMO.grid, '13800000060') } });
    await until(() => page.data.bindingPhone === false && calls.toasts.length > 0);
    expect(text(page, '#apply-phone')).toContain('已通过微信验证');
    expect(page.querySelector('#apply-bind-phone')).toBeFalsy();
    expect(ok(await call(cloud, DEMO.grid, 'user.me', {})).profile).not.toHaveProperty('phoneUnverified');
  });

  it('a resident applies as a volunteer; the application waits for review', async () => {
    const { page, calls } = await open(cloud, DEMO.resident);
    expect(text(page, '#profile')).toContain('张秀英');
    expect(text(page, '#points')).toContain('60');
    page.querySelector('#apply')!.dispatchEvent('click');
    await until(() => page.data.mode === 'apply');
    expect(page.data.apply.realName).toBe('张秀英');
    expect(page.data.skillOptions).toContain('理发');

    page.querySelector('#apply-submit')!.dispatchEvent('click');
    await settle(20);
    expect(page.data.applyErrors).toMatchObject({ birthDate: '请选择出生日期', skills: '请至少选择一项技能', consent: '请阅读并同意志愿者服务协议' });
    expect(calls.calls.map((c) => c.data.action)).not.toContain('volunteer.apply');

    page.querySelector('#birth-picker')!.dispatchEvent('change', { detail: { value: '1958-03-14' } });
    // The optional Art. 5 fields: a short ID number is caught on the phone.
    page.querySelector('#id-number')!.dispatchEvent('change', { detail: '1101051958' });
    await settle();
    page.querySelector('#apply-submit')!.dispatchEvent('click');
    await settle(20);
    expect(page.data.applyErrors.idNumber).toBe('身份证号码是 18 位，最后一位可能是 X');
    expect(calls.calls.map((c) => c.data.action)).not.toContain('volunteer.apply');
    page.querySelector('#id-number')!.dispatchEvent('change', { detail: '110105 19580314 002x' });
    page.querySelector('#gender')!.dispatchEvent('change', { detail: '女' });
    page.querySelector('#skills')!.dispatchEvent('change', { detail: ['陪伴', '跑腿'] });
    page.querySelector('#availability')!.dispatchEvent('change', { detail: '周末上午' });
    page.querySelector('#party')!.dispatchEvent('change', { detail: true });
    await settle();
    page.querySelector('#party-org')!.dispatchEvent('change', { detail: '幸福里社区党支部' });
    page.querySelector('#consent')!.dispatchEvent('change', { detail: true });
    await settle();
    page.querySelector('#apply-submit')!.dispatchEvent('click');
    await until(() => page.data.mode === 'profile' && page.data.me?.volunteer !== undefined);
    const me = ok(await call(cloud, DEMO.resident, 'user.me', {}));
    expect(me.volunteer?.status).toBe('pending');
    const applicants = ok(await call(cloud, DEMO.staff, 'volunteer.list', { status: 'pending' }));
    expect(applicants.items.find((v) => v.openid === DEMO.resident)).toMatchObject({
      realName: '张秀英',
      age: 68,
      skills: ['陪伴', '跑腿'],
      partyMember: true,
      partyOrganisation: '幸福里社区党支部',
      gridId: 'g1',
      gender: '女',
      idNumberMasked: '110105********002X',
    });
    expect(text(page, '#volunteer-pending')).toContain('审核中');
  });

  it('a volunteer pauses and resumes new assignments', async () => {
    const { page, calls } = await open(cloud, DEMO.volunteer);
    expect(page.data.me.volunteer.available).toBe(true);
    page.querySelector('#available')!.dispatchEvent('change', { detail: false });
    await until(() => page.data.me.volunteer.available === false && page.data.savingAvailable === false);
    expect(calls.toasts).toEqual(['已暂停接单']);
    expect(ok(await call(cloud, DEMO.volunteer, 'user.me', {})).volunteer?.available).toBe(false);
    page.querySelector('#available')!.dispatchEvent('change', { detail: true });
    await until(() => page.data.me.volunteer.available === true && page.data.savingAvailable === false);
    expect(ok(await call(cloud, DEMO.volunteer, 'user.me', {})).volunteer?.available).toBe(true);
  });

  it('shows an approved volunteer the volunteer pages and staff the staff pages', async () => {
    const volunteer = await open(cloud, DEMO.volunteer);
    let navigatedTo = '';
    wx.navigateTo = (o) => {
      navigatedTo = o.url;
    };
    expect(volunteer.page.querySelector('#apply')).toBeFalsy();
    volunteer.page.querySelector('#to-hall')!.dispatchEvent('click');
    await until(() => navigatedTo !== '');
    expect(navigatedTo).toBe('/volunteer/hall/index');
    expect(volunteer.page.querySelector('#staff')).toBeFalsy();

    const staff = await open(cloud, DEMO.staff);
    navigatedTo = '';
    staff.page.querySelector('#to-dispatch')!.dispatchEvent('click');
    await until(() => navigatedTo !== '');
    expect(navigatedTo).toBe('/staff/dispatch/index');
    // The household register: staff keep it; a grid worker reads their grids' households there.
    expect(text(staff.page, '#to-household-register')).toContain('家庭户登记簿');
    navigatedTo = '';
    staff.page.querySelector('#to-household-register')!.dispatchEvent('click');
    await until(() => navigatedTo !== '');
    expect(navigatedTo).toBe('/household/register/index');
    const gridWorker = await open(cloud, DEMO.grid);
    expect(text(gridWorker.page, '#to-household-register')).toContain('网格家庭户');
    expect(volunteer.page.querySelector('#to-household-register')).toBeFalsy();
  });

  it('offers 成为管理员 to someone who is not one, and 管理员 to an administrator', async () => {
    let navigatedTo = '';
    wx.navigateTo = (o) => {
      navigatedTo = o.url;
    };
    const resident = await open(cloud, DEMO.resident);
    expect(resident.page.querySelector('#to-admins')).toBeFalsy();
    resident.page.querySelector('#to-admin-setup')!.dispatchEvent('click');
    await until(() => navigatedTo !== '');
    expect(navigatedTo).toBe('/admin/setup/index');

    const admin = await open(cloud, DEMO.admin);
    navigatedTo = '';
    expect(admin.page.querySelector('#to-admin-setup')).toBeFalsy();
    admin.page.querySelector('#to-admins')!.dispatchEvent('click');
    await until(() => navigatedTo !== '');
    expect(navigatedTo).toBe('/admin/admins/index');
  });

  it('switches large text on, remembers it and applies the root class', async () => {
    wx.setStorageSync('linli.largeText', false);
    const { page } = await open(cloud, DEMO.resident);
    expect(page.querySelector('#root')!.dom!.className).not.toContain('large-text');
    page.querySelector('#large-text')!.dispatchEvent('change', { detail: true });
    await settle();
    expect(wx.getStorageSync('linli.largeText')).toBe(true);
    expect(page.querySelector('#root')!.dom!.className).toContain('large-text');
    const again = await open(cloud, DEMO.resident);
    expect(again.page.querySelector('#root')!.dom!.className).toContain('large-text');
    wx.setStorageSync('linli.largeText', false);
  });

  it('in local mode, picks a developer identity and relaunches', async () => {
    const { config } = require(path.join(MP_ROOT, 'config.js')) as { config: { develop: string } };
    connectMiniProgram(cloud, DEMO.resident);
    config.develop = 'local';
    let relaunched = '';
    wx.reLaunch = (o) => {
      relaunched = o.url;
    };
    const page = mount('pages/me/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false || page.data.error !== '');
    expect(page.data.local).toBe(true);
    page.querySelector('#identity-picker')!.dispatchEvent('change', { detail: { value: '2' } });
    await until(() => relaunched !== '');
    expect(relaunched).toBe('/pages/home/index');
    expect(wx.getStorageSync('linli.devOpenid')).toBe('demo-staff');
    config.develop = 'cloud';
  });

  it('in local mode, the phone button asks the developer for the number and the local cloud mints its code', async () => {
    const { config } = require(path.join(MP_ROOT, 'config.js')) as { config: { develop: string; localUrl: string } };
    const calls = connectMiniProgram(cloud, DEMO.applicant);
    const saved = { develop: config.develop, localUrl: config.localUrl };
    const local = wx as unknown as LocalWx;
    const posted: string[] = [];
    // simulate's wx.request goes nowhere: forward it to the local cloud as the real one would.
    local.request = (options) => {
      posted.push(options.url.slice(cloud.url.length));
      postJson(options.url, options.data, options.header).then(
        ({ status, json }) => options.success?.({ statusCode: status, data: json }),
        (error: Error) => options.fail?.({ errMsg: error.message }),
      );
    };
    const asked: string[] = [];
    local.showModal = (options) => {
      asked.push(options.title);
      options.success?.({ confirm: true, cancel: false, content: '13900004040' });
    };
    storage.set('linli.devOpenid', DEMO.applicant);
    Object.assign(config, { develop: 'local', localUrl: cloud.url });
    try {
      const page = mount('pages/me/index');
      page.instance.onLoad();
      await until(() => page.data.loading === false);
      // WeChat's own code means nothing to the local cloud: it is not what is sent.
      page.querySelector('#bind-phone')!.dispatchEvent('getphonenumber', { detail: { errMsg: 'getPhoneNumber:ok', code: 'f'.repeat(64) } });
      await until(() => page.data.bindingPhone === false && calls.toasts.length > 0);
      expect(asked).toEqual(['本地云：模拟微信手机号']);
      expect(posted).toEqual(['/client/callFunction', '/client/phoneCode', '/client/callFunction']);
      expect(calls.toasts).toEqual(['手机号已验证']);
      expect(ok(await call(cloud, DEMO.applicant, 'user.me', {})).profile?.phone).toBe('13900004040');
    } finally {
      Object.assign(config, saved);
      storage.delete('linli.devOpenid');
    }
  });
});
