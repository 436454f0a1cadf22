/**
 * The quarterly statistics table (统计表): every figure, from plain arrays. Pure: no fs, no
 * console, no clock — "today" and the publication due date of an inspection come in.
 * Integers only: shares are basis points (floored) in data, shown rounded half up (arith.ts);
 * fines are fen.
 *
 * What counts (domain.md, "How sj measures the targets"): live draws only; a substituted task
 * counts its new object. Rows: the city (市本级: the city-level draws' tasks), each county (its
 * county-level draws' tasks, by the task's region), and 合计. The class figures of a county count
 * its objects (by the object's own county) selected this quarter by any live draw: 实抽 = its
 * own routine draw's picks, 计入已抽 = those of city-level or directional draws. The 合计 row sums
 * the rows; its object count is the city's, once (the city row already counts the objects of
 * every county), and its inspectors are the sum (each inspector belongs to one unit).
 */
import { bpText, shareBp } from './arith.js';
import { oncePerDate } from './deadlines.js';
import { hasProblem } from './results.js';
import { CLASSES, type Level, type Method, type ObjClass } from './types.js';

export { bpText, shareBp };

export type ClassCounts = Record<ObjClass, number>;
export type ClassFlags = Record<ObjClass, boolean>;

export interface StatsTask {
  taskNo: string;
  drawId: string;
  quarter: string;
  level: Level;
  drawKind: 'routine' | 'directional';
  /** stratum region: the city code for city-level tasks, the county otherwise */
  region: string;
  /** the object inspected (after substitutions) and its own county */
  objectId: string;
  objectRegion: string;
  class: ObjClass;
  /** the stratum's credit tier; null = unrated or an untiered class */
  tier: string | null;
  method: Method;
  joint: boolean;
  departmentJoint: boolean;
  /** drawn by sampling: the class's rate at the draw's level (its own rules) is below 10000 */
  sampled: boolean;
}

/** A live draw, for the inter-department joint count (draws, not tasks). */
export interface StatsDraw {
  id: string;
  quarter: string;
  level: Level;
  /** draw.regions: [city code] at city level, the counties otherwise */
  regions: string[];
  departmentJoint: boolean;
}

/** Which tasks the credit-based share is computed over (rules.targets.creditBasedScope). */
export type CreditScope = 'sampled' | 'all';

/** Is a task in the credit-based share's denominator, and in its numerator? */
export function creditCounts(t: Pick<StatsTask, 'sampled' | 'tier'>, scope: CreditScope): { den: boolean; num: boolean } {
  const den = scope === 'all' || t.sampled;
  return { den, num: den && t.tier !== null };
}

export interface StatsResult {
  taskNo: string;
  /** inspection date YYYY-MM-DD */
  date: string;
  outcome: string;
  fineFen: number;
  rectified: boolean;
  confidential: boolean;
  /** date published (published table or the results file's 公示日期), null if not */
  publishedOn: string | null;
}

export interface RegionInfo {
  code: string;
  name: string;
  level: Level;
}

/** Required (应抽) numbers of one region in one quarter, per class */
export interface RequiredEntry {
  quarter: string;
  region: string;
  required: ClassCounts;
}

export interface StatsInput {
  /** the city first, then the counties in display order */
  regions: RegionInfo[];
  /** live tasks of the period's quarters */
  tasks: StatsTask[];
  /** live draws of the period's quarters */
  draws: StatsDraw[];
  creditScope: CreditScope;
  /** current results of those tasks (others are ignored) */
  results: StatsResult[];
  /** roster objects per row region (the city row: the whole city) */
  objects: Record<string, ClassCounts>;
  /** active certified inspectors per row region */
  inspectors: Record<string, number>;
  /** one entry per (quarter, region) of the period */
  required: RequiredEntry[];
  /** YYYY-MM-DD */
  today: string;
  /** the last day to publish the result of an inspection made on `date` */
  publicationDue: (date: string) => string;
}

