/**
 * The quick paths of report and check (issue 13 §4) give what the general ones give:
 * - the class coverage of the query equals core/stats.ts classCoverage over the live tasks, on
 *   tasks made to exercise every case: an object picked by a city-level and a county-level draw
 *   of one quarter, by a directional draw, an object whose class or county changed between two
 *   draws of a quarter, an object substitution, a voided draw, a draw id not starting with its
 *   quarter;
 * - a database made before migration 9 is migrated: the figures are those of its tasks.
 * (sj's own xlsx writer, which the reports use, has its own test: xlsx-lite.test.ts.)
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classCoverage } from '../src/core/stats.js';
import { openDb, type DB } from '../src/io/db.js';
import { liveTaskFacts } from '../src/io/report-data.js';
import { taskFiguresOf } from '../src/io/report-figures.js';
import { MIGRATIONS } from '../src/io/schema.js';
import { tempDir } from './db-helpers.js';
import { toUserVersion } from './legacy-evidence.js';

const CITY = '131100';
const [A, B] = ['131102', '131121'];

type Task = { object: string; region?: string; objectRegion: string; cls: string };

/** Draws written as `sj draw` leaves them for report and check (draws, draw_facts, draw_tasks, draw_task_counts), by SQL. */
function drawWriter(db: DB, rulesId: number | null = null) {
  let seq = 0;
  const insD = db.prepare(`INSERT INTO draws(id, seq, quarter, level, kind, regions, rules_id, recorded_at, evidence) VALUES (?, ?, ?, ?, ?, ?, ?, '2023-04-03T01:00:00.000Z', '{}')`);
  const insS = db.prepare('INSERT INTO draw_strata(draw_id, ord, region, class, tier, population, quota, credited, pool, selected) VALUES (?, ?, ?, ?, NULL, ?, ?, 0, ?, ?)');
  const insF = db.prepare(`INSERT INTO draw_facts(draw_id, algorithm, joint, draw_date, rates, tiered) VALUES (?, 'sj-draw/2', 'none', '2023-04-03', ?, '[]')`);
  const insT = db.prepare(`INSERT INTO draw_tasks(task_no, draw_id, ord, object_id, region, object_region, class, tier, rank, key, method, joint, inspectors, expert)
    VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, 'k', 'onsite', 0, '[]', NULL)`);
  // (a database made before migration 12 has no such table: the migration counts them)
  const counted = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'draw_task_counts'").get() !== undefined;
  const countTasks = counted
    ? db.prepare(`INSERT INTO draw_task_counts(draw_id, region, class, tier, tasks, onsite, joint)
    SELECT draw_id, region, class, tier, COUNT(*), COUNT(CASE WHEN method = 'onsite' THEN 1 END), COUNT(CASE WHEN joint = 1 THEN 1 END)
    FROM draw_tasks WHERE draw_id = ? GROUP BY region, class, tier`)
    : { run: (_id: string) => undefined };
  return {
    /** `empty`: strata that selected nothing (a pool with no object left), as a draw records them */
    draw(id: string, quarter: string, level: 'city' | 'county', kind: 'routine' | 'directional', tasks: Task[], empty: [string, string][] = []): string[] {
      insD.run(id, ++seq, quarter, level, kind, JSON.stringify([level === 'city' ? CITY : tasks[0]!.objectRegion]), rulesId);
      insF.run(id, JSON.stringify({ special: 10000, key: 2000, positive: 10000, general: 500 }));
      // the strata as the draw leaves them: a task's region and class are its stratum's (selected = its tasks)
      const strata = new Map<string, number>();
      const nos = tasks.map((t, i) => {
        const taskNo = `${id}-${String(i + 1).padStart(4, '0')}`;
        const region = t.region ?? (level === 'city' ? CITY : t.objectRegion);
        insT.run(taskNo, id, i + 1, t.object, region, t.objectRegion, t.cls, i + 1);
        strata.set(JSON.stringify([region, t.cls]), (strata.get(JSON.stringify([region, t.cls])) ?? 0) + 1);
        return taskNo;
      });
      // and counted per (region, class, tier), as recordDraw stores them
      countTasks.run(id);
      for (const k of empty) strata.set(JSON.stringify(k), 0);
      let ord = 0;
      for (const [k, n] of strata) {
        const [region, cls] = JSON.parse(k) as [string, string];
        insS.run(id, ++ord, region, cls, n * 3, n, n * 2, n);
      }
      return nos;
    },
    void(id: string): void {
      db.prepare("INSERT INTO voids(draw_id, seq, reason, at) VALUES (?, ?, 'test', '2023-04-04T00:00:00.000Z')").run(id, ++seq);
    },
    substitute(drawId: string, taskNo: string, original: string, replacement: string, objectRegion: string): void {
      db.prepare(`INSERT INTO substitutions(seq, draw_id, task_no, kind, original, replacement, reason, at, payload) VALUES (?, ?, ?, 'object', ?, ?, 'test', '2023-04-05T00:00:00.000Z', ?)`)
        .run(++seq, drawId, taskNo, original, replacement, JSON.stringify({ objectRegion, method: 'offsite' }));
    },
  };
}

