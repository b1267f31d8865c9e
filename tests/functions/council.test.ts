/**
 * 居民议事 through the real `council` function: 民事民提 (a resident for their own building, grid or
 * community; a grid worker for their grids; caps per day and on waiting proposals), staff open or
 * decline, 民议 within scope with caps and hidden comments that stay, 民评 under the household rule
 * (one vote per household, also when two members vote at the same moment; a confirmed household in
 * scope is needed) and the resident rule, changing a vote, the close that counts the tally from the
 * votes, publishing a decision that cannot touch the tally, and the deadline that ends it all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CouncilMatterView } from '../../core/contract';
import { MAX_COMMENTS_PER_PERSON, MAX_PENDING_PROPOSALS, MAX_PROPOSALS_PER_DAY } from '../../core/council';
import type { CouncilComment, CouncilMatter, CouncilVote } from '../../core/model';
import type { LocalCloud } from '../../localcloud/src/server';
import { call, countDocuments, DEMO, ok, startLinli } from '../helpers/linli';
import { control } from '../helpers/localcloud';
import { doc, docs, expectRefused, type Raw, seed, T0, userDoc } from '../helpers/seed';

const START = new Date('2027-04-08T10:00:00+08:00');
const HOUR = 3_600_000;

/** Household A (g1, 2栋 301): two members. */
const A1 = 'o-council-a1';
const A2 = 'o-council-a2';
/** Household B (g1, 2栋 302): a resident, and a member who is also staff. */
const B = 'o-council-b';
const STAFF_RESIDENT = 'o-council-staff-resident';
/** Household C (g1, 3栋): the same grid, another building. */
const C = 'o-council-c';
/** Household D (g2, 4栋): another grid. */
const D = 'o-council-d';
/** Lives in 2栋 but staff have confirmed no household for them. */
const NO_HOUSEHOLD = 'o-council-no-household';
/** Names household A as theirs, but A does not list them (a forged link). */
const LIAR = 'o-council-liar';
/** Residents who only propose (so the caps of one do not meet the tests of another). */
const PROPOSER = 'o-council-proposer';
const PROPOSER2 = 'o-council-proposer-2';
const PROPOSER3 = 'o-council-proposer-3';
const FLOODER = 'o-council-flooder';

const household = (id: string, gridId: string, building: string, room: string, members: Array<[string | undefined, string]>): Raw => ({
  _id: id,
  communityId: DEMO.community,
  gridId,
  building,
  room,
  members: members.map(([openid, name], index) => ({ ...(openid ? { openid } : {}), name, relation: index === 0 ? '户主' : '配偶' })),
  flags: [],
  version: 0,
  createdBy: DEMO.staff,
  createdAt: T0,
  updatedBy: DEMO.staff,
  updatedAt: T0,
});

const resident = (openid: string, name: string, address: Raw, householdId?: string, roles = ['resident']): Raw => ({
  ...userDoc(openid, name, { address, roles }),
  ...(householdId ? { householdId } : {}),
});

const IN_2 = { gridId: 'g1', building: '2栋', unit: '1单元', room: '301' };

let cloud: LocalCloud;

beforeAll(async () => {
  cloud = await startLinli({ startAt: START, timers: [] });
  seed(cloud, 'users', [
    resident(A1, '王大爷', IN_2, 'hh-a'),
    resident(A2, '李大妈', IN_2, 'hh-a'),
    resident(B, '赵先生', { ...IN_2, room: '302' }, 'hh-b'),
    resident(STAFF_RESIDENT, '钱主任', { ...IN_2, room: '302' }, 'hh-b', ['staff', 'resident']),
    resident(C, '孙阿姨', { gridId: 'g1', building: '3栋', room: '101' }, 'hh-c'),
    resident(D, '周师傅', { gridId: 'g2', building: '4栋', room: '101' }, 'hh-d'),
    resident(NO_HOUSEHOLD, '吴女士', { ...IN_2, room: '303' }),
    resident(LIAR, '郑某', { ...IN_2, room: '304' }, 'hh-a'),
    resident(PROPOSER, '冯老师', { ...IN_2, room: '305' }),
    resident(PROPOSER2, '褚老师', { ...IN_2, room: '307' }),
    resident(PROPOSER3, '卫老师', { ...IN_2, room: '308' }),
    resident(FLOODER, '陈某', { ...IN_2, room: '306' }),
  ]);
  seed(cloud, 'households', [
    household('hh-a', 'g1', '2栋', '301', [
      [A1, '王大爷'],
      [A2, '李大妈'],
      [undefined, '王小宝'],
    ]),
    household('hh-b', 'g1', '2栋', '302', [
      [B, '赵先生'],
      [STAFF_RESIDENT, '钱主任'],
    ]),
    household('hh-c', 'g1', '3栋', '101', [[C, '孙阿姨']]),
    household('hh-d', 'g2', '4栋', '101', [[D, '周师傅']]),
  ]);
});
afterAll(() => cloud?.close());

const BUILDING_2 = { kind: 'building' as const, gridId: 'g1', building: '2栋' };
const GRID_1 = { kind: 'grid' as const, gridId: 'g1' };
const COMMUNITY = { kind: 'community' as const };