/** One row of the statistics table: a region (or the city's own draws, or the total). */
export interface StatsRow extends TaskCounts {
  region: string;
  name: string;
  kind: 'city' | 'county' | 'total';
  objects: ClassCounts & { total: number };
  inspectors: number;
  required: ClassCounts & { total: number };
  /** 实抽: distinct objects selected by this row's own routine draws */
  drawn: ClassCounts & { total: number };
  /** 计入已抽: the row's objects selected by city-level or directional draws (not by its own routine draw) */
  credited: ClassCounts & { total: number };
  /** drawn + credited ≥ required in every quarter of the period, per class */
  met: ClassFlags;
  inspections: number;
  /** basis points of inspections, floored; null when there are none */
  jointInternalShare: number | null;
  /** inter-department joint draws of this row's level that include the region */
  jointDepartment: number;
  creditBasedShare: number | null;
  fineYuan: string;
}

export const zeroClasses = (): ClassCounts => ({ special: 0, key: 0, positive: 0, general: 0 });
const withTotal = (c: ClassCounts) => ({ ...c, total: CLASSES.reduce((s, k) => s + c[k], 0) });


/** fen → "12345.00" (exact, integer arithmetic) */
export function yuan(fen: number): string {
  const neg = fen < 0;
  const f = Math.abs(fen);
  return `${neg ? '-' : ''}${Math.floor(f / 100)}.${String(f % 100).padStart(2, '0')}`;
}

/** The row a task belongs to: the city for city-level tasks, its county otherwise. */
export function rowRegion(t: Pick<StatsTask, 'level' | 'region'>, cityCode: string): string {
  return t.level === 'city' ? cityCode : t.region;
}

/** Per quarter and region: the distinct objects of each class selected, split as the table shows them. */
export interface ClassCoverage {
  /** 实抽: by the row's own routine draws */
  own: ClassCounts;
  /** 计入已抽: by city-level or directional draws, not already in own */
  credited: ClassCounts;
}

/**
 * The class figures of every (quarter, region): for a county, its objects (by their own county)
 * selected by any live draw; for the city, the objects selected by city-level draws. Distinct
 * objects, in whatever order the draws came. Key: `${quarter}|${region}`.
 */
export function classCoverage(tasks: readonly StatsTask[], cityCode: string): Map<string, ClassCoverage> {
  const own = new Map<string, Map<string, ObjClass>>();
  const other = new Map<string, Map<string, ObjClass>>();
  const add = (m: Map<string, Map<string, ObjClass>>, k: string, id: string, c: ObjClass) => {
    let s = m.get(k);
    if (!s) m.set(k, (s = new Map()));
    s.set(id, c);
  };
  for (const t of tasks) {
    const isOwn = t.drawKind === 'routine';
    if (t.level === 'city') {
      add(isOwn ? own : other, `${t.quarter}|${cityCode}`, t.objectId, t.class);
      add(other, `${t.quarter}|${t.objectRegion}`, t.objectId, t.class); // credited to the object's county
    } else {
      add(isOwn ? own : other, `${t.quarter}|${t.objectRegion}`, t.objectId, t.class);
    }
  }
  const out = new Map<string, ClassCoverage>();
  for (const k of new Set([...own.keys(), ...other.keys()])) {
    const o = own.get(k) ?? new Map<string, ObjClass>();
    const cov: ClassCoverage = { own: zeroClasses(), credited: zeroClasses() };
    for (const c of o.values()) cov.own[c]++;
    for (const [id, c] of other.get(k) ?? []) if (!o.has(id)) cov.credited[c]++;
    out.set(k, cov);
  }
  return out;
}

/** The figure a class minimum is judged on: 实抽 + 计入已抽. */
export const coveredOf = (cov: ClassCoverage | undefined, c: ObjClass): number => (cov ? cov.own[c] + cov.credited[c] : 0);

