// @vitest-environment happy-dom
/**
 * admin/setup (成为管理员) and admin/admins (管理员), on an empty database: the deployer's setup code
 * typed on the phone makes the first administrator; they invite a colleague, who becomes one with
 * the invitation; the last administrator is never offered 移除.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminView } from '../../core/contract';
import type { LocalCloud } from '../../localcloud/src/server';
import { call, issueSetupCode, ok, startLinli } from '../helpers/linli';
import { answerModal, connectMiniProgram, mount, type Page, text, until } from '../helpers/mp';

const FIRST = 'o-mp-admin-first';
const SECOND = 'o-mp-admin-second';

let cloud: LocalCloud;
beforeAll(async () => {
  cloud = await startLinli({ demo: false, admins: [], timers: [] });
});
afterAll(() => cloud.close());

/** The code `npm run deploy` prints: the community function's server job, through WeChat's server API. */
const deployerCode = async (): Promise<string> => ok(await issueSetupCode(cloud)).code;

function captureRedirect(): string[] {
  const urls: string[] = [];
  wx.redirectTo = (options: { url: string }) => {
    urls.push(options.url);
  };
  return urls;
}

async function enter(page: Page, code: string, name: string): Promise<void> {
  page.querySelector('#code')!.dispatchEvent('change', { detail: code });
  page.querySelector('#name')!.dispatchEvent('change', { detail: name });
  page.querySelector('#submit')!.dispatchEvent('click');
}

const ids = (admins: unknown) => (admins as AdminView[]).map((admin) => admin.openid);

describe('admin pages', () => {
  it('the setup code typed as printed makes the first administrator; a wrong one is explained under the field', async () => {
    const code = await deployerCode();
    const calls = connectMiniProgram(cloud, FIRST);
    const redirects = captureRedirect();
    const page = mount('admin/setup/index');

    page.querySelector('#submit')!.dispatchEvent('click');
    await until(() => Boolean(page.data.errors.code));
    expect(page.data.errors).toEqual({ code: '请输入初始化码或管理员邀请码', name: '请填写您的姓名，其他管理员会看到' });
    expect(calls.calls).toHaveLength(0);

    await enter(page, 'ABCD-EFGH-JKMN', '王主任');
    await until(() => page.data.submitting === false && Boolean(page.data.errors.code));
    expect(text(page, '#code')).toContain('初始化码或邀请码不正确，请核对后重新输入');
    expect(redirects).toEqual([]);

    await enter(page, code.match(/.{1,4}/g)!.join('-'), '王主任');
    await until(() => redirects.length > 0);
    expect(redirects).toEqual(['/admin/admins/index']);
    expect(calls.toasts).toContain('您已成为管理员');
    expect(ok(await call(cloud, FIRST, 'user.me', {})).roles).toContain('admin');
  });

  it('an administrator invites a colleague on the page; the colleague becomes one; the last one shows no 移除', async () => {
    connectMiniProgram(cloud, FIRST);
    const page = mount('admin/admins/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    expect(ids(page.data.admins)).toEqual([FIRST]);
    expect(text(page, `#admin-${FIRST}`)).toContain('王主任（我）');
    // The only administrator: nothing to remove.
    expect(page.querySelector(`#remove-${FIRST}`)).toBeFalsy();

    page.querySelector('#invite-button')!.dispatchEvent('click');
    await until(() => page.data.forNameError !== '');
    expect(page.data.forNameError).toBe('请填写被邀请人的姓名');
    page.querySelector('#for-name')!.dispatchEvent('change', { detail: '李副主任' });
    page.querySelector('#invite-button')!.dispatchEvent('click');
    await until(() => page.data.invitation !== null);
    const shown = text(page, '#invitation');
    expect(shown).toContain('给 李副主任 的邀请码');
    const code = (page.data.invitation as { code: string }).code;
    expect(code).toMatch(/^[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}$/);

    connectMiniProgram(cloud, SECOND);
    const redirects = captureRedirect();
    const setup = mount('admin/setup/index');
    await enter(setup, code, '李副主任');
    await until(() => redirects.length > 0);

    // Back as the first: two administrators, each removable; removing the colleague asks first.
    connectMiniProgram(cloud, FIRST);
    const list = mount('admin/admins/index');
    list.instance.onLoad();
    await until(() => list.data.loading === false && ids(list.data.admins).length === 2);
    const declined = answerModal(false);

    list.querySelector(`#remove-${SECOND}`)!.dispatchEvent('click');
    await until(() => declined.length > 0);
    expect(declined).toEqual(['确定移除“李副主任”的管理员身份吗？']);
    expect(ids(ok(await call(cloud, FIRST, 'community.admins', {})))).toHaveLength(2);
    answerModal(true);
    list.querySelector(`#remove-${SECOND}`)!.dispatchEvent('click');
    await until(() => ids(list.data.admins).length === 1);
    expect(list.querySelector(`#remove-${FIRST}`)).toBeFalsy();
    expect(ok(await call(cloud, SECOND, 'user.me', {})).roles).not.toContain('admin');
  });
});
