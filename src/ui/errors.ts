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
