import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planStrata } from '../src/core/quotas.js';
import type { DrawRules, ObjClass, SnapObject } from '../src/core/types.js';
import { SPEC_VECTORS_DIR } from './helpers.js';

const base: DrawRules = {
  rates: { city: { special: 1000, key: 1000 }, county: { special: 5000, key: 2500, positive: 10000, general: 300 } },
  tiers: [{ code: 'A', pct: 50 }, { code: 'B', pct: 100 }, { code: 'C', pct: 150 }, { code: 'D', pct: 200 }, { code: 'E', pct: 300 }],
  tiered: ['special', 'key', 'general'],
  team: { size: 2, matchSpecialty: true, crossRegionAtCity: true, maxTasksPerInspector: 0 },
  method: { preferOffsite: true },
  experts: { industries: [] },
};

let seq = 0;
function objs(n: number, cls: ObjClass, tier: string | null, region = '131102'): SnapObject[] {
  return Array.from({ length: n }, () => ({
    id: `O${String(++seq).padStart(5, '0')}`, name: 'x', region, class: cls, tier, industry: '', offsite: false, excluded: null,
  }));
}
const brief = (s: ReturnType<typeof planStrata>) => s.map((x) => [x.region, x.class, x.tier, x.population, x.quota, x.classMinimum]);

