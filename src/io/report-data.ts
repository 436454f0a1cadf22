/**
 * Gathering what `sj report` and `sj check` compute on: live tasks, results in force, roster
 * counts, required numbers (from the draws' evidence strata, or planStrata on the current roster
 * for a region without a draw), rules, calendar, ledger head. The arithmetic is core/stats.ts
 * and core/checks.ts.
 */
import { publicationDue } from '../core/deadlines.js';
import { runChecks, type CheckReport } from '../core/checks.js';
import { quarterOf, type Quarter } from '../core/quarter.js';
import { ceilDiv, planStrata } from '../core/quotas.js';
import type { SjRules } from '../core/rules.js';
import { computeStats, zeroClasses, type ClassCounts, type RegionInfo, type RequiredEntry, type StatsResult, type StatsRow, type StatsTask } from '../core/stats.js';
import type { Level, Method, ObjClass, SnapObject, Stratum } from '../core/types.js';
import type { WorkCalendar } from '../core/workdays.js';
import { loadCalendar } from './calendar-store.js';
import { dateCst, endOfDayCst, isoCst, now } from './clock.js';
import type { DB } from './db.js';
import { ledgerHead } from './ledger.js';
import { Regions } from './regions.js';
import { rulesForYear } from './rules-store.js';

export type Period = { kind: 'quarter'; quarter: Quarter } | { kind: 'year'; year: number };

export const periodId = (p: Period): string => (p.kind === 'quarter' ? p.quarter.id : String(p.year));
export const periodYear = (p: Period): number => (p.kind === 'quarter' ? p.quarter.year : p.year);

export interface ReportContext {
  period: Period;
  /** quarters whose quarter-scoped figures count: the quarter, or the year's quarters begun by today (or drawn) */
  quarters: Quarter[];
  regions: RegionInfo[];
  cityCode: string;
  /** live tasks of the period's quarters */
  tasks: StatsTask[];
  /** live tasks of the year up to the period's last quarter (for the annual targets) */
  yearTasks: StatsTask[];
  /** results in force of yearTasks */
  results: StatsResult[];
  objects: Record<string, ClassCounts>;
  inspectors: Record<string, number>;
  required: RequiredEntry[];
  positiveObjects: { quarter: string; region: string; count: number }[];
  voidedDraws: number;
  rules: { id: number; hash: string; body: SjRules };
  ledgerHead: { seq: number; hash: string };
  calendar: WorkCalendar;
  today: string;
  generatedAt: string;
}

