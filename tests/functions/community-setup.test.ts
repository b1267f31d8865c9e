/**
 * Setting a community up in the app (core/usecases/community-setup.ts), on the demo data: the
 * profile, grids and buildings (addresses follow a renamed or moved building; nothing with people
 * in it vanishes; two staff editing at once both keep their edit), pending invitations (only their
 * inviter or an administrator sees the code or revokes it; a revoked code does not work; one
 * person's pending codes are capped), and the member list with masked phones.
 */
import { EJSON } from 'bson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestsOf } from '../../bench/requests';
import type { ActionName, InputOf } from '../../core/contract';
import { MAX_PENDING_INVITATIONS } from '../../core/contract/community-setup';
import type { LocalCloud } from '../../localcloud/src/server';
import { call, DEMO, ok, snapshot, startLinli } from '../helpers/linli';

let cloud: LocalCloud;
beforeAll(async () => {
  cloud = await startLinli({ timers: [] });
});
afterAll(() => cloud.close());

function stored<T = Record<string, unknown>>(collection: string, id: string): T | undefined {
  for (const line of cloud.engine.exportLines()) {
    const parsed = EJSON.parse(line) as { collection: string; doc?: { _id: unknown } };
    if (parsed.collection === collection && parsed.doc?._id === id) return parsed.doc as T;
  }
  return undefined;
}

async function refused<A extends ActionName>(openid: string, action: A, input: InputOf<A>, code: string, message?: RegExp): Promise<void> {
  const before = snapshot(cloud);
  const reply = await call(cloud, openid, action, input);
  if (reply.ok) throw new Error(`${action} by ${openid}: expected ${code}, got ok`);
  expect(reply.error.code).toBe(code);
  if (message) expect(reply.error.message).toMatch(message);
  expect(snapshot(cloud)).toBe(before);
}

const atMostTen = (action: string) => expect(requestsOf(cloud, action).total, `${action}: ${JSON.stringify(requestsOf(cloud, action))}`).toBeLessThanOrEqual(10);

interface StoredCommunity {
  name: string;
  district?: string;
  address?: string;
  contact?: string;
  version?: number;
  edits?: Array<{ by: string; summary: string }>;
}

describe('the community profile', () => {
  it('staff of the community edit name, street office, address and phone; each edit is logged; an emptied field goes', async () => {
    const view = ok(await call(cloud, DEMO.staff, 'community.update', { communityId: DEMO.community, district: '和平街道', address: '幸福路 8 号', contact: '010-62345678' }));
    expect(view).toMatchObject({ id: DEMO.community, name: '幸福里社区', district: '和平街道', address: '幸福路 8 号', contact: '010-62345678' });
    atMostTen('community.update');
    ok(await call(cloud, DEMO.admin, 'community.update', { communityId: DEMO.community, address: '' }));
    const community = stored<StoredCommunity>('communities', DEMO.community)!;
    expect(community.address).toBeUndefined();
    expect(community.edits?.map((edit) => [edit.by, edit.summary])).toEqual([
      [DEMO.staff, '修改所属街道、办公地址、联系电话'],
      [DEMO.admin, '修改办公地址'],
    ]);
    // Everyone choosing a community sees it.
    const listed = ok(await call(cloud, DEMO.resident, 'community.list', {})).find((item) => item.id === DEMO.community)!;
    expect(listed).toMatchObject({ district: '和平街道', contact: '010-62345678' });
    expect(listed.address).toBeUndefined();
  });

  it('staff cannot edit another community; a taken name and a made-up phone are refused', async () => {
    const other = ok(await call(cloud, DEMO.admin, 'community.create', { name: '光明社区', grids: [{ id: 'a1', name: '一网格', buildings: ['1栋'] }] }));
    await refused(DEMO.staff, 'community.update', { communityId: other.id, name: '我的社区' }, 'FORBIDDEN');
    await refused(DEMO.admin, 'community.update', { communityId: other.id, name: '幸福里社区' }, 'CONFLICT', /已有名为“幸福里社区”的社区/);
    await refused(DEMO.staff, 'community.update', { communityId: DEMO.community, contact: '12345' }, 'INVALID_INPUT', /联系电话格式不正确/);
    await refused(DEMO.staff, 'community.update', { communityId: DEMO.community }, 'INVALID_INPUT', /请至少修改一项/);
  });
});

