/**
 * `sj draw` and its subcommands: the wiring of all of them, and the actions list, show, export,
 * tasks, void and substitute. The draw itself is in draw-run.ts, commit and reveal in
 * draw-commit.ts; what they share in draw-scope.ts.
 */
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { t } from '../messages/index.js';
import type { DB } from '../io/db.js';
import { voidDrawOrCommit } from '../io/draw-service.js';
import { writePrettyJson, writePrettyJsonFile } from '../io/evidence-file.js';
import { effectiveTasks, getEvidence, listDraws, requireDraw, type EffectiveTask } from '../io/draw-store.js';
import { recordSubstitution } from '../io/substitution.js';
import { Regions } from '../io/regions.js';
import { objectNames } from '../io/object-names.js';
import { parseBy, writeTaskList } from '../io/task-list.js';
import { valueName } from '../messages/names.js';
import { textTable } from '../ui/table.js';
import { examples, type App } from './app.js';
import { commitmentLine, registerCeremony } from './draw-commit.js';
import { drawRun } from './draw-run.js';
import { printRun, withScopeOptions, type DrawOpts } from './draw-scope.js';
import { requireQuarter } from './period.js';

function taskRowsHuman(app: App, db: DB, tasks: EffectiveTask[]): void {
  const regions = Regions.load(db);
  const names = objectNames(db);
  const method = (m: string) => valueName('method', m);
  app.out.data(textTable(
    ['task', 'object', 'objectId', 'region', 'class', 'tier', 'method', 'joint', 'team', 'expert'].map((h) => t(`draw.h.${h}`)),
    tasks.map((tk) => [
      tk.taskNo, names.get(tk.objectId) ?? '', tk.objectId + (tk.originalObjectId ? ` ${t('draw.substitutedFrom', { original: tk.originalObjectId })}` : ''), regions.name(tk.objectRegion),
      t(`rules.class.${tk.class}`), tk.tier ?? '-', method(tk.method), tk.joint ? '√' : '', tk.inspectors.join(','), tk.expert ?? '',
    ]),
  ));
}

export interface ListOpts {
  quarter?: string;
  json?: boolean;
}

/** `sj draw list [--quarter Q]` */
export function drawList(app: App, o: ListOpts): void {
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
}

export interface ShowOpts {
  id: string;
  json?: boolean;
}

/** `sj draw show ID`: the draw's header, entropy, ledger entry, commitment, summary and tasks. */
export function drawShow(app: App, o: ShowOpts): void {
  const db = app.openDb();
  const d = requireDraw(db, o.id);
  const ev = getEvidence(db, o.id);
  const tasks = effectiveTasks(db, { drawId: o.id, includeVoided: true });
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
}

export interface ExportOpts {
  id: string;
  out?: string;
}

/** `sj draw export ID [--out FILE]`: the evidence file, JSON.stringify(ev, null, 1) + '\n' byte for byte. */
export function drawExport(app: App, o: ExportOpts): void {
  const db = app.openDb();
  const ev = getEvidence(db, o.id);
  // in chunks, to the file or to stdout, never one string (a 2M-object evidence is ~700 MB)
  if (o.out) {
    writePrettyJsonFile(o.out, ev);
    app.out.info(t('draw.exported', { file: o.out }));
  } else {
    writePrettyJson(ev, (s) => app.out.dataPart(s));
  }
}

export interface TasksOpts {
  quarter?: string;
  draw?: string;
  out?: string;
  by?: string;
  json?: boolean;
}

/** `sj draw tasks --quarter Q | --draw ID`: the live tasks as they stand (substitutions applied). */
export async function drawTasks(app: App, o: TasksOpts): Promise<void> {
  const by = parseBy(o.by);
  const db = app.openDb();
  if (!o.quarter && !o.draw) throw new UsageError(t('usage.missingFlag', { flag: '--quarter | --draw' }));
  const tasks = effectiveTasks(db, { quarter: o.quarter ? requireQuarter(o.quarter).id : undefined, drawId: o.draw });
  if (o.out) {
    await writeTaskList(db, o.out, tasks, by);
    app.out.info(t('draw.written', { file: o.out }));
  } else if (o.json) app.out.data(JSON.stringify({ tasks }, null, 2));
  else taskRowsHuman(app, db, tasks);
}

export interface VoidOpts {
  /** a draw's id, or a commit's (voided before its reveal) */
  id: string;
  reason?: string;
  json?: boolean;
}

