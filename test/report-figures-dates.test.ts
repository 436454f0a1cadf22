/**
 * Results dated outside their task's quarter (inspected late, in the next quarter or the next
 * year): io/report-figures.ts judges publication on due dates it computes for the quarter's days
 * first, and counts again with those results' own dates. The figures must still equal those
 * core/stats.ts counts from the tasks and results one by one.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { publicationDue } from '../src/core/deadlines.js';
import { taskFigures, type StatsResult } from '../src/core/stats.js';
import { loadCalendar } from '../src/io/calendar-store.js';
import { openDb } from '../src/io/db.js';
import { liveTaskFacts } from '../src/io/report-data.js';
import { taskFiguresOf } from '../src/io/report-figures.js';
import { tempDir } from './db-helpers.js';
import { run as sj } from './cli.js';
import { FIXTURES } from './helpers.js';

const CITY = '131100';
const TODAY = '2024-02-20';

async function ok(db: string, args: string[], now: string): Promise<void> {
  const r = await sj(['--db', db, ...args], { env: { SJ_NOW: now } });
  expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(0);
}

describe('report figures of results dated outside their quarter', () => {
  let path: string;
  let dates: string[];
  beforeAll(async () => {
    path = join(tempDir('sj-report-dates-'), 'sj.db');
    const AT = '2023-04-03T01:00:00Z';
    for (const kind of ['objects', 'inspectors']) await ok(path, ['import', kind, join(FIXTURES, 'small', `${kind}.csv`)], AT);
    await ok(path, ['draw', '-q', '2023Q2', '--seed', '5', '--yes', '--date', '2023-04-03'], AT);
    const db = openDb(path);
    const tasks = liveTaskFacts(db, 2023).map((t) => t.taskNo).sort();
    db.close();
    // in the quarter, after it, in the next year; unpublished, on time, late, confidential
    dates = ['2023-05-10', '2023-07-12', '2023-10-09', '2024-01-08'];
    const rows = tasks.map((tn, i) => {
      const date = dates[i % dates.length]!;
      const confidential = i % 7 === 3;
      const published = confidential || i % 3 === 0 ? '' : i % 3 === 1 ? date : '2024-02-01';
      return [tn, date, '现场检查', i % 2 ? '发现问题' : '未发现问题', '', '否', confidential ? '是' : '否', published, ''].join(',');
    });
    const file = join(path, '..', 'results.csv');
    writeFileSync(file, '\ufeff任务编号,检查日期,检查方式,检查结果,罚款金额(元),是否整改完成,是否涉密,公示日期,备注\r\n' + rows.join('\r\n') + '\r\n');
    await ok(path, ['results', 'import', file], '2024-02-10T01:00:00Z');
  });

  it('equal those counted from the tasks and results one by one', () => {
    const db = openDb(path);
    const cal = loadCalendar(db);
    const asked: string[] = [];
    const opts = { cityCode: CITY, creditScope: 'sampled' as const, today: TODAY, publicationDue: (d: string) => (asked.push(d), publicationDue(cal, d, 20)) };
    const results = (db.prepare(
      `SELECT r.task_no, r.date, r.outcome, r.fine_fen, r.rectified, r.confidential, COALESCE(p.date, r.published_on) AS pub
       FROM results r LEFT JOIN published p ON p.task_no = r.task_no WHERE r.current = 1`,
    ).all() as { task_no: string; date: string; outcome: string; fine_fen: number; rectified: number; confidential: number; pub: string | null }[])
      .map((r): StatsResult => ({ taskNo: r.task_no, date: r.date, outcome: r.outcome, fineFen: r.fine_fen, rectified: r.rectified === 1, confidential: r.confidential === 1, publishedOn: r.pub }));
    const byKey = (a: { quarter: string; region: string }, b: { quarter: string; region: string }) => `${a.quarter}|${a.region}`.localeCompare(`${b.quarter}|${b.region}`);
    const want = taskFigures(liveTaskFacts(db, 2023), results, opts).tallies.sort(byKey);
    asked.length = 0;
    const got = taskFiguresOf(db, { year: 2023, quarters: ['2023Q2'], ...opts }).tallies.sort(byKey);
    expect(got).toEqual(want);
    // the later dates were judged on their own due dates, which the quarter's days did not hold
    for (const d of dates) expect(asked).toContain(d);
    const sum = (k: 'overdue' | 'publishedLate' | 'published' | 'publishable' | 'inspected') => got.reduce((n, t) => n + t[k], 0);
    expect(sum('overdue')).toBeGreaterThan(0);
    expect(sum('publishedLate')).toBeGreaterThan(0);
    expect(sum('published')).toBeGreaterThan(0);
    expect(sum('publishable')).toBeLessThan(sum('inspected'));
    db.close();
  });
});
