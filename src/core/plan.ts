/**
 * `sj plan` arithmetic: what a draw would do, before drawing — by the draw's own code: quotas
 * from quotas.ts planStrata, credit and due from draw.ts (creditedIn, dueOf), joint counts per
 * region from arith.ts. This adds pools, exclusions, expected shortfalls, positive-list coverage
 * and whether every region can be staffed. Pure, integers only.
 */
import { ceilDiv, jointCount, shareMet } from './arith.js';
import { compareBytes } from './canonical.js';
import { creditedIn, dueOf } from './draw.js';
import { planStrata } from './quotas.js';
import { CURRENT_ALGORITHM, type DrawRules, type Exclusion, type Level, type ObjClass, type SnapInspector, type Snapshot } from './types.js';

export type ExclusionReason = Exclude<Exclusion, null>;
export const EXCLUSION_REASONS: readonly ExclusionReason[] = ['same-quarter', 'drawn-by-county', 'annual-cap', 'season'];

export interface PlanStratumRow {
  region: string;
  class: ObjClass;
  tier: string | null;
  /** N_t: objects of the stratum, excluded ones included */
  population: number;
  /** N of the whole (region, class) */
  classPopulation: number;
  /** T: the plan's minimum for the whole (region, class) */
  classMinimum: number;
  /** n_t */
  quota: number;
  /** objects already selected this quarter by another live draw, counted toward the quota (§5) */
  credited: number;
  /** max(0, quota − credited): what the draw still has to select */
  due: number;
  /** objects that may be drawn (not excluded) */
  pool: number;
  excluded: Record<ExclusionReason, number>;
  excludedTotal: number;
  /** min(due, pool): what the draw will select */
  expected: number;
  /** due − expected */
  shortfall: number;
}

export interface PositiveCoverage {
  region: string;
  population: number;
  quota: number;
  /** already selected this quarter (credited) */
  credited: number;
  pool: number;
  expected: number;
  /** credited + expected: objects covered this quarter once the draw is made */
  covered: number;
  /** covered / population in basis points (rounded down) */
  coverage: number;
  /** rules.targets.positiveCoverage (basis points) */
  target: number;
  met: boolean;
}

export type StaffingProblem = 'too-few' | 'one-line' | 'load-cap';

export interface StaffingRow {
  region: string;
  /** eligible inspectors whose region is this one */
  eligible: number;
  /** inspectors who may be sent here: county level = eligible; city level = those outside it (cross-region) or everyone */
  candidates: number;
  /** distinct business lines among the candidates */
  lines: number;
  /** objects of this region that may be drawn (pool of the drawn classes) */
  pool: number;
  /** tasks expected in this region (county level); null at city level, where strata are not split by county */
  tasks: number | null;
  /** internal joint tasks of those (J_r, §6); null at city level */
  jointTasks: number | null;
  /** ceilDiv(tasks × team size, candidates): team places per candidate (county level); null otherwise */
  averageLoad: number | null;
  problems: StaffingProblem[];
}

export interface Staffing {
  teamSize: number;
  /** rules.team.maxTasksPerInspector; 0 = no cap */
  loadCap: number;
  crossRegion: boolean;
  /** tasks the draw is expected to make */
  tasks: number;
  /** the draw's joint share (basis points) and the internal-joint tasks it implies */
  jointShare: number;
  jointTasks: number;
  eligible: number;
  regions: StaffingRow[];
  /** regions with at least one problem */
  unstaffable: string[];
  /** level-wide: the load cap leaves too few team places (city level) */
  problems: StaffingProblem[];
}

export interface LevelPlan {
  level: Level;
  drawRegions: string[];
  strata: PlanStratumRow[];
  positive: PositiveCoverage[];
  staffing: Staffing;
  totals: { population: number; quota: number; credited: number; due: number; pool: number; excluded: number; expected: number; shortfall: number };
}

export interface PlanInput {
  level: Level;
  /** draw.regions: [cityCode] at city level, the county codes otherwise */
  drawRegions: string[];
  snapshot: Pick<Snapshot, 'objects' | 'inspectors'>;
  rules: DrawRules;
  /** the internal joint share a draw would use (basis points) */
  jointShare: number;
  /** city-bureau code: its inspectors are candidates everywhere at city level */
  cityCode?: string;
}

const zeroExcl = (): Record<ExclusionReason, number> => ({ 'same-quarter': 0, 'drawn-by-county': 0, 'annual-cap': 0, season: 0 });

