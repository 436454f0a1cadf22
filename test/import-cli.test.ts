/** The CLI: exit codes, messages naming file/row/column, --json, --dry-run, re-import with --as-of. */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { FIXTURES } from './helpers.js';
import { tempDir, fileSha } from './db-helpers.js';
import { run as sj } from './cli.js';
import { openDb } from '../src/io/db.js';
import { objectLabels, objectNames } from '../src/io/object-names.js';
import { readRoster } from '../src/io/roster-read.js';

const HS = join(FIXTURES, 'hengshui');
const BAD = join(FIXTURES, 'bad');
const have = existsSync(join(HS, 'objects.xlsx'));

const count = (db: string, table: string) => {
  const d = new Database(db, { readonly: true });
  try {
    return d.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
  } finally {
    d.close();
  }
};

describe.skipIf(!have)('sj import (CLI)', () => {
  it('imports, prints the summary, --json gives one document on stdout', async () => {
    const db = join(tempDir(), 'sj.db');
    const r = (await sj(['--db', db, 'import', 'objects', join(HS, 'objects.xlsx'), '--json']));
    expect(r.status, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc)).toEqual(expect.arrayContaining(['kind', 'file', 'sheet', 'mode', 'dryRun', 'added', 'updated', 'unchanged', 'deactivated', 'byRegion', 'byPrecedence', 'rows']));
    expect(doc).toMatchObject({ kind: 'objects', file: 'objects.xlsx', sheet: '检查对象名录库', mode: 'full', dryRun: false, added: 3230, rows: 3230, byPrecedence: 0 });
    expect(doc.byRegion['131102']).toMatchObject({ special: expect.any(Number), key: expect.any(Number), positive: expect.any(Number), general: expect.any(Number) });
    expect(r.stderr).toContain('新增 3230');
    expect(r.stderr).toContain('桃城区');
    const en = (await sj(['--db', db, 'import', 'objects', join(HS, 'objects.xlsx')], { env: { SJ_LANG: 'en' } }));
    expect(en.status).toBe(0);
    expect(en.stderr).toContain('3230 unchanged');
    expect(en.stdout).toBe('');
  });

  it('a bad file: exit 1, every bad row named with file and column, database byte-for-byte unchanged', async () => {
    const db = join(tempDir(), 'sj.db');
    expect((await sj(['--db', db, 'import', 'items', join(HS, 'items.xlsx')])).status).toBe(0);
    const sha = fileSha(db);
    const r = (await sj(['--db', db, 'import', 'objects', join(BAD, 'objects-many-errors.xlsx')], { env: { SJ_LANG: 'en' } }));
    expect(r.status).toBe(1);
    for (const row of [6, 8, 11, 13, 15, 17, 20, 22, 24]) expect(r.stderr).toMatch(new RegExp(`objects-many-errors\\.xlsx .*row ${row} `));
    expect(r.stderr).toContain('「正面清单」');
    expect(r.stderr).toContain('unknown region "沧州市"');
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(fileSha(db)).toBe(sha);
    expect(existsSync(`${db}-wal`)).toBe(false);
    const j = (await sj(['--db', db, 'import', 'objects', join(BAD, 'objects-duplicate-id.csv'), '--json']));
    expect(j.status).toBe(1);
    const err = JSON.parse(j.stdout);
    expect(err.ok).toBe(false);
    expect(err.error.problems).toEqual([expect.objectContaining({ file: 'objects-duplicate-id.csv', row: 11, column: '统一社会信用代码', code: 'duplicate-id', firstRow: 5 })]);
    const m = (await sj(['--db', db, 'import', 'objects', join(BAD, 'objects-missing-column.xlsx')]));
    expect(m.status).toBe(1);
    expect(m.stderr).toContain('所属区县');
    expect(m.stderr).toContain('统一社会信用代码、单位名称');
    expect(fileSha(db)).toBe(sha);
  });

  it('--dry-run validates and reports but writes nothing', async () => {
    const db = join(tempDir(), 'sj.db');
    expect((await sj(['--db', db, 'regions', 'list'])).status).toBe(0);
    const sha = fileSha(db);
    const r = (await sj(['--db', db, 'import', 'inspectors', join(HS, 'inspectors.xlsx'), '--dry-run', '--json']));
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ dryRun: true, added: 150 });
    expect(r.stderr).toContain('试运行');
    expect(count(db, 'inspectors')).toBe(0);
    expect(count(db, 'imports')).toBe(0);
    expect(fileSha(db)).toBe(sha);
  });

  it('a failed first import leaves no database file behind; a failure on an existing database keeps it', async () => {
    const dir = tempDir();
    const db = join(dir, 'new.db');
    for (const args of [['import', 'objects', join(BAD, 'objects-many-errors.xlsx')], ['import', 'objects', join(HS, 'nope.xlsx')], ['draw', '--quarter', '2023Q2', '--date', '2023-04-03', '--yes']]) {
      const r = (await sj(['--db', db, ...args]));
      expect(r.status, args.join(' ')).toBe(1);
      expect(readdirSync(dir), args.join(' ')).toEqual([]);
    }
    expect((await sj(['--db', db, 'import', 'items', join(HS, 'items.xlsx')])).status).toBe(0);
    expect(existsSync(db)).toBe(true);
    expect((await sj(['--db', db, 'import', 'objects', join(BAD, 'objects-many-errors.xlsx')])).status).toBe(1);
    expect(count(db, 'items')).toBeGreaterThan(0);
  });

  it('usage errors exit 2', async () => {
    const db = join(tempDir(), 'sj.db');
    expect((await sj(['--db', db, 'import', 'objects', join(HS, 'objects.xlsx'), '--mode', 'sometimes'])).status).toBe(2);
    expect((await sj(['--db', db, 'import', 'objects', join(HS, 'objects.xlsx'), '--encoding', 'latin1'])).status).toBe(2);
    expect((await sj(['--db', db, 'import', 'objects', join(HS, 'objects.xlsx'), '--map', 'colour=颜色'])).status).toBe(2);
    expect((await sj(['--db', db, 'import', 'objects', join(HS, 'objects.xlsx'), '--map', 'tier=没有这列'])).status).toBe(2);
    expect((await sj(['--db', db, 'import', 'widgets', 'x.csv'])).status).toBe(2);
    expect((await sj(['--db', db, 'import', 'objects'])).status).toBe(2);
    const missing = (await sj(['--db', db, 'import', 'objects', join(HS, 'nope.xlsx')]));
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('nope.xlsx');
  });

  it('re-import of objects-2023Q3: added/updated/deactivated; roster list --as-of shows the old roster', async () => {
    const db = join(tempDir(), 'sj.db');
    const a = (await sj(['--db', db, 'import', 'objects', join(HS, 'objects.xlsx')], { env: { SJ_NOW: '2023-04-01T02:00:00Z' } }));
    expect(a.status).toBe(0);
    const b = (await sj(['--db', db, 'import', 'objects', join(HS, 'objects-2023Q3.xlsx'), '--json'], { env: { SJ_NOW: '2023-07-01T02:00:00Z' } }));
    expect(b.status, b.stderr).toBe(0);
    expect(JSON.parse(b.stdout)).toMatchObject({ added: 30, updated: 60, deactivated: 20, unchanged: 3150, rows: 3240 });
    const before = JSON.parse((await sj(['--db', db, 'roster', 'list', 'objects', '--as-of', '2023-06-30', '--json'])).stdout) as { id: string }[];
    const after = JSON.parse((await sj(['--db', db, 'roster', 'list', 'objects', '--as-of', '2023-07-01', '--json'])).stdout) as { id: string }[];
    const now = JSON.parse((await sj(['--db', db, 'roster', 'list', 'objects', '--json'])).stdout) as { id: string }[];
    expect(before).toHaveLength(3230);
    expect(after).toHaveLength(3240);
    expect(now.map((r) => r.id)).toEqual(after.map((r) => r.id));
    const removed = before.filter((r) => !after.some((x) => x.id === r.id));
    expect(removed).toHaveLength(20);
    // a removed object still shows, with its history
    const show = (await sj(['--db', db, 'roster', 'show', removed[0]!.id, '--json']));
    expect(show.status).toBe(0);
    const doc = JSON.parse(show.stdout);
    expect(doc.current.inRoster).toBe(false);
    expect(doc.history.map((v: { inRoster: boolean }) => v.inRoster)).toEqual([true, false]);
    // what results and the public list name objects by (two or three columns): every object's
    // current name and industry, the removed ones' too, as the whole roster read has them
    const odb = openDb(db, { create: false });
    const whole = readRoster(odb, 'objects', { includeRemoved: true });
    expect(whole).toHaveLength(3260);
    expect(objectLabels(odb)).toEqual(new Map(whole.map((o) => [o.id, { name: o.name, industry: o.industry }])));
    expect(objectNames(odb)).toEqual(new Map(whole.map((o) => [o.id, o.name])));
    expect(objectNames(odb).has(removed[0]!.id)).toBe(true);
    odb.close();
    const partial = (await sj(['--db', db, 'import', 'objects', join(HS, 'objects.xlsx'), '--mode', 'partial', '--json'], { env: { SJ_NOW: '2023-07-02T02:00:00Z' } }));
    expect(JSON.parse(partial.stdout)).toMatchObject({ deactivated: 0, added: 20, updated: 60 });
  });

  it('a GB18030 CSV with --encoding and a file that is not UTF-8', async () => {
    const dir = tempDir();
    const db = join(dir, 'sj.db');
    const p = join(dir, 'o.csv');
    writeFileSync(p, gbkHeader());
    const r = (await sj(['--db', db, 'import', 'objects', p, '--json']));
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ added: 1, encoding: 'gb18030' });
    const u = (await sj(['--db', db, 'import', 'objects', p, '--encoding', 'utf8']));
    expect(u.status).toBe(1);
    expect(u.stderr).toContain('--encoding gb18030');
  });
});

/** "统一社会信用代码,单位名称,所属区县\r\nZ1,测试,景县\r\n" in GB18030, found with the decoder. */
function gbkHeader(): Buffer {
  const dec = new TextDecoder('gb18030');
  const out: number[] = [];
  for (const ch of '统一社会信用代码,单位名称,所属区县\r\nZ1,测试,景县\r\n') {
    if (ch.charCodeAt(0) < 0x80) {
      out.push(ch.charCodeAt(0));
      continue;
    }
    let found = false;
    for (let a = 0x81; a <= 0xfe && !found; a++)
      for (let b = 0x40; b <= 0xfe && !found; b++)
        if (dec.decode(Uint8Array.of(a, b)) === ch) {
          out.push(a, b);
          found = true;
        }
  }
  return Buffer.from(out);
}
