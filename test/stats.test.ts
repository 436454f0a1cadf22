/**
 * Every figure of the statistics table against hand-made draws, tasks and results. Expected
 * numbers are counted by hand in the comments (domain.md, "How sj measures the targets").
 *
 * The quarter 2023Q2 of the main case:
 * - the city's routine draw (department-joint) picks A-s1 and A-k1 in 桃城区 and B-k1 in 冀州区;
 * - the counties' routine draw covers 桃城区 and 冀州区;
 * - a directional county draw (department-joint, 桃城区 and 冀州区) picks A-k4 in 桃城区 only.
 */
import { describe, expect, it } from 'vitest';
import {
  computeStats, publicationState, yuan,
  type StatsDraw, type StatsInput, type StatsResult, type StatsRow, type StatsTask,
} from '../src/core/stats.js';
import type { ObjClass } from '../src/core/types.js';
import { addDays } from '../src/core/workdays.js';

const C = '131100';
const A = '131102';
const B = '131103';

type X = Partial<StatsTask>;
/** a task of the city's routine draw: its region is the city, its object lies in `objectRegion` */
const cityTask = (taskNo: string, cls: ObjClass, objectId: string, objectRegion: string, x: X = {}): StatsTask => ({
  taskNo, drawId: '2023Q2-city-01', quarter: '2023Q2', level: 'city', drawKind: 'routine', region: C,
  objectId, objectRegion, class: cls, tier: 'B', method: 'onsite', joint: false, departmentJoint: false, sampled: true, ...x,
});
/** a task of the counties' routine draw; the positive list is a census (not sampled, no tier, off-site) */
const countyTask = (taskNo: string, region: string, cls: ObjClass, objectId: string, x: X = {}): StatsTask => ({
  taskNo, drawId: '2023Q2-county-01', quarter: '2023Q2', level: 'county', drawKind: 'routine', region,
  objectId, objectRegion: region, class: cls,
  tier: cls === 'positive' ? null : 'B', method: cls === 'positive' ? 'offsite' : 'onsite',
  joint: false, departmentJoint: false, sampled: cls !== 'positive', ...x,
});
const draw = (id: string, level: 'city' | 'county', regions: string[], departmentJoint: boolean, quarter = '2023Q2'): StatsDraw => ({
  id, quarter, level, regions, departmentJoint,
});
const res = (taskNo: string, date: string, outcome: string, x: Partial<StatsResult> = {}): StatsResult => ({
  taskNo, date, outcome, fineFen: 0, rectified: false, confidential: false, publishedOn: null, ...x,
});

const tasks: StatsTask[] = [
  // the city: 3 tasks, all sampled
  cityTask('c1', 'special', 'A-s1', A, { joint: true, tier: 'A' }),
  cityTask('c2', 'key', 'B-k1', B, { tier: null }), // unrated
  cityTask('c3', 'key', 'A-k1', A, { method: 'offsite', tier: 'C' }),
  // 桃城区: 5 routine tasks (no special of its own) + 1 directional
  countyTask('a1', A, 'key', 'A-k2', { joint: true }),
  countyTask('a2', A, 'key', 'A-k3', { tier: null }), // unrated
  countyTask('a3', A, 'positive', 'A-p1'),
  countyTask('a4', A, 'positive', 'A-p2'),
  countyTask('a5', A, 'general', 'A-g1', { joint: true, tier: 'D' }),
  countyTask('d1', A, 'key', 'A-k4', { drawId: '2023Q2-county-dj', drawKind: 'directional', tier: 'E', departmentJoint: true }),
  // 冀州区: 2 routine tasks
  countyTask('b1', B, 'special', 'B-s1', { tier: 'A' }),
  countyTask('b2', B, 'general', 'B-g1', { method: 'offsite' }),
];

const draws: StatsDraw[] = [
  draw('2023Q2-city-01', 'city', [C], true),
  draw('2023Q2-county-01', 'county', [A, B], false),
  draw('2023Q2-county-dj', 'county', [A, B], true),
];