/** Gather everything for a period. `today` (YYYY-MM-DD, China) defaults to the clock. */
export function gatherReport(db: DB, period: Period, opts: { today?: string } = {}): ReportContext {
  const clock = now();
  const today = opts.today ?? dateCst(clock);
  const year = periodYear(period);
  const regionsAll = Regions.load(db);
  const city = regionsAll.city;
  const regions: RegionInfo[] = [
    { code: city.code, name: city.name, level: 'city' },
    ...regionsAll.counties().map((r) => ({ code: r.code, name: r.name, level: 'county' as const })),
  ];
  const stored = rulesForYear(db, year);
  const rules = stored.rules;

  const drawnQuarters = new Set(
    (db.prepare('SELECT DISTINCT quarter FROM draws WHERE substr(quarter, 1, 4) = ?').all(String(year)) as { quarter: string }[]).map((r) => r.quarter),
  );
  const all = [1, 2, 3, 4].map((q) => quarterOf(year, q));
  const quarters = period.kind === 'quarter' ? [period.quarter] : all.filter((q) => q.start <= today || drawnQuarters.has(q.id));
  const lastQ = period.kind === 'quarter' ? period.quarter.q : 4;
  const yearQuarterIds = new Set(all.filter((q) => q.q <= lastQ).map((q) => q.id));
  const quarterIds = new Set(quarters.map((q) => q.id));

  const yearTasks = liveTaskFacts(db, year).filter((t) => yearQuarterIds.has(t.quarter));
  const tasks = yearTasks.filter((t) => quarterIds.has(t.quarter));

  // results of live draws only: a task number is `${drawId}-${ord}`, the draw id begins with the quarter
  const liveDraws = new Set<string>();
  for (const t of yearTasks) liveDraws.add(t.taskNo.slice(0, t.taskNo.lastIndexOf('-')));
  const results: StatsResult[] = [];
  // task numbers begin with the draw id, which begins with the quarter: a range on the index
  const rq = db.prepare(
    `SELECT r.task_no, r.date, r.outcome, r.fine_fen, r.rectified, r.confidential, COALESCE(p.date, r.published_on) AS pub
     FROM results r LEFT JOIN published p ON p.task_no = r.task_no
     WHERE r.current = 1 AND r.task_no >= @lo AND r.task_no < @hi`,
  );
  for (const r of rq.iterate({ lo: String(year), hi: String(year + 1) }) as Iterable<{ task_no: string; date: string; outcome: string; fine_fen: number; rectified: number; confidential: number; pub: string | null }>) {
    if (!liveDraws.has(r.task_no.slice(0, r.task_no.lastIndexOf('-')))) continue;
    results.push({
      taskNo: r.task_no, date: r.date, outcome: r.outcome, fineFen: r.fine_fen, rectified: r.rectified === 1,
      confidential: r.confidential === 1, publishedOn: r.pub ?? null,
    });
  }

  // rosters as they stood at the end of the period (current when the period is not over)
  const lastDay = quarters.length ? quarters[quarters.length - 1]!.end : `${year}-12-31`;
  const refDate = lastDay < today ? lastDay : today;
  // a roster first imported after the period (a bureau that started using sj later, or
  // the demo) is taken as first imported rather than counted as empty
  const periodEnd = endOfDayCst(lastDay);
  const asOfFor = (table: 'objects' | 'inspectors'): string | undefined => {
    if (lastDay >= today) return undefined;
    const first = (db.prepare(`SELECT MIN(valid_from) AS at FROM ${table}`).get() as { at: string | null }).at;
    return first && first > periodEnd ? first : periodEnd;
  };
  let asOf = asOfFor('objects');
  const objects: Record<string, ClassCounts> = {};
  for (const r of regions) objects[r.code] = zeroClasses();
  const countySet = new Set(regions.filter((r) => r.level === 'county').map((r) => r.code));
  const asOfCond = asOf ? 'valid_from <= @asOf AND (valid_to IS NULL OR valid_to > @asOf)' : 'valid_to IS NULL';
  const objCounts = db.prepare(
    `SELECT region, class, COUNT(*) AS n FROM objects WHERE ${asOfCond} AND in_roster = 1 AND status = 'active' GROUP BY region, class`,
  ).all(asOf ? { asOf } : {}) as { region: string; class: ObjClass; n: number }[];
  for (const o of objCounts) {
    (objects[o.region] ??= zeroClasses())[o.class] += o.n;
    if (o.region !== city.code) objects[city.code]![o.class] += o.n;
  }
  const inspectors: Record<string, number> = {};
  asOf = asOfFor('inspectors');
  const insCounts = db.prepare(
    `SELECT region, COUNT(*) AS n FROM inspectors WHERE ${asOfCond} AND in_roster = 1 AND status = 'active' AND certified = 1
     AND (cert_expiry = '' OR cert_expiry >= @ref) GROUP BY region`,
  ).all(asOf ? { asOf, ref: refDate } : { ref: refDate }) as { region: string; n: number }[];
  for (const i of insCounts) inspectors[i.region] = i.n;

  // required numbers: live routine draws' evidence strata; planStrata for a region without one
  const required: RequiredEntry[] = [];
  const positiveObjects: ReportContext['positiveObjects'] = [];
  let currentObjects: { region: string; class: ObjClass; tier: string | null }[] | undefined;
  const tierCodes = new Set(rules.tiers.map((t) => t.code));
  const drawsQ = db.prepare(
    `SELECT d.level, d.regions, json_extract(d.evidence, '$.strata') AS strata, json_extract(d.evidence, '$.snapshot.rules.rates') AS rates FROM draws d
     WHERE d.quarter = ? AND d.kind = 'routine' AND NOT EXISTS (SELECT 1 FROM voids v WHERE v.draw_id = d.id) ORDER BY d.seq`,
  );
  for (const q of quarters) {
    const req = new Map<string, ClassCounts>();
    const pos = new Map<string, number>();
    const covered = new Set<string>();
    for (const d of drawsQ.all(q.id) as { level: Level; regions: string; strata: string; rates: string }[]) {
      for (const r of JSON.parse(d.regions) as string[]) covered.add(d.level === 'city' ? city.code : r);
      // required (应抽) is the plan's minimum for the class, T = min(N, ceil(N × rate)), with the
      // rate the draw used; the per-tier quotas round up and may be drawn above it (draw-v1 §4)
      const rates = (JSON.parse(d.rates) as Record<Level, Partial<Record<ObjClass, number>>>)[d.level] ?? {};
      const population = new Map<string, number>();
      for (const s of JSON.parse(d.strata) as Stratum[]) {
        population.set(`${s.region}|${s.class}`, (population.get(`${s.region}|${s.class}`) ?? 0) + s.population);
        if (s.class === 'positive') pos.set(s.region, (pos.get(s.region) ?? 0) + s.population);
      }
      for (const [k, N] of population) {
        const [region, cls] = k.split('|') as [string, ObjClass];
        const c = req.get(region) ?? zeroClasses();
        c[cls] += Math.min(N, ceilDiv(N * (rates[cls] ?? 0), 10000));
        req.set(region, c);
      }
    }
    for (const reg of regions) {
      if (!covered.has(reg.code)) {
        currentObjects ??= db.prepare(
          "SELECT region, class, tier FROM objects WHERE valid_to IS NULL AND in_roster = 1 AND status = 'active' ORDER BY id",
        ).all() as { region: string; class: ObjClass; tier: string | null }[];
        const scope = reg.level === 'city' ? currentObjects.filter((o) => countySet.has(o.region)) : currentObjects.filter((o) => o.region === reg.code);
        const snap: SnapObject[] = scope.map((o, k) => ({
          id: String(k), name: '', region: o.region, class: o.class, tier: o.tier && tierCodes.has(o.tier) ? o.tier : null,
          industry: '', offsite: false, excluded: null,
        }));
        const c = zeroClasses();
        let p = 0;
        const seen = new Set<string>();
        for (const s of planStrata(reg.level, [reg.code], snap, rules)) {
          if (!seen.has(s.class)) c[s.class] += s.classMinimum;
          seen.add(s.class);
          if (s.class === 'positive') p += s.population;
        }
        req.set(reg.code, c);
        pos.set(reg.code, p);
      }
      required.push({ quarter: q.id, region: reg.code, required: req.get(reg.code) ?? zeroClasses() });
      if (reg.level === 'county') positiveObjects.push({ quarter: q.id, region: reg.code, count: pos.get(reg.code) ?? 0 });
    }
  }

  const voidedDraws = (
    db.prepare(
      `SELECT COUNT(*) AS n FROM draws d WHERE ${period.kind === 'quarter' ? 'd.quarter = @p' : 'substr(d.quarter, 1, 4) = @p'}
       AND EXISTS (SELECT 1 FROM voids v WHERE v.draw_id = d.id)`,
    ).get({ p: periodId(period) }) as { n: number }
  ).n;

  return {
    period, quarters, regions, cityCode: city.code, tasks, yearTasks, results, objects, inspectors, required, positiveObjects,
    voidedDraws, rules: { id: stored.id, hash: stored.hash, body: rules }, ledgerHead: ledgerHead(db),
    calendar: loadCalendar(db), today, generatedAt: isoCst(clock),
  };
}

