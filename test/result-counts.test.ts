/**
 * result_counts (schema migration 13), what report and check count the results by: its triggers
 * keep it equal to the results in force and their stamps counted again, through imports,
 * corrections and publications made by sj and through edits of results and stamps made by SQL;
 * migration 13 fills it on a database made before; `sj verify` names an edit of the table itself.
 * (That the figures counted from it are those counted from the results one by one is
 * report-figures.test.ts.)
 */
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openDb, type DB } from '../src/io/db.js';
import { RESULT_COUNT_COLUMNS, resultCountsQuery } from '../src/io/schema.js';
import { tempDir } from './db-helpers.js';
import { run as sj } from './cli.js';
import { FIXTURES } from './helpers.js';
import { toUserVersion } from './legacy-evidence.js';

const OUTCOMES = ['未发现问题', '发现问题', '责令整改', '立案处罚', '移送', '移送公安', '无法检查'];
const HEADER = '\ufeff任务编号,检查日期,检查方式,检查结果,罚款金额(元),是否整改完成,是否涉密,公示日期,备注\r\n';

async function ok(db: string, args: string[], now: string): Promise<void> {
  const r = await sj(['--db', db, ...args], { env: { SJ_NOW: now } });
  expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(0);
}

/** Results for these tasks; `shift` changes outcome, date, fine, confidentiality and stamp (a corrected file). */
function resultsCsv(file: string, tasks: string[], shift = 0): void {
  const rows = tasks.map((tn, k) => {
    const i = k + shift;
    const date = `2023-0${4 + (i % 3)}-${String(3 + (i % 20)).padStart(2, '0')}`;
    const outcome = OUTCOMES[i % OUTCOMES.length]!;
    const fine = outcome === '立案处罚' ? `${1000 + i}.50` : '';
    const confidential = i % 9 === 5;
    const published = confidential || i % 4 === 0 ? '' : i % 4 === 2 ? '2023-11-15' : date;
    return [tn, date, '现场检查', outcome, fine, i % 2 ? '是' : '否', confidential ? '是' : '否', published, ''].join(',');
  });
  writeFileSync(file, HEADER + rows.join('\r\n') + '\r\n');
}

const stored = (db: DB) => db.prepare(`SELECT draw_id, region, date, pub, confidential, ${RESULT_COUNT_COLUMNS.join(', ')} FROM result_counts ORDER BY 1, 2, 3, 4, 5`).raw(true).all();
const recounted = (db: DB) => db.prepare(resultCountsQuery()).raw(true).all();

/** result_counts equals the recount, and counts every result in force once. */
function expectKept(db: DB): void {
  expect(stored(db)).toEqual(recounted(db));
  const results = db.prepare('SELECT COUNT(*) FROM results WHERE current = 1').pluck().get();
  expect(db.prepare('SELECT COALESCE(SUM(inspected), 0) FROM result_counts').pluck().get()).toBe(results);
  expect(db.prepare('SELECT COUNT(*) FROM result_counts WHERE inspected = 0').pluck().get()).toBe(0);
}

