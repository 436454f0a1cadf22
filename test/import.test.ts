/** Integration: importing the fixtures (and small files made here) through io/roster-write.ts. */
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { FIXTURES } from './helpers.js';
import { tempDir, fileSha } from './db-helpers.js';
import { openDb, type DB } from '../src/io/db.js';
import { importRoster, type ImportOptions } from '../src/io/roster-write.js';
import { readRoster, rosterHistory, type RosterKind } from '../src/io/roster-read.js';
import { SjError } from '../src/errors.js';
import { setLang } from '../src/messages/index.js';

const HS = join(FIXTURES, 'hengshui');
const MESSY = join(FIXTURES, 'messy');
const BAD = join(FIXTURES, 'bad');
const haveFixtures = existsSync(join(HS, 'objects.xlsx')) && existsSync(join(BAD, 'expected.json'));

const imp = (db: DB, kind: ImportOptions['kind'], path: string, o: Partial<ImportOptions> = {}) => importRoster(db, { kind, path, ...o });

async function importError(p: Promise<unknown>): Promise<SjError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof SjError) return e;
    throw e;
  }
  throw new Error('expected the import to fail');
}

const TABLES = ['imports', 'objects', 'inspectors', 'experts', 'items', 'avoidance', 'regions'];
function counts(db: DB): Record<string, number> {
  return Object.fromEntries(TABLES.map((t) => [t, db.prepare(`SELECT count(*) FROM ${t}`).pluck().get() as number]));
}
/** close, fold the WAL into the file, hash it */
function closedSha(db: DB, path: string): string {
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return fileSha(path);
}

beforeAll(() => setLang('en'));