async function propose(openid: string, scope: Raw, title = '2栋楼道加装扶手'): Promise<CouncilMatterView> {
  return ok(await call(cloud, openid, 'council.propose', { title, body: '老人多，上下楼不方便，建议在楼道加装扶手，费用从维修基金出。', scope: scope as never }));
}

let seeded = 0;

/** A matter staff put to discussion, voting until the end of tomorrow (proposed by seeding it, so staff's daily cap is not spent). */
async function openMatter(scope: Raw, votingRule: 'household' | 'resident', extra: Raw = {}): Promise<CouncilMatterView> {
  const id = `cm-seeded-${++seeded}`;
  const scopeKey = scope.kind === 'community' ? 'community' : scope.kind === 'grid' ? `grid:${scope.gridId}` : `building:${scope.gridId}:${scope.building}`;
  const at = new Date(START.getTime() + seeded * 1000);
  seed(cloud, 'council_matters', [
    {
      _id: id,
      communityId: DEMO.community,
      title: `议题 ${seeded}`,
      body: '说明',
      scope,
      scopeKey,
      proposerOpenid: PROPOSER,
      proposerName: '冯老师',
      proposerRole: 'resident',
      stage: 'proposed',
      commentCount: 0,
      version: 0,
      events: [{ kind: 'proposed', by: PROPOSER, byName: '冯老师', at }],
      createdAt: at,
      updatedAt: at,
    },
  ]);
  return ok(await call(cloud, DEMO.staff, 'council.open', { matterId: id, deadline: '2027-04-09', votingRule, ...extra }));
}

const votesOf = (matterId: string) => docs<CouncilVote>(cloud, 'council_votes').filter((vote) => vote.matterId === matterId);

describe('council.propose (民事民提)', () => {
  it('a resident raises a matter for their building, grid or community; others see nothing until staff open it', async () => {
    const matter = await propose(PROPOSER, BUILDING_2);
    expect(matter).toMatchObject({ stage: 'proposed', mine: true, proposerName: '冯老师', proposerRole: 'resident', scope: { kind: 'building', gridId: 'g1', building: '2栋', label: '第一网格 2栋' }, commentCount: 0 });
    expect(matter.timeline).toEqual([expect.objectContaining({ kind: 'proposed', byName: '冯老师' })]);
    const stored = doc<CouncilMatter>(cloud, 'council_matters', matter.id)!;
    expect(stored).toMatchObject({ communityId: DEMO.community, scopeKey: 'building:g1:2栋', proposerOpenid: PROPOSER, version: 0 });
    expect((await propose(PROPOSER, GRID_1)).scope.label).toBe('第一网格');
    expect((await propose(PROPOSER, COMMUNITY)).scope.label).toBe('全社区');

    // A neighbour of the same building does not see a proposal staff have not taken up.
    await expectRefused(cloud, A1, 'council.get', { matterId: matter.id }, 'NOT_FOUND');
    const neighbour = ok(await call(cloud, A1, 'council.list', {}));
    expect(neighbour.items.map((item) => item.id)).not.toContain(matter.id);
    // The proposer sees theirs; staff see it among the proposed.
    expect(ok(await call(cloud, PROPOSER, 'council.list', { mine: true })).items.map((item) => item.id)).toContain(matter.id);
    const staffList = ok(await call(cloud, DEMO.staff, 'council.list', { stage: 'proposed' }));
    expect(staffList.items.map((item) => item.id)).toContain(matter.id);
    expect(staffList.items.find((item) => item.id === matter.id)?.allowed).toEqual(['open', 'decline']);
  });

  it('refuses a scope that is not the caller’s, one that does not exist, and bad input, writing nothing', async () => {
    await expectRefused(cloud, C, 'council.propose', { title: '议题', body: '说明', scope: BUILDING_2 }, 'FORBIDDEN', '只能为您所在的楼栋、网格或本社区提出议题');
    await expectRefused(cloud, C, 'council.propose', { title: '议题', body: '说明', scope: { kind: 'grid', gridId: 'g2' } }, 'FORBIDDEN');
    await expectRefused(cloud, DEMO.grid, 'council.propose', { title: '议题', body: '说明', scope: { kind: 'grid', gridId: 'g2' } }, 'FORBIDDEN', '只能为您负责的网格提出议题');
    await expectRefused(cloud, DEMO.grid, 'council.propose', { title: '议题', body: '说明', scope: COMMUNITY }, 'FORBIDDEN');
    await expectRefused(cloud, C, 'council.propose', { title: '议题', body: '说明', scope: { kind: 'building', gridId: 'g1', building: '4栋' } }, 'INVALID_INPUT', '4栋不属于第一网格');
    await expectRefused(cloud, C, 'council.propose', { title: '议题', body: '说明', scope: { kind: 'grid', gridId: 'g9' } }, 'INVALID_INPUT', '本社区没有这个网格');
    await expectRefused(cloud, C, 'council.propose', { title: '', body: '说明', scope: COMMUNITY }, 'INVALID_INPUT', '请填写议题');
    await expectRefused(cloud, C, 'council.propose', { title: '议题', body: '说明', scope: { kind: 'street' } }, 'INVALID_INPUT');
    await expectRefused(cloud, C, 'council.propose', { title: '议'.repeat(41), body: '说明', scope: COMMUNITY }, 'INVALID_INPUT', '议题不能超过 40 个字');
    // Volunteers' and department people's roles do not raise matters.
    await expectRefused(cloud, DEMO.dept, 'council.propose', { title: '议题', body: '说明', scope: COMMUNITY }, 'FORBIDDEN');
  });

  it('council.scopes offers what council.propose accepts', async () => {
    expect(ok(await call(cloud, C, 'council.scopes', {})).map((scope) => scope.label)).toEqual(['第一网格 3栋', '第一网格', '全社区']);
    expect(ok(await call(cloud, DEMO.grid, 'council.scopes', {})).map((scope) => scope.label)).toEqual(['第一网格', '第一网格 1栋', '第一网格 2栋', '第一网格 3栋']);
    const ofStaff = ok(await call(cloud, DEMO.staff, 'council.scopes', {})).map((scope) => scope.label);
    expect(ofStaff).toContain('第二网格 6栋');
    expect(ofStaff.at(-1)).toBe('全社区');
  });

  it('a grid worker raises matters for their grid and its buildings', async () => {
    const matter = await propose(DEMO.grid, { kind: 'building', gridId: 'g1', building: '3栋' });
    expect(matter).toMatchObject({ proposerRole: 'grid_worker', scope: { label: '第一网格 3栋' } });
  });

  it('caps a resident’s waiting proposals and everyone’s proposals a day, exactly under a burst', async () => {
    const replies = await Promise.all(
      Array.from({ length: MAX_PROPOSALS_PER_DAY + 2 }, (_, i) => call(cloud, FLOODER, 'council.propose', { title: `议题${i}`, body: '说明', scope: COMMUNITY })),
    );
    expect(replies.filter((reply) => reply.ok)).toHaveLength(MAX_PENDING_PROPOSALS);
    for (const reply of replies.filter((item) => !item.ok)) expect(reply).toMatchObject({ ok: false, error: { code: 'LIMIT_REACHED' } });
    expect(docs<CouncilMatter>(cloud, 'council_matters').filter((matter) => matter.proposerOpenid === FLOODER)).toHaveLength(MAX_PENDING_PROPOSALS);
    // Declining one frees a place, but the day's cap still holds.
    const waiting = ok(await call(cloud, FLOODER, 'council.list', { mine: true, stage: 'proposed' }));
    ok(await call(cloud, DEMO.staff, 'council.decline', { matterId: waiting.items[0]!.id, reason: '与已有议题重复' }));
    await expectRefused(cloud, FLOODER, 'council.propose', { title: '再提一个', body: '说明', scope: COMMUNITY }, 'LIMIT_REACHED', `每人每天最多提出 ${MAX_PROPOSALS_PER_DAY} 个议题，请明天再提`);
  });
});