const o = (n: number) => `91131100MA0000${String(n).padStart(4, '0')}`;

/**
 * 2023Q2: a city draw and two county draws sharing objects, a directional draw, objects whose
 * class (o5) or county (o6) differ between two draws, a substitution (o7 → o8), a voided draw;
 * 2023Q3: plain draws with no object in common.
 */
function buildTasks(db: DB, opts: { oddIds?: boolean } = {}): void {
  const w = drawWriter(db);
  db.transaction(() => {
    w.draw('2023Q2-city-01', '2023Q2', 'city', 'routine', [
      { object: o(1), objectRegion: A, cls: 'key' }, { object: o(2), objectRegion: B, cls: 'special' }, { object: o(6), objectRegion: A, cls: 'key' },
    ]);
    w.draw('2023Q2-county-01', '2023Q2', 'county', 'routine', [
      { object: o(1), objectRegion: A, cls: 'key' }, { object: o(3), objectRegion: A, cls: 'general' }, { object: o(5), objectRegion: A, cls: 'key' },
    ]);
    const b = w.draw('2023Q2-county-02', '2023Q2', 'county', 'routine', [
      { object: o(6), objectRegion: B, cls: 'key' }, { object: o(7), objectRegion: B, cls: 'general' }, { object: o(9), objectRegion: B, cls: 'positive' },
    ]);
    w.draw('2023Q2-dir-01', '2023Q2', 'county', 'directional', [
      { object: o(3), objectRegion: A, cls: 'general' }, { object: o(4), objectRegion: A, cls: 'positive' }, { object: o(5), objectRegion: A, cls: 'general' },
    ]);
    w.draw('2023Q2-city-02', '2023Q2', 'city', 'directional', [{ object: o(2), objectRegion: B, cls: 'special' }, { object: o(10), objectRegion: A, cls: 'key' }]);
    w.draw('2023Q2-county-03', '2023Q2', 'county', 'routine', [{ object: o(11), objectRegion: A, cls: 'key' }]);
    w.void('2023Q2-county-03');
    w.substitute('2023Q2-county-02', b[1]!, o(7), o(8), A);
    w.draw(opts.oddIds ? 'Q3-city-01' : '2023Q3-city-01', '2023Q3', 'city', 'routine', [{ object: o(12), objectRegion: A, cls: 'special' }]);
    w.draw('2023Q3-county-01', '2023Q3', 'county', 'routine', [{ object: o(13), objectRegion: B, cls: 'general' }, { object: o(14), objectRegion: A, cls: 'key' }]);
  })();
}

/** Coverage entries, sorted, of taskFiguresOf and of classCoverage over the live tasks. */
function coverages(db: DB, quarters: string[]) {
  const sorted = (m: Map<string, unknown>) => [...m].sort(([a], [b]) => a.localeCompare(b));
  const got = taskFiguresOf(db, { year: 2023, quarters, cityCode: CITY, creditScope: 'sampled', today: '2023-12-01', publicationDue: (d) => d }).coverage;
  const want = classCoverage(liveTaskFacts(db, 2023).filter((t) => quarters.includes(t.quarter)), CITY);
  return { got: sorted(got), want: sorted(want) };
}

