/**
 * The draw ceremony's two write transactions. The commit fixes everything that decides the draws
 * of one or more levels before their entropy exists (ids reserved, snapshots, parameters: one
 * ledger entry `commit`). The reveal makes the committed draws with the entropy from the
 * announced source.
 *
 * The reveal draws from the committed snapshot — the rosters as they stood at the commit — even
 * when the rosters changed since (it says so): the commitment is what was published. It refuses
 * when a draw, void or substitution recorded since the commit changed who may be drawn (the
 * committed snapshot would no longer follow from the ledger); the commit is then voided and
 * made again. In a commit of several levels, the draws of the same commit made before a draw
 * count for it exactly as in a direct `--level all` draw (their picks credited, draw-v2 §3).
 */
import { canonical } from '../core/canonical.js';
import { committedParams, committedSnapshot, pickedBetween, type CommitPayload, type DrawCommitment } from '../core/commitment.js';
import { H } from '../core/hash.js';
import type { Quarter } from '../core/quarter.js';
import type { DrawHeader, Level } from '../core/types.js';
import { SjError } from '../errors.js';
import { t } from '../messages/index.js';
import { isoCst, isoUtc, now } from './clock.js';
import { nextCommitId, rebuildCommitted, recordCommit, recordReveal, requireCommit, requireOpen, reserveDrawId, type CommitRow } from './commit-store.js';
import { writeTx, type DB } from './db.js';
import { createdAt, prepareDraw, recordRun, runPrepared, type DrawProgressBar, type DrawRequest, type DrawRun } from './draw-service.js';
import { ledgerHead, type StoredLedgerEntry } from './ledger.js';

const hashOf = (x: unknown): string => H(canonical(x));

export interface CommitRequest {
  quarter: Quarter;
  /** the levels, in drawing order: one committed draw each */
  levels: Level[];
  /** what every level's draw covers and how */
  request: Omit<DrawRequest, 'level' | 'entropy' | 'entropySource'>;
  /** the announced source of the entropy (dice before witnesses, a lottery draw …) */
  entropySource: string;
}

export interface CommitRecord {
  id: string;
  entry: StoredLedgerEntry;
  payload: CommitPayload;
  /** the population of each committed draw, in the payload's order */
  objects: number[];
}

/** Record, in one write transaction, the commit of the draws a request describes (one per level, in drawing order). */
export function commitDraws(db: DB, c: CommitRequest): CommitRecord {
  const instant = now();
  return writeTx(db, () => {
    const taken = new Set<string>();
    const draws = c.levels.map((level) => {
      const id = reserveDrawId(db, c.quarter.id, level, c.request.directional, taken);
      taken.add(id);
      const p = prepareDraw(db, { ...c.request, level }, id);
      return { draw: { id, ...committedParams(p.header, p.date) }, snapshot: p.snap.snapshot, rulesId: p.rulesId };
    });
    const id = nextCommitId(db, c.quarter.id);
    const r = recordCommit(db, {
      id, quarter: c.quarter.id, rulesId: draws[0]!.rulesId, atUtc: isoUtc(instant), atCst: isoCst(instant), entropySource: c.entropySource, draws,
    });
    return { id, ...r, objects: draws.map((d) => d.snapshot.objects.length) };
  });
}

export interface Reveal {
  commit: CommitRow;
  runs: DrawRun[];
  /** the rosters changed since the commit (the reveal used the committed snapshot all the same) */
  rostersChanged: boolean;
}

/**
 * Reveal a commit in one write transaction: check the commit still holds, then make its draws in
 * order, each from its committed snapshot (with the picks of the earlier ones), and mark it revealed.
 */
export function revealCommit(db: DB, id: string, entropy: string, progress?: DrawProgressBar): Reveal {
  return writeTx(db, () => revealInTransaction(db, id, entropy, progress));
}

function revealInTransaction(db: DB, id: string, entropy: string, progress?: DrawProgressBar): Reveal {
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
  const instant = now();
  const firstSeq = ledgerHead(db).seq + 1;
  const runs = c.payload.draws.map((cd, k): DrawRun => {
    // the committed snapshot, plus the picks of this commit's draws already made (none for the first)
    const { snapshot, nums } = rebuildCommitted(db, c, k);
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
    return recordRun(db, runPrepared(db, header, snapshot, progress), c.rulesId, isoUtc(instant), nums);
  });
  recordReveal(db, c, firstSeq, isoUtc(instant));
  return { commit: c, runs, rostersChanged };
}
