/**
 * Importing a roster file into the versioned roster tables (schema.ts): one import = one
 * transaction, all rows or none.
 *
 * The file is read row by row (CSV and large xlsx stream) inside one IMMEDIATE transaction:
 * io/import-rows.ts converts each row (in a worker thread, io/import-worker.ts, for files of
 * WORKER_BYTES or more, noting repeated ids, and hashing the rows when this thread is the slower
 * one); this module checks it (avoidance targets), hashes it when the reader did not, and
 * decides its version; io/roster-versions.ts writes it. While no problem has been
 * seen, rows are written at once (current hashes loaded into a Map first). When the file has any
 * problem, every row is still validated (all problems reported) and the transaction is ROLLED
 * BACK, so the database is left unchanged. A dry run validates and counts inside a transaction
 * that is always rolled back, and writes nothing. (writeTx() takes a synchronous function;
 * reading the file is asynchronous, so the transaction is opened and closed here explicitly,
 * with the same IMMEDIATE lock.)
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
import { openSource, ROW, rowHasher, rowStride, type RowIssue, type Source, type SourceParams } from './import-rows.js';
import { openWorkerSource, workerAvailable } from './import-worker.js';
import { COLUMNS, columnIndex } from './roster-columns.js';
import { avoidanceTargets, currentVersions, dropIndexesIfEmpty, finishImport, startImport, VersionWriter } from './roster-versions.js';
import type { ObjClass } from '../core/types.js';
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
      throw e instanceof NoHeaderError ? noHeaderError(e, kind, map, file) : e;
    }
    // read in this thread, the rows are hashed below as they would be when a worker leaves them
    if (!useWorker) source.hashing?.(false);
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
    const targets = kind === 'avoidance' ? avoidanceTargets(db) : undefined;
    const objectColumn = kind === 'avoidance' ? headerLabel(head.headers[hm.fields.get('object')!] ?? '') : '';
    const current = currentVersions(db, kind);
    const rebuild = dryRun ? [] : dropIndexesIfEmpty(db, kind);
    const importId = dryRun ? null : startImport(db, { kind, file, sheet: sheet ?? null, mode, at });
    const writer = importId === null ? undefined : new VersionWriter(db, kind, at, importId);

    const s = { added: 0, updated: 0, unchanged: 0, deactivated: 0, byPrecedence: 0, rows: 0 };
    const byRegion: Record<string, Record<string, number> | number> = {};
    let nextProgress = 4096;
    const idColumn = head.idColumn;
    const stride = rowStride(kind);
    const rowHash = rowHasher(kind);
    // the stored values the summary counts by (-1: the roster has no such column)
    const REGION = COLUMNS[kind].indexOf('region');
    const [CLASS, CLASS_BY] = kind === 'objects' ? [columnIndex(kind, 'class'), columnIndex(kind, 'classBy')] : [-1, -1];
    const [PERSON, OBJECT] = kind === 'avoidance' ? [columnIndex(kind, 'person'), columnIndex(kind, 'object')] : [0, 0];
    for await (const batch of source.batches) {
      for (let at = 0; at < batch.length; at += stride) {
        s.rows++;
        if (opts.onProgress && s.rows >= nextProgress) {
          nextProgress += 4096;
          opts.onProgress(s.rows);
        }
        const rowNumber = batch[at + ROW.rowNumber] as number;
        const firstRow = batch[at + ROW.firstRow] as number;
        const issues = batch[at + ROW.issues] as RowIssue[] | null;
        const id = batch[at + ROW.id] as string;
        const values = at + ROW.values;
        if (issues) for (const p of issues) problem({ row: rowNumber, column: p.column, code: p.tag, params: p.params });
        if (kind === 'avoidance' && id) {
          const person = batch[values + PERSON] as string;
          const object = batch[values + OBJECT] as string;
          if (!targets!.persons.has(person)) problem({ row: rowNumber, column: idColumn, code: 'unknown-person', params: { value: person } });
          if (!targets!.objects.has(object)) problem({ row: rowNumber, column: objectColumn, code: 'unknown-object', params: { value: object } });
        }
        if (!id) continue;
        if (firstRow) {
          problem({ row: rowNumber, column: idColumn, code: kind === 'avoidance' ? 'duplicate-pair' : 'duplicate-id', params: { value: id, firstRow } });
          continue;
        }
        const cur = current.get(id);
        if (cur) cur.seen = true;
        if (issues) continue;
        const region = REGION < 0 ? '' : (batch[values + REGION] as string);
        if (region) {
          if (kind === 'objects') {
            const cls = batch[values + CLASS] as ObjClass;
            const r = (byRegion[region] ??= { special: 0, key: 0, positive: 0, general: 0 }) as Record<ObjClass, number>;
            r[cls] = (r[cls] ?? 0) + 1;
          } else byRegion[region] = ((byRegion[region] as number) ?? 0) + 1;
        }
        if (CLASS_BY >= 0 && batch[values + CLASS_BY] === 'precedence') s.byPrecedence++;
        // hashed by the reader (io/import-rows.ts) when it had the time; else here, and put in
        // its place in the row (VersionWriter stores the row from there)
        const hash = (batch[at + ROW.hash] as string) || (batch[at + ROW.hash] = rowHash(batch, values));
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
        if (write && inTx && problemCount === 0) writer!.add(batch, at + ROW.id, cur);
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
      writer!.flush();
      for (const sql of rebuild) db.exec(sql);
    }
    if (mode === 'full') {
      for (const cur of current.values()) {
        if (!cur.inRoster || cur.seen) continue;
        s.deactivated++;
        if (inTx) writer!.remove(cur.vid);
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
      finishImport(db, importId!, source.sha256(), stored);
      db.exec('COMMIT');
      inTx = false;
    }
    return summary;
  } finally {
    source?.close();
    if ((inTx || dryRun) && db.inTransaction) db.exec('ROLLBACK');
  }
}

/** A file without the header the roster needs: which required columns are missing, and where it looked. */
function noHeaderError(e: NoHeaderError, kind: ImportKind, map: Record<string, string>, file: string): SjError {
  const hm = mapHeaders(kind, e.found, map);
  const missing = hm.missing.length ? hm.missing : FIELDS[kind].filter((f) => f.required).map((f) => f.field);
  const problems: TaggedProblem[] = missing.map((f) => ({
    file,
    sheet: e.sheet,
    column: map[f] ?? FIELDS[kind].find((s) => s.field === f)!.headers[0]!,
    problem: t('import.p.missing-column', { missing: fieldLabel(kind, f), found: e.found.map(headerLabel).join('、') || '—' }),
    code: 'missing-column',
  }));
  return new SjError(t('import.noHeader', { file }), {
    problems,
    hint: t('import.noHeaderHint', { required: FIELDS[kind].filter((f) => f.required).map((f) => fieldLabel(kind, f.field)).join('，') }),
  });
}

function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
