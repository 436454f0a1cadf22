/**
 * Fairness of the draws (issue 18): each enterprise's exact chance of inspection, tier ratios,
 * expected vs actual inspections, enterprises never inspected and the chance they had of
 * staying unselected, inspectors' load, and an in-memory simulation that checks the exact
 * figures. Pure: integers and exact fractions (fraction.ts); floating point only in the
 * simulation's confidence intervals.
 *
 * THE MODEL (docs/fairness.md). Within one draw, a stratum selects `selected` objects of its
 * pool uniformly at random (hash order), so an object in the pool is selected by that draw
 * with probability selected/pool (selected = min(due, pool), due = max(0, quota − credited);
 * sj-draw/1 has no credit: due = quota). A quarter has up to two routine draws that can pick
 * one enterprise: the city-level draw F (its stratum spans every county) and then its county's
 * draw G. They interact: every object F picks from G's stratum leaves G's pool (one inspection
 * per quarter) and, in sj-draw/2 at county level, is credited toward G's quota. So with
 *   Z    = the number of F's picks among the other objects of o's G-pool (random),
 *   P    = the size of o's G-pool before F (recorded pool + F's picks from it),
 *   C0   = G's credit from other draws (e.g. a directional draw), cr = 1 if G credits F's picks,
 *   f(z) = min(max(0, quota − C0 − cr·z), P − z) / (P − z)   (G's chance for o given Z = z),
 * the quarter's probability is
 *   p(o) = pF + (1 − pF) · Σ_z Pr(Z = z | o not picked by F) · f(z),   pF = selF/poolF (0 if o ∉ F's pool),
 * where, given o not picked, F's stratum S picks sel_S of its pool uniformly among the objects
 * other than o, so Z is a sum over F's strata of hypergeometric counts HG(N = |pool_S| − [o ∈ pool_S],
 * K = |pool_S ∩ G-pool \ {o}|, n = sel_S). The same formula serves the other order (counties
 * first: G = the city draw, which does not credit the counties' picks, cr = 0). The state before
 * the first routine draw (season, annual cap, directional picks) is taken as recorded; a
 * directional draw adds its own selected/pool to the expected count of the objects in its pool.
 * Substitutions (补抽) are outside the model: the figures count what the draws selected.
 */
import { compareBytes } from './canonical.js';
import { drawKeys, keyOrder, seedOf } from './draw.js';
import { add, cmp, div, eq, frac, mul, ONE, sub, sum, toNumber, ZERO, type Frac } from './fraction.js';
import { planStrata } from './quotas.js';
import { CLASSES, type Algorithm, type DrawRules, type Exclusion, type Level, type ObjClass, type SnapObject, type Stratum } from './types.js';

// ---------------------------------------------------------------------------------------------
// input: a draw as the fairness figures need it (from evidence, or from a plan)

export interface FairnessObject {
  id: string;
  name: string;
  region: string;
  class: ObjClass;
  tier: string | null;
  excluded: Exclusion;
}

/** A draw's stratum as its evidence gives it (sj-draw/1 strata have no `credited`). */
export type FairnessStratum = Stratum;

export interface FairnessInspector {
  id: string;
  name: string;
  region: string;
}

export interface FairnessDraw {
  id: string;
  quarter: string;
  level: Level;
  kind: 'routine' | 'directional';
  algorithm: Algorithm;
  /** ledger seq (a quarter's draws are taken in this order), then createdAt, then id */
  order: number;
  createdAt: string;
  /** draw.regions: [city code] at city level */
  regions: string[];
  rules: Pick<DrawRules, 'rates' | 'tiers' | 'tiered'>;
  objects: FairnessObject[];
  inspectors: FairnessInspector[];
  strata: FairnessStratum[];
  /** the draw's selections, the team leader first */
  tasks: { objectId: string; inspectors: string[] }[];
}

/** The members of an evidence file (sj-evidence/1 or /2) the figures read. */
export interface EvidenceLike {
  format: string;
  algorithm: string;
  draw: { id: string; quarter: string; level: Level; regions: string[]; kind: 'routine' | 'directional'; createdAt?: string };
  snapshot: { rules: Pick<DrawRules, 'rates' | 'tiers' | 'tiered'>; objects: FairnessObject[]; inspectors: FairnessInspector[] };
  strata: FairnessStratum[];
  tasks: { objectId: string; inspectors: string[] }[];
  ledger?: { seq: number };
}

export class FairnessInputError extends Error {
  constructor(readonly code: 'not-evidence' | 'algorithm', readonly value: string) {
    super(`${code}: ${value}`);
  }
}

