/**
 * `sj` with no command on a TTY: the guided menu. Each job asks its questions with the prompt
 * wrappers (stderr; Ctrl-C → exit 130, nothing written), then runs the real command through
 * commander (`program.parseAsync`), so the menu never has a code path of its own, and shows the
 * equivalent command line so the job can be scripted next time.
 * Without a TTY, `sj` (or `sj --db X`) prints the help on stderr and exits 2.
 */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { parseQuarter, quarterOfDate, type JudgeDate, type Quarter } from '../core/quarter.js';
import { EXIT } from '../errors.js';
import { t } from '../messages/index.js';
import { today } from '../io/clock.js';
import { openDb, type DB } from '../io/db.js';
import { reportError } from '../ui/errors.js';
import { askConfirm, askOutputPath, askPath, askSelect, askText, isInterrupted, promptPolicy, type PromptPolicy } from '../ui/prompts.js';
import { isDate } from '../core/workdays.js';
import { shortSeed } from '../core/seed.js';
import type { Level } from '../core/types.js';
import { commanderStatus, examples, type App } from './app.js';
import { computePlan, planDate } from '../io/plan-data.js';
import { planWarnings } from './plan.js';

type Job = 'import' | 'plan' | 'draw' | 'results' | 'report' | 'check' | 'verify' | 'quit';

const JOBS: Job[] = ['import', 'plan', 'draw', 'results', 'report', 'check', 'verify', 'quit'];

/** Quote one argument for a POSIX shell, as a person would write it. */
export function shellQuote(s: string): string {
  if (s !== '' && /^[\p{L}\p{N}_\-./:=@%+,]+$/u.test(s)) return s;
  return `"${s.replace(/(["\\$`])/g, '\\$1')}"`;
}

/** The command line a script would run: `sj ARGS…` */
export function commandLine(args: string[]): string {
  return ['sj', ...args.map(shellQuote)].join(' ');
}

export function currentQuarter(): string {
  return quarterOfDate(today()).id;
}

interface Ctx {
  program: Command;
  app: App;
  policy: PromptPolicy;
  /** global options to pass on to every command (--db …, --lang …, --no-color) */
  globals: string[];
  /** the global options a script must repeat (--db …) */
  shown: string[];
}

/** Run one command through commander; resolves to its exit status (130 propagates). */
async function run(ctx: Ctx, args: string[]): Promise<number> {
  const { app, program } = ctx;
  app.exitCode = 0;
  app.out.info(app.out.color.dim(`$ ${commandLine([...ctx.shown, ...args])}`));
  try {
    await program.parseAsync(['node', 'sj', ...ctx.globals, ...args]);
    return app.exitCode;
  } catch (e) {
    if (isInterrupted(e)) throw e;
    const status = commanderStatus(e);
    if (status !== undefined) return status;
    return reportError(app.out, e, false);
  } finally {
    app.exitCode = 0;
  }
}

/** After a job: the status, if not 0, and the line to run next time. */
function finish(ctx: Ctx, args: string[], status: number): void {
  const { out } = ctx.app;
  if (status === EXIT.targetsMissed) out.warn(t('menu.status.targets'));
  else if (status !== EXIT.ok) out.warn(t('menu.status.failed', { status }));
  out.info(out.color.bold(t('menu.nextTime', { command: commandLine([...ctx.shown, ...args]) })));
}

const askQuarter = (ctx: Ctx, message = t('menu.ask.quarter')): Promise<string> =>
  askText(ctx.policy, '--quarter', message, {
    default: currentQuarter(),
    validate: (s) => (parseQuarter(s) ? true : t('quarter.bad', { value: s.trim() })),
  }).then((s) => parseQuarter(s)!.id);

const askLevel = (ctx: Ctx): Promise<'all' | 'city' | 'county'> =>
  askSelect(ctx.policy, '--level', t('menu.ask.level'), [
    { value: 'all', name: t('menu.level.all') },
    { value: 'city', name: t('menu.level.city') },
    { value: 'county', name: t('menu.level.county') },
  ]);

