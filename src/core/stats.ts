/**
 * The quarterly statistics table (统计表): every figure, from plain arrays. Pure: no fs, no
 * console, no clock — "today" and the publication due date of an inspection come in.
 * Integers only: shares are basis points (floored), fines are fen.
 *
 * Rows: the city (市本级: the city-level draws' tasks), each county (its county-level draws'
 * tasks), and 合计. The 合计 row sums the inspections of all rows; its object count is the
 * city's, once (the city row already counts the objects of every county), and its inspectors
 * are the sum (each inspector belongs to one unit).
 */
import { hasProblem } from './results.js';
import { CLASSES, type Level, type Method, type ObjClass } from './types.js';

export type ClassCounts = Record<ObjClass, number>;
export type ClassFlags = Record<ObjClass, boolean>;

export interface StatsTask {
  taskNo: string;
  quarter: string;
  level: Level;
  /** stratum region: the city code for city-level tasks, the county otherwise */
  region: string;
  class: ObjClass;
  method: Method;
  joint: boolean;
  departmentJoint: boolean;
  creditBased: boolean;
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
  tasks: StatsTask[];
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

export interface StatsRow {
  region: string;
  name: string;
  kind: 'city' | 'county' | 'total';
  objects: ClassCounts & { total: number };
  inspectors: number;
  required: ClassCounts & { total: number };
  drawn: ClassCounts & { total: number };
  /** drawn ≥ required in every quarter of the period, per class */
  met: ClassFlags;
  inspections: number;
  onsite: number;
  offsite: number;
  jointInternal: number;
  /** basis points of inspections, floored; null when there are none */
  jointInternalShare: number | null;
  jointDepartment: number;
  creditBased: number;
  creditBasedShare: number | null;
  /** tasks with a result in force */
  inspected: number;
  problems: number;
  rectifyOrdered: number;
  rectified: number;
  cases: number;
  fineFen: number;
  fineYuan: string;
  referrals: number;
  criminalReferrals: number;
  published: number;
  publishable: number;
  overdue: number;
}

export const zeroClasses = (): ClassCounts => ({ special: 0, key: 0, positive: 0, general: 0 });
const withTotal = (c: ClassCounts) => ({ ...c, total: CLASSES.reduce((s, k) => s + c[k], 0) });

/** a/b in basis points, floored; null when b = 0 */
export function shareBp(a: number, b: number): number | null {
  if (b <= 0) return null;
  return Math.floor((a * 10000) / b);
}

/** "33.33%" from basis points; "—" for null */
export function bpText(bp: number | null): string {
  if (bp === null) return '—';
  return `${Math.floor(bp / 100)}.${String(bp % 100).padStart(2, '0')}%`;
}

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

interface Acc {
  drawnByQuarter: Map<string, ClassCounts>;
  drawn: ClassCounts;
  onsite: number;
  offsite: number;
  jointInternal: number;
  jointDepartment: number;
  creditBased: number;
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
  overdue: number;
}

const newAcc = (): Acc => ({
  drawnByQuarter: new Map(), drawn: zeroClasses(), onsite: 0, offsite: 0, jointInternal: 0, jointDepartment: 0, creditBased: 0,
  inspected: 0, problems: 0, rectifyOrdered: 0, rectified: 0, cases: 0, fineFen: 0, referrals: 0, criminalReferrals: 0,
  published: 0, publishable: 0, overdue: 0,
});

/** Is a result overdue for publication on `today`? (publishable, not published, past its due date) */
export function isOverdue(r: StatsResult, today: string, due: (date: string) => string): boolean {
  return !r.confidential && r.publishedOn === null && today > due(r.date);
}

export function computeStats(input: StatsInput): StatsRow[] {
  const city = input.regions.find((r) => r.level === 'city');
  if (!city) throw new Error('computeStats: no city region');
  const accs = new Map<string, Acc>(input.regions.map((r) => [r.code, newAcc()]));
  const resultOf = new Map(input.results.map((r) => [r.taskNo, r]));
  const dueCache = new Map<string, string>();
  const due = (d: string) => {
    let v = dueCache.get(d);
    if (v === undefined) dueCache.set(d, (v = input.publicationDue(d)));
    return v;
  };
  for (const t of input.tasks) {
    const code = rowRegion(t, city.code);
    let a = accs.get(code);
    if (!a) accs.set(code, (a = newAcc())); // a region not in the list: kept out of the rows, but never lost silently
    a.drawn[t.class]++;
    let q = a.drawnByQuarter.get(t.quarter);
    if (!q) a.drawnByQuarter.set(t.quarter, (q = zeroClasses()));
    q[t.class]++;
    if (t.method === 'onsite') a.onsite++;
    else a.offsite++;
    if (t.joint) a.jointInternal++;
    if (t.departmentJoint) a.jointDepartment++;
    if (t.creditBased) a.creditBased++;
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
    if (isOverdue(r, input.today, due)) a.overdue++;
  }

  const reqBy = new Map<string, RequiredEntry[]>();
  for (const e of input.required) {
    const l = reqBy.get(e.region) ?? [];
    l.push(e);
    reqBy.set(e.region, l);
  }

  const rows: StatsRow[] = input.regions.map((reg) => {
    const a = accs.get(reg.code)!;
    const required = zeroClasses();
    const met: ClassFlags = { special: true, key: true, positive: true, general: true };
    for (const e of reqBy.get(reg.code) ?? []) {
      const d = a.drawnByQuarter.get(e.quarter) ?? zeroClasses();
      for (const c of CLASSES) {
        required[c] += e.required[c];
        if (d[c] < e.required[c]) met[c] = false;
      }
    }
    const inspections = a.onsite + a.offsite;
    return {
      region: reg.code,
      name: reg.name,
      kind: reg.level,
      objects: withTotal(input.objects[reg.code] ?? zeroClasses()),
      inspectors: input.inspectors[reg.code] ?? 0,
      required: withTotal(required),
      drawn: withTotal(a.drawn),
      met,
      inspections,
      onsite: a.onsite,
      offsite: a.offsite,
      jointInternal: a.jointInternal,
      jointInternalShare: shareBp(a.jointInternal, inspections),
      jointDepartment: a.jointDepartment,
      creditBased: a.creditBased,
      creditBasedShare: shareBp(a.creditBased, inspections),
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
  const fineFen = sum((r) => r.fineFen);
  return {
    region: 'total',
    name: '合计',
    kind: 'total',
    objects: cityRow ? { ...cityRow.objects } : withTotal(zeroClasses()),
    inspectors: sum((r) => r.inspectors),
    required: sumClasses((r) => r.required),
    drawn: sumClasses((r) => r.drawn),
    met,
    inspections,
    onsite: sum((r) => r.onsite),
    offsite: sum((r) => r.offsite),
    jointInternal,
    jointInternalShare: shareBp(jointInternal, inspections),
    jointDepartment: sum((r) => r.jointDepartment),
    creditBased,
    creditBasedShare: shareBp(creditBased, inspections),
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
  };
}
