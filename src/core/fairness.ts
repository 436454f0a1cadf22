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
import { add, cmp, countedSum, countIn, div, eq, frac, memoised, mul, ONE, sub, sum, toNumber, ZERO, type Frac } from './fraction.js';
import { membersOf, type DrawMembers } from './members.js';
import { planStrata } from './quotas.js';
import { CLASSES, type Algorithm, type DrawRules, type Exclusion, type Level, type ObjClass, type SnapObject, type Stratum } from './types.js';

// the figures' per-object arithmetic: objects share few distinct values, each pair computed once
const addM = memoised(add);
const subM = memoised(sub);
const mulM = memoised(mul);

// ---------------------------------------------------------------------------------------------
// input: a draw as the fairness figures need it (from evidence, a plan, or the facts stored at draw time)

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
  /** the draw's rules as far as the figures read them: rates, the tier codes in order, the tiered classes */
  rules: FairnessRules;
  /** its population: the snapshot objects that fall in one of its strata */
  members: DrawMembers;
  /** their names, in members order (null where not stored: the facts the annual report reads) */
  names: string[] | null;
  inspectors: FairnessInspector[];
  strata: FairnessStratum[];
  /** the draw's selections, the team leader first */
  tasks: { objectId: string; inspectors: string[] }[];
}

export interface FairnessRules {
  rates: DrawRules['rates'];
  tiers: readonly { code: string }[];
  tiered: readonly ObjClass[];
}

/** A draw given by its snapshot objects (evidence, a plan): fairnessDraw keeps its members. */
export type DrawWithObjects = Omit<FairnessDraw, 'members' | 'names'> & { objects: readonly FairnessObject[] };

export function fairnessDraw(d: DrawWithObjects): FairnessDraw {
  const { objects: _objects, ...rest } = d;
  const { members, names } = membersOf(d, true);
  return { ...rest, members, names };
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
  return fairnessDraw({
    id: d.id, quarter: d.quarter, level: d.level, kind: d.kind, algorithm: ev.algorithm,
    order: ev.ledger?.seq ?? Number.MAX_SAFE_INTEGER, createdAt: d.createdAt ?? '', regions: d.regions,
    rules: ev.snapshot.rules,
    objects: ev.snapshot.objects,
    inspectors: ev.snapshot.inspectors.map((i) => ({ id: i.id, name: i.name, region: i.region })),
    strata: ev.strata,
    tasks: ev.tasks.map((t) => ({ objectId: t.objectId, inspectors: t.inspectors })),
  });
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
    return fairnessDraw({
      id: `plan-${l.level}`, quarter, level: l.level, kind: 'routine', algorithm: l.algorithm, order: i, createdAt: '',
      regions: l.drawRegions, rules: l.rules, objects: l.objects, inspectors: l.inspectors, strata, tasks: [],
    });
  });
  return quarterFairness(quarter, draws);
}

// ---------------------------------------------------------------------------------------------
// a draw's population is its members (core/members.ts): the objects of its strata, the form
// stored at draw time (issue 13: the annual report reads them instead of every evidence) and
// the one every figure below is computed from

/** A stratum's key (internal: region codes and class names hold no NUL; an unrated stratum has one separator fewer). */
const skey = (region: string, cls: ObjClass, tier: string | null): string => (tier === null ? `${region}\u0000${cls}` : `${region}\u0000${cls}\u0000${tier}`);


// ---------------------------------------------------------------------------------------------
// the objects of one computation, numbered: every per-object figure is an array indexed by number

export interface GroupKey {
  region: string;
  class: ObjClass;
  tier: string | null;
}

/**
 * The objects (by id) and groups (own county, class, stratum tier) of the draws one report
 * reads, each numbered once, so that quarters and years link them by number.
 */
export class Universe {
  readonly ids: string[] = [];
  readonly groups: GroupKey[] = [];
  /** the ids in ascending (UTF-16) order and their numbers: a sorted list is numbered by one merge */
  private sorted: string[] = [];
  private sortedNums: number[] = [];
  private readonly groupIx = new Map<string, number>();