export function drawFromEvidence(ev: EvidenceLike): FairnessDraw {
  if (!ev || typeof ev !== 'object' || !ev.draw || !ev.snapshot || !Array.isArray(ev.strata) || !Array.isArray(ev.tasks)) {
    throw new FairnessInputError('not-evidence', String((ev as { format?: unknown })?.format ?? ''));
  }
  if (ev.algorithm !== 'sj-draw/1' && ev.algorithm !== 'sj-draw/2') throw new FairnessInputError('algorithm', String(ev.algorithm));
  const d = ev.draw;
  return {
    id: d.id, quarter: d.quarter, level: d.level, kind: d.kind, algorithm: ev.algorithm,
    order: ev.ledger?.seq ?? Number.MAX_SAFE_INTEGER, createdAt: d.createdAt ?? '', regions: d.regions,
    rules: ev.snapshot.rules,
    objects: ev.snapshot.objects.map((o) => ({ id: o.id, name: o.name, region: o.region, class: o.class, tier: o.tier, excluded: o.excluded })),
    inspectors: ev.snapshot.inspectors.map((i) => ({ id: i.id, name: i.name, region: i.region })),
    strata: ev.strata,
    tasks: ev.tasks.map((t) => ({ objectId: t.objectId, inspectors: t.inspectors })),
  };
}

export const byDrawOrder = (a: FairnessDraw, b: FairnessDraw): number =>
  a.order - b.order || compareBytes(a.createdAt, b.createdAt) || compareBytes(a.id, b.id);

export interface PlanLevelInput {
  level: Level;
  drawRegions: string[];
  algorithm: Algorithm;
  rules: DrawRules;
  objects: SnapObject[];
  inspectors: FairnessInspector[];
}

/**
 * `sj plan --fairness`: the same figures before drawing. The levels are taken in the order
 * `sj draw` makes them (give the city first); their strata come from the one quota
 * implementation (quotas.ts) and nothing is selected yet.
 */
export function fairnessFromPlan(quarter: string, levels: PlanLevelInput[]): QuarterFairness {
  const draws = levels.map((l, i): FairnessDraw => {
    const strata = planStrata(l.level, l.drawRegions, l.objects, l.rules).map((s): FairnessStratum => {
      const pool = s.objects.filter((o) => o.excluded === null).length;
      const credited = l.algorithm === 'sj-draw/1' ? 0 : s.objects.filter((o) => o.excluded === 'same-quarter').length;
      const selected = Math.min(Math.max(0, s.quota - credited), pool);
      return { region: s.region, class: s.class, tier: s.tier, population: s.population, quota: s.quota, credited, pool, selected };
    });
    return {
      id: `plan-${l.level}`, quarter, level: l.level, kind: 'routine', algorithm: l.algorithm, order: i, createdAt: '',
      regions: l.drawRegions, rules: l.rules, objects: l.objects, inspectors: l.inspectors, strata, tasks: [],
    };
  });
  return quarterFairness(quarter, draws);
}

// ---------------------------------------------------------------------------------------------
// per draw: strata with their members and pools

const skey = (region: string, cls: ObjClass, tier: string | null): string => JSON.stringify([region, cls, tier]);

export interface StratumIx {
  key: string;
  s: FairnessStratum;
  members: FairnessObject[];
  pool: Set<string>;
}

export interface DrawIx {
  d: FairnessDraw;
  strata: Map<string, StratumIx>;
  keyOf: Map<string, string>;
  picks: Set<string>;
}

/** The stratum an object of the population belongs to (§4), or undefined when its class is not drawn at that level. */
function stratumKeyOf(d: FairnessDraw, o: FairnessObject): string | undefined {
  if ((d.rules.rates[d.level]?.[o.class] ?? 0) <= 0) return undefined;
  const region = d.level === 'city' ? d.regions[0]! : o.region;
  return skey(region, o.class, d.rules.tiered.includes(o.class) ? o.tier : null);
}

function indexDraw(d: FairnessDraw): DrawIx {
  const strata = new Map<string, StratumIx>();
  for (const s of d.strata) strata.set(skey(s.region, s.class, s.tier), { key: skey(s.region, s.class, s.tier), s, members: [], pool: new Set() });
  const keyOf = new Map<string, string>();
  for (const o of d.objects) {
    const k = stratumKeyOf(d, o);
    const st = k === undefined ? undefined : strata.get(k);
    if (!st) continue;
    keyOf.set(o.id, st.key);
    st.members.push(o);
    if (o.excluded === null) st.pool.add(o.id);
  }
  return { d, strata, keyOf, picks: new Set(d.tasks.map((t) => t.objectId)) };
}

// ---------------------------------------------------------------------------------------------
// the quarter's routine draws as stages of the model

export interface Stage {
  ix: DrawIx;
  /** picks of the earlier routine draws count toward this draw's quotas (sj-draw/2, county level) */
  credits: boolean;
  /** per stratum: the pool before the earlier routine draws of the quarter (recorded pool + their picks) */
  pre: Map<string, Set<string>>;
  /** per stratum: credit from draws other than the earlier routine ones (C0) */
  otherCredit: Map<string, number>;
}

