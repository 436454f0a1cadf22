/**
 * The targets of the rules (sj check), from plain arrays (runChecks) or from their counted figures
 * (checkTargets; core/stats.ts TaskFigures). Pure: no I/O, no clock; integers only
 * (shares compared exactly: a*10000 >= threshold*b, never on rounded figures).
 *
 * Targets and their scope (domain.md, "How sj measures the targets"):
 * - classMinimum       per region, quarter, class: distinct objects selected (a county: its objects,
 *                      by any live draw; the city: by city-level draws) >= T = min(N, ceilDiv(N × rate, 10000))
 * - positiveCoverage   per county, quarter: positive objects covered / positive objects (basis points)
 * - jointInternalShare per region, year (year-to-date for a quarter): share of internal joint inspections
 *                      among the tasks of the region's own level
 * - jointDepartment    per region, quarter: inter-department joint draws of its level including it >= n
 * - creditBasedShare   per region, year (year-to-date): tasks drawn in a credit-rated stratum over the
 *                      tasks drawn by sampling (rules.targets.creditBasedScope "sampled"), or over all
 * - publication        per region, period: results overdue or published late (must be 0)
 * - statisticsTable    per quarter: due N working days after quarter end — informational: sj
 *                      cannot know when the table was sent, so it is always met; `passed` and
 *                      the due date say whether the deadline is behind us
 * - quarterlySummary   per quarter: due N working days before quarter end — informational, same way
 *
 * Regions that take no part — nothing required in the quarters checked and no inspection in
 * the annual scope (e.g. a district with no objects in the roster) — get no lines.
 */
import { ceilDiv, neededForShare, shareBp, shareMet } from './arith.js';
import { CLASSES, type ObjClass } from './types.js';
import type { Quarter } from './quarter.js';
import {
  addCounts, coveredOf, departmentDraws, shareTally, taskFigures, zeroCounts,
  type CreditScope, type RegionInfo, type RequiredEntry, type ShareTally, type StatsDraw, type StatsResult, type StatsTask, type TaskCounts, type TaskFigures,
} from './stats.js';

export { neededForShare, shareMet };

export type TargetId =
  | 'classMinimum'
  | 'positiveCoverage'
  | 'jointInternalShare'
  | 'jointDepartment'
  | 'creditBasedShare'
  | 'publication'
  | 'statisticsTable'
  | 'quarterlySummary';

export const TARGET_IDS: readonly TargetId[] = [
  'classMinimum', 'positiveCoverage', 'jointInternalShare', 'jointDepartment', 'creditBasedShare', 'publication', 'statisticsTable', 'quarterlySummary',
];

export interface TargetLine {
  id: TargetId;
  /** region code, or "all" for the deadlines */
  region: string;
  regionName: string;
  /** what the figure covers: "2023Q2", "2023" or "2023Q1-2023Q2" (year to date) */
  scope: string;
  class?: ObjClass;
  /** count, basis points, or a date (YYYY-MM-DD) — see unit */
  figure: number | string | null;
  threshold: number | string;
  unit: 'count' | 'bp' | 'date';
  /** for shares and coverage: the numerator and denominator */
  numerator?: number;
  denominator?: number;
  met: boolean;
  /** informational lines never fail the check */
  informational: boolean;
  /**
   * what is still needed to meet the target: further inspections (shares: joint/credit-based
   * ones added to the total), objects to draw (minimum, coverage), results to publish; 0 when met;
   * null when no number of additions can reach it
   */
  needed: number | null;
  /** for deadlines: whether the due date is behind us */
  passed?: boolean;
  /** why a missed target could not be met by drawing (named by the caller from the draws), e.g. a short pool */
  cause?: MissCause;
  /** publication: the figure's parts (results overdue, unpublished; results published late) */
  parts?: { overdue: number; publishedLate: number };
}

/** Why a class minimum or coverage was missed. */
export type MissCause =
  /** no live routine draw of the region's level this quarter: work left undone */
  | { kind: 'not-drawn' }
  /** the routine draw's pool was short by `short`: its excluded objects by reason */
  | { kind: 'pool-short'; drawId: string; short: number; excluded: Record<string, number> }
  /** drawn in full, then fewer objects remain selected (voided or substituted draws) */
  | { kind: 'other' };