describe('class coverage', () => {
  it('equals classCoverage of the live tasks: shared, directional, changed and substituted objects, a voided draw', () => {
    const db = openDb(join(tempDir('sj-speed-'), 'sj.db'));
    buildTasks(db);
    for (const quarters of [['2023Q2'], ['2023Q3'], ['2023Q2', '2023Q3']]) {
      const { got, want } = coverages(db, quarters);
      expect(got, quarters.join()).toEqual(want);
    }
    // the cases are there: in 2023Q2 county A, o1 is own (county draw) and o10 credited (the city's directional draw) …
    const a = new Map(coverages(db, ['2023Q2']).got).get(`2023Q2|${A}`)!;
    expect(a.own.key).toBe(2); // o1, o5 (its class changed: the class of its routine pick counts)
    expect(a.credited.key).toBe(2); // o6 (the city's pick; its county changed), o10
    expect(a.own.general).toBe(2); // o3 (its directional pick not counted again), o8 (substituted for o7, now in A)
    expect(a.credited).toMatchObject({ general: 0, positive: 1 }); // o4
    // … the city row counts its own routine picks and its directional one, o2 once
    const city = new Map(coverages(db, ['2023Q2']).got).get(`2023Q2|${CITY}`)!;
    expect(city.own).toMatchObject({ key: 2, special: 1 });
    expect(city.credited.key).toBe(1); // o10
    // and county B lost o7 to the substitution
    const b = new Map(coverages(db, ['2023Q2']).got).get(`2023Q2|${B}`)!;
    expect(b.own).toMatchObject({ key: 1, general: 0, positive: 1 });
    expect(b.credited.special).toBe(1); // o2, picked twice by the city
    db.close();
  });

  it('a draw id that does not start with its quarter: the same figures', () => {
    const db = openDb(join(tempDir('sj-speed-'), 'sj.db'));
    buildTasks(db, { oddIds: true });
    const { got, want } = coverages(db, ['2023Q2', '2023Q3']);
    expect(got).toEqual(want);
    expect(new Map(got).get(`2023Q3|${CITY}`)!.own.special).toBe(1); // Q3-city-01's task
    db.close();
  });
});

/** A rules row (its body: the exclusions only, which is what coverage reads of it). */
function rulesRow(db: DB, sameQuarter: boolean | undefined): number {
  const body = JSON.stringify(sameQuarter === undefined ? { year: 2023 } : { year: 2023, exclusions: { sameQuarter } });
  return Number(db.prepare("INSERT INTO rules(year, hash, body, source, at) VALUES (2023, 'h', ?, 'test', '2023-01-01T00:00:00.000Z')").run(body).lastInsertRowid);
}

/**
 * Draws as sj makes them under the same-quarter exclusion: the live draws of a quarter share no
 * object. 2023Q2: a city draw (objects of two counties), two county draws, directional draws at
 * both levels, a voided draw that picked what a later draw picked again, substitutions: one to a
 * new object in another county, one to an object another live draw also picked, and a chain
 * (o21 → o22 → o23); 2023Q3: a city draw and a county draw whose every pick a substitution moved
 * to another county; strata that selected nothing.
 */
function buildDisjoint(db: DB, rulesId: number): void {
  const w = drawWriter(db, rulesId);
  db.transaction(() => {
    w.draw('2023Q2-city-01', '2023Q2', 'city', 'routine', [
      { object: o(1), objectRegion: A, cls: 'key' }, { object: o(2), objectRegion: B, cls: 'special' }, { object: o(3), objectRegion: A, cls: 'general' },
    ]);
    w.draw('2023Q2-county-01', '2023Q2', 'county', 'routine', [{ object: o(30), objectRegion: A, cls: 'key' }]);
    w.void('2023Q2-county-01');
    const a = w.draw('2023Q2-county-02', '2023Q2', 'county', 'routine', [
      { object: o(30), objectRegion: A, cls: 'key' }, { object: o(4), objectRegion: A, cls: 'general' }, { object: o(5), objectRegion: A, cls: 'positive' }, { object: o(21), objectRegion: A, cls: 'key' },
    ]);
    const b = w.draw('2023Q2-county-03', '2023Q2', 'county', 'routine', [
      { object: o(6), objectRegion: B, cls: 'key' }, { object: o(7), objectRegion: B, cls: 'general' }, { object: o(8), objectRegion: B, cls: 'general' },
    ]);
    w.draw('2023Q2-dir-01', '2023Q2', 'county', 'directional', [{ object: o(9), objectRegion: A, cls: 'general' }, { object: o(10), objectRegion: A, cls: 'key' }]);
    w.draw('2023Q2-city-02', '2023Q2', 'city', 'directional', [{ object: o(11), objectRegion: B, cls: 'special' }]);
    w.substitute('2023Q2-county-03', b[1]!, o(7), o(12), A); // to a new object, in county A
    w.substitute('2023Q2-county-03', b[2]!, o(8), o(9), A); // to an object the directional draw also picked
    w.substitute('2023Q2-county-02', a[3]!, o(21), o(22), A);
    w.substitute('2023Q2-county-02', a[3]!, o(22), o(23), A);
    w.draw('2023Q3-city-01', '2023Q3', 'city', 'routine', [{ object: o(1), objectRegion: A, cls: 'key' }], [[CITY, 'special']]);
    // county B's every pick of the quarter replaced by an object of county A: no row for B
    const c = w.draw('2023Q3-county-01', '2023Q3', 'county', 'routine', [{ object: o(13), objectRegion: B, cls: 'general' }, { object: o(14), objectRegion: B, cls: 'key' }], [[B, 'special']]);
    w.substitute('2023Q3-county-01', c[0]!, o(13), o(15), A);
    w.substitute('2023Q3-county-01', c[1]!, o(14), o(16), A);
  })();
}

