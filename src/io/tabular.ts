/**
 * Reading a roster file (.xlsx or .csv) as the bureau keeps it (../shared/spec/rosters.md):
 * find the sheet and the header row, then hand out the rows below it one by one.
 *
 * - .xlsx up to STREAM_XLSX_BYTES: the exceljs workbook reader (merged cells resolve to their
 *   master cell, rich text, formulas' cached results, hyperlinks' text). Larger files: the
 *   exceljs streaming reader, which keeps memory flat; merged cells are not resolved there
 *   (a 5 MB+ roster is an export, not a hand-formatted sheet; its merged title row is simply
 *   not a header). Hidden sheets are skipped in both.
 * - .csv: read in 1 MB chunks through CsvTokenizer (csv-tokenizer.ts). Encoding: `auto` = UTF-8 when the file starts with a
 *   BOM or its first 4 MB are valid UTF-8, else GB18030 (what Excel on a Chinese Windows
 *   writes). Decoding is strict: a UTF-8 file with bad bytes further on fails with a hint.
 * - Row numbers are as Excel numbers them; for CSV the line the record starts on.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { Transform } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { isUtf8 } from 'node:buffer';
import type ExcelJS from 'exceljs';
import { CsvTokenizer, CsvQuoteError } from './csv-tokenizer.js';
import { loadExcel } from './xlsx.js';
import type { Cell } from '../core/normalize.js';
import { cellText } from '../core/normalize.js';
import { SjError } from '../errors.js';
import { t } from '../messages/index.js';

export type Encoding = 'auto' | 'utf8' | 'gb18030';

export interface TableRow {
  rowNumber: number;
  cells: Cell[];
}

export interface Table {
  /** file basename */
  file: string;
  format: 'xlsx' | 'csv';
  sheet?: string;
  encoding?: 'utf8' | 'gb18030';
  headerRow: number;
  headers: string[];
  /** the non-empty rows below the header row; iterate once */
  rows: AsyncIterable<TableRow>;
  /** the same rows in batches (cheaper per row); iterate this or `rows`, once */
  batches?(): AsyncIterable<TableRow[]>;
  /** SHA-256 of the file's bytes (complete once `rows` has been read to the end) */
  sha256(): string;
}

export interface TableOptions {
  sheet?: string;
  encoding?: Encoding;
  /** is this row (its cells as text) the header row? */
  isHeader(headers: string[]): boolean;
  /** how close a row comes to being the header (to name the best candidate when none is) */
  score?(headers: string[]): number;
  /** xlsx files larger than this use the streaming reader (default 5 MB) */
  streamXlsxBytes?: number;
}

export const STREAM_XLSX_BYTES = 5 * 1024 * 1024;
/** how many non-empty rows of a sheet are searched for the header row */
const HEADER_SEARCH_ROWS = 50;

/** A header-not-found failure, with the best candidate header row for the message. */
export class NoHeaderError extends SjError {
  constructor(
    readonly file: string,
    readonly sheet: string | undefined,
    readonly found: string[],
    readonly foundRow: number | undefined,
    message: string,
  ) {
    super(message);
  }
}

interface SheetSource {
  name?: string;
  rows: AsyncIterator<TableRow>;
}

/** Open a roster file: pick the sheet, find the header row. */
export async function openTable(path: string, opts: TableOptions): Promise<Table> {
  const file = basename(path);
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw new SjError(t('import.fileMissing', { file: path }));
  }
  const ext = extname(path).toLowerCase();
  let format: 'xlsx' | 'csv';
  if (ext === '.xlsx' || ext === '.xlsm') format = 'xlsx';
  else if (ext === '.csv' || ext === '.txt') format = 'csv';
  else if (ext === '.xls' || ext === '.et') throw new SjError(t('import.xlsOld', { file }), { hint: t('import.xlsOldHint') });
  else format = sniffZip(path) ? 'xlsx' : 'csv';

  if (format === 'csv') {
    const csv = openCsv(path, opts.encoding ?? 'auto');
    const found = await findHeader({ rows: csv.rows }, opts, csv.best);
    if (!found) {
      await csv.rows.return?.(undefined);
      throw noHeader(file, undefined, csv.best);
    }
    return { file, format, encoding: csv.encoding, headerRow: found.headerRow, headers: found.headers, rows: iterable(csv.rows), batches: csv.batches, sha256: csv.sha256 };
  }

  const big = size > (opts.streamXlsxBytes ?? STREAM_XLSX_BYTES);
  const sheets = big ? streamSheets(path) : await loadSheets(path);
  const bytesHash = big ? hashFileLater(path) : (() => { const h = createHash('sha256').update(readFileSync(path)).digest('hex'); return () => h; })();
  let best: Best = { score: -1 };
  const names: string[] = [];
  for (;;) {
    const next = await sheets.next();
    if (next.done) break;
    const src = next.value;
    names.push(src.name ?? '');
    if (opts.sheet !== undefined && src.name !== opts.sheet) {
      if (big) await drain(src.rows);
      continue;
    }
    const found = await findHeader(src, opts, best);
    if (found) {
      return { file, format, sheet: src.name, headerRow: found.headerRow, headers: found.headers, rows: iterable(src.rows), sha256: bytesHash };
    }
    if (big) await drain(src.rows);
    if (opts.sheet !== undefined) throw noHeader(file, opts.sheet, best);
  }
  if (opts.sheet !== undefined) {
    throw new SjError(t('import.noSheet', { file, sheet: opts.sheet, sheets: names.join('、') || '—' }));
  }
  throw noHeader(file, best.sheet, best);
}

