/**
 * `sj demo`: a fresh demo database from the bundled Hengshui fixtures, then the main job:
 * rosters imported, the Q2 2023 draws (city, then county), the evidence verified, simulated
 * results recorded and published, the quarterly statistics table built and the targets checked
 * (the steps are in demo-steps.ts).
 */
import { existsSync, mkdirSync } from 'node:fs';
import type { Command } from 'commander';
import { SjError, UsageError } from '../errors.js';
import { t } from '../messages/index.js';
import { removeDbFiles } from '../io/db.js';
import { isDemoDb, markDemo } from '../io/demo-db.js';
import { ledgerHead } from '../io/ledger.js';
import { examples, type App } from './app.js';
import { DEMO_CLOCK, DEMO_QUARTER, demoResults, drawStep, importStep, verifyStep } from './demo-steps.js';

/** The demo database may be replaced only when it is one (meta demo = 1) and --force says so. */
function prepareDemoPath(path: string, force: boolean): void {
  if (!existsSync(path)) return;
  if (!isDemoDb(path)) throw new SjError(t('demo.notDemo', { path }), { hint: t('demo.notDemoHint') });
  if (!force) throw new UsageError(t('demo.exists', { path }), t('demo.existsHint'));
  removeDbFiles(path);
}

export interface DemoOpts {
  /** where the evidence, task list, results and statistics files go (default sj-demo) */
  outDir?: string;
  force?: boolean;
  json?: boolean;
}

/** `sj demo`: the demo database (--db, SJ_DB, else sj-demo.db) and its files, step by step. */
export async function demo(app: App, o: DemoOpts): Promise<void> {
  const outDir = o.outDir ?? 'sj-demo';
  const json = Boolean(o.json);
  // the demo's own default, so that it never touches the bureau's ./sj.db
  const path = app.dbOption ?? process.env.SJ_DB ?? 'sj-demo.db';
  prepareDemoPath(path, Boolean(o.force));
  mkdirSync(outDir, { recursive: true });
  app.useDb(path);
  const db = app.openDb();
  markDemo(db);
  const imports = await importStep(app, db, json);
  const draws = await drawStep(app, db, outDir, json);
  const verified = verifyStep(app, db, json);
  const rest = await demoResults(app, db, outDir, DEMO_QUARTER, json, path);
  const head = ledgerHead(db);
  if (json) app.out.data(JSON.stringify({ db: path, outDir, clock: DEMO_CLOCK, imports, draws, verified, ledgerHead: head, ...rest }, null, 2));
  else app.out.ok(t('demo.done', { db: path, dir: outDir, hash: head.hash }));
}

export function register(program: Command, app: App): void {
  const cmd = program
    .command('demo')
    .description(t('demo.description'))
    .option('--out-dir <dir>', t('demo.opt.outDir'), 'sj-demo')
    .option('--force', t('demo.opt.force'))
    .option('--json', t('demo.opt.json'))
    .action((o: DemoOpts) => demo(app, o));
  examples(cmd, ['sj demo', 'sj demo --force', 'sj --db /tmp/demo.db demo --out-dir /tmp/demo', 'sj --db sj-demo.db draw list']);
}