describe('council.open and council.decline (staff)', () => {
  it('opens a proposed matter with a deadline, a rule and the default options; only once', async () => {
    const matter = await propose(PROPOSER2, GRID_1, '小区停车位划线');
    await expectRefused(cloud, A1, 'council.open', { matterId: matter.id, deadline: '2027-04-10', votingRule: 'household' }, 'FORBIDDEN');
    await expectRefused(cloud, DEMO.staff, 'council.open', { matterId: matter.id, deadline: '2027-04-08', votingRule: 'household' }, 'INVALID_INPUT', '截止日期最早是明天');
    await expectRefused(cloud, DEMO.staff, 'council.open', { matterId: matter.id, deadline: '2027-05-09', votingRule: 'household' }, 'INVALID_INPUT', '截止日期最晚是 30 天后');
    await expectRefused(cloud, DEMO.staff, 'council.open', { matterId: matter.id, deadline: '2027-04-10', votingRule: 'everyone' }, 'INVALID_INPUT');
    await expectRefused(cloud, DEMO.staff, 'council.open', { matterId: matter.id, deadline: '2027-04-10', votingRule: 'household', options: ['同意', '同意'] }, 'INVALID_INPUT', '选项不能重复');
    await expectRefused(cloud, DEMO.staff, 'council.open', { matterId: matter.id, deadline: '2027-04-10', votingRule: 'household', options: ['同意'] }, 'INVALID_INPUT', '至少需要 2 个选项');
    await expectRefused(cloud, DEMO.staff, 'council.open', { matterId: matter.id, deadline: '2027-04-10', votingRule: 'household', options: ['1', '2', '3', '4', '5', '6'] }, 'INVALID_INPUT', '最多 5 个选项');

    const opened = ok(await call(cloud, DEMO.staff, 'council.open', { matterId: matter.id, deadline: '2027-05-08', votingRule: 'household' }));
    expect(opened).toMatchObject({ stage: 'open', votingRule: 'household', options: ['赞成', '反对', '弃权'], votingEnded: false });
    // The end of the deadline's Beijing day.
    expect(opened.deadline).toBe(new Date('2027-05-09T00:00:00+08:00').toISOString());
    // Staff take part in the discussion too (marked as staff), but do not vote.
    expect(opened.allowed).toEqual(['comment', 'close', 'hideComment']);
    await expectRefused(cloud, DEMO.staff, 'council.open', { matterId: matter.id, deadline: '2027-04-10', votingRule: 'resident' }, 'CONFLICT');
    // Now people of the grid see it, with what they may do.
    const seen = ok(await call(cloud, C, 'council.get', { matterId: matter.id }));
    expect(seen).toMatchObject({ stage: 'open', mine: false, myVote: null });
    expect(seen.allowed).toEqual(['comment', 'vote']);
    expect(seen.tally).toBeUndefined();
    await expectRefused(cloud, D, 'council.get', { matterId: matter.id }, 'NOT_FOUND');
  });

  it('staff may change the scope and the options when opening', async () => {
    const matter = await propose(PROPOSER2, BUILDING_2, '2栋门禁');
    const opened = ok(await call(cloud, DEMO.staff, 'council.open', { matterId: matter.id, deadline: '2027-04-20', votingRule: 'resident', options: ['装刷卡门禁', '装人脸门禁', '不装'], scope: GRID_1 }));
    expect(opened).toMatchObject({ scope: { kind: 'grid', label: '第一网格' }, options: ['装刷卡门禁', '装人脸门禁', '不装'] });
    expect(doc<CouncilMatter>(cloud, 'council_matters', matter.id)?.scopeKey).toBe('grid:g1');
    expect(opened.timeline?.at(-1)).toMatchObject({ kind: 'opened', note: '范围由第一网格 2栋改为第一网格' });
  });

  it('declines with a reason the proposer reads; a declined matter cannot be opened', async () => {
    const matter = await propose(PROPOSER3, COMMUNITY, '重复的议题');
    await expectRefused(cloud, DEMO.staff, 'council.decline', { matterId: matter.id, reason: '' }, 'INVALID_INPUT', '请填写不予受理的原因');
    const declined = ok(await call(cloud, DEMO.staff, 'council.decline', { matterId: matter.id, reason: '已有相同议题正在议事' }));
    expect(declined).toMatchObject({ stage: 'declined', declineReason: '已有相同议题正在议事' });
    expect(ok(await call(cloud, PROPOSER3, 'council.get', { matterId: matter.id }))).toMatchObject({ stage: 'declined', declineReason: '已有相同议题正在议事' });
    await expectRefused(cloud, DEMO.staff, 'council.open', { matterId: matter.id, deadline: '2027-04-10', votingRule: 'household' }, 'CONFLICT');
  });
});

