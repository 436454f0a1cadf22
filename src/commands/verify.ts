/** `sj verify` and `sj ledger`. */
import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { checkHeadAgainstLedger, type HeadCheck } from '../core/signed-head.js';
import { SjError, UsageError } from '../errors.js';
import { t } from '../messages/index.js';
import { ledgerHead as currentHead, readLedger } from '../io/ledger.js';
import { verifyDatabase } from '../io/verify-db.js';
import { verifyEvidenceFile } from '../io/evidence-check.js';
import { readSignedHead, signCurrentHead } from '../io/signed-head.js';
import { checkResultBatch } from '../io/results-store.js';
import { progress } from '../ui/progress.js';
import { textTable } from '../ui/table.js';
import { verifyPageHtml } from '../verify-page/index.js';
import { examples, type App } from './app.js';
import { headProblem, isBareHash } from './keys.js';

export interface VerifyOpts {
  /** draw ids to recompute (none: every draw) */
  ids?: string[];
  /** an exported evidence file, checked without the database */
  evidence?: string;
  /** a published head: a bare hash, or a signed statement file (with --pubkey) */
  head?: string;
  pubkey?: string;
  json?: boolean;
}

/** `sj verify [IDS…]`, `sj verify --evidence FILE`: an evidence file, or else the database. */
export async function verify(app: App, opts: VerifyOpts): Promise<void> {
  if (opts.evidence) return verifyEvidenceAction(app, opts.evidence, opts.json);
  verifyDbAction(app, opts.ids ?? [], opts);
}

async function verifyEvidenceAction(app: App, file: string, json: boolean | undefined): Promise<void> {
  const { evidence, problems } = await verifyEvidenceFile(file);
  const summary = { file: basename(file), draw: evidence?.draw?.id ?? null, resultHash: evidence?.resultHash ?? null };
  // a failure is one JSON document too: the error's, carrying the summary
  if (problems.length) {
    throw new SjError(t('verify.failed', { n: problems.length }), { problems: problems.map((p) => ({ file: summary.file, problem: p })), details: summary });
  }
  if (json) app.out.data(JSON.stringify({ ok: true, ...summary, problems }, null, 2));
  else app.out.ok(t('verify.evidenceOk', { id: evidence!.draw.id, tasks: evidence!.tasks.length, hash: evidence!.resultHash }));
}

/** A signed statement file given as --head is read (and its signature checked) only with --pubkey. */
function signedHeadOf(o: VerifyOpts): ReturnType<typeof readSignedHead> | undefined {
  const signedFile = o.head !== undefined && !isBareHash(o.head) ? o.head : undefined;
  if (o.pubkey && !signedFile) throw new UsageError(t('head.pubkeyAlone'));
  if (!signedFile) return undefined;
  if (!o.pubkey) throw new UsageError(t('head.needsPubkey', { file: signedFile }));
  return readSignedHead(signedFile, o.pubkey);
}

/**
 * The database: chain, draws, rows; and a published head. A bare hash must still be in the
 * chain; a signed statement's signature is checked first (before the database is opened), then
 * its seq and hash against the ledger, so deleted trailing entries are caught too.
 */
function verifyDbAction(app: App, ids: string[], o: VerifyOpts): void {
  const signed = signedHeadOf(o);
  const db = app.openDb({ create: false });
  const bar = progress(t('verify.progress'));
  // the checks verify runs are passed in: the results batches' is results-store's
  const rep = verifyDatabase(db, { drawIds: ids.length ? ids : undefined, head: signed ? undefined : o.head?.toLowerCase(), progress: (d, n) => bar.update(d, n), checks: { resultBatch: checkResultBatch } });
  bar.done();
  let check: HeadCheck | undefined;
  if (signed) {
    check = checkHeadAgainstLedger(signed.doc.statement, readLedger(db));
    const p = headProblem(signed.doc.statement, check);
    if (p) rep.problems.push({ entry: 'ledger', problem: p });
    rep.ok = rep.problems.length === 0;
  }
  const signedHead = signed && check ? { ...signed.doc.statement, fingerprint: signed.fingerprint, holds: check.ok } : undefined;
  if (!rep.ok) {
    throw new SjError(t('verify.failed', { n: rep.problems.length }), {
      problems: rep.problems.map((p) => ({ file: p.entry, problem: p.problem })),
      details: { entries: rep.entries, draws: rep.draws, head: rep.head, ...(signedHead ? { signedHead } : {}) },
    });
  }
  if (o.json) return app.out.data(JSON.stringify(signedHead ? { ...rep, signedHead } : rep, null, 2));
  app.out.ok(t('verify.ok', { draws: rep.draws, entries: rep.entries, hash: rep.head.hash }));
  if (signed && check?.ok) app.out.ok(t('head.ok', { fingerprint: signed.fingerprint, seq: signed.doc.statement.seq, at: signed.doc.statement.at, grown: check.grown }));
}

