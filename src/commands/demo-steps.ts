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

const prng = mulberry32;

const OUTCOMES: [string, number][] = [
  ['未发现问题', 0.7], ['发现问题', 0.1], ['责令整改', 0.1], ['立案处罚', 0.05], ['移送', 0.02], ['移送公安', 0.01], ['无法检查', 0.02],
];

/** A results file as the counties would send it back: most tasks inspected, most published. */
export function simulateResults(db: DB, quarter: string, seed = 20230630): { header: string[]; rows: (string | number)[][] } {
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
    const published = confidential === '否' && r() < 0.9 ? cal.addWorkingDays(date, 5 + Math.floor(r() * 20)) : '';
    rows.push([tk.taskNo, date, tk.method === 'onsite' ? '现场检查' : '非现场检查', outcome, fine, rectified, confidential, published, outcome === '无法检查' ? '企业停产' : '']);
  }
  return { header, rows };
}

export async function demoResults(app: App, db: DB, outDir: string, quarter: string, json: boolean): Promise<Record<string, unknown>> {
  const say = (s: string) => { if (!json) app.out.info(app.out.color.bold(s)); };
  say(t('demo.step.results'));
  const { header, rows } = simulateResults(db, quarter);
  const file = join(outDir, `results-${quarter}.csv`);
  writeFileSync(file, toCsv(header, rows, { bom: true }));
  const s = await importResults(db, file, { today: dateCst(now()) });
  if (!json) app.out.info(`  ${file}: ${s.added}`);
  say(t('demo.step.report'));
  const report = await demoReport(app, db, outDir, quarter, json);
  return { results: { file, added: s.added, credit: s.credit, published: s.published, ledger: s.ledger }, ...report };
}
