/**
 * The figures report and check count by SQL (io/report-figures.ts), and the annual shares counted
 * from the strata without reading the tasks, equal those core/stats.ts counts from the task arrays (liveTaskFacts, itself held equal to effectiveTasks) and the
 * results in force: on a real database with city, county and directional draws, a department
 * joint draw, a voided draw, an object substitution, results imported from a file (outcomes,
 * fines, confidential, published on time, late, not at all) and a publication stamp.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { publicationDue } from '../src/core/deadlines.js';
import { shareTally, taskFigures, type StatsResult, type TaskFigures } from '../src/core/stats.js';
import { loadCalendar } from '../src/io/calendar-store.js';
import { openDb, type DB } from '../src/io/db.js';
import { liveTaskFacts } from '../src/io/report-data.js';
import { shareTalliesOf, taskFiguresOf, taskTalliesOf } from '../src/io/report-figures.js';
import { tempDir } from './db-helpers.js';
import { run as sj } from './cli.js';
import { FIXTURES } from './helpers.js';

const CITY = '131100';
const TODAY = '2023-11-20';
const OUTCOMES = ['未发现问题', '发现问题', '责令整改', '立案处罚', '移送', '移送公安', '无法检查'];

async function ok(db: string, args: string[], now: string): Promise<void> {
  const r = await sj(['--db', db, ...args], { env: { SJ_NOW: now } });
  expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(0);
}

/** A results file for these tasks: every outcome, some fines, confidential, published on time, late or not at all. */
function resultsCsv(file: string, tasks: string[], quarterStart: string): void {
  const month = Number(quarterStart.slice(5, 7));
  const rows = tasks.map((tn, i) => {
    const date = `2023-${String(month + (i % 3)).padStart(2, '0')}-${String(3 + (i % 20)).padStart(2, '0')}`;
    const outcome = OUTCOMES[i % OUTCOMES.length]!;
    const fine = outcome === '立案处罚' ? `${1000 + i}.50` : '';
    const confidential = i % 9 === 5; // never published
    const published = confidential || i % 4 === 0 ? '' : i % 4 === 2 ? '2023-11-15' : date;
    return [tn, date, '现场检查', outcome, fine, i % 2 ? '是' : '否', confidential ? '是' : '否', published, ''].join(',');
  });
  writeFileSync(file, '\ufeff任务编号,检查日期,检查方式,检查结果,罚款金额(元),是否整改完成,是否涉密,公示日期,备注\r\n' + rows.join('\r\n') + '\r\n');
}

function resultsInForce(db: DB): StatsResult[] {
  return (db.prepare(
    `SELECT r.task_no, r.date, r.outcome, r.fine_fen, r.rectified, r.confidential, COALESCE(p.date, r.published_on) AS pub
     FROM results r LEFT JOIN published p ON p.task_no = r.task_no WHERE r.current = 1`,
  ).all() as { task_no: string; date: string; outcome: string; fine_fen: number; rectified: number; confidential: number; pub: string | null }[])
    .map((r) => ({ taskNo: r.task_no, date: r.date, outcome: r.outcome, fineFen: r.fine_fen, rectified: r.rectified === 1, confidential: r.confidential === 1, publishedOn: r.pub }));
}

/** Figures in a stable shape: tallies sorted, coverage as sorted entries, of these quarters only. */
function plain(f: TaskFigures, quarters: string[]) {
  const inQ = (k: string) => quarters.includes(k.split('|')[0]!);
  return {
    tallies: f.tallies.filter((t) => quarters.includes(t.quarter)).sort((a, b) => `${a.quarter}|${a.region}`.localeCompare(`${b.quarter}|${b.region}`)),
    coverage: [...f.coverage].filter(([k]) => inQ(k)).sort(([a], [b]) => a.localeCompare(b)),
  };
}

