/**
 * A draw's members: the objects of its snapshot that fall in one of its strata, each with its
 * stratum, own county and exclusion — what the fairness figures read of a draw (fairness.ts), in
 * the form stored at draw time (io/draw-members.ts). Its own module, so that opening a database
 * (migration 11 computes members) does not load the fairness figures. Pure.
 */
import type { FairnessDraw, FairnessObject } from './fairness.js';
import type { ObjClass } from './types.js';

/**
 * Ids as UTF-8 bytes laid out as a JSON array of strings, `["a","b"]` (id i is the bytes from
 * idStart(ends, i) to ends[i]), and where each ends: how `sj fairness` numbers the 100k ids of
 * each draw's evidence, by comparing bytes, without making a string of each (issue 13; the
 * report reads the objects' own numbers instead). In snapshot order, that is code point order
 * (spec §7), which is byte order.
 */
export interface IdList {
  bytes: Uint8Array;
  /** the end offset (exclusive) in `bytes` of id i: its closing quote */
  ends: Uint32Array;
}

/** Where id i of a list starts: after `["`, or after the `","` that follows id i − 1. */
export const idStart = (ends: Uint32Array, i: number): number => (i > 0 ? ends[i - 1]! + 3 : 2);

const fromUtf8 = new TextDecoder();
const utf8 = new TextEncoder();

/** The UTF-8 length of a string (a lone surrogate as U+FFFD, 3 bytes, as TextEncoder writes it). */
function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/**
 * The ends of the ids in `json` = JSON.stringify(ids), whose UTF-8 is `jsonBytes` long; null
 * when an id needs an escape there (its bytes in the JSON are then not its UTF-8).
 */
export function jsonIdEnds(ids: readonly string[], json: string, jsonBytes: number): Uint32Array | null {
  if (json.includes('\\')) return null;
  const ascii = jsonBytes === json.length;
  const ends = new Uint32Array(ids.length);
  let at = 1;
  for (let i = 0; i < ids.length; i++) {
    // its opening quote and itself; then its closing quote and a comma
    at += 1 + (ascii ? ids[i]!.length : utf8Length(ids[i]!));
    ends[i] = at;
    at += 2;
  }
  return ends;
}

/** The ids as an IdList: their JSON text when no id needs an escape, else their UTF-8 written in that layout. */
export function idList(ids: readonly string[]): IdList {
  const json = JSON.stringify(ids);
  const bytes = utf8.encode(json);
  const ends = jsonIdEnds(ids, json, bytes.length);
  if (ends) return { bytes, ends };
  const raw = ids.map((id) => utf8.encode(id));
  const out = new Uint8Array(raw.reduce((n, r) => n + r.length + 3, 1));
  const rawEnds = new Uint32Array(ids.length);
  out.set([0x5b, 0x22]);
  let at = 2;
  raw.forEach((r, i) => {
    if (i > 0) {
      out.set([0x22, 0x2c, 0x22], at);
      at += 3;
    }
    out.set(r, at);
    rawEnds[i] = at += r.length;
  });
  out.set([0x22, 0x5d], at);
  return { bytes: out, ends: rawEnds };
}

/** Id i of the list. */
export function idAt(l: IdList, i: number): string {
  return fromUtf8.decode(l.bytes.subarray(idStart(l.ends, i), l.ends[i]!));
}

/**
 * The members as the objects' own numbers (objects.num, schema migration 11: the vid of an
 * object's first version), as draw_members stores them: the same number for the same object in
 * every draw, so a report numbers nothing. The ids themselves are the evidence's.
 */
export interface ObjectNums {
  nums: Uint32Array;
}

/** A draw's members' objects: their ids (strings, or UTF-8 in the IdList layout), or their numbers. */
export type MemberIds = readonly string[] | IdList | ObjectNums;

export const isIdList = (l: MemberIds): l is IdList => !Array.isArray(l) && 'ends' in l;
export const isObjectNums = (l: MemberIds): l is ObjectNums => !Array.isArray(l) && 'nums' in l;

/** How many members. */
export const idCount = (l: MemberIds): number => (isIdList(l) ? l.ends.length : isObjectNums(l) ? l.nums.length : (l as readonly string[]).length);

/** A draw's members: the snapshot objects that fall in one of its strata, in snapshot order. */
export interface DrawMembers {
  /** as strings (made from objects), or as the objects' numbers (read from draw_members) */
  ids: MemberIds;
  /**
   * Per member three numbers: its stratum (an index into the draw's strata), its own county (an
   * index into `regions`), and 0 when it is in the pool, else 1 + an index into `reasons`.
   */
  places: Uint16Array;
  regions: string[];
  reasons: string[];
  /**
   * the draw's selections that are members (all, for a draw sj made: a task's object is in its
   * stratum's pool), as member positions, ascending (an object in two tasks twice)
   */
  picks: Uint32Array;
}

