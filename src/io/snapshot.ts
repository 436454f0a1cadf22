/**
 * Building a draw's snapshot (§3, §6 of draw-v2, or of draw-v1 for rebuilding an old draw) from the database: the population of the scope
 * after the directional filter with each object's exclusion, the eligible inspectors, experts
 * and recusal pairs — as the rosters and the ledger stood at a given point, so `sj verify`
 * can rebuild a past draw's snapshot exactly.
 */
import { compareBytes } from '../core/canonical.js';
import type { Quarter } from '../core/quarter.js';
import { ineligibility } from '../core/eligibility.js';
import { isCensus } from '../core/quotas.js';
import { CURRENT_ALGORITHM, type Algorithm, type DrawFilter, type DrawRules, type Exclusion, type Level, type SnapExpert, type SnapInspector, type SnapObject, type Snapshot } from '../core/types.js';
import type { DB } from './db.js';
import { eachSnapshotObject, readRoster, type ObjectRow } from './roster-read.js';
import { Regions } from './regions.js';

export type SnapshotRules = DrawRules & {
  exclusions?: { sameQuarter?: boolean; annualCap?: number; season?: boolean };
};

export interface SnapshotRequest {
  quarter: Quarter;
  level: Level;
  /** county codes (county level); ignored at city level */
  regions: string[];
  filter: DrawFilter | null;
  /** the draw date, YYYY-MM-DD: certificates must be valid on it */
  date: string;
  rules: SnapshotRules;
  /** read the rosters as of this stored instant (default: current) */
  asOf?: string;
  /** count only ledger entries (draws, voids, substitutions) before this seq (default: all) */
  beforeSeq?: number;
  /** the algorithm whose §3 decides the exclusions (default: the current one) */
  algorithm?: Algorithm;
}

export type ExclusionReason = Exclude<Exclusion, null>;

export interface SnapshotResult {
  snapshot: Snapshot;
  /** by stratum region (the city code at city level) and reason */
  excludedCounts: Record<string, Record<ExclusionReason, number>>;
  /** the live draws of the quarter whose picks the exclusions count, in ledger order */
  priorDraws: { id: string; level: Level; kind: 'routine' | 'directional' }[];
  /** inspectors of the scope left out, and why (inactive, no certificate, expired) */
  ineligibleInspectors: { id: string; region: string; reason: 'inactive' | 'uncertified' | 'expired' }[];
  /** draw.regions for the evidence */
  drawRegions: string[];
  /** each snapshot object's own number (schema migration 11), in snapshot order: what draw_members stores of it */
  nums: Uint32Array;
}

/** Parse production months "1-3,11-12" into a set; empty = all year. */
export function parseMonths(s: string): Set<number> | null {
  if (!s.trim()) return null;
  const out = new Set<number>();
  for (const part of s.split(/[,，、]/u)) {
    const m = /^\s*(\d{1,2})\s*(?:[-~～至]\s*(\d{1,2}))?\s*月?\s*$/u.exec(part);
    if (!m) continue;
    const a = Number(m[1]);
    const b = m[2] ? Number(m[2]) : a;
    if (a <= b) for (let k = a; k <= b; k++) out.add(k);
    else for (let k = a; k <= 12 + b; k++) out.add(((k - 1) % 12) + 1); // 11-2 wraps the year end
  }
  return out;
}

/** The selections of one object this quarter, by the level of the live draws that made them. */
export interface QuarterPicks {
  city: boolean;
  county: boolean;
}

/**
 * Objects selected by live draws, per object: effective after substitutions (the new object
 * counts, not the replaced one), counting only ledger entries before `beforeSeq`. Returns, for
 * the quarter, which levels selected each object, and for its year, how often.
 */
