/** The period options: a quarter (--quarter Q, most commands), or a quarter or a year (`sj report`, `sj check`, `sj fairness`). */
import { UsageError } from '../errors.js';
import { t } from '../messages/index.js';
import type { Period } from '../io/report-data.js';
import { parseQuarter, QUARTER_FORMS, type Quarter } from '../core/quarter.js';

/** --quarter Q, required, in any of the accepted forms. */
export function requireQuarter(v: string | undefined): Quarter {
  if (!v) throw new UsageError(t('draw.needQuarter'), QUARTER_FORMS.join(', '));
  const q = parseQuarter(v);
  if (!q) throw new UsageError(t('quarter.bad', { value: v }));
  return q;
}

/** --quarter or --year, exactly one. */
export function requirePeriod(opts: { quarter?: string; year?: string }): Period {
  if ((opts.quarter === undefined) === (opts.year === undefined)) throw new UsageError(t('report.needPeriod'), '--quarter 2023Q2 | --year 2023');
  if (opts.quarter !== undefined) return { kind: 'quarter', quarter: requireQuarter(opts.quarter) };
  const y = opts.year!.trim().replace(/年度?$/u, '');
  if (!/^\d{4}$/.test(y) || Number(y) < 1900) throw new UsageError(t('report.badYear', { value: opts.year! }));
  return { kind: 'year', year: Number(y) };
}
