/**
 * Reading .xlsx rosters: the exceljs workbook reader (merged cells resolve to their master cell,
 * rich text, formulas' cached results, hyperlinks' text) or, for large files, its streaming
 * reader with UTF-8 decoding that survives chunk boundaries. Hidden sheets are skipped.
 */
import { basename } from 'node:path';
import { Transform } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type ExcelJS from 'exceljs';
import type { Cell } from '../core/normalize.js';
import { SjError } from '../errors.js';
import { t } from '../messages/index.js';
import { isEmptyCell, type SheetSource, type TableRow } from './table-source.js';
import { loadExcel } from './xlsx.js';

// ---- cell values -----------------------------------------------------------------------

/** An exceljs cell value as a plain Cell: rich text joined, formula → cached result, hyperlink → text. */
export function cellValue(v: unknown): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (v instanceof Date) return v;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.richText)) return (o.richText as { text?: string }[]).map((r) => r.text ?? '').join('');
    if ('formula' in o || 'sharedFormula' in o || 'result' in o) return cellValue(o.result);
    if ('hyperlink' in o || 'text' in o) return cellValue(o.text);
    if ('error' in o) return String(o.error);
  }
  return String(v);
}


// ---- xlsx ------------------------------------------------------------------------------

export async function loadSheets(path: string): Promise<AsyncIterator<SheetSource>> {
  const wb = new (await loadExcel('Workbook'))();
  try {
    await wb.xlsx.readFile(path);
  } catch (e) {
    throw new SjError(t('import.badXlsx', { file: basename(path), message: (e as Error).message }));
  }
  const list: SheetSource[] = [];
  for (const ws of wb.worksheets) {
    if (ws.state === 'hidden' || ws.state === 'veryHidden') continue;
    list.push({ name: ws.name, rows: sheetRows(ws) });
  }
  return (async function* () {
    yield* list;
  })();
}

async function* sheetRows(ws: ExcelJS.Worksheet): AsyncGenerator<TableRow> {
  const nRows = ws.rowCount;
  const nCols = ws.columnCount;
  for (let r = 1; r <= nRows; r++) {
    const row = ws.findRow(r);
    if (!row) continue;
    const cells: Cell[] = new Array(nCols);
    let any = false;
    for (let c = 1; c <= nCols; c++) {
      const v = cellValue(row.getCell(c).value);
      cells[c - 1] = v;
      if (!isEmptyCell(v)) any = true;
    }
    if (any) yield { rowNumber: r, cells };
  }
}

/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * exceljs 4.4's streaming reader decodes each zip chunk on its own (TextDecoder without
 * `stream: true`), so a Chinese character split across two chunks turns into U+FFFD. This
 * subclass hands its XML parser strings decoded with a StringDecoder instead (the parser
 * passes strings through unchanged).
 */
async function* decodeChunks(it: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  const d = new StringDecoder('utf8');
  for await (const c of it) yield typeof c === 'string' ? c : d.write(c);
  const rest = d.end();
  if (rest) yield rest;
}
const decodingStream = (entry: NodeJS.ReadableStream) => {
  const d = new StringDecoder('utf8');
  return entry.pipe(
    new Transform({
      readableObjectMode: true,
      transform(chunk: Buffer, _enc, cb) {
        cb(null, d.write(chunk));
      },
      flush(cb) {
        cb(null, d.end());
      },
    }),
  );
};
type ReaderClass = new (input: string, options: object) => any;
let Utf8SafeWorkbookReader: ReaderClass | undefined;
async function workbookReaderClass(): Promise<ReaderClass> {
  if (Utf8SafeWorkbookReader) return Utf8SafeWorkbookReader;
  const BaseReader = (await loadExcel('WorkbookReader')) as unknown as ReaderClass;
  Utf8SafeWorkbookReader = class extends BaseReader {
    *_parseWorksheet(iterator: AsyncIterable<Buffer>, sheetNo: string): Generator<unknown> {
      yield* super._parseWorksheet(decodeChunks(iterator), sheetNo);
    }
    _parseSharedStrings(entry: NodeJS.ReadableStream): AsyncGenerator<unknown> {
      return super._parseSharedStrings(decodingStream(entry));
    }
    _parseWorkbook(entry: NodeJS.ReadableStream): Promise<void> {
      return super._parseWorkbook(decodingStream(entry));
    }
  };
  return Utf8SafeWorkbookReader;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

export async function* streamSheets(path: string): AsyncGenerator<SheetSource> {
  const Reader = await workbookReaderClass();
  const reader = new Reader(path, {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'cache',
    worksheets: 'emit',
    entries: 'ignore',
  });
  for await (const ws of reader as unknown as AsyncIterable<ExcelJS.Worksheet & AsyncIterable<ExcelJS.Row> & { state?: string }>) {
    if (ws.state === 'hidden' || ws.state === 'veryHidden') {
      for await (const _ of ws) void _;
      continue;
    }
    yield { name: ws.name, rows: streamRows(ws)[Symbol.asyncIterator]() };
  }
}

async function* streamRows(ws: AsyncIterable<ExcelJS.Row>): AsyncGenerator<TableRow> {
  for await (const row of ws) {
    const vals = row.values as unknown[];
    const cells: Cell[] = new Array(Math.max(0, vals.length - 1));
    let any = false;
    for (let c = 1; c < vals.length; c++) {
      const v = cellValue(vals[c]);
      cells[c - 1] = v;
      if (!any && !isEmptyCell(v)) any = true;
    }
    if (any) yield { rowNumber: row.number, cells };
  }
}