function buildStages(routine: DrawIx[]): Stage[] {
  const earlier = new Set<string>();
  return routine.map((ix) => {
    const v2 = ix.d.algorithm !== 'sj-draw/1';
    const credits = v2 && ix.d.level === 'county';
    const pre = new Map<string, Set<string>>();
    const otherCredit = new Map<string, number>();
    for (const st of ix.strata.values()) {
      const p = new Set(st.pool);
      let fromEarlier = 0;
      for (const m of st.members) {
        if (earlier.has(m.id)) {
          p.add(m.id);
          fromEarlier++;
        }
      }
      pre.set(st.key, p);
      otherCredit.set(st.key, v2 ? Math.max(0, (st.s.credited ?? 0) - (credits ? fromEarlier : 0)) : 0);
    }
    for (const id of ix.picks) earlier.add(id);
    return { ix, credits, pre, otherCredit };
  });
}

/** The number the stratum selects from its pre-pool when nothing earlier lands in it (as recorded). */
const selectedOf = (st: Stage, key: string): number => Math.min(st.ix.strata.get(key)!.s.selected, st.pre.get(key)!.size);

// hypergeometric distributions, exactly: numerators over one common denominator
interface Dist {
  nums: bigint[];
  den: bigint;
}

const binomCache = new Map<string, bigint>();
function binom(n: number, k: number): bigint {
  if (k < 0 || k > n) return 0n;
  const kk = Math.min(k, n - k);
  const ck = `${n},${kk}`;
  const hit = binomCache.get(ck);
  if (hit !== undefined) return hit;
  let r = 1n;
  for (let i = 1; i <= kk; i++) r = (r * BigInt(n - kk + i)) / BigInt(i);
  if (binomCache.size > 20000) binomCache.clear();
  binomCache.set(ck, r);
  return r;
}

/** Pr(X = x), x = 0 … n: n drawn without replacement from N of which K are marked. */
function hypergeometric(N: number, K: number, n: number): Dist {
  const draws = Math.min(n, N);
  const nums: bigint[] = [];
  for (let x = 0; x <= draws; x++) nums.push(binom(K, x) * binom(N - K, draws - x));
  return { nums, den: binom(N, draws) };
}

function convolve(a: Dist, b: Dist): Dist {
  const nums: bigint[] = new Array(a.nums.length + b.nums.length - 1).fill(0n);
  a.nums.forEach((x, i) => {
    if (x) b.nums.forEach((y, j) => (nums[i + j] += x * y));
  });
  return { nums, den: a.den * b.den };
}

interface Placement {
  stage: number;
  key: string;
}

/** The exact probability that the quarter's routine draws select o (the model above). */
function routineChance(stages: Stage[], id: string, memo: Map<string, Frac>, overlap: Map<string, number>): Frac {
  const inPre: (Placement | undefined)[] = stages.map((st, i) => {
    const k = st.ix.keyOf.get(id);
    return k !== undefined && st.pre.get(k)!.has(id) ? { stage: i, key: k } : undefined;
  });
  const g = inPre.map((x) => x !== undefined).lastIndexOf(true);
  if (g < 0) return ZERO;
  const G = inPre[g]!;
  let F: Placement | undefined;
  for (let i = g - 1; i >= 0 && !F; i--) F = inPre[i];
  const sig = `${G.stage}|${G.key}|${F ? `${F.stage}|${F.key}` : ''}`;
  const hit = memo.get(sig);
  if (hit) return hit;

  const pF = F ? frac(selectedOf(stages[F.stage]!, F.key), stages[F.stage]!.pre.get(F.key)!.size) : ZERO;
  let p: Frac;
  if (eq(pF, ONE)) {
    p = ONE;
  } else {
    const gPre = stages[G.stage]!.pre.get(G.key)!;
    let z: Dist = { nums: [1n], den: 1n };
    for (let e = 0; e < G.stage; e++) {
      const st = stages[e]!;
      for (const [key, pre] of st.pre) {
        const ok = `${e}|${key}|${G.stage}|${G.key}`;
        let both = overlap.get(ok);
        if (both === undefined) {
          both = 0;
          for (const x of pre) if (gPre.has(x)) both++;
          overlap.set(ok, both);
        }
        const oInS = F !== undefined && F.stage === e && F.key === key;
        const K = both - (oInS ? 1 : 0);
        if (K <= 0) continue;
        z = convolve(z, hypergeometric(pre.size - (oInS ? 1 : 0), K, selectedOf(st, key)));
      }
    }
    const Gs = stages[G.stage]!;
    const quota = Gs.ix.strata.get(G.key)!.s.quota;
    const c0 = Gs.otherCredit.get(G.key)!;
    const P = gPre.size;
    const terms: Frac[] = [];
    z.nums.forEach((w, k) => {
      if (!w || P - k <= 0) return;
      const due = Math.max(0, quota - c0 - (Gs.credits ? k : 0));
      const sel = Math.min(due, P - k);
      if (sel > 0) terms.push(frac(w * BigInt(sel), z.den * BigInt(P - k)));
    });
    p = add(pF, mul(sub(ONE, pF), sum(terms)));
  }
  memo.set(sig, p);
  return p;
}

