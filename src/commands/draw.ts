/**
 * `sj draw` and its subcommands: list, show, export, void, substitute.
 */
import type { Command } from 'commander';
import { shortSeed } from '../core/seed.js';
import type { Level } from '../core/types.js';
import { UsageError } from '../errors.js';
import { t } from '../messages/index.js';
import { isoUtc, now } from '../io/clock.js';
import { rehearsalTx, writeTx, type DB } from '../io/db.js';
import { writePrettyJson, writePrettyJsonFile } from '../io/evidence-file.js';
import { effectiveTasks, getEvidence, listDraws, requireDraw, voidDraw, type EffectiveTask } from '../io/draw-store.js';
import { ledgerHead } from '../io/ledger.js';
import { substitute } from '../io/substitution.js';
import { Regions } from '../io/regions.js';
import { readRoster } from '../io/roster-read.js';
import { parseBy, writeTaskList } from '../io/task-list.js';
import { valueName } from '../messages/names.js';
import { askConfirm, askText } from '../ui/prompts.js';
import { textTable } from '../ui/table.js';
import { examples, type App } from './app.js';
import { commitmentLine, registerCeremony, voidCommitIfCommit } from './draw-commit.js';
import { generateEntropy, makeDraw, type DrawRequest, type DrawRun } from './draw-run.js';
import { drawScope, printRun, requireQuarter, runJson, withScopeOptions, type DrawOpts } from './draw-scope.js';


/** Draw the levels in order in one transaction (rolled back for a rehearsal). */
export function drawAllLevels(db: DB, base: Omit<DrawRequest, 'level'>, levels: Level[], rehearsal: boolean): DrawRun[] {
  const all = () => levels.map((level) => makeDraw(db, { ...base, level }, { dryRun: false, inTransaction: true }));
  if (!rehearsal) return writeTx(db, all);
  return rehearsalTx(db, all).map((r) => ({ ...r, dryRun: true, ledger: undefined }));
}

async function drawAction(app: App, o: DrawOpts): Promise<void> {
  if (o.dryRun && o.seed !== undefined) throw new UsageError(t('draw.dryRunSeed'), t('draw.dryRunSeedHint'));
  const { by, db, regions, levels, request } = drawScope(app, o);

  const policy = app.prompts(Boolean(o.yes));
  let entropy = o.seed;
  let entropySource: 'user' | 'generated' = 'user';
  if (entropy === undefined && policy.interactive && !o.dryRun) {
    entropy = (await askText(policy, '--seed', t('draw.entropyPrompt'))).trim();
  }
  if (entropy === undefined || entropy === '') {
    entropy = generateEntropy();
    entropySource = 'generated';
  }
  // a short seed is allowed, but said to be weak before anything is drawn
  const short = entropySource === 'user' ? shortSeed(entropy) : null;
  if (short) app.out.warn(t('draw.seedShort', short));
  const base = { ...request, entropy, entropySource };
  if (!o.dryRun) {
    // show the plan (a dry run of each level), then confirm; never waits without a TTY
    if (policy.interactive) {
      for (const run of drawAllLevels(db, base, levels, true)) printRun(app, run, regions);
      if (!(await askConfirm(policy, t('draw.confirm')))) {
        app.out.warn(t('draw.cancelled'));
        app.exitCode = 1;
        return;
      }
    } else if (!policy.yes) {
      throw new UsageError(t('usage.missingFlag', { flag: '--yes' }), t('draw.yesHint'));
    }
  }
  // all levels in one transaction: the county draw sees the city's picks, and a county draw
  // that cannot be staffed leaves the city draw unwritten too
  // (a dry run is the same, rolled back: exactly what would be drawn now, written nowhere)
  const runs = drawAllLevels(db, base, levels, Boolean(o.dryRun));
  if (!o.json) for (const run of runs) printRun(app, run, regions);
  if (o.dryRun) app.out.warn(t('draw.dryRun'));
  const head = ledgerHead(db);
  if (o.out && !o.dryRun) {
    const tasks = runs.flatMap((r) => effectiveTasks(db, { drawId: r.evidence.draw.id }));
    await writeTaskList(db, o.out, tasks, by);
    app.out.info(t('draw.written', { file: o.out }));
  }
  if (o.json) {
    app.out.data(JSON.stringify({ draws: runs.map((r) => runJson(r, regions)), ledgerHead: o.dryRun ? null : head }, null, 2));
  } else if (!o.dryRun) {
    app.out.ok(t('draw.head', { hash: head.hash }));
  }
}