describe('grids and buildings', () => {
  it('a renamed building and a building moved to another grid take their residents and volunteers along', async () => {
    let grids = ok(await call(cloud, DEMO.staff, 'community.changeGrids', { communityId: DEMO.community, change: { op: 'renameBuilding', gridId: 'g1', building: '2栋', name: '2号楼' } }));
    atMostTen('community.changeGrids');
    expect(grids.grids.find((grid) => grid.id === 'g1')!.buildings).toEqual(['1栋', '2号楼', '3栋']);
    expect(ok(await call(cloud, DEMO.resident, 'user.me', {})).profile?.address).toMatchObject({ gridId: 'g1', building: '2号楼' });

    grids = ok(await call(cloud, DEMO.staff, 'community.changeGrids', { communityId: DEMO.community, change: { op: 'addGrid', name: '第三网格' } }));
    const third = grids.grids.find((grid) => grid.name === '第三网格')!;
    expect(third).toMatchObject({ buildings: [], retired: false });
    grids = ok(await call(cloud, DEMO.staff, 'community.changeGrids', { communityId: DEMO.community, change: { op: 'moveBuilding', gridId: 'g1', building: '3栋', toGridId: third.id } }));
    expect(grids.grids.find((grid) => grid.id === third.id)!.buildings).toEqual(['3栋']);
    expect(stored<{ address: { gridId: string } }>('users', DEMO.volunteer)!.address.gridId).toBe(third.id);
    expect(stored<{ gridId: string }>('volunteers', DEMO.volunteer)!.gridId).toBe(third.id);
    atMostTen('community.changeGrids');

    // A building name is one building: not twice in the community.
    await refused(DEMO.staff, 'community.changeGrids', { communityId: DEMO.community, change: { op: 'addBuilding', gridId: 'g2', building: '3栋' } }, 'INVALID_INPUT', /第三网格已有“3栋”/);
  });

  it('a retired building or grid is no longer offered but old addresses keep it; a grid with people cannot be retired', async () => {
    ok(await call(cloud, DEMO.staff, 'community.changeGrids', { communityId: DEMO.community, change: { op: 'retireBuilding', gridId: 'g2', building: '4栋' } }));
    const offered = ok(await call(cloud, DEMO.applicant, 'community.get', { communityId: DEMO.community }));
    expect(offered.grids.find((grid) => grid.id === 'g2')!.buildings).toEqual(['5栋', '6栋']);
    // The applicant still lives in 4栋; nobody can move there now.
    expect(ok(await call(cloud, DEMO.applicant, 'user.me', {})).profile?.address).toMatchObject({ building: '4栋' });
    await refused(DEMO.resident, 'user.updateProfile', { address: { gridId: 'g2', building: '4栋' } }, 'INVALID_INPUT', /没有4栋/);

    await refused(DEMO.staff, 'community.changeGrids', { communityId: DEMO.community, change: { op: 'retireGrid', gridId: 'g2' } }, 'CONFLICT', /第二网格还有 1 位居民/);
    await refused(DEMO.staff, 'community.changeGrids', { communityId: DEMO.community, change: { op: 'retireGrid', gridId: 'g1' } }, 'CONFLICT', /第一网格还有 1 位居民/);
    const empty = ok(await call(cloud, DEMO.staff, 'community.changeGrids', { communityId: DEMO.community, change: { op: 'addGrid', name: '临时网格' } })).grids.find((grid) => grid.name === '临时网格')!;
    // An invitation to look after it, issued before it was retired, no longer works once it is.
    const { code: stale } = ok(await call(cloud, DEMO.staff, 'community.invite', { communityId: DEMO.community, role: 'grid_worker', gridIds: [empty.id] }));
    ok(await call(cloud, DEMO.staff, 'community.changeGrids', { communityId: DEMO.community, change: { op: 'retireGrid', gridId: empty.id } }));
    atMostTen('community.changeGrids');
    await refused('o-setup-stale-grid-worker', 'community.join', { code: stale, name: '周网格', phone: '13800009911' }, 'CONFLICT', /邀请中的网格已撤销/);
    const after = ok(await call(cloud, DEMO.resident, 'community.get', { communityId: DEMO.community }));
    expect(after.grids.map((grid) => grid.name)).not.toContain('临时网格');
    expect(after.retiredGrids?.map((grid) => grid.name)).toEqual(['临时网格']);
    // Nor can anyone be invited to it.
    await refused(DEMO.staff, 'community.invite', { communityId: DEMO.community, role: 'grid_worker', gridIds: [empty.id] }, 'INVALID_INPUT');
    // The grids page still lists it, to restore.
    const managed = ok(await call(cloud, DEMO.staff, 'community.grids', { communityId: DEMO.community }));
    expect(managed.grids.find((grid) => grid.id === empty.id)).toMatchObject({ retired: true });
    expect(managed.grids.find((grid) => grid.id === 'g2')!.retiredBuildings).toEqual(['4栋']);
  });

  it('staff editing at once all keep their edit', async () => {
    // Both workers of the function warm, so the edits below run side by side.
    await Promise.all([call(cloud, DEMO.staff, 'community.grids', { communityId: DEMO.community }), call(cloud, DEMO.staff2, 'community.grids', { communityId: DEMO.community })]);
    const before = stored<StoredCommunity>('communities', DEMO.community)!.version ?? 0;
    const added = ['7栋', '8栋', '9栋', '10栋', '11栋', '12栋'];
    const replies = await Promise.all(
      added.map((building, index) => call(cloud, index % 2 ? DEMO.staff2 : DEMO.staff, 'community.changeGrids', { communityId: DEMO.community, change: { op: 'addBuilding', gridId: index % 2 ? 'g2' : 'g1', building } })),
    );
    replies.forEach((reply) => ok(reply));
    const managed = ok(await call(cloud, DEMO.staff, 'community.grids', { communityId: DEMO.community }));
    const buildings = managed.grids.flatMap((grid) => grid.buildings);
    expect(added.filter((building) => !buildings.includes(building))).toEqual([]);
    expect(stored<StoredCommunity>('communities', DEMO.community)!.version).toBe(before + added.length);
  });

  it('a grid worker or a resident cannot change grids', async () => {
    await refused(DEMO.grid, 'community.changeGrids', { communityId: DEMO.community, change: { op: 'addGrid', name: '我的网格' } }, 'FORBIDDEN');
    await refused(DEMO.resident, 'community.changeGrids', { communityId: DEMO.community, change: { op: 'addGrid', name: '我的网格' } }, 'FORBIDDEN');
  });
});

