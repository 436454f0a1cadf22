/**
 * Writing the statistics table: the official .xlsx (title, 表号, 制表机关, 填报单位, 统计期间,
 * 计量单位; three header levels — group / class / figure — merged, never compound labels; the
 * closing lines 单位负责人 / 统计负责人 / 填表人 / 报出日期; notes; hashes and the rules version
 * on a second sheet 校验信息; A3 landscape, one page wide, the region column and header rows
 * repeated), the .csv (UTF-8 BOM, one combined header row, formula-safe) and the compact text
 * table for the terminal. Shares are shown by one helper (core/arith.ts bpText) in all three.
 */
import { creditBasedScopeOf } from '../core/rules.js';
import type ExcelJS from 'exceljs';
import { bpText } from '../core/arith.js';
import type { StatsRow } from '../core/stats.js';
import { CLASSES } from '../core/types.js';
import { t } from '../messages/index.js';
import { textTable } from '../core/text-table.js';
import { periodId, type ReportContext } from './report-data.js';
import { bureauName, quarterLabel } from './titles.js';
import {
  addTableSheet, alignmentOf, BORDER, BODY_FONT, fontOf, displayWidth, fitHeights, formulaSafe, newWorkbookToWrite, printSetup, READABLE_WIDTH, styleHead, TITLE_FONT,
  workbookBytes, writeLine,
} from './xlsx.js';
import { writeFileAtomic } from './atomic-file.js';

export type ColFormat = 'text' | 'int' | 'pct' | 'yuan' | 'yesno';

export interface ReportColumn {
  key: string;
  /**
   * the printed header, one to three levels: group / class / figure (already translated); a
   * shorter path's last label spans the levels below it
   */
  head: string[];
  /** header of the csv (one row: the levels combined) */
  csv: string;
  format: ColFormat;
  /** raw value: numbers (basis points for pct, fen for yuan), booleans for yesno */
  value: (r: StatsRow) => string | number | boolean | null;
  /** in the csv only (the region code, a key for machines) */
  csvOnly?: boolean;
}

/** the printed header's levels */
export const HEAD_LEVELS = 3;