describe('planStrata (draw-v1 §4) against hand-computed cases', () => {
  it('a tiny stratum is never exempt: N=1 at 10% → 1', () => {
    // city special rate 1000: T = min(1, ceilDiv(1*1000, 10000)) = 1; tier B: ceilDiv(1*1000*100, 1e6) = 1
    const s = planStrata('city', ['131100'], objs(1, 'special', 'B'), base);
    expect(brief(s)).toEqual([['131100', 'special', 'B', 1, 1, 1]]);
  });

  it('rounds the minimum up: N=41 key at 25% → T=11', () => {
    // untiered: T = ceilDiv(41*2500, 10000) = ceilDiv(102500, 10000) = 11 (10.25 → 11)
    const s = planStrata('county', ['131102'], objs(41, 'key', null), { ...base, tiered: [] });
    expect(brief(s)).toEqual([['131102', 'key', null, 41, 11, 11]]);
  });

  it('rounds up per tier and keeps a sum above T', () => {
    // 41 key objects all tier B at 25%: n_B = ceilDiv(41*2500*100, 1e6) = ceilDiv(10250000, 1e6) = 11 = T
    // 3 A + 3 E: T = ceilDiv(6*2500, 1e4) = 2; n_A = ceilDiv(3*2500*50, 1e6) = 1; n_E = min(3, ceilDiv(3*2500*300, 1e6)=3) = 3 → sum 4 > T, kept
    const s = planStrata('county', ['131102'], [...objs(3, 'key', 'A'), ...objs(3, 'key', 'E')], base);
    expect(brief(s)).toEqual([['131102', 'key', 'A', 3, 1, 2], ['131102', 'key', 'E', 3, 3, 2]]);
  });

  it('tops a deficit up from the highest-risk tier first', () => {
    // rate 2500, tiers A pct 10, B pct 20; 20 objects in each.
    // n_A = ceilDiv(20*2500*10, 1e6) = ceilDiv(500000, 1e6) = 1; n_B = ceilDiv(20*2500*20, 1e6) = 1; sum 2
    // T = ceilDiv(40*2500, 1e4) = 10; deficit 8 → B (last listed, highest risk) first, up to N_B = 20: n_B = 9; A stays 1
    const rules = { ...base, tiers: [{ code: 'A', pct: 10 }, { code: 'B', pct: 20 }] };
    const s = planStrata('county', ['131102'], [...objs(20, 'key', 'A'), ...objs(20, 'key', 'B')], rules);
    expect(brief(s)).toEqual([['131102', 'key', 'A', 20, 1, 10], ['131102', 'key', 'B', 20, 9, 10]]);
  });

  it('a full high-risk tier passes the deficit down; an empty tier is left out', () => {
    // tiers A 50, B 100, C 300; 8 A + 1 C (no B). T = ceilDiv(9*2500, 1e4) = 3.
    // n_A = ceilDiv(8*2500*50, 1e6) = ceilDiv(1000000, 1e6) = 1; n_C = min(1, ceilDiv(750000, 1e6) = 1) = 1; sum 2
    // deficit 1: C is full (1 of 1), B has none, A gets it → n_A = 2. B has no stratum.
    const rules = { ...base, tiers: [{ code: 'A', pct: 50 }, { code: 'B', pct: 100 }, { code: 'C', pct: 300 }] };
    const s = planStrata('county', ['131102'], [...objs(8, 'key', 'A'), ...objs(1, 'key', 'C')], rules);
    expect(brief(s)).toEqual([['131102', 'key', 'A', 8, 2, 3], ['131102', 'key', 'C', 1, 1, 3]]);
  });

  it('unrated objects are last, at multiplier 100', () => {
    // 4 unrated key at 25%: n = ceilDiv(4*2500*100, 1e6) = 1; 2 D: ceilDiv(2*2500*200, 1e6) = 1; T = ceilDiv(6*2500, 1e4) = 2
    const s = planStrata('county', ['131102'], [...objs(4, 'key', null), ...objs(2, 'key', 'D')], base);
    expect(brief(s)).toEqual([['131102', 'key', 'D', 2, 1, 2], ['131102', 'key', null, 4, 1, 2]]);
  });

  it('draws a 100% class whole, untiered', () => {
    const s = planStrata('county', ['131102'], objs(7, 'positive', 'A'), base);
    expect(brief(s)).toEqual([['131102', 'positive', null, 7, 7, 7]]);
  });

  it('does not draw a class with rate 0 or no rate at that level', () => {
    const rules = { ...base, rates: { ...base.rates, county: { ...base.rates.county, general: 0 } } };
    const o = [...objs(30, 'general', 'B'), ...objs(2, 'key', 'B')];
    expect(planStrata('county', ['131102'], o, rules).map((s) => s.class)).toEqual(['key']);
    // city level has no general/positive rate
    expect(planStrata('city', ['131100'], [...objs(5, 'positive', null), ...objs(5, 'general', 'A')], base)).toEqual([]);
  });

  it('orders strata by region, class, tier; city level is one region', () => {
    const o = [...objs(2, 'key', 'B', '131103'), ...objs(2, 'special', 'A', '131103'), ...objs(3, 'key', 'A', '131102')];
    expect(planStrata('county', ['131102', '131103'], o, base).map((s) => `${s.region}/${s.class}/${s.tier}`)).toEqual([
      '131102/key/A', '131103/special/A', '131103/key/B',
    ]);
    expect(planStrata('city', ['131100'], o, base).map((s) => `${s.region}/${s.class}/${s.tier}/${s.population}`)).toEqual([
      '131100/special/A/2', '131100/key/A/3', '131100/key/B/2',
    ]);
  });

  it('counts excluded objects in N', () => {
    const o = objs(4, 'key', null).map((x, i) => ({ ...x, excluded: i < 3 ? ('season' as const) : null }));
    expect(brief(planStrata('county', ['131102'], o, { ...base, tiered: [] }))).toEqual([['131102', 'key', null, 4, 1, 1]]);
  });
});

describe('planStrata against the spec vectors', () => {
  for (const f of readdirSync(SPEC_VECTORS_DIR).filter((x) => x.endsWith('.json')).sort()) {
    it(`gives the population and quota of every stratum of ${f}`, () => {
      const v = JSON.parse(readFileSync(join(SPEC_VECTORS_DIR, f), 'utf8'));
      const s = planStrata(v.draw.level, v.draw.regions, v.snapshot.objects, v.snapshot.rules);
      expect(s.map((x) => ({ region: x.region, class: x.class, tier: x.tier, population: x.population, quota: x.quota }))).toEqual(
        v.strata.map((x: { region: string; class: string; tier: string | null; population: number; quota: number }) => ({
          region: x.region, class: x.class, tier: x.tier, population: x.population, quota: x.quota,
        })),
      );
    });
  }
});
