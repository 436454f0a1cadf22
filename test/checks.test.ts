/** The target checks on constructed inputs: a quarter where every target is met, one where some are missed. */
import { describe, expect, it } from 'vitest';
import { neededForShare, runChecks, shareMet, type CheckInput, type TargetLine } from '../src/core/checks.js';
import { quarterOf } from '../src/core/quarter.js';
import type { StatsTask } from '../src/core/stats.js';
import { calendarFromYears } from '../src/core/workdays.js';
import { loadBundledCalendar } from '../src/io/calendar-store.js';

const C = '131100';
const A = '131102';
const B = '131103';
const Z = '131121'; // 枣强县: nothing in the roster, takes no part
const cal = calendarFromYears(loadBundledCalendar().years);

const task = (level: 'city' | 'county', region: string, no: string, x: Partial<StatsTask> = {}): StatsTask => ({
  taskNo: no, quarter: '2023Q2', level, region, class: 'key', method: 'onsite', joint: false, departmentJoint: false, creditBased: true, ...x,
});

/** a quarter where everything is met: city 3 tasks, each county 5 (1 positive) */
function metTasks(): StatsTask[] {
  const t: StatsTask[] = [
    task('city', C, 'c1', { class: 'special', joint: true, departmentJoint: true }),
    task('city', C, 'c2'),
    task('city', C, 'c3'),
  ];
  for (const r of [A, B]) {
    t.push(
      task('county', r, `${r}-1`, { class: 'special', joint: true, departmentJoint: true }),
      task('county', r, `${r}-2`, { joint: true }),
      task('county', r, `${r}-3`),
      task('county', r, `${r}-4`, { class: 'positive', method: 'offsite', creditBased: false }),
      task('county', r, `${r}-5`, { class: 'general' }),
    );
  }
  return t;
}

const base = (tasks: StatsTask[]): CheckInput => ({
  quarters: [quarterOf(2023, 2)],
  annualScope: '2023Q1-2023Q2',
  regions: [
    { code: C, name: '衡水市', level: 'city' },
    { code: A, name: '桃城区', level: 'county' },
    { code: B, name: '冀州区', level: 'county' },
    { code: Z, name: '枣强县', level: 'county' },
  ],
  tasks,
  results: [],
  required: [
    { quarter: '2023Q2', region: C, required: { special: 1, key: 2, positive: 0, general: 0 } },
    { quarter: '2023Q2', region: A, required: { special: 1, key: 2, positive: 1, general: 1 } },
    { quarter: '2023Q2', region: B, required: { special: 1, key: 2, positive: 1, general: 1 } },
    { quarter: '2023Q2', region: Z, required: { special: 0, key: 0, positive: 0, general: 0 } },
  ],
  positiveObjects: [
    { quarter: '2023Q2', region: A, count: 1 },
    { quarter: '2023Q2', region: B, count: 1 },
    { quarter: '2023Q2', region: Z, count: 0 },
  ],
  targets: { jointInternalShare: 3000, jointDepartmentPerQuarter: 1, creditBasedShare: 8000, positiveCoverage: 10000 },
  deadlines: { publicationWorkingDays: 20, summaryWorkingDaysBeforeQuarterEnd: 3, statisticsWorkingDaysAfterQuarterEnd: 3 },
  calendar: cal,
  today: '2023-07-10',
});

const find = (ls: TargetLine[], id: string, region: string, cls?: string) =>
  ls.filter((l) => l.id === id && l.region === region && (cls === undefined || l.class === cls));