/** Inter-department joint draws per `${quarter}|${row region}`: a city-level draw counts for the city, a county-level one for each county it includes. */
export function departmentDraws(draws: readonly StatsDraw[], cityCode: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const d of draws) {
    if (!d.departmentJoint) continue;
    for (const r of d.level === 'city' ? [cityCode] : d.regions) out.set(`${d.quarter}|${r}`, (out.get(`${d.quarter}|${r}`) ?? 0) + 1);
  }
  return out;
}

/** Publication state of a result on `today`. A late publication stays late. */
export type PublicationState = 'confidential' | 'published' | 'published-late' | 'overdue' | 'pending';

export function publicationState(r: Pick<StatsResult, 'confidential' | 'publishedOn' | 'date'>, today: string, due: (date: string) => string): PublicationState {
  if (r.confidential) return 'confidential';
  const d = due(r.date);
  if (r.publishedOn !== null) return r.publishedOn > d ? 'published-late' : 'published';
  return today > d ? 'overdue' : 'pending';
}

/** The counts the table and the targets take of a set of tasks and of their results in force. */
export interface TaskCounts {
  onsite: number;
  offsite: number;
  jointInternal: number;
  creditBased: number;
  /** the credit-based share's denominator (sampled inspections, or all with scope "all") */
  creditBasis: number;
  /** tasks with a result in force */
  inspected: number;
  problems: number;
  rectifyOrdered: number;
  rectified: number;
  cases: number;
  fineFen: number;
  referrals: number;
  criminalReferrals: number;
  published: number;
  publishable: number;
  /** publishable, not published, past the due date */
  overdue: number;
  /** published after the due date (逾期公示): stays late */
  publishedLate: number;
}

/** The counts of one quarter's live tasks of one row (rowRegion: the city's city-level tasks, a county's own). */
export interface TaskTally extends TaskCounts {
  quarter: string;
  region: string;
}

/**
 * What the annual shares (jointInternalShare, creditBasedShare) count of one quarter's live tasks
 * of one row: all of a TaskTally they need, which the database also has without reading the tasks
 * (io/report-figures.ts shareTalliesOf: the strata's selected counts and an index of joint tasks).
 */
export interface ShareTally {
  quarter: string;
  region: string;
  tasks: number;
  jointInternal: number;
  creditBasis: number;
  creditBased: number;
}

export const shareTally = (t: TaskTally): ShareTally => ({
  quarter: t.quarter, region: t.region, tasks: t.onsite + t.offsite, jointInternal: t.jointInternal, creditBasis: t.creditBasis, creditBased: t.creditBased,
});

/**
 * What the table and the targets take of the live tasks, in place of the tasks themselves: the
 * tallies by quarter and row, and the class coverage by `${quarter}|${region}`. Built here from
 * task arrays (taskFigures), or by SQL aggregates from the database (io/report-figures.ts: a year
 * of 100k tasks never becomes 100k objects; results and coverage are counted there only for the
 * quarters the table and the targets look them up in). test/report-figures.test.ts holds the two equal.
 */
export interface TaskFigures {
  tallies: TaskTally[];
  coverage: Map<string, ClassCoverage>;
}

export const zeroCounts = (): TaskCounts => ({
  onsite: 0, offsite: 0, jointInternal: 0, creditBased: 0, creditBasis: 0,
  inspected: 0, problems: 0, rectifyOrdered: 0, rectified: 0, cases: 0, fineFen: 0, referrals: 0, criminalReferrals: 0,
  published: 0, publishable: 0, overdue: 0, publishedLate: 0,
});

const COUNT_KEYS = Object.keys(zeroCounts()) as (keyof TaskCounts)[];

/** a += b, every count */
export function addCounts(a: TaskCounts, b: TaskCounts): TaskCounts {
  for (const k of COUNT_KEYS) a[k] += b[k];
  return a;
}

/** How taskFigures judges a task and a result: the table's options. */
export interface FigureOptions {
  cityCode: string;
  creditScope: CreditScope;
  today: string;
  /** the last day to publish the result of an inspection made on `date` */
  publicationDue: (date: string) => string;
}

