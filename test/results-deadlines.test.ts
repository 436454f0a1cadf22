import { describe, expect, it } from 'vitest';
import { ageWorkingDays, deadlineStatus, oncePerDate, publicationDue } from '../src/core/deadlines.js';
import { calendarFromYears } from '../src/core/workdays.js';
import { loadBundledCalendar } from '../src/io/calendar-store.js';

const cal = calendarFromYears(loadBundledCalendar().years);

describe('publication deadlines in working days (2023 calendar)', () => {
  it('counts across 劳动节 (4/29–5/3 off) and the make-up days 4/23 (Sun) and 5/6 (Sat)', () => {
    // 4/21, 4/23*, 4/24–4/28 (7), 5/4, 5/5, 5/6* (10), 5/8–5/12 (15), 5/15–5/19 (20)
    expect(publicationDue(cal, '2023-04-20', 20)).toBe('2023-05-19');
    // a weekends-only calendar would say 5/18
    expect(publicationDue(calendarFromYears([]), '2023-04-20', 20)).toBe('2023-05-18');
  });
  it('counts across 端午 (6/22–6/24 off, 6/25 worked)', () => {
    expect(publicationDue(cal, '2023-06-08', 20)).toBe('2023-07-07');
    expect(publicationDue(cal, '2023-05-29', 20)).toBe('2023-06-27');
  });
  it('counts across 国庆 (9/29–10/6 off, 10/7 and 10/8 worked)', () => {
    // 9/28 → 10/7 (1), 10/8 (2), 10/9–10/13 (7), 10/16–10/20 (12), 10/23–10/27 (17), 10/30, 10/31, 11/1 (20)
    expect(publicationDue(cal, '2023-09-28', 20)).toBe('2023-11-01');
  });
  it('states: ok, due soon (within 5 working days), due today, overdue', () => {
    expect(deadlineStatus(cal, '2023-06-08', '2023-06-20', 20)).toEqual({ due: '2023-07-07', daysLeft: 12, state: 'ok' });
    expect(deadlineStatus(cal, '2023-05-29', '2023-06-20', 20)).toEqual({ due: '2023-06-27', daysLeft: 4, state: 'due-soon' });
    expect(deadlineStatus(cal, '2023-05-29', '2023-06-27', 20)).toEqual({ due: '2023-06-27', daysLeft: 0, state: 'due-soon' });
    expect(deadlineStatus(cal, '2023-05-22', '2023-06-20', 20)).toEqual({ due: '2023-06-19', daysLeft: -1, state: 'overdue' });
    expect(deadlineStatus(cal, '2023-04-20', '2023-06-20', 20)).toEqual({ due: '2023-05-19', daysLeft: -22, state: 'overdue' });
    // the day after the due date is a holiday: overdue all the same
    expect(deadlineStatus(cal, '2023-05-24', '2023-06-22', 20).state).toBe('overdue');
  });
  it('age of an open result in working days', () => {
    expect(ageWorkingDays(cal, '2023-04-20', '2023-04-20')).toBe(0);
    expect(ageWorkingDays(cal, '2023-04-28', '2023-05-04')).toBe(1);
    expect(ageWorkingDays(cal, '2023-04-20', '2023-05-19')).toBe(20);
  });
});

describe('oncePerDate', () => {
  it('works out each date once and gives the same value after', () => {
    const asked: string[] = [];
    const f = oncePerDate((d) => {
      asked.push(d);
      return d === '2023-05-01' ? undefined : `${d}!`;
    });
    expect(['2023-04-03', '2023-05-01', '2023-04-03', '2023-05-01', '2023-04-04'].map(f)).toEqual(['2023-04-03!', undefined, '2023-04-03!', undefined, '2023-04-04!']);
    expect(asked).toEqual(['2023-04-03', '2023-05-01', '2023-04-04']);
  });
});