// due = date + 28 days (a stand-in for 20 working days); today 2023-06-30
const results: StatsResult[] = [
  res('c1', '2023-04-10', '立案处罚', { fineFen: 1234567, rectified: true, publishedOn: '2023-04-20' }), // due 05-08: on time
  res('c2', '2023-04-11', '未发现问题', { publishedOn: '2023-05-20' }), // due 05-09: published late
  // c3: no result yet
  res('a1', '2023-04-12', '责令整改'), // due 05-10 < today: overdue
  res('a2', '2023-06-20', '发现问题'), // due 07-18 > today: pending
  res('a3', '2023-04-15', '移送', { confidential: true }), // confidential: not publishable, never overdue
  res('a4', '2023-04-15', '无法检查', { publishedOn: '2023-04-20' }),
  res('a5', '2023-04-16', '移送公安', { fineFen: 50000, rectified: true }), // due 05-14: overdue
  res('d1', '2023-05-02', '未发现问题', { publishedOn: '2023-05-30' }), // due 05-30: on the due date, on time
  res('b1', '2023-04-20', '立案处罚', { fineFen: 100, publishedOn: '2023-04-25' }),
  // b2: none; a result of a task not in the period (e.g. of a voided draw) is ignored
  res('x1', '2023-04-20', '立案处罚', { fineFen: 999999 }),
];

const input: StatsInput = {
  regions: [
    { code: C, name: '衡水市', level: 'city' },
    { code: A, name: '桃城区', level: 'county' },
    { code: B, name: '冀州区', level: 'county' },
  ],
  tasks,
  draws,
  creditScope: 'sampled',
  results,
  objects: {
    [C]: { special: 4, key: 14, positive: 2, general: 35 },
    [A]: { special: 2, key: 8, positive: 2, general: 20 },
    [B]: { special: 2, key: 6, positive: 0, general: 15 },
  },
  inspectors: { [C]: 3, [A]: 3, [B]: 4 },
  // T = min(N, ceil(N × rate)): city 10% of 4 special → 1, of 14 key → 2; 桃城区 50% of 2 → 1,
  // 25% of 8 → 2, positive 2, 3% of 20 → 1; 冀州区 50% of 2 → 1, 25% of 6 → 2, 3% of 15 → 1
  required: [
    { quarter: '2023Q2', region: C, required: { special: 1, key: 2, positive: 0, general: 0 } },
    { quarter: '2023Q2', region: A, required: { special: 1, key: 2, positive: 2, general: 1 } },
    { quarter: '2023Q2', region: B, required: { special: 1, key: 2, positive: 0, general: 1 } },
  ],
  today: '2023-06-30',
  publicationDue: (d) => addDays(d, 28),
};

const rowOf = (rows: StatsRow[], code: string): StatsRow => rows.find((r) => r.region === code)!;

