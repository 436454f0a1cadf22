/**
 * Issue 12 end to end on the Hengshui fixtures: the plan followed exactly (city draw, then the
 * counties) meets the plan's targets; `sj check --json` agrees with figures recomputed straight
 * from the exported evidence files (counting strata and tasks, not calling sj's code); the plan
 * previews the credit; dates belong to the quarter; a late publication stays late; an old
 * sj-draw/1 draw keeps verifying; verify reports an edited scope guard and an edited fine.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { runDraw } from '../src/core/draw.js';
import { parseQuarter } from '../src/core/quarter.js';
import type { Evidence, ObjClass } from '../src/core/types.js';
import { openDb, writeTx } from '../src/io/db.js';
import { recordDraw } from '../src/io/draw-store.js';
import { checkResultBatch } from '../src/io/results-store.js';
import { rulesForYear } from '../src/io/rules-store.js';
import { buildSnapshot } from '../src/io/snapshot.js';
import { verifyDatabase } from '../src/io/verify-db.js';
import { tempDir } from './db-helpers.js';
import { run as sj } from './cli.js';
import { hengshuiTemplate } from './fixture-db.js';

const DRAW_DAY = { SJ_NOW: '2023-04-03T09:30:00+08:00' };
const LATER = { SJ_NOW: '2023-07-05T10:00:00+08:00' };
const SEED = '3 1 4 1 5 9 2 6 5 3 5 8 9 7 9 3 2 3 8 4';

let base: string;
let rosters: string;
let dir: string;
const evidence: Evidence[] = [];

/** A fresh database with the Hengshui rosters and no draw. */
function copy(): string {
  const d = tempDir('sj-v2-');
  const p = join(d, 'sj.db');
  copyFileSync(rosters, p);
  return p;
}

beforeAll(async () => {
  const tpl = await hengshuiTemplate();
  rosters = tpl;
  dir = tempDir('sj-v2-base-');
  base = join(dir, 'sj.db');
  copyFileSync(tpl, base);
  // the plan, followed: the city's draw, a directional draw, then the counties'; one department-joint draw per level
  const steps: string[][] = [
    ['draw', '-q', '2023Q2', '--level', 'city', '--seed', SEED, '--yes', '--department-joint', '--partners', '市场监管局'],
    ['draw', '-q', '2023Q2', '--level', 'county', '--directional', '--industry', '化工', '--seed', SEED, '--yes'],
    ['draw', '-q', '2023Q2', '--level', 'county', '--seed', SEED, '--yes', '--department-joint', '--partners', '市场监管局,应急管理局'],
  ];
  for (const s of steps) {
    const r = (await sj(['--db', base, ...s], { env: DRAW_DAY }));
    expect(r.status, r.stderr).toBe(0);
  }
  const list = JSON.parse((await sj(['--db', base, 'draw', 'list', '--json'])).stdout) as { draws: { id: string; algorithm: string; shortfall: number; tasks: number }[] };
  expect(list.draws.map((d) => d.id)).toEqual(['2023Q2-city-01', '2023Q2-dir-01', '2023Q2-county-01']);
  for (const d of list.draws) {
    expect(d.algorithm).toBe('sj-draw/2');
    const file = join(dir, `${d.id}.json`);
    expect((await sj(['--db', base, 'draw', 'export', d.id, '--out', file])).status).toBe(0);
    const ev = JSON.parse(readFileSync(file, 'utf8')) as Evidence;
    expect(ev.format).toBe('sj-evidence/2');
    // the shortfall shown in draw list is the evidence's own
    expect(d.shortfall).toBe(ev.strata.reduce((n, s) => n + Math.max(0, s.quota - s.credited!) - s.selected, 0));
    evidence.push(ev);
    expect((await sj(['verify', '--evidence', file])).status).toBe(0);
  }
}, 240_000);

