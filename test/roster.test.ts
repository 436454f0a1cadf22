/** sj roster list/stats/show and sj regions: functions and the CLI. */
import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES } from './helpers.js';
import { tempDir } from './db-helpers.js';
import { run as sj } from './cli.js';
import { openDb, type DB } from '../src/io/db.js';
import { importRoster } from '../src/io/roster-write.js';
import { objectReport } from '../src/commands/roster.js';
import { listRoster } from '../src/io/roster-query.js';
import { rosterStats } from '../src/io/roster-stats.js';
import { OBJECT_SECTIONS } from '../src/commands/object-sections.js';
import { textTable } from '../src/ui/table.js';
import { displayWidth } from '../src/core/text-width.js';
import { readRegionFile } from '../src/commands/regions.js';
import { applyRegions } from '../src/io/regions-store.js';
import { Regions } from '../src/io/regions.js';
import { SjError } from '../src/errors.js';
import { setLang } from '../src/messages/index.js';

const HS = join(FIXTURES, 'hengshui');
const have = existsSync(join(HS, 'objects.xlsx'));

beforeAll(() => setLang('en'));

describe.skipIf(!have)('roster list / stats / show', () => {
  let db: DB;
  let dbPath: string;
  beforeAll(async () => {
    dbPath = join(tempDir(), 'sj.db');
    db = openDb(dbPath);
    process.env.SJ_NOW = '2023-04-01T02:00:00.000Z';
    try {
      for (const k of ['objects', 'inspectors', 'experts', 'items'] as const) await importRoster(db, { kind: k, path: join(HS, `${k}.xlsx`) });
      await importRoster(db, { kind: 'avoidance', path: join(HS, 'avoidance.csv') });
      process.env.SJ_NOW = '2023-07-01T02:00:00.000Z';
      await importRoster(db, { kind: 'objects', path: join(HS, 'objects-2023Q3.xlsx') });
    } finally {
      delete process.env.SJ_NOW;
    }
  });

  it('list filters by region and class, and as of a date', () => {
    const all = listRoster(db, 'objects', {});
    const tc = listRoster(db, 'objects', { region: '131102' });
    const tcKey = listRoster(db, 'objects', { region: '131102', cls: 'key' });
    expect(tc.length).toBeGreaterThan(0);
    expect(tc.every((r) => r.region === '131102')).toBe(true);
    expect(tcKey.every((r) => r.region === '131102' && r.class === 'key')).toBe(true);
    expect(tcKey.length).toBeLessThan(tc.length);
    expect(all).toHaveLength(3240);
    expect(listRoster(db, 'objects', { asOf: '2023-04-01' })).toHaveLength(3230);
    expect(listRoster(db, 'objects', { asOf: '2023-03-31' })).toHaveLength(0);
    expect(listRoster(db, 'objects', { includeRemoved: true })).toHaveLength(3260);
    const insp = listRoster(db, 'inspectors', { region: '131100' });
    expect(insp).toHaveLength(25);
  });

  it('stats: region × class, tiers, expiring and expired certificates, regions short of inspectors', () => {
    const s = rosterStats(db, '2023-04-01');
    expect(s.objects.total).toBe(3240);
    const sum = Object.values(s.objects.byRegion).reduce((a, r) => a + r.total, 0);
    expect(sum).toBe(3240);
    expect(Object.values(s.objects.byTier).reduce((a, b) => a + b, 0)).toBe(3240);
    expect(s.objects.positive).toBe(s.objects.byClass.positive);
    expect(s.inspectors.total).toBe(150);
    expect(s.expiring).toHaveLength(5);
    expect(s.expired).toHaveLength(7);
    expect(s.expiring.every((e) => e.certExpiry >= '2023-04-01' && e.certExpiry <= '2023-06-30')).toBe(true);
    // eligible = active, certified, valid certificate
    const eligible = Object.values(s.inspectors.eligibleByRegion).reduce((a, b) => a + b, 0);
    expect(eligible).toBeLessThan(150);
    expect(eligible).toBeGreaterThan(120);
    // years later every certificate has lapsed: every region is flagged
    const late = rosterStats(db, '2040-01-01');
    expect(late.fewEligible.map((r) => r.region)).toEqual(Regions.load(db).all.map((r) => r.code));
  });

  it('show: current data, version history with the changed fields, appendable sections', () => {
    const id = db.prepare("SELECT id FROM objects GROUP BY id HAVING count(*) = 2 AND min(in_roster) = 1 LIMIT 1").pluck().get() as string;
    const r = objectReport(db, id)!;
    expect(r.current!.id).toBe(id);
    expect(r.history).toHaveLength(2);
    expect(r.history[1]!.changed.length).toBeGreaterThan(0);
    expect(r.history[0]!.validTo).toBe(r.history[1]!.validFrom);
    expect(r.history.map((v) => v.file)).toEqual(['objects.xlsx', 'objects-2023Q3.xlsx']);
    // the sections are passed in explicitly (object-sections.ts by default: inspections, credit)
    const mine = (_db: DB, oid: string) => ({ key: 'mine', title: 'mine', lines: [oid], json: [oid] });
    expect(objectReport(db, id, [mine])!.sections).toEqual([{ key: 'mine', title: 'mine', lines: [id], json: [id] }]);
    expect(objectReport(db, id)!.sections.map((s) => s.key)).toEqual(OBJECT_SECTIONS.map((f) => f(db, id)!.key));
    expect(OBJECT_SECTIONS.map((f) => f(db, id)!.key)).toEqual(['inspections', 'credit']);
    expect(objectReport(db, 'NOPE')).toBeNull();
  });

  it('a listed roster imports back: roster list inspectors --csv into a new database gives the same list', async () => {
    db.pragma('wal_checkpoint(TRUNCATE)');
    const dir = tempDir();
    const file = join(dir, 'inspectors.csv');
    const listed = await sj(['--db', dbPath, 'roster', 'list', 'inspectors', '--csv']);
    expect(listed.status).toBe(0);
    expect(listed.stdout).toContain(',不在岗'); // the fixture's inactive inspectors, in words
    writeFileSync(file, listed.stdout);
    const other = join(dir, 'other.db');
    const imp = await sj(['--db', other, 'import', 'inspectors', file]);
    expect(imp.status, imp.stderr).toBe(0);
    const json = async (path: string) => JSON.parse((await sj(['--db', path, 'roster', 'list', 'inspectors', '--json'])).stdout) as Record<string, unknown>[];
    const strip = (rows: Record<string, unknown>[]) => rows.map(({ vid: _v, validFrom: _f, validTo: _t, rowHash: _h, source: _s, importId: _i, ...r }) => r);
    expect(strip(await json(other))).toEqual(strip(await json(dbPath)));
  });

  it('CLI: list table/--csv/--json, stats --json, show, errors', async () => {
    db.pragma('wal_checkpoint(TRUNCATE)');
    const table = (await sj(['--db', dbPath, 'roster', 'list', 'inspectors', '--region', '市局']));
    expect(table.status).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^执法证号\s+姓名\s+所属单位\s+业务条线/);
    expect(table.stdout).toMatch(/\s在岗\s/);
    expect(table.stdout.trim().split('\n')).toHaveLength(27);
    const csv = (await sj(['--db', dbPath, 'roster', 'list', 'objects', '--class', '特殊', '--region', '桃城区', '--csv']));
    expect(csv.status).toBe(0);
    // headings as the roster files have them (zh) or the field names (en); statuses in words
    expect(csv.stdout.split('\r\n')[0]).toBe('\ufeff统一社会信用代码,单位名称,所属区县,监管分类,信用等级,行业,状态,具备非现场监管条件,生产月份');
    expect(csv.stdout.split('\r\n').slice(1, -1).every((l) => /,(在产|停产|关闭),(是|否),/.test(l))).toBe(true);
    const csvEn = (await sj(['--db', dbPath, '--lang', 'en', 'roster', 'list', 'objects', '--class', 'special', '--region', '131102', '--csv']));
    expect(csvEn.stdout.split('\r\n')[0]).toBe('\ufeffid,name,region,class,tier,industry,status,offsite,months');
    expect(csvEn.stdout.split('\r\n').slice(1, -1).every((l) => /,(active|suspended|closed),(yes|no),/.test(l))).toBe(true);
    const json = JSON.parse((await sj(['--db', dbPath, 'roster', 'list', 'objects', '--class', 'special', '--region', '131102', '--json'])).stdout);
    expect(csv.stdout.trim().split('\r\n')).toHaveLength(json.length + 1);
    const stats = JSON.parse((await sj(['--db', dbPath, 'roster', 'stats', '--date', '2023-04-01', '--json'])).stdout);
    expect(stats.expiring).toHaveLength(5);
    const human = (await sj(['--db', dbPath, 'roster', 'stats', '--date', '2023-04-01']));
    expect(human.stdout).toContain('桃城区');
    expect((await sj(['--db', dbPath, 'roster', 'list', 'objects', '--as-of', '2023-02-30'])).status).toBe(2);
    expect((await sj(['--db', dbPath, 'roster', 'list', 'objects', '--region', '北京'])).status).toBe(2);
    expect((await sj(['--db', dbPath, 'roster', 'list', 'objects', '--class', 'vip'])).status).toBe(2);
    expect((await sj(['--db', dbPath, 'roster', 'list', 'widgets'])).status).toBe(2);
    const nf = (await sj(['--db', dbPath, 'roster', 'show', 'NOPE']));
    expect(nf.status).toBe(1);
    expect(nf.stderr).toContain('NOPE');
    const id = json[0].id as string;
    const show = (await sj(['--db', dbPath, 'roster', 'show', id]));
    expect(show.status).toBe(0);
    expect(show.stdout).toContain(id);
    expect(show.stdout).toMatch(/\n  所属区县: .+\n  监管分类: 特殊 \(special, /);
    expect(show.stdout).toMatch(/\n  状态: (在产|停产|关闭)\n/);
    const showEn = (await sj(['--db', dbPath, '--lang', 'en', 'roster', 'show', id]));
    expect(showEn.stdout).toMatch(/\n  status: (active|suspended|closed)\n/);
  });
});

