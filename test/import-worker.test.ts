/**
 * The import's worker thread (io/import-worker.ts) only runs from compiled JavaScript (a test
 * runner loads the TypeScript sources, where imports read in the importing thread). These tests
 * load the compiled importer from dist/ (built by `pretest`) and import the same files both ways:
 * in a worker (as every file of 1 MB or more is) and in the importing thread; the databases and
 * the problems reported must be the same.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FIXTURES, ROOT } from './helpers.js';
import { tempDir } from './db-helpers.js';

const DIST = join(ROOT, 'dist');
const built = existsSync(join(DIST, 'io', 'roster-write.js'));

type Db = { prepare(sql: string): { all(...a: unknown[]): unknown[]; raw(): { all(): unknown[][] } }; close(): void };
type Mods = {
  openDb(path: string): Db;
  importRoster(db: Db, o: Record<string, unknown>): Promise<Record<string, unknown>>;
  workerAvailable: boolean;
};
let m: Mods;

beforeAll(async () => {
  if (!built) return;
  const load = (p: string) => import(pathToFileURL(join(DIST, p)).href);
  const [db, rw, w] = await Promise.all([load('io/db.js'), load('io/roster-write.js'), load('io/import-worker.js')]);
  m = { openDb: db.openDb, importRoster: rw.importRoster, workerAvailable: w.workerAvailable };
});

const FILES: [string, string][] = [
  ['objects', join(FIXTURES, 'hengshui', 'objects.xlsx')],
  ['objects', join(FIXTURES, 'messy', 'objects-gbk.csv')],
  ['objects', join(FIXTURES, 'messy', 'objects-title-merged.xlsx')],
  ['inspectors', join(FIXTURES, 'hengshui', 'inspectors.xlsx')],
  ['experts', join(FIXTURES, 'hengshui', 'experts.xlsx')],
  ['items', join(FIXTURES, 'messy', 'items-wps.xlsx')],
  ['avoidance', join(FIXTURES, 'hengshui', 'avoidance.csv')],
];

/** Rows whose hashes need escapes, non-BMP characters and integer-like extra keys. */
const TRICKY = [
  '统一社会信用代码,单位名称,所属区县,监管类别,标签,地址,2023,10,a"b,𠀀列',
  '91131100MA0TRICK01,"衡水""引号""\\反斜杠",桃城区,重点监管对象,"涉气、涉水","路𠀀号😀",x,y,q,𠮷',
  '91131100MA0TRICK02,普通公司,冀州区,一般监管对象,,,,,,',
].join('\n');

/** Import FILES (and TRICKY) into a fresh database, in a worker thread or not; the summaries and the rows. */
async function importAll(worker: boolean) {
  const dir = tempDir();
  writeFileSync(join(dir, 'tricky.csv'), TRICKY);
  const db = m.openDb(join(dir, 'sj.db'));
  const summaries: Record<string, unknown>[] = [];
  for (const [kind, path] of [...FILES, ['objects', join(dir, 'tricky.csv')] as [string, string]]) {
    const { importId: _i, ...s } = await m.importRoster(db, { kind, path, mode: 'partial', workerBytes: worker ? 0 : Infinity });
    summaries.push(s);
  }
  const tables: Record<string, unknown[][]> = {};
  for (const kind of ['objects', 'inspectors', 'experts', 'items', 'avoidance']) {
    // every column but the instants (the two imports run at different times)
    const cols = (db.prepare(`PRAGMA table_info(${kind})`).all() as { name: string }[]).map((c) => c.name).filter((c) => !['valid_from', 'valid_to'].includes(c));
    tables[kind] = db.prepare(`SELECT ${cols.join(', ')} FROM ${kind} ORDER BY vid`).raw().all();
  }
  db.close();
  return { summaries, tables };
}

async function problemsOf(worker: boolean, kind: string, path: string) {
  const db = m.openDb(join(tempDir(), 'sj.db'));
  try {
    await m.importRoster(db, { kind, path, workerBytes: worker ? 0 : Infinity });
    return null;
  } catch (e) {
    const err = e as { name: string; message: string; problems?: unknown[]; exitCode?: number };
    return { name: err.name, message: err.message, exitCode: err.exitCode, problems: err.problems };
  } finally {
    db.close();
  }
}

describe.skipIf(!built)('import in a worker thread (compiled code)', () => {
  it('gives the same rows, hashes and summaries as an import in the importing thread', async () => {
    expect(m.workerAvailable).toBe(true);
    const inWorker = await importAll(true);
    const inThread = await importAll(false);
    expect(inWorker.summaries).toEqual(inThread.summaries);
    expect(inWorker.tables).toEqual(inThread.tables);
    expect(inWorker.tables.objects!.length).toBeGreaterThan(3000);
    expect(inWorker.summaries.at(-1)).toMatchObject({ added: 2, rows: 2 });
  });

  it('reports the same problems for every bad fixture, and a missing header the same way', async () => {
    const expected = JSON.parse(readFileSync(join(FIXTURES, 'bad', 'expected.json'), 'utf8')) as Record<string, { kind: string }>;
    let n = 0;
    for (const [file, { kind }] of Object.entries(expected)) {
      const w = await problemsOf(true, kind, join(FIXTURES, 'bad', file));
      const t = await problemsOf(false, kind, join(FIXTURES, 'bad', file));
      expect(w, file).not.toBeNull();
      expect(w, file).toEqual(t);
      n++;
    }
    expect(n).toBeGreaterThanOrEqual(8);
  });
});
