/**
 * `sj demo`: a fresh demo database from the bundled Hengshui fixtures, then the main job:
 * rosters imported, the Q2 2023 draws (city, then county), the evidence verified, simulated
 * results recorded and published, the quarterly statistics table built and the targets checked.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { parseQuarter } from '../core/quarter.js';
import { SjError, UsageError } from '../errors.js';
import { shortfallOf } from '../core/draw.js';
import { t } from '../messages/index.js';
import { isDemoDb, markDemo } from '../io/demo-db.js';
import { removeDbFiles } from '../io/db.js';
import { effectiveTasks, getEvidence } from '../io/draw-store.js';
import { ledgerHead } from '../io/ledger.js';
import { FIXTURES_DIR } from '../io/paths.js';
import { importRoster } from '../io/roster-write.js';
import { verifyDatabase } from '../io/verify-db.js';
import { checkResultBatch } from '../io/results-store.js';
import { writeTaskList } from '../io/task-list.js';
import { examples, type App } from './app.js';
import { makeDraw } from './draw-run.js';
import { DEMO_CLOCK, DEMO_DATE, DEMO_ENTROPY, DEMO_QUARTER, demoResults } from './demo-steps.js';
import { withClock as at } from '../io/clock.js';

/** The demo database may be replaced only when it is one (meta demo = 1) and --force says so. */
function prepareDemoPath(path: string, force: boolean): void {
  if (!existsSync(path)) return;
  if (!isDemoDb(path)) throw new SjError(t('demo.notDemo', { path }), { hint: t('demo.notDemoHint') });
  if (!force) throw new UsageError(t('demo.exists', { path }), t('demo.existsHint'));
  removeDbFiles(path);
}

export function register(program: Command, app: App): void {
  const demo = program
    .command('demo')
    .description(t('demo.description'))
    .option('--out-dir <dir>', t('demo.opt.outDir'), 'sj-demo')
    .option('--force', t('demo.opt.force'))
    .option('--json', t('demo.opt.json'))
    .action(async (o: { outDir: string; force?: boolean; json?: boolean }) => {
      const flagDb = (program.opts() as { db?: string }).db ?? process.env.SJ_DB;
      const path = flagDb ?? 'sj-demo.db';
      prepareDemoPath(path, Boolean(o.force));
      mkdirSync(o.outDir, { recursive: true });
      app.configure({ db: path });
      const db = app.openDb();
      markDemo(db);
      const say = (s: string) => { if (!o.json) app.out.info(app.out.color.bold(s)); };

      say(t('demo.step.import', { date: DEMO_CLOCK.import.slice(0, 10) }));
      const hs = join(FIXTURES_DIR, 'hengshui');
      const imports: { kind: string; file: string; added: number }[] = [];
      await at(DEMO_CLOCK.import, async () => {
        for (const [kind, file, mode] of [
          ['objects', 'objects.xlsx', 'full'], ['inspectors', 'inspectors.xlsx', 'full'], ['experts', 'experts.xlsx', 'full'], ['items', 'items.xlsx', 'full'],
          ['avoidance', 'avoidance.csv', 'full'], ['avoidance', 'avoidance-experts.csv', 'partial'],
        ] as const) {
          const s = await importRoster(db, { kind, path: join(hs, file), mode });
          imports.push({ kind, file, added: s.added });
          if (!o.json) app.out.info(`  ${file}: ${s.added}`);
        }
      });

      say(t('demo.step.draw', { quarter: DEMO_QUARTER, entropy: DEMO_ENTROPY, date: DEMO_DATE }));
      const quarter = parseQuarter(DEMO_QUARTER)!;
      const draws: { id: string; tasks: number; shortfall: number; seed: string }[] = [];
      await at(DEMO_CLOCK.draw, () => {
        // the plan followed: the city first, then the counties (crediting the city's picks);
        // each level's routine draw is its quarter's inter-department joint draw
        for (const level of ['city', 'county'] as const) {
          const run = makeDraw(db, {
            quarter, level, regions: [], directional: false, filter: null, method: 'auto', departmentJoint: true,
            partners: level === 'city' ? ['衡水市市场监督管理局'] : ['市场监督管理局', '应急管理局'], withExperts: false, date: DEMO_DATE,
            entropy: DEMO_ENTROPY, entropySource: 'user',
          }, { dryRun: false });
          const id = run.evidence.draw.id;
          const shortfall = run.evidence.strata.reduce((n, s) => n + shortfallOf(s), 0);
          draws.push({ id, tasks: run.evidence.tasks.length, shortfall, seed: run.evidence.draw.seed });
          writeFileSync(join(o.outDir, `${id}.evidence.json`), JSON.stringify(getEvidence(db, id), null, 1) + '\n');
          if (!o.json) app.out.info(`  ${id}: ${run.evidence.tasks.length} ${t('demo.tasks')}, ${t('demo.shortfall')} ${shortfall}`);
        }
      });
      const tasks = effectiveTasks(db, { quarter: DEMO_QUARTER });
      await writeTaskList(db, join(o.outDir, 'tasks-2023Q2.xlsx'), tasks, { note: t('tasks.file.demo', {}, 'zh') });

      say(t('demo.step.verify'));
      const rep = verifyDatabase(db, { checks: { resultBatch: checkResultBatch } });
      if (!o.json) app.out.info(t('demo.verified', { status: t(rep.ok ? 'demo.verifyOk' : 'demo.verifyFailed'), draws: rep.draws, entries: rep.entries, hash: rep.head.hash }));

      const rest = await demoResults(app, db, o.outDir, DEMO_QUARTER, Boolean(o.json), path);
      const head = ledgerHead(db);
      if (o.json) {
        app.out.data(JSON.stringify({ db: path, outDir: o.outDir, clock: DEMO_CLOCK, imports, draws, verified: rep.ok, ledgerHead: head, ...rest }, null, 2));
      } else {
        app.out.ok(t('demo.done', { db: path, dir: o.outDir, hash: head.hash }));
      }
    });
  examples(demo, ['sj demo', 'sj demo --force', 'sj --db /tmp/demo.db demo --out-dir /tmp/demo', 'sj --db sj-demo.db draw list']);
}
