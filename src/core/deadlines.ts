/**
 * Publication deadlines and follow-up ages in working days. Pure: the calendar and "today"
 * are passed in. A result is due for publication `days` working days after its inspection
 * (rules.deadlines.publicationWorkingDays, 20 by default); publishing on the due date is on time.
 */
import { addDays, type WorkCalendar } from './workdays.js';

/** How many working days before the due date count as "nearly due". */
export const DUE_SOON_WORKING_DAYS = 5;

export type DeadlineState = 'overdue' | 'due-soon' | 'ok';

export interface DeadlineStatus {
  /** the last day to publish on time */
  due: string;
  /** working days from today to the due date: > 0 left, 0 due today, < 0 overdue by -n */
  daysLeft: number;
  state: DeadlineState;
}

/** The publication due date: the `days`-th working day after the inspection date. */
export function publicationDue(cal: WorkCalendar, inspectionDate: string, days: number): string {
  return cal.addWorkingDays(inspectionDate, days);
}

/**
 * fn as a function for many dates, each date's value worked out once: the results of a quarter
 * share a few dozen inspection dates, and a deadline walks the calendar day by day.
 */
export function oncePerDate<T>(fn: (date: string) => T): (date: string) => T {
  const seen = new Map<string, T>();
  return (date) => {
    if (seen.has(date)) return seen.get(date)!;
    const v = fn(date);
    seen.set(date, v);
    return v;
  };
}

/**
 * publicationDue as a function for many dates: a date one day after the one asked before is
 * judged from that one's due date, not walked anew (a report judges every day of a year; the
 * walks cost about 0.1 s). The working days after d + 1 are those after d less d + 1 itself, so
 * d + 1's due date is d's when d + 1 is not a working day, else the working day after d's.
 */
export function publicationDueOf(cal: WorkCalendar, days: number): (inspectionDate: string) => string {
  let last: { date: string; due: string } | undefined;
  return (date) => {
    const due = last && days > 0 && date === addDays(last.date, 1)
      ? (cal.isWorkingDay(date) ? cal.addWorkingDays(last.due, 1) : last.due)
      : publicationDue(cal, date, days);
    last = { date, due };
    return due;
  };
}

export function deadlineStatus(
  cal: WorkCalendar, inspectionDate: string, today: string, days: number, soon = DUE_SOON_WORKING_DAYS,
): DeadlineStatus {
  const due = publicationDue(cal, inspectionDate, days);
  let daysLeft = cal.workingDaysBetween(today, due);
  // overdue from the day after the due date, even when that day is not a working day
  if (today > due && daysLeft === 0) daysLeft = -1;
  const state: DeadlineState = today > due ? 'overdue' : daysLeft <= soon ? 'due-soon' : 'ok';
  return { due, daysLeft, state };
}

/** Age of an open result: working days after the inspection date up to today (0 on the day). */
export function ageWorkingDays(cal: WorkCalendar, inspectionDate: string, today: string): number {
  return Math.max(0, cal.workingDaysBetween(inspectionDate, today));
}
