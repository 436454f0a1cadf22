/**
 * `sj keys generate`, and the command-side helpers of signed ledger heads that
 * `sj verify --head` (commands/verify.ts) uses; signing and reading statement files is
 * io/signed-head.ts's.
 */
import type { Command } from 'commander';
import type { HeadCheck, HeadStatement } from '../core/signed-head.js';
import { generateKeyFiles } from '../io/keys.js';
import { t } from '../messages/index.js';
import { examples, type App } from './app.js';

export interface KeysGenerateOpts {
  /** the folder the key pair is written into (created if missing) */
  out: string;
  json?: boolean;
}

/** `sj keys generate --out DIR`: a new Ed25519 key pair; refuses to overwrite one. */
export function keysGenerate(app: App, opts: KeysGenerateOpts): void {
  const r = generateKeyFiles(opts.out);
  if (opts.json) app.out.data(JSON.stringify(r, null, 2));
  else app.out.ok(t('keys.generated', r));
}

export function register(program: Command, app: App): void {
  const keys = program.command('keys').description(t('keys.cmd'));
  examples(keys, ['sj keys generate --out 密钥']);
  const gen = keys.command('generate').description(t('keys.cmd.generate'))
    .requiredOption('--out <dir>', t('keys.opt.out'))
    .option('--json', t('draw.opt.jsonShort'))
    .action((o: KeysGenerateOpts) => keysGenerate(app, o));
  examples(gen, ['sj keys generate --out 密钥', 'sj ledger head --sign 密钥/sj-ed25519.key > 台账头.json']);
}

/** A value of `--head`: a bare 64-hex hash (the published head hash), or else a statement file. */
export const isBareHash = (v: string): boolean => /^[0-9a-fA-F]{64}$/.test(v);

/** The problem a failed head check reports, in the user's language; null when it holds. */
export function headProblem(s: HeadStatement, c: HeadCheck): string | null {
  if (c.ok) return null;
  if (c.reason === 'truncated') return t('head.truncated', { seq: s.seq, current: c.current.seq });
  return t('head.rewritten', { seq: s.seq, hash: s.hash, found: c.found || '-' });
}
