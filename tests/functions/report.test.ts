/**
 * report.export through the real `report` function: the workbook it stores is downloaded from its
 * temporary address and opened with exceljs, and every ledger's cells are compared with the
 * database (dates in Beijing time, numbers as numbers, phones and ID numbers masked, nothing below
 * the building). Grid workers get their grids' orders only and no ledger without grids; residents
 * nothing; a bad kind or period is refused writing nothing; the day's exports are limited; each
 * export is recorded; the timer removes the files once their address has expired.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AffairFigures, ReportFileView } from '../../core/contract';
import { AFFAIR_STATUS_TEXT, ORDER_STATUS_TEXT, POINTS_SOURCE_TEXT, REDEMPTION_STATUS_TEXT, SIGNUP_STATUS_TEXT } from '../../core/labels';
import type { Activity, ActivitySignup, Affair, Goods, LedgerEntry, Order, PatrolLog, Redemption, ReportExport, ServiceRecord, StockMove } from '../../core/model';
import { REPORT_EXPORTS_PER_DAY } from '../../core/usecases/report';
import { formatLocal, localDay } from '../../core/time';
import type { LocalCloud } from '../../localcloud/src/server';
import { call, countDocuments, DEMO, ok, startLinli } from '../helpers/linli';
import { doc, docs, expectRefused, type Raw, seed, userDoc } from '../helpers/seed';

const START = new Date('2026-12-03T10:00:00+08:00');
const NOVEMBER = { start: new Date('2026-11-01T00:00:00+08:00'), end: new Date('2026-12-01T00:00:00+08:00') };
const ID_NUMBER = '11010519491231002X';
const DELETED = 'deleted-0123456789abcdef';
const GRID_WORKER_2 = 'o-report-grid-2';

/** An order of the demo community: `at` when it was placed, in grid `gridId`. */
function orderDoc(id: string, at: Date, gridId: string, extra: Raw = {}): Raw {
  return {
    _id: id,
    communityId: DEMO.community,
    residentOpenid: DEMO.resident,
    createdBy: DEMO.resident,
    clientRequestId: `req-${id}`,
    serviceId: 'svc-meal',
    serviceName: '助餐送餐',
    serviceCategory: '助餐',
    skills: ['送餐'],
    basePoints: 10,
    expectedMinutes: 30,
    description: '中午送一份午餐',
    address: { gridId, building: gridId === 'g1' ? '2栋' : '5栋', unit: '1单元', room: '1101' },
    contactName: '张秀英',
    contactPhone: '13812345678',
    status: 'pending',
    events: [{ at, by: DEMO.resident, from: null, to: 'pending' }],
    declines: [],
    createdAt: at,
    dueAt: new Date(at.getTime() + 48 * 3600_000),
    overdue: false,
    ...extra,
  };
}

const ORDERS: Raw[] = [
  // 2026-11-01 01:00 in Beijing, still 31 October in UTC: November's.
  orderDoc('rep-o1', new Date('2026-10-31T17:00:00Z'), 'g1', {
    status: 'closed',
    assignee: DEMO.volunteer,
    assigneeName: '李建国',
    acceptedAt: new Date('2026-11-01T02:00:00+08:00'),
    completedAt: new Date('2026-11-01T03:30:00+08:00'),
    closedAt: new Date('2026-11-02T09:00:00+08:00'),
    completion: { summary: '已送到', minutes: 40 },
    rating: { stars: 5, comment: '很好', at: new Date('2026-11-01T12:00:00+08:00') },
    score: { score: 5, by: DEMO.staff, at: new Date('2026-11-02T09:00:00+08:00'), points: 12, minutes: 35 },
  }),
  orderDoc('rep-o2', new Date('2026-11-15T09:30:00+08:00'), 'g2', { createdBy: DEMO.staff, overdue: true, contactPhone: '13900001111' }),
  orderDoc('rep-o3', new Date('2026-11-30T23:59:00+08:00'), 'g1', { status: 'cancelled', cancelledAt: new Date('2026-12-01T08:00:00+08:00') }),
  // Outside November in Beijing time.
  orderDoc('rep-o4', new Date('2026-10-31T15:59:00Z'), 'g1'),
  orderDoc('rep-o5', new Date('2026-12-01T00:00:00+08:00'), 'g2'),
];

/** An affair of the demo community reported at `at` in grid `gridId` (texts and names that must stay in the app). */
function affairDoc(id: string, at: Date, gridId: string, extra: Raw = {}): Raw {
  return {
    _id: id,
    communityId: DEMO.community,
    clientRequestId: `req-${id}`,
    category: '环境卫生',
    description: `楼道堆放杂物-${id}`,
    place: { gridId, building: gridId === 'g1' ? '2栋' : '5栋', detail: '3单元门口' },
    urgency: '一般',
    reporterOpenid: DEMO.resident,
    reporterName: '张秀英',
    reporterRole: 'resident',
    anonymous: false,
    createdBy: DEMO.resident,
    status: 'reported',
    version: 0,
    overdue: false,
    overdueCount: 0,
    events: [{ at, by: DEMO.resident, byName: '张秀英', from: null, to: 'reported' }],
    createdAt: at,
    updatedAt: at,
    ...extra,
  };
}