describe('computeStats: every figure, hand-computed', () => {
  const rows = computeStats(input);
  const row = (code: string) => rowOf(rows, code);

  it('rows: city, counties in order, total last', () => {
    expect(rows.map((r) => [r.region, r.name, r.kind])).toEqual([
      [C, '衡水市', 'city'], [A, '桃城区', 'county'], [B, '冀州区', 'county'], ['total', '合计', 'total'],
    ]);
  });

  it('city row (市本级: the city-level draws)', () => {
    expect(row(C)).toEqual({
      region: C, name: '衡水市', kind: 'city',
      objects: { special: 4, key: 14, positive: 2, general: 35, total: 55 },
      inspectors: 3,
      required: { special: 1, key: 2, positive: 0, general: 0, total: 3 },
      drawn: { special: 1, key: 2, positive: 0, general: 0, total: 3 }, // A-s1; B-k1, A-k1
      credited: { special: 0, key: 0, positive: 0, general: 0, total: 0 }, // no city-level directional draw
      met: { special: true, key: true, positive: true, general: true },
      inspections: 3, onsite: 2, offsite: 1, // c3 off-site
      jointInternal: 1, jointInternalShare: 3333, // c1: 1/3
      jointDepartment: 1, // the city draw (department-joint)
      creditBased: 2, creditBasis: 3, creditBasedShare: 6666, // c1 A, c3 C; c2 unrated: 2/3
      inspected: 2, // c1, c2
      problems: 1, rectifyOrdered: 0, rectified: 1, cases: 1, // c1 立案处罚, rectified
      fineFen: 1234567, fineYuan: '12345.67',
      referrals: 0, criminalReferrals: 0,
      published: 2, // c1, and c2 (late, but published)
      publishable: 2, overdue: 0,
      publishedLate: 1, // c2
    });
  });

  it('桃城区 row: credited by the city pick (special) and a directional pick (key)', () => {
    expect(row(A)).toEqual({
      region: A, name: '桃城区', kind: 'county',
      objects: { special: 2, key: 8, positive: 2, general: 20, total: 32 },
      inspectors: 3,
      required: { special: 1, key: 2, positive: 2, general: 1, total: 6 },
      drawn: { special: 0, key: 2, positive: 2, general: 1, total: 5 }, // a1 a2 / a3 a4 / a5
      credited: { special: 1, key: 2, positive: 0, general: 0, total: 3 }, // c1 A-s1; c3 A-k1, d1 A-k4
      // special: 0 own + 1 credited ≥ 1 — met with no pick of its own
      met: { special: true, key: true, positive: true, general: true },
      inspections: 6, onsite: 4, offsite: 2, // a1 a2 a5 d1 / a3 a4 (the city's c1, c3 are in the city row)
      jointInternal: 2, jointInternalShare: 3333, // a1 a5: 2/6
      jointDepartment: 1, // the directional department-joint draw includes 桃城区
      // sampled: a1 a2 a5 d1 (a3 a4 are the positive-list census); rated: a1 B, a5 D, d1 E → 3/4
      creditBased: 3, creditBasis: 4, creditBasedShare: 7500,
      inspected: 6,
      problems: 4, // a1 责令整改, a2 发现问题, a3 移送, a5 移送公安 (a4 无法检查, d1 未发现问题 are not)
      rectifyOrdered: 1, // a1
      rectified: 1, // a5
      cases: 0,
      fineFen: 50000, fineYuan: '500.00',
      referrals: 1, // a3
      criminalReferrals: 1, // a5
      published: 2, // a4, d1
      publishable: 5, // all but a3 (confidential)
      overdue: 2, // a1 (due 05-10), a5 (due 05-14); a2 due 07-18; a3 confidential
      publishedLate: 0, // d1 published on its due date
    });
  });

  it('冀州区 row: key credited by the city, still short', () => {
    expect(row(B)).toEqual({
      region: B, name: '冀州区', kind: 'county',
      objects: { special: 2, key: 6, positive: 0, general: 15, total: 23 },
      inspectors: 4,
      required: { special: 1, key: 2, positive: 0, general: 1, total: 4 },
      drawn: { special: 1, key: 0, positive: 0, general: 1, total: 2 }, // b1, b2
      credited: { special: 0, key: 1, positive: 0, general: 0, total: 1 }, // c2 B-k1
      met: { special: true, key: false, positive: true, general: true }, // key 0 + 1 < 2
      inspections: 2, onsite: 1, offsite: 1,
      jointInternal: 0, jointInternalShare: 0,
      jointDepartment: 1, // the directional department-joint draw includes 冀州区, though it picked nothing there
      creditBased: 2, creditBasis: 2, creditBasedShare: 10000, // b1 A, b2 B
      inspected: 1, problems: 1, rectifyOrdered: 0, rectified: 0, cases: 1, // b1
      fineFen: 100, fineYuan: '1.00',
      referrals: 0, criminalReferrals: 0,
      published: 1, publishable: 1, overdue: 0, publishedLate: 0,
    });
  });

  it('合计: sums, except objects (the city once) and met (every row)', () => {
    expect(row('total')).toEqual({
      region: 'total', name: '合计', kind: 'total',
      objects: { special: 4, key: 14, positive: 2, general: 35, total: 55 }, // = city row, not 55+32+23
      inspectors: 10, // 3 + 3 + 4
      required: { special: 3, key: 6, positive: 2, general: 2, total: 13 },
      drawn: { special: 2, key: 4, positive: 2, general: 2, total: 10 }, // 3 + 5 + 2
      credited: { special: 1, key: 3, positive: 0, general: 0, total: 4 }, // 0 + 3 + 1
      met: { special: true, key: false, positive: true, general: true }, // 冀州区's key
      inspections: 11, onsite: 7, offsite: 4, // 3 + 6 + 2
      jointInternal: 3, jointInternalShare: 2727, // 3/11 = 27.27%
      jointDepartment: 3, // 1 + 1 + 1
      creditBased: 7, creditBasis: 9, creditBasedShare: 7777, // (2 + 3 + 2)/(3 + 4 + 2)
      inspected: 9, problems: 6, rectifyOrdered: 1, rectified: 2, cases: 2,
      fineFen: 1284667, fineYuan: '12846.67', // 1234567 + 50000 + 100 (x1 ignored)
      referrals: 1, criminalReferrals: 1,
      published: 5, publishable: 8, overdue: 2, publishedLate: 1,
    });
  });
});

