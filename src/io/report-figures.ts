/**
 * The figures of the live tasks (core/stats.ts TaskFigures) by SQL aggregates over the columns
 * stored at draw time (draw_tasks, draw_task_counts, draw_facts) and the results in force: a year of 100k tasks
 * never becomes 100k JS objects, and no evidence is read. The same figures as taskFigures over
 * liveTaskFacts (report-data.ts) and the results; test/report-figures.test.ts holds them equal.
 */
import { zeroClasses, zeroCounts, type ClassCoverage, type CreditScope, type ShareTally, type TaskFigures, type TaskTally } from '../core/stats.js';
import { CLASSES, type ObjClass } from '../core/types.js';
import type { DB } from './db.js';

/** Which tasks to count, and how the table judges them. */
export interface TallyQuery {
  year: number;
  /** the quarters whose live tasks are counted */
  quarters: readonly string[];
  cityCode: string;
  creditScope: CreditScope;
}

export interface FiguresQuery extends TallyQuery {
  today: string;
  publicationDue: (date: string) => string;
}

// The live draws of the quarters in @quarters (a JSON list). Every query below goes from them to
// their tasks (by draw_id: CROSS JOIN, or `draw_id IN (live)` where the counts are made per draw,
// foldByRow) and on to their results (result_counts), never scanning the whole of a table for
// one quarter.
const LIVE = `
live AS MATERIALIZED (
  SELECT d.id, d.quarter, d.level, d.kind FROM draws d
  WHERE d.quarter IN (SELECT value FROM json_each(@quarters)) AND NOT EXISTS (SELECT 1 FROM voids v WHERE v.draw_id = d.id))`;

// The class rates of each live draw (basis points), from its draw_facts: once per draw.
const RATES = `
rate AS MATERIALIZED (
  SELECT f.draw_id, r.key AS class, r.value AS bp FROM live l JOIN draw_facts f ON f.draw_id = l.id, json_each(f.rates) r)`;

// Object substitutions: a task's object, its county and its method after them (the last one
// counts; their payload is read, but substitutions are few).
const SUBSTITUTED = `
subs AS MATERIALIZED (
  SELECT s.task_no, s.seq, s.replacement, json_extract(s.payload, '$.objectRegion') AS region, json_extract(s.payload, '$.method') AS method
  FROM substitutions s WHERE s.kind = 'object' AND s.task_no >= @year AND s.task_no < @next),
sub AS MATERIALIZED (
  SELECT task_no,
    (SELECT x.replacement FROM subs x WHERE x.task_no = s.task_no ORDER BY x.seq DESC LIMIT 1) AS object,
    (SELECT x.region FROM subs x WHERE x.task_no = s.task_no AND x.region IS NOT NULL ORDER BY x.seq DESC LIMIT 1) AS region,
    (SELECT x.method FROM subs x WHERE x.task_no = s.task_no AND x.method IS NOT NULL ORDER BY x.seq DESC LIMIT 1) AS method
  FROM subs s GROUP BY task_no)`;

/** A task's row in the table: the city for a city-level draw's, its county otherwise. */
const ROW = "CASE WHEN l.level = 'city' THEN @city ELSE tk.region END";

const params = (q: TallyQuery) => ({ year: String(q.year), next: String(q.year + 1), city: q.cityCode, quarters: JSON.stringify(q.quarters) });
type Params = ReturnType<typeof params>;
type Keyed = { quarter: string; region: string };

/** The figures of the live tasks of these quarters and of their results in force, each a SQL aggregate. */
export function taskFiguresOf(db: DB, q: FiguresQuery): TaskFigures {
  const p = params(q);
  const draws = liveDrawsOf(db, p);
  const tallies = new Map(talliesOf(db, q, p, draws).map((t) => [`${t.quarter}|${t.region}`, t]));
  addResultCounts(db, q, tallies, draws);
  return { tallies: [...tallies.values()], coverage: coverage(db, p) };
}

/** The tallies of the live tasks of these quarters, their results left uncounted (zero). */
export function taskTalliesOf(db: DB, q: TallyQuery): TaskTally[] {
  return talliesOf(db, q, params(q));
}

