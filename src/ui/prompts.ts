/**
 * Prompts that never block a script: they run only when stdin and stderr are TTYs and --yes
 * was not given; otherwise they fail with a usage error naming the flag that would answer them.
 * @inquirer/prompts writes to stderr here, never stdout.
 */
import { UsageError } from '../errors.js';
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

function cancelled(e: unknown): never {
  if (e instanceof Error && (e.name === 'ExitPromptError' || e.name === 'AbortPromptError')) {
    const err = new UsageError(t('interrupted'));
    (err as { exitCode: number }).exitCode = 130;
    throw err;
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
  return select<T>({ message, choices }, ctx()).catch(cancelled);
}
