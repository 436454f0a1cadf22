/**
 * The SQL of a roster import (io/roster-write.ts decides, this writes): the current versions,
 * new versions inserted in multi-row batches, replaced versions closed, rows missing from a full
 * import copied as inactive, and the bulk-load index drop. Runs inside the import's transaction.
 */
import type { DB } from './db.js';
import { COLUMNS, snake, type SqlValue } from './roster-columns.js';
import type { ImportKind } from '../core/roster-fields.js';

/** rows per multi-row INSERT */
const INSERT_BATCH = 50;

export interface CurrentVersion {
  vid: number;
  /** the object's own number (objects only: the vid of its first version; schema migration 11) */
  num: number | null;
  hash: string;
  inRoster: boolean;
  /** the file has a row with this id */
  seen: boolean;
}

/** The current version of every id of the roster (read under the write lock). */
export function currentVersions(db: DB, kind: ImportKind): Map<string, CurrentVersion> {
  const current = new Map<string, CurrentVersion>();
  const num = kind === 'objects' ? 'num' : 'NULL';
  for (const r of db.prepare(`SELECT id, vid, hash, in_roster, ${num} FROM ${kind} WHERE valid_to IS NULL`).raw().iterate() as Iterable<[string, number, string, number, number | null]>) {
    current.set(r[0], { vid: r[1], num: r[4], hash: r[2], inRoster: r[3] === 1, seen: false });
  }
  return current;
}

/**
 * The first import into an empty table is a bulk load: its indexes are dropped, and built again
 * (the SQL returned) once the rows are in: sorting once is much cheaper than a random B-tree
 * insert per row. Inside the transaction, so a failed import gets them back with the rest.
 */
export function dropIndexesIfEmpty(db: DB, kind: ImportKind): string[] {
  if (db.prepare(`SELECT NOT EXISTS (SELECT 1 FROM ${kind})`).pluck().get() !== 1) return [];
  const indexes = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name").all(kind) as { name: string; sql: string }[];
  for (const { name } of indexes) db.exec(`DROP INDEX "${name}"`);
  return indexes.map((i) => i.sql);
}

/** The ids an avoidance pair may name: current persons (inspectors, experts) and objects. */
export function avoidanceTargets(db: DB): { persons: Set<string>; objects: Set<string> } {
  const ids = (table: string) => db.prepare(`SELECT id FROM ${table} WHERE valid_to IS NULL AND in_roster = 1`).pluck().all() as string[];
  return { persons: new Set([...ids('inspectors'), ...ids('experts')]), objects: new Set(ids('objects')) };
}

/** A new import's row in `imports` (its file hash and summary are filled in by finishImport). */
export function startImport(db: DB, o: { kind: ImportKind; file: string; sheet: string | null; mode: 'full' | 'partial'; at: string }): number {
  const sql = 'INSERT INTO imports (kind, file, file_sha256, sheet, mode, at, summary) VALUES (?, ?, ?, ?, ?, ?, ?)';
  return Number(db.prepare(sql).run(o.kind, o.file, '', o.sheet, o.mode, o.at, '{}').lastInsertRowid);
}

export function finishImport(db: DB, importId: number, sha256: string, summary: object): void {
  db.prepare('UPDATE imports SET file_sha256 = ?, summary = ? WHERE id = ?').run(sha256, JSON.stringify(summary), importId);
}

/**
 * Writes the versions of one import, all starting at `at`. New versions are inserted
 * INSERT_BATCH at a time (call flush() at the end); a replaced version is closed at once, before
 * its successor is inserted (ids within a file are distinct, so the order is otherwise kept).
 * Objects' versions are written with their vid and number: a new object's number is its first
 * version's vid, a later version keeps it (the objects_num trigger does the same for a row
 * written without them, at a look-up per row that a million-row import should not pay).
 */
