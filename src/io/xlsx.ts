/**
 * Writing the xlsx files people print (task lists, public lists, results forms, the statistics
 * table): every sheet print-ready — A4 (or A3) landscape, fit to the page width, header rows
 * repeated on every page, a print area, a footer 第 N 页 共 M 页 — with column widths from the
 * text's display width, long cells wrapped and row heights set to hold them, and every text
 * cell safe from formula injection.
 */
import type ExcelJS from 'exceljs';
import { displayWidth } from '../core/text-width.js';
import { writeFileAtomic } from './atomic-file.js';
import { now } from './clock.js';
import { columnLetter, LiteWorkbook } from './xlsx-lite.js';

/** Text that Excel would take as a formula (=, +, -, @, or a leading tab/CR) is prefixed with '. */
export function formulaSafe(v: string): string {
  return /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
}

export type CellValue = string | number | boolean | null | undefined;

/** Display width (CJK characters count double): one home, core/text-width.ts. */
export { displayWidth };

/** The exceljs classes sj uses: the workbook (read and write whole) and the streaming reader. */
export interface ExcelClasses {
  Workbook: typeof ExcelJS.Workbook;
  WorkbookReader: typeof ExcelJS.stream.xlsx.WorkbookReader;
}

/**
 * Each class from its own module in the package: the package's main module loads every part of
 * exceljs (about 0.3 s, the streaming writer and CSV too), the workbook's module about half of
 * that. They are the very classes the main module exports (test/report-fast-paths.test.ts), so
 * files are read and written as before. exceljs has no "exports" map: its files import by path.
 */
const EXCEL_MODULES: Record<keyof ExcelClasses, string> = {
  Workbook: 'exceljs/lib/doc/workbook.js',
  WorkbookReader: 'exceljs/lib/stream/xlsx/workbook-reader.js',
};

/** An exceljs class, loaded on first use: only commands that read or write xlsx pay for it. */
export async function loadExcel<K extends keyof ExcelClasses>(name: K): Promise<ExcelClasses[K]> {
  const specifier = EXCEL_MODULES[name]; // a variable: the deep paths have no type declarations
  return ((await import(specifier)) as { default: ExcelClasses[K] }).default;
}

/** A new exceljs workbook; a fixed date keeps the file the same from one run to the next. */
export async function newWorkbook(fixedDate?: Date): Promise<ExcelJS.Workbook> {
  return dated(new (await loadExcel('Workbook'))(), fixedDate);
}

/**
 * A new workbook to be written whole with workbookBytes: sj's own writer (xlsx-lite.ts), the
 * part of exceljs's API these writers use, written as exceljs writes it, without loading
 * exceljs (0.2 s of a statistics table, issue 13). Typed as exceljs's workbook: the writers
 * are shared with files exceljs writes; test/xlsx-lite.test.ts holds the two to the same parts.
 */
export function newWorkbookToWrite(fixedDate?: Date): ExcelJS.Workbook {
  return dated(new LiteWorkbook() as unknown as ExcelJS.Workbook, fixedDate);
}

/** DEFLATE at level 1 for exceljs (its JavaScript DEFLATE): a file about a fifth sooner, a tenth larger. */
const ZIP_OPTIONS = { zip: { compression: 'DEFLATE', compressionOptions: { level: 1 } } };

/** The bytes of an .xlsx file of the workbook (sj's writer's, or exceljs's). */
export async function workbookBytes(wb: ExcelJS.Workbook): Promise<Buffer> {
  if ((wb as unknown) instanceof LiteWorkbook) return (wb as unknown as LiteWorkbook).bytes();
  shareStyles(wb);
  return Buffer.from(await wb.xlsx.writeBuffer(ZIP_OPTIONS as Partial<ExcelJS.XlsxWriteOptions>));
}

/**
 * One style object for the cells that look alike. exceljs gives each cell a style object of its
 * own and, writing, renders each one's font, border and fill as XML to find its style id, unless
 * it has met that very object before: with the objects shared, a style is rendered once. The
 * same styles, ids and XML are written.
 */
function shareStyles(wb: ExcelJS.Workbook): void {
  const shared = new Map<string, Partial<ExcelJS.Style>>();
  wb.eachSheet((ws) => {
    ws.eachRow({ includeEmpty: true }, (row) => {
      // the row's own cells, empty ones included (styled, or a merge's): row.eachCell would make
      // a cell in every gap, and change the row's span
      const cells = (row as unknown as { _cells?: (ExcelJS.Cell | undefined)[] })._cells;
      if (!Array.isArray(cells)) return;
      for (const cell of cells) {
        const style = cell?.style;
        if (!style) continue;
        // (JSON.stringify, a builtin, is quicker here than keying the style by its parts)
        const key = JSON.stringify(style);
        const same = shared.get(key);
        if (same) cell!.style = same;
        else shared.set(key, style);
      }
    });
  });
}

