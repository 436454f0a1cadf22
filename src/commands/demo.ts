/**
 * `sj demo`: a fresh demo database from the bundled Hengshui fixtures, then the main job:
 * rosters imported, the Q2 2023 draws (city, then county), the evidence verified, simulated
 * results recorded and published, the quarterly statistics table built and the targets checked.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { parseQuarter } from '../core/quarter.js';
import { SjError } from '../errors.js';
import { t } from '../messages/index.js';
import { openDb } from '../io/db.js';
import { effectiveTasks, getEvidence } from '../io/draw-store.js';
import { ledgerHead } from '../io/ledger.js';
import { FIXTURES_DIR } from '../io/paths.js';
import { importRoster } from '../io/roster-write.js';
import { verifyDatabase } from '../io/verify-db.js';
import { examples, type App } from './app.js';
import { makeDraw } from './draw-run.js';
import { writeTaskList } from './draw.js';
import { demoResults } from './demo-steps.js';

export const DEMO_ENTROPY = '3 1 4 1 5 9 2 6 5 3 5 8 9 7 9 3 2 3 8 4';
export const DEMO_QUARTER = '2023Q2';
export const DEMO_DATE = '2023-04-03';

export function register(program: Command, app: App): void {
  const demo = program
    .command('demo')
    .description(t('demo.description'))
    .option('--out-dir <dir>', t('demo.opt.outDir'), 'sj-demo')
    .option('--json', t('demo.opt.json'))
    .action(async (o: { outDir: string; json?: boolean }) => {
      const flagDb = (program.opts() as { db?: string }).db ?? process.env.SJ_DB;
      const path = flagDb ?? 'sj-demo.db';
      if (existsSync(path)) {
        const probe = openDb(path);
        const isDemo = probe.prepare("SELECT value FROM meta WHERE key = 'demo'").get() as { value: string } | undefined;
        probe.close();
        if (!isDemo) throw new SjError(t('demo.notDemo', { path }), { hint: t('demo.notDemoHint') });
        for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
      }
      mkdirSync(o.outDir, { recursive: true });
      app.configure({ db: path });
      const db = app.openDb();
      db.prepare("INSERT INTO meta(key, value) VALUES ('demo', '1')").run();
      const say = (s: string) => { if (!o.json) app.out.info(app.out.color.bold(s)); };

      say(t('demo.step.import'));
      const hs = join(FIXTURES_DIR, 'hengshui');
      const imports = [];
      for (const [kind, file] of [
        ['objects', 'objects.xlsx'], ['inspectors', 'inspectors.xlsx'], ['experts', 'experts.xlsx'], ['items', 'items.xlsx'],
        ['avoidance', 'avoidance.csv'],
      ] as const) {
        const s = await importRoster(db, { kind, path: join(hs, file), mode: 'full' });
        imports.push({ kind, file, added: s.added });
        if (!o.json) app.out.info(`  ${file}: ${s.added}`);
      }
      const s2 = await importRoster(db, { kind: 'avoidance', path: join(hs, 'avoidance-experts.csv'), mode: 'partial' });
      imports.push({ kind: 'avoidance', file: 'avoidance-experts.csv', added: s2.added });

      say(t('demo.step.draw', { quarter: DEMO_QUARTER, entropy: DEMO_ENTROPY }));
      const quarter = parseQuarter(DEMO_QUARTER)!;
      const draws = [];
      for (const level of ['city', 'county'] as const) {
        const run = makeDraw(db, {
          quarter, level, regions: [], directional: false, filter: null, method: 'auto', departmentJoint: true,
          partners: level === 'city' ? ['衡水市市场监督管理局'] : ['市场监督管理局', '应急管理局'], withExperts: false, date: DEMO_DATE, entropy: DEMO_ENTROPY, entropySource: 'user',
        }, { dryRun: false });
        const id = run.evidence.draw.id;
        const shortfall = run.evidence.strata.reduce((n, s) => n + s.quota - s.selected, 0);
        draws.push({ id, tasks: run.evidence.tasks.length, shortfall, seed: run.evidence.draw.seed });
        writeFileSync(join(o.outDir, `${id}.evidence.json`), JSON.stringify(getEvidence(db, id), null, 1) + '\n');
        if (!o.json) app.out.info(`  ${id}: ${run.evidence.tasks.length} ${t('demo.tasks')}, ${t('demo.shortfall')} ${shortfall}`);
      }
      const tasks = effectiveTasks(db, { quarter: DEMO_QUARTER });
      await writeTaskList(db, join(o.outDir, 'tasks-2023Q2.xlsx'), tasks, '衡水市生态环境局2023年第二季度“双随机”抽查任务清单（演示）');

      say(t('demo.step.verify'));
      const rep = verifyDatabase(db);
      if (!o.json) app.out.info(t('demo.verified', { status: t(rep.ok ? 'demo.verifyOk' : 'demo.verifyFailed'), draws: rep.draws, entries: rep.entries, hash: rep.head.hash }));

      const rest = await demoResults(app, db, o.outDir, DEMO_QUARTER, Boolean(o.json));
      const head = ledgerHead(db);
      if (o.json) {
        app.out.data(JSON.stringify({ db: path, outDir: o.outDir, imports, draws, verified: rep.ok, ledgerHead: head, ...rest }, null, 2));
      } else {
        app.out.ok(t('demo.done', { db: path, dir: o.outDir, hash: head.hash }));
      }
    });
  examples(demo, ['sj demo', 'sj demo --db /tmp/demo.db --out-dir /tmp/demo', 'sj --db sj-demo.db draw list']);
}
