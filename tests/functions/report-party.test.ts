/**
 * 党员双报到台账 (report.export kind party_members) through the real `report` function: the workbook
 * is downloaded and opened with exceljs and each party member's row is compared with the records,
 * visits and households seeded for them (hours summed, what lies outside the period or belongs to
 * someone else not counted, non-party, pending and later members absent). Staff export the whole
 * community or a grid; a grid worker only their own grids' members; residents and volunteers nothing.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportFileView } from '../../core/contract';
import type { ServiceRecord } from '../../core/model';
import { PARTY_DETAIL_PAGE, PARTY_MEMBER_PAGE } from '../../core/usecases/report/party';
import type { LocalCloud } from '../../localcloud/src/server';
import { call, DEMO, ok, startLinli } from '../helpers/linli';
import { docs, expectRefused, type Raw, seed, userDoc, volunteerDoc } from '../helpers/seed';

const START = new Date('2026-12-03T10:00:00+08:00');
const GRID_WORKER_2 = 'o-party-grid-2';
const MEMBER_G1 = 'o-party-g1';
const MEMBER_G2 = 'o-party-g2';
const NOT_PARTY = 'o-party-not';
const PENDING = 'o-party-pending';
const LATER = 'o-party-later';
const ELSEWHERE = 'o-party-elsewhere';

const partyMember = (openid: string, name: string, extra: Raw = {}): Raw => ({
  ...volunteerDoc(openid, name, { phone: '13911112222' }),
  partyMember: true,
  partyOrganisation: '市税务局机关第二党支部',
  appliedAt: new Date('2026-10-20T09:00:00+08:00'),
  reviewedAt: new Date('2026-10-21T09:00:00+08:00'),
  ...extra,
});

const VOLUNTEERS: Raw[] = [
  partyMember(MEMBER_G1, '党员甲'),
  // In grid 2, reported earlier, no organisation given.
  partyMember(MEMBER_G2, '党员乙', { gridId: 'g2', partyOrganisation: undefined, appliedAt: new Date('2026-09-01T09:00:00+08:00') }),
  { ...volunteerDoc(NOT_PARTY, '群众丙'), partyMember: false },
  partyMember(PENDING, '党员丁', { status: 'pending' }),
  // Reported after November: not in November's ledger.
  partyMember(LATER, '党员戊', { appliedAt: new Date('2026-12-02T09:00:00+08:00') }),
  partyMember(ELSEWHERE, '党员己', { communityId: 'other-community' }),
];

let sequence = 0;
const record = (openid: string, date: string, hours: number, source: 'order' | 'activity', communityId: string = DEMO.community): Raw => ({
  _id: `party-r-${(sequence += 1)}`,
  openid,
  volunteerName: '某人',
  communityId,
  source,
  ref: `ref-${sequence}`,
  activityName: source === 'order' ? '助餐送餐' : '反诈宣传',
  date,
  place: '幸福里社区',
  content: '服务内容',
  minutes: Math.round(hours * 60),
  hours,
  organiser: '幸福里社区',
  personInCharge: '刘晓梅',
  createdAt: new Date(`${date}T12:00:00+08:00`),
});

const RECORDS: Raw[] = [
  record(MEMBER_G1, '2026-11-01', 1.5, 'activity'),
  record(MEMBER_G1, '2026-11-20', 2.25, 'order'),
  record(MEMBER_G1, '2026-11-30', 0.1, 'activity'),
  // Outside November, or of another community: not counted.
  record(MEMBER_G1, '2026-10-31', 5, 'activity'),
  record(MEMBER_G1, '2026-12-01', 3, 'order'),
  record(MEMBER_G1, '2026-11-10', 7, 'order', 'other-community'),
  record(MEMBER_G2, '2026-11-15', 2, 'order'),
  record(NOT_PARTY, '2026-11-15', 4, 'order'),
];

const household = (id: string, linkerOpenid: string | undefined, communityId: string = DEMO.community): Raw => ({
  _id: id,
  communityId,
  gridId: 'g1',
  building: '2栋',
  room: id.slice(-3),
  members: [{ name: '王奶奶', relation: '户主' }],
  flags: ['独居老人'],
  contactPhone: '13700001111',
  ...(linkerOpenid ? { linkerOpenid, linkerName: '某人' } : {}),
  version: 0,
  createdBy: DEMO.staff,
  createdAt: START,
  updatedBy: DEMO.staff,
  updatedAt: START,
});

const HOUSEHOLDS: Raw[] = [
  household('party-h-101', MEMBER_G1),
  household('party-h-102', MEMBER_G1),
  household('party-h-103', MEMBER_G1),
  // Linked to someone else, or to nobody: not the member's.
  household('party-h-201', NOT_PARTY),
  household('party-h-202', undefined),
  household('party-h-301', MEMBER_G2),
  // Another community's household naming the member: not this community's linking.
  household('party-h-401', MEMBER_G1, 'other-community'),
];

const visit = (householdId: string, linkerOpenid: string, date: string, communityId: string = DEMO.community): Raw => ({
  _id: `${householdId}:${linkerOpenid}:${date}`,
  communityId,
  householdId,
  gridId: 'g1',
  address: '2栋 101',
  linkerOpenid,
  linkerName: '某人',
  date,
  way: '上门',
  note: '老人说楼道灯坏了',
  createdAt: new Date(`${date}T15:00:00+08:00`),
});

const VISITS: Raw[] = [
  visit('party-h-101', MEMBER_G1, '2026-11-05'),
  visit('party-h-102', MEMBER_G1, '2026-11-05'),
  visit('party-h-101', MEMBER_G1, '2026-11-28'),
  // Outside November: not counted.
  visit('party-h-101', MEMBER_G1, '2026-10-31'),
  visit('party-h-101', MEMBER_G1, '2026-12-01'),
  // Someone else's visit to the member's household is theirs, not the member's.
  visit('party-h-101', NOT_PARTY, '2026-11-06'),
  // A visit for another community is not this community's record.
  visit('party-h-401', MEMBER_G1, '2026-11-07', 'other-community'),
];

interface Sheet {
  sheet: ExcelJS.Worksheet;
  headers: string[];
  rows: Array<Record<string, ExcelJS.CellValue>>;
  text: string;
}

async function open(file: ReportFileView): Promise<Sheet> {
  const response = await fetch(file.url);
  expect(response.status).toBe(200);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(await response.arrayBuffer()) as unknown as ArrayBuffer);
  expect(workbook.worksheets).toHaveLength(1);
  const sheet = workbook.worksheets[0]!;
  const headers = (sheet.getRow(2).values as unknown[]).slice(1).map(String);
  const rows: Sheet['rows'] = [];
  const texts: string[] = [];
  sheet.eachRow((row, number) => {
    texts.push(JSON.stringify(row.values));
    if (number > 2) rows.push(Object.fromEntries(headers.map((header, index) => [header, row.getCell(index + 1).value])));
  });
  return { sheet, headers, rows, text: texts.join('\n') };
}

const exportAs = async (openid: string, input: Record<string, unknown>) => ok(await call(cloud, openid, 'report.export', input as never));
const names = (sheet: Sheet) => sheet.rows.map((row) => row['姓名']);
const shownDay = (value: unknown): string => (value instanceof Date ? value.toISOString().slice(0, 10) : `not a date: ${String(value)}`);

let cloud: LocalCloud;

describe('report.export: 党员双报到台账', () => {
  beforeAll(async () => {
    cloud = await startLinli({ startAt: START, timers: [] });
    seed(cloud, 'users', [{ ...userDoc(GRID_WORKER_2, '吴网格', { roles: ['grid_worker'], address: { gridId: 'g2', building: '4栋' } }), gridIds: ['g2'] }, userDoc(MEMBER_G1, '党员甲', { phone: '13911112222' })]);
    seed(cloud, 'volunteers', VOLUNTEERS);
    seed(cloud, 'service_records', RECORDS);
    seed(cloud, 'households', HOUSEHOLDS);
    seed(cloud, 'household_visits', VISITS);
  });
  afterAll(() => cloud?.close());

  it('one row per approved party member who had reported by the period’s end, grid by grid, with the period’s service, households and visits', async () => {
    const file = await exportAs(DEMO.staff, { kind: 'party_members', month: '2026-11' });
    expect(file.name).toBe('邻里-党员双报到台账-2026-11.xlsx');
    const ledger = await open(file);
    expect(ledger.sheet.name).toBe('党员双报到台账');
    expect(String(ledger.sheet.getCell('A1').value)).toMatch(/^幸福里社区 党员双报到台账（2026年11月） 导出于 2026-12-03 10:0\d$/);
    expect(ledger.headers).toEqual(['网格', '姓名', '手机号', '所在党组织', '报到日期', '本期服务次数', '其中参加活动', '本期服务时长（小时）', '联系户数', '本期走访户次（自记）', '本期走访户数（自记）']);
    // The demo's own party member (李建国, grid 1, reported 2026-11-01) is there too; grid 1 before grid 2,
    // and within a grid who reported first. Non-party, pending, later and other communities' members are not.
    expect(names(ledger)).toEqual(['党员甲', '李建国', '党员乙']);
    expect(file.rows).toBe(3);

    const member = ledger.rows[0]!;
    expect(member).toMatchObject({
      网格: '第一网格',
      手机号: '139****2222',
      所在党组织: '市税务局机关第二党支部',
      本期服务次数: 3,
      其中参加活动: 2,
      '本期服务时长（小时）': 3.85,
      联系户数: 3,
      '本期走访户次（自记）': 3,
      '本期走访户数（自记）': 2,
    });
    expect(shownDay(member['报到日期'])).toBe('2026-10-20');
    expect(ledger.rows[2]).toMatchObject({ 网格: '第二网格', 所在党组织: null, 本期服务次数: 1, '本期服务时长（小时）': 2, 联系户数: 1, '本期走访户次（自记）': 0, '本期走访户数（自记）': 0 });

    // The demo member's figures are their November records, as the database has them.
    const demoRecords = docs<ServiceRecord>(cloud, 'service_records').filter((r) => r.openid === DEMO.volunteer && r.communityId === DEMO.community && r.date >= '2026-11-01' && r.date <= '2026-11-30');
    expect(ledger.rows[1]).toMatchObject({
      本期服务次数: demoRecords.length,
      其中参加活动: demoRecords.filter((r) => r.source === 'activity').length,
      '本期服务时长（小时）': Math.round(demoRecords.reduce((sum, r) => sum + r.hours, 0) * 100) / 100,
    });

    // Full phones, visit notes, households' doors and flags stay in the app.
    for (const secret of ['13911112222', '老人说楼道灯坏了', '独居老人', '13700001111', '王奶奶']) expect(ledger.text).not.toContain(secret);
  });

  it('a later period counts that period only: December has the member who reported on the 2nd, and December’s record and visit', async () => {
    const ledger = await open(await exportAs(DEMO.staff, { kind: 'party_members', month: '2026-12' }));
    expect(names(ledger)).toEqual(['党员甲', '李建国', '党员戊', '党员乙']);
    expect(ledger.rows[0]).toMatchObject({ 本期服务次数: 1, 其中参加活动: 0, '本期服务时长（小时）': 3, 联系户数: 3, '本期走访户次（自记）': 1, '本期走访户数（自记）': 1 });
  });

  it('a grid worker’s holds their own grids’ members only; staff may limit it to one grid', async () => {
    const own = await exportAs(DEMO.grid, { kind: 'party_members', month: '2026-11' });
    expect(own.name).toBe('邻里-党员双报到台账-2026-11-第一网格.xlsx');
    expect(names(await open(own))).toEqual(['党员甲', '李建国']);
    expect(names(await open(await exportAs(GRID_WORKER_2, { kind: 'party_members', month: '2026-11' })))).toEqual(['党员乙']);
    expect(names(await open(await exportAs(DEMO.staff, { kind: 'party_members', month: '2026-11', gridId: 'g2' })))).toEqual(['党员乙']);
    await expectRefused(cloud, DEMO.grid, 'report.export', { kind: 'party_members', month: '2026-11', gridId: 'g2' }, 'FORBIDDEN', '只能导出您负责网格的数据');
  });

  it('residents and volunteers (party members too) may not export it', async () => {
    for (const openid of [DEMO.resident, DEMO.volunteer, MEMBER_G1]) {
      await expectRefused(cloud, openid, 'report.export', { kind: 'party_members', month: '2026-11' }, 'FORBIDDEN');
    }
  });

  it('many members: every one once, each with their own figures, across pages of members, records, visits and households', async () => {
    // Two full pages of members and a part; each page has more records, households and visits than one read returns.
    const many = 2 * PARTY_MEMBER_PAGE + 20;
    const each = Math.ceil(PARTY_DETAIL_PAGE / PARTY_MEMBER_PAGE) + 4;
    const openid = (i: number) => `o-party-many-${String(i).padStart(3, '0')}`;
    const indices = Array.from({ length: many }, (_, i) => i);
    seed(
      cloud,
      'volunteers',
      indices.map((i) => partyMember(openid(i), `党员${String(i).padStart(3, '0')}`, { gridId: i % 2 ? 'g2' : 'g1', appliedAt: new Date(Date.parse('2026-11-02T09:00:00+08:00') + i * 60_000) })),
    );
    // Records of half an hour each, a few more or fewer a member, on the days of November.
    const servicesOf = (i: number) => each + (i % 5) - 2;
    const november = (k: number) => `2026-11-${String((k % 28) + 1).padStart(2, '0')}`;
    seed(cloud, 'service_records', indices.flatMap((i) => Array.from({ length: servicesOf(i) }, (_, k) => record(openid(i), november(k), 0.5, 'order'))));
    seed(cloud, 'households', indices.flatMap((i) => Array.from({ length: each }, (_, k) => household(`party-many-h-${i}-${k}`, openid(i)))));
    seed(cloud, 'household_visits', indices.flatMap((i) => Array.from({ length: each }, (_, k) => visit(`party-many-h-${i}-${k}`, openid(i), november(k)))));

    const file = await exportAs(DEMO.staff, { kind: 'party_members', month: '2026-11' });
    const ledger = await open(file);
    expect(file.rows).toBe(many + 3);
    const rows = new Map(ledger.rows.map((row) => [String(row['姓名']), row]));
    expect(rows.size).toBe(many + 3);
    for (const i of indices) {
      const services = servicesOf(i);
      expect(rows.get(`党员${String(i).padStart(3, '0')}`), `member ${i}`).toMatchObject({ 网格: i % 2 ? '第二网格' : '第一网格', 本期服务次数: services, '本期服务时长（小时）': services / 2, 联系户数: each, '本期走访户次（自记）': each, '本期走访户数（自记）': each });
    }
    // Grid by grid, and within a grid who reported first.
    const grids = ledger.rows.map((row) => row['网格']);
    expect(grids).toEqual([...grids].sort());
    const firstGrid = ledger.rows.filter((row) => row['网格'] === '第一网格').map((row) => shownDay(row['报到日期']));
    expect(firstGrid).toEqual([...firstGrid].sort());
  });

  it('report.options offers it to staff and grid workers, by grid', async () => {
    for (const openid of [DEMO.staff, DEMO.grid]) {
      const { kinds } = ok(await call(cloud, openid, 'report.options', {}));
      expect(kinds.find((kind) => kind.kind === 'party_members')).toEqual({ kind: 'party_members', title: '党员双报到台账', byGrid: true, monthOnly: false });
    }
  });
});