  /**
   * The numbers of these ids, new ones added. A snapshot's ids come sorted (spec §7) and the
   * quarters' rosters are nearly the same, so a draw's members are numbered by walking them
   * beside the ids seen so far, mostly by equality: no hash of 100k strings per draw. A list in
   * another order is numbered in sorted order (`ordered` false: the numbers come back in that
   * order, for callers that do not need the list's own, such as a draw's picks).
   */
  numbers(list: readonly string[], ordered = true): Int32Array {
    let sortedList = list;
    let order: Int32Array | null = null;
    for (let i = 1; i < list.length; i++) {
      if (list[i - 1]! < list[i]!) continue;
      if (ordered) order = Int32Array.from(list.keys()).sort((a, b) => (list[a]! < list[b]! ? -1 : list[a]! > list[b]! ? 1 : a - b));
      else sortedList = [...list].sort();
      break;
    }
    const n = list.length;
    const out = new Int32Array(n);
    if (!this.ids.length && sortedList === list && !order) {
      // the first list, ascending without repeats: numbered in its own order
      const nums = new Array<number>(n);
      for (let i = 0; i < n; i++) {
        this.ids.push(list[i]!);
        nums[i] = out[i] = i;
      }
      this.sorted = this.ids.slice();
      this.sortedNums = nums;
      return out;
    }
    const S = this.sorted;
    const SN = this.sortedNums;
    // ids not seen before, with where they go in the sorted list
    const added: { at: number; id: string; num: number }[] = [];
    let j = 0;
    let lastId: string | undefined;
    let lastNum = -1;
    for (let x = 0; x < n; x++) {
      const i = order ? order[x]! : x;
      const id = order ? list[i]! : sortedList[i]!;
      if (id !== lastId) {
        if (j < S.length && S[j] === id) {
          lastNum = SN[j++]!;
        } else {
          while (j < S.length && S[j]! < id) j++;
          if (j < S.length && S[j] === id) {
            lastNum = SN[j++]!;
          } else {
            lastNum = this.ids.length;
            this.ids.push(id);
            added.push({ at: j, id, num: lastNum });
          }
        }
        lastId = id;
      }
      out[i] = lastNum;
    }
    if (added.length) {
      const ids: string[] = [];
      const nums: number[] = [];
      let from = 0;
      for (const a of added) {
        for (; from < a.at; from++) {
          ids.push(S[from]!);
          nums.push(SN[from]!);
        }
        ids.push(a.id);
        nums.push(a.num);
      }
      for (; from < S.length; from++) {
        ids.push(S[from]!);
        nums.push(SN[from]!);
      }
      this.sorted = ids;
      this.sortedNums = nums;
    }
    return out;
  }

