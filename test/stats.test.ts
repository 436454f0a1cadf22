/**
 * Every figure of the statistics table against hand-made tasks and results. Expected numbers
 * are worked out by hand in the comments.
 */
import { describe, expect, it } from 'vitest';
import { bpText, computeStats, shareBp, yuan, type StatsInput, type StatsResult, type StatsRow, type StatsTask } from '../src/core/stats.js';
import { addDays } from '../src/core/workdays.js';

const C = '131100';
const A = '131102';
const B = '131103';

type T = Partial<StatsTask> & Pick<StatsTask, 'taskNo' | 'class'>;
const task = (level: 'city' | 'county', region: string, x: T): StatsTask => ({
  quarter: '2023Q2', level, region, method: 'onsite', joint: false, departmentJoint: false, creditBased: false, ...x,
});
const res = (taskNo: string, date: string, outcome: string, x: Partial<StatsResult> = {}): StatsResult => ({
  taskNo, date, outcome, fineFen: 0, rectified: false, confidential: false, publishedOn: null, ...x,
});

const tasks: StatsTask[] = [
  // city: 3 tasks
  task('city', C, { taskNo: 'c1', class: 'special', joint: true, creditBased: true }),
  task('city', C, { taskNo: 'c2', class: 'key', creditBased: true, departmentJoint: true }),
  task('city', C, { taskNo: 'c3', class: 'key', method: 'offsite', creditBased: true }),
  // 桃城区: 5 tasks
  task('county', A, { taskNo: 'a1', class: 'special', joint: true, creditBased: true }),
  task('county', A, { taskNo: 'a2', class: 'key', creditBased: true }),
  task('county', A, { taskNo: 'a3', class: 'positive', method: 'offsite' }),
  task('county', A, { taskNo: 'a4', class: 'positive', method: 'offsite' }),
  task('county', A, { taskNo: 'a5', class: 'general', joint: true, creditBased: true, departmentJoint: true }),
  // 冀州区: 2 tasks
  task('county', B, { taskNo: 'b1', class: 'key', creditBased: true }),
  task('county', B, { taskNo: 'b2', class: 'general', method: 'offsite', creditBased: true }),
];

const results: StatsResult[] = [
  res('c1', '2023-04-10', '立案处罚', { fineFen: 1234567, rectified: true, publishedOn: '2023-04-20' }),
  res('c2', '2023-04-11', '未发现问题', { publishedOn: '2023-05-01' }),
  // c3: no result yet
  res('a1', '2023-04-12', '责令整改'), // due 2023-05-10 (+28 days) < today: overdue
  res('a2', '2023-06-20', '发现问题'), // due 2023-07-18 > today: not yet overdue
  res('a3', '2023-04-15', '移送', { confidential: true }), // confidential: not publishable, never overdue
  res('a4', '2023-04-15', '无法检查', { publishedOn: '2023-04-20' }),
  res('a5', '2023-04-16', '移送公安', { fineFen: 50000, rectified: true }), // overdue
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
  results,
  objects: {
    [C]: { special: 4, key: 14, positive: 2, general: 35 },
    [A]: { special: 2, key: 8, positive: 1, general: 20 },
    [B]: { special: 2, key: 6, positive: 1, general: 15 },
  },
  inspectors: { [C]: 3, [A]: 3, [B]: 4 },
  required: [
    { quarter: '2023Q2', region: C, required: { special: 1, key: 2, positive: 0, general: 0 } },
    { quarter: '2023Q2', region: A, required: { special: 1, key: 2, positive: 2, general: 1 } },
    { quarter: '2023Q2', region: B, required: { special: 1, key: 1, positive: 0, general: 1 } },
  ],
  today: '2023-06-30',
  // a simple stand-in for "20 working days": 28 calendar days
  publicationDue: (d) => addDays(d, 28),
};