describe('report figures by SQL', () => {
  let path: string;
  beforeAll(async () => {
    path = join(tempDir('sj-report-figures-'), 'sj.db');
    const AT = '2023-04-03T01:00:00Z';
    for (const kind of ['objects', 'inspectors']) await ok(path, ['import', kind, join(FIXTURES, 'small', `${kind}.csv`)], AT);
    await ok(path, ['draw', '-q', '2023Q2', '--seed', '1', '--yes', '--date', '2023-04-03', '--department-joint', '--partners', '应急管理局'], AT);
    await ok(path, ['draw', '-q', '2023Q2', '--directional', '--level', 'county', '--region', '桃城区', '--seed', '3', '--yes', '--date', '2023-04-03'], AT);
    await ok(path, ['draw', '-q', '2023Q3', '--seed', '2', '--yes', '--date', '2023-07-03'], '2023-07-03T01:00:00Z');
    await ok(path, ['draw', 'void', '2023Q3-county-01', '--reason', '重抽'], '2023-07-03T02:00:00Z');
    await ok(path, ['draw', '-q', '2023Q3', '--level', 'county', '--seed', '4', '--yes', '--date', '2023-07-04'], '2023-07-04T01:00:00Z');
    const db = openDb(path);
    const general = db.prepare("SELECT object_id FROM draw_tasks WHERE draw_id = '2023Q2-county-01' AND class = 'general' LIMIT 1").pluck().get() as string;
    const live = (q: string) => liveTaskFacts(db, 2023).filter((t) => t.quarter === q).map((t) => t.taskNo).sort();
    const [q2, q3] = [live('2023Q2'), live('2023Q3')];
    db.close();
    await ok(path, ['draw', 'substitute', '2023Q2-county-01', '--object', general, '--reason', '停产'], '2023-04-05T01:00:00Z');
    const dir = join(path, '..');
    resultsCsv(join(dir, 'q2.csv'), q2, '2023-04-01');
    resultsCsv(join(dir, 'q3.csv'), q3, '2023-07-01');
    await ok(path, ['results', 'import', join(dir, 'q2.csv')], '2023-11-16T01:00:00Z');
    await ok(path, ['results', 'import', join(dir, 'q3.csv')], '2023-11-16T01:00:00Z');
    await ok(path, ['publish', '-q', '2023Q3', '--date', '2023-11-17'], '2023-11-17T01:00:00Z');
  });

  for (const quarters of [['2023Q2'], ['2023Q3'], ['2023Q2', '2023Q3']]) {
    it(`equal those counted from the tasks (${quarters.join(', ')})`, () => {
      const db = openDb(path);
      const cal = loadCalendar(db);
      const opts = { cityCode: CITY, creditScope: 'sampled' as const, today: TODAY, publicationDue: (d: string) => publicationDue(cal, d, 20) };
      const tasks = liveTaskFacts(db, 2023).filter((t) => quarters.includes(t.quarter));
      const want = plain(taskFigures(tasks, resultsInForce(db), opts), quarters);
      const got = plain(taskFiguresOf(db, { year: 2023, quarters, ...opts }), quarters);
      expect(got).toEqual(want);
      // the task counts alone, as the annual targets read them, are the same with no results
      const counts = taskTalliesOf(db, { year: 2023, quarters, cityCode: CITY, creditScope: 'sampled' });
      expect(plain({ tallies: counts, coverage: new Map() }, quarters).tallies).toEqual(
        want.tallies.map((t) => ({ ...t, inspected: 0, problems: 0, rectifyOrdered: 0, rectified: 0, cases: 0, fineFen: 0, referrals: 0, criminalReferrals: 0, published: 0, publishable: 0, overdue: 0, publishedLate: 0 })),
      );
      // the annual shares without reading the tasks (strata and the joint index) are those of the tasks
      const shares = shareTalliesOf(db, { year: 2023, quarters, cityCode: CITY, creditScope: 'sampled' });
      const byKey = (a: { quarter: string; region: string }, b: { quarter: string; region: string }) => `${a.quarter}|${a.region}`.localeCompare(`${b.quarter}|${b.region}`);
      expect(shares.sort(byKey)).toEqual(want.tallies.map(shareTally));
      const all = { ...opts, creditScope: 'all' as const };
      expect(shareTalliesOf(db, { year: 2023, quarters, ...all }).sort(byKey)).toEqual(plain(taskFigures(tasks, [], all), quarters).tallies.map(shareTally));
      db.close();
    });
  }

  it('are counted on data that exercise every part', () => {
    const db = openDb(path);
    const f = taskFiguresOf(db, { year: 2023, quarters: ['2023Q2', '2023Q3'], cityCode: CITY, creditScope: 'sampled', today: TODAY, publicationDue: (d) => publicationDue(loadCalendar(db), d, 20) });
    const sum = (k: Exclude<keyof TaskFigures['tallies'][number], 'quarter' | 'region'>) => f.tallies.reduce((n, t) => n + t[k], 0);
    for (const k of ['inspected', 'problems', 'rectifyOrdered', 'cases', 'fineFen', 'referrals', 'criminalReferrals', 'rectified', 'published', 'overdue', 'publishedLate', 'onsite', 'offsite', 'jointInternal', 'creditBased'] as const) {
      expect(sum(k), k).toBeGreaterThan(0);
    }
    expect(sum('publishable')).toBeLessThan(sum('inspected')); // confidential results
    expect(sum('creditBasis')).toBeLessThan(sum('onsite') + sum('offsite')); // the positive list's census is outside
    expect([...f.coverage.values()].some((c) => Object.values(c.credited).some((n) => n > 0))).toBe(true);
    // the Q3 results were stamped published (the published table), on 2023-11-17: late for every one
    const q3 = f.tallies.filter((t) => t.quarter === '2023Q3');
    expect(q3.reduce((n, t) => n + t.overdue, 0)).toBe(0);
    expect(q3.reduce((n, t) => n + t.publishedLate, 0)).toBeGreaterThan(0);
    db.close();
  });

  it('leave the voided draw out', () => {
    const db = openDb(path);
    const f = taskFiguresOf(db, { year: 2023, quarters: ['2023Q2', '2023Q3'], cityCode: CITY, creditScope: 'all', today: TODAY, publicationDue: (d) => d });
    const live = db.prepare(`SELECT COUNT(*) FROM draw_tasks t WHERE NOT EXISTS (SELECT 1 FROM voids v WHERE v.draw_id = t.draw_id)`).pluck().get() as number;
    expect(f.tallies.reduce((n, t) => n + t.onsite + t.offsite, 0)).toBe(live);
    // creditScope 'all': every task is in the credit-based share's basis
    expect(f.tallies.reduce((n, t) => n + t.creditBasis, 0)).toBe(live);
    const voided = db.prepare("SELECT COUNT(*) FROM draw_tasks WHERE draw_id = '2023Q3-county-01'").pluck().get() as number;
    expect(voided).toBeGreaterThan(0);
    db.close();
  });
});
