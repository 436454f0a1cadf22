/**
 * `sj results`: template (the form the counties fill in), import (one batch, one ledger entry),
 * list (current results of a quarter), open (problems not yet rectified, oldest first).
 */
import type { Command } from 'commander';
import { formatFen } from '../core/results.js';
import { valueName } from '../messages/names.js';
import { UsageError } from '../errors.js';
import { t } from '../messages/index.js';
import { today } from '../io/clock.js';
import { loadCalendar } from '../io/calendar-store.js';
import { toCsv } from '../io/csv.js';
import { effectiveTasks } from '../io/draw-store.js';
import { objectNames } from '../io/object-names.js';
import { Regions } from '../io/regions.js';
import { importResults, listResults, openResults, type ResultView } from '../io/results-store.js';
import { templateTitle, writeResultsTemplate } from '../io/results-template.js';
import { textTable } from '../ui/table.js';
import { collect, examples, type App } from './app.js';
import { requireQuarter } from './period.js';


/** A result for JSON output (without the embedded task). */
export function resultJson(r: ResultView, names: Map<string, string>, regions: Regions) {
  const { task: _t, ...rest } = r;
  return { ...rest, objectName: names.get(r.objectId) ?? '', regionName: regions.name(r.objectRegion), fine: formatFen(r.fineFen) };
}

/** --quarter and/or --draw: the results (or tasks) of a quarter, of one draw, or of one draw of a quarter. */
export interface ScopeOpts {
  quarter?: string;
  draw?: string;
}

function resultScope(o: ScopeOpts): { quarter?: string; drawId?: string } {
  if (!o.quarter && !o.draw) throw new UsageError(t('results.template.needScope'));
  return { quarter: o.quarter ? requireQuarter(o.quarter).id : undefined, drawId: o.draw };
}

export interface TemplateOpts extends ScopeOpts {
  out: string;
  json?: boolean;
}

/** `sj results template`: the results form of the scope's tasks (exit 1 when there is none). */
export async function resultsTemplate(app: App, o: TemplateOpts): Promise<void> {
  const scope = resultScope(o);
  const db = app.openDb();
  const tasks = effectiveTasks(db, scope);
  if (!tasks.length) {
    app.out.warn(t('results.template.none'));
    app.exitCode = 1;
    return;
  }
  await writeResultsTemplate(db, o.out, tasks, templateTitle(db, scope.quarter, o.draw));
  if (o.json) app.out.data(JSON.stringify({ file: o.out, tasks: tasks.length }, null, 2));
  else app.out.ok(t('results.template.written', { file: o.out, n: tasks.length }));
}

export interface ImportOpts {
  file: string;
  sheet?: string;
  dryRun?: boolean;
  json?: boolean;
}

/** `sj results import FILE`: one batch (or, with --dry-run, what it would be). */
export async function resultsImport(app: App, o: ImportOpts): Promise<void> {
  const db = app.openDb();
  const s = await importResults(db, o.file, { sheet: o.sheet, dryRun: o.dryRun, today: today() });
  if (o.json) {
    app.out.data(JSON.stringify(s, null, 2));
    return;
  }
  const p = { file: s.file, batch: s.batch ?? '-', added: s.added, updated: s.updated, unchanged: s.unchanged, skipped: s.skipped };
  if (s.dryRun) app.out.warn(t('results.dryRun', p));
  else if (s.batch === null) app.out.info(t('results.nothingChanged', p));
  else app.out.ok(t('results.imported', p));
  if (s.credit) app.out.info(t('results.creditAdded', { n: s.credit }));
  if (s.published) app.out.info(t('results.publishedStamped', { n: s.published }));
  if (s.ledger) app.out.info(t('results.ledger', { seq: s.ledger.seq, hash: s.ledger.hash }));
}

export interface ListOpts extends ScopeOpts {
  json?: boolean;
  csv?: boolean;
}

/** The columns of the results form (the CSV's headers, Chinese whatever --lang). */
const FORM_HEADERS = ['任务编号', '检查对象', '统一社会信用代码', '区县', '检查日期', '检查方式', '检查结果', '罚款金额(元)', '是否整改完成', '是否涉密', '公示日期', '备注'];
const LIST_COLUMNS = ['task', 'object', 'objectId', 'region', 'date', 'method', 'outcome', 'fine', 'rectified', 'confidential', 'published', 'note'];

/** One result as the form's cells; `method` and `yesNo` name the values in the output's language. */
function formCells(r: ResultView, names: Map<string, string>, regions: Regions, method: (m: string) => string, yesNo: (b: boolean) => string): string[] {
  return [
    r.taskNo, names.get(r.objectId) ?? '', r.objectId, regions.name(r.objectRegion), r.date, method(r.method),
    r.outcome, formatFen(r.fineFen), yesNo(r.rectified), yesNo(r.confidential), r.published ?? '', r.note,
  ];
}

