import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compressDates, expandRange, parseCalendar, WorkCalendar } from '../src/core/workdays.js';
import { openDb } from '../src/io/db.js';
import { calendarYears, importCalendar, loadBundledCalendar, loadCalendar } from '../src/io/calendar-store.js';
import { setLang } from '../src/messages/index.js';

setLang('en');
const cal = (): WorkCalendar => {
  const db = openDb(':memory:');
  try {
    return loadCalendar(db);
  } finally {
    db.close();
  }
};

describe('the bundled calendar', () => {
  it('has 2023 exactly as the domain gives it, 2024 and 2025', () => {
    const c = loadBundledCalendar();
    expect(c.name).toBe('cn');
    const y2023 = c.years.find((y) => y.year === 2023)!;
    expect(compressDates(y2023.off)).toEqual([
      '2023-01-01..2023-01-02', '2023-01-21..2023-01-27', '2023-04-05', '2023-04-29..2023-05-03', '2023-06-22..2023-06-24', '2023-09-29..2023-10-06',
    ]);
    expect(y2023.work).toEqual(['2023-01-28', '2023-01-29', '2023-04-23', '2023-05-06', '2023-06-25', '2023-10-07', '2023-10-08']);
    expect(c.years.map((y) => y.year)).toEqual([2023, 2024, 2025]);
  });
});

describe('WorkCalendar', () => {
  const c = cal();

  it('knows 2023 holidays and make-up days', () => {
    expect(c.isWorkingDay('2023-04-05')).toBe(false); // 清明, a Wednesday
    expect(c.isWorkingDay('2023-04-23')).toBe(true); // Sunday, make-up day
    expect(c.isWorkingDay('2023-05-06')).toBe(true); // Saturday, make-up day
    expect(c.isWorkingDay('2023-05-01')).toBe(false);
    expect(c.isWorkingDay('2023-05-04')).toBe(true);
    expect(c.isWorkingDay('2023-05-07')).toBe(false); // ordinary Sunday
  });

  it('adds working days across May Day 2023', () => {
    // Fri 4/28 → 4/29 (Sat) … 5/3 are off → 5/4 Thu is the first working day after
    expect(c.addWorkingDays('2023-04-28', 1)).toBe('2023-05-04');
    expect(c.addWorkingDays('2023-04-28', 2)).toBe('2023-05-05');
    expect(c.addWorkingDays('2023-04-28', 3)).toBe('2023-05-06'); // Saturday make-up day
    expect(c.addWorkingDays('2023-04-28', 4)).toBe('2023-05-08');
    // Fri 4/21 + 1 = Sun 4/23 (make-up day)
    expect(c.addWorkingDays('2023-04-21', 1)).toBe('2023-04-23');
  });

  it('adds working days across the National Day week, both ways', () => {
    // Thu 9/28 → 9/29 … 10/6 off → Sat 10/7, Sun 10/8 worked → Mon 10/9
    expect(c.addWorkingDays('2023-09-28', 1)).toBe('2023-10-07');
    expect(c.addWorkingDays('2023-09-28', 2)).toBe('2023-10-08');
    expect(c.addWorkingDays('2023-09-28', 3)).toBe('2023-10-09');
    expect(c.addWorkingDays('2023-10-09', -1)).toBe('2023-10-08');
    expect(c.addWorkingDays('2023-10-09', -3)).toBe('2023-09-28');
    expect(c.addWorkingDays('2023-10-01', 0)).toBe('2023-10-01');
    // 20 working days after 2023-09-25 (Mon): 9/26, 9/27, 9/28, 10/7, 10/8, then 10/9 … = 15 more
    // 10/9–13 (5) → 10, 10/16–20 (5) → 15, 10/23–27 (5) → 20
    expect(c.addWorkingDays('2023-09-25', 20)).toBe('2023-10-27');
  });

  it('counts working days between two dates', () => {
    expect(c.workingDaysBetween('2023-09-28', '2023-10-09')).toBe(3);
    expect(c.workingDaysBetween('2023-10-09', '2023-09-28')).toBe(-3);
    expect(c.workingDaysBetween('2023-05-04', '2023-05-04')).toBe(0);
    // Q2 2023: April 20 weekdays − 4/5 + 4/23 = 20; May 23 − 3 (5/1–3) + 5/6 = 21; June 22 − 2 (6/22, 6/23) + 6/25 = 21
    expect(c.workingDaysBetween('2023-03-31', '2023-06-30')).toBe(62);
    for (const [a, n] of [['2023-03-31', 62], ['2023-09-25', 20]] as const) {
      expect(c.workingDaysBetween(a, c.addWorkingDays(a, n))).toBe(n);
    }
  });

  it('knows 2024 (State Council notice)', () => {
    expect(c.isWorkingDay('2024-02-04')).toBe(true); // Sunday make-up
    expect(c.isWorkingDay('2024-02-16')).toBe(false); // 春节
    expect(c.addWorkingDays('2024-09-30', 1)).toBe('2024-10-08');
    expect(c.isWorkingDay('2024-10-12')).toBe(true);
  });

  it('falls back to weekends for a year not covered, and says so', () => {
    expect(c.covers(2023)).toBe(true);
    expect(c.covers(2030)).toBe(false);
    expect(c.isWorkingDay('2030-10-01')).toBe(true); // a Tuesday; no holiday data
    expect(c.isWorkingDay('2030-10-05')).toBe(false); // Saturday
    expect(c.uncovered('2029-12-31', '2030-01-02', '2023-01-01')).toEqual([2029, 2030]);
  });

  it('expands ranges to every date', () => {
    expect(expandRange('2023-02-27..2023-03-02')).toEqual(['2023-02-27', '2023-02-28', '2023-03-01', '2023-03-02']);
    expect(expandRange('2024-02-29')).toEqual(['2024-02-29']);
    expect(() => expandRange('2023-02-29')).toThrow();
  });
});

