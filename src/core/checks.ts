/**
 * The targets of the rules (sj check), from plain arrays. Pure: no I/O, no clock; integers only
 * (shares compared exactly: a*10000 >= threshold*b, never on rounded figures).
 *
 * Targets and their scope:
 * - classMinimum       per region, quarter, class: drawn >= required (required from the draws'
 *                      evidence strata quotas, or planStrata on the roster when there was no draw)
 * - positiveCoverage   per county, quarter: positive objects drawn / positive objects (basis points)
 * - jointInternalShare per region, year (year-to-date for a quarter): share of internal joint inspections
 * - jointDepartment    per region, quarter: inter-department joint inspections >= n
 * - creditBasedShare   per region, year (year-to-date): share drawn with credit tiers
 * - publication        per region, period: results past their publication deadline (must be 0)
 * - statisticsTable    per quarter: due N working days after quarter end — informational: sj
 *                      cannot know when the table was sent, so it is always met; `passed` and
 *                      the due date say whether the deadline is behind us
 * - quarterlySummary   per quarter: due N working days before quarter end — informational, same way
 *
 * Regions that take no part — nothing required in the quarters checked and no inspection in
 * the annual scope (e.g. a district with no objects in the roster) — get no lines.
 */
import { CLASSES, type ObjClass } from './types.js';
import type { Quarter } from './quarter.js';
import { isOverdue, rowRegion, shareBp, type ClassCounts, type RegionInfo, type RequiredEntry, type StatsResult, type StatsTask } from './stats.js';

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
}

