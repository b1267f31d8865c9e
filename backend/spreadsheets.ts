/**
 * The Spreadsheets port with exceljs's streaming writer: each row is committed as it arrives and
 * goes straight into the zip, so memory holds the compressed file and one page of rows, never the
 * whole sheet. exceljs is loaded on the first workbook only (`await import`), so the other actions
 * of a function that bundles it do not pay for loading it.
 */
import { PassThrough } from 'node:stream';
import { withoutUnwritable } from '../core/contract/fields';
import type { SheetCell, SheetColumnType, Spreadsheets } from '../core/ports';

const NUMBER_FORMATS: Readonly<Record<SheetColumnType, string | undefined>> = {
  text: '@',
  integer: '0',
  decimal: '0.00',
  number: 'General',
  date: 'yyyy-mm-dd',
  datetime: 'yyyy-mm-dd hh:mm',
};

/**
 * Excel dates have no time zone: a cell shows the wall-clock time it stores. exceljs stores a Date
 * by its UTC fields, so an instant is moved by Beijing's offset to show Beijing time. The offset is
 * fixed (China has kept +08:00 all year since 1991): asking the zone database for each of 250,000
 * cells (dayjs's tz) took most of a 50,000-row export.
 */
const BEIJING_OFFSET_MS = 8 * 3600_000;


function beijingWallClock(value: Date | string | number): Date {
  const instant = value instanceof Date ? value : new Date(value);
  return new Date(instant.getTime() + BEIJING_OFFSET_MS);
}

function cellValue(type: SheetColumnType, value: SheetCell | undefined): string | number | Date | null {
  if (value === null || value === undefined || value === '') return null;
  switch (type) {
    case 'integer':
    case 'decimal':
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? value : null;
    case 'date':
      // A calendar day as the records keep it (YYYY-MM-DD), midnight in the cell.
      return typeof value === 'string' ? new Date(`${value}T00:00:00Z`) : beijingWallClock(value);
    case 'datetime':
      return beijingWallClock(value);
    default:
      // Excel refuses some characters (exceljs passes them through) and a workbook with one does not open.
      return withoutUnwritable(value instanceof Date ? value.toISOString() : String(value));
  }
}

export const excelSpreadsheets: Spreadsheets = {
  async write(sheets) {
    // CommonJS: module.exports is the import's default, in Node and in esbuild's bundle alike.
    const { default: ExcelJS } = await import('exceljs');
    const output = new PassThrough();
    const chunks: Buffer[] = [];
    output.on('data', (chunk: Buffer) => chunks.push(chunk));
    const ended = new Promise<void>((resolve, reject) => {
      output.on('end', resolve);
      output.on('error', reject);
    });
    // Shared strings would keep every distinct text of the sheet in memory until the end.
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: output, useStyles: true, useSharedStrings: false });
    workbook.creator = '邻里';
    let count = 0;
    // One sheet at a time: each is committed before the next begins, so memory holds one page of rows.
    for (const { sheet, rows } of sheets) {
      const worksheet = workbook.addWorksheet(sheet.name, { views: [{ state: 'frozen', ySplit: 2 }] });
      worksheet.columns = sheet.columns.map((column, index) => ({ key: `c${index}`, width: column.width, style: { numFmt: NUMBER_FORMATS[column.type] } }));

      const title = worksheet.addRow([sheet.title]);
      title.font = { bold: true, size: 14 };
      title.height = 24;
      title.alignment = { vertical: 'middle' };
      worksheet.mergeCells(1, 1, 1, Math.max(1, sheet.columns.length));
      title.commit();
      const header = worksheet.addRow(sheet.columns.map((column) => column.header));
      header.font = { bold: true };
      header.alignment = { vertical: 'middle', wrapText: true };
      header.eachCell((cell) => {
        cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEFEFEF' } };
      });
      header.commit();

      for await (const row of rows) {
        worksheet.addRow(sheet.columns.map((column, index) => cellValue(column.type, row[index]))).commit();
        count += 1;
      }
      worksheet.commit();
    }
    await workbook.commit();
    await ended;
    const bytes = Buffer.concat(chunks);
    return { bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), rows: count };
  },
};
