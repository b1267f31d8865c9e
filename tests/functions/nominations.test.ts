/**
 * Good deeds and role models (好人好事/先进典型) through the real `points` function: staff or grid
 * workers nominate, another staff member approves (four eyes), and only then are points posted, on
 * the love-points ledger under their own source, never on the service-hour record.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NominationView } from '../../core/contract';
import type { LocalCloud } from '../../localcloud/src/server';
import { call, countDocuments, DEMO, ok, startLinli } from '../helpers/linli';
import { doc, docs, expectRefused, type Raw, seed, userDoc } from '../helpers/seed';

const balanceOf = (cloud: LocalCloud, openid: string): number => doc(cloud, 'points_accounts', openid)?.balance ?? 0;
const ledgerFor = (cloud: LocalCloud, nominationId: string): Raw[] => docs(cloud, 'points_ledger').filter((entry) => entry.ref === nominationId);

let counter = 0;
const requestId = () => `nom-${Date.now().toString(36)}-${(counter++).toString().padStart(4, '0')}`;

/** A user of another community (staff or resident), seeded straight into the database. */
const seedOutsider = (cloud: LocalCloud, openid: string, roles: string[]): void =>
  seed(cloud, 'users', [userDoc(openid, `外社区${openid}`, { roles, communityId: 'other-community', phone: '13900000001', address: { gridId: 'h1', building: '1栋' } })]);

const nominate = (cloud: LocalCloud, by: string, input: Partial<{ openid: string; points: number; kind: 'good_deed' | 'role_model'; reason: string; clientRequestId: string }>) =>
  call(cloud, by, 'points.nominate', {
    openid: DEMO.resident,
    points: 20,
    kind: 'good_deed',
    reason: '帮助独居老人买菜',
    clientRequestId: requestId(),
    ...input,
  });

