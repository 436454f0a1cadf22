/**
 * `sj keys generate`, and the two halves of signed ledger heads that `sj ledger head --sign`
 * and `sj verify --head FILE --pubkey PUB` (commands/verify.ts) call.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { checkSignedHeadShape, headStatement, type HeadCheck, type HeadStatement, type SignedHead } from '../core/signed-head.js';
import { SjError, UsageError } from '../errors.js';
import { isoCst, now } from '../io/clock.js';
import type { DB } from '../io/db.js';
import { fingerprint, generateKeyFiles, readPrivateKey, readPublicKey, signStatement, statementSignatureHolds } from '../io/keys.js';
import { ledgerHead } from '../io/ledger.js';
import { t } from '../messages/index.js';
import { examples, type App } from './app.js';

export function register(program: Command, app: App): void {
  const keys = program.command('keys').description(t('keys.cmd'));
  examples(keys, ['sj keys generate --out 密钥']);
  const gen = keys.command('generate').description(t('keys.cmd.generate'))
    .requiredOption('--out <dir>', t('keys.opt.out'))
    .option('--json', t('draw.opt.jsonShort'))
    .action((o: { out: string; json?: boolean }) => {
      const r = generateKeyFiles(o.out);
      if (o.json) app.out.data(JSON.stringify(r, null, 2));
      else app.out.ok(t('keys.generated', r));
    });
  examples(gen, ['sj keys generate --out 密钥', 'sj ledger head --sign 密钥/sj-ed25519.key > 台账头.json']);
}

/** The signed statement of the database's current head, signed now with the key in keyFile. */
export function signCurrentHead(db: DB, keyFile: string): SignedHead {
  const key = readPrivateKey(keyFile);
  return signStatement(key, headStatement(ledgerHead(db), isoCst(now())));
}

/** A value of `--head`: a bare 64-hex hash (the published head hash), or else a statement file. */
export const isBareHash = (v: string): boolean => /^[0-9a-fA-F]{64}$/.test(v);

/**
 * Read a signed statement and check its signature with the auditor's public key (not the key
 * the file quotes: anyone can quote a key). A bad file or a bad signature is an error: nothing
 * further can be said. Checking it against the ledger is checkHeadAgainstLedger's.
 */
export function readSignedHead(file: string, pubkeyFile: string | undefined): { doc: SignedHead; fingerprint: string } {
  if (!pubkeyFile) throw new UsageError(t('head.needsPubkey', { file }));
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new SjError(t('head.badFile', { file, why: (e as Error).message }));
  }
  const shape = checkSignedHeadShape(doc);
  if (shape.length) throw new SjError(t('head.badShape', { file, why: shape.join('; ') }));
  const signed = doc as SignedHead;
  const key = readPublicKey(pubkeyFile);
  if (!statementSignatureHolds(key, signed)) throw new SjError(t('head.badSignature', { file, pubkey: pubkeyFile }));
  return { doc: signed, fingerprint: fingerprint(key) };
}

/** The problem a failed head check reports, in the user's language; null when it holds. */
export function headProblem(s: HeadStatement, c: HeadCheck): string | null {
  if (c.ok) return null;
  if (c.reason === 'truncated') return t('head.truncated', { seq: s.seq, current: c.current.seq });
  return t('head.rewritten', { seq: s.seq, hash: s.hash, found: c.found || '-' });
}
