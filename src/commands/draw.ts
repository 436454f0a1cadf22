/**
 * `sj draw` and its subcommands: list, show, export, void, substitute.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { shortfallOf } from '../core/draw.js';
import { parseQuarter, quarterEnded, QUARTER_FORMS, type Quarter } from '../core/quarter.js';
import { shortSeed } from '../core/seed.js';
import type { DrawFilter, DrawMethod, Evidence, Level } from '../core/types.js';
import { UsageError } from '../errors.js';
import { t } from '../messages/index.js';
import { dateCst, isoUtc, now } from '../io/clock.js';
import { rehearsalTx, writeTx, type DB } from '../io/db.js';
import { effectiveTasks, getEvidence, listDraws, requireDraw, voidDraw, type EffectiveTask } from '../io/draw-store.js';
import { ledgerHead } from '../io/ledger.js';
import { substitute } from '../io/substitution.js';
import { Regions } from '../io/regions.js';
import { readRoster } from '../io/roster-read.js';
import { parseBy, writeTaskList } from '../io/task-list.js';
import { valueName } from '../messages/names.js';
import { askConfirm, askText } from '../ui/prompts.js';
import { textTable } from '../ui/table.js';
import { collect, dateOption, examples, percentOption, type App } from './app.js';
import { commitmentLine, registerCeremony, voidCommitIfCommit } from './draw-commit.js';
import { generateEntropy, makeDraw, type DrawRequest, type DrawRun } from './draw-run.js';

export function requireQuarter(v: string | undefined): Quarter {
  if (!v) throw new UsageError(t('draw.needQuarter'), QUARTER_FORMS.join(', '));
  const q = parseQuarter(v);
  if (!q) throw new UsageError(t('quarter.bad', { value: v }));
  return q;
}

export function resolveCounties(regions: Regions, values: string[]): string[] {
  return values.map((v) => {
    const r = regions.find(v);
    if (!r) throw new UsageError(t('region.unknown', { value: v }), t('region.unknownHint'));
    if (r.level !== 'county') throw new UsageError(t('draw.countyOnly', { value: v }));
    return r.code;
  });
}

const splitList = (vs: string[]): string[] => vs.flatMap((v) => v.split(/[,，、;；]/u)).map((s) => s.trim()).filter(Boolean);

export interface DrawOpts {
  quarter?: string;
  level: string;
  region: string[];
  seed?: string;
  directional?: boolean;
  industry: string[];
  tag: string[];
  method: string;
  jointShare?: string;
  departmentJoint?: boolean;
  partners?: string;
  withExperts?: boolean;
  date?: string;
  dryRun?: boolean;
  out?: string;
  by?: string;
  json?: boolean;
  yes?: boolean;
}

/** The per-region, per-class summary of a draw. */
export function drawSummary(ev: Evidence, regions: Regions) {
  const rows = new Map<string, { region: string; class: string; quota: number; credited: number; drawn: number; shortfall: number; population: number }>();
  for (const s of ev.strata) {
    const k = `${s.region}|${s.class}`;
    const r = rows.get(k) ?? { region: s.region, class: s.class, quota: 0, credited: 0, drawn: 0, shortfall: 0, population: 0 };
    r.quota += s.quota;
    r.credited += s.credited ?? 0;
    r.drawn += s.selected;
    r.shortfall += shortfallOf(s);
    r.population += s.population;
    rows.set(k, r);
  }
  const teams = new Map<string, number>();
  for (const tk of ev.tasks) teams.set(`${tk.region}|${tk.class}`, (teams.get(`${tk.region}|${tk.class}`) ?? 0) + 1);
  return [...rows.values()].map((r) => ({ ...r, regionName: regions.name(r.region), teams: teams.get(`${r.region}|${r.class}`) ?? 0 }));
}

export function printRun(app: App, run: DrawRun, regions: Regions): void {
  const ev = run.evidence;
  const sum = drawSummary(ev, regions);
  app.out.info(app.out.color.bold(t('draw.runTitle', { id: ev.draw.id, level: t(`draw.level.${ev.draw.level}`), quarter: ev.draw.quarter, seed: ev.draw.seed })));
  app.out.info(t('draw.algorithm', { algorithm: ev.algorithm, date: ev.draw.createdAt.slice(0, 10) }));
  if (ev.draw.entropySource === 'generated' && !run.dryRun) app.out.info(t('draw.seedGenerated', { entropy: ev.draw.entropy }));
  app.out.data(textTable(
    ['region', 'class', 'objects', 'quota', 'credited', 'drawn', 'shortfall', 'teams'].map((h) => t(`draw.h.${h}`)),
    sum.map((r) => [r.regionName, t(`rules.class.${r.class}`), r.population, r.quota, r.credited, r.drawn, r.shortfall, r.teams]),
  ));
  const short = sum.reduce((n, r) => n + r.shortfall, 0);
  if (short > 0) app.out.warn(t('draw.shortfall', { n: short }));
  app.out.ok(t('draw.done', { id: ev.draw.id, tasks: ev.tasks.length }));
}

