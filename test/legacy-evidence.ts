/**
 * A database as sj wrote it before migration 5: each draw's evidence as one TEXT value in
 * draws.evidence, no draw_evidence table, nothing a later migration made. Built from a current
 * database, byte for byte.
 */
import Database from 'better-sqlite3';
import { evidenceParts } from '../src/io/evidence-store.js';
import { MIGRATIONS, registerMigrationFunctions, runMigration } from '../src/io/schema.js';

/** Move every draw's stored evidence back into draws.evidence, drop what migrations 5 and later made, set user_version to 4. */
export function toLegacyEvidence(db: Database.Database): void {
  const ids = db.prepare('SELECT id FROM draws').pluck().all() as string[];
  const texts = ids.map((id) => [id, Buffer.concat([...evidenceParts(db, id)].map((p) => p.bytes)).toString('utf8')] as const);
  db.exec('DROP TRIGGER draws_no_update');
  const up = db.prepare('UPDATE draws SET evidence = ? WHERE id = ?');
  for (const [id, text] of texts) up.run(text, id);
  db.exec("CREATE TRIGGER draws_no_update BEFORE UPDATE ON draws BEGIN SELECT RAISE(ABORT, 'draws is append-only'); END;");
  toUserVersion(db, 4);
}

/** Drop what migrations after `version` made (tables, indexes, triggers) and set user_version: a database as an older sj left it. */
export function toUserVersion(db: Database.Database, version: number): void {
  const { made, columns } = madeSince(version + 1);
  for (const { type, name } of made) db.exec(`DROP ${type.toUpperCase()} IF EXISTS ${name}`);
  for (const { table, name } of columns) {
    const has = (db.prepare(`SELECT name FROM pragma_table_info('${table}')`).pluck().all() as string[]).includes(name);
    if (has) db.exec(`ALTER TABLE ${table} DROP COLUMN ${name}`);
  }
  db.pragma(`user_version = ${version}`);
}

/** The tables, indexes and triggers that migrations `from` and later create, and the columns they add to older tables (found on an empty database). */
function madeSince(from: number): { made: { type: string; name: string }[]; columns: { table: string; name: string }[] } {
  const scratch = new Database(':memory:');
  registerMigrationFunctions(scratch);
  const names = () => new Set((scratch.prepare("SELECT type || ' ' || name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").pluck().all() as string[]));
  const columnsOf = (table: string) => scratch.prepare(`SELECT name FROM pragma_table_info('${table}')`).pluck().all() as string[];
  for (let i = 0; i < from - 1; i++) runMigration(scratch, i);
  const before = names();
  const tables = [...before].filter((n) => n.startsWith('table ')).map((n) => n.slice(6));
  const colsBefore = new Map(tables.map((t) => [t, new Set(columnsOf(t))]));
  for (let i = from - 1; i < MIGRATIONS.length; i++) runMigration(scratch, i);
  const made = [...names()].filter((n) => !before.has(n)).map((n) => ({ type: n.split(' ')[0]!, name: n.split(' ')[1]! }));
  const after = names();
  const columns = tables.filter((t) => after.has(`table ${t}`)).flatMap((t) => columnsOf(t).filter((c) => !colsBefore.get(t)!.has(c)).map((name) => ({ table: t, name })));
  scratch.close();
  // a table's own indexes and triggers go with it
  return { made: made.sort((a, b) => Number(a.type === 'table') - Number(b.type === 'table')), columns };
}
