/**
 * The shortcuts that made report and check faster (issue 13) give what the long ways give:
 * - publicationDueOf, which judges a day from the due date of the day before, equals
 *   publicationDue on every day of two years of the bundled calendar (holidays, make-up days),
 *   asked in order, backwards and at random;
 * - the task counts, counted per stratum with a substitution's method as a correction, equal
 *   those counted task by task, after object substitutions that changed tasks' methods;
 * - the exceljs classes loaded from their own modules are the very classes of the package's
 *   main module (one module instance), so workbooks are read and written as before, byte for byte.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { publicationDue, publicationDueOf } from '../src/core/deadlines.js';
import { taskFigures } from '../src/core/stats.js';
import { addDays, calendarFromYears } from '../src/core/workdays.js';
import { loadBundledCalendar, loadCalendar } from '../src/io/calendar-store.js';
import { openDb } from '../src/io/db.js';
import { liveTaskFacts } from '../src/io/report-data.js';
import { taskTalliesOf } from '../src/io/report-figures.js';
import { loadExcel } from '../src/io/xlsx.js';
import { run as sj } from './cli.js';
import { hengshuiDb } from './fixture-db.js';

const CITY = '131100';

describe('publicationDueOf', () => {
  const cal = calendarFromYears(loadBundledCalendar().years);
  const days: string[] = [];
  for (let d = '2023-01-01'; d <= '2024-12-31'; d = addDays(d, 1)) days.push(d);

  for (const n of [20, 5, 1, 0]) {
    it(`equals publicationDue on every day of 2023–2024, ${n} working days`, () => {
      const want = days.map((d) => publicationDue(cal, d, n));
      expect(days.map(publicationDueOf(cal, n))).toEqual(want);
      // backwards, and in a shuffled order with repeats: each from the long way or the day before
      const back = publicationDueOf(cal, n);
      expect([...days].reverse().map(back)).toEqual([...want].reverse());
      const shuffled = publicationDueOf(cal, n);
      for (let k = 0, i = 7; k < 1000; k++, i = (i * 48271) % days.length) expect(shuffled(days[i]!), days[i]).toBe(want[i]);
    });
  }

  it('crosses the holidays as the day-by-day walk does (2023-04-20 → 2023-05-19, 2023-09-28 → 2023-11-01)', () => {
    const due = publicationDueOf(cal, 20);
    const got = new Map<string, string>();
    for (let d = '2023-04-01'; d <= '2023-10-31'; d = addDays(d, 1)) got.set(d, due(d));
    expect(got.get('2023-04-20')).toBe('2023-05-19');
    expect(got.get('2023-09-28')).toBe('2023-11-01');
  });
});

describe('task counts after substitutions that change a task method', () => {
  let path: string;
  let moved: number;
  beforeAll(async () => {
    ({ path } = await hengshuiDb());
    const AT = '2023-04-03T01:00:00Z';
    const ok = async (args: string[], now: string) => {
      const r = await sj(['--db', path, ...args], { env: { SJ_NOW: now } });
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    };
    await ok(['draw', '-q', '2023Q2', '--seed', '1', '--yes', '--date', '2023-04-03'], AT);
    await ok(['draw', '-q', '2023Q2', '--directional', '--level', 'county', '--region', '桃城区', '--seed', '3', '--yes', '--date', '2023-04-03'], AT);
    // substitute objects of the key class, onsite and offsite (the method follows the object's
    // means of remote supervision), in the city's draw and the counties'
    let db = openDb(path);
    const tasks = db.prepare(
      "SELECT draw_id, object_id, method FROM draw_tasks WHERE draw_id IN ('2023Q2-city-01', '2023Q2-county-01') AND class = 'key' ORDER BY draw_id, method, ord",
    ).all() as { draw_id: string; object_id: string; method: string }[];
    db.close();
    const some = (drawId: string, onsite: boolean) => tasks.filter((t) => t.draw_id === drawId && (t.method === 'onsite') === onsite).slice(0, 5);
    const picks = [...some('2023Q2-city-01', true), ...some('2023Q2-city-01', false), ...some('2023Q2-county-01', true), ...some('2023Q2-county-01', false)];
    for (const [i, t] of picks.entries()) {
      await ok(['draw', 'substitute', t.draw_id, '--object', t.object_id, '--reason', '停产'], `2023-04-${String(5 + i).padStart(2, '0')}T01:00:00Z`);
    }
    db = openDb(path);
    moved = db.prepare(
      `SELECT COUNT(*) FROM substitutions s JOIN draw_tasks t ON t.task_no = s.task_no
       WHERE s.kind = 'object' AND json_extract(s.payload, '$.method') <> t.method`,
    ).pluck().get() as number;
    db.close();
  });

  it('equal those counted task by task', () => {
    expect(moved).toBeGreaterThan(0); // the data exercise the correction
    const db = openDb(path);
    const opts = { cityCode: CITY, creditScope: 'sampled' as const, today: '2023-11-20', publicationDue: publicationDueOf(loadCalendar(db), 20) };
    const want = taskFigures(liveTaskFacts(db, 2023), [], opts).tallies;
    const byKey = (a: { quarter: string; region: string }, b: { quarter: string; region: string }) => `${a.quarter}|${a.region}`.localeCompare(`${b.quarter}|${b.region}`);
    for (const creditScope of ['sampled', 'all'] as const) {
      const got = taskTalliesOf(db, { year: 2023, quarters: ['2023Q2'], cityCode: CITY, creditScope });
      expect(got.sort(byKey)).toEqual(taskFigures(liveTaskFacts(db, 2023), [], { ...opts, creditScope }).tallies.sort(byKey));
    }
    expect(want.reduce((n, t) => n + t.offsite, 0)).toBeGreaterThan(0);
    db.close();
  });
});

describe('exceljs, loaded a class at a time', () => {
  it('gives the classes of the package itself', async () => {
    const Excel = (await import('exceljs')).default;
    expect(await loadExcel('Workbook')).toBe(Excel.Workbook);
    expect(await loadExcel('WorkbookReader')).toBe(Excel.stream.xlsx.WorkbookReader);
  });
});
