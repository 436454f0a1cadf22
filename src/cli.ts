/**
 * The thin CLI: wires commands and maps errors to exit codes. No command logic here.
 */
import { Argument, Command, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, commandPath, commanderStatus } from './commands/app.js';
import { EXIT, SjError, UsageError } from './errors.js';
import { catalogue, parseLang, setLang, t } from './messages/index.js';
import { PACKAGE_ROOT } from './io/paths.js';
import { localizeUsageError, reportError } from './ui/errors.js';
import { loadColors } from './ui/output.js';

type CommandModule = { register(program: Command, app: App, freshProgram: () => Command): void };

/**
 * Every top-level command and the module that registers it, in the order of `sj --help`. A run
 * loads only the module of the command it names (start-up is most of a small command's time);
 * `sj`, `sj --help`, `sj help …` and a name that is not here load them all.
 */
const COMMANDS: readonly (readonly [name: string, load: () => Promise<CommandModule>])[] = [
  ['import', () => import('./commands/import.js')],
  ['roster', () => import('./commands/roster.js')],
  ['regions', () => import('./commands/regions.js')],
  ['rules', () => import('./commands/rules.js')],
  ['plan', () => import('./commands/plan.js')],
  ['draw', () => import('./commands/draw.js')],
  ['verify', () => import('./commands/verify.js')],
  ['ledger', () => import('./commands/verify.js')],
  ['keys', () => import('./commands/keys.js')],
  ['results', () => import('./commands/results.js')],
  ['publish', () => import('./commands/publish.js')],
  ['report', () => import('./commands/report.js')],
  ['check', () => import('./commands/check.js')],
  ['demo', () => import('./commands/demo.js')],
  ['', () => import('./commands/menu.js')], // the root's own action: the menu
  ['fairness', () => import('./commands/fairness.js')],
];

export const COMMAND_NAMES: readonly string[] = COMMANDS.map(([n]) => n).filter(Boolean);

/** The modules for a run of `name` (undefined: all of them), each once, in the help's order. */
export async function loadCommands(name?: string): Promise<CommandModule[]> {
  const wanted = COMMANDS.filter(([n]) => name === undefined || n === name);
  const modules = await Promise.all((wanted.length ? wanted : COMMANDS).map(([, load]) => load()));
  return [...new Set(modules)];
}

