/**
 * The draw ceremony: `sj draw commit` fixes everything that decides a draw before its entropy
 * exists and prints the announcement; `sj draw reveal` makes the committed draw(s) with the
 * entropy from the announced source; `sj draw void COMMIT` ends a commit that will not be
 * revealed (voidCommitIfCommit, called from `sj draw void`).
 *
 * The reveal draws from the committed snapshot — the rosters as they stood at the commit — even
 * when the rosters changed since (it says so): the commitment is what was published. It refuses
 * when a draw, void or substitution recorded since the commit changed who may be drawn (the
 * committed snapshot would no longer follow from the ledger); the commit is then voided and
 * made again. In a commit of several levels, the draws of the same commit made before a draw
 * count for it exactly as in a direct `--level all` draw (their picks credited, draw-v2 §3).
 */
import type { Command } from 'commander';
import { canonical } from '../core/canonical.js';
import { committedParams, committedSnapshot, pickedBetween, type CommitPayload, type DrawCommitment } from '../core/commitment.js';
import { H } from '../core/hash.js';
import { parseQuarter } from '../core/quarter.js';
import type { DrawHeader, Evidence } from '../core/types.js';
import { SjError, UsageError } from '../errors.js';
import { t } from '../messages/index.js';
import { isoCst, isoUtc, now } from '../io/clock.js';
import {
  getCommit, nextCommitId, rebuildCommitted, recordCommit, recordReveal, requireCommit, requireOpen, reserveDrawId, voidCommit, type CommitRow,
} from '../io/commit-store.js';
import { writeTx, type DB } from '../io/db.js';
import { effectiveTasks, recordDraw } from '../io/draw-store.js';
import { ledgerHead } from '../io/ledger.js';
import { Regions } from '../io/regions.js';
import { parseBy, writeTaskList } from '../io/task-list.js';
import { bureauName, quarterLabel } from '../io/titles.js';
import { examples, type App } from './app.js';
import { drawScope, printRun, runJson, withScopeOptions, type DrawOpts } from './draw-scope.js';
import { createdAt, prepareDraw, runPrepared, type DrawRun } from './draw-run.js';

const hashOf = (x: unknown): string => H(canonical(x));

type CommitOpts = Omit<DrawOpts, 'seed' | 'dryRun' | 'out' | 'by' | 'yes'> & { entropySource?: string };

/** Record the commit of the draws the options describe (one per level, in drawing order). */
function commitDraws(app: App, o: CommitOpts) {
  const source = o.entropySource?.trim();
  if (!source) throw new UsageError(t('usage.missingFlag', { flag: '--entropy-source' }), t('ceremony.needSource'));
  const { quarter, db, regions, levels, request } = drawScope(app, { ...o, seed: undefined, dryRun: false });
  const instant = now();
  const rec = writeTx(db, () => {
    const taken = new Set<string>();
    const draws = levels.map((level) => {
      const id = reserveDrawId(db, quarter.id, level, request.directional, taken);
      taken.add(id);
      const p = prepareDraw(db, { ...request, level }, id);
      return { draw: { id, ...committedParams(p.header, p.date) }, snapshot: p.snap.snapshot, rulesId: p.rulesId };
    });
    const id = nextCommitId(db, quarter.id);
    const r = recordCommit(db, {
      id, quarter: quarter.id, rulesId: draws[0]!.rulesId, atUtc: isoUtc(instant), atCst: isoCst(instant), entropySource: source, draws,
    });
    return { id, ...r, objects: draws.map((d) => d.snapshot.objects.length) };
  });
  return { db, regions, ...rec };
}

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