// ---------------------------------------------------------------------------------------------
// one quarter

export interface ObjectChance {
  id: string;
  name: string;
  /** the object's own county */
  region: string;
  class: ObjClass;
  /** the tier of its stratum (null for an untiered class or an unrated object) */
  tier: string | null;
  /** in the population of a routine draw of the quarter */
  routine: boolean;
  /** in the pool of a routine draw (could be drawn) */
  eligible: boolean;
  /** probability that the routine draws select it */
  p: Frac;
  /** chance that no draw of the quarter (routine or directional) selects it */
  stay: Frac;
  /** expected selections this quarter: p + Σ selected/pool of the directional draws whose pool holds it */
  expected: Frac;
  /** selections by the quarter's draws */
  selected: number;
}

export interface GroupRow {
  region: string;
  class: ObjClass;
  tier: string | null;
  /** objects of the routine populations in this group */
  population: number;
  /** of them, in a routine pool */
  eligible: number;
  /** probability for one eligible enterprise (their mean; every one has it when `uniform`) */
  probability: Frac | null;
  uniform: boolean;
  /** Σ expected selections, and the actual ones */
  expected: Frac;
  selected: number;
}

export interface DrawStratumRow {
  drawId: string;
  level: Level;
  kind: 'routine' | 'directional';
  region: string;
  class: ObjClass;
  tier: string | null;
  quota: number;
  credited: number;
  pool: number;
  selected: number;
  /** selected / pool: the chance of an object in this pool, given the state before the draw */
  probability: Frac | null;
}

export interface QuarterFairness {
  quarter: string;
  draws: { id: string; level: Level; kind: 'routine' | 'directional'; algorithm: Algorithm }[];
  /** tiers in rules order, and the tiered classes (of the quarter's last draw) */
  tiers: string[];
  tiered: ObjClass[];
  objects: Map<string, ObjectChance>;
  groups: GroupRow[];
  perDraw: DrawStratumRow[];
  /** for the simulation: the model's stages */
  stages: Stage[];
}

const classIdx = (c: ObjClass) => CLASSES.indexOf(c);

export function quarterFairness(quarter: string, draws: FairnessDraw[]): QuarterFairness {
  const ordered = draws.filter((d) => d.quarter === quarter).sort(byDrawOrder);
  const ixs = ordered.map(indexDraw);
  const stages = buildStages(ixs.filter((x) => x.d.kind === 'routine'));
  const tiers = ordered.length ? ordered[ordered.length - 1]!.rules.tiers.map((t) => t.code) : [];
  const tiered = ordered.length ? [...ordered[ordered.length - 1]!.rules.tiered] : [];
  const memo = new Map<string, Frac>();
  const overlap = new Map<string, number>();
  const objects = new Map<string, ObjectChance>();

  // every object of every population; its record and group from the last routine draw that has it
  for (const ix of ixs) {
    for (const o of ix.d.objects) {
      const key = ix.keyOf.get(o.id);
      if (key === undefined) continue;
      const tier = ix.strata.get(key)!.s.tier;
      const prev = objects.get(o.id);
      const routine = ix.d.kind === 'routine';
      if (!prev || routine || !prev.routine) {
        objects.set(o.id, {
          id: o.id, name: o.name, region: o.region, class: o.class, tier, routine: routine || (prev?.routine ?? false),
          eligible: false, p: ZERO, stay: ONE, expected: ZERO, selected: 0,
        });
      }
    }
  }
  for (const oc of objects.values()) {
    oc.eligible = stages.some((st) => {
      const k = st.ix.keyOf.get(oc.id);
      return k !== undefined && st.pre.get(k)!.has(oc.id);
    });
    oc.p = oc.eligible ? routineChance(stages, oc.id, memo, overlap) : ZERO;
    oc.stay = sub(ONE, oc.p);
    oc.expected = oc.p;
  }
  const perDraw: DrawStratumRow[] = [];
  for (const ix of ixs) {
    for (const st of ix.strata.values()) {
      const s = st.s;
      const pr = s.pool > 0 ? frac(s.selected, s.pool) : null;
      perDraw.push({
        drawId: ix.d.id, level: ix.d.level, kind: ix.d.kind, region: s.region, class: s.class, tier: s.tier,
        quota: s.quota, credited: s.credited ?? 0, pool: s.pool, selected: s.selected, probability: pr,
      });
      if (ix.d.kind !== 'directional' || !pr) continue;
      for (const id of st.pool) {
        const oc = objects.get(id)!;
        oc.expected = add(oc.expected, pr);
        oc.stay = mul(oc.stay, sub(ONE, pr));
      }
    }
    for (const tk of ix.d.tasks) {
      const oc = objects.get(tk.objectId);
      if (oc) oc.selected++;
    }
  }
  return {
    quarter, draws: ordered.map((d) => ({ id: d.id, level: d.level, kind: d.kind, algorithm: d.algorithm })), tiers, tiered,
    objects, groups: groupRows(objects.values(), tiers), perDraw, stages,
  };
}

