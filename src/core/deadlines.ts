/**
 * Publication deadlines and follow-up ages in working days. Pure: the calendar and "today"
 * are passed in. A result is due for publication `days` working days after its inspection
 * (rules.deadlines.publicationWorkingDays, 20 by default); publishing on the due date is on time.
 */
import type { WorkCalendar } from './workdays.js';

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
