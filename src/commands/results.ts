/**
 * `sj results`: template (the form the counties fill in), import (one batch, one ledger entry),
 * list (current results of a quarter), open (problems not yet rectified, oldest first).
 */
import type { Command } from 'commander';
import { formatFen, OUTCOMES, RESULT_METHOD_ZH, type ResultMethod } from '../core/results.js';
import { UsageError } from '../errors.js';
import { t } from '../messages/index.js';
import { dateCst, now } from '../io/clock.js';
import { loadCalendar } from '../io/calendar-store.js';
import { toCsv } from '../io/csv.js';
import type { DB } from '../io/db.js';
import { effectiveTasks, type EffectiveTask } from '../io/draw-store.js';
import { Regions } from '../io/regions.js';
import { currentResults, importResults, listResults, openResults, type ResultView } from '../io/results-store.js';
import { readRoster } from '../io/roster-read.js';
import { addTableSheet, loadExcel } from '../io/xlsx.js';
import { textTable } from '../ui/table.js';
import { collect, examples, type App } from './app.js';
import { METHOD_ZH, requireQuarter } from './draw.js';

export const today = (): string => dateCst(now());

export const TEMPLATE_HEADERS = ['任务编号', '检查对象', '统一社会信用代码', '区县', '检查方式', '组长', '组员',
  '检查日期', '检查结果', '罚款金额(元)', '是否整改完成', '是否涉密', '公示日期', '备注'] as const;
const COL = Object.fromEntries(TEMPLATE_HEADERS.map((h, i) => [h, i + 1])) as Record<(typeof TEMPLATE_HEADERS)[number], number>;

const quoteList = (xs: readonly string[]): string => `"${xs.join(',')}"`;
const utcDate = (d: string): Date => new Date(`${d}T00:00:00Z`);