function taskRowsHuman(app: App, db: DB, tasks: EffectiveTask[]): void {
  const regions = Regions.load(db);
  const names = new Map(readRoster(db, 'objects', { includeRemoved: true }).map((o) => [o.id, o.name]));
  const method = (m: string) => valueName('method', m);
  app.out.data(textTable(
    ['task', 'object', 'objectId', 'region', 'class', 'tier', 'method', 'joint', 'team', 'expert'].map((h) => t(`draw.h.${h}`)),
    tasks.map((tk) => [
      tk.taskNo, names.get(tk.objectId) ?? '', tk.objectId + (tk.originalObjectId ? ` ${t('draw.substitutedFrom', { original: tk.originalObjectId })}` : ''), regions.name(tk.objectRegion),
      t(`rules.class.${tk.class}`), tk.tier ?? '-', method(tk.method), tk.joint ? '√' : '', tk.inspectors.join(','), tk.expert ?? '',
    ]),
  ));
}

export function register(program: Command, app: App): void {
  const parent = program
    .command('draw')
    .description(t('draw.cmd'));
  // `sj draw --quarter …` is the default subcommand, so its options never shadow the others'
  const draw = withScopeOptions(parent
    .command('run', { isDefault: true })
    .description(t('draw.cmd.run')))
    .option('--seed <entropy>', t('draw.opt.seed'))
    .option('--dry-run', t('draw.opt.dryRun'))
    .option('--out <file.xlsx>', t('draw.opt.out'))
    .option('--by <group>', t('draw.opt.by'))
    .option('--json', t('draw.opt.json'))
    .option('-y, --yes', t('draw.opt.yes'))
    .action((o: DrawOpts) => drawAction(app, o));
  parent.addHelpText('after', () => `\n(sj draw = sj draw run)\n${draw.helpInformation()}`);
  examples(parent, [
    'sj draw --quarter 2023Q2 --seed "3 1 4 1 5 9 2 6 5 3 5 8 9 7 9 3 2 3 8 4" --yes',
    'sj draw list --quarter 2023Q2',
    'sj draw show 2023Q2-county-01',
    'sj draw export 2023Q2-county-01 --out 2023Q2-county-01.evidence.json',
  ]);
  examples(draw, [
    'sj draw --quarter 2023Q2 --seed "3 1 4 1 5 9 2 6 5 3 5 8 9 7 9 3 2 3 8 4" --yes',
    'sj draw --quarter 2023Q2 --level county --region 桃城区 --dry-run',
    'sj draw --quarter 2023Q3 --directional --industry 化工 --level county --yes --out tasks.xlsx',
    'sj draw --quarter 2023Q2 --level city --department-joint --partners 市场监管局,应急管理局 --yes',
  ]);

  registerCeremony(parent, app);

  const list = parent.command('list').description(t('draw.cmd.list'))
    .option('-q, --quarter <Q>', t('draw.opt.listQuarter')).option('--json', t('draw.opt.jsonShort'))
    .action((o: { quarter?: string; json?: boolean }) => {
      const db = app.openDb();
      const q = o.quarter ? requireQuarter(o.quarter).id : undefined;
      const draws = listDraws(db, { quarter: q });
      if (o.json) {
        app.out.data(JSON.stringify({ draws }, null, 2));
        return;
      }
      if (!draws.length) return app.out.info(t('draw.noDraws'));
      app.out.data(textTable(
        ['id', 'quarter', 'level', 'kind', 'algorithm', 'tasks', 'shortfall', 'seq', 'status'].map((h) => t(`draw.h.${h}`)),
        draws.map((d) => [d.id, d.quarter, t(`draw.level.${d.level}`), t(`draw.kind.${d.kind}`), d.algorithm, d.tasks, d.shortfall, d.seq,
          d.voided ? t('draw.status.void', { reason: d.voided.reason }) : t('draw.status.live')]),
      ));
    });
  examples(list, ['sj draw list', 'sj draw list --quarter 2023Q2 --json']);

  const show = parent.command('show <id>').description(t('draw.cmd.show'))
    .option('--json', t('draw.opt.jsonShort'))
    .action((id: string, o: { json?: boolean }) => {
      const db = app.openDb();
      const d = requireDraw(db, id);
      const ev = getEvidence(db, id);
      const tasks = effectiveTasks(db, { drawId: id, includeVoided: true });
      if (o.json) {
        app.out.data(JSON.stringify({ draw: ev.draw, voided: d.voided, strata: ev.strata, tasks, ledger: ev.ledger ?? null, snapshotHash: ev.snapshotHash, resultHash: ev.resultHash }, null, 2));
        return;
      }
      const regions = Regions.load(db);
      app.out.info(`${ev.draw.id}  ${ev.draw.quarter}  ${t(`draw.level.${ev.draw.level}`)}  ${t(`draw.kind.${ev.draw.kind}`)}  ${ev.draw.createdAt}`);
      app.out.info([
        t('draw.show.entropy', { source: t(`draw.show.source.${ev.draw.entropySource}`), entropy: ev.draw.entropy }),
        t('draw.show.seed', { seed: ev.draw.seed }),
        t('draw.show.ledger', { seq: String(ev.ledger?.seq), hash: String(ev.ledger?.hash) }),
        commitmentLine(ev),
      ].join('\n'));
      if (d.voided) app.out.warn(t('draw.show.voided', { reason: d.voided.reason, at: d.voided.at }));
      printRun(app, { evidence: ev, outcome: undefined as never, rulesId: d.rulesId ?? 0, dryRun: false }, regions);
      taskRowsHuman(app, db, tasks);
    });
  examples(show, ['sj draw show 2023Q2-county-01', 'sj draw show 2023Q2-city-01 --json']);

  const exp = parent.command('export <id>').description(t('draw.cmd.export'))
    .option('--out <file.json>', t('draw.opt.exportOut'))
    .action((id: string, o: { out?: string }) => {
      const db = app.openDb();
      const ev = getEvidence(db, id);
      // JSON.stringify(ev, null, 1) + '\n', byte for byte; to a file in chunks, never one string
      if (o.out) {
        writePrettyJsonFile(o.out, ev);
        app.out.info(t('draw.exported', { file: o.out }));
      } else {
        const parts: string[] = [];
        writePrettyJson(ev, (s) => parts.push(s));
        app.out.data(parts.join(''));
      }
    });
  examples(exp, ['sj draw export 2023Q2-county-01 --out 2023Q2-county-01.evidence.json', 'sj verify --evidence 2023Q2-county-01.evidence.json']);

  const tasksCmd = parent.command('tasks').description(t('draw.cmd.tasks'))
    .option('-q, --quarter <Q>', t('draw.opt.tasksQuarter')).option('--draw <id>', t('draw.opt.tasksDraw'))
    .option('--out <file.xlsx>', t('draw.opt.tasksOut')).option('--by <group>', t('draw.opt.by')).option('--json', t('draw.opt.jsonShort'))
    .action(async (o: { quarter?: string; draw?: string; out?: string; by?: string; json?: boolean }) => {
      const by = parseBy(o.by);
      const db = app.openDb();
      if (!o.quarter && !o.draw) throw new UsageError(t('usage.missingFlag', { flag: '--quarter | --draw' }));
      const tasks = effectiveTasks(db, { quarter: o.quarter ? requireQuarter(o.quarter).id : undefined, drawId: o.draw });
      if (o.out) {
        await writeTaskList(db, o.out, tasks, by);
        app.out.info(t('draw.written', { file: o.out }));
      } else if (o.json) app.out.data(JSON.stringify({ tasks }, null, 2));
      else taskRowsHuman(app, db, tasks);
    });
  examples(tasksCmd, ['sj draw tasks --quarter 2023Q2', 'sj draw tasks --draw 2023Q2-county-01 --out tasks.xlsx', 'sj draw tasks --quarter 2023Q2 --by team --out 任务清单.xlsx', 'sj draw tasks --quarter 2023Q2 --out tasks.csv']);

  const voidCmd = parent.command('void <id>').description(t('draw.cmd.void'))
    .option('--reason <text>', t('draw.opt.reason')).option('--json', t('draw.opt.jsonShort'))
    .action((id: string, o: { reason?: string; json?: boolean }) => {
      if (!o.reason?.trim()) throw new UsageError(t('draw.reasonRequired'));
      const db = app.openDb();
      if (voidCommitIfCommit(app, db, id, o.reason.trim(), o.json)) return;
      const entry = writeTx(db, () => voidDraw(db, id, o.reason!.trim(), isoUtc(now())));
      if (o.json) app.out.data(JSON.stringify({ voided: id, ledger: { seq: entry.seq, hash: entry.hash } }, null, 2));
      else app.out.ok(t('draw.voided', { id, hash: entry.hash }));
    });
  examples(voidCmd, ['sj draw void 2023Q2-county-01 --reason "名录库导入错误，重新抽签"']);

  const sub = parent.command('substitute <id>').description(t('draw.cmd.substitute'))
    .option('--object <oid>', t('draw.opt.substObject'))
    .option('--task <oid>', t('draw.opt.substTask'))
    .option('--inspector <iid>', t('draw.opt.substInspector'))
    .option('--reason <text>', t('draw.opt.reason')).option('--json', t('draw.opt.jsonShort'))
    .action((id: string, o: { object?: string; task?: string; inspector?: string; reason?: string; json?: boolean }) => {
      if (!o.reason?.trim()) throw new UsageError(t('draw.reasonRequired'));
      if (!o.object === !(o.task && o.inspector)) throw new UsageError(t('draw.subst.mode'));
      const db = app.openDb();
      const res = writeTx(db, () => substitute(db, id, { object: o.object, task: o.task, inspector: o.inspector, reason: o.reason! }));
      if (o.json) app.out.data(JSON.stringify(res, null, 2));
      else app.out.ok(t('draw.subst.done', { original: res.original, replacement: res.replacement, reason: res.reason, hash: res.ledger.hash }));
    });
  examples(sub, [
    'sj draw substitute 2023Q2-county-01 --object 91131102MA0000001X --reason "企业已停产"',
    'sj draw substitute 2023Q2-county-01 --task 91131102MA0000001X --inspector 13110012345 --reason "回避：亲属在该企业任职"',
  ]);
}
