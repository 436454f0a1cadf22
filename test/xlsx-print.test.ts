/**
 * Every xlsx sj writes is print-ready (issue 14): on the demo's quarter (Hengshui fixtures,
 * 2023Q2, simulated results), each file is written through the CLI and read back with exceljs —
 * paper, orientation, fit to width, print titles, print area, page footer, wrapped long cells,
 * row heights that hold them — and the statistics table's official layout (three header
 * levels merged, no compound labels, English wholly English), the task list's content against
 * the database (sorted by county then team, roster address and contact, item codes, deadline),
 * one page per team with --by team, and the same rows as CSV.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './db-helpers.js';
import { run as sj } from './cli.js';

/** the demo runs on today's clock (its roster import and simulated publication dates need it) */
const ENV: Record<string, string> = {};
let dir: string;
let db: string;

const run = async (args: string[], env: Record<string, string> = {}) => {
  const r = (await sj(['--db', db, ...args], { env: { ...ENV, ...env }, cwd: dir }));
  expect(r.status, r.stderr).toBe(0);
  return r;
};

async function load(file: string): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(join(dir, file));
  return wb;
}

/** The page setup every printed sheet shares. */
function expectPrintReady(ws: ExcelJS.Worksheet, o: { paper?: number; titles?: string; pagesWide?: number } = {}): void {
  expect(ws.pageSetup.paperSize, ws.name).toBe(o.paper ?? 9);
  expect(ws.pageSetup.orientation, ws.name).toBe('landscape');
  expect(ws.pageSetup.fitToPage, ws.name).toBe(true);
  expect(ws.pageSetup.fitToWidth, ws.name).toBe(o.pagesWide ?? 1);
  expect(ws.pageSetup.fitToHeight, ws.name).toBe(0);
  expect(ws.pageSetup.printArea, ws.name).toMatch(/^A1:[A-Z]+\d+$/);
  if (o.titles) expect(ws.pageSetup.printTitlesRow, ws.name).toBe(o.titles);
  expect(ws.headerFooter.oddFooter, ws.name).toMatch(/&P.*&N/);
}

/** Every sheet of a workbook, and the print area covers every written row. */
function expectAllSheetsPrintReady(wb: ExcelJS.Workbook, o: { pagesWide?: number } = {}): void {
  for (const ws of wb.worksheets) {
    expectPrintReady(ws, ws.pageSetup.paperSize === 8 ? { paper: 8, pagesWide: o.pagesWide } : {});
    const lastRow = Number(/\d+$/.exec(ws.pageSetup.printArea!)![0]);
    expect(lastRow, ws.name).toBeGreaterThanOrEqual(ws.rowCount);
  }
}

const CJK = /[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]/u;

beforeAll(async () => {
  dir = tempDir('sj-print-');
  db = join(dir, 'demo.db');
  const r = (await sj(['--db', db, 'demo', '--out-dir', join(dir, 'demo'), '--json'], { env: ENV, cwd: dir }));
  expect(r.status, r.stderr).toBe(0);
}, 120_000);

