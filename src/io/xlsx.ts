/**
 * Writing simple tables to .xlsx (task lists, public lists): a title row, a frozen header,
 * sensible widths, every text cell safe from formula injection.
 */
import type ExcelJS from 'exceljs';

/** Text that Excel would take as a formula (=, +, -, @, or a leading tab/CR) is prefixed with '. */
export function formulaSafe(v: string): string {
  return /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
}

export type CellValue = string | number | boolean | null | undefined;

export interface SheetSpec {
  name: string;
  title?: string;
  headers: string[];
  rows: CellValue[][];
  /** column widths in characters; default from content */
  widths?: number[];
  footer?: string[];
}

export function addTableSheet(wb: ExcelJS.Workbook, spec: SheetSpec): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(spec.name);
  let r = 1;
  if (spec.title) {
    ws.getCell(1, 1).value = spec.title;
    ws.getCell(1, 1).font = { bold: true, size: 14 };
    ws.getCell(1, 1).alignment = { horizontal: 'center' };
    if (spec.headers.length > 1) ws.mergeCells(1, 1, 1, spec.headers.length);
    r = 2;
  }
  const head = ws.getRow(r);
  spec.headers.forEach((h, i) => {
    const c = head.getCell(i + 1);
    c.value = h;
    c.font = { bold: true };
    c.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
    c.border = { bottom: { style: 'thin' } };
  });
  ws.views = [{ state: 'frozen', ySplit: r }];
  for (const row of spec.rows) {
    r++;
    const xr = ws.getRow(r);
    row.forEach((v, i) => {
      if (v === null || v === undefined) return;
      xr.getCell(i + 1).value = typeof v === 'string' ? formulaSafe(v) : v;
    });
  }
  if (spec.footer) {
    r++;
    for (const line of spec.footer) {
      r++;
      ws.getCell(r, 1).value = formulaSafe(line);
      ws.getCell(r, 1).font = { italic: true, color: { argb: 'FF666666' } };
    }
  }
  const widths = spec.widths ?? spec.headers.map((h, i) => {
    let w = displayWidth(h);
    for (const row of spec.rows.slice(0, 500)) {
      const v = row[i];
      if (v !== null && v !== undefined) w = Math.max(w, displayWidth(String(v)));
    }
    return Math.min(60, w + 2);
  });
  widths.forEach((w, i) => (ws.getColumn(i + 1).width = w));
  return ws;
}

/** Approximate display width: CJK characters count double. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(ch) ? 2 : 1;
  return w;
}

/** exceljs loads in about a second: only commands that write xlsx pay for it */
export async function loadExcel(): Promise<typeof ExcelJS> {
  return (await import('exceljs')).default;
}

export async function writeWorkbook(path: string, sheets: SheetSpec[], fixedDate?: Date): Promise<void> {
  const Excel = await loadExcel();
  const wb = new Excel.Workbook();
  wb.creator = 'sj';
  if (fixedDate) {
    wb.created = fixedDate;
    wb.modified = fixedDate;
  }
  for (const s of sheets) addTableSheet(wb, s);
  await wb.xlsx.writeFile(path);
}
