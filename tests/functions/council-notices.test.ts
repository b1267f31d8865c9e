/**
 * 议事 notices through the real `council` function, read from the local cloud's outbox: staff hear
 * of a matter a resident or grid worker raised (not of their own, not another community's staff);
 * the proposer hears that it was opened (until when), declined (why) or published (the decision);
 * nobody else in scope is messaged. A notice nobody subscribed to is not sent, and the action
 * goes through all the same.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CouncilMatterView } from '../../core/contract';
import type { LocalCloud } from '../../localcloud/src/server';
import { call, DEMO, ok, startLinli } from '../helpers/linli';
import { control } from '../helpers/localcloud';
import { type Raw, seed, userDoc } from '../helpers/seed';

const START = new Date('2027-04-08T10:00:00+08:00');

/** Residents of 2栋 (g1): the proposers, and a neighbour who must hear nothing. */
const PROPOSER = 'o-cn-proposer';
const SECOND_PROPOSER = 'o-cn-proposer-2';
const NEIGHBOUR = 'o-cn-neighbour';
/** A resident who never subscribed: their matter goes through without a message. */
const UNSUBSCRIBED = 'o-cn-unsubscribed';
/** Staff of another community: a matter here is none of theirs. */
const OTHER_STAFF = 'o-cn-other-staff';

const TEMPLATES = {
  proposed: 'TPL_COUNCIL_PROPOSED',
  opened: 'TPL_COUNCIL_OPENED',
  declined: 'TPL_COUNCIL_DECLINED',
  published: 'TPL_COUNCIL_PUBLISHED',
} as const;

interface Sent {
  msgid: string;
  touser: string;
  template_id: string;
  page: string;
  data: Record<string, { value: string }>;
}

const IN_2 = { gridId: 'g1', building: '2栋', unit: '1单元' };
const BUILDING_2 = { kind: 'building' as const, gridId: 'g1', building: '2栋' };
const pageOf = (matterId: string) => `council/detail/index?matterId=${matterId}`;

let cloud: LocalCloud;

const outbox = async () => (await control<{ messages: Sent[] }>(cloud, 'GET', 'outbox')).messages;
/** Every message about the matter, whoever it went to. */
const aboutMatter = async (matterId: string) => (await outbox()).filter((message) => message.page === pageOf(matterId));
/** The messages about the matter sent while `act` ran (the outbox is not in sending order). */
async function sentDuring(matterId: string, act: () => Promise<unknown>): Promise<Sent[]> {
  const before = new Set((await aboutMatter(matterId)).map((message) => message.msgid));
  await act();
  return (await aboutMatter(matterId)).filter((message) => !before.has(message.msgid));
}
/** Enough subscriptions that a second message would go out: a missing one must be the code's doing. */
const subscribe = (openid: string, templateId: string) => control(cloud, 'POST', 'subscriptions', { openid, templateId, count: 20 });

async function propose(openid: string, title: string, scope: Raw = BUILDING_2): Promise<CouncilMatterView> {
  return ok(await call(cloud, openid, 'council.propose', { title, body: '老人多，上下楼不方便，建议在楼道加装扶手。', scope: scope as never }));
}

beforeAll(async () => {
  cloud = await startLinli({ startAt: START, timers: [] });
  seed(cloud, 'users', [
    userDoc(PROPOSER, '冯老师', { address: { ...IN_2, room: '401' } }),
    userDoc(SECOND_PROPOSER, '褚老师', { address: { ...IN_2, room: '402' } }),
    userDoc(NEIGHBOUR, '蒋阿姨', { address: { ...IN_2, room: '403' } }),
    userDoc(UNSUBSCRIBED, '沈先生', { address: { ...IN_2, room: '404' } }),
    userDoc(OTHER_STAFF, '韩主任', { communityId: 'other-community', roles: ['staff'] }),
  ]);
  // Everyone who could be told anything is subscribed to everything, so only the code decides who is.
  for (const openid of [PROPOSER, SECOND_PROPOSER, NEIGHBOUR, OTHER_STAFF, DEMO.staff, DEMO.staff2, DEMO.grid, DEMO.resident, DEMO.volunteer]) {
    for (const template of Object.values(TEMPLATES)) await subscribe(openid, template);
  }
});
afterAll(() => cloud?.close());

