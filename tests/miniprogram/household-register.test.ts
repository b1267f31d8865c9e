// @vitest-environment happy-dom
/**
 * household/register (家庭户登记簿) and household/edit against the real household function: staff
 * register a household by tapping through the form, edit it (a stale version is refused with the
 * cloud's words and 刷新 reads it again; a registered member keeps their account), decide residents'
 * requests to join (确认, and 不通过 with a required reason), and give the household a linker and
 * take them away (the community's limit shown as the cloud words it); a grid worker reads their
 * grids' households without care flags and without anything to edit; a resident is refused. The
 * rules themselves: tests/functions/households.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Household, HouseholdClaim, User } from '../../core/model';
import type { LocalCloud } from '../../localcloud/src/server';
import { call, DEMO, ok, startLinli } from '../helpers/linli';
import { connectSdk } from '../helpers/localcloud';
import { answerModal, type CloudCalls, connectMiniProgram, mount, type Page, settle, text, until } from '../helpers/mp';
import { doc, docs, seed, setCommunitySettings, userDoc } from '../helpers/seed';
import { householdIdFor } from '../../core/usecases/household';

/** Asks to join 1栋 2单元 301 (the household staff register below). */
const JOINER = 'hr-joiner';
/** Asks to join 3栋 101, which nobody registered. */
const ASKER = 'hr-asker';
const LINKER = 'hr-linker';
const HOME = householdIdFor(DEMO.community, '1栋', '2', '301');

let cloud: LocalCloud;
beforeAll(async () => {
  cloud = await startLinli({ timers: [] });
  // A community's first day: the register starts empty (the demo data's households taken out, the demo resident unlinked).
  const db = connectSdk(cloud).database();
  for (const household of docs<Household>(cloud, 'households')) await db.collection('households').doc(household._id).remove();
  const { householdId: _unlinked, ...resident } = doc<User>(cloud, 'users', DEMO.resident)!;
  seed(cloud, 'users', [resident]);
  seed(cloud, 'users', [
    userDoc(JOINER, '钱小妹', { address: { gridId: 'g1', building: '1栋', unit: '2', room: '301' } }),
    userDoc(ASKER, '孙大哥', { address: { gridId: 'g1', building: '3栋', room: '101' } }),
    userDoc(LINKER, '党员老钱', { address: { gridId: 'g1', building: '2栋', unit: '1', room: '101' } }),
  ]);
});
afterAll(() => cloud.close());

const actionsOf = (calls: CloudCalls) => calls.calls.map((c) => (c.data as { action: string }).action).sort();
const wx = () => (globalThis as unknown as { wx: Record<string, unknown> }).wx;

async function openRegister(openid: string): Promise<{ page: Page; calls: CloudCalls; opened: string[] }> {
  const calls = connectMiniProgram(cloud, openid);
  const opened: string[] = [];
  wx().navigateTo = (options: { url: string }) => opened.push(options.url);
  const page = mount('household/register/index');
  page.instance.onLoad();
  await until(() => page.data.loading === false, 20_000);
  return { page, calls, opened };
}

async function openEdit(openid: string, query: Record<string, string> = {}): Promise<{ page: Page; calls: CloudCalls }> {
  const calls = connectMiniProgram(cloud, openid);
  const page = mount('household/edit/index');
  page.instance.onLoad(query);
  await until(() => page.data.loading === false, 20_000);
  return { page, calls };
}

/** Taps (a van-button's `click`, a view's `tap`) and lets the page render what it set. */
async function tap(page: Page, selector: string, event = 'click'): Promise<void> {
  const node = page.querySelector(selector);
  if (!node) throw new Error(`no ${selector} on the page`);
  node.dispatchEvent(event);
  await settle();
}
async function change(page: Page, selector: string, detail: unknown): Promise<void> {
  const node = page.querySelector(selector);
  if (!node) throw new Error(`no ${selector} on the page`);
  node.dispatchEvent('change', { detail });
  await settle();
}