export function reportColumns(): ReportColumn[] {
  const cols: ReportColumn[] = [];
  const add = (key: string, head: string[], format: ColFormat, value: ReportColumn['value'], csv?: string, csvOnly?: boolean) =>
    cols.push({ key, head, format, value, csv: csv ?? head.join('-'), ...(csvOnly ? { csvOnly } : {}) });
  add('region', [t('report.col.code')], 'text', (r) => (r.kind === 'total' ? '' : r.region), undefined, true);
  add('name', [t('report.col.name')], 'text', (r) => (r.kind === 'total' ? t('report.total') : r.name));
  const objects = t('report.group.objects');
  for (const c of CLASSES) {
    // the two kinds of general objects sit under one 一般 heading
    const head = c === 'positive' || c === 'general' ? [objects, t('report.class.generalGroup'), t(`report.class.${c}Part`)] : [objects, t(`report.class.${c}`)];
    add(`objects.${c}`, head, 'int', (r) => r.objects[c], `${objects}-${t(`report.class.${c}`)}`);
  }
  add('objects.total', [objects, t('report.col.objectsTotal')], 'int', (r) => r.objects.total);
  add('inspectors', [t('report.col.inspectorsHead')], 'int', (r) => r.inspectors, `${t('report.group.inspectors')}-${t('report.col.inspectors')}`);
  const draws = t('report.group.draws');
  for (const c of CLASSES) {
    const cls = t(`report.class.${c}`);
    const short = t(`report.classShort.${c}`);
    const fig = (f: string) => [draws, cls, t(`report.fig.${f}`)];
    const csv = (f: string) => `${t(`report.fig.${f}`)}-${short}`;
    add(`required.${c}`, fig('required'), 'int', (r) => r.required[c], csv('required'));
    add(`drawn.${c}`, fig('drawn'), 'int', (r) => r.drawn[c], csv('drawn'));
    add(`credited.${c}`, fig('credited'), 'int', (r) => r.credited[c], csv('credited'));
    add(`met.${c}`, fig('met'), 'yesno', (r) => r.met[c], csv('met'));
  }
  const method = t('report.group.method');
  add('onsite', [method, t('report.col.onsite')], 'int', (r) => r.onsite);
  add('offsite', [method, t('report.col.offsite')], 'int', (r) => r.offsite);
  const joint = t('report.group.joint');
  const internal = t('report.col.jointInternal');
  add('jointInternal', [joint, internal, t('report.fig.count')], 'int', (r) => r.jointInternal, `${joint}-${internal}`);
  add('jointInternalShare', [joint, internal, t('report.fig.share')], 'pct', (r) => r.jointInternalShare, `${joint}-${t('report.col.jointInternalShare')}`);
  add('jointDepartment', [joint, t('report.col.jointDepartment')], 'int', (r) => r.jointDepartment);
  const credit = t('report.group.credit');
  add('creditBased', [credit, t('report.col.creditBased')], 'int', (r) => r.creditBased);
  add('creditBasedShare', [credit, t('report.col.creditBasedShare')], 'pct', (r) => r.creditBasedShare);
  const results = t('report.group.results');
  for (const k of ['inspected', 'problems', 'rectifyOrdered', 'rectified', 'cases'] as const) add(k, [results, t(`report.col.${k}`)], 'int', (r) => r[k]);
  add('fine', [results, t('report.col.fine')], 'yuan', (r) => r.fineFen);
  for (const k of ['referrals', 'criminalReferrals'] as const) add(k, [results, t(`report.col.${k}`)], 'int', (r) => r[k]);
  const pub = t('report.group.publication');
  for (const k of ['published', 'publishable', 'overdue', 'publishedLate'] as const) add(k, [pub, t(`report.col.${k}`)], 'int', (r) => r[k]);
  return cols;
}

/** A value as text (csv, terminal, and the xlsx's shown value): shares "33.3%", fines "12345.00", 是/否. */
export function cellText(col: ReportColumn, r: StatsRow): string {
  const v = col.value(r);
  switch (col.format) {
    case 'pct':
      return bpText(v as number | null);
    case 'yuan':
      return r.fineYuan;
    case 'yesno':
      return v ? t('report.yes') : t('report.no');
    default:
      return v === null ? '' : String(v);
  }
}

export function periodLabel(ctx: ReportContext): string {
  return ctx.period.kind === 'quarter' ? quarterLabel(ctx.period.quarter) : t('report.periodYear', { year: ctx.period.year });
}

const city = (ctx: ReportContext) => {
  const c = ctx.regions.find((r) => r.level === 'city');
  return { name: c?.name ?? '', code: c?.code ?? ctx.cityCode };
};
const unitName = (ctx: ReportContext) => bureauName(city(ctx));

export function reportTitle(ctx: ReportContext): string {
  return t('report.title', { unit: unitName(ctx), period: periodLabel(ctx) });
}

export function footerLines(ctx: ReportContext): string[] {
  return [
    t('report.footer.generated', { at: ctx.generatedAt }),
    t('report.footer.rules', { id: ctx.rules.id, hash: ctx.rules.hash }),
    t('report.footer.ledger', { seq: ctx.ledgerHead.seq, hash: ctx.ledgerHead.hash }),
    t('report.footer.voided', { n: ctx.voidedDraws }),
    ...noteLines(ctx),
  ];
}

const noteLines = (ctx: ReportContext): string[] => [
  t('report.footer.noteObjects'),
  t('report.footer.noteRequired'),
  t('report.footer.noteCredit', { basis: t(`report.basis.${creditBasedScopeOf(ctx.rules.body)}`) }),
  t('report.footer.noteResults', { days: ctx.rules.body.deadlines.publicationWorkingDays }),
];

