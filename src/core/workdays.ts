/**
 * Working days (工作日): Monday to Friday, except official holidays, plus official make-up
 * days (调休) that fall on a weekend. The calendar of a year is data (rules/calendar-cn.json,
 * or a user's file of the same format). Pure. Dates are 'YYYY-MM-DD'; arithmetic on UTC-noon
 * Date objects, so no time zone or DST can shift a day.
 */
import { t } from '../messages/index.js';

export const CALENDAR_FORMAT = 'sj-calendar/1';
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** A real calendar date in YYYY-MM-DD form? */
export function isDate(s: unknown): s is string {
  if (typeof s !== 'string') return false;
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 12));
  return d.toISOString().slice(0, 10) === s;
}

export function toNoon(date: string): Date {
  if (!isDate(date)) throw new RangeError(`not a date (YYYY-MM-DD): ${date}`);
  return new Date(`${date}T12:00:00Z`);
}
export const fromNoon = (d: Date): string => d.toISOString().slice(0, 10);
export const addDays = (date: string, n: number): string => fromNoon(new Date(toNoon(date).getTime() + n * DAY_MS));
/** 0 = Sunday … 6 = Saturday */
export const weekday = (date: string): number => toNoon(date).getUTCDay();
export const isWeekend = (date: string): boolean => {
  const w = weekday(date);
  return w === 0 || w === 6;
};

/** Expand "a..b" (inclusive) or a single date into every date. */
export function expandRange(entry: string): string[] {
  const [a, b] = entry.split('..');
  toNoon(a!);
  if (b === undefined) return [a!];
  toNoon(b);
  return expand1(a!, b);
}

export interface CalendarData {
  off: Set<string>;
  work: Set<string>;
  years: Set<number>;
}

export class WorkCalendar {
  readonly off: ReadonlySet<string>;
  readonly work: ReadonlySet<string>;
  readonly years: ReadonlySet<number>;
  constructor(data: CalendarData) {
    this.off = new Set(data.off);
    this.work = new Set(data.work);
    this.years = new Set(data.years);
  }
  /** Is the calendar of this year known? (If not: weekends only; callers may warn.) */
  covers(year: number): boolean {
    return this.years.has(year);
  }
  isWorkingDay(date: string): boolean {
    if (this.work.has(date)) return true;
    if (this.off.has(date)) return false;
    return !isWeekend(date);
  }
  /**
   * n > 0: the n-th working day after `date`; n < 0: the |n|-th working day before it;
   * n = 0: `date` itself.
   */
  addWorkingDays(date: string, n: number): string {
    if (!Number.isSafeInteger(n)) throw new RangeError(`not an integer: ${n}`);
    let d = fromNoon(toNoon(date));
    const step = n >= 0 ? 1 : -1;
    let left = Math.abs(n);
    while (left > 0) {
      d = addDays(d, step);
      if (this.isWorkingDay(d)) left--;
    }
    return d;
  }
  /** Working days after `a` up to and including `b`; negative (the same count, reversed) if b < a. */
  workingDaysBetween(a: string, b: string): number {
    if (a === b) return 0;
    const [lo, hi, sign] = a < b ? [a, b, 1] : [b, a, -1];
    let n = 0;
    for (let d = addDays(lo, 1); d <= hi; d = addDays(d, 1)) if (this.isWorkingDay(d)) n++;
    // validate the inputs even when the loop never runs
    toNoon(a);
    toNoon(b);
    return sign * n;
  }
  /** The years not covered among those of the given dates. */
  uncovered(...dates: string[]): number[] {
    return [...new Set(dates.map((d) => Number(d.slice(0, 4))))].filter((y) => !this.covers(y)).sort();
  }
}

/** One year of a calendar file: exceptions, expanded to single dates. */
export interface CalendarYear {
  year: number;
  off: string[];
  work: string[];
}

export interface CalendarFile {
  name: string;
  years: CalendarYear[];
}