/** Figures counted from the evidence files alone. */
function figuresFromEvidence(evs: Evidence[]) {
  const cityCode = evs.find((e) => e.draw.level === 'city')!.draw.regions[0]!;
  const objRegion = new Map<string, string>();
  for (const e of evs) for (const o of e.snapshot.objects) objRegion.set(o.id, o.region);
  const key = (r: string, c: string) => `${r}|${c}`;
  const selected = new Map<string, Set<string>>();
  const add = (k: string, id: string) => selected.set(k, (selected.get(k) ?? new Set()).add(id));
  const tasks = new Map<string, { n: number; joint: number; sampled: number; rated: number }>();
  const dept = new Map<string, number>();
  for (const e of evs) {
    const rates = e.snapshot.rules.rates[e.draw.level] as Record<string, number>;
    for (const tk of e.tasks) {
      if (e.draw.level === 'city') add(key(cityCode, tk.class), tk.objectId);
      add(key(objRegion.get(tk.objectId)!, tk.class), tk.objectId);
      const row = e.draw.level === 'city' ? cityCode : tk.region;
      const a = tasks.get(row) ?? { n: 0, joint: 0, sampled: 0, rated: 0 };
      a.n++;
      if (tk.joint) a.joint++;
      if ((rates[tk.class] ?? 0) < 10000) {
        a.sampled++;
        if (tk.tier !== null) a.rated++;
      }
      tasks.set(row, a);
    }
    if (e.draw.joint === 'department') for (const r of e.draw.level === 'city' ? [cityCode] : e.draw.regions) dept.set(r, (dept.get(r) ?? 0) + 1);
  }
  // T from the routine draws' strata: N = the (region, class) population, rate of the draw's level
  const required = new Map<string, number>();
  const positivePop = new Map<string, number>();
  for (const e of evs.filter((x) => x.draw.kind === 'routine')) {
    const rates = e.snapshot.rules.rates[e.draw.level] as Record<string, number>;
    const N = new Map<string, number>();
    for (const s of e.strata) N.set(key(s.region, s.class), (N.get(key(s.region, s.class)) ?? 0) + s.population);
    for (const [k, n] of N) {
      const c = k.split('|')[1]!;
      required.set(k, Math.min(n, Math.ceil((n * rates[c]!) / 10000)));
      if (c === 'positive') positivePop.set(k.split('|')[0]!, n);
    }
  }
  return { selected, tasks, dept, required, positivePop, cityCode };
}

describe('the plan followed exactly meets the plan (sj-draw/2)', () => {
  it('sj check --json agrees with figures counted from the evidence files', async () => {
    const r = (await sj(['--db', base, 'check', '--quarter', '2023Q2', '--json'], { env: LATER }));
    const doc = JSON.parse(r.stdout) as { targets: { id: string; region: string; class?: ObjClass; figure: number | null; threshold: number; numerator?: number; denominator?: number; met: boolean; cause?: { kind: string } }[] };
    const f = figuresFromEvidence(evidence);
    const lines = doc.targets;
    let compared = 0;
    for (const l of lines.filter((x) => x.id === 'classMinimum')) {
      const k = `${l.region}|${l.class}`;
      expect(l.figure, k).toBe(f.selected.get(k)?.size ?? 0);
      expect(l.threshold, k).toBe(f.required.get(k) ?? 0);
      // a miss only where the pool was short, and then it says so
      if (!l.met) expect(l.cause?.kind, k).toBe('pool-short');
      compared++;
    }
    for (const l of lines.filter((x) => x.id === 'positiveCoverage')) {
      expect(l.denominator).toBe(f.positivePop.get(l.region));
      expect(l.numerator).toBe(f.selected.get(`${l.region}|positive`)?.size ?? 0);
      expect(l.met).toBe(true); // a census: never out of season
      compared++;
    }
    for (const l of lines.filter((x) => x.id === 'jointInternalShare')) {
      const a = f.tasks.get(l.region)!;
      expect([l.numerator, l.denominator]).toEqual([a.joint, a.n]);
      expect(l.met, l.region).toBe(true); // J_r per region
      compared++;
    }
    for (const l of lines.filter((x) => x.id === 'creditBasedShare')) {
      const a = f.tasks.get(l.region)!;
      expect([l.numerator, l.denominator]).toEqual([a.rated, a.sampled]);
      compared++;
    }
    for (const l of lines.filter((x) => x.id === 'jointDepartment')) {
      expect(l.figure, l.region).toBe(f.dept.get(l.region) ?? 0);
      expect(l.met).toBe(true);
      compared++;
    }
    expect(compared).toBeGreaterThan(13 * 6);
    // the city's special objects credited downwards: no county misses a class minimum that its pool allowed
    expect(lines.filter((x) => x.id === 'classMinimum' && !x.met && x.cause?.kind !== 'pool-short')).toEqual([]);
  });

  it('the statistics table shows 应抽, 实抽 and 计入已抽, and says on which basis the credit share is', async () => {
    const r = (await sj(['--db', base, 'report', '--quarter', '2023Q2', '--format', 'json'], { env: LATER }));
    expect(r.status, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.notes.creditBasedScope).toBe('sampled');
    const f = figuresFromEvidence(evidence);
    for (const row of doc.rows.filter((x: { kind: string }) => x.kind !== 'total')) {
      for (const c of ['special', 'key', 'positive', 'general'] as const) {
        expect(row.drawn[c] + row.credited[c], `${row.name} ${c}`).toBe(f.selected.get(`${row.region}|${c}`)?.size ?? 0);
      }
    }
    // a county whose objects the city drew shows them as credited
    expect(doc.rows.some((x: { kind: string; credited: { total: number } }) => x.kind === 'county' && x.credited.total > 0)).toBe(true);
  });
});

