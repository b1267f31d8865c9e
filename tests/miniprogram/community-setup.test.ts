// @vitest-environment happy-dom
/**
 * The setup pages, on the demo data: admin/communities (the administrators' list, reached from
 * 管理员), admin/community (create, edit), admin/grids, admin/invitations (QR code and code,
 * revocation), staff/join (scan or type) and admin/members.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../localcloud/src/server';
import { call, DEMO, ok, startLinli } from '../helpers/linli';
import { REPO_ROOT } from '../helpers/localcloud';
import { captureNavigation, connectMiniProgram, mount, type Page, text, until } from '../helpers/mp';

/** The library the page ships (miniprogram/package.json), to say what QR image a code must give. */
type QrFactory = (typeNumber: 0, level: 'M') => { addData(data: string, mode: 'Alphanumeric'): void; make(): void; createDataURL(cellSize: number, margin: number): string };
const qrcode = createRequire(path.join(REPO_ROOT, 'miniprogram/package.json'))('qrcode-generator') as QrFactory;
const expectedQr = (code: string) => {
  const qr = qrcode(0, 'M');
  qr.addData(code, 'Alphanumeric');
  qr.make();
  return qr.createDataURL(8, 32);
};

type ModalOptions = { content?: string; editable?: boolean; success?: (result: { confirm: boolean; cancel: boolean; content?: string }) => void };
type Wx = Record<string, unknown>;
const wx = (globalThis as unknown as { wx: Wx }).wx;

/** The person types `answers` into the editable dialogs (and confirms every other one), in turn. */
function typeIntoDialogs(...answers: string[]): string[] {
  const asked: string[] = [];
  wx.showModal = (options: ModalOptions) => {
    asked.push(options.content ?? '');
    options.success?.({ confirm: true, cancel: false, content: options.editable ? answers.shift() : undefined });
  };
  return asked;
}

function chooseInActionSheet(tapIndex: number): void {
  wx.showActionSheet = (options: { success?: (result: { tapIndex: number }) => void }) => options.success?.({ tapIndex });
}

async function opened(page: Page, options: Record<string, string> = {}): Promise<Page> {
  page.instance.onLoad(options);
  await until(() => page.data.loading === false);
  return page;
}

let cloud: LocalCloud;
beforeAll(async () => {
  cloud = await startLinli({ timers: [] });
});
afterAll(() => cloud.close());

describe('communities and their details', () => {
  it('管理员 leads to the communities; an administrator creates one with its first grid and its phone', async () => {
    connectMiniProgram(cloud, DEMO.admin);
    const navigation = captureNavigation();
    const admins = await opened(mount('admin/admins/index'));
    admins.querySelector('#to-communities')!.dispatchEvent('click');
    await until(() => navigation.length > 0);
    expect(navigation).toEqual(['/admin/communities/index']);

    const list = await opened(mount('admin/communities/index'));
    expect(text(list, `#community-${DEMO.community}`)).toContain('幸福里社区');
    list.querySelector('#create')!.dispatchEvent('click');
    await until(() => navigation.length > 1);
    expect(navigation.at(-1)).toBe('/admin/community/index?new=1');

    const form = await opened(mount('admin/community/index'), { new: '1' });
    form.querySelector('#save')!.dispatchEvent('click');
    await until(() => Boolean(form.data.errors.name));
    expect(form.data.errors).toEqual({ name: '请填写社区名称', buildings: '请至少填写一栋楼，如“1栋、2栋”' });

    for (const [field, value] of [
      ['#name', '明月社区'],
      ['#district', '和平街道'],
      ['#contact', '010-62345678'],
      ['#buildings', '1栋、2栋 3栋'],
    ] as const) {
      form.querySelector(field)!.dispatchEvent('change', { detail: value });
    }
    form.querySelector('#save')!.dispatchEvent('click');
    await until(() => form.data.saving === false && form.data.communityId !== '');
    await until(() => form.data.saving === false);
    const created = ok(await call(cloud, DEMO.admin, 'community.list', {})).find((community) => community.name === '明月社区')!;
    expect(created).toMatchObject({ district: '和平街道', contact: '010-62345678', grids: [{ id: 'g1', name: '第一网格', buildings: ['1栋', '2栋', '3栋'] }] });
    // Saved: the other setup pages of the new community.
    form.querySelector('#to-grids')!.dispatchEvent('click');
    await until(() => navigation.length > 2);
    expect(navigation.at(-1)).toBe(`/admin/grids/index?communityId=${created.id}`);
  });

  it('staff edit their own community from 我的; a wrong phone is explained under the field', async () => {
    connectMiniProgram(cloud, DEMO.staff);
    const form = await opened(mount('admin/community/index'));
    expect(form.data.form.name).toBe('幸福里社区');
    form.querySelector('#contact')!.dispatchEvent('change', { detail: '12345' });
    form.querySelector('#save')!.dispatchEvent('click');
    await until(() => Boolean(form.data.errors.contact));
    expect(text(form, '#contact')).toContain('联系电话格式不正确');
    form.querySelector('#contact')!.dispatchEvent('change', { detail: '010-88886666' });
    form.querySelector('#address')!.dispatchEvent('change', { detail: '幸福路 8 号' });
    const calls = connectMiniProgram(cloud, DEMO.staff);
    form.querySelector('#save')!.dispatchEvent('click');
    await until(() => calls.toasts.includes('已保存'));
    expect(ok(await call(cloud, DEMO.staff, 'community.get', { communityId: DEMO.community }))).toMatchObject({ contact: '010-88886666', address: '幸福路 8 号' });
  });
});