describe('what counts toward a class minimum', () => {
  it('a county credited by the city pick meets its minimum with no own pick; without it, it misses', () => {
    // the city's special pick was in 冀州区 instead: 桃城区 has 0 specials, 冀州区 2 (b1 own, the city's credited)
    const moved = tasks.map((t) => (t.taskNo === 'c1' ? { ...t, objectId: 'B-s2', objectRegion: B } : t));
    const rows = computeStats({ ...input, tasks: moved });
    expect([rowOf(rows, A).drawn.special, rowOf(rows, A).credited.special, rowOf(rows, A).met.special]).toEqual([0, 0, false]);
    expect([rowOf(rows, B).drawn.special, rowOf(rows, B).credited.special, rowOf(rows, B).met.special]).toEqual([1, 1, true]);
    // the city's own figure does not move: its picks, wherever they lie
    expect(rowOf(rows, C).drawn.special).toBe(1);
  });

  it('in whatever order the draws came: the same figures with the tasks reversed', () => {
    const rows = computeStats({ ...input, tasks: [...tasks].reverse() });
    // as in the main case, by hand: 桃城区 own key A-k2 A-k3, credited A-s1 / A-k1 A-k4; 冀州区 credited B-k1
    expect([rowOf(rows, A).drawn.total, rowOf(rows, A).credited.special, rowOf(rows, A).credited.key]).toEqual([5, 1, 2]);
    expect([rowOf(rows, B).drawn.total, rowOf(rows, B).credited.key, rowOf(rows, B).met.key]).toEqual([2, 1, false]);
    expect(rowOf(rows, C).drawn.total).toBe(3);
  });

  it("a directional draw's pick counts (credited, not 实抽), for the county and at the city level", () => {
    // without d1, 桃城区's key: own 2, credited 1 (A-k1)
    const withoutD1 = computeStats({ ...input, tasks: tasks.filter((t) => t.taskNo !== 'd1') });
    expect([rowOf(withoutD1, A).drawn.key, rowOf(withoutD1, A).credited.key]).toEqual([2, 1]);
    // a city-level directional draw picking B-k2: the city counts it (credited), and so does 冀州区,
    // which now meets its key minimum (B-k1, B-k2 credited = 2)
    const cd1 = cityTask('cd1', 'key', 'B-k2', B, { drawId: '2023Q2-city-dir', drawKind: 'directional' });
    const rows = computeStats({ ...input, tasks: [...tasks, cd1] });
    expect([rowOf(rows, C).drawn.key, rowOf(rows, C).credited.key, rowOf(rows, C).inspections]).toEqual([2, 1, 4]);
    expect([rowOf(rows, B).drawn.key, rowOf(rows, B).credited.key, rowOf(rows, B).met.key]).toEqual([0, 2, true]);
    expect(rowOf(rows, B).inspections).toBe(2); // a city-level task stays in the city row
  });

  it('a substituted task counts its new object (and its county), not the replaced one', () => {
    // c3 first drew A-k1 (桃城区); substituted by B-k2 (冀州区)
    const sub = tasks.map((t) => (t.taskNo === 'c3' ? { ...t, objectId: 'B-k2', objectRegion: B } : t));
    const rows = computeStats({ ...input, tasks: sub });
    expect(rowOf(rows, A).credited.key).toBe(1); // only A-k4 (d1) left: own 2 + 1 ≥ 2 still met
    expect([rowOf(rows, B).credited.key, rowOf(rows, B).met.key]).toEqual([2, true]); // B-k1, B-k2
    expect(rowOf(rows, C).drawn.key).toBe(2); // the city's task is still one key inspection
  });

  it('distinct objects: an object picked by two draws counts once', () => {
    // a directional pick of A-k1 (already the city's) and one of A-k2 (already 桃城区's own)
    const again = [
      countyTask('d2', A, 'key', 'A-k1', { drawId: '2023Q2-county-dj', drawKind: 'directional' }),
      countyTask('d3', A, 'key', 'A-k2', { drawId: '2023Q2-county-dj', drawKind: 'directional' }),
    ];
    const rows = computeStats({ ...input, tasks: [...tasks, ...again] });
    const a = rowOf(rows, A);
    expect([a.drawn.key, a.credited.key]).toEqual([2, 2]); // unchanged: A-k2 A-k3 / A-k1 A-k4
    expect(a.inspections).toBe(8); // but both are inspections of 桃城区 (6 + 2)
    // an object picked by the city and by the county's routine draw (a v1 draw could) is 实抽, not credited
    const dup = countyTask('a6', A, 'special', 'A-s1');
    const rows2 = computeStats({ ...input, tasks: [...tasks, dup] });
    expect([rowOf(rows2, A).drawn.special, rowOf(rows2, A).credited.special]).toEqual([1, 0]);
  });

  it('a year: met is judged quarter by quarter, not on the sums; a Q1 pick credits only Q1', () => {
    const yearTasks: StatsTask[] = [
      countyTask('q1', B, 'key', 'B-k1', { quarter: '2023Q1', drawId: '2023Q1-county-01' }),
      countyTask('q2a', B, 'key', 'B-k2'),
      countyTask('q2b', B, 'key', 'B-k3'),
      countyTask('q2c', B, 'key', 'B-k4'),
      // the city picked B-k5 in Q1: credited in Q1 (1 + 1 = 2 ≥ 2) …
      cityTask('cq1', 'key', 'B-k5', B, { quarter: '2023Q1', drawId: '2023Q1-city-01' }),
    ];
    const required = (q1: number, q2: number) => [
      { quarter: '2023Q1', region: B, required: { special: 0, key: q1, positive: 0, general: 0 } },
      { quarter: '2023Q2', region: B, required: { special: 0, key: q2, positive: 0, general: 0 } },
    ];
    const met = computeStats({ ...input, tasks: yearTasks, results: [], draws: [], required: required(2, 3) });
    const b = rowOf(met, B);
    expect([b.required.key, b.drawn.key, b.credited.key, b.met.key]).toEqual([5, 4, 1, true]);
    // … but not in Q2: Q1 short (1 + 1 < 3) although the sums are 5 ≥ 5
    const short = rowOf(computeStats({ ...input, tasks: yearTasks, results: [], draws: [], required: required(3, 2) }), B);
    expect([short.required.key, short.drawn.key + short.credited.key, short.met.key]).toEqual([5, 5, false]);
    // Q2 needs 4: its 3 own picks fall short; the city's Q1 pick does not carry over
    expect(rowOf(computeStats({ ...input, tasks: yearTasks, results: [], draws: [], required: required(2, 4) }), B).met.key).toBe(false);
  });
});