export class VersionWriter {
  private readonly insertSql: (n: number) => string;
  private readonly insertOne;
  private insertMany: ReturnType<DB['prepare']> | undefined;
  private readonly closeStmt;
  private readonly copyStmt;
  /** per row: id, hash, the data columns, extra; then, for objects, vid and num */
  private readonly width: number;
  private readonly dataWidth: number;
  private readonly numbered: boolean;
  /** the next vid to write (numbered rosters) */
  private nextVid = 0;
  private readonly pending: SqlValue[];
  private nPending = 0;
  private readonly constants: { at: string; imp: number };

  constructor(
    private readonly db: DB,
    kind: ImportKind,
    private readonly at: string,
    private readonly importId: number,
  ) {
    const dbCols = COLUMNS[kind].map(snake);
    this.numbered = kind === 'objects';
    this.dataWidth = 2 + dbCols.length + 1;
    this.width = this.dataWidth + (this.numbered ? 2 : 0);
    this.pending = Array.from({ length: INSERT_BATCH * this.width }, () => null); // packed: bound element by element
    // the version's start and the import are the same on every row
    const numbered = this.numbered ? ', vid, num' : '';
    const oneRow = `(?, ?, ${dbCols.map(() => '?').join(', ')}, ?${this.numbered ? ', ?, ?' : ''}, @at, NULL, @imp, 1)`;
    this.insertSql = (n) =>
      `INSERT INTO ${kind} (id, hash, ${dbCols.join(', ')}, extra${numbered}, valid_from, valid_to, import_id, in_roster) VALUES ${Array.from({ length: n }, () => oneRow).join(', ')}`;
    this.insertOne = db.prepare(this.insertSql(1));
    this.closeStmt = db.prepare(`UPDATE ${kind} SET valid_to = ? WHERE vid = ?`);
    this.copyStmt = db.prepare(
      `INSERT INTO ${kind} (${this.numbered ? 'vid, num, ' : ''}id, valid_from, valid_to, import_id, in_roster, hash, ${dbCols.join(', ')}, extra)
       SELECT ${this.numbered ? '@vid, num, ' : ''}id, @at, NULL, @imp, 0, hash, ${dbCols.join(', ')}, extra FROM ${kind} WHERE vid = @from`,
    );
    if (this.numbered) this.nextVid = (db.prepare(`SELECT COALESCE(MAX(vid), 0) + 1 FROM ${kind}`).pluck().get() as number);
    this.constants = { at, imp: importId };
  }

  /**
   * A new current version (replacing `replaced`, the current one, if any): its id, hash, data
   * columns and extra, in this order, at row[from..] (a RowBatch of io/import-rows.ts).
   */
  add(row: readonly unknown[], from: number, replaced?: CurrentVersion): void {
    if (replaced !== undefined) this.close(replaced.vid);
    const { pending, dataWidth } = this;
    const o = this.nPending * this.width;
    for (let i = 0; i < dataWidth; i++) pending[o + i] = row[from + i] as SqlValue;
    if (this.numbered) {
      const vid = this.nextVid++;
      pending[o + dataWidth] = vid;
      pending[o + dataWidth + 1] = replaced?.num ?? vid;
    }
    if (++this.nPending === INSERT_BATCH) this.flush();
  }

  /** A current version that left the roster (full import): closed, and copied as inactive. */
  remove(vid: number): void {
    this.close(vid);
    this.copyStmt.run({ at: this.at, imp: this.importId, from: vid, ...(this.numbered ? { vid: this.nextVid++ } : {}) });
  }

  flush(): void {
    const { pending, nPending, width } = this;
    // pending is reused: INSERT_BATCH rows fill it exactly, a last shorter run is inserted row by row
    if (nPending === INSERT_BATCH) (this.insertMany ??= this.db.prepare(this.insertSql(INSERT_BATCH))).run(pending, this.constants);
    else for (let i = 0; i < nPending; i++) this.insertOne.run(pending.slice(i * width, (i + 1) * width), this.constants);
    this.nPending = 0;
  }

  private close(vid: number): void {
    this.closeStmt.run(this.at, vid);
  }
}
