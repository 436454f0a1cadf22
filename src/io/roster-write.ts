/**
 * Importing a roster file into the versioned roster tables (schema.ts): one import = one
 * transaction, all rows or none.
 *
 * The file is read row by row (CSV and large xlsx stream) inside one IMMEDIATE transaction:
 * every row is validated; while no problem has been seen, it is written at once (prepared
 * statements, current hashes loaded into a Map first). When the file has any problem, every
 * row is still validated (all problems reported) and the transaction is ROLLED BACK, so the
 * database is left unchanged. A dry run validates and counts inside a transaction that is
 * always rolled back, and writes nothing. (writeTx() takes a synchronous function; reading the file is asynchronous,
 * so the transaction is opened and closed here explicitly, with the same IMMEDIATE lock.)
 *
 * Versioning: row hash = H(canonical(data fields incl. extra)). Same hash, current, in the
 * roster → nothing. Changed → close the current version (valid_to = now) and insert a new one.
 * New → insert. Full mode: current rows not in the file → close and insert a copy with
 * in_roster = 0. Never deleted.
 */
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import type { DB } from './db.js';
import { Regions } from './regions.js';
import { tierCodesInForce } from './rules-store.js';
import { NoHeaderError, type Encoding } from './tabular.js';
import { COLUMNS, VALS_AT, INSERT_AT, packedHasher, openSource, openWorkerSource, regionResolver, stride, workerAvailable, type ObjClass, type RowIssue, type Source, type SourceParams } from './import-worker.js';
import { mapHeaders, fieldLabel, fieldNames, headerLabel, FIELDS, type ImportKind } from '../core/roster-fields.js';
import { SjError, UsageError, type RowProblem } from '../errors.js';
import { t } from '../messages/index.js';
import { isoUtc, now } from './clock.js';

export interface ImportOptions {
  kind: ImportKind;
  path: string;
  sheet?: string;
  encoding?: Encoding;
  /** field → header (from --map) */
  map?: Record<string, string>;
  mode?: 'full' | 'partial';
  dryRun?: boolean;
  /** called every few thousand rows with the number of rows read */
  onProgress?(rows: number): void;
  /** xlsx files above this size use the streaming reader */
  streamXlsxBytes?: number;
  /** files of at least this size are read and converted in a worker thread (default WORKER_BYTES) */
  workerBytes?: number;
}

/** Files this large are read in a worker thread, overlapping with the inserts. */
export const WORKER_BYTES = 1 << 20;
/** rows per multi-row INSERT */
const INSERT_BATCH = 50;

export interface ImportSummary {
  kind: ImportKind;
  file: string;
  sheet: string | null;
  mode: 'full' | 'partial';
  dryRun: boolean;
  added: number;
  updated: number;
  unchanged: number;
  deactivated: number;
  /** objects: region → class → n; inspectors/experts: region → n; others: {} */
  byRegion: Record<string, Record<string, number> | number>;
  byPrecedence: number;
  rows: number;
  /** not in the JSON of the brief but useful: where the header was, the encoding, kept extra columns */
  headerRow: number;
  encoding: string | null;
  extraColumns: string[];
  importId: number | null;
}

/** A problem with its machine tag (shown in --json error output as `code`). */
export type TaggedProblem = RowProblem & { code: string; value?: string; firstRow?: number };

/** Problems kept in memory (and reported); beyond this only counted. */
export const MAX_PROBLEMS = 1000;

export { COLUMNS, regionResolver };
export const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

export function parseMap(kind: ImportKind, entries: string[] = []): Record<string, string> {
  const map: Record<string, string> = {};
  const fields = fieldNames(kind);
  for (const e of entries) {
    const i = e.indexOf('=');
    const field = i > 0 ? e.slice(0, i).trim() : '';
    const header = i > 0 ? e.slice(i + 1).trim() : '';
    if (!field || !header || !fields.includes(field)) throw new UsageError(t('import.badMap', { value: e, fields: fields.join(', ') }));
    map[field] = header;
  }
  return map;
}