export interface VerifyPageOpts {
  out: string;
}

/** `sj verify page --out FILE.html`: the self-contained page that checks an evidence file in a browser. */
export function verifyPage(app: App, opts: VerifyPageOpts): void {
  const html = verifyPageHtml();
  writeFileSync(opts.out, html);
  app.out.ok(t('verify.page.written', { file: opts.out, kb: Math.ceil(Buffer.byteLength(html) / 1024) }));
}

export interface LedgerHeadOpts {
  json?: boolean;
  /** a private key file: print the head as a signed statement */
  sign?: string;
}

/** `sj ledger head`: the hash to publish (--json: seq, hash …; --sign KEY: a signed statement). */
export function ledgerHead(app: App, opts: LedgerHeadOpts): void {
  const db = app.openDb({ create: false });
  // a signed head is a JSON document whatever --json says: it is meant to be published as a file
  if (opts.sign) return app.out.data(JSON.stringify(signCurrentHead(db, opts.sign), null, 2));
  const h = currentHead(db);
  if (opts.json) app.out.data(JSON.stringify(h));
  else app.out.data(h.hash);
}

export interface LedgerListOpts {
  json?: boolean;
}

/** `sj ledger list`: every ledger entry. */
export function ledgerList(app: App, opts: LedgerListOpts): void {
  const entries = readLedger(app.openDb({ create: false }));
  if (opts.json) return app.out.data(JSON.stringify({ entries }, null, 2));
  if (!entries.length) return app.out.info(t('ledger.empty'));
  app.out.data(textTable(['seq', 'type', 'ref', 'at', 'hash'].map((h) => t(`ledger.h.${h}`)), entries.map((e) => [e.seq, e.type, e.ref, e.at, e.hash])));
}

export function register(program: Command, app: App): void {
  const verifyCmd = program
    .command('verify [ids...]')
    .description(t('verify.cmd'))
    .option('--evidence <file>', t('verify.opt.evidence'))
    .option('--head <hash|file>', t('verify.opt.headSigned'))
    .option('--pubkey <file>', t('verify.opt.pubkey'))
    .option('--json', t('draw.opt.jsonShort'))
    .action((ids: string[], o: VerifyOpts) => verify(app, { ...o, ids }));
  examples(verifyCmd, [
    'sj verify', 'sj verify 2023Q2-county-01', 'sj verify --evidence 2023Q2-county-01.evidence.json',
    'sj verify --head 3f9c…(the hash published after the last draw)', 'sj verify --head 台账头.json --pubkey sj-ed25519.pub', 'sj verify page --out verify.html',
  ]);
  const page = verifyCmd.command('page').description(t('verify.page.cmd'))
    .option('--out <file.html>', t('verify.page.opt.out'), 'verify.html')
    .action((o: VerifyPageOpts) => verifyPage(app, o));
  examples(page, ['sj verify page --out verify.html']);

  const ledger = program.command('ledger').description(t('ledger.cmd'));
  examples(ledger, ['sj ledger head', 'sj ledger head --json', 'sj ledger list', 'sj verify --head "$(sj ledger head)"']);
  const head = ledger.command('head').description(t('ledger.cmd.head')).option('--json', t('draw.opt.jsonShort'))
    .option('--sign <keyfile>', t('ledger.opt.sign'))
    .action((o: LedgerHeadOpts) => ledgerHead(app, o));
  examples(head, ['sj ledger head', 'sj ledger head --json', 'sj ledger head --sign 密钥/sj-ed25519.key > 台账头.json']);
  const list = ledger.command('list').description(t('ledger.cmd.list')).option('--json', t('draw.opt.jsonShort'))
    .action((o: LedgerListOpts) => ledgerList(app, o));
  examples(list, ['sj ledger list', 'sj ledger list --json']);
}