function talliesOf(db: DB, q: TallyQuery, p: Params, draws?: Map<string, LiveDraw>): TaskTally[] {
  if (!q.quarters.length) return [];
  return taskCounts(db, q, p, draws).map((r) => ({ ...zeroCounts(), ...r }));
}

/**
 * The share counts of the live tasks of these quarters without reading the tasks: a task's row,
 * class and tier are its stratum's, so the strata's selected counts give the tasks, the credit
 * basis and the credit-based ones (sj verify holds draw_strata equal to the evidence); the joint
 * tasks are counted on the partial index draw_tasks_joint. Rows without a task are left out, as
 * they are of the tallies.
 */
export function shareTalliesOf(db: DB, q: TallyQuery): ShareTally[] {
  if (!q.quarters.length) return [];
  const credit = q.creditScope === 'all' ? '1' : 'COALESCE(rt.bp, 0) < 10000';
  return db.prepare(`WITH ${LIVE}, ${RATES},
  strata AS (
    SELECT l.quarter, CASE WHEN l.level = 'city' THEN @city ELSE s.region END AS region, SUM(s.selected) AS tasks,
      SUM(CASE WHEN ${credit} THEN s.selected ELSE 0 END) AS creditBasis,
      SUM(CASE WHEN (${credit}) AND s.tier IS NOT NULL THEN s.selected ELSE 0 END) AS creditBased
    FROM live l CROSS JOIN draw_strata s ON s.draw_id = l.id
    LEFT JOIN rate rt ON rt.draw_id = l.id AND rt.class = s.class
    GROUP BY 1, 2),
  joint AS (
    SELECT l.quarter, ${ROW} AS region, COUNT(*) AS n
    FROM live l CROSS JOIN draw_tasks tk ON tk.draw_id = l.id AND tk.joint = 1
    GROUP BY 1, 2)
  SELECT s.quarter, s.region, s.tasks, COALESCE(j.n, 0) AS jointInternal, s.creditBasis, s.creditBased
  FROM strata s LEFT JOIN joint j ON j.quarter = s.quarter AND j.region = s.region
  WHERE s.tasks > 0`).all(params(q)) as ShareTally[];
}

/** A live draw's quarter and level: what a row counted per draw is folded by. */
type LiveDraw = { quarter: string; level: string };

/** The live draws of these quarters, by id. */
function liveDrawsOf(db: DB, p: Params): Map<string, LiveDraw> {
  const rows = db.prepare(`WITH ${LIVE} SELECT id, quarter, level FROM live`).all(p) as ({ id: string } & LiveDraw)[];
  return new Map(rows.map((r) => [r.id, r]));
}

/**
 * Counts made per (draw, task region) summed per (quarter, row), in SQL's (quarter, row) order.
 * The queries count per draw and region because the index draw_tasks_figures gives the tasks in
 * that order, driven by `draw_id IN (live)`: SQLite aggregates them as they come, where grouping
 * by quarter and row sorted all 100k rows in a temporary b-tree first (most of their time).
 */
function foldByRow<T extends object>(rows: (PerDraw & T)[], draws: Map<string, LiveDraw>, cityCode: string): (Keyed & T)[] {
  const out = new Map<string, Keyed & Record<string, number>>();
  for (const row of rows as (PerDraw & Record<string, number>)[]) {
    const { draw_id, region: taskRegion, ...counts } = row;
    const d = draws.get(draw_id)!;
    const region = d.level === 'city' ? cityCode : taskRegion;
    const k = `${d.quarter}|${region}`;
    const a = out.get(k);
    if (!a) out.set(k, { ...counts, quarter: d.quarter, region } as Keyed & Record<string, number>);
    else for (const f of Object.keys(counts)) a[f]! += counts[f]!;
  }
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return ([...out.values()] as unknown as (Keyed & T)[]).sort((a, b) => cmp(a.quarter, b.quarter) || cmp(a.region, b.region));
}
type PerDraw = { draw_id: string; region: string };

// The live tasks, per draw and region in index order (foldByRow says why)
const LIVE_TASKS = 'draw_tasks tk INDEXED BY draw_tasks_figures';
const IN_LIVE = 'tk.draw_id IN (SELECT id FROM live)';

/**
 * The task counts, by quarter and row, from the counts stored at draw time per (draw, region,
 * class, tier) (draw_task_counts; no task is read): a stratum's class takes its draw's rate
 * once; the few tasks whose method a substitution changed are counted apart, as a correction.
 */