interface Best {
  score: number;
  sheet?: string;
  row?: number;
  headers?: string[];
}

function noHeader(file: string, sheet: string | undefined, best: Best): NoHeaderError {
  const found = (best.headers ?? []).filter((h) => h !== '');
  return new NoHeaderError(file, sheet ?? best.sheet, found, best.row, t('import.noHeader', { file }));
}

async function findHeader(src: SheetSource, opts: TableOptions, best: Best): Promise<{ headerRow: number; headers: string[] } | null> {
  for (let seen = 0; seen < HEADER_SEARCH_ROWS; ) {
    const next = await src.rows.next();
    if (next.done) return null;
    const { rowNumber, cells } = next.value;
    const headers = trimTrailing(cells.map((c) => cellText(c)));
    if (headers.length === 0) continue;
    seen++;
    if (opts.isHeader(headers)) return { headerRow: rowNumber, headers };
    const score = opts.score ? opts.score(headers) : 0;
    if (score > best.score || best.headers === undefined) {
      best.score = score;
      best.sheet = src.name;
      best.row = rowNumber;
      best.headers = headers;
    }
  }
  return null;
}

function trimTrailing(a: string[]): string[] {
  let n = a.length;
  while (n > 0 && a[n - 1] === '') n--;
  return n === a.length ? a : a.slice(0, n);
}

function iterable(it: AsyncIterator<TableRow>): AsyncIterable<TableRow> {
  return { [Symbol.asyncIterator]: () => it };
}

async function drain(it: AsyncIterator<TableRow>): Promise<void> {
  for (;;) if ((await it.next()).done) return;
}

function sniffZip(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(4);
    readSync(fd, b, 0, 4, 0);
    return b[0] === 0x50 && b[1] === 0x4b;
  } finally {
    closeSync(fd);
  }
}

function hashFileLater(path: string): () => string {
  let h: string | undefined;
  return () => (h ??= createHash('sha256').update(readFileSync(path)).digest('hex'));
}

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

const isEmptyCell = (c: Cell) => c === null || (typeof c === 'string' && c.trim() === '');

// ---- xlsx ------------------------------------------------------------------------------

