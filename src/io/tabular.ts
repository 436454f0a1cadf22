/**
 * Reading a roster file (.xlsx or .csv) as the bureau keeps it (../shared/spec/rosters.md):
 * find the sheet and the header row, then hand out the rows below it one by one. The formats
 * are read in their own modules: table-xlsx.ts (the workbook reader up to STREAM_XLSX_BYTES,
 * the streaming reader above, which does not resolve merged cells: a 5 MB+ roster is an export,
 * not a hand-formatted sheet) and table-csv.ts (chunked, encoding detected, strict decoding).
 * Row numbers are as Excel numbers them; for CSV the line the record starts on.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { cellText } from '../core/normalize.js';
import { SjError } from '../errors.js';
import { t } from '../messages/index.js';
import { openCsv } from './table-csv.js';
import type { Best, Encoding, SheetSource, TableRow } from './table-source.js';
import { loadSheets, streamSheets } from './table-xlsx.js';

export type { Encoding, TableRow } from './table-source.js';
export { detectEncoding } from './table-csv.js';
export { cellValue } from './table-xlsx.js';

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
