/**
 * How an import reads a region cell: a code or a name as Regions.find knows them, or a
 * bureau's own name for it (衡水市生态环境局桃城区分局 → 桃城区).
 */
import type { ConvertCtx } from '../core/roster-fields.js';
import type { Regions } from './regions.js';

type Hit = { code: string; level: 'city' | 'county' } | undefined;

/** A region resolver for import: Regions.find, then the 分局/生态环境局 forms; memoised per text. */
export function regionResolver(regions: Regions): ConvertCtx['region'] {
  const cache = new Map<string, Hit>();
  const cityName = regions.city.name;
  const cityShort = cityName.replace(/市$/u, '');
  const prefixes = [`${cityName}生态环境局`, `${cityShort}市生态环境局`, '市生态环境局', cityName, cityShort];
  return (s: string) => {
    if (cache.has(s)) return cache.get(s);
    let hit: Hit;
    for (const x of candidates(s, prefixes)) {
      const r = x ? regions.find(x) : undefined;
      if (r) {
        hit = { code: r.code, level: r.level };
        break;
      }
    }
    cache.set(s, hit);
    return hit;
  };
}

/** The texts to look up, in order: as written, without the city's bureau prefix, without 分局. */
function candidates(s: string, prefixes: string[]): string[] {
  let v = s.replace(/[\s\u3000]/gu, '');
  for (const p of prefixes) {
    if (v.startsWith(p) && v.length > p.length) {
      v = v.slice(p.length);
      break;
    }
  }
  const noBranch = v.replace(/(生态环境)?分局$/u, '');
  return [s, v, noBranch, noBranch.replace(/^(生态环境局)/u, '')];
}