/** --quarter Q or --year Y */
async function askPeriod(ctx: Ctx): Promise<string[]> {
  const scope = await askSelect(ctx.policy, '--quarter | --year', t('menu.ask.period'), [
    { value: 'quarter', name: t('menu.period.quarter') },
    { value: 'year', name: t('menu.period.year') },
  ]);
  if (scope === 'quarter') return ['--quarter', await askQuarter(ctx)];
  const y = await askText(ctx.policy, '--year', t('menu.ask.year'), {
    default: currentQuarter().slice(0, 4),
    validate: (s) => (/^\d{4}$/.test(s.trim()) ? true : t('menu.bad.year', { value: s.trim() })),
  });
  return ['--year', y.trim()];
}

async function jobImport(ctx: Ctx): Promise<void> {
  const kind = await askSelect(ctx.policy, 'KIND', t('menu.ask.rosterKind'), [
    { value: 'objects', name: t('menu.kind.objects') },
    { value: 'inspectors', name: t('menu.kind.inspectors') },
    { value: 'experts', name: t('menu.kind.experts') },
    { value: 'items', name: t('menu.kind.items') },
    { value: 'avoidance', name: t('menu.kind.avoidance') },
  ]);
  const file = await askPath(ctx.policy, 'FILE', t('menu.ask.importFile'), { mustExist: true });
  const mode = await askSelect(ctx.policy, '--mode', t('menu.ask.mode'), [
    { value: 'full', name: t('menu.mode.full') },
    { value: 'partial', name: t('menu.mode.partial') },
  ]);
  const args = ['import', kind, file, ...(mode === 'partial' ? ['--mode', 'partial'] : [])];
  // check first (nothing written), then ask
  const checked = await run(ctx, [...args, '--dry-run']);
  if (checked !== EXIT.ok) return finish(ctx, args, checked);
  if (!(await askConfirm(ctx.policy, t('menu.confirm.import'), true))) {
    ctx.app.out.warn(t('menu.notDone'));
    return finish(ctx, args, EXIT.ok);
  }
  finish(ctx, args, await run(ctx, args));
}

async function jobPlan(ctx: Ctx): Promise<void> {
  const quarter = await askQuarter(ctx);
  const level = await askLevel(ctx);
  const args = ['plan', '--quarter', quarter, ...(level === 'all' ? [] : ['--level', level])];
  finish(ctx, args, await run(ctx, args));
}

/**
 * The plan's date for a quarter, read without writing: a Ctrl-C at the next question must leave
 * the database as it was, and the working calendar is stored in it on first use. A database not
 * there yet (or not readable so) is judged by the bundled calendar, in memory.
 */
function defaultDrawDate(path: string, quarter: Quarter): JudgeDate {
  let db: DB | undefined;
  try {
    if (existsSync(path)) db = openDb(path, { readonly: true });
  } catch {
    db = undefined; // e.g. an older schema, migrated by the first command that writes
  }
  db ??= openDb(':memory:');
  try {
    return planDate(db, quarter, undefined);
  } finally {
    db.close();
  }
}

/**
 * The draw date, defaulting as the plan does (core/quarter.ts judgeDate): today while the quarter
 * has not ended, else its first working day. Never after the quarter's last day (sj draw refuses it).
 */
async function askDrawDate(ctx: Ctx, quarterId: string): Promise<string> {
  const quarter = parseQuarter(quarterId)!;
  const def = defaultDrawDate(ctx.app.dbPath, quarter);
  if (def.basis === 'quarter-start') ctx.app.out.info(t('menu.draw.dateEnded', { quarter: quarter.id, end: quarter.end, date: def.date }));
  const date = await askText(ctx.policy, '--date', t('menu.ask.drawDate'), {
    default: def.date,
    validate: (s) => {
      const v = s.trim();
      if (!isDate(v)) return t('date.bad', { value: v });
      return v > quarter.end ? t('menu.bad.dateAfterQuarter', { date: v, quarter: quarter.id, end: quarter.end }) : true;
    },
  });
  return date.trim();
}

/**
 * Right above the confirmation, what the plan's tables said far above: the date, the seed (and
 * whether it is weak), shortfalls, regions that cannot be staffed. Returns whether the draw would fail.
 */
