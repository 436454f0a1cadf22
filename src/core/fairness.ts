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
import { add, cmp, countedSum, div, divBy, eq, frac, mul, ONE, sub, sum, toNumber, ZERO, type Frac } from './fraction.js';
import { idAt, idCount, idList, idStart, isIdList, isObjectNums, membersOf, type DrawMembers, type IdList, type MemberIds } from './members.js';
import { planStrata } from './quotas.js';
import { CLASSES, type Algorithm, type DrawRules, type Exclusion, type Level, type ObjClass, type SnapObject, type Stratum } from './types.js';


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

/** Bytes a[as, ae) against b[bs, be): negative, 0 or positive, as UTF-8 (code point) order. */
function compareAt(a: Uint8Array, as: number, ae: number, b: Uint8Array, bs: number, be: number): number {
  const la = ae - as;
  const lb = be - bs;
  const n = la < lb ? la : lb;
  for (let i = 0; i < n; i++) {
    const d = a[as + i]! - b[bs + i]!;
    if (d !== 0) return d;
  }
  return la - lb;
}

/** Whether a[as, as + len) and b[bs, bs + len) hold the same bytes. */
function equalAt(a: Uint8Array, as: number, b: Uint8Array, bs: number, len: number): boolean {
  for (let k = 0; k < len; k++) if (a[as + k] !== b[bs + k]) return false;
  return true;
}

/** Whether the ids of a list are strictly ascending (in byte order). */
function isAscending(l: IdList): boolean {
  const { bytes, ends } = l;
  for (let i = 1; i < ends.length; i++) {
    if (compareAt(bytes, idStart(ends, i - 1), ends[i - 1]!, bytes, idStart(ends, i), ends[i]!) >= 0) return false;
  }
  return true;
}

/** The indexes of a list in ascending id order (equal ids by index). */
function sortedOrder(l: IdList): Int32Array {
  const { bytes, ends } = l;
  const start = (i: number) => idStart(ends, i);
  return Int32Array.from({ length: ends.length }, (_, k) => k).sort((a, b) => compareAt(bytes, start(a), ends[a]!, bytes, start(b), ends[b]!) || a - b);
}

/**
 * The objects (by id) and groups (own county, class, stratum tier) of the draws one report
 * reads, each numbered once, so that quarters and years link them by number.
 *
 * Ids are compared as UTF-8 bytes (IdList): the ids of the universe are kept in ascending byte
 * order, and a draw's members, which come in that order (a snapshot's, spec §7), are numbered
 * by one merge against them: mostly equal ids, no string made or hashed per id (issue 13). The
 * id of a number is decoded only when asked for (the never-inspected list, the simulation).
 */
export class Universe {
  /** the lists numbered, each with the first number it added and the indexes of the ids it added (null: all, in order) */
  private readonly lists: { list: IdList; first: number; added: Int32Array | null }[] = [];
  private count = 0;
  /** the ids seen, in ascending byte order, and their numbers */
  private sorted: IdList = { bytes: new Uint8Array([0x5b, 0x5d]), ends: new Uint32Array(0) };
  private sortedNums = new Int32Array(0);
  readonly groups: GroupKey[] = [];
  private readonly groupIx = new Map<string, number>();
  private decoded: string[] = [];
  /** numbering by the objects' own numbers (draw_members): per object number, its number here + 1 (0: not seen) */
  private byNum: Int32Array | null = null;
  /** numbering by the objects' own numbers, each object being its own number */
  private direct = false;
  /** the work arrays of a quarter's walk, lent to the quarters of one report in turn (walkArrays) */
  private work: Omit<Walked, 'names'> | null = null;

  /**
   * Zeroed work arrays for a quarter of `size` objects, the same memory for every quarter of the
   * report (each fresh array is memory touched anew, a page fault per 4 KB: at 100k objects, a
   * year's quarters allocated 2 MB of them for nothing).
   */
  walkArrays(size: number): Omit<Walked, 'names'> {
    let w = this.work;
    if (!w || w.has.length < size) {
      w = this.work = { has: new Uint8Array(size), routine: new Uint8Array(size), earlier: new Uint8Array(size), group: new Int32Array(size) };
    } else {
      w.has.fill(0, 0, size);
      w.routine.fill(0, 0, size);
      w.earlier.fill(0, 0, size);
    }
    return { has: w.has.subarray(0, size), routine: w.routine.subarray(0, size), earlier: w.earlier.subarray(0, size), group: w.group.subarray(0, size) };
  }

  /**
   * The numbers of these members (their ids as strings or UTF-8, or their objects' own numbers),
   * in the list's order; new objects are added. One universe numbers by id or by object number.
   */
  numbers(input: MemberIds): Int32Array {
    if (isObjectNums(input)) return this.byObjectNumber(input.nums);
    if (this.byNum || this.direct) throw new Error('a universe numbers objects by id or by their own numbers, not both');
    const list = isIdList(input) ? input : idList(input as readonly string[]);
    const n = list.ends.length;
    const first = this.count;
    if (!this.sorted.ends.length && isAscending(list)) {
      // the first list, ascending without repeats: numbered in its own order, and it is the sorted list
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = first + i;
      this.lists.push({ list, first, added: null });
      this.count += n;
      this.sorted = list;
      this.sortedNums = out.slice();
      return out;
    }
    // a list that is not strictly ascending (repeats, or not in snapshot order) is walked in sorted order
    const w = this.walk(list, null) ?? this.walk(list, sortedOrder(list));
    if (w!.addedAt.length) {
      this.lists.push({ list, first, added: Int32Array.from(w!.addedAt) });
      this.count += w!.addedAt.length;
      this.merge(list, w!.addedAt, w!.addedBefore, first);
    }
    return w!.out;
  }