describe('grids and buildings', () => {
  it('staff add a grid and a building, move a building there, and are told why a grid with residents stays', async () => {
    const calls = connectMiniProgram(cloud, DEMO.staff);
    const page = await opened(mount('admin/grids/index'));
    expect(text(page, '#grid-g1')).toContain('1栋');

    typeIntoDialogs('第三网格');
    page.querySelector('#add-grid')!.dispatchEvent('click');
    await until(() => page.data.grids.length === 3);
    const third = page.data.grids[2] as { id: string; name: string };
    expect(third.name).toBe('第三网格');

    typeIntoDialogs('7栋');
    page.querySelector(`#add-building-${third.id}`)!.dispatchEvent('click');
    await until(() => text(page, `#grid-${third.id}`).includes('7栋'));

    // 3栋 (where the demo volunteer lives) → 划到其他网格 → 第三网格.
    chooseInActionSheet(1);
    page.querySelector('#building-g1-2')!.dispatchEvent('tap');
    await until(() => page.data.moving !== null);
    page.querySelector(`#move-to-${third.id}`)!.dispatchEvent('click');
    await until(() => text(page, `#grid-${third.id}`).includes('3栋'));
    expect(text(page, '#grid-g1')).not.toContain('3栋');
    expect(ok(await call(cloud, DEMO.volunteer, 'user.me', {})).profile?.address).toMatchObject({ gridId: third.id, building: '3栋' });

    typeIntoDialogs();
    page.querySelector('#retire-g2')!.dispatchEvent('click');
    await until(() => calls.toasts.some((toast) => toast.includes('第二网格还有 1 位居民')));
    expect(text(page, '#grid-g2')).not.toContain('已停用');
  });
});

describe('invitations and joining', () => {
  it('staff invite a grid worker: QR code, code and expiry; the new grid worker scans it and joins', async () => {
    connectMiniProgram(cloud, DEMO.staff);
    const page = await opened(mount('admin/invitations/index'));
    // Staff invite grid workers only; an administrator invites staff.
    expect(page.querySelector('#role-staff')).toBeFalsy();
    page.querySelector('#invite-button')!.dispatchEvent('click');
    await until(() => page.data.formError !== '');
    expect(text(page, '#form-error')).toBe('请选择网格员负责的网格');

    page.querySelector('#grid-g2')!.dispatchEvent('tap');
    page.querySelector('#invite-button')!.dispatchEvent('click');
    await until(() => page.data.invitation !== null);
    const invitation = page.data.invitation as { code: string; qr: string };
    expect(text(page, '#invitation')).toMatch(/^网格员邀请码[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}\s*\d{4}-\d{2}-\d{2} \d{2}:\d{2} 前有效$/);
    expect(page.querySelector('#qr')).toBeTruthy();
    expect(invitation.qr).toBe(expectedQr(invitation.code));
    await until(() => (page.data.pending as unknown[]).length > 0);
    expect(page.querySelector(`#revoke-${invitation.code}`)).toBeTruthy();

    const joiner = 'o-mp-grid-worker';
    connectMiniProgram(cloud, joiner);
    let switched = '';
    wx.switchTab = (options: { url: string }) => {
      switched = options.url;
    };
    wx.scanCode = (options: { success?: (result: { result: string }) => void }) => options.success?.({ result: invitation.code });
    const join = mount('staff/join/index');
    join.instance.onLoad({});
    join.querySelector('#scan')!.dispatchEvent('click');
    await until(() => join.data.form.code !== '');
    join.querySelector('#name')!.dispatchEvent('change', { detail: '孙网格' });
    join.querySelector('#phone')!.dispatchEvent('change', { detail: '13900000002' });
    join.querySelector('#submit')!.dispatchEvent('click');
    await until(() => switched !== '');
    expect(switched).toBe('/pages/me/index');
    expect(ok(await call(cloud, joiner, 'user.me', {})).roles).toContain('grid_worker');
  });

  it('a revoked invitation leaves the list, and typing it on the join page is refused under the field', async () => {
    connectMiniProgram(cloud, DEMO.admin);
    const page = await opened(mount('admin/invitations/index'), { communityId: DEMO.community });
    page.querySelector('#role-staff')!.dispatchEvent('tap');
    page.querySelector('#invite-button')!.dispatchEvent('click');
    await until(() => page.data.invitation !== null);
    const { code } = page.data.invitation as { code: string };
    await until(() => page.querySelector(`#revoke-${code}`) !== undefined && page.querySelector(`#revoke-${code}`) !== null);
    const asked = typeIntoDialogs();
    page.querySelector(`#revoke-${code}`)!.dispatchEvent('click');
    await until(() => page.data.invitation === null);
    expect(asked[0]).toContain('立即失效');
    await until(() => !(page.data.pending as Array<{ code?: string }>).some((row) => row.code === code));

    connectMiniProgram(cloud, 'o-mp-would-be-staff');
    const join = mount('staff/join/index');
    join.instance.onLoad({ code });
    join.querySelector('#name')!.dispatchEvent('change', { detail: '钱同事' });
    join.querySelector('#phone')!.dispatchEvent('change', { detail: '13900000003' });
    join.querySelector('#submit')!.dispatchEvent('click');
    await until(() => Boolean(join.data.errors.code));
    expect(text(join, '#code')).toContain('邀请码已被撤销');
  });
});