describe('council.comment and council.hideComment (民议)', () => {
  it('people in scope comment; outside the scope nobody does; a person’s comments are capped', async () => {
    const matter = await openMatter(BUILDING_2, 'household');
    const comment = ok(await call(cloud, A1, 'council.comment', { matterId: matter.id, text: '同意，老人上楼太难了' }));
    expect(comment).toMatchObject({ authorName: '王大爷', authorRole: 'resident', text: '同意，老人上楼太难了', mine: true });
    // The grid's worker and staff take part too, marked as such.
    expect(ok(await call(cloud, DEMO.grid, 'council.comment', { matterId: matter.id, text: '网格会配合施工' })).authorRole).toBe('grid_worker');
    expect(ok(await call(cloud, DEMO.staff, 'council.comment', { matterId: matter.id, text: '维修基金可以支出' })).authorRole).toBe('staff');
    // 3栋 and g2 are outside a 2栋 matter: they cannot even see it.
    await expectRefused(cloud, C, 'council.comment', { matterId: matter.id, text: '我也说两句' }, 'NOT_FOUND');
    await expectRefused(cloud, D, 'council.comment', { matterId: matter.id, text: '我也说两句' }, 'NOT_FOUND');
    await expectRefused(cloud, A1, 'council.comment', { matterId: matter.id, text: '' }, 'INVALID_INPUT', '请填写评论');
    await expectRefused(cloud, A1, 'council.comment', { matterId: matter.id, text: '长'.repeat(301) }, 'INVALID_INPUT');

    const burst = await Promise.all(Array.from({ length: MAX_COMMENTS_PER_PERSON + 2 }, (_, i) => call(cloud, A2, 'council.comment', { matterId: matter.id, text: `第${i}条` })));
    expect(burst.filter((reply) => reply.ok)).toHaveLength(MAX_COMMENTS_PER_PERSON);
    expect(burst.find((reply) => !reply.ok)).toMatchObject({ ok: false, error: { code: 'LIMIT_REACHED', message: `每人对一个议题最多发表 ${MAX_COMMENTS_PER_PERSON} 条评论` } });
    const stored = docs<CouncilComment>(cloud, 'council_comments').filter((item) => item.matterId === matter.id);
    expect(stored).toHaveLength(3 + MAX_COMMENTS_PER_PERSON);
    expect(doc<CouncilMatter>(cloud, 'council_matters', matter.id)?.commentCount).toBe(stored.length);

    const page = ok(await call(cloud, B, 'council.comments', { matterId: matter.id, limit: 3 }));
    expect(page.items.map((item) => item.text)).toEqual(['同意，老人上楼太难了', '网格会配合施工', '维修基金可以支出']);
    expect(page.nextCursor).not.toBeNull();
    const rest = ok(await call(cloud, B, 'council.comments', { matterId: matter.id, cursor: page.nextCursor!, limit: 50 }));
    expect(rest.items).toHaveLength(MAX_COMMENTS_PER_PERSON);
    expect(rest.nextCursor).toBeNull();
  });

  it('a proposed matter takes no comments', async () => {
    const matter = await propose(PROPOSER3, COMMUNITY, '待受理的议题');
    await expectRefused(cloud, DEMO.staff, 'council.comment', { matterId: matter.id, text: '先说一句' }, 'CONFLICT', '这个议题不在讨论阶段');
  });

  it('staff hide a comment with a reason: it stays, others see the reason, staff the text', async () => {
    const matter = await openMatter(GRID_1, 'resident');
    const comment = ok(await call(cloud, C, 'council.comment', { matterId: matter.id, text: '3栋的某某天天乱停车' }));
    await expectRefused(cloud, A1, 'council.hideComment', { commentId: comment.id, reason: '不喜欢' }, 'FORBIDDEN');
    await expectRefused(cloud, DEMO.staff, 'council.hideComment', { commentId: comment.id, reason: '' }, 'INVALID_INPUT', '请填写隐藏的原因');
    await expectRefused(cloud, DEMO.staff, 'council.hideComment', { commentId: 'cc-none', reason: '涉及他人隐私' }, 'NOT_FOUND');
    const hidden = ok(await call(cloud, DEMO.staff, 'council.hideComment', { commentId: comment.id, reason: '涉及他人隐私' }));
    expect(hidden).toMatchObject({ text: '3栋的某某天天乱停车', hidden: { reason: '涉及他人隐私', byName: '刘晓梅' } });
    await expectRefused(cloud, DEMO.staff, 'council.hideComment', { commentId: comment.id, reason: '再隐藏一次' }, 'CONFLICT', '这条评论已被隐藏');

    const stored = doc<CouncilComment>(cloud, 'council_comments', comment.id)!;
    expect(stored.text).toBe('3栋的某某天天乱停车');
    const forNeighbour = ok(await call(cloud, A1, 'council.comments', { matterId: matter.id })).items.find((item) => item.id === comment.id)!;
    expect(forNeighbour.text).toBeUndefined();
    expect(forNeighbour.hidden).toMatchObject({ reason: '涉及他人隐私' });
    // The author, too, sees it hidden.
    expect(ok(await call(cloud, C, 'council.comments', { matterId: matter.id })).items.find((item) => item.id === comment.id)?.text).toBeUndefined();
    expect(ok(await call(cloud, DEMO.staff, 'council.comments', { matterId: matter.id })).items.find((item) => item.id === comment.id)?.text).toBe('3栋的某某天天乱停车');
  });
});