  /**
   * The merge of a list against the sorted ids: its numbers, and the ids it adds with how many
   * known ids sort before each. Walked in the list's order (order null: null when that order
   * is not strictly ascending) or in the order given. Runs of ids equal to a run of known ones
   * (the quarters' rosters are nearly the same) are matched a block at a time.
   */
  private walk(list: IdList, order: Int32Array | null): { out: Int32Array; addedAt: number[]; addedBefore: number[] } | null {
    const { bytes, ends } = list;
    const n = ends.length;
    const S = this.sorted;
    const SB = S.bytes;
    const SE = S.ends;
    const SN = this.sortedNums;
    const sn = SE.length;
    const first = this.count;
    const out = new Int32Array(n);
    const addedAt: number[] = [];
    const addedBefore: number[] = [];
    const BLOCK = 32;
    let j = 0;
    let prev = -1;
    for (let x = 0; x < n; ) {
      if (!order && x + BLOCK <= n && j + BLOCK <= sn) {
        const ls = idStart(ends, x);
        const ss = idStart(SE, j);
        const len = ends[x + BLOCK - 1]! - ls;
        if (len === SE[j + BLOCK - 1]! - ss && equalAt(bytes, ls, SB, ss, len)) {
          let t = 0;
          while (t < BLOCK && ends[x + t]! - ls === SE[j + t]! - ss) t++;
          if (t === BLOCK) {
            // the same ids as the known run (strictly ascending, and after the one before)
            for (t = 0; t < BLOCK; t++) out[x + t] = SN[j + t]!;
            x += BLOCK;
            j += BLOCK;
            prev = x - 1;
            continue;
          }
        }
      }
      const i = order ? order[x]! : x;
      const is = idStart(ends, i);
      const ie = ends[i]!;
      if (prev >= 0) {
        const c = compareAt(bytes, idStart(ends, prev), ends[prev]!, bytes, is, ie);
        if (c >= 0 && !order) return null;
        if (c === 0) {
          out[i] = out[prev]!;
          x++;
          continue;
        }
      }
      let c = 1;
      while (j < sn && (c = compareAt(SB, idStart(SE, j), SE[j]!, bytes, is, ie)) < 0) j++;
      if (j < sn && c === 0) {
        out[i] = SN[j++]!;
      } else {
        out[i] = first + addedAt.length;
        addedAt.push(i);
        addedBefore.push(j);
      }
      prev = i;
      x++;
    }
    return { out, addedAt, addedBefore };
  }

  /** The sorted ids with the new ones (ascending, each after `before` known ids) merged in, in the IdList layout. */
  private merge(list: IdList, addedAt: number[], addedBefore: number[], firstNew: number): void {
    const S = this.sorted;
    const SN = this.sortedNums;
    const sn = S.ends.length;
    let addedBytes = 0;
    for (const i of addedAt) addedBytes += list.ends[i]! - idStart(list.ends, i) + 3;
    const total = sn + addedAt.length;
    const bytes = new Uint8Array(Math.max(S.bytes.length, 4) + addedBytes);
    const ends = new Uint32Array(total);
    const nums = new Int32Array(total);
    bytes[0] = 0x5b;
    bytes[1] = 0x22;
    let at = 2;
    let k = 0;
    let from = 0;
    const separate = () => {
      if (k === 0) return;
      bytes[at++] = 0x22;
      bytes[at++] = 0x2c;
      bytes[at++] = 0x22;
    };
    // a run of known ids is copied with the separators between them
    const copyKnown = (to: number) => {
      if (to <= from) return;
      separate();
      const b0 = idStart(S.ends, from);
      const b1 = S.ends[to - 1]!;
      bytes.set(S.bytes.subarray(b0, b1), at);
      for (let x = from; x < to; x++) {
        ends[k] = at + S.ends[x]! - b0;
        nums[k++] = SN[x]!;
      }
      at += b1 - b0;
      from = to;
    };
    const lb = list.bytes;
    addedAt.forEach((i, a) => {
      copyKnown(addedBefore[a]!);
      separate();
      for (let b = idStart(list.ends, i), e = list.ends[i]!; b < e; b++) bytes[at++] = lb[b]!;
      ends[k] = at;
      nums[k++] = firstNew + a;
    });
    copyKnown(sn);
    bytes[at++] = 0x22;
    bytes[at++] = 0x5d;
    this.sorted = { bytes: bytes.subarray(0, at), ends };
    this.sortedNums = nums;
  }

  /** Numbers by the objects' own numbers: a look-up per member, in first-seen order (no id is known then). */
  private byObjectNumber(nums: Uint32Array): Int32Array {
    if (this.count > 0 && !this.byNum && !this.direct) throw new Error('a universe numbers objects by id or by their own numbers, not both');
    // numbers are vids: below the roster's row count; the table sized once for the largest
    let most = 0;
    for (let i = 0; i < nums.length; i++) if (nums[i]! > most) most = nums[i]!;
    if (most >= 0x4000000) throw new RangeError(`object number ${most} is beyond what a report numbers`);
    // the first list's numbers dense enough (a roster with little history): each object is its own
    // number here, and the list is read as it is (no table, no copy); an unused number is an
    // object in no list, as an id never seen is
    if (this.count === 0 && !this.byNum && 2 * nums.length >= most + 1) this.direct = true;
    if (this.direct) {
      this.count = Math.max(this.count, most + 1);
      return new Int32Array(nums.buffer, nums.byteOffset, nums.length);
    }
    let ix = this.byNum ?? new Int32Array(0);
    if (most >= ix.length) {
      const grown = new Int32Array(Math.max(most + 1, 2 * ix.length));
      grown.set(ix);
      ix = grown;
    }
    let count = this.count;
    const out = new Int32Array(nums.length);
    for (let i = 0; i < nums.length; i++) {
      const n = nums[i]!;
      let u = ix[n]! - 1;
      if (u < 0) {
        u = count++;
        ix[n] = count;
      }
      out[i] = u;
    }
    this.byNum = ix;
    this.count = count;
    return out;
  }

  numberOf(id: string): number | undefined {
    if (this.byNum || this.direct) throw new Error('objects numbered by their own numbers have no ids here');
    const key = idList([id]);
    const S = this.sorted;
    let lo = 0;
    let hi = S.ends.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const c = compareAt(S.bytes, idStart(S.ends, mid), S.ends[mid]!, key.bytes, 2, key.ends[0]!);
      if (c === 0) return this.sortedNums[mid];
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  /** The id of number u. */
  idOf(u: number): string {
    if (this.byNum || this.direct) throw new Error('objects numbered by their own numbers have no ids here');
    let id = this.decoded[u];
    if (id === undefined) {
      // the last list whose first number is at most u added it
      let lo = 0;
      let hi = this.lists.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (this.lists[mid]!.first <= u) lo = mid;
        else hi = mid - 1;
      }
      const l = this.lists[lo]!;
      id = this.decoded[u] = idAt(l.list, l.added ? l.added[u - l.first]! : u - l.first);
    }
    return id;
  }

