/**
 * What a quarter's draws would demand, before drawing (`sj plan`, the menu): each level's
 * snapshot built exactly as the draw builds it, summarized by core/plan.ts. Nothing is drawn or
 * written (except the rules row stored on first use).
 */
import { summarizePlan, type LevelPlan } from '../core/plan.js';
import { judgeDate, type JudgeDate, type Quarter } from '../core/quarter.js';
import type { Level } from '../core/types.js';
import { loadCalendar } from './calendar-store.js';
import { today } from './clock.js';
import type { DB } from './db.js';
import { liveScopes } from './draw-store.js';
import { Regions } from './regions.js';
import { rulesForYear, type StoredRules } from './rules-store.js';
import { buildSnapshot } from './snapshot.js';

export interface PlanLevelResult {
  plan: LevelPlan;
  ineligibleInspectors: { id: string; region: string; reason: string }[];
  /** regions of this level already drawn this quarter by a live routine draw (not previewed again) */
  done: { drawId: string; regions: string[] }[];
}

export interface PlanRequest {
  quarter: Quarter;
  levels: Level[];
  /** county codes; empty = every county */
  regions: string[];
  date: string;
}

/** A plan: the rules it was computed with, each level's summary, the regions to name them by. */
export interface PlanResult {
  rules: StoredRules;
  levels: PlanLevelResult[];
  regions: Regions;
  /** the draws of the quarter the snapshots took into account (credited, excluded) */
  drawsMade: string[];
}

/**
 * Build the snapshot of each level as the draw would (same code: buildSnapshot, planStrata,
 * credit and due) and summarize it. Regions already drawn this quarter by a live routine draw of
 * that level are named and left out of the preview. Nothing drawn, nothing written but the rules
 * row on first use.
 */
export function computePlan(db: DB, req: PlanRequest): PlanResult {
  const regions = Regions.load(db);
  const rules = rulesForYear(db, req.quarter.year);
  const counties = req.regions.length ? req.regions : regions.counties().map((r) => r.code);
  const jointShare = Number(rules.rules.targets?.jointInternalShare ?? 0);
  const scope = liveScopes(db, req.quarter.id);
  let drawsMade: string[] = [];
  const levels = req.levels.map((level) => {
    const heldBy = new Map(scope.filter((s) => s.level === level).map((s) => [s.region, s.draw_id]));
    const wanted = level === 'city' ? [regions.city.code] : counties;
    const left = level === 'city' ? (heldBy.has(regions.city.code) ? [] : wanted) : wanted.filter((c) => !heldBy.has(c));
    const doneBy = new Map<string, string[]>();
    for (const r of wanted) if (heldBy.has(r)) doneBy.set(heldBy.get(r)!, [...(doneBy.get(heldBy.get(r)!) ?? []), r]);
    const done = [...doneBy].map(([drawId, rs]) => ({ drawId, regions: rs }));
    const snap = buildSnapshot(db, { quarter: req.quarter, level, regions: left.length ? left : counties, filter: null, date: req.date, rules: rules.rules });
    drawsMade = snap.priorDraws.map((d) => d.id);
    if (!left.length) {
      const empty = summarizePlan({ level, drawRegions: [], snapshot: { objects: [], inspectors: [] }, rules: rules.rules, jointShare, cityCode: regions.city.code });
      return { plan: empty, ineligibleInspectors: [], done };
    }
    const drawRegions = snap.drawRegions ?? (level === 'city' ? [regions.city.code] : [...left].sort());
    const plan = summarizePlan({ level, drawRegions, snapshot: snap.snapshot, rules: rules.rules, jointShare, cityCode: regions.city.code });
    return { plan, ineligibleInspectors: snap.ineligibleInspectors, done };
  });
  return { rules, levels, regions, drawsMade };
}

/** The date a plan (and a draw without --date) is judged on: see core/quarter.ts judgeDate. */
export function planDate(db: DB, quarter: Quarter, given: string | undefined): JudgeDate {
  if (given) return { date: given, basis: 'given' };
  const cal = loadCalendar(db);
  return judgeDate(quarter, today(), (d) => (cal.isWorkingDay(d) ? d : cal.addWorkingDays(d, 1)));
}
