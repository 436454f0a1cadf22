/** The SQLite store: creation, pragmas, migrations, refusal of a newer schema, seeded regions. */
import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { isPristine, openDb } from '../src/io/db.js';
import { BUNDLED_SOURCE, tierCodesInForce } from '../src/io/rules-store.js';
import { SCHEMA_VERSION } from '../src/io/schema.js';
import { fileSha, tempDir } from './db-helpers.js';
import { run as sj } from './cli.js';

describe('the store', () => {
  it('is created on first use with WAL, foreign keys, the schema version and Hengshui regions', () => {
    const dir = tempDir();
    const path = join(dir, 'new.db');
    const db = openDb(path);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL: a commit is on disk when sj reports it
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    const regions = db.prepare('SELECT code, name, level FROM regions ORDER BY sort').all() as { code: string; name: string; level: string }[];
    expect(regions).toHaveLength(14);
    expect(regions[0]).toEqual({ code: '131100', name: '衡水市', level: 'city' });
    expect(regions.filter((r) => r.level === 'county').map((r) => r.name)).toContain('衡水滨湖新区');
    db.close();
  });

  it('tells a database that holds only what a fresh one starts with (isPristine)', () => {
    const dir = tempDir();
    const path = join(dir, 'p.db');
    const db = openDb(path);
    tierCodesInForce(db); // stores the bundled rules, as the first import does
    db.close();
    expect(isPristine(path, BUNDLED_SOURCE)).toBe(true);
    const edit = (sql: string) => {
      const copy = join(dir, `edit-${Math.random().toString(36).slice(2)}.db`);
      copyFileSync(path, copy);
      const d = new Database(copy);
      d.exec(sql);
      d.close();
      return copy;
    };
    expect(isPristine(edit("UPDATE regions SET name = '某区' WHERE code = '131102'"), BUNDLED_SOURCE)).toBe(false);
    expect(isPristine(edit("INSERT INTO regions(code, name, parent, level, sort) VALUES ('139999', '新区', '131100', 'county', 99)"), BUNDLED_SOURCE)).toBe(false);
    expect(isPristine(edit("INSERT INTO rules(year, hash, body, source, at) VALUES (2024, 'h', '{}', 'rules-2024.json', 't')"), BUNDLED_SOURCE)).toBe(false);
    expect(isPristine(edit("INSERT INTO calendar(date, kind) VALUES ('2024-01-01', 'off')"), BUNDLED_SOURCE)).toBe(false);
    expect(isPristine(edit("INSERT INTO imports(kind, file, file_sha256, mode, at) VALUES ('objects', 'f', '', 'full', 't')"), BUNDLED_SOURCE)).toBe(false);
  });

  it('honours --db and SJ_DB, default ./sj.db', async () => {
    const dir = tempDir();
    expect((await sj(['regions', 'list'], { cwd: dir })).status).toBe(0);
    expect(existsSync(join(dir, 'sj.db'))).toBe(true);
    expect((await sj(['regions', 'list'], { cwd: dir, env: { SJ_DB: join(dir, 'env.db') } })).status).toBe(0);
    expect(existsSync(join(dir, 'env.db'))).toBe(true);
    expect((await sj(['--db', join(dir, 'flag.db'), 'regions', 'list'], { cwd: dir, env: { SJ_DB: join(dir, 'env2.db') } })).status).toBe(0);
    expect(existsSync(join(dir, 'flag.db'))).toBe(true);
    expect(existsSync(join(dir, 'env2.db'))).toBe(false);
  });

  it('refuses a database written by a newer sj, and leaves it byte for byte unchanged', async () => {
    const dir = tempDir();
    const path = join(dir, 'newer.db');
    const raw = new Database(path);
    raw.pragma('journal_mode = DELETE');
    raw.exec('CREATE TABLE future (x)');
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    const before = fileSha(path);
    const r = (await sj(['--db', path, 'draw', 'list']));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(String(SCHEMA_VERSION + 1));
    expect(r.stderr).not.toMatch(/\bat .*:\d+:\d+/);
    expect(fileSha(path)).toBe(before);
    expect(existsSync(path + '-wal')).toBe(false);
  });

  it('refuses a file that is not an sj database', async () => {
    const dir = tempDir();
    const path = join(dir, 'not.db');
    writeFileSync(path, 'hello, this is not sqlite');
    const r = (await sj(['--db', path, 'draw', 'list']));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('not.db');
  });
});