describe('invitations', () => {
  it('only its inviter or an administrator sees a pending code or revokes it; a revoked code does not work', async () => {
    const invited = ok(await call(cloud, DEMO.staff, 'community.invite', { communityId: DEMO.community, role: 'grid_worker', gridIds: ['g1'] }));
    atMostTen('community.invite');
    const mine = ok(await call(cloud, DEMO.staff, 'community.invitations', { communityId: DEMO.community }));
    atMostTen('community.invitations');
    expect(mine.items.find((item) => item.code === invited.code)).toMatchObject({ role: 'grid_worker', gridNames: ['第一网格'], createdByName: '刘晓梅', mine: true, revocable: true, expiresAt: invited.expiresAt });

    // A colleague sees that it exists, not the code (they could join with it as a second account).
    const theirs = ok(await call(cloud, DEMO.staff2, 'community.invitations', { communityId: DEMO.community }));
    expect(theirs.items.length).toBe(mine.items.length);
    expect(theirs.items.every((item) => item.code === undefined && !item.revocable)).toBe(true);
    await refused(DEMO.staff2, 'community.revokeInvitation', { code: invited.code }, 'FORBIDDEN');

    const revoked = ok(await call(cloud, DEMO.admin, 'community.revokeInvitation', { code: invited.code }));
    atMostTen('community.revokeInvitation');
    expect(revoked.revocable).toBe(false);
    expect(ok(await call(cloud, DEMO.staff, 'community.invitations', { communityId: DEMO.community })).items.map((item) => item.code)).not.toContain(invited.code);
    await refused('o-would-be-grid-worker', 'community.join', { code: invited.code, name: '赵网格', phone: '13900000001' }, 'CONFLICT', /邀请码已被撤销/);
    await refused(DEMO.staff, 'community.revokeInvitation', { code: invited.code }, 'CONFLICT', /已撤销/);
  });

  it('a used code cannot be revoked, and a code of another community is unknown to staff', async () => {
    const invited = ok(await call(cloud, DEMO.staff, 'community.invite', { communityId: DEMO.community, role: 'grid_worker', gridIds: ['g2'] }));
    ok(await call(cloud, 'o-new-grid-worker', 'community.join', { code: invited.code, name: '孙网格', phone: '13900000002' }));
    await refused(DEMO.staff, 'community.revokeInvitation', { code: invited.code }, 'CONFLICT', /已被使用/);
    const other = ok(await call(cloud, DEMO.admin, 'community.list', {})).find((item) => item.name === '光明社区')!;
    const elsewhere = ok(await call(cloud, DEMO.admin, 'community.invite', { communityId: other.id, role: 'staff' }));
    await refused(DEMO.staff, 'community.revokeInvitation', { code: elsewhere.code }, 'NOT_FOUND');
  });

  it(`one person holds at most ${MAX_PENDING_INVITATIONS} pending codes; revoking one makes room`, async () => {
    const pending = ok(await call(cloud, DEMO.staff2, 'community.invitations', { communityId: DEMO.community, limit: 50 })).items.filter((item) => item.mine).length;
    const codes: string[] = [];
    for (let made = pending; made < MAX_PENDING_INVITATIONS; made += 1) {
      codes.push(ok(await call(cloud, DEMO.staff2, 'community.invite', { communityId: DEMO.community, role: 'grid_worker', gridIds: ['g1'] })).code);
    }
    await refused(DEMO.staff2, 'community.invite', { communityId: DEMO.community, role: 'grid_worker', gridIds: ['g1'] }, 'LIMIT_REACHED', new RegExp(`${MAX_PENDING_INVITATIONS} 个未使用的邀请码`));
    ok(await call(cloud, DEMO.staff2, 'community.revokeInvitation', { code: codes[0]! }));
    ok(await call(cloud, DEMO.staff2, 'community.invite', { communityId: DEMO.community, role: 'grid_worker', gridIds: ['g1'] }));
    // Someone else's limit is their own.
    ok(await call(cloud, DEMO.staff, 'community.invite', { communityId: DEMO.community, role: 'grid_worker', gridIds: ['g1'] }));
  });
});

