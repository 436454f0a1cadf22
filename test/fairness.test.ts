/**
 * sj fairness: exact probabilities checked against brute-force counting of every equally likely
 * outcome of small draws (not against the code under test), tier ratios, never-inspected chances,
 * inspector load, and end to end on the Hengshui fixtures: the database and the exported
 * evidence files give the same figures, the plan's figures before drawing equal the figures
 * after, and the simulation's intervals hold the exact probabilities.
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  fairnessDraw, fairnessFromPlan, fairnessReport, inspectorLoad, neverInspected, objectChance, quarterFairness, tierRatios, type DrawWithObjects, type FairnessDraw, type FairnessObject,
} from '../src/core/fairness.js';
import { decimalText, fracText } from '../src/core/fraction.js';
import { parseQuarter } from '../src/core/quarter.js';
import type { DrawRules, SnapObject } from '../src/core/types.js';
import { openDb } from '../src/io/db.js';
import { readEvidence } from '../src/io/evidence-store.js';
import { planFairness } from '../src/io/fairness-data.js';
import { App } from '../src/commands/app.js';
import { showPlanFairness } from '../src/commands/fairness.js';
import { run as sj } from './cli.js';
import { hengshuiDb, hengshuiTemplate } from './fixture-db.js';

// ---------------------------------------------------------------------------------------------
// brute force: enumerate every equally likely outcome and count

const gcd = (a: bigint, b: bigint): bigint => (b ? gcd(b, a % b) : a);
const reduce = (n: bigint, d: bigint) => {
  const g = gcd(n, d);
  return `${n / g}/${d / g}`.replace(/\/1$/, '');
};

function subsets<T>(xs: T[], k: number): T[][] {
  if (k === 0) return [[]];
  if (xs.length < k) return [];
  const [h, ...rest] = xs;
  return [...subsets(rest, k - 1).map((s) => [h!, ...s]), ...subsets(rest, k)];
}

interface BruteStratum {
  pool: string[];
  quota: number;
  /** credited by other draws before both (C0) */
  credited?: number;
}

/**
 * P(target selected) when draw 1 picks what is due (quota − credit) uniformly from each of its
 * strata, then draw 2 picks from each of its strata what is still due, uniformly from what is
 * left; `credit`: draw 1's picks count toward draw 2's quotas. Counted: every outcome of draw 1
 * is equally likely, and given it, every outcome of draw 2.
 */
function brute(first: BruteStratum[], second: BruteStratum[], credit: boolean, target: string): string {
  let outcomes: string[][] = [[]];
  for (const s of first) {
    const k = Math.min(Math.max(0, s.quota - (s.credited ?? 0)), s.pool.length);
    outcomes = outcomes.flatMap((o) => subsets(s.pool, k).map((x) => [...o, ...x]));
  }
  let num = 0n;
  let den = 1n;
  for (const o of outcomes) {
    // P(target | o) as hits / all over draw 2's equally likely outcomes
    let hits = 0n;
    let all = 1n;
    if (o.includes(target)) {
      hits = 1n;
    } else {
      hits = 0n;
      for (const s of second) {
        const left = s.pool.filter((x) => !o.includes(x));
        const taken = s.pool.length - left.length;
        const due = Math.max(0, s.quota - (s.credited ?? 0) - (credit ? taken : 0));
        const picks = subsets(left, Math.min(due, left.length));
        if (left.includes(target)) {
          hits = BigInt(picks.filter((x) => x.includes(target)).length);
          all = BigInt(picks.length);
        }
      }
    }
    // num/den += hits / (all · |outcomes|)
    const d = all * BigInt(outcomes.length);
    num = num * d + hits * den;
    den = den * d;
  }
  return reduce(num, den);
}

// ---------------------------------------------------------------------------------------------
// small draws written by hand

const RULES: Pick<DrawRules, 'rates' | 'tiers' | 'tiered'> = {
  rates: { city: { key: 1000 }, county: { key: 2500, general: 300 } },
  tiers: [],
  tiered: [],
};