export interface CheckInput {
  /** the quarters checked (quarter-scoped targets): the quarter, or the started quarters of a year */
  quarters: Quarter[];
  /** scope label of the annual targets, e.g. "2023" or "2023Q1-2023Q2" */
  annualScope: string;
  regions: RegionInfo[];
  /** live tasks of the annual scope (the year, or year to date); quarter-scoped targets filter by quarter */
  tasks: StatsTask[];
  /** live draws of the quarters checked */
  draws: StatsDraw[];
  creditScope: CreditScope;
  /** causes of a short figure, by `${quarter}|${region}|${class}` (from the routine draws' strata) */
  causes?: Map<string, MissCause>;
  /**
   * objects per region of the classes drawn by sampling at its level (rate below 10000): a region
   * with none has no credit-based share target (domain.md: no objects of the kind, no target)
   */
  sampledObjects?: Map<string, number>;
  /** current results of the tasks of `quarters` */
  results: StatsResult[];
  required: RequiredEntry[];
  /** positive-list objects per county and quarter (the draw's population, or the roster without a draw) */
  positiveObjects: { quarter: string; region: string; count: number }[];
  targets: { jointInternalShare: number; jointDepartmentPerQuarter: number; creditBasedShare: number; positiveCoverage: number };
  deadlines: { publicationWorkingDays: number; summaryWorkingDaysBeforeQuarterEnd: number; statisticsWorkingDaysAfterQuarterEnd: number };
  calendar: { addWorkingDays(date: string, n: number): string };
  today: string;
}

export interface CheckReport {
  met: boolean;
  targets: TargetLine[];
}


/** The targets, from task arrays (counted here with taskFigures). */
export function runChecks(input: CheckInput): CheckReport {
  const city = input.regions.find((r) => r.level === 'city');
  if (!city) throw new Error('runChecks: no city region');
  const pubDays = input.deadlines.publicationWorkingDays;
  const { tasks, results, ...rest } = input;
  const figures = taskFigures(tasks, results, {
    cityCode: city.code, creditScope: input.creditScope, today: input.today, publicationDue: (d) => input.calendar.addWorkingDays(d, pubDays),
  });
  return checkTargets({ ...rest, figures, annual: figures.tallies.map(shareTally) });
}

/**
 * The targets' input with the tasks counted: `figures` of the quarters checked (their results'
 * publication judged with `calendar` and rules.deadlines), `annual` the share counts of the
 * annual scope's tasks (the year, or year to date).
 */
export type ChecksFromFigures = Omit<CheckInput, 'tasks' | 'results'> & { figures: TaskFigures; annual: ShareTally[] };

