/**
 * Writing the statistics table: the official .xlsx (title, two-level merged headers, frozen
 * header, number formats, bold totals, footer), the .csv (UTF-8 BOM, one combined header row,
 * formula-safe) and the compact text table for the terminal.
 */
import type ExcelJS from 'exceljs';
import { loadExcel } from './xlsx.js';
import { bpText, type StatsRow } from '../core/stats.js';
import { CLASSES } from '../core/types.js';
import { getLang, t } from '../messages/index.js';
import { textTable } from '../ui/table.js';
import { displayWidth, formulaSafe } from './xlsx.js';
import { periodId, type ReportContext } from './report-data.js';

export type ColFormat = 'text' | 'int' | 'pct' | 'yuan' | 'yesno';

export interface ReportColumn {
  key: string;
  /** group header (message key), or null for a column spanning both header rows */
  group: string | null;
  /** column header (already translated) */
  sub: string;
  /** header of the csv (group and sub combined) */
  csv: string;
  format: ColFormat;
  /** raw value: numbers (basis points for pct, fen for yuan), booleans for yesno */
  value: (r: StatsRow) => string | number | boolean | null;
}

export function reportColumns(): ReportColumn[] {
  const cols: ReportColumn[] = [];
  const add = (key: string, group: string | null, sub: string, format: ColFormat, value: ReportColumn['value'], csv?: string) =>
    cols.push({ key, group, sub, format, value, csv: csv ?? (group ? `${t(group)}-${sub}` : sub) });
  add('region', null, t('report.col.code'), 'text', (r) => (r.kind === 'total' ? '' : r.region));
  add('name', null, t('report.col.name'), 'text', (r) => (r.kind === 'total' ? t('report.total') : r.name));
  for (const c of CLASSES) add(`objects.${c}`, 'report.group.objects', t(`report.class.${c}`), 'int', (r) => r.objects[c]);
  add('objects.total', 'report.group.objects', t('report.col.objectsTotal'), 'int', (r) => r.objects.total);
  add('inspectors', 'report.group.inspectors', t('report.col.inspectors'), 'int', (r) => r.inspectors);
  for (const c of CLASSES) {
    const cls = t(`report.classShort.${c}`);
    const req = t('report.col.required', { cls });
    const drawn = t('report.col.drawn', { cls });
    const met = t('report.col.met', { cls });
    add(`required.${c}`, 'report.group.draws', req, 'int', (r) => r.required[c], req);
    add(`drawn.${c}`, 'report.group.draws', drawn, 'int', (r) => r.drawn[c], drawn);
    add(`met.${c}`, 'report.group.draws', met, 'yesno', (r) => r.met[c], met);
  }
  add('onsite', 'report.group.method', t('report.col.onsite'), 'int', (r) => r.onsite);
  add('offsite', 'report.group.method', t('report.col.offsite'), 'int', (r) => r.offsite);
  add('jointInternal', 'report.group.joint', t('report.col.jointInternal'), 'int', (r) => r.jointInternal);
  add('jointInternalShare', 'report.group.joint', t('report.col.jointInternalShare'), 'pct', (r) => r.jointInternalShare);
  add('jointDepartment', 'report.group.joint', t('report.col.jointDepartment'), 'int', (r) => r.jointDepartment);
  add('creditBased', 'report.group.credit', t('report.col.creditBased'), 'int', (r) => r.creditBased);
  add('creditBasedShare', 'report.group.credit', t('report.col.creditBasedShare'), 'pct', (r) => r.creditBasedShare);
  add('inspected', 'report.group.results', t('report.col.inspected'), 'int', (r) => r.inspected);
  add('problems', 'report.group.results', t('report.col.problems'), 'int', (r) => r.problems);
  add('rectifyOrdered', 'report.group.results', t('report.col.rectifyOrdered'), 'int', (r) => r.rectifyOrdered);
  add('rectified', 'report.group.results', t('report.col.rectified'), 'int', (r) => r.rectified);
  add('cases', 'report.group.results', t('report.col.cases'), 'int', (r) => r.cases);
  add('fine', 'report.group.results', t('report.col.fine'), 'yuan', (r) => r.fineFen);
  add('referrals', 'report.group.results', t('report.col.referrals'), 'int', (r) => r.referrals);
  add('criminalReferrals', 'report.group.results', t('report.col.criminalReferrals'), 'int', (r) => r.criminalReferrals);
  add('published', 'report.group.publication', t('report.col.published'), 'int', (r) => r.published);
  add('publishable', 'report.group.publication', t('report.col.publishable'), 'int', (r) => r.publishable);
  add('overdue', 'report.group.publication', t('report.col.overdue'), 'int', (r) => r.overdue);
  return cols;
}

