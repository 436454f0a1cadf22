/**
 * Results end to end through the CLI: template → fill (exceljs) → import → DB; every bad-row
 * kind; re-import history; verify catching an edited row; publish (confidential withheld,
 * formula injection, stamps); overdue; open follow-up; an object's history.
 */
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { FIXTURES } from './helpers.js';
import { tempDir } from './db-helpers.js';
import { run as sj } from './cli.js';
import { objectHistory } from '../src/io/results-store.js';
import { openDb } from '../src/io/db.js';

const NOW = '2023-06-20T10:00:00+08:00';
const env = { SJ_NOW: NOW };

let base: string;
let taskNos: string[];
let taskObjects: Map<string, string>;

async function run(db: string, args: string[], extraEnv: Record<string, string> = {}) {
  return (await sj(['--db', db, ...args], { env: { ...env, ...extraEnv } }));
}

/** A private copy of the base database. */
function copyDb(): { dir: string; db: string } {
  const dir = tempDir('sj-results-');
  const db = join(dir, 'sj.db');
  copyFileSync(base, db);
  for (const ext of ['-wal', '-shm']) if (existsSync(base + ext)) copyFileSync(base + ext, db + ext);
  return { dir, db };
}

function q<T = Record<string, unknown>>(db: string, sql: string, ...params: unknown[]): T[] {
  const d = new Database(db, { readonly: true });
  try {
    return d.prepare(sql).all(...params) as T[];
  } finally {
    d.close();
  }
}

interface Fill {
  date?: string | Date;
  outcome?: string;
  fine?: string | number;
  rectified?: string;
  confidential?: string;
  published?: string;
  note?: string;
  method?: string;
}

/** Fill the template as a county would, by task number. */
async function fillTemplate(src: string, dst: string, fills: Record<string, Fill>): Promise<void> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(src);
  const ws = wb.getWorksheet('检查结果')!;
  const headers = (ws.getRow(2).values as unknown[]).map((v) => String(v ?? ''));
  const col = (h: string) => headers.indexOf(h);
  for (let r = 3; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    const tn = String(row.getCell(col('任务编号')).value ?? '');
    const f = fills[tn];
    if (!f) continue;
    const set = (h: string, v: unknown) => {
      if (v !== undefined) row.getCell(col(h)).value = v as ExcelJS.CellValue;
    };
    set('检查日期', typeof f.date === 'string' ? new Date(`${f.date}T00:00:00Z`) : f.date);
    set('检查结果', f.outcome);
    set('罚款金额(元)', f.fine);
    set('是否整改完成', f.rectified);
    set('是否涉密', f.confidential);
    set('公示日期', f.published);
    set('备注', f.note);
    set('检查方式', f.method);
  }
  await wb.xlsx.writeFile(dst);
}

/** A results CSV (UTF-8 with BOM) of plain rows. */
function csv(path: string, header: string[], rows: string[][]): void {
  const esc = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  writeFileSync(path, '\ufeff' + [header, ...rows].map((r) => r.map(esc).join(',')).join('\r\n') + '\r\n');
}

const HEADER = ['任务编号', '检查日期', '检查方式', '检查结果', '罚款金额(元)', '是否整改完成', '是否涉密', '公示日期', '备注'];

beforeAll(async () => {
  const dir = tempDir('sj-results-base-');
  base = join(dir, 'base.db');
  for (const [kind, file] of [['objects', 'objects.xlsx'], ['inspectors', 'inspectors.xlsx'], ['experts', 'experts.xlsx'], ['items', 'items.xlsx'], ['avoidance', 'avoidance.csv']]) {
    const r = (await sj(['--db', base, 'import', kind!, join(FIXTURES, 'hengshui', file!)], { env: { SJ_NOW: '2023-03-01T09:00:00+08:00' } }));
    expect(r.status, r.stderr).toBe(0);
  }
  const d = (await sj(['--db', base, 'draw', '--quarter', '2023Q2', '--seed', '1234', '--yes', '--date', '2023-04-03'], { env: { SJ_NOW: '2023-04-03T09:00:00+08:00' } }));
  expect(d.status, d.stderr).toBe(0);
  const rows = q<{ task_no: string; object_id: string }>(base, 'SELECT task_no, object_id FROM draw_tasks ORDER BY task_no');
  taskNos = rows.map((r) => r.task_no);
  taskObjects = new Map(rows.map((r) => [r.task_no, r.object_id]));
  expect(taskNos.length).toBeGreaterThan(50);
}, 300_000);

