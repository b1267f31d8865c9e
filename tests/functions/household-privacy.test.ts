/**
 * The household's sensitive fields, role by role (issue 15: "privacy of the household flags (the
 * role × field matrix)"). One household with care flags, a contact phone and a linker's visit; each
 * person reads it every way they can (household.list in each box, household.get, household.visits,
 * household.mine) and the table says what they must see: the care flags, the phone in full, masked
 * or not at all, and the visit notes. A row that reads more than its cell allows fails.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HouseholdView } from '../../core/contract';
import { localDay } from '../../core/time';
import type { LocalCloud } from '../../localcloud/src/server';
import type { StoredRole } from '../../core/model';
import { call, DEMO, ok, startLinli } from '../helpers/linli';
import { doc, seed, userDoc } from '../helpers/seed';

const LINKER = 'pm-linker';
const OTHER_LINKER = 'pm-other-linker';
const MEMBER = 'pm-member';
const NEIGHBOUR = 'pm-neighbour';
const G2_WORKER = 'pm-g2-worker';
const OTHER_STAFF = 'pm-other-staff';

const PHONE = '13912345678';
const MASKED = '139****5678';
const NOTE = '老人说最近血压高，想要有人陪诊';

let cloud: LocalCloud;
let home: HouseholdView;

beforeAll(async () => {
  cloud = await startLinli({ timers: [] });
  seed(cloud, 'communities', [{ _id: 'pm-other', name: '和平里社区', grids: [{ id: 'h1', name: '和平一网格', buildings: ['1栋'] }], settings: { requireOrderReview: false }, createdAt: new Date('2026-11-01T00:00:00Z') }]);
  seed(cloud, 'users', [
    userDoc(LINKER, '党员老周', { address: { gridId: 'g1', building: '2栋', unit: '1', room: '201' } }),
    userDoc(OTHER_LINKER, '联户长小钱', { address: { gridId: 'g1', building: '2栋', unit: '1', room: '202' } }),
    userDoc(MEMBER, '孙阿姨', { address: { gridId: 'g1', building: '1栋', unit: '1', room: '301' } }),
    userDoc(NEIGHBOUR, '邻居小吴', { address: { gridId: 'g1', building: '1栋', unit: '1', room: '302' } }),
    { ...userDoc(G2_WORKER, '吴网格', { roles: ['grid_worker'], address: { gridId: 'g2', building: '4栋' } }), gridIds: ['g2'] },
    userDoc(OTHER_STAFF, '王主任', { roles: ['staff'], communityId: 'pm-other', address: { gridId: 'h1', building: '1栋' } }),
  ]);
  home = ok(
    await call(cloud, DEMO.staff, 'household.upsert', {
      building: '1栋',
      unit: '1',
      room: '301',
      members: [
        { name: '孙阿姨', relation: '户主', openid: MEMBER },
        { name: '孙爷爷', relation: '配偶' },
      ],
      flags: ['残疾', '低保'],
      contactPhone: PHONE,
    }),
  );
  home = ok(await call(cloud, DEMO.staff, 'household.assignLinker', { householdId: home.id, version: home.version, linker: LINKER }));
  // Another linker has a household of their own, so their "linked" box is not empty by accident.
  const theirs = ok(await call(cloud, DEMO.staff, 'household.upsert', { building: '2栋', unit: '1', room: '501', members: [{ name: '钱大爷', relation: '户主' }] }));
  ok(await call(cloud, DEMO.staff, 'household.assignLinker', { householdId: theirs.id, version: theirs.version, linker: OTHER_LINKER }));
  ok(await call(cloud, LINKER, 'household.visit', { householdId: home.id, date: localDay(new Date()), way: '上门', note: NOTE }));
});
afterAll(() => cloud.close());

/** What one person may see of the household: absent (cannot read it at all), or these fields. */
/** `accounts`: the registered members' openids (staff send them back when editing the household). */
type Cell = 'absent' | { flags: boolean; phone: 'full' | 'masked' | 'none'; visits: boolean; accounts: boolean };