const periodRange = (ctx: ReportContext): [string, string] =>
  ctx.period.kind === 'quarter' ? [ctx.period.quarter.start, ctx.period.quarter.end] : [`${ctx.period.year}-01-01`, `${ctx.period.year}-12-31`];

/** the rows above the header: title, 表号, 制表机关, then 填报单位 / 统计期间 / 计量单位 */
const HEAD_TOP = 5;
const FONT = 10;
const DATA_ROW_HEIGHT = 32;
const TOTAL_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF2F2F2' } };

/**
 * Build the official workbook: the table, then the 校验信息 sheet (write it with workbookBytes).
 * Into `into` when given (a test builds it with exceljs too).
 */
export function reportWorkbook(ctx: ReportContext, rows: StatsRow[], into?: ExcelJS.Workbook): ExcelJS.Workbook {
  const cols = reportColumns().filter((c) => !c.csvOnly);
  const n = cols.length;
  const wb = into ?? newWorkbookToWrite(new Date(Date.parse(ctx.generatedAt)));
  const ws = wb.addWorksheet(t('report.sheet.table', { period: periodId(ctx.period) }));
  const widths = cols.map((col) => columnWidth(col, rows));
  widths.forEach((w, k) => (ws.getColumn(k + 1).width = w));
  // one A3 page wide; a table wider than one page holds readably (English labels) prints over
  // two, the region column repeated, and the title block stays on the first (a title never splits)
  const total = widths.reduce((a, b) => a + b, 0);
  const pagesWide = Math.ceil(total / READABLE_WIDTH.A3);
  let span = n;
  if (pagesWide > 1) for (let acc = 0, k = 0; k < n; k++) if ((acc += widths[k]!) > (0.85 * total) / pagesWide) { span = k; break; }

  // over two pages the region column repeats on the second: the lines of text start right of it
  const c0 = pagesWide > 1 ? 2 : 1;
  writeLine(ws, 1, reportTitle(ctx), c0, span, { align: 'center', size: pagesWide > 1 ? 16 : 18, bold: true, font: TITLE_FONT });
  const right = Math.max(2, span - Math.ceil(span / 5));
  writeLine(ws, 2, t('report.formNo'), right, span, { align: 'left' });
  writeLine(ws, 3, t('report.issuedBy', { unit: unitName(ctx) }), right, span, { align: 'left' });
  const [from, to] = periodRange(ctx);
  const third = Math.floor(span / 3);
  writeLine(ws, 4, t('report.fillingUnit', { unit: unitName(ctx) }), c0, third);
  writeLine(ws, 4, t('report.period', { period: periodLabel(ctx), from, to }), third + 1, right - 1, { align: 'center' });
  writeLine(ws, 4, t('report.units'), right, span);
  fitHeights(ws, 1, 4, 11);

  writeHeader(ws, cols, HEAD_TOP);
  const first = HEAD_TOP + HEAD_LEVELS;
  rows.forEach((row, i) => writeDataRow(ws, first + i, cols, row));
  let r = first + rows.length - 1;
  fitHeights(ws, first, r, FONT);
  // rows of a form to read and sign, not a strip across the top of the page
  for (let k = first; k <= r; k++) ws.getRow(k).height = Math.max(ws.getRow(k).height ?? 0, DATA_ROW_HEIGHT);

  r += 2;
  writeClosing(ws, r, c0, span);
  for (const line of [...noteLines(ctx), t('report.footer.voided', { n: ctx.voidedDraws }), t('report.checkSheetNote')]) {
    writeLine(ws, ++r, line, c0, span, { size: 9, color: 'FF444444' });
    fitHeights(ws, r, r, 9);
  }
  ws.views = [{ state: 'frozen', xSplit: 1, ySplit: first - 1, topLeftCell: `B${first}`, activeCell: `B${first}` }];
  printSetup(ws, {
    paper: 'A3', titleRows: [HEAD_TOP, first - 1], titleCols: 'A:A', lastRow: r, lastCol: n, footer: t('report.pageFooter'), pagesWide,
  });
  checkSheet(wb, ctx);
  return wb;
}