const obj = (id: string, region: string, cls: FairnessObject['class'] = 'key', excluded: FairnessObject['excluded'] = null): FairnessObject =>
  ({ id, name: id, region, class: cls, tier: null, excluded });

function draw(d: Partial<DrawWithObjects> & Pick<DrawWithObjects, 'id' | 'level' | 'regions' | 'objects' | 'strata'>): FairnessDraw {
  return fairnessDraw({ quarter: '2023Q2', kind: 'routine', algorithm: 'sj-draw/2', order: 0, createdAt: '', rules: RULES, inspectors: [], tasks: [], ...d });
}

const CITY_POOL = ['a', 'b', 'c', 'd', 'e', 'f'];
// a draw's selections are fixed when it is made (its members' picks): give them here
type Extra = Partial<DrawWithObjects>;
const cityDraw = (selected: number, order = 1, extra: Extra = {}): FairnessDraw => draw({
  id: 'city', level: 'city', regions: ['C'], order, ...extra,
  objects: CITY_POOL.map((id) => obj(id, id < 'd' ? 'R1' : 'R2')),
  strata: [{ region: 'C', class: 'key', tier: null, population: 6, quota: selected, credited: 0, pool: 6, selected }],
});
/** R1 = {a, b, c} (+ g, general class, county only), R2 = {d, e, f} */
const countyDraw = (q1: number, q2: number, order = 2, algorithm: FairnessDraw['algorithm'] = 'sj-draw/2', extra: Extra = {}): FairnessDraw => draw({
  id: 'county', level: 'county', regions: ['R1', 'R2'], order, algorithm, ...extra,
  objects: [...CITY_POOL.map((id) => obj(id, id < 'd' ? 'R1' : 'R2')), obj('g', 'R1', 'general'), obj('h', 'R1', 'general'), obj('x', 'R1', 'general', 'season')],
  strata: [
    { region: 'R1', class: 'key', tier: null, population: 3, quota: q1, credited: 0, pool: 3, selected: q1 },
    { region: 'R1', class: 'general', tier: null, population: 3, quota: 1, credited: 0, pool: 2, selected: 1 },
    { region: 'R2', class: 'key', tier: null, population: 3, quota: q2, credited: 0, pool: 3, selected: q2 },
  ],
});

const chance = (draws: FairnessDraw[], id: string) => fracText(objectChance(quarterFairness('2023Q2', draws), id)!.p);

