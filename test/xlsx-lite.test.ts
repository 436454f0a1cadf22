/**
 * sj's own xlsx writer (src/io/xlsx-lite.ts, issue 13) writes what exceljs writes: the same
 * workbook built through the same writers into an exceljs workbook and into sj's gives the same
 * parts, character for character, but the id of a data bar (exceljs draws it at random):
 * - the statistics tables of the demo (Hengshui fixtures, a quarter and the year with its
 *   fairness sheets), in Chinese and in English;
 * - a sheet made for the edge cases: text to escape (quotes, ampersands, control characters),
 *   leading and trailing spaces, booleans, small and large numbers, empty strings, merges down
 *   and across, a column's number format over merged rows, widths of 9 (exceljs's default),
 *   columns with a format but no width, the three kinds of frozen pane, print titles of rows
 *   and columns, a sheet name with an ampersand;
 * and sj's file is a zip every reader opens: exceljs reads it back, and it is the same bytes on
 * every run.
 */
import { join } from 'node:path';
import JSZip from 'jszip';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fairnessReport, quartersOfYear } from '../src/core/fairness.js';
import { openDb } from '../src/io/db.js';
import { drawsFromFacts } from '../src/io/draw-members.js';
import { addFairnessSheets } from '../src/io/fairness-xlsx.js';
import { Regions } from '../src/io/regions.js';
import { gatherReport, reportRows, type Period } from '../src/io/report-data.js';
import { quarterOf } from '../src/core/quarter.js';
import { reportWorkbook } from '../src/io/report-xlsx.js';
import { addTableSheet, newWorkbook, newWorkbookToWrite, printSetup, workbookBytes, writeLine } from '../src/io/xlsx.js';
import { LiteWorkbook } from '../src/io/xlsx-lite.js';
import { setLang } from '../src/messages/index.js';
import { tempDir } from './db-helpers.js';
import { run as sj } from './cli.js';

type Parts = [string, string][];

async function parts(bytes: Buffer): Promise<Parts> {
  const zip = await JSZip.loadAsync(bytes);
  const names = Object.keys(zip.files).filter((n) => !zip.files[n]!.dir).sort();
  const out = await Promise.all(names.map(async (n) => [n, await zip.file(n)!.async('string')] as [string, string]));
  // the data bars' ids: exceljs's are random; each must be a GUID, the same in both places of a sheet
  return out.map(([n, text]) => {
    const ids = [...text.matchAll(/\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}/g)].map((m) => m[0]);
    let k = 0;
    const seen = new Map<string, string>();
    for (const id of ids) if (!seen.has(id)) seen.set(id, `{bar ${++k}}`);
    return [n, text.replace(/\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}/g, (id) => seen.get(id)!)];
  });
}

/** The same workbook built both ways: its parts from exceljs and from sj's writer. */
async function both(build: (wb: ExcelJS.Workbook) => void, date = new Date('2024-01-15T02:00:00Z')): Promise<{ excel: Parts; lite: Parts; bytes: Buffer }> {
  const excel = await newWorkbook(date);
  build(excel);
  const lite = newWorkbookToWrite(date);
  expect(lite).toBeInstanceOf(LiteWorkbook);
  build(lite);
  const bytes = await workbookBytes(lite);
  return { excel: await parts(await workbookBytes(excel)), lite: await parts(bytes), bytes };
}

let dbPath: string;
beforeAll(async () => {
  const dir = tempDir('sj-lite-');
  dbPath = join(dir, 'demo.db');
  const r = await sj(['--db', dbPath, 'demo', '--out-dir', join(dir, 'demo'), '--json'], { cwd: dir });
  expect(r.status, r.stderr).toBe(0);
}, 120_000);