export function summarizePlan(input: PlanInput): LevelPlan {
  const { level, drawRegions, snapshot, rules } = input;
  const planned = planStrata(level, drawRegions, snapshot.objects, rules);
  const strata: PlanStratumRow[] = planned.map((s) => {
    const excluded = zeroExcl();
    let pool = 0;
    for (const o of s.objects) {
      if (o.excluded === null) pool++;
      else excluded[o.excluded]++;
    }
    const credited = creditedIn(CURRENT_ALGORITHM, s.objects);
    const due = dueOf({ quota: s.quota, credited });
    const expected = Math.min(due, pool);
    return {
      region: s.region, class: s.class, tier: s.tier, population: s.population, classPopulation: s.classPopulation,
      classMinimum: s.classMinimum, quota: s.quota, credited, due, pool, excluded, excludedTotal: s.population - pool, expected,
      shortfall: due - expected,
    };
  });

  const target = Number((rules as { targets?: { positiveCoverage?: number } }).targets?.positiveCoverage ?? 10000);
  const positive: PositiveCoverage[] = strata
    .filter((s) => s.class === 'positive')
    .map((s) => {
      const covered = Math.min(s.population, s.credited + s.expected);
      const coverage = Math.floor((covered * 10000) / s.population);
      return {
        region: s.region, population: s.population, quota: s.quota, credited: s.credited, pool: s.pool, expected: s.expected,
        covered, coverage, target, met: shareMet(covered, s.population, target),
      };
    });

  const totals = { population: 0, quota: 0, credited: 0, due: 0, pool: 0, excluded: 0, expected: 0, shortfall: 0 };
  for (const s of strata) {
    totals.population += s.population;
    totals.quota += s.quota;
    totals.credited += s.credited;
    totals.due += s.due;
    totals.pool += s.pool;
    totals.excluded += s.excludedTotal;
    totals.expected += s.expected;
    totals.shortfall += s.shortfall;
  }

  return { level, drawRegions: [...drawRegions], strata, positive, staffing: staffing(input, strata, totals.expected), totals };
}

function staffing(input: PlanInput, strata: PlanStratumRow[], tasks: number): Staffing {
  const { level, rules, snapshot } = input;
  const size = rules.team.size;
  const cap = rules.team.maxTasksPerInspector;
  const cross = rules.team.crossRegionAtCity;
  const jointShare = input.jointShare;
  // §6 of sj-draw/2: J_r per region of the tasks (the city code for every task at city level)
  const tasksBy = new Map<string, number>();
  for (const s of strata) tasksBy.set(s.region, (tasksBy.get(s.region) ?? 0) + s.expected);
  let jointTasks = 0;
  for (const n of tasksBy.values()) jointTasks += jointCount(n, jointShare);
  const inspectors = snapshot.inspectors;
  const byRegion = new Map<string, SnapInspector[]>();
  for (const i of inspectors) {
    const list = byRegion.get(i.region) ?? [];
    list.push(i);
    byRegion.set(i.region, list);
  }
  const lines = (list: readonly SnapInspector[]) => new Set(list.map((i) => i.line)).size;
  const rows: StaffingRow[] = [];
  const problems: StaffingProblem[] = [];

  if (level === 'county') {
    const poolBy = new Map<string, number>();
    for (const s of strata) poolBy.set(s.region, (poolBy.get(s.region) ?? 0) + s.pool);
    const regions = [...new Set([...input.drawRegions, ...tasksBy.keys()])].sort(compareBytes);
    for (const r of regions) {
      const cands = byRegion.get(r) ?? [];
      const n = tasksBy.get(r) ?? 0;
      const jr = jointCount(n, jointShare);
      const row: StaffingRow = {
        region: r, eligible: cands.length, candidates: cands.length, lines: lines(cands), pool: poolBy.get(r) ?? 0, tasks: n, jointTasks: jr,
        averageLoad: cands.length ? ceilDiv(n * size, cands.length) : null, problems: [],
      };
      if (n > 0) {
        if (cands.length < size) row.problems.push('too-few');
        if (jr > 0 && row.lines < 2) row.problems.push('one-line');
        if (cap > 0 && cands.length * cap < n * size) row.problems.push('load-cap');
      }
      rows.push(row);
    }
  } else {
    // city level: candidates for an object of county c are the inspectors outside c (异地交叉),
    // city-bureau inspectors included, or everyone when cross-region teams are off
    const poolBy = new Map<string, number>();
    const poolIds = new Set<string>();
    for (const o of snapshot.objects) if (o.excluded === null) poolIds.add(o.id);
    const drawnClasses = new Set(strata.map((s) => s.class));
    for (const o of snapshot.objects) {
      if (poolIds.has(o.id) && drawnClasses.has(o.class)) poolBy.set(o.region, (poolBy.get(o.region) ?? 0) + 1);
    }
    const regions = [...new Set([...poolBy.keys(), ...byRegion.keys()])].sort(compareBytes);
    for (const r of regions) {
      const own = byRegion.get(r) ?? [];
      const isCity = r === input.cityCode;
      const cands = cross && !isCity ? inspectors.filter((i) => i.region !== r) : inspectors;
      const n = isCity ? 0 : poolBy.get(r) ?? 0;
      const row: StaffingRow = {
        region: r, eligible: own.length, candidates: cands.length, lines: lines(cands), pool: n, tasks: null, jointTasks: null,
        averageLoad: null, problems: [],
      };
      if (n > 0 && tasks > 0) {
        if (cands.length < size) row.problems.push('too-few');
        if (jointTasks > 0 && row.lines < 2) row.problems.push('one-line');
      }
      rows.push(row);
    }
    if (cap > 0 && inspectors.length * cap < tasks * size) problems.push('load-cap');
  }

  return {
    teamSize: size, loadCap: cap, crossRegion: cross, tasks, jointShare, jointTasks, eligible: inspectors.length,
    regions: rows, unstaffable: rows.filter((r) => r.problems.length).map((r) => r.region), problems,
  };
}
