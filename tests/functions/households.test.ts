/**
 * The household register (household function, issue 15 items 1–2): staff register homes with their
 * members and care flags; a resident asks to be linked to the household of their home and staff
 * confirm it; linkers are given households up to the community's limit. Who sees what: the care
 * flags only staff and the household's linker; a grid worker sees their grids' households without
 * them; a resident sees their own. One home is registered once, one person belongs to one home.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HouseholdView, InputOf } from '../../core/contract';
import type { Household, User } from '../../core/model';
import { householdIdFor } from '../../core/usecases/household';
import type { LocalCloud } from '../../localcloud/src/server';
import { approveRuleChanges, call, DEMO, ok, startLinli } from '../helpers/linli';
import { doc, docs, expectRefused, seed, userDoc } from '../helpers/seed';

const LINKER = 'hh-linker';
const NEIGHBOUR = 'hh-neighbour';
const G2_WORKER = 'hh-g2-worker';

let cloud: LocalCloud;
beforeAll(async () => {
  cloud = await startLinli({ timers: [] });
  seed(cloud, 'users', [
    userDoc(LINKER, '党员老周', { address: { gridId: 'g1', building: '2栋', unit: '1', room: '201' } }),
    userDoc(NEIGHBOUR, '邻居小吴', { address: { gridId: 'g1', building: '1栋', unit: '2', room: '502' } }),
    { ...userDoc(G2_WORKER, '吴网格', { roles: ['grid_worker'], address: { gridId: 'g2', building: '4栋' } }), gridIds: ['g2'] },
  ]);
});
afterAll(() => cloud.close());

const register = (input: Partial<InputOf<'household.upsert'>> = {}) =>
  call(cloud, DEMO.staff, 'household.upsert', {
    building: '1栋',
    unit: '1',
    room: '101',
    members: [
      { name: '张桂英', relation: '户主' },
      { name: '张小明', relation: '子女' },
    ],
    flags: ['独居老人', '低保'],
    contactPhone: '13912345678',
    ...input,
  });

describe('the register', () => {
  let first: HouseholdView;

  it('staff register a home; its id follows from the address, so it is registered once', async () => {
    first = ok(await register());
    expect(first).toMatchObject({ address: '1栋 1单元 101', gridName: '第一网格', flags: ['独居老人', '低保'], contactPhone: '13912345678', version: 0 });
    expect(first.id).toBe(householdIdFor(DEMO.community, '1栋', '1', '101'));
    await expectRefused(cloud, DEMO.staff, 'household.upsert', { building: '1栋', unit: '1', room: '101', members: [{ name: '王五', relation: '户主' }] }, 'CONFLICT', '1栋 1单元 101已登记，请在列表中打开修改');
  });

  it('edits go by the version read; the address cannot change', async () => {
    const edited = ok(await register({ householdId: first.id, version: 0, flags: ['独居老人'] }));
    expect(edited).toMatchObject({ version: 1, flags: ['独居老人'] });
    await expectRefused(cloud, DEMO.staff2, 'household.upsert', { householdId: first.id, version: 0, building: '1栋', unit: '1', room: '101', members: [{ name: '张桂英', relation: '户主' }] }, 'CONFLICT');
    await expectRefused(cloud, DEMO.staff, 'household.upsert', { householdId: first.id, version: 1, building: '1栋', unit: '1', room: '102', members: [{ name: '张桂英', relation: '户主' }] }, 'INVALID_INPUT');
    first = edited;
  });

  it('bad input and the wrong people write nothing', async () => {
    const base = { building: '1栋', room: '909', members: [{ name: '李四', relation: '户主' as const }] };
    await expectRefused(cloud, DEMO.staff, 'household.upsert', { ...base, building: '99栋' }, 'INVALID_INPUT', '幸福里社区没有99栋');
    await expectRefused(cloud, DEMO.staff, 'household.upsert', { ...base, room: '3楼东' }, 'INVALID_INPUT');
    await expectRefused(cloud, DEMO.staff, 'household.upsert', { ...base, members: [] }, 'INVALID_INPUT');
    await expectRefused(cloud, DEMO.staff, 'household.upsert', { ...base, flags: ['低保', '低保'] }, 'INVALID_INPUT');
    await expectRefused(cloud, DEMO.staff, 'household.upsert', { ...base, members: [{ name: '外人', relation: '户主', openid: 'nobody-here' }] }, 'INVALID_INPUT');
    await expectRefused(cloud, DEMO.grid, 'household.upsert', base, 'FORBIDDEN');
    await expectRefused(cloud, DEMO.resident, 'household.upsert', base, 'FORBIDDEN');
  });

  it('who sees what: flags for staff and the linker only; a grid worker their grids, phone masked', async () => {
    const staffView = ok(await call(cloud, DEMO.staff, 'household.list', {}));
    expect(staffView.items.find((item) => item.id === first.id)).toMatchObject({ flags: ['独居老人'], contactPhone: '13912345678' });
    const gridView = ok(await call(cloud, DEMO.grid, 'household.list', {})).items.find((item) => item.id === first.id)!;
    expect(gridView.flags).toBeUndefined();
    expect(gridView.contactPhone).toBe('139****5678');
    expect(gridView.members.map((member) => member.name)).toEqual(['张桂英', '张小明']);
    // Grid g2's worker sees none of g1.
    expect(ok(await call(cloud, G2_WORKER, 'household.list', {})).items.map((item) => item.id)).not.toContain(first.id);
    await expectRefused(cloud, G2_WORKER, 'household.list', { box: 'grid', gridId: 'g1' }, 'FORBIDDEN');
    await expectRefused(cloud, DEMO.resident, 'household.list', { box: 'community' }, 'FORBIDDEN');
    // A resident's default box is the households they link: none yet.
    expect(ok(await call(cloud, DEMO.resident, 'household.list', {})).items).toEqual([]);
  });
});

describe('linking a resident to their home', () => {
  it('the resident asks, staff confirm: they join the household (registered now if it was not)', async () => {
    const asked = ok(await call(cloud, NEIGHBOUR, 'household.claim', { relation: '户主' }));
    expect(asked.claim).toMatchObject({ status: 'pending', address: '1栋 2单元 502', relation: '户主' });
    await expectRefused(cloud, NEIGHBOUR, 'household.claim', { relation: '户主' }, 'CONFLICT', '您的申请正在等待社区确认');
    const waiting = ok(await call(cloud, DEMO.staff, 'household.claims', {}));
    expect(waiting.items.map((claim) => claim.openid)).toContain(NEIGHBOUR);
    expect(waiting.items.find((claim) => claim.openid === NEIGHBOUR)?.householdRegistered).toBe(false);
    ok(await call(cloud, DEMO.staff, 'household.decideClaim', { openid: NEIGHBOUR, decision: 'confirm' }));
    const householdId = householdIdFor(DEMO.community, '1栋', '2', '502');
    expect(doc<User>(cloud, 'users', NEIGHBOUR)?.householdId).toBe(householdId);
    expect(doc<Household>(cloud, 'households', householdId)?.members).toEqual([{ openid: NEIGHBOUR, name: '邻居小吴', relation: '户主' }]);
    const mine = ok(await call(cloud, NEIGHBOUR, 'household.mine', {}));
    expect(mine.household).toMatchObject({ id: householdId, address: '1栋 2单元 502', members: [{ name: '邻居小吴', relation: '户主', registered: true }] });
    expect(mine.household?.flags).toBeUndefined();
    expect(mine.claim).toBeNull();
    // Staff get the member's account (an edit sends it back, keeping them linked); nobody else does.
    const staffHome = ok(await call(cloud, DEMO.staff, 'household.list', { building: '1栋' })).items.find((item) => item.id === householdId);
    expect(staffHome?.members).toEqual([{ name: '邻居小吴', relation: '户主', registered: true, openid: NEIGHBOUR }]);
    expect(mine.household?.members[0]?.openid).toBeUndefined();
    const gridHome = ok(await call(cloud, DEMO.grid, 'household.list', {})).items.find((item) => item.id === householdId);
    expect(gridHome?.members).toEqual([{ name: '邻居小吴', relation: '户主', registered: true }]);
    await expectRefused(cloud, DEMO.staff, 'household.decideClaim', { openid: NEIGHBOUR, decision: 'confirm' }, 'CONFLICT', '该申请已处理');
  });

  it('staff may refuse with a reason; a home without a room number cannot be claimed', async () => {
    seed(cloud, 'users', [userDoc('hh-no-room', '没门牌', { address: { gridId: 'g1', building: '1栋' } })]);
    await expectRefused(cloud, 'hh-no-room', 'household.claim', { relation: '户主' }, 'INVALID_INPUT', '请先在“个人资料”中填写门牌号（室），再申请关联家庭户');
    ok(await call(cloud, LINKER, 'household.claim', { relation: '配偶' }));
    await expectRefused(cloud, DEMO.staff, 'household.decideClaim', { openid: LINKER, decision: 'reject', reason: ' ' }, 'INVALID_INPUT');
    const refused = ok(await call(cloud, DEMO.staff, 'household.decideClaim', { openid: LINKER, decision: 'reject', reason: '该户户主未确认此人' }));
    expect(refused).toMatchObject({ status: 'rejected', reason: '该户户主未确认此人' });
    expect(ok(await call(cloud, LINKER, 'household.mine', {})).claim).toMatchObject({ status: 'rejected', reason: '该户户主未确认此人' });
    expect(doc<User>(cloud, 'users', LINKER)?.householdId).toBeUndefined();
  });

  it('staff neither confirm their own request nor list a resident at a door that is not theirs', async () => {
    seed(cloud, 'users', [{ ...userDoc('hh-staff-resident', '住在社区的工作人员', { roles: ['resident', 'staff'], address: { gridId: 'g1', building: '2栋', unit: '1', room: '202' } }) }]);
    ok(await call(cloud, 'hh-staff-resident', 'household.claim', { relation: '户主' }));
    await expectRefused(cloud, 'hh-staff-resident', 'household.decideClaim', { openid: 'hh-staff-resident', decision: 'confirm' }, 'FORBIDDEN', '不能处理自己的申请，请由其他工作人员确认');
    await expectRefused(
      cloud,
      DEMO.staff,
      'household.upsert',
      { building: '3栋', room: '304', members: [{ name: '党员老周', relation: '户主', openid: LINKER }] },
      'CONFLICT',
      '党员老周登记的住址不是这一户，请其在“我的家庭户”中按自己的住址申请',
    );
  });

  it('someone who moves leaves the household of the old door', async () => {
    seed(cloud, 'users', [userDoc('hh-mover', '要搬家的人', { address: { gridId: 'g1', building: '1栋', unit: '3', room: '303' } })]);
    const home = ok(await call(cloud, DEMO.staff, 'household.upsert', { building: '1栋', unit: '3', room: '303', members: [{ name: '要搬家的人', relation: '户主', openid: 'hh-mover' }, { name: '老伴', relation: '配偶' }] }));
    expect(doc<User>(cloud, 'users', 'hh-mover')?.householdId).toBe(home.id);
    ok(await call(cloud, 'hh-mover', 'user.updateProfile', { address: { gridId: 'g1', building: '2栋', unit: '1', room: '808' } }));
    expect(doc<User>(cloud, 'users', 'hh-mover')?.householdId).toBeUndefined();
    expect(doc<Household>(cloud, 'households', home.id)?.members).toEqual([{ name: '老伴', relation: '配偶' }]);
    expect(ok(await call(cloud, 'hh-mover', 'household.mine', {})).household).toBeNull();
  });

  it('nobody belongs to two homes', async () => {
    await expectRefused(
      cloud,
      DEMO.staff,
      'household.upsert',
      { building: '3栋', room: '303', members: [{ name: '邻居小吴', relation: '户主', openid: NEIGHBOUR }] },
      'CONFLICT',
      '邻居小吴已登记在另一户，请先从那一户移除',
    );
  });
});

describe('linkers (十联户)', () => {
  it('staff give households to a linker, who then sees them with their flags; the community’s limit holds', async () => {
    // More households per linker puts more care flags in one person's hands: a second staff member approves.
    const proposed = ok(await call(cloud, DEMO.staff, 'community.updateSettings', { communityId: DEMO.community, householdsPerLinker: 2 }));
    expect(proposed.proposals.map((change) => change.field)).toEqual(['householdsPerLinker']);
    expect(await approveRuleChanges(cloud)).toBe(1);
    const rooms = ['601', '602', '603'];
    const made: HouseholdView[] = [];
    for (const room of rooms) made.push(ok(await register({ building: '2栋', unit: '1', room, flags: ['空巢老人'] })));
    for (const household of made.slice(0, 2)) ok(await call(cloud, DEMO.staff, 'household.assignLinker', { householdId: household.id, version: household.version, linker: LINKER }));
    await expectRefused(cloud, DEMO.staff, 'household.assignLinker', { householdId: made[2]!.id, version: made[2]!.version, linker: LINKER }, 'LIMIT_REACHED', '党员老周已联系 2 户，已达社区设定的上限');
    const linked = ok(await call(cloud, LINKER, 'household.list', {}));
    expect(linked.items.map((item) => item.room)).toEqual(['601', '602']);
    expect(linked.items.every((item) => item.linkedByMe && item.flags?.[0] === '空巢老人')).toBe(true);
    // Taken away again: the linker no longer sees it.
    const back = ok(await call(cloud, DEMO.staff, 'household.list', { building: '2栋' })).items.find((item) => item.room === '601')!;
    ok(await call(cloud, DEMO.staff, 'household.assignLinker', { householdId: back.id, version: back.version, linker: null }));
    expect(ok(await call(cloud, LINKER, 'household.list', {})).items.map((item) => item.room)).toEqual(['602']);
    await expectRefused(cloud, DEMO.staff, 'household.assignLinker', { householdId: back.id, version: back.version, linker: LINKER }, 'CONFLICT');
    await expectRefused(cloud, DEMO.staff, 'household.assignLinker', { householdId: back.id, version: back.version + 1, linker: 'not-a-person' }, 'INVALID_INPUT');
    await expectRefused(cloud, DEMO.grid, 'household.assignLinker', { householdId: back.id, version: back.version + 1, linker: LINKER }, 'FORBIDDEN');
  });

  it('two staff giving the same linker households at once do not pass the limit', async () => {
    ok(await call(cloud, DEMO.staff, 'community.updateSettings', { communityId: DEMO.community, householdsPerLinker: 1 }));
    expect(await approveRuleChanges(cloud)).toBe(1);
    const a = ok(await register({ building: '3栋', unit: '1', room: '701' }));
    const b = ok(await register({ building: '3栋', unit: '1', room: '702' }));
    const replies = await Promise.all([
      call(cloud, DEMO.staff, 'household.assignLinker', { householdId: a.id, version: a.version, linker: NEIGHBOUR }),
      call(cloud, DEMO.staff2, 'household.assignLinker', { householdId: b.id, version: b.version, linker: NEIGHBOUR }),
    ]);
    expect(replies.filter((reply) => reply.ok)).toHaveLength(1);
    expect(Object.values(Object.fromEntries([a.id, b.id].map((id) => [id, doc<Household>(cloud, 'households', id)?.linkerOpenid]))).filter(Boolean)).toHaveLength(1);
  });

  it('注销: the resident leaves their household’s members, and the households they linked lose their linker', async () => {
    const householdId = householdIdFor(DEMO.community, '1栋', '2', '502');
    ok(await call(cloud, NEIGHBOUR, 'user.deleteAccount', { confirm: '注销' }));
    expect(doc<Household>(cloud, 'households', householdId)?.members).toEqual([]);
    // NEIGHBOUR linked 3栋 1单元 701 or 702 above: neither names them now.
    expect(JSON.stringify(docs<Household>(cloud, 'households'))).not.toContain(NEIGHBOUR);
  });
});