describe('calendar files', () => {
  it('reports every problem with its path', () => {
    const v = parseCalendar({
      format: 'sj-calendar/1', name: 'x',
      years: { '2026': { off: ['2026-01-01', '2026-13-01', '2026-02-10..2026-02-01', '2027-01-01'], work: ['2026-01-05', '2026-01-01'], extra: [] }, '26': {} },
    });
    expect(v.calendar).toBeUndefined();
    const text = v.problems.join('\n');
    expect(text).toContain('years.2026.off[1]');
    expect(text).toContain('years.2026.off[2]');
    expect(text).toContain('years.2026.off[3]');
    expect(text).toContain('years.2026.work'); // 2026-01-05 is a Monday
    expect(text).toContain('2026-01-01 is listed both');
    expect(text).toContain('years.2026.extra');
    expect(text).toContain('years.26');
  });

  it('lets a user add and replace years without touching code', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sj-cal-'));
    const file = join(dir, 'cal.json');
    writeFileSync(file, JSON.stringify({
      format: 'sj-calendar/1', name: 'cn',
      years: { '2026': { off: ['2026-01-01..2026-01-02'], work: ['2026-01-04'] }, '2023': { off: ['2023-04-05'], work: [] } },
    }));
    const db = openDb(':memory:');
    expect(loadCalendar(db).covers(2026)).toBe(false);
    expect(importCalendar(db, file)).toEqual({ added: [2026], replaced: [2023] });
    const c = loadCalendar(db);
    expect(c.covers(2026)).toBe(true);
    expect(c.isWorkingDay('2026-01-02')).toBe(false);
    expect(c.isWorkingDay('2026-01-04')).toBe(true);
    expect(c.isWorkingDay('2023-05-02')).toBe(true); // 2023 replaced by the user's version
    expect(calendarYears(db).find((y) => y.year === 2023)!.source).toBe('file:cal.json');
    expect(calendarYears(db).find((y) => y.year === 2024)!.source).toBe('bundled:rules/calendar-cn.json');
    db.close();
  });
});