/** The targets, from counted figures. */
export function checkTargets(input: ChecksFromFigures): CheckReport {
  const city = input.regions.find((r) => r.level === 'city');
  if (!city) throw new Error('runChecks: no city region');
  const name = new Map(input.regions.map((r) => [r.code, r.name]));
  const lines: TargetLine[] = [];
  const quarterIds = new Set(input.quarters.map((q) => q.id));

  // per row region: the annual scope (shares), and the quarters checked (publication)
  const yacc = new Map<string, Omit<ShareTally, 'quarter' | 'region'>>();
  for (const s of input.annual) {
    const y = yacc.get(s.region) ?? { tasks: 0, jointInternal: 0, creditBasis: 0, creditBased: 0 };
    y.tasks += s.tasks;
    y.jointInternal += s.jointInternal;
    y.creditBasis += s.creditBasis;
    y.creditBased += s.creditBased;
    yacc.set(s.region, y);
  }
  const qacc = new Map<string, TaskCounts>();
  for (const tl of input.figures.tallies) if (quarterIds.has(tl.quarter)) qacc.set(tl.region, addCounts(qacc.get(tl.region) ?? zeroCounts(), tl));
  // per (quarter, region): distinct objects by class (looked up for the quarters checked only)
  const coverage = input.figures.coverage;
  const department = departmentDraws(input.draws.filter((d) => quarterIds.has(d.quarter)), city.code);
  const reqOf = new Map(input.required.map((e) => [`${e.quarter}|${e.region}`, e.required]));
  const posOf = new Map(input.positiveObjects.map((e) => [`${e.quarter}|${e.region}`, e.count]));

  // a region takes part when it has something to draw or an inspection in the period; one
  // that does not (e.g. a district without objects in the roster) gets no target lines
  const taking = new Set<string>([...yacc.keys()]);
  for (const e of input.required) if (quarterIds.has(e.quarter) && CLASSES.some((c) => e.required[c] > 0)) taking.add(e.region);
  const regions = input.regions.filter((r) => taking.has(r.code));

  for (const q of input.quarters) {
    const causeOf = (region: string, c: ObjClass, met: boolean) => (met ? undefined : input.causes?.get(`${q.id}|${region}|${c}`) ?? { kind: 'other' as const });
    for (const reg of regions) {
      const cov = coverage.get(`${q.id}|${reg.code}`);
      const req = reqOf.get(`${q.id}|${reg.code}`);
      for (const c of CLASSES) {
        const required = req?.[c] ?? 0;
        const figure = coveredOf(cov, c);
        if (required === 0 && figure === 0) continue;
        const met = figure >= required;
        lines.push({
          id: 'classMinimum', region: reg.code, regionName: reg.name, scope: q.id, class: c,
          figure, threshold: required, unit: 'count', met, informational: false,
          needed: Math.max(0, required - figure), cause: causeOf(reg.code, c, met),
        });
      }
    }
    for (const reg of regions) {
      if (reg.level !== 'county') continue;
      const pop = posOf.get(`${q.id}|${reg.code}`) ?? 0;
      if (pop === 0) continue;
      const covered = Math.min(coveredOf(coverage.get(`${q.id}|${reg.code}`), 'positive'), pop);
      const thr = input.targets.positiveCoverage;
      const met = shareMet(covered, pop, thr);
      lines.push({
        id: 'positiveCoverage', region: reg.code, regionName: reg.name, scope: q.id, class: 'positive',
        figure: shareBp(covered, pop), threshold: thr, unit: 'bp', numerator: covered, denominator: pop, met, informational: false,
        needed: met ? 0 : ceilDiv(thr * pop - covered * 10000, 10000), cause: causeOf(reg.code, 'positive', met),
      });
    }
    for (const reg of regions) {
      const n = department.get(`${q.id}|${reg.code}`) ?? 0;
      const thr = input.targets.jointDepartmentPerQuarter;
      lines.push({
        id: 'jointDepartment', region: reg.code, regionName: reg.name, scope: q.id,
        figure: n, threshold: thr, unit: 'count', met: n >= thr, informational: false, needed: Math.max(0, thr - n),
      });
    }
  }

  for (const reg of regions) {
    const y = yacc.get(reg.code) ?? { tasks: 0, jointInternal: 0, creditBasis: 0, creditBased: 0 };
    for (const [id, part, total, thr] of [
      ['jointInternalShare', y.jointInternal, y.tasks, input.targets.jointInternalShare],
      ['creditBasedShare', y.creditBased, y.creditBasis, input.targets.creditBasedShare],
    ] as const) {
      // a region with objects but no tasks has share "—" and misses; one with none of the kind has no such target
      if (id === 'creditBasedShare' && total === 0 && input.sampledObjects && (input.sampledObjects.get(reg.code) ?? 0) === 0 && input.creditScope === 'sampled') continue;
      const met = total > 0 && shareMet(part, total, thr);
      lines.push({
        id, region: reg.code, regionName: reg.name, scope: input.annualScope,
        figure: shareBp(part, total), threshold: thr, unit: 'bp', numerator: part, denominator: total,
        met, informational: false, needed: total > 0 ? neededForShare(part, total, thr) : null,
      });
    }
  }

  // publication: results of the quarters' tasks overdue, or published after their due date, per region
  const scope = input.quarters.length === 1 ? input.quarters[0]!.id : input.annualScope;
  for (const reg of regions) {
    const q = qacc.get(reg.code) ?? zeroCounts();
    const parts = { overdue: q.overdue, publishedLate: q.publishedLate };
    const n = parts.overdue + parts.publishedLate;
    lines.push({
      id: 'publication', region: reg.code, regionName: reg.name, scope,
      // what can still be done: publish the overdue ones (a late publication cannot be undone)
      figure: n, threshold: 0, unit: 'count', met: n === 0, informational: false, needed: parts.overdue, parts,
    });
  }

  // deadlines of the quarter's documents: informational
  for (const q of input.quarters) {
    const summaryDue = input.calendar.addWorkingDays(q.end, -input.deadlines.summaryWorkingDaysBeforeQuarterEnd);
    const statsDue = input.calendar.addWorkingDays(q.end, input.deadlines.statisticsWorkingDaysAfterQuarterEnd);
    for (const [id, d] of [['quarterlySummary', summaryDue], ['statisticsTable', statsDue]] as const) {
      lines.push({
        id, region: 'all', regionName: name.get(city.code) ?? city.code, scope: q.id,
        figure: d, threshold: d, unit: 'date', met: true, informational: true, needed: null, passed: input.today > d,
      });
    }
  }

  return { met: lines.every((l) => l.met), targets: lines };
}