describe('points.nominate and points.review', () => {
  let cloud: LocalCloud;
  beforeAll(async () => {
    cloud = await startLinli({ sensitiveWords: ['赌博'] });
    seedOutsider(cloud, 'other-staff', ['staff']);
    seedOutsider(cloud, 'other-resident', ['resident']);
  });
  afterAll(() => cloud.close());

  it('the nominator cannot approve; another staff member approves and the points go on the ledger, not on the service record', async () => {
    const recordsBefore = countDocuments(cloud, 'service_records');
    const statsBefore = structuredClone(doc(cloud, 'volunteers', DEMO.volunteer)?.stats);
    const balanceBefore = balanceOf(cloud, DEMO.volunteer);
    const nomination = ok(await nominate(cloud, DEMO.staff, { openid: DEMO.volunteer, kind: 'role_model', points: 50, reason: '年度先进志愿者' }));
    expect(nomination).toMatchObject({ openid: DEMO.volunteer, nomineeName: '李建国', kind: 'role_model', points: 50, status: 'pending', nominatedByName: '刘晓梅', mine: true });
    // Nominating posts nothing yet.
    expect(balanceOf(cloud, DEMO.volunteer)).toBe(balanceBefore);
    expect(ledgerFor(cloud, nomination.id)).toHaveLength(0);

    await expectRefused(cloud, DEMO.staff, 'points.review', { nominationId: nomination.id, decision: 'approve' }, 'FORBIDDEN', '推荐人不能审核自己的推荐，请由其他工作人员审核');

    const { nomination: approved, entry } = ok(await call(cloud, DEMO.staff2, 'points.review', { nominationId: nomination.id, decision: 'approve', note: '事迹属实' }));
    expect(approved).toMatchObject({ id: nomination.id, status: 'approved', reviewedByName: '王建国', reviewNote: '事迹属实', mine: false });
    expect(entry).toMatchObject({ delta: 50, source: 'role_model', ref: nomination.id, reason: '先进典型：年度先进志愿者', balanceAfter: balanceBefore + 50 });
    // The volunteer reads the ref: it must not carry the nominator's openid.
    expect(entry?.ref).not.toContain(DEMO.staff);
    expect(balanceOf(cloud, DEMO.volunteer)).toBe(balanceBefore + 50);
    expect(ok(await call(cloud, DEMO.volunteer, 'points.balance', {})).balance).toBe(balanceBefore + 50);
    expect(doc(cloud, 'award_nominations', nomination.id)).toMatchObject({ status: 'approved', reviewedBy: DEMO.staff2, ledgerEntryId: entry?.id });

    // Points for a good deed are not volunteer service: no record, no recorded hours.
    expect(countDocuments(cloud, 'service_records')).toBe(recordsBefore);
    expect(doc(cloud, 'volunteers', DEMO.volunteer)?.stats).toEqual(statsBefore);
  });

  it('approving twice is refused and posts once; two staff approving at once post exactly once', async () => {
    const first = ok(await nominate(cloud, DEMO.staff, { openid: DEMO.resident, points: 7 }));
    ok(await call(cloud, DEMO.staff2, 'points.review', { nominationId: first.id, decision: 'approve' }));
    await expectRefused(cloud, DEMO.staff2, 'points.review', { nominationId: first.id, decision: 'approve' }, 'CONFLICT', '该推荐已审核（已通过），无需重复审核');
    await expectRefused(cloud, DEMO.staff2, 'points.review', { nominationId: first.id, decision: 'reject', note: '改主意了' }, 'CONFLICT');
    expect(ledgerFor(cloud, first.id)).toHaveLength(1);

    // Nominated by the grid worker, so both staff members may review it, and both try at once.
    const before = balanceOf(cloud, DEMO.resident);
    const second = ok(await nominate(cloud, DEMO.grid, { openid: DEMO.resident, points: 9 }));
    const replies = await Promise.all([
      call(cloud, DEMO.staff, 'points.review', { nominationId: second.id, decision: 'approve' }),
      call(cloud, DEMO.staff2, 'points.review', { nominationId: second.id, decision: 'approve' }),
      call(cloud, DEMO.staff, 'points.review', { nominationId: second.id, decision: 'approve' }),
      call(cloud, DEMO.staff2, 'points.review', { nominationId: second.id, decision: 'approve' }),
    ]);
    expect(replies.filter((reply) => reply.ok)).toHaveLength(1);
    for (const reply of replies.filter((r) => !r.ok)) expect(reply).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(ledgerFor(cloud, second.id)).toHaveLength(1);
    expect(balanceOf(cloud, DEMO.resident)).toBe(before + 9);
    const account = doc(cloud, 'points_accounts', DEMO.resident)!;
    const sum = docs(cloud, 'points_ledger').filter((e) => e.openid === DEMO.resident).reduce((total, e) => total + e.delta, 0);
    expect(account.balance).toBe(sum);
  });

  it('rejecting needs a reason and posts nothing', async () => {
    const nomination = ok(await nominate(cloud, DEMO.staff, { openid: DEMO.applicant, points: 30 }));
    await expectRefused(cloud, DEMO.staff2, 'points.review', { nominationId: nomination.id, decision: 'reject' }, 'INVALID_INPUT', '请填写不通过的原因');
    await expectRefused(cloud, DEMO.staff2, 'points.review', { nominationId: nomination.id, decision: 'reject', note: '   ' }, 'INVALID_INPUT');
    const before = balanceOf(cloud, DEMO.applicant);
    const { nomination: rejected, entry } = ok(await call(cloud, DEMO.staff2, 'points.review', { nominationId: nomination.id, decision: 'reject', note: '事迹待核实' }));
    expect(rejected).toMatchObject({ status: 'rejected', reviewNote: '事迹待核实', reviewedByName: '王建国' });
    expect(entry).toBeUndefined();
    expect(ledgerFor(cloud, nomination.id)).toHaveLength(0);
    expect(balanceOf(cloud, DEMO.applicant)).toBe(before);
    expect(doc(cloud, 'award_nominations', nomination.id)?.ledgerEntryId).toBeUndefined();
  });

  it('a review note the nominator would read is checked like any other text', async () => {
    const nomination = ok(await nominate(cloud, DEMO.grid, { openid: DEMO.resident, reason: '帮邻居修自行车' }));
    await expectRefused(cloud, DEMO.staff, 'points.review', { nominationId: nomination.id, decision: 'reject', note: '与赌博有关' }, 'CONTENT_RISKY', '不通过的原因含有不适宜发布的内容，请修改后再提交');
    await expectRefused(cloud, DEMO.staff, 'points.review', { nominationId: nomination.id, decision: 'approve', note: '赌博' }, 'CONTENT_RISKY');
    expect(doc(cloud, 'award_nominations', nomination.id)?.status).toBe('pending');
  });

  it('the nominee may not review a nomination of themselves', async () => {
    const nomination = ok(await nominate(cloud, DEMO.staff, { openid: DEMO.staff2, reason: '义务维修楼道灯' }));
    await expectRefused(cloud, DEMO.staff2, 'points.review', { nominationId: nomination.id, decision: 'approve' }, 'FORBIDDEN', '不能审核对自己的推荐，请由其他工作人员审核');
    // Staff of another community neither review it nor learn it exists.
    await expectRefused(cloud, 'other-staff', 'points.review', { nominationId: nomination.id, decision: 'approve' }, 'NOT_FOUND');
    await expectRefused(cloud, DEMO.staff2, 'points.review', { nominationId: 'nom-missing', decision: 'approve' }, 'NOT_FOUND', '没有找到这条推荐');
  });

  it('a grid worker nominates residents of their own grids only, and may not review', async () => {
    // demo-resident lives in g1 (周网格's grid), demo-applicant in g2.
    const inGrid = ok(await nominate(cloud, DEMO.grid, { openid: DEMO.resident, reason: '帮邻居收快递' }));
    expect(inGrid).toMatchObject({ openid: DEMO.resident, nominatedByName: '周网格', status: 'pending', mine: true });
    await expectRefused(cloud, DEMO.grid, 'points.nominate', { openid: DEMO.applicant, points: 5, kind: 'good_deed', reason: '好人好事', clientRequestId: requestId() }, 'FORBIDDEN', '只能推荐您负责网格的居民');
    await expectRefused(cloud, DEMO.grid, 'points.review', { nominationId: inGrid.id, decision: 'approve' }, 'FORBIDDEN');
  });

  it('refuses residents, volunteers and strangers, oneself, unknown people and other communities’ residents', async () => {
    const input = (extra: Raw) => ({ points: 10, kind: 'good_deed', reason: '好人好事', clientRequestId: requestId(), ...extra });
    await expectRefused(cloud, DEMO.resident, 'points.nominate', input({ openid: DEMO.volunteer }), 'FORBIDDEN');
    await expectRefused(cloud, DEMO.volunteer, 'points.nominate', input({ openid: DEMO.resident }), 'FORBIDDEN');
    await expectRefused(cloud, 'o-stranger', 'points.nominate', input({ openid: DEMO.resident }), 'UNAUTHENTICATED');
    await expectRefused(cloud, DEMO.resident, 'points.review', { nominationId: 'nom-x', decision: 'approve' }, 'FORBIDDEN');
    await expectRefused(cloud, DEMO.resident, 'points.nominations', {}, 'FORBIDDEN');
    await expectRefused(cloud, DEMO.staff, 'points.nominate', input({ openid: DEMO.staff }), 'FORBIDDEN', '不能推荐自己');
    await expectRefused(cloud, DEMO.staff, 'points.nominate', input({ openid: 'other-resident' }), 'NOT_FOUND', '本社区没有这位居民');
    await expectRefused(cloud, DEMO.staff, 'points.nominate', input({ openid: 'nobody-at-all' }), 'NOT_FOUND');
    await expectRefused(cloud, 'other-staff', 'points.nominate', input({ openid: DEMO.resident }), 'NOT_FOUND');
    await expectRefused(cloud, DEMO.staff, 'points.nominate', input({ openid: DEMO.resident, reason: '一起去赌博' }), 'CONTENT_RISKY');
  });

  it('refuses bad input without writing', async () => {
    const good = { openid: DEMO.resident, points: 10, kind: 'good_deed', reason: '好人好事', clientRequestId: requestId() };
    await expectRefused(cloud, DEMO.staff, 'points.nominate', { ...good, kind: 'service' }, 'INVALID_INPUT', '奖励类型只能是好人好事或先进典型');
    await expectRefused(cloud, DEMO.staff, 'points.nominate', { ...good, points: 0 }, 'INVALID_INPUT', '奖励积分至少为 1');
    await expectRefused(cloud, DEMO.staff, 'points.nominate', { ...good, points: 1001 }, 'INVALID_INPUT');
    await expectRefused(cloud, DEMO.staff, 'points.nominate', { ...good, points: 2.5 }, 'INVALID_INPUT', '奖励积分必须是整数');
    await expectRefused(cloud, DEMO.staff, 'points.nominate', { ...good, reason: '  ' }, 'INVALID_INPUT', '请填写推荐事由');
    await expectRefused(cloud, DEMO.staff, 'points.nominate', { ...good, clientRequestId: 'x' }, 'INVALID_INPUT', '请求编号无效，请重新提交');
    // A person is picked by id, never by a typed phone (phones are neither unique nor verified).
    await expectRefused(cloud, DEMO.staff, 'points.nominate', { points: 10, kind: 'good_deed', reason: '好人好事', clientRequestId: requestId(), phone: '13800000020' }, 'INVALID_INPUT');
    await expectRefused(cloud, DEMO.staff, 'points.nominate', { points: 10, kind: 'good_deed', reason: '好人好事', clientRequestId: requestId() }, 'INVALID_INPUT');
    await expectRefused(cloud, DEMO.staff2, 'points.review', { nominationId: 'nom-x', decision: 'maybe' }, 'INVALID_INPUT', '请选择审核结果：通过或不通过');
    await expectRefused(cloud, DEMO.staff, 'points.nominations', { status: 'lost' }, 'INVALID_INPUT');
    await expectRefused(cloud, DEMO.staff, 'points.nominations', { cursor: 'not-a-cursor' }, 'INVALID_INPUT');
  });

  it('a retried nomination returns the same one; a reused request id for another is refused', async () => {
    const clientRequestId = requestId();
    const count = () => docs(cloud, 'award_nominations').filter((n) => n.clientRequestId === clientRequestId).length;
    const input = { openid: DEMO.volunteer, points: 15, kind: 'good_deed' as const, reason: '拾金不昧', clientRequestId };
    const replies = await Promise.all(Array.from({ length: 5 }, () => call(cloud, DEMO.staff, 'points.nominate', input)));
    const ids = new Set(replies.map((reply) => ok(reply).id));
    expect(ids.size).toBe(1);
    expect(count()).toBe(1);
    await expectRefused(cloud, DEMO.staff, 'points.nominate', { ...input, points: 150 }, 'CONFLICT', '该请求编号已用于另一条推荐，请重新提交');
    await expectRefused(cloud, DEMO.staff, 'points.nominate', { ...input, openid: DEMO.resident }, 'CONFLICT');
    // Another nominator's request ids are their own.
    ok(await call(cloud, DEMO.staff2, 'points.nominate', input));
    expect(count()).toBe(2);
  });
});

