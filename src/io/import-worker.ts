/**
 * The reading half of a roster import (io/roster-write.ts): open the file (io/tabular.ts), find
 * the header, convert every row (core/roster-fields.ts), note repeated ids, lay out its column
 * values, and hand the rows out in batches. Pure with respect to the database: what it needs
 * from the database (regions, tier codes) is passed in as plain data. Row hashes are computed by
 * whichever thread has time (fillHashes, packedHasher).
 *
 * It runs either in the importing thread (small files, and under test runners that load the
 * TypeScript sources) or in a worker thread (large files), so that reading and converting
 * overlap with the SQLite inserts of the importing thread. The worker posts batches of
 * converted rows and waits for acknowledgements beyond a few batches in flight, so memory stays
 * flat however slowly the inserts go. The CSV test files are under 1 MB, so the worker path has
 * its own test against the compiled code (test/import-worker.test.ts).
 */
import { isMainThread, parentPort, receiveMessageOnPort, workerData, Worker } from 'node:worker_threads';
import { Regions, type Region } from './regions.js';
import { IdRows } from './id-rows.js';
import { BOOL_COLS, JSON_COLS } from './roster-read.js';
import { openTable, NoHeaderError, type Encoding, type TableRow } from './tabular.js';
import { canonical, compareCodePoints } from '../core/canonical.js';
import { H } from '../core/hash.js';
import { mapHeaders, rowConverter, type ConvertCtx, type HeaderMap, type ImportKind, type RowIssue } from '../core/roster-fields.js';
import type { ObjClass } from '../core/types.js';
import { SjError, UsageError, type ExitCode, type RowProblem } from '../errors.js';
import { getLang, setLang, type Lang } from '../messages/index.js';

/** Data columns per roster (camelCase field → column), in table order. */
export const COLUMNS: Record<ImportKind, string[]> = {
  objects: ['name', 'region', 'class', 'classBy', 'tier', 'industry', 'tags', 'offsite', 'status', 'months', 'permit', 'address', 'contact', 'phone'],
  inspectors: ['name', 'region', 'line', 'certified', 'certExpiry', 'specialties', 'status'],
  experts: ['name', 'org', 'region', 'industries', 'status'],
  items: ['name', 'basis', 'line', 'classes', 'industries', 'method', 'level'],
  avoidance: ['person', 'object', 'reason'],
};

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
 * A batch of converted rows, packed flat (cheap to post between threads): per row, `stride(kind)`
 * slots: rowNumber, the row its id was first seen on when this row repeats it (else 0), issues
 * (RowIssue[] or null), region code, class, classBy (or null), then, from INSERT_AT on, what a
 * new version stores: id ('' when the row has no valid id), H(canonical(data)) or '' when not
 * computed yet (whichever thread has time computes it: fillHashes), the data columns in
 * COLUMNS order as stored, extra as JSON.
 */
export type SourceBatch = unknown[];
export const INSERT_AT = 6;
export const VALS_AT = 8;
export const stride = (kind: ImportKind) => VALS_AT + COLUMNS[kind].length + 1;
export type { RowIssue, ObjClass };

export interface Source {
  head: SourceHead;
  batches: AsyncIterable<SourceBatch>;
  /** SHA-256 of the file's bytes, once `batches` has been read to the end */
  sha256(): string;
  /** stop reading (early exit) */
  close(): void;
}

const BATCH = 1000;

