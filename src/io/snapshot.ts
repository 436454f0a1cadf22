/**
 * Building a draw's snapshot (draw-v1 §3, §6) from the database: the population of the scope
 * after the directional filter with each object's exclusion, the eligible inspectors, experts
 * and recusal pairs — as the rosters and the ledger stood at a given point, so `sj verify`
 * can rebuild a past draw's snapshot exactly.
 */
import { compareBytes } from '../core/canonical.js';
import type { Quarter } from '../core/quarter.js';
import type { DrawFilter, DrawRules, Exclusion, Level, SnapExpert, SnapInspector, SnapObject, Snapshot } from '../core/types.js';
import type { DB } from './db.js';
import { readRoster, type ObjectRow } from './roster-read.js';
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
}

export type ExclusionReason = Exclude<Exclusion, null>;

export interface SnapshotResult {
  snapshot: Snapshot;
  /** by stratum region (the city code at city level) and reason */
  excludedCounts: Record<string, Record<ExclusionReason, number>>;
  /** inspectors of the scope left out, and why (inactive, no certificate, expired) */
  ineligibleInspectors: { id: string; region: string; reason: 'inactive' | 'uncertified' | 'expired' }[];
  /** draw.regions for the evidence */
  drawRegions: string[];
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

/**
 * Objects selected by live draws, per object: effective after substitutions, counting only
 * ledger entries before `beforeSeq`. Returns counts for the quarter and for its year.
 */
export function liveSelections(db: DB, quarter: Quarter, beforeSeq?: number): { quarter: Set<string>; year: Map<string, number> } {
  const lim = beforeSeq ?? Number.MAX_SAFE_INTEGER;
  const rows = db
    .prepare(
      `SELECT t.task_no, t.object_id, d.quarter FROM draw_tasks t JOIN draws d ON d.id = t.draw_id
       WHERE d.seq < @lim AND substr(d.quarter, 1, 4) = @year
         AND NOT EXISTS (SELECT 1 FROM voids v WHERE v.draw_id = d.id AND v.seq < @lim)`,
    )
    .all({ lim, year: String(quarter.year) }) as { task_no: string; object_id: string; quarter: string }[];
  const subs = db
    .prepare(`SELECT task_no, replacement FROM substitutions WHERE kind = 'object' AND seq < @lim ORDER BY seq`)
    .all({ lim }) as { task_no: string; replacement: string }[];
  const eff = new Map<string, string>();
  for (const s of subs) eff.set(s.task_no, s.replacement);
  const q = new Set<string>();
  const y = new Map<string, number>();
  for (const r of rows) {
    const obj = eff.get(r.task_no) ?? r.object_id;
    if (r.quarter === quarter.id) q.add(obj);
    y.set(obj, (y.get(obj) ?? 0) + 1);
  }
  return { quarter: q, year: y };
}

export function matchesFilter(o: ObjectRow, f: DrawFilter | null): boolean {
  if (!f) return true;
  if (f.industries.length && !f.industries.includes(o.industry)) return false;
  if (f.tags.length && !o.tags.some((t) => f.tags.includes(t))) return false;
  if (f.regions.length && !f.regions.includes(o.region)) return false;
  return true;
}

export function buildSnapshot(db: DB, req: SnapshotRequest): SnapshotResult {
  const regions = Regions.load(db);
  const cityCode = regions.city.code;
  const countySet = new Set(regions.counties().map((r) => r.code));
  const scope = req.level === 'city' ? countySet : new Set(req.regions);
  const drawRegions = req.level === 'city' ? [cityCode] : [...scope].sort(compareBytes);

  const ex = req.rules.exclusions ?? {};
  const sel = liveSelections(db, req.quarter, req.beforeSeq);
  const cap = ex.annualCap ?? 0;
  const qMonths = req.quarter.months;

  const objectRows = readRoster(db, 'objects', { asOf: req.asOf, where: "status = 'active'" });
  const objects: SnapObject[] = [];
  const excludedCounts: SnapshotResult['excludedCounts'] = {};
  for (const o of objectRows) {
    if (!scope.has(o.region) || !matchesFilter(o, req.filter)) continue;
    let excluded: Exclusion = null;
    if ((ex.sameQuarter ?? true) && sel.quarter.has(o.id)) excluded = 'same-quarter';
    else if (cap > 0 && (sel.year.get(o.id) ?? 0) >= cap) excluded = 'annual-cap';
    else if (ex.season ?? true) {
      const months = parseMonths(o.months);
      if (months && !qMonths.some((m) => months.has(m))) excluded = 'season';
    }
    if (excluded) {
      const r = req.level === 'city' ? cityCode : o.region;
      const c = (excludedCounts[r] ??= { 'same-quarter': 0, 'annual-cap': 0, season: 0 });
      c[excluded]++;
    }
    objects.push({
      id: o.id, name: o.name, region: o.region, class: o.class, tier: o.tier,
      industry: o.industry, offsite: o.offsite, excluded,
    });
  }

  const inspectors: SnapInspector[] = [];
  const ineligibleInspectors: SnapshotResult['ineligibleInspectors'] = [];
  for (const i of readRoster(db, 'inspectors', { asOf: req.asOf })) {
    if (req.level === 'county' && !scope.has(i.region)) continue;
    const reason = i.status !== 'active' ? 'inactive' : !i.certified ? 'uncertified' : i.certExpiry && i.certExpiry < req.date ? 'expired' : null;
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
  objects.sort(byId);
  inspectors.sort(byId);
  experts.sort(byId);
  return {
    snapshot: { rules: req.rules, objects, inspectors, experts, avoidance },
    excludedCounts,
    ineligibleInspectors,
    drawRegions,
  };
}
