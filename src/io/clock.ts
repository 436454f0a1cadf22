/**
 * The clock, outside the pure core. SJ_NOW (an ISO timestamp) freezes it, for tests and for
 * re-running a documented session; times are shown in China Standard Time (+08:00, no DST).
 */
export function now(): Date {
  const fixed = process.env.SJ_NOW;
  if (fixed) {
    const d = new Date(fixed);
    if (!Number.isNaN(d.getTime())) return d;
  }
  return new Date();
}

/** ISO 8601 in +08:00, e.g. 2023-04-03T09:00:00+08:00 */
export function isoCst(d: Date): string {
  const s = new Date(d.getTime() + 8 * 3600_000).toISOString();
  return s.slice(0, 19) + '+08:00';
}

/** The calendar date (YYYY-MM-DD) in China of an instant. */
export function dateCst(d: Date): string {
  return isoCst(d).slice(0, 10);
}

/** Today's date in China (YYYY-MM-DD), by the clock above. */
export function today(): string {
  return dateCst(now());
}

/** UTC ISO string used for stored instants (sortable as text). */
export function isoUtc(d: Date): string {
  return d.toISOString();
}

/** End of a calendar day in China (YYYY-MM-DD) as a stored UTC instant, for --as-of. */
export function endOfDayCst(date: string): string {
  return new Date(Date.parse(`${date}T23:59:59.999+08:00`)).toISOString();
}

/** Run one step with the clock frozen at `iso` (as SJ_NOW does), restoring it afterwards. */
export async function withClock<T>(iso: string, step: () => T | Promise<T>): Promise<T> {
  const prev = process.env.SJ_NOW;
  process.env.SJ_NOW = iso;
  try {
    return await step();
  } finally {
    if (prev === undefined) delete process.env.SJ_NOW;
    else process.env.SJ_NOW = prev;
  }
}