/** A value as text (csv, terminal): shares "33.33%", fines "12345.00", 是/否. */
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
  return ctx.period.kind === 'quarter'
    ? t('report.periodQuarter', { year: ctx.period.quarter.year, q: getLang() === 'zh' ? '一二三四'[ctx.period.quarter.q - 1]! : ctx.period.quarter.q })
    : t('report.periodYear', { year: ctx.period.year });
}

export function reportTitle(ctx: ReportContext): string {
  return t('report.title', { unit: unitName(ctx), period: periodLabel(ctx) });
}

const unitName = (ctx: ReportContext) => t('report.unit', { city: ctx.regions.find((r) => r.level === 'city')?.name ?? '' });

export function footerLines(ctx: ReportContext): string[] {
  return [
    t('report.footer.generated', { at: ctx.generatedAt }),
    t('report.footer.rules', { id: ctx.rules.id, hash: ctx.rules.hash }),
    t('report.footer.ledger', { seq: ctx.ledgerHead.seq, hash: ctx.ledgerHead.hash }),
    t('report.footer.voided', { n: ctx.voidedDraws }),
    t('report.footer.noteObjects'),
    t('report.footer.noteRequired'),
    t('report.footer.noteResults', { days: ctx.rules.body.deadlines.publicationWorkingDays }),
  ];
}

const periodRange = (ctx: ReportContext): [string, string] =>
  ctx.period.kind === 'quarter' ? [ctx.period.quarter.start, ctx.period.quarter.end] : [`${ctx.period.year}-01-01`, `${ctx.period.year}-12-31`];

