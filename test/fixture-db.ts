/**
 * A database with the realistic Hengshui rosters imported, built once per test file by the
 * real importer, then copied for each test.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDb } from '../src/io/db.js';
import { importRoster } from '../src/io/roster-write.js';
import { FIXTURES } from './helpers.js';
import { tempDir } from './db-helpers.js';

let template: string | undefined;

export async function hengshuiTemplate(): Promise<string> {
  if (template) return template;
  const dir = tempDir('sj-hengshui-');
  const path = join(dir, 'template.db');
  const db = openDb(path);
  const hs = join(FIXTURES, 'hengshui');
  for (const [kind, file] of [
    ['objects', 'objects.xlsx'], ['inspectors', 'inspectors.xlsx'], ['experts', 'experts.xlsx'], ['items', 'items.xlsx'], ['avoidance', 'avoidance.csv'],
  ] as const) {
    await importRoster(db, { kind, path: join(hs, file), mode: 'full' });
  }
  await importRoster(db, { kind: 'avoidance', path: join(hs, 'avoidance-experts.csv'), mode: 'partial' });
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  template = path;
  return path;
}

/** A fresh copy of the Hengshui database in its own temp dir. */
export async function hengshuiDb(): Promise<{ dir: string; path: string }> {
  const src = await hengshuiTemplate();
  const dir = tempDir();
  const path = join(dir, 'sj.db');
  copyFileSync(src, path);
  return { dir, path };
}