describe('runChecks', () => {
  it('all met', () => {
    const r = runChecks(base(metTasks()));
    expect(r.targets.filter((l) => !l.met)).toEqual([]);
    expect(r.met).toBe(true);
    // 枣强县 takes no part: no lines
    expect(r.targets.filter((l) => l.region === Z)).toEqual([]);
    // class minimums: city 2 classes, counties 4 each
    expect(r.targets.filter((l) => l.id === 'classMinimum')).toHaveLength(10);
    // 桃城区 shares: joint 2/5 = 40%, credit 4/5 = 80% exactly (met)
    const j = find(r.targets, 'jointInternalShare', A)[0]!;
    expect([j.figure, j.numerator, j.denominator, j.met, j.needed, j.scope]).toEqual([4000, 2, 5, true, 0, '2023Q1-2023Q2']);
    const c = find(r.targets, 'creditBasedShare', A)[0]!;
    expect([c.figure, c.met, c.needed]).toEqual([8000, true, 0]);
    const p = find(r.targets, 'positiveCoverage', B)[0]!;
    expect([p.figure, p.numerator, p.denominator, p.met]).toEqual([10000, 1, 1, true]);
  });

  it('deadlines: informational, with the calendar (6/25 a make-up working day)', () => {
    const r = runChecks(base(metTasks()));
    const sum = r.targets.find((l) => l.id === 'quarterlySummary')!;
    const st = r.targets.find((l) => l.id === 'statisticsTable')!;
    // 2023-06-30 (Fri) − 3 working days: 6/29, 6/28, 6/27
    expect([sum.figure, sum.met, sum.informational, sum.passed]).toEqual(['2023-06-27', true, true, true]);
    // + 3 working days: 7/3, 7/4, 7/5
    expect([st.figure, st.met, st.passed]).toEqual(['2023-07-05', true, true]);
    const before = runChecks({ ...base(metTasks()), today: '2023-07-05' });
    expect(before.targets.find((l) => l.id === 'statisticsTable')!.passed).toBe(false);
    // 2023Q3 ends on a holiday (9/30); 10/7 and 10/8 are make-up working days
    const q3 = runChecks({ ...base([]), quarters: [quarterOf(2023, 3)], required: [], positiveObjects: [] });
    expect(q3.targets.find((l) => l.id === 'statisticsTable')!.figure).toBe('2023-10-09');
    expect(q3.targets.find((l) => l.id === 'quarterlySummary')!.figure).toBe('2023-09-26');
  });

  it('missed: shortfall, coverage, department joint, shares, overdue results', () => {
    const tasks = metTasks().filter((t) => !['c1', `${B}-4`, `${A}-2`].includes(t.taskNo));
    // take the department joint flag off 冀州区
    for (const t of tasks) if (t.region === B) t.departmentJoint = false;
    const input = base(tasks);
    input.results = [
      // inspected 2023-04-10: due 20 working days later (5/3 holiday, 4/23 worked) → overdue on 7/10
      { taskNo: `${A}-1`, date: '2023-04-10', outcome: '责令整改', fineFen: 0, rectified: false, confidential: false, publishedOn: null },
      { taskNo: `${A}-3`, date: '2023-04-10', outcome: '移送', fineFen: 0, rectified: false, confidential: true, publishedOn: null },
      { taskNo: `${B}-1`, date: '2023-04-10', outcome: '未发现问题', fineFen: 0, rectified: false, confidential: false, publishedOn: '2023-04-11' },
    ];
    const r = runChecks(input);
    expect(r.met).toBe(false);
    const missed = r.targets.filter((l) => !l.met).map((l) => `${l.id}/${l.region}${l.class ? '/' + l.class : ''}/${l.needed}`);
    expect(missed.sort()).toEqual([
      `classMinimum/${A}/key/1`, // A-2 removed: 1 of 2
      `classMinimum/${B}/positive/1`,
      `classMinimum/${C}/special/1`, // c1 removed
      `creditBasedShare/${A}/1`, // 3/4 = 75%: (3+1)/(4+1) = 80%
      `jointDepartment/${B}/1`,
      `jointDepartment/${C}/1`,
      `jointInternalShare/${A}/1`, // 1/4 = 25%: (1+1)/(4+1) = 40%
      `jointInternalShare/${C}/1`, // 0/2: (0+1)/(2+1) = 33%
      `positiveCoverage/${B}/positive/1`,
      `publication/${A}/1`, // A-1 overdue; A-3 confidential
    ].sort());
    const j = find(r.targets, 'jointInternalShare', A)[0]!;
    expect([j.figure, j.numerator, j.denominator, j.met]).toEqual([2500, 1, 4, false]);
  });

  it('publication due with the 2023 calendar: on the due date not overdue, the day after overdue', () => {
    // 2023-06-01 + 20 working days: 6/2, 6/5–9, 6/12–16, 6/19–21 (14), 6/22–24 off, 6/25 (Sun) worked (15), 6/26–30 → 2023-06-30
    expect(cal.addWorkingDays('2023-06-01', 20)).toBe('2023-06-30');
    const tasks = metTasks();
    const res = [{ taskNo: `${A}-1`, date: '2023-06-01', outcome: '发现问题', fineFen: 0, rectified: false, confidential: false, publishedOn: null }];
    expect(find(runChecks({ ...base(tasks), results: res, today: '2023-06-30' }).targets, 'publication', A)[0]!.met).toBe(true);
    expect(find(runChecks({ ...base(tasks), results: res, today: '2023-07-01' }).targets, 'publication', A)[0]!.met).toBe(false);
  });

  it('a year: quarter-scoped targets per started quarter', () => {
    const t = metTasks();
    const q1 = t.map((x) => ({ ...x, taskNo: `q1-${x.taskNo}`, quarter: '2023Q1' }));
    const input = base([...q1, ...t]);
    input.quarters = [quarterOf(2023, 1), quarterOf(2023, 2)];
    input.annualScope = '2023';
    input.required = [...input.required, ...input.required.map((e) => ({ ...e, quarter: '2023Q1' }))];
    input.positiveObjects = [...input.positiveObjects, ...input.positiveObjects.map((e) => ({ ...e, quarter: '2023Q1' }))];
    const r = runChecks(input);
    expect(r.met).toBe(true);
    expect(r.targets.filter((l) => l.id === 'jointDepartment').map((l) => l.scope)).toEqual(['2023Q1', '2023Q1', '2023Q1', '2023Q2', '2023Q2', '2023Q2']);
    expect(find(r.targets, 'jointInternalShare', A)[0]!).toMatchObject({ scope: '2023', numerator: 4, denominator: 10 });
  });
});

describe('share arithmetic', () => {
  it('neededForShare: smallest k with (j+k)/(n+k) >= threshold', () => {
    expect(neededForShare(0, 0, 3000)).toBe(0);
    expect(neededForShare(3, 10, 3000)).toBe(0);
    expect(neededForShare(2, 10, 3000)).toBe(2); // (2+1)/11 = 27.3%, (2+2)/12 = 33.3%
    expect(neededForShare(0, 100, 3000)).toBe(43); // 43/143 = 30.07%, 42/142 = 29.58%
    expect(neededForShare(10, 100, 8000)).toBe(350); // 360/450 = 80%
    expect(neededForShare(1, 2, 10000)).toBeNull();
    // brute force agrees
    for (let n = 0; n < 40; n++) {
      for (let j = 0; j <= n; j++) {
        for (const thr of [3000, 8000, 3333, 1]) {
          let k = 0;
          while ((j + k) * 10000 < thr * (n + k)) k++;
          expect(neededForShare(j, n, thr)).toBe(k);
        }
      }
    }
  });
  it('shareMet is exact', () => {
    expect(shareMet(3, 10, 3000)).toBe(true);
    expect(shareMet(2999, 10000, 3000)).toBe(false);
    expect(shareMet(1, 3, 3333)).toBe(true);
    expect(shareMet(0, 0, 3000)).toBe(true);
  });
});