export function version(): string {
  return (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

/** A help line's description with its allowed values and default (an empty list is no default). */
function describe(text: string, choices: readonly string[] | undefined, value: unknown, valueText: string | undefined): string {
  const extra: string[] = [];
  if (choices) extra.push(t('help.choices', { list: choices.join(' | ') }));
  if (value !== undefined && !(Array.isArray(value) && value.length === 0)) extra.push(t('help.default', { value: valueText ?? (typeof value === 'string' ? value : JSON.stringify(value)) }));
  return extra.length ? `${text}${t('help.extra', { list: extra.join(t('help.extraSep')) })}` : text;
}

export function buildProgram(app: App, modules: readonly CommandModule[]): Command {
  return addCommands(rootProgram(app), app, modules);
}

/** The root command alone: the global options, help in the user's language, the pre-action hook. */
function rootProgram(app: App): Command {
  const program = new Command('sj');
  program
    .description(t('cli.description'))
    .version(version(), '-V, --version', t('cli.opt.version'))
    .option('--db <path>', t('cli.opt.db'))
    .addOption(new Option('--lang <lang>', t('cli.opt.lang')).choices(['zh', 'en']))
    .option('--no-color', t('cli.opt.noColor'))
    // set on the root before any subcommand exists, so every subcommand inherits them
    .helpOption('-h, --help', t('cli.opt.help'))
    .helpCommand('help [command]', t('cli.cmd.help'))
    .showHelpAfterError(false)
    .configureHelp({
      sortSubcommands: false,
      showGlobalOptions: true,
      // commander's headings ("Usage:", "Options:" …) in the language of the messages
      styleTitle: (title: string) => (`help.title.${title}` in catalogue ? t(`help.title.${title}`) : title),
      // commander's "(choices: …, default: …)" likewise
      optionDescription: (o: Option) => describe(o.description, o.argChoices, o.required || o.optional ? o.defaultValue : undefined, o.defaultValueDescription),
      argumentDescription: (a: Argument) => describe(a.description, a.argChoices, a.defaultValue, a.defaultValueDescription),
    })
    .hook('preAction', (_this, action) => {
      const g = action.optsWithGlobals() as { db?: string; color?: boolean; lang?: string };
      const lang = parseLang(g.lang) ?? parseLang(process.env.SJ_LANG);
      if (lang) setLang(lang);
      app.configure({ db: g.db, color: g.color });
    });
  return program;
}

/** The modules' commands on the root; every command's usage errors exit 2. */
function addCommands(program: Command, app: App, modules: readonly CommandModule[]): Command {
  // the menu runs its jobs through a fresh program (this one is still parsing when it starts)
  for (const m of modules) m.register(program, app, () => buildProgram(app, modules));
  // usage errors exit 2, and every subcommand behaves the same
  const configure = (c: Command) => {
    c.exitOverride();
    c.configureOutput({ writeErr: (s) => process.stderr.write(s), outputError: (s, write) => write(localizeUsageError(s, commandPath(c))) });
    c.commands.forEach(configure);
  };
  configure(program);
  return program;
}

/**
 * Where the next command name is in argv, from index `from`: the first argument that is not an
 * option of `cmd` or a global one (--db X, --lang=X, --no-color …, each with its value); -1 when
 * there is none, or when an option neither knows comes first (commander reports that one).
 */
export function commandIndex(program: Command, argv: string[], cmd: Command = program, from = 2): number {
  const known = cmd === program ? program.options : [...program.options, ...cmd.options];
  for (let i = from; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('-') || a === '-') return i;
    const flag = a.split('=')[0]!;
    const opt = known.find((o) => o.long === flag || o.short === flag);
    if (!opt) return -1;
    if ((opt.required || opt.optional) && !a.includes('=')) i++; // its value
  }
  return -1;
}

const subcommand = (cmd: Command, name: string): Command | undefined => cmd.commands.find((c) => c.name() === name || c.aliases().includes(name));

/**
 * `sj drwa --quarter 2023Q2` (or `sj draw lsit`): name the unknown command and suggest `draw`.
 * The root has an action (the menu, for `sj --db X`) and `draw` a default subcommand; commander
 * checks such a command for unknown options (or excess arguments) before it looks at the name,
 * so left alone it would say "unknown option --quarter".
 */
function rejectUnknownCommand(program: Command, argv: string[]): void {
  let cmd = program;
  let i = commandIndex(program, argv);
  while (i >= 0 && cmd.commands.length && !cmd.registeredArguments.length) {
    const name = argv[i]!;
    if (name === 'help') return;
    const sub = subcommand(cmd, name);
    if (!sub) {
      cmd.args = [name];
      (cmd as unknown as { unknownCommand(): never }).unknownCommand(); // commander's words and suggestion
    }
    cmd = sub!;
    i = commandIndex(program, argv, cmd, i + 1);
  }
}

/**
 * `sj help draw list` → `sj draw list --help` (commander's help command takes one name; a
 * subcommand's help is reached by its path). Only global options may come before `help`.
 */
export function nestedHelp(program: Command, argv: string[]): string[] {
  const i = commandIndex(program, argv);
  if (i < 0 || argv[i] !== 'help' || argv.length - i < 3) return argv;
  // every name must be a subcommand of the one before
  let c: Command = program;
  for (const name of argv.slice(i + 1)) {
    if (name.startsWith('-')) break;
    const sub = c.commands.find((s) => s.name() === name || s.aliases().includes(name));
    if (!sub) throw new UsageError(t('usage.unknownCommand', { command: name }), t('usage.seeHelp', { cmd: ['sj', commandPath(c)].filter(Boolean).join(' ') }));
    c = sub;
  }
  return [...argv.slice(0, i), ...argv.slice(i + 1), '--help'];
}

/**
 * The command modules a run needs: the one of the top-level command it names; none for a bare
 * `sj --version`; all of them otherwise (`sj`, `sj --help`, `sj help …`, an unknown name).
 */
function modulesFor(root: Command, argv: string[]): Promise<CommandModule[]> {
  const i = commandIndex(root, argv);
  const name = i < 0 ? undefined : argv[i];
  if (name && COMMAND_NAMES.includes(name)) return loadCommands(name);
  if (i < 0 && argv.slice(2).some((a) => a === '-V' || a === '--version')) return Promise.resolve([]);
  return loadCommands();
}

/** Run the CLI; resolves to the exit status. */
export async function main(argv: string[]): Promise<number> {
  // language first, so even argument errors speak it
  const langIdx = argv.indexOf('--lang');
  const lang = parseLang(langIdx >= 0 ? argv[langIdx + 1] : undefined) ?? parseLang(argv.find((a) => a.startsWith('--lang='))?.slice(7)) ?? parseLang(process.env.SJ_LANG);
  // Chinese unless asked otherwise (also for a second run in the same process, as the tests do)
  setLang(lang ?? 'zh');
  await loadColors();
  const app = new App();
  const root = rootProgram(app);
  const program = addCommands(root, app, await modulesFor(root, argv));
  let status: number;
  try {
    status = await run(program, app, argv);
  } finally {
    app.close();
  }
  // a failed run changes nothing, not even by creating the database file
  if (status !== EXIT.ok && status !== EXIT.targetsMissed) app.discardCreatedDb();
  return status;
}

async function run(program: Command, app: App, argv: string[]): Promise<number> {
  try {
    if (argv.length <= 2) {
      if (process.stdin.isTTY && process.stderr.isTTY) {
        const { runMenu } = await import('./commands/menu.js');
        await runMenu(program, app);
        return app.exitCode;
      }
      program.outputHelp({ error: true });
      return EXIT.usage;
    }
    rejectUnknownCommand(program, argv);
    await program.parseAsync(nestedHelp(program, argv));
    return app.exitCode;
  } catch (e) {
    const status = commanderStatus(e);
    if (status !== undefined) return status;
    const wantsJson = argv.includes('--json');
    return reportError(app.out, e, wantsJson);
  }
}

export { SjError };
