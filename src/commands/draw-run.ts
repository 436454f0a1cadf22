/**
 * Running draws: from options to a recorded draw. Shared by `sj draw`, `sj demo` and the menu.
 */
import { randomBytes } from 'node:crypto';
import { DrawFailure, runDraw, type DrawOutcome } from '../core/draw.js';
import type { Quarter } from '../core/quarter.js';
import { CURRENT_ALGORITHM, type DrawFilter, type DrawHeader, type DrawMethod, type Evidence, type Level, type Snapshot } from '../core/types.js';
import { SjError } from '../errors.js';
import { t } from '../messages/index.js';
import { dateCst, isoCst, isoUtc, now } from '../io/clock.js';
import { writeTx, type DB } from '../io/db.js';
import { nextDrawId, recordDraw, scopeConflict, conflictError } from '../io/draw-store.js';
import { ledgerHead } from '../io/ledger.js';
import { Regions } from '../io/regions.js';
import { rulesForYear } from '../io/rules-store.js';
import { buildSnapshot, type SnapshotResult } from '../io/snapshot.js';
import { progress } from '../ui/progress.js';

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

export const generateEntropy = (): string => randomBytes(32).toString('hex');

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
 * live routine draw of a scope. Shared by makeDraw and `sj draw commit`.
 */
export function prepareDraw(db: DB, req: Omit<DrawRequest, 'entropy' | 'entropySource'>, id?: string): PreparedDraw {
  const regions = Regions.load(db);
  const counties = req.regions.length ? req.regions : regions.counties().map((r) => r.code);
  const rules = rulesForYear(db, req.quarter.year);
  const date = req.date ?? dateCst(now());
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
export function runPrepared(db: DB, header: Omit<DrawHeader, 'seed'>, snapshot: Snapshot, showProgress?: boolean): DrawOutcome {
  const regions = Regions.load(db);
  const bar = progress(`${header.id}`, showProgress ?? Boolean(process.stderr.isTTY));
  try {
    return runDraw({ algorithm: CURRENT_ALGORITHM, draw: header, snapshot }, (d, n) => bar.update(d, n));
  } catch (e) {
    if (e instanceof DrawFailure) throw failureError(e, header.quarter, (c) => regions.name(c));
    throw e;
  } finally {
    bar.done();
  }
}

/**
 * Make (or, with dryRun, compute) one draw. A recorded draw is one transaction: all or nothing;
 * with inTransaction the caller holds it (so `--level all` records both levels or neither).
 */
export function makeDraw(db: DB, req: DrawRequest, opts: { dryRun: boolean; showProgress?: boolean; inTransaction?: boolean }): DrawRun {
  const work = (): DrawRun => {
    const p = prepareDraw(db, req);
    const header: Omit<DrawHeader, 'seed'> = { ...p.header, createdAt: createdAt(req.date), entropy: req.entropy, entropySource: req.entropySource };
    const outcome = runPrepared(db, header, p.snap.snapshot, opts.showProgress);
    const evidence = outcome.evidence;
    if (opts.dryRun) return { evidence, outcome, rulesId: p.rulesId, dryRun: true };
    const regions = Regions.load(db);
    const entry = recordDraw(db, evidence, { rulesId: p.rulesId, recordedAt: isoUtc(now()), regionName: (c) => regions.name(c) });
    evidence.ledger = { seq: entry.seq, prevHash: entry.prevHash, hash: entry.hash };
    return { evidence, outcome, rulesId: p.rulesId, ledger: { seq: entry.seq, hash: entry.hash }, dryRun: false };
  };
  if (opts.dryRun || opts.inTransaction) return work();
  return writeTx(db, work);
}

export function headHash(db: DB): string {
  return ledgerHead(db).hash;
}