/** `sj draw void ID --reason TEXT` */
export function drawVoid(app: App, o: VoidOpts): void {
  const reason = o.reason?.trim();
  if (!reason) throw new UsageError(t('draw.reasonRequired'));
  const { entry, commit } = voidDrawOrCommit(app.openDb(), o.id, reason);
  const ledger = { seq: entry.seq, hash: entry.hash };
  if (o.json) app.out.data(JSON.stringify(commit ? { voided: o.id, commit: true, ledger } : { voided: o.id, ledger }, null, 2));
  else app.out.ok(t(commit ? 'ceremony.voided' : 'draw.voided', { id: o.id, hash: entry.hash }));
}

export interface SubstituteOpts {
  id: string;
  object?: string;
  task?: string;
  inspector?: string;
  reason?: string;
  json?: boolean;
}

/** `sj draw substitute ID --object OID | --task OID --inspector IID --reason TEXT` (补抽) */
export function drawSubstitute(app: App, o: SubstituteOpts): void {
  const reason = o.reason?.trim();
  if (!reason) throw new UsageError(t('draw.reasonRequired'));
  if (!o.object === !(o.task && o.inspector)) throw new UsageError(t('draw.subst.mode'));
  const res = recordSubstitution(app.openDb(), o.id, { object: o.object, task: o.task, inspector: o.inspector, reason });
  if (o.json) app.out.data(JSON.stringify(res, null, 2));
  else app.out.ok(t('draw.subst.done', { original: res.original, replacement: res.replacement, reason: res.reason, hash: res.ledger.hash }));
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
    .action((o: DrawOpts) => drawRun(app, o));
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
    .action((o: ListOpts) => drawList(app, o));
  examples(list, ['sj draw list', 'sj draw list --quarter 2023Q2 --json']);

  const show = parent.command('show <id>').description(t('draw.cmd.show'))
    .option('--json', t('draw.opt.jsonShort'))
    .action((id: string, o: Omit<ShowOpts, 'id'>) => drawShow(app, { id, ...o }));
  examples(show, ['sj draw show 2023Q2-county-01', 'sj draw show 2023Q2-city-01 --json']);

  const exp = parent.command('export <id>').description(t('draw.cmd.export'))
    .option('--out <file.json>', t('draw.opt.exportOut'))
    .action((id: string, o: Omit<ExportOpts, 'id'>) => drawExport(app, { id, ...o }));
  examples(exp, ['sj draw export 2023Q2-county-01 --out 2023Q2-county-01.evidence.json', 'sj verify --evidence 2023Q2-county-01.evidence.json']);

  const tasksCmd = parent.command('tasks').description(t('draw.cmd.tasks'))
    .option('-q, --quarter <Q>', t('draw.opt.tasksQuarter')).option('--draw <id>', t('draw.opt.tasksDraw'))
    .option('--out <file.xlsx>', t('draw.opt.tasksOut')).option('--by <group>', t('draw.opt.by')).option('--json', t('draw.opt.jsonShort'))
    .action((o: TasksOpts) => drawTasks(app, o));
  examples(tasksCmd, ['sj draw tasks --quarter 2023Q2', 'sj draw tasks --draw 2023Q2-county-01 --out tasks.xlsx', 'sj draw tasks --quarter 2023Q2 --by team --out 任务清单.xlsx', 'sj draw tasks --quarter 2023Q2 --out tasks.csv']);

  const voidCmd = parent.command('void <id>').description(t('draw.cmd.void'))
    .option('--reason <text>', t('draw.opt.reason')).option('--json', t('draw.opt.jsonShort'))
    .action((id: string, o: Omit<VoidOpts, 'id'>) => drawVoid(app, { id, ...o }));
  examples(voidCmd, ['sj draw void 2023Q2-county-01 --reason "名录库导入错误，重新抽签"']);

  const sub = parent.command('substitute <id>').description(t('draw.cmd.substitute'))
    .option('--object <oid>', t('draw.opt.substObject'))
    .option('--task <oid>', t('draw.opt.substTask'))
    .option('--inspector <iid>', t('draw.opt.substInspector'))
    .option('--reason <text>', t('draw.opt.reason')).option('--json', t('draw.opt.jsonShort'))
    .action((id: string, o: Omit<SubstituteOpts, 'id'>) => drawSubstitute(app, { id, ...o }));
  examples(sub, [
    'sj draw substitute 2023Q2-county-01 --object 91131102MA0000001X --reason "企业已停产"',
    'sj draw substitute 2023Q2-county-01 --task 91131102MA0000001X --inspector 13110012345 --reason "回避：亲属在该企业任职"',
  ]);
}