describe('sj plan previews what the draw will do', () => {
  it('after the city draw, the county preview credits the city picks and names the draw made', async () => {
    const db = copy();
    expect((await sj(['--db', db, 'draw', '-q', '2023Q2', '--level', 'city', '--seed', 'x', '--yes'], { env: DRAW_DAY })).status).toBe(0);
    const r = (await sj(['--db', db, 'plan', '-q', '2023Q2', '--json'], { env: DRAW_DAY }));
    const doc = JSON.parse(r.stdout);
    expect(doc.drawsMade).toEqual(['2023Q2-city-01']);
    const [city, county] = doc.levels;
    expect(city.done).toEqual([{ drawId: '2023Q2-city-01', regions: ['131100'], regionNames: ['衡水市'] }]);
    expect(city.strata).toEqual([]);
    const credited = county.strata.reduce((n: number, s: { credited: number }) => n + s.credited, 0);
    expect(credited).toBeGreaterThan(0);
    for (const s of county.strata) {
      expect(s.due).toBe(Math.max(0, s.quota - s.credited));
      expect(s.expected).toBe(Math.min(s.due, s.pool));
    }
    // the county draw then does exactly that
    expect((await sj(['--db', db, 'draw', '-q', '2023Q2', '--level', 'county', '--seed', 'y', '--yes'], { env: DRAW_DAY })).status).toBe(0);
    const ev = JSON.parse((await sj(['--db', db, 'draw', 'export', '2023Q2-county-01'])).stdout) as Evidence;
    expect(ev.strata.map((s) => [s.region, s.class, s.tier, s.quota, s.credited, s.pool])).toEqual(
      county.strata.map((s: { region: string; class: string; tier: string | null; quota: number; credited: number; pool: number }) => [s.region, s.class, s.tier, s.quota, s.credited, s.pool]),
    );
    expect(ev.tasks.length).toBe(county.totals.expected);
    const jointPlanned = county.staffing.regions.reduce((n: number, x: { jointTasks: number }) => n + x.jointTasks, 0);
    expect(ev.tasks.filter((t) => t.joint).length).toBe(jointPlanned);
  });
});

describe('dates belong to the quarter', () => {
  const Y2026 = { SJ_NOW: '2026-11-29T10:00:00+08:00' };
  it('a plan for a past quarter is judged on its first working day, and says so', async () => {
    const db = copy();
    const r = (await sj(['--db', db, 'plan', '-q', '2023Q2', '--json'], { env: Y2026 }));
    const doc = JSON.parse(r.stdout);
    expect([doc.date, doc.dateBasis]).toEqual(['2023-04-03', 'quarter-start']);
    const text = (await sj(['--db', db, 'plan', '-q', '2023Q2', '--level', 'city'], { env: Y2026 }));
    expect(text.stderr).toContain('本季度第一个工作日（2023-04-03）');
  });

  it('a draw for an ended quarter needs --date, and its certificates are judged on it', async () => {
    const db = copy();
    const r = (await sj(['--db', db, 'draw', '-q', '2023Q2', '--seed', 's', '--yes'], { env: Y2026 }));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--date');
    const ok = (await sj(['--db', db, 'draw', '-q', '2023Q2', '--level', 'county', '--region', '桃城区', '--seed', 's', '--yes', '--date', '2023-04-03', '--json'], { env: Y2026 }));
    expect(ok.status, ok.stderr).toBe(0);
    const ev = JSON.parse((await sj(['--db', db, 'draw', 'export', '2023Q2-county-01'])).stdout) as Evidence;
    expect(ev.draw.createdAt.slice(0, 10)).toBe('2023-04-03');
    // the 2023 inspectors whose certificates were valid on 2023-04-03 are there (none judged on 2026)
    expect(ev.snapshot.inspectors.length).toBeGreaterThan(2);
    expect((await sj(['--db', db, 'draw', '-q', '2023Q2', '--seed', 's', '--yes', '--date', '2023-07-01'], { env: Y2026 })).status).toBe(2);
  });

  it.each(['2023-13-01', '2023-02-30', '2023-4-3', '20230403', 'tomorrow', '2023-04-03T00:00'])('refuses --date %s everywhere', async (bad) => {
    const db = copy();
    for (const args of [
      ['draw', '-q', '2023Q2', '--date', bad, '--dry-run'],
      ['plan', '-q', '2023Q2', '--date', bad],
      ['roster', 'list', 'objects', '--as-of', bad],
      ['roster', 'stats', '--date', bad],
      ['publish', '-q', '2023Q2', '--date', bad, '--dry-run'],
    ]) {
      const r = (await sj(['--db', db, ...args], { env: DRAW_DAY }));
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain(bad);
    }
  });

  it('a dry run never rehearses a real seed', async () => {
    const r = (await sj(['--db', copy(), 'draw', '-q', '2023Q2', '--dry-run', '--seed', '1 2 3'], { env: DRAW_DAY }));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--seed');
  });
});