export function liveSelections(db: DB, quarter: Quarter, beforeSeq?: number): {
  quarter: Map<string, QuarterPicks>;
  year: Map<string, number>;
  draws: SnapshotResult['priorDraws'];
} {
  const lim = beforeSeq ?? Number.MAX_SAFE_INTEGER;
  const live = `d.seq < @lim AND NOT EXISTS (SELECT 1 FROM voids v WHERE v.draw_id = d.id AND v.seq < @lim)`;
  const rows = db
    .prepare(
      `SELECT t.task_no, t.object_id, d.quarter, d.level FROM draw_tasks t JOIN draws d ON d.id = t.draw_id
       WHERE substr(d.quarter, 1, 4) = @year AND ${live}`,
    )
    .raw()
    .all({ lim, year: String(quarter.year) }) as [string, string, string, Level][];
  const subs = db
    .prepare(`SELECT task_no, replacement FROM substitutions WHERE kind = 'object' AND seq < @lim AND task_no >= @lo AND task_no < @hi ORDER BY seq`)
    .all({ lim, lo: String(quarter.year), hi: String(quarter.year + 1) }) as { task_no: string; replacement: string }[];
  const eff = new Map<string, string>();
  for (const s of subs) eff.set(s.task_no, s.replacement);
  const q = new Map<string, QuarterPicks>();
  const y = new Map<string, number>();
  for (const [taskNo, objectId, qid, level] of rows) {
    const obj = eff.get(taskNo) ?? objectId;
    if (qid === quarter.id) {
      let p = q.get(obj);
      if (!p) q.set(obj, (p = { city: false, county: false }));
      p[level] = true;
    }
    y.set(obj, (y.get(obj) ?? 0) + 1);
  }
  const draws = db
    .prepare(`SELECT d.id, d.level, d.kind FROM draws d WHERE d.quarter = @q AND ${live} ORDER BY d.seq`)
    .all({ lim, q: quarter.id }) as SnapshotResult['priorDraws'];
  return { quarter: q, year: y, draws };
}

/**
 * Why an object may not be drawn (§3), the first reason in precedence order, or null.
 * sj-draw/2: a pick of the city level or of this draw's own level is "same-quarter" (credited);
 * at city level a county's pick is "drawn-by-county" (not credited); census classes are never
 * out of season or over the annual cap. sj-draw/1: any pick is "same-quarter"; season and the
 * annual cap apply to every class.
 */
export function exclusionOf(
  algorithm: Algorithm, level: Level, o: { class: SnapObject['class']; months: string }, picks: QuarterPicks | undefined,
  yearCount: number, rules: SnapshotRules, quarterMonths: readonly number[],
): Exclusion {
  const ex = rules.exclusions ?? {};
  if ((ex.sameQuarter ?? true) && picks) {
    if (algorithm === 'sj-draw/1') return 'same-quarter';
    if (picks.city || level === 'county') return 'same-quarter';
    return 'drawn-by-county';
  }
  if (algorithm !== 'sj-draw/1' && isCensus(rules, level, o.class)) return null;
  const cap = ex.annualCap ?? 0;
  if (cap > 0 && yearCount >= cap) return 'annual-cap';
  if (ex.season ?? true) {
    const months = parseMonths(o.months);
    if (months && !quarterMonths.some((m) => months.has(m))) return 'season';
  }
  return null;
}

export function matchesFilter(o: Pick<ObjectRow, 'industry' | 'tags' | 'region'>, f: DrawFilter | null): boolean {
  if (!f) return true;
  if (f.industries.length && !f.industries.includes(o.industry)) return false;
  if (f.tags.length && !o.tags.some((t) => f.tags.includes(t))) return false;
  if (f.regions.length && !f.regions.includes(o.region)) return false;
  return true;
}

/**
 * The objects' numbers as a typed array, the objects sorted by id with them. They are read in
 * that order (SQLite's ORDER BY id compares UTF-8 bytes, which is code point order), so this
 * only checks it, unless the collation ever differs.
 */
