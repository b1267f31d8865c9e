// @vitest-environment happy-dom
/**
 * staff/reports (报表导出) against the real report function: staff pick a ledger and a period, the
 * workbook is made in the cloud and the page downloads it under its name and opens it with
 * wx.openDocument (showMenu, so it can be forwarded); a grid worker is offered their grids' orders
 * only; a refusal is shown on the page. The workbook's cells: tests/functions/report.test.ts.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../localcloud/src/server';
import { DEMO, startLinli } from '../helpers/linli';
import { captureNavigation, connectMiniProgram, mount, settle, text, until } from '../helpers/mp';

let cloud: LocalCloud;
const wx = () => (globalThis as unknown as { wx: Record<string, unknown> }).wx;

interface Phone {
  downloads: Array<{ url: string; filePath?: string }>;
  opened: Array<{ filePath: string; fileType?: string; showMenu?: boolean }>;
  /** Folders emptied before a download. */
  emptied: string[];
}

/** What the phone does with the file: downloads it where asked, opens it; recorded. */
function phone(): Phone {
  const record: Phone = { downloads: [], opened: [], emptied: [] };
  wx().env = { USER_DATA_PATH: 'wxfile://usr' };
  wx().getFileSystemManager = () => ({
    rmdirSync: (dir: string) => record.emptied.push(dir),
    mkdirSync: () => undefined,
  });
  wx().downloadFile = (options: { url: string; filePath?: string; success: (result: { statusCode: number; tempFilePath: string; filePath?: string }) => void }) => {
    record.downloads.push({ url: options.url, filePath: options.filePath });
    options.success({ statusCode: 200, tempFilePath: '', filePath: options.filePath });
  };
  wx().openDocument = (options: { filePath: string; fileType?: string; showMenu?: boolean; success?: () => void }) => {
    record.opened.push({ filePath: options.filePath, fileType: options.fileType, showMenu: options.showMenu });
    options.success?.();
  };
  return record;
}

/** The workbook as the cloud stored it (the DOM's fetch here refuses another origin). */
async function sheetOf(fileID: string): Promise<ExcelJS.Worksheet> {
  const bytes = await cloud.storage.read(cloud.storage.cloudPathOf(fileID)!);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes! as unknown as ArrayBuffer);
  return workbook.worksheets[0]!;
}

beforeAll(async () => {
  cloud = await startLinli({ timers: [] });
});
afterAll(() => cloud.close());

