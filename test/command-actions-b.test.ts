/**
 * The command actions called directly, as register() wires them, without commander: `sj demo`
 * builds a real database and its files, then `sj results list`, `sj publish` and `sj check` run
 * on it. Output is captured through the App's Output; results are checked against the files the
 * demo wrote and the SQLite rows, counted here without sj's code.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { check } from '../src/commands/check.js';
import { demo } from '../src/commands/demo.js';
import { publish } from '../src/commands/publish.js';
import { resultsList } from '../src/commands/results.js';
import { UsageError } from '../src/errors.js';
import { setLang } from '../src/messages/index.js';
import { tempDir } from './db-helpers.js';
import { appOn, type Captured } from './cli.js';



/** The one JSON document an action printed. */
function json<T>(seen: Captured): T {
  expect(seen.stdout).toHaveLength(1);
  return JSON.parse(seen.stdout[0]!) as T;
}

function rows<T>(db: string, sql: string): T[] {
  const d = new Database(db, { readonly: true });
  try {
    return d.prepare(sql).all() as T[];
  } finally {
    d.close();
  }
}

/** A CSV file as records by header (the BOM dropped). */
const readCsv = (file: string): Record<string, string>[] => parse(readFileSync(file, 'utf8').replace(/^\ufeff/, ''), { columns: true }) as Record<string, string>[];

let dir: string;
let dbPath: string;
let outDir: string;
let demoDoc: { db: string; draws: { id: string; tasks: number }[]; verified: boolean; ledgerHead: { seq: number; hash: string }; results: { file: string; added: number } };
/** the results file the demo simulated and imported */
let simulated: Record<string, string>[];
const savedNow = process.env.SJ_NOW;

beforeAll(async () => {
  setLang('en');
  dir = tempDir('sj-actions-b-');
  dbPath = join(dir, 'demo.db');
  outDir = join(dir, 'files');
  const { app, seen } = appOn(dbPath);
  try {
    await demo(app, { outDir, json: true });
  } finally {
    app.close();
  }
  demoDoc = json(seen);
  simulated = readCsv(demoDoc.results.file);
}, 240_000);

afterAll(() => {
  if (savedNow === undefined) delete process.env.SJ_NOW;
  else process.env.SJ_NOW = savedNow;
});

describe('command actions called directly (demo, results list, publish, check)', () => {
  it('demo: the database named by the App, its draws, evidence files and ledger as SQLite holds them', () => {
    expect(demoDoc.db).toBe(dbPath);
    expect(demoDoc.verified).toBe(true);
    const byDraw = rows<{ draw_id: string; n: number }>(dbPath, 'SELECT draw_id, count(*) AS n FROM draw_tasks GROUP BY draw_id ORDER BY draw_id');
    expect(demoDoc.draws.map((d) => ({ draw_id: d.id, n: d.tasks }))).toEqual(byDraw);
    expect(byDraw.map((d) => d.draw_id)).toEqual(['2023Q2-city-01', '2023Q2-county-01']);
    for (const d of demoDoc.draws) {
      const ev = JSON.parse(readFileSync(join(outDir, `${d.id}.evidence.json`), 'utf8')) as { tasks: unknown[] };
      expect(ev.tasks).toHaveLength(d.tasks);
    }
    for (const f of ['tasks-2023Q2.xlsx', 'stats-2023Q2.xlsx']) expect(existsSync(join(outDir, f))).toBe(true);
    const last = rows<{ seq: number; hash: string }>(dbPath, 'SELECT seq, hash FROM ledger ORDER BY seq DESC LIMIT 1')[0]!;
    expect(demoDoc.ledgerHead).toMatchObject(last);
    // every row of the simulated file became one current result
    expect(demoDoc.results.added).toBe(simulated.length);
    expect(rows<{ n: number }>(dbPath, 'SELECT count(*) AS n FROM results WHERE current = 1')[0]!.n).toBe(simulated.length);
  });

  it('results list: every imported row, as the simulated file has it; no scope is a usage error', () => {
    const { app, seen } = appOn(dbPath);
    try {
      expect(() => resultsList(app, {})).toThrow(UsageError);
      resultsList(app, { quarter: '2023Q2', json: true });
    } finally {
      app.close();
    }
    const listed = json<{ results: { taskNo: string; date: string; outcome: string; confidential: boolean; objectName: string }[] }>(seen).results;
    const byTask = new Map(simulated.map((r) => [r['任务编号']!, r]));
    expect(listed.map((r) => r.taskNo).sort()).toEqual([...byTask.keys()].sort());
    for (const r of listed) {
      const s = byTask.get(r.taskNo)!;
      expect([r.date, r.outcome, r.confidential]).toEqual([s['检查日期'], s['检查结果'], s['是否涉密'] === '是']);
      expect(r.objectName).not.toBe('');
    }
  });

  it('publish: the public list without confidential results, every result stamped; check then finds nothing overdue', async () => {
    process.env.SJ_NOW = '2023-07-20T10:00:00+08:00';
    const file = join(dir, 'public.csv');
    const before = rows<{ n: number }>(dbPath, 'SELECT count(*) AS n FROM published')[0]!.n;
    const { app, seen } = appOn(dbPath);
    try {
      await publish(app, { quarter: '2023Q2', out: file, json: true });
    } finally {
      app.close();
    }
    const doc = json<{ published: number; withheld: number; stamped: number; date: string; file: string }>(seen);
    const open = simulated.filter((r) => r['是否涉密'] === '否');
    expect(doc).toMatchObject({ published: open.length, withheld: simulated.length - open.length, date: '2023-07-20', file });
    // the file's rows are exactly the non-confidential results, in Chinese
    const listed = readCsv(file);
    expect(listed.map((r) => r['抽查任务']).sort()).toEqual(open.map((r) => r['任务编号']).sort());
    expect(new Set(listed.map((r) => r['检查方式']))).toEqual(new Set(open.map((r) => r['检查方式'])));
    // those already published (the file's 公示日期) keep their date; the others are stamped now
    const after = rows<{ task_no: string; date: string }>(dbPath, 'SELECT task_no, date FROM published');
    expect(after).toHaveLength(open.length);
    expect(doc.stamped).toBe(after.length - before);
    const stampedNow = new Set(after.filter((r) => r.date === '2023-07-20').map((r) => r.task_no));
    expect([...stampedNow].sort()).toEqual(open.filter((r) => !r['公示日期']).map((r) => r['任务编号']).sort());

    const c = appOn(dbPath);
    try {
      check(c.app, { quarter: '2023Q2', json: true });
    } finally {
      c.app.close();
    }
    const report = json<{ met: boolean; targets: { id: string; met: boolean; parts?: { overdue: number; publishedLate: number } }[] }>(c.seen);
    expect(c.app.exitCode).toBe(report.met ? 0 : 3);
    const publication = report.targets.filter((l) => l.id === 'publication');
    expect(publication.length).toBeGreaterThan(0);
    // nothing is left unpublished; what was published after its deadline stays late
    expect(publication.every((l) => l.parts!.overdue === 0)).toBe(true);
    expect(publication.some((l) => l.parts!.publishedLate > 0)).toBe(true);
  });
});