async function loadSheets(path: string): Promise<AsyncIterator<SheetSource>> {
  const wb = new (await loadExcel()).Workbook();
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
  const BaseReader = (await loadExcel()).stream.xlsx.WorkbookReader as unknown as ReaderClass;
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

async function* streamSheets(path: string): AsyncGenerator<SheetSource> {
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

// ---- csv -------------------------------------------------------------------------------

const SNIFF_BYTES = 4 * 1024 * 1024;

/** Which encoding a CSV file is in: BOM → utf8; valid UTF-8 → utf8; else gb18030. */
export function detectEncoding(head: Buffer, whole: boolean): 'utf8' | 'gb18030' {
  if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf8';
  let b = head;
  if (!whole) {
    // a multi-byte sequence cut at the end of the sample is not an error
    let i = b.length - 1;
    let back = 0;
    while (i >= 0 && back < 3 && (b[i]! & 0xc0) === 0x80) {
      i--;
      back++;
    }
    if (i >= 0 && b[i]! >= 0xc0) b = b.subarray(0, i);
  }
  return isUtf8(b) ? 'utf8' : 'gb18030';
}

interface CsvSource {
  encoding: 'utf8' | 'gb18030';
  rows: AsyncIterator<TableRow>;
  batches(): AsyncIterable<TableRow[]>;
  sha256(): string;
  best: Best;
}

function openCsv(path: string, enc: Encoding): CsvSource {
  const file = basename(path);
  let encoding: 'utf8' | 'gb18030';
  if (enc === 'auto') {
    const fd = openSync(path, 'r');
    try {
      const size = fstatSize(path);
      const head = Buffer.alloc(Math.min(size, SNIFF_BYTES));
      const n = readSync(fd, head, 0, head.length, 0);
      encoding = detectEncoding(head.subarray(0, n), size <= SNIFF_BYTES);
    } finally {
      closeSync(fd);
    }
  } else encoding = enc;

  const hash = createHash('sha256');
  let digest: string | undefined;
  const badUtf8 = () => new SjError(t('import.badUtf8', { file }), { hint: t('import.badUtf8Hint') });
  const tokenizer = new CsvTokenizer();
  // UTF-8 is validated per chunk (a sequence cut at the chunk's end carried over to the next);
  // GB18030 is decoded by TextDecoder
  const decoder = encoding === 'utf8' ? undefined : new TextDecoder('gb18030');
  // validated UTF-8 (below) is turned into text by TextDecoder, ~40 % faster than Buffer#toString
  // here; ignoreBOM keeps a BOM in the text, as toString did (the tokenizer drops it)
  const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });
  let carry: Buffer | undefined;
  const decode = (chunk: Buffer, last: boolean): string => {
    if (decoder) return decoder.decode(chunk, { stream: !last });
    let b = carry ? Buffer.concat([carry, chunk]) : chunk;
    carry = undefined;
    if (!last) {
      let i = b.length - 1;
      let back = 0;
      while (i >= 0 && back < 3 && (b[i]! & 0xc0) === 0x80) {
        i--;
        back++;
      }
      if (i >= 0 && b[i]! >= 0xc0) {
        carry = Buffer.from(b.subarray(i));
        b = b.subarray(0, i);
      }
    }
    if (!isUtf8(b)) throw badUtf8();
    return utf8.decode(b);
  };
  let fd: number | undefined;
  let done = false;
  const buf = Buffer.allocUnsafe(1 << 20);
  /** the next batch of non-empty records (empty only at the end of the file) */
  const nextBatch = (): TableRow[] => {
    const out: TableRow[] = [];
    const push = (cells: string[], line: number) => {
      for (let i = 0; i < cells.length; i++) {
        const c = cells[i]!;
        if (c !== '' && c.trim() !== '') {
          out.push({ rowNumber: line, cells });
          return;
        }
      }
    };
    try {
      while (!done && out.length === 0) {
        fd ??= openSync(path, 'r');
        const n = readSync(fd, buf, 0, buf.length, null);
        const last = n === 0;
        const chunk = buf.subarray(0, n);
        if (n) hash.update(chunk);
        const text = decode(chunk, last);
        if (last) {
          done = true;
          closeSync(fd);
          digest = hash.digest('hex');
        }
        tokenizer.write(text, push);
        if (last) tokenizer.end(push);
      }
    } catch (e) {
      done = true;
      if (fd !== undefined && digest === undefined) closeSync(fd);
      digest ??= '';
      if (e instanceof SjError) throw e;
      if (e instanceof CsvQuoteError) throw new SjError(t('import.badCsv', { file, message: t('import.csvQuote', { line: e.line }) }), { hint: t('import.csvQuoteHint') });
      throw new SjError(t('import.badCsv', { file, message: (e as Error).message }));
    }
    return out;
  };
  let pending: TableRow[] = [];
  let at = 0;
  const rows: AsyncIterator<TableRow> = {
    async next() {
      if (at >= pending.length) {
        pending = nextBatch();
        at = 0;
        if (pending.length === 0) return { done: true, value: undefined };
      }
      return { done: false, value: pending[at++]! };
    },
    async return() {
      if (!done) {
        done = true;
        if (fd !== undefined) closeSync(fd);
      }
      return { done: true, value: undefined };
    },
  };
  async function* batches(): AsyncGenerator<TableRow[]> {
    if (at < pending.length) yield pending.slice(at);
    pending = [];
    at = 0;
    for (;;) {
      const b = nextBatch();
      if (b.length === 0) return;
      yield b;
    }
  }
  return { encoding, rows, batches, sha256: () => digest ?? '', best: { score: -1 } };
}

function fstatSize(path: string): number {
  return statSync(path).size;
}
