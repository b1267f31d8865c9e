/**
 * Administrators without a console: the deployer's setup code (issued through WeChat's server API,
 * tcb/invokecloudfunction), the first administrator, invitations, removal — on an empty database,
 * through the actions the pages call.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETUP_CODE_FAILURES_PER_DAY, SETUP_CODE_MAX_FAILURES } from '../../core/usecases/admins';
import type { LocalCloud } from '../../localcloud/src/server';
import { call, callRaw, DEMO, issueSetupCode, ok, serverToken, snapshot, startLinli } from '../helpers/linli';
import { control, postJson } from '../helpers/localcloud';

const FIRST = 'o-admin-first';
const SECOND = 'o-admin-second';
const THIRD = 'o-admin-third';
const STRANGER = 'o-admin-stranger';


const roles = async (cloud: LocalCloud, openid: string) => ok(await call(cloud, openid, 'user.me', {})).roles;

async function refused(cloud: LocalCloud, reply: Promise<{ ok: boolean; error?: { code: string; message: string } }>, code: string, message: RegExp, before = snapshot(cloud)) {
  const result = await reply;
  expect(result.ok, JSON.stringify(result)).toBe(false);
  expect(result.error?.code).toBe(code);
  expect(result.error?.message).toMatch(message);
  expect(snapshot(cloud)).toBe(before);
}

describe('the first administrator, from an empty database', () => {
  let cloud: LocalCloud;
  beforeAll(async () => {
    cloud = await startLinli({ demo: false, admins: [], timers: [] });
  });
  afterAll(() => cloud?.close());

  it('nobody is administrator, and no client can issue a setup code', async () => {
    expect(await roles(cloud, FIRST)).toEqual([]);
    await refused(cloud, call(cloud, FIRST, 'community.create', { name: '幸福里社区', grids: [{ id: 'g1', name: '一网格', buildings: ['1栋'] }] }), 'UNAUTHENTICATED', /./);
    // The server job is not an action: from the app it does not exist.
    await refused(cloud, callRaw(cloud, FIRST, 'community', { action: 'setup.issueCode', input: {} }), 'UNKNOWN_ACTION', /./);
  });

  it('the deployer’s code makes the first person who enters it administrator, once', async () => {
    const code = ok(await issueSetupCode(cloud)).code;
    expect(code).toMatch(/^[A-HJKMNP-Z2-9]{12}$/);
    // Only its hash is stored.
    expect(snapshot(cloud)).not.toContain(code);

    const wrong = code.slice(0, 11) + (code.endsWith('A') ? 'B' : 'A');
    // A wrong code counts towards the lock (that is all it writes) and makes nobody administrator.
    expect(await call(cloud, STRANGER, 'community.bootstrap', { code: wrong, name: '冒名者' })).toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: '初始化码或邀请码不正确，请核对后重新输入' },
    });
    expect(await roles(cloud, STRANGER)).toEqual([]);

    // Typed as the terminal printed it, with dashes and in lower case.
    const grouped = code.match(/.{1,4}/g)!.join('-').toLowerCase();
    const me = ok(await call(cloud, FIRST, 'community.bootstrap', { code: grouped, name: '王主任' }));
    expect(me.roles).toContain('admin');
    ok(await call(cloud, FIRST, 'community.create', { name: '幸福里社区', grids: [{ id: 'g1', name: '一网格', buildings: ['1栋', '2栋'] }] }));

    await refused(cloud, call(cloud, SECOND, 'community.bootstrap', { code, name: '后来者' }), 'NOT_FOUND', /初始化码或邀请码不正确/);
    // Once someone is administrator, the deployer gets no new code: administrators invite the others.
    const again = await issueSetupCode(cloud);
    expect(again).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: expect.stringMatching(/已经有管理员/) } });
    const admins = ok(await call(cloud, FIRST, 'community.admins', {}));
    expect(admins).toEqual([expect.objectContaining({ openid: FIRST, name: '王主任', source: 'app', me: true, removable: false })]);
  });

  it('an administrator invites a colleague; the invitation works once, only as an administrator’s', async () => {
    const { code } = ok(await call(cloud, FIRST, 'community.inviteAdmin', { forName: '李副主任' }));
    await refused(cloud, call(cloud, SECOND, 'community.join', { code, name: '李四', phone: '13900000001' }), 'CONFLICT', /管理员邀请码/);
    expect(ok(await call(cloud, SECOND, 'community.bootstrap', { code, name: '李副主任' })).roles).toContain('admin');
    await refused(cloud, call(cloud, THIRD, 'community.bootstrap', { code, name: '张三' }), 'CONFLICT', /已被使用/);

    const admins = ok(await call(cloud, SECOND, 'community.admins', {}));
    expect(admins.map((admin) => [admin.openid, admin.removable, admin.me])).toEqual([
      [FIRST, true, false],
      [SECOND, true, true],
    ]);
    // Not a list anyone else may read.
    await refused(cloud, call(cloud, THIRD, 'community.admins', {}), 'UNAUTHENTICATED', /./);
  });

  it('two administrators removing each other at once: one stays', async () => {
    const replies = await Promise.all([call(cloud, FIRST, 'community.removeAdmin', { openid: SECOND }), call(cloud, SECOND, 'community.removeAdmin', { openid: FIRST })]);
    expect(replies.filter((reply) => reply.ok)).toHaveLength(1);
    const failed = replies.find((reply) => !reply.ok);
    // Refused by the transaction (the last administrator), or no longer an administrator when their call began.
    expect(failed && !failed.ok ? failed.error.code : '').toMatch(/^(CONFLICT|FORBIDDEN|UNAUTHENTICATED)$/);
    const remaining = [FIRST, SECOND].filter((openid) => replies[openid === FIRST ? 0 : 1]!.ok);
    expect(remaining).toHaveLength(1);
    expect(await roles(cloud, remaining[0]!)).toContain('admin');
    const removed = remaining[0] === FIRST ? SECOND : FIRST;
    expect(await roles(cloud, removed)).not.toContain('admin');
    // The last one cannot leave the deployment without an administrator.
    await refused(cloud, call(cloud, remaining[0]!, 'community.removeAdmin', { openid: remaining[0]! }), 'CONFLICT', /至少要保留一名管理员/);
    // Removed, then invited again: an administrator again, with the history kept.
    const { code } = ok(await call(cloud, remaining[0]!, 'community.inviteAdmin', { forName: '李副主任' }));
    ok(await call(cloud, removed, 'community.bootstrap', { code, name: '回来的管理员' }));
    expect(await roles(cloud, removed)).toContain('admin');
  });

  it('invitations are a few a day per administrator', async () => {
    expect(ok(await call(cloud, FIRST, 'community.admins', {}))).toHaveLength(2);
    // A new day: the invitations issued above count for yesterday.
    await control(cloud, 'POST', 'clock', { advanceMs: 24 * 3600_000 });
    for (let i = 0; i < 5; i += 1) ok(await call(cloud, FIRST, 'community.inviteAdmin', { forName: '李副主任' }));
    await refused(cloud, call(cloud, FIRST, 'community.inviteAdmin', { forName: '李副主任' }), 'LIMIT_REACHED', /每天最多生成 5 个管理员邀请码/);
    // Another administrator's own count.
    ok(await call(cloud, SECOND, 'community.inviteAdmin', { forName: '李副主任' }));
  });
});

describe('the setup code’s limits', () => {
  let cloud: LocalCloud;
  beforeAll(async () => {
    cloud = await startLinli({ demo: false, admins: [], timers: [] });
  });
  afterAll(() => cloud?.close());

  it(`a person has ${SETUP_CODE_FAILURES_PER_DAY} wrong tries a day; ${SETUP_CODE_MAX_FAILURES} in all lock the code; it expires after 7 days; a new one replaces the old`, async () => {
    const first = ok(await issueSetupCode(cloud)).code;
    const second = ok(await issueSetupCode(cloud)).code;
    expect(second).not.toBe(first);
    // The first code was replaced: it no longer works.
    const replaced = await call(cloud, FIRST, 'community.bootstrap', { code: first, name: '王主任' });
    expect(replaced.ok ? '' : replaced.error.code).toBe('NOT_FOUND');
    expect(await roles(cloud, FIRST)).toEqual([]);

    // One guesser: five wrong tries, then not even the right code works for them today.
    for (let i = 0; i < SETUP_CODE_FAILURES_PER_DAY; i += 1) {
      const reply = await call(cloud, STRANGER, 'community.bootstrap', { code: 'ABCDEFGHJKMN', name: '猜码者' });
      expect(reply.ok ? '' : reply.error.code).toBe('NOT_FOUND');
    }
    await refused(cloud, call(cloud, STRANGER, 'community.bootstrap', { code: second, name: '猜码者' }), 'LIMIT_REACHED', /今天已输错 5 次/);
    expect(await roles(cloud, STRANGER)).toEqual([]);

    // Many guessers: the code locks, and the deployer issues a new one.
    const guessers = Array.from({ length: SETUP_CODE_MAX_FAILURES / SETUP_CODE_FAILURES_PER_DAY }, (_, i) => `o-guesser-${i}`);
    for (const guesser of guessers.slice(1)) {
      for (let i = 0; i < SETUP_CODE_FAILURES_PER_DAY; i += 1) await call(cloud, guesser, 'community.bootstrap', { code: 'ABCDEFGHJKMN', name: '猜码者' });
    }
    await refused(cloud, call(cloud, FIRST, 'community.bootstrap', { code: second, name: '王主任' }), 'CONFLICT', /输错次数过多/);

    const third = ok(await issueSetupCode(cloud)).code;
    await control(cloud, 'POST', 'clock', { advanceMs: 8 * 24 * 3600_000 });
    await refused(cloud, call(cloud, FIRST, 'community.bootstrap', { code: third, name: '王主任' }), 'CONFLICT', /已过期/);
    const fourth = ok(await issueSetupCode(cloud)).code;
    expect(ok(await call(cloud, FIRST, 'community.bootstrap', { code: fourth, name: '王主任' })).roles).toContain('admin');
  });

  it('an invitation dies with its inviter’s role', async () => {
    const { code } = ok(await call(cloud, FIRST, 'community.inviteAdmin', { forName: '李副主任' }));
    const { code: other } = ok(await call(cloud, FIRST, 'community.inviteAdmin', { forName: '张三' }));
    ok(await call(cloud, SECOND, 'community.bootstrap', { code: other, name: '张三' }));
    // FIRST is removed, then tries to come back through the code they kept.
    ok(await call(cloud, SECOND, 'community.removeAdmin', { openid: FIRST }));
    await refused(cloud, call(cloud, FIRST, 'community.bootstrap', { code, name: '王主任' }), 'CONFLICT', /邀请人已不再是管理员/);
    expect(await roles(cloud, FIRST)).not.toContain('admin');
  });

  it('the server API refuses a bad token, a missing name and an unknown function the way WeChat does', async () => {
    const bad = await postJson(`${cloud.url}/tcb/invokecloudfunction?access_token=nope&env=${cloud.envName}&name=community`, { action: 'setup.issueCode' });
    expect(bad.json.errcode).toBe(40001);
    const base = `${cloud.url}/tcb/invokecloudfunction?access_token=${await serverToken(cloud)}&env=${cloud.envName}`;
    expect((await postJson(base, {})).json.errcode).toBe(40101);
    expect((await postJson(`${base}&name=nothing`, {})).json.errcode).toBe(-501000);
    // Through the server API a function's client actions are not reachable either.
    const reply = JSON.parse(String((await postJson(`${base}&name=community`, { action: 'community.list', input: {} })).json.resp_data)) as { error?: { code: string } };
    expect(reply.error?.code).toBe('UNKNOWN_ACTION');
  });
});

describe('a deployment that names its administrator (LINLI_ADMIN_OPENIDS)', () => {
  let cloud: LocalCloud;
  beforeAll(async () => {
    cloud = await startLinli({ timers: [] });
  });
  afterAll(() => cloud?.close());

  it('prints no setup code: one read from a deploy log would be a way in', async () => {
    expect(await issueSetupCode(cloud)).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: expect.stringMatching(/已经有管理员/) } });
  });

  it('shows them, and they cannot be removed in the app', async () => {
    const admins = ok(await call(cloud, DEMO.admin, 'community.admins', {}));
    expect(admins).toEqual([expect.objectContaining({ openid: DEMO.admin, source: 'deployment', removable: false, me: true })]);
    await refused(cloud, call(cloud, DEMO.admin, 'community.removeAdmin', { openid: DEMO.admin }), 'CONFLICT', /部署配置/);
    // A staff invitation is not an administrator's.
    const { code } = ok(await call(cloud, DEMO.admin, 'community.invite', { communityId: DEMO.community, role: 'staff' }));
    await refused(cloud, call(cloud, STRANGER, 'community.bootstrap', { code, name: '张三' }), 'CONFLICT', /社区工作人员的邀请码/);
  });
});
