/** How errors reach the user: one line, a hint, the bad rows; never a stack trace for user errors. */
import { EXIT, SjError } from '../errors.js';
import { t } from '../messages/index.js';
import type { Output } from './output.js';

export const MAX_PROBLEMS_SHOWN = 50;

export function formatProblem(p: { file: string; sheet?: string; row?: number; column?: string; problem: string }): string {
  const where = [p.file, p.sheet, p.row !== undefined ? t('word.rowN', { n: p.row }) : undefined, p.column ? `「${p.column}」` : undefined]
    .filter(Boolean)
    .join(' ');
  return `${where}: ${p.problem}`;
}

export function reportError(out: Output, e: unknown, json: boolean): number {
  if (e instanceof SjError) {
    // Ctrl-C at a prompt: one line, status 130
    if (e.exitCode === EXIT.interrupted) {
      out.warn(e.message);
      return e.exitCode;
    }
    if (json) {
      out.data(
        JSON.stringify({ ok: false, error: { message: e.message, hint: e.hint ?? null, exitCode: e.exitCode, problems: e.problems ?? [], ...(e.details ?? {}) } }, null, 2),
      );
    }
    out.error(`${t('error.prefix')}: ${e.message}`);
    if (e.problems?.length) {
      for (const p of e.problems.slice(0, MAX_PROBLEMS_SHOWN)) out.info(`  ${formatProblem(p)}`);
      if (e.problems.length > MAX_PROBLEMS_SHOWN) out.info(`  ${t('error.more', { n: e.problems.length - MAX_PROBLEMS_SHOWN })}`);
    }
    if (e.hint) out.info(`${t('error.hint')}: ${e.hint}`);
    return e.exitCode;
  }
  const err = e as Error;
  if (err && /SQLITE_BUSY|database is locked/.test(String(err.message))) {
    out.error(`${t('error.prefix')}: ${t('db.busy')}`);
    return EXIT.error;
  }
  out.error(t('error.internal', { message: err?.message ?? String(e) }));
  if (process.env.SJ_DEBUG) out.info(String(err?.stack));
  return EXIT.error;
}

/** commander's usage errors (its own English sentences), in the user's language */
const COMMANDER_ERRORS: [RegExp, (m: RegExpExecArray) => string][] = [
  [/^unknown option '(.+)'$/, (m) => t('usage.unknownOption', { option: m[1]! })],
  [/^unknown command '(.+)'$/, (m) => t('usage.unknownCommand', { command: m[1]! })],
  [/^missing required argument '(.+)'$/, (m) => t('usage.missingArgument', { arg: m[1]! })],
  [/^option '(.+)' argument missing$/, (m) => t('usage.optionArgMissing', { option: m[1]! })],
  [/^required option '(.+)' not specified$/, (m) => t('usage.requiredOption', { option: m[1]! })],
  [/^(?:option|environment variable) '(.+)' cannot be used with (?:option|environment variable) '(.+)'$/, (m) => t('usage.conflict', { a: m[1]!, b: m[2]! })],
  [/^too many arguments(?: for '.+')?\. Expected (\d+) arguments? but got (\d+)\.$/, (m) => t('usage.tooManyArgs', { expected: m[1]!, got: m[2]! })],
  [/^option '(.+)' argument '(.*)' is invalid\. Allowed choices are (.+)\.$/, (m) => t('usage.badChoice', { what: m[1]!, value: m[2]!, choices: m[3]! })],
  [/^command-argument value '(.*)' is invalid for argument '(.+)'\. Allowed choices are (.+)\.$/, (m) => t('usage.badChoice', { what: m[2]!, value: m[1]!, choices: m[3]! })],
];

/**
 * A usage error as commander words it ("error: unknown option '--mdoe'\n(Did you mean --mode?)")
 * → the same in the user's language, with a hint naming the command's --help. A sentence this
 * table does not know is passed through as commander wrote it.
 */
export function localizeUsageError(raw: string, command: string): string {
  const [first = '', ...rest] = raw.replace(/\n+$/, '').split('\n');
  const message = first.replace(/^error: /, '');
  for (const [re, text] of COMMANDER_ERRORS) {
    const m = re.exec(message);
    if (!m) continue;
    const similar = /^\(Did you mean (?:one of )?(.+)\?\)$/.exec(rest.join(' ').trim());
    const suggestion = similar ? t('usage.didYouMean', { suggestion: similar[1]! }) : '';
    return `${t('error.prefix')}: ${text(m)}${suggestion}\n${t('error.hint')}: ${t('usage.seeHelp', { cmd: ['sj', command].filter(Boolean).join(' ') })}\n`;
  }
  return raw;
}