describe('the statistics table', () => {
  it('A3 landscape, one page wide, region column and header rows repeated; three header levels with no compound labels', async () => {
    (await run(['report', '--quarter', '2023Q2', '--out', 'stats.xlsx']));
    const wb = await load('stats.xlsx');
    expectAllSheetsPrintReady(wb);
    const ws = wb.worksheets[0]!;
    expectPrintReady(ws, { paper: 8, titles: '5:7' });
    expect(ws.pageSetup.printTitlesColumn).toBe('A:A');
    expect(wb.worksheets.map((w) => w.name)).toEqual(['统计表 2023Q2', '校验信息']);
    const merges = (ws.model as unknown as { merges: string[] }).merges;
    // every header cell of rows 5–7 is a single word of its level, never 应抽-特殊 or 一般-正面清单
    const heads: string[] = [];
    for (let r = 5; r <= 7; r++) ws.getRow(r).eachCell((c) => heads.push(String(c.value)));
    expect(heads.length).toBeGreaterThan(40 * 2);
    for (const h of heads) expect(h).not.toMatch(/[-－]/);
    // each class of 抽查情况 spans its four figures, each figure row label sits under one class
    const level2 = ws.getRow(6);
    for (const cls of ['特殊', '重点', '一般（正面清单）', '一般（其他）']) {
      const col = (level2.values as unknown[]).indexOf(cls, 8);
      expect(col, cls).toBeGreaterThan(7);
      const letter = ws.getColumn(col).letter;
      const end = ws.getColumn(col + 3).letter;
      expect(merges).toContain(`${letter}6:${end}6`);
      expect([0, 1, 2, 3].map((k) => ws.getCell(7, col + k).value)).toEqual(['应抽', '实抽', '计入已抽', '达标']);
    }
    // a label with no level below spans down to the figure row
    expect(merges).toContain('A5:A7');
    // the title block and the closing lines
    expect(String(ws.getCell('A1').value)).toContain('2023年第二季度');
    const texts: string[] = [];
    ws.eachRow((r) => r.eachCell((c) => texts.push(String(c.value ?? ''))));
    for (const s of ['表　　号', '制表机关', '填报单位', '统计期间', '计量单位：家、次、人、元', '单位负责人', '统计负责人', '填表人', '报出日期']) {
      expect(texts.some((x) => x.includes(s)), s).toBe(true);
    }
    // long text wraps in rows tall enough for it (the notes under the table)
    const notes: ExcelJS.Row[] = [];
    ws.eachRow((r) => { if (String(r.getCell(1).value ?? '').startsWith('说明：')) notes.push(r); });
    expect(notes.length).toBe(4);
    // one of them says on which basis the credit-based share is computed (rules.targets.creditBasedScope)
    expect(notes.some((r) => String(r.getCell(1).value).includes('抽样抽查的任务（正面清单全覆盖检查不计入）'))).toBe(true);
    for (const r of notes) {
      expect(r.getCell(1).alignment?.wrapText).toBe(true);
      expect(r.height).toBeGreaterThan(12);
    }
  });

  it('shares: the xlsx holds the number the csv and the terminal show (one decimal, rounded half up)', async () => {
    (await run(['report', '--quarter', '2023Q2', '--out', 'stats.xlsx']));
    (await run(['report', '--quarter', '2023Q2', '--out', 'stats.csv']));
    const json = JSON.parse((await run(['report', '--quarter', '2023Q2', '--json'])).stdout) as { rows: { name: string; jointInternalShare: number | null; creditBasedShare: number | null }[] };
    const lines = readFileSync(join(dir, 'stats.csv'), 'utf8').slice(1).split('\r\n');
    const head = lines[0]!.split(',');
    const csvShare = head.indexOf('联合抽查-内部联合占比');
    expect(csvShare).toBeGreaterThan(0);
    const ws = (await load('stats.xlsx')).worksheets[0]!;
    const level2 = ws.getRow(6).values as unknown[];
    const xShare = level2.indexOf('内部联合') + 1;
    let compared = 0;
    for (let k = 0; k < json.rows.length; k++) {
      const text = lines[1 + k]!.split(',')[csvShare]!;
      const cell = ws.getRow(8 + k).getCell(xShare);
      expect(cell.numFmt).toBe('0.0%');
      if (text === '—') continue;
      expect(text).toMatch(/^\d+\.\d%$/);
      expect(cell.value).toBe(Number(`${text.slice(0, -1)}e-2`));
      // half up of the exact share (basis points are floored, exactly below it)
      const bp = json.rows[k]!.jointInternalShare!;
      expect(Number(text.slice(0, -1))).toBeCloseTo(Math.floor((bp + 5) / 10) / 10, 9);
      compared++;
    }
    expect(compared).toBeGreaterThan(10);
  });

  it('--lang en: titles, headers and closing lines wholly English', async () => {
    (await run(['--lang', 'en', 'report', '--quarter', '2023Q2', '--out', 'stats-en.xlsx']));
    const wb = await load('stats-en.xlsx');
    // English labels are wider: two A3 pages across, the region column repeated, the title on the first
    expectAllSheetsPrintReady(wb, { pagesWide: 2 });
    const ws = wb.worksheets[0]!;
    expect(ws.pageSetup.printTitlesColumn).toBe('A:A');
    expect(ws.getCell('A1').value).toBeNull();
    const title = String(ws.getCell('B1').value);
    expect(title).toContain('2023 Q2');
    expect(title).not.toMatch(CJK);
    expect(title).not.toContain('衡水市');
    for (let r = 1; r <= 7; r++) ws.getRow(r).eachCell((c) => expect(String(c.value), `row ${r}`).not.toMatch(CJK));
    // after the data: closing lines and notes (data rows hold the regions' own names)
    const first = 8 + 15;
    for (let r = first; r <= ws.rowCount; r++) ws.getRow(r).eachCell((c) => {
      if (!String(c.value).startsWith('Note:')) expect(String(c.value), `row ${r}`).not.toMatch(CJK);
    });
    expect(wb.worksheets[1]!.name).toBe('Verification');
  });
});