describe('results template', () => {
  it('has a title row, a frozen header, pre-filled task columns and drop-down lists', async () => {
    const { dir, db } = copyDb();
    const out = join(dir, 't.xlsx');
    const r = (await run(db, ['results', 'template', '--quarter', '2023Q2', '--out', out]));
    expect(r.status, r.stderr).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    const ws = wb.getWorksheet('检查结果')!;
    expect(String(ws.getCell(1, 1).value)).toContain('检查结果登记表');
    expect((ws.getRow(2).values as unknown[]).slice(1)).toEqual(['任务编号', '检查对象', '统一社会信用代码', '区县', '检查方式', '组长', '组员',
      '检查日期', '检查结果', '罚款金额(元)', '是否整改完成', '是否涉密', '公示日期', '备注']);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 2 });
    expect(ws.rowCount).toBe(2 + taskNos.length);
    const first = ws.getRow(3);
    expect(taskNos).toContain(String(first.getCell(1).value));
    expect(first.getCell(3).value).toBe(taskObjects.get(String(first.getCell(1).value)));
    expect(['现场检查', '非现场检查']).toContain(first.getCell(5).value);
    expect(String(first.getCell(6).value)).toMatch(/\(.+\)$/);
    expect(first.getCell(9).dataValidation).toMatchObject({ type: 'list', formulae: ['"未发现问题,发现问题,责令整改,立案处罚,移送,移送公安,无法检查"'] });
    expect(first.getCell(5).dataValidation).toMatchObject({ type: 'list', formulae: ['"现场检查,非现场检查"'] });
    expect(first.getCell(11).dataValidation).toMatchObject({ type: 'list', formulae: ['"是,否"'] });
    expect(first.getCell(12).dataValidation).toMatchObject({ type: 'list', formulae: ['"是,否"'] });
    expect(first.getCell(8).dataValidation).toMatchObject({ type: 'date' });
  });

  it('needs --quarter or --draw (exit 2)', async () => {
    const { db } = copyDb();
    expect((await run(db, ['results', 'template', '--out', 'x.xlsx'])).status).toBe(2);
  });
});