describe('a late publication is never erased', () => {
  it('stays "published late" in report and check, and publish says so before stamping', async () => {
    const db = copy();
    expect((await sj(['--db', db, 'draw', '-q', '2023Q2', '--level', 'county', '--region', '桃城区', '--seed', 'p', '--yes'], { env: DRAW_DAY })).status).toBe(0);
    const tasks = JSON.parse((await sj(['--db', db, 'draw', 'tasks', '-q', '2023Q2', '--json'])).stdout).tasks as { taskNo: string }[];
    const [a, b, c] = tasks;
    // inspected 2023-04-10; due 20 working days later (2023-05-12 with the May Day holiday): a on time, b late, c not yet published
    const header = '任务编号,检查日期,检查方式,检查结果,罚款金额(元),是否整改完成,是否涉密,公示日期,备注';
    const rows = [`${a!.taskNo},2023-04-10,现场检查,未发现问题,,,否,2023-04-20,`, `${b!.taskNo},2023-04-10,现场检查,未发现问题,,,否,2023-06-15,`, `${c!.taskNo},2023-04-10,现场检查,未发现问题,,,否,,`];
    const file = join(dir, `late-${Date.now()}.csv`);
    writeFileSync(file, '\ufeff' + [header, ...rows].join('\r\n') + '\r\n');
    const imp = (await sj(['--db', db, 'results', 'import', file], { env: { SJ_NOW: '2023-06-20T10:00:00+08:00' } }));
    expect(imp.status, imp.stderr).toBe(0);
    const pub = async (env: Record<string, string>) => {
      const chk = JSON.parse((await sj(['--db', db, 'check', '-q', '2023Q2', '--json'], { env })).stdout);
      return chk.targets.find((l: { id: string; region: string }) => l.id === 'publication' && l.region === '131102');
    };
    expect((await pub({ SJ_NOW: '2023-06-20T10:00:00+08:00' })).parts).toEqual({ overdue: 1, publishedLate: 1 });
    // three years later, `sj publish` stamps c: it warns, and c stays late (it was due in 2023)
    const y2026 = { SJ_NOW: '2026-11-29T10:00:00+08:00' };
    const p = (await sj(['--db', db, 'publish', '-q', '2023Q2'], { env: y2026 }));
    expect(p.status, p.stderr).toBe(0);
    expect(p.stderr).toMatch(/1 条结果已超过公示期限/);
    const after = (await pub(y2026));
    expect(after.parts).toEqual({ overdue: 0, publishedLate: 2 });
    expect(after.met).toBe(false);
    const rep = JSON.parse((await sj(['--db', db, 'report', '-q', '2023Q2', '--format', 'json'], { env: y2026 })).stdout);
    expect(rep.rows.find((x: { region: string }) => x.region === '131102').publishedLate).toBe(2);
  });

  it('--date records the real date of an earlier publication (on time stays on time)', async () => {
    const db = copy();
    expect((await sj(['--db', db, 'draw', '-q', '2023Q2', '--level', 'county', '--region', '冀州区', '--seed', 'q', '--yes'], { env: DRAW_DAY })).status).toBe(0);
    const tk = JSON.parse((await sj(['--db', db, 'draw', 'tasks', '-q', '2023Q2', '--json'])).stdout).tasks[0] as { taskNo: string };
    const file = join(dir, `ontime-${Date.now()}.csv`);
    writeFileSync(file, '任务编号,检查日期,检查方式,检查结果,罚款金额(元),是否整改完成,是否涉密,公示日期,备注\r\n' + `${tk.taskNo},2023-04-10,现场检查,未发现问题,,,否,,\r\n`);
    expect((await sj(['--db', db, 'results', 'import', file], { env: { SJ_NOW: '2023-04-12T10:00:00+08:00' } })).status).toBe(0);
    const y2026 = { SJ_NOW: '2026-11-29T10:00:00+08:00' };
    const p = (await sj(['--db', db, 'publish', '-q', '2023Q2', '--date', '2023-04-20', '--json'], { env: y2026 }));
    expect(p.status, p.stderr).toBe(0);
    expect(JSON.parse(p.stdout)).toMatchObject({ date: '2023-04-20', late: 0 });
    const chk = JSON.parse((await sj(['--db', db, 'check', '-q', '2023Q2', '--json'], { env: y2026 })).stdout);
    expect(chk.targets.find((l: { id: string; region: string }) => l.id === 'publication' && l.region === '131103').met).toBe(true);
    expect((await sj(['--db', db, 'publish', '-q', '2023Q2', '--date', '2027-01-01'], { env: y2026 })).status).toBe(2);
  });
});