describe("sj's xlsx writer", () => {
  for (const lang of ['zh', 'en'] as const) {
    it(`writes the statistics tables as exceljs does (${lang}): the quarter, and the year with its fairness sheets`, async () => {
      setLang(lang);
      try {
        const db = openDb(dbPath, { readonly: true });
        const regions = Regions.load(db);
        const periods: Period[] = [{ kind: 'quarter', quarter: quarterOf(2023, 2) }, { kind: 'year', year: 2023 }];
        for (const period of periods) {
          const ctx = gatherReport(db, period, { today: '2024-01-15' });
          const rows = reportRows(ctx);
          const fair = period.kind === 'year'
            ? fairnessReport({ period: { kind: 'year', year: 2023 }, draws: drawsFromFacts(db, quartersOfYear(2023)), summary: true })
            : null;
          const { excel, lite } = await both((wb) => {
            reportWorkbook(ctx, rows, wb);
            if (fair) addFairnessSheets(wb, fair, (c) => regions.name(c));
          });
          expect(lite.map(([n]) => n)).toEqual(excel.map(([n]) => n));
          for (let i = 0; i < excel.length; i++) expect(lite[i], excel[i]![0]).toEqual(excel[i]);
          if (fair) expect(lite.some(([, x]) => x.includes('dataBar'))).toBe(true);
        }
        db.close();
      } finally {
        setLang('zh');
      }
    });
  }

  it('writes the edge cases as exceljs does, and the same bytes every run', async () => {
    const build = (wb: ExcelJS.Workbook) => {
      const { ws } = addTableSheet(wb, {
        name: 'R&D 表', title: '标题 <"检查"> & \'公示\'', subtitle: ['  前后空格  ', '换行\n第二行'],
        headers: ['文本', '数', '布尔', '空'],
        rows: [
          ['控制\u0001字符\u007f', 1e-7, true, ''],
          ['=SUM(A1)', 123456789.125, false, null],
          ['-1', -0, true, ' '],
          ['a'.repeat(60), 0.1 + 0.2, null, 'x'],
        ],
        center: [false, true, true, false], maxWidths: [20, 9, 9, 9], minWidths: [9, 9, 9, 9],
        footer: ['说明 & 注'],
      });
      ws.getColumn(2).numFmt = '0.000%';
      ws.getColumn(6).numFmt = '0.0';
      ws.getColumn(7).width = 9;
      ws.getColumn(8).width = 12;
      ws.getColumn(9).width = 12;
      ws.mergeCells(12, 1, 14, 2);
      ws.getCell(12, 1).value = '合并 下 与 右';
      ws.getCell(13, 2).value = 'into the master';
      ws.addConditionalFormatting({
        ref: 'B4:B7',
        rules: [{ type: 'dataBar', priority: 1, gradient: false, cfvo: [{ type: 'num', value: 0 }, { type: 'max' }], color: { argb: 'FF5B9BD5' } } as unknown as ExcelJS.ConditionalFormattingRule],
      });
      const b = wb.addWorksheet('横向');
      writeLine(b, 1, 'x', 1, 3, { align: 'right', bold: true, color: 'FF123456', size: 12 });
      b.getRow(2).height = 20;
      b.getCell(3, 5).value = 42;
      b.views = [{ state: 'frozen', xSplit: 2 }];
      printSetup(b, { paper: 'A3', titleCols: 'A:B', lastRow: 3, lastCol: 5, pagesWide: 2 });
      const c = wb.addWorksheet('both');
      c.getCell(1, 1).value = 'y';
      c.views = [{ state: 'frozen', xSplit: 1, ySplit: 1 }];
    };
    const first = await both(build);
    expect(first.lite).toEqual(first.excel);
    // every part there, and the strings escaped as exceljs escapes them
    const sheet1 = first.lite.find(([n]) => n === 'xl/worksheets/sheet1.xml')![1];
    expect(sheet1).toContain('<mergeCell ref="A12:B14"/>');
    const strings = first.lite.find(([n]) => n === 'xl/sharedStrings.xml')![1];
    expect(strings).toContain('标题 &lt;&quot;检查&quot;&gt; &amp; &apos;公示&apos;');
    expect(strings).toContain('<t xml:space="preserve">  前后空格  </t>');
    expect(strings).toContain('控制字符');
    // the same bytes on every run (no random id, the entries dated with the workbook)
    const again = await both(build);
    expect(again.bytes.equals(first.bytes)).toBe(true);
    // a zip exceljs reads: values, merges, formats
    const back = new ExcelJS.Workbook();
    await back.xlsx.load(first.bytes as never);
    expect(back.worksheets.map((w) => w.name)).toEqual(['R&D 表', '横向', 'both']);
    const ws = back.worksheets[0]!;
    expect(ws.getCell(12, 1).value).toBe('into the master');
    expect(ws.getCell(14, 2).isMerged).toBe(true);
    expect(ws.getCell(5, 3).value).toBe(true);
    expect(ws.getCell(5, 2).numFmt).toBe('0.000%');
    expect(ws.getCell(6, 1).value).toBe("'=SUM(A1)");
  });
});
