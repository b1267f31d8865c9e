// @vitest-environment happy-dom
/**
 * Privacy in the mini-program: the agreement dialog WeChat's privacy authorization asks for, the
 * privacy page (the inventory of core/privacy.ts), consent at registration, and 我的数据 (export,
 * 注销) against the real `user` function.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRIVACY_ITEMS } from '../../core/privacy';
import type { LocalCloud } from '../../localcloud/src/server';
import { call, DEMO, ok, phoneCode, snapshot, startLinli } from '../helpers/linli';
import { answerModal, captureNavigation, connectMiniProgram, MP_ROOT, mount, settle, text, until } from '../helpers/mp';

type Resolve = (answer: { event: string; buttonId?: string }) => void;
type Wx = Record<string, unknown>;
const wx = (globalThis as unknown as { wx: Wx }).wx;

describe('privacy in the mini-program', () => {
  let cloud: LocalCloud;
  beforeAll(async () => {
    cloud = await startLinli();
  });
  afterAll(() => cloud.close());

  it('the privacy page lists every kind of information with its purpose, who sees it and how long it is kept', () => {
    const page = mount('pages/privacy/index');
    page.instance.onLoad();
    for (const item of PRIVACY_ITEMS) {
      const shown = text(page, `#item-${item.kind}`);
      expect(shown).toContain(item.title);
      expect(shown).toContain(item.purpose);
      expect(shown).toContain(item.seenBy);
      expect(shown).toContain(item.retention);
    }
    expect(text(page, '#item-idNumber')).toContain('任何人都看不到完整号码');
  });

  it('WeChat asks before a privacy API: the page’s dialog shows; agreeing lets it go on, declining stops only it', async () => {
    let listener: ((resolve: Resolve, info: { referrer?: string }) => void) | null = null;
    wx.onNeedPrivacyAuthorization = (registered: typeof listener) => {
      listener = registered;
    };
    const privacy = require(path.join(MP_ROOT, 'utils/privacy.js')) as { listenForPrivacyAuthorization: () => void };
    privacy.listenForPrivacyAuthorization();
    expect(listener).not.toBeNull();

    connectMiniProgram(cloud, DEMO.resident);
    const page = mount('pages/me/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    const dialog = page.querySelector('#privacy-consent')!;
    expect(dialog.data.show).toBe(false);

    const answers: Array<{ event: string; buttonId?: string }> = [];
    listener!((answer) => answers.push(answer), { referrer: 'button.getPhoneNumber' });
    await settle();
    expect(dialog.data.show).toBe(true);
    expect(dialog.querySelector('#privacy-dialog')!.dom!.textContent).toContain('《邻里隐私政策》');
    dialog.querySelector('#agree-privacy')!.dispatchEvent('agreeprivacyauthorization');
    await settle();
    expect(answers).toEqual([{ event: 'exposureAuthorization' }, { buttonId: 'agree-privacy', event: 'agree' }]);
    expect(dialog.data.show).toBe(false);

    listener!((answer) => answers.push(answer), { referrer: 'chooseMedia' });
    await settle();
    dialog.querySelector('#privacy-disagree')!.dispatchEvent('tap');
    await settle();
    expect(answers.slice(2)).toEqual([{ event: 'exposureAuthorization' }, { event: 'disagree' }]);
    // The page is as it was: the profile still shows.
    expect(text(page, '#profile')).toContain('张秀英');

    const navigation = captureNavigation();
    listener!((answer) => answers.push(answer), {});
    await settle();
    dialog.querySelector('#privacy-policy-link')!.dispatchEvent('tap');
    await until(() => navigation.length > 0);
    expect(navigation).toEqual(['/pages/privacy/index']);
  });

  it('registration names the privacy page and is not sent without consent', async () => {
    const calls = connectMiniProgram(cloud, 'o-mp-privacy-new');
    const page = mount('pages/me/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false && page.data.gridNames.length === 2);
    expect(text(page, '#register-consent')).toContain('《隐私政策》');
    page.querySelector('#grid-picker')!.dispatchEvent('change', { detail: { value: '0' } });
    await settle();
    page.querySelector('#building-picker')!.dispatchEvent('change', { detail: { value: '0' } });
    page.querySelector('#name')!.dispatchEvent('change', { detail: '郑大爷' });
    await settle();
    const before = snapshot(cloud);
    page.querySelector('#register')!.dispatchEvent('getphonenumber', { detail: { errMsg: 'getPhoneNumber:ok', code: await phoneCode(cloud, 'o-mp-privacy-new', '13900003333') } });
    await settle(20);
    expect(text(page, '#consent-error-register')).toBe('请阅读并同意《隐私政策》');
    expect(calls.calls.map((c) => c.data.action)).not.toContain('user.register');
    expect(snapshot(cloud)).toBe(before);
    const navigation = captureNavigation();
    page.querySelector('#register-privacy-link')!.dispatchEvent('tap');
    await until(() => navigation.length > 0);
    expect(navigation).toEqual(['/pages/privacy/index']);
  });

  it('我的 offers 隐私政策, 导出我的数据 and 注销账号', async () => {
    connectMiniProgram(cloud, DEMO.resident);
    const page = mount('pages/me/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    const navigation = captureNavigation();
    for (const id of ['#to-privacy', '#to-export', '#to-delete']) page.querySelector(id)!.dispatchEvent('click');
    await until(() => navigation.length === 3);
    expect(navigation).toEqual(['/pages/privacy/index', '/pages/my-data/index', '/pages/my-data/index']);
  });

  it('导出我的数据: the file is made in the cloud and sent to a chat to keep', async () => {
    const calls = connectMiniProgram(cloud, DEMO.resident);
    const shared: Array<{ filePath: string; fileName: string }> = [];
    const downloaded: string[] = [];
    wx.downloadFile = (options: { url: string; success: (r: { statusCode: number; tempFilePath: string }) => void }) => {
      downloaded.push(options.url);
      options.success({ statusCode: 200, tempFilePath: 'wxfile://tmp/export.json' });
    };
    wx.shareFileMessage = (options: { filePath: string; fileName: string }) => shared.push({ filePath: options.filePath, fileName: options.fileName });
    const page = mount('pages/my-data/index');
    page.instance.onLoad();
    page.querySelector('#export-button')!.dispatchEvent('click');
    await until(() => page.data.exported !== null);
    expect(calls.calls.map((c) => c.data.action)).toEqual(['user.exportMine']);
    expect(text(page, '#export-result')).toContain('积分流水');
    expect(text(page, '#export-result')).toContain('今天还可导出 2 次');
    page.querySelector('#save-button')!.dispatchEvent('click');
    await settle();
    expect(downloaded).toEqual([page.data.exported!.url]);
    expect(shared).toEqual([{ filePath: 'wxfile://tmp/export.json', fileName: page.data.exported!.fileName }]);
    // The file itself is in the cloud's storage (its content: tests/functions/privacy.test.ts).
    expect(cloud.storage.list().map((stored) => stored.fileID)).toContain(page.data.exported!.fileID);
  });

  it('注销账号: says what is erased and kept, needs the word typed and a confirmation, then the person is gone', async () => {
    const calls = connectMiniProgram(cloud, DEMO.applicant);
    const page = mount('pages/my-data/index');
    page.instance.onLoad();
    expect(text(page, '#erased')).toContain('身份证号');
    expect(text(page, '#kept')).toContain('志愿服务记录');
    expect(text(page, '#notes')).toContain('剩余爱心积分将作废');

    page.querySelector('#delete-button')!.dispatchEvent('click');
    await settle();
    expect(page.data.confirmError).toBe('请输入“注销”两个字确认');
    page.querySelector('#confirm')!.dispatchEvent('change', { detail: '注销' });
    const asked = answerModal(false);
    page.querySelector('#delete-button')!.dispatchEvent('click');
    await settle(20);
    expect(asked).toEqual(['注销后无法恢复，剩余爱心积分作废。']);
    expect(calls.calls).toEqual([]);

    answerModal(true);
    page.querySelector('#delete-button')!.dispatchEvent('click');
    await until(() => page.data.deleted !== null);
    expect(calls.calls.map((c) => c.data.action)).toEqual(['user.deleteAccount']);
    expect(text(page, '#deleted')).toContain('账号已注销');
    expect(ok(await call(cloud, DEMO.applicant, 'user.me', {}))).toEqual({ openid: DEMO.applicant, roles: [] });
  });
});