describe('computeStats: every figure, hand-computed', () => {
  const rows = computeStats(input);
  const row = (code: string): StatsRow => rows.find((r) => r.region === code)!;

  it('rows: city, counties in order, total last', () => {
    expect(rows.map((r) => [r.region, r.name, r.kind])).toEqual([
      [C, '衡水市', 'city'], [A, '桃城区', 'county'], [B, '冀州区', 'county'], ['total', '合计', 'total'],
    ]);
  });

  it('city row (市本级: the city-level tasks)', () => {
    expect(row(C)).toEqual({
      region: C, name: '衡水市', kind: 'city',
      objects: { special: 4, key: 14, positive: 2, general: 35, total: 55 },
      inspectors: 3,
      required: { special: 1, key: 2, positive: 0, general: 0, total: 3 },
      drawn: { special: 1, key: 2, positive: 0, general: 0, total: 3 },
      met: { special: true, key: true, positive: true, general: true },
      inspections: 3, onsite: 2, offsite: 1, // c3 off-site
      jointInternal: 1, jointInternalShare: 3333, // 1/3 = 33.33% floored
      jointDepartment: 1, // c2
      creditBased: 3, creditBasedShare: 10000,
      inspected: 2, // c1, c2
      problems: 1, rectifyOrdered: 0, rectified: 1, cases: 1, // c1 立案处罚, rectified
      fineFen: 1234567, fineYuan: '12345.67',
      referrals: 0, criminalReferrals: 0,
      published: 2, publishable: 2, overdue: 0,
    });
  });

  it('桃城区 row', () => {
    expect(row(A)).toEqual({
      region: A, name: '桃城区', kind: 'county',
      objects: { special: 2, key: 8, positive: 1, general: 20, total: 31 },
      inspectors: 3,
      required: { special: 1, key: 2, positive: 2, general: 1, total: 6 },
      drawn: { special: 1, key: 1, positive: 2, general: 1, total: 5 },
      met: { special: true, key: false, positive: true, general: true }, // key 1 < 2
      inspections: 5, onsite: 3, offsite: 2, // a1 a2 a5 / a3 a4
      jointInternal: 2, jointInternalShare: 4000, // a1 a5: 2/5
      jointDepartment: 1, // a5
      creditBased: 3, creditBasedShare: 6000, // a1 a2 a5: 3/5
      inspected: 5,
      problems: 4, // a1 责令整改, a2 发现问题, a3 移送, a5 移送公安 (a4 无法检查 is not a problem)
      rectifyOrdered: 1, // a1
      rectified: 1, // a5
      cases: 0,
      fineFen: 50000, fineYuan: '500.00',
      referrals: 1, // a3
      criminalReferrals: 1, // a5
      published: 1, // a4
      publishable: 4, // all but a3 (confidential)
      overdue: 2, // a1 (due 05-10), a5 (due 05-14); a2 due 07-18; a3 confidential; a4 published
    });
  });

  it('冀州区 row', () => {
    expect(row(B)).toEqual({
      region: B, name: '冀州区', kind: 'county',
      objects: { special: 2, key: 6, positive: 1, general: 15, total: 24 },
      inspectors: 4,
      required: { special: 1, key: 1, positive: 0, general: 1, total: 3 },
      drawn: { special: 0, key: 1, positive: 0, general: 1, total: 2 },
      met: { special: false, key: true, positive: true, general: true }, // special 0 < 1
      inspections: 2, onsite: 1, offsite: 1,
      jointInternal: 0, jointInternalShare: 0,
      jointDepartment: 0,
      creditBased: 2, creditBasedShare: 10000,
      inspected: 1, problems: 1, rectifyOrdered: 0, rectified: 0, cases: 1,
      fineFen: 100, fineYuan: '1.00',
      referrals: 0, criminalReferrals: 0,
      published: 1, publishable: 1, overdue: 0,
    });
  });

  it('合计: sums, except objects (the city once) and met (every row)', () => {
    expect(row('total')).toEqual({
      region: 'total', name: '合计', kind: 'total',
      objects: { special: 4, key: 14, positive: 2, general: 35, total: 55 }, // = city row, not 55+31+24
      inspectors: 10, // 3 + 3 + 4
      required: { special: 3, key: 5, positive: 2, general: 2, total: 12 },
      drawn: { special: 2, key: 4, positive: 2, general: 2, total: 10 },
      met: { special: false, key: false, positive: true, general: true },
      inspections: 10, onsite: 6, offsite: 4,
      jointInternal: 3, jointInternalShare: 3000,
      jointDepartment: 2,
      creditBased: 8, creditBasedShare: 8000,
      inspected: 8, problems: 6, rectifyOrdered: 1, rectified: 2, cases: 2,
      fineFen: 1284667, fineYuan: '12846.67', // 1234567 + 50000 + 100 (x1 ignored)
      referrals: 1, criminalReferrals: 1,
      published: 4, publishable: 7, overdue: 2,
    });
  });

  it('a region without tasks: zeros, shares null', () => {
    const r = computeStats({ ...input, tasks: [], results: [] });
    const b = r.find((x) => x.region === B)!;
    expect(b.inspections).toBe(0);
    expect(b.jointInternalShare).toBeNull();
    expect(b.creditBasedShare).toBeNull();
    expect(b.fineYuan).toBe('0.00');
    // nothing drawn against required numbers: not met
    expect(b.met).toEqual({ special: false, key: false, positive: true, general: false });
  });

  it('a year: met is judged quarter by quarter, not on the sums', () => {
    const yearTasks: StatsTask[] = [
      task('county', B, { taskNo: 'q1', class: 'key', quarter: '2023Q1' }),
      task('county', B, { taskNo: 'q2a', class: 'key' }),
      task('county', B, { taskNo: 'q2b', class: 'key' }),
      task('county', B, { taskNo: 'q2c', class: 'key' }),
    ];
    const r = computeStats({
      ...input, tasks: yearTasks, results: [],
      required: [
        { quarter: '2023Q1', region: B, required: { special: 0, key: 2, positive: 0, general: 0 } },
        { quarter: '2023Q2', region: B, required: { special: 0, key: 1, positive: 0, general: 0 } },
      ],
    });
    const b = r.find((x) => x.region === B)!;
    expect(b.required.key).toBe(3);
    expect(b.drawn.key).toBe(4); // 4 >= 3 in sum …
    expect(b.met.key).toBe(false); // … but Q1 drew 1 of 2
  });
});

describe('number helpers', () => {
  it('yuan from fen, exact', () => {
    expect(yuan(0)).toBe('0.00');
    expect(yuan(5)).toBe('0.05');
    expect(yuan(1234500)).toBe('12345.00');
    expect(yuan(900719925474099)).toBe('9007199254740.99');
  });
  it('shares in basis points, floored; text', () => {
    expect(shareBp(1, 3)).toBe(3333);
    expect(shareBp(2, 3)).toBe(6666);
    expect(shareBp(0, 0)).toBeNull();
    expect(bpText(3333)).toBe('33.33%');
    expect(bpText(10000)).toBe('100.00%');
    expect(bpText(5)).toBe('0.05%');
    expect(bpText(null)).toBe('—');
  });
});