describe('staff/reports', () => {
  it('staff export the 志愿服务时长台账 of a month and open it to forward', async () => {
    const calls = connectMiniProgram(cloud, DEMO.staff);
    const device = phone();
    const page = mount('staff/reports/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    expect(calls.calls.map((c) => c.data.action)).toEqual(['report.options']);
    const kinds = ['monthly', 'orders', 'volunteer_hours', 'points_ledger', 'redemptions', 'activities', 'stock', 'patrols', 'affairs', 'party_members'];
    // The first is chosen.
    expect(kinds.map((kind) => text(page, `#kind-${kind}`))).toEqual(['社区治理月报✓', '工单台账', '志愿服务时长台账', '积分收支台账', '兑换核销台账', '活动签到表', '库存台账', '巡查走访台账', '事务办理台账', '党员双报到台账']);
    expect(page.querySelector('#own-grids')).toBeFalsy();
    // 月报 compares whole months: no choice of days.
    expect(text(page, '#month-only')).toBe('月报按整月统计，并与上月对比');
    expect(page.querySelector('#mode-range')).toBeFalsy();
    // A ledger of orders may be limited to a grid; the hours are the community's.
    expect(page.querySelector('#grid-picker')).toBeTruthy();
    // Party members belong to the grid they registered in: a grid may be chosen, and any days.
    page.querySelector('#kind-party_members')!.dispatchEvent('tap');
    await until(() => page.data.kind === 'party_members');
    expect(page.querySelector('#grid-picker')).toBeTruthy();
    expect(page.querySelector('#mode-range')).toBeTruthy();
    page.querySelector('#kind-volunteer_hours')!.dispatchEvent('tap');
    await until(() => page.data.kind === 'volunteer_hours');
    expect(page.querySelector('#grid-picker')).toBeFalsy();
    expect(page.querySelector('#mode-range')).toBeTruthy();
    page.querySelector('#month-picker')!.dispatchEvent('change', { detail: { value: '2026-11' } });
    await settle();

    page.querySelector('#export')!.dispatchEvent('click');
    await until(() => page.data.file !== null);
    expect(calls.calls.map((c) => c.data)).toEqual([
      { action: 'report.options', input: {} },
      { action: 'report.export', input: { kind: 'volunteer_hours', month: '2026-11' } },
    ]);
    const file = page.data.file!;
    expect(text(page, '#result')).toContain('邻里-志愿服务时长台账-2026-11.xlsx');
    expect(text(page, '#result')).toContain(`共 ${file.rows} 行`);
    expect(text(page, '#intro')).toContain('今天还可导出 19 次');
    // The workbook in the cloud is the one the page names.
    const sheet = await sheetOf(file.fileID);
    expect(sheet.rowCount).toBe(file.rows + 2);
    expect(file.rows).toBeGreaterThan(0);

    page.querySelector('#open')!.dispatchEvent('click');
    await until(() => device.opened.length > 0);
    expect(device.emptied).toEqual(['wxfile://usr/reports']);
    expect(device.downloads).toEqual([{ url: file.url, filePath: `wxfile://usr/reports/${file.name}` }]);
    expect(device.opened).toEqual([{ filePath: `wxfile://usr/reports/${file.name}`, fileType: 'xlsx', showMenu: true }]);
    expect(page.data.opening).toBe(false);
  });

  it('a grid worker is offered their grids’ 工单台账 only, and a refusal shows on the page', async () => {
    const calls = connectMiniProgram(cloud, DEMO.grid);
    phone();
    const page = mount('staff/reports/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    expect(text(page, '#kinds')).toBe('社区治理月报✓工单台账巡查走访台账事务办理台账党员双报到台账');
    expect(text(page, '#own-grids')).toBe('网格员只能导出所负责网格的数据');
    expect(page.data.gridChoices).toEqual(['我负责的全部网格', '第一网格']);
    page.querySelector('#kind-orders')!.dispatchEvent('tap');
    await until(() => page.data.kind === 'orders');

    page.querySelector('#mode-range')!.dispatchEvent('tap');
    await until(() => page.data.mode === 'range');
    page.querySelector('#from-picker')!.dispatchEvent('change', { detail: { value: '2026-11-20' } });
    page.querySelector('#to-picker')!.dispatchEvent('change', { detail: { value: '2026-11-01' } });
    await settle();
    page.querySelector('#export')!.dispatchEvent('click');
    await until(() => page.data.formError !== '');
    expect(text(page, '#form-error')).toBe('开始日期不能晚于结束日期');
    expect(page.data.file).toBeNull();

    page.querySelector('#to-picker')!.dispatchEvent('change', { detail: { value: '2026-11-30' } });
    page.querySelector('#grid-picker')!.dispatchEvent('change', { detail: { value: 1 } });
    await settle();
    page.querySelector('#export')!.dispatchEvent('click');
    await until(() => page.data.file !== null);
    expect(calls.calls.map((c) => c.data).at(-1)).toEqual({ action: 'report.export', input: { kind: 'orders', from: '2026-11-20', to: '2026-11-30', gridId: 'g1' } });
    expect(page.data.file!.name).toBe('邻里-工单台账-2026-11-20至2026-11-30-第一网格.xlsx');
  });

  it('我的 links staff and grid workers to 报表导出, not residents', async () => {
    for (const [openid, shown] of [
      [DEMO.staff, true],
      [DEMO.grid, true],
      [DEMO.resident, false],
    ] as const) {
      connectMiniProgram(cloud, openid);
      const page = mount('pages/me/index');
      page.instance.onLoad();
      await until(() => page.data.loading === false);
      const link = page.querySelector('#to-reports');
      expect(Boolean(link), openid).toBe(shown);
      if (!link) continue;
      const navigation = captureNavigation();
      link.dispatchEvent('click');
      await until(() => navigation.length > 0);
      expect(navigation).toEqual(['/staff/reports/index']);
    }
  });
});