function objectNumbers(objects: SnapObject[], nums: number[]): Uint32Array {
  const out = new Uint32Array(nums.length);
  for (let i = 0; i < nums.length; i++) {
    const n = nums[i]!;
    // a number written by the import or by the objects_num trigger (migration 11)
    if (!Number.isInteger(n) || n < 1 || n > 0xffffffff) throw new Error(`object ${objects[i]!.id} has no number (objects.num ${String(n)})`);
    out[i] = n;
  }
  let sorted = true;
  for (let i = 1; i < objects.length && sorted; i++) sorted = compareBytes(objects[i - 1]!.id, objects[i]!.id) < 0;
  if (sorted) return out;
  const order = Array.from(objects.keys()).sort((a, b) => compareBytes(objects[a]!.id, objects[b]!.id));
  const byOrder = order.map((i) => objects[i]!);
  byOrder.forEach((o, i) => (objects[i] = o));
  return Uint32Array.from(order, (i) => out[i]!);
}

export function buildSnapshot(db: DB, req: SnapshotRequest): SnapshotResult {
  const regions = Regions.load(db);
  const cityCode = regions.city.code;
  const countySet = new Set(regions.counties().map((r) => r.code));
  const scope = req.level === 'city' ? countySet : new Set(req.regions);
  const drawRegions = req.level === 'city' ? [cityCode] : [...scope].sort(compareBytes);

  const algorithm = req.algorithm ?? CURRENT_ALGORITHM;
  const sel = liveSelections(db, req.quarter, req.beforeSeq);
  const qMonths = req.quarter.months;

  // only the columns a snapshot needs, as raw rows (the full read was most of a large draw's time),
  // one at a time: a row is garbage as soon as its snapshot object is made
  const objects: SnapObject[] = [];
  const nums: number[] = [];
  const excludedCounts: SnapshotResult['excludedCounts'] = {};
  eachSnapshotObject(db, { asOf: req.asOf, where: "status = 'active'" }, (o) => {
    if (!scope.has(o.region) || !matchesFilter(o, req.filter)) return;
    const excluded = exclusionOf(algorithm, req.level, o, sel.quarter.get(o.id), sel.year.get(o.id) ?? 0, req.rules, qMonths);
    if (excluded) {
      const r = req.level === 'city' ? cityCode : o.region;
      const c = (excludedCounts[r] ??= { 'same-quarter': 0, 'drawn-by-county': 0, 'annual-cap': 0, season: 0 });
      c[excluded]++;
    }
    // members in canonical (code point) order: canonical() then writes the object as it is,
    // not a key-sorted copy of each of 100k objects (issue 13)
    objects.push({
      class: o.class, excluded, id: o.id, industry: o.industry, name: o.name, offsite: o.offsite, region: o.region, tier: o.tier,
    });
    nums.push(o.num);
  });

  const inspectors: SnapInspector[] = [];
  const ineligibleInspectors: SnapshotResult['ineligibleInspectors'] = [];
  for (const i of readRoster(db, 'inspectors', { asOf: req.asOf })) {
    if (req.level === 'county' && !scope.has(i.region)) continue;
    const reason = ineligibility(i, req.date);
    if (reason) {
      ineligibleInspectors.push({ id: i.id, region: i.region, reason });
      continue;
    }
    inspectors.push({ id: i.id, name: i.name, region: i.region, line: i.line, specialties: i.specialties });
  }

  const experts: SnapExpert[] = readRoster(db, 'experts', { asOf: req.asOf, where: "status = 'active'" }).map((e) => ({
    id: e.id, name: e.name, industries: e.industries,
  }));

  const objIds = new Set(objects.map((o) => o.id));
  const persons = new Set([...inspectors.map((i) => i.id), ...experts.map((e) => e.id)]);
  const avoidance: [string, string][] = readRoster(db, 'avoidance', { asOf: req.asOf })
    .filter((a) => persons.has(a.person) && objIds.has(a.object))
    .map((a) => [a.person, a.object] as [string, string])
    .sort((a, b) => compareBytes(a[0], b[0]) || compareBytes(a[1], b[1]));

  const byId = <T extends { id: string }>(a: T, b: T) => compareBytes(a.id, b.id);
  inspectors.sort(byId);
  experts.sort(byId);
  return {
    snapshot: { rules: req.rules, objects, inspectors, experts, avoidance },
    excludedCounts,
    priorDraws: sel.draws,
    ineligibleInspectors,
    drawRegions,
    nums: objectNumbers(objects, nums),
  };
}
