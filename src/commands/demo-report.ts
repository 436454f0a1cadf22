/** The last step of `sj demo`: the quarter's statistics table (xlsx + on stdout) and the target check. */
import { join } from 'node:path';
import { parseQuarter } from '../core/quarter.js';
import type { DB } from '../io/db.js';
import { checkReport, gatherReport, reportRows } from '../io/report-data.js';
import { reportText, writeReportXlsx } from '../io/report-xlsx.js';
import { t } from '../messages/index.js';
import type { App } from './app.js';
import { targetName } from './check.js';

export async function demoReport(app: App, db: DB, outDir: string, quarter: string, json: boolean): Promise<Record<string, unknown>> {
  const ctx = gatherReport(db, { kind: 'quarter', quarter: parseQuarter(quarter)! });
  const rows = reportRows(ctx);
  const file = join(outDir, `stats-${quarter}.xlsx`);
  await writeReportXlsx(file, ctx, rows);
  const check = checkReport(ctx);
  const missed = check.targets.filter((l) => !l.met);
  if (!json) {
    app.out.data(reportText(ctx, rows));
    app.out.info(`  ${file}`);
    app.out.info(t('demo.check', { total: check.targets.length, missed: missed.length }));
    for (const l of missed.slice(0, 8)) app.out.warn(`  ${targetName(l)} ${l.regionName ?? l.region}`);
    if (missed.length > 8) app.out.warn('  …');
    app.out.info(t('demo.checkHint', { quarter }));
  }
  return { report: file, check: { met: check.met, targets: check.targets.length, missed: missed.length } };
}