describe.skipIf(!haveFixtures)('hengshui fixtures', () => {
  it('imports the whole bureau; a second identical import changes nothing', async () => {
    const { db } = fresh();
    const o = await imp(db, 'objects', join(HS, 'objects.xlsx'));
    expect(o).toMatchObject({ added: 3230, updated: 0, unchanged: 0, deactivated: 0, rows: 3230, sheet: '检查对象名录库', dryRun: false });
    const byRegion = o.byRegion as Record<string, Record<string, number>>;
    expect(Object.keys(byRegion)).toHaveLength(13);
    expect(byRegion['131100']).toBeUndefined();
    expect(Object.values(byRegion).reduce((a, r) => a + r.special! + r.key! + r.positive! + r.general!, 0)).toBe(3230);
    const i = await imp(db, 'inspectors', join(HS, 'inspectors.xlsx'));
    expect(i.added).toBe(150);
    expect(i.byRegion['131100']).toBe(25);
    expect((await imp(db, 'experts', join(HS, 'experts.xlsx'))).added).toBe(30);
    expect((await imp(db, 'items', join(HS, 'items.xlsx'))).added).toBe(40);
    expect((await imp(db, 'avoidance', join(HS, 'avoidance.csv'))).added).toBe(40);
    expect((await imp(db, 'avoidance', join(HS, 'avoidance-experts.csv'), { mode: 'partial' })).added).toBe(8);
    expect(readRoster(db, 'avoidance')).toHaveLength(48);

    // inspector ids that look like numbers are text; certificate dates are calendar dates
    const insp = readRoster(db, 'inspectors');
    expect(insp.every((r) => /^\d{11}$/.test(r.id))).toBe(true);
    expect(insp.find((r) => r.id === '13110067198')).toMatchObject({ region: '131100', line: '执法', certified: true, certExpiry: '2028-04-07', status: 'active' });
    const items = readRoster(db, 'items');
    expect(items.find((r) => r.id === 'HB-SXS-002')).toMatchObject({ classes: ['general', 'positive'], level: 'county', method: '非现场' });

    const before = counts(db);
    const again = await imp(db, 'objects', join(HS, 'objects.xlsx'));
    expect(again).toMatchObject({ added: 0, updated: 0, unchanged: 3230, deactivated: 0 });
    const after = counts(db);
    expect(after.objects).toBe(before.objects);
    expect(after.imports).toBe(before.imports! + 1);
  });

  it('objects-2023Q3 re-import: added, updated, deactivated as listed; history kept', async () => {
    const changes = JSON.parse(readFileSync(join(HS, 'objects-2023Q3.changes.json'), 'utf8')) as {
      added: string[];
      removed: string[];
      changed: Record<string, Record<string, [string, string]>>;
    };
    const { db } = fresh();
    process.env.SJ_NOW = '2023-04-01T02:00:00.000Z';
    await imp(db, 'objects', join(HS, 'objects.xlsx'));
    process.env.SJ_NOW = '2023-07-01T02:00:00.000Z';
    try {
      const s = await imp(db, 'objects', join(HS, 'objects-2023Q3.xlsx'));
      expect(s).toMatchObject({ added: changes.added.length, updated: Object.keys(changes.changed).length, deactivated: changes.removed.length });
    } finally {
      delete process.env.SJ_NOW;
    }
    const current = new Map(readRoster(db, 'objects').map((r) => [r.id, r]));
    for (const id of changes.added) expect(current.has(id)).toBe(true);
    for (const id of changes.removed) {
      expect(current.has(id)).toBe(false);
      const h = rosterHistory(db, 'objects', id);
      expect(h.map((v) => v.inRoster)).toEqual([true, false]);
      expect(h[0]!.validTo).toBe('2023-07-01T02:00:00.000Z');
    }
    for (const [id, fields] of Object.entries(changes.changed)) {
      const row = current.get(id)!;
      for (const [f, [, now]] of Object.entries(fields)) {
        if (f === 'tier') expect(row.tier ?? '').toBe(now);
        else if (f === 'cls' || f === 'class') expect(row.class).toBe(now);
        else if (f === 'status') expect(['active', 'suspended', 'closed']).toContain(row.status);
      }
      expect(rosterHistory(db, 'objects', id)).toHaveLength(2);
    }
    // the roster as it stood before the re-import
    const old = readRoster(db, 'objects', { asOf: '2023-06-30T15:59:59.999Z' });
    expect(old).toHaveLength(3230);
    expect(old.some((r) => r.id === changes.removed[0])).toBe(true);
    expect(old.some((r) => r.id === changes.added[0])).toBe(false);
    expect(readRoster(db, 'objects')).toHaveLength(3230 + changes.added.length - changes.removed.length);
  });

  it('the streaming xlsx reader gives the same roster as the workbook reader', async () => {
    const a = fresh().db;
    const b = fresh().db;
    await imp(a, 'objects', join(HS, 'objects.xlsx'));
    await imp(b, 'objects', join(HS, 'objects.xlsx'), { streamXlsxBytes: 0 });
    const strip = (db: DB) => readRoster(db, 'objects').map((r) => [r.id, r.hash]);
    expect(strip(b)).toEqual(strip(a));
    await imp(a, 'inspectors', join(HS, 'inspectors.xlsx'));
    await imp(b, 'inspectors', join(HS, 'inspectors.xlsx'), { streamXlsxBytes: 0 });
    expect(readRoster(b, 'inspectors').map((r) => [r.id, r.hash])).toEqual(readRoster(a, 'inspectors').map((r) => [r.id, r.hash]));
  });
});

