/**
 * Running draws: from options to a recorded draw. Shared by `sj draw`, `sj demo` and the menu.
 */
import { randomBytes } from 'node:crypto';
import { DrawFailure, runDraw, type DrawOutcome } from '../core/draw.js';
import type { Quarter } from '../core/quarter.js';
import { CURRENT_ALGORITHM, type DrawFilter, type DrawHeader, type DrawMethod, type Evidence, type Level } from '../core/types.js';
import { SjError } from '../errors.js';
import { t } from '../messages/index.js';
import { dateCst, isoCst, isoUtc, now } from '../io/clock.js';
import { writeTx, type DB } from '../io/db.js';
import { nextDrawId, recordDraw, scopeConflict, conflictError } from '../io/draw-store.js';
import { ledgerHead } from '../io/ledger.js';
import { Regions } from '../io/regions.js';
import { rulesForYear } from '../io/rules-store.js';
import { buildSnapshot } from '../io/snapshot.js';
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

function createdAt(date: string | undefined): string {
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

/**
 * Make (or, with dryRun, compute) one draw. A recorded draw is one transaction: all or nothing;
 * with inTransaction the caller holds it (so `--level all` records both levels or neither).
 */
export function makeDraw(db: DB, req: DrawRequest, opts: { dryRun: boolean; showProgress?: boolean; inTransaction?: boolean }): DrawRun {
  const regions = Regions.load(db);
  const counties = req.regions.length ? req.regions : regions.counties().map((r) => r.code);
  const rules = rulesForYear(db, req.quarter.year);
  const date = req.date ?? dateCst(now());
  const work = (): DrawRun => {
    const id = nextDrawId(db, req.quarter.id, req.level, req.directional);
    const snap = buildSnapshot(db, {
      quarter: req.quarter, level: req.level, regions: counties, filter: req.filter, date, rules: rules.rules, algorithm: CURRENT_ALGORITHM,
    });
    if (snap.snapshot.objects.length === 0) throw new SjError(t('draw.emptyPopulation', { level: t(`draw.level.${req.level}`) }));
    const kind = req.directional ? 'directional' : 'routine';
    if (kind === 'routine') {
      const c = scopeConflict(db, req.quarter.id, req.level, snap.drawRegions);
      if (c) throw conflictError(c, regions.name(c.region));
    }
    const header: Omit<DrawHeader, 'seed'> = {
      id, quarter: req.quarter.id, level: req.level, regions: snap.drawRegions, kind, filter: req.filter,
      method: req.method, joint: req.departmentJoint ? 'department' : 'none', partners: req.partners,
      jointShare: req.jointShare ?? Number((rules.rules as { targets?: { jointInternalShare?: number } }).targets?.jointInternalShare ?? 3000),
      withExperts: req.withExperts, createdAt: createdAt(req.date), entropy: req.entropy, entropySource: req.entropySource,
    };
    const bar = progress(`${id}`, opts.showProgress ?? Boolean(process.stderr.isTTY));
    let outcome: DrawOutcome;
    try {
      outcome = runDraw({ algorithm: CURRENT_ALGORITHM, draw: header, snapshot: snap.snapshot }, (d, n) => bar.update(d, n));
    } catch (e) {
      if (e instanceof DrawFailure) throw failureError(e, req.quarter.id, (c) => regions.name(c));
      throw e;
    } finally {
      bar.done();
    }
    const evidence = outcome.evidence;
    if (opts.dryRun) return { evidence, outcome, rulesId: rules.id, dryRun: true };
    const entry = recordDraw(db, evidence, { rulesId: rules.id, recordedAt: isoUtc(now()), regionName: (c) => regions.name(c) });
    evidence.ledger = { seq: entry.seq, prevHash: entry.prevHash, hash: entry.hash };
    return { evidence, outcome, rulesId: rules.id, ledger: { seq: entry.seq, hash: entry.hash }, dryRun: false };
  };
  if (opts.dryRun || opts.inTransaction) return work();
  return writeTx(db, work);
}

export function headHash(db: DB): string {
  return ledgerHead(db).hash;
}