describe('council.vote (民评)', () => {
  it('household rule: one vote per household; a member changes it; the caller sees their household’s vote', async () => {
    const matter = await openMatter(BUILDING_2, 'household');
    const first = ok(await call(cloud, A1, 'council.vote', { matterId: matter.id, option: 0 }));
    expect(first.changed).toBe(false);
    expect(first.matter.myVote).toMatchObject({ option: 0, byMe: true });
    const second = ok(await call(cloud, A2, 'council.vote', { matterId: matter.id, option: 1 }));
    expect(second.changed).toBe(true);
    const votes = votesOf(matter.id);
    expect(votes).toHaveLength(1);
    expect(votes[0]).toMatchObject({ _id: `${matter.id}:hh-a`, key: 'hh-a', rule: 'household', option: 1, openid: A2, changes: 1 });
    expect(ok(await call(cloud, A1, 'council.get', { matterId: matter.id })).myVote).toMatchObject({ option: 1, byMe: false });
    // The same option again changes nothing.
    expect(ok(await call(cloud, A2, 'council.vote', { matterId: matter.id, option: 1 })).changed).toBe(false);
    expect(votesOf(matter.id)[0]!.changes).toBe(1);
  });

  it('household rule: two members voting at the same moment end as one vote', async () => {
    for (let round = 0; round < 3; round++) {
      const matter = await openMatter(BUILDING_2, 'household');
      const replies = await Promise.all([
        call(cloud, A1, 'council.vote', { matterId: matter.id, option: 0 }),
        call(cloud, A2, 'council.vote', { matterId: matter.id, option: 1 }),
        call(cloud, A1, 'council.vote', { matterId: matter.id, option: 2 }),
        call(cloud, B, 'council.vote', { matterId: matter.id, option: 0 }),
        call(cloud, STAFF_RESIDENT, 'council.vote', { matterId: matter.id, option: 1 }),
      ]);
      for (const reply of replies) ok(reply);
      const votes = votesOf(matter.id);
      expect(votes.map((vote) => vote.key).sort()).toEqual(['hh-a', 'hh-b']);
      const closed = ok(await call(cloud, DEMO.staff, 'council.close', { matterId: matter.id, reason: '测试提前结束' }));
      expect(closed.tally?.total).toBe(2);
    }
  });

  it('household rule: no confirmed household, a household that does not list the caller, or one outside the scope cannot vote', async () => {
    const matter = await openMatter(BUILDING_2, 'household');
    const message = await expectRefused(cloud, NO_HOUSEHOLD, 'council.vote', { matterId: matter.id, option: 0 }, 'FORBIDDEN');
    expect(message).toContain('联系社区确认您的家庭户');
    expect(ok(await call(cloud, NO_HOUSEHOLD, 'council.get', { matterId: matter.id }))).toMatchObject({ voteBlocked: expect.stringContaining('联系社区确认您的家庭户') });
    expect(ok(await call(cloud, NO_HOUSEHOLD, 'council.get', { matterId: matter.id })).allowed).not.toContain('vote');
    // A user document naming household A does not make one a member of it.
    await expectRefused(cloud, LIAR, 'council.vote', { matterId: matter.id, option: 0 }, 'FORBIDDEN');
    // Outside the building: the matter is not even theirs to see.
    await expectRefused(cloud, C, 'council.vote', { matterId: matter.id, option: 0 }, 'NOT_FOUND');
    // Only residents vote: staff and grid workers (without a resident role) do not.
    await expectRefused(cloud, DEMO.staff, 'council.vote', { matterId: matter.id, option: 0 }, 'FORBIDDEN');
    await expectRefused(cloud, DEMO.grid, 'council.vote', { matterId: matter.id, option: 0 }, 'FORBIDDEN');
    await expectRefused(cloud, A1, 'council.vote', { matterId: matter.id, option: 3 }, 'INVALID_INPUT', '选项无效，请重新选择');
    await expectRefused(cloud, A1, 'council.vote', { matterId: matter.id, option: -1 }, 'INVALID_INPUT');
    await expectRefused(cloud, A1, 'council.vote', { matterId: matter.id, option: 'yes' }, 'INVALID_INPUT');
    await expectRefused(cloud, A1, 'council.vote', { matterId: 'cm-none', option: 0 }, 'NOT_FOUND');
  });

  it('household rule on a grid matter: a household of another building of the grid votes, another grid’s does not', async () => {
    const matter = await openMatter(GRID_1, 'household');
    ok(await call(cloud, C, 'council.vote', { matterId: matter.id, option: 0 }));
    await expectRefused(cloud, D, 'council.vote', { matterId: matter.id, option: 0 }, 'NOT_FOUND');
    const community = await openMatter(COMMUNITY, 'household');
    ok(await call(cloud, D, 'council.vote', { matterId: community.id, option: 0 }));
  });

  it('resident rule: each registered resident in scope votes once, members of one household each', async () => {
    const matter = await openMatter(BUILDING_2, 'resident');
    await Promise.all([A1, A2, A1, NO_HOUSEHOLD].map((openid) => call(cloud, openid, 'council.vote', { matterId: matter.id, option: 0 }).then(ok)));
    expect(votesOf(matter.id).map((vote) => vote.key).sort()).toEqual([A1, A2, NO_HOUSEHOLD].sort());
    expect(votesOf(matter.id).every((vote) => vote.rule === 'resident')).toBe(true);
  });
});

