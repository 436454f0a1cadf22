/**
 * The reading half of a roster import (io/roster-write.ts): open the file (io/tabular.ts), find
 * the header, convert every row (core/roster-fields.ts), note repeated ids, hash the rows the
 * importer may store (rowHasher; unless the importing thread has more time, Source.hashing),
 * and hand the rows out in flat batches (RowBatch). Pure with respect to the database: what it
 * needs from it (regions, tier codes) comes in as plain data, so it runs in the importing
 * thread or, for large files, in a worker thread (io/import-worker.ts carries its batches across).
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

/**
 * Converted rows, flat: one array per batch, `rowStride(kind)` entries a row, laid out as ROW
 * says, then the row's stored values (COLUMNS order, then extra as JSON text). One array instead
 * of an object and a values array per row: making, cloning between threads and reading back a
 * million row objects (their keys cloned with every row) cost more than the inserts around them.
 * The id, hash and values are contiguous, in the order VersionWriter inserts them.
 */
export type RowBatch = (SqlValue | RowIssue[])[];

/** Where a row's fields are in a RowBatch, from the row's start. */
export const ROW = {
  rowNumber: 0,
  /** the row this row's id was first seen on, when it repeats one; else 0 */
  firstRow: 1,
  /** what is wrong with the row (RowIssue[]), or null */
  issues: 2,
  /** the roster key; '' when the row has none that is valid */
  id: 3,
  /**
   * the row's version hash (rowHasher); '' for a row that cannot be stored (no id, a repeated
   * id, issues), or when the reader left the hashing to the importing thread (Source.hashing)
   */
  hash: 4,
  /** the first stored value */
  values: 5,
} as const;

/** Entries per row in a RowBatch of `kind`. */
export const rowStride = (kind: ImportKind): number => ROW.values + COLUMNS[kind].length + 1;

export interface Source {
  head: SourceHead;
  batches: AsyncIterable<RowBatch>;
  /** SHA-256 of the file's bytes, once `batches` has been read to the end */
  sha256(): string;
  /** stop reading (early exit) */
  close(): void;
  /**
   * Whether the batches read from now on carry their rows' hashes (at first: yes). The import
   * worker turns it off while the importing thread keeps up with it, which then hashes the rows
   * itself (io/roster-write.ts): the hashing goes to whichever thread has time. (The worker's
   * Source in the importing thread has no such switch.)
   */
  hashing?(on: boolean): void;
}

/** rows per batch (a worker posts one message per batch) */
const BATCH = 1000;

/**
 * A row's version hash from its stored values (as storedValues lays them out, from `at`):
 * H(canonical(data)) of its data fields and extra, exactly as the row reads back from the
 * database (io/roster-read.ts decodes 1/0 as booleans and the JSON columns). Lists are stored as
 * JSON.stringify of their strings, which is already canonical; extra is re-canonicalised
 * (JSON.stringify puts integer-like keys first). test/import.test.ts checks every stored hash
 * against H(canonical(data)) read back, and pins the hashes existing databases hold.
 */
export function rowHasher(kind: ImportKind): (values: readonly (SqlValue | RowIssue[])[], at?: number) => string {
  const fields = [...COLUMNS[kind], 'extra'];
  const bool = fields.map((f) => BOOL_COLS.has(f));
  const json = fields.map((f) => JSON_COLS.has(f));
  const write = canonicalRecord(fields, { json: fields.filter((f) => JSON_COLS.has(f)) });
  const last = fields.length - 1;
  const record: unknown[] = new Array(fields.length); // reused: the text is written at once
  return (values, at = 0) => {
    for (let i = 0; i < last; i++) {
      const v = values[at + i];
      record[i] = bool[i] ? v === 1 : json[i] && v === null ? 'null' : v;
    }
    const extra = values[at + last] as string;
    record[last] = extra === '{}' ? extra : canonical(JSON.parse(extra));
    return H(write(record));
  };
}