/** The figures of these tasks and their results (results of other tasks are ignored). */
export function taskFigures(tasks: readonly StatsTask[], results: readonly StatsResult[], o: FigureOptions): TaskFigures {
  const tallies = new Map<string, TaskTally>();
  const resultOf = new Map(results.map((r) => [r.taskNo, r]));
  const due = oncePerDate((d) => o.publicationDue(d));
  for (const t of tasks) {
    const region = rowRegion(t, o.cityCode);
    const key = `${t.quarter}|${region}`;
    let a = tallies.get(key);
    if (!a) tallies.set(key, (a = { quarter: t.quarter, region, ...zeroCounts() }));
    if (t.method === 'onsite') a.onsite++;
    else a.offsite++;
    if (t.joint) a.jointInternal++;
    const cc = creditCounts(t, o.creditScope);
    if (cc.den) a.creditBasis++;
    if (cc.num) a.creditBased++;
    const r = resultOf.get(t.taskNo);
    if (!r) continue;
    a.inspected++;
    if (hasProblem(r.outcome)) a.problems++; // every outcome but 未发现问题 / 无法检查
    if (r.outcome === '责令整改') a.rectifyOrdered++;
    if (r.rectified) a.rectified++;
    if (r.outcome === '立案处罚') a.cases++;
    if (r.outcome === '移送') a.referrals++;
    if (r.outcome === '移送公安') a.criminalReferrals++;
    a.fineFen += r.fineFen;
    if (r.publishedOn !== null) a.published++;
    if (!r.confidential) a.publishable++;
    const ps = publicationState(r, o.today, due);
    if (ps === 'overdue') a.overdue++;
    if (ps === 'published-late') a.publishedLate++;
  }
  return { tallies: [...tallies.values()], coverage: classCoverage(tasks, o.cityCode) };
}

/** The table's input with the tasks and results already counted (taskFigures, or the database's aggregates). */
export type StatsFromFigures = Omit<StatsInput, 'tasks' | 'results'> & {
  figures: TaskFigures;
  /** the quarters counted: tallies and coverage of other quarters are left out */
  quarters: readonly string[];
};

export function computeStats(input: StatsInput): StatsRow[] {
  const city = input.regions.find((r) => r.level === 'city');
  if (!city) throw new Error('computeStats: no city region');
  const { tasks, results, ...rest } = input;
  const figures = taskFigures(tasks, results, { cityCode: city.code, creditScope: input.creditScope, today: input.today, publicationDue: input.publicationDue });
  const quarters = [...new Set([...input.required.map((e) => e.quarter), ...tasks.map((t) => t.quarter)])];
  return statsTable({ ...rest, figures, quarters });
}

