/** The period option of `sj report`, `sj check` and `sj fairness`: --quarter Q or --year Y. */
import { UsageError } from '../errors.js';
import { t } from '../messages/index.js';
import type { Period } from '../io/report-data.js';
import { requireQuarter } from './draw-scope.js';

/** --quarter or --year, exactly one. */
export function requirePeriod(opts: { quarter?: string; year?: string }): Period {
  if ((opts.quarter === undefined) === (opts.year === undefined)) throw new UsageError(t('report.needPeriod'), '--quarter 2023Q2 | --year 2023');
  if (opts.quarter !== undefined) return { kind: 'quarter', quarter: requireQuarter(opts.quarter) };
  const y = opts.year!.trim().replace(/年度?$/u, '');
  if (!/^\d{4}$/.test(y) || Number(y) < 1900) throw new UsageError(t('report.badYear', { value: opts.year! }));
  return { kind: 'year', year: Number(y) };
}