  numberOf(id: string): number | undefined {
    let lo = 0;
    let hi = this.sorted.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.sorted[mid]!;
      if (v === id) return this.sortedNums[mid];
      if (v < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  get size(): number {
    return this.ids.length;
  }

  group(region: string, cls: ObjClass, tier: string | null): number {
    const k = skey(region, cls, tier);
    let g = this.groupIx.get(k);
    if (g === undefined) {
      this.groupIx.set(k, (g = this.groups.length));
      this.groups.push({ region, class: cls, tier });
    }
    return g;
  }
}

export interface StratumIx {
  key: string;
  s: FairnessStratum;
}

export interface DrawIx {
  d: FairnessDraw;
  /** the strata by key in first-seen order (a repeated key holds the last such stratum) */
  strata: StratumIx[];
  /** per member (DrawMembers order): its object number, its stratum (index into strata), whether in the pool */
  u: Int32Array;
  stratum: Int32Array;
  pooled: Uint8Array;
  /** object numbers of the draw's selections */
  picks: Int32Array;
  /** the group number of a member by stratum × county (index into members.regions), −1 until met */
  groupOf: Int32Array;
}

function indexDraw(d: FairnessDraw, uni: Universe): DrawIx {
  const byKey = new Map<string, StratumIx>();
  for (const s of d.strata) {
    const key = skey(s.region, s.class, s.tier);
    const had = byKey.get(key);
    if (had) had.s = s;
    else byKey.set(key, { key, s });
  }
  const strata = [...byKey.values()];
  const pos = new Map(strata.map((st, i) => [st.key, i]));
  const posOf = d.strata.map((s) => pos.get(skey(s.region, s.class, s.tier))!);
  const m = d.members;
  const n = m.ids.length;
  const stratum = new Int32Array(n);
  const pooled = new Uint8Array(n);
  for (let i = 0, j = 0; i < n; i++, j += 3) {
    const k = posOf[m.places[j]!];
    if (k === undefined || m.regions[m.places[j + 1]!] === undefined || (m.places[j + 2]! > 0 && m.reasons[m.places[j + 2]! - 1] === undefined)) {
      throw new RangeError(`draw members: member ${i} of ${d.id} points outside the draw`);
    }
    stratum[i] = k;
    pooled[i] = m.places[j + 2] === 0 ? 1 : 0;
  }
  return {
    d, strata, u: uni.numbers(m.ids), stratum, pooled, picks: uni.numbers(d.tasks.map((t) => t.objectId), false),
    groupOf: new Int32Array(strata.length * m.regions.length).fill(-1),
  };
}

/** The group number of member i of ix: its own county, its stratum's class and tier. */
function memberGroup(ix: DrawIx, i: number, uni: Universe): number {
  const k = ix.stratum[i]!;
  const r = ix.d.members.places[i * 3 + 1]!;
  const at = k * ix.d.members.regions.length + r;
  let g = ix.groupOf[at]!;
  if (g < 0) {
    const st = ix.strata[k]!.s;
    ix.groupOf[at] = g = uni.group(ix.d.members.regions[r]!, st.class, st.tier);
  }
  return g;
}

// ---------------------------------------------------------------------------------------------
// the quarter's routine draws as stages of the model

export interface Stage {
  ix: DrawIx;
  /** picks of the earlier routine draws count toward this draw's quotas (sj-draw/2, county level) */
  credits: boolean;
  /** per object number: the stratum (index into ix.strata) whose pool before the earlier routine draws of the quarter holds it (recorded pool + their picks), or −1 */
  pre: Int32Array;
  /** per stratum: the size of that pool */
  preSize: Int32Array;
  /** per stratum: credit from draws other than the earlier routine ones (C0) */
  otherCredit: Int32Array;
}

function buildStages(routine: DrawIx[], size: number): Stage[] {
  const earlier = new Uint8Array(size);
  return routine.map((ix) => {
    const v2 = ix.d.algorithm !== 'sj-draw/1';
    const credits = v2 && ix.d.level === 'county';
    const S = ix.strata.length;
    const pre = new Int32Array(size).fill(-1);
    const preSize = new Int32Array(S);
    const fromEarlier = new Int32Array(S);
    for (let i = 0; i < ix.u.length; i++) {
      const u = ix.u[i]!;
      const k = ix.stratum[i]!;
      const before = earlier[u] === 1;
      if (before) fromEarlier[k]!++;
      // ids are unique in a snapshot (spec §7): one member per object
      if ((ix.pooled[i] || before) && pre[u] === -1) {
        pre[u] = k;
        preSize[k]!++;
      }
    }
    const otherCredit = new Int32Array(S);
    ix.strata.forEach((st, k) => {
      otherCredit[k] = v2 ? Math.max(0, (st.s.credited ?? 0) - (credits ? fromEarlier[k]! : 0)) : 0;
    });
    for (const u of ix.picks) earlier[u] = 1;
    return { ix, credits, pre, preSize, otherCredit };
  });
}

/** The number the stratum selects from its pre-pool when nothing earlier lands in it (as recorded). */
const selectedOf = (st: Stage, k: number): number => Math.min(st.ix.strata[k]!.s.selected, st.preSize[k]!);

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


/** How many objects the pre-pools of stratum a of stage e and stratum b of stage g share: counted once per pair of stages. */
class Overlaps {
  private readonly pairs = new Map<number, Map<number, number>>();
  constructor(private readonly stages: Stage[]) {}

  get(e: number, a: number, g: number, b: number): number {
    const pk = e * this.stages.length + g;
    let m = this.pairs.get(pk);
    if (!m) {
      m = new Map();
      const pe = this.stages[e]!.pre;
      const pg = this.stages[g]!.pre;
      const Sg = this.stages[g]!.ix.strata.length;
      for (let u = 0; u < pe.length; u++) {
        const x = pe[u]!;
        const y = pg[u]!;
        if (x >= 0 && y >= 0) m.set(x * Sg + y, (m.get(x * Sg + y) ?? 0) + 1);
      }
      this.pairs.set(pk, m);
    }
    return m.get(a * this.stages[g]!.ix.strata.length + b) ?? 0;
  }
}

/** Chances by o's last routine stratum G and the one before it F (none: −1): every o that shares both shares its chance. */
class ChanceMemo {
  private readonly memo = new Map<number, Frac>();
  private readonly offset: number[] = [];
  private readonly total: number;
  constructor(stages: Stage[]) {
    let t = 0;
    for (const st of stages) {
      this.offset.push(t);
      t += st.ix.strata.length;
    }
    this.total = t;
  }
  key(gs: number, gk: number, fs: number, fk: number): number {
    return (this.offset[gs]! + gk) * (this.total + 1) + (fs < 0 ? 0 : this.offset[fs]! + fk + 1);
  }
  get(k: number): Frac | undefined {
    return this.memo.get(k);
  }
  set(k: number, p: Frac): void {
    this.memo.set(k, p);
  }
}

/** The exact probability that the quarter's routine draws select object u (the model above); undefined when u is in no routine pool. */
function routineChance(stages: Stage[], u: number, memo: ChanceMemo, overlaps: Overlaps): Frac | undefined {
  // G: the last stage whose pre-pool holds u; F: the last one before G that does
  let gs = -1;
  let fs = -1;
  for (let i = stages.length - 1; i >= 0 && fs < 0; i--) {
    if (stages[i]!.pre[u]! < 0) continue;
    if (gs < 0) gs = i;
    else fs = i;
  }
  if (gs < 0) return undefined;
  const gk = stages[gs]!.pre[u]!;
  const fk = fs < 0 ? -1 : stages[fs]!.pre[u]!;
  const mk = memo.key(gs, gk, fs, fk);
  const hit = memo.get(mk);
  if (hit) return hit;

  const pF = fs >= 0 ? frac(selectedOf(stages[fs]!, fk), stages[fs]!.preSize[fk]!) : ZERO;
  let p: Frac;
  if (eq(pF, ONE)) {
    p = ONE;
  } else {
    let z: Dist = { nums: [1n], den: 1n };
    for (let e = 0; e < gs; e++) {
      const st = stages[e]!;
      for (let k = 0; k < st.ix.strata.length; k++) {
        const oInS = fs === e && fk === k;
        const K = overlaps.get(e, k, gs, gk) - (oInS ? 1 : 0);
        if (K <= 0) continue;
        z = convolve(z, hypergeometric(st.preSize[k]! - (oInS ? 1 : 0), K, selectedOf(st, k)));
      }
    }
    const Gs = stages[gs]!;
    const quota = Gs.ix.strata[gk]!.s.quota;
    const c0 = Gs.otherCredit[gk]!;
    const P = Gs.preSize[gk]!;
    const terms: Frac[] = [];
    z.nums.forEach((w, k) => {
      if (!w || P - k <= 0) return;
      const due = Math.max(0, quota - c0 - (Gs.credits ? k : 0));
      const sel = Math.min(due, P - k);
      if (sel > 0) terms.push(frac(w * BigInt(sel), z.den * BigInt(P - k)));
    });
    p = add(pF, mul(sub(ONE, pF), sum(terms)));
  }
  memo.set(mk, p);
  return p;
}

// ---------------------------------------------------------------------------------------------
// one quarter

/** One object's figures for a quarter (objectChance). */
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

/**
 * The quarter's objects, by number (below `size`): in a population of a draw of the quarter
 * (`has`), with the record of the last routine draw that has them (else the last draw): group,
 * name, and the figures of ObjectChance.
 */
export interface QuarterObjects {
  size: number;
  has: Uint8Array;
  routine: Uint8Array;
  eligible: Uint8Array;
  group: Int32Array;
  names: string[];
  p: Frac[];
  stay: Frac[];
  expected: Frac[];
  selected: Int32Array;
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
  /** the numbering of objects and groups (shared by the quarters of one report) */
  universe: Universe;
  objects: QuarterObjects;
  groups: GroupRow[];
  perDraw: DrawStratumRow[];
  /** for the simulation: the model's stages */
  stages: Stage[];
}

const classIdx = (c: ObjClass) => CLASSES.indexOf(c);

/**
 * The quarter's figures. Quarters whose figures are combined (a year, the never-inspected span)
 * pass one Universe, so that their objects have the same numbers.
 */
export function quarterFairness(quarter: string, draws: FairnessDraw[], universe = new Universe()): QuarterFairness {
  const ordered = draws.filter((d) => d.quarter === quarter).sort(byDrawOrder);
  const ixs = ordered.map((d) => indexDraw(d, universe));
  // a quarter without draws has no objects (no arrays the size of the year's)
  const size = ordered.length ? universe.size : 0;
  const stages = buildStages(ixs.filter((x) => x.d.kind === 'routine'), size);
  const tiers = ordered.length ? ordered[ordered.length - 1]!.rules.tiers.map((t) => t.code) : [];
  const tiered = ordered.length ? [...ordered[ordered.length - 1]!.rules.tiered] : [];
  const o: QuarterObjects = {
    size, has: new Uint8Array(size), routine: new Uint8Array(size), eligible: new Uint8Array(size), group: new Int32Array(size).fill(-1),
    names: new Array<string>(size), p: new Array<Frac>(size), stay: new Array<Frac>(size), expected: new Array<Frac>(size), selected: new Int32Array(size),
  };

  // every object of every population; its record and group from the last routine draw that has it
  for (const ix of ixs) {
    const routine = ix.d.kind === 'routine';
    const names = ix.d.names;
    for (let i = 0; i < ix.u.length; i++) {
      const u = ix.u[i]!;
      if (o.has[u] && !routine && o.routine[u]) continue;
      o.has[u] = 1;
      if (routine) o.routine[u] = 1;
      o.group[u] = memberGroup(ix, i, universe);
      o.names[u] = names?.[i] ?? '';
    }
  }
  const memo = new ChanceMemo(stages);
  const overlaps = new Overlaps(stages);
  const stayOf = new Map<Frac, Frac>();
  for (let u = 0; u < size; u++) {
    if (!o.has[u]) continue;
    const p = routineChance(stages, u, memo, overlaps) ?? null;
    o.eligible[u] = p ? 1 : 0;
    const pu = p ?? ZERO;
    let stay = stayOf.get(pu);
    if (!stay) stayOf.set(pu, (stay = subM(ONE, pu)));
    o.p[u] = pu;
    o.stay[u] = stay;
    o.expected[u] = pu;
  }
  const perDraw: DrawStratumRow[] = [];
  for (const ix of ixs) {
    const chance = ix.strata.map((st) => {
      const s = st.s;
      const pr = s.pool > 0 ? frac(s.selected, s.pool) : null;
      perDraw.push({
        drawId: ix.d.id, level: ix.d.level, kind: ix.d.kind, region: s.region, class: s.class, tier: s.tier,
        quota: s.quota, credited: s.credited ?? 0, pool: s.pool, selected: s.selected, probability: pr,
      });
      return pr && { pr, miss: subM(ONE, pr) };
    });
    if (ix.d.kind === 'directional') {
      // a directional draw: its own selected/pool for every object of its pool
      for (let i = 0; i < ix.u.length; i++) {
        const c = chance[ix.stratum[i]!];
        if (!c || !ix.pooled[i]) continue;
        const u = ix.u[i]!;
        o.expected[u] = addM(o.expected[u]!, c.pr);
        o.stay[u] = mulM(o.stay[u]!, c.miss);
      }
    }
    for (const u of ix.picks) if (o.has[u]) o.selected[u]!++;
  }
  return {
    quarter, draws: ordered.map((d) => ({ id: d.id, level: d.level, kind: d.kind, algorithm: d.algorithm })), tiers, tiered,
    universe, objects: o, groups: groupRows(o, universe, tiers), perDraw, stages,
  };
}

/** One object's figures in a quarter (undefined: in none of its populations). */
export function objectChance(q: QuarterFairness, id: string): ObjectChance | undefined {
  const u = q.universe.numberOf(id);
  const o = q.objects;
  if (u === undefined || u >= o.size || !o.has[u]) return undefined;
  const g = q.universe.groups[o.group[u]!]!;
  return {
    id, name: o.names[u]!, region: g.region, class: g.class, tier: g.tier, routine: o.routine[u] === 1, eligible: o.eligible[u] === 1,
    p: o.p[u]!, stay: o.stay[u]!, expected: o.expected[u]!, selected: o.selected[u]!,
  };
}

/** Rows in region (bytewise), class, tier (rules order, unrated last) order. */
function sortRows<T extends { region: string; class: ObjClass; tier: string | null }>(rows: T[], tiers: string[]): T[] {
  const ti = (t: string | null) => (t === null ? tiers.length : tiers.indexOf(t) < 0 ? tiers.length - 0.5 : tiers.indexOf(t));
  return rows.sort((a, b) => compareBytes(a.region, b.region) || classIdx(a.class) - classIdx(b.class) || ti(a.tier) - ti(b.tier));
}

function groupRows(o: QuarterObjects, uni: Universe, tiers: string[]): GroupRow[] {
  const acc = new Map<number, { row: GroupRow; expected: Map<Frac, number>; ps: Map<Frac, number> }>();
  for (let u = 0; u < o.size; u++) {
    if (!o.routine[u]) continue;
    const k = o.group[u]!;
    let a = acc.get(k);
    if (!a) {
      const g = uni.groups[k]!;
      a = { row: { region: g.region, class: g.class, tier: g.tier, population: 0, eligible: 0, probability: null, uniform: true, expected: ZERO, selected: 0 }, expected: new Map(), ps: new Map() };
      acc.set(k, a);
    }
    a.row.population++;
    countIn(a.expected, o.expected[u]!);
    a.row.selected += o.selected[u]!;
    if (o.eligible[u]) {
      a.row.eligible++;
      countIn(a.ps, o.p[u]!);
    }
  }
  for (const { row, expected, ps } of acc.values()) {
    row.expected = countedSum(expected);
    if (!ps.size) continue;
    row.probability = div(countedSum(ps), frac(row.eligible));
    const [first] = ps.keys();
    row.uniform = [...ps.keys()].every((p) => eq(p, first!));
  }
  return sortRows([...acc.values()].map((a) => a.row), tiers);
}

interface Aligned {
  uni: Universe;
  /** per quarter: its object numbers and group numbers in `uni` (null: its own are uni's) */
  ids: (Int32Array | null)[];
  groups: (number[] | null)[];
}

/**
 * The quarters' objects and groups under one numbering: the quarters' own universe when they
 * share one (a report), else a new one linking them by id (quarters computed apart).
 */
function aligned(quarters: QuarterFairness[]): Aligned {
  const first = quarters[0]?.universe;
  if (!first || quarters.every((q) => q.universe === first)) return { uni: first ?? new Universe(), ids: quarters.map(() => null), groups: quarters.map(() => null) };
  const uni = new Universe();
  return {
    uni,
    ids: quarters.map((q) => uni.numbers(q.universe.ids.slice(0, q.objects.size))),
    groups: quarters.map((q) => q.universe.groups.map((g) => uni.group(g.region, g.class, g.tier))),
  };
}

/** Visit each object of each quarter, in quarter order, under the common numbering: f(its number, quarter, its number in the quarter, its group's number). */
function eachAligned(quarters: QuarterFairness[], al: Aligned, f: (v: number, q: QuarterFairness, u: number, group: number) => void): void {
  quarters.forEach((q, qi) => {
    const o = q.objects;
    const ids = al.ids[qi];
    const groups = al.groups[qi];
    for (let u = 0; u < o.size; u++) {
      if (o.has[u]) f(ids ? ids[u]! : u, q, u, groups ? groups[o.group[u]!]! : o.group[u]!);
    }
  });
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

const groupKey = (o: GroupKey) => skey(o.region, o.class, o.tier);

export function yearRows(quarters: QuarterFairness[], tiers: string[]): YearRow[] {
  // per enterprise (common number): its last routine group, Σ expected, Σ selected
  const al = aligned(quarters);
  const last = new Int32Array(al.uni.size).fill(-1);
  const expected: Frac[] = new Array(al.uni.size);
  const selected = new Int32Array(al.uni.size);
  eachAligned(quarters, al, (v, q, u, g) => {
    if (!q.objects.routine[u]) return;
    last[v] = g;
    expected[v] = addM(expected[v] ?? ZERO, q.objects.expected[u]!);
    selected[v]! += q.objects.selected[u]!;
  });
  const rows = new Map<number, { row: YearRow; sums: Map<Frac, number> }>();
  for (let v = 0; v < last.length; v++) {
    const g = last[v]!;
    if (g < 0) continue;
    let r = rows.get(g);
    if (!r) {
      const G = al.uni.groups[g]!;
      const k = groupKey(G);
      const quarterP = quarters.map((q) => q.groups.find((x) => groupKey(x) === k)?.probability ?? null);
      r = { row: { region: G.region, class: G.class, tier: G.tier, population: 0, quarters: quarterP, expectedPerEnterprise: ZERO, actualPerEnterprise: ZERO, expected: ZERO, selected: 0 }, sums: new Map() };
      rows.set(g, r);
    }
    r.row.population++;
    countIn(r.sums, expected[v]!);
    r.row.selected += selected[v]!;
  }
  for (const { row, sums } of rows.values()) {
    row.expected = countedSum(sums);
    row.expectedPerEnterprise = div(row.expected, frac(row.population));
    row.actualPerEnterprise = frac(row.selected, row.population);
  }
  return sortRows([...rows.values()].map((r) => r.row), tiers);
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

/** The enterprises of the span's populations never selected; opts.rows false: the counts only (rows null). */
export function neverInspected(quarters: QuarterFairness[], opts: { rows: boolean } = { rows: true }): { rows: NeverRow[] | null; summary: NeverSummary[] } {
  // per enterprise (common number): its last record (quarter, number in it, group), quarters, Π stay, Σ selected
  const al = aligned(quarters);
  const size = al.uni.size;
  const lastQ = new Int32Array(size).fill(-1);
  const lastU = new Int32Array(size);
  const lastG = new Int32Array(size);
  const count = new Int32Array(size);
  const chance: Frac[] = new Array(size);
  const selected = new Int32Array(size);
  const qIndex = new Map(quarters.map((q, i) => [q, i]));
  eachAligned(quarters, al, (v, q, u, g) => {
    lastQ[v] = qIndex.get(q)!;
    lastU[v] = u;
    lastG[v] = g;
    count[v]!++;
    chance[v] = mulM(chance[v] ?? ONE, q.objects.stay[u]!);
    selected[v]! += q.objects.selected[u]!;
  });
  const rows: NeverRow[] = [];
  // by (region, class): region → class → summary and its chances counted
  const sums = new Map<string, Map<ObjClass, { s: NeverSummary; chances: Map<Frac, number> }>>();
  const below = new Map<Frac, boolean>();
  for (let v = 0; v < size; v++) {
    if (lastQ[v]! < 0) continue;
    const G = al.uni.groups[lastG[v]!]!;
    let byClass = sums.get(G.region);
    if (!byClass) sums.set(G.region, (byClass = new Map()));
    let e = byClass.get(G.class);
    if (!e) byClass.set(G.class, (e = { s: { region: G.region, class: G.class, population: 0, never: 0, flagged: 0, expectedNever: ZERO }, chances: new Map() }));
    const c = chance[v]!;
    e.s.population++;
    countIn(e.chances, c);
    if (selected[v]) continue;
    let flagged = below.get(c);
    if (flagged === undefined) below.set(c, (flagged = cmp(c, REVIEW_BELOW) < 0));
    e.s.never++;
    if (flagged) e.s.flagged++;
    if (opts.rows) {
      const q = quarters[lastQ[v]!]!;
      rows.push({ id: al.uni.ids[v]!, name: q.objects.names[lastU[v]!]!, region: G.region, class: G.class, tier: G.tier, quarters: count[v]!, chance: c, flagged });
    }
  }
  const summary = [...sums.values()].flatMap((m) => [...m.values()]).map((e) => {
    e.s.expectedNever = countedSum(e.chances);
    return e.s;
  });
  summary.sort((a, b) => compareBytes(a.region, b.region) || classIdx(a.class) - classIdx(b.class));
  if (!opts.rows) return { rows: null, summary };
  rows.sort((a, b) => cmp(a.chance, b.chance) || compareBytes(a.region, b.region) || compareBytes(a.id, b.id));
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
  const ids = q.universe.ids;
  // per stage, per stratum: the ids of its pre-pool (members' order; the keys order them)
  const lists = q.stages.map((st) => {
    const out: number[][] = st.ix.strata.map(() => []);
    for (let i = 0; i < st.ix.u.length; i++) {
      const u = st.ix.u[i]!;
      if (st.pre[u] === st.ix.stratum[i]) out[st.ix.stratum[i]!]!.push(u);
    }
    return out;
  });
  const hits = new Map<string, number>();
  for (let r = 0; r < runs; r++) {
    const taken = new Set<number>();
    q.stages.forEach((st, si) => {
      const d = st.ix.d;
      const keys = drawKeys(d.algorithm, seedOf(d.id, `${entropy}|${r}`, d.algorithm));
      const picked: number[] = [];
      lists[si]!.forEach((pre, k) => {
        const free = pre.filter((u) => !taken.has(u));
        const credit = st.otherCredit[k]! + (st.credits ? pre.length - free.length : 0);
        const sel = Math.min(Math.max(0, st.ix.strata[k]!.s.quota - credit), free.length);
        if (!sel) return;
        const order = keyOrder(keys, free.map((u) => ({ id: ids[u]!, u })));
        for (let x = 0; x < sel; x++) picked.push(order[x]!.o.u);
      });
      for (const u of picked) {
        taken.add(u);
        hits.set(ids[u]!, (hits.get(ids[u]!) ?? 0) + 1);
      }
    });
  }
  return hits;
}

export function simulationRows(q: QuarterFairness, runs: number, entropy: string, z: number): SimRow[] {
  const hits = simulateSelections(q, runs, entropy);
  const o = q.objects;
  // selections of each group's eligible routine objects
  const byGroup = new Map<number, number>();
  for (let u = 0; u < o.size; u++) {
    if (o.has[u] && o.routine[u] && o.eligible[u]) byGroup.set(o.group[u]!, (byGroup.get(o.group[u]!) ?? 0) + (hits.get(q.universe.ids[u]!) ?? 0));
  }
  const rows: SimRow[] = [];
  for (const g of q.groups) {
    if (!g.probability || !g.eligible) continue;
    const k = byGroup.get(q.universe.group(g.region, g.class, g.tier)) ?? 0;
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
  /**
   * The annual report's section (issue 18 §5): the chances, tier ratios and never-inspected
   * counts, without the list of enterprises and without the inspectors' load. The draws may
   * then come from stored facts (no names, no teams: io/draw-members.ts).
   */
  summary?: boolean;
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
  /** rows: the enterprises never inspected (null in a summary) */
  never: { rows: NeverRow[] | null; summary: NeverSummary[] };
  /** null in a summary */
  load: ReturnType<typeof inspectorLoad> | null;
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
  // one numbering for every quarter: the year and the never-inspected span link them by number
  const universe = new Universe();
  const qf = new Map(all.map((q) => [q, quarterFairness(q, draws, universe)]));
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
  const never = neverInspected(span.map((q) => qf.get(q)!), { rows: !input.summary });
  const load = input.summary ? null : inspectorLoad(quarters, draws);
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
    never: { rows: never.rows && inRegion(never.rows), summary: inRegion(never.summary) },
    load: load && input.region
      ? { inspectors: inRegion(load.inspectors), stats: inRegion(load.stats), idle: inRegion(load.idle) }
      : load,
    simulation,
  };
}
