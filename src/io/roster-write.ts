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
import { basename } from 'node:path';
import type { DB } from './db.js';
import { Regions } from './regions.js';
import { tierCodesInForce } from './rules-store.js';
import { openTable, NoHeaderError, type Encoding } from './tabular.js';
import { canonical } from '../core/canonical.js';
import { H } from '../core/hash.js';
import { convertRow, mapHeaders, fieldLabel, fieldNames, headerLabel, FIELDS, type ConvertCtx, type ImportKind } from '../core/roster-fields.js';
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
}

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

/** Data columns per roster (camelCase field → column), in table order. */
export const COLUMNS: Record<ImportKind, string[]> = {
  objects: ['name', 'region', 'class', 'classBy', 'tier', 'industry', 'tags', 'offsite', 'status', 'months', 'permit', 'address', 'contact', 'phone'],
  inspectors: ['name', 'region', 'line', 'certified', 'certExpiry', 'specialties', 'status'],
  experts: ['name', 'org', 'region', 'industries', 'status'],
  items: ['name', 'basis', 'line', 'classes', 'industries', 'method', 'level'],
  avoidance: ['person', 'object', 'reason'],
};
export const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

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

  let table;
  try {
    table = await openTable(opts.path, {
      sheet: opts.sheet,
      encoding: opts.encoding,
      isHeader: (h) => mapHeaders(kind, h, map).missing.length === 0,
      score: (h) => mapHeaders(kind, h, map).fields.size,
      streamXlsxBytes: opts.streamXlsxBytes,
    });
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
  const hm = mapHeaders(kind, table.headers, map);
  for (const [field, header] of Object.entries(map)) {
    if (!hm.fields.has(field)) {
      throw new UsageError(t('import.mapNotFound', { field, header, found: table.headers.filter(Boolean).map(headerLabel).join('、') }));
    }
  }

  const sheet = table.sheet;
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
  if (kind === 'avoidance') {
    persons = new Set([
      ...(db.prepare('SELECT id FROM inspectors WHERE valid_to IS NULL AND in_roster = 1').pluck().all() as string[]),
      ...(db.prepare('SELECT id FROM experts WHERE valid_to IS NULL AND in_roster = 1').pluck().all() as string[]),
    ]);
    objectIds = new Set(db.prepare('SELECT id FROM objects WHERE valid_to IS NULL AND in_roster = 1').pluck().all() as string[]);
  }

  const at = isoUtc(now());
  const cols = COLUMNS[kind];
  const dbCols = cols.map(snake);
  const insert = db.prepare(
    `INSERT INTO ${kind} (id, valid_from, valid_to, import_id, in_roster, hash, ${dbCols.join(', ')}, extra)
     VALUES (?, ?, NULL, ?, 1, ?, ${dbCols.map(() => '?').join(', ')}, ?)`,
  );
  const close = db.prepare(`UPDATE ${kind} SET valid_to = ? WHERE vid = ?`);
  const copyRemoved = db.prepare(
    `INSERT INTO ${kind} (id, valid_from, valid_to, import_id, in_roster, hash, ${dbCols.join(', ')}, extra)
     SELECT id, ?, NULL, ?, 0, hash, ${dbCols.join(', ')}, extra FROM ${kind} WHERE vid = ?`,
  );

  // a dry run also runs in a transaction, always rolled back: whatever a helper writes on
  // first use (e.g. the bundled rules stored by tierCodesInForce) is undone with it
  db.exec(dryRun ? 'BEGIN' : 'BEGIN IMMEDIATE');
  let inTx = !dryRun;
  try {
    const regions = Regions.load(db);
    const ctx: ConvertCtx = { region: regionResolver(regions), tiers: tierCodesInForce(db) };
    // current versions, read under the write lock
    const current = new Map<string, { vid: number; hash: string; inRoster: boolean }>();
    for (const r of db.prepare(`SELECT id, vid, hash, in_roster FROM ${kind} WHERE valid_to IS NULL`).raw().iterate() as Iterable<[string, number, string, number]>) {
      current.set(r[0], { vid: r[1], hash: r[2], inRoster: r[3] === 1 });
    }
    let importId: number | null = null;
    if (!dryRun) {
      importId = Number(
        db
          .prepare('INSERT INTO imports (kind, file, file_sha256, sheet, mode, at, summary) VALUES (?, ?, ?, ?, ?, ?, ?)')
          .run(kind, file, '', sheet ?? null, mode, at, '{}').lastInsertRowid,
      );
    }

    const seen = new Map<string, number>();
    const s = { added: 0, updated: 0, unchanged: 0, deactivated: 0, byPrecedence: 0, rows: 0 };
    const byRegion: Record<string, Record<string, number> | number> = {};
    for await (const row of table.rows) {
      s.rows++;
      if (opts.onProgress && (s.rows & 4095) === 0) opts.onProgress(s.rows);
      const c = convertRow(kind, row.cells, hm, table.headers, ctx);
      for (const p of c.issues) problem({ row: row.rowNumber, column: p.column, code: p.tag, params: p.params });
      if (kind === 'avoidance' && c.id) {
        const d = c.data as { person: string; object: string };
        if (!persons!.has(d.person)) problem({ row: row.rowNumber, column: c.idColumn, code: 'unknown-person', params: { value: d.person } });
        if (!objectIds!.has(d.object)) {
          const oi = hm.fields.get('object')!;
          problem({ row: row.rowNumber, column: headerLabel(table.headers[oi] ?? ''), code: 'unknown-object', params: { value: d.object } });
        }
      }
      if (!c.id) continue;
      const first = seen.get(c.id);
      if (first !== undefined) {
        problem({ row: row.rowNumber, column: c.idColumn, code: kind === 'avoidance' ? 'duplicate-pair' : 'duplicate-id', params: { value: c.id, firstRow: first } });
        continue;
      }
      seen.set(c.id, row.rowNumber);
      if (c.issues.length) continue;
      if (c.region) {
        if (kind === 'objects') {
          const r = (byRegion[c.region] ??= { special: 0, key: 0, positive: 0, general: 0 }) as Record<string, number>;
          r[c.cls!] = (r[c.cls!] ?? 0) + 1;
        } else byRegion[c.region] = ((byRegion[c.region] as number) ?? 0) + 1;
      }
      if (c.classBy === 'precedence') s.byPrecedence++;
      const hash = H(canonical(c.data));
      const cur = current.get(c.id);
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
        const vals = cols.map((k) => dbValue(c.data[k]));
        insert.run(c.id, at, importId, hash, ...vals, JSON.stringify(c.data.extra ?? {}));
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
    if (mode === 'full') {
      for (const [id, cur] of current) {
        if (!cur.inRoster || seen.has(id)) continue;
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
      headerRow: table.headerRow,
      encoding: table.encoding ?? null,
      extraColumns: [...hm.extra.values()],
      importId,
    };
    if (inTx) {
      const { importId: _i, ...stored } = summary;
      db.prepare('UPDATE imports SET file_sha256 = ?, summary = ? WHERE id = ?').run(table.sha256(), JSON.stringify(stored), importId);
      db.exec('COMMIT');
      inTx = false;
    }
    return summary;
  } finally {
    if ((inTx || dryRun) && db.inTransaction) db.exec('ROLLBACK');
  }
}

function dbValue(v: unknown): unknown {
  if (Array.isArray(v)) return JSON.stringify(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v === undefined) return null;
  return v;
}

function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
