import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonical } from '../src/core/canonical.js';
import { H } from '../src/core/hash.js';
import { rulesHash, validateRules } from '../src/core/rules.js';
import { openDb } from '../src/io/db.js';
import { BUNDLED_SOURCE, loadBundledRules, rulesById, rulesForYear, tierCodesInForce, useRules } from '../src/io/rules-store.js';
import { setLang } from '../src/messages/index.js';
import { ROOT } from './helpers.js';
import { run } from './cli.js';

setLang('en');
const bundledText = readFileSync(join(ROOT, 'rules', 'hengshui-2023.json'), 'utf8');
const good = () => JSON.parse(bundledText);

/** problems of a modified copy of the bundled rules */
function problemsOf(edit: (r: any) => void): string[] {
  const r = good();
  edit(r);
  const v = validateRules(r);
  expect(v.rules).toBeUndefined();
  return v.problems;
}

describe('the bundled rules', () => {
  it('are valid, with no warning', () => {
    const v = validateRules(good());
    expect(v.problems).toEqual([]);
    expect(v.warnings).toEqual([]);
    expect(v.rules!.year).toBe(2023);
  });
  it('have exactly the shape the brief gives', () => {
    const r = good();
    expect(Object.keys(r)).toEqual(['format', 'name', 'year', 'rates', 'tiers', 'tiered', 'team', 'method', 'experts', 'exclusions', 'targets', 'deadlines', 'calendar']);
    expect(r.rates).toEqual({ city: { special: 1000, key: 1000 }, county: { special: 5000, key: 2500, positive: 10000, general: 300 } });
    expect(r.tiers.map((t: { code: string; pct: number }) => `${t.code}${t.pct}`)).toEqual(['A50', 'B100', 'C150', 'D200', 'E300']);
    expect(r.targets).toEqual({ jointInternalShare: 3000, jointDepartmentPerQuarter: 1, creditBasedShare: 8000, positiveCoverage: 10000 });
  });
  it('hash as H(canonical(rules))', () => {
    expect(rulesHash(good())).toBe(H(canonical(good())));
    expect(rulesHash(good())).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('validateRules names the path of every problem', () => {
  const cases: [string, (r: any) => void, RegExp][] = [
    ['unknown class in rates', (r) => (r.rates.county.other = 100), /^rates\.county\.other: unknown class/],
    ['unknown level', (r) => (r.rates.province = {}), /^rates\.province: unknown level/],
    ['rate above 10000', (r) => (r.rates.county.key = 10001), /^rates\.county\.key: 10001 is out of range \(0–10000\)/],
    ['negative rate', (r) => (r.rates.city.key = -1), /^rates\.city\.key: -1 is out of range/],
    ['rate as text', (r) => (r.rates.city.key = '10%'), /^rates\.city\.key: must be an integer, found "10%"/],
    ['float rate', (r) => (r.rates.county.general = 2.5), /^rates\.county\.general: 2\.5 is not an integer/],
    ['duplicate tier code', (r) => r.tiers.push({ code: 'B', pct: 400 }), /^tiers\[5\]\.code: tier code "B" repeats tiers\[1\]/],
    ['bad tier code', (r) => (r.tiers[0].code = 'A+'), /^tiers\[0\]\.code: tier code "A\+" is invalid/],
    ['pct 0', (r) => (r.tiers[2].pct = 0), /^tiers\[2\]\.pct: 0 is out of range/],
    ['float pct', (r) => (r.tiers[2].pct = 1.5), /^tiers\[2\]\.pct: 1\.5 is not an integer/],
    ['unknown tiered class', (r) => r.tiered.push('major'), /^tiered\[3\]: unknown class "major"/],
    ['team size 1', (r) => (r.team.size = 1), /^team\.size: team size 1 is below 2/],
    ['non-boolean flag', (r) => (r.team.crossRegionAtCity = 1), /^team\.crossRegionAtCity: must be true or false, found 1/],
    ['non-boolean exclusion', (r) => (r.exclusions.season = 'yes'), /^exclusions\.season: must be true or false/],
    ['negative annual cap', (r) => (r.exclusions.annualCap = -2), /^exclusions\.annualCap: annual cap -2 cannot be negative/],
    ['missing section', (r) => delete r.targets, /^targets: section missing/],
    ['missing member', (r) => delete r.deadlines.publicationWorkingDays, /^deadlines\.publicationWorkingDays: missing/],
    ['share above 100%', (r) => (r.targets.creditBasedShare = 12000), /^targets\.creditBasedShare: 12000 is out of range/],
    ['wrong format', (r) => (r.format = 'sj-rules/2'), /^format: must be "sj-rules\/1"/],
    ['float in an unknown key', (r) => (r.team.weight = 0.5), /^team\.weight: 0\.5 is not an integer/],
    ['section not an object', (r) => (r.method = true), /^method: must be a JSON object/],
  ];
  for (const [name, edit, re] of cases) {
    it(name, () => {
      const ps = problemsOf(edit);
      expect(ps.some((p) => re.test(p)), ps.join('\n')).toBe(true);
    });
  }

  it('reports every problem at once', () => {
    const ps = problemsOf((r) => {
      r.rates.county.key = 2.5;
      r.team.size = 1;
      r.tiers[0].code = '';
      delete r.experts;
    });
    expect(ps.length).toBe(4);
  });

  it('warns about unknown keys without failing', () => {
    const r = good();
    r.comment = 'ours';
    r.team.note = 'x';
    const v = validateRules(r);
    expect(v.problems).toEqual([]);
    expect(v.rules).toBeDefined();
    expect(v.warnings).toEqual(['comment: unknown key; sj does not use it', 'team.note: unknown key; sj does not use it']);
  });

  it('refuses something that is not an object', () => {
    expect(validateRules([]).problems).toEqual(['$: the rules must be a JSON object']);
  });
});

describe('rules store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sj-rules-'));
  const file = (name: string, edit: (r: any) => void) => {
    const r = good();
    edit(r);
    const p = join(dir, name);
    writeFileSync(p, JSON.stringify(r, null, 2));
    return p;
  };

  it('stores the bundled default once, on first use', () => {
    const db = openDb(':memory:');
    expect(db.prepare('SELECT COUNT(*) FROM rules').pluck().get()).toBe(0);
    const a = rulesForYear(db, 2023);
    const b = rulesForYear(db, 2027);
    const c = rulesForYear(db, 2020);
    expect(a.id).toBe(1);
    expect([b.id, c.id]).toEqual([1, 1]);
    expect(a.source).toBe(BUNDLED_SOURCE);
    expect(a.hash).toBe(rulesHash(loadBundledRules()));
    expect(a.rules).toEqual(loadBundledRules());
    expect(db.prepare('SELECT COUNT(*) FROM rules').pluck().get()).toBe(1);
    expect(tierCodesInForce(db, 2023)).toEqual(['A', 'B', 'C', 'D', 'E']);
    db.close();
  });

  it('versions rules per year; the newest of a year (or the nearest earlier year) is in force', () => {
    const db = openDb(':memory:');
    const first = rulesForYear(db, 2023);
    const f2024 = file('r2024.json', (r) => {
      r.year = 2024;
      r.exclusions.annualCap = 2;
      r.tiers.push({ code: 'F', pct: 400 });
    });
    const u1 = useRules(db, f2024, 2024);
    expect(u1.unchanged).toBe(false);
    expect(u1.id).toBe(first.id + 1);
    expect(useRules(db, f2024)).toMatchObject({ id: u1.id, unchanged: true });
    expect(rulesForYear(db, 2024).id).toBe(u1.id);
    expect(rulesForYear(db, 2026)).toMatchObject({ id: u1.id, year: 2024 });
    expect(rulesForYear(db, 2023).id).toBe(first.id);
    expect(tierCodesInForce(db, 2024)).toEqual(['A', 'B', 'C', 'D', 'E', 'F']);
    // a new version of 2024: new row; the old row (which a draw may reference) is unchanged
    const u2 = useRules(db, file('r2024b.json', (r) => {
      r.year = 2024;
      r.exclusions.annualCap = 3;
    }), 2024);
    expect(u2.id).toBe(u1.id + 1);
    expect(rulesForYear(db, 2024).rules.exclusions.annualCap).toBe(3);
    expect(rulesById(db, u1.id)!.rules.exclusions.annualCap).toBe(2);
    // going back to the first 2024 version is a new row too (history is kept)
    expect(useRules(db, f2024, 2024)).toMatchObject({ id: u2.id + 1, unchanged: false });
    db.close();
  });

  it('refuses an invalid file with every problem, and a year mismatch', () => {
    const db = openDb(':memory:');
    const bad = file('bad.json', (r) => {
      r.team.size = 1;
      r.rates.county.key = 0.25;
    });
    try {
      useRules(db, bad, 2023);
      throw new Error('not refused');
    } catch (e: any) {
      expect(e.problems.map((p: { problem: string }) => p.problem.split(':')[0])).toEqual(['rates.county.key', 'team.size']);
    }
    expect(() => useRules(db, file('y.json', () => {}), 2025)).toThrow(/2023.*2025/);
    expect(db.prepare('SELECT COUNT(*) FROM rules').pluck().get()).toBe(0);
    db.close();
  });
});

describe('sj rules (CLI)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sj-rules-cli-'));
  const db = join(dir, 'r.db');
  const sj = async (...args: string[]) => {
    const r = await run(['--db', db, ...args], { env: { SJ_LANG: 'en', SJ_NOW: '2023-04-03T01:00:00Z' } });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };

  it('check: exit 0 and "valid", or exit 1 with every problem', async () => {
    const ok = (await sj('rules', 'check', join(ROOT, 'rules', 'hengshui-2023.json')));
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('valid');
    const r = good();
    r.team.size = 1;
    r.rates.county.key = 2.5;
    r.tiers[1].code = 'A';
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify(r));
    const no = (await sj('rules', 'check', bad));
    expect(no.code).toBe(1);
    for (const p of ['team.size', 'rates.county.key', 'tiers[1].code']) expect(no.err).toContain(p);
    expect((await sj('rules', 'check', join(dir, 'missing.json'))).code).toBe(1);
  });

  it('use: stores a version and prints its id and hash; show reads it back', async () => {
    const r = good();
    r.year = 2024;
    r.rates.county.general = 500;
    const f = join(dir, 'r2024.json');
    writeFileSync(f, JSON.stringify(r));
    const u = (await sj('rules', 'use', f, '--year', '2024'));
    expect(u.code).toBe(0);
    const [id, hash] = u.out.trim().split('\t');
    expect(hash).toBe(rulesHash(r));
    const show = JSON.parse((await sj('rules', 'show', '--year', '2024', '--json')).out);
    expect(show).toMatchObject({ year: 2024, rulesId: Number(id), rulesYear: 2024, hash: rulesHash(r), calendar: { covers: true } });
    expect(show.rules.rates.county.general).toBe(500);
    const text = (await sj('--lang', 'zh', 'rules', 'show', '--year', '2023'));
    expect(text.code).toBe(0);
    for (const s of ['抽查比例', '县级', '重点', '25%', '12.5%', '检查组人数', '20 个工作日', '2023、2024、2025']) expect(text.out).toContain(s);
    expect((await sj('rules', 'show', '--year', '20x4')).code).toBe(2);
  });

  it('calendar: lists exceptions and imports a year', async () => {
    const c = JSON.parse((await sj('rules', 'calendar', '--year', '2023', '--json')).out);
    expect(c.years[0].work).toEqual(['2023-01-28', '2023-01-29', '2023-04-23', '2023-05-06', '2023-06-25', '2023-10-07', '2023-10-08']);
    const f = join(dir, 'cal.json');
    writeFileSync(f, JSON.stringify({ format: 'sj-calendar/1', name: 'cn', years: { '2026': { off: ['2026-01-01'], work: [] } } }));
    const imp = (await sj('rules', 'calendar', 'import', f, '--json'));
    expect(imp.code).toBe(0);
    expect(JSON.parse(imp.out)).toEqual({ ok: true, added: [2026], replaced: [] });
    expect(JSON.parse((await sj('rules', 'calendar', '--json')).out).years.map((y: { year: number }) => y.year)).toEqual([2023, 2024, 2025, 2026]);
  });
});