describe('results import: template round trip', () => {
  it('imports the filled rows as one batch with one ledger entry; verify passes; re-import keeps history', async () => {
    const { dir, db } = copyDb();
    const tpl = join(dir, 't.xlsx');
    expect((await run(db, ['results', 'template', '--quarter', '2023Q2', '--out', tpl])).status).toBe(0);
    const [a, b, c, d, e] = taskNos.filter((tn) => tn.includes('county'));
    const filled = join(dir, 'filled.xlsx');
    await fillTemplate(tpl, filled, {
      [a!]: { date: '2023-04-20', outcome: '未发现问题' },
      [b!]: { date: '2023-05-10', outcome: '立案处罚', fine: '1,234.5', rectified: '否', note: '超标排放' },
      [c!]: { date: '2023-05-11', outcome: '无法检查（停产）' },
      [d!]: { date: '2023-05-12', outcome: '责令整改', rectified: '是', published: '2023-06-01' },
      [e!]: { date: '2023-06-01', outcome: '移送公安', confidential: '是' },
    });
    const dry = (await run(db, ['results', 'import', filled, '--dry-run', '--json']));
    expect(dry.status, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ dryRun: true, added: 5, updated: 0, batch: null });
    expect(q(db, 'SELECT * FROM results')).toHaveLength(0);

    const r = (await run(db, ['results', 'import', filled, '--json']));
    expect(r.status, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s).toMatchObject({ added: 5, updated: 0, unchanged: 0, skipped: taskNos.length - 5, batch: 1, credit: 2, published: 1 });
    const rows = q<Record<string, unknown>>(db, 'SELECT * FROM results ORDER BY task_no');
    expect(rows).toHaveLength(5);
    const byTask = new Map(rows.map((x) => [x.task_no as string, x]));
    expect(byTask.get(b!)).toMatchObject({ outcome: '立案处罚', fine_fen: 123450, rectified: 0, note: '超标排放', date: '2023-05-10', current: 1, batch_id: 1 });
    expect(byTask.get(c!)).toMatchObject({ outcome: '无法检查' });
    expect(byTask.get(e!)).toMatchObject({ confidential: 1 });
    expect(['onsite', 'offsite']).toContain(byTask.get(a!)!.method);
    const batches = q(db, 'SELECT * FROM result_batches');
    expect(batches).toHaveLength(1);
    const ledger = q<{ type: string; ref: string; payload: string }>(db, "SELECT type, ref, payload FROM ledger WHERE type = 'results'");
    expect(ledger).toHaveLength(1);
    expect(ledger[0]!.ref).toBe('1');
    const pl = JSON.parse(ledger[0]!.payload);
    expect(pl).toMatchObject({ batch: 1, file: 'filled.xlsx' });
    expect(pl.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(pl.rows.map((x: { taskNo: string }) => x.taskNo)).toEqual([a, b, c, d, e].sort());
    expect(pl.rows.find((x: { taskNo: string }) => x.taskNo === b)).toEqual({
      taskNo: b, date: '2023-05-10', method: byTask.get(b!)!.method, outcome: '立案处罚', fineFen: 123450, rectified: false, confidential: false, publishedOn: null, note: '超标排放',
    });
    // credit records: 立案处罚 and 移送公安
    const credit = q<{ task_no: string; outcome: string; object_id: string; fine_fen: number }>(db, 'SELECT * FROM credit_records ORDER BY task_no');
    expect(credit.map((x) => [x.task_no, x.outcome])).toEqual([[b, '立案处罚'], [e, '移送公安']].sort());
    expect(credit.find((x) => x.task_no === b)).toMatchObject({ object_id: taskObjects.get(b!), fine_fen: 123450 });
    // 公示日期 stamped
    expect(q(db, 'SELECT task_no, date FROM published')).toEqual([{ task_no: d, date: '2023-06-01' }]);
    const v = (await run(db, ['verify']));
    expect(v.status, v.stdout + v.stderr).toBe(0);

    // the same file again: nothing changes, no batch
    const again = (await run(db, ['results', 'import', filled, '--json']));
    expect(again.status, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ added: 0, updated: 0, unchanged: 5, batch: null });
    expect(q(db, 'SELECT * FROM result_batches')).toHaveLength(1);

    // a corrected file: b's fine changes, a becomes 责令整改; the rest unchanged
    const tpl2 = join(dir, 't2.xlsx');
    expect((await run(db, ['results', 'template', '--quarter', '2023Q2', '--out', tpl2])).status).toBe(0);
    const fixed = join(dir, 'fixed.xlsx');
    await fillTemplate(tpl2, fixed, { [b!]: { fine: 20000 }, [a!]: { outcome: '责令整改', rectified: '否' } });
    const r2 = (await run(db, ['results', 'import', fixed, '--json']));
    expect(r2.status, r2.stderr).toBe(0);
    expect(JSON.parse(r2.stdout)).toMatchObject({ added: 0, updated: 2, unchanged: 3, batch: 2 });
    const hist = q<Record<string, unknown>>(db, 'SELECT vid, current, superseded_by, fine_fen, batch_id FROM results WHERE task_no = ? ORDER BY vid', b);
    expect(hist).toHaveLength(2);
    expect(hist[0]).toMatchObject({ current: 0, superseded_by: hist[1]!.vid, fine_fen: 123450, batch_id: 1 });
    expect(hist[1]).toMatchObject({ current: 1, superseded_by: null, fine_fen: 2000000, batch_id: 2 });
    expect(q(db, 'SELECT * FROM results')).toHaveLength(7);
    expect(q(db, 'SELECT * FROM results WHERE current = 1')).toHaveLength(5);
    expect(q(db, 'SELECT * FROM results WHERE task_no = ?', c)).toHaveLength(1);
    const pl2 = JSON.parse(q<{ payload: string }>(db, "SELECT payload FROM ledger WHERE type = 'results' AND ref = '2'")[0]!.payload);
    expect(pl2.rows.map((x: { taskNo: string }) => x.taskNo)).toEqual([a, b].sort());
    // credit not duplicated, fine updated
    expect(q(db, 'SELECT * FROM credit_records WHERE task_no = ?', b)).toEqual([expect.objectContaining({ fine_fen: 2000000, batch_id: 2 })]);
    expect((await run(db, ['verify'])).status).toBe(0);

    // list
    const list = (await run(db, ['results', 'list', '--quarter', '2023Q2', '--json']));
    expect(list.status, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout).results).toHaveLength(5);
    const csvOut = (await run(db, ['results', 'list', '--quarter', '2023Q2', '--csv']));
    expect(csvOut.stdout.trim().split(/\r?\n/)).toHaveLength(6);
    expect(csvOut.stdout.startsWith('\ufeff')).toBe(true); // Excel reads it as UTF-8
    expect(csvOut.stdout).toContain('20,000.00');

    // objectHistory for the sj roster show wiring
    const h = openDb(db);
    try {
      const hist2 = objectHistory(h, taskObjects.get(b!)!);
      expect(hist2.inspections.find((x) => x.taskNo === b)?.result).toMatchObject({ outcome: '立案处罚', fineFen: 2000000, open: true });
      expect(hist2.credit).toEqual([{ taskNo: b, date: '2023-05-10', outcome: '立案处罚', fineFen: 2000000, batchId: 2 }]);
    } finally {
      h.close();
    }

    // verify catches a result row edited behind sj's back
    const w = new Database(db);
    w.prepare('UPDATE results SET fine_fen = 1 WHERE task_no = ? AND current = 1').run(b);
    w.close();
    const bad = (await run(db, ['verify']));
    expect(bad.status).toBe(1);
    expect(bad.stdout + bad.stderr).toContain(b!);
  });

  it('accepts a CSV identifying tasks by 抽签编号 + 统一社会信用代码', async () => {
    const { dir, db } = copyDb();
    const tn = taskNos.find((x) => x.includes('county'))!;
    const drawId = tn.replace(/-\d{4}$/, '');
    const f = join(dir, 'by-object.csv');
    csv(f, ['抽签编号', '统一社会信用代码', '检查日期', '检查结果', '罚款金额(元)'], [[drawId, taskObjects.get(tn)!, '2023/5/6', '立案处罚', '5000']]);
    const r = (await run(db, ['results', 'import', f, '--json']));
    expect(r.status, r.stderr).toBe(0);
    expect(q(db, 'SELECT task_no, fine_fen, date FROM results')).toEqual([{ task_no: tn, fine_fen: 500000, date: '2023-05-06' }]);
  });
});