describe('exact probabilities, counted by hand', () => {
  it('city pick credited toward the county quota (sj-draw/2)', () => {
    // by hand: the city takes one of 6; a is taken by the city 1/6; the city takes b or c (2/6):
    // R1 is credited, due 0; the city takes d, e or f (3/6): R1 draws 1 of {a,b,c}: 1/3.
    // P(a) = 1/6 + 3/6 · 1/3 = 1/3
    expect(chance([cityDraw(1), countyDraw(1, 1)], 'a')).toBe('1/3');
    expect(brute([{ pool: CITY_POOL, quota: 1 }], [{ pool: ['a', 'b', 'c'], quota: 1 }, { pool: ['d', 'e', 'f'], quota: 1 }], true, 'a')).toBe('1/3');
  });

  it('no credit in sj-draw/1: the county draws its full quota from what is left', () => {
    // by hand: 1/6 (city) + 2/6 · 1/2 (city took b or c: 1 of the 2 left) + 3/6 · 1/3 = 1/2
    expect(chance([cityDraw(1), countyDraw(1, 1, 2, 'sj-draw/1')], 'a')).toBe('1/2');
    expect(brute([{ pool: CITY_POOL, quota: 1 }], [{ pool: ['a', 'b', 'c'], quota: 1 }, { pool: ['d', 'e', 'f'], quota: 1 }], false, 'a')).toBe('1/2');
  });

  it('larger draws agree with counting every outcome', () => {
    for (const [s1, q1, q2] of [[2, 1, 2], [3, 2, 1], [2, 2, 2], [4, 1, 3], [5, 2, 2]] as const) {
      const draws = [cityDraw(s1), countyDraw(q1, q2)];
      for (const id of ['a', 'e']) {
        expect(chance(draws, id), `${s1},${q1},${q2} ${id}`).toBe(
          brute([{ pool: CITY_POOL, quota: s1 }], [{ pool: ['a', 'b', 'c'], quota: q1 }, { pool: ['d', 'e', 'f'], quota: q2 }], true, id),
        );
      }
    }
  });

  it('counties first, then the city (not credited: drawn-by-county)', () => {
    const county = countyDraw(1, 2, 1);
    const city = cityDraw(2, 2);
    for (const id of ['a', 'd']) {
      expect(chance([county, city], id)).toBe(
        brute([{ pool: ['a', 'b', 'c'], quota: 1 }, { pool: ['d', 'e', 'f'], quota: 2 }], [{ pool: CITY_POOL, quota: 2 }], false, id),
      );
    }
  });

  it('a county-only class is quota/pool; an excluded object has no chance', () => {
    const q = quarterFairness('2023Q2', [cityDraw(1), countyDraw(1, 1)]);
    expect(fracText(objectChance(q, 'g')!.p)).toBe('1/2');
    expect(fracText(objectChance(q, 'x')!.p)).toBe('0');
    expect(objectChance(q, 'x')!.eligible).toBe(false);
    expect(objectChance(q, 'nobody')).toBeUndefined();
    const general = q.groups.find((g) => g.region === 'R1' && g.class === 'general')!;
    expect([general.population, general.eligible, fracText(general.probability!)]).toEqual([3, 2, '1/2']);
  });

  it('the tier ratio of the plan: E-tier key enterprises 6.0× as likely as A-tier ones', () => {
    // county key rate 25 %: A (×50 %) 8 objects → ceil(8·2500·50/10^6) = 1 of 8; E (×300 %) 4 objects → 3 of 4
    const rules = {
      rates: { county: { key: 2500 } }, tiers: [{ code: 'A', pct: 50 }, { code: 'B', pct: 100 }, { code: 'E', pct: 300 }], tiered: ['key'],
      team: { size: 2, matchSpecialty: false, crossRegionAtCity: true, maxTasksPerInspector: 0 }, method: { preferOffsite: false }, experts: { industries: [] },
    } as DrawRules;
    const so = (id: string, tier: string): SnapObject => ({ id, name: id, region: 'R1', class: 'key', tier, industry: '', offsite: false, excluded: null });
    const objects = [...Array.from({ length: 8 }, (_, i) => so(`A${i}`, 'A')), ...Array.from({ length: 4 }, (_, i) => so(`E${i}`, 'E'))];
    const q = fairnessFromPlan('2023Q2', [{ level: 'county', drawRegions: ['R1'], algorithm: 'sj-draw/2', rules, objects, inspectors: [] }]);
    expect(q.groups.map((g) => [g.tier, fracText(g.probability!)])).toEqual([['A', '1/8'], ['E', '3/4']]);
    const [ratio] = tierRatios(q.groups, q.tiers, (g) => g.probability);
    expect([ratio!.base, ratio!.top!.tier, fracText(ratio!.top!.ratio), decimalText(ratio!.top!.ratio, 1)]).toEqual(['A', 'E', '6', '6.0']);
  });
});