describe('result_counts', () => {
  let dir: string;
  let path: string;
  let tasks: string[];
  beforeAll(async () => {
    dir = tempDir('sj-result-counts-');
    path = join(dir, 'sj.db');
    const AT = '2023-04-03T01:00:00Z';
    for (const kind of ['objects', 'inspectors']) await ok(path, ['import', kind, join(FIXTURES, 'small', `${kind}.csv`)], AT);
    await ok(path, ['draw', '-q', '2023Q2', '--seed', '1', '--yes', '--date', '2023-04-03'], AT);
    const db = openDb(path);
    tasks = db.prepare('SELECT task_no FROM draw_tasks ORDER BY task_no').pluck().all() as string[];
    db.close();
    expect(tasks.length).toBeGreaterThanOrEqual(8);
  });

  it('is kept through imports, corrections and publications made by sj', async () => {
    const db = () => openDb(path);
    let d = db();
    expectKept(d); // no result yet: no row
    expect(stored(d)).toEqual([]);
    d.close();
    resultsCsv(join(dir, 'a.csv'), tasks.slice(0, -1)); // one task with no result
    await ok(path, ['results', 'import', join(dir, 'a.csv')], '2023-11-16T01:00:00Z');
    d = db();
    expectKept(d);
    const first = stored(d);
    expect(first.length).toBeGreaterThanOrEqual(5);
    d.close();
    // a corrected file: every result of the first half changes outcome, date, confidentiality or stamp
    resultsCsv(join(dir, 'b.csv'), tasks.slice(0, tasks.length >> 1), 3);
    await ok(path, ['results', 'import', join(dir, 'b.csv')], '2023-11-16T02:00:00Z');
    d = db();
    expectKept(d);
    expect(stored(d)).not.toEqual(first);
    d.close();
    await ok(path, ['publish', '-q', '2023Q2', '--date', '2023-11-17'], '2023-11-17T01:00:00Z');
    d = db();
    expectKept(d);
    expect(d.prepare("SELECT SUM(inspected) FROM result_counts WHERE pub = '2023-11-17'").pluck().get()).toBeGreaterThan(0);
    d.close();
  });

  it('is kept through edits of results and stamps made by SQL', () => {
    const copy = join(dir, 'edited.db');
    copyFileSync(path, copy);
    const db = openDb(copy);
    const [s0, s1] = db.prepare('SELECT r.task_no FROM results r JOIN published p ON p.task_no = r.task_no WHERE r.current = 1 ORDER BY r.task_no LIMIT 2').pluck().all() as string[];
    expect(s1).toBeDefined();
    const edits = [
      ['DELETE FROM published WHERE task_no = ?', s0], // unstamped
      ["INSERT INTO published(task_no, date) VALUES (?, '2023-08-01')", s0], // stamped again
      ["UPDATE published SET date = '2023-08-02' WHERE task_no = ?", s0],
      ['DELETE FROM published WHERE task_no = ?', s0],
      [`UPDATE published SET task_no = '${s0}' WHERE task_no = ?`, s1], // s1's stamp moved to s0
      ["UPDATE results SET outcome = '立案处罚', fine_fen = 500, date = '2023-05-30' WHERE current = 1 AND task_no = ?", s1],
      ['UPDATE results SET current = 0 WHERE current = 1 AND task_no = ?', s0], // retired with no successor
      ['DELETE FROM results WHERE current = 1 AND task_no = ?', s1],
    ] as const;
    for (const [sql, taskNo] of edits) {
      expect(db.prepare(sql).run(taskNo).changes, sql).toBe(1);
      expectKept(db);
    }
    db.close();
  });

  it('migration 13 counts the results of a database made before it', () => {
    const copy = join(dir, 'v12.db');
    copyFileSync(path, copy);
    let db = openDb(copy);
    const before = stored(db);
    expect(before.length).toBeGreaterThanOrEqual(5);
    toUserVersion(db, 12);
    expect(db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name LIKE 'result_counts%'").pluck().get()).toBe(0);
    db.exec('CREATE INDEX results_figures ON results(task_no, date, outcome, fine_fen, rectified, confidential, published_on) WHERE current = 1');
    db.close();
    db = openDb(copy);
    expect(db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(13);
    expect(stored(db)).toEqual(before);
    expect(db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = 'results_figures'").pluck().get()).toBe(0);
    expectKept(db);
    db.close();
  });

  it('sj verify names an edit of the table itself', async () => {
    const copy = join(dir, 'tampered.db');
    copyFileSync(path, copy);
    const clean = await sj(['--db', copy, 'verify', '--json'], { env: { SJ_NOW: '2023-11-20T01:00:00Z' } });
    expect(clean.status, clean.stdout + clean.stderr).toBe(0);
    const db = openDb(copy);
    const [drawId, region, date] = db.prepare('SELECT draw_id, region, date FROM result_counts ORDER BY 1, 2, 3 LIMIT 1').raw(true).get() as string[];
    db.prepare("UPDATE result_counts SET problems = problems + 1 WHERE draw_id = ? AND region = ? AND date = ?").run(drawId, region, date);
    db.close();
    const r = await sj(['--db', copy, 'verify', '--json'], { env: { SJ_NOW: '2023-11-20T01:00:00Z' } });
    expect(r.status).toBe(1);
    const problems = (JSON.parse(r.stdout) as { error: { problems: { file: string; problem: string }[] } }).error.problems;
    expect(problems).toHaveLength(1);
    expect(problems[0]!.file).toMatch(new RegExp(`^result_counts ${drawId} ${region} ${date} `));
    expect(problems[0]!.problem).toMatch(/counted again/);
  });
});