const groupKey = (o: { region: string; class: ObjClass; tier: string | null }) => skey(o.region, o.class, o.tier);

/** Rows in region (bytewise), class, tier (rules order, unrated last) order. */
function sortRows<T extends { region: string; class: ObjClass; tier: string | null }>(rows: T[], tiers: string[]): T[] {
  const ti = (t: string | null) => (t === null ? tiers.length : tiers.indexOf(t) < 0 ? tiers.length - 0.5 : tiers.indexOf(t));
  return rows.sort((a, b) => compareBytes(a.region, b.region) || classIdx(a.class) - classIdx(b.class) || ti(a.tier) - ti(b.tier));
}

function groupRows(objs: Iterable<ObjectChance>, tiers: string[]): GroupRow[] {
  const acc = new Map<string, { row: GroupRow; ps: Frac[] }>();
  for (const o of objs) {
    if (!o.routine) continue;
    const k = groupKey(o);
    let a = acc.get(k);
    if (!a) {
      a = { row: { region: o.region, class: o.class, tier: o.tier, population: 0, eligible: 0, probability: null, uniform: true, expected: ZERO, selected: 0 }, ps: [] };
      acc.set(k, a);
    }
    a.row.population++;
    a.row.expected = add(a.row.expected, o.expected);
    a.row.selected += o.selected;
    if (o.eligible) {
      a.row.eligible++;
      a.ps.push(o.p);
    }
  }
  for (const { row, ps } of acc.values()) {
    if (!ps.length) continue;
    row.probability = div(sum(ps), frac(ps.length));
    row.uniform = ps.every((p) => eq(p, ps[0]!));
  }
  return sortRows([...acc.values()].map((a) => a.row), tiers);
}

// ---------------------------------------------------------------------------------------------
// a year: expected vs actual per enterprise

export interface YearRow {
  region: string;
  class: ObjClass;
  tier: string | null;
  /** enterprises whose last group in the year this is */
  population: number;
  /** probability per quarter (null: no routine pool of this group that quarter) */
  quarters: (Frac | null)[];
  expectedPerEnterprise: Frac;
  actualPerEnterprise: Frac;
  expected: Frac;
  selected: number;
}

export function yearRows(quarters: QuarterFairness[], tiers: string[]): YearRow[] {
  const per = new Map<string, { last: ObjectChance; expected: Frac; selected: number }>();
  for (const q of quarters) {
    for (const o of q.objects.values()) {
      if (!o.routine) continue;
      const a = per.get(o.id) ?? { last: o, expected: ZERO, selected: 0 };
      a.last = o;
      a.expected = add(a.expected, o.expected);
      a.selected += o.selected;
      per.set(o.id, a);
    }
  }
  const rows = new Map<string, YearRow>();
  for (const a of per.values()) {
    const k = groupKey(a.last);
    let r = rows.get(k);
    if (!r) {
      const quarterP = quarters.map((q) => q.groups.find((g) => groupKey(g) === k)?.probability ?? null);
      r = { region: a.last.region, class: a.last.class, tier: a.last.tier, population: 0, quarters: quarterP, expectedPerEnterprise: ZERO, actualPerEnterprise: ZERO, expected: ZERO, selected: 0 };
      rows.set(k, r);
    }
    r.population++;
    r.expected = add(r.expected, a.expected);
    r.selected += a.selected;
  }
  for (const r of rows.values()) {
    r.expectedPerEnterprise = div(r.expected, frac(r.population));
    r.actualPerEnterprise = frac(r.selected, r.population);
  }
  return sortRows([...rows.values()], tiers);
}

// ---------------------------------------------------------------------------------------------
// tier ratios

export interface TierRatio {
  region: string;
  class: ObjClass;
  /** the lowest-risk tier with a non-zero figure: the base of the ratios */
  base: string;
  tiers: { tier: string; value: Frac; ratio: Frac }[];
  /** the highest-risk tier against the base */
  top: { tier: string; ratio: Frac } | null;
}

/** Per (region, class): each rated tier's figure against the lowest-risk tier's (unrated left out). */
export function tierRatios(rows: { region: string; class: ObjClass; tier: string | null; value: Frac | null }[], tiers: string[]): TierRatio[] {
  const by = new Map<string, { region: string; class: ObjClass; vals: Map<string, Frac> }>();
  for (const r of rows) {
    if (r.tier === null || !r.value || r.value.n === 0n) continue;
    const k = JSON.stringify([r.region, r.class]);
    const e = by.get(k) ?? { region: r.region, class: r.class, vals: new Map() };
    e.vals.set(r.tier, r.value);
    by.set(k, e);
  }
  const out: TierRatio[] = [];
  for (const e of by.values()) {
    const present = tiers.filter((t) => e.vals.has(t));
    if (present.length < 2) continue;
    const base = present[0]!;
    const bv = e.vals.get(base)!;
    const list = present.map((t) => ({ tier: t, value: e.vals.get(t)!, ratio: div(e.vals.get(t)!, bv) }));
    const last = list[list.length - 1]!;
    out.push({ region: e.region, class: e.class, base, tiers: list, top: { tier: last.tier, ratio: last.ratio } });
  }
  return out.sort((a, b) => compareBytes(a.region, b.region) || classIdx(a.class) - classIdx(b.class));
}