describe('council.close and council.publish (公开)', () => {
  it('counts the tally from the votes, shows it only after the close, and publishes a decision that cannot change it', async () => {
    const matter = await openMatter(GRID_1, 'household');
    ok(await call(cloud, A1, 'council.vote', { matterId: matter.id, option: 0 }));
    ok(await call(cloud, B, 'council.vote', { matterId: matter.id, option: 0 }));
    ok(await call(cloud, C, 'council.vote', { matterId: matter.id, option: 1 }));
    // While voting is open nobody sees how it stands, staff included.
    expect(ok(await call(cloud, DEMO.staff, 'council.get', { matterId: matter.id })).tally).toBeUndefined();
    await expectRefused(cloud, DEMO.staff, 'council.publish', { matterId: matter.id, decision: '通过' }, 'CONFLICT');
    await expectRefused(cloud, DEMO.staff, 'council.close', { matterId: matter.id }, 'INVALID_INPUT', '投票尚未截止，提前结束请填写原因');
    await expectRefused(cloud, A1, 'council.close', { matterId: matter.id, reason: '我说了算' }, 'FORBIDDEN');

    const closed = ok(await call(cloud, DEMO.staff, 'council.close', { matterId: matter.id, reason: '施工队下周进场，需要提前定' }));
    expect(closed).toMatchObject({ stage: 'closed', tally: { counts: [2, 1, 0], total: 3 } });
    expect(closed.timeline?.at(-1)).toMatchObject({ kind: 'closed', note: '施工队下周进场，需要提前定' });
    expect(closed.allowed).toEqual(['publish', 'hideComment']);
    // No vote and no comment after the close.
    await expectRefused(cloud, A2, 'council.vote', { matterId: matter.id, option: 1 }, 'CONFLICT', '这个议题不在投票阶段');
    await expectRefused(cloud, C, 'council.comment', { matterId: matter.id, text: '还想说' }, 'CONFLICT');
    await expectRefused(cloud, DEMO.staff, 'council.close', { matterId: matter.id, reason: '再结束一次' }, 'CONFLICT');
    expect(ok(await call(cloud, C, 'council.get', { matterId: matter.id })).tally).toMatchObject({ counts: [2, 1, 0], total: 3 });

    // A link must name a document of the community.
    await expectRefused(cloud, DEMO.staff, 'council.publish', { matterId: matter.id, decision: '通过', link: { kind: 'affair', id: 'aff-none' } }, 'INVALID_INPUT', '本社区没有编号为 aff-none 的事件');
    await expectRefused(cloud, DEMO.staff, 'council.publish', { matterId: matter.id, decision: '' }, 'INVALID_INPUT', '请填写议事结果');
    await expectRefused(cloud, A1, 'council.publish', { matterId: matter.id, decision: '通过' }, 'FORBIDDEN');
    // A tally sent along is not part of the input: the stored one is the count.
    const published = ok(
      await call(cloud, DEMO.staff, 'council.publish', { matterId: matter.id, decision: '通过：加装扶手', nextStep: '物业下周施工', tally: { counts: [0, 9, 0], total: 9 } } as never),
    );
    expect(published).toMatchObject({ stage: 'published', tally: { counts: [2, 1, 0], total: 3 }, decision: { text: '通过：加装扶手', nextStep: '物业下周施工', byName: '刘晓梅' } });
    expect(doc<CouncilMatter>(cloud, 'council_matters', matter.id)?.tally).toMatchObject({ counts: [2, 1, 0], total: 3 });
    expect(published.timeline?.map((entry) => entry.kind)).toEqual(['proposed', 'opened', 'closed', 'published']);
    await expectRefused(cloud, DEMO.staff, 'council.publish', { matterId: matter.id, decision: '改主意了' }, 'CONFLICT');

    // Everyone in scope sees the published matter and its decision; another grid does not.
    const list = ok(await call(cloud, C, 'council.list', { stage: 'published' }));
    expect(list.items.find((item) => item.id === matter.id)).toMatchObject({ decision: { text: '通过：加装扶手' }, tally: { total: 3 } });
    expect(ok(await call(cloud, D, 'council.list', {})).items.map((item) => item.id)).not.toContain(matter.id);
  });

  it('votes racing the close either count or are refused: the tally is exactly the votes stored', async () => {
    for (let round = 0; round < 3; round++) {
      const matter = await openMatter(BUILDING_2, 'resident');
      const voters = [A1, A2, B, NO_HOUSEHOLD, LIAR, PROPOSER2];
      const [closed, ...votes] = await Promise.all([
        call(cloud, DEMO.staff, 'council.close', { matterId: matter.id, reason: '并发测试' }),
        ...voters.map((openid, index) => call(cloud, openid, 'council.vote', { matterId: matter.id, option: index % 3 })),
      ]);
      const tally = ok(closed!).tally!;
      for (const vote of votes) if (!vote.ok) expect(vote.error.code).toBe('CONFLICT');
      const stored = votesOf(matter.id);
      expect(tally.total).toBe(stored.length);
      expect(stored).toHaveLength(votes.filter((vote) => vote.ok).length);
      expect(tally.counts).toEqual([0, 1, 2].map((option) => stored.filter((vote) => vote.option === option).length));
    }
  });

  it('publishes with a link to an affair, activity or order of the community', async () => {
    const matter = await openMatter(COMMUNITY, 'resident');
    ok(await call(cloud, DEMO.staff, 'council.close', { matterId: matter.id, reason: '提前结束' }));
    const activity = docs<{ _id: string; communityId: string }>(cloud, 'activities').find((item) => item.communityId === DEMO.community)!;
    const published = ok(await call(cloud, DEMO.staff, 'council.publish', { matterId: matter.id, decision: '组织一次清扫活动', link: { kind: 'activity', id: activity._id } }));
    expect(published.decision?.link).toEqual({ kind: 'activity', id: activity._id });
  });
});

