/**
 * Prompts that never block a script: they run only when stdin and stderr are TTYs and --yes
 * was not given; otherwise they fail with a usage error naming the flag that would answer them.
 * @inquirer/prompts writes to stderr here, never stdout.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { EXIT, SjError, UsageError } from '../errors.js';
import { t } from '../messages/index.js';

export interface PromptPolicy {
  /** --yes given */
  yes: boolean;
  interactive: boolean;
}

export function promptPolicy(yes: boolean): PromptPolicy {
  return { yes, interactive: !yes && Boolean(process.stdin.isTTY) && Boolean(process.stderr.isTTY) };
}

const ctx = () => ({ output: process.stderr, input: process.stdin });

/** The key help line under a list ("↑↓ navigate • ⏎ select"), in the message language. */
const KEY_ACTIONS = ['navigate', 'select', 'toggle', 'all', 'invert', 'submit'];
const keysTheme = {
  style: {
    keysHelpTip: (keys: [string, string][]) =>
      keys.map(([key, action]) => `${key} ${KEY_ACTIONS.includes(action) ? t(`prompt.key.${action}`) : action}`).join(' • '),
  },
};

/** Ctrl-C (or Ctrl-D) at a prompt: nothing is written, the CLI exits 130 with one line. */
export class InterruptedError extends SjError {
  constructor() {
    super(t('prompt.interrupted'), { exitCode: EXIT.interrupted });
    this.name = 'InterruptedError';
  }
}

export function isInterrupted(e: unknown): boolean {
  return e instanceof SjError && e.exitCode === EXIT.interrupted;
}

function cancelled(e: unknown): never {
  if (e instanceof Error && (e.name === 'ExitPromptError' || e.name === 'AbortPromptError' || e.name === 'CancelPromptError')) {
    throw new InterruptedError();
  }
  throw e;
}

export async function askText(policy: PromptPolicy, flag: string, message: string, opts: { default?: string; validate?: (s: string) => true | string } = {}): Promise<string> {
  if (!policy.interactive) throw new UsageError(t('usage.missingFlag', { flag }));
  const { input } = await import('@inquirer/prompts');
  return input({ message, default: opts.default, validate: opts.validate }, ctx()).catch(cancelled);
}

export async function askConfirm(policy: PromptPolicy, message: string, def = false): Promise<boolean> {
  if (policy.yes) return true;
  if (!policy.interactive) throw new UsageError(t('usage.missingFlag', { flag: '--yes' }));
  const { confirm } = await import('@inquirer/prompts');
  return confirm({ message, default: def }, ctx()).catch(cancelled);
}

export async function askSelect<T extends string>(policy: PromptPolicy, flag: string, message: string, choices: { value: T; name: string; description?: string }[]): Promise<T> {
  if (!policy.interactive) throw new UsageError(t('usage.missingFlag', { flag }));
  const { select } = await import('@inquirer/prompts');
  return select<T>({ message, choices, pageSize: Math.max(7, Math.min(choices.length, 15)), theme: keysTheme }, ctx()).catch(cancelled);
}

export async function askCheckbox<T extends string>(policy: PromptPolicy, flag: string, message: string, choices: { value: T; name: string; checked?: boolean }[]): Promise<T[]> {
  if (!policy.interactive) throw new UsageError(t('usage.missingFlag', { flag }));
  const { checkbox } = await import('@inquirer/prompts');
  return checkbox<T>({ message, choices, pageSize: Math.max(7, Math.min(choices.length, 15)), theme: keysTheme }, ctx()).catch(cancelled);
}

/**
 * A file path. `mustExist`: the file must be there (an input file); otherwise the folder must be
 * (an output file). Surrounding quotes (as a file dropped on a terminal pastes it) are removed.
 */
export async function askPath(policy: PromptPolicy, flag: string, message: string, opts: { default?: string; mustExist?: boolean } = {}): Promise<string> {
  const clean = (s: string) => s.trim().replace(/^(['"])(.*)\1$/u, '$2');
  const raw = await askText(policy, flag, message, {
    default: opts.default,
    validate: (s) => {
      const p = clean(s);
      if (!p) return t('menu.path.empty');
      if (opts.mustExist) {
        if (!existsSync(p)) return t('menu.path.missing', { path: p });
        if (!statSync(p).isFile()) return t('menu.path.notFile', { path: p });
      }
      return true;
    },
  });
  return clean(raw);
}

/**
 * A file to write. Empty is an answer only with `allowEmpty` (then ''), e.g. "empty: show it on
 * screen". Its folder must exist. An existing file is overwritten only when the user says so
 * (default no); otherwise another name is asked for.
 */
export async function askOutputPath(policy: PromptPolicy, flag: string, message: string, opts: { default?: string; allowEmpty?: boolean } = {}): Promise<string> {
  const clean = (s: string) => s.trim().replace(/^(['"])(.*)\1$/u, '$2');
  for (;;) {
    const p = clean(await askText(policy, flag, message, {
      default: opts.default,
      validate: (s) => {
        const v = clean(s);
        if (!v) return opts.allowEmpty ? true : t('menu.path.empty');
        if (existsSync(v) && statSync(v).isDirectory()) return t('menu.path.isFolder', { path: v });
        if (!existsSync(dirname(v))) return t('menu.path.noFolder', { path: dirname(v) });
        return true;
      },
    }));
    if (!p || !existsSync(p)) return p;
    if (await askConfirm(policy, t('menu.confirm.overwrite', { path: p }), false)) return p;
  }
}