describe('directional draws and moves between quarters, counted by hand', () => {
  // R1 key {a, b, c}: the routine county draw takes 1 (c); a directional draw before it took a
  // from its pool {a, b} (c suspended there) and d (R1 general, county-only in this draw) from {d}
  const routine = draw({
    id: 'county', level: 'county', regions: ['R1'], order: 2,
    objects: [obj('a', 'R1'), obj('b', 'R1'), obj('c', 'R1')],
    strata: [{ region: 'R1', class: 'key', tier: null, population: 3, quota: 1, credited: 0, pool: 3, selected: 1 }],
    tasks: [{ objectId: 'c', inspectors: [] }],
  });
  const directional = draw({
    id: 'dir', level: 'county', regions: ['R1'], order: 1, kind: 'directional',
    objects: [obj('a', 'R1'), obj('b', 'R1'), obj('c', 'R1', 'key', 'suspended'), obj('d', 'R1', 'general')],
    strata: [
      { region: 'R1', class: 'key', tier: null, population: 3, quota: 1, credited: 0, pool: 2, selected: 1 },
      { region: 'R1', class: 'general', tier: null, population: 1, quota: 1, credited: 0, pool: 1, selected: 1 },
    ],
    tasks: [{ objectId: 'a', inspectors: [] }, { objectId: 'd', inspectors: [] }],
  });

  it('a stored place or pick that points outside its draw is an error, not a figure', () => {
    const bad = (d: FairnessDraw, at: number, v: number): FairnessDraw => {
      const places = Uint16Array.from(d.members.places);
      places[at] = v;
      return { ...d, members: { ...d.members, places } };
    };
    // member 1's stratum, county and reason, each one past the last
    const m = directional.members;
    for (const [at, v] of [[3, directional.strata.length], [4, m.regions.length], [5, m.reasons.length + 1]] as const) {
      expect(() => quarterFairness('2023Q2', [routine, bad(directional, at, v)]), `place ${at}`).toThrow(/member 1 of dir points outside the draw/);
    }
    const picks = Uint32Array.from([routine.members.picks[0]!, 99]);
    expect(() => quarterFairness('2023Q2', [{ ...routine, members: { ...routine.members, picks } }])).toThrow(/pick 1 of county points outside the draw/);
    // the places as stored: the figures
    expect(quarterFairness('2023Q2', [routine, directional]).objects.kinds.length).toBeGreaterThan(0);
  });

  it('adds a directional draw\'s selected/pool to the expected count of its pool only', () => {
    const q = quarterFairness('2023Q2', [routine, directional]);
    // a, b: 1/3 + 1/2 = 5/6 expected, stay (2/3)(1/2) = 1/3; c (not in the directional pool): 1/3, stay 2/3
    const f = (id: string) => { const o = objectChance(q, id)!; return [fracText(o.p), fracText(o.expected), fracText(o.stay), o.selected]; };
    expect([f('a'), f('b'), f('c')]).toEqual([['1/3', '5/6', '1/3', 1], ['1/3', '5/6', '1/3', 0], ['1/3', '1/3', '2/3', 1]]);
    // d is in no routine population: no group row, but picked (stay 0)
    expect(objectChance(q, 'd')!.routine).toBe(false);
    expect([fracText(objectChance(q, 'd')!.stay), objectChance(q, 'd')!.selected]).toEqual(['0', 1]);
    const key = q.groups.find((g) => g.class === 'key')!;
    expect([key.population, key.eligible, fracText(key.probability!), fracText(key.expected), key.selected]).toEqual([3, 3, '1/3', '2', 2]);
    expect(q.groups.some((g) => g.class === 'general')).toBe(false);
    // never inspected: only b; expected never = 1/3 + 1/3 + 2/3; d (general) was picked
    const never = neverInspected([q]);
    expect(never.rows!.map((x) => x.id)).toEqual(['b']);
    expect(never.summary.map((x) => [x.class, x.population, x.never, fracText(x.expectedNever)])).toEqual([['key', 3, 1, '4/3'], ['general', 1, 0, '0']]);
  });

  it('counts an enterprise that moved county in its last quarter\'s group', () => {
    // Q2: e is in R1 (after g, the first group seen); Q3: e has moved to R2
    const q2 = draw({
      id: 'q2', level: 'county', regions: ['R1'], order: 1,
      objects: [obj('g', 'R1', 'general'), obj('e', 'R1'), obj('k', 'R1')],
      strata: [
        { region: 'R1', class: 'general', tier: null, population: 1, quota: 1, credited: 0, pool: 1, selected: 1 },
        { region: 'R1', class: 'key', tier: null, population: 2, quota: 1, credited: 0, pool: 2, selected: 1 },
      ],
      tasks: [{ objectId: 'g', inspectors: [] }, { objectId: 'k', inspectors: [] }],
    });
    const q3 = { ...draw({
      id: 'q3', level: 'county', regions: ['R2'], order: 2,
      objects: [obj('e', 'R2'), obj('m', 'R2')],
      strata: [{ region: 'R2', class: 'key', tier: null, population: 2, quota: 1, credited: 0, pool: 2, selected: 1 }],
      tasks: [{ objectId: 'm', inspectors: [] }],
    }), quarter: '2023Q3' };
    const year = fairnessReport({ period: { kind: 'year', year: 2023 }, draws: [q2, q3] });
    // e: 1/2 + 1/2 expected over the year, counted in R2; k stays in R1
    expect(year.year!.rows.map((y) => [y.region, y.class, y.population, fracText(y.expected), y.selected]))
      .toEqual([['R1', 'key', 1, '1/2', 1], ['R1', 'general', 1, '1', 1], ['R2', 'key', 2, '3/2', 1]]);
    expect(year.never.summary.map((x) => [x.region, x.class, x.population, x.never, fracText(x.expectedNever)]))
      .toEqual([['R1', 'key', 1, 0, '1/2'], ['R1', 'general', 1, 0, '0'], ['R2', 'key', 2, 1, '3/4']]);
    // quarters computed apart are linked by id: the same
    const apart = neverInspected([quarterFairness('2023Q2', [q2]), quarterFairness('2023Q3', [q3])]);
    expect(apart.rows!.map((x) => [x.id, x.region, x.quarters, fracText(x.chance)])).toEqual([['e', 'R2', 2, '1/4']]);
  });
});

