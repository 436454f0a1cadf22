import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { summarizePlan } from '../src/core/plan.js';
import { parseQuarter } from '../src/core/quarter.js';
import { planStrata } from '../src/core/quotas.js';
import type { SnapInspector, SnapObject } from '../src/core/types.js';
import { openDb } from '../src/io/db.js';
import { loadBundledRules, rulesForYear } from '../src/io/rules-store.js';
import { buildSnapshot } from '../src/io/snapshot.js';
import { run } from './cli.js';

const T0 = '2023-01-01T00:00:00.000Z';

/**
 * A small Hengshui:
 * - 桃城区 131102: 41 key (20 A, 15 B, 6 unrated; 2 A not producing in Q2), 1 special (B), 5 positive (1 not producing in Q2);
 *   inspectors: 3 of two lines, plus 1 with an expired certificate.
 * - 冀州区 131103: 3 key (C) and 2 general; a single inspector: cannot be staffed.
 * - 市局 131100: 2 inspectors.
 */
function makeDb(path: string): void {
  const db = openDb(path);
  db.prepare(`INSERT INTO imports(id, kind, file, file_sha256, mode, at) VALUES (1, 'objects', 'test', '${'0'.repeat(64)}', 'full', ?)`).run(T0);
  const obj = db.prepare(`INSERT INTO objects(id, valid_from, import_id, hash, name, region, class, tier, industry, months)
    VALUES (?, '${T0}', 1, 'h', ?, ?, ?, ?, ?, ?)`);
  let n = 0;
  const add = (count: number, region: string, cls: string, tier: string | null, months = '') => {
    for (let i = 0; i < count; i++) {
      n++;
      obj.run(`X${String(n).padStart(4, '0')}`, `对象${n}`, region, cls, tier, '化工', months);
    }
  };
  add(18, '131102', 'key', 'A');
  add(2, '131102', 'key', 'A', '11-2');
  add(15, '131102', 'key', 'B');
  add(6, '131102', 'key', null);
  add(1, '131102', 'special', 'B');
  add(4, '131102', 'positive', null);
  add(1, '131102', 'positive', null, '1-3');
  add(3, '131103', 'key', 'C');
  add(2, '131103', 'general', 'A');
  const insp = db.prepare(`INSERT INTO inspectors(id, valid_from, import_id, hash, name, region, line, cert_expiry)
    VALUES (?, '${T0}', 1, 'h', ?, ?, ?, ?)`);
  insp.run('P01', '甲', '131102', '执法', '');
  insp.run('P02', '乙', '131102', '执法', '');
  insp.run('P03', '丙', '131102', '监测', '');
  insp.run('P04', '丁', '131102', '监测', '2023-01-31');
  insp.run('P05', '戊', '131103', '执法', '');
  insp.run('P06', '己', '131100', '执法', '');
  insp.run('P07', '庚', '131100', '环评', '');
  db.close();
}