function showBeforeConfirm(ctx: Ctx, o: { quarter: string; level: 'all' | 'city' | 'county'; date: string; entropy: string }): boolean {
  const { out } = ctx.app;
  const levels: Level[] = o.level === 'all' ? ['city', 'county'] : [o.level];
  const warnings = planWarnings(computePlan(ctx.app.openDb(), { quarter: parseQuarter(o.quarter)!, levels, regions: [], date: o.date }));
  out.info('');
  out.info(out.color.bold(t('menu.draw.beforeConfirm')));
  out.info(t('menu.draw.dateIs', { date: o.date }));
  out.info(o.entropy ? t('menu.draw.entropyIs', { entropy: o.entropy }) : t('menu.draw.entropyGenerated'));
  const short = o.entropy ? shortSeed(o.entropy) : null;
  if (short) out.warn(`⚠ ${t('draw.seedShort', short)}`);
  for (const w of warnings) out.warn(`⚠ ${w.text}`);
  if (!warnings.length) out.info(t('menu.draw.noProblems'));
  return warnings.some((w) => w.fails);
}

async function jobDraw(ctx: Ctx): Promise<void> {
  const { out } = ctx.app;
  const quarter = await askQuarter(ctx, t('menu.ask.drawQuarter'));
  const level = await askLevel(ctx);
  const date = await askDrawDate(ctx, quarter);
  out.info(t('menu.draw.entropyHelp'));
  const entropy = (await askText(ctx.policy, '--seed', t('menu.ask.entropy'), {
    validate: (s) => (s.trim() === '' || /\d/.test(s) ? true : t('menu.bad.entropy')),
  })).trim().replace(/\s+/g, ' ');
  const outFile = await askOutputPath(ctx.policy, '--out', t('menu.ask.taskList'), { allowEmpty: true });
  const levelArgs = level === 'all' ? [] : ['--level', level];
  // the plan first: what this quarter requires, region by region (nothing drawn)
  out.info(out.color.bold(t('menu.draw.plan', { quarter })));
  const planArgs = ['plan', '--quarter', quarter, '--date', date, ...levelArgs];
  const planned = await run(ctx, planArgs);
  if (planned !== EXIT.ok) return finish(ctx, planArgs, planned);
  const fails = showBeforeConfirm(ctx, { quarter, level, date, entropy });
  const args = ['draw', '--quarter', quarter, ...levelArgs, '--date', date, ...(entropy ? ['--seed', entropy] : []), ...(outFile ? ['--out', outFile] : []), '--yes'];
  const question = t(fails ? 'menu.confirm.drawFails' : 'menu.confirm.draw', { quarter, level: t(`menu.levelShort.${level}`) });
  // no by default: a draw cannot be undone (and one that would fail is not worth a stray Enter)
  if (!(await askConfirm(ctx.policy, question, false))) {
    out.warn(t('menu.notDone'));
    return finish(ctx, args, EXIT.ok);
  }
  const status = await run(ctx, args);
  if (status === EXIT.ok) out.info(t('menu.draw.after'));
  finish(ctx, args, status);
}

async function jobResults(ctx: Ctx): Promise<void> {
  const what = await askSelect(ctx.policy, 'template | import', t('menu.ask.resultsStep'), [
    { value: 'template', name: t('menu.results.template') },
    { value: 'import', name: t('menu.results.import') },
  ]);
  if (what === 'template') {
    const quarter = await askQuarter(ctx);
    const file = await askOutputPath(ctx.policy, '--out', t('menu.ask.outFile'), { default: t('menu.default.resultsFile', { quarter }) });
    const args = ['results', 'template', '--quarter', quarter, '--out', file];
    const status = await run(ctx, args);
    if (status === EXIT.ok) ctx.app.out.info(t('menu.results.fillThen', { file }));
    return finish(ctx, args, status);
  }
  const file = await askPath(ctx.policy, 'FILE', t('menu.ask.resultsFile'), { mustExist: true });
  const args = ['results', 'import', file];
  const checked = await run(ctx, [...args, '--dry-run']);
  if (checked !== EXIT.ok) return finish(ctx, args, checked);
  if (!(await askConfirm(ctx.policy, t('menu.confirm.results'), true))) {
    ctx.app.out.warn(t('menu.notDone'));
    return finish(ctx, args, EXIT.ok);
  }
  finish(ctx, args, await run(ctx, args));
}