describe('the task list', () => {
  it('print-ready; sorted by county then team; object details from the roster; items as codes on their own sheet', async () => {
    (await run(['draw', 'tasks', '--quarter', '2023Q2', '--out', 'tasks.xlsx']));
    const wb = await load('tasks.xlsx');
    expectAllSheetsPrintReady(wb);
    const ws = wb.getWorksheet('任务清单')!;
    expectPrintReady(ws, { titles: '1:3' });
    expect(String(ws.getCell('A1').value)).toBe('衡水市生态环境局2023年第二季度“双随机”抽查任务清单');
    const headers = (ws.getRow(3).values as unknown[]).slice(1);
    expect(headers).toEqual(['序号', '区县', '任务编号', '检查对象', '统一社会信用代码', '地址', '联系人及电话', '行业', '检查方式',
      '检查人员（组长在前）', '专家', '抽查事项', '完成时限', '检查日期', '检查人员签字', '被检查单位签字']);
    const col = (h: string) => headers.indexOf(h) + 1;

    const sql = new Database(db, { readonly: true });
    const objects = new Map((sql.prepare('SELECT id, name, address, contact, phone, region FROM objects WHERE valid_to IS NULL').all() as
      { id: string; name: string; address: string; contact: string; phone: string; region: string }[]).map((o) => [o.id, o]));
    const regionOrder = (sql.prepare('SELECT name FROM regions ORDER BY sort, code').all() as { name: string }[]).map((r) => r.name);
    const inspectors = new Map((sql.prepare('SELECT id, name FROM inspectors').all() as { id: string; name: string }[]).map((i) => [i.id, i.name]));
    const tasks = new Map((sql.prepare('SELECT task_no, inspectors FROM draw_tasks').all() as { task_no: string; inspectors: string }[])
      .map((t) => [t.task_no, JSON.parse(t.inspectors) as string[]]));
    sql.close();

    const itemCodes = new Set<string>();
    wb.getWorksheet('抽查事项')!.eachRow((r, n) => { if (n > 2) itemCodes.add(String(r.getCell(1).value)); });
    expect(itemCodes.size).toBeGreaterThan(10);

    let rows = 0;
    let lastCounty = -1;
    const seenCounties: string[] = [];
    for (let r = 4; r <= ws.rowCount; r++) {
      const row = ws.getRow(r);
      const taskNo = String(row.getCell(col('任务编号')).value ?? '');
      if (!/^2023Q2-/.test(taskNo)) continue;
      rows++;
      const o = objects.get(String(row.getCell(col('统一社会信用代码')).value))!;
      expect(row.getCell(col('检查对象')).value).toBe(o.name);
      expect(row.getCell(col('地址')).value).toBe(o.address);
      expect(String(row.getCell(col('联系人及电话')).value)).toBe([o.contact, o.phone].filter(Boolean).join('\n'));
      // the team, leader first
      const team = tasks.get(taskNo)!.map((id) => inspectors.get(id));
      expect(String(row.getCell(col('检查人员（组长在前）')).value).split('\n')).toEqual([`${team[0]}（组长）`, ...team.slice(1)]);
      // items: short codes of the item sheet
      const codes = String(row.getCell(col('抽查事项')).value ?? '').split(' ').filter(Boolean);
      expect(codes.length).toBeGreaterThan(0);
      for (const c of codes) expect(itemCodes.has(c), c).toBe(true);
      // the quarter's summary is due 3 working days before 06-30 (06-22–24 off, 06-25 worked)
      expect(row.getCell(col('完成时限')).value).toBe('2023-06-27');
      // sorted by county, in region order
      const county = String(row.getCell(col('区县')).value);
      const rank = regionOrder.indexOf(county);
      expect(rank).toBeGreaterThanOrEqual(lastCounty);
      if (rank !== lastCounty) seenCounties.push(county);
      lastCounty = rank;
      // a long cell wraps, in a row tall enough for its lines
      expect(row.getCell(col('地址')).alignment?.wrapText).toBe(true);
      const lines = String(row.getCell(col('检查人员（组长在前）')).value).split('\n').length;
      expect(row.height).toBeGreaterThanOrEqual(lines * 13);
    }
    expect(rows).toBe(tasks.size);
    expect(seenCounties.length).toBe(new Set(seenCounties).size); // each county in one run
  });

  it('--by team: a caption and a page of its own for each team; --out .csv: the same rows', async () => {
    (await run(['draw', 'tasks', '--quarter', '2023Q2', '--by', 'team', '--out', 'teams.xlsx']));
    (await run(['draw', 'tasks', '--quarter', '2023Q2', '--out', 'tasks.csv']));
    const wb = await load('teams.xlsx');
    expectAllSheetsPrintReady(wb);
    const ws = wb.getWorksheet('任务清单')!;
    const captions: number[] = [];
    ws.eachRow((r, n) => { if (/^第 \d+ 组/.test(String(r.getCell(1).value ?? ''))) captions.push(n); });
    expect(captions.length).toBeGreaterThan(50);
    // a page break before every caption but the first (read from the sheet's XML: exceljs does not read them back)
    const zip = await JSZip.loadAsync(readFileSync(join(dir, 'teams.xlsx')));
    const xml = await zip.file('xl/worksheets/sheet1.xml')!.async('string');
    const breaks = [...xml.matchAll(/<brk id="(\d+)"/g)].map((m) => Number(m[1]));
    expect(breaks).toEqual(captions.slice(1).map((n) => n - 1));

    const csv = readFileSync(join(dir, 'tasks.csv'));
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = csv.toString('utf8').slice(1).trimEnd().split('\r\n');
    expect(lines[0]).toContain('序号,检查组,区县,任务编号');
    expect(lines[0]).toContain('地址,联系人,联系电话');
    // the same tasks in the same order as the printed list
    const printed: string[] = [];
    const taskCol = (ws.getRow(3).values as unknown[]).indexOf('任务编号');
    ws.eachRow((r) => { const v = String(r.getCell(taskCol).value ?? ''); if (/^2023Q2-/.test(v)) printed.push(v); });
    expect(lines.slice(1).map((l) => l.split(',')[3])).toEqual(printed);
    // a team number per caption
    expect(new Set(lines.slice(1).map((l) => l.split(',')[1])).size).toBe(captions.length);
  });

  it('--by takes only team', async () => {
    const r = (await sj(['--db', db, 'draw', 'tasks', '--quarter', '2023Q2', '--by', 'county', '--out', join(dir, 'x.xlsx')], { env: ENV }));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--by');
  });
});