/** The workbook's author and times: fixedDate, else sj's clock (SJ_NOW when set: a file written twice is the same file). */
function dated(wb: ExcelJS.Workbook, fixedDate?: Date): ExcelJS.Workbook {
  wb.creator = 'sj';
  const at = fixedDate && !Number.isNaN(fixedDate.getTime()) ? fixedDate : now();
  wb.created = at;
  wb.modified = at;
  return wb;
}

// ---------------------------------------------------------------------------------------------
// page setup

export type Paper = 'A4' | 'A3';
const PAPER_SIZE: Record<Paper, number> = { A4: 9, A3: 8 };

/** The page footer of the Chinese files; `footerText` for a language. */
export const FOOTER_ZH = '第 &P 页 共 &N 页';

export interface PrintOptions {
  paper?: Paper;
  /** the rows printed at the top of every page, e.g. [3, 4] */
  titleRows?: [number, number];
  /** the columns printed at the left of every page, e.g. 'A:A' (a table split over pages) */
  titleCols?: string;
  lastRow: number;
  lastCol: number;
  /** the centre footer, with &P (page) and &N (pages); default 第 &P 页 共 &N 页 */
  footer?: string;
  /** pages across (default 1): a table too wide to read on one page splits, repeating titleCols */
  pagesWide?: number;
}

/** Landscape, one page wide (as many high as it takes), print titles, print area, page footer. */
export function printSetup(ws: ExcelJS.Worksheet, o: PrintOptions): void {
  ws.pageSetup = {
    ...ws.pageSetup,
    paperSize: PAPER_SIZE[o.paper ?? 'A4'],
    orientation: 'landscape',
    fitToPage: true,
    fitToWidth: o.pagesWide ?? 1,
    fitToHeight: 0,
    horizontalCentered: true,
    margins: { left: 0.4, right: 0.4, top: 0.5, bottom: 0.6, header: 0.3, footer: 0.3 },
    printArea: `A1:${columnLetter(o.lastCol)}${Math.max(1, o.lastRow)}`,
    ...(o.titleRows ? { printTitlesRow: `${o.titleRows[0]}:${o.titleRows[1]}` } : {}),
    ...(o.titleCols ? { printTitlesColumn: o.titleCols } : {}),
  };
  ws.headerFooter = { oddFooter: `&C${o.footer ?? FOOTER_ZH}` };
}

/** Excel width units one landscape page holds at a scale still easy to read (about 75 %, 10 pt type at 7.5 pt) */
export const READABLE_WIDTH: Record<Paper, number> = { A4: 200, A3: 300 };

/** 1 → A, 27 → AA (one home: xlsx-lite.ts) */
export { columnLetter };

// ---------------------------------------------------------------------------------------------
// widths and heights

/** points per line of text at a font size (宋体 at 10 pt: 13.5 pt, as Excel sets it) */
const lineHeight = (size: number) => size * 1.35;

/**
 * Column widths (Excel units, about one half-width character of the 11-point default font)
 * from the display width of the header and the cells, at `fontSize`: a column is as wide as
 * its widest cell, between the header's half (headers wrap onto two lines) and `max`, where
 * longer cells wrap.
 */
export function fitWidths(headers: string[], rows: CellValue[][], o: { fontSize?: number; max?: number | number[]; min?: number | number[] } = {}): number[] {
  const scale = (o.fontSize ?? 10) / 10; // a CJK glyph at 10 pt is about two Excel units wide
  return headers.map((h, i) => {
    const cap = Array.isArray(o.max) ? o.max[i] ?? 40 : o.max ?? 40;
    const floor = Array.isArray(o.min) ? o.min[i] ?? 4 : o.min ?? 4;
    let w = Math.ceil(Math.max(...h.split('\n').map(displayWidth)) / 2);
    for (const row of rows) {
      const v = row[i];
      if (v === null || v === undefined || v === '') continue;
      for (const line of String(v).split('\n')) w = Math.max(w, displayWidth(line));
    }
    return Math.max(floor, Math.min(cap, Math.ceil(w * scale) + 2));
  });
}