describe('sj verify checks all it claims', () => {
  it('an sj-draw/1 draw recorded earlier keeps verifying, in the database and as a file', async () => {
    const path = copy();
    const db = openDb(path);
    const quarter = parseQuarter('2023Q2')!;
    const rules = rulesForYear(db, 2023);
    const snap = buildSnapshot(db, { quarter, level: 'county', regions: ['131102'], filter: null, date: '2023-04-03', rules: rules.rules, algorithm: 'sj-draw/1' });
    const out = runDraw({
      algorithm: 'sj-draw/1',
      draw: { id: '2023Q2-county-01', quarter: '2023Q2', level: 'county', regions: ['131102'], kind: 'routine', filter: null, method: 'auto', joint: 'none', partners: [], jointShare: 3000, withExperts: false, createdAt: '2023-04-03T09:30:00+08:00', entropy: 'v1', entropySource: 'user' },
      snapshot: snap.snapshot,
    });
    expect(out.evidence.format).toBe('sj-evidence/1');
    // recorded now: the template's rosters were imported when the test suite started
    writeTx(db, () => recordDraw(db, out.evidence, { rulesId: rules.id, recordedAt: new Date().toISOString(), regionName: (c) => c, nums: snap.nums }));
    db.close();
    const v = (await sj(['--db', path, 'verify'], { env: DRAW_DAY }));
    expect(v.status, v.stderr).toBe(0);
    const file = join(dir, `v1-${Date.now()}.json`);
    expect((await sj(['--db', path, 'draw', 'export', '2023Q2-county-01', '--out', file])).status).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8')).algorithm).toBe('sj-draw/1');
    expect((await sj(['verify', '--evidence', file])).status).toBe(0);
    const show = (await sj(['--db', path, 'draw', 'show', '2023Q2-county-01']));
    expect(show.stderr).toContain('sj-draw/1');
  });

  it('reports an edited scope guard and an edited fine, with the checks passed explicitly', async () => {
    const path = copy();
    expect((await sj(['--db', path, 'draw', '-q', '2023Q2', '--level', 'county', '--region', '桃城区', '--seed', 'v', '--yes'], { env: DRAW_DAY })).status).toBe(0);
    const tk = JSON.parse((await sj(['--db', path, 'draw', 'tasks', '-q', '2023Q2', '--json'])).stdout).tasks[0] as { taskNo: string };
    const file = join(dir, `fine-${Date.now()}.csv`);
    writeFileSync(file, '任务编号,检查日期,检查方式,检查结果,罚款金额(元),是否整改完成,是否涉密,公示日期,备注\r\n' + `${tk.taskNo},2023-04-10,现场检查,立案处罚,50000.00,否,否,,\r\n`);
    expect((await sj(['--db', path, 'results', 'import', file], { env: { SJ_NOW: '2023-04-12T10:00:00+08:00' } })).status).toBe(0);
    const raw = new Database(path);
    raw.prepare('UPDATE results SET fine_fen = 100 WHERE task_no = ?').run(tk.taskNo);
    raw.prepare('DELETE FROM draw_scope').run();
    raw.close();
    const db = openDb(path);
    const rep = verifyDatabase(db, { checks: { resultBatch: checkResultBatch } });
    db.close();
    expect(rep.ok).toBe(false);
    expect(rep.problems.some((p) => p.entry.startsWith('draw_scope'))).toBe(true);
    expect(rep.problems.some((p) => p.entry.startsWith('ledger #') && /fine|罚款|result|结果/i.test(p.problem))).toBe(true);
    expect((await sj(['--db', path, 'verify'])).status).toBe(1);
  });
});