async function jobReport(ctx: Ctx): Promise<void> {
  const period = await askPeriod(ctx);
  // no default: an empty answer shows the table on screen, as the question says
  const example = t('menu.default.reportFile', { period: period[1]! });
  const file = await askOutputPath(ctx.policy, '--out', t('menu.ask.reportFile', { example }), { allowEmpty: true });
  const args = ['report', ...period, ...(file ? ['--out', file] : [])];
  finish(ctx, args, await run(ctx, args));
}

async function jobCheck(ctx: Ctx): Promise<void> {
  const args = ['check', ...(await askPeriod(ctx))];
  finish(ctx, args, await run(ctx, args));
}

async function jobVerify(ctx: Ctx): Promise<void> {
  const what = await askSelect(ctx.policy, '--evidence | --head', t('menu.ask.verifyWhat'), [
    { value: 'db', name: t('menu.verify.db') },
    { value: 'evidence', name: t('menu.verify.evidence') },
    { value: 'head', name: t('menu.verify.head') },
  ]);
  let args = ['verify'];
  if (what === 'evidence') args = ['verify', '--evidence', await askPath(ctx.policy, '--evidence', t('menu.ask.evidenceFile'), { mustExist: true })];
  if (what === 'head') {
    const h = await askText(ctx.policy, '--head', t('menu.ask.head'), {
      validate: (s) => (/^[0-9a-f]{64}$/i.test(s.trim()) ? true : t('menu.bad.head')),
    });
    args = ['verify', '--head', h.trim().toLowerCase()];
  }
  finish(ctx, args, await run(ctx, args));
}

const HANDLERS: Record<Exclude<Job, 'quit'>, (ctx: Ctx) => Promise<void>> = {
  import: jobImport, plan: jobPlan, draw: jobDraw, results: jobResults, report: jobReport, check: jobCheck, verify: jobVerify,
};

/** The global options of the command line, to pass on (and the ones a script must repeat). */
function globalArgs(program: Command): { globals: string[]; shown: string[] } {
  const g = program.opts() as { db?: string; lang?: string; color?: boolean };
  const shown = g.db ? ['--db', g.db] : [];
  const globals = [...shown, ...(g.lang ? ['--lang', g.lang] : []), ...(g.color === false ? ['--no-color'] : [])];
  return { globals, shown };
}

export interface MenuOpts {
  /** the root command as parsed: its excess arguments, its global options, its help */
  root: Command;
  /** builds the program the menu drives (cli.ts passes its buildProgram: no import back) */
  freshProgram: () => Command;
}

/**
 * `sj` (or `sj --db X`, global options only): the menu on a TTY; else the help on stderr and
 * exit 2. A stray word is an unknown command (commander's words and suggestion).
 */
export async function menu(app: App, o: MenuOpts): Promise<void> {
  if (o.root.args.length) {
    (o.root as unknown as { unknownCommand(): never }).unknownCommand();
  }
  if (!(app.out.stdinIsTTY && app.out.stderrIsTTY)) {
    o.root.outputHelp({ error: true });
    app.exitCode = EXIT.usage;
    return;
  }
  // a fresh program for the commands the menu runs: this one is still parsing
  await runMenu(o.freshProgram(), app, globalArgs(o.root));
}

export function register(program: Command, app: App, freshProgram: () => Command): void {
  // the menu's action on the root. Registered last, so only the root is touched.
  program.allowExcessArguments(true);
  program.helpCommand(true); // an action on the root would otherwise drop `sj help COMMAND`
  program.action((_o: unknown, root: Command) => menu(app, { root, freshProgram }));
  examples(program, ['sj', 'sj --db 衡水.db', 'sj --lang en', 'sj help draw']);
}

/** `sj` with no arguments on a TTY: the guided menu. */
export async function runMenu(program: Command, app: App, globals: { globals: string[]; shown: string[] } = { globals: [], shown: [] }): Promise<void> {
  const ctx: Ctx = { program, app, policy: promptPolicy(false), ...globals };
  const { out } = app;
  out.info(out.color.bold(t('menu.title')));
  out.info(t('menu.db', { path: app.dbPath }));
  for (;;) {
    const job = await askSelect<Job>(ctx.policy, 'COMMAND', t('menu.ask.job'), JOBS.map((j) => ({ value: j, name: t(`menu.job.${j}`), description: t(`menu.jobHelp.${j}`) })));
    if (job === 'quit') break;
    await HANDLERS[job](ctx);
    out.info('');
  }
  app.exitCode = EXIT.ok;
}