/** A region resolver for import: Regions.find, then 分局/生态环境局 forms (衡水市生态环境局桃城区分局). */
export function regionResolver(regions: Regions): ConvertCtx['region'] {
  const cache = new Map<string, { code: string; level: 'city' | 'county' } | undefined>();
  const cityName = regions.city.name;
  const cityShort = cityName.replace(/市$/u, '');
  return (s: string) => {
    if (cache.has(s)) return cache.get(s);
    const tries = [s];
    let v = s.replace(/[\s\u3000]/gu, '');
    for (const p of [`${cityName}生态环境局`, `${cityShort}市生态环境局`, '市生态环境局', cityName, cityShort]) {
      if (v.startsWith(p) && v.length > p.length) {
        v = v.slice(p.length);
        break;
      }
    }
    tries.push(v, v.replace(/(生态环境)?分局$/u, ''), v.replace(/(生态环境)?分局$/u, '').replace(/^(生态环境局)/u, ''));
    let hit: { code: string; level: 'city' | 'county' } | undefined;
    for (const x of tries) {
      const r = x ? regions.find(x) : undefined;
      if (r) {
        hit = { code: r.code, level: r.level };
        break;
      }
    }
    cache.set(s, hit);
    return hit;
  };
}

// ---- hashing a row ---------------------------------------------------------------------

const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;
/** JSON.stringify(s), without the call for the common string that needs no escape */
const quote = (s: string) => (NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : '"' + s + '"');

/**
 * A row's version hash, H(canonical(data)), computed from its packed values (SourceBatch) rather
 * than from the data object: the keys of a kind are sorted once, the values are written as
 * canonical() writes them (text quoted, 1/0 as true/false, lists already canonical JSON, extra
 * re-canonicalised when not empty), with the column types roster-read.ts decodes by. Computed
 * by whichever thread has time (fillHashes); test/import.test.ts checks every stored hash
 * against H(canonical(data)) read back from the database.
 */
export function packedHasher(kind: ImportKind): (batch: SourceBatch, o: number) => string {
  const cols = COLUMNS[kind];
  const keys = [...cols, 'extra'].sort(compareCodePoints);
  const parts = keys.map((k, i) => ({
    at: VALS_AT + (k === 'extra' ? cols.length : cols.indexOf(k)),
    prefix: (i ? ',' : '{') + JSON.stringify(k) + ':',
    type: k === 'extra' ? 'extra' : BOOL_COLS.has(k) ? 'bool' : JSON_COLS.has(k) ? 'list' : 'text',
  }));
  return (batch, o) => {
    let s = '';
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      const v = batch[o + p.at];
      let w: string;
      if (p.type === 'text') w = v === null ? 'null' : quote(v as string);
      else if (p.type === 'bool') w = v ? 'true' : 'false';
      else if (p.type === 'list') w = v as string;
      else w = v === '{}' ? '{}' : canonical(JSON.parse(v as string));
      s += p.prefix + w;
    }
    return H(s + '}');
  };
}

function isEmpty(o: object): boolean {
  for (const _ in o) return false;
  return true;
}

function dbValue(v: unknown): unknown {
  if (Array.isArray(v)) return JSON.stringify(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v === undefined) return null;
  return v;
}

// ---- the source, in this thread --------------------------------------------------------