function commitAction(app: App, o: CommitOpts & { json?: boolean }): void {
  const { regions, id, entry, payload, objects } = commitDraws(app, o);
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

/**
 * Reveal inside one write transaction: check the commit still holds, then make its draws in
 * order, each from its committed snapshot (with the picks of the earlier ones), and mark it revealed.
 */
export function revealCommit(db: DB, id: string, entropy: string): { commit: CommitRow; runs: DrawRun[]; rostersChanged: boolean } {
  const c = requireCommit(db, id);
  requireOpen(c);
  // nothing recorded since the commit may change who may be drawn: rebuilt from the history as
  // of the commit, every snapshot must still be the committed one
  c.payload.draws.forEach((cd, k) => {
    if (hashOf(rebuildCommitted(db, c, k).snapshot) !== cd.snapshotHash) {
      throw new SjError(t('ceremony.stale', { id: c.id, draw: cd.id }), { hint: t('ceremony.staleHint', { id: c.id }) });
    }
  });
  const rostersChanged = c.payload.draws.some((cd, k) => hashOf(rebuildCommitted(db, c, k, { rostersNow: true }).snapshot) !== cd.snapshotHash);
  const regions = Regions.load(db);
  const instant = now();
  const firstSeq = ledgerHead(db).seq + 1;
  const runs = c.payload.draws.map((cd, k): DrawRun => {
    // the committed snapshot, plus the picks of this commit's draws already made (none for the first)
    const snapshot = rebuildCommitted(db, c, k).snapshot;
    const pickedBefore = pickedBetween(c.snapshots[k]!, snapshot);
    if (hashOf(committedSnapshot(snapshot, pickedBefore)) !== cd.snapshotHash) throw new Error(`reveal of ${cd.id}: snapshot does not restore to the committed one`);
    const commitment: DrawCommitment = {
      seq: c.seq, hash: c.hash, at: c.payload.at, entropySource: c.payload.entropySource, prevHash: c.prevHash, payload: c.payload, pickedBefore,
    };
    const header: Omit<DrawHeader, 'seed'> = {
      id: cd.id, quarter: c.quarter, level: cd.level, regions: cd.regions, kind: cd.kind, filter: cd.filter, method: cd.method, joint: cd.joint,
      partners: cd.partners, jointShare: cd.jointShare, withExperts: cd.withExperts, createdAt: createdAt(cd.date),
      entropy, entropySource: 'user', commitment,
    };
    const outcome = runPrepared(db, header, snapshot);
    const evidence: Evidence = outcome.evidence;
    const entry = recordDraw(db, evidence, { rulesId: c.rulesId, recordedAt: isoUtc(instant), regionName: (r) => regions.name(r) });
    evidence.ledger = { seq: entry.seq, prevHash: entry.prevHash, hash: entry.hash };
    return { evidence, outcome, rulesId: c.rulesId ?? 0, ledger: { seq: entry.seq, hash: entry.hash }, dryRun: false };
  });
  recordReveal(db, c, firstSeq, isoUtc(instant));
  return { commit: c, runs, rostersChanged };
}

async function revealAction(app: App, id: string, o: { entropy?: string; out?: string; by?: string; json?: boolean }): Promise<void> {
  const entropy = o.entropy?.trim();
  if (!entropy) throw new UsageError(t('usage.missingFlag', { flag: '--entropy' }), t('ceremony.needEntropy'));
  const by = parseBy(o.by);
  const db = app.openDb();
  const regions = Regions.load(db);
  const { runs, rostersChanged } = writeTx(db, () => revealCommit(db, id, entropy));
  const head = ledgerHead(db);
  if (rostersChanged && !o.json) app.out.warn(t('ceremony.rostersChanged'));
  if (!o.json) for (const run of runs) printRun(app, run, regions);
  if (o.out) {
    const tasks = runs.flatMap((r) => effectiveTasks(db, { drawId: r.evidence.draw.id }));
    await writeTaskList(db, o.out, tasks, by);
    app.out.info(t('draw.written', { file: o.out }));
  }
  if (o.json) {
    app.out.data(JSON.stringify({ commit: id, rostersChanged, draws: runs.map((r) => runJson(r, regions)), ledgerHead: head }, null, 2));
    return;
  }
  app.out.ok(t('ceremony.revealed', { id, draws: runs.map((r) => r.evidence.draw.id).join(', ') }));
  app.out.ok(t('draw.head', { hash: head.hash }));
}

/** `sj draw void ID`: when ID is a commit, void it and say so (true); false for any other id. */
export function voidCommitIfCommit(app: App, db: DB, id: string, reason: string, json: boolean | undefined): boolean {
  if (!getCommit(db, id)) return false;
  const entry = writeTx(db, () => voidCommit(db, id, reason, isoUtc(now())));
  if (json) app.out.data(JSON.stringify({ voided: id, commit: true, ledger: { seq: entry.seq, hash: entry.hash } }, null, 2));
  else app.out.ok(t('ceremony.voided', { id, hash: entry.hash }));
  return true;
}

/** The line `draw show` prints about a draw's commitment (or its absence). */
export function commitmentLine(ev: Evidence): string {
  const c = ev.draw.commitment;
  if (!c) return t('ceremony.show.uncommitted');
  return t('ceremony.show.committed', { at: c.at, id: c.payload.commit, seq: c.seq, source: c.entropySource });
}

/** Register `sj draw commit` and `sj draw reveal` under `sj draw`. */
export function registerCeremony(parent: Command, app: App): void {
  const commit = withScopeOptions(parent.command('commit').description(t('ceremony.cmd.commit')))
    .option('--entropy-source <text>', t('ceremony.opt.entropySource'))
    .option('--json', t('draw.opt.jsonShort'))
    .action((o: CommitOpts & { json?: boolean }) => commitAction(app, o));
  examples(commit, [
    'sj draw commit --quarter 2023Q2 --entropy-source "福彩3D 2023年第095期开奖号码"',
    'sj draw commit --quarter 2023Q2 --level county --region 桃城区 --entropy-source "现场掷骰，2023-04-06 10:00，见证人：纪检组"',
  ]);
  const reveal = parent.command('reveal <commit>').description(t('ceremony.cmd.reveal'))
    .option('--entropy <text>', t('ceremony.opt.entropy'))
    .option('--out <file.xlsx>', t('draw.opt.out'))
    .option('--by <group>', t('draw.opt.by'))
    .option('--json', t('draw.opt.jsonShort'))
    .action((id: string, o: { entropy?: string; out?: string; by?: string; json?: boolean }) => revealAction(app, id, o));
  examples(reveal, [
    'sj draw reveal 2023Q2-commit-01 --entropy "3 8 2" --out 任务清单-2023Q2.xlsx',
    'sj draw void 2023Q2-commit-01 --reason "开奖延期，重新承诺"',
  ]);
}