/** A converted row's data fields as their columns store them (COLUMNS order, then extra as JSON). */
export function storedValues(kind: ImportKind, data: Record<string, unknown>): SqlValue[] {
  const values: SqlValue[] = [];
  writeStoredValues(COLUMNS[kind], data, values, 0);
  return values;
}

/** storedValues(kind, data) written into `out` from `at` (cols: COLUMNS[kind]); the index after them. */
function writeStoredValues(cols: readonly string[], data: Record<string, unknown>, out: unknown[], at: number): number {
  for (let i = 0; i < cols.length; i++) out[at++] = sqlValue(data[cols[i]!]);
  const extra = data.extra as Record<string, string> | undefined;
  out[at++] = extra === undefined || isEmpty(extra) ? '{}' : JSON.stringify(extra);
  return at;
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
  let hashing = true;
  async function* batches(): AsyncGenerator<RowBatch> {
    if (table.batches) {
      for await (const b of table.batches()) {
        // a CSV batch is a 32 KB piece's records (table-csv.ts), handed out at most BATCH rows at
        // a time, so that the batches in flight between threads stay small
        for (let i = 0; i < b.length; i += BATCH) {
          if (closed) return;
          yield convert(b, i, Math.min(b.length, i + BATCH), hashing);
        }
      }
      return;
    }
    let rows: TableRow[] = [];
    for await (const row of table.rows) {
      if (closed) return;
      rows.push(row);
      if (rows.length >= BATCH) {
        yield convert(rows, 0, rows.length, hashing);
        rows = [];
      }
    }
    if (rows.length) yield convert(rows, 0, rows.length, hashing);
  }
  return {
    // the id column's label, as the converter names it (the same on every row)
    head: { idColumn: toRow([]).idColumn, sheet: table.sheet, headerRow: table.headerRow, headers: table.headers, encoding: table.encoding },
    batches: batches(),
    sha256: () => table.sha256(),
    close: () => {
      closed = true;
    },
    hashing: (on) => {
      hashing = on;
    },
  };
}

/**
 * The converter of one file's rows (rows[from..to)) to a RowBatch, noting repeated ids (here
 * rather than in the importing thread: there it raised a 1M-row import's peak RSS by ~35 MB,
 * for no gain in time) and, with `hashing`, hashing the rows that can be stored. It returns the
 * same array every time, valid until the next call: the worker posts (copies) a batch before
 * reading on, and io/roster-write.ts is done with one before it asks for the next.
 */
function rowMaker(kind: ImportKind, toRow: ReturnType<typeof rowConverter>): (rows: TableRow[], from: number, to: number, hashing: boolean) => RowBatch {
  // ids seen so far: a repeated id is reported with the row that had it first
  const seen = new IdRows();
  const cols = COLUMNS[kind];
  const stride = rowStride(kind);
  const hash = rowHasher(kind);
  // one array for every batch, written from its start in order (so it stays packed: structured
  // clone copies a packed array as a dense list, a holey one as a sparse one, several times
  // slower): no new array, grown push by push, per batch
  const out: RowBatch = [];
  return (rows, from, to, hashing) => {
    let o = 0;
    for (let r = from; r < to; r++) {
      const { rowNumber, cells } = rows[r]!;
      const c = toRow(cells);
      const firstRow = c.id ? seen.claim(c.id, rowNumber) : 0;
      const issues = c.issues.length ? c.issues : null;
      out[o + ROW.rowNumber] = rowNumber;
      out[o + ROW.firstRow] = firstRow;
      out[o + ROW.issues] = issues;
      out[o + ROW.id] = c.id;
      out[o + ROW.hash] = '';
      writeStoredValues(cols, c.data, out, o + ROW.values);
      if (hashing && c.id && !firstRow && !issues) out[o + ROW.hash] = hash(out, o + ROW.values);
      o += stride;
    }
    out.length = o;
    return out;
  };
}

function isEmpty(o: object): boolean {
  for (const _ in o) return false;
  return true;
}

export type { RowIssue };