function taskCounts(db: DB, q: TallyQuery, p: Params, draws = liveDrawsOf(db, p)): (Keyed & Pick<TaskTally, 'onsite' | 'offsite' | 'jointInternal' | 'creditBasis' | 'creditBased'>)[] {
  const sampled = 'COALESCE(rt.bp, 0) < 10000'; // drawn by sampling at the draw's own rates
  const credit = q.creditScope === 'all' ? '1' : sampled;
  const rows = db.prepare(`WITH ${LIVE}, ${RATES}, ${SUBSTITUTED},
  stratum AS (
    SELECT c.draw_id, c.region, c.class, c.tier IS NOT NULL AS rated, SUM(c.tasks) AS n, SUM(c.onsite) AS onsite, SUM(c.joint) AS joint
    FROM draw_task_counts c WHERE c.draw_id IN (SELECT id FROM live)
    GROUP BY c.draw_id, c.region, c.class, c.tier),
  moved AS (
    SELECT tk.draw_id, tk.region, SUM((s.method = 'onsite') - (tk.method = 'onsite')) AS onsite
    FROM sub s CROSS JOIN draw_tasks tk ON tk.task_no = s.task_no
    WHERE s.method IS NOT NULL AND ${IN_LIVE}
    GROUP BY 1, 2),
  part AS (
    SELECT g.draw_id, g.region, g.n, g.onsite, g.joint,
      CASE WHEN ${credit} THEN g.n ELSE 0 END AS basis, CASE WHEN (${credit}) AND g.rated THEN g.n ELSE 0 END AS based
    FROM stratum g LEFT JOIN rate rt ON rt.draw_id = g.draw_id AND rt.class = g.class
    UNION ALL
    SELECT draw_id, region, 0, onsite, 0, 0, 0 FROM moved)
  SELECT draw_id, region, SUM(onsite) AS onsite, SUM(n) - SUM(onsite) AS offsite, SUM(joint) AS jointInternal,
    SUM(basis) AS creditBasis, SUM(based) AS creditBased
  FROM part GROUP BY 1, 2`).all(p) as (PerDraw & { onsite: number; offsite: number; jointInternal: number; creditBasis: number; creditBased: number })[];
  return foldByRow(rows, draws, q.cityCode);
}

const RESULT_SUMS = ['inspected', 'problems', 'rectifyOrdered', 'rectified', 'cases', 'fineFen', 'referrals', 'criminalReferrals', 'published', 'publishable', 'overdue', 'publishedLate'] as const;
type ResultSums = Pick<TaskTally, (typeof RESULT_SUMS)[number]>;

/**
 * Add the counts of the results in force of the tasks to their tallies (by `${quarter}|${row}`),
 * from result_counts (kept by triggers as results are recorded and published: schema migration
 * 13), a few rows per draw, region and inspection date; no result is read. Their publication is
 * judged in SQL as publicationState judges one result, against the due date of each inspection
 * date they hold (a due date costs about 0.1 ms: the calendar walked day by day; a draw with no
 * result has none to compute).
 */
function addResultCounts(db: DB, q: FiguresQuery, tallies: Map<string, TaskTally>, live: Map<string, LiveDraw>): void {
  if (!live.size) return;
  const draws = JSON.stringify([...live.keys()]);
  // in calendar order: publicationDue judges a day from the day before it (deadlines.ts publicationDueOf)
  const dates = db.prepare('SELECT DISTINCT date FROM result_counts WHERE draw_id IN (SELECT value FROM json_each(?)) ORDER BY date').pluck().all(draws) as string[];
  if (!dates.length) return;
  const dues = Object.fromEntries(dates.map((d) => [d, q.publicationDue(d)]));
  for (const g of resultCounts(db, q, live, draws, dues)) {
    const a = tallies.get(`${g.quarter}|${g.region}`)!; // every result's task is tallied
    for (const f of RESULT_SUMS) a[f] += g[f];
  }
}

/**
 * The result counts by quarter and row, publication judged on these due dates (by inspection
 * date), from result_counts: per (draw, task region) in its key order, so that SQLite sums them
 * as they come (foldByRow).
 */