describe.skipIf(!haveFixtures)('messy fixtures', () => {
  const expected = haveFixtures ? (JSON.parse(readFileSync(join(MESSY, 'expected.json'), 'utf8')) as Record<string, Record<string, unknown>>) : {};
  const objectFiles = Object.entries(expected).filter(([, v]) => v.kind === 'objects' && Array.isArray(v.objects));

  it.each(objectFiles.map(([f]) => f))('%s imports as expected', async (file) => {
    const exp = expected[file]! as { rows: number; headerRow: number; sheet?: string; encoding?: string; objects: Record<string, unknown>[] };
    const { db } = fresh();
    const s = await imp(db, 'objects', join(MESSY, file));
    expect(s.rows).toBe(exp.rows);
    expect(s.added).toBe(exp.rows);
    expect(s.headerRow).toBe(exp.headerRow);
    if (exp.sheet) expect(s.sheet).toBe(exp.sheet);
    if (exp.encoding) expect(s.encoding).toBe(exp.encoding === 'gb18030' ? 'gb18030' : 'utf8');
    const rows = new Map(readRoster(db, 'objects').map((r) => [r.id, r]));
    for (const o of exp.objects) {
      const r = rows.get(o.id as string);
      expect(r, o.id as string).toBeDefined();
      expect({ name: r!.name, region: r!.region, class: r!.class, tier: r!.tier ?? '' }).toEqual({ name: o.name, region: o.region, class: o.class, tier: o.tier });
      if (o.tags) expect(r!.tags).toEqual(o.tags);
    }
  });

  it('title rows, merged title, hidden sheet, rich text, formula, hyperlink, unknown columns', async () => {
    const { db } = fresh();
    const s = await imp(db, 'objects', join(MESSY, 'objects-title-merged.xlsx'));
    expect(s.headerRow).toBe(3);
    expect(s.extraColumns).toEqual(expect.arrayContaining(['序号', '备注']));
    const r = readRoster(db, 'objects').find((x) => x.id === '9113112744316301X6')!;
    expect(r.name).toBe('河北贵泰汽车销售服务有限公司');
    for (const x of readRoster(db, 'objects')) {
      expect(x.industry).not.toMatch(/^=|\[object/);
      expect(x.address).not.toMatch(/\[object|http/);
      expect(x.extra['序号']).toMatch(/^\d+$/);
    }
  });

  it('objects-conditions: classes by the plan precedence', async () => {
    const exp = JSON.parse(readFileSync(join(MESSY, 'objects-conditions.expected.json'), 'utf8')) as Record<string, string>;
    const { db } = fresh();
    const s = await imp(db, 'objects', join(MESSY, 'objects-conditions.xlsx'));
    const rows = new Map(readRoster(db, 'objects').map((r) => [r.id, r]));
    for (const [id, cls] of Object.entries(exp)) expect(rows.get(id)?.class, id).toBe(cls);
    const prec = [...rows.values()].filter((r) => r.classBy === 'precedence');
    expect(s.byPrecedence).toBe(prec.length);
    expect(prec.length).toBeGreaterThan(0);
    expect(prec.every((r) => r.class !== 'key')).toBe(true);
  });

  it('inspectors-numeric: numeric ids, dates and yes/no in every form', async () => {
    const exp = JSON.parse(readFileSync(join(MESSY, 'inspectors-numeric.expected.json'), 'utf8')) as Record<string, Record<string, unknown>>;
    const { db } = fresh();
    await imp(db, 'inspectors', join(MESSY, 'inspectors-numeric.xlsx'));
    const rows = new Map(readRoster(db, 'inspectors').map((r) => [r.id, r]));
    expect(rows.size).toBe(Object.keys(exp).length);
    for (const [id, e] of Object.entries(exp)) {
      const r = rows.get(id);
      expect(r, id).toBeDefined();
      for (const [k, v] of Object.entries(e)) expect((r as unknown as Record<string, unknown>)[k], `${id}.${k}`).toEqual(v);
    }
    expect([...rows.keys()].some((id) => id.startsWith('0'))).toBe(true);
  });

  it('items-wps: header on row 2, classes mapped', async () => {
    const exp = expected['items-wps.xlsx'] as { rows: number; headerRow: number; items: { id: string; name: string; classes: string[]; industries: string[]; method: string; level: string }[] };
    const { db } = fresh();
    const s = await imp(db, 'items', join(MESSY, 'items-wps.xlsx'));
    expect(s.headerRow).toBe(exp.headerRow);
    expect(s.rows).toBe(exp.rows);
    const cls: Record<string, string> = { 特殊: 'special', 重点: 'key', 一般: 'general', 正面清单: 'positive' };
    const lvl: Record<string, string> = { 市级: 'city', 县级: 'county', 市县两级: 'both' };
    const rows = new Map(readRoster(db, 'items').map((r) => [r.id, r]));
    for (const e of exp.items) {
      const r = rows.get(e.id)!;
      expect(r, e.id).toBeDefined();
      expect(r.name).toBe(e.name);
      expect(r.classes).toEqual(e.classes.map((c) => cls[c]));
      expect(r.industries).toEqual(e.industries);
      expect(r.method).toBe(e.method);
      expect(r.level).toBe(lvl[e.level]);
    }
  });
});

describe.skipIf(!haveFixtures)('bad fixtures: every problem reported, the database unchanged', () => {
  const expected = haveFixtures
    ? (JSON.parse(readFileSync(join(BAD, 'expected.json'), 'utf8')) as Record<string, { kind: RosterKind; requires?: string[]; problems: { row: number | null; column: string; problem: string; value?: string; firstRow?: number }[] }>)
    : {};
  it.each(Object.keys(expected))('%s', async (file) => {
    const exp = expected[file]!;
    const { db, path } = fresh();
    for (const r of exp.requires ?? []) await imp(db, r.split('/')[1]!.replace(/\.\w+$/, '') as RosterKind, join(FIXTURES, r));
    const before = counts(db);
    const sha = closedSha(db, path);
    const db2 = openDb(path);
    const e = await importError(imp(db2, exp.kind as ImportOptions['kind'], join(BAD, file)));
    expect(e.exitCode).toBe(1);
    const got = (e.problems ?? []).map((p) => {
      const q = p as typeof p & { code: string; value?: string; firstRow?: number };
      return { row: q.row ?? null, column: q.column, problem: q.code, value: q.value, firstRow: q.firstRow };
    });
    // same problems in the same order; value/firstRow compared where the fixture gives them
    expect(got).toMatchObject(exp.problems);
    for (const p of e.problems ?? []) expect(p.file).toBe(file);
    expect(counts(db2)).toEqual(before);
    expect(closedSha(db2, path)).toBe(sha);
  });
});

describe('small files made here', () => {
  it('CSV: title rows above the header, line numbers, quoted line breaks, GB18030', async () => {
    const dir = tempDir();
    const csv = [
      '衡水市检查对象名录库（测试）,,',
      '',
      '统一社会信用代码*,单位名称,所属区县（市、区）,生产月份,标签',
      'A1,"甲\n公司",桃城区,"1-3,11-12",涉气/涉水',
      '',
      'A2,乙公司,131103,,',
      'A3,丙公司,故城,13,',
    ].join('\r\n');
    const p = join(dir, 'o.csv');
    writeFileSync(p, csv, 'utf8');
    const { db } = fresh();
    const e = await importError(imp(db, 'objects', p));
    expect(e.problems!.map((x) => [x.row, x.column])).toEqual([[8, '生产月份']]); // the quoted line break makes A1 span lines 4–5
    writeFileSync(p, csv.replace('A3,丙公司,故城,13,', 'A3,丙公司,故城,12,'), 'utf8');
    const s = await imp(db, 'objects', p);
    expect(s).toMatchObject({ headerRow: 3, rows: 3, added: 3, encoding: 'utf8' });
    const rows = readRoster(db, 'objects');
    expect(rows.map((r) => [r.id, r.name, r.region, r.months])).toEqual([
      ['A1', '甲 公司', '131102', '1-3,11-12'],
      ['A2', '乙公司', '131103', ''],
      ['A3', '丙公司', '131126', '12'],
    ]);
    expect(rows[0]!.tags).toEqual(['涉气', '涉水']);

    // GBK bytes of "统一社会信用代码,单位名称,所属区县\r\nB1,<name>,景县" built from the GB18030 decoder's inverse
    const gbk = encodeGb18030('统一社会信用代码,单位名称,所属区县\r\nB1,衡水测试,景县\r\n');
    const g = join(dir, 'g.csv');
    writeFileSync(g, gbk);
    const { db: db2 } = fresh();
    const s2 = await imp(db2, 'objects', g);
    expect(s2.encoding).toBe('gb18030');
    expect(readRoster(db2, 'objects')[0]).toMatchObject({ id: 'B1', name: '衡水测试', region: '131127' });
    // forcing utf8 on GBK bytes is a clear error, not mojibake
    const e2 = await importError(imp(db2, 'objects', g, { encoding: 'utf8' }));
    expect(e2.message).toMatch(/UTF-8/);
  });

  it('xlsx: hidden sheet skipped, --sheet, number/date/boolean cells, --map, partial and dry run', async () => {
    const dir = tempDir();
    const wb = new ExcelJS.Workbook();
    const hidden = wb.addWorksheet('说明');
    hidden.state = 'hidden';
    hidden.addRow(['执法证号', '姓名', '所属单位']);
    hidden.addRow(['99999999999', '隐藏', '市局']);
    const ws = wb.addWorksheet('人员');
    ws.addRow(['执法证号', '姓名', '单位名称X', '执法证', '证件到期日', '状态']);
    ws.addRow([13110012345, '张三', '市局', true, new Date(Date.UTC(2026, 3, 7)), '在岗']);
    ws.addRow(['013110099', { richText: [{ text: '李' }, { text: '四' }] }, '衡水市生态环境局桃城区分局', '否', 45019, '退休']);
    const other = wb.addWorksheet('第二表');
    other.addRow(['执法证号', '姓名', '单位名称X']);
    other.addRow(['X9', '王五', '景县']);
    const p = join(dir, 'i.xlsx');
    await wb.xlsx.writeFile(p);
    const { db } = fresh();
    // without --map the region column is missing everywhere
    const e = await importError(imp(db, 'inspectors', p));
    expect(e.problems![0]).toMatchObject({ code: 'missing-column' });
    const map = { region: '单位名称X', certExpiry: '证件到期日' };
    const dry = await imp(db, 'inspectors', p, { map, dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, added: 2, sheet: '人员' });
    expect(counts(db).inspectors).toBe(0);
    expect(counts(db).imports).toBe(0);
    await imp(db, 'inspectors', p, { map });
    const rows = readRoster(db, 'inspectors');
    expect(rows.map((r) => [r.id, r.name, r.region, r.certified, r.certExpiry, r.status])).toEqual([
      ['013110099', '李四', '131102', false, '2023-04-03', 'inactive'],
      ['13110012345', '张三', '131100', true, '2026-04-07', 'active'],
    ]);
    const s = await imp(db, 'inspectors', p, { map: { region: '单位名称X' }, sheet: '第二表', mode: 'partial' });
    expect(s).toMatchObject({ added: 1, deactivated: 0, sheet: '第二表' });
    expect(readRoster(db, 'inspectors')).toHaveLength(3);
    const full = await imp(db, 'inspectors', p, { map: { region: '单位名称X' }, sheet: '第二表' });
    expect(full).toMatchObject({ unchanged: 1, deactivated: 2 });
    expect(readRoster(db, 'inspectors').map((r) => r.id)).toEqual(['X9']);
    expect(readRoster(db, 'inspectors', { includeRemoved: true })).toHaveLength(3);
    const e3 = await importError(imp(db, 'inspectors', p, { sheet: '说明' }));
    expect(e3.message).toMatch(/说明/);
  });

  it('a file with a header and no rows is refused (a full import would empty the roster)', async () => {
    const dir = tempDir();
    const p = join(dir, 'e.csv');
    writeFileSync(p, '统一社会信用代码,单位名称,所属区县\nE1,甲,景县\n');
    const { db } = fresh();
    await imp(db, 'objects', p);
    writeFileSync(p, '统一社会信用代码,单位名称,所属区县\n\n,,\n');
    const e = await importError(imp(db, 'objects', p));
    expect(e.message).toMatch(/no data rows/);
    expect(readRoster(db, 'objects').map((r) => r.id)).toEqual(['E1']);
  });

  it('control characters are reported with the row and column', async () => {
    const dir = tempDir();
    const p = join(dir, 'c.csv');
    writeFileSync(p, '统一社会信用代码,单位名称,所属区县\nC1,坏\u0007名,景县\nC2,好名,景县\n');
    const { db } = fresh();
    const e = await importError(imp(db, 'objects', p));
    expect(e.problems!.map((x) => [x.row, x.column, (x as { code?: string }).code])).toEqual([[2, '单位名称', 'control-char']]);
    expect(counts(db).objects).toBe(0);
  });
});

describe('a large CSV read piece by piece', () => {
  const header = '统一社会信用代码,单位名称,所属区县,监管类别\r\n';
  /** a file whose first 32 KB piece ends `into` bytes into `ch` (in the name of row Z0, after ASCII filler rows) */
  const straddling = (ch: string, into: number): { bytes: Buffer; name: string } => {
    const name = `衡水${ch}公司`;
    const row = (id: string, n: string) => `${id},${n},景县,一般监管对象\r\n`;
    const fillerBytes = 32768 - into - Buffer.byteLength(header) - Buffer.byteLength('Z0,衡水');
    // rows of 100 bytes, the last one longer by what is left
    const base = Buffer.byteLength(row('F000', ''));
    const count = Math.floor(fillerBytes / 100) - 1;
    const rows = Array.from({ length: count }, (_, i) => row(`F${String(i).padStart(3, '0')}`, 'n'.repeat(100 - base)));
    rows.push(row('F999', 'n'.repeat(fillerBytes - 100 * count - base)));
    const bytes = Buffer.from(header + rows.join('') + row('Z0', name) + row('Z1', '衡水收尾公司'));
    expect(bytes.indexOf(Buffer.from(ch)) + into, `${ch} ${into}`).toBe(32768);
    return { bytes, name };
  };

  it('a character cut at a piece\'s end (UTF-8 of 2, 3 and 4 bytes) comes out whole', async () => {
    const dir = tempDir();
    for (const [ch, into] of [['é', 1], ['测', 1], ['测', 2], ['𠀀', 1], ['𠀀', 2], ['𠀀', 3]] as const) {
      const { bytes, name } = straddling(ch, into);
      const f = join(dir, `cut-${into}-${ch.codePointAt(0)}.csv`);
      writeFileSync(f, bytes);
      const { db } = fresh();
      expect(await imp(db, 'objects', f), `${ch} ${into}`).toMatchObject({ encoding: 'utf8' });
      const got = readRoster(db, 'objects');
      expect(got.find((r) => r.id === 'Z0')?.name, `${ch} ${into}`).toBe(name);
      expect(got.find((r) => r.id === 'Z1')?.name).toBe('衡水收尾公司');
    }
  });

  it('GB18030 across pieces; a byte that is not UTF-8 far into a UTF-8 file is an error', async () => {
    const dir = tempDir();
    const names = Array.from({ length: 3000 }, (_, i) => `衡水${'测试'.repeat(4 + (i % 7))}公司${i}`);
    const text = header + names.map((n, i) => `G${i},${n},景县,一般监管对象\r\n`).join('');
    const g = join(dir, 'g.csv');
    writeFileSync(g, encodeGb18030(text));
    const { db } = fresh();
    expect(await imp(db, 'objects', g)).toMatchObject({ rows: 3000, encoding: 'gb18030' });
    const byId = new Map(readRoster(db, 'objects').map((r) => [r.id, r.name]));
    expect(names.every((n, i) => byId.get(`G${i}`) === n)).toBe(true);
    // past the 4 MB the encoding is detected from
    const rows = Array.from({ length: 60000 }, (_, i) => `D${i},衡水测试公司${'x'.repeat(60)},景县,一般监管对象\r\n`).join('');
    const big = Buffer.concat([Buffer.from(header + rows), Buffer.from([0x44, 0x39, 0x2c, 0xff, 0x2c, 0x0d, 0x0a])]);
    expect(big.length).toBeGreaterThan(5_000_000);
    const b = join(dir, 'bad.csv');
    writeFileSync(b, big);
    const { db: db2 } = fresh();
    const e = await importError(imp(db2, 'objects', b));
    expect(e.message).toMatch(/UTF-8/);
    expect(counts(db2).objects).toBe(0);
  });
});

/** GB18030 encoder for the test (Node has only the decoder): search the 2-byte GBK range. */
function encodeGb18030(s: string): Buffer {
  const dec = new TextDecoder('gb18030');
  const table = new Map<string, number[]>();
  const out: number[] = [];
  for (const ch of s) {
    if (ch.charCodeAt(0) < 0x80) {
      out.push(ch.charCodeAt(0));
      continue;
    }
    let bytes = table.get(ch);
    if (!bytes) {
      search: for (let a = 0x81; a <= 0xfe; a++) {
        for (let b = 0x40; b <= 0xfe; b++) {
          if (dec.decode(Uint8Array.of(a, b)) === ch) {
            bytes = [a, b];
            break search;
          }
        }
      }
      table.set(ch, bytes!);
    }
    out.push(...bytes!);
  }
  return Buffer.from(out);
}

function fresh(): { db: DB; path: string } {
  const path = join(tempDir(), 'sj.db');
  return { db: openDb(path), path };
}

describe('row hashes', () => {
  // Rows whose canonical JSON needs every rule of sj-draw §1: escapes, non-BMP characters, extra
  // columns with integer-like and non-ASCII headers, empty cells (nulls, empty lists).
  const TRICKY = [
    '统一社会信用代码,单位名称,所属区县,监管类别,信用等级,行业,标签,状态,地址,2023,10,备注,a"b,𠀀列,Z,é',
    '91131100MA0TRICK01,"衡水""引号""\\反斜杠有限公司",桃城区,重点监管对象,A,化工,"涉气、涉水",在产,"路𠀀号😀",x,y,"备注\\n,逗号",q,𠮷,z,e',
    '91131100MA0TRICK02,普通公司,冀州区,一般监管对象,,,,,,,,,,,,',
    '91131100MA0TRICK03,"Tab	内有  空格 ",枣强县,特殊监管对象,B,丝网,VOCs,停产,地址,1,2,3,4,5,7,8',
  ].join('\r\n') + '\r\n';

  it.skipIf(!haveFixtures)('are the hashes existing databases hold (pinned: a change would break their verification)', async () => {
    const { H } = await import('../src/core/hash.js');
    const dir = tempDir();
    writeFileSync(join(dir, 'tricky.csv'), TRICKY);
    const db = openDb(join(dir, 'sj.db'));
    for (const [kind, file] of [
      ['objects', join(HS, 'objects.xlsx')], ['objects', join(MESSY, 'objects-gbk.csv')], ['objects', join(MESSY, 'objects-conditions.xlsx')], ['objects', join(dir, 'tricky.csv')],
      ['inspectors', join(HS, 'inspectors.xlsx')], ['inspectors', join(MESSY, 'inspectors-numeric.xlsx')], ['experts', join(HS, 'experts.xlsx')],
      ['items', join(MESSY, 'items-wps.xlsx')], ['avoidance', join(HS, 'avoidance.csv')],
    ] as const) {
      await imp(db, kind, file, { mode: 'partial' });
    }
    const lines: string[] = [];
    for (const kind of ['objects', 'inspectors', 'experts', 'items', 'avoidance']) {
      for (const [id, hash] of db.prepare(`SELECT id, hash FROM ${kind} ORDER BY vid`).raw().all() as [string, string][]) lines.push(`${kind} ${id} ${hash}\n`);
    }
    const tricky = new Map(db.prepare("SELECT id, hash FROM objects WHERE id LIKE '%TRICK%'").raw().all() as [string, string][]);
    db.close();
    expect(lines.length).toBeGreaterThan(3400);
    // computed by the importer before its row hash moved to core/canonical.ts's canonicalRecord
    expect(tricky).toEqual(new Map([
      ['91131100MA0TRICK01', '8a5372b86953591a47ce6ac35db2a607b84f8383b6ec863032a77458acb3aace'],
      ['91131100MA0TRICK02', '66241a215fc7b024fc81f13d0c5fc8c70bbcb5176b3d0936d2fb8cd118e58356'],
      ['91131100MA0TRICK03', '95c89cbc6a5c1bb1db459c7b78ddd342362ad647adf666711c30974ba3c2330c'],
    ]));
    expect(H(lines.join(''))).toBe('6ef5e73f0f6b77a5f31f88b3559d2e2860381b930cfa363f24090eacaad92896');
  });

  it('keeps an extra column headed "__proto__" (or "constructor") as its own member, hashed like any other', async () => {
    const { H } = await import('../src/core/hash.js');
    const { canonical } = await import('../src/core/canonical.js');
    const { COLUMNS } = await import('../src/io/roster-columns.js');
    const dir = tempDir();
    writeFileSync(join(dir, 'proto.csv'), '统一社会信用代码,单位名称,所属区县,监管类别,__proto__,constructor\r\n91131100MA0PROTO01,原型公司,桃城区,重点监管对象,x,y\r\n');
    const db = openDb(join(dir, 'sj.db'));
    const s = await imp(db, 'objects', join(dir, 'proto.csv'), { mode: 'partial' });
    expect(s.extraColumns).toEqual(['__proto__', 'constructor']);
    const r = readRoster(db, 'objects').find((o) => o.id === '91131100MA0PROTO01') as unknown as Record<string, unknown>;
    const extra = r.extra as Record<string, unknown>;
    expect(Object.keys(extra)).toEqual(['__proto__', 'constructor']);
    expect([Object.getOwnPropertyDescriptor(extra, '__proto__')?.value, extra.constructor]).toEqual(['x', 'y']);
    const data: Record<string, unknown> = { extra };
    for (const c of COLUMNS.objects) data[c] = r[c];
    expect(db.prepare('SELECT hash FROM objects WHERE id = ?').pluck().get('91131100MA0PROTO01')).toBe(H(canonical(data)));
    expect(canonical(extra)).toBe('{"__proto__":"x","constructor":"y"}');
    db.close();
  });

  it.skipIf(!haveFixtures)('every stored version has hash = H(canonical(its data fields and extra))', async () => {
    const { H } = await import('../src/core/hash.js');
    const { canonical } = await import('../src/core/canonical.js');
    const { COLUMNS } = await import('../src/io/roster-columns.js');
    const dir = tempDir();
    const db = openDb(join(dir, 'sj.db'));
    for (const [kind, file] of [
      ['objects', join(HS, 'objects.xlsx')], ['objects', join(MESSY, 'objects-gbk.csv')], ['objects', join(MESSY, 'objects-title-merged.xlsx')],
      ['objects', join(MESSY, 'objects-conditions.xlsx')], ['inspectors', join(MESSY, 'inspectors-numeric.xlsx')], ['inspectors', join(HS, 'inspectors.xlsx')],
      ['experts', join(HS, 'experts.xlsx')], ['items', join(MESSY, 'items-wps.xlsx')], ['avoidance', join(HS, 'avoidance.csv')],
    ] as const) {
      await imp(db, kind, file, { mode: 'partial' });
    }
    let checked = 0;
    let withExtra = 0;
    for (const kind of ['objects', 'inspectors', 'experts', 'items', 'avoidance'] as const) {
      const rows = readRoster(db, kind, { includeRemoved: true }) as unknown as Record<string, unknown>[];
      const stored = new Map(db.prepare(`SELECT id, hash FROM ${kind} WHERE valid_to IS NULL`).raw().all() as [string, string][]);
      for (const r of rows) {
        const data: Record<string, unknown> = { extra: r.extra };
        for (const c of COLUMNS[kind]) data[c] = r[c];
        expect(stored.get(r.id as string), `${kind} ${String(r.id)}`).toBe(H(canonical(data)));
        checked++;
        if (Object.keys(r.extra as object).length) withExtra++;
      }
    }
    expect(checked).toBeGreaterThan(3000);
    expect(withExtra).toBeGreaterThan(0);
    // the first import into each empty table dropped its indexes and built them again
    // (the same as a fresh database has)
    const blank = openDb(join(dir, 'blank.db'));
    const indexes = (d: DB, table: string) => d.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name").all(table);
    for (const kind of ['objects', 'inspectors', 'experts', 'items', 'avoidance']) expect(indexes(db, kind), kind).toEqual(indexes(blank, kind));
    expect(indexes(db, 'objects').map((i) => (i as { name: string }).name)).toContain('objects_current');
    expect(indexes(db, 'avoidance')).toHaveLength(2);
    blank.close();
    db.close();
  });
});
