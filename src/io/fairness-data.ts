/**
 * The draws the fairness figures read: from the database (live draws' evidence, in ledger
 * order) or from exported evidence files — the same FairnessDraw either way, so the figures are
 * identical (an auditor reproduces them without the database). Also the plan's snapshots for
 * `sj plan --fairness`.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { drawFromEvidence, fairnessFromPlan, FairnessInputError, type EvidenceLike, type FairnessDraw, type QuarterFairness } from '../core/fairness.js';
import type { Quarter } from '../core/quarter.js';
import { CURRENT_ALGORITHM, type Level } from '../core/types.js';
import { SjError } from '../errors.js';
import { t } from '../messages/index.js';
import type { DB } from './db.js';
import { effectiveTasks, getEvidence, listDraws } from './draw-store.js';
import { HENGSHUI_REGIONS } from './regions-default.js';
import { Regions, type Region } from './regions.js';
import { rulesForYear } from './rules-store.js';
import { buildSnapshot } from './snapshot.js';

export interface FairnessSource {
  draws: FairnessDraw[];
  /** tasks with a substitution (database only; outside the figures) */
  substitutions: number;
  regions: Regions;
}

/** Live draws of these quarters, from the database. */
export function drawsFromDb(db: DB, quarters: string[]): FairnessSource {
  const draws: FairnessDraw[] = [];
  let substitutions = 0;
  for (const q of quarters) {
    for (const row of listDraws(db, { quarter: q, includeVoided: false })) {
      draws.push(drawFromEvidence(getEvidence(db, row.id) as unknown as EvidenceLike));
    }
    substitutions += effectiveTasks(db, { quarter: q }).filter((tk) => tk.substitutions.length > 0).length;
  }
  return { draws, substitutions, regions: Regions.load(db) };
}

/** Draws from exported evidence files (sj draw export), whatever their quarter. */
export function drawsFromFiles(files: string[]): FairnessSource {
  const draws = files.map((file) => {
    let ev: unknown;
    try {
      ev = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new SjError(t('fairness.readFailed', { file, reason: (e as Error).message }));
    }
    try {
      return drawFromEvidence(ev as EvidenceLike);
    } catch (e) {
      if (e instanceof FairnessInputError) throw new SjError(t('fairness.notEvidence', { file: basename(file) }), { hint: t('fairness.notEvidenceHint') });
      throw e;
    }
  });
  // the region names of a fresh database (the evidence holds codes only)
  return { draws, substitutions: 0, regions: new Regions(HENGSHUI_REGIONS as Region[]) };
}

/**
 * `sj plan --fairness`: the quarter's figures before drawing, from the snapshots the draws would
 * take now (city level first, then the counties, as `sj draw` makes them).
 */
export function planFairness(db: DB, req: { quarter: Quarter; date: string; counties: string[]; levels?: Level[] }): QuarterFairness {
  const regions = Regions.load(db);
  const rules = rulesForYear(db, req.quarter.year).rules;
  const counties = req.counties.length ? req.counties : regions.counties().map((r) => r.code);
  const levels = (req.levels ?? ['city', 'county']).map((level) => {
    const snap = buildSnapshot(db, { quarter: req.quarter, level, regions: counties, filter: null, date: req.date, rules });
    return {
      level, drawRegions: snap.drawRegions, algorithm: CURRENT_ALGORITHM, rules,
      objects: snap.snapshot.objects, inspectors: snap.snapshot.inspectors,
    };
  });
  return fairnessFromPlan(req.quarter.id, levels);
}
