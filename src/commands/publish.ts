/**
 * `sj publish`: the public list of a quarter's results (公示), without inspector names and
 * without confidential results; publishing stamps today's date on each result published.
 * `sj publish --overdue`: results past (or near) their publication deadline.
 */
import { writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { Command } from 'commander';
import { DUE_SOON_WORKING_DAYS, publicationDue } from '../core/deadlines.js';
import { itemsFor } from '../core/items.js';
import { disposition } from '../core/results.js';
import { valueName } from '../messages/names.js';
import { UsageError } from '../errors.js';
import { t } from '../messages/index.js';
import { loadCalendar } from '../io/calendar-store.js';
import { toCsv } from '../io/csv.js';
import type { DB } from '../io/db.js';
import { Regions } from '../io/regions.js';
import { dueResults, listResults, recordPublication } from '../io/results-store.js';
import { readRoster } from '../io/roster-read.js';
import { rulesForYear } from '../io/rules-store.js';
import { bureauName, quarterLabel } from '../io/titles.js';
import { writeWorkbook } from '../io/xlsx.js';
import { textTable } from '../ui/table.js';
import { dateOption, examples, type App } from './app.js';
import { requireQuarter } from './draw-scope.js';
import { today } from './results.js';

export const PUBLIC_HEADERS = ['抽查任务', '抽查事项', '检查对象', '统一社会信用代码', '检查日期', '检查方式', '检查结果', '处理情况'];
/** where each column of the public list wraps (Excel units) */
const PUBLIC_WIDTHS = [21, 70, 20, 20, 11, 11, 10, 16];

export interface PublicRow {
  taskNo: string;
  items: string;
  objectName: string;
  objectId: string;
  date: string;
  method: string;
  outcome: string;
  disposition: string;
  /** first publication date, if already published */
  published: string | null;
}

/** The public list of a quarter: current, non-confidential results of live draws; confidential ones counted. */
export function publicList(db: DB, quarter: string): { rows: PublicRow[]; withheld: number } {
  const objects = new Map(readRoster(db, 'objects', { includeRemoved: true }).map((o) => [o.id, o]));
  const items = readRoster(db, 'items');
  const rows: PublicRow[] = [];
  let withheld = 0;
  for (const r of listResults(db, { quarter })) {
    if (r.confidential) {
      withheld++;
      continue;
    }
    const o = objects.get(r.objectId);
    rows.push({
      taskNo: r.taskNo, items: itemsFor(items, r.task.class, o?.industry ?? '', r.task.level), objectName: o?.name ?? '', objectId: r.objectId,
      date: r.date, method: valueName('method', r.method, 'zh'), outcome: r.outcome, disposition: disposition(r), published: r.published,
    });
  }
  return { rows, withheld };
}

const cells = (r: PublicRow) => [r.taskNo, r.items, r.objectName, r.objectId, r.date, r.method, r.outcome, r.disposition];

function daysForYear(db: DB): (year: number) => number {
  const cache = new Map<number, number>();
  return (year) => {
    if (!cache.has(year)) cache.set(year, rulesForYear(db, year).rules.deadlines.publicationWorkingDays);
    return cache.get(year)!;
  };
}

interface PublishOpts {
  quarter?: string;
  out?: string;
  json?: boolean;
  dryRun?: boolean;
  overdue?: boolean;
  date?: string;
}

async function overdueAction(app: App, o: PublishOpts): Promise<void> {
  const q = o.quarter ? requireQuarter(o.quarter) : undefined;
  const db = app.openDb();
  const cal = loadCalendar(db);
  const day = today();
  const daysFor = daysForYear(db);
  const rows = dueResults(db, cal, day, daysFor, { quarter: q?.id });
  const gaps = cal.uncovered(day, ...rows.map((r) => r.date), ...rows.map((r) => r.due));
  if (gaps.length) app.out.warn(t('results.calendarGap', { years: gaps.join('、') }));
  const regions = Regions.load(db);
  const names = new Map(readRoster(db, 'objects', { includeRemoved: true }).map((x) => [x.id, x.name]));
  const overdue = rows.filter((r) => r.state === 'overdue').length;
  const dueSoon = rows.length - overdue;
  if (o.json) {
    app.out.data(JSON.stringify({
      today: day, soonWorkingDays: DUE_SOON_WORKING_DAYS, overdue, dueSoon,
      results: rows.map((r) => ({
        taskNo: r.taskNo, drawId: r.drawId, quarter: r.quarter, objectId: r.objectId, objectName: names.get(r.objectId) ?? '',
        region: r.objectRegion, regionName: regions.name(r.objectRegion), date: r.date, outcome: r.outcome,
        due: r.due, state: r.state, daysLeft: r.daysLeft, daysOver: r.state === 'overdue' ? -r.daysLeft : 0,
      })),
    }, null, 2));
    return;
  }
  if (!rows.length) return app.out.ok(t('publish.overdue.none'));
  app.out.data(textTable(
    [...['task', 'object', 'region', 'date', 'outcome'].map((h) => t(`results.h.${h}`)), t('publish.h.due'), t('publish.h.state')],
    rows.map((r) => [
      r.taskNo, names.get(r.objectId) ?? r.objectId, regions.name(r.objectRegion), r.date, r.outcome, r.due,
      r.state === 'overdue' ? t('publish.state.overdue', { n: -r.daysLeft }) : r.daysLeft === 0 ? t('publish.state.today') : t('publish.state.due-soon', { n: r.daysLeft }),
    ]),
  ));
  const days = [...new Set(rows.map((r) => daysFor(Number(r.date.slice(0, 4)))))].join('/');
  app.out.info(t('publish.overdue.count', { overdue, dueSoon, soon: DUE_SOON_WORKING_DAYS, days }));
}

/** The day a publication is recorded on: --date (a publication made earlier), never after today. */
function publicationDate(given: string | undefined): string {
  const day = today();
  const d = dateOption('--date', given);
  if (d && d > day) throw new UsageError(t('publish.futureDate', { date: d, today: day }));
  return d ?? day;
}

async function publishAction(app: App, o: PublishOpts): Promise<void> {
  if (o.overdue) return overdueAction(app, o);
  if (!o.quarter) throw new UsageError(t('publish.needQuarter'));
  const q = requireQuarter(o.quarter);
  const format = o.out ? extname(o.out).toLowerCase() : '';
  if (o.out && format !== '.xlsx' && format !== '.csv') throw new UsageError(t('publish.badOut', { file: o.out }));
  const db = app.openDb();
  const regions = Regions.load(db);
  const { rows, withheld } = publicList(db, q.id);
  const day = publicationDate(o.date);
  // a result published after its deadline stays "published late" (逾期公示): say so before stamping
  const cal = loadCalendar(db);
  const daysFor = daysForYear(db);
  const late = rows.filter((r) => !r.published && day > publicationDue(cal, r.date, daysFor(Number(r.date.slice(0, 4))))).length;
  if (late > 0 && !o.json) app.out.warn(t('publish.late', { n: late, date: day }));
  if (o.out) {
    const data = rows.map(cells);
    if (format === '.csv') writeFileSync(o.out, toCsv(PUBLIC_HEADERS, data, { bom: true }));
    else {
      // the public list is for the public: in Chinese whatever --lang; items and dispositions wrap
      await writeWorkbook(o.out, [{
        name: '公示', title: t('publish.file.title', { unit: bureauName(regions.city, 'zh'), period: quarterLabel(q, 'zh') }, 'zh'),
        headers: PUBLIC_HEADERS, rows: data, maxWidths: PUBLIC_WIDTHS,
        center: PUBLIC_HEADERS.map((h) => h === '检查日期'),
        footer: [t('publish.file.date', { date: day }, 'zh')],
      }]);
    }
  }
  let stamped = 0;
  if (!o.dryRun && rows.length) stamped = recordPublication(db, { quarter: q.id, date: day, file: o.out ?? '', taskNos: rows.map((r) => r.taskNo), withheld }).stamped;
  if (o.json) {
    app.out.data(JSON.stringify({
      quarter: q.id, date: day, dryRun: Boolean(o.dryRun), published: rows.length, stamped, late, withheld, file: o.out ?? null,
      rows: rows.map((r) => ({ ...r, published: r.published ?? (o.dryRun ? null : day) })),
    }, null, 2));
    return;
  }
  if (!rows.length) {
    app.out.warn(t('publish.none', { quarter: q.id }));
    return;
  }
  const short = (s: string) => (s.length > 24 ? `${s.slice(0, 23)}…` : s);
  // the file keeps the Chinese headers of the public list; the table on the terminal follows --lang
  const termHeaders = ['task', 'items', 'object', 'objectId', 'date', 'method', 'outcome', 'disposition'].map((h) => t(`publish.h.${h}`));
  if (!o.out) app.out.data(textTable(termHeaders, rows.map((r) => cells({ ...r, items: short(r.items) }))));
  else app.out.info(t('publish.written', { file: o.out }));
  if (o.dryRun) app.out.warn(t('publish.dryRun', { published: rows.length, withheld }));
  else app.out.ok(t('publish.done', { quarter: q.id, published: rows.length, stamped, withheld, date: day }));
}

export function register(program: Command, app: App): void {
  const publish = program.command('publish')
    .description(t('publish.cmd'))
    .option('-q, --quarter <Q>', t('results.opt.quarter'))
    .option('--out <file>', t('publish.opt.out'))
    .option('--json', t('results.opt.json'))
    .option('--dry-run', t('publish.opt.dryRun'))
    .option('--overdue', t('publish.opt.overdue', { n: DUE_SOON_WORKING_DAYS }))
    .option('--date <YYYY-MM-DD>', t('publish.opt.date'))
    .action((o: PublishOpts) => publishAction(app, o));
  examples(publish, [
    'sj publish --quarter 2023Q2 --dry-run',
    'sj publish --quarter 2023Q2 --out 2023Q2-公示.xlsx',
    'sj publish --quarter 2023Q2 --out 2023Q2-公示.csv --json',
    'sj publish --overdue --quarter 2023Q2',
    'sj publish --quarter 2023Q2 --date 2023-07-20   # the publication was made on that day',
  ]);
}