describe('members', () => {
  it('lists staff, then one grid’s residents, with roles and masked phones', async () => {
    connectMiniProgram(cloud, DEMO.staff);
    const page = mount('admin/members/index');
    await page.instance.onLoad({});
    await until(() => page.data.loading === false);
    expect(text(page, `#member-${DEMO.staff}`)).toBe('刘晓梅社区工作人员138****0010');
    page.querySelector('#tab-resident')!.dispatchEvent('tap');
    await until(() => page.data.loading === false && page.data.role === 'resident');
    page.querySelector('#grid-g2')!.dispatchEvent('tap');
    await until(() => page.data.loading === false && page.data.gridId === 'g2');
    expect((page.data.items as Array<{ openid: string }>).map((item) => item.openid)).toEqual([DEMO.applicant]);
    expect(text(page, `#member-${DEMO.applicant}`)).toContain('第二网格 4栋');
  });

  it('off-boarding: staff remove a grid worker’s role with the reason typed in the dialog; 已移除 lists it; cancelling removes nothing', async () => {
    const leaver = 'o-page-leaver';
    const { code } = ok(await call(cloud, DEMO.staff, 'community.invite', { communityId: DEMO.community, role: 'grid_worker', gridIds: ['g2'] }));
    ok(await call(cloud, leaver, 'community.join', { code, name: '韩网格', phone: '13900007777' }));
    const calls = connectMiniProgram(cloud, DEMO.staff);
    const page = mount('admin/members/index');
    await page.instance.onLoad({});
    await until(() => page.data.loading === false);
    // Staff are removed by an administrator: no button on a staff member's card for staff.
    expect(page.querySelector(`#remove-${DEMO.staff2}-staff`)).toBeFalsy();
    page.querySelector('#tab-grid-worker')!.dispatchEvent('tap');
    await until(() => page.data.loading === false && page.data.role === 'grid_worker');
    expect(text(page, `#member-${leaver}`)).toContain('负责：第二网格');

    wx.showModal = (options: ModalOptions) => options.success?.({ confirm: false, cancel: true });
    page.querySelector(`#remove-${leaver}-grid_worker`)!.dispatchEvent('click');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(calls.calls.some((c) => (c.data as { action: string }).action === 'community.removeRole')).toBe(false);

    const asked = typeIntoDialogs('已调往其他社区');
    page.querySelector(`#remove-${leaver}-grid_worker`)!.dispatchEvent('click');
    await until(() => page.querySelector(`#member-${leaver}`) === null || !page.querySelector(`#member-${leaver}`)?.dom);
    expect(asked).toHaveLength(1);
    expect(calls.calls.at(-1)!.data).toEqual({ action: 'community.removeRole', input: { communityId: DEMO.community, openid: leaver, role: 'grid_worker', reason: '已调往其他社区' } });

    page.querySelector('#tab-removed')!.dispatchEvent('tap');
    await until(() => page.data.loading === false && page.data.role === 'removed');
    expect(text(page, '#root')).toContain('韩网格原网格员');
    expect(text(page, '#root')).toContain('由刘晓梅移除原因：已调往其他社区');
  });

  it('department people are listed with their department', async () => {
    connectMiniProgram(cloud, DEMO.admin);
    const page = mount('admin/members/index');
    await page.instance.onLoad({ communityId: DEMO.community });
    await until(() => page.data.loading === false);
    page.querySelector('#tab-department')!.dispatchEvent('tap');
    await until(() => page.data.loading === false && page.data.role === 'department');
    expect(text(page, `#member-${DEMO.dept}`)).toContain('部门：幸福里物业服务中心');
    expect(text(page, `#remove-${DEMO.dept}-department`)).toBe('移除部门人员身份');
  });
});
