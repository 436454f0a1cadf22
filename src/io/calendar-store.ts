/**
 * The working-day calendar in the database (tables `calendar`, `calendar_years`): seeded lazily
 * from the bundled rules/calendar-cn.json, extended by `sj rules calendar import FILE` (a user
 * adds a year without touching code).
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { calendarFromYears, parseCalendar, type CalendarFile, type CalendarYear, type WorkCalendar } from '../core/workdays.js';
import { SjError } from '../errors.js';
import { t } from '../messages/index.js';
import { writeTx, type DB } from './db.js';
import { RULES_DIR } from './paths.js';

export const BUNDLED_CALENDAR_FILE = 'calendar-cn.json';
export const BUNDLED_CALENDAR_SOURCE = `bundled:rules/${BUNDLED_CALENDAR_FILE}`;

let bundled: CalendarFile | undefined;

export function loadBundledCalendar(): CalendarFile {
  if (!bundled) {
    const v = parseCalendar(JSON.parse(readFileSync(join(RULES_DIR, BUNDLED_CALENDAR_FILE), 'utf8')));
    if (!v.calendar) throw new Error(`bundled calendar is invalid: ${v.problems.join('; ')}`);
    bundled = v.calendar;
  }
  return bundled;
}

/** Read and validate a calendar file; throws SjError listing every problem. */
export function readCalendarFile(file: string): CalendarFile {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8').replace(/^\ufeff/, ''));
  } catch (e) {
    throw new SjError(t('calendar.cannotRead', { file, message: (e as Error).message }));
  }
  const v = parseCalendar(json);
  if (!v.calendar) {
    throw new SjError(t('calendar.invalid', { file, n: v.problems.length }), {
      problems: v.problems.map((problem) => ({ file: basename(file), problem })),
    });
  }
  return v.calendar;
}

function storeYear(db: DB, y: CalendarYear, source: string): void {
  db.prepare("DELETE FROM calendar WHERE date >= ? AND date <= ?").run(`${y.year}-01-01`, `${y.year}-12-31`);
  const ins = db.prepare('INSERT INTO calendar(date, kind, name) VALUES (?, ?, ?)');
  for (const d of y.off) ins.run(d, 'off', '');
  for (const d of y.work) ins.run(d, 'work', '');
  db.prepare('INSERT INTO calendar_years(year, source) VALUES (?, ?) ON CONFLICT(year) DO UPDATE SET source = excluded.source').run(y.year, source);
}

const storedYears = (db: DB): Set<number> => new Set(db.prepare('SELECT year FROM calendar_years').pluck().all() as number[]);

/** Store the bundled years the database does not have yet (a user's own version of a year is kept). */
export function ensureCalendar(db: DB): void {
  if (db.readonly) return;
  const have = storedYears(db);
  const missing = loadBundledCalendar().years.filter((y) => !have.has(y.year));
  if (!missing.length) return;
  const fn = () => {
    const again = storedYears(db);
    for (const y of missing) if (!again.has(y.year)) storeYear(db, y, BUNDLED_CALENDAR_SOURCE);
  };
  if (db.inTransaction) fn();
  else writeTx(db, fn);
}

export interface CalendarYearInfo {
  year: number;
  source: string;
  off: string[];
  work: string[];
}

/** The calendar exceptions per year, as stored (bundled years too, for a read-only database). */
export function calendarYears(db: DB): CalendarYearInfo[] {
  ensureCalendar(db);
  const out = new Map<number, CalendarYearInfo>();
  for (const r of db.prepare('SELECT year, source FROM calendar_years ORDER BY year').all() as { year: number; source: string }[]) {
    out.set(r.year, { year: r.year, source: r.source, off: [], work: [] });
  }
  for (const r of db.prepare('SELECT date, kind FROM calendar ORDER BY date').all() as { date: string; kind: 'off' | 'work' }[]) {
    const y = out.get(Number(r.date.slice(0, 4)));
    if (y) y[r.kind].push(r.date);
  }
  if (db.readonly) {
    for (const y of loadBundledCalendar().years) if (!out.has(y.year)) out.set(y.year, { year: y.year, source: BUNDLED_CALENDAR_SOURCE, off: y.off, work: y.work });
  }
  return [...out.values()].sort((a, b) => a.year - b.year);
}

/** The working-day calendar of the database. */
export function loadCalendar(db: DB): WorkCalendar {
  return calendarFromYears(calendarYears(db));
}

export interface CalendarImport {
  added: number[];
  replaced: number[];
}

/** Add or replace the years of a user's calendar file (same format as rules/calendar-cn.json). */
export function importCalendar(db: DB, file: string): CalendarImport {
  const cal = readCalendarFile(file);
  ensureCalendar(db);
  const source = `file:${basename(file)}`;
  return writeTx(db, () => {
    const have = storedYears(db);
    const res: CalendarImport = { added: [], replaced: [] };
    for (const y of cal.years) {
      (have.has(y.year) ? res.replaced : res.added).push(y.year);
      storeYear(db, y, source);
    }
    return res;
  });
}