function resultCounts(db: DB, q: FiguresQuery, live: Map<string, LiveDraw>, draws: string, dues: Record<string, string>): (Keyed & ResultSums)[] {
  const sum = (cond: string) => `SUM(CASE WHEN ${cond} THEN c.inspected ELSE 0 END)`;
  const open = 'c.confidential <> 1'; // publishable
  const rows = db.prepare(`WITH due AS MATERIALIZED (SELECT key AS date, value AS due FROM json_each(@dues))
  SELECT c.draw_id, c.region, SUM(c.inspected) AS inspected, SUM(c.problems) AS problems, SUM(c.rectify_ordered) AS rectifyOrdered,
    SUM(c.rectified) AS rectified, SUM(c.cases) AS cases, SUM(c.fine_fen) AS fineFen, SUM(c.referrals) AS referrals,
    SUM(c.criminal_referrals) AS criminalReferrals, ${sum("c.pub <> ''")} AS published, ${sum(open)} AS publishable,
    ${sum(`${open} AND c.pub = '' AND @today > du.due`)} AS overdue, ${sum(`${open} AND c.pub <> '' AND c.pub > du.due`)} AS publishedLate
  FROM result_counts c JOIN due du ON du.date = c.date
  WHERE c.draw_id IN (SELECT value FROM json_each(@draws))
  GROUP BY 1, 2`).all({ today: q.today, dues: JSON.stringify(dues), draws }) as (PerDraw & ResultSums)[];
  return foldByRow(rows, live, q.cityCode);
}

/**
 * The class coverage (core/stats.ts classCoverage) of the period's quarters: every object once
 * per (quarter, region), own when a routine draw of the row's level selected it; a city-level
 * draw's objects also count, credited, in their own county.
 *
 * Counting each object once takes a sort of every task of the period (most of `check --year`'s
 * time at 100k, issue 13) unless the quarter's live draws cannot share an object. They cannot
 * when every one was drawn under the same-quarter exclusion (§3: an object a live draw of the
 * quarter selected is excluded from the snapshot of every later draw, at both levels; a voided
 * draw is not live): then a stratum's `selected` is its number of distinct objects, and only a
 * city-level draw's tasks are read, for their own counties. Objects a substitution touched (its
 * original or replacement) are taken out of that count and counted again by the general query.
 * A draw whose rules are unknown or turn the exclusion off: the general query for the period.
 */
function coverage(db: DB, p: Params): Map<string, ClassCoverage> {
  const out = new Map<string, ClassCoverage>();
  if (!disjointDraws(db, p)) {
    addCoverage(out, exactCoverage(db, p));
    return out;
  }
  addCoverage(out, strataCoverage(db, p));
  const touched = db.prepare(`SELECT original FROM substitutions WHERE kind = 'object' AND task_no >= @year AND task_no < @next
    UNION SELECT replacement FROM substitutions WHERE kind = 'object' AND task_no >= @year AND task_no < @next`).pluck().all(p) as string[];
  if (touched.length) {
    const objects = JSON.stringify(touched);
    addCoverage(out, tasksCoverage(db, p, objects), -1);
    addCoverage(out, exactCoverage(db, p, objects));
  }
  // no row without an object, as the general query has it (strata that selected nothing; a row
  // whose every object a substitution moved elsewhere)
  for (const [k, c] of out) if (CLASSES.every((x) => c.own[x] === 0 && c.credited[x] === 0)) out.delete(k);
  return out;
}

type CoverageRow = { quarter: string; region: string; class: ObjClass; own: number; credited: number };

function addCoverage(out: Map<string, ClassCoverage>, rows: readonly CoverageRow[], sign = 1): void {
  for (const r of rows) {
    const k = `${r.quarter}|${r.region}`;
    let c = out.get(k);
    if (!c) out.set(k, (c = { own: zeroClasses(), credited: zeroClasses() }));
    c.own[r.class] += sign * r.own;
    c.credited[r.class] += sign * r.credited;
  }
}

/** Whether every live draw of the period was made with the same-quarter exclusion on (its stored rules say so). */
function disjointDraws(db: DB, p: Params): boolean {
  const rules = db.prepare(`WITH ${LIVE} SELECT DISTINCT d.rules_id, r.body FROM live l JOIN draws d ON d.id = l.id LEFT JOIN rules r ON r.id = d.rules_id`)
    .all(p) as { rules_id: number | null; body: string | null }[];
  return rules.every((r) => {
    if (r.body === null) return false;
    try {
      return (JSON.parse(r.body) as { exclusions?: { sameQuarter?: unknown } }).exclusions?.sameQuarter !== false;
    } catch {
      return false;
    }
  });
}

