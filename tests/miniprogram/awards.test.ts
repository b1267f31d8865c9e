// @vitest-environment happy-dom
/** staff/awards: find and pick the person, nominate them, and a second staff member approves (four eyes). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../localcloud/src/server';
import { call, DEMO, ok, phoneCode, startLinli } from '../helpers/linli';
import { connectMiniProgram, mount, settle, text, until } from '../helpers/mp';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Raw = Record<string, any>;

let cloud: LocalCloud;
const docs = (collection: string): Raw[] => [...(cloud.engine.collections.get(collection)?.entries.values() ?? [])].map((entry) => entry.doc as Raw);
const balanceOf = (openid: string): number => docs('points_accounts').find((account) => account._id === openid)?.balance ?? 0;

beforeAll(async () => {
  cloud = await startLinli();
});
afterAll(() => cloud.close());

describe('staff/awards', () => {
  it('marks a phone that was typed, not verified by WeChat, as 未验证 (and still only masked)', async () => {
    connectMiniProgram(cloud, DEMO.staff);
    const page = mount('staff/awards/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    for (const [name, openid, unverified] of [['周网格', DEMO.grid, true], ['李建国', DEMO.volunteer, false]] as const) {
      page.querySelector('#query')!.dispatchEvent('change', { detail: name });
      page.querySelector('#search')!.dispatchEvent('click');
      await until(() => page.data.people[0]?.openid === openid);
      expect(text(page, `#person-${openid}`).includes('未验证'), name).toBe(unverified);
    }
    expect(text(page, `#person-${DEMO.volunteer}`)).toContain('138****0030');
    page.querySelector('#query')!.dispatchEvent('change', { detail: '周网格' });
    page.querySelector('#search')!.dispatchEvent('click');
    await until(() => page.data.people[0]?.openid === DEMO.grid);
    expect(text(page, `#person-${DEMO.grid}`)).toContain('138****0060未验证');
    expect(page.dom!.textContent).not.toContain('13800000060');
  });

  it('finds the person by name, nominates the one picked once however often it is tapped; the nominator gets no approve button, another staff member approves', async () => {
    const calls = connectMiniProgram(cloud, DEMO.staff);
    const page = mount('staff/awards/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    expect(page.querySelector('#empty')).toBeTruthy();
    const sent = (action: string) => calls.calls.filter((c) => c.data.action === action);

    // An empty form is not sent: first the person, then the reason.
    page.querySelector('#submit')!.dispatchEvent('click');
    await settle();
    expect(page.data.errors).toEqual({ nominee: '请先搜索并选择被推荐人', reason: '请填写推荐事由' });
    expect(sent('points.nominate')).toHaveLength(0);

    // Nothing typed, or half a phone number: said here, nothing asked.
    page.querySelector('#search')!.dispatchEvent('click');
    await until(() => page.data.searchError !== '');
    expect(text(page, '#search-error')).toBe('请输入被推荐人的姓名或手机号');
    page.querySelector('#query')!.dispatchEvent('change', { detail: '1380000' });
    page.querySelector('#search')!.dispatchEvent('click');
    await until(() => page.data.searchError === '手机号应为 11 位，请输入完整的手机号');
    expect(sent('user.search')).toHaveLength(0);

    // Nobody by that name.
    page.querySelector('#query')!.dispatchEvent('change', { detail: '王小明' });
    page.querySelector('#search')!.dispatchEvent('click');
    await until(() => page.data.searched === true);
    expect(text(page, '#search-empty')).toBe('没有找到，请核对姓名或手机号');

    // By name: one row with the building, unit and the masked phone (never the whole number).
    page.querySelector('#query')!.dispatchEvent('change', { detail: '李建国' });
    page.querySelector('#search')!.dispatchEvent('click');
    await until(() => page.data.people.length === 1);
    expect(sent('user.search').at(-1)!.data).toMatchObject({ action: 'user.search', input: { query: '李建国' } });
    expect(text(page, `#person-${DEMO.volunteer}`)).toContain('李建国');
    expect(text(page, `#person-${DEMO.volunteer}`)).toContain('3栋 2单元');
    expect(text(page, `#person-${DEMO.volunteer}`)).toContain('138****0030');
    expect(page.dom!.textContent).not.toContain('13800000030');
    page.querySelector(`#person-${DEMO.volunteer}`)!.dispatchEvent('tap');
    await until(() => page.data.nominee?.openid === DEMO.volunteer);
    expect(text(page, '#nominee-name')).toBe('李建国');
    expect(text(page, '#nominee')).toContain('138****0030');
    expect(page.querySelector('#query')).toBeFalsy();

    // 重新选择 goes back to the results; picking myself is refused by the cloud, and the form keeps
    // what was typed and its request id for the retry.
    const requestId = page.data.requestId;
    page.querySelector('#reason')!.dispatchEvent('change', { detail: '连续三个月帮独居老人买菜' });
    page.querySelector('#kind')!.dispatchEvent('change', { detail: 'role_model' });
    page.querySelector('#points')!.dispatchEvent('change', { detail: 50 });
    page.querySelector('#repick')!.dispatchEvent('click');
    await until(() => page.data.nominee === null);
    expect(page.querySelector(`#person-${DEMO.volunteer}`)).toBeTruthy();
    page.querySelector('#query')!.dispatchEvent('change', { detail: '刘晓梅' });
    page.querySelector('#search')!.dispatchEvent('click');
    await until(() => page.data.people.length === 1 && page.data.people[0].openid === DEMO.staff);
    page.querySelector(`#person-${DEMO.staff}`)!.dispatchEvent('tap');
    await until(() => page.data.nominee?.openid === DEMO.staff);
    page.querySelector('#submit')!.dispatchEvent('click');
    await until(() => calls.toasts.length > 0);
    expect(calls.toasts.at(-1)).toBe('不能推荐自己');
    expect(page.data.requestId).toBe(requestId);
    expect(page.data.form.reason).toBe('连续三个月帮独居老人买菜');
    expect(docs('award_nominations')).toHaveLength(0);

    // The right person, and two quick taps: one nomination, for the person picked.
    page.querySelector('#repick')!.dispatchEvent('click');
    await until(() => page.querySelector('#query') !== undefined && page.querySelector('#query') !== null);
    page.querySelector('#query')!.dispatchEvent('change', { detail: '李建国' });
    page.querySelector('#search')!.dispatchEvent('click');
    await until(() => page.data.people.length === 1 && page.data.people[0].openid === DEMO.volunteer);
    page.querySelector(`#person-${DEMO.volunteer}`)!.dispatchEvent('tap');
    await until(() => page.data.nominee?.openid === DEMO.volunteer);
    page.querySelector('#submit')!.dispatchEvent('click');
    page.querySelector('#submit')!.dispatchEvent('click');
    await until(() => page.data.items.length === 1);
    const stored = docs('award_nominations');
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ openid: DEMO.volunteer, kind: 'role_model', points: 50, reason: '连续三个月帮独居老人买菜', nominatedBy: DEMO.staff, status: 'pending', clientRequestId: requestId });
    expect(sent('points.nominate').at(-1)!.data).toMatchObject({ input: { openid: DEMO.volunteer } });
    expect(page.data.requestId).not.toBe(requestId);
    expect(page.data.form).toEqual({ kind: 'good_deed', points: 10, reason: '' });
    expect(page.data.nominee).toBeNull();
    expect(page.data.query).toBe('');
    expect(page.data.people).toEqual([]);

    // My own nomination: no buttons, only the note that someone else must review it.
    const id = String(stored[0]!._id);
    expect(text(page, `#nomination-${id}`)).toContain('李建国');
    expect(text(page, `#nomination-${id}`)).toContain('先进典型');
    expect(text(page, `#nomination-${id}`)).toContain('+50 分');
    expect(text(page, `#own-${id}`)).toBe('需其他工作人员审核');
    expect(page.querySelector(`#approve-${id}`)).toBeFalsy();
    expect(page.querySelector(`#reject-${id}`)).toBeFalsy();

    // 王建国 approves it: the points arrive.
    const before = balanceOf(DEMO.volunteer);
    connectMiniProgram(cloud, DEMO.staff2);
    const second = mount('staff/awards/index');
    second.instance.onLoad();
    await until(() => second.data.loading === false);
    expect(text(second, `#nomination-${id}`)).toContain('推荐人：刘晓梅');
    expect(second.querySelector(`#own-${id}`)).toBeFalsy();
    second.querySelector(`#approve-${id}`)!.dispatchEvent('click');
    await until(() => second.data.items.length === 0);
    expect(balanceOf(DEMO.volunteer)).toBe(before + 50);
    expect(docs('points_ledger').filter((entry) => entry.ref === id)).toEqual([expect.objectContaining({ source: 'role_model', delta: 50 })]);

    // It now shows as approved, with who approved it.
    second.querySelector('#tab-approved')!.dispatchEvent('tap');
    await until(() => second.data.loading === false && second.data.items.length === 1);
    expect(text(second, `#nomination-${id}`)).toContain('已通过');
    expect(text(second, `#nomination-${id}`)).toContain('审核人：王建国');
  });

  it('shows two people registered with one phone as two rows, and nominates the one tapped', async () => {
    // 张秀英's daughter registered with her mother's phone, in the next unit.
    const twin = 'mp-awards-twin';
    ok(await call(cloud, twin, 'user.register', { consent: true, communityId: DEMO.community, name: '王丽', phoneCode: await phoneCode(cloud, twin, '13800000020'), address: { gridId: 'g1', building: '2栋', unit: '2单元', room: '202' } }));

    const calls = connectMiniProgram(cloud, DEMO.staff);
    const page = mount('staff/awards/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    page.querySelector('#query')!.dispatchEvent('change', { detail: '13800000020' });
    page.querySelector('#search')!.dispatchEvent('click');
    await until(() => page.data.people.length === 2);
    expect(text(page, `#person-${DEMO.resident}`)).toContain('张秀英');
    expect(text(page, `#person-${DEMO.resident}`)).toContain('2栋 1单元');
    expect(text(page, `#person-${twin}`)).toContain('王丽');
    expect(text(page, `#person-${twin}`)).toContain('2栋 2单元');
    for (const openid of [DEMO.resident, twin]) expect(text(page, `#person-${openid}`)).toContain('138****0020');

    page.querySelector(`#person-${twin}`)!.dispatchEvent('tap');
    await until(() => page.data.nominee?.openid === twin);
    expect(text(page, '#nominee-name')).toBe('王丽');
    page.querySelector('#reason')!.dispatchEvent('change', { detail: '照顾楼里的独居老人' });
    page.querySelector('#submit')!.dispatchEvent('click');
    await until(() => calls.toasts.includes('已推荐王丽，待其他工作人员审核'));
    const made = docs('award_nominations').filter((n) => n.reason === '照顾楼里的独居老人');
    expect(made).toEqual([expect.objectContaining({ openid: twin, nomineeName: '王丽', points: 10, kind: 'good_deed', status: 'pending' })]);
  });

  it('a grid worker finds only the residents of their grids', async () => {
    connectMiniProgram(cloud, DEMO.grid);
    const page = mount('staff/awards/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    // 陈思远 lives in the second grid.
    page.querySelector('#query')!.dispatchEvent('change', { detail: '陈思远' });
    page.querySelector('#search')!.dispatchEvent('click');
    await until(() => page.data.searched === true);
    expect(text(page, '#search-empty')).toBe('没有找到，请核对姓名或手机号');
    page.querySelector('#query')!.dispatchEvent('change', { detail: '张秀英' });
    page.querySelector('#search')!.dispatchEvent('click');
    await until(() => page.data.people.length === 1);
    expect(page.data.people[0].openid).toBe(DEMO.resident);
  });

  it('rejecting asks for a reason first', async () => {
    const nomination = ok(await call(cloud, DEMO.grid, 'points.nominate', { openid: DEMO.resident, points: 5, kind: 'good_deed', reason: '帮邻居收快递', clientRequestId: 'mp-awards-reject-1' }));
    const calls = connectMiniProgram(cloud, DEMO.staff);
    const page = mount('staff/awards/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    page.querySelector(`#reject-${nomination.id}`)!.dispatchEvent('click');
    await until(() => page.data.rejecting === nomination.id);
    page.querySelector('#submit-reject')!.dispatchEvent('click');
    await until(() => page.data.rejectError !== '');
    expect(text(page, '#reject-error')).toBe('请填写不通过的原因，推荐人会看到');
    expect(calls.calls.filter((c) => c.data.action === 'points.review')).toHaveLength(0);

    page.querySelector('#note')!.dispatchEvent('change', { detail: '事迹尚待核实' });
    page.querySelector('#submit-reject')!.dispatchEvent('click');
    await until(() => !(page.data.items as Array<{ id: string }>).some((item) => item.id === nomination.id));
    expect(docs('award_nominations').find((n) => n._id === nomination.id)).toMatchObject({ status: 'rejected', reviewNote: '事迹尚待核实', reviewedBy: DEMO.staff });
    expect(docs('points_ledger').filter((entry) => entry.ref === nomination.id)).toHaveLength(0);

    page.querySelector('#tab-rejected')!.dispatchEvent('tap');
    await until(() => page.data.status === 'rejected' && page.data.loading === false && page.data.items.length === 1);
    expect(text(page, `#nomination-${nomination.id}`)).toContain('审核意见：事迹尚待核实');
  });

  it('when a colleague decided first: 不通过 says so and keeps the reason typed, 通过 shows the list as it is now', async () => {
    const first = ok(await call(cloud, DEMO.grid, 'points.nominate', { openid: DEMO.resident, points: 5, kind: 'good_deed', reason: '帮邻居搬家', clientRequestId: 'mp-awards-race-1' }));
    const second = ok(await call(cloud, DEMO.grid, 'points.nominate', { openid: DEMO.resident, points: 5, kind: 'good_deed', reason: '打扫楼道', clientRequestId: 'mp-awards-race-2' }));
    const calls = connectMiniProgram(cloud, DEMO.staff);
    const page = mount('staff/awards/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false && page.data.items.length >= 2);
    ok(await call(cloud, DEMO.staff2, 'points.review', { nominationId: first.id, decision: 'approve' }));
    ok(await call(cloud, DEMO.staff2, 'points.review', { nominationId: second.id, decision: 'reject', note: '重复推荐' }));

    page.querySelector(`#reject-${first.id}`)!.dispatchEvent('click');
    await until(() => page.data.rejecting === first.id);
    page.querySelector('#note')!.dispatchEvent('change', { detail: '事迹尚待核实' });
    page.querySelector('#submit-reject')!.dispatchEvent('click');
    await until(() => page.data.rejectError !== '');
    expect(text(page, '#reject-error')).toBe('该推荐已审核（已通过），无需重复审核');
    expect(page.data.note).toBe('事迹尚待核实');
    expect(page.data.rejecting).toBe(first.id);
    expect(docs('award_nominations').find((n) => n._id === first.id)).toMatchObject({ status: 'approved', reviewedBy: DEMO.staff2 });

    page.querySelector('#cancel-reject')!.dispatchEvent('click');
    const listed = calls.calls.filter((c) => c.data.action === 'points.nominations').length;
    page.querySelector(`#approve-${second.id}`)!.dispatchEvent('click');
    await until(() => calls.calls.filter((c) => c.data.action === 'points.nominations').length > listed && page.data.loading === false);
    const ids = (page.data.items as Array<{ id: string }>).map((item) => item.id);
    expect(ids).not.toContain(first.id);
    expect(ids).not.toContain(second.id);
    expect(docs('award_nominations').find((n) => n._id === second.id)).toMatchObject({ status: 'rejected', reviewNote: '重复推荐' });
    expect(docs('points_ledger').filter((entry) => entry.ref === second.id)).toHaveLength(0);
  });

  it('shows the error with a retry to someone who may not use it', async () => {
    connectMiniProgram(cloud, DEMO.resident);
    const page = mount('staff/awards/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    expect(page.querySelector('#error')).toBeTruthy();
    expect(page.querySelector('#retry')).toBeTruthy();
  });
});
