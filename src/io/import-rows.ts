/**
 * The reading half of a roster import (io/roster-write.ts): open the file (io/tabular.ts), find
 * the header, convert every row (core/roster-fields.ts), note repeated ids, and hand the rows out
 * in batches; rowHasher gives the hash a stored row is versioned by. Pure with respect to the
 * database: what it needs from it (regions, tier codes) comes in as plain data, so it runs in
 * the importing thread or, for large files, in a worker thread (io/import-worker.ts carries its
 * batches across).
 */
import { Regions, type Region } from './regions.js';
import { regionResolver } from './region-resolver.js';
import { IdRows } from './id-rows.js';
import { COLUMNS, sqlValue, type SqlValue } from './roster-columns.js';
import { openTable, type Encoding, type TableRow } from './tabular.js';
import { BOOL_COLS, JSON_COLS } from './roster-read.js';
import { canonical, canonicalRecord } from '../core/canonical.js';
import { H } from '../core/hash.js';
import { mapHeaders, rowConverter, type ConvertCtx, type ImportKind, type RowIssue } from '../core/roster-fields.js';
import type { ObjClass } from '../core/types.js';

export interface SourceParams {
  kind: ImportKind;
  path: string;
  sheet?: string;
  encoding?: Encoding;
  map: Record<string, string>;
  streamXlsxBytes?: number;
}

/** What the conversion needs from the database, as plain data. */
export interface CtxData {
  regions: Region[];
  tiers: string[];
}

export interface SourceHead {
  /** the column naming a row's key in problems */
  idColumn: string;
  sheet?: string;
  headerRow: number;
  headers: string[];
  encoding?: 'utf8' | 'gb18030';
}

/** One converted row of the file: what the importing thread checks, counts and stores. */
export interface ImportRow {
  rowNumber: number;
  /** the row this row's id was first seen on, when it repeats one; else 0 */
  firstRow: number;
  /** what is wrong with the row, or null */
  issues: RowIssue[] | null;
  /** region code, class and how the class was decided, for the summary */
  region: string | null;
  cls: ObjClass | null;
  classBy: string | null;
  /** the roster key; '' when the row has none that is valid */
  id: string;
  /** the data columns as stored, in COLUMNS order, then extra as JSON text */
  values: SqlValue[];
}

export interface Source {
  head: SourceHead;
  batches: AsyncIterable<ImportRow[]>;
  /** SHA-256 of the file's bytes, once `batches` has been read to the end */
  sha256(): string;
  /** stop reading (early exit) */
  close(): void;
}

/** rows per batch (a worker posts one message per batch) */
const BATCH = 1000;

/**
 * A row's version hash from its stored values (ImportRow.values): H(canonical(data)) of its data
 * fields and extra, exactly as the row reads back from the database (io/roster-read.ts decodes
 * 1/0 as booleans and the JSON columns). Lists are stored as JSON.stringify of their strings,
 * which is already canonical; extra is re-canonicalised (JSON.stringify puts integer-like keys
 * first). It runs in the importing thread, off the reading thread that bounds a large import.
 * test/import.test.ts checks every stored hash against H(canonical(data)) read back, and pins
 * the hashes existing databases hold.
 */
export function rowHasher(kind: ImportKind): (values: readonly SqlValue[]) => string {
  const fields = [...COLUMNS[kind], 'extra'];
  const bool = fields.map((f) => BOOL_COLS.has(f));
  const json = fields.map((f) => JSON_COLS.has(f));
  const write = canonicalRecord(fields, { json: fields.filter((f) => JSON_COLS.has(f)) });
  const last = fields.length - 1;
  const record: unknown[] = new Array(fields.length); // reused: the text is written at once
  return (values) => {
    for (let i = 0; i < last; i++) {
      const v = values[i];
      record[i] = bool[i] ? v === 1 : json[i] && v === null ? 'null' : v;
    }
    const extra = values[last] as string;
    record[last] = extra === '{}' ? extra : canonical(JSON.parse(extra));
    return H(write(record));
  };
}