  /** Every id, by number. */
  get ids(): string[] {
    return Array.from({ length: this.size }, (_, u) => this.idOf(u));
  }

  get size(): number {
    return this.count;
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
  /** per member (DrawMembers order): its object number */
  u: Int32Array;
  /** per stratum of the members' places (d.strata order): its index into strata */
  posIx: Int32Array;
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
  const n = idCount(m.ids);
  if (m.places.length !== 3 * n) throw new RangeError(`draw members: ${d.id} has ${n} ids and ${m.places.length / 3} places`);
  // the members' places are read (and checked) where they are walked (walkMembers)
  const u = uni.numbers(m.ids);
  const picks = new Int32Array(m.picks.length);
  for (let i = 0; i < picks.length; i++) {
    const p = m.picks[i]!;
    if (p >= n) throw new RangeError(`draw members: pick ${i} of ${d.id} points outside the draw`);
    picks[i] = u[p]!;
  }
  return {
    d, strata, u, posIx: Int32Array.from(posOf), picks,
    groupOf: new Int32Array(strata.length * m.regions.length).fill(-1),
  };
}

/** A member's place that points outside its draw. */
const outside = (ix: DrawIx, i: number) => new RangeError(`draw members: member ${i} of ${ix.d.id} points outside the draw`);

/**
 * Each member's stratum (index into ix.strata) and whether it is in the pool, checked to point
 * inside the draw: for the few readers after the walk (directional draws, the simulation).
 */
function placesOf(ix: DrawIx): { stratum: Int32Array; pooled: Uint8Array } {
  const places = ix.d.members.places;
  const n = ix.u.length;
  const stratum = new Int32Array(n);
  const pooled = new Uint8Array(n);
  for (let i = 0, j = 0; i < n; i++, j += 3) {
    const s = places[j]!;
    const why = places[j + 2]!;
    if (s >= ix.posIx.length || places[j + 1]! >= ix.d.members.regions.length || why > ix.d.members.reasons.length) throw outside(ix, i);
    stratum[i] = ix.posIx[s]!;
    pooled[i] = why === 0 ? 1 : 0;
  }
  return { stratum, pooled };
}

/** The group number of a member of ix in stratum k (index into ix.strata), county r (index into members.regions): its own county, its stratum's class and tier. */
function memberGroup(ix: DrawIx, k: number, r: number, uni: Universe): number {
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
  pre: Int16Array | Int32Array;
  /** per stratum: the size of that pool */
  preSize: Int32Array;
  /** per stratum: credit from draws other than the earlier routine ones (C0) */
  otherCredit: Int32Array;
}

/** A routine draw's stage, its pre-pools still empty (filled by quarterFairness as it walks the draw's members). */
function newStage(ix: DrawIx, size: number): Stage {
  const credits = ix.d.algorithm !== 'sj-draw/1' && ix.d.level === 'county';
  const S = ix.strata.length;
  const pre = S < 0x7fff ? new Int16Array(size) : new Int32Array(size);
  return { ix, credits, pre: pre.fill(-1), preSize: new Int32Array(S), otherCredit: new Int32Array(S) };
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

/**
 * The routine chances of a quarter's objects, numbered: every object whose last routine stratum G
 * and the one before it F (none: −1) are the same shares its chance. `of(u)` is u's number (−1:
 * in no routine pool), a new one at the first object of its (G, F); `where` holds each number's
 * (G, F) as four numbers, from which chanceOf makes the fraction once.
 */
class ChanceNumbers {
  private readonly byKey = new Map<number, number>();
  /** per number: gs, gk, fs, fk */
  readonly where: number[] = [];
  private readonly offset: number[] = [];
  private readonly total: number;
  constructor(private readonly stages: Stage[]) {
    let t = 0;
    for (const st of stages) {
      this.offset.push(t);
      t += st.ix.strata.length;
    }
    this.total = t;
  }

  of(u: number): number {
    // G: the last stage whose pre-pool holds u; F: the last one before G that does
    const stages = this.stages;
    let gs = -1;
    let fs = -1;
    for (let i = stages.length - 1; i >= 0 && fs < 0; i--) {
      if (stages[i]!.pre[u]! < 0) continue;
      if (gs < 0) gs = i;
      else fs = i;
    }
    if (gs < 0) return -1;
    const gk = stages[gs]!.pre[u]!;
    const fk = fs < 0 ? -1 : stages[fs]!.pre[u]!;
    const key = (this.offset[gs]! + gk) * (this.total + 1) + (fs < 0 ? 0 : this.offset[fs]! + fk + 1);
    let n = this.byKey.get(key);
    if (n === undefined) {
      n = this.where.length / 4;
      this.byKey.set(key, n);
      this.where.push(gs, gk, fs, fk);
    }
    return n;
  }
}

/** The exact probability that the quarter's routine draws select an object whose last routine stratum is gk of stage gs, and the one before it fk of stage fs (−1: none) (the model above). */
function chanceOf(stages: Stage[], gs: number, gk: number, fs: number, fk: number, overlaps: Overlaps): Frac {
  const pF = fs >= 0 ? frac(selectedOf(stages[fs]!, fk), stages[fs]!.preSize[fk]!) : ZERO;
  if (eq(pF, ONE)) return ONE;
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
  return add(pF, mul(sub(ONE, pF), sum(terms)));
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
 * What the objects of a quarter that share every figure share: a routine population or not, a
 * routine pool or not, the group (of the last routine draw that has them, else the last draw)
 * and the figures of ObjectChance. A quarter's 100k objects have a few hundred kinds, so every
 * sum and product over objects is taken once per kind, times its count (issue 13).
 */
export interface ObjectKind {
  routine: boolean;
  eligible: boolean;
  group: number;
  p: Frac;
  stay: Frac;
  expected: Frac;
}

/** The quarter's objects, by number (below `size`): the kind of each (−1: in no population of a draw of the quarter), its selections and name. */
export interface QuarterObjects {
  size: number;
  kind: Int32Array;
  kinds: ObjectKind[];
  /** names by number, where a draw gave them ('' or missing otherwise) */
  names: string[];
  /** (8 bits when the quarter has fewer than 256 draws: an object is selected at most once by each) */
  selected: Uint8Array | Int32Array;
  /** the most selections of one object */
  mostSelected: number;
}

/** Kinds numbered by a numeric key: one Map look-up per object, no figure computed twice. */
class KindTable {
  readonly kinds: ObjectKind[] = [];
  private readonly byKey = new Map<number, number>();
  get(key: number): number | undefined {
    return this.byKey.get(key);
  }
  add(key: number, k: ObjectKind): number {
    const i = this.kinds.length;
    this.byKey.set(key, i);
    this.kinds.push(k);
    return i;
  }
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

/** Per object number, what the quarter's walk over its draws' members has found so far. */
interface Walked {
  /** in some draw's population */
  has: Uint8Array;
  /** in a routine draw's population */
  routine: Uint8Array;
  /** its group (of the last routine draw that has it, else the last draw); read only where `has` is set */
  group: Int32Array;
  /** names, where a draw gave them */
  names: string[];
  /** picked by an earlier routine draw of the quarter */
  earlier: Uint8Array;
}

/**
 * One draw's members into the quarter's tables, and, for a routine draw, into its stage's
 * pre-pools; fromEarlier counts, per stratum, the members an earlier routine draw picked.
 * (Each hot loop of a quarter is a small function of its own: it is compiled on its own, once,
 * and stays compiled for the next draw and quarter; inside one large function each loop was
 * compiled and thrown away again, quarter after quarter. The arrays are read from locals: the
 * first draws run before the loop is compiled, where each property read is a step of its own.)
 */
function walkMembers(ix: DrawIx, st: Stage | null, universe: Universe, w: Walked, fromEarlier: Int32Array): void {
  const isRoutine = ix.d.kind === 'routine';
  const dn = ix.d.names;
  const { has, routine, group, names, earlier } = w;
  const us = ix.u;
  const posIx = ix.posIx;
  const places = ix.d.members.places;
  const groupOf = ix.groupOf;
  const strataN = posIx.length;
  const regionsN = ix.d.members.regions.length;
  const reasonsN = ix.d.members.reasons.length;
  const pre = st ? st.pre : null;
  const preSize = st ? st.preSize : null;
  for (let i = 0, j = 0; i < us.length; i++, j += 3) {
    // the member's place: stratum, county, why it is out of the pool (0: in it), checked
    const s = places[j]!;
    const r = places[j + 1]!;
    const why = places[j + 2]!;
    if (s >= strataN || r >= regionsN || why > reasonsN) throw outside(ix, i);
    const u = us[i]!;
    const k = posIx[s]!;
    if (pre) {
      const before = earlier[u] === 1;
      if (before) fromEarlier[k]!++;
      // ids are unique in a snapshot (spec §7): one member per object
      if ((why === 0 || before) && pre[u] === -1) {
        pre[u] = k;
        preSize![k]!++;
      }
    }
    if (has[u] && !isRoutine && routine[u]) continue;
    has[u] = 1;
    if (isRoutine) routine[u] = 1;
    const g = groupOf[k * regionsN + r]!;
    group[u] = g >= 0 ? g : memberGroup(ix, k, r, universe);
    if (dn) names[u] = dn[i] ?? '';
  }
}

/**
 * Each object's kind from its routine chance, group and routine flag; the kinds into table, each
 * object's into kind (−1: in no population), each kind's count of objects into count. The loops
 * over the objects number chances and kinds by small arithmetic and Map look-ups; the fractions
 * are made after them, once per number (inside such a loop, the fractions' BigInt work was
 * compiled with it: 20–40 ms of compiling, three times, for code that runs a few hundred times).
 */
function assignKinds(stages: Stage[], w: Pick<Walked, 'has' | 'routine' | 'group'>, groups: number, table: KindTable, kind: Int32Array, count: number[]): void {
  const numbers = new ChanceNumbers(stages);
  // each object's chance number, in kind for now (−2: in no population)
  numberChances(stages, w.has, numbers, kind);
  const overlaps = new Overlaps(stages);
  const where = numbers.where;
  const chances: Frac[] = [];
  for (let i = 0; i < where.length; i += 4) chances.push(chanceOf(stages, where[i]!, where[i + 1]!, where[i + 2]!, where[i + 3]!, overlaps));
  // each object's kind number in place of its chance number, the kinds' keys in order
  const keys: number[] = [];
  numberKinds(kind, w.routine, w.group, groups, keys, count);
  const stayOf = new Map<Frac, Frac>();
  for (const key of keys) {
    const r = key % 2;
    const g = Math.floor(key / 2) % groups;
    const c = Math.floor(key / 2 / groups) - 1;
    const p = c < 0 ? ZERO : chances[c]!;
    let stay = stayOf.get(p);
    if (!stay) stayOf.set(p, (stay = sub(ONE, p)));
    table.add(key, { routine: r === 1, eligible: c >= 0, group: g, p, stay, expected: p });
  }
}

/** Each object's chance number into out (−2: in no population of the quarter). */
function numberChances(stages: Stage[], has: Uint8Array, numbers: ChanceNumbers, out: Int32Array): void {
  // one routine draw (most quarters): an object's number is its pre-pool stratum's, looked up by
  // stratum (−2: not yet known) instead of through the Map
  const single = stages.length === 1 ? new Int32Array(stages[0]!.ix.strata.length).fill(-2) : null;
  const pre0 = single ? stages[0]!.pre : null;
  for (let u = 0; u < out.length; u++) {
    if (!has[u]) {
      out[u] = -2;
      continue;
    }
    let c: number;
    if (single) {
      const s = pre0![u]!;
      c = s < 0 ? -1 : single[s]!;
      if (c === -2) c = single[s] = numbers.of(u);
    } else c = numbers.of(u);
    out[u] = c;
  }
}

/**
 * Each object's kind number in place of its chance number in kind (−2 becomes −1), numbered by
 * first appearance of the key (chance + 1, group, routine); the keys in that order into keys,
 * each kind's count into count.
 */
function numberKinds(kind: Int32Array, routine: Uint8Array, group: Int32Array, groups: number, keys: number[], count: number[]): void {
  const byKey = new Map<number, number>();
  // per group and routine flag, the key and kind of the last object met there: the objects of a
  // group mostly share their chance (a Map look-up only where one does not)
  const lastKey = new Int32Array(2 * groups).fill(-1);
  const lastKind = new Int32Array(2 * groups);
  for (let u = 0; u < kind.length; u++) {
    const c = kind[u]!;
    if (c === -2) {
      kind[u] = -1;
      continue;
    }
    const r = routine[u]!;
    const g = group[u]!;
    const at = 2 * g + r;
    const key = ((c + 1) * groups + g) * 2 + r;
    let k: number;
    if (lastKey[at] === key) k = lastKind[at]!;
    else {
      let had = byKey.get(key);
      if (had === undefined) {
        had = keys.length;
        byKey.set(key, had);
        keys.push(key);
        count.push(0);
      }
      k = had;
      lastKey[at] = key;
      lastKind[at] = k;
    }
    kind[u] = k;
    count[k]!++;
  }
}

/** Each object's selections by the quarter's draws (objects in none of its populations left out), and each kind's; the most of one object. */
function countSelections(ixs: DrawIx[], has: Uint8Array, kind: Int32Array, selected: Uint8Array | Int32Array, kindSelected: Int32Array): number {
  let most = 0;
  for (const ix of ixs) {
    const picks = ix.picks;
    for (let i = 0; i < picks.length; i++) {
      const u = picks[i]!;
      if (!has[u]) continue;
      const n = ++selected[u]!;
      if (n > most) most = n;
      kindSelected[kind[u]!]!++;
    }
  }
  return most;
}

/**
 * The quarter's figures. Quarters whose figures are combined (a year, the never-inspected span)
 * pass one Universe, so that their objects have the same numbers.
 */
export function quarterFairness(quarter: string, draws: FairnessDraw[], universe = new Universe()): QuarterFairness {
  const ordered = draws.filter((d) => d.quarter === quarter).sort(byDrawOrder);
  const ixs = ordered.map((d) => indexDraw(d, universe));
  // a quarter without draws has no objects (no arrays the size of the year's)
  const size = ordered.length ? universe.size : 0;
  const tiers = ordered.length ? ordered[ordered.length - 1]!.rules.tiers.map((t) => t.code) : [];
  const tiered = ordered.length ? [...ordered[ordered.length - 1]!.rules.tiered] : [];
  // every object of every population, with its group from the last routine draw that has it
  // (else the last draw); and the routine draws as stages of the model (one walk per draw)
  // (group is read only where `has` is set)
  const names: string[] = [];
  const stages: Stage[] = [];
  const walked: Walked = { ...universe.walkArrays(size), names };
  const { has, earlier } = walked;
  for (const ix of ixs) {
    const st = ix.d.kind === 'routine' ? newStage(ix, size) : null;
    const fromEarlier = new Int32Array(ix.strata.length);
    walkMembers(ix, st, universe, walked, fromEarlier);
    if (st) {
      const v2 = ix.d.algorithm !== 'sj-draw/1';
      ix.strata.forEach((x, k) => {
        st.otherCredit[k] = v2 ? Math.max(0, (x.s.credited ?? 0) - (st.credits ? fromEarlier[k]! : 0)) : 0;
      });
      const picks = ix.picks;
      for (let i = 0; i < picks.length; i++) earlier[picks[i]!] = 1;
      stages.push(st);
    }
  }
  // each object's kind: its routine chance (numbered by the memo), group and routine flag, then
  // each directional draw whose pool holds it
  const table = new KindTable();
  const kind = new Int32Array(size);
  // each kind's count of objects
  const count: number[] = [];
  assignKinds(stages, walked, universe.groups.length + 1, table, kind, count);
  const perDraw: DrawStratumRow[] = [];
  let dirStrata = 0;
  for (const ix of ixs) dirStrata += ix.d.kind === 'directional' ? ix.strata.length : 0;
  let dirAt = 0;
  for (const ix of ixs) {
    const chance = ix.strata.map((st) => {
      const s = st.s;
      const pr = s.pool > 0 ? frac(s.selected, s.pool) : null;
      perDraw.push({
        drawId: ix.d.id, level: ix.d.level, kind: ix.d.kind, region: s.region, class: s.class, tier: s.tier,
        quota: s.quota, credited: s.credited ?? 0, pool: s.pool, selected: s.selected, probability: pr,
      });
      return pr;
    });
    if (ix.d.kind === 'directional') {
      // a directional draw: its own selected/pool for every object of its pool (a kind of its own)
      const { stratum, pooled } = placesOf(ix);
      for (let i = 0; i < ix.u.length; i++) {
        const c = chance[stratum[i]!];
        if (!c || !pooled[i]) continue;
        const u = ix.u[i]!;
        const was = kind[u]!;
        const key = -1 - (was * dirStrata + dirAt + stratum[i]!);
        const k = table.kinds[was]!;
        const now = table.get(key) ?? table.add(key, { ...k, expected: add(k.expected, c), stay: mul(k.stay, sub(ONE, c)) });
        kind[u] = now;
        count[was]!--;
        count[now] = (count[now] ?? 0) + 1;
      }
      dirAt += ix.strata.length;
    }
  }
  // the selections, per object and per group of a routine object
  // (indexed loops: code run once, where a typed array's iterator costs more than the loop's work)
  const selected = ixs.length < 0xff ? new Uint8Array(size) : new Int32Array(size);
  const kindSelected = new Int32Array(table.kinds.length);
  const mostSelected = countSelections(ixs, has, kind, selected, kindSelected);
  const groupSelected = new Map<number, number>();
  table.kinds.forEach((k, i) => {
    if (k.routine && kindSelected[i]) groupSelected.set(k.group, (groupSelected.get(k.group) ?? 0) + kindSelected[i]!);
  });
  const o: QuarterObjects = { size, kind, kinds: table.kinds, names, selected, mostSelected };
  return {
    quarter, draws: ordered.map((d) => ({ id: d.id, level: d.level, kind: d.kind, algorithm: d.algorithm })), tiers, tiered,
    universe, objects: o, groups: groupRows(o, count, groupSelected, universe, tiers), perDraw, stages,
  };
}

/** Add f, `times` times, to counts (by identity). */
function countTimes(counts: Map<Frac, number>, f: Frac, times: number): void {
  counts.set(f, (counts.get(f) ?? 0) + times);
}

/** One object's figures in a quarter (undefined: in none of its populations). */
export function objectChance(q: QuarterFairness, id: string): ObjectChance | undefined {
  const u = q.universe.numberOf(id);
  const o = q.objects;
  if (u === undefined || u >= o.size || o.kind[u]! < 0) return undefined;
  const k = o.kinds[o.kind[u]!]!;
  const g = q.universe.groups[k.group]!;
  return {
    id, name: o.names[u] ?? '', region: g.region, class: g.class, tier: g.tier, routine: k.routine, eligible: k.eligible,
    p: k.p, stay: k.stay, expected: k.expected, selected: o.selected[u]!,
  };
}

/** Rows in region (bytewise), class, tier (rules order, unrated last) order. */
function sortRows<T extends { region: string; class: ObjClass; tier: string | null }>(rows: T[], tiers: string[]): T[] {
  const ti = (t: string | null) => (t === null ? tiers.length : tiers.indexOf(t) < 0 ? tiers.length - 0.5 : tiers.indexOf(t));
  return rows.sort((a, b) => compareBytes(a.region, b.region) || classIdx(a.class) - classIdx(b.class) || ti(a.tier) - ti(b.tier));
}

function groupRows(o: QuarterObjects, count: readonly number[], groupSelected: ReadonlyMap<number, number>, uni: Universe, tiers: string[]): GroupRow[] {
  const acc = new Map<number, { row: GroupRow; expected: Map<Frac, number>; ps: Map<Frac, number> }>();
  const row = (g: number) => {
    let a = acc.get(g);
    if (!a) {
      const G = uni.groups[g]!;
      a = { row: { region: G.region, class: G.class, tier: G.tier, population: 0, eligible: 0, probability: null, uniform: true, expected: ZERO, selected: 0 }, expected: new Map(), ps: new Map() };
      acc.set(g, a);
    }
    return a;
  };
  o.kinds.forEach((k, i) => {
    const n = count[i] ?? 0;
    if (!k.routine || !n) return;
    const a = row(k.group);
    a.row.population += n;
    countTimes(a.expected, k.expected, n);
    if (k.eligible) {
      a.row.eligible += n;
      countTimes(a.ps, k.p, n);
    }
  });
  for (const [g, n] of groupSelected) row(g).row.selected += n;
  for (const { row: r, expected, ps } of acc.values()) {
    r.expected = countedSum(expected);
    if (!ps.size) continue;
    r.probability = divBy(countedSum(ps), r.eligible);
    const [first] = ps.keys();
    r.uniform = [...ps.keys()].every((p) => eq(p, first!));
  }
  return sortRows([...acc.values()].map((a) => a.row), tiers);
}

export interface Aligned {
  uni: Universe;
  /** per quarter: its object numbers and group numbers in `uni` (null: its own are uni's) */
  ids: (Int32Array | null)[];
  groups: (number[] | null)[];
}

/**
 * The quarters' objects and groups under one numbering: the quarters' own universe when they
 * share one (a report), else a new one linking them by id (quarters computed apart).
 */
export function aligned(quarters: QuarterFairness[]): Aligned {
  const first = quarters[0]?.universe;
  if (!first || quarters.every((q) => q.universe === first)) return { uni: first ?? new Universe(), ids: quarters.map(() => null), groups: quarters.map(() => null) };
  const uni = new Universe();
  return {
    uni,
    ids: quarters.map((q) => uni.numbers(q.universe.ids.slice(0, q.objects.size))),
    groups: quarters.map((q) => q.universe.groups.map((g) => uni.group(g.region, g.class, g.tier))),
  };
}

/** Per kind of quarter qi: whether it is routine, and its group's number in the common numbering (loops read these, not the kinds). */
function kindTables(q: QuarterFairness, al: Aligned, qi: number): { routine: Uint8Array; group: Int32Array } {
  const groups = al.groups[qi];
  return {
    routine: Uint8Array.from(q.objects.kinds, (k) => (k.routine ? 1 : 0)),
    group: Int32Array.from(q.objects.kinds, (k) => (groups ? groups[k.group]! : k.group)),
  };
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

export function yearRows(quarters: QuarterFairness[], tiers: string[], all?: Sequences): YearRow[] {
  // per enterprise (common number) its sequence: its routine kinds quarter by quarter with its
  // selections in each. What a row needs is the sequence's: the group of its last routine kind
  // (the row), Σ expected and Σ selected; taken once per sequence, times its enterprises. `all`:
  // the sequences of every kind with their selections counted (yearSequences), of which the
  // routine steps are taken.
  const al = aligned(quarters);
  const tables = quarters.map((q, qi) => kindTables(q, al, qi));
  const seq = all ?? objectSequences(quarters, al, tables.map((t) => t.routine), false);
  const quarterProbability = quarters.map((q) => new Map(q.groups.map((x) => [groupKey(x), x.probability])));
  const rowOf = new Map<number, { row: YearRow; sums: Map<Frac, number> }>();
  const plus = pairMemo(add);
  seq.steps.forEach((everyStep, i) => {
    const steps = all ? everyStep.filter((st) => tables[st.q]!.routine[st.k]) : everyStep;
    if (!steps.length) return;
    const n = seq.count[i]!;
    const last = steps[steps.length - 1]!;
    const g = tables[last.q]!.group[last.k]!;
    let expected = quarters[steps[0]!.q]!.objects.kinds[steps[0]!.k]!.expected;
    let selected = steps[0]!.sel;
    for (let j = 1; j < steps.length; j++) {
      const st = steps[j]!;
      expected = plus(expected, quarters[st.q]!.objects.kinds[st.k]!.expected);
      selected += st.sel;
    }
    let r = rowOf.get(g);
    if (!r) {
      const G = al.uni.groups[g]!;
      const k = groupKey(G);
      r = {
        row: { region: G.region, class: G.class, tier: G.tier, population: 0, quarters: quarterProbability.map((m) => m.get(k) ?? null), expectedPerEnterprise: ZERO, actualPerEnterprise: ZERO, expected: ZERO, selected: 0 },
        sums: new Map(),
      };
      rowOf.set(g, r);
    }
    r.row.population += n;
    r.row.selected += n * selected;
    countTimes(r.sums, expected, n);
  });
  const rows = [...rowOf.values()];
  for (const { row, sums } of rows) {
    row.expected = countedSum(sums);
    row.expectedPerEnterprise = divBy(row.expected, row.population);
    row.actualPerEnterprise = frac(row.selected, row.population);
  }
  return sortRows(rows.map((r) => r.row), tiers);
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
export function tierRatios<R extends { region: string; class: ObjClass; tier: string | null }>(rows: readonly R[], tiers: string[], valueOf: (r: R) => Frac | null): TierRatio[] {
  const by = new Map<string, { region: string; class: ObjClass; vals: Map<string, Frac> }>();
  for (const r of rows) {
    const value = valueOf(r);
    if (r.tier === null || !value || value.n === 0n) continue;
    const k = `${r.region}\u0000${r.class}`;
    const e = by.get(k) ?? { region: r.region, class: r.class, vals: new Map() };
    e.vals.set(r.tier, value);
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

/**
 * Path steps: the path after a path (−1: none yet) and a step, keyed by one number in a Map (a
 * builtin: quick even from code that runs once, where a hash table written in JS is not), numbered
 * in order of first use. `steps` bounds the steps; a count beyond 63 is keyed apart.
 */
class PathSteps {
  private readonly byKey = new Map<number, number>();
  private readonly rare = new Map<string, number>();
  constructor(private readonly steps: number) {}

  /** The path after `from` with `step` and `times` (0–63 in the key), or −1. */
  get(from: number, step: number, times = 0): number {
    if (times > 63) return this.rare.get(`${from} ${step} ${times}`) ?? -1;
    return this.byKey.get(((from + 1) * this.steps + step) * 64 + times) ?? -1;
  }

  set(from: number, step: number, times: number, to: number): void {
    if (times > 63) this.rare.set(`${from} ${step} ${times}`, to);
    else this.byKey.set(((from + 1) * this.steps + step) * 64 + times, to);
  }
}

/** f(a, b) for fractions, once per pair of these very objects: sequences that share a beginning share its products and sums. */
function pairMemo(f: (a: Frac, b: Frac) => Frac): (a: Frac, b: Frac) => Frac {
  const memo = new Map<Frac, Map<Frac, Frac>>();
  return (a, b) => {
    let byB = memo.get(a);
    if (!byB) memo.set(a, (byB = new Map()));
    let r = byB.get(b);
    if (!r) byB.set(b, (r = f(a, b)));
    return r;
  };
}

/** One step of an enterprise's sequence: in quarter q (index into the quarters given), kind k, selected `sel` times (or 0/1). */
interface Step {
  q: number;
  k: number;
  sel: number;
}

/** The enterprises grouped by their sequence of steps over the quarters. */
export interface Sequences {
  /** each distinct sequence's steps, in quarter order (the quarters it was absent from left out) */
  steps: Step[][];
  /** how many enterprises have it */
  count: Int32Array;
  /** the sequence of each enterprise (by common number), −1 for none: made when asked for (the list) */
  of(): Int32Array;
}

/**
 * Every enterprise's sequence: its kind in each quarter (those `include` lets in) with its
 * selections there (`flag`: 1 when selected at all), the enterprises grouped by it. Each
 * enterprise gets one number whose digits are its steps (a digit per quarter, 0: absent), and
 * the numbers are counted; one addition per enterprise and quarter, one look-up per enterprise. When the digits do not fit in 52 bits (a long span of
 * quarters with many kinds), each enterprise's sequence is numbered step by step instead.
 */
export function objectSequences(quarters: readonly QuarterFairness[], al: Aligned, include: readonly Uint8Array[], flag: boolean): Sequences {
  const size = al.uni.size;
  // per quarter: selections (0 … most) per kind, the digit's base and its place value
  const S: number[] = [];
  const M: number[] = [];
  const P: number[] = [];
  let place = 1;
  for (const q of quarters) {
    const most = flag ? 1 : Math.max(1, q.objects.mostSelected);
    S.push(most + 1);
    M.push(q.objects.kinds.length * (most + 1) + 1);
    P.push(place);
    place *= M[M.length - 1]!;
  }
  if (place > 2 ** 52) return sequencesByStep(quarters, al, include, flag);
  // 32-bit digits where they fit: small integers, quicker to count
  const key = place <= 2 ** 31 ? new Int32Array(size) : new Float64Array(size);
  quarters.forEach((q, qi) => {
    const o = q.objects;
    const ids = al.ids[qi];
    const inc = include[qi]!;
    const s = S[qi]!;
    const p = P[qi]!;
    const kind = o.kind;
    const selected = o.selected;
    const n = o.size;
    for (let u = 0; u < n; u++) {
      const k = kind[u]!;
      if (k < 0 || !inc[k]) continue;
      const sel = selected[u]!;
      key[ids ? ids[u]! : u]! += (k * s + (flag ? (sel > 0 ? 1 : 0) : sel) + 1) * p;
    }
  });
  // counted in a Map (a builtin: quicker than sorting 100k numbers), in order of first enterprise
  const index = new Map<number, number>();
  const distinct: number[] = [];
  const counts: number[] = [];
  for (let v = 0; v < size; v++) {
    const x = key[v]!;
    if (x === 0) continue;
    const i = index.get(x);
    if (i === undefined) {
      index.set(x, distinct.length);
      distinct.push(x);
      counts.push(1);
    } else counts[i]!++;
  }
  const steps = distinct.map((x) => {
    const out: Step[] = [];
    let rest = x;
    for (let qi = quarters.length - 1; qi >= 0; qi--) {
      const digit = Math.floor(rest / P[qi]!);
      rest -= digit * P[qi]!;
      if (digit > 0) out.push({ q: qi, k: Math.floor((digit - 1) / S[qi]!), sel: (digit - 1) % S[qi]! });
    }
    return out.reverse();
  });
  const of = (): Int32Array => {
    const out = new Int32Array(size);
    for (let v = 0; v < size; v++) out[v] = key[v] === 0 ? -1 : index.get(key[v]!)!;
    return out;
  };
  return { steps, count: Int32Array.from(counts), of };
}

/** Per quarter, every one of its kinds let in. */
const everyKind = (quarters: readonly QuarterFairness[]): Uint8Array[] => quarters.map((q) => new Uint8Array(q.objects.kinds.length).fill(1));

/** The sequences of every kind of these quarters with the selections counted: what yearRows and neverInspected both read, made once for a year. */
export function yearSequences(quarters: readonly QuarterFairness[]): Sequences {
  return objectSequences(quarters, aligned(quarters as QuarterFairness[]), everyKind(quarters), false);
}

/** objectSequences numbering each enterprise's sequence step by step, in a Map (any number of quarters and kinds). */
export function sequencesByStep(quarters: readonly QuarterFairness[], al: Aligned, include: readonly Uint8Array[], flag: boolean): Sequences {
  const size = al.uni.size;
  const of = new Int32Array(size).fill(-1);
  const steps: Step[][] = [];
  const next = new PathSteps(quarters.reduce((n, q) => n + q.objects.kinds.length, 0));
  let base = 0;
  quarters.forEach((q, qi) => {
    const o = q.objects;
    const ids = al.ids[qi];
    const inc = include[qi]!;
    for (let u = 0; u < o.size; u++) {
      const k = o.kind[u]!;
      if (k < 0 || !inc[k]) continue;
      const v = ids ? ids[u]! : u;
      const sel = flag ? (o.selected[u]! > 0 ? 1 : 0) : o.selected[u]!;
      const from = of[v]!;
      let to = next.get(from, base + k, sel);
      if (to < 0) {
        to = steps.length;
        next.set(from, base + k, sel, to);
        steps.push([...(from < 0 ? [] : steps[from]!), { q: qi, k, sel }]);
      }
      of[v] = to;
    }
    base += o.kinds.length;
  });
  const count = new Int32Array(steps.length);
  for (let v = 0; v < size; v++) if (of[v]! >= 0) count[of[v]!]!++;
  // only the sequences some enterprise ends with
  const kept = steps.map((_, i) => i).filter((i) => count[i]! > 0);
  const renumber = new Int32Array(steps.length).fill(-1);
  kept.forEach((i, j) => (renumber[i] = j));
  for (let v = 0; v < size; v++) if (of[v]! >= 0) of[v] = renumber[of[v]!]!;
  return { steps: kept.map((i) => steps[i]!), count: Int32Array.from(kept, (i) => count[i]!), of: () => of };
}

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
export function neverInspected(quarters: QuarterFairness[], opts: { rows: boolean } = { rows: true }, all?: Sequences): { rows: NeverRow[] | null; summary: NeverSummary[] } {
  // per enterprise (common number) its sequence: the kinds it had quarter by quarter and whether
  // it was selected in each. What the figures need is the sequence's: Π stay, the group of its
  // last kind, whether it was ever selected; taken once per sequence, times its enterprises.
  // `all`: the same sequences with the selections counted (yearSequences).
  const al = aligned(quarters);
  const tables = quarters.map((q, qi) => kindTables(q, al, qi));
  const seq = all ?? objectSequences(quarters, al, everyKind(quarters), true);
  const stayOf = (st: Step) => quarters[st.q]!.objects.kinds[st.k]!.stay;
  const times = pairMemo(mul);
  const paths = seq.steps.map((steps) => {
    let chance = stayOf(steps[0]!);
    for (let i = 1; i < steps.length; i++) chance = times(chance, stayOf(steps[i]!));
    const last = steps[steps.length - 1]!;
    return { chance, quarters: steps.length, group: tables[last.q]!.group[last.k]!, last: last.q, selected: steps.some((st) => st.sel > 0) };
  });
  const flaggedPath = paths.map((p) => cmp(p.chance, REVIEW_BELOW) < 0);
  // by (region, class) of the last group: the enterprises counted by sequence, all and never selected
  const groups = al.uni.groups;
  const slots = new Map<string, { s: NeverSummary; chances: Map<Frac, number> }>();
  paths.forEach((p, pv) => {
    const n = seq.count[pv]!;
    const G = groups[p.group]!;
    const key = `${G.region}\u0000${G.class}`;
    let e = slots.get(key);
    if (!e) slots.set(key, (e = { s: { region: G.region, class: G.class, population: 0, never: 0, flagged: 0, expectedNever: ZERO }, chances: new Map() }));
    e.s.population += n;
    countTimes(e.chances, p.chance, n);
    if (p.selected) return;
    e.s.never += n;
    if (flaggedPath[pv]) e.s.flagged += n;
  });
  const summary = [...slots.values()].map((e) => {
    e.s.expectedNever = countedSum(e.chances);
    return e.s;
  });
  summary.sort((a, b) => compareBytes(a.region, b.region) || classIdx(a.class) - classIdx(b.class));
  if (!opts.rows) return { rows: null, summary };
  // the list: each never-selected enterprise with its name from its last quarter
  const rows: NeverRow[] = [];
  const numberIn = quarters.map((_, qi) => inverse(al.ids[qi] ?? null, quarters[qi]!.objects.size));
  const of = seq.of();
  for (let v = 0; v < al.uni.size; v++) {
    const pv = of[v]!;
    if (pv < 0 || paths[pv]!.selected) continue;
    const p = paths[pv]!;
    const G = groups[p.group]!;
    const q = quarters[p.last]!;
    const u = numberIn[p.last]!(v);
    rows.push({ id: al.uni.idOf(v), name: q.objects.names[u] ?? '', region: G.region, class: G.class, tier: G.tier, quarters: p.quarters, chance: p.chance, flagged: flaggedPath[pv]! });
  }
  rows.sort((a, b) => cmp(a.chance, b.chance) || compareBytes(a.region, b.region) || compareBytes(a.id, b.id));
  return { rows, summary };
}

/** A quarter's own number of common number v (its numbering `ids`, null: the same). */
function inverse(ids: Int32Array | null, size: number): (v: number) => number {
  if (!ids) return (v) => v;
  const back = new Map<number, number>();
  for (let u = 0; u < size; u++) back.set(ids[u]!, u);
  return (v) => back.get(v) ?? -1;
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
    const { stratum } = placesOf(st.ix);
    for (let i = 0; i < st.ix.u.length; i++) {
      const u = st.ix.u[i]!;
      if (st.pre[u] === stratum[i]) out[stratum[i]!]!.push(u);
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
    const k = o.kind[u]! >= 0 ? o.kinds[o.kind[u]!]! : null;
    if (k?.routine && k.eligible) byGroup.set(k.group, (byGroup.get(k.group) ?? 0) + (hits.get(q.universe.idOf(u)) ?? 0));
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
      ratios: tierRatios(groups, tiers, (g) => g.probability),
      perDraw: inRegion(f.perDraw),
    };
  });
  let year: FairnessReport['year'] = null;
  // a year whose never-inspected span is the year: the enterprises' sequences made once for both
  const sameSpan = input.period.kind === 'year' && span.length === quarters.length && span.every((q, i) => q === quarters[i]);
  const shared = sameSpan ? yearSequences(quarters.map((q) => qf.get(q)!)) : undefined;
  if (input.period.kind === 'year') {
    const rows = inRegion(yearRows(quarters.map((q) => qf.get(q)!), tiers, shared));
    year = { rows, ratios: tierRatios(rows, tiers, (r) => r.expectedPerEnterprise) };
  }
  const never = neverInspected(span.map((q) => qf.get(q)!), { rows: !input.summary }, shared);
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