describe('never inspected and inspector load', () => {
  it('multiplies the chances of staying unselected over the quarters, and flags below 1 %', () => {
    // R1 general: 1 of {g, h} each quarter; g is selected in neither (h both times): (1/2)·(1/2) = 1/4
    const q2 = countyDraw(1, 1, 2, 'sj-draw/2', { tasks: [{ objectId: 'h', inspectors: ['i1', 'i2'] }] });
    const q3 = countyDraw(1, 1, 2, 'sj-draw/2', { id: 'county-q3', quarter: '2023Q3', tasks: [{ objectId: 'h', inspectors: ['i2', 'i1'] }] });
    const rows = neverInspected([quarterFairness('2023Q2', [q2]), quarterFairness('2023Q3', [q3])]).rows!;
    const g = rows.find((x) => x.id === 'g')!;
    expect([fracText(g.chance), g.quarters, g.flagged]).toEqual(['1/4', 2, false]);
    expect(rows.find((x) => x.id === 'h')).toBeUndefined();
    // the season-excluded x had no chance at all: certain to stay unselected, not flagged
    expect(fracText(rows.find((x) => x.id === 'x')!.chance)).toBe('1');
    // a near-certain pick missed: 1 of 101 stays out when 100 of 101 are drawn
    const big = draw({
      id: 'big', level: 'county', regions: ['R9'],
      objects: Array.from({ length: 101 }, (_, i) => obj(`o${i}`, 'R9')),
      strata: [{ region: 'R9', class: 'key', tier: null, population: 101, quota: 100, credited: 0, pool: 101, selected: 100 }],
      tasks: Array.from({ length: 100 }, (_, i) => ({ objectId: `o${i}`, inspectors: ['i1', 'i2'] })),
    });
    const two = neverInspected([quarterFairness('2023Q2', [big]), quarterFairness('2023Q3', [{ ...big, quarter: '2023Q3' }])]);
    expect(two.rows!.map((x) => [x.id, fracText(x.chance), x.flagged])).toEqual([['o100', '1/10201', true]]);
  });

  it('counts leader and member tasks, city cross-region tasks apart, min/median/max and idle inspectors', () => {
    const insp = [
      { id: 'c1', name: '市一', region: 'C' }, { id: 'k1', name: '县一', region: 'R1' }, { id: 'k2', name: '县二', region: 'R1' },
      { id: 'k3', name: '县三', region: 'R1' }, { id: 'k4', name: '县四', region: 'R1' },
    ];
    const city = cityDraw(1, 1, { inspectors: insp, tasks: [{ objectId: 'd', inspectors: ['c1', 'k1'] }] });
    const county = countyDraw(1, 1, 2, 'sj-draw/2', { inspectors: insp.slice(1), tasks: [{ objectId: 'a', inspectors: ['k1', 'k2'] }, { objectId: 'g', inspectors: ['k2', 'k1'] }] });
    const { inspectors, stats, idle } = inspectorLoad(['2023Q2'], [city, county]);
    const k1 = inspectors.find((i) => i.id === 'k1')!;
    expect([k1.own['2023Q2'], k1.city['2023Q2']]).toEqual([{ leader: 1, member: 1 }, { leader: 0, member: 1 }]);
    expect(inspectors.find((i) => i.id === 'c1')!.own['2023Q2']).toEqual({ leader: 1, member: 0 });
    const r1 = stats.find((s) => s.region === 'R1' && s.period === '2023Q2')!;
    // own tasks of k1..k4: 2, 2, 0, 0 → median 1; city: 1, 0, 0, 0
    expect([r1.inspectors, r1.min, fracText(r1.median), r1.max, r1.cityMax, r1.idle]).toEqual([4, 0, '1', 2, 1, 2]);
    expect(idle.map((i) => i.id)).toEqual(['k3', 'k4']);
  });
});

