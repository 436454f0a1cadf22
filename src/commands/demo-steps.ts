/**
 * The later steps of `sj demo`: simulated inspection results recorded (as a county would fill
 * in the results file), published, then the statistics table and the target check.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseQuarter } from '../core/quarter.js';
import { t } from '../messages/index.js';
import { loadCalendar } from '../io/calendar-store.js';
import { toCsv } from '../io/csv.js';
import type { DB } from '../io/db.js';
import { effectiveTasks } from '../io/draw-store.js';
import { importResults } from '../io/results-store.js';
import { dateCst, now } from '../io/clock.js';
import type { App } from './app.js';
import { demoReport } from './demo-report.js';
import { mulberry32 } from '../core/prng.js';
import { withClock as at } from '../io/clock.js';

const prng = mulberry32;

export const DEMO_ENTROPY = '3 1 4 1 5 9 2 6 5 3 5 8 9 7 9 3 2 3 8 4';
export const DEMO_QUARTER = '2023Q2';
export const DEMO_DATE = '2023-04-03';

/**
 * The demo's own 2023 calendar: each step runs with the clock frozen at its moment (as SJ_NOW
 * does), so the rosters are imported before the quarter, the draws are made on its first working
 * day, and results, publication and the table happen when they would have: deadlines are 2023's.
 */
export const DEMO_CLOCK = {
  import: '2023-03-28T09:00:00+08:00',
  draw: '2023-04-03T09:30:00+08:00',
  results: '2023-07-04T16:00:00+08:00',
  report: '2023-07-05T10:00:00+08:00',
} as const;

const OUTCOMES: [string, number][] = [
  ['未发现问题', 0.7], ['发现问题', 0.1], ['责令整改', 0.1], ['立案处罚', 0.05], ['移送', 0.02], ['移送公安', 0.01], ['无法检查', 0.02],
];

/**
 * A results file as the counties would send it back on `today`: most tasks inspected, most
 * published, a few of them after the 20-working-day deadline (they stay "published late"), no
 * date after `today`.
 */
export function simulateResults(db: DB, quarter: string, today: string, seed = 20230630): { header: string[]; rows: (string | number)[][] } {
  const r = prng(seed);
  const cal = loadCalendar(db);
  const q = parseQuarter(quarter)!;
  const header = ['任务编号', '检查日期', '检查方式', '检查结果', '罚款金额(元)', '是否整改完成', '是否涉密', '公示日期', '备注'];
  const rows: (string | number)[][] = [];
  for (const tk of effectiveTasks(db, { quarter })) {
    if (r() < 0.06) continue; // not inspected yet
    let date = cal.addWorkingDays(tk.drawDate, 3 + Math.floor(r() * 45));
    if (date > q.end) date = cal.addWorkingDays(q.end, -1 - Math.floor(r() * 5));
    let u = r();
    let outcome = OUTCOMES[0]![0];
    for (const [o, p] of OUTCOMES) {
      if (u < p) {
        outcome = o;
        break;
      }
      u -= p;
    }
    const fine = outcome === '立案处罚' ? `${(1 + Math.floor(r() * 40)) * 5000}.00` : '';
    const problem = !['未发现问题', '无法检查'].includes(outcome);
    const rectified = problem ? (r() < 0.6 ? '是' : '否') : '';
    const confidential = r() < 0.02 ? '是' : '否';
    // most within the deadline (20 working days); about one in 30 late
    const delay = r() < 0.035 ? 21 + Math.floor(r() * 10) : 3 + Math.floor(r() * 13);
    let published = confidential === '否' && r() < 0.97 ? cal.addWorkingDays(date, delay) : '';
    if (published > today) published = ''; // not yet published: pending, or overdue once past its deadline
    rows.push([tk.taskNo, date, tk.method === 'onsite' ? '现场检查' : '非现场检查', outcome, fine, rectified, confidential, published, outcome === '无法检查' ? '企业停产' : '']);
  }
  return { header, rows };
}

export async function demoResults(app: App, db: DB, outDir: string, quarter: string, json: boolean, dbPath: string): Promise<Record<string, unknown>> {
  const say = (s: string) => { if (!json) app.out.info(app.out.color.bold(s)); };
  say(t('demo.step.results', { date: DEMO_CLOCK.results.slice(0, 10) }));
  const file = join(outDir, `results-${quarter}.csv`);
  const s = await at(DEMO_CLOCK.results, async () => {
    const { header, rows } = simulateResults(db, quarter, dateCst(now()));
    writeFileSync(file, toCsv(header, rows, { bom: true }));
    return importResults(db, file, { today: dateCst(now()) });
  });
  if (!json) app.out.info(`  ${file}: ${s.added}`);
  say(t('demo.step.report', { date: DEMO_CLOCK.report.slice(0, 10) }));
  const report = await at(DEMO_CLOCK.report, () => demoReport(app, db, outDir, quarter, json, dbPath));
  return { results: { file, added: s.added, credit: s.credit, published: s.published, ledger: s.ledger }, ...report };
}
