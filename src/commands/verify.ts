/** `sj verify` and `sj ledger`. */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import type { Evidence } from '../core/types.js';
import { verifyEvidence } from '../core/verify.js';
import { SjError } from '../errors.js';
import { t } from '../messages/index.js';
import { ledgerHead, readLedger } from '../io/ledger.js';
import { verifyDatabase } from '../io/verify-db.js';
import { progress } from '../ui/progress.js';
import { textTable } from '../ui/table.js';
import { examples, type App } from './app.js';

export function verifyEvidenceFile(file: string): { evidence?: Evidence; problems: string[] } {
  let ev: Evidence;
  try {
    ev = JSON.parse(readFileSync(file, 'utf8')) as Evidence;
  } catch (e) {
    throw new SjError(t('verify.badFile', { file, why: (e as Error).message }));
  }
  return { evidence: ev, problems: verifyEvidence(ev) };
}

export function register(program: Command, app: App): void {
  const verify = program
    .command('verify [ids...]')
    .description(t('verify.cmd'))
    .option('--evidence <file>', t('verify.opt.evidence'))
    .option('--head <hash>', t('verify.opt.head'))
    .option('--json', t('draw.opt.jsonShort'))
    .action((ids: string[], o: { evidence?: string; head?: string; json?: boolean }) => {
      if (o.evidence) {
        const { evidence, problems } = verifyEvidenceFile(o.evidence);
        if (o.json) app.out.data(JSON.stringify({ ok: problems.length === 0, file: basename(o.evidence), draw: evidence?.draw?.id ?? null, resultHash: evidence?.resultHash ?? null, problems }, null, 2));
        if (problems.length) {
          throw new SjError(t('verify.failed', { n: problems.length }), { problems: problems.map((p) => ({ file: basename(o.evidence!), problem: p })) });
        }
        if (!o.json) app.out.ok(t('verify.evidenceOk', { id: evidence!.draw.id, tasks: evidence!.tasks.length, hash: evidence!.resultHash }));
        return;
      }
      const db = app.openDb({ create: false });
      const bar = progress(t('verify.progress'));
      const rep = verifyDatabase(db, { drawIds: ids.length ? ids : undefined, head: o.head, progress: (d, n) => bar.update(d, n) });
      bar.done();
      if (o.json) app.out.data(JSON.stringify(rep, null, 2));
      if (!rep.ok) {
        throw new SjError(t('verify.failed', { n: rep.problems.length }), { problems: rep.problems.map((p) => ({ file: p.entry, problem: p.problem })) });
      }
      if (!o.json) app.out.ok(t('verify.ok', { draws: rep.draws, entries: rep.entries, hash: rep.head.hash }));
    });
  examples(verify, ['sj verify', 'sj verify 2023Q2-county-01', 'sj verify --evidence 2023Q2-county-01.evidence.json', 'sj verify --head 3f9c…(the hash published after the last draw)']);

  const ledger = program.command('ledger').description(t('ledger.cmd'));
  examples(ledger, ['sj ledger head', 'sj ledger head --json', 'sj ledger list', 'sj verify --head "$(sj ledger head)"']);
  const head = ledger.command('head').description(t('ledger.cmd.head')).option('--json', t('draw.opt.jsonShort'))
    .action((o: { json?: boolean }) => {
      const db = app.openDb({ create: false });
      const h = ledgerHead(db);
      if (o.json) app.out.data(JSON.stringify(h));
      else app.out.data(h.hash);
    });
  examples(head, ['sj ledger head', 'sj ledger head --json']);
  const list = ledger.command('list').description(t('ledger.cmd.list')).option('--json', t('draw.opt.jsonShort'))
    .action((o: { json?: boolean }) => {
      const db = app.openDb({ create: false });
      const entries = readLedger(db);
      if (o.json) return app.out.data(JSON.stringify({ entries }, null, 2));
      if (!entries.length) return app.out.info(t('ledger.empty'));
      app.out.data(textTable(['seq', 'type', 'ref', 'at', 'hash'].map((h) => t(`ledger.h.${h}`)), entries.map((e) => [e.seq, e.type, e.ref, e.at, e.hash])));
    });
  examples(list, ['sj ledger list', 'sj ledger list --json']);
}
