/** The exceljs adapter: what it writes opens again, whatever text the records hold. */
import ExcelJS from 'exceljs';
import { expect, it } from 'vitest';
import { excelSpreadsheets } from '../../backend/spreadsheets';
import type { SheetCell } from '../../core/ports';

async function* rowsOf(rows: SheetCell[][]): AsyncIterable<readonly SheetCell[]> {
  yield* rows;
}

it('a name stored with a character Excel refuses (U+FFFF, half a surrogate pair) is written without it, and the workbook opens', async () => {
  const columns = [
    { header: '姓名', width: 10, type: 'text' as const },
    { header: '积分', width: 8, type: 'integer' as const },
  ];
  const { bytes, rows } = await excelSpreadsheets.write([
    { sheet: { name: '名单', title: '测试', columns }, rows: rowsOf([['张\uFFFF三', 5], ['李\uD800四', 6], ['=HYPERLINK("http://x")', 7]]) },
    { sheet: { name: '第二张', title: '测试二', columns }, rows: rowsOf([['王五', 8]]) },
  ]);
  expect(rows).toBe(4);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['名单', '第二张']);
  const sheet = workbook.worksheets[0]!;
  expect([3, 4, 5].map((row) => sheet.getRow(row).getCell(1).value)).toEqual(['张三', '李四', '=HYPERLINK("http://x")']);
  // Text stays text: nothing a resident types becomes a formula.
  expect(sheet.getRow(5).getCell(1).type).toBe(ExcelJS.ValueType.String);
  expect(sheet.getRow(3).getCell(2).value).toBe(5);
});