describe('credit-based share: over sampled tasks, or all', () => {
  it('"all" puts the positive-list census in the denominator', () => {
    const rows = computeStats({ ...input, creditScope: 'all' });
    // 桃城区: rated a1 a5 d1 = 3 of all 6 (a3 a4 census, a2 unrated)
    expect([rowOf(rows, A).creditBased, rowOf(rows, A).creditBasis, rowOf(rows, A).creditBasedShare]).toEqual([3, 6, 5000]);
    // the city and 冀州区 have no census task: as with "sampled"
    expect([rowOf(rows, C).creditBased, rowOf(rows, C).creditBasis]).toEqual([2, 3]);
    expect([rowOf(rows, B).creditBased, rowOf(rows, B).creditBasis]).toEqual([2, 2]);
    // 合计: 7/11
    expect([rowOf(rows, 'total').creditBasis, rowOf(rows, 'total').creditBasedShare]).toEqual([11, 6363]);
  });

  it('a tier on a census task does not make it count under "sampled"', () => {
    const tiered = tasks.map((t) => (t.taskNo === 'a3' ? { ...t, tier: 'A' } : t));
    const a = rowOf(computeStats({ ...input, tasks: tiered }), A);
    expect([a.creditBased, a.creditBasis]).toEqual([3, 4]);
  });
});

