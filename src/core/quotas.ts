/**
 * Quota arithmetic of §4 (the same in sj-draw/1 and sj-draw/2): the one implementation used by
 * `sj plan`, `sj draw`, `sj report` and `sj check`. Pure: no I/O, no clock, integers only.
 */
import { classMinimum, tierQuota } from './arith.js';
import { compareBytes } from './canonical.js';
import { CLASSES, type DrawRules, type Level, type ObjClass, type SnapObject } from './types.js';

export interface PlannedStratum<O extends SnapObject = SnapObject> {
  region: string;
  class: ObjClass;
  tier: string | null;
  /** N_t: objects of the stratum, excluded ones included */
  population: number;
  quota: number;
  /** the objects of the stratum (population), in input order */
  objects: O[];
  /** the plan's minimum T for the whole (region, class), repeated on each of its strata */
  classMinimum: number;
  /** N for the whole (region, class) */
  classPopulation: number;
}

/** Rate in basis points for a level and class; 0 when the class is not drawn there. */
export function rateOf(rules: DrawRules, level: Level, cls: ObjClass): number {
  const r = rules.rates[level]?.[cls];
  return typeof r === 'number' ? r : 0;
}

/** Region of a stratum an object belongs to: the city code at city level, its county otherwise. */
export function strataRegion(level: Level, drawRegions: readonly string[], o: SnapObject): string {
  return level === 'city' ? drawRegions[0]! : o.region;
}

/**
 * Split a population into strata with quotas (§4). Strata are ordered by region (bytewise),
 * class (special, key, positive, general), tier (rules order, null last); empty strata are left out.
 */
export function planStrata<O extends SnapObject>(
  level: Level,
  drawRegions: readonly string[],
  objects: readonly O[],
  rules: DrawRules,
): PlannedStratum<O>[] {
  // group by region, class
  const groups = new Map<string, Map<ObjClass, O[]>>();
  for (const o of objects) {
    const r = strataRegion(level, drawRegions, o);
    let byClass = groups.get(r);
    if (!byClass) groups.set(r, (byClass = new Map()));
    let list = byClass.get(o.class);
    if (!list) byClass.set(o.class, (list = []));
    list.push(o);
  }
  const out: PlannedStratum<O>[] = [];
  const regions = [...groups.keys()].sort(compareBytes);
  const tierCodes = rules.tiers.map((t) => t.code);
  for (const r of regions) {
    const byClass = groups.get(r)!;
    for (const c of CLASSES) {
      const members = byClass.get(c);
      const rate = rateOf(rules, level, c);
      if (!members || members.length === 0 || rate <= 0) continue;
      const N = members.length;
      const T = classMinimum(N, rate);
      if (!rules.tiered.includes(c)) {
        out.push({ region: r, class: c, tier: null, population: N, quota: T, objects: members, classMinimum: T, classPopulation: N });
        continue;
      }
      // split by tier: rules order, then unrated (multiplier 100)
      const byTier = new Map<string | null, O[]>();
      for (const code of tierCodes) byTier.set(code, []);
      byTier.set(null, []);
      for (const o of members) {
        const list = byTier.get(o.tier);
        if (!list) throw new Error(`object ${o.id}: tier ${String(o.tier)} is not one of the rules' tiers`);
        list.push(o);
      }
      const order: { tier: string | null; pct: number }[] = [
        ...rules.tiers.map((t) => ({ tier: t.code as string | null, pct: t.pct })),
        { tier: null, pct: 100 },
      ];
      const n = new Map<string | null, number>();
      let sum = 0;
      for (const { tier, pct } of order) {
        const Nt = byTier.get(tier)!.length;
        const nt = tierQuota(Nt, rate, pct);
        n.set(tier, nt);
        sum += nt;
      }
      let deficit = T - sum;
      if (deficit > 0) {
        const topUp = [...rules.tiers.map((t) => t.code as string | null).reverse(), null];
        for (const tier of topUp) {
          if (deficit <= 0) break;
          const Nt = byTier.get(tier)!.length;
          const add = Math.min(deficit, Nt - n.get(tier)!);
          if (add > 0) {
            n.set(tier, n.get(tier)! + add);
            deficit -= add;
          }
        }
      }
      for (const { tier } of order) {
        const list = byTier.get(tier)!;
        if (list.length === 0) continue;
        out.push({ region: r, class: c, tier, population: list.length, quota: n.get(tier)!, objects: list, classMinimum: T, classPopulation: N });
      }
    }
  }
  return out;
}

/** A class drawn at every object every quarter at this level (rate 10000: the positive list at county level). */
export const isCensus = (rules: DrawRules, level: Level, cls: ObjClass): boolean => rateOf(rules, level, cls) >= 10000;

/** Distinct-object count of a (region, class) population to its minimum, with this level's rate. */
export const requiredOf = (rules: DrawRules, level: Level, cls: ObjClass, population: number): number =>
  classMinimum(population, rateOf(rules, level, cls));
