/** Quarters: 2023Q2, 2023-Q2, 2023年第二季度 (also 2023年第2季度, 2023年二季度). Pure. */
export interface Quarter {
  year: number;
  q: 1 | 2 | 3 | 4;
  /** canonical id, e.g. "2023Q2" */
  id: string;
  /** first and last calendar day, YYYY-MM-DD */
  start: string;
  end: string;
  /** months 1..12 of the quarter */
  months: number[];
}

const CN: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, '1': 1, '2': 2, '3': 3, '4': 4 };

export function quarterOf(year: number, q: number): Quarter {
  if (!Number.isInteger(year) || year < 1900 || year > 9999 || ![1, 2, 3, 4].includes(q)) throw new RangeError(`bad quarter ${year}Q${q}`);
  const m0 = (q - 1) * 3 + 1;
  const lastDay = new Date(Date.UTC(year, m0 + 2, 0)).getUTCDate();
  const pad = (n: number) => String(n).padStart(2, '0');
  return {
    year,
    q: q as Quarter['q'],
    id: `${year}Q${q}`,
    start: `${year}-${pad(m0)}-01`,
    end: `${year}-${pad(m0 + 2)}-${pad(lastDay)}`,
    months: [m0, m0 + 1, m0 + 2],
  };
}

/** Parse a quarter argument; undefined when it is not one of the accepted forms. */
export function parseQuarter(s: string): Quarter | undefined {
  const v = s.trim();
  let m = /^(\d{4})-?[Qq]([1-4])$/.exec(v);
  if (m) return quarterOf(Number(m[1]), Number(m[2]));
  m = /^(\d{4})年?第?([一二三四1-4])季度?$/u.exec(v);
  if (m && /季/u.test(v)) return quarterOf(Number(m[1]), CN[m[2]!]!);
  return undefined;
}

/** The quarter a calendar date (YYYY-MM-DD) falls in. */
export function quarterOfDate(date: string): Quarter {
  const y = Number(date.slice(0, 4));
  const mo = Number(date.slice(5, 7));
  return quarterOf(y, Math.floor((mo - 1) / 3) + 1);
}

export const QUARTER_FORMS = ['2023Q2', '2023-Q2', '2023年第二季度'];

/** The day a plan or draw of a quarter is judged on (certificates valid, objects active), and why. */
export interface JudgeDate {
  date: string;
  /** today: the quarter has not ended; quarter-start: it has, so its first working day */
  basis: 'today' | 'quarter-start' | 'given';
}

/**
 * A plan or draw for a quarter is judged on a date inside that quarter's reach, never on a later
 * "today" (domain.md, Dates): today while the quarter has not ended (a draw made before or during
 * it), else the quarter's first working day. `firstWorkingDay(from)` is the calendar's first
 * working day on or after `from`.
 */
export function judgeDate(q: Quarter, today: string, firstWorkingDay: (from: string) => string): JudgeDate {
  if (today <= q.end) return { date: today, basis: 'today' };
  return { date: firstWorkingDay(q.start), basis: 'quarter-start' };
}

/** Has the quarter ended by `today`? (A draw for it then needs an explicit --date.) */
export const quarterEnded = (q: Quarter, today: string): boolean => today > q.end;
