/**
 * The steps of `sj demo`, each on the demo's 2023 clock: the rosters imported, the quarter's draws
 * (city, then county) with their evidence files and task list, the evidence verified, simulated
 * inspection results recorded (as a county would fill in the results file), published, then the
 * statistics table and the target check (demo-report.ts).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { shortfallOf } from '../core/draw.js';
import { mulberry32 } from '../core/prng.js';
import { parseQuarter } from '../core/quarter.js';
import { t } from '../messages/index.js';
import { loadCalendar } from '../io/calendar-store.js';
import { withClock as at, today } from '../io/clock.js';
import { toCsv } from '../io/csv.js';
import type { DB } from '../io/db.js';
import { makeDraw } from '../io/draw-service.js';
import { terminalProgress } from './draw-run.js';
import { effectiveTasks, getEvidence } from '../io/draw-store.js';
import { FIXTURES_DIR } from '../io/paths.js';
import { checkResultBatch, importResults } from '../io/results-store.js';
import { importRoster } from '../io/roster-write.js';
import { writeTaskList } from '../io/task-list.js';
import { verifyDatabase } from '../io/verify-db.js';
import type { App } from './app.js';
import { demoReport } from './demo-report.js';

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
  const r = mulberry32(seed);
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

/** A step's heading (stderr; nothing with --json). */
function say(app: App, json: boolean, text: string): void {
  if (!json) app.out.info(app.out.color.bold(text));
}

/** The bundled Hengshui rosters, each file as the bureau sends it. */
const DEMO_ROSTERS = [
  ['objects', 'objects.xlsx', 'full'], ['inspectors', 'inspectors.xlsx', 'full'], ['experts', 'experts.xlsx', 'full'], ['items', 'items.xlsx', 'full'],
  ['avoidance', 'avoidance.csv', 'full'], ['avoidance', 'avoidance-experts.csv', 'partial'],
] as const;

/** One roster file the demo imported, for --json. */
export interface DemoImport {
  kind: string;
  file: string;
  added: number;
}

/** One draw the demo made, for --json. */
export interface DemoDraw {
  id: string;
  tasks: number;
  shortfall: number;
  seed: string;
}

/** Step 1: the rosters imported before the quarter. */
export async function importStep(app: App, db: DB, json: boolean): Promise<DemoImport[]> {
  say(app, json, t('demo.step.import', { date: DEMO_CLOCK.import.slice(0, 10) }));
  const hs = join(FIXTURES_DIR, 'hengshui');
  const imports: DemoImport[] = [];
  await at(DEMO_CLOCK.import, async () => {
    for (const [kind, file, mode] of DEMO_ROSTERS) {
      const s = await importRoster(db, { kind, path: join(hs, file), mode });
      imports.push({ kind, file, added: s.added });
      if (!json) app.out.info(`  ${file}: ${s.added}`);
    }
  });
  return imports;
}

/** Step 2: the quarter's draws, each with its evidence file in `outDir`, and the task list. */
export async function drawStep(app: App, db: DB, outDir: string, json: boolean): Promise<DemoDraw[]> {
  say(app, json, t('demo.step.draw', { quarter: DEMO_QUARTER, entropy: DEMO_ENTROPY, date: DEMO_DATE }));
  const quarter = parseQuarter(DEMO_QUARTER)!;
  const draws: DemoDraw[] = [];
  await at(DEMO_CLOCK.draw, () => {
    // the plan followed: the city first, then the counties (crediting the city's picks);
    // each level's routine draw is its quarter's inter-department joint draw
    for (const level of ['city', 'county'] as const) {
      const run = makeDraw(db, {
        quarter, level, regions: [], directional: false, filter: null, method: 'auto', departmentJoint: true,
        partners: level === 'city' ? ['衡水市市场监督管理局'] : ['市场监督管理局', '应急管理局'], withExperts: false, date: DEMO_DATE,
        entropy: DEMO_ENTROPY, entropySource: 'user',
      }, { dryRun: false, progress: terminalProgress });
      const id = run.evidence.draw.id;
      const shortfall = run.evidence.strata.reduce((n, s) => n + shortfallOf(s), 0);
      draws.push({ id, tasks: run.evidence.tasks.length, shortfall, seed: run.evidence.draw.seed });
      writeFileSync(join(outDir, `${id}.evidence.json`), JSON.stringify(getEvidence(db, id), null, 1) + '\n');
      if (!json) app.out.info(`  ${id}: ${run.evidence.tasks.length} ${t('demo.tasks')}, ${t('demo.shortfall')} ${shortfall}`);
    }
  });
  const tasks = effectiveTasks(db, { quarter: DEMO_QUARTER });
  await writeTaskList(db, join(outDir, `tasks-${DEMO_QUARTER}.xlsx`), tasks, { note: t('tasks.file.demo', {}, 'zh') });
  return draws;
}

/** Step 3: every draw recomputed and the ledger checked; whether all is well. */
export function verifyStep(app: App, db: DB, json: boolean): boolean {
  say(app, json, t('demo.step.verify'));
  const rep = verifyDatabase(db, { checks: { resultBatch: checkResultBatch } });
  if (!json) app.out.info(t('demo.verified', { status: t(rep.ok ? 'demo.verifyOk' : 'demo.verifyFailed'), draws: rep.draws, entries: rep.entries, hash: rep.head.hash }));
  return rep.ok;
}

/** Steps 4 and 5: simulated results recorded, then the statistics table and the target check. */
export async function demoResults(app: App, db: DB, outDir: string, quarter: string, json: boolean, dbPath: string): Promise<Record<string, unknown>> {
  say(app, json, t('demo.step.results', { date: DEMO_CLOCK.results.slice(0, 10) }));
  const file = join(outDir, `results-${quarter}.csv`);
  const s = await at(DEMO_CLOCK.results, async () => {
    const { header, rows } = simulateResults(db, quarter, today());
    writeFileSync(file, toCsv(header, rows, { bom: true }));
    return importResults(db, file, { today: today() });
  });
  if (!json) app.out.info(`  ${file}: ${s.added}`);
  say(app, json, t('demo.step.report', { date: DEMO_CLOCK.report.slice(0, 10) }));
  const report = await at(DEMO_CLOCK.report, () => demoReport(app, db, outDir, quarter, json, dbPath));
  return { results: { file, added: s.added, credit: s.credit, published: s.published, ledger: s.ledger }, ...report };
}