/** The statistics rows of a gathered period. */
export function reportRows(ctx: ReportContext): StatsRow[] {
  const days = ctx.rules.body.deadlines.publicationWorkingDays;
  return computeStats({
    regions: ctx.regions,
    tasks: ctx.tasks,
    results: ctx.results, // computeStats ignores the results of other tasks (quarters outside the period)
    objects: ctx.objects,
    inspectors: ctx.inspectors,
    required: ctx.required,
    today: ctx.today,
    publicationDue: (d) => publicationDue(ctx.calendar, d, days),
  });
}

/** The target checks of a gathered period. */
export function checkReport(ctx: ReportContext): CheckReport & { annualScope: string } {
  const year = periodYear(ctx.period);
  const annualScope = ctx.period.kind === 'year' ? String(year) : ctx.period.quarter.q === 1 ? `${year}Q1` : `${year}Q1-${ctx.period.quarter.id}`;
  const r = runChecks({
    quarters: ctx.quarters,
    annualScope,
    regions: ctx.regions,
    tasks: ctx.yearTasks,
    results: ctx.results,
    required: ctx.required,
    positiveObjects: ctx.positiveObjects,
    targets: ctx.rules.body.targets,
    deadlines: ctx.rules.body.deadlines,
    calendar: ctx.calendar,
    today: ctx.today,
  });
  return { ...r, annualScope };
}