/** A converted row's data fields as their columns store them (COLUMNS order, then extra as JSON). */
export function storedValues(kind: ImportKind, data: Record<string, unknown>): SqlValue[] {
  const cols = COLUMNS[kind];
  const values: SqlValue[] = new Array(cols.length + 1);
  for (let i = 0; i < cols.length; i++) values[i] = sqlValue(data[cols[i]!]);
  const extra = data.extra as Record<string, string> | undefined;
  values[cols.length] = extra === undefined || isEmpty(extra) ? '{}' : JSON.stringify(extra);
  return values;
}

/** Open the file and find the header (throws NoHeaderError and the like), then convert rows lazily. */
export async function openSource(p: SourceParams, ctxData: CtxData): Promise<Source> {
  const { kind, map } = p;
  const table = await openTable(p.path, {
    sheet: p.sheet,
    encoding: p.encoding,
    isHeader: (h) => mapHeaders(kind, h, map).missing.length === 0,
    score: (h) => mapHeaders(kind, h, map).fields.size,
    streamXlsxBytes: p.streamXlsxBytes,
  });
  const hm = mapHeaders(kind, table.headers, map);
  const ctx: ConvertCtx = { region: regionResolver(new Regions(ctxData.regions)), tiers: ctxData.tiers };
  const toRow = rowConverter(kind, hm, table.headers, ctx);
  const convert = rowMaker(kind, toRow);
  let closed = false;
  async function* batches(): AsyncGenerator<ImportRow[]> {
    if (table.batches) {
      for await (const b of table.batches()) {
        // a CSV batch is a 1 MB chunk's records (~5,000): handed out BATCH rows at a time, so
        // the batches in flight between threads stay small
        for (let i = 0; i < b.length; i += BATCH) {
          if (closed) return;
          yield convertAll(b, i, Math.min(b.length, i + BATCH), convert);
        }
      }
      return;
    }
    let rows: TableRow[] = [];
    for await (const row of table.rows) {
      if (closed) return;
      rows.push(row);
      if (rows.length >= BATCH) {
        yield convertAll(rows, 0, rows.length, convert);
        rows = [];
      }
    }
    if (rows.length) yield convertAll(rows, 0, rows.length, convert);
  }
  return {
    // the id column's label, as the converter names it (the same on every row)
    head: { idColumn: toRow([]).idColumn, sheet: table.sheet, headerRow: table.headerRow, headers: table.headers, encoding: table.encoding },
    batches: batches(),
    sha256: () => table.sha256(),
    close: () => {
      closed = true;
    },
  };
}

function convertAll(rows: TableRow[], from: number, to: number, convert: (row: TableRow) => ImportRow): ImportRow[] {
  const out: ImportRow[] = new Array(to - from);
  for (let i = from; i < to; i++) out[i - from] = convert(rows[i]!);
  return out;
}

/**
 * The converter of one file's rows to ImportRows, noting repeated ids (here rather than in the
 * importing thread: there it raised a 1M-row import's peak RSS by ~35 MB, for no gain in time).
 */
function rowMaker(kind: ImportKind, toRow: ReturnType<typeof rowConverter>): (row: TableRow) => ImportRow {
  // ids seen so far: a repeated id is reported with the row that had it first
  const seen = new IdRows();
  return (row) => {
    const c = toRow(row.cells);
    return {
      rowNumber: row.rowNumber,
      firstRow: c.id ? seen.claim(c.id, row.rowNumber) : 0,
      issues: c.issues.length ? c.issues : null,
      region: c.region ?? null,
      cls: c.cls ?? null,
      classBy: c.classBy ?? null,
      id: c.id,
      values: storedValues(kind, c.data),
    };
  };
}

function isEmpty(o: object): boolean {
  for (const _ in o) return false;
  return true;
}

export type { RowIssue, ObjClass };