describe('results import: bad rows', () => {
  it('reports every bad row with its row number and column; exit 1; nothing written', async () => {
    const { dir, db } = copyDb();
    // a voided draw with a task
    const dd = (await run(db, ['draw', '--quarter', '2023Q2', '--directional', '--industry', '化工', '--level', 'county', '--region', '桃城区', '--seed', '9', '--yes'], { SJ_NOW: '2023-04-05T09:00:00+08:00' }));
    expect(dd.status, dd.stderr).toBe(0);
    const dirTask = q<{ task_no: string }>(db, "SELECT task_no FROM draw_tasks WHERE draw_id = '2023Q2-dir-01' LIMIT 1")[0]!.task_no;
    expect((await run(db, ['draw', 'void', '2023Q2-dir-01', '--reason', '测试作废'])).status).toBe(0);
    const t = taskNos.filter((x) => x.includes('county'));
    const f = join(dir, 'bad.csv');
    const rows: [string, string[]][] = [
      ['unknown task', ['2023Q2-county-01-9999', '2023-05-01', '', '未发现问题', '', '', '', '', '']],
      ['voided draw', [dirTask, '2023-05-01', '', '未发现问题', '', '', '', '', '']],
      ['before the draw', [t[0]!, '2023-04-01', '', '未发现问题', '', '', '', '', '']],
      ['in the future', [t[1]!, '2023-06-21', '', '未发现问题', '', '', '', '', '']],
      ['bad date', [t[2]!, '2023-02-30', '', '未发现问题', '', '', '', '', '']],
      ['unknown outcome', [t[3]!, '2023-05-01', '', '合格', '', '', '', '', '']],
      ['negative fine', [t[4]!, '2023-05-01', '', '立案处罚', '-5', '', '', '', '']],
      ['exponent fine', [t[5]!, '2023-05-01', '', '立案处罚', '1e3', '', '', '', '']],
      ['three decimals', [t[6]!, '2023-05-01', '', '立案处罚', '12.345', '', '', '', '']],
      ['bad yes/no', [t[7]!, '2023-05-01', '', '责令整改', '', '也许', '', '', '']],
      ['duplicate', [t[8]!, '2023-05-01', '', '未发现问题', '', '', '', '', '']],
      ['duplicate 2', [t[8]!, '2023-05-02', '', '未发现问题', '', '', '', '', '']],
      ['bad method', [t[9]!, '2023-05-01', '飞检', '未发现问题', '', '', '', '', '']],
      ['missing date', [t[10]!, '', '', '未发现问题', '', '', '', '', '']],
      ['not yet inspected (skipped)', [t[11]!, '', '', '', '', '', '', '', '备注而已']],
      ['good', [t[12]!, '2023-05-01', '', '未发现问题', '', '', '', '', '']],
    ];
    csv(f, HEADER, rows.map((r) => r[1]));
    const before = q(db, 'SELECT (SELECT COUNT(*) FROM ledger) AS l, (SELECT COUNT(*) FROM results) AS r, (SELECT COUNT(*) FROM result_batches) AS b');
    const r = (await run(db, ['results', 'import', f, '--json']));
    expect(r.status).toBe(1);
    const err = JSON.parse(r.stdout).error;
    const problems = err.problems as { file: string; row: number; column: string; problem: string }[];
    const at = (row: number) => problems.filter((p) => p.row === row);
    // header on line 1, data from line 2
    expect(at(2)).toMatchObject([{ file: 'bad.csv', column: '任务编号', problem: expect.stringContaining('2023Q2-county-01-9999') }]);
    expect(at(3)).toMatchObject([{ column: '任务编号', problem: expect.stringContaining('作废') }]);
    expect(at(4)).toMatchObject([{ column: '检查日期', problem: expect.stringContaining('早于抽签') }]);
    expect(at(5)).toMatchObject([{ column: '检查日期', problem: expect.stringContaining('晚于今天') }]);
    expect(at(6)).toMatchObject([{ column: '检查日期', problem: expect.stringContaining('2023-02-30') }]);
    expect(at(7)).toMatchObject([{ column: '检查结果', problem: expect.stringContaining('合格') }]);
    expect(at(8)).toMatchObject([{ column: '罚款金额(元)', problem: expect.stringContaining('负') }]);
    expect(at(9)).toMatchObject([{ column: '罚款金额(元)', problem: expect.stringContaining('1e3') }]);
    expect(at(10)).toMatchObject([{ column: '罚款金额(元)', problem: expect.stringContaining('两位小数') }]);
    expect(at(11)).toMatchObject([{ column: '是否整改完成', problem: expect.stringContaining('也许') }]);
    expect(at(12)).toHaveLength(0);
    expect(at(13)).toMatchObject([{ column: '任务编号', problem: expect.stringContaining('第 12 行') }]);
    expect(at(14)).toMatchObject([{ column: '检查方式', problem: expect.stringContaining('飞检') }]);
    expect(at(15)).toMatchObject([{ column: '检查日期', problem: expect.stringContaining('缺少检查日期') }]);
    expect(at(16)).toHaveLength(0);
    expect(at(17)).toHaveLength(0);
    expect(problems).toHaveLength(13);
    const after = q(db, 'SELECT (SELECT COUNT(*) FROM ledger) AS l, (SELECT COUNT(*) FROM results) AS r, (SELECT COUNT(*) FROM result_batches) AS b');
    expect(after).toEqual(before);
    // human output names file, row and column
    const h = (await run(db, ['results', 'import', f]));
    expect(h.status).toBe(1);
    expect(h.stderr).toContain('bad.csv 第 4 行 「检查日期」');
  });

  it('a file without a results header is refused with a hint', async () => {
    const { dir, db } = copyDb();
    const f = join(dir, 'nohead.csv');
    csv(f, ['单位名称', '地址'], [['x', 'y']]);
    const r = (await run(db, ['results', 'import', f]));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('检查结果表头');
  });
});