/** Open the file and find the header (throws NoHeaderError and the like), then convert rows lazily. */
export async function openSource(p: SourceParams, ctxData: CtxData): Promise<Source & { hm: HeaderMap }> {
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
  const cols = COLUMNS[kind];
  const headers = table.headers;
  const toRow = rowConverter(kind, hm, headers, ctx);
  // ids seen so far: a repeated id is reported with the row that had it first
  const seen = new IdRows();
  const nCols = cols.length;
  const width = stride(kind);
  const convert = (row: TableRow, out: unknown[], o: number): void => {
    const c = toRow(row.cells);
    const data = c.data;
    out[o] = row.rowNumber;
    const firstRow = c.id ? seen.claim(c.id, row.rowNumber) : 0;
    out[o + 1] = firstRow;
    out[o + 2] = c.issues.length ? c.issues : null;
    out[o + 3] = c.region ?? null;
    out[o + 4] = c.cls ?? null;
    out[o + 5] = c.classBy ?? null;
    out[o + INSERT_AT] = c.id;
    out[o + INSERT_AT + 1] = ''; // the hash: see fillHashes
    for (let i = 0; i < nCols; i++) out[o + VALS_AT + i] = dbValue(data[cols[i]!]);
    const extra = data.extra as Record<string, string> | undefined;
    out[o + VALS_AT + nCols] = extra === undefined || isEmpty(extra) ? '{}' : JSON.stringify(extra);
  };
  let closed = false;
  const pack = (rows: TableRow[]): SourceBatch => {
    const out = new Array<unknown>(rows.length * width);
    for (let i = 0; i < rows.length; i++) convert(rows[i]!, out, i * width);
    return out;
  };
  async function* batches(): AsyncGenerator<SourceBatch> {
    if (table.batches) {
      for await (const b of table.batches()) {
        // a CSV batch is a 1 MB chunk's records (~5,000): posted BATCH rows at a time, so the
        // batches in flight stay small
        for (let i = 0; i < b.length; i += BATCH) {
          if (closed) return;
          yield pack(i === 0 && b.length <= BATCH ? b : b.slice(i, i + BATCH));
        }
      }
      return;
    }
    let rows: TableRow[] = [];
    for await (const row of table.rows) {
      if (closed) return;
      rows.push(row);
      if (rows.length >= BATCH) {
        yield pack(rows);
        rows = [];
      }
    }
    if (rows.length) yield pack(rows);
  }
  // the id column's label, as the converter names it (the same on every row)
  const idColumn = toRow([]).idColumn;
  return {
    hm,
    head: { idColumn, sheet: table.sheet, headerRow: table.headerRow, headers: table.headers, encoding: table.encoding },
    batches: batches(),
    sha256: () => table.sha256(),
    close: () => {
      closed = true;
    },
  };
}

// ---- the source, in a worker thread ----------------------------------------------------

/** batches posted and not yet acknowledged before the worker waits */
const IN_FLIGHT = 4;

type ToMain =
  | { t: 'head'; head: SourceHead }
  | { t: 'rows'; rows: SourceBatch }
  | { t: 'end'; sha256: string }
  | { t: 'error'; error: SerializedError };

interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  exitCode?: ExitCode;
  hint?: string;
  problems?: RowProblem[];
  details?: Record<string, unknown>;
  noHeader?: { file: string; sheet: string | undefined; found: string[]; foundRow: number | undefined };
}

function serializeError(e: unknown): SerializedError {
  if (e instanceof NoHeaderError) {
    return { name: e.name, message: e.message, noHeader: { file: e.file, sheet: e.sheet, found: e.found, foundRow: e.foundRow } };
  }
  if (e instanceof SjError) {
    return { name: e.name, message: e.message, exitCode: e.exitCode, hint: e.hint, problems: e.problems, details: e.details };
  }
  const err = e instanceof Error ? e : new Error(String(e));
  return { name: err.name, message: err.message, stack: err.stack };
}

function deserializeError(s: SerializedError): Error {
  if (s.noHeader) return new NoHeaderError(s.noHeader.file, s.noHeader.sheet, s.noHeader.found, s.noHeader.foundRow, s.message);
  if (s.name === 'UsageError') return new UsageError(s.message, s.hint);
  if (s.exitCode !== undefined) return new SjError(s.message, { exitCode: s.exitCode, hint: s.hint, problems: s.problems, details: s.details });
  const e = new Error(s.message);
  e.name = s.name;
  if (s.stack) e.stack = s.stack;
  return e;
}

/**
 * Write the hash of every row from offset `from` that will need one (an id, no issues, not a
 * repeat), until `stop()` says to stop (checked every 64 rows). Returns where it stopped.
 */
export function fillHashes(batch: SourceBatch, width: number, hash: (batch: SourceBatch, o: number) => string, from = 0, stop: () => boolean = () => false): number {
  let o = from;
  for (let n = 0; o < batch.length; o += width) {
    if (++n % 64 === 0 && stop()) break;
    if (batch[o + INSERT_AT] && batch[o + 2] === null && batch[o + 1] === 0 && !batch[o + INSERT_AT + 1]) batch[o + INSERT_AT + 1] = hash(batch, o);
  }
  return o;
}