/** A column is as wide as its widest value, or as its label wrapped onto two or three lines. */
function columnWidth(col: ReportColumn, rows: StatsRow[]): number {
  const label = col.head[col.head.length - 1]!;
  // labels wrap: a figure label on two lines, a long one on three; never inside a word (English; bold type is wider)
  const longestWord = Math.max(...label.split(/[\s-]+/).map((word) => (/^[\x20-\x7e]+$/.test(word) ? Math.ceil(word.length * 1.1) - 1 : 0)));
  let w = Math.max(4, longestWord, Math.ceil(displayWidth(label) / (displayWidth(label) > 12 ? 2.5 : 2)) + 1);
  if (col.key === 'name') w = 12; // 衡水高新技术产业开发区 on two lines
  for (const row of rows) w = Math.max(w, Math.min(col.key === 'name' ? 12 : 40, displayWidth(cellText(col, row)) + (col.format === 'yuan' ? 2 : 0)));
  return w + 2;
}

/**
 * The three header levels: a label spans the columns that share it and the path above it,
 * and, when it is the last of its column's path, the levels below it.
 */
function writeHeader(ws: ExcelJS.Worksheet, cols: ReportColumn[], top: number): void {
  for (let level = 0; level < HEAD_LEVELS; level++) {
    for (let i = 0; i < cols.length;) {
      const path = cols[i]!.head;
      if (path.length <= level) {
        i++;
        continue;
      }
      const prefix = path.slice(0, level + 1).join('\u0000');
      let j = i;
      while (j + 1 < cols.length && cols[j + 1]!.head.length > level && cols[j + 1]!.head.slice(0, level + 1).join('\u0000') === prefix) j++;
      const bottom = path.length - 1 === level ? top + HEAD_LEVELS - 1 : top + level;
      const cell = ws.getCell(top + level, i + 1);
      cell.value = path[level]!;
      if (j > i || bottom > top + level) ws.mergeCells(top + level, i + 1, bottom, j + 1);
      for (let rr = top + level; rr <= bottom; rr++) for (let c = i; c <= j; c++) styleHead(ws.getCell(rr, c + 1), FONT);
      i = j + 1;
    }
  }
  // the figure row holds two-line labels
  for (let level = 0; level < HEAD_LEVELS; level++) ws.getRow(top + level).height = level === HEAD_LEVELS - 1 ? 34 : 24;
}

function writeDataRow(ws: ExcelJS.Worksheet, r: number, cols: ReportColumn[], row: StatsRow): void {
  const xr = ws.getRow(r);
  const total = row.kind === 'total';
  cols.forEach((col, k) => {
    const cell = xr.getCell(k + 1);
    const v = col.value(row);
    cell.font = fontOf(BODY_FONT, FONT, total);
    cell.border = BORDER;
    cell.alignment = alignmentOf(col.format === 'text' ? 'left' : col.format === 'yesno' ? 'center' : 'right', col.format === 'text');
    switch (col.format) {
      case 'int':
        cell.value = v as number;
        cell.numFmt = '0';
        break;
      case 'pct': {
        // the number shown is the text's, so xlsx, csv and terminal agree to the last digit
        const text = cellText(col, row);
        cell.value = text.endsWith('%') ? Number(`${text.slice(0, -1)}e-2`) : text;
        cell.numFmt = '0.0%';
        break;
      }
      case 'yuan':
        cell.value = (v as number) / 100;
        cell.numFmt = '#,##0.00';
        break;
      case 'yesno':
        cell.value = cellText(col, row);
        if (!v) cell.font = fontOf(BODY_FONT, FONT, total, 'FFC00000');
        break;
      default:
        cell.value = formulaSafe(String(v ?? ''));
    }
    if (total) cell.fill = TOTAL_FILL;
  });
}