describe('CSV output is safe for Excel', () => {
  it('a name starting with = is written with a leading apostrophe', async () => {
    const dir = tempDir();
    const p = join(dir, 'o.csv');
    writeFileSync(p, '统一社会信用代码,单位名称,所属区县\nF1,"=HYPERLINK(""http://x"",""点我"")",景县\nF2,@SUM(1),景县\n');
    const dbPath = join(dir, 'sj.db');
    expect((await sj(['--db', dbPath, 'import', 'objects', p])).status).toBe(0);
    const out = (await sj(['--db', dbPath, 'roster', 'list', 'objects', '--csv'])).stdout.split('\r\n');
    expect(out[1]).toMatch(/^F1,"'=HYPERLINK/);
    expect(out[2]).toMatch(/^F2,'@SUM\(1\),/);
  });
});

describe('regions', () => {
  it('replaces the region list of a fresh database; then only adds/updates', async () => {
    const dir = tempDir();
    const db = openDb(join(dir, 'sj.db'));
    const p = join(dir, 'r.csv');
    writeFileSync(p, '\ufeff代码,名称,上级\n130900,沧州市,\n130902,新华区,130900\n130903,运河区,130900\n');
    const r = applyRegions(db, await readRegionFile(p));
    expect(r).toMatchObject({ replaced: true, added: 3 });
    const regions = Regions.load(db);
    expect(regions.city.code).toBe('130900');
    expect(regions.find('131102')).toBeUndefined();
    const o = join(dir, 'o.csv');
    writeFileSync(o, '统一社会信用代码,单位名称,所属区县\nC1,甲,运河区\n');
    await importRoster(db, { kind: 'objects', path: o });
    writeFileSync(p, '代码,名称,上级\n130900,沧州市,\n130902,新华区（改）,130900\n130921,沧县,130900\n');
    expect(applyRegions(db, await readRegionFile(p))).toMatchObject({ replaced: false, added: 1, updated: 1 });
    expect(Regions.load(db).all.map((x) => x.code)).toEqual(['130900', '130902', '130903', '130921']);
    writeFileSync(p, '代码,名称,上级\n131100,衡水市,\n');
    expect(() => applyRegions(db, [{ code: '131100', name: '衡水市', parent: null, level: 'city' }])).toThrow(SjError);
  });

  it('bad region files are refused with row numbers', async () => {
    const dir = tempDir();
    const p = join(dir, 'r.csv');
    writeFileSync(p, '代码,名称,上级\n130900,沧州市,\n13 0902,新华区,130900\n130903,,130900\n130903,运河区,130900\n');
    await expect(readRegionFile(p)).rejects.toMatchObject({ problems: [expect.objectContaining({ row: 3 }), expect.objectContaining({ row: 4 }), expect.objectContaining({ row: 5 })] });
    writeFileSync(p, '代码,名称,上级\n130902,新华区,130900\n');
    await expect(readRegionFile(p)).rejects.toThrow(SjError);
  });

  it.skipIf(!have)('CLI: regions import of the other jurisdiction, regions list --json', async () => {
    const dbPath = join(tempDir(), 'sj.db');
    const r = (await sj(['--db', dbPath, 'regions', 'import', join(HS, 'regions-other.csv')]));
    expect(r.status, r.stderr).toBe(0);
    const list = JSON.parse((await sj(['--db', dbPath, 'regions', 'list', '--json'])).stdout) as { code: string; level: string }[];
    expect(list).toHaveLength(13);
    expect(list[0]).toMatchObject({ code: '130900', level: 'city' });
    expect((await sj(['--db', dbPath, 'regions', 'list'])).stdout).toContain('孟村回族自治县');
  });
});

describe('text table', () => {
  it('pads by display width', () => {
    expect(displayWidth('桃城区ab')).toBe(8);
    expect(textTable(['a', 'b'], [['桃城', 'x'], ['z', 'y']]).trimEnd().split('\n')).toEqual(['a     b', '----  -', '桃城  x', 'z     y']);
  });
});