describe('class coverage from the strata (live draws that share no object)', () => {
  it('equals classCoverage of the live tasks, substitutions counted again', () => {
    const db = openDb(join(tempDir('sj-speed-'), 'sj.db'));
    buildDisjoint(db, rulesRow(db, undefined)); // the exclusion on by default
    for (const quarters of [['2023Q2'], ['2023Q3'], ['2023Q2', '2023Q3']]) {
      const { got, want } = coverages(db, quarters);
      expect(got, quarters.join()).toEqual(want);
    }
    const a = new Map(coverages(db, ['2023Q2']).got).get(`2023Q2|${A}`)!;
    // county A: o30, o23 (o21 replaced twice) own key; o1 (city) and o10 (directional) credited key
    expect([a.own.key, a.credited.key]).toEqual([2, 2]);
    // general: o4 own; o12 and o9 (substituted into B's draw, now in A) own; o3 (city) credited
    expect([a.own.general, a.credited.general]).toEqual([3, 1]);
    const b = new Map(coverages(db, ['2023Q2']).got).get(`2023Q2|${B}`)!;
    expect([b.own.general, b.own.key, b.credited.special]).toEqual([0, 1, 2]);
    const q3 = new Map(coverages(db, ['2023Q3']).got);
    expect([...q3.keys()].sort()).toEqual([`2023Q3|${CITY}`, `2023Q3|${A}`]);
    expect([q3.get(`2023Q3|${A}`)!.own.general, q3.get(`2023Q3|${A}`)!.own.key, q3.get(`2023Q3|${A}`)!.credited.key]).toEqual([1, 1, 1]);
    db.close();
  });

  it('a draw made with the same-quarter exclusion off, or with no rules stored: the general query', () => {
    for (const rules of [false, null] as const) {
      const db = openDb(join(tempDir('sj-speed-'), 'sj.db'));
      const w = drawWriter(db, rules === null ? null : rulesRow(db, rules));
      // the same object picked by the city draw and by the county draw of the quarter: counted once
      w.draw('2023Q2-city-01', '2023Q2', 'city', 'routine', [{ object: o(1), objectRegion: A, cls: 'key' }]);
      w.draw('2023Q2-county-01', '2023Q2', 'county', 'routine', [{ object: o(1), objectRegion: A, cls: 'key' }, { object: o(2), objectRegion: A, cls: 'key' }]);
      const { got, want } = coverages(db, ['2023Q2']);
      expect(got).toEqual(want);
      const a = new Map(got).get(`2023Q2|${A}`)!;
      expect([a.own.key, a.credited.key]).toEqual([2, 0]);
      db.close();
    }
  });
});

describe('migration 9', () => {
  it('indexes the results of a database made before it; the figures are those of the tasks', () => {
    const path = join(tempDir('sj-speed-'), 'sj.db');
    let db = openDb(path);
    expect(MIGRATIONS.length).toBeGreaterThanOrEqual(9);
    // a database as migration 8 left it, with its draws
    toUserVersion(db, 8);
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name IN ('results_figures', 'published_figures')").pluck().get()).toBe(0);
    buildTasks(db);
    db.close();
    db = openDb(path);
    expect(db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(9);
    // (results_figures served report and check until migration 13 counted the results in result_counts)
    const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name IN ('results_figures', 'published_figures') ORDER BY name").pluck().all();
    expect(indexes).toEqual(['published_figures']);
    const { got, want } = coverages(db, ['2023Q2', '2023Q3']);
    expect(got).toEqual(want);
    db.close();
  });
});