const hoursAfter = (at: Date, hours: number) => new Date(at.getTime() + hours * 3600_000);
const A1_AT = new Date('2026-11-03T09:00:00+08:00');
const A2_AT = new Date('2026-11-10T14:00:00+08:00');
const AFFAIRS: Raw[] = [
  // Whistled to the property company, accepted after 3 hours, resolved after 30, closed and rated 4; one deadline missed.
  affairDoc('rep-a1', A1_AT, 'g1', {
    status: 'closed',
    departmentId: 'dept-property',
    departmentName: '幸福里物业服务中心',
    overdueCount: 1,
    anonymous: true,
    reporterName: '匿名的王大妈',
    events: [
      { at: A1_AT, by: DEMO.resident, byName: '匿名的王大妈', from: null, to: 'reported' },
      { at: hoursAfter(A1_AT, 1), by: DEMO.staff, byName: '刘晓梅', from: 'reported', to: 'whistled', note: '吹哨：交物业办理' },
      { at: hoursAfter(A1_AT, 4), by: DEMO.dept, byName: '物业小陈', from: 'whistled', to: 'accepted' },
      { at: hoursAfter(A1_AT, 30), by: DEMO.dept, byName: '物业小陈', from: 'accepted', to: 'resolved', note: '办理结果：已清走杂物' },
      { at: hoursAfter(A1_AT, 40), by: DEMO.resident, byName: '匿名的王大妈', from: 'resolved', to: 'closed' },
    ],
    resolution: { summary: '已清走杂物', by: DEMO.dept, byName: '物业小陈', at: hoursAfter(A1_AT, 30) },
    rating: { stars: 4, comment: '物业小陈很负责', at: hoursAfter(A1_AT, 41) },
    closedAt: hoursAfter(A1_AT, 40),
    escalation: { departmentId: 'dept-property', departmentName: '幸福里物业服务中心', at: hoursAfter(A1_AT, 20), overdueCount: 1 },
  }),
  // A dispute the community mediates itself, in grid 2: its building and parties stay in the app.
  affairDoc('rep-a2', A2_AT, 'g2', {
    category: '矛盾纠纷',
    description: '楼上漏水引发邻里争吵',
    parties: '502 李某与 402 赵某',
    status: 'handling',
    tier: 'community',
    handler: { openid: DEMO.grid, name: '周网格', kind: 'grid_worker' },
    dueAt: hoursAfter(A2_AT, 72),
    events: [
      { at: A2_AT, by: DEMO.resident, byName: '张秀英', from: null, to: 'reported', tier: 'grid' },
      { at: hoursAfter(A2_AT, 2), by: DEMO.staff, byName: '刘晓梅', from: 'reported', to: 'handling', tier: 'community' },
    ],
  }),
  // Reported by the grid worker, still waiting.
  affairDoc('rep-a3', new Date('2026-11-28T08:00:00+08:00'), 'g1', { category: '设施损坏', urgency: '紧急', reporterOpenid: DEMO.grid, reporterName: '周网格', reporterRole: 'grid_worker', createdBy: DEMO.grid }),
  // Outside November in Beijing time.
  affairDoc('rep-a4', new Date('2026-10-31T23:59:00+08:00'), 'g1'),
  affairDoc('rep-a5', new Date('2026-12-01T00:00:00+08:00'), 'g2'),
];

const inNovember = (date: Date | string) => new Date(date).getTime() >= NOVEMBER.start.getTime() && new Date(date).getTime() < NOVEMBER.end.getTime();
const byCreated = <T extends { createdAt: Date | string; _id: string }>(a: T, b: T) =>
  new Date(a.createdAt).getTime() - new Date(b.createdAt).getTime() || (a._id < b._id ? -1 : 1);

/** A cell's date as the sheet shows it (it stores Beijing wall-clock time). */
const shown = (value: unknown): string => (value instanceof Date ? value.toISOString().slice(0, 16).replace('T', ' ') : `not a date: ${String(value)}`);
const shownDay = (value: unknown): string => shown(value).slice(0, 10);

interface Opened {
  sheet: ExcelJS.Worksheet;
  headers: string[];
  /** The data rows (after the title and header), each cell's value by header. */
  rows: Array<Record<string, ExcelJS.CellValue>>;
  /** Every cell's text, for what must not be anywhere in the file. */
  text: string;
  types: Array<Record<string, ExcelJS.ValueType>>;
}

async function openAll(file: ReportFileView): Promise<Opened[]> {
  const response = await fetch(file.url);
  expect(response.status).toBe(200);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(await response.arrayBuffer()) as unknown as ArrayBuffer);
  return workbook.worksheets.map(read);
}

async function open(file: ReportFileView): Promise<Opened> {
  const sheets = await openAll(file);
  expect(sheets).toHaveLength(1);
  return sheets[0]!;
}

function read(sheet: ExcelJS.Worksheet): Opened {
  const headers = (sheet.getRow(2).values as unknown[]).slice(1).map(String);
  const rows: Opened['rows'] = [];
  const types: Opened['types'] = [];
  const texts: string[] = [];
  sheet.eachRow((row, number) => {
    texts.push(JSON.stringify(row.values));
    if (number <= 2) return;
    rows.push(Object.fromEntries(headers.map((header, index) => [header, row.getCell(index + 1).value])));
    types.push(Object.fromEntries(headers.map((header, index) => [header, row.getCell(index + 1).type])));
  });
  return { sheet, headers, rows, text: texts.join('\n'), types };
}

const exportAs = async (openid: string, input: Record<string, unknown>) => ok(await call(cloud, openid, 'report.export', input as never));

let cloud: LocalCloud;