/** Lines a text takes in a column of `width` at `fontSize` (wrapping at the column edge). */
export function linesIn(text: string, width: number, fontSize = 10): number {
  // a column of width w holds about w half-width characters of 10 pt type (7w + 5 pixels, less the cell's padding)
  const perLine = Math.max(1, (width - 0.5) * (10 / fontSize));
  return text.split('\n').reduce((n, line) => n + Math.max(1, Math.ceil(displayWidth(line) / perLine)), 0);
}

/**
 * Row heights that hold the wrapped text: an office suite does not grow a row for wrapped text
 * by itself in every case, and a clipped cell prints as half a line.
 */
export function fitHeights(ws: ExcelJS.Worksheet, from: number, to: number, fontSize = 10): void {
  // the merges by master cell, read once (the sheet's model is built whole each time it is read)
  let merges: Map<string, string> | undefined;
  const mergesOf = () => (merges ??= new Map((ws.model as unknown as { merges: string[] }).merges.map((m) => [m.split(':')[0]!, m])));
  for (let r = from; r <= to; r++) {
    const row = ws.getRow(r);
    let height = lineHeight(fontSize);
    row.eachCell((cell, col) => {
      if (cell.isMerged && cell.master !== cell) return;
      const text = cellText(cell.value);
      if (!text) return;
      const size = cell.font?.size ?? fontSize;
      const width = cell.isMerged ? mergedWidth(ws, cell, mergesOf()) : ws.getColumn(col).width ?? 9;
      height = Math.max(height, linesIn(text, width, size) * lineHeight(size));
    });
    row.height = Math.ceil(height + 4);
  }
}

function mergedWidth(ws: ExcelJS.Worksheet, cell: ExcelJS.Cell, merges: ReadonlyMap<string, string>): number {
  // a master cell of a merge spanning columns: the sum of their widths
  const range = merges.get(cell.address);
  if (!range) return ws.getColumn(cell.col).width ?? 9;
  const last = ws.getCell(range.split(':')[1]!).col;
  let w = 0;
  for (let c = Number(cell.col); c <= Number(last); c++) w += ws.getColumn(c).width ?? 9;
  return w;
}

/** the text that may wrap: numbers and dates never do (they show formatted, on one line) */
function cellText(v: ExcelJS.CellValue): string {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && 'richText' in v) return v.richText.map((p) => p.text).join('');
  return '';
}

// ---------------------------------------------------------------------------------------------
// styles

const thin = { style: 'thin' as const };
export const BORDER: Partial<ExcelJS.Borders> = { top: thin, left: thin, bottom: thin, right: thin };
export const HEAD_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
/** 宋体 for the body and 黑体 for titles, as official tables are set; an office suite without them substitutes */
export const BODY_FONT = '宋体';
export const TITLE_FONT = '黑体';

/**
 * One font object for each font used, one alignment for each alignment: cells share them
 * (xlsx-lite.ts numbers a cell's style by its parts, each part told by its object).
 */
const FONTS = new Map<string, Partial<ExcelJS.Font>>();
export function fontOf(name: string, size: number, bold?: boolean, color?: string): Partial<ExcelJS.Font> {
  const key = `${name}|${size}|${bold ? 1 : 0}|${color ?? ''}`;
  let f = FONTS.get(key);
  if (!f) FONTS.set(key, (f = { name, size, ...(bold ? { bold } : {}), ...(color ? { color: { argb: color } } : {}) }));
  return f;
}

type Horizontal = 'left' | 'center' | 'right';
const ALIGNMENTS = new Map<string, Partial<ExcelJS.Alignment>>();
/** A cell's alignment: vertically centred, `horizontal` (or the default), wrapped or not */
export function alignmentOf(horizontal: Horizontal | undefined, wrapText: boolean): Partial<ExcelJS.Alignment> {
  const key = `${horizontal ?? ''}|${wrapText ? 1 : 0}`;
  let a = ALIGNMENTS.get(key);
  if (!a) ALIGNMENTS.set(key, (a = { ...(horizontal ? { horizontal } : {}), vertical: 'middle', ...(wrapText ? { wrapText } : {}) }));
  return a;
}

/** A title across columns 1..n of a row: merged, centred, large. */
export function writeTitle(ws: ExcelJS.Worksheet, row: number, text: string, n: number, size = 16): void {
  const c = ws.getCell(row, 1);
  c.value = formulaSafe(text);
  c.font = fontOf(TITLE_FONT, size, true);
  c.alignment = alignmentOf('center', true);
  if (n > 1) ws.mergeCells(row, 1, row, n);
  ws.getRow(row).height = Math.ceil(size * 1.9);
}