type Placeable = Pick<FairnessObject, 'region' | 'class' | 'tier'>;

export type MemberSource = Pick<FairnessDraw, 'level' | 'regions' | 'rules' | 'strata'> & {
  objects: Iterable<Placeable & Pick<FairnessObject, 'id' | 'excluded'> & { name?: string }>;
  tasks: readonly { objectId: string }[];
  /**
   * the snapshot objects the draw selected, the very objects of `objects` (a draw just made):
   * found by identity, with no string hashed per member; checked against the tasks' count
   */
  picked?: ReadonlySet<object>;
  /** each object's own number (objects.num), in the order of `objects`: draw_members stores the members' */
  nums?: ArrayLike<number>;
};

/**
 * The stratum an object of the population belongs to (§4) as an index into d.strata, or
 * undefined when its class is not drawn at that level (or the draw has no such stratum; a
 * repeated stratum: the last). Found through region → class → tier maps: no key built per object.
 */
function stratumFinder(d: Pick<FairnessDraw, 'level' | 'regions' | 'rules' | 'strata'>): (o: Placeable) => number | undefined {
  const lookup = new Map<string, Map<ObjClass, Map<string | null, number>>>();
  d.strata.forEach((s, i) => {
    let byClass = lookup.get(s.region);
    if (!byClass) lookup.set(s.region, (byClass = new Map()));
    let byTier = byClass.get(s.class);
    if (!byTier) byClass.set(s.class, (byTier = new Map()));
    byTier.set(s.tier, i);
  });
  const rates = d.rules.rates[d.level] ?? {};
  const tiered = new Set(d.rules.tiered);
  const city = d.level === 'city' ? d.regions[0]! : undefined;
  return (o) => {
    if ((rates[o.class] ?? 0) <= 0) return undefined;
    return lookup.get(city ?? o.region)?.get(o.class)?.get(tiered.has(o.class) ? o.tier : null);
  };
}

/** Index of `v` in `list`, appended when new (first-seen order). */
function indexIn(list: string[], ix: Map<string, number>, v: string): number {
  let i = ix.get(v);
  if (i === undefined) {
    ix.set(v, (i = list.length));
    list.push(v);
  }
  return i;
}

/** The positions among the members of the tasks' objects that are members, ascending (the tasks are fewer: they are the map). */
function picksOf(ids: readonly string[], tasks: MemberSource['tasks']): Uint32Array {
  const times = new Map<string, number>();
  for (const t of tasks) times.set(t.objectId, (times.get(t.objectId) ?? 0) + 1);
  const out: number[] = [];
  for (let i = 0; i < ids.length && out.length < tasks.length; i++) {
    const n = times.get(ids[i]!);
    for (let k = 0; k < (n ?? 0); k++) out.push(i);
  }
  return Uint32Array.from(out);
}

export function membersOf(d: MemberSource, withNames: boolean): { members: DrawMembers; names: string[] | null; nums: Uint32Array | null } {
  const find = stratumFinder(d);
  const regions: string[] = [];
  const reasons: string[] = [];
  const regionIx = new Map<string, number>();
  const reasonIx = new Map<string, number>();
  const ids: string[] = [];
  const names: string[] | null = withNames ? [] : null;
  let places = new Uint16Array(3 * 4096);
  let j = 0;
  const picked: number[] = [];
  const allNums = d.nums;
  const nums = allNums ? new Uint32Array(allNums.length) : null;
  let at = -1;
  for (const o of d.objects) {
    at++;
    const s = find(o);
    if (s === undefined) continue;
    if (d.picked?.has(o)) picked.push(ids.length);
    if (nums) nums[ids.length] = allNums![at]!;
    ids.push(o.id);
    names?.push(o.name ?? '');
    if (j === places.length) {
      const grown = new Uint16Array(places.length * 2);
      grown.set(places);
      places = grown;
    }
    places[j++] = s;
    places[j++] = indexIn(regions, regionIx, o.region);
    places[j++] = o.excluded === null ? 0 : 1 + indexIn(reasons, reasonIx, o.excluded);
  }
  // 16 bits each: far above a province's strata (regions × classes × tiers), counties and reasons
  if (d.strata.length > 0x10000 || regions.length > 0x10000 || reasons.length >= 0xffff) throw new RangeError('draw members: more strata, regions or reasons than 16 bits hold');
  // the selections found by identity are all the tasks, or they are found by id
  const picks = d.picked && picked.length === d.tasks.length ? Uint32Array.from(picked) : picksOf(ids, d.tasks);
  if (allNums && allNums.length !== at + 1) throw new RangeError(`draw members: ${allNums.length} numbers for ${at + 1} objects`);
  return { members: { ids, places: places.subarray(0, j), regions, reasons, picks }, names, nums: nums && nums.subarray(0, ids.length) };
}

export const drawMembers = (d: MemberSource): DrawMembers => membersOf(d, false).members;