// ---------------------------------------------------------------------------------------------
// end to end on the Hengshui fixtures

const SEED = '3 1 4 1 5 9 2 6 5 3 5 8 9 7 9 3 2 3 8 4';
const DATE = '2023-04-03';

interface GroupJson { region: string; class: string; tier: string | null; eligible: number; selected: number; probability: { fraction: string; value: number } | null }

describe('sj fairness on the fixtures', () => {
  let dir = '';
  let path = '';
  let before: Map<string, string>;
  beforeAll(async () => {
    await hengshuiTemplate();
    ({ dir, path } = await hengshuiDb());
    // the plan's figures before drawing (same date as the draw)
    const db = openDb(path);
    const q = planFairness(db, { quarter: parseQuarter('2023Q2')!, date: DATE, counties: [] });
    before = new Map(q.groups.map((g) => [JSON.stringify([g.region, g.class, g.tier]), g.probability ? fracText(g.probability) : '']));
    db.close();
    const r = (await sj(['--db', path, 'draw', '--quarter', '2023Q2', '--date', DATE, '--seed', SEED, '--yes']));
    expect(r.status, r.stderr).toBe(0);
  }, 300_000);

  const json = async (args: string[], env: Record<string, string> = {}) => {
    const r = (await sj(['--db', path, 'fairness', ...args, '--json'], { env }));
    expect(r.status, r.stderr).toBe(0);
    return { doc: JSON.parse(r.stdout), raw: r.stdout, stderr: r.stderr };
  };

  it('gives each group its exact chance; the county-only classes are selected/pool of the county stratum', async () => {
    const { doc } = (await json(['--quarter', '2023Q2']));
    expect(doc.format).toBe('sj-fairness/1');
    const groups: GroupJson[] = doc.chance[0].groups;
    expect(groups.length).toBeGreaterThan(100);
    // read the county draw's strata straight from the database
    const db = new Database(path, { readonly: true });
    const ev = readEvidence(db, '2023Q2-county-01')!.body;
    const tasks = (db.prepare('SELECT COUNT(DISTINCT object_id) AS n FROM draw_tasks').get() as { n: number }).n;
    db.close();
    let checked = 0;
    for (const s of ev.strata as { region: string; class: string; tier: string | null; pool: number; selected: number }[]) {
      if (s.class !== 'general' && s.class !== 'positive') continue;
      const g = groups.find((x) => x.region === s.region && x.class === s.class && x.tier === s.tier)!;
      const gg = (a: number, b: number): number => (b ? gg(b, a % b) : a);
      const k = gg(s.selected, s.pool) || 1;
      expect(g.probability?.fraction, JSON.stringify(s)).toBe(s.pool ? (s.selected === s.pool ? '1' : `${s.selected / k}/${s.pool / k}`) : undefined);
      checked++;
    }
    expect(checked).toBeGreaterThan(50);
    // every probability is a probability; selections add up to the draws' tasks
    for (const g of groups) if (g.probability) expect(g.probability.value).toBeGreaterThanOrEqual(0), expect(g.probability.value).toBeLessThanOrEqual(1);
    expect(groups.reduce((n, g) => n + g.selected, 0)).toBe(tasks);
    // the E-tier vs A-tier sentence for 桃城区's key enterprises
    const ratio = doc.chance[0].ratios.find((r: { region: string; class: string }) => r.region === '131102' && r.class === 'key');
    expect(ratio.top.text).toMatch(/^桃城区·重点类：E 级企业被抽中的可能性是 A 级的 \d+\.\d 倍$/);
  });

  it('the plan before drawing shows the same exact figures as the draws made', async () => {
    const { doc } = (await json(['--quarter', '2023Q2']));
    const after = new Map<string, string>((doc.chance[0].groups as GroupJson[]).map((g) => [JSON.stringify([g.region, g.class, g.tier]), g.probability?.fraction ?? '']));
    expect(after.size).toBe(before.size);
    expect(after).toEqual(before);
  });

  it('gives identical figures from exported evidence files, without the database', async () => {
    const files: string[] = [];
    for (const id of ['2023Q2-city-01', '2023Q2-county-01']) {
      const out = join(dir, `${id}.evidence.json`);
      expect((await sj(['--db', path, 'draw', 'export', id, '--out', out])).status).toBe(0);
      files.push(out);
    }
    const fromDb = (await json(['--year', '2023', '--since', '2023Q1'])).raw;
    const r = (await sj(['--db', join(dir, 'absent.db'), 'fairness', '--year', '2023', '--since', '2023Q1', '--json', '--evidence', ...files.reverse()]));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(fromDb);
    expect(existsSync(join(dir, 'absent.db'))).toBe(false);
    // a file that is not evidence is refused, naming it
    const bad = (await sj(['fairness', '--quarter', '2023Q2', '--evidence', join(dir, 'sj.db')]));
    expect(bad.status).toBe(1);
  });

  it('the simulation (seeded) holds every exact probability inside its interval, and stores nothing', async () => {
    const db = new Database(path, { readonly: true });
    const ledger = (db.prepare('SELECT COUNT(*) AS n FROM ledger').get() as { n: number }).n;
    db.close();
    const { doc } = (await json(['--quarter', '2023Q2', '--simulate', '400', '--sim-seed', 'fixture']));
    const rows = doc.simulation.rows as { inside: boolean; exact: { value: number }; observed: number; trials: number }[];
    expect(doc.simulation.note).toMatch(/nothing stored/);
    expect(rows.length).toBeGreaterThan(100);
    for (const r of rows) expect(r.inside, JSON.stringify(r)).toBe(true);
    // the intervals are informative: the mixed city × county strata are not all certain
    expect(rows.filter((r) => r.exact.value > 0 && r.exact.value < 1).length).toBeGreaterThan(50);
    const db2 = new Database(path, { readonly: true });
    expect((db2.prepare('SELECT COUNT(*) AS n FROM ledger').get() as { n: number }).n).toBe(ledger);
    db2.close();
    const text = (await sj(['--db', path, 'fairness', '--quarter', '2023Q2', '--simulate', '50', '--sim-seed', 'fixture']));
    expect(text.stdout).toContain('仅作核对，未保存任何结果');
  });

  it('never inspected, inspector load and a region filter; text, xlsx and the chart', async () => {
    const { doc } = (await json(['--quarter', '2023Q2', '--region', '桃城区']));
    expect(new Set(doc.chance[0].groups.map((g: GroupJson) => g.region))).toEqual(new Set(['131102']));
    const never = doc.neverInspected.enterprises as { region: string; chance: { value: number } }[];
    expect(never.length).toBeGreaterThan(0);
    expect(never.every((x) => x.region === '131102' && x.chance.value > 0)).toBe(true);
    expect(doc.inspectorLoad.stats.every((s: { region: string }) => s.region === '131102')).toBe(true);

    const txt = (await sj(['--db', path, 'fairness', '--year', '2023']));
    expect(txt.status, txt.stderr).toBe(0);
    expect(txt.stdout).toContain('预期次数/家');
    expect(txt.stdout).toContain('执法人员任务量');
    const en = (await sj(['--db', path, '--lang', 'en', 'fairness', '--quarter', '2023Q2']));
    expect(en.stdout).toMatch(/Tancheng|桃城区/);
    expect(en.stdout).toContain('as likely to be inspected as');

    const out = join(dir, 'fair.xlsx');
    const x = (await sj(['--db', path, 'fairness', '--quarter', '2023Q2', '--out', out]));
    expect(x.status, x.stderr).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['抽中概率', '从未抽中', '人员任务量']);
    const svg = readFileSync(join(dir, 'fair.fairness.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect((svg.match(/<rect /g) ?? []).length).toBeGreaterThan(10);
  });

  it('sj plan --fairness view: the chances before drawing as text and JSON', async () => {
    const fresh = await hengshuiDb();
    const db = openDb(fresh.path);
    const app = new App();
    const printed: string[] = [];
    app.out = { ...app.out, data: (s: string) => void printed.push(s) };
    const req = { quarter: parseQuarter('2023Q2')!, date: DATE, counties: [] };
    showPlanFairness(app, db, { ...req, json: true });
    showPlanFairness(app, db, req);
    db.close();
    const doc = JSON.parse(printed[0]!);
    const map = new Map<string, string>(doc.groups.map((g: GroupJson) => [JSON.stringify([g.region, g.class, g.tier]), g.probability?.fraction ?? '']));
    expect(map).toEqual(before);
    expect(printed[1]).toContain('信用等级倍数');
  });

  it('sj plan --fairness through the CLI agrees with the figures before drawing', async () => {
    const fresh = await hengshuiDb();
    const r = (await sj(['--db', fresh.path, 'plan', '--quarter', '2023Q2', '--date', DATE, '--fairness', '--json']));
    expect(r.status, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    const map = new Map<string, string>(doc.groups.map((g: GroupJson) => [JSON.stringify([g.region, g.class, g.tier]), g.probability?.fraction ?? '']));
    expect(map).toEqual(before);
  });

  it('sj report --year carries the fairness sheet, section and chart (issue 18 §5)', async () => {
    const out = join(dir, 'annual.xlsx');
    const x = (await sj(['--db', path, 'report', '--year', '2023', '--out', out], { env: { SJ_NOW: '2024-01-05T10:00:00+08:00' } }));
    expect(x.status, x.stderr).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    const names = wb.worksheets.map((w) => w.name);
    expect(names.length).toBeGreaterThan(2); // the table, 校验信息, and the fairness sheets
    expect(existsSync(out.replace(/\.xlsx$/, '.fairness.svg'))).toBe(true);
    const j = (await sj(['--db', path, 'report', '--year', '2023', '--json'], { env: { SJ_NOW: '2024-01-05T10:00:00+08:00' } }));
    const doc = JSON.parse(j.stdout);
    // the same figures as sj fairness --year (which reads the evidence; the report reads the facts
    // stored at draw time), without the list of enterprises and the inspectors' load (issue 18 §5)
    const full = (await json(['--year', '2023'])).doc;
    expect(full.neverInspected.enterprises.length).toBeGreaterThan(0);
    expect(full.inspectorLoad.inspectors.length).toBeGreaterThan(0);
    const { inspectorLoad: _load, neverInspected: { enterprises: _list, ...never }, ...rest } = full;
    expect(doc.fairness).toEqual({ ...rest, neverInspected: never });
    expect(Object.keys(doc.fairness.neverInspected)).not.toContain('enterprises');
    const text = (await sj(['--db', path, 'report', '--year', '2023'], { env: { SJ_NOW: '2024-01-05T10:00:00+08:00' } }));
    expect(text.stdout).toContain('信用等级倍数');
  });

  it('usage errors exit 2', async () => {
    expect((await sj(['--db', path, 'fairness'])).status).toBe(2);
    expect((await sj(['--db', path, 'fairness', '--quarter', '2023Q2', '--since', '2024Q1'])).status).toBe(2);
    expect((await sj(['--db', path, 'fairness', '--quarter', '2023Q2', '--out', 'x.csv'])).status).toBe(2);
    expect((await sj(['--db', path, 'fairness', '--quarter', '2023Q3'])).status).toBe(1); // no draws yet
  });
});
