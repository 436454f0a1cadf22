/**
 * Gathering what `sj report` and `sj check` compute on: the live tasks and their results in force,
 * counted by SQL (report-figures.ts), live draws (their facts stored at draw time: draw_facts,
 * draw_strata, draw_exclusions; no evidence is read), roster counts (from an index), required
 * numbers (T from the routine draws' strata populations, or from the roster for a region without
 * a draw), the causes of short figures, rules, calendar, ledger head. The arithmetic is
 * core/stats.ts and core/checks.ts.
 */
import { classMinimum } from '../core/arith.js';
import { publicationDueOf } from '../core/deadlines.js';
import { ineligibility } from '../core/eligibility.js';
import { checkTargets, type CheckReport, type MissCause } from '../core/checks.js';
import { quarterOf, type Quarter } from '../core/quarter.js';
import { rateOf, requiredOf } from '../core/quotas.js';
import { creditBasedScopeOf, type SjRules } from '../core/rules.js';
import {
  shareTally, statsTable, zeroClasses,
  type ClassCounts, type RegionInfo, type RequiredEntry, type StatsDraw, type StatsRow, type ShareTally, type StatsTask, type TaskFigures,
} from '../core/stats.js';
import { CLASSES, type Level, type Method, type ObjClass } from '../core/types.js';
import type { WorkCalendar } from '../core/workdays.js';
import { loadCalendar } from './calendar-store.js';
import { dateCst, endOfDayCst, isoCst, now } from './clock.js';
import type { DB } from './db.js';
import { ledgerHead } from './ledger.js';
import { Regions } from './regions.js';
import { shareTalliesOf, taskFiguresOf } from './report-figures.js';
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
  /** the live tasks of the period's quarters and their results in force, counted; their class coverage */
  figures: TaskFigures;
  /**
   * the share counts of the annual targets' scope (the year, or year to date: the period's and
   * the year's earlier quarters), counted when first asked for (the table never does), while the
   * database is still open
   */
  annualShares: () => ShareTally[];
  /** live draws of the period's quarters */
  draws: StatsDraw[];
  /** why a figure is short, by `${quarter}|${region}|${class}` */
  causes: Map<string, MissCause>;
  /** objects of the sampled classes per region (a region with none has no credit-based target) */
  sampledObjects: Map<string, number>;
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
  const calendar = loadCalendar(db);

  const drawnQuarters = new Set(
    (db.prepare('SELECT DISTINCT quarter FROM draws WHERE substr(quarter, 1, 4) = ?').all(String(year)) as { quarter: string }[]).map((r) => r.quarter),
  );
  const all = [1, 2, 3, 4].map((q) => quarterOf(year, q));
  const quarters = period.kind === 'quarter' ? [period.quarter] : all.filter((q) => q.start <= today || drawnQuarters.has(q.id));
  const lastQ = period.kind === 'quarter' ? period.quarter.q : 4;
  const quarterIds = new Set(quarters.map((q) => q.id));

  const draws = liveDraws(db, year).filter((d) => quarterIds.has(d.quarter));
  // the live tasks of the period and their results, counted by SQL (report-figures.ts)
  const tally = { year, cityCode: city.code, creditScope: creditBasedScopeOf(rules) };
  const figures = taskFiguresOf(db, {
    ...tally, quarters: quarters.map((q) => q.id), today, publicationDue: publicationDueOf(calendar, rules.deadlines.publicationWorkingDays),
  });
  // the annual targets' scope adds the year's other quarters (to the period's last); only check asks for it
  const earlier = all.filter((q) => q.q <= lastQ && !quarterIds.has(q.id)).map((q) => q.id);
  let yearToDate: ShareTally[] | undefined;
  const annualShares = () => (yearToDate ??= [...shareTalliesOf(db, { ...tally, quarters: earlier }), ...figures.tallies.map(shareTally)]);

  // rosters as they stood at the end of the period (current when the period is not over)
  const lastDay = quarters.length ? quarters[quarters.length - 1]!.end : `${year}-12-31`;
  const refDate = lastDay < today ? lastDay : today;
  // a roster first imported after the period (a bureau that started using sj later, or
  // the demo) is taken as first imported rather than counted as empty
  const periodEnd = endOfDayCst(lastDay);
  const asOfFor = (table: 'objects' | 'inspectors'): string | undefined => {
    if (lastDay >= today) return undefined;
    // a row in force by the period's end is usually among the first rows: no scan for MIN then
    if (db.prepare(`SELECT 1 FROM ${table} WHERE valid_from <= ? LIMIT 1`).get(periodEnd)) return periodEnd;
    const first = (db.prepare(`SELECT MIN(valid_from) AS at FROM ${table}`).get() as { at: string | null }).at;
    return first ?? periodEnd;
  };
  let asOf = asOfFor('objects');
  const objects: Record<string, ClassCounts> = {};
  for (const r of regions) objects[r.code] = zeroClasses();
  const countySet = new Set(regions.filter((r) => r.level === 'county').map((r) => r.code));
  const asOfCond = asOf ? 'valid_from <= @asOf AND (valid_to IS NULL OR valid_to > @asOf)' : 'valid_to IS NULL';
  // the current roster's counts are read once: they serve here and for regions without a draw
  let currentRows: RosterCountRow[] | undefined;
  const current = (): RosterCountRow[] => (currentRows ??= rosterCountRows(db));
  const objCounts = asOf ? rosterCountRows(db, asOf) : current();
  for (const o of objCounts) {
    (objects[o.region] ??= zeroClasses())[o.class] += o.n;
    if (o.region !== city.code) objects[city.code]![o.class] += o.n;
  }
  const inspectors: Record<string, number> = {};
  asOf = asOfFor('inspectors');
  for (const i of db.prepare(
    `SELECT region, status, certified, cert_expiry FROM inspectors WHERE ${asOfCond} AND in_roster = 1`,
  ).all(asOf ? { asOf } : {}) as { region: string; status: string; certified: number; cert_expiry: string }[]) {
    if (ineligibility({ status: i.status, certified: i.certified === 1, certExpiry: i.cert_expiry }, refDate) === null) inspectors[i.region] = (inspectors[i.region] ?? 0) + 1;
  }

  // required numbers: T of each (region, class) from the population of the quarter's live routine
  // draw at the region's level, with that draw's rate; from the roster for a region without one
  const required: RequiredEntry[] = [];
  const sampledObjects = new Map<string, number>();
  const positiveObjects: ReportContext['positiveObjects'] = [];
  const causes = new Map<string, MissCause>();
  const exclusionCache = new Map<string, Map<string, Record<string, number>>>();
  let rosterCounts: Map<string, ClassCounts> | undefined;
  const strataQ = db.prepare(
    `SELECT d.id, d.level, d.regions, f.rates, s.region, s.class, s.population, s.quota, s.credited, s.pool, s.selected
     FROM draws d JOIN draw_facts f ON f.draw_id = d.id JOIN draw_strata s ON s.draw_id = d.id
     WHERE d.quarter = ? AND d.kind = 'routine' AND NOT EXISTS (SELECT 1 FROM voids v WHERE v.draw_id = d.id) ORDER BY d.seq, s.ord`,
  );
  for (const q of quarters) {
    const population = new Map<string, ClassCounts>();
    const rateOfRegion = new Map<string, Partial<Record<ObjClass, number>>>();
    const short = new Map<string, { drawId: string; short: number }>();
    for (const r of strataQ.all(q.id) as { id: string; level: Level; regions: string; rates: string; region: string; class: ObjClass; population: number; quota: number; credited: number; pool: number; selected: number }[]) {
      const c = population.get(r.region) ?? zeroClasses();
      c[r.class] += r.population;
      population.set(r.region, c);
      rateOfRegion.set(r.region, JSON.parse(r.rates) as Partial<Record<ObjClass, number>>);
      const sf = Math.max(0, r.quota - r.credited) - r.selected;
      const k = `${q.id}|${r.region}|${r.class}`;
      const prev = short.get(k) ?? { drawId: r.id, short: 0 };
      short.set(k, { drawId: r.id, short: prev.short + sf });
    }
    // a level's regions all drawn by the routine draws that cover them
    const covered = new Set<string>(
      (db.prepare(`SELECT level, region FROM draw_scope WHERE quarter = ?`).all(q.id) as { level: Level; region: string }[]).map((r) => r.region),
    );
    for (const reg of regions) {
      const c = zeroClasses();
      const pop = population.get(reg.code);
      if (pop) {
        const rates = rateOfRegion.get(reg.code) ?? {};
        for (const cls of CLASSES) c[cls] = classMinimum(pop[cls], rates[cls] ?? 0);
      } else {
        rosterCounts ??= currentRosterCounts(current(), city.code, countySet);
        const n = rosterCounts.get(reg.code) ?? zeroClasses();
        for (const cls of CLASSES) c[cls] = requiredOf(rules, reg.level, cls, n[cls]);
      }
      required.push({ quarter: q.id, region: reg.code, required: c });
      const n = pop ?? (rosterCounts ??= currentRosterCounts(current(), city.code, countySet)).get(reg.code) ?? zeroClasses();
      const sampled = CLASSES.filter((cls) => { const r = pop ? (rateOfRegion.get(reg.code) ?? {})[cls] ?? 0 : rateOf(rules, reg.level, cls); return r > 0 && r < 10000; })
        .reduce((k, cls) => k + n[cls], 0);
      sampledObjects.set(reg.code, Math.max(sampledObjects.get(reg.code) ?? 0, sampled));
      if (reg.level === 'county') {
        const n = pop ? pop.positive : rateOf(rules, 'county', 'positive') > 0 ? (rosterCounts ??= currentRosterCounts(current(), city.code, countySet)).get(reg.code)?.positive ?? 0 : 0;
        positiveObjects.push({ quarter: q.id, region: reg.code, count: n });
      }
      for (const cls of CLASSES) {
        const k = `${q.id}|${reg.code}|${cls}`;
        const sf = short.get(k);
        if (!covered.has(reg.code) && !pop) causes.set(k, { kind: 'not-drawn' });
        else if (sf && sf.short > 0) causes.set(k, { kind: 'pool-short', drawId: sf.drawId, short: sf.short, excluded: exclusionsOf(db, sf.drawId, city.code, exclusionCache).get(`${reg.code}|${cls}`) ?? {} });
      }
    }
  }

  const voidedDraws = (
    db.prepare(
      `SELECT COUNT(*) AS n FROM draws d WHERE ${period.kind === 'quarter' ? 'd.quarter = @p' : 'substr(d.quarter, 1, 4) = @p'}
       AND EXISTS (SELECT 1 FROM voids v WHERE v.draw_id = d.id)`,
    ).get({ p: periodId(period) }) as { n: number }
  ).n;

  return {
    period, quarters, regions, cityCode: city.code, figures, annualShares, draws, causes, sampledObjects, objects, inspectors, required, positiveObjects,
    voidedDraws, rules: { id: stored.id, hash: stored.hash, body: rules }, ledgerHead: ledgerHead(db),
    calendar, today, generatedAt: isoCst(clock),
  };
}

