/** The demo's database: marked in `meta` (demo = 1), so `sj demo --force` replaces only a demo database. */
import { openDb, type DB } from './db.js';

/** Whether the database at `path` (which exists) was made by `sj demo`. */
export function isDemoDb(path: string): boolean {
  const probe = openDb(path);
  try {
    return probe.prepare("SELECT value FROM meta WHERE key = 'demo'").get() !== undefined;
  } finally {
    probe.close();
  }
}

export function markDemo(db: DB): void {
  db.prepare("INSERT INTO meta(key, value) VALUES ('demo', '1')").run();
}