/** A line of text across columns from..to of a row (merged), left-aligned unless told. */
export function writeLine(ws: ExcelJS.Worksheet, row: number, text: string, from: number, to: number,
  o: { align?: 'left' | 'center' | 'right'; size?: number; bold?: boolean; color?: string; font?: string } = {}): void {
  const c = ws.getCell(row, from);
  c.value = formulaSafe(text);
  c.font = fontOf(o.font ?? BODY_FONT, o.size ?? 10, o.bold, o.color);
  c.alignment = alignmentOf(o.align ?? 'left', true);
  if (to > from) ws.mergeCells(row, from, row, to);
}

export function styleHead(c: ExcelJS.Cell, size = 10): void {
  c.font = fontOf(BODY_FONT, size, true);
  c.alignment = alignmentOf('center', true);
  c.fill = HEAD_FILL;
  c.border = BORDER;
}

/** One row of column headers. */
export function writeHeaderRow(ws: ExcelJS.Worksheet, row: number, headers: string[], size = 10): void {
  headers.forEach((h, i) => {
    const c = ws.getCell(row, i + 1);
    c.value = h;
    styleHead(c, size);
  });
}

/** One row of data: bordered, wrapped, vertically centred; text formula-safe. */
export function writeDataRow(ws: ExcelJS.Worksheet, row: number, values: CellValue[], o: { size?: number; center?: boolean[] } = {}): ExcelJS.Row {
  const xr = ws.getRow(row);
  values.forEach((v, i) => {
    const c = xr.getCell(i + 1);
    if (v !== null && v !== undefined) c.value = typeof v === 'string' ? formulaSafe(v) : v;
    c.font = fontOf(BODY_FONT, o.size ?? 10);
    c.alignment = alignmentOf(o.center?.[i] ? 'center' : undefined, true);
    c.border = BORDER;
  });
  return xr;
}

// ---------------------------------------------------------------------------------------------
// a simple table sheet

export interface SheetSpec {
  name: string;
  title?: string;
  /** lines under the title (scope, dates), each across the table */
  subtitle?: string[];
  headers: string[];
  rows: CellValue[][];
  /** the widest a column may grow (Excel units) before its text wraps; one number for all */
  maxWidths?: number | number[];
  /** the narrowest (columns left empty to be filled in by hand) */
  minWidths?: number | number[];
  /** columns centred (short codes, dates) */
  center?: boolean[];
  /** lines after the table */
  footer?: string[];
  paper?: Paper;
  /** the page footer (default 第 &P 页 共 &N 页) */
  pageFooter?: string;
  fontSize?: number;
}

export interface TableLayout {
  /** the header row */
  headerRow: number;
  /** the first data row */
  firstRow: number;
  lastRow: number;
}

/** A titled, bordered table on its own sheet, print-ready. */
export function addTableSheet(wb: ExcelJS.Workbook, spec: SheetSpec): { ws: ExcelJS.Worksheet; layout: TableLayout } {
  const ws = wb.addWorksheet(spec.name);
  const n = spec.headers.length;
  const size = spec.fontSize ?? 10;
  const widths = fitWidths(spec.headers, spec.rows, { fontSize: size, max: spec.maxWidths, min: spec.minWidths });
  widths.forEach((w, i) => (ws.getColumn(i + 1).width = w));
  let r = 0;
  if (spec.title) writeTitle(ws, ++r, spec.title, n);
  for (const line of spec.subtitle ?? []) writeLine(ws, ++r, line, 1, n);
  const headerRow = ++r;
  writeHeaderRow(ws, headerRow, spec.headers, size);
  for (const row of spec.rows) writeDataRow(ws, ++r, row, { size, center: spec.center });
  const lastRow = r;
  for (const line of spec.footer ?? []) writeLine(ws, ++r, line, 1, n, { size: 9, color: 'FF555555' });
  fitHeights(ws, headerRow, r, size);
  if (spec.subtitle?.length) fitHeights(ws, headerRow - spec.subtitle.length, headerRow - 1, size);
  ws.views = [{ state: 'frozen', ySplit: headerRow }];
  printSetup(ws, { paper: spec.paper, titleRows: [headerRow, headerRow], lastRow: r, lastCol: n, footer: spec.pageFooter });
  return { ws, layout: { headerRow, firstRow: headerRow + 1, lastRow } };
}

/** A workbook of table sheets, written whole or not at all. */
export async function writeWorkbook(path: string, sheets: SheetSpec[], fixedDate?: Date): Promise<void> {
  const wb = newWorkbookToWrite(fixedDate);
  for (const s of sheets) addTableSheet(wb, s);
  writeFileAtomic(path, await workbookBytes(wb));
}
