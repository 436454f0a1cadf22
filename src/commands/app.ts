/**
 * What every command gets: output streams, the database (opened on first use), the language,
 * the prompt policy, helpers for examples. Commands parse, validate and pick the output;
 * the work itself is in core/ (pure) and io/.
 */
import { CommanderError, type Command } from 'commander';
import { existsSync } from 'node:fs';
import { isPristine, openDb, removeDbFiles, resolveDbPath, type DB, type OpenOptions } from '../io/db.js';
import { BUNDLED_SOURCE } from '../io/rules-store.js';
import { makeOutput, type Output } from '../ui/output.js';
import { promptPolicy, type PromptPolicy } from '../ui/prompts.js';
import { getLang, t, type Lang } from '../messages/index.js';
import { EXIT, UsageError } from '../errors.js';
import { isDate } from '../core/workdays.js';
import { parsePercent } from '../core/percent.js';

export class App {
  out: Output = makeOutput();
  /** exit status to end with when the action returns normally (e.g. 3 from sj check) */
  exitCode = 0;
  private db?: DB;
  private dbFlag?: string;

  configure(opts: { db?: string; color?: boolean }): void {
    this.dbFlag = opts.db;
    this.out = makeOutput({ noColor: opts.color === false });
  }
  /** the --db option as given (undefined: SJ_DB or the default decides) */
  get dbOption(): string | undefined {
    return this.dbFlag;
  }
  /** use this database file (sj demo's own default), keeping the output as configured; before openDb */
  useDb(path: string): void {
    this.dbFlag = path;
  }
  get lang(): Lang {
    return getLang();
  }
  get dbPath(): string {
    return resolveDbPath(this.dbFlag);
  }
  /** the database file this run created (removed again if the run fails: see discardCreatedDb) */
  private createdPath?: string;
  /** open (once) the database; by default it is created on first use */
  openDb(opts: OpenOptions = {}): DB {
    if (!this.db) {
      const path = this.dbPath;
      const existed = path === ':memory:' || existsSync(path);
      this.db = openDb(path, opts);
      if (!existed) this.createdPath = path;
    }
    return this.db;
  }
  /**
   * A run that failed leaves no trace: a database file it created on first use is removed with
   * its -wal and -shm files, provided it still holds only what a fresh database starts with
   * (a failed command rolls its transaction back; a menu session may have done more before
   * failing, and that is kept). Call after close().
   */
  discardCreatedDb(): void {
    if (!this.createdPath || this.db) return;
    try {
      if (!isPristine(this.createdPath, BUNDLED_SOURCE)) return;
    } catch {
      return; // not readable as a database: not ours to remove
    }
    removeDbFiles(this.createdPath);
    this.createdPath = undefined;
  }
  prompts(yes: boolean): PromptPolicy {
    return promptPolicy(yes);
  }
  close(): void {
    if (this.db?.open) this.db.close();
    this.db = undefined;
  }
}

/** Registered examples per command path, for --help and for the docs test. */
export const EXAMPLES = new Map<string, string[]>();

export function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c && c.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** Attach examples to a command's --help (and to the registry). */
export function examples(cmd: Command, lines: string[]): Command {
  EXAMPLES.set(commandPath(cmd), lines);
  cmd.addHelpText('after', () => `\nExamples / 示例:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`);
  return cmd;
}

/** Parse an integer option, or throw a usage error naming the flag. */
export function intOption(flag: string, v: string | undefined, min = 0, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new UsageError(`${flag}: ${v}`, `${min}–${max}`);
  return Number(v);
}

/** A share option (--joint-share): 30%, 30, 12.5% or 3000bp → basis points (core/percent.ts), or a usage error. */
export function percentOption(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const r = parsePercent(v);
  if (r.ok) return r.bp;
  const asPercent = r.reason === 'ambiguous' ? String(r.fractionBp / 100) : '';
  throw new UsageError(t(`usage.percent.${r.reason}`, { flag, value: v.trim(), asPercent }), t('usage.percent.hint'));
}

/**
 * The one parser of every date option (--date, --as-of …): YYYY-MM-DD and a real calendar day
 * (2023-13-01 and 2023-02-30 are refused), or a usage error naming the flag.
 */
export function dateOption(flag: string, v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (!isDate(v)) throw new UsageError(`${flag}: ${t('date.bad', { value: v })}`);
  return v;
}

/** commander collector for repeatable options */
export const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

/**
 * The exit status of commander's own exits (exitOverride): 0 after help or the version, else a
 * usage error commander has already printed (2). Undefined for every other error.
 */
export function commanderStatus(e: unknown): number | undefined {
  if (!(e instanceof CommanderError)) return undefined;
  if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.ok;
  return EXIT.usage;
}
