/** sj report --quarter Q | --year Y [--format xlsx|csv|json|text] [--out FILE] */
import { extname } from 'node:path';
import { Option, type Command } from 'commander';
import type { FairnessReport } from '../core/fairness.js';
import type { StatsRow } from '../core/stats.js';
import { UsageError } from '../errors.js';
import { t } from '../messages/index.js';
import { writeFileAtomic } from '../io/atomic-file.js';
import type { DB } from '../io/db.js';
import { Regions } from '../io/regions.js';
import { gatherReport, reportJson, reportRows, type ReportContext } from '../io/report-data.js';
import { examples, type App } from './app.js';
import { requirePeriod } from './period.js';

export type ReportFormat = 'xlsx' | 'csv' | 'json' | 'text';

export function pickFormat(format: string | undefined, out: string | undefined): ReportFormat {
  if (format) {
    if (format === 'xlsx' && !out) throw new UsageError(t('report.xlsxNeedsOut'));
    return format as ReportFormat;
  }
  if (!out) return 'text';
  const ext = extname(out).toLowerCase();
  if (ext === '.xlsx') return 'xlsx';
  if (ext === '.csv') return 'csv';
  if (ext === '.json') return 'json';
  if (ext === '.txt') return 'text';
  throw new UsageError(t('report.badFormat', { file: out }), t('report.badFormatHint'));
}

/** The annual fairness section and the view of it a format needs, loaded for a year's report only (a quarter's report has none). */
interface AnnualFairness {
  report: FairnessReport;
  name: (code: string) => string;
}

/**
 * The year's fairness section (issue 18 §5: the chances, tier ratios and never-inspected counts;
 * the list of enterprises and the inspectors' load are `sj fairness --year Y`'s), from the facts
 * stored at draw time: the same figures as `sj fairness` computes from the evidence.
 */
async function annualFairness(db: DB, year: number): Promise<AnnualFairness> {
  const [{ fairnessReport, quartersOfYear }, { drawsFromFacts }] = await Promise.all([import('../core/fairness.js'), import('../io/draw-members.js')]);
  const regions = Regions.load(db);
  const draws = drawsFromFacts(db, quartersOfYear(year));
  return { report: fairnessReport({ period: { kind: 'year', year }, draws, summary: true }), name: (c) => regions.name(c) };
}

/**
 * The report in one format, with the annual fairness section when there is one; an xlsx's chart
 * is written beside `out`. Each format loads only its own writers (JSON none: a script's report
 * does not load the workbook's).
 */
async function renderReport(format: ReportFormat, ctx: ReportContext, rows: StatsRow[], fair: AnnualFairness | undefined, out: string | undefined): Promise<string | Buffer> {
  if (format === 'json') {
    const views = fair && (await import('./fairness-views.js'));
    // its line's end is added where it is written (stdout or file): the document is not copied for it
    return JSON.stringify({ ...reportJson(ctx, rows), ...(fair ? { fairness: views!.fairnessJson(fair.report, fair.name) } : {}) }, null, 2);
  }
  const table = await import('../io/report-xlsx.js');
  if (format === 'xlsx') {
    const [{ workbookBytes }, sheets] = await Promise.all([import('../io/xlsx.js'), fair && import('../io/fairness-xlsx.js')]);
    const wb = table.reportWorkbook(ctx, rows);
    if (fair) {
      const { svg } = sheets!.addFairnessSheets(wb, fair.report, fair.name);
      if (out) writeFileAtomic(sheets!.fairnessChartPath(out), svg);
    }
    return workbookBytes(wb);
  }
  if (format === 'csv') return table.reportCsv(ctx, rows);
  const views = fair && (await import('./fairness-views.js'));
  return table.reportText(ctx, rows) + (fair ? `\n${views!.fairnessText(fair.report, fair.name)}` : '');
}

export interface ReportOpts {
  quarter?: string;
  year?: string;
  format?: string;
  out?: string;
  json?: boolean;
}

/** `sj report`: the statistics table of a quarter or a year, on stdout or to a file (written whole or not at all). */
export async function report(app: App, opts: ReportOpts): Promise<void> {
  const period = requirePeriod(opts);
  const format = pickFormat(opts.json ? 'json' : opts.format, opts.out);
  const db = app.openDb({ create: false });
  const ctx = gatherReport(db, period);
  const rows = reportRows(ctx);
  // the annual table carries the fairness figures: tier ratios, never inspected (issue 18)
  const fair = period.kind === 'year' ? await annualFairness(db, period.year) : undefined;
  const data = await renderReport(format, ctx, rows, fair, opts.out);
  if (opts.out) {
    writeFileAtomic(opts.out, format === 'json' ? `${data as string}\n` : data);
    app.out.ok(t('report.written', { file: opts.out, rows: rows.length }));
  } else {
    app.out.data(typeof data === 'string' ? data : data.toString());
  }
}

export function register(program: Command, app: App): void {
  const cmd = program
    .command('report')
    .description(t('report.description'))
    .option('-q, --quarter <quarter>', t('report.opt.quarter'))
    .option('-y, --year <year>', t('report.opt.year'))
    .addOption(new Option('--format <format>', t('report.opt.format')).choices(['xlsx', 'csv', 'json', 'text']))
    .option('-o, --out <file>', t('report.opt.out'))
    .option('--json', t('report.opt.json'))
    .action((opts: ReportOpts) => report(app, opts));
  examples(cmd, [
    'sj report --quarter 2023Q2',
    'sj report --quarter 2023Q2 --out 2023Q2统计表.xlsx',
    'sj report --year 2023 --format csv --out 2023年度统计表.csv',
    'sj report --quarter 2023Q2 --format json | jq ".rows[] | {name, overdue}"',
  ]);
}