describe('the public list and the results template', () => {
  it('public list: print-ready, items wrapped, title with the quarter in words', async () => {
    (await run(['publish', '--quarter', '2023Q2', '--dry-run', '--out', 'public.xlsx']));
    const wb = await load('public.xlsx');
    expectAllSheetsPrintReady(wb);
    const ws = wb.worksheets[0]!;
    expectPrintReady(ws, { titles: '2:2' });
    expect(ws.getCell('A1').value).toBe('衡水市生态环境局2023年第二季度“双随机、一公开”抽查结果公示');
    const items = ws.getRow(3).getCell(2);
    expect(String(items.value).length).toBeGreaterThan(60);
    expect(items.alignment?.wrapText).toBe(true);
    expect(ws.getColumn(2).width).toBeLessThanOrEqual(70);
    expect(ws.getRow(3).height).toBeGreaterThan(20); // several lines
  });

  it('results template: print-ready, header repeated, help sheet printable', async () => {
    (await run(['results', 'template', '--quarter', '2023Q2', '--out', 'template.xlsx']));
    const wb = await load('template.xlsx');
    expectAllSheetsPrintReady(wb);
    const ws = wb.getWorksheet('检查结果')!;
    expectPrintReady(ws, { titles: '2:2' });
    expect(ws.getCell('A1').value).toBe('衡水市生态环境局2023年第二季度“双随机”抽查检查结果登记表');
    // the columns to fill in are wide enough to write in
    const headers = (ws.getRow(2).values as unknown[]);
    for (const h of ['检查日期', '检查结果', '公示日期']) expect(ws.getColumn(headers.indexOf(h)).width!, h).toBeGreaterThanOrEqual(11);
  });
});
