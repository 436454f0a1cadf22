/**
 * The reader's flat row batches (io/import-rows.ts RowBatch): the layout the importing thread and
 * VersionWriter read, the hashes the reader adds (or leaves to the importer), and an import through
 * a worker that switches between the two on a file of many batches (compiled code, as
 * test/import-worker.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openSource, ROW, rowHasher, rowStride, type RowBatch, type RowIssue } from '../src/io/import-rows.js';
import { COLUMNS } from '../src/io/roster-columns.js';
import { HENGSHUI_REGIONS } from '../src/io/regions-default.js';
import { ROOT } from './helpers.js';
import { tempDir } from './db-helpers.js';

const HEADER = '统一社会信用代码,单位名称,所属区县,监管类别,信用等级,标签,地址,备注';

/** n rows; every 7th repeats an earlier id, every 11th names an unknown region, every 13th has no name */
function csv(n: number, seed = ''): string {
  const lines = [HEADER];
  for (let i = 0; i < n; i++) {
    const id = i % 7 === 6 ? `91131100MA${String(i - 3).padStart(8, '0')}` : `91131100MA${String(i).padStart(8, '0')}`;
    const region = i % 11 === 10 ? '火星区' : ['桃城区', '冀州区', '景县'][i % 3];
    const name = i % 13 === 12 ? '' : `衡水${seed}测试${i}号公司`;
    lines.push([id, name, region, ['重点监管对象', '一般监管对象'][i % 2], 'ABC'[i % 3], i % 2 ? '"涉气、涉水"' : '', `路${i}号`, i % 5 ? '' : `备注${i}`].join(','));
  }
  return lines.join('\n') + '\n';
}

async function readAll(path: string, hashing: boolean): Promise<RowBatch[]> {
  const src = await openSource({ kind: 'objects', path, map: {} }, { regions: HENGSHUI_REGIONS, tiers: ['A', 'B', 'C', 'D', 'E'] });
  src.hashing!(hashing);
  const out: RowBatch[] = [];
  // a batch is valid until the next is read: copied
  for await (const b of src.batches) out.push(b.slice());
  return out;
}

describe('the reader’s row batches', () => {
  it('lay rows out flat, ROW fields then the stored values, and hash exactly the rows that can be stored', async () => {
    const path = join(tempDir(), 'objects.csv');
    writeFileSync(path, csv(2500));
    const stride = rowStride('objects');
    expect(stride).toBe(ROW.values + COLUMNS.objects.length + 1);
    const batches = await readAll(path, true);
    // a batch per 32 KB piece of the file (about 160 rows here), none over 1000 rows
    expect(batches.length).toBeGreaterThan(3);
    for (const b of batches) expect(b.length / stride).toBeLessThanOrEqual(1000);
    const rowHash = rowHasher('objects');
    let rows = 0;
    let hashed = 0;
    for (const b of batches) {
      expect(b.length % stride).toBe(0);
      for (let at = 0; at < b.length; at += stride, rows++) {
        const i = rows;
        expect(b[at + ROW.rowNumber]).toBe(i + 2);
        expect(b[at + ROW.id]).toBe(i % 7 === 6 ? `91131100MA${String(i - 3).padStart(8, '0')}` : `91131100MA${String(i).padStart(8, '0')}`);
        expect(b[at + ROW.firstRow]).toBe(i % 7 === 6 ? i - 3 + 2 : 0);
        const issues = b[at + ROW.issues] as RowIssue[] | null;
        expect(issues === null).toBe(i % 11 !== 10 && i % 13 !== 12);
        const storable = !issues && i % 7 !== 6;
        expect(b[at + ROW.hash]).toBe(storable ? rowHash(b, at + ROW.values) : '');
        if (storable) hashed++;
        // the stored values: name, region code, … extra as JSON
        const values = b.slice(at + ROW.values, at + stride);
        if (storable) expect(values[0]).toBe(`衡水测试${i}号公司`);
        expect(values.at(-1)).toBe(i % 5 ? '{}' : JSON.stringify({ 备注: `备注${i}` }));
      }
    }
    expect(rows).toBe(2500);
    expect(hashed).toBe([...Array(2500).keys()].filter((i) => i % 7 !== 6 && i % 11 !== 10 && i % 13 !== 12).length);
  });

  it('leave every hash to the importer when told so, and are otherwise the same', async () => {
    const path = join(tempDir(), 'objects.csv');
    writeFileSync(path, csv(1500));
    const hashed = await readAll(path, true);
    const bare = await readAll(path, false);
    const stride = rowStride('objects');
    const rowHash = rowHasher('objects');
    expect(bare.length).toBe(hashed.length);
    bare.forEach((b, k) => {
      for (let at = 0; at < b.length; at += stride) {
        expect(b[at + ROW.hash]).toBe('');
        if (hashed[k]![at + ROW.hash]) b[at + ROW.hash] = rowHash(b, at + ROW.values);
      }
      expect(b).toEqual(hashed[k]);
    });
  });
});

const DIST = join(ROOT, 'dist');
const built = existsSync(join(DIST, 'io', 'roster-write.js'));

describe.skipIf(!built)('an import of many batches in a worker (compiled code)', () => {
  it('stores the same rows, hashes and versions as one in the importing thread, first import and re-import', async () => {
    const load = (p: string) => import(pathToFileURL(join(DIST, p)).href);
    const [{ openDb }, { importRoster }] = await Promise.all([load('io/db.js'), load('io/roster-write.js')]);
    const dir = tempDir();
    // without the bad rows (a file with problems is not stored): every 7th id repeats, so no 7th
    const good = (seed: string) => csv(30_000, seed).split('\n').filter((l, i) => i === 0 || (l && (i - 1) % 7 !== 6 && (i - 1) % 11 !== 10 && (i - 1) % 13 !== 12)).join('\n');
    writeFileSync(join(dir, 'a.csv'), good(''));
    // the re-import changes every 4th row's name
    writeFileSync(join(dir, 'b.csv'), good('').split('\n').map((l, i) => (i % 4 === 1 ? l.replace('衡水测试', '衡水新测试') : l)).join('\n'));
    const run = async (worker: boolean) => {
      const db = openDb(join(dir, `${worker}.db`));
      const summaries = [];
      for (const f of ['a.csv', 'b.csv']) {
        const { importId: _i, ...s } = await importRoster(db, { kind: 'objects', path: join(dir, f), workerBytes: worker ? 0 : Infinity });
        summaries.push(s);
      }
      const cols = (db.prepare('PRAGMA table_info(objects)').all() as { name: string }[]).map((c) => c.name).filter((c) => !['valid_from', 'valid_to'].includes(c));
      const rows = db.prepare(`SELECT ${cols.join(', ')}, valid_to IS NULL FROM objects ORDER BY vid`).raw().all();
      db.close();
      return { summaries, rows };
    };
    const inWorker = await run(true);
    const inThread = await run(false);
    expect(inWorker.summaries[0]).toMatchObject({ added: inWorker.summaries[0]!.rows, updated: 0 });
    expect(inWorker.summaries[1]!.updated).toBeGreaterThan(4000);
    expect(inWorker.summaries).toEqual(inThread.summaries);
    expect(inWorker.rows.length).toBeGreaterThan(20_000);
    expect(inWorker.rows).toEqual(inThread.rows);
  });
});