/** The stable JSON document of `sj report --format json`. */
export function reportJson(ctx: ReportContext, rows: StatsRow[]) {
  return {
    period: periodId(ctx.period),
    generatedAt: ctx.generatedAt,
    rules: { id: ctx.rules.id, hash: ctx.rules.hash },
    ledgerHead: ctx.ledgerHead.hash,
    ledgerSeq: ctx.ledgerHead.seq,
    voidedDraws: ctx.voidedDraws,
    quarters: ctx.quarters.map((q) => q.id),
    notes: { totalObjects: 'city', referrals: 'outcome 移送 only; 移送公安 counted as criminalReferrals' },
    rows: rows.map((r) => ({
      region: r.region, name: r.name, kind: r.kind,
      objects: r.objects, inspectors: r.inspectors, required: r.required, drawn: r.drawn, met: r.met,
      inspections: r.inspections, onsite: r.onsite, offsite: r.offsite,
      jointInternal: r.jointInternal, jointInternalShare: r.jointInternalShare, jointDepartment: r.jointDepartment,
      creditBased: r.creditBased, creditBasedShare: r.creditBasedShare,
      inspected: r.inspected, problems: r.problems, rectifyOrdered: r.rectifyOrdered, rectified: r.rectified, cases: r.cases,
      fineYuan: r.fineYuan, fineFen: r.fineFen, referrals: r.referrals, criminalReferrals: r.criminalReferrals,
      published: r.published, publishable: r.publishable, overdue: r.overdue,
    })),
  };
}


/**
 * The facts of the live tasks of a year that the statistics use, in one pass: the same as
 * effectiveTasks (draw-store.ts) for class, method (after object substitutions), joint,
 * departmentJoint and creditBased, without its per-task parsing (teams, substitution lists),
 * which costs seconds on a year of 100k tasks. Not in task order. test/report-data.test.ts holds the two equal.
 */
export function liveTaskFacts(db: DB, year: number): StatsTask[] {
  const draws = db.prepare(
    `SELECT d.id, json_extract(d.evidence, '$.draw.joint') AS joint, json_extract(d.evidence, '$.snapshot.rules.tiered') AS tiered
     FROM draws d WHERE substr(d.quarter, 1, 4) = ? AND NOT EXISTS (SELECT 1 FROM voids v WHERE v.draw_id = d.id)`,
  ).all(String(year)) as { id: string; joint: string | null; tiered: string | null }[];
  const meta = new Map(draws.map((d) => [d.id, { dept: d.joint === 'department', tiered: new Set<string>(JSON.parse(d.tiered ?? '[]') as string[]) }]));
  // object substitutions may change a task's method; the last one counts
  const methodOf = new Map<string, Method>();
  for (const s of db.prepare(
    `SELECT s.task_no, json_extract(s.payload, '$.method') AS method FROM substitutions s
     WHERE s.kind = 'object' AND s.task_no >= @lo AND s.task_no < @hi ORDER BY s.seq`,
  ).iterate({ lo: String(year), hi: String(year + 1) }) as Iterable<{ task_no: string; method: Method | null }>) {
    if (s.method) methodOf.set(s.task_no, s.method);
  }
  const out: StatsTask[] = [];
  const rows = db.prepare(
    `SELECT t.task_no, t.draw_id, t.region, t.class, t.method, t.joint, d.quarter, d.level FROM draw_tasks t JOIN draws d ON d.id = t.draw_id
     WHERE substr(d.quarter, 1, 4) = ?`,
  ).raw().iterate(String(year)) as Iterable<[string, string, string, ObjClass, Method, number, string, Level]>;
  for (const [taskNo, drawId, region, cls, method, joint, quarter, level] of rows) {
    const m = meta.get(drawId);
    if (!m) continue; // voided
    out.push({
      taskNo, quarter, level, region, class: cls, method: methodOf.get(taskNo) ?? method,
      joint: joint === 1, departmentJoint: m.dept, creditBased: m.tiered.has(cls),
    });
  }
  return out;
}