/** Write the results template: one row per effective task, current results pre-filled. */
export async function writeResultsTemplate(db: DB, file: string, tasks: EffectiveTask[], title: string): Promise<void> {
  const regions = Regions.load(db);
  const objects = new Map(readRoster(db, 'objects', { includeRemoved: true }).map((o) => [o.id, o.name]));
  const people = new Map<string, string>();
  for (const i of readRoster(db, 'inspectors', { includeRemoved: true })) people.set(i.id, i.name);
  const who = (id: string) => `${people.get(id) ?? ''}(${id})`;
  const current = currentResults(db);
  const Excel = await loadExcel();
  const wb = new Excel.Workbook();
  wb.creator = 'sj';
  const ws = addTableSheet(wb, {
    name: '检查结果',
    title,
    headers: [...TEMPLATE_HEADERS],
    rows: tasks.map((tk) => {
      const r = current.get(tk.taskNo);
      return [
        tk.taskNo, objects.get(tk.objectId) ?? '', tk.objectId, regions.name(tk.objectRegion),
        r ? RESULT_METHOD_ZH[r.method] : METHOD_ZH[tk.method] ?? tk.method,
        who(tk.inspectors[0] ?? ''), tk.inspectors.slice(1).map(who).join('、'),
        null, r?.outcome ?? null, r && r.fineFen > 0 ? formatFen(r.fineFen) : null,
        r ? (r.rectified ? '是' : '否') : null, r ? (r.confidential ? '是' : '否') : null, null, r?.note || null,
      ];
    }),
    widths: [24, 30, 22, 12, 12, 18, 30, 12, 14, 14, 12, 10, 12, 24],
  });
  const first = 3; // title row, header row, then data
  tasks.forEach((tk, i) => {
    const row = ws.getRow(first + i);
    const r = current.get(tk.taskNo);
    const dateCell = row.getCell(COL['检查日期']);
    if (r) dateCell.value = utcDate(r.date);
    dateCell.numFmt = 'yyyy-mm-dd';
    dateCell.dataValidation = {
      type: 'date', operator: 'greaterThanOrEqual', allowBlank: true, formulae: [utcDate(tk.drawDate)],
      showErrorMessage: true, errorTitle: '检查日期', error: `检查日期不得早于抽签日期 ${tk.drawDate}`,
    };
    const pubCell = row.getCell(COL['公示日期']);
    if (r?.publishedOn) pubCell.value = utcDate(r.publishedOn);
    pubCell.numFmt = 'yyyy-mm-dd';
    pubCell.dataValidation = { type: 'date', operator: 'greaterThanOrEqual', allowBlank: true, formulae: [utcDate(tk.drawDate)] };
    const list = (col: number, values: readonly string[]) => {
      row.getCell(col).dataValidation = { type: 'list', allowBlank: true, formulae: [quoteList(values)], showErrorMessage: true };
    };
    list(COL['检查结果'], OUTCOMES);
    list(COL['检查方式'], ['现场检查', '非现场检查']);
    list(COL['是否整改完成'], ['是', '否']);
    list(COL['是否涉密'], ['是', '否']);
    row.getCell(COL['罚款金额(元)']).numFmt = '@';
    row.getCell(COL['统一社会信用代码']).numFmt = '@';
  });
  const help = wb.addWorksheet('填写说明');
  const lines = [
    '填写说明',
    '1. 每行是一项抽查任务，请勿修改「任务编号」「统一社会信用代码」。',
    '2. 尚未检查的任务：「检查日期」「检查结果」留空，导入时跳过。',
    `3. 检查结果只能填：${OUTCOMES.join('、')}（无法检查可注明原因，如 无法检查(停产)）。`,
    '4. 检查方式：现场检查 / 非现场检查；留空则按抽签确定的方式。',
    '5. 罚款金额单位为元，最多两位小数，如 12345 或 1,234.50；未罚款留空。',
    '6. 发现问题的任务在「是否整改完成」填 是 之前一直列为待整改。',
    '7. 涉及国家秘密、国家安全、公共安全的结果在「是否涉密」填 是，不予公示。',
    '8. 已在其他渠道公示的，在「公示日期」填写公示日期。',
    '9. 导入：sj results import 本文件；改正后可重新导入，历史版本保留。',
  ];
  lines.forEach((l, i) => (help.getCell(i + 1, 1).value = l));
  help.getCell(1, 1).font = { bold: true, size: 14 };
  help.getColumn(1).width = 90;
  await wb.xlsx.writeFile(file);
}

/** A result for JSON output (without the embedded task). */
export function resultJson(r: ResultView, names: Map<string, string>, regions: Regions) {
  const { task: _t, ...rest } = r;
  return { ...rest, objectName: names.get(r.objectId) ?? '', regionName: regions.name(r.objectRegion), fine: formatFen(r.fineFen) };
}