/** The table's rows (the regions, then 合计) from counted figures. */
export function statsTable(input: StatsFromFigures): StatsRow[] {
  const city = input.regions.find((r) => r.level === 'city');
  if (!city) throw new Error('computeStats: no city region');
  const quarters = new Set(input.quarters);
  // a region not in the list is kept out of the rows
  const accs = new Map<string, TaskCounts>(input.regions.map((r) => [r.code, zeroCounts()]));
  for (const tl of input.figures.tallies) {
    const a = accs.get(tl.region);
    if (a && quarters.has(tl.quarter)) addCounts(a, tl);
  }
  const coverage = input.figures.coverage;
  const department = departmentDraws(input.draws, city.code);

  const reqBy = new Map<string, RequiredEntry[]>();
  for (const e of input.required) {
    const l = reqBy.get(e.region) ?? [];
    l.push(e);
    reqBy.set(e.region, l);
  }

  const rows: StatsRow[] = input.regions.map((reg) => {
    const a = accs.get(reg.code)!;
    const required = zeroClasses();
    const drawn = zeroClasses();
    const credited = zeroClasses();
    const met: ClassFlags = { special: true, key: true, positive: true, general: true };
    let jointDepartment = 0;
    for (const q of quarters) {
      const cov = coverage.get(`${q}|${reg.code}`);
      const e = (reqBy.get(reg.code) ?? []).find((x) => x.quarter === q);
      for (const c of CLASSES) {
        drawn[c] += cov?.own[c] ?? 0;
        credited[c] += cov?.credited[c] ?? 0;
        if (e) required[c] += e.required[c];
        if (e && coveredOf(cov, c) < e.required[c]) met[c] = false;
      }
      jointDepartment += department.get(`${q}|${reg.code}`) ?? 0;
    }
    const inspections = a.onsite + a.offsite;
    return {
      region: reg.code,
      name: reg.name,
      kind: reg.level,
      objects: withTotal(input.objects[reg.code] ?? zeroClasses()),
      inspectors: input.inspectors[reg.code] ?? 0,
      required: withTotal(required),
      drawn: withTotal(drawn),
      credited: withTotal(credited),
      met,
      inspections,
      onsite: a.onsite,
      offsite: a.offsite,
      jointInternal: a.jointInternal,
      jointInternalShare: shareBp(a.jointInternal, inspections),
      jointDepartment,
      creditBased: a.creditBased,
      creditBasis: a.creditBasis,
      creditBasedShare: shareBp(a.creditBased, a.creditBasis),
      inspected: a.inspected,
      problems: a.problems,
      rectifyOrdered: a.rectifyOrdered,
      rectified: a.rectified,
      cases: a.cases,
      fineFen: a.fineFen,
      fineYuan: yuan(a.fineFen),
      referrals: a.referrals,
      criminalReferrals: a.criminalReferrals,
      published: a.published,
      publishable: a.publishable,
      overdue: a.overdue,
      publishedLate: a.publishedLate,
    };
  });
  rows.push(totalRow(rows, city.code));
  return rows;
}

/** The 合计 row: sums of the rows, except objects (the city row's, once) and met (all rows). */
export function totalRow(rows: StatsRow[], cityCode: string): StatsRow {
  const sum = (f: (r: StatsRow) => number) => rows.reduce((s, r) => s + f(r), 0);
  const sumClasses = (f: (r: StatsRow) => ClassCounts) => {
    const c = zeroClasses();
    for (const r of rows) for (const k of CLASSES) c[k] += f(r)[k];
    return withTotal(c);
  };
  const cityRow = rows.find((r) => r.region === cityCode);
  const met: ClassFlags = { special: true, key: true, positive: true, general: true };
  for (const r of rows) for (const c of CLASSES) met[c] &&= r.met[c];
  const inspections = sum((r) => r.inspections);
  const jointInternal = sum((r) => r.jointInternal);
  const creditBased = sum((r) => r.creditBased);
  const creditBasis = sum((r) => r.creditBasis);
  const fineFen = sum((r) => r.fineFen);
  return {
    region: 'total',
    name: '合计',
    kind: 'total',
    objects: cityRow ? { ...cityRow.objects } : withTotal(zeroClasses()),
    inspectors: sum((r) => r.inspectors),
    required: sumClasses((r) => r.required),
    drawn: sumClasses((r) => r.drawn),
    credited: sumClasses((r) => r.credited),
    met,
    inspections,
    onsite: sum((r) => r.onsite),
    offsite: sum((r) => r.offsite),
    jointInternal,
    jointInternalShare: shareBp(jointInternal, inspections),
    jointDepartment: sum((r) => r.jointDepartment),
    creditBased,
    creditBasis,
    creditBasedShare: shareBp(creditBased, creditBasis),
    inspected: sum((r) => r.inspected),
    problems: sum((r) => r.problems),
    rectifyOrdered: sum((r) => r.rectifyOrdered),
    rectified: sum((r) => r.rectified),
    cases: sum((r) => r.cases),
    fineFen,
    fineYuan: yuan(fineFen),
    referrals: sum((r) => r.referrals),
    criminalReferrals: sum((r) => r.criminalReferrals),
    published: sum((r) => r.published),
    publishable: sum((r) => r.publishable),
    overdue: sum((r) => r.overdue),
    publishedLate: sum((r) => r.publishedLate),
  };
}
