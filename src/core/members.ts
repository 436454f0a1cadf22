/**
 * A draw's members: the objects of its snapshot that fall in one of its strata, each with its
 * stratum, own county and exclusion — what the fairness figures read of a draw (fairness.ts), in
 * the form stored at draw time (io/draw-members.ts). Its own module, so that opening a database
 * (migration 8 computes members) does not load the fairness figures. Pure.
 */
import type { FairnessDraw, FairnessObject } from './fairness.js';
import type { ObjClass } from './types.js';

/** A draw's members: the snapshot objects that fall in one of its strata, in snapshot order. */
export interface DrawMembers {
  ids: string[];
  /**
   * Per member three numbers: its stratum (an index into the draw's strata), its own county (an
   * index into `regions`), and 0 when it is in the pool, else 1 + an index into `reasons`.
   */
  places: Uint16Array;
  regions: string[];
  reasons: string[];
}

type Placeable = Pick<FairnessObject, 'region' | 'class' | 'tier'>;

export type MemberSource = Pick<FairnessDraw, 'level' | 'regions' | 'rules' | 'strata'> & {
  objects: Iterable<Placeable & Pick<FairnessObject, 'id' | 'excluded'> & { name?: string }>;
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

export function membersOf(d: MemberSource, withNames: boolean): { members: DrawMembers; names: string[] | null } {
  const find = stratumFinder(d);
  const regions: string[] = [];
  const reasons: string[] = [];
  const regionIx = new Map<string, number>();
  const reasonIx = new Map<string, number>();
  const ids: string[] = [];
  const names: string[] | null = withNames ? [] : null;
  let places = new Uint16Array(3 * 4096);
  let j = 0;
  for (const o of d.objects) {
    const s = find(o);
    if (s === undefined) continue;
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
  return { members: { ids, places: places.subarray(0, j), regions, reasons }, names };
}

export const drawMembers = (d: MemberSource): DrawMembers => membersOf(d, false).members;