const MATRIX: Array<[who: string, openid: string, cell: Cell]> = [
  ['staff of the community', DEMO.staff, { flags: true, phone: 'full', visits: true, accounts: true }],
  ['the household’s linker', LINKER, { flags: true, phone: 'full', visits: true, accounts: false }],
  ['the grid worker of its grid', DEMO.grid, { flags: false, phone: 'masked', visits: false, accounts: false }],
  ['a member of the household', MEMBER, { flags: false, phone: 'none', visits: false, accounts: false }],
  ['another grid’s worker', G2_WORKER, 'absent'],
  ['another household’s linker', OTHER_LINKER, 'absent'],
  ['a neighbour', NEIGHBOUR, 'absent'],
  ['a department’s person', DEMO.dept, 'absent'],
  ['a volunteer', DEMO.volunteer, 'absent'],
  ['staff of another community', OTHER_STAFF, 'absent'],
];

/** Every reading of this household the person gets an answer to, as raw JSON. */
async function readings(openid: string): Promise<{ views: HouseholdView[]; visitNotes: string[]; raw: string[] }> {
  const views: HouseholdView[] = [];
  const raw: string[] = [];
  const visitNotes: string[] = [];
  const keep = (data: unknown) => raw.push(JSON.stringify(data));
  for (const box of ['community', 'grid', 'linked'] as const) {
    const reply = await call(cloud, openid, 'household.list', { box });
    if (!reply.ok) continue;
    keep(reply.data);
    views.push(...reply.data.items.filter((item) => item.id === home.id));
  }
  const got = await call(cloud, openid, 'household.get', { householdId: home.id });
  if (got.ok) {
    keep(got.data);
    views.push(got.data.household);
  }
  const mine = await call(cloud, openid, 'household.mine', {});
  if (mine.ok) {
    keep(mine.data);
    if (mine.data.household?.id === home.id) views.push(mine.data.household);
  }
  const visits = await call(cloud, openid, 'household.visits', { householdId: home.id });
  if (visits.ok) {
    keep(visits.data);
    visitNotes.push(...visits.data.items.map((visit) => visit.note));
  }
  return { views, visitNotes, raw };
}

describe('who sees what of a household (role × field)', () => {
  it.each(MATRIX)('%s', async (_who, openid, cell) => {
    const { views, visitNotes, raw } = await readings(openid);
    const everything = raw.join('\n');
    if (cell === 'absent') {
      expect(views).toEqual([]);
      expect(everything).not.toContain(home.id);
      expect(visitNotes).toEqual([]);
    } else {
      expect(views.length).toBeGreaterThan(0);
      for (const view of views) {
        expect(view.flags, 'care flags').toEqual(cell.flags ? ['残疾', '低保'] : undefined);
        expect(view.contactPhone, 'phone').toBe(cell.phone === 'full' ? PHONE : cell.phone === 'masked' ? MASKED : undefined);
        expect(view.members.find((member) => member.registered)?.openid, 'member accounts').toBe(cell.accounts ? MEMBER : undefined);
      }
      expect(visitNotes, 'visit notes').toEqual(cell.visits ? [NOTE] : []);
    }
    // Whatever else they read, what they may not see appears nowhere in it.
    if (cell === 'absent' || !cell.flags) expect(everything).not.toMatch(/残疾|低保/);
    if (cell === 'absent' || cell.phone !== 'full') expect(everything).not.toContain(PHONE);
    if (cell === 'absent' || !cell.visits) expect(everything).not.toContain(NOTE);
    if (cell === 'absent' || !cell.accounts) expect(everything).not.toContain(MEMBER);
  });

  it('the matrix has someone of every role the app stores, and a volunteer', () => {
    // A role the table forgot would be a reader nobody checked.
    const ALL: Record<StoredRole, true> = { resident: true, staff: true, grid_worker: true, department: true };
    const covered = new Set(MATRIX.flatMap(([, openid]) => doc<{ roles: StoredRole[] }>(cloud, 'users', openid)?.roles ?? []));
    expect([...covered].sort()).toEqual(Object.keys(ALL).sort());
    expect(doc(cloud, 'volunteers', DEMO.volunteer)).toBeDefined();
  });
});