describe('a new matter reaches staff', () => {
  it('a resident’s proposal tells each staff member of the community, with the matter’s page; nobody else', async () => {
    const title = '2栋楼道加装扶手并在一楼增设休息座椅方便老人歇脚';
    const matter = await propose(PROPOSER, title);
    const messages = await aboutMatter(matter.id);
    expect(messages.map((message) => message.touser).sort()).toEqual([DEMO.staff, DEMO.staff2].sort());
    for (const message of messages) {
      expect(message.template_id).toBe(TEMPLATES.proposed);
      expect(message.data.thing1!.value).toBe(`${title.slice(0, 19)}…`);
      expect(message.data.thing2!.value).toBe('第一网格 2栋');
      expect(message.data.time3!.value).toBe('2027-04-08 10:00');
      expect(message.data.thing4!.value).toBe('居民冯老师提出，请受理');
    }
  });

  it('a grid worker’s proposal reaches staff too; staff’s own proposal messages nobody', async () => {
    const byGrid = await propose(DEMO.grid, '3栋门前路灯维修', { kind: 'grid', gridId: 'g1' });
    const toStaff = await aboutMatter(byGrid.id);
    expect(toStaff.map((message) => message.touser).sort()).toEqual([DEMO.staff, DEMO.staff2].sort());
    expect(toStaff[0]!.data.thing4!.value).toBe('网格员周网格提出，请受理');

    const byStaff = await propose(DEMO.staff, '社区活动室开放时间调整', { kind: 'community' });
    expect(await aboutMatter(byStaff.id)).toEqual([]);
  });
});

describe('the proposer hears how their matter goes', () => {
  it('opened: the proposer is told until when; the staff who opened it and the neighbours in scope are not', async () => {
    const matter = await propose(PROPOSER, '2栋加装雨棚');
    const messages = await sentDuring(matter.id, async () => ok(await call(cloud, DEMO.staff, 'council.open', { matterId: matter.id, deadline: '2027-04-20', votingRule: 'resident' })));
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      touser: PROPOSER,
      template_id: TEMPLATES.opened,
      page: pageOf(matter.id),
      // Voting runs to the end of the deadline day.
      data: { thing1: { value: '2栋加装雨棚' }, thing2: { value: '第一网格 2栋' }, time3: { value: '2027-04-20 23:59' }, thing4: { value: '已开始议事，请关注讨论和投票' } },
    });

    // The result: told to the proposer, not to the people who voted or discussed.
    const meanwhile = await sentDuring(matter.id, async () => {
      ok(await call(cloud, NEIGHBOUR, 'council.vote', { matterId: matter.id, option: 0 }));
      ok(await call(cloud, NEIGHBOUR, 'council.comment', { matterId: matter.id, text: '赞成，下雨天进出方便。' }));
      ok(await call(cloud, DEMO.staff, 'council.close', { matterId: matter.id, reason: '意见已一致' }));
    });
    expect(meanwhile).toEqual([]);
    const published = await sentDuring(matter.id, async () =>
      ok(await call(cloud, DEMO.staff2, 'council.publish', { matterId: matter.id, decision: '同意加装雨棚，由物业在五月前完成施工', nextStep: '物业五月前施工' })),
    );
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({
      touser: PROPOSER,
      template_id: TEMPLATES.published,
      page: pageOf(matter.id),
      data: { thing1: { value: '2栋加装雨棚' }, thing2: { value: '同意加装雨棚，由物业在五月前完成施工' }, thing4: { value: '下一步：物业五月前施工' } },
    });
  });

  it('declined: the proposer reads the reason; nobody else is told', async () => {
    const matter = await propose(SECOND_PROPOSER, '重复的议题');
    const messages = await sentDuring(matter.id, async () => ok(await call(cloud, DEMO.staff, 'council.decline', { matterId: matter.id, reason: '已有相同议题正在议事' })));
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      touser: SECOND_PROPOSER,
      template_id: TEMPLATES.declined,
      page: pageOf(matter.id),
      data: { thing1: { value: '重复的议题' }, thing2: { value: '已有相同议题正在议事' }, thing4: { value: '社区不予受理，点击查看原因' } },
    });
  });

  it('staff acting on a matter they raised themselves are not told of their own doing', async () => {
    const matter = await propose(DEMO.staff, '社区停车位重新划线', { kind: 'community' });
    ok(await call(cloud, DEMO.staff, 'council.open', { matterId: matter.id, deadline: '2027-04-20', votingRule: 'household' }));
    expect(await aboutMatter(matter.id)).toEqual([]);
  });
});

describe('a notice that cannot be sent', () => {
  it('does not fail the action: an unsubscribed proposer’s matter is proposed, opened and published without any message to them', async () => {
    const matter = await propose(UNSUBSCRIBED, '2栋电动车充电桩');
    ok(await call(cloud, DEMO.staff, 'council.open', { matterId: matter.id, deadline: '2027-04-20', votingRule: 'resident' }));
    ok(await call(cloud, DEMO.staff, 'council.close', { matterId: matter.id, reason: '意见已一致' }));
    const published = ok(await call(cloud, DEMO.staff, 'council.publish', { matterId: matter.id, decision: '同意安装' }));
    expect(published.stage).toBe('published');
    const messages = await aboutMatter(matter.id);
    expect(messages.filter((message) => message.touser === UNSUBSCRIBED)).toEqual([]);
    // Staff, who subscribed, were still told of the proposal.
    expect(messages.map((message) => message.touser).sort()).toEqual([DEMO.staff, DEMO.staff2].sort());
  });
});