// ---------------------------------------------------------------------------------------------
// never inspected

export const REVIEW_BELOW: Frac = frac(1, 100);

export interface NeverRow {
  id: string;
  name: string;
  region: string;
  class: ObjClass;
  tier: string | null;
  /** quarters of the span in which it was in a draw's population */
  quarters: number;
  /** the chance it had of staying unselected over those quarters: Π (1 − p) */
  chance: Frac;
  /** chance below 1%: for review */
  flagged: boolean;
}

export interface NeverSummary {
  region: string;
  class: ObjClass;
  /** enterprises in a population of the span */
  population: number;
  never: number;
  flagged: number;
  /** Σ over the enterprises of their chance of staying unselected: what the rules would leave out on average */
  expectedNever: Frac;
}

export function neverInspected(quarters: QuarterFairness[]): { rows: NeverRow[]; summary: NeverSummary[] } {
  const per = new Map<string, { last: ObjectChance; quarters: number; chance: Frac; selected: number }>();
  for (const q of quarters) {
    for (const o of q.objects.values()) {
      const a = per.get(o.id) ?? { last: o, quarters: 0, chance: ONE, selected: 0 };
      a.last = o;
      a.quarters++;
      a.chance = mul(a.chance, o.stay);
      a.selected += o.selected;
      per.set(o.id, a);
    }
  }
  const rows: NeverRow[] = [];
  const sums = new Map<string, NeverSummary>();
  for (const a of per.values()) {
    const o = a.last;
    const k = JSON.stringify([o.region, o.class]);
    const s = sums.get(k) ?? { region: o.region, class: o.class, population: 0, never: 0, flagged: 0, expectedNever: ZERO };
    s.population++;
    s.expectedNever = add(s.expectedNever, a.chance);
    if (a.selected === 0) {
      const flagged = cmp(a.chance, REVIEW_BELOW) < 0;
      rows.push({ id: o.id, name: o.name, region: o.region, class: o.class, tier: o.tier, quarters: a.quarters, chance: a.chance, flagged });
      s.never++;
      if (flagged) s.flagged++;
    }
    sums.set(k, s);
  }
  rows.sort((a, b) => cmp(a.chance, b.chance) || compareBytes(a.region, b.region) || compareBytes(a.id, b.id));
  const summary = [...sums.values()].sort((a, b) => compareBytes(a.region, b.region) || classIdx(a.class) - classIdx(b.class));
  return { rows, summary };
}

// ---------------------------------------------------------------------------------------------
// inspectors' load

export interface Load {
  leader: number;
  member: number;
}

export interface InspectorLoad {
  id: string;
  name: string;
  region: string;
  /** per quarter of the period: tasks of draws at the inspector's own level (county draws; city draws for the city bureau) */
  own: Record<string, Load>;
  /** per quarter: city-level tasks of a county inspector (cross-region teams), counted apart */
  city: Record<string, Load>;
  /** quarters in which the inspector was eligible (in a draw's snapshot) */
  eligibleIn: string[];
  total: { own: Load; city: Load };
}

export interface LoadStats {
  region: string;
  /** quarter id, or 'year' */
  period: string;
  inspectors: number;
  min: number;
  median: Frac;
  max: number;
  cityMin: number;
  cityMedian: Frac;
  cityMax: number;
  idle: number;
}

const n = (l: Load) => l.leader + l.member;

function medianOf(xs: number[]): Frac {
  if (!xs.length) return ZERO;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? frac(s[m]!) : frac(s[m - 1]! + s[m]!, 2);
}

