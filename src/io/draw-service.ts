/**
 * Making draws in the database: what a draw fixes before its entropy (prepareDraw), running it
 * (runPrepared), recording it (makeDraw), the draw of several levels in one write transaction and
 * its rehearsal (drawLevels, rehearseLevels), and voiding a draw or a commit. Shared by `sj draw`,
 * the ceremony (io/ceremony.ts) and `sj demo`. The terminal is not touched here: a command passes
 * its progress bar in (DrawProgressBar).
 */
import { DrawFailure, runDraw, type DrawOutcome } from '../core/draw.js';
import { TextArena } from '../core/hash.js';
import type { Quarter } from '../core/quarter.js';
import { CURRENT_ALGORITHM, type DrawFilter, type DrawHeader, type DrawMethod, type Evidence, type Level, type Snapshot } from '../core/types.js';
import { SjError } from '../errors.js';
import { t } from '../messages/index.js';
import { isoCst, isoUtc, now, today } from './clock.js';
import { getCommit, voidCommit } from './commit-store.js';
import { sharedBlock } from './compress.js';
import { rehearsalTx, writeTx, type DB } from './db.js';
import { conflictError, nextDrawId, recordDraw, scopeConflict, voidDraw } from './draw-store.js';
import type { StoredLedgerEntry } from './ledger.js';
import { Regions } from './regions.js';
import { rulesForYear } from './rules-store.js';
import { buildSnapshot, type SnapshotResult } from './snapshot.js';

export interface DrawRequest {
  quarter: Quarter;
  level: Level;
  /** county codes (county level); empty = all counties */
  regions: string[];
  directional: boolean;
  filter: DrawFilter | null;
  method: DrawMethod;
  jointShare?: number;
  departmentJoint: boolean;
  partners: string[];
  withExperts: boolean;
  /** draw date YYYY-MM-DD; default today (China) */
  date?: string;
  entropy: string;
  entropySource: 'user' | 'generated';
}

export interface DrawRun {
  evidence: Evidence;
  outcome: DrawOutcome;
  rulesId: number;
  ledger?: { seq: number; hash: string };
  dryRun: boolean;
}

/** A progress bar for one draw, named by its id: the command's (ui/progress.ts), or none. */
export type DrawProgressBar = (drawId: string) => { update(done: number, total?: number): void; done(): void };

const NO_PROGRESS: DrawProgressBar = () => ({ update() {}, done() {} });

/** draw.createdAt: the draw date (default today) at the current time of day, +08:00. */
export function createdAt(date: string | undefined): string {
  const n = now();
  if (!date) return isoCst(n);
  return `${date}${isoCst(n).slice(10)}`;
}

/** A draw that cannot be staffed, named by county, class and reason (the object last). */
export function failureError(e: DrawFailure, quarter: string, regionName: (code: string) => string): SjError {
  const where = { region: e.detail.region ? regionName(e.detail.region) : '', class: e.detail.class ? t(`rules.class.${e.detail.class}`) : '', object: e.objectId };
  const detail = e.code === 'team-too-few'
    ? t('draw.failTooFew', { ...where, candidates: e.detail.candidates, size: e.detail.size })
    : t('draw.failOneLine', { ...where, line: e.detail.line ?? '' });
  return new SjError(t('draw.cannotStaff', { detail }), {
    hint: t('draw.cannotStaffHint', { quarter }),
    details: { region: e.detail.region ?? null, class: e.detail.class ?? null, object: e.objectId, reason: e.code },
  });
}

/** A draw ready to run: its id, its snapshot and its header without the entropy. */
export interface PreparedDraw {
  snap: SnapshotResult;
  header: Omit<DrawHeader, 'seed' | 'entropy' | 'entropySource' | 'createdAt'>;
  /** the draw date, YYYY-MM-DD */
  date: string;
  rulesId: number;
}

/**
 * Everything a draw fixes before its entropy: the id (or the one given), the snapshot as the
 * rosters and the ledger stand now, the parameters. Refuses an empty population and a second
 * live routine draw of a scope. Shared by makeDraw and the ceremony's commit.
 */
export function prepareDraw(db: DB, req: Omit<DrawRequest, 'entropy' | 'entropySource'>, id?: string): PreparedDraw {
  const regions = Regions.load(db);
  const counties = req.regions.length ? req.regions : regions.counties().map((r) => r.code);
  const rules = rulesForYear(db, req.quarter.year);
  const date = req.date ?? today();
  const drawId = id ?? nextDrawId(db, req.quarter.id, req.level, req.directional);
  const snap = buildSnapshot(db, {
    quarter: req.quarter, level: req.level, regions: counties, filter: req.filter, date, rules: rules.rules, algorithm: CURRENT_ALGORITHM,
  });
  if (snap.snapshot.objects.length === 0) throw new SjError(t('draw.emptyPopulation', { level: t(`draw.level.${req.level}`) }));
  const kind = req.directional ? 'directional' : 'routine';
  if (kind === 'routine') {
    const c = scopeConflict(db, req.quarter.id, req.level, snap.drawRegions);
    if (c) throw conflictError(c, regions.name(c.region));
  }
  const header: PreparedDraw['header'] = {
    id: drawId, quarter: req.quarter.id, level: req.level, regions: snap.drawRegions, kind, filter: req.filter,
    method: req.method, joint: req.departmentJoint ? 'department' : 'none', partners: req.partners,
    jointShare: req.jointShare ?? Number((rules.rules as { targets?: { jointInternalShare?: number } }).targets?.jointInternalShare ?? 3000),
    withExperts: req.withExperts,
  };
  return { snap, header, date, rulesId: rules.id };
}