describe('members', () => {
  it('lists staff, grid workers and a grid’s residents with their roles and masked phones, page by page', async () => {
    const staff = ok(await call(cloud, DEMO.staff, 'community.members', { communityId: DEMO.community, role: 'staff' }));
    atMostTen('community.members');
    expect(staff.items.map((member) => [member.name, member.phoneMasked, member.roleNames])).toEqual([
      ['刘晓梅', '138****0010', ['社区工作人员']],
      ['王建国', '138****0050', ['社区工作人员']],
    ]);
    const gridWorkers = ok(await call(cloud, DEMO.admin, 'community.members', { communityId: DEMO.community, role: 'grid_worker' }));
    expect(gridWorkers.items.find((member) => member.openid === DEMO.grid)).toMatchObject({ gridNames: ['第一网格'], phoneUnverified: true });
    expect(JSON.stringify(gridWorkers)).not.toContain('13800000060');

    const first = ok(await call(cloud, DEMO.staff, 'community.members', { communityId: DEMO.community, role: 'resident', limit: 1 }));
    expect(first.items).toHaveLength(1);
    const second = ok(await call(cloud, DEMO.staff, 'community.members', { communityId: DEMO.community, role: 'resident', limit: 1, cursor: first.nextCursor! }));
    expect(second.items[0]!.openid).not.toBe(first.items[0]!.openid);
    const inG2 = ok(await call(cloud, DEMO.staff, 'community.members', { communityId: DEMO.community, role: 'resident', gridId: 'g2' }));
    expect(inG2.items.map((member) => [member.name, member.gridName, member.building])).toEqual([['陈思远', '第二网格', '4栋']]);
  });

  it('a grid worker or a resident cannot list members', async () => {
    await refused(DEMO.grid, 'community.members', { communityId: DEMO.community, role: 'staff' }, 'FORBIDDEN');
    await refused(DEMO.resident, 'community.members', { communityId: DEMO.community, role: 'resident' }, 'FORBIDDEN');
  });
});