/** Parse and validate an sj-calendar/1 document; every problem names its JSON path. */
export function parseCalendar(x: unknown): { calendar?: CalendarFile; problems: string[] } {
  const problems: string[] = [];
  const p = (key: string, path: string, params: Record<string, string | number> = {}): void => void problems.push(t(`calendar.v.${key}`, { path, ...params }));
  if (typeof x !== 'object' || x === null || Array.isArray(x)) {
    p('notObject', '$');
    return { problems };
  }
  const doc = x as Record<string, unknown>;
  if (doc.format !== CALENDAR_FORMAT) p('format', 'format', { value: JSON.stringify(doc.format) ?? '—', format: CALENDAR_FORMAT });
  const name = typeof doc.name === 'string' && doc.name.trim() ? doc.name : (p('name', 'name'), '');
  const years: CalendarYear[] = [];
  if (typeof doc.years !== 'object' || doc.years === null || Array.isArray(doc.years)) {
    p('years', 'years');
    return { problems };
  }
  for (const [ys, body] of Object.entries(doc.years as Record<string, unknown>)) {
    const path = `years.${ys}`;
    if (!/^\d{4}$/.test(ys)) {
      p('yearKey', path, { value: ys });
      continue;
    }
    const year = Number(ys);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      p('yearBody', path);
      continue;
    }
    const b = body as Record<string, unknown>;
    const expand = (kind: 'off' | 'work'): string[] => {
      const list = b[kind];
      if (list === undefined) return [];
      if (!Array.isArray(list)) {
        p('list', `${path}.${kind}`);
        return [];
      }
      const out: string[] = [];
      list.forEach((e: unknown, i: number) => {
        const ep = `${path}.${kind}[${i}]`;
        if (typeof e !== 'string') return p('entry', ep, { value: JSON.stringify(e) ?? '—' });
        const [a, z, extra] = e.split('..');
        if (extra !== undefined || !isDate(a) || (z !== undefined && !isDate(z))) return p('entry', ep, { value: e });
        if (z !== undefined && z < a) return p('rangeOrder', ep, { value: e });
        for (const d of expand1(a, z ?? a)) {
          if (Number(d.slice(0, 4)) !== year) return p('otherYear', ep, { value: d, year });
          out.push(d);
        }
      });
      return out;
    };
    const off = expand('off');
    const work = expand('work');
    const offSet = new Set(off);
    for (const d of work) {
      if (offSet.has(d)) p('both', path, { value: d });
      else if (!isWeekend(d)) p('workWeekday', `${path}.work`, { value: d });
    }
    for (const k of Object.keys(b)) if (k !== 'off' && k !== 'work') p('unknownKey', `${path}.${k}`);
    years.push({ year, off: [...offSet].sort(), work: [...new Set(work)].sort() });
  }
  if (problems.length) return { problems };
  years.sort((a, b) => a.year - b.year);
  return { calendar: { name, years }, problems };
}

function expand1(a: string, b: string): string[] {
  const out: string[] = [];
  for (let d = a; d <= b; d = addDays(d, 1)) out.push(d);
  return out;
}

/** Build a WorkCalendar from parsed years. */
export function calendarFromYears(years: CalendarYear[]): WorkCalendar {
  const off = new Set<string>();
  const work = new Set<string>();
  const ys = new Set<number>();
  for (const y of years) {
    ys.add(y.year);
    y.off.forEach((d) => off.add(d));
    y.work.forEach((d) => work.add(d));
  }
  return new WorkCalendar({ off, work, years: ys });
}

/** Collapse sorted single dates into "a..b" ranges of consecutive days (for display and export). */
export function compressDates(dates: string[]): string[] {
  const sorted = [...dates].sort();
  const out: string[] = [];
  let start: string | undefined;
  let prev: string | undefined;
  for (const d of sorted) {
    if (prev && addDays(prev, 1) === d) {
      prev = d;
      continue;
    }
    if (start) out.push(start === prev ? start : `${start}..${prev}`);
    start = prev = d;
  }
  if (start) out.push(start === prev ? start : `${start}..${prev}`);
  return out;
}