/** Run a prepared header on a snapshot, a draw that cannot be staffed named for the operator. */
export function runPrepared(db: DB, header: Omit<DrawHeader, 'seed'>, snapshot: Snapshot, progress: DrawProgressBar = NO_PROGRESS): DrawOutcome {
  const regions = Regions.load(db);
  const bar = progress(header.id);
  try {
    return runDraw({ algorithm: CURRENT_ALGORITHM, draw: header, snapshot, textArena: new TextArena(sharedBlock) }, (d, n) => bar.update(d, n));
  } catch (e) {
    if (e instanceof DrawFailure) throw failureError(e, header.quarter, (c) => regions.name(c));
    throw e;
  } finally {
    bar.done();
  }
}

/** Record a run draw in the ledger and its tables (inside the caller's transaction); its evidence gets the entry. */
export function recordRun(db: DB, outcome: DrawOutcome, rulesId: number | null, recordedAt: string, nums: Uint32Array): DrawRun {
  const regions = Regions.load(db);
  const evidence = outcome.evidence;
  // the drawn objects themselves: draw_members finds them among its objects by identity
  const picked = new Set<object>(outcome.strata.flatMap((s) => s.drawn.map((x) => x.o)));
  const entry = recordDraw(db, evidence, { rulesId, recordedAt, regionName: (c) => regions.name(c), picked, nums });
  evidence.ledger = { seq: entry.seq, prevHash: entry.prevHash, hash: entry.hash };
  return { evidence, outcome, rulesId: rulesId ?? 0, ledger: { seq: entry.seq, hash: entry.hash }, dryRun: false };
}

/**
 * Make (or, with dryRun, compute) one draw. A recorded draw is one transaction: all or nothing;
 * with inTransaction the caller holds it (so `--level all` records both levels or neither).
 */
export function makeDraw(db: DB, req: DrawRequest, opts: { dryRun: boolean; inTransaction?: boolean; progress?: DrawProgressBar }): DrawRun {
  const work = (): DrawRun => {
    const p = prepareDraw(db, req);
    const header: Omit<DrawHeader, 'seed'> = { ...p.header, createdAt: createdAt(req.date), entropy: req.entropy, entropySource: req.entropySource };
    const outcome = runPrepared(db, header, p.snap.snapshot, opts.progress);
    if (opts.dryRun) return { evidence: outcome.evidence, outcome, rulesId: p.rulesId, dryRun: true };
    return recordRun(db, outcome, p.rulesId, isoUtc(now()), p.snap.nums);
  };
  if (opts.dryRun || opts.inTransaction) return work();
  return writeTx(db, work);
}

const eachLevel = (db: DB, base: Omit<DrawRequest, 'level'>, levels: Level[], progress?: DrawProgressBar) => (): DrawRun[] =>
  levels.map((level) => makeDraw(db, { ...base, level }, { dryRun: false, inTransaction: true, progress }));

/**
 * Draw the levels in order in one write transaction: the county draw sees the city's picks, and
 * a county draw that cannot be staffed leaves the city draw unwritten too.
 */
export function drawLevels(db: DB, base: Omit<DrawRequest, 'level'>, levels: Level[], progress?: DrawProgressBar): DrawRun[] {
  return writeTx(db, eachLevel(db, base, levels, progress));
}

/**
 * The same draws rolled back (a dry run, the plan shown before a confirmation): exactly what
 * would be drawn now, written nowhere.
 */
export function rehearseLevels(db: DB, base: Omit<DrawRequest, 'level'>, levels: Level[], progress?: DrawProgressBar): DrawRun[] {
  return rehearsalTx(db, eachLevel(db, base, levels, progress)).map((r) => ({ ...r, dryRun: true, ledger: undefined }));
}

/**
 * `sj draw void ID` in one write transaction: ID is a commit (voided before its reveal; its draw
 * ids stay reserved) or a draw. Says which it was.
 */
export function voidDrawOrCommit(db: DB, id: string, reason: string): { entry: StoredLedgerEntry; commit: boolean } {
  return writeTx(db, () => {
    const at = isoUtc(now());
    if (getCommit(db, id)) return { entry: voidCommit(db, id, reason, at), commit: true };
    return { entry: voidDraw(db, id, reason, at), commit: false };
  });
}