describe('council.list', () => {
  it('residents see the public matters of their building, grid and community; staff see all, by stage, page by page', async () => {
    const building = await openMatter(BUILDING_2, 'resident');
    const grid2 = await openMatter({ kind: 'grid', gridId: 'g2' }, 'resident');
    const ofA = ok(await call(cloud, A1, 'council.list', { stage: 'open', limit: 50 })).items.map((item) => item.id);
    expect(ofA).toContain(building.id);
    expect(ofA).not.toContain(grid2.id);
    const ofD = ok(await call(cloud, D, 'council.list', { stage: 'open', limit: 50 })).items.map((item) => item.id);
    expect(ofD).toContain(grid2.id);
    expect(ofD).not.toContain(building.id);
    // Department people take no part in residents' matters.
    expect(ok(await call(cloud, DEMO.dept, 'council.list', { limit: 50 })).items).toEqual([]);
    // A resident asking for proposed matters of others gets none.
    expect(ok(await call(cloud, A1, 'council.list', { stage: 'proposed' })).items).toEqual([]);
    // The grid worker of g1 sees the 2栋 matter, not g2's.
    const ofGrid = ok(await call(cloud, DEMO.grid, 'council.list', { limit: 50 })).items.map((item) => item.id);
    expect(ofGrid).toContain(building.id);
    expect(ofGrid).not.toContain(grid2.id);

    const first = ok(await call(cloud, DEMO.staff, 'council.list', { limit: 2 }));
    expect(first.items).toHaveLength(2);
    const second = ok(await call(cloud, DEMO.staff, 'council.list', { limit: 2, cursor: first.nextCursor! }));
    expect(second.items.map((item) => item.id)).not.toContain(first.items[0]!.id);
    expect(countDocuments(cloud, 'council_matters')).toBeGreaterThan(4);
  });
});