/** Build the official workbook. */
export async function reportWorkbook(ctx: ReportContext, rows: StatsRow[]): Promise<ExcelJS.Workbook> {
  const Excel = await loadExcel();
  const cols = reportColumns();
  const n = cols.length;
  const wb = new Excel.Workbook();
  wb.creator = 'sj';
  const at = new Date(Date.parse(ctx.generatedAt));
  if (!Number.isNaN(at.getTime())) {
    wb.created = at;
    wb.modified = at;
  }
  const ws = wb.addWorksheet(periodId(ctx.period), {
    pageSetup: { orientation: 'landscape', paperSize: 9, fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  const thin = { style: 'thin' as const };
  const border = { top: thin, left: thin, bottom: thin, right: thin };

  // 1: title, 2: subtitle
  ws.getCell(1, 1).value = reportTitle(ctx);
  ws.getCell(1, 1).font = { bold: true, size: 16 };
  ws.getCell(1, 1).alignment = { horizontal: 'center', vertical: 'middle' };
  ws.mergeCells(1, 1, 1, n);
  ws.getRow(1).height = 30;
  const [from, to] = periodRange(ctx);
  ws.getCell(2, 1).value = t('report.subtitle', { from, to, unit: unitName(ctx) });
  ws.getCell(2, 1).alignment = { horizontal: 'left' };
  ws.mergeCells(2, 1, 2, n);

  // 3–4: group row and column row
  const G = 3;
  const S = 4;
  const headStyle = (c: ExcelJS.Cell) => {
    c.font = { bold: true };
    c.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
    c.border = border;
  };
  let i = 0;
  while (i < n) {
    const col = cols[i]!;
    if (!col.group) {
      ws.getCell(G, i + 1).value = col.sub;
      ws.mergeCells(G, i + 1, S, i + 1);
      headStyle(ws.getCell(G, i + 1));
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < n && cols[j + 1]!.group === col.group) j++;
    ws.getCell(G, i + 1).value = t(col.group);
    if (j > i) ws.mergeCells(G, i + 1, G, j + 1);
    headStyle(ws.getCell(G, i + 1));
    for (let k = i; k <= j; k++) {
      ws.getCell(S, k + 1).value = cols[k]!.sub;
      headStyle(ws.getCell(S, k + 1));
      if (k > i) headStyle(ws.getCell(G, k + 1));
    }
    i = j + 1;
  }
  ws.getRow(S).height = 32;
  ws.views = [{ state: 'frozen', xSplit: 2, ySplit: S, topLeftCell: 'C5', activeCell: 'C5' }];

  // data
  let r = S;
  for (const row of rows) {
    r++;
    const xr = ws.getRow(r);
    cols.forEach((col, k) => {
      const cell = xr.getCell(k + 1);
      const v = col.value(row);
      switch (col.format) {
        case 'int':
          cell.value = v as number;
          cell.numFmt = '0';
          break;
        case 'pct':
          cell.value = v === null ? '—' : (v as number) / 10000;
          cell.numFmt = '0.0%';
          cell.alignment = { horizontal: 'right' };
          break;
        case 'yuan':
          cell.value = (v as number) / 100;
          cell.numFmt = '#,##0.00';
          break;
        case 'yesno':
          cell.value = v ? t('report.yes') : t('report.no');
          cell.alignment = { horizontal: 'center' };
          if (!v) cell.font = { color: { argb: 'FFC00000' } };
          break;
        default:
          cell.value = formulaSafe(String(v ?? ''));
      }
      cell.border = border;
      if (row.kind === 'total') cell.font = { ...(cell.font ?? {}), bold: true };
    });
    if (row.kind === 'total') {
      xr.eachCell({ includeEmpty: true }, (c) => (c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF2F2F2' } }));
    }
  }

  // footer
  r++;
  for (const line of footerLines(ctx)) {
    r++;
    const c = ws.getCell(r, 1);
    c.value = formulaSafe(line);
    c.font = { size: 9, color: { argb: 'FF555555' } };
    c.alignment = { horizontal: 'left', vertical: 'top', wrapText: false };
  }

  // widths: CJK counts double; headers wrap, so a column is as wide as its widest value or ~half its header
  cols.forEach((col, k) => {
    let w = Math.max(col.group ? Math.ceil(displayWidth(col.sub) / 2) + 1 : displayWidth(col.sub), 6);
    for (const row of rows) w = Math.max(w, displayWidth(cellText(col, row)) + (col.format === 'yuan' ? 3 : 0));
    ws.getColumn(k + 1).width = Math.min(40, w + 2);
  });
  return wb;
}

export async function writeReportXlsx(path: string, ctx: ReportContext, rows: StatsRow[]): Promise<void> {
  await (await reportWorkbook(ctx, rows)).xlsx.writeFile(path);
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
    t('report.col.name'), t('report.text.objects'), t('report.group.inspectors'), t('report.text.required'), t('report.text.drawn'),
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
    CLASSES.map((c) => (r.met[c] ? yes : no)).join('/'),
    `${r.onsite}/${r.offsite}`,
    `${r.jointInternal} (${bpText(r.jointInternalShare)})`,
    r.jointDepartment,
    `${r.creditBased} (${bpText(r.creditBasedShare)})`,
    `${r.problems}/${r.cases}/${r.fineYuan}`,
    `${r.published}/${r.publishable}/${r.overdue}`,
  ]);
  const lines = [reportTitle(ctx), '', textTable(headers, body).trimEnd(), ''];
  for (const f of footerLines(ctx).slice(0, 4)) lines.push(f);
  return lines.join('\n') + '\n';
}