/** Can this module run as a worker (compiled JavaScript, not TypeScript loaded by a test runner)? */
export const workerAvailable = import.meta.url.endsWith('.js');

/** The same source, read and converted in a worker thread. */
export function openWorkerSource(p: SourceParams, ctxData: CtxData): Promise<Source> {
  const w = new Worker(new URL(import.meta.url), {
    workerData: { sjImportWorker: true, params: p, ctx: ctxData, lang: getLang() },
    // CSV: a small young generation (the rows die young) keeps a 1M-row import well under
    // 300 MB of peak RSS (bench/import.mjs: ~250 MB; the default lets it reach ~310 MB). Not for
    // xlsx, where exceljs' reader is the bottleneck and runs ~6 % slower with it.
    resourceLimits: /\.xls[xm]$/i.test(p.path) ? {} : { maxYoungGenerationSizeMb: 24 },
  });
  const queue: ToMain[] = [];
  let wake: (() => void) | undefined;
  let failure: Error | undefined;
  let finished = false;
  let digest = '';
  w.on('message', (m: ToMain) => {
    queue.push(m);
    wake?.();
  });
  w.on('error', (e) => {
    failure ??= e;
    wake?.();
  });
  w.on('exit', (code) => {
    if (!finished) failure ??= new Error(`import worker exited (${code})`);
    wake?.();
  });
  const next = async (): Promise<ToMain> => {
    for (;;) {
      const m = queue.shift();
      if (m) return m;
      if (failure) throw failure;
      await new Promise<void>((r) => (wake = r));
      wake = undefined;
    }
  };
  const close = () => {
    if (!finished) {
      finished = true;
      void w.terminate();
    }
  };
  async function* batches(): AsyncGenerator<SourceBatch> {
    try {
      for (;;) {
        const m = await next();
        if (m.t === 'rows') {
          w.postMessage('ack');
          yield m.rows;
        } else if (m.t === 'end') {
          digest = m.sha256;
          finished = true;
          return;
        } else if (m.t === 'error') throw deserializeError(m.error);
      }
    } finally {
      close();
    }
  }
  return (async () => {
    let m: ToMain;
    try {
      m = await next();
    } catch (e) {
      close();
      throw e;
    }
    if (m.t === 'error') {
      close();
      throw deserializeError(m.error);
    }
    if (m.t !== 'head') {
      close();
      throw new Error('import worker: no header');
    }
    return { head: m.head, batches: batches(), sha256: () => digest, close };
  })();
}

async function workerMain(): Promise<void> {
  const port = parentPort!;
  const { params, ctx, lang } = workerData as { params: SourceParams; ctx: CtxData; lang: Lang };
  setLang(lang);
  let inFlight = 0;
  let resume: (() => void) | undefined;
  port.on('message', () => {
    inFlight--;
    resume?.();
  });
  const post = (m: ToMain) => port.postMessage(m);
  try {
    const src = await openSource(params, ctx);
    post({ t: 'head', head: src.head });
    const hash = packedHasher(params.kind);
    const width = stride(params.kind);
    // acknowledgements that arrived while this thread was busy (taken without the event loop)
    const acked = () => {
      while (receiveMessageOnPort(port)) inFlight--;
      return inFlight < IN_FLIGHT;
    };
    for await (const rows of src.batches) {
      // the importing thread is behind (this batch would have to wait): hash its rows here
      // until an acknowledgement comes; the importing thread hashes the rest (the same hashes)
      if (inFlight >= IN_FLIGHT && !acked()) fillHashes(rows, width, hash, 0, acked);
      while (inFlight >= IN_FLIGHT) {
        await new Promise<void>((r) => (resume = r));
        resume = undefined;
      }
      inFlight++;
      post({ t: 'rows', rows });
    }
    post({ t: 'end', sha256: src.sha256() });
  } catch (e) {
    post({ t: 'error', error: serializeError(e) });
  }
  port.close();
}

if (!isMainThread && (workerData as { sjImportWorker?: boolean } | null)?.sjImportWorker) void workerMain();