const yn = (b: boolean) => (b ? '是' : '否');

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
    .action(async (o: { quarter?: string; draw?: string; out: string; json?: boolean }) => {
      if (!o.quarter && !o.draw) throw new UsageError(t('results.template.needScope'));
      const q = o.quarter ? requireQuarter(o.quarter) : undefined;
      const db = app.openDb();
      const tasks = effectiveTasks(db, { quarter: q?.id, drawId: o.draw });
      if (!tasks.length) {
        app.out.warn(t('results.template.none'));
        app.exitCode = 1;
        return;
      }
      const regions = Regions.load(db);
      const scope = o.draw ?? (q ? `${q.year}年第${q.q}季度` : '');
      await writeResultsTemplate(db, o.out, tasks, `${regions.city.name}生态环境局“双随机”抽查检查结果登记表（${scope}）`);
      if (o.json) app.out.data(JSON.stringify({ file: o.out, tasks: tasks.length }, null, 2));
      else app.out.ok(t('results.template.written', { file: o.out, n: tasks.length }));
    });
  examples(tpl, [
    'sj results template --quarter 2023Q2 --out 2023Q2-results.xlsx',
    'sj results template --quarter 2023Q2 --draw 2023Q2-county-01 --out 桃城区-结果.xlsx',
  ]);

  const imp = results.command('import <file>').description(t('results.cmd.import'))
    .option('--sheet <name>', t('results.opt.sheet'))
    .option('--dry-run', t('results.opt.dryRun'))
    .option('--json', t('results.opt.jsonSummary'))
    .action(async (file: string, o: { sheet?: string; dryRun?: boolean; json?: boolean }) => {
      const db = app.openDb();
      const s = await importResults(db, file, { sheet: o.sheet, dryRun: o.dryRun, today: today() });
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
    });
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
    .action((o: { quarter?: string; draw?: string; json?: boolean; csv?: boolean }) => {
      if (!o.quarter && !o.draw) throw new UsageError(t('results.template.needScope'));
      const q = o.quarter ? requireQuarter(o.quarter) : undefined;
      const db = app.openDb();
      const rows = listResults(db, { quarter: q?.id, drawId: o.draw });
      const regions = Regions.load(db);
      const names = new Map(readRoster(db, 'objects', { includeRemoved: true }).map((x) => [x.id, x.name]));
      if (o.json) {
        app.out.data(JSON.stringify({ results: rows.map((r) => resultJson(r, names, regions)) }, null, 2));
        return;
      }
      // the CSV has the columns of the results form (Chinese, whatever --lang); the table on the terminal follows --lang
      const headers = ['任务编号', '检查对象', '统一社会信用代码', '区县', '检查日期', '检查方式', '检查结果', '罚款金额(元)', '是否整改完成', '是否涉密', '公示日期', '备注'];
      const cells = (r: ResultView, method: (m: string) => string, yesNo: (b: boolean) => string) => [
        r.taskNo, names.get(r.objectId) ?? '', r.objectId, regions.name(r.objectRegion), r.date, method(r.method),
        r.outcome, formatFen(r.fineFen), yesNo(r.rectified), yesNo(r.confidential), r.published ?? '', r.note,
      ];
      if (o.csv) {
        app.out.data(toCsv(headers, rows.map((r) => cells(r, (m) => RESULT_METHOD_ZH[m as ResultMethod] ?? m, yn))).replace(/\r\n$/, ''));
        return;
      }
      if (!rows.length) return app.out.info(t('results.none'));
      const method = (m: string) => (m in RESULT_METHOD_ZH ? t(`draw.method.${m}`) : m);
      const yesNo = (b: boolean) => t(b ? 'results.yes' : 'results.no');
      app.out.data(textTable(
        ['task', 'object', 'objectId', 'region', 'date', 'method', 'outcome', 'fine', 'rectified', 'confidential', 'published', 'note'].map((h) => t(`results.h.${h}`)),
        rows.map((r) => cells(r, method, yesNo)),
      ));
      app.out.info(t('results.listCount', { n: rows.length }));
    });
  examples(list, ['sj results list --quarter 2023Q2', 'sj results list --quarter 2023Q2 --csv > 2023Q2-results.csv', 'sj results list --draw 2023Q2-county-01 --json']);

  const open = results.command('open').description(t('results.cmd.open'))
    .option('--region <r>', t('results.opt.region'), collect, [])
    .option('--json', t('results.opt.json'))
    .action((o: { region: string[]; json?: boolean }) => {
      const db = app.openDb();
      const regions = Regions.load(db);
      const codes = o.region.map((v) => {
        const r = regions.find(v);
        if (!r) throw new UsageError(t('region.unknown', { value: v }), t('region.unknownHint'));
        return r.code;
      });
      const cal = loadCalendar(db);
      const day = today();
      const rows = openResults(db, cal, day, { regions: codes });
      const gaps = cal.uncovered(...rows.map((r) => r.date), day);
      if (gaps.length) app.out.warn(t('results.calendarGap', { years: gaps.join('、') }));
      const names = new Map(readRoster(db, 'objects', { includeRemoved: true }).map((x) => [x.id, x.name]));
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
    });
  examples(open, ['sj results open', 'sj results open --region 桃城区', 'sj results open --region 131102 --region 冀州区 --json']);
}