describe('inter-department joint: draws, not tasks', () => {
  it('counts the department-joint draws of the row level that include the region', () => {
    // every task flagged department-joint, no draw marked: nothing counts
    const flagged = tasks.map((t) => ({ ...t, departmentJoint: true }));
    const none = computeStats({ ...input, tasks: flagged, draws: draws.map((d) => ({ ...d, departmentJoint: false })) });
    expect([C, A, B, 'total'].map((c) => rowOf(none, c).jointDepartment)).toEqual([0, 0, 0, 0]);
    // one county draw with three tasks in 桃城区 counts once; the city's draw counts for the city only;
    // a second department-joint draw for 冀州区 alone adds one there; another quarter's draw does not count
    const more = [
      ...draws,
      draw('2023Q2-county-dj2', 'county', [B], true),
      draw('2023Q3-county-dj', 'county', [A, B], true, '2023Q3'),
    ];
    const three = [
      ...tasks,
      countyTask('d4', A, 'general', 'A-g2', { drawId: '2023Q2-county-dj', drawKind: 'directional' }),
      countyTask('d5', A, 'general', 'A-g3', { drawId: '2023Q2-county-dj', drawKind: 'directional' }),
    ];
    const rows = computeStats({ ...input, tasks: three, draws: more });
    expect([C, A, B, 'total'].map((c) => rowOf(rows, c).jointDepartment)).toEqual([1, 1, 2, 4]);
  });
});

describe('publication', () => {
  const due = (d: string) => addDays(d, 28);
  const r = (x: Partial<StatsResult>) => res('t', '2023-04-10', '未发现问题', x); // due 2023-05-08

  it('publicationState: every state, the due date itself on time', () => {
    expect(publicationState(r({ confidential: true }), '2026-01-01', due)).toBe('confidential');
    expect(publicationState(r({ publishedOn: '2023-05-08' }), '2023-06-30', due)).toBe('published');
    expect(publicationState(r({ publishedOn: '2023-05-09' }), '2023-06-30', due)).toBe('published-late');
    expect(publicationState(r({}), '2023-05-08', due)).toBe('pending');
    expect(publicationState(r({}), '2023-05-09', due)).toBe('overdue');
  });

  it('a late publication stays late, however long after', () => {
    // overdue in 2023; published three years late: late, never "published" on time
    expect(publicationState(r({}), '2023-07-10', due)).toBe('overdue');
    expect(publicationState(r({ publishedOn: '2026-07-01' }), '2026-07-10', due)).toBe('published-late');
    const late = [res('c3', '2023-04-10', '未发现问题', { publishedOn: '2026-07-01' })];
    const c = rowOf(computeStats({ ...input, results: late, today: '2026-07-10' }), C);
    expect([c.published, c.overdue, c.publishedLate]).toEqual([1, 0, 1]);
  });
});

describe('a region with objects but no tasks', () => {
  it('zeros, shares null ("—"), minimums missed where something was required', () => {
    const rows = computeStats({ ...input, tasks: tasks.filter((t) => t.region !== B), results: [] });
    const b = rowOf(rows, B);
    expect([b.inspections, b.jointInternalShare, b.creditBasis, b.creditBasedShare, b.fineYuan]).toEqual([0, null, 0, null, '0.00']);
    // required special 1, key 2, general 1; the city's B-k1 still counts (the city task is kept)
    expect([b.drawn.total, b.credited.key]).toEqual([0, 1]);
    expect(b.met).toEqual({ special: false, key: false, positive: true, general: false });
  });
});

describe('number helpers', () => {
  it('yuan from fen, exact', () => {
    expect(yuan(0)).toBe('0.00');
    expect(yuan(5)).toBe('0.05');
    expect(yuan(1234500)).toBe('12345.00');
    expect(yuan(-250)).toBe('-2.50');
    expect(yuan(900719925474099)).toBe('9007199254740.99');
  });
});