export interface CheckInput {
  /** the quarters checked (quarter-scoped targets): the quarter, or the started quarters of a year */
  quarters: Quarter[];
  /** scope label of the annual targets, e.g. "2023" or "2023Q1-2023Q2" */
  annualScope: string;
  regions: RegionInfo[];
  /** live tasks of the annual scope (the year, or year to date); quarter-scoped targets filter by quarter */
  tasks: StatsTask[];
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

const ceilDiv = (a: number, b: number): number => Math.floor((a + b - 1) / b);

/**
 * Smallest k >= 0 such that (part + k) / (total + k) >= threshold (basis points), i.e. how many
 * more inspections of the kind, added to the total, reach the share. null if none can (threshold > 100%).
 * (part+k)*10000 >= thr*(total+k)  <=>  k*(10000-thr) >= thr*total - 10000*part
 */
export function neededForShare(part: number, total: number, thresholdBp: number): number | null {
  const gap = thresholdBp * total - 10000 * part;
  if (gap <= 0) return 0;
  if (thresholdBp >= 10000) return null;
  return ceilDiv(gap, 10000 - thresholdBp);
}

/** share met exactly: part/total >= threshold; vacuously true with no inspections */
export const shareMet = (part: number, total: number, thresholdBp: number): boolean => part * 10000 >= thresholdBp * total;

export function runChecks(input: CheckInput): CheckReport {
  const city = input.regions.find((r) => r.level === 'city');
  if (!city) throw new Error('runChecks: no city region');
  const name = new Map(input.regions.map((r) => [r.code, r.name]));
  const lines: TargetLine[] = [];
  const quarterIds = new Set(input.quarters.map((q) => q.id));

  // per (quarter, row region) counts
  type QAcc = { drawn: ClassCounts; department: number };
  const qacc = new Map<string, QAcc>();
  // per row region, the annual scope
  const yacc = new Map<string, { total: number; joint: number; credit: number }>();
  for (const t of input.tasks) {
    const r = rowRegion(t, city.code);
    const y = yacc.get(r) ?? { total: 0, joint: 0, credit: 0 };
    y.total++;
    if (t.joint) y.joint++;
    if (t.creditBased) y.credit++;
    yacc.set(r, y);
    if (!quarterIds.has(t.quarter)) continue;
    const k = `${t.quarter}|${r}`;
    let a = qacc.get(k);
    if (!a) qacc.set(k, (a = { drawn: { special: 0, key: 0, positive: 0, general: 0 }, department: 0 }));
    a.drawn[t.class]++;
    if (t.departmentJoint) a.department++;
  }
  const reqOf = new Map(input.required.map((e) => [`${e.quarter}|${e.region}`, e.required]));
  const posOf = new Map(input.positiveObjects.map((e) => [`${e.quarter}|${e.region}`, e.count]));

  // a region takes part when it has something to draw or an inspection in the period; one
  // that does not (e.g. a district without objects in the roster) gets no target lines
  const taking = new Set<string>([...yacc.keys()]);
  for (const e of input.required) if (quarterIds.has(e.quarter) && CLASSES.some((c) => e.required[c] > 0)) taking.add(e.region);
  const regions = input.regions.filter((r) => taking.has(r.code));

  for (const q of input.quarters) {
    for (const reg of regions) {
      const a = qacc.get(`${q.id}|${reg.code}`);
      const req = reqOf.get(`${q.id}|${reg.code}`);
      for (const c of CLASSES) {
        const required = req?.[c] ?? 0;
        const drawn = a?.drawn[c] ?? 0;
        if (required === 0 && drawn === 0) continue;
        lines.push({
          id: 'classMinimum', region: reg.code, regionName: reg.name, scope: q.id, class: c,
          figure: drawn, threshold: required, unit: 'count', met: drawn >= required, informational: false,
          needed: Math.max(0, required - drawn),
        });
      }
    }
    for (const reg of regions) {
      if (reg.level !== 'county') continue;
      const pop = posOf.get(`${q.id}|${reg.code}`) ?? 0;
      if (pop === 0) continue;
      const drawn = qacc.get(`${q.id}|${reg.code}`)?.drawn.positive ?? 0;
      const covered = Math.min(drawn, pop);
      const thr = input.targets.positiveCoverage;
      const met = covered * 10000 >= thr * pop;
      lines.push({
        id: 'positiveCoverage', region: reg.code, regionName: reg.name, scope: q.id, class: 'positive',
        figure: shareBp(covered, pop), threshold: thr, unit: 'bp', numerator: covered, denominator: pop, met, informational: false,
        needed: met ? 0 : ceilDiv(thr * pop - covered * 10000, 10000),
      });
    }
    for (const reg of regions) {
      const n = qacc.get(`${q.id}|${reg.code}`)?.department ?? 0;
      const thr = input.targets.jointDepartmentPerQuarter;
      lines.push({
        id: 'jointDepartment', region: reg.code, regionName: reg.name, scope: q.id,
        figure: n, threshold: thr, unit: 'count', met: n >= thr, informational: false, needed: Math.max(0, thr - n),
      });
    }
  }

  for (const reg of regions) {
    const y = yacc.get(reg.code) ?? { total: 0, joint: 0, credit: 0 };
    for (const [id, part, thr] of [
      ['jointInternalShare', y.joint, input.targets.jointInternalShare],
      ['creditBasedShare', y.credit, input.targets.creditBasedShare],
    ] as const) {
      lines.push({
        id, region: reg.code, regionName: reg.name, scope: input.annualScope,
        figure: shareBp(part, y.total), threshold: thr, unit: 'bp', numerator: part, denominator: y.total,
        met: shareMet(part, y.total, thr), informational: false, needed: neededForShare(part, y.total, thr),
      });
    }
  }

  // publication: results of the quarters' tasks past their due date, per region
  const overdue = new Map<string, number>();
  const pubDays = input.deadlines.publicationWorkingDays;
  const dueCache = new Map<string, string>();
  const due = (d: string) => {
    let v = dueCache.get(d);
    if (v === undefined) dueCache.set(d, (v = input.calendar.addWorkingDays(d, pubDays)));
    return v;
  };
  const resultOf = new Map(input.results.map((r) => [r.taskNo, r]));
  for (const t of input.tasks) {
    if (!quarterIds.has(t.quarter)) continue;
    const r = resultOf.get(t.taskNo);
    if (r && isOverdue(r, input.today, due)) {
      const reg = rowRegion(t, city.code);
      overdue.set(reg, (overdue.get(reg) ?? 0) + 1);
    }
  }
  const scope = input.quarters.length === 1 ? input.quarters[0]!.id : input.annualScope;
  for (const reg of regions) {
    const n = overdue.get(reg.code) ?? 0;
    lines.push({
      id: 'publication', region: reg.code, regionName: reg.name, scope,
      figure: n, threshold: 0, unit: 'count', met: n === 0, informational: false, needed: n,
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