/** Import one roster file. Throws SjError (with every problem) when the file has any; the db is then unchanged. */
export async function importRoster(db: DB, opts: ImportOptions): Promise<ImportSummary> {
  const { kind } = opts;
  const mode = opts.mode ?? 'full';
  const dryRun = opts.dryRun ?? false;
  const map = opts.map ?? {};
  const file = basename(opts.path);

  const sourceParams: SourceParams = { kind, path: opts.path, sheet: opts.sheet, encoding: opts.encoding, map, streamXlsxBytes: opts.streamXlsxBytes };
  let size = 0;
  try {
    size = statSync(opts.path).size;
  } catch {
    // openTable names the missing file
  }
  const useWorker = workerAvailable && size >= (opts.workerBytes ?? WORKER_BYTES);

  const at = isoUtc(now());
  const cols = COLUMNS[kind];
  const dbCols = cols.map(snake);
  // per row: id, hash, the data columns, extra (as the source lays them out from INSERT_AT on);
  // the version's start and the import are the same on every row
  const nVals = 2 + cols.length + 1;
  const oneRow = `(?, ?, ${dbCols.map(() => '?').join(', ')}, ?, @at, NULL, @imp, 1)`;
  const insertSql = (n: number) =>
    `INSERT INTO ${kind} (id, hash, ${dbCols.join(', ')}, extra, valid_from, valid_to, import_id, in_roster) VALUES ${Array.from({ length: n }, () => oneRow).join(', ')}`;
  const insert = db.prepare(insertSql(1));
  let insertMany: ReturnType<DB['prepare']> | undefined;
  const close = db.prepare(`UPDATE ${kind} SET valid_to = ? WHERE vid = ?`);
  const copyRemoved = db.prepare(
    `INSERT INTO ${kind} (id, valid_from, valid_to, import_id, in_roster, hash, ${dbCols.join(', ')}, extra)
     SELECT id, ?, NULL, ?, 0, hash, ${dbCols.join(', ')}, extra FROM ${kind} WHERE vid = ?`,
  );

  // a dry run also runs in a transaction, always rolled back: whatever a helper writes on
  // first use (e.g. the bundled rules stored by tierCodesInForce) is undone with it
  db.exec(dryRun ? 'BEGIN' : 'BEGIN IMMEDIATE');
  let inTx = !dryRun;
  let source: Source | undefined;
  try {
    // the file is read only now (the conversion needs the regions and tiers, read under the lock)
    const ctxData = { regions: Regions.load(db).all, tiers: [...tierCodesInForce(db)] };
    try {
      source = useWorker ? await openWorkerSource(sourceParams, ctxData) : await openSource(sourceParams, ctxData);
    } catch (e) {
      if (e instanceof NoHeaderError) {
        const hm = mapHeaders(kind, e.found, map);
        const missing = hm.missing.length ? hm.missing : FIELDS[kind].filter((f) => f.required).map((f) => f.field);
        const problems: TaggedProblem[] = missing.map((f) => ({
          file,
          sheet: e.sheet,
          column: map[f] ?? FIELDS[kind].find((s) => s.field === f)!.headers[0]!,
          problem: t('import.p.missing-column', { missing: fieldLabel(kind, f), found: e.found.map(headerLabel).join('、') || '—' }),
          code: 'missing-column',
        }));
        throw new SjError(t('import.noHeader', { file }), {
          problems,
          hint: t('import.noHeaderHint', { required: FIELDS[kind].filter((f) => f.required).map((f) => fieldLabel(kind, f.field)).join('，') }),
        });
      }
      throw e;
    }
    const head = source.head;
    const hm = mapHeaders(kind, head.headers, map);
    for (const [field, header] of Object.entries(map)) {
      if (!hm.fields.has(field)) {
        throw new UsageError(t('import.mapNotFound', { field, header, found: head.headers.filter(Boolean).map(headerLabel).join('、') }));
      }
    }

    const sheet = head.sheet;
    const problems: TaggedProblem[] = [];
    let problemCount = 0;
    const problem = (p: Omit<TaggedProblem, 'file' | 'sheet' | 'problem'> & { params?: Record<string, string | number> }) => {
      problemCount++;
      if (problems.length >= MAX_PROBLEMS) return;
      const { params, ...rest } = p;
      const out: TaggedProblem = { file, ...(sheet !== undefined ? { sheet } : {}), ...rest, problem: t(`import.p.${p.code}`, params ?? {}) };
      if (params?.value !== undefined) out.value = String(params.value);
      if (params?.firstRow !== undefined) out.firstRow = Number(params.firstRow);
      problems.push(out);
    };

    // persons and objects an avoidance pair may name
    let persons: Set<string> | undefined;
    let objectIds: Set<string> | undefined;
    let objectColumn = '';
    if (kind === 'avoidance') {
      persons = new Set([
        ...(db.prepare('SELECT id FROM inspectors WHERE valid_to IS NULL AND in_roster = 1').pluck().all() as string[]),
        ...(db.prepare('SELECT id FROM experts WHERE valid_to IS NULL AND in_roster = 1').pluck().all() as string[]),
      ]);
      objectIds = new Set(db.prepare('SELECT id FROM objects WHERE valid_to IS NULL AND in_roster = 1').pluck().all() as string[]);
      objectColumn = headerLabel(head.headers[hm.fields.get('object')!] ?? '');
    }

    // current versions, read under the write lock
    const current = new Map<string, { vid: number; hash: string; inRoster: boolean; seen: boolean }>();
    for (const r of db.prepare(`SELECT id, vid, hash, in_roster FROM ${kind} WHERE valid_to IS NULL`).raw().iterate() as Iterable<[string, number, string, number]>) {
      current.set(r[0], { vid: r[1], hash: r[2], inRoster: r[3] === 1, seen: false });
    }
    // the first import into an empty table is a bulk load: its indexes are dropped and built
    // again once the rows are in (sorting once is much cheaper than a random B-tree insert per
    // row); inside the transaction, so a failed import gets them back with everything else
    let rebuild: string[] = [];
    if (!dryRun && db.prepare(`SELECT NOT EXISTS (SELECT 1 FROM ${kind})`).pluck().get() === 1) {
      const indexes = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name").all(kind) as { name: string; sql: string }[];
      for (const { name } of indexes) db.exec(`DROP INDEX "${name}"`);
      rebuild = indexes.map((i) => i.sql);
    }
    let importId: number | null = null;
    if (!dryRun) {
      importId = Number(
        db
          .prepare('INSERT INTO imports (kind, file, file_sha256, sheet, mode, at, summary) VALUES (?, ?, ?, ?, ?, ?, ?)')
          .run(kind, file, '', sheet ?? null, mode, at, '{}').lastInsertRowid,
      );
    }

    // rows to insert, INSERT_BATCH at a time (a replaced version is closed at once, before its
    // successor is inserted; ids within the file are distinct, so the order is otherwise kept)
    let pending: unknown[] = [];
    let nPending = 0;
    const constants = { at, imp: importId };
    const flush = () => {
      if (nPending === INSERT_BATCH) (insertMany ??= db.prepare(insertSql(INSERT_BATCH))).run(pending, constants);
      else for (let i = 0; i < nPending; i++) insert.run(pending.slice(i * nVals, (i + 1) * nVals), constants);
      pending = [];
      nPending = 0;
    };

    const s = { added: 0, updated: 0, unchanged: 0, deactivated: 0, byPrecedence: 0, rows: 0 };
    const byRegion: Record<string, Record<string, number> | number> = {};
    let nextProgress = 4096;
    const width = stride(kind);
    const rowHash = packedHasher(kind);
    const idColumn = head.idColumn;
    for await (const batch of source.batches) {
      for (let o = 0; o < batch.length; o += width) {
        s.rows++;
        if (opts.onProgress && s.rows >= nextProgress) {
          nextProgress += 4096;
          opts.onProgress(s.rows);
        }
        const rowNumber = batch[o] as number;
        const firstRow = batch[o + 1] as number;
        const issues = batch[o + 2] as RowIssue[] | null;
        const id = batch[o + INSERT_AT] as string;
        if (issues) for (const p of issues) problem({ row: rowNumber, column: p.column, code: p.tag, params: p.params });
        if (kind === 'avoidance' && id) {
          const person = batch[o + VALS_AT] as string;
          const object = batch[o + VALS_AT + 1] as string;
          if (!persons!.has(person)) problem({ row: rowNumber, column: idColumn, code: 'unknown-person', params: { value: person } });
          if (!objectIds!.has(object)) problem({ row: rowNumber, column: objectColumn, code: 'unknown-object', params: { value: object } });
        }
        if (!id) continue;
        if (firstRow) {
          problem({ row: rowNumber, column: idColumn, code: kind === 'avoidance' ? 'duplicate-pair' : 'duplicate-id', params: { value: id, firstRow } });
          continue;
        }
        const cur = current.get(id);
        if (cur) cur.seen = true;
        if (issues) continue;
        const region = batch[o + 3] as string | null;
        if (region) {
          if (kind === 'objects') {
            const cls = batch[o + 4] as ObjClass;
            const r = (byRegion[region] ??= { special: 0, key: 0, positive: 0, general: 0 }) as Record<string, number>;
            r[cls] = (r[cls] ?? 0) + 1;
          } else byRegion[region] = ((byRegion[region] as number) ?? 0) + 1;
        }
        if (batch[o + 5] === 'precedence') s.byPrecedence++;
        const hash = (batch[o + INSERT_AT + 1] as string) || (batch[o + INSERT_AT + 1] = rowHash(batch, o));
        let write = false;
        if (!cur) {
          s.added++;
          write = true;
        } else if (cur.hash === hash && cur.inRoster) {
          s.unchanged++;
        } else {
          if (cur.inRoster) s.updated++;
          else s.added++;
          write = true;
        }
        if (write && inTx && problemCount === 0) {
          if (cur) close.run(at, cur.vid);
          for (let i = o + INSERT_AT, end = o + width; i < end; i++) pending.push(batch[i]);
          if (++nPending === INSERT_BATCH) flush();
        }
      }
    }
    if (s.rows === 0 && problemCount === 0) {
      // a full import of an empty roster would mark every row inactive: refuse it
      throw new SjError(t('import.noRows', { file }), { hint: t('import.noRowsHint') });
    }
    if (problemCount > 0) {
      throw new SjError(t('import.failed', { file, n: problemCount }), {
        problems: problems as RowProblem[],
        hint: problemCount > problems.length ? t('import.tooMany', { n: problems.length }) : t('import.failedHint'),
      });
    }
    if (inTx) {
      flush();
      for (const sql of rebuild) db.exec(sql);
    }
    if (mode === 'full') {
      for (const cur of current.values()) {
        if (!cur.inRoster || cur.seen) continue;
        s.deactivated++;
        if (inTx) {
          close.run(at, cur.vid);
          copyRemoved.run(at, importId, cur.vid);
        }
      }
    }
    opts.onProgress?.(s.rows);
    const summary: ImportSummary = {
      kind,
      file,
      sheet: sheet ?? null,
      mode,
      dryRun,
      ...s,
      byRegion: sortKeys(byRegion),
      headerRow: head.headerRow,
      encoding: head.encoding ?? null,
      extraColumns: [...hm.extra.values()],
      importId,
    };
    if (inTx) {
      const { importId: _i, ...stored } = summary;
      db.prepare('UPDATE imports SET file_sha256 = ?, summary = ? WHERE id = ?').run(source.sha256(), JSON.stringify(stored), importId);
      db.exec('COMMIT');
      inTx = false;
    }
    return summary;
  } finally {
    source?.close();
    if ((inTx || dryRun) && db.inTransaction) db.exec('ROLLBACK');
  }
}

function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