/** 单位负责人：　统计负责人：　填表人：　报出日期：, spread over the width of the table. */
function writeClosing(ws: ExcelJS.Worksheet, r: number, from: number, to: number): void {
  const parts = ['report.close.head', 'report.close.statistics', 'report.close.preparer', 'report.close.date'].map((k) => t(k));
  const span = Math.floor((to - from + 1) / parts.length);
  parts.forEach((p, k) => writeLine(ws, r, p, from + k * span, k === parts.length - 1 ? to : from + (k + 1) * span - 1, { size: 11 }));
  ws.getRow(r).height = 24;
}

/** 校验信息: what an auditor checks the table against (sj verify recomputes them). */
function checkSheet(wb: ExcelJS.Workbook, ctx: ReportContext): void {
  const line = (key: string, value: string | number) => [t(`report.check.${key}`), String(value)];
  addTableSheet(wb, {
    name: t('report.sheet.check'),
    title: t('report.check.title', { title: reportTitle(ctx) }),
    headers: [t('report.check.item'), t('report.check.value')],
    rows: [
      line('period', `${periodLabel(ctx)}（${ctx.quarters.map((q) => q.id).join('、') || periodId(ctx.period)}）`),
      line('generated', ctx.generatedAt),
      line('rulesVersion', ctx.rules.id),
      line('rulesHash', ctx.rules.hash),
      line('ledgerSeq', ctx.ledgerHead.seq),
      line('ledgerHash', ctx.ledgerHead.hash),
      line('voided', ctx.voidedDraws),
      line('verify', 'sj verify'),
    ],
    maxWidths: [24, 72],
    pageFooter: t('report.pageFooter'),
  });
}

export async function writeReportXlsx(path: string, ctx: ReportContext, rows: StatsRow[]): Promise<void> {
  writeFileAtomic(path, await workbookBytes(reportWorkbook(ctx, rows)));
}

const csvField = (s: string): string => {
  const v = formulaSafe(s);
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
};

/** CSV with a UTF-8 BOM (Excel opens it as UTF-8), CRLF line ends, footer lines after a blank line. */
export function reportCsv(ctx: ReportContext, rows: StatsRow[], opts: { footer?: boolean } = {}): string {
  const cols = reportColumns();
  const lines = [cols.map((c) => csvField(c.csv)).join(',')];
  for (const r of rows) lines.push(cols.map((c) => csvField(cellText(c, r))).join(','));
  if (opts.footer ?? true) {
    lines.push('');
    for (const f of footerLines(ctx)) lines.push(csvField(f));
  }
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}

/** The compact text table for the terminal. */
export function reportText(ctx: ReportContext, rows: StatsRow[]): string {
  const yes = t('report.yes');
  const no = t('report.no');
  const headers = [
    t('report.text.region'), t('report.text.objects'), t('report.text.inspectors'), t('report.text.required'), t('report.text.drawn'), t('report.text.credited'),
    `${t('report.text.met')}(${CLASSES.map((c) => t(`report.classShort.${c}`)).join('/')})`,
    t('report.text.methods'), t('report.text.joint'), t('report.text.dept'), t('report.text.credit'),
    t('report.text.problems'), t('report.text.published'),
  ];
  const body = rows.map((r) => [
    r.kind === 'total' ? t('report.total') : r.name,
    r.objects.total,
    r.inspectors,
    r.required.total,
    r.drawn.total,
    r.credited.total,
    CLASSES.map((c) => (r.met[c] ? yes : no)).join('/'),
    `${r.onsite}/${r.offsite}`,
    `${r.jointInternal} (${bpText(r.jointInternalShare)})`,
    r.jointDepartment,
    `${r.creditBased} (${bpText(r.creditBasedShare)})`,
    `${r.problems}/${r.cases}/${r.fineYuan}`,
    `${r.published}/${r.publishable}/${r.overdue}/${r.publishedLate}`,
  ]);
  const lines = [reportTitle(ctx), '', textTable(headers, body).trimEnd(), ''];
  for (const f of footerLines(ctx).slice(0, 4)) lines.push(f);
  return lines.join('\n') + '\n';
}
