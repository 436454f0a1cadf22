/**
 * `sj publish`: the public list of a quarter's results (公示), without inspector names and
 * without confidential results; publishing stamps today's date on each result published.
 * `sj publish --overdue`: results past (or near) their publication deadline.
 */
import { extname } from 'node:path';
import type { Command } from 'commander';
import { DUE_SOON_WORKING_DAYS, oncePerDate, publicationDue } from '../core/deadlines.js';
import { lateCount, publicCells, type PublicRow } from '../core/public-list.js';
import { UsageError } from '../errors.js';
import { t } from '../messages/index.js';
import { loadCalendar } from '../io/calendar-store.js';
import { objectNames } from '../io/object-names.js';
import { publicationDays, publicList, writePublicList } from '../io/public-list.js';
import { Regions } from '../io/regions.js';
import { dueResults, recordPublication, type DueResult } from '../io/results-store.js';
import { textTable } from '../ui/table.js';
import { dateOption, examples, type App } from './app.js';
import { requireQuarter } from './period.js';
import { today } from '../io/clock.js';

export interface PublishOpts {
  quarter?: string;
  out?: string;
  json?: boolean;
  dryRun?: boolean;
  overdue?: boolean;
  date?: string;
}

const dueState = (r: DueResult): string =>
  r.state === 'overdue' ? t('publish.state.overdue', { n: -r.daysLeft }) : r.daysLeft === 0 ? t('publish.state.today') : t('publish.state.due-soon', { n: r.daysLeft });

/** `sj publish --overdue`: unpublished results past their deadline or due within a few working days. */
export function publishOverdue(app: App, o: PublishOpts): void {
  const q = o.quarter ? requireQuarter(o.quarter) : undefined;
  const db = app.openDb();
  const cal = loadCalendar(db);
  const day = today();
  const daysFor = publicationDays(db);
  const rows = dueResults(db, cal, day, daysFor, { quarter: q?.id });
  const gaps = cal.uncovered(day, ...rows.map((r) => r.date), ...rows.map((r) => r.due));
  if (gaps.length) app.out.warn(t('results.calendarGap', { years: gaps.join('、') }));
  const regions = Regions.load(db);
  const names = objectNames(db);
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
    rows.map((r) => [r.taskNo, names.get(r.objectId) ?? r.objectId, regions.name(r.objectRegion), r.date, r.outcome, r.due, dueState(r)]),
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

/** --out: a .xlsx or .csv file, or none (the list on the terminal). */
function publicationFile(out: string | undefined): string | undefined {
  const format = out ? extname(out).toLowerCase() : '';
  if (out && format !== '.xlsx' && format !== '.csv') throw new UsageError(t('publish.badOut', { file: out }));
  return out;
}

/** The list on the terminal: its headers follow --lang (the file keeps the public list's Chinese ones). */
function publicTable(rows: PublicRow[]): string {
  const short = (s: string) => (s.length > 24 ? `${s.slice(0, 23)}…` : s);
  const headers = ['task', 'items', 'object', 'objectId', 'date', 'method', 'outcome', 'disposition'].map((h) => t(`publish.h.${h}`));
  return textTable(headers, rows.map((r) => publicCells({ ...r, items: short(r.items) })));
}

/** `sj publish`: the quarter's public list (on the terminal or to a file), its results stamped published. */
export async function publish(app: App, o: PublishOpts): Promise<void> {
  if (o.overdue) return publishOverdue(app, o);
  if (!o.quarter) throw new UsageError(t('publish.needQuarter'));
  const q = requireQuarter(o.quarter);
  const out = publicationFile(o.out);
  const db = app.openDb();
  const { rows, withheld } = publicList(db, q.id);
  const day = publicationDate(o.date);
  // a result published after its deadline stays "published late" (逾期公示): say so before stamping
  const cal = loadCalendar(db);
  const daysFor = publicationDays(db);
  const late = lateCount(rows, day, oncePerDate((date) => publicationDue(cal, date, daysFor(Number(date.slice(0, 4))))));
  if (late > 0 && !o.json) app.out.warn(t('publish.late', { n: late, date: day }));
  if (out) await writePublicList(out, rows, { city: Regions.load(db).city, quarter: q, date: day });
  let stamped = 0;
  if (!o.dryRun && rows.length) stamped = recordPublication(db, { quarter: q.id, date: day, file: out ?? '', taskNos: rows.map((r) => r.taskNo), withheld }).stamped;
  if (o.json) {
    app.out.data(JSON.stringify({
      quarter: q.id, date: day, dryRun: Boolean(o.dryRun), published: rows.length, stamped, late, withheld, file: out ?? null,
      rows: rows.map((r) => ({ ...r, published: r.published ?? (o.dryRun ? null : day) })),
    }, null, 2));
    return;
  }
  if (!rows.length) {
    app.out.warn(t('publish.none', { quarter: q.id }));
    return;
  }
  if (!out) app.out.data(publicTable(rows));
  else app.out.info(t('publish.written', { file: out }));
  if (o.dryRun) app.out.warn(t('publish.dryRun', { published: rows.length, withheld }));
  else app.out.ok(t('publish.done', { quarter: q.id, published: rows.length, stamped, withheld, date: day }));
}

export function register(program: Command, app: App): void {
  const cmd = program.command('publish')
    .description(t('publish.cmd'))
    .option('-q, --quarter <Q>', t('results.opt.quarter'))
    .option('--out <file>', t('publish.opt.out'))
    .option('--json', t('results.opt.json'))
    .option('--dry-run', t('publish.opt.dryRun'))
    .option('--overdue', t('publish.opt.overdue', { n: DUE_SOON_WORKING_DAYS }))
    .option('--date <YYYY-MM-DD>', t('publish.opt.date'))
    .action((o: PublishOpts) => publish(app, o));
  examples(cmd, [
    'sj publish --quarter 2023Q2 --dry-run',
    'sj publish --quarter 2023Q2 --out 2023Q2-公示.xlsx',
    'sj publish --quarter 2023Q2 --out 2023Q2-公示.csv --json',
    'sj publish --overdue --quarter 2023Q2',
    'sj publish --quarter 2023Q2 --date 2023-07-20   # the publication was made on that day',
  ]);
}