let dbPath: string;
const sj = async (...args: string[]) => {
  const r = await run(['--db', dbPath, ...args], { env: { SJ_LANG: 'zh', SJ_NOW: '2023-04-03T01:00:00Z' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

beforeAll(() => {
  dbPath = join(mkdtempSync(join(tmpdir(), 'sj-plan-')), 'plan.db');
  makeDb(dbPath);
});

describe('sj plan', () => {
  it('refuses a bad quarter with exit 2, showing the forms', async () => {
    for (const q of ['2023Q5', '2023-2', 'Q2', '2023年第五季度']) {
      const r = (await sj('plan', '--quarter', q));
      expect(r.code, q).toBe(2);
      expect(r.err).toContain('2023年第二季度');
    }
    expect((await sj('plan')).code).toBe(2);
    expect((await sj('plan', '--quarter', '2023Q2', '--level', 'province')).code).toBe(2);
    expect((await sj('plan', '--quarter', '2023Q2', '--date', '2023-02-30')).code).toBe(2);
    expect((await sj('plan', '--quarter', '2023Q2', '--level', 'city', '--region', '131102')).code).toBe(2);
    expect((await sj('plan', '--quarter', '2023Q2', '--region', '不存在县')).code).toBe(2);
  });

  it('accepts the three quarter forms alike', async () => {
    const a = (await sj('plan', '--quarter', '2023Q2', '--json'));
    expect(a.code).toBe(0);
    for (const q of ['2023-Q2', '2023年第二季度']) expect((await sj('plan', '--quarter', q, '--json')).out).toBe(a.out);
  });

  it('gives a stable JSON document whose quotas are planStrata\'s', async () => {
    const r = (await sj('plan', '--quarter', '2023Q2', '--date', '2023-04-03', '--json'));
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(Object.keys(doc)).toEqual(['format', 'quarter', 'date', 'dateBasis', 'drawsMade', 'rules', 'levels']);
    expect(doc).toMatchObject({ format: 'sj-plan/1', quarter: '2023Q2', date: '2023-04-03', dateBasis: 'given', drawsMade: [], rules: { id: 1, year: 2023, source: 'bundled:rules/hengshui-2023.json' } });
    expect(doc.levels.map((l: { level: string }) => l.level)).toEqual(['city', 'county']);
    const [city, county] = doc.levels;
    expect(Object.keys(county)).toEqual(['level', 'done', 'regions', 'totals', 'strata', 'positive', 'staffing', 'ineligibleInspectors']);
    expect(Object.keys(county.strata[0])).toEqual([
      'region', 'class', 'tier', 'population', 'classPopulation', 'classMinimum', 'quota', 'credited', 'due', 'pool', 'excluded', 'excludedTotal', 'expected', 'shortfall', 'regionName',
    ]);

    // the same numbers as planStrata on the same snapshot
    const db = openDb(dbPath);
    const rules = rulesForYear(db, 2023).rules;
    const quarter = parseQuarter('2023Q2')!;
    for (const [lv, level] of [[city, 'city'], [county, 'county']] as const) {
      const snap = buildSnapshot(db, { quarter, level, regions: ['131102', '131103'], filter: null, date: '2023-04-03', rules });
      const expected = planStrata(level, snap.drawRegions, snap.snapshot.objects, rules);
      expect(lv.strata.map((s: any) => [s.region, s.class, s.tier, s.population, s.quota, s.classMinimum])).toEqual(
        expected.map((s) => [s.region, s.class, s.tier, s.population, s.quota, s.classMinimum]),
      );
    }
    db.close();

    // 桃城区 key: N = 41, T = ceilDiv(41*2500, 1e4) = 11; A 20: ceilDiv(20*2500*50, 1e6) = 3; B 15: ceilDiv(15*2500*100, 1e6) = 4;
    // unrated 6: ceilDiv(6*2500*100, 1e6) = 2; sum 9 < 11 → the deficit 2 goes to B (highest risk present) → B 6
    const key = county.strata.filter((s: any) => s.region === '131102' && s.class === 'key');
    expect(key.map((s: any) => [s.tier, s.population, s.quota, s.pool, s.excludedTotal, s.shortfall])).toEqual([
      ['A', 20, 3, 18, 2, 0], ['B', 15, 6, 15, 0, 0], [null, 6, 2, 6, 0, 0],
    ]);
    expect(key[0].excluded).toEqual({ 'same-quarter': 0, 'drawn-by-county': 0, 'annual-cap': 0, season: 2 });
    // positive: a census (100%, off-site): the one not producing in Q2 is covered all the same (draw-v2 §3)
    expect(county.positive).toEqual([{
      region: '131102', population: 5, quota: 5, credited: 0, pool: 5, expected: 5, covered: 5, coverage: 10000, target: 10000, met: true, regionName: '桃城区', method: 'offsite',
    }]);
    // staffing: 冀州区 has one inspector; 桃城区's expired certificate is not counted
    expect(county.staffing.unstaffable).toEqual(['131103']);
    const tc = county.staffing.regions.find((r: any) => r.region === '131102');
    expect(tc).toMatchObject({ eligible: 3, lines: 2, problems: [] });
    expect(county.staffing.regions.find((r: any) => r.region === '131103').problems).toEqual(['too-few', 'one-line']);
    expect(county.ineligibleInspectors).toEqual([{ id: 'P04', region: '131102', reason: 'expired' }]);
    expect(county.staffing.teamSize).toBe(2);
    // city level: one region (the city), cross-region candidates per county
    expect(city.regions).toEqual(['131100']);
    expect(city.strata.every((s: any) => s.region === '131100')).toBe(true);
    expect(city.staffing.regions.find((r: any) => r.region === '131103')).toMatchObject({ candidates: 5, problems: [] });
  });

  it('prints a Chinese table and warns about shortfalls and unstaffable regions', async () => {
    const r = (await sj('plan', '--quarter', '2023Q2', '--level', 'county', '--date', '2023-04-03'));
    expect(r.code).toBe(0);
    for (const h of ['区县', '类别', '信用等级', '对象数', '最低应抽', '配额', '可抽', '排除', '预计缺口']) expect(r.out).toContain(h);
    expect(r.out).toContain('桃城区');
    expect(r.out).not.toContain('【市级】');
    expect(r.err).toContain('冀州区');
  });

  it('narrows to --region and writes CSV with a BOM', async () => {
    const r = (await sj('plan', '--quarter', '2023Q2', '--region', '桃城区', '--csv'));
    expect(r.code).toBe(0);
    expect(r.out.startsWith('\ufeff')).toBe(true);
    const lines = r.out.replace(/\r\n$/, '').split('\r\n');
    expect(lines[0]).toBe('\ufeff层级,区县,类别,信用等级,对象数,最低应抽,配额,计入已抽,尚需抽取,可抽,排除,预计检查,预计缺口');
    expect(lines.slice(1).every((l) => l.startsWith('县级,桃城区,'))).toBe(true);
  });

  it('writes nothing but the rules row', () => {
    const db = openDb(dbPath);
    const counts = ['draws', 'ledger', 'draw_tasks', 'rules'].map((t) => db.prepare(`SELECT COUNT(*) FROM ${t}`).pluck().get());
    db.close();
    expect(counts).toEqual([0, 0, 0, 1]);
  });
});

describe('summarizePlan (pure)', () => {
  const rules = loadBundledRules();
  const o = (id: string, region: string, cls: SnapObject['class'], excluded: SnapObject['excluded'] = null): SnapObject => ({
    id, name: id, region, class: cls, tier: 'B', industry: '', offsite: false, excluded,
  });
  const i = (id: string, region: string, line: string): SnapInspector => ({ id, name: id, region, line, specialties: [] });

  it('flags the load cap and one-line regions at county level', () => {
    const objects = [o('a1', '131102', 'special'), o('a2', '131102', 'special'), o('a3', '131102', 'special', 'season')];
    const r = { ...rules, team: { ...rules.team, maxTasksPerInspector: 1 } };
    const p = summarizePlan({ level: 'county', drawRegions: ['131102'], snapshot: { objects, inspectors: [i('p1', '131102', '执法'), i('p2', '131102', '执法')] }, rules: r, jointShare: 3000 });
    // N = 3 special at 50%: T = 2; B: ceilDiv(3*5000*100, 1e6) = 2; pool 2 → 2 tasks, 1 joint; 2 inspectors × cap 1 < 2 tasks × 2
    expect(p.strata.map((s) => [s.quota, s.pool, s.shortfall])).toEqual([[2, 2, 0]]);
    expect(p.staffing).toMatchObject({ tasks: 2, jointTasks: 1, unstaffable: ['131102'] });
    expect(p.staffing.regions[0]!.problems).toEqual(['one-line', 'load-cap']);
    expect(p.staffing.regions[0]!.averageLoad).toBe(2);
  });

  it('counts candidates outside each county at city level', () => {
    const objects = [o('a1', '131102', 'key'), o('b1', '131103', 'key')];
    const inspectors = [i('p1', '131102', '执法'), i('p2', '131102', '监测'), i('q1', '131103', '执法')];
    const p = summarizePlan({ level: 'city', drawRegions: ['131100'], snapshot: { objects, inspectors }, rules, jointShare: 0, cityCode: '131100' });
    const by = Object.fromEntries(p.staffing.regions.map((r) => [r.region, r]));
    expect(by['131102']).toMatchObject({ candidates: 1, problems: ['too-few'] });
    expect(by['131103']).toMatchObject({ candidates: 2, problems: [] });
    expect(p.staffing.unstaffable).toEqual(['131102']);
    const noCross = summarizePlan({ level: 'city', drawRegions: ['131100'], snapshot: { objects, inspectors }, rules: { ...rules, team: { ...rules.team, crossRegionAtCity: false } }, jointShare: 0, cityCode: '131100' });
    expect(noCross.staffing.unstaffable).toEqual([]);
  });
});