describe('with the household register (household function)', () => {
  it('a household confirmed by staff votes once, whichever member taps, also at the same moment', async () => {
    const HUSBAND = 'o-council-husband';
    const WIFE = 'o-council-wife';
    const home = { gridId: 'g2', building: '5栋', unit: '1', room: '101' };
    seed(cloud, 'users', [resident(HUSBAND, '郑大哥', home), resident(WIFE, '郑大嫂', home)]);
    const matter = await openMatter({ kind: 'grid', gridId: 'g2' }, 'household');
    // Not yet confirmed: told whom to ask.
    expect(await expectRefused(cloud, HUSBAND, 'council.vote', { matterId: matter.id, option: 0 }, 'FORBIDDEN')).toContain('联系社区确认您的家庭户');

    ok(await call(cloud, HUSBAND, 'household.claim', { relation: '户主' }));
    ok(await call(cloud, WIFE, 'household.claim', { relation: '配偶' }));
    ok(await call(cloud, DEMO.staff, 'household.decideClaim', { openid: HUSBAND, decision: 'confirm' }));
    ok(await call(cloud, DEMO.staff, 'household.decideClaim', { openid: WIFE, decision: 'confirm' }));
    const householdId = doc<Raw>(cloud, 'users', HUSBAND)?.householdId as string;
    expect(householdId).toBeTruthy();
    expect(doc<Raw>(cloud, 'users', WIFE)?.householdId).toBe(householdId);

    const replies = await Promise.all([
      call(cloud, HUSBAND, 'council.vote', { matterId: matter.id, option: 0 }),
      call(cloud, WIFE, 'council.vote', { matterId: matter.id, option: 1 }),
    ]);
    for (const reply of replies) ok(reply);
    expect(votesOf(matter.id)).toEqual([expect.objectContaining({ key: householdId, rule: 'household' })]);
    const seen = ok(await call(cloud, HUSBAND, 'council.get', { matterId: matter.id }));
    expect(seen.myVote?.option).toBe(votesOf(matter.id)[0]!.option);
  });
});

describe('a person’s 议事 data (export, 注销)', () => {
  it('exports what they raised, said and chose; 注销 keeps the record without them and drops their own votes', async () => {
    const LEAVER = 'o-council-leaver';
    seed(cloud, 'users', [resident(LEAVER, '蒋先生', { ...IN_2, room: '309' }, 'hh-leaver')]);
    seed(cloud, 'households', [household('hh-leaver', 'g1', '2栋', '309', [[LEAVER, '蒋先生']])]);
    const raised = await propose(LEAVER, BUILDING_2, '2栋晾衣架');
    const byResident = await openMatter(BUILDING_2, 'resident');
    const byHousehold = await openMatter(BUILDING_2, 'household');
    const comment = ok(await call(cloud, LEAVER, 'council.comment', { matterId: byResident.id, text: '我同意' }));
    ok(await call(cloud, LEAVER, 'council.vote', { matterId: byResident.id, option: 0 }));
    ok(await call(cloud, LEAVER, 'council.vote', { matterId: byHousehold.id, option: 1 }));

    const exported = ok(await call(cloud, LEAVER, 'user.exportMine', { format: 'json' }));
    const file = (await (await fetch(exported.url)).json()) as Record<string, Raw[]>;
    expect(file['我提出的议题']!.map((item) => item._id)).toEqual([raised.id]);
    expect(file['我的议事评论']!.map((item) => item.text)).toEqual(['我同意']);
    expect(file['我的议事投票']).toHaveLength(2);

    const deletion = ok(await call(cloud, LEAVER, 'user.deleteAccount', { confirm: '注销' }));
    expect(deletion.kept).toMatchObject({ 议事议题: 1, 议事评论: 1 });
    const matter = doc<CouncilMatter>(cloud, 'council_matters', raised.id)!;
    expect(matter.proposerName).toBe('已注销用户');
    expect(JSON.stringify(matter)).not.toContain(LEAVER);
    expect(doc<CouncilComment>(cloud, 'council_comments', comment.id)).toMatchObject({ authorName: '已注销用户', text: '我同意' });
    expect(JSON.stringify(doc(cloud, 'council_comments', comment.id))).not.toContain(LEAVER);
    expect(votesOf(byResident.id)).toEqual([]);
    expect(votesOf(byHousehold.id)).toEqual([expect.objectContaining({ key: 'hh-leaver', option: 1 })]);
    expect(JSON.stringify(votesOf(byHousehold.id))).not.toContain(LEAVER);
  });
});

// Moves the clock: keep last.
describe('the deadline', () => {
  it('ends votes and comments at the end of the deadline day; the close then needs no reason', async () => {
    const matter = await openMatter(GRID_1, 'resident');
    ok(await call(cloud, A1, 'council.vote', { matterId: matter.id, option: 0 }));
    // Voting lasts until 2027-04-10 00:00 Beijing; it is 2027-04-08 10:00.
    await control(cloud, 'POST', 'clock', { advanceMs: 37 * HOUR });
    ok(await call(cloud, A1, 'council.vote', { matterId: matter.id, option: 1 }));
    await control(cloud, 'POST', 'clock', { advanceMs: 1 * HOUR + 1000 });
    await expectRefused(cloud, A1, 'council.vote', { matterId: matter.id, option: 2 }, 'CONFLICT', '投票已于截止时间结束');
    await expectRefused(cloud, A2, 'council.vote', { matterId: matter.id, option: 2 }, 'CONFLICT');
    await expectRefused(cloud, A2, 'council.comment', { matterId: matter.id, text: '晚了' }, 'CONFLICT', '讨论已于截止时间结束');
    const seen = ok(await call(cloud, A1, 'council.get', { matterId: matter.id }));
    expect(seen).toMatchObject({ stage: 'open', votingEnded: true, myVote: { option: 1 } });
    expect(seen.allowed).toEqual([]);
    const closed = ok(await call(cloud, DEMO.staff, 'council.close', { matterId: matter.id }));
    expect(closed.tally).toMatchObject({ counts: [0, 1, 0], total: 1 });
  });
});