describe('report.export: Excel ledgers', () => {
  beforeAll(async () => {
    cloud = await startLinli({ startAt: START, timers: [] });
    seed(cloud, 'orders', ORDERS);
    seed(cloud, 'users', [{ ...userDoc(GRID_WORKER_2, '吴网格', { roles: ['grid_worker'], address: { gridId: 'g2', building: '4栋' } }), gridIds: ['g2'] }]);
    seed(cloud, 'volunteers', [{ ...doc(cloud, 'volunteers', DEMO.volunteer), idNumber: ID_NUMBER }]);
  });
  afterAll(() => cloud?.close());

  it('工单台账: a real workbook, one row per order placed in the Beijing month, cells as the database has them', async () => {
    const file = await exportAs(DEMO.staff, { kind: 'orders', month: '2026-11' });
    const expected = docs<Order>(cloud, 'orders')
      .filter((order) => order.communityId === DEMO.community && inNovember(order.createdAt))
      .sort(byCreated);
    expect(expected.map((order) => order._id)).toEqual(['rep-o1', 'rep-o2', 'rep-o3']);
    expect(file).toMatchObject({ name: '邻里-工单台账-2026-11.xlsx', rows: 3, remainingToday: REPORT_EXPORTS_PER_DAY - 1 });

    const { sheet, rows, types, text } = await open(file);
    expect(sheet.name).toBe('工单台账');
    // The title row names the community and the period, merged across every column; two rows frozen.
    expect(String(sheet.getCell('A1').value)).toMatch(/^幸福里社区 工单台账（2026年11月） 导出于 2026-12-03 10:0\d$/);
    expect(sheet.getCell('A1').isMerged).toBe(true);
    expect(sheet.getCell(1, sheet.columnCount).master.address).toBe('A1');
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 2 });
    expect(sheet.getColumn(1).width).toBeGreaterThanOrEqual(20);
    expect(rows.map((row) => row['工单编号'])).toEqual(expected.map((order) => order._id));
    for (const [index, order] of expected.entries()) {
      const row = rows[index]!;
      expect(shown(row['下单时间'])).toBe(formatLocal(order.createdAt));
      expect(row['网格']).toBe(order.address.gridId === 'g1' ? '第一网格' : '第二网格');
      expect(row['楼栋']).toBe(order.address.building);
      expect(row['联系电话']).toBe(`${order.contactPhone.slice(0, 3)}****${order.contactPhone.slice(7)}`);
      expect(row['状态']).toBe(ORDER_STATUS_TEXT[order.status]);
      expect(row['下单方式']).toBe(order.createdBy === order.residentOpenid ? '本人' : '代点单');
      expect(row['是否超期']).toBe(order.overdue ? '是' : '否');
    }
    const [closed] = rows;
    expect(closed).toMatchObject({ 志愿者: '李建国', '服务时长（分钟）': 35, 评价星级: 5, 评价方式: '本人', 评分: 5, 发放积分: 12 });
    expect(shown(closed!['完成时间'])).toBe('2026-11-01 03:30');
    expect(shown(closed!['办结时间'])).toBe('2026-11-02 09:00');
    // Numbers are numbers and times are dates, not text.
    expect(types[0]).toMatchObject({ '服务时长（分钟）': ExcelJS.ValueType.Number, 发放积分: ExcelJS.ValueType.Number, 下单时间: ExcelJS.ValueType.Date, 工单编号: ExcelJS.ValueType.String });
    // Nothing that identifies a household beyond the building; no full phone.
    expect(text).not.toContain('1101');
    expect(text).not.toContain('1单元');
    expect(text).not.toContain('13812345678');
    expect(text).not.toContain('中午送一份午餐');
  });

  it('stores the file under the community’s folder and records who exported what', async () => {
    const before = countDocuments(cloud, 'report_exports');
    const file = await exportAs(DEMO.staff, { kind: 'orders', from: '2026-11-15', to: '2026-12-02' });
    expect(file.name).toBe('邻里-工单台账-2026-11-15至2026-12-02.xlsx');
    expect(file.fileID).toMatch(/\/reports\/demo-community\/orders-20261115-20261202-[0-9a-f]+\.xlsx$/);
    expect(cloud.storage.list().map((stored) => stored.fileID)).toContain(file.fileID);
    const { rows } = await open(file);
    expect(rows.map((row) => row['工单编号'])).toEqual(['rep-o2', 'rep-o3', 'rep-o5']);
    expect(countDocuments(cloud, 'report_exports')).toBe(before + 1);
    const record = docs<ReportExport>(cloud, 'report_exports').find((entry) => entry.fileID === file.fileID);
    expect(record).toMatchObject({ communityId: DEMO.community, openid: DEMO.staff, exportedByName: '刘晓梅', kind: 'orders', from: '2026-11-15', to: '2026-12-02', rows: 3, fileName: file.name });
    expect(record?.gridIds).toBeUndefined();
  });

  it('a grid worker’s ledger holds only their grids; another grid, or a ledger without grids, is refused', async () => {
    const file = await exportAs(DEMO.grid, { kind: 'orders', month: '2026-11' });
    expect(file.name).toBe('邻里-工单台账-2026-11-第一网格.xlsx');
    const { rows, sheet } = await open(file);
    expect(String(sheet.getCell('A1').value)).toContain('（2026年11月，第一网格）');
    expect(rows.map((row) => row['工单编号'])).toEqual(['rep-o1', 'rep-o3']);
    expect(new Set(rows.map((row) => row['网格']))).toEqual(new Set(['第一网格']));
    const other = await exportAs(GRID_WORKER_2, { kind: 'orders', month: '2026-11' });
    expect((await open(other)).rows.map((row) => row['工单编号'])).toEqual(['rep-o2']);
    expect(docs<ReportExport>(cloud, 'report_exports').find((entry) => entry.fileID === other.fileID)?.gridIds).toEqual(['g2']);

    await expectRefused(cloud, DEMO.grid, 'report.export', { kind: 'orders', month: '2026-11', gridId: 'g2' }, 'FORBIDDEN', '只能导出您负责网格的数据');
    for (const kind of ['volunteer_hours', 'points_ledger', 'redemptions', 'activities']) {
      await expectRefused(cloud, DEMO.grid, 'report.export', { kind, month: '2026-11' }, 'FORBIDDEN');
    }
    // Staff may limit a ledger of orders to one grid.
    const staffG2 = await exportAs(DEMO.staff, { kind: 'orders', month: '2026-11', gridId: 'g2' });
    expect((await open(staffG2)).rows.map((row) => row['工单编号'])).toEqual(['rep-o2']);
  });

  it('志愿服务时长台账: every record dated in the period, ID number and phone masked, hours as numbers', async () => {
    seed(cloud, 'service_records', [
      { ...doc(cloud, 'service_records', 'activity:demo-act-antifraud:demo-volunteer'), _id: 'rep-r-edge', date: '2026-11-30', hours: 1.5, minutes: 95 },
      { ...doc(cloud, 'service_records', 'activity:demo-act-antifraud:demo-volunteer'), _id: 'rep-r-december', date: '2026-12-01' },
      // An order's record: the volunteer's summary of the visit stays in the app.
      { ...doc(cloud, 'service_records', 'activity:demo-act-antifraud:demo-volunteer'), _id: 'rep-r-order', source: 'order', ref: 'rep-o1', activityName: '助餐送餐', content: '王奶奶 1101 室，腿脚不便', date: '2026-11-02' },
    ]);
    const file = await exportAs(DEMO.staff, { kind: 'volunteer_hours', month: '2026-11' });
    const expected = docs<ServiceRecord>(cloud, 'service_records')
      .filter((record) => record.communityId === DEMO.community && record.date >= '2026-11-01' && record.date <= '2026-11-30')
      .sort((a, b) => (a.date === b.date ? (a._id < b._id ? -1 : 1) : a.date < b.date ? -1 : 1));
    expect(expected.length).toBeGreaterThanOrEqual(2);
    const { rows, types, text } = await open(file);
    expect(file.rows).toBe(expected.length);
    expect(rows.map((row) => row['记录编号'])).toEqual(expected.map((record) => record._id));
    for (const [index, record] of expected.entries()) {
      const row = rows[index]!;
      expect(shownDay(row['服务日期'])).toBe(record.date);
      expect(row).toMatchObject({ 志愿者: record.volunteerName, 项目名称: record.activityName, '服务时长（分钟）': record.minutes, '服务时长（小时）': record.hours, 负责人: record.personInCharge });
      expect(row['身份证号']).toBe('110105********002X');
      expect(row['手机号']).toBe('138****0030');
      expect(types[index]).toMatchObject({ '服务时长（小时）': ExcelJS.ValueType.Number, 服务日期: ExcelJS.ValueType.Date });
    }
    expect(text).not.toContain(ID_NUMBER);
    expect(text).not.toContain('13800000030');
    expect(rows.find((row) => row['记录编号'] === 'rep-r-order')).toMatchObject({ 服务内容: '助餐送餐' });
    expect(text).not.toContain('腿脚不便');
  });

  it('积分收支台账: every entry of the period with whose it is, in or out, the balance after, and who handled it', async () => {
    seed(cloud, 'points_ledger', [
      { _id: 'rep-l1', openid: DEMO.resident, communityId: DEMO.community, delta: 30, source: 'good_deed', ref: 'award-1', reason: '扶老人过马路', by: DEMO.staff2, balanceAfter: 90, createdAt: new Date('2026-11-05T08:00:00+08:00') },
      { _id: 'rep-l2', openid: DEMO.resident, communityId: DEMO.community, delta: -50, source: 'redeem', ref: 'rep-d1', reason: '兑换 理发券', by: DEMO.resident, balanceAfter: 40, createdAt: new Date('2026-11-06T08:00:00+08:00') },
      { _id: 'rep-l3', openid: DELETED, communityId: DEMO.community, delta: -20, source: 'forfeit', ref: DELETED, reason: '注销账号，剩余积分作废', by: DELETED, balanceAfter: 0, createdAt: new Date('2026-11-07T08:00:00+08:00') },
      { _id: 'rep-l4', openid: DEMO.resident, communityId: DEMO.community, delta: 5, source: 'good_deed', ref: 'award-2', by: DEMO.staff, balanceAfter: 45, createdAt: new Date('2026-10-31T23:00:00+08:00') },
      { _id: 'rep-l5', openid: DEMO.resident, communityId: DEMO.community, delta: 50, source: 'redeem_refund', ref: 'rep-d4', reason: '取消兑换：家里老伴住院了', by: DEMO.resident, balanceAfter: 90, createdAt: new Date('2026-11-23T11:00:00+08:00') },
      { _id: 'rep-l6', openid: DEMO.resident, communityId: DEMO.community, delta: 50, source: 'redeem_refund', ref: 'rep-d3', reason: '取消兑换：无货', by: DEMO.staff, balanceAfter: 140, createdAt: new Date('2026-11-23T12:00:00+08:00') },
    ]);
    const file = await exportAs(DEMO.staff, { kind: 'points_ledger', month: '2026-11' });
    const expected = docs<LedgerEntry>(cloud, 'points_ledger')
      .filter((entry) => entry.communityId === DEMO.community && inNovember(entry.createdAt))
      .sort(byCreated);
    const { rows, types, text } = await open(file);
    expect(rows.map((row) => row['流水号'])).toEqual(expected.map((entry) => entry._id));
    for (const [index, entry] of expected.entries()) {
      const row = rows[index]!;
      expect(shown(row['时间'])).toBe(formatLocal(entry.createdAt));
      expect(row['来源']).toBe(POINTS_SOURCE_TEXT[entry.source]);
      expect(row['余额']).toBe(entry.balanceAfter);
      expect(entry.delta > 0 ? row['收入'] : row['支出']).toBe(Math.abs(entry.delta));
      expect(types[index]!['余额']).toBe(ExcelJS.ValueType.Number);
    }
    const byId = (id: string) => rows.find((row) => row['流水号'] === id)!;
    expect(byId('rep-l1')).toMatchObject({ 姓名: '张秀英', 手机号: '138****0020', 收入: 30, 支出: null, 经办人: '王建国', 事由: '扶老人过马路' });
    expect(byId('rep-l2')).toMatchObject({ 支出: 50, 收入: null, 经办人: '本人' });
    expect(byId('rep-l3')).toMatchObject({ 姓名: '已注销用户', 手机号: null });
    // A resident's own reason for cancelling stays in the app; a staff member's is the record's.
    expect(byId('rep-l5')).toMatchObject({ 事由: '本人取消兑换', 经办人: '本人' });
    expect(byId('rep-l6')).toMatchObject({ 事由: '取消兑换：无货' });
    expect(text).not.toContain('住院');
  });

  it('兑换核销台账: what was redeemed, for how much, when collected and by whom handed over; never the code', async () => {
    seed(cloud, 'redemptions', [
      { _id: 'rep-d1', openid: DEMO.resident, communityId: DEMO.community, goodsId: 'goods-haircut', redeemerName: '张秀英', goodsName: '理发券', quantity: 1, points: 50, code: '731904', status: 'fulfilled', clientRequestId: 'rep-d1', createdAt: new Date('2026-11-06T08:00:00+08:00'), fulfilledAt: new Date('2026-11-06T15:20:00+08:00'), fulfilledBy: DEMO.staff },
      { _id: 'rep-d2', openid: DEMO.volunteer, communityId: DEMO.community, goodsId: 'goods-rice', goodsName: '大米 5 公斤', quantity: 2, points: 400, code: '582613', status: 'pending', clientRequestId: 'rep-d2', createdAt: new Date('2026-11-20T10:00:00+08:00') },
      { _id: 'rep-d3', openid: DEMO.volunteer, communityId: DEMO.community, goodsId: 'goods-oil', goodsName: '食用油', quantity: 1, points: 150, code: '582614', status: 'cancelled', clientRequestId: 'rep-d3', createdAt: new Date('2026-11-21T10:00:00+08:00'), cancelledAt: new Date('2026-11-22T10:00:00+08:00'), cancelledBy: DEMO.staff, cancelReason: '无货' },
      // Cancelled by the resident, in their own words: those stay in the app.
      { _id: 'rep-d4', openid: DEMO.resident, communityId: DEMO.community, goodsId: 'goods-oil', goodsName: '食用油', quantity: 1, points: 150, code: '582615', status: 'cancelled', clientRequestId: 'rep-d4', createdAt: new Date('2026-11-23T10:00:00+08:00'), cancelledAt: new Date('2026-11-23T11:00:00+08:00'), cancelledBy: DEMO.resident, cancelReason: '家里老伴住院了' },
    ]);
    const file = await exportAs(DEMO.staff, { kind: 'redemptions', month: '2026-11' });
    const expected = docs<Redemption>(cloud, 'redemptions')
      .filter((redemption) => redemption.communityId === DEMO.community && inNovember(redemption.createdAt))
      .sort(byCreated);
    const { rows, text } = await open(file);
    expect(rows.map((row) => row['兑换单号'])).toEqual(expected.map((redemption) => redemption._id));
    for (const [index, redemption] of expected.entries()) {
      expect(rows[index]).toMatchObject({ 商品: redemption.goodsName, 数量: redemption.quantity, 积分: redemption.points, 状态: REDEMPTION_STATUS_TEXT[redemption.status] });
    }
    const byId = (id: string) => rows.find((row) => row['兑换单号'] === id)!;
    expect(byId('rep-d1')).toMatchObject({ 兑换人: '张秀英', 手机号: '138****0020', 核销人: '刘晓梅' });
    expect(shown(byId('rep-d1')['核销时间'])).toBe('2026-11-06 15:20');
    // Without a name kept on the redemption, the redeemer's profile names them.
    expect(byId('rep-d2')).toMatchObject({ 兑换人: '李建国', 核销人: null });
    expect(byId('rep-d3')).toMatchObject({ 取消人: '工作人员', 取消原因: '无货' });
    expect(byId('rep-d4')).toMatchObject({ 取消人: '本人', 取消原因: null });
    expect(text).not.toContain('住院');
    for (const code of ['731904', '582613', '582614', '582615']) expect(text).not.toContain(code);
  });

  it('活动签到表: one row per volunteer who held a place at an activity starting in the period, with the hours recorded', async () => {
    const activity = doc<Activity>(cloud, 'activities', 'demo-act-smartphone')!;
    seed(cloud, 'activities', [{ ...activity, _id: 'rep-act-cancelled', status: 'cancelled', clientRequestId: 'rep-act-cancelled' }]);
    const signup = doc<ActivitySignup>(cloud, 'activity_signups', 'demo-act-smartphone:demo-volunteer')!;
    seed(cloud, 'activity_signups', [
      { ...signup, _id: 'demo-act-smartphone:demo-applicant', openid: 'demo-applicant', volunteerName: '陈思远', status: 'withdrawn', recordId: undefined, checkInAt: undefined, checkOutAt: undefined },
      { ...signup, _id: `demo-act-smartphone:${DEMO.resident}`, openid: DEMO.resident, volunteerName: '张秀英', status: 'no_show', recordId: undefined, checkInAt: undefined, checkOutAt: undefined },
      { ...signup, _id: 'rep-act-cancelled:demo-volunteer', activityId: 'rep-act-cancelled', status: 'enrolled' },
    ]);
    const file = await exportAs(DEMO.staff, { kind: 'activities', month: '2026-11' });
    const held = new Set(['enrolled', 'checked_in', 'attended', 'no_show']);
    const activities = docs<Activity>(cloud, 'activities')
      .filter((item) => item.communityId === DEMO.community && item.status !== 'cancelled' && inNovember(item.startAt))
      .sort((a, b) => new Date(a.startAt).getTime() - new Date(b.startAt).getTime() || (a._id < b._id ? -1 : 1));
    const expected = activities.flatMap((item) =>
      docs<ActivitySignup>(cloud, 'activity_signups')
        .filter((entry) => entry.activityId === item._id && held.has(entry.status))
        .sort((a, b) => (a._id < b._id ? -1 : 1))
        .map((entry) => ({ activity: item, signup: entry })),
    );
    expect(expected.length).toBeGreaterThanOrEqual(3);
    const { rows } = await open(file);
    expect(rows.map((row) => `${row['活动名称']}/${row['志愿者']}/${row['状态']}`)).toEqual(
      expected.map(({ activity: item, signup: entry }) => `${item.name}/${entry.volunteerName}/${SIGNUP_STATUS_TEXT[entry.status]}`),
    );
    for (const [index, { activity: item, signup: entry }] of expected.entries()) {
      const row = rows[index]!;
      expect(shown(row['开始时间'])).toBe(formatLocal(item.startAt));
      if (entry.checkInAt) expect(shown(row['签到时间'])).toBe(formatLocal(entry.checkInAt));
      const record = entry.recordId ? doc<ServiceRecord>(cloud, 'service_records', entry.recordId) : undefined;
      expect(row['服务时长（小时）']).toBe(record ? record.hours : null);
    }
    expect(rows.some((row) => row['志愿者'] === '陈思远')).toBe(false);
    expect(rows.filter((row) => row['状态'] === '未到场')).toHaveLength(1);
  });

  it('a resident is refused, and neither a file nor a record is written', async () => {
    const files = cloud.storage.list().length;
    await expectRefused(cloud, DEMO.resident, 'report.export', { kind: 'orders', month: '2026-11' }, 'FORBIDDEN');
    await expectRefused(cloud, DEMO.volunteer, 'report.export', { kind: 'volunteer_hours', month: '2026-11' }, 'FORBIDDEN');
    expect(cloud.storage.list()).toHaveLength(files);
  });

  it('a bad kind or period is INVALID_INPUT with a Chinese reason, and writes nothing', async () => {
    const files = cloud.storage.list().length;
    const refusals: Array<[Record<string, unknown>, string | RegExp]> = [
      [{ kind: 'salaries', month: '2026-11' }, '请选择要导出的报表'],
      [{ kind: 'orders' }, '请选择月份，或填写开始和结束日期'],
      [{ kind: 'orders', month: '2026-13' }, '月份格式应为 YYYY-MM'],
      // Nothing in the app is older than 2000; such a month would make a nonsense period.
      [{ kind: 'monthly', month: '0000-01' }, '月份格式应为 YYYY-MM'],
      [{ kind: 'orders', from: '1999-12-31', to: '2000-01-02' }, '开始日期无效'],
      [{ kind: 'orders', month: '2026-11', from: '2026-11-01', to: '2026-11-30' }, '请只选择月份或起止日期中的一种'],
      [{ kind: 'orders', from: '2026-11-01' }, '请填写结束日期'],
      [{ kind: 'orders', from: '2026-02-30', to: '2026-03-01' }, '开始日期无效'],
      [{ kind: 'orders', from: '2026-11-30', to: '2026-11-01' }, '开始日期不能晚于结束日期'],
      [{ kind: 'orders', from: '2025-01-01', to: '2026-01-02' }, '一次最多导出 366 天，请缩短起止日期'],
      [{ kind: 'orders', month: '2027-01' }, '所选时段还没有开始，不能导出'],
      [{ kind: 'orders', from: '2026-12-04', to: '2026-12-05' }, '所选时段还没有开始，不能导出'],
      [{ kind: 'volunteer_hours', month: '2026-11', gridId: 'g1' }, '志愿服务时长台账按社区导出，不分网格，请不要选择网格'],
      [{ kind: 'orders', month: '2026-11', gridId: 'g9' }, '本社区没有这个网格'],
    ];
    for (const [input, message] of refusals) {
      const text = await expectRefused(cloud, DEMO.staff, 'report.export', input, 'INVALID_INPUT');
      if (typeof message === 'string') expect(text, JSON.stringify(input)).toBe(message);
    }
    expect(cloud.storage.list()).toHaveLength(files);
    // The current month, and a year to today, are fine.
    expect((await exportAs(DEMO.staff, { kind: 'orders', month: '2026-12' })).rows).toBe(1);
    expect((await exportAs(DEMO.staff, { kind: 'orders', from: '2025-12-04', to: '2026-12-03' })).rows).toBe(ORDERS.length);
  });

  it('report.options offers staff every ledger and grid, a grid worker their grids’ ledger only', async () => {
    const staff = ok(await call(cloud, DEMO.staff, 'report.options', {}));
    expect(staff.kinds.map((kind) => kind.kind)).toEqual(['monthly', 'orders', 'volunteer_hours', 'points_ledger', 'redemptions', 'activities', 'stock', 'patrols', 'affairs', 'party_members']);
    expect(staff.kinds.filter((kind) => kind.monthOnly).map((kind) => kind.kind)).toEqual(['monthly', 'patrols']);
    expect(staff.grids).toEqual([
      { id: 'g1', name: '第一网格' },
      { id: 'g2', name: '第二网格' },
    ]);
    expect(staff).toMatchObject({ ownGridsOnly: false, maxDays: 366 });
    const grid = ok(await call(cloud, DEMO.grid, 'report.options', {}));
    expect(grid).toMatchObject({
      kinds: [
        { kind: 'monthly', title: '社区治理月报', byGrid: true, monthOnly: true },
        { kind: 'orders', title: '工单台账', byGrid: true, monthOnly: false },
        { kind: 'patrols', title: '巡查走访台账', byGrid: true, monthOnly: true },
        { kind: 'affairs', title: '事务办理台账', byGrid: true, monthOnly: false },
        { kind: 'party_members', title: '党员双报到台账', byGrid: true, monthOnly: false },
      ],
      grids: [{ id: 'g1', name: '第一网格' }],
      ownGridsOnly: true,
    });
    expect(grid.remainingToday).toBe(REPORT_EXPORTS_PER_DAY - 1);
  });

  it('社区治理月报: the month’s figures are stats.overview’s, each beside the month before, then every grid, then the month’s closing reconciliation', async () => {
    // The run that closes November (the first of December's, made up on the 3rd).
    await cloud.runtime.invoke({
      name: 'points',
      event: { Type: 'Timer', TriggerName: 'dailyReconciliation', Time: new Date(cloud.clock.now()).toISOString(), Message: '' },
      identity: { openid: null, appid: 'wx-test' },
      source: 'wx_trigger',
    });
    const file = await exportAs(DEMO.staff, { kind: 'monthly', month: '2026-11' });
    expect(file.name).toBe('邻里-社区治理月报-2026-11.xlsx');
    const [figures, grids, ...others] = await openAll(file);
    expect(others).toEqual([]);
    expect(figures!.sheet.name).toBe('社区治理月报');
    expect(figures!.headers).toEqual(['指标', '本月', '上月', '变化']);
    expect(String(figures!.sheet.getCell('A1').value)).toContain('社区治理月报（2026年11月）');

    const stats = ok(await call(cloud, DEMO.staff, 'stats.overview', { month: '2026-11' }));
    const total = (o: typeof stats | typeof stats.previous) => Object.values(o.ordersByStatus).reduce((a, b) => a + b, 0);
    const percent = (rate: number | null) => (rate === null ? null : Math.round(rate * 10000) / 100);
    const row = (label: string) => figures!.rows.find((r) => r['指标'] === label);
    expect(row('订单总数')).toEqual({ 指标: '订单总数', 本月: total(stats), 上月: total(stats.previous), 变化: total(stats) - total(stats.previous) });
    expect(total(stats)).toBe(3);
    expect(row('办结率（%）')).toMatchObject({ 本月: percent(stats.completionRate), 上月: percent(stats.previous.completionRate) });
    expect(row('平均满意度（星）')).toMatchObject({ 本月: stats.averageStars, 上月: stats.previous.averageStars });
    expect(row('响应时间中位数（分钟）')).toMatchObject({ 本月: stats.medianResponseMinutes });
    expect(row('志愿服务时长（小时）')).toMatchObject({ 本月: stats.volunteerHours, 上月: stats.previous.volunteerHours });
    expect(row('发放爱心积分')).toMatchObject({ 本月: stats.pointsIssued, 上月: stats.previous.pointsIssued });
    expect(row('兑换爱心积分')).toMatchObject({ 本月: stats.pointsRedeemed, 上月: stats.previous.pointsRedeemed });
    expect(row('订单：已取消')).toMatchObject({ 本月: stats.ordersByStatus.cancelled });
    // Numbers are numbers, so the sheet adds up.
    expect(figures!.types[0]!['本月']).toBe(ExcelJS.ValueType.Number);
    const { latest } = ok(await call(cloud, DEMO.staff, 'points.reconciliation', {}));
    expect(latest).toMatchObject({ closesMonth: '2026-11' });
    expect(figures!.rows.at(-1)).toEqual({ 指标: `月末对账（${latest!.day}）发现的不一致（处）`, 本月: latest!.discrepancyCount, 上月: null, 变化: null });

    expect(grids!.sheet.name).toBe('分网格');
    expect(grids!.rows.map((r) => [r['网格'], r['订单'], r['已办结'], r['上月订单']])).toEqual(
      stats.byGrid.map((grid) => [grid.gridName, grid.orders, grid.finished, stats.previous.byGrid.find((g) => g.gridId === grid.gridId)?.orders ?? 0]),
    );
  });

  it('a grid worker’s 月报 counts their grids’ orders only and leaves out hours and points; 月报 takes whole months', async () => {
    const file = await exportAs(GRID_WORKER_2, { kind: 'monthly', month: '2026-11' });
    const [figures, grids] = await openAll(file);
    const g2 = ORDERS.filter((order) => order.address.gridId === 'g2' && inNovember(order.createdAt));
    expect(figures!.rows.find((r) => r['指标'] === '订单总数')).toMatchObject({ 本月: g2.length });
    expect(figures!.rows.map((r) => r['指标'])).not.toContain('发放爱心积分');
    expect(figures!.rows.map((r) => r['指标'])).not.toContain('志愿服务时长（小时）');
    expect(figures!.text).not.toContain('月末对账');
    expect(grids!.rows.map((r) => r['网格'])).toEqual(['第二网格']);
    const records = countDocuments(cloud, 'report_exports');
    await expectRefused(cloud, DEMO.staff, 'report.export', { kind: 'monthly', from: '2026-11-01', to: '2026-11-30' }, 'INVALID_INPUT', '社区治理月报按月导出，请选择月份');
    expect(countDocuments(cloud, 'report_exports')).toBe(records);
  });

  it('库存台账: each item’s stock at the start, in, out and back during the period and at the end, from its moves; then the moves', async () => {
    // December: a donation and a purchase of towels, a redemption.
    ok(await call(cloud, DEMO.staff, 'mall.stockIn', { goodsId: 'goods-towel', quantity: 6, source: 'donation', donor: '爱心企业', note: '年终捐赠', clientRequestId: 'rep-stock-1' }));
    ok(await call(cloud, DEMO.staff, 'mall.stockIn', { goodsId: 'goods-towel', quantity: 4, source: 'purchase', clientRequestId: 'rep-stock-2' }));
    ok(await call(cloud, DEMO.resident, 'mall.redeem', { goodsId: 'goods-towel', quantity: 1, clientRequestId: 'rep-stock-3' }));
    const file = await exportAs(DEMO.staff, { kind: 'stock', month: '2026-12' });
    const [items, moves] = await openAll(file);
    expect(items!.sheet.name).toBe('库存台账');
    const december = new Date('2026-12-01T00:00:00+08:00').getTime();
    const all = docs<StockMove>(cloud, 'stock_moves').filter((move) => move.communityId === DEMO.community);
    const goods = docs<Goods>(cloud, 'goods').filter((item) => item.communityId === DEMO.community);
    expect(items!.rows).toHaveLength(goods.length);
    for (const item of goods) {
      const mine = all.filter((move) => move.goodsId === item._id);
      const before = mine.filter((move) => new Date(move.createdAt).getTime() < december);
      const during = mine.filter((move) => new Date(move.createdAt).getTime() >= december);
      const sum = (list: StockMove[]) => list.reduce((total, move) => total + move.delta, 0);
      const row = items!.rows.find((r) => r['商品'] === item.name)!;
      expect(row).toMatchObject({
        期初库存: sum(before),
        采购入库: sum(during.filter((m) => (m.kind === 'stock_in' || m.kind === 'opening') && m.source !== 'donation')),
        捐赠入库: sum(during.filter((m) => m.kind === 'stock_in' && m.source === 'donation')),
        兑换: -sum(during.filter((m) => m.kind === 'redeem')) || 0,
        期末库存: sum(mine),
        当前库存: item.stock,
        兑换积分: item.pointsPrice,
      });
      // The ledger's own arithmetic, and the books agree with the shelf.
      expect(Number(row['期初库存']) + Number(row['采购入库']) + Number(row['捐赠入库']) - Number(row['兑换']) + Number(row['取消退回']) - Number(row['损耗'])).toBe(row['期末库存']);
      expect(row['期末库存']).toBe(row['当前库存']);
    }
    expect(items!.rows.find((r) => r['商品'] === '纯棉毛巾')).toMatchObject({ 采购入库: 4, 捐赠入库: 6, 兑换: 1 });
    // Every move of December, oldest first, with who gave what.
    const decemberMoves = all.filter((move) => new Date(move.createdAt).getTime() >= december).sort(byCreated);
    expect(moves!.sheet.name).toBe('库存流水');
    expect(moves!.rows.map((r) => r['流水号'])).toEqual(decemberMoves.map((move) => move._id));
    expect(moves!.rows.find((r) => r['捐赠人'] === '爱心企业')).toMatchObject({ 类型: '入库', 来源: '捐赠', 数量: 6, 原因或备注: '年终捐赠', 经办人: '刘晓梅' });
    expect(file.rows).toBe(goods.length + decemberMoves.length);
  });

  it('巡查走访台账: each grid’s month as patrol.summary counts it, then every log, without the notes', async () => {
    const file = await exportAs(DEMO.staff, { kind: 'patrols', month: '2026-12' });
    const [summary, logs] = await openAll(file);
    expect(summary!.sheet.name).toBe('巡查走访台账');
    const { grids } = ok(await call(cloud, DEMO.staff, 'patrol.summary', { month: '2026-12' }));
    expect(summary!.rows.map((r) => [r['网格'], r['巡查天数'], r['巡查次数'], r['走访次数'], r['走访户数'], r['覆盖楼栋'], r['发现事件'], r['办结事件'], r['记录人数']])).toEqual(
      grids.map((g) => [g.gridName, g.daysPatrolled, g.patrolLogs, g.visitLogs, g.householdsVisited, g.buildingsCovered, g.affairsFound, g.affairsClosed, g.workers]),
    );
    expect(grids.find((g) => g.gridId === 'g1')?.daysPatrolled).toBeGreaterThan(0);
    const december = docs<PatrolLog>(cloud, 'patrol_logs').filter((log) => log.communityId === DEMO.community && log.month === '2026-12');
    expect(logs!.rows).toHaveLength(december.length);
    expect(logs!.rows.map((r) => shownDay(r['日期']))).toEqual(december.map((log) => log.date).sort());
    // A visit's note is about a household: it stays in the app.
    for (const log of december) if (log.notes) expect(logs!.text).not.toContain(log.notes);
    // A grid worker's holds their grids only.
    const theirs = await openAll(await exportAs(GRID_WORKER_2, { kind: 'patrols', month: '2026-12' }));
    expect(theirs[0]!.rows.map((r) => r['网格'])).toEqual(['第二网格']);
    expect(theirs[1]!.rows.every((r) => r['网格'] === '第二网格')).toBe(true);
  });

  it('事务办理台账: every affair reported in the period without texts or names, a dispute without its building; then 分部门 and 分网格 as stats.overview counts them', async () => {
    seed(cloud, 'affairs', AFFAIRS);
    const file = await exportAs(DEMO.staff, { kind: 'affairs', month: '2026-11' });
    expect(file.name).toBe('邻里-事务办理台账-2026-11.xlsx');
    const [ledger, departments, grids, ...others] = await openAll(file);
    expect(others).toEqual([]);
    expect(ledger!.sheet.name).toBe('事务办理台账');
    const november = docs<Affair>(cloud, 'affairs')
      .filter((affair) => affair.communityId === DEMO.community && inNovember(affair.createdAt))
      .sort(byCreated);
    expect(november.map((affair) => affair._id)).toEqual(['rep-a1', 'rep-a2', 'rep-a3']);
    expect(ledger!.rows.map((row) => row['事务编号'])).toEqual(november.map((affair) => affair._id));
    for (const [index, affair] of november.entries()) {
      const row = ledger!.rows[index]!;
      expect(shown(row['上报时间'])).toBe(formatLocal(affair.createdAt));
      expect(row).toMatchObject({
        问题类别: affair.category,
        网格: affair.place.gridId === 'g1' ? '第一网格' : '第二网格',
        紧急程度: affair.urgency,
        状态: AFFAIR_STATUS_TEXT[affair.status],
        超期次数: affair.overdueCount,
        评价星级: affair.rating?.stars ?? null,
        承办部门: affair.departmentName ?? null,
      });
      expect(row['楼栋']).toBe(affair.category === '矛盾纠纷' ? null : affair.place.building);
    }
    const [a1, a2, a3] = ledger!.rows;
    expect(a1).toMatchObject({ 来源: '居民上报', 承办: '部门', 督办: '是', '部门响应（小时）': 3, '办理时长（小时）': 30 });
    expect(shown(a1!['办结时间'])).toBe('2026-11-05 01:00');
    expect(a2).toMatchObject({ 承办: '网格员', 调解层级: '社区调解', 楼栋: null, '办理时长（小时）': null });
    expect(shown(a2!['办理时限'])).toBe('2026-11-13 14:00');
    expect(a3).toMatchObject({ 来源: '网格发现', 紧急程度: '紧急', 承办: null, 督办: null });
    // Numbers are numbers and times are dates.
    expect(ledger!.types[0]).toMatchObject({ 超期次数: ExcelJS.ValueType.Number, 评价星级: ExcelJS.ValueType.Number, '部门响应（小时）': ExcelJS.ValueType.Number, 上报时间: ExcelJS.ValueType.Date });
    // What people wrote, who they are, and where exactly, stay in the app.
    for (const secret of ['楼道堆放杂物', '楼上漏水', '502 李某', '3单元门口', '已清走杂物', '很负责', '匿名的王大妈', '张秀英', '周网格', '物业小陈', '刘晓梅']) {
      for (const sheet of [ledger!, departments!, grids!]) expect(sheet.text).not.toContain(secret);
    }

    // The summaries are stats.overview's own figures for the month.
    const { affairs } = ok(await call(cloud, DEMO.staff, 'stats.overview', { month: '2026-11' }));
    expect(affairs).toMatchObject({ received: 3, closed: 1, disputes: 1, overdue: 1, escalated: 1, averageRespondHours: 3, averageResolveHours: 30, averageStars: 4, rated: 1 });
    const percent = (rate: number | null) => (rate === null ? null : Math.round(rate * 10000) / 100);
    const figureCells = (f: AffairFigures) => [f.received, f.closed, percent(f.closingRate), f.overdue, f.overdueTimes, f.escalated, f.averageRespondHours, f.averageResolveHours, f.averageStars, f.rated];
    const cellsOf = (sheet: typeof departments) => sheet!.rows.map((row) => sheet!.headers.map((header) => row[header]));
    expect(departments!.sheet.name).toBe('分部门');
    expect(cellsOf(departments)).toEqual([
      ...affairs.byDepartment.map((department) => [department.departmentName, ...figureCells(department)]),
      ['合计（含社区自办和待分派）', ...figureCells(affairs)],
    ]);
    expect(affairs.byDepartment.map((department) => [department.departmentId, department.received, department.closed])).toEqual([['dept-property', 1, 1]]);
    expect(grids!.sheet.name).toBe('分网格');
    expect(cellsOf(grids)).toEqual([
      ...affairs.byGrid.map((grid) => [grid.gridName, ...figureCells(grid), grid.gridId === 'g2' ? 1 : 0]),
      ['合计', ...figureCells(affairs), 1],
    ]);
    expect(file.rows).toBe(november.length + affairs.byDepartment.length + 1 + affairs.byGrid.length + 1);

    // A grid worker's holds their grids only, summaries included.
    const theirs = await openAll(await exportAs(GRID_WORKER_2, { kind: 'affairs', month: '2026-11' }));
    expect(theirs[0]!.rows.map((row) => row['事务编号'])).toEqual(['rep-a2']);
    expect(theirs[1]!.rows.map((row) => row['承办部门'])).toEqual(['合计（含社区自办和待分派）']);
    expect(theirs[2]!.rows.map((row) => [row['网格'], row['上报事务']])).toEqual([
      ['第二网格', 1],
      ['合计', 1],
    ]);
    await expectRefused(cloud, DEMO.grid, 'report.export', { kind: 'affairs', month: '2026-11', gridId: 'g2' }, 'FORBIDDEN', '只能导出您负责网格的数据');
  });

  it('社区治理月报’s 事务办理 block and each grid’s affairs are stats.overview’s', async () => {
    const stats = ok(await call(cloud, DEMO.staff, 'stats.overview', { month: '2026-11' }));
    expect(stats.affairs.received).toBe(3);
    const [figures, grids] = await openAll(await exportAs(DEMO.staff, { kind: 'monthly', month: '2026-11' }));
    const row = (label: string) => figures!.rows.find((r) => r['指标'] === label);
    expect(row('事务办理：上报事务')).toEqual({ 指标: '事务办理：上报事务', 本月: 3, 上月: stats.previous.affairs.received, 变化: 3 - stats.previous.affairs.received });
    expect(row('事务办理：办结率（%）')).toMatchObject({ 本月: Math.round(stats.affairs.closingRate! * 10000) / 100 });
    expect(row('事务办理：部门平均响应（小时）')).toMatchObject({ 本月: 3 });
    expect(row('事务办理：平均满意度（星）')).toMatchObject({ 本月: 4 });
    expect(row('事务办理：其中矛盾纠纷')).toMatchObject({ 本月: 1 });
    expect(grids!.rows.map((r) => [r['网格'], r['上报事务'], r['事务已办结'], r['超期事务']])).toEqual(stats.affairs.byGrid.map((g) => [g.gridName, g.received, g.closed, g.overdue]));
    expect(grids!.types[0]).toMatchObject({ 上报事务: ExcelJS.ValueType.Number });
  });

  it(`at most ${REPORT_EXPORTS_PER_DAY} exports a person a day, then a clear refusal; the next day again`, async () => {
    const quotaId = `report:${DEMO.staff2}`;
    seed(cloud, 'quotas', [{ _id: quotaId, day: localDay(cloud.clock.now()), count: REPORT_EXPORTS_PER_DAY - 1, updatedAt: new Date(cloud.clock.now()) }]);
    expect(ok(await call(cloud, DEMO.staff2, 'report.options', {})).remainingToday).toBe(1);
    expect((await exportAs(DEMO.staff2, { kind: 'redemptions', month: '2026-11' })).remainingToday).toBe(0);
    const files = cloud.storage.list().length;
    await expectRefused(cloud, DEMO.staff2, 'report.export', { kind: 'redemptions', month: '2026-11' }, 'LIMIT_REACHED', `您今天已导出 ${REPORT_EXPORTS_PER_DAY} 份报表，请明天再导出`);
    expect(cloud.storage.list()).toHaveLength(files);
  });

  it('the daily timer removes the files a day on; the records of who exported what stay', async () => {
    const records = docs<ReportExport>(cloud, 'report_exports');
    expect(records.length).toBeGreaterThan(5);
    const stored = () => new Set(cloud.storage.list().map((file) => file.fileID));
    expect(records.every((record) => stored().has(record.fileID))).toBe(true);
    const runTimer = () =>
      cloud.runtime.invoke({ name: 'report', event: { Type: 'Timer', TriggerName: 'removeOldReportFiles', Time: new Date(cloud.clock.now()).toISOString(), Message: '' }, identity: { openid: null, appid: 'wx-test' }, source: 'wx_trigger' });
    // Too young: nothing goes.
    expect(await runTimer()).toMatchObject({ ok: true, result: { ok: true, data: { removedFiles: 0 } } });
    cloud.clock.advance(25 * 3600_000);
    const fresh = await exportAs(DEMO.staff, { kind: 'orders', month: '2026-11' });
    const outcome = await runTimer();
    expect(outcome).toMatchObject({ ok: true, result: { ok: true, data: { removedFiles: records.length } } });
    const left = stored();
    expect(records.some((record) => left.has(record.fileID))).toBe(false);
    expect(left.has(fresh.fileID)).toBe(true);
    expect(countDocuments(cloud, 'report_exports')).toBe(records.length + 1);
  });
});
