/**
 * The draw ceremony's commands: `sj draw commit` fixes everything that decides a draw before its
 * entropy exists and prints the announcement; `sj draw reveal` makes the committed draw(s) with
 * the entropy from the announced source (a commit that will not be revealed is ended by
 * `sj draw void COMMIT`). The transactions, and what a reveal checks, are in io/ceremony.ts.
 */
import type { Command } from 'commander';
import type { CommitPayload } from '../core/commitment.js';
import { parseQuarter } from '../core/quarter.js';
import type { Evidence } from '../core/types.js';
import { UsageError } from '../errors.js';
import { t } from '../messages/index.js';
import { commitDraws, revealCommit } from '../io/ceremony.js';
import { ledgerHead } from '../io/ledger.js';
import { Regions } from '../io/regions.js';
import { parseBy } from '../io/task-list.js';
import { bureauName, quarterLabel } from '../io/titles.js';
import { examples, type App } from './app.js';
import { drawScope, printRun, runJson, withScopeOptions, writeRunsTaskList, type DrawOpts } from './draw-scope.js';
import { terminalProgress } from './draw-run.js';

export type CommitOpts = Omit<DrawOpts, 'seed' | 'dryRun' | 'out' | 'by' | 'yes'> & { entropySource?: string };

/** The text a bureau publishes right after the commit. */
export function announcement(payload: CommitPayload, entry: { seq: number; hash: string }, regions: Regions): string {
  const q = parseQuarter(payload.quarter)!;
  const draws = payload.draws.map((d) => t('ceremony.announceDraw', {
    id: d.id, level: t(`draw.level.${d.level}`), regions: d.regions.map((r) => regions.name(r)).join('、'), hash: d.snapshotHash,
  })).join('；');
  return t('ceremony.announce', {
    unit: bureauName(regions.city), quarter: quarterLabel(q), id: payload.commit, at: payload.at, draws, algorithm: payload.algorithm,
    rules: payload.rulesHash, source: payload.entropySource, seq: entry.seq, hash: entry.hash,
  });
}

/** `sj draw commit --quarter Q --entropy-source TEXT …` */
export function drawCommit(app: App, o: CommitOpts): void {
  const source = o.entropySource?.trim();
  if (!source) throw new UsageError(t('usage.missingFlag', { flag: '--entropy-source' }), t('ceremony.needSource'));
  const { quarter, db, regions, levels, request } = drawScope(app, { ...o, seed: undefined, dryRun: false });
  const { id, entry, payload, objects } = commitDraws(db, { quarter, levels, request, entropySource: source });
  const text = announcement(payload, entry, regions);
  if (o.json) {
    app.out.data(JSON.stringify({ commit: id, ledger: { seq: entry.seq, hash: entry.hash }, payload, announcement: text }, null, 2));
    return;
  }
  app.out.ok(t('ceremony.committed', { id, seq: entry.seq, quarter: payload.quarter, draws: payload.draws.map((d) => d.id).join(', ') }));
  payload.draws.forEach((d, k) => app.out.info(t('ceremony.drawLine', { id: d.id, level: t(`draw.level.${d.level}`), objects: objects[k]!, hash: d.snapshotHash })));
  app.out.info(t('ceremony.announceTitle'));
  app.out.data(text);
  app.out.ok(t('ceremony.head', { hash: entry.hash }));
}

export interface RevealOpts {
  /** the commit's id */
  id: string;
  entropy?: string;
  out?: string;
  by?: string;
  json?: boolean;
}

/** `sj draw reveal COMMIT --entropy DIGITS` */
export async function drawReveal(app: App, o: RevealOpts): Promise<void> {
  const entropy = o.entropy?.trim();
  if (!entropy) throw new UsageError(t('usage.missingFlag', { flag: '--entropy' }), t('ceremony.needEntropy'));
  const by = parseBy(o.by);
  const db = app.openDb();
  const regions = Regions.load(db);
  const { runs, rostersChanged } = revealCommit(db, o.id, entropy, terminalProgress);
  const head = ledgerHead(db);
  if (rostersChanged && !o.json) app.out.warn(t('ceremony.rostersChanged'));
  if (!o.json) for (const run of runs) printRun(app, run, regions);
  if (o.out) await writeRunsTaskList(app, db, runs, o.out, by);
  if (o.json) {
    app.out.data(JSON.stringify({ commit: o.id, rostersChanged, draws: runs.map((r) => runJson(r, regions)), ledgerHead: head }, null, 2));
    return;
  }
  app.out.ok(t('ceremony.revealed', { id: o.id, draws: runs.map((r) => r.evidence.draw.id).join(', ') }));
  app.out.ok(t('draw.head', { hash: head.hash }));
}

/** The line `draw show` prints about a draw's commitment (or its absence). */
export function commitmentLine(ev: Evidence): string {
  const c = ev.draw.commitment;
  if (!c) return t('ceremony.show.uncommitted');
  return t('ceremony.show.committed', { at: c.at, id: c.payload.commit, seq: c.seq, source: c.entropySource });
}

/** Wire `sj draw commit` and `sj draw reveal` under `sj draw`. */
export function registerCeremony(parent: Command, app: App): void {
  const commit = withScopeOptions(parent.command('commit').description(t('ceremony.cmd.commit')))
    .option('--entropy-source <text>', t('ceremony.opt.entropySource'))
    .option('--json', t('draw.opt.jsonShort'))
    .action((o: CommitOpts) => drawCommit(app, o));
  examples(commit, [
    'sj draw commit --quarter 2023Q2 --entropy-source "福彩3D 2023年第095期开奖号码"',
    'sj draw commit --quarter 2023Q2 --level county --region 桃城区 --entropy-source "现场掷骰，2023-04-06 10:00，见证人：纪检组"',
  ]);
  const reveal = parent.command('reveal <commit>').description(t('ceremony.cmd.reveal'))
    .option('--entropy <text>', t('ceremony.opt.entropy'))
    .option('--out <file.xlsx>', t('draw.opt.out'))
    .option('--by <group>', t('draw.opt.by'))
    .option('--json', t('draw.opt.jsonShort'))
    .action((id: string, o: Omit<RevealOpts, 'id'>) => drawReveal(app, { id, ...o }));
  examples(reveal, [
    'sj draw reveal 2023Q2-commit-01 --entropy "3 8 2" --out 任务清单-2023Q2.xlsx',
    'sj draw void 2023Q2-commit-01 --reason "开奖延期，重新承诺"',
  ]);
}