describe('points.nominations', () => {
  let cloud: LocalCloud;
  beforeAll(async () => {
    cloud = await startLinli();
  });
  afterAll(() => cloud.close());

  /** Every page of a list, checking the cursor chain ends. */
  async function allPages(openid: string, status: 'pending' | 'approved' | 'rejected' | undefined, limit: number): Promise<NominationView[]> {
    const items: NominationView[] = [];
    let cursor: string | undefined;
    for (let guard = 0; guard < 50; guard++) {
      const page = ok(await call(cloud, openid, 'points.nominations', { ...(status ? { status } : {}), limit, ...(cursor ? { cursor } : {}) }));
      expect(page.items.length).toBeLessThanOrEqual(limit);
      items.push(...page.items);
      if (!page.nextCursor) return items;
      cursor = page.nextCursor;
    }
    throw new Error('paging did not end');
  }

  it('staff see the community’s queue oldest first, history newest first; a grid worker sees only their own', async () => {
    const made: NominationView[] = [];
    for (const [by, reason] of [
      [DEMO.staff, '第一件好事'],
      [DEMO.grid, '第二件好事'],
      [DEMO.staff, '第三件好事'],
      [DEMO.grid, '第四件好事'],
    ] as const) {
      made.push(ok(await nominate(cloud, by, { openid: DEMO.resident, reason })));
      // Distinct creation times, so the expected order does not hang on ids.
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const queue = await allPages(DEMO.staff, undefined, 1);
    expect(queue.map((n) => n.reason)).toEqual(['第一件好事', '第二件好事', '第三件好事', '第四件好事']);
    expect(queue.map((n) => n.mine)).toEqual([true, false, true, false]);
    expect((await allPages(DEMO.staff2, 'pending', 3)).map((n) => n.mine)).toEqual([false, false, false, false]);

    const gridOwn = await allPages(DEMO.grid, 'pending', 10);
    expect(gridOwn.map((n) => n.reason)).toEqual(['第二件好事', '第四件好事']);

    for (const nomination of [made[0]!, made[2]!]) ok(await call(cloud, DEMO.staff2, 'points.review', { nominationId: nomination.id, decision: 'approve' }));
    ok(await call(cloud, DEMO.staff, 'points.review', { nominationId: made[1]!.id, decision: 'reject', note: '重复推荐' }));
    expect((await allPages(DEMO.staff, 'approved', 1)).map((n) => n.reason)).toEqual(['第三件好事', '第一件好事']);
    expect((await allPages(DEMO.staff, 'pending', 5)).map((n) => n.reason)).toEqual(['第四件好事']);
    const rejected = await allPages(DEMO.grid, 'rejected', 5);
    expect(rejected).toEqual([expect.objectContaining({ reason: '第二件好事', reviewNote: '重复推荐', reviewedByName: '刘晓梅', status: 'rejected', mine: true })]);
    expect(await allPages(DEMO.grid, 'approved', 5)).toEqual([]);
  });
});