describe('publish', () => {
  async function seeded() {
    const { dir, db } = copyDb();
    const t = taskNos.filter((x) => x.includes('county'));
    // formula injection in object names
    const w = new Database(db);
    w.prepare('UPDATE objects SET name = ? WHERE id = ? AND valid_to IS NULL').run('=HYPERLINK("http://evil.example","点我")', taskObjects.get(t[0]!));
    w.prepare('UPDATE objects SET name = ? WHERE id = ? AND valid_to IS NULL').run('+cmd|\'/C calc\'!A0', taskObjects.get(t[1]!));
    w.close();
    const f = join(dir, 'r.csv');
    csv(f, HEADER, [
      [t[0]!, '2023-04-20', '', '立案处罚', '12345', '否', '否', '', ''], // due 5/19: overdue on 6/20
      [t[1]!, '2023-05-22', '', '责令整改', '', '否', '', '', ''], // due 6/19: overdue by 1
      [t[2]!, '2023-05-29', '', '未发现问题', '', '', '', '', ''], // due 6/27: 4 working days left
      [t[3]!, '2023-06-08', '', '未发现问题', '', '', '', '', ''], // due 7/7: fine
      [t[4]!, '2023-04-25', '', '移送公安', '', '', '是', '', ''], // confidential: never listed
      [t[5]!, '2023-04-26', '', '发现问题', '', '是', '', '2023-05-05', ''], // already published
    ]);
    const r = (await run(db, ['results', 'import', f]));
    expect(r.status, r.stderr).toBe(0);
    return { dir, db, t };
  }

  it('lists overdue and nearly due results with due date and days', async () => {
    const { db, t } = await seeded();
    const r = (await run(db, ['publish', '--overdue', '--json']));
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.results.map((x: { taskNo: string; due: string; state: string; daysLeft: number }) => [x.taskNo, x.due, x.state, x.daysLeft])).toEqual([
      [t[0], '2023-05-19', 'overdue', -22],
      [t[1], '2023-06-19', 'overdue', -1],
      [t[2], '2023-06-27', 'due-soon', 4],
    ]);
    expect(j).toMatchObject({ overdue: 2, dueSoon: 1 });
    const h = (await run(db, ['publish', '--overdue', '--quarter', '2023Q2']));
    expect(h.status).toBe(0);
    expect(h.stdout).toContain('逾期 22 个工作日');
  });

  it('publishes without confidential results or inspector names; formula-safe xlsx and csv; stamps the first date only', async () => {
    const { dir, db, t } = await seeded();
    const xlsx = join(dir, 'pub.xlsx');
    const dry = (await run(db, ['publish', '--quarter', '2023Q2', '--dry-run', '--out', xlsx, '--json']));
    expect(dry.status, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ published: 5, withheld: 1, stamped: 0, dryRun: true });
    expect(q(db, 'SELECT * FROM publications')).toHaveLength(0);

    const dryBytes = readFileSync(xlsx);
    const r = (await run(db, ['publish', '--quarter', '2023Q2', '--out', xlsx]));
    expect(r.status, r.stderr).toBe(0);
    // dated by sj's clock: the same list written again is the same file, byte for byte
    expect(readFileSync(xlsx).equals(dryBytes)).toBe(true);
    expect(r.stderr).toContain('5 项');
    expect(r.stderr).toContain('涉密不公示 1 项');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(xlsx);
    expect(wb.created.toISOString()).toBe(new Date(NOW).toISOString());
    const ws = wb.worksheets[0]!;
    expect((ws.getRow(2).values as unknown[]).slice(1)).toEqual(['抽查任务', '抽查事项', '检查对象', '统一社会信用代码', '检查日期', '检查方式', '检查结果', '处理情况']);
    const cells: unknown[] = [];
    ws.eachRow((row) => row.eachCell((c) => cells.push(c.value)));
    expect(cells).toContain('\'=HYPERLINK("http://evil.example","点我")');
    expect(cells).toContain('\'+cmd|\'/C calc\'!A0');
    expect(cells.some((v) => typeof v === 'object' && v !== null && 'formula' in (v as object))).toBe(false);
    expect(cells).not.toContain(t[4]);
    expect(cells).toContain('立案处罚，罚款 12,345.00 元');
    // no inspector names or ids
    const people = q<{ id: string; name: string }>(db, 'SELECT id, name FROM inspectors');
    const text = cells.map(String).join('\n');
    for (const p of people) expect(text).not.toContain(`${p.name}(${p.id})`);
    const ids = new Set(people.map((p) => p.id));
    expect(cells.filter((c) => ids.has(String(c)))).toEqual([]);
    // stamps: today for the new ones, 5/5 kept for the one published before
    const pub = new Map(q<{ task_no: string; date: string }>(db, 'SELECT task_no, date FROM published').map((x) => [x.task_no, x.date]));
    expect(pub.size).toBe(5);
    expect(pub.get(t[0]!)).toBe('2023-06-20');
    expect(pub.get(t[5]!)).toBe('2023-05-05');
    expect(pub.has(t[4]!)).toBe(false);
    expect(q(db, 'SELECT quarter, published, withheld FROM publications')).toEqual([{ quarter: '2023Q2', published: 5, withheld: 1 }]);

    // a later publication keeps the first dates; csv with BOM, formula-safe
    const out = join(dir, 'pub.csv');
    const r2 = (await run(db, ['publish', '--quarter', '2023Q2', '--out', out, '--json'], { SJ_NOW: '2023-06-30T10:00:00+08:00' }));
    expect(r2.status, r2.stderr).toBe(0);
    expect(JSON.parse(r2.stdout)).toMatchObject({ published: 5, stamped: 0, withheld: 1 });
    expect(q<{ date: string }>(db, 'SELECT date FROM published WHERE task_no = ?', t[0])[0]!.date).toBe('2023-06-20');
    const body = readFileSync(out, 'utf8');
    expect(body.startsWith('\ufeff抽查任务,抽查事项,')).toBe(true);
    expect(body).toContain('"\'=HYPERLINK(""http://evil.example"",""点我"")"');
    expect(body).toContain("'+cmd|'/C calc'!A0");
    expect(body).not.toContain(t[4]!);
    // nothing overdue once published
    const o = (await run(db, ['publish', '--overdue', '--json'], { SJ_NOW: '2023-06-30T10:00:00+08:00' }));
    expect(JSON.parse(o.stdout).results).toEqual([]);
  });

  it('open problems: oldest first, with their age in working days; filtered by region', async () => {
    const { db, t } = await seeded();
    const r = (await run(db, ['results', 'open', '--json']));
    expect(r.status, r.stderr).toBe(0);
    const open = JSON.parse(r.stdout).open as { taskNo: string; age: number; objectRegion: string }[];
    expect(open.map((x) => [x.taskNo, x.age])).toEqual([
      [t[0], 42], // 4/21, 4/23, 4/24–28, 5/4–6 (10), 5/8–6/20 (32)
      [t[4], 38],
      [t[1], 21],
    ]);
    const region = open[0]!.objectRegion;
    const only = (await run(db, ['results', 'open', '--region', region, '--json']));
    expect((JSON.parse(only.stdout).open as { objectRegion: string }[]).every((x) => x.objectRegion === region)).toBe(true);
    expect((await run(db, ['results', 'open', '--region', '火星', '--json'])).status).toBe(2);
  });

  it('needs --quarter unless --overdue; --out must be xlsx or csv', async () => {
    const { db } = copyDb();
    expect((await run(db, ['publish'])).status).toBe(2);
    expect((await run(db, ['publish', '--quarter', '2023Q2', '--out', 'x.pdf'])).status).toBe(2);
  });
});
