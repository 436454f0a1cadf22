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
  for (const { type, name } of madeSince(version + 1)) db.exec(`DROP ${type.toUpperCase()} IF EXISTS ${name}`);
  db.pragma(`user_version = ${version}`);
}

/** The tables, indexes and triggers that migrations `from` and later create (found on an empty database). */
function madeSince(from: number): { type: string; name: string }[] {
  const scratch = new Database(':memory:');
  registerMigrationFunctions(scratch);
  const names = () => new Set((scratch.prepare("SELECT type || ' ' || name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").pluck().all() as string[]));
  for (let i = 0; i < from - 1; i++) runMigration(scratch, i);
  const before = names();
  for (let i = from - 1; i < MIGRATIONS.length; i++) runMigration(scratch, i);
  const made = [...names()].filter((n) => !before.has(n)).map((n) => ({ type: n.split(' ')[0]!, name: n.split(' ')[1]! }));
  scratch.close();
  // a table's own indexes and triggers go with it
  return made.sort((a, b) => Number(a.type === 'table') - Number(b.type === 'table'));
}