/** `sj results list`: the current results of the scope, as a table, CSV (the form's columns) or JSON. */
export function resultsList(app: App, o: ListOpts): void {
  const scope = resultScope(o);
  const db = app.openDb();
  const rows = listResults(db, scope);
  const regions = Regions.load(db);
  const names = objectNames(db);
  if (o.json) {
    app.out.data(JSON.stringify({ results: rows.map((r) => resultJson(r, names, regions)) }, null, 2));
    return;
  }
  if (o.csv) {
    const zh = (b: boolean) => (b ? '是' : '否');
    // with a BOM, as every CSV sj writes: Excel on a Chinese Windows reads it as UTF-8
    app.out.data(toCsv(FORM_HEADERS, rows.map((r) => formCells(r, names, regions, (m) => valueName('method', m, 'zh'), zh)), { bom: true }).replace(/\r\n$/, ''));
    return;
  }
  if (!rows.length) return app.out.info(t('results.none'));
  // the table on the terminal follows --lang
  const yesNo = (b: boolean) => t(b ? 'results.yes' : 'results.no');
  app.out.data(textTable(LIST_COLUMNS.map((h) => t(`results.h.${h}`)), rows.map((r) => formCells(r, names, regions, (m) => valueName('method', m), yesNo))));
  app.out.info(t('results.listCount', { n: rows.length }));
}

export interface OpenOpts {
  /** counties or the city, by name or code (repeatable); none: every region */
  region?: string[];
  json?: boolean;
}

/** --region values (names or codes) → codes, or a usage error naming the unknown one. */
function regionCodes(regions: Regions, values: string[]): string[] {
  return values.map((v) => {
    const r = regions.find(v);
    if (!r) throw new UsageError(t('region.unknown', { value: v }), t('region.unknownHint'));
    return r.code;
  });
}

/** `sj results open`: results with a problem not yet rectified, oldest first, with their age in working days. */
export function resultsOpen(app: App, o: OpenOpts): void {
  const db = app.openDb();
  const regions = Regions.load(db);
  const codes = regionCodes(regions, o.region ?? []);
  const cal = loadCalendar(db);
  const day = today();
  const rows = openResults(db, cal, day, { regions: codes });
  const gaps = cal.uncovered(...rows.map((r) => r.date), day);
  if (gaps.length) app.out.warn(t('results.calendarGap', { years: gaps.join('、') }));
  const names = objectNames(db);
  if (o.json) {
    app.out.data(JSON.stringify({ today: day, open: rows.map((r) => ({ ...resultJson(r, names, regions), age: r.age })) }, null, 2));
    return;
  }
  if (!rows.length) return app.out.info(t('results.open.none'));
  app.out.data(textTable(
    ['task', 'object', 'region', 'date', 'outcome', 'fine', 'age'].map((h) => t(`results.h.${h}`)),
    rows.map((r) => [r.taskNo, names.get(r.objectId) ?? r.objectId, regions.name(r.objectRegion), r.date, r.outcome, formatFen(r.fineFen), r.age]),
  ));
  app.out.info(t('results.open.count', { n: rows.length }));
}

export function register(program: Command, app: App): void {
  const results = program.command('results').description(t('results.cmd'));
  examples(results, [
    'sj results template --quarter 2023Q2 --out 结果录入.xlsx',
    'sj results import 结果录入.xlsx --dry-run',
    'sj results list --quarter 2023Q2',
    'sj results open --region 桃城区',
  ]);

  const tpl = results.command('template').description(t('results.cmd.template'))
    .option('-q, --quarter <Q>', t('results.opt.quarter'))
    .option('--draw <id>', t('results.opt.draw'))
    .option('--out <file.xlsx>', t('results.opt.out'), 'results.xlsx')
    .option('--json', t('results.opt.jsonSummary'))
    .action((o: TemplateOpts) => resultsTemplate(app, o));
  examples(tpl, [
    'sj results template --quarter 2023Q2 --out 2023Q2-results.xlsx',
    'sj results template --quarter 2023Q2 --draw 2023Q2-county-01 --out 桃城区-结果.xlsx',
  ]);

  const imp = results.command('import <file>').description(t('results.cmd.import'))
    .option('--sheet <name>', t('results.opt.sheet'))
    .option('--dry-run', t('results.opt.dryRun'))
    .option('--json', t('results.opt.jsonSummary'))
    .action((file: string, o: Omit<ImportOpts, 'file'>) => resultsImport(app, { ...o, file }));
  examples(imp, [
    'sj results import 2023Q2-results.xlsx --dry-run',
    'sj results import 2023Q2-results.xlsx',
    'sj results import 桃城区-结果.csv --json',
  ]);

  const list = results.command('list').description(t('results.cmd.list'))
    .option('-q, --quarter <Q>', t('results.opt.quarter'))
    .option('--draw <id>', t('results.opt.draw'))
    .option('--json', t('results.opt.json'))
    .option('--csv', t('results.opt.csv'))
    .action((o: ListOpts) => resultsList(app, o));
  examples(list, ['sj results list --quarter 2023Q2', 'sj results list --quarter 2023Q2 --csv > 2023Q2-results.csv', 'sj results list --draw 2023Q2-county-01 --json']);

  const open = results.command('open').description(t('results.cmd.open'))
    .option('--region <r>', t('results.opt.region'), collect, [])
    .option('--json', t('results.opt.json'))
    .action((o: OpenOpts) => resultsOpen(app, o));
  examples(open, ['sj results open', 'sj results open --region 桃城区', 'sj results open --region 131102 --region 冀州区 --json']);
}
