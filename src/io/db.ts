/**
 * Opening the SQLite store: WAL, foreign keys, migrations on PRAGMA user_version.
 * A database written by a newer sj is refused before anything is written to it.
 */
import Database from 'better-sqlite3';
import { existsSync, rmSync } from 'node:fs';
import { SjError } from '../errors.js';
import { t } from '../messages/index.js';
import { MIGRATIONS, SCHEMA_VERSION, registerMigrationFunctions, runMigration } from './schema.js';
import { HENGSHUI_REGIONS } from './regions-default.js';
import { now, isoUtc } from './clock.js';

export type DB = Database.Database;

export const APP_ID = 0x736a3031; // 'sj01'

export function resolveDbPath(flag?: string): string {
  return flag || process.env.SJ_DB || './sj.db';
}

export interface OpenOptions {
  /** create the file if missing (default true); false: fail with a hint when it does not exist */
  create?: boolean;
  readonly?: boolean;
}

export function openDb(path: string, opts: OpenOptions = {}): DB {
  const create = opts.create ?? true;
  const exists = path === ':memory:' || existsSync(path);
  if (!exists && (!create || opts.readonly)) {
    throw new SjError(t('db.missing', { path }), { hint: t('db.missingHint') });
  }
  if (exists && path !== ':memory:') {
    // look before touching: a newer schema is refused without a single write
    let probe: DB | undefined;
    try {
      probe = new Database(path, { readonly: true, fileMustExist: true });
      const v = probe.pragma('user_version', { simple: true }) as number;
      const app = probe.pragma('application_id', { simple: true }) as number;
      if (v > SCHEMA_VERSION) {
        throw new SjError(t('db.newer', { path, found: v, known: SCHEMA_VERSION }), { hint: t('db.newerHint') });
      }
      if (app !== 0 && app !== APP_ID) throw new SjError(t('db.notSj', { path }));
    } catch (e) {
      if (e instanceof SjError) throw e;
      throw new SjError(t('db.notSj', { path }) + `: ${(e as Error).message}`);
    } finally {
      probe?.close();
    }
  }
  const db = new Database(path, { readonly: opts.readonly ?? false });
  db.pragma('busy_timeout = 10000');
  if (!opts.readonly) {
    db.pragma('journal_mode = WAL');
    // every commit synced to disk before sj reports it: a draw whose ledger head was announced
    // must not roll back at a power loss (with NORMAL, a WAL commit is synced only at the next
    // checkpoint). One fsync per commit, under a millisecond here; a large commit, whose
    // checkpoint syncs the same bytes anyway, costs no more.
    db.pragma('synchronous = FULL');
  }
  db.pragma('foreign_keys = ON');
  // reads through the page cache of the OS instead of copying pages in: a cold report or check
  // over 100k tasks reads 15–30% faster (the mapping only reserves address space)
  db.pragma('mmap_size = 268435456');
  if (!opts.readonly) migrate(db);
  return db;
}

/**
 * Run fn, a scan that reads a large table once, with the connection set for it, then as it
 * was: no memory mapping, and a page cache of SCAN_CACHE. SQLite applies both at once when no
 * page is in use, which is so between statements, inside a transaction too.
 * - The mapping: a scan gains nothing from it (measured: the same CPU time at 1M objects), and
 *   every page it touched would stay mapped into this process, counted in its resident memory,
 *   until the connection closed.
 * - The cache: a scan reads each page once, and a sort of its rows (ORDER BY) is held in memory
 *   up to the cache's size. Fresh memory costs a page fault per 4 KB (14 µs each on the machines
 *   measured): with the default 16 MB, the sorted read of 100k objects' snapshot columns took
 *   410 ms and 7,400 faults; with 2 MB, the sort goes to a temporary file in runs and the read
 *   takes 270 ms and 1,500 faults (sj verify of a 100k-object draw: 0.17 s less).
 */
export function forScan<T>(db: DB, fn: () => T): T {
  const size = db.pragma('mmap_size', { simple: true }) as number;
  const cache = db.pragma('cache_size', { simple: true }) as number;
  db.pragma('mmap_size = 0');
  db.pragma(`cache_size = ${SCAN_CACHE}`);
  try {
    return fn();
  } finally {
    db.pragma(`cache_size = ${cache}`);
    db.pragma(`mmap_size = ${size}`);
  }
}
/** The page cache of a scan (forScan): 2 MB, SQLite's own default (better-sqlite3's is 16 MB). */
const SCAN_CACHE = -2000;

export function migrate(db: DB): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current >= SCHEMA_VERSION) return;
  db.exec('BEGIN IMMEDIATE');
  try {
    // re-read inside the write lock: another process may have migrated meanwhile
    const v = db.pragma('user_version', { simple: true }) as number;
    registerMigrationFunctions(db);
    for (let i = v; i < MIGRATIONS.length; i++) runMigration(db, i);
    if (v === 0) {
      db.pragma(`application_id = ${APP_ID}`);
      seedRegions(db);
      db.prepare('INSERT INTO meta(key, value) VALUES (?, ?)').run('created_at', isoUtc(now()));
    }
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
    db.exec('COMMIT');
  } catch (e) {
    db.exec('ROLLBACK');
    throw e;
  }
}

function seedRegions(db: DB): void {
  const ins = db.prepare('INSERT INTO regions(code, name, parent, level, sort) VALUES (?, ?, ?, ?, ?)');
  HENGSHUI_REGIONS.forEach((r, i) => ins.run(r.code, r.name, r.parent, r.level, i));
}

/** Run fn in one IMMEDIATE transaction (a writer lock taken up front: no lost updates). */
export function writeTx<T>(db: DB, fn: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const r = fn();
    db.exec('COMMIT');
    return r;
  } catch (e) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw e;
  }
}

/** Run fn in a write transaction that is always rolled back: an exact rehearsal that writes nothing. */
export function rehearsalTx<T>(db: DB, fn: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    return fn();
  } finally {
    if (db.inTransaction) db.exec('ROLLBACK');
  }
}

/**
 * Does the database hold nothing but what a fresh one starts with (the schema, the default
 * regions, the bundled rules)? Read through a read-only connection of its own.
 */
/** Delete a (closed) database file with its WAL, shared-memory and rollback journal files. */
export function removeDbFiles(path: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(path + suffix, { force: true });
}

export function isPristine(path: string, bundledRulesSource: string): boolean {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").pluck().all() as string[];
    for (const name of tables) {
      if (name === 'meta' || name === 'regions' || name === 'rules') continue;
      if (db.prepare(`SELECT EXISTS (SELECT 1 FROM "${name}")`).pluck().get() === 1) return false;
    }
    if (db.prepare('SELECT EXISTS (SELECT 1 FROM rules WHERE source <> ?)').pluck().get(bundledRulesSource) === 1) return false;
    const regions = db.prepare('SELECT code, name, parent, level FROM regions ORDER BY sort, code').all() as { code: string; name: string; parent: string | null; level: string }[];
    return (
      regions.length === HENGSHUI_REGIONS.length &&
      regions.every((r, i) => {
        const d = HENGSHUI_REGIONS[i]!;
        return r.code === d.code && r.name === d.name && r.parent === d.parent && r.level === d.level;
      })
    );
  } finally {
    db.close();
  }
}