/** Distinct objects when the live draws share none: each stratum's selected, and a city-level draw's tasks again in their own county. */
function strataCoverage(db: DB, p: Params): CoverageRow[] {
  return db.prepare(`WITH ${LIVE}
  SELECT l.quarter, CASE WHEN l.level = 'city' THEN @city ELSE s.region END AS region, s.class,
    SUM(CASE WHEN l.kind = 'routine' THEN s.selected ELSE 0 END) AS own, SUM(CASE WHEN l.kind = 'routine' THEN 0 ELSE s.selected END) AS credited
  FROM live l CROSS JOIN draw_strata s ON s.draw_id = l.id
  GROUP BY 1, 2, 3
  UNION ALL
  SELECT l.quarter, tk.object_region, tk.class, 0, COUNT(*)
  FROM live l CROSS JOIN ${LIVE_TASKS} ON tk.draw_id = l.id
  WHERE l.level = 'city'
  GROUP BY 1, 2, 3`).all(p) as CoverageRow[];
}

/** What strataCoverage counted for the tasks of these objects (a JSON list), found by the object index. */
function tasksCoverage(db: DB, p: Params, objects: string): CoverageRow[] {
  return db.prepare(`WITH ${LIVE},
  t AS (
    SELECT l.quarter, l.level, l.kind, tk.object_region, tk.class
    FROM draw_tasks tk INDEXED BY draw_tasks_object CROSS JOIN live l ON l.id = tk.draw_id
    WHERE tk.object_id IN (SELECT value FROM json_each(@objects)))
  SELECT quarter, CASE WHEN level = 'city' THEN @city ELSE object_region END AS region, class,
    SUM(kind = 'routine') AS own, SUM(kind <> 'routine') AS credited
  FROM t GROUP BY 1, 2, 3
  UNION ALL
  SELECT quarter, object_region, class, 0, COUNT(*) FROM t WHERE level = 'city' GROUP BY 1, 2, 3`).all({ ...p, objects }) as CoverageRow[];
}

/**
 * The coverage by the general query: the tasks' objects after substitutions, every (quarter, row,
 * object) found by sorting them; of the tasks of these objects only, when given (a JSON list that
 * holds every original and replacement of their substitutions).
 */
function exactCoverage(db: DB, p: Params, objects?: string): CoverageRow[] {
  const tasks = objects
    ? `draw_tasks tk INDEXED BY draw_tasks_object CROSS JOIN live l ON l.id = tk.draw_id LEFT JOIN sub s ON s.task_no = tk.task_no
    WHERE tk.object_id IN (SELECT value FROM json_each(@objects))`
    : 'live l CROSS JOIN draw_tasks tk ON tk.draw_id = l.id LEFT JOIN sub s ON s.task_no = tk.task_no';
  return db.prepare(`WITH ${LIVE}, ${SUBSTITUTED},
  t AS (
    SELECT l.quarter, l.level, l.kind, COALESCE(s.object, tk.object_id) AS object, COALESCE(s.region, tk.object_region) AS object_region, tk.class
    FROM ${tasks}),
  picked AS (
    SELECT quarter, CASE WHEN level = 'city' THEN @city ELSE object_region END AS region, object, class, kind = 'routine' AS own FROM t
    UNION ALL
    SELECT quarter, object_region, object, class, 0 FROM t WHERE level = 'city'),
  -- with MAX(own), the bare class comes from an own row when there is one (classCoverage's own map);
  -- grouped on one text key, as SQLite sorts it about a fifth faster than three columns (the sort
  -- is most of the query's time); char 31 occurs in no quarter, region code or object id (ID_RE)
  objects AS (SELECT quarter, region, class, MAX(own) AS own FROM picked GROUP BY quarter || char(31) || region || char(31) || object)
  SELECT quarter, region, class, SUM(own) AS own, SUM(1 - own) AS credited FROM objects GROUP BY quarter, region, class`)
    .all(objects ? { ...p, objects } : p) as CoverageRow[];
}