export function inspectorLoad(quarters: string[], draws: FairnessDraw[]): { inspectors: InspectorLoad[]; stats: LoadStats[]; idle: InspectorLoad[] } {
  const inQ = draws.filter((d) => quarters.includes(d.quarter)).sort(byDrawOrder);
  const cityCode = inQ.find((d) => d.level === 'city')?.regions[0] ?? null;
  const by = new Map<string, InspectorLoad>();
  const get = (i: FairnessInspector): InspectorLoad => {
    let l = by.get(i.id);
    if (!l) by.set(i.id, (l = { id: i.id, name: i.name, region: i.region, own: {}, city: {}, eligibleIn: [], total: { own: { leader: 0, member: 0 }, city: { leader: 0, member: 0 } } }));
    return l;
  };
  for (const d of inQ) {
    const snap = new Map(d.inspectors.map((i) => [i.id, i]));
    for (const i of d.inspectors) {
      const l = get(i);
      l.name = i.name;
      l.region = i.region;
      if (!l.eligibleIn.includes(d.quarter)) l.eligibleIn.push(d.quarter);
    }
    for (const t of d.tasks) {
      t.inspectors.forEach((id, k) => {
        const l = by.get(id) ?? get(snap.get(id) ?? { id, name: id, region: '' });
        const cross = d.level === 'city' && l.region !== cityCode;
        const bucket = cross ? l.city : l.own;
        const q = (bucket[d.quarter] ??= { leader: 0, member: 0 });
        const tot = cross ? l.total.city : l.total.own;
        if (k === 0) {
          q.leader++;
          tot.leader++;
        } else {
          q.member++;
          tot.member++;
        }
      });
    }
  }
  const inspectors = [...by.values()].sort((a, b) => compareBytes(a.region, b.region) || compareBytes(a.id, b.id));
  const stats: LoadStats[] = [];
  const regions = [...new Set(inspectors.map((i) => i.region))].sort(compareBytes);
  const periods = [...quarters, 'year'];
  for (const r of regions) {
    for (const p of periods) {
      const list = inspectors.filter((i) => i.region === r && (p === 'year' ? i.eligibleIn.length > 0 : i.eligibleIn.includes(p)));
      if (!list.length) continue;
      const own = list.map((i) => (p === 'year' ? n(i.total.own) : n(i.own[p] ?? { leader: 0, member: 0 })));
      const city = list.map((i) => (p === 'year' ? n(i.total.city) : n(i.city[p] ?? { leader: 0, member: 0 })));
      stats.push({
        region: r, period: p, inspectors: list.length, min: Math.min(...own), median: medianOf(own), max: Math.max(...own),
        cityMin: Math.min(...city), cityMedian: medianOf(city), cityMax: Math.max(...city),
        idle: own.filter((x, k) => x + city[k]! === 0).length,
      });
    }
  }
  const idle = inspectors.filter((i) => n(i.total.own) + n(i.total.city) === 0);
  return { inspectors, stats, idle };
}

// ---------------------------------------------------------------------------------------------
// simulation: the selection step re-run in memory with other seeds (nothing stored)

export interface SimRow {
  quarter: string;
  region: string;
  class: ObjClass;
  tier: string | null;
  exact: Frac;
  /** selections of the group's eligible enterprises over all runs, and runs × enterprises */
  hits: number;
  trials: number;
  observed: number;
  low: number;
  high: number;
  inside: boolean;
}

/** z of a two-sided normal interval, for the confidence levels offered. */
export const Z_OF: Record<string, number> = { '90': 1.6448536269514722, '95': 1.959963984540054, '99': 2.5758293035489004 };