describe('household/register and household/edit', () => {
  it('staff find an empty register (three requests) and register a household by tapping through the form', async () => {
    const { page, calls, opened } = await openRegister(DEMO.staff);
    expect(actionsOf(calls)).toEqual(['community.get', 'household.list', 'user.me']);
    expect(text(page, '#empty')).toContain('还没有登记家庭户');
    await until(() => page.data.gridNames.length === 3);
    expect(page.data.gridNames).toEqual(['全部网格', '第一网格', '第二网格']);
    await tap(page, '#register');
    await until(() => opened.length === 1);
    expect(opened).toEqual(['/household/edit/index']);

    const { page: form, calls: formCalls } = await openEdit(DEMO.staff);
    expect(actionsOf(formCalls)).toEqual(['community.get', 'user.me']);
    // Nothing chosen: the page says what is missing and asks nothing of the cloud.
    await tap(form, '#save');
    await until(() => form.data.errors.building !== undefined);
    expect(text(form, '#building-error')).toBe('请选择楼栋');
    expect(text(form, '#members-error')).toBe('请填写每位家庭成员的姓名');
    expect(formCalls.calls).toHaveLength(2);

    await change(form, '#building-picker', { value: form.data.buildingLabels.indexOf('第一网格 · 1栋') });
    await change(form, '#unit', '2');
    await change(form, '#room', '301');
    await change(form, '#member-name-0', '钱奶奶');
    await tap(form, '#add-member', 'tap');
    await change(form, '#member-name-1', '钱爷爷');
    await change(form, '#member-relation-1', { value: 1 });
    await tap(form, '#flag-0', 'tap');
    await change(form, '#contact-phone', '13800001111');
    await tap(form, '#save');
    await until(() => form.data.household !== null, 20_000);
    expect(formCalls.calls.at(-1)!.data).toEqual({
      action: 'household.upsert',
      input: { building: '1栋', unit: '2', room: '301', members: [{ name: '钱奶奶', relation: '户主' }, { name: '钱爷爷', relation: '配偶' }], flags: ['独居老人'], contactPhone: '13800001111' },
    });
    expect(doc<Household>(cloud, 'households', HOME)).toMatchObject({ building: '1栋', unit: '2', room: '301', flags: ['独居老人'], contactPhone: '13800001111', version: 0 });
    // Registered: the door is fixed now, and the linker section appears.
    expect(text(form, '#address')).toBe('第一网格 1栋 2单元 301');
    expect(form.querySelector('#door-form')).toBeFalsy();
    expect(text(form, '#linker-name')).toBe('未安排联户长');

    const again = await openRegister(DEMO.staff);
    const row = text(again.page, `#household-${HOME}`);
    expect(row).toContain('第一网格 1栋 2单元 301');
    expect(row).toContain('钱奶奶（户主）、钱爷爷（配偶）');
    expect(row).toContain('独居老人');
    expect(row).toContain('13800001111');
    expect(row).toContain('未安排联户长');
    await tap(again.page, `#household-${HOME}`, 'tap');
    await until(() => again.opened.length === 1);
    expect(again.opened).toEqual([`/household/edit/index?householdId=${HOME}`]);
    // The filter: another grid's households are not this one.
    again.page.querySelector('#grid-picker')!.dispatchEvent('change', { detail: { value: 2 } });
    await until(() => again.page.data.loading === false && again.calls.calls.length === 4);
    expect(again.calls.calls.at(-1)!.data).toEqual({ action: 'household.list', input: { box: 'community', gridId: 'g2', limit: 20 } });
    expect(text(again.page, '#empty')).toContain('这里还没有登记家庭户');
  });

  it('staff confirm one resident’s request and refuse another’s with a reason', async () => {
    ok(await call(cloud, JOINER, 'household.claim', { relation: '子女' }));
    ok(await call(cloud, ASKER, 'household.claim', { relation: '户主' }));
    const { page, calls } = await openRegister(DEMO.staff);
    await tap(page, '#tab-claims', 'tap');
    await until(() => page.data.tab === 'claims' && page.data.loading === false);
    expect(calls.calls.at(-1)!.data).toEqual({ action: 'household.claims', input: { limit: 20 } });
    expect(text(page, '#claims-count')).toBe('（2）');
    expect(text(page, `#claim-${JOINER}`)).toContain('钱小妹');
    expect(text(page, `#claim-${JOINER}`)).toContain('住址：1栋 2单元 301');
    expect(text(page, `#claim-${JOINER}`)).toContain('该户已登记，确认后加入该户');
    expect(text(page, `#claim-${ASKER}`)).toContain('该户还未登记');

    await tap(page, `#confirm-${JOINER}`);
    await until(() => page.data.items.length === 1, 20_000);
    expect(doc<HouseholdClaim>(cloud, 'household_claims', JOINER)?.status).toBe('confirmed');
    expect(doc<User>(cloud, 'users', JOINER)?.householdId).toBe(HOME);

    await tap(page, `#reject-${ASKER}`);
    await until(() => page.querySelector('#reject-form') !== undefined && page.querySelector('#reject-form') !== null);
    await tap(page, '#submit-reject');
    await until(() => page.data.rejectError !== '');
    expect(text(page, '#reject-error')).toBe('请填写不通过的原因，居民会看到它');
    expect(doc<HouseholdClaim>(cloud, 'household_claims', ASKER)?.status).toBe('pending');
    await change(page, '#reason', '3栋没有 101 室，请核对门牌');
    await tap(page, '#submit-reject');
    await until(() => page.data.items.length === 0, 20_000);
    expect(doc<HouseholdClaim>(cloud, 'household_claims', ASKER)).toMatchObject({ status: 'rejected', reason: '3栋没有 101 室，请核对门牌' });
    expect(text(page, '#empty')).toContain('没有待确认的申请');
  });

  it('an edit keeps a registered member linked; a stale version is refused and 刷新 reads the household again', async () => {
    const { page, calls } = await openEdit(DEMO.staff, { householdId: HOME });
    expect(actionsOf(calls)).toEqual(['household.get']);
    expect(text(page, '#member-2')).toContain('钱小妹');
    expect(text(page, '#member-2')).toContain('已登记');
    expect(page.querySelector('#member-name-2')).toBeFalsy();
    const opened: string[] = [];
    wx().navigateTo = (options: { url: string }) => opened.push(options.url);
    await tap(page, '#to-detail', 'tap');
    expect(opened).toEqual([`/household/detail/index?householdId=${HOME}`]);

    // Someone else saves meanwhile.
    const current = doc<Household>(cloud, 'households', HOME)!;
    ok(await call(cloud, DEMO.staff2, 'household.upsert', { householdId: HOME, version: current.version, building: '1栋', unit: '2', room: '301', members: current.members, flags: ['独居老人', '低保'] }));
    await tap(page, '#flag-1', 'tap');
    await tap(page, '#save');
    await until(() => page.data.saveError !== '', 20_000);
    expect(text(page, '#save-error')).toBe('该家庭户刚被其他工作人员修改，请刷新后重试');
    expect(doc<Household>(cloud, 'households', HOME)?.flags).toEqual(['独居老人', '低保']);

    await tap(page, '#reload');
    await until(() => page.data.loading === false && page.data.conflict === false && page.data.household?.version === current.version + 1, 20_000);
    expect(page.data.flags.filter((flag: { checked: boolean }) => flag.checked).map((flag: { name: string }) => flag.name)).toEqual(['独居老人', '低保']);
    await tap(page, '#remove-member-1', 'tap');
    await tap(page, '#save');
    await until(() => page.data.household?.version === current.version + 2, 20_000);
    expect(doc<Household>(cloud, 'households', HOME)?.members).toEqual([
      { name: '钱奶奶', relation: '户主' },
      { openid: JOINER, name: '钱小妹', relation: '子女' },
    ]);
    expect(doc<User>(cloud, 'users', JOINER)?.householdId).toBe(HOME);
  });

  it('staff give the household a linker found by name, see the community’s limit, and take the linker away', async () => {
    const { page, calls } = await openEdit(DEMO.staff, { householdId: HOME });
    await tap(page, '#pick-linker');
    await until(() => page.data.picking === true);
    await tap(page, '#search');
    await until(() => page.data.linkerError !== '');
    expect(text(page, '#linker-error')).toBe('请输入联户长的姓名或手机号');
    await change(page, '#query', '党员老钱');
    await tap(page, '#search');
    await until(() => page.data.searched === true, 20_000);
    expect(calls.calls.at(-1)!.data).toEqual({ action: 'user.search', input: { query: '党员老钱' } });
    await tap(page, `#person-${LINKER}`, 'tap');
    await until(() => page.data.household?.linkerName === '党员老钱', 20_000);
    expect(text(page, '#linker-name')).toBe('联户长：党员老钱');
    expect(doc<Household>(cloud, 'households', HOME)?.linkerOpenid).toBe(LINKER);

    // A second household for the same linker, past a limit of one.
    setCommunitySettings(cloud, { householdsPerLinker: 1 });
    const other = ok(await call(cloud, DEMO.staff, 'household.upsert', { building: '2栋', room: '502', members: [{ name: '周老师', relation: '户主' }] }));
    const second = await openEdit(DEMO.staff, { householdId: other.id });
    await tap(second.page, '#pick-linker');
    await until(() => second.page.data.picking === true);
    await change(second.page, '#query', '党员老钱');
    await tap(second.page, '#search');
    await until(() => second.page.data.searched === true, 20_000);
    await tap(second.page, `#person-${LINKER}`, 'tap');
    await until(() => second.page.data.linkerError !== '', 20_000);
    expect(text(second.page, '#linker-error')).toBe('党员老钱已联系 1 户，已达社区设定的上限');
    expect(doc<Household>(cloud, 'households', other.id)?.linkerOpenid).toBeUndefined();

    const asked = answerModal(true);
    await tap(page, '#remove-linker');
    await until(() => page.data.household?.linkerName === undefined, 20_000);
    expect(asked).toEqual(['确定不再由党员老钱联系这一户吗？']);
    expect(text(page, '#linker-name')).toBe('未安排联户长');
    expect(doc<Household>(cloud, 'households', HOME)?.linkerOpenid).toBeUndefined();
  });

  it('a grid worker reads their grids’ households, without care flags and without anything to edit', async () => {
    const { page, calls } = await openRegister(DEMO.grid);
    expect(actionsOf(calls)).toEqual(['household.list', 'user.me']);
    expect(calls.calls.at(-1)!.data).toEqual({ action: 'household.list', input: { box: 'grid', limit: 20 } });
    expect(text(page, '#grid-intro')).toContain('只读');
    expect(text(page, `#household-${HOME}`)).toContain('钱奶奶（户主）');
    expect(text(page, '#root')).not.toContain('独居老人');
    expect(text(page, '#root')).not.toContain('需要关照');
    for (const selector of ['#tabs', '#register', '#filters']) expect(page.querySelector(selector)).toBeFalsy();
    const opened: string[] = [];
    wx().navigateTo = (options: { url: string }) => opened.push(options.url);
    // A tap opens the household's page (what is open for it, 代点单), never the edit page.
    await tap(page, `#household-${HOME}`, 'tap');
    expect(opened).toEqual([`/household/detail/index?householdId=${HOME}`]);
  });

  it('a resident opening the register is told why not', async () => {
    const { page } = await openRegister(DEMO.resident);
    expect(text(page, '#error')).toContain('只有社区工作人员可以查看全社区的家庭户');
    expect(page.querySelector('#register')).toBeFalsy();
    expect(docs(cloud, 'households').length).toBe(2);
  });
});