export function runJson(run: DrawRun, regions: Regions) {
  const ev = run.evidence;
  return {
    id: ev.draw.id, algorithm: ev.algorithm, quarter: ev.draw.quarter, level: ev.draw.level, kind: ev.draw.kind, regions: ev.draw.regions,
    date: ev.draw.createdAt.slice(0, 10), seed: ev.draw.seed, entropy: ev.draw.entropy, entropySource: ev.draw.entropySource, dryRun: run.dryRun,
    tasks: ev.tasks.length, shortfall: ev.strata.reduce((n, s) => n + shortfallOf(s), 0),
    summary: drawSummary(ev, regions), strata: ev.strata, snapshotHash: ev.snapshotHash, resultHash: ev.resultHash,
    ledger: run.ledger ?? null,
  };
}

/**
 * The draw date: --date, or today while the quarter has not ended. A draw for a quarter that has
 * ended needs --date (its certificates are judged on that day, never on today's); a date after
 * the quarter's end is refused.
 */
export function drawDate(quarter: Quarter, given: string | undefined): string | undefined {
  if (given && given > quarter.end) throw new UsageError(t('draw.dateAfterQuarter', { date: given, quarter: quarter.id, end: quarter.end }));
  if (!given && quarterEnded(quarter, dateCst(now()))) {
    throw new UsageError(t('usage.missingFlag', { flag: '--date' }), t('draw.dateNeeded', { quarter: quarter.id, end: quarter.end }));
  }
  return given;
}

/** Draw the levels in order in one transaction (rolled back for a rehearsal). */
export function drawAllLevels(db: DB, base: Omit<DrawRequest, 'level'>, levels: Level[], rehearsal: boolean): DrawRun[] {
  const all = () => levels.map((level) => makeDraw(db, { ...base, level }, { dryRun: false, inTransaction: true }));
  if (!rehearsal) return writeTx(db, all);
  return rehearsalTx(db, all).map((r) => ({ ...r, dryRun: true, ledger: undefined }));
}

/**
 * What a draw will draw, from its options, validated (shared by `sj draw` and `sj draw commit`):
 * the quarter, the levels in drawing order, and the request without its entropy.
 */
export function drawScope(app: App, o: DrawOpts) {
  const quarter = requireQuarter(o.quarter);
  const by = parseBy(o.by);
  if (!['city', 'county', 'all'].includes(o.level)) throw new UsageError(t('draw.badLevel'));
  if (!['auto', 'onsite', 'offsite'].includes(o.method)) throw new UsageError(t('usage.badValue', { flag: '--method', value: o.method }), 'auto | onsite | offsite');
  const jointShare = percentOption('--joint-share', o.jointShare);
  const date = drawDate(quarter, dateOption('--date', o.date));
  const industries = splitList(o.industry);
  const tags = splitList(o.tag);
  if (!o.directional && (industries.length || tags.length)) throw new UsageError(t('draw.filterWithoutDirectional'));
  const partners = splitList(o.partners ? [o.partners] : []);
  if (partners.length && !o.departmentJoint) throw new UsageError(t('draw.partnersWithoutJoint'));
  if (o.departmentJoint && !partners.length) throw new UsageError(t('draw.jointNeedsPartners'));

  const db = app.openDb();
  const regions = Regions.load(db);
  const regionCodes = resolveCounties(regions, splitList(o.region));
  let filter: DrawFilter | null = null;
  if (o.directional) {
    if (!industries.length && !tags.length && !regionCodes.length) throw new UsageError(t('draw.directionalNeedsFilter'));
    filter = { industries, tags, regions: regionCodes };
  }
  const levels: Level[] = o.level === 'all' ? ['city', 'county'] : [o.level as Level];
  if (!o.directional && regionCodes.length && levels.includes('city')) {
    if (o.level === 'city') throw new UsageError(t('draw.cityRegion'));
    levels.splice(levels.indexOf('city'), 1); // --region narrows --level all to the county draw
  }
  const request = {
    quarter, regions: regionCodes, directional: Boolean(o.directional), filter,
    method: o.method as DrawMethod, jointShare, departmentJoint: Boolean(o.departmentJoint), partners,
    withExperts: Boolean(o.withExperts), date,
  };
  return { quarter, by, db, regions, levels, request };
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
  const draw = parent
    .command('run', { isDefault: true })
    .description(t('draw.cmd.run'))
    .option('-q, --quarter <Q>', t('draw.opt.quarter'))
    .option('--level <level>', t('draw.opt.level'), 'all')
    .option('--region <code>', t('draw.opt.region'), collect, [])
    .option('--seed <entropy>', t('draw.opt.seed'))
    .option('--directional', t('draw.opt.directional'))
    .option('--industry <name>', t('draw.opt.industry'), collect, [])
    .option('--tag <tag>', t('draw.opt.tag'), collect, [])
    .option('--method <m>', t('draw.opt.method'), 'auto')
    .option('--joint-share <percent>', t('draw.opt.jointShare'))
    .option('--department-joint', t('draw.opt.departmentJoint'))
    .option('--partners <list>', t('draw.opt.partners'))
    .option('--with-experts', t('draw.opt.withExperts'))
    .option('--date <YYYY-MM-DD>', t('draw.opt.date'))
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
      const text = JSON.stringify(ev, null, 1) + '\n';
      if (o.out) {
        writeFileSync(o.out, text);
        app.out.info(t('draw.exported', { file: o.out }));
      } else app.out.data(text);
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