/** Wilson score interval of a binomial proportion k/n. */
export function wilson(k: number, nTrials: number, z: number): { low: number; high: number } {
  if (nTrials <= 0) return { low: 0, high: 1 };
  const p = k / nTrials;
  const z2 = z * z;
  const den = 1 + z2 / nTrials;
  const centre = (p + z2 / (2 * nTrials)) / den;
  const half = (z / den) * Math.sqrt((p * (1 - p)) / nTrials + z2 / (4 * nTrials * nTrials));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** Selections per object over `runs` re-runs of the quarter's routine selection steps (seed of run r: entropy `${entropy}|${r}`). */
export function simulateSelections(q: QuarterFairness, runs: number, entropy: string): Map<string, number> {
  const hits = new Map<string, number>();
  for (let r = 0; r < runs; r++) {
    const taken = new Set<string>();
    for (const st of q.stages) {
      const d = st.ix.d;
      const keys = drawKeys(d.algorithm, seedOf(d.id, `${entropy}|${r}`, d.algorithm));
      const picked: string[] = [];
      for (const [key, pre] of st.pre) {
        const free = [...pre].filter((id) => !taken.has(id));
        const credit = st.otherCredit.get(key)! + (st.credits ? pre.size - free.length : 0);
        const sel = Math.min(Math.max(0, st.ix.strata.get(key)!.s.quota - credit), free.length);
        if (!sel) continue;
        const order = keyOrder(keys, free.map((id) => ({ id })));
        for (let k = 0; k < sel; k++) picked.push(order[k]!.id);
      }
      for (const id of picked) {
        taken.add(id);
        hits.set(id, (hits.get(id) ?? 0) + 1);
      }
    }
  }
  return hits;
}

export function simulationRows(q: QuarterFairness, runs: number, entropy: string, z: number): SimRow[] {
  const hits = simulateSelections(q, runs, entropy);
  const rows: SimRow[] = [];
  for (const g of q.groups) {
    if (!g.probability || !g.eligible) continue;
    let k = 0;
    for (const o of q.objects.values()) {
      if (o.routine && o.eligible && o.region === g.region && o.class === g.class && o.tier === g.tier) k += hits.get(o.id) ?? 0;
    }
    const trials = runs * g.eligible;
    const { low, high } = wilson(k, trials, z);
    const exact = toNumber(g.probability);
    // a tolerance of one part in 10^12 for the double rounding of the exact value
    rows.push({
      quarter: q.quarter, region: g.region, class: g.class, tier: g.tier, exact: g.probability, hits: k, trials,
      observed: trials ? k / trials : 0, low, high, inside: exact >= low - 1e-12 && exact <= high + 1e-12,
    });
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// the whole report

export type FairnessPeriod = { kind: 'quarter'; quarter: string } | { kind: 'year'; year: number };

export interface FairnessInput {
  period: FairnessPeriod;
  /** the never-inspected span starts here (a quarter id; default: the period's first quarter) */
  since?: string;
  /** only this county's rows (its code) */
  region?: string;
  /** the live draws of every quarter from `since` to the period's end */
  draws: FairnessDraw[];
  simulate?: { runs: number; entropy: string; confidence: '90' | '95' | '99' };
}

export interface FairnessReport {
  period: FairnessPeriod;
  quarters: string[];
  span: string[];
  region: string | null;
  /** the city code (of a city-level draw), or null */
  city: string | null;
  tiers: string[];
  tiered: ObjClass[];
  draws: { id: string; quarter: string; level: Level; kind: 'routine' | 'directional'; algorithm: Algorithm }[];
  byQuarter: { quarter: string; groups: GroupRow[]; ratios: TierRatio[]; perDraw: DrawStratumRow[] }[];
  year: { rows: YearRow[]; ratios: TierRatio[] } | null;
  never: { rows: NeverRow[]; summary: NeverSummary[] };
  load: ReturnType<typeof inspectorLoad>;
  simulation: { runs: number; confidence: string; rows: SimRow[] } | null;
}

export const quartersOfYear = (year: number): string[] => [1, 2, 3, 4].map((k) => `${year}Q${k}`);

/** Quarter ids from `from` to `to`, inclusive (both like 2023Q2). */
export function quarterSpan(from: string, to: string): string[] {
  const idx = (q: string) => Number(q.slice(0, 4)) * 4 + Number(q.slice(5)) - 1;
  const out: string[] = [];
  for (let k = idx(from); k <= idx(to); k++) out.push(`${Math.floor(k / 4)}Q${(k % 4) + 1}`);
  return out;
}

export function fairnessReport(input: FairnessInput): FairnessReport {
  const quarters = input.period.kind === 'quarter' ? [input.period.quarter] : quartersOfYear(input.period.year);
  const span = quarterSpan(input.since ?? quarters[0]!, quarters[quarters.length - 1]!);
  const all = [...new Set([...span, ...quarters])];
  const draws = input.draws.filter((d) => all.includes(d.quarter)).sort(byDrawOrder);
  const tiers = draws.length ? draws[draws.length - 1]!.rules.tiers.map((t) => t.code) : [];
  const tiered = draws.length ? [...draws[draws.length - 1]!.rules.tiered] : [];
  const qf = new Map(all.map((q) => [q, quarterFairness(q, draws)]));
  const inRegion = <T extends { region: string }>(rows: T[]): T[] => (input.region ? rows.filter((r) => r.region === input.region) : rows);

  const byQuarter = quarters.map((q) => {
    const f = qf.get(q)!;
    const groups = inRegion(f.groups);
    return {
      quarter: q, groups,
      ratios: tierRatios(groups.map((g) => ({ ...g, value: g.probability })), tiers),
      perDraw: inRegion(f.perDraw),
    };
  });
  let year: FairnessReport['year'] = null;
  if (input.period.kind === 'year') {
    const rows = inRegion(yearRows(quarters.map((q) => qf.get(q)!), tiers));
    year = { rows, ratios: tierRatios(rows.map((r) => ({ ...r, value: r.expectedPerEnterprise })), tiers) };
  }
  const never = neverInspected(span.map((q) => qf.get(q)!));
  const load = inspectorLoad(quarters, draws);
  const simulation = input.simulate
    ? {
        runs: input.simulate.runs, confidence: input.simulate.confidence,
        rows: inRegion(quarters.flatMap((q) => simulationRows(qf.get(q)!, input.simulate!.runs, input.simulate!.entropy, Z_OF[input.simulate!.confidence]!))),
      }
    : null;
  return {
    period: input.period, quarters, span, region: input.region ?? null, city: draws.find((d) => d.level === 'city')?.regions[0] ?? null, tiers, tiered,
    draws: draws.filter((d) => quarters.includes(d.quarter)).map((d) => ({ id: d.id, quarter: d.quarter, level: d.level, kind: d.kind, algorithm: d.algorithm })),
    byQuarter, year,
    never: { rows: inRegion(never.rows), summary: inRegion(never.summary) },
    load: input.region
      ? { inspectors: inRegion(load.inspectors), stats: inRegion(load.stats), idle: inRegion(load.idle) }
      : load,
    simulation,
  };
}