/** The statistics rows of a gathered period. */
export function reportRows(ctx: ReportContext): StatsRow[] {
  const days = ctx.rules.body.deadlines.publicationWorkingDays;
  return statsTable({
    regions: ctx.regions,
    figures: ctx.figures,
    quarters: ctx.quarters.map((q) => q.id),
    draws: ctx.draws,
    creditScope: creditBasedScopeOf(ctx.rules.body),
    objects: ctx.objects,
    inspectors: ctx.inspectors,
    required: ctx.required,
    today: ctx.today,
    publicationDue: publicationDueOf(ctx.calendar, days),
  });
}

/** The target checks of a gathered period. */
export function checkReport(ctx: ReportContext): CheckReport & { annualScope: string } {
  const year = periodYear(ctx.period);
  const annualScope = ctx.period.kind === 'year' ? String(year) : ctx.period.quarter.q === 1 ? `${year}Q1` : `${year}Q1-${ctx.period.quarter.id}`;
  const r = checkTargets({
    quarters: ctx.quarters,
    annualScope,
    regions: ctx.regions,
    figures: ctx.figures,
    annual: ctx.annualShares(),
    draws: ctx.draws,
    creditScope: creditBasedScopeOf(ctx.rules.body),
    causes: ctx.causes,
    sampledObjects: ctx.sampledObjects,
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
    notes: {
      totalObjects: 'city', referrals: 'outcome 移送 only; 移送公安 counted as criminalReferrals',
      creditBasedScope: creditBasedScopeOf(ctx.rules.body),
      drawn: 'distinct objects selected by the row\'s own routine draws; credited: by city-level or directional draws',
    },
    rows: rows.map((r) => ({
      region: r.region, name: r.name, kind: r.kind,
      objects: r.objects, inspectors: r.inspectors, required: r.required, drawn: r.drawn, credited: r.credited, met: r.met,
      inspections: r.inspections, onsite: r.onsite, offsite: r.offsite,
      jointInternal: r.jointInternal, jointInternalShare: r.jointInternalShare, jointDepartment: r.jointDepartment,
      creditBased: r.creditBased, creditBasis: r.creditBasis, creditBasedShare: r.creditBasedShare,
      inspected: r.inspected, problems: r.problems, rectifyOrdered: r.rectifyOrdered, rectified: r.rectified, cases: r.cases,
      fineYuan: r.fineYuan, fineFen: r.fineFen, referrals: r.referrals, criminalReferrals: r.criminalReferrals,
      published: r.published, publishable: r.publishable, overdue: r.overdue, publishedLate: r.publishedLate,
    })),
  };
}


type RosterCountRow = { region: string; class: ObjClass; n: number };

/** Active objects in the roster per region and class: current (from an index alone), or as of an instant. */
function rosterCountRows(db: DB, asOf?: string): RosterCountRow[] {
  const cond = asOf ? 'valid_from <= @asOf AND (valid_to IS NULL OR valid_to > @asOf)' : 'valid_to IS NULL';
  return db.prepare(
    `SELECT region, class, COUNT(*) AS n FROM objects WHERE ${cond} AND in_roster = 1 AND status = 'active' GROUP BY region, class`,
  ).all(asOf ? { asOf } : {}) as RosterCountRow[];
}

/** Active objects in the current roster per row region and class (the city row: every county's). */
function currentRosterCounts(rows: RosterCountRow[], cityCode: string, counties: Set<string>): Map<string, ClassCounts> {
  const out = new Map<string, ClassCounts>([[cityCode, zeroClasses()]]);
  for (const r of rows) {
    if (!counties.has(r.region)) continue;
    const c = out.get(r.region) ?? zeroClasses();
    c[r.class] += r.n;
    out.set(r.region, c);
    out.get(cityCode)![r.class] += r.n;
  }
  return out;
}

/**
 * The excluded objects of a draw's snapshot by (region, class) and reason, from the counts stored
 * at draw time (draw_exclusions), read only when a figure is short, and once per draw (keys
 * `${region}|${class}`; a city-level draw's objects all count in the city's row).
 */
function exclusionsOf(db: DB, drawId: string, cityCode: string, cache: Map<string, Map<string, Record<string, number>>>): Map<string, Record<string, number>> {
  let m = cache.get(drawId);
  if (m) return m;
  m = new Map();
  const rows = db.prepare(
    `SELECT CASE WHEN d.level = 'city' THEN @city ELSE e.region END AS region, e.class, e.reason, SUM(e.n) AS n
     FROM draw_exclusions e JOIN draws d ON d.id = e.draw_id WHERE e.draw_id = @id GROUP BY 1, 2, 3`,
  ).all({ city: cityCode, id: drawId }) as { region: string; class: string; reason: string; n: number }[];
  for (const e of rows) {
    const k = `${e.region}|${e.class}`;
    const r = m.get(k) ?? {};
    r[e.reason] = e.n;
    m.set(k, r);
  }
  cache.set(drawId, m);
  return m;
}

/** The live draws of a year, from the facts stored at draw time. */
export function liveDraws(db: DB, year: number): StatsDraw[] {
  return (db.prepare(
    `SELECT d.id, d.quarter, d.level, d.regions, f.joint FROM draws d JOIN draw_facts f ON f.draw_id = d.id
     WHERE substr(d.quarter, 1, 4) = ? AND NOT EXISTS (SELECT 1 FROM voids v WHERE v.draw_id = d.id) ORDER BY d.seq`,
  ).all(String(year)) as { id: string; quarter: string; level: Level; regions: string; joint: string }[]).map((d) => ({
    id: d.id, quarter: d.quarter, level: d.level, regions: JSON.parse(d.regions) as string[], departmentJoint: d.joint === 'department',
  }));
}

/**
 * The facts of the live tasks of a year that the statistics use, in one pass, from the columns
 * stored at draw time (draw_tasks, draw_facts): the same as effectiveTasks (draw-store.ts) for
 * object, class, tier, method (after object substitutions), joint and departmentJoint, without its
 * per-task parsing (teams, substitution lists), which costs seconds on a year of 100k tasks.
 * Not in task order. test/report-data.test.ts holds the two equal. The readable reference of the
 * figures counted by SQL: test/report-figures.test.ts holds taskFigures over these equal to them.
 */
export function liveTaskFacts(db: DB, year: number): StatsTask[] {
  const draws = db.prepare(
    `SELECT d.id, d.quarter, d.level, d.kind, f.joint, f.rates FROM draws d JOIN draw_facts f ON f.draw_id = d.id
     WHERE substr(d.quarter, 1, 4) = ? AND NOT EXISTS (SELECT 1 FROM voids v WHERE v.draw_id = d.id)`,
  ).all(String(year)) as { id: string; quarter: string; level: Level; kind: 'routine' | 'directional'; joint: string; rates: string }[];
  // object substitutions change a task's object, its county and its method; the last one counts
  const subOf = new Map<string, { object: string; region: string | null; method: Method | null }>();
  for (const s of db.prepare(
    `SELECT s.task_no, s.replacement, json_extract(s.payload, '$.objectRegion') AS region, json_extract(s.payload, '$.method') AS method
     FROM substitutions s WHERE s.kind = 'object' AND s.task_no >= @lo AND s.task_no < @hi ORDER BY s.seq`,
  ).iterate({ lo: String(year), hi: String(year + 1) }) as Iterable<{ task_no: string; replacement: string; region: string | null; method: Method | null }>) {
    const prev = subOf.get(s.task_no);
    subOf.set(s.task_no, { object: s.replacement, region: s.region ?? prev?.region ?? null, method: s.method ?? prev?.method ?? null });
  }
  const out: StatsTask[] = [];
  // per live draw, on the draw_id index: the draw's own facts are constants of the loop
  const tasksQ = db.prepare('SELECT task_no, object_id, region, object_region, class, tier, method, joint FROM draw_tasks WHERE draw_id = ?').raw();
  for (const d of draws) {
    const drawId = d.id;
    const { quarter, level, kind: drawKind } = d;
    const departmentJoint = d.joint === 'department';
    const rates = JSON.parse(d.rates) as Partial<Record<ObjClass, number>>;
    for (const [taskNo, objectId, region, objectRegion, cls, tier, method, joint] of tasksQ.iterate(drawId) as Iterable<[string, string, string, string, ObjClass, string | null, Method, number]>) {
      const sub = subOf.get(taskNo);
      out.push({
        taskNo, drawId, quarter, level, drawKind, region,
        objectId: sub?.object ?? objectId, objectRegion: sub?.region ?? objectRegion,
        class: cls, tier, method: sub?.method ?? method, joint: joint === 1, departmentJoint,
        sampled: (rates[cls] ?? 0) < 10000,
      });
    }
  }
  return out;
}
